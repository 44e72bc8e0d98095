/*
 * beian/font.h - fonts by role, coverage, metrics and per-document subsets.
 *
 * fonts/fonts.json maps roles (title, body, fallback chain) to candidate files; a name
 * without a slash is looked up in the fonts directory first, so a licensed face a user drops
 * there (方正小标宋, 仿宋_GB2312) wins over the system's free fonts. Any other TrueType file
 * dropped there joins the front of the fallback chain. Faces are parsed once per process
 * (harfbuzz); each document embeds a subset with only the characters it prints.
 */
#ifndef BEIAN_FONT_H
#define BEIAN_FONT_H

#include <stddef.h>
#include <stdint.h>

#include "beian/common.h"

typedef struct beian_fonts beian_fonts;

typedef enum { BEIAN_ROLE_BODY = 0, BEIAN_ROLE_TITLE = 1 } beian_font_role;

/* The fonts of the context, loaded on first use (BEIAN_ECONFIG when none is usable). */
int beian_ctx_fonts(beian_ctx *ctx, beian_fonts **out);
void beian_fonts_free(beian_fonts *fonts);

/* Number of faces in the set, and each face's file, TTC index and family name. */
size_t beian_fonts_count(const beian_fonts *fonts);
const char *beian_fonts_path(const beian_fonts *fonts, int face);
int beian_fonts_index(const beian_fonts *fonts, int face);
const char *beian_fonts_name(const beian_fonts *fonts, int face);
/* SHA-256 of the face's file as lowercase hex (for provenance). */
const char *beian_fonts_digest(const beian_fonts *fonts, int face);

/* The first face along the role's chain that has cp, or -1 when none has it. */
int beian_fonts_lookup(const beian_fonts *fonts, beian_font_role role, uint32_t cp);
/*
 * Why cp cannot be printed along the role's chain (a sentence for a message: "is in none of
 * the installed fonts; ..."), or NULL when a face has it. Private-use characters are never
 * printed from data: they have no agreed meaning and print differently in every font.
 */
const char *beian_fonts_unprintable(const beian_fonts *fonts, beian_font_role role, uint32_t cp);

/*
 * Adds to pr an error for each distinct character of the UTF-8 text (at most 16) that role's
 * fonts cannot print — "the character U+XXXX "c" <why>", why as beian_fonts_unprintable says
 * it — at file:line, naming field and label (either may be NULL). Newlines are not checked.
 * Returns how many were reported.
 */
int beian_fonts_report_unprintable(const beian_fonts *fonts, beian_font_role role, const char *text,
                                   beian_problems *pr, const char *file, int line,
                                   const char *field, const char *label);
/* 1 for the private-use code points (U+E000-U+F8FF, planes 15 and 16). */
int beian_fonts_private_use(uint32_t cp);
/*
 * The face that prints cp from data along the role's chain: beian_fonts_lookup, except that
 * a private-use character is never printed (-1): it has no agreed meaning, and the PDF
 * backend uses U+E000-U+F8FF to carry the characters above U+FFFF. The layout measures and
 * the display list draws with this one answer.
 */
int beian_fonts_face_for(const beian_fonts *fonts, beian_font_role role, uint32_t cp);

/* Units per em of face's embedded program (64 when rescaled, else the face's own). */
unsigned beian_fonts_embed_upem(const beian_fonts *fonts, int face);

/* 1 when face has CFF outlines (beian_fonts_subset then gives an OpenType CFF font). */
int beian_fonts_is_cff(const beian_fonts *fonts, int face);

/* The i-th face of the role's chain (its first face first, then the fallbacks), and the
 * i-th face of the Latin list; -1 past the end. */
int beian_fonts_chain(const beian_fonts *fonts, beian_font_role role, size_t i);
int beian_fonts_latin(const beian_fonts *fonts, size_t i);
/* 1 when the i-th Latin face prints in role (its first face has no proportional Latin). */
int beian_fonts_latin_used(const beian_fonts *fonts, beian_font_role role, size_t i);

/*
 * What `beian fonts` prints (malloc'd text, caller frees; NULL without memory): the file that
 * serves each role (title, body, Latin with its scale per role) and each role's chain in
 * lookup order. When text is not NULL, then which of its characters each face prints in
 * role, and those no face prints, one line a face.
 */
