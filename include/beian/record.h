/*
 * beian/record.h - the filled data of one form, read from JSON and validated.
 *
 * A data file is {"form": ID, "fields": {...}, "date": "YYYY-MM-DD"?}. Validation checks
 * every field by its type and limit and collects every problem (with file, line, field id
 * and Chinese label) before returning; nothing is rendered from a record with errors.
 */
#ifndef BEIAN_RECORD_H
#define BEIAN_RECORD_H

#include "beian/common.h"
#include "beian/date.h"
#include "beian/form.h"

typedef struct {
    const beian_form *form; /* borrowed unless owns_form */
    int owns_form;
    char *path;             /* the data file, for messages and relative picture paths */
    char **values;          /* one per form field, normalised; NULL when absent or empty */
    int *lines;             /* line of each field in the data file, 0 when unknown */
    char *date;             /* the day the form was filled (填表日期) YYYY-MM-DD, or NULL */
    char *record_no;        /* archive number (XMT-2026-0007), NULL for a draft */
    int version;            /* archive version, 0 for a draft */
    int date_line;          /* line of "date" in the data file, 0 when unknown */
} beian_record;

/* Largest data file beian reads. */
#define BEIAN_RECORD_MAX_BYTES (1024 * 1024)

/*
 * Reads a data file and loads its form. On BEIAN_EDATA the problems say everything that is
 * wrong (all at once); on BEIAN_ENOINPUT the file is missing; BEIAN_ECONFIG when the form
 * definition is bad. *out is set only on BEIAN_OK and then owns its form.
 */
int beian_record_read_file(beian_ctx *ctx, const char *path, beian_record **out,
                           beian_problems *problems);
int beian_record_read_buffer(beian_ctx *ctx, const char *path, const unsigned char *data,
                             size_t len, beian_record **out, beian_problems *problems);
/* An empty record of a form (for blank forms and batch rows); the form is borrowed. */
beian_record *beian_record_new(const beian_form *form);
/* Sets a field value (copied); "" clears it. */
int beian_record_set(beian_record *rec, int field, const char *value, int line);
/*
 * Rewrites what a person typed into the spelling the record keeps (and its digest hashes), with
 * a note (BEIAN_SEV_NOTE, naming the field) for each value it changed: full-width ASCII and
 * U+3000 as half-width in phone, e-mail, number, count and date fields (１３８９５１８７７０２
 * -> 13895187702), and dates as beian_date_parse reads them as YYYY-MM-DD (2026/9/8 ->
 * 2026-09-08), the record's "date" too. A value already right is left as it is; one that
 * cannot be read is left for beian_record_validate to refuse. The reader calls it on every
 * data file; a caller building a record in memory calls it before validating. Returns
 * BEIAN_OK or BEIAN_EINTERNAL (no memory).
 */
int beian_record_normalise(beian_record *rec, beian_problems *problems);
/* Checks every field; appends every problem; returns BEIAN_OK or BEIAN_EDATA. */
int beian_record_validate(const beian_record *rec, beian_problems *problems);
void beian_record_free(beian_record *rec);

/*
 * The record's canonical JSON: {"date":...,"fields":{id: value, ...},"form":ID}, keys sorted,
 * absent fields left out, compact, UTF-8. Its SHA-256 names the data on the tracking code and
 * in the archive. *json is malloc'd (NUL-terminated); *len excludes the NUL.
 */
int beian_record_canonical(const beian_record *rec, char **json, size_t *len);
/* SHA-256 of the canonical JSON as 64 lowercase hex digits into out. */
int beian_record_digest(const beian_record *rec, char out[BEIAN_SHA256_HEX_SIZE]);

/* Value of field id, or NULL. */
const char *beian_record_get(const beian_record *rec, const char *id);

#endif
