/*
 * ttf_tables.h - the table half of the TrueType rescaler (ttf_tables.c): the table
 * directory read from the input, the metric tables rewritten from the new glyphs, and the
 * output font assembled with its checksums.
 */
#ifndef BEIAN_TTF_TABLES_H
#define BEIAN_TTF_TABLES_H

#include <stddef.h>
#include <stdint.h>

#include "ttf_glyf.h"

typedef struct {
    uint32_t tag;
    const unsigned char *data; /* into the input, or into owned */
    size_t len;
    unsigned char *owned;
} table;

/* Reads the table directory of font[0..len) into *out (malloc'd, *count entries); every table
 * lies inside the file and none is one the rescaler refuses. Returns BEIAN_OK, BEIAN_EDATA or
 * BEIAN_EINTERNAL. */
int beian_ttf_read_directory(const unsigned char *font, size_t len, table **out, size_t *count);

/* The table with this tag among t[0..n), or NULL. */
table *beian_ttf_find_table(table *t, size_t n, uint32_t tag);

/*
 * After the glyf pass (rs->glyphs, rs->new_loca): rewrites maxp, hmtx, hhea, loca and head,
 * and OS/2 and post when the font has them, each into bytes the table owns. hmtx holds
 * n_metrics long metrics. Returns BEIAN_OK, BEIAN_EDATA or BEIAN_EINTERNAL.
 */
int beian_ttf_rewrite_tables(rescaler *rs, table *t, size_t nt, size_t n_metrics);

/*
 * Drops the tables the result leaves out (hinting, DSIG; their owned bytes are freed and
 * *nt shrinks), then lays out the font: directory in tag order, 4-byte aligned tables,
 * checksums and head.checkSumAdjustment. *out is malloc'd (*out_len bytes).
 */
int beian_ttf_assemble(table *t, size_t *nt, unsigned char **out, size_t *out_len);

#endif
