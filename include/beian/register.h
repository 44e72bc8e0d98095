/*
 * beian/register.h - the register (台账): one row per record of the archive, filtered, as
 * CSV (UTF-8 with a BOM, for Excel), JSON, or a display list of A4 landscape pages drawn in
 * the forms' style (title lines, ruled table, body font) for the annual report.
 *
 * The rows come from beian_archive_facts; the register only selects and formats them.
 */
#ifndef BEIAN_REGISTER_H
#define BEIAN_REGISTER_H

#include <stddef.h>

#include "beian/archive.h"
#include "beian/common.h"
#include "beian/dlist.h"

typedef struct {
    int state_set;      /* filter by state */
    beian_state state;
    const char *form;   /* form id, or NULL */
    const char *unit;   /* a part of the unit's name (主办单位/申请单位/所属部门), or NULL */
    int year;           /* the year in the record number (the year filed), 0: any */
} beian_register_filter;

/* 1 when r passes the filter. */
int beian_register_match(const beian_record_facts *r, const beian_register_filter *f);
/* 新媒体平台, 网络工作群 or 其他 (by the record number's prefix; static). */
const char *beian_register_kind(const beian_record_facts *r);

/* The register's columns, in order (Chinese headings, for every format). */
#define BEIAN_REGISTER_COLUMNS 10
extern const char *const beian_register_headings[BEIAN_REGISTER_COLUMNS];
/* The cells of one row (static or borrowed from r; cell 9 is written into buf). */
void beian_register_cells(const beian_record_facts *r, const char *cells[BEIAN_REGISTER_COLUMNS],
                          char buf[16]);

/* CSV: a UTF-8 BOM, a heading line, one line per record (RFC 4180 quoting, CRLF). */
int beian_register_csv(const beian_record_facts *const *rows, size_t n, char **out, size_t *len);
/* JSON: an array of objects (record, kind, form, name, unit, admin, state, state_label, event,
 * event_label, date, version). */
int beian_register_json(const beian_record_facts *const *rows, size_t n, char **out,
                        size_t *len);
/*
 * The register as A4 landscape pages: title lines, a heading line (the filter, the date when
 * given: never the clock), a ruled table with the headings repeated on every page, and
 * 第n页/共N页. *out is the caller's (beian_dlist_free).
 */
int beian_register_layout(beian_ctx *ctx, const beian_record_facts *const *rows, size_t n,
                          const char *subtitle, const char *date, beian_dlist **out,
                          beian_problems *pr);

#endif