char *beian_fonts_describe(const beian_fonts *fonts, beian_font_role role, const char *text);

/*
 * The factor by which face is drawn in role: the Latin faces of fonts.json's "latin" list
 * print letters and digits before the role's chain, scaled to the height of the role's
 * first (Chinese) face, so a line has one visual size; 1.0 for every other face. Widths and
 * sizes are the face's advance and the nominal size times this factor.
 */
double beian_fonts_scale(const beian_fonts *fonts, beian_font_role role, int face);

/*
 * The outline stroke, in em, that role's text is drawn with as a synthetic bold: the title
 * wants a heavier face than the body (方正小标宋 beside 仿宋), so when the configuration
 * found no title face of its own (the title's first face is the body's) its text is filled
 * and stroked with BEIAN_FONTS_EMBOLDEN em; 0 otherwise.
 */
#define BEIAN_FONTS_EMBOLDEN 0.03
double beian_fonts_embolden(const beian_fonts *fonts, beian_font_role role);

/* Glyph id of cp in face (0 when absent). */
uint32_t beian_fonts_glyph(const beian_fonts *fonts, int face, uint32_t cp);
/* Advance width of cp in face, in 1/1000 em, truncated as libharu does. */
int beian_fonts_advance(const beian_fonts *fonts, int face, uint32_t cp);
/* Ascender and descender of face in 1/1000 em. */
void beian_fonts_extents(const beian_fonts *fonts, int face, int *ascent, int *descent);

/* Receives a glyph outline in em units (1.0 = one em), y up. */
typedef struct {
    void (*move_to)(void *user, double x, double y);
    void (*line_to)(void *user, double x, double y);
    void (*quad_to)(void *user, double cx, double cy, double x, double y);
    void (*cubic_to)(void *user, double c1x, double c1y, double c2x, double c2y, double x,
                     double y);
    void (*close_path)(void *user);
} beian_outline_sink;

/* Draws the outline of glyph gid of face into sink. */
void beian_fonts_outline(const beian_fonts *fonts, int face, uint32_t gid,
                         const beian_outline_sink *sink, void *user);

/*
 * A TrueType subset of face (a TrueType face; a CFF face's program is
 * beian_fonts_cff_program's) with exactly the code points cps[0..n) (and what their glyphs
 * need) for embedding in a PDF: glyphs and metrics only (no cmap, name, post, OS/2, hinting
 * or layout tables), rescaled to the face's embedding units per em. *data is malloc'd and
 * owned by the caller. When gids is not NULL, gids[i] is set to the glyph of cps[i] in the
 * subset. BEIAN_EINTERNAL when memory runs out or the face lacks one of the characters.
 */
int beian_fonts_subset(beian_fonts *fonts, int face, const uint32_t *cps, size_t n,
                       unsigned char **data, size_t *len, uint32_t *gids);

/*
 * The CFF program (CID-keyed, Adobe-Identity-0) of a CFF face's subset with exactly the code
 * points cps[0..n): glyph k + 1 prints cps[k] and has CID first_cid + k; outlines rounded to
 * the face's embedding units per em (beian_fonts_embed_upem), widths as beian_fonts_advance
 * measures them. For FontFile3 /CIDFontType0C. *out is malloc'd (owned by the caller);
 * bbox gets the program's box in 1/1000 em, rounded outward. BEIAN_EINTERNAL when memory
 * runs out, n is 0 or the CIDs pass 0xFFFF, or the face lacks one of the characters.
 */
int beian_fonts_cff_program(const beian_fonts *fonts, int face, const uint32_t *cps, size_t n,
                            uint32_t first_cid, unsigned char **out, size_t *len, int bbox[4]);

/* Cap height of face, 1/1000 em (7/10 of the ascent when the font does not say). */
int beian_fonts_cap_height(const beian_fonts *fonts, int face);

/* PostScript name of face (only characters a PDF name takes as they are; "Font" if none). */
const char *beian_fonts_postscript_name(const beian_fonts *fonts, int face);

/* The harfbuzz version the fonts run with, for `beian --version`. */
const char *beian_fonts_library_version(void);

#endif
