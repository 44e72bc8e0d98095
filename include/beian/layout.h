/*
 * beian/layout.h - the only stage that knows geometry: form + record -> display list.
 *
 * Text wraps inside its cell by the Chinese line-breaking rules, shrinks step by step down
 * to the form's minimum size, and when it still does not fit either continues on a 附页
 * (fields marked "continuation") or is reported as a problem naming the field. Nothing is
 * ever cut. A character that no font has is reported with its code point and the field.
 */
#ifndef BEIAN_LAYOUT_H
#define BEIAN_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "beian/common.h"
#include "beian/dlist.h"
#include "beian/form.h"
#include "beian/record.h"

typedef struct {
    int blank;             /* an empty form to fill by hand (record may be NULL) */
    int tracking;          /* print the tracking footer (record, version, date, QR) */
    const char *record_no; /* archive number (XMT-2026-0007); NULL prints 草稿 (a draft) */
    int version;           /* archive version, 0 for a draft */
    const char *date;      /* YYYY-MM-DD for the footer; NULL: the record's "date" */
    const char *reprint;   /* a reprint mark (补打 ...) printed on every page, or NULL */
    int no_seal_mark;      /* leave out the dashed seal circle (a unit that stamps elsewhere) */
    /* a reprint's tracking code: which copy (beian/tracking.h; 0 the form itself) and the
     * archived record's digest (64 hex digits) when the page prints other (masked) data */
    int tracking_copy;
    const char *tracking_digest;
} beian_layout_options;

#define BEIAN_LAYOUT_OPTIONS_INIT {0, 1, NULL, 0, NULL, NULL, 0, 0, NULL}

/*
 * Lays out one form. On BEIAN_EDATA the problems name each field that cannot be printed;
 * *out is set only on BEIAN_OK and owned by the caller.
 */
int beian_layout_form(beian_ctx *ctx, const beian_form *form, const beian_record *rec,
                      const beian_layout_options *opts, beian_dlist **out,
                      beian_problems *problems);

/* One wrapped line: bytes [start, end) of the text, and its width in points. */
typedef struct {
    size_t start, end;
    double width;
} beian_line;

/*
 * Wraps text (UTF-8, may contain line feeds) to width at size along the role's font chain.
 * *lines is malloc'd. Characters no font has are measured as zero and listed in *missing
 * (malloc'd, may be NULL) so the caller can report them. *forced (may be NULL) is set when a
 * word (an e-mail address, a link) had to be broken between characters.
 */
int beian_layout_wrap(const beian_fonts *fonts, beian_font_role role, const char *text,
                      double size, double width, beian_line **lines, size_t *nlines,
                      uint32_t **missing, size_t *nmissing, int *forced);

#endif
