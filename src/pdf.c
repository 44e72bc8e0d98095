/*
 * pdf.c - the PDF backend (with pdfa.c, the only files that include hpdf.h).
 *
 * libharu 2.3.0 traps and the ways around them (see NOTES.md of the project):
 * - compression is switched on right after HPDF_New, before any font exists;
 * - fonts are never loaded whole: each face is subset by harfbuzz to the characters the
 *   document prints, handed to libharu through a memfd (it only loads by path), once per
 *   face per document (it de-duplicates fonts by PostScript name);
 * - libharu follows composite glyphs one level only, so every glyph of the (small) subset
 *   is marked used and none loses its outline;
 * - errors are sticky and the handler must not longjmp: the handler records the first error
 *   and every step checks it.
 *
 * Dense codes. With its UTF-8 encoder libharu makes CID = Unicode value: it looks up all
 * 65 536 BMP code points in the font (a linear cmap scan each, most of a form's cost), writes
 * a 128 KB CIDToGIDMap to deflate, and turns characters above U+FFFF into spaces. So the k-th
 * character a face prints in the document gets the code U+0100 + k instead: libharu is given a
 * one-segment cmap while it builds its map (every lookup ends at once), and beian writes the
 * CIDToGIDMap (codes to subset glyphs), the widths and the ToUnicode map (codes back to the
 * real characters, as UTF-16 with surrogate pairs) itself. The text shows the codes.
 */
#define _GNU_SOURCE
#include "beian/pdf.h"

#include <hpdf.h>
#include <hpdf_font.h>
#include <hpdf_fontdef.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <hb.h>

#include "beian/font.h"
#include "pdf_private.h"
#include "util.h"

enum { PDF_MAX_FACES = 16 };

typedef struct {
    HPDF_STATUS error;
    HPDF_STATUS detail;
} pdf_error;

/* Coordinates to 1/8 pt (0.044 mm, finer than a 600 dpi printer's dot): exact in binary
 * floating point, so libharu writes at most three decimals instead of five. */
static HPDF_REAL R(double v)
{
    return (HPDF_REAL)(floor(v * 8.0 + 0.5) / 8.0);
}

static void HPDF_STDCALL on_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user)
{
    pdf_error *e = user;
    if (!e->error) { /* keep the first error: later ones are its consequences */
        e->error = error_no;
        e->detail = detail_no;
    }
}

typedef beian_cp_set cp_set;

#define CODE_BASE 0x100u /* first dense code: clear of the C0 and C1 controls */
#define CODE_MAX 0xD7FFu /* last: below the surrogates, which UTF-8 cannot carry */

/* Dense code of cp in the face's sorted set, or 0 when absent. */
static uint32_t code_of(const cp_set *set, uint32_t cp)
{
    size_t lo = 0, hi = set->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (set->cps[mid] < cp) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo < set->n && set->cps[lo] == cp ? CODE_BASE + (uint32_t)lo : 0;
}

typedef struct {
    HPDF_Doc pdf;
    HPDF_Page page;
    pdf_error err;
    HPDF_Font fonts[PDF_MAX_FACES];
    int fds[PDF_MAX_FACES];
    int in_text;
    int in_path;
    HPDF_Font cur_font;
    double cur_size;
    double lw, stroke_gray, fill_gray, dash; /* graphics state, to write only changes */
    const cp_set *sets; /* per face: the real code points, sorted; code = CODE_BASE + index */
} pdf_state;

static int cp_add(cp_set *s, uint32_t cp)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        uint32_t *p = realloc(s->cps, cap * sizeof *p);
        if (!p) {
            return BEIAN_EINTERNAL;
        }
        s->cps = p;
        s->cap = cap;
    }
    s->cps[s->n++] = cp;
    return BEIAN_OK;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void cp_unique(cp_set *s)
{
    if (s->n == 0) {
        return;
    }
    qsort(s->cps, s->n, sizeof *s->cps, cmp_u32);
    size_t k = 1;
    for (size_t i = 1; i < s->n; i++) {
        if (s->cps[i] != s->cps[k - 1]) {
            s->cps[k++] = s->cps[i];
        }
    }
    s->n = k;
}

/*
 * Replaces libharu's ToUnicode map, which is a CID CMap (begincidrange) that Ghostscript and
 * PDF/A validators reject, with a CMapType 2 map over exactly the code points printed, one
 * bfchar each: codes are Unicode BMP values (libharu's UTF-8 encoder), so each maps to
 * itself. (bfrange entries would be shorter, but Ghostscript 10 rebuilds them wrongly when it
 * re-distils the file, and the text is lost.)
 * The descendant font's /Ordering becomes (Identity), as Identity-H requires.
 */
/* Appends the bfchar sections; BEIAN_EINTERNAL when memory ran out on the way. */
static int bfchars(beian_buf *b, const cp_set *set)
{
    int rc = BEIAN_OK;
    for (size_t i = 0; i < set->n; i += 100) { /* at most 100 entries a section */
        size_t m = set->n - i < 100 ? set->n - i : 100;
        rc |= beian_buf_appendf(b, "%zu beginbfchar\n", m);
        for (size_t k = i; k < i + m; k++) {
            uint32_t real = set->cps[k];
            unsigned code = CODE_BASE + (unsigned)k;
            if (real > 0xFFFF) {
                uint32_t v = real - 0x10000;
                rc |= beian_buf_appendf(b, "<%04X> <%04X%04X>\n", code, 0xD800 + (v >> 10),
                                        0xDC00 + (v & 0x3FF));
            } else {
                rc |= beian_buf_appendf(b, "<%04X> <%04X>\n", code, real);
            }
        }
        rc |= beian_buf_appendf(b, "endbfchar\n");
    }
    return rc == BEIAN_OK ? BEIAN_OK : BEIAN_EINTERNAL;
}

static int fix_tounicode(HPDF_Font font, const cp_set *set)
{
    HPDF_FontAttr attr = (HPDF_FontAttr)font->attr;
    HPDF_Dict tu = HPDF_Dict_GetItem(font, "ToUnicode", HPDF_OCLASS_DICT);
    HPDF_Dict csi = HPDF_Dict_GetItem(attr->descendant_font, "CIDSystemInfo", HPDF_OCLASS_DICT);
    if (!tu || !tu->stream || !csi) {
        return BEIAN_EINTERNAL;
    }
    beian_buf b;
    beian_buf_init(&b);
    int ok = beian_buf_appendf(&b, "/CIDInit /ProcSet findresource begin\n12 dict begin\n"
                                   "begincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering "
                                   "(UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS "
                                   "def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\n"
                                   "endcodespacerange\n") == BEIAN_OK &&
             bfchars(&b, set) == BEIAN_OK &&
             beian_buf_appendf(&b, "endcmap\nCMapName currentdict /CMap defineresource pop\n"
                                   "end\nend\n") == BEIAN_OK;
    if (!ok) {
        beian_buf_release(&b);
        return BEIAN_EINTERNAL;
    }
    int rc = BEIAN_EINTERNAL;
    if (b.data) {
        HPDF_MemStream_FreeData(tu->stream);
        HPDF_Dict_RemoveElement(tu, "Type");
        HPDF_Dict_RemoveElement(tu, "CMapName");
        HPDF_Dict_RemoveElement(tu, "CIDSystemInfo");
        tu->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
        if (HPDF_Stream_Write(tu->stream, b.data, (HPDF_UINT)b.len) == HPDF_OK &&
            HPDF_Dict_Add(csi, "Ordering", HPDF_String_New(csi->mmgr, "Identity", NULL)) ==
                HPDF_OK) {
            rc = BEIAN_OK;
        }
    }
    beian_buf_release(&b);
    return rc;
}

/* The CIDToGIDMap: for each dense code, the glyph of its character in the subset bytes. */
static int write_gid_map(HPDF_FontAttr attr, const unsigned char *font, size_t len,
                         const cp_set *set)
{
    hb_blob_t *blob = hb_blob_create((const char *)font, (unsigned)len, HB_MEMORY_MODE_READONLY,
                                     NULL, NULL);
    hb_face_t *face = hb_face_create(blob, 0);
    hb_font_t *hbf = hb_font_create(face);
    size_t nbytes = 2 * (CODE_BASE + set->n);
    unsigned char *map = calloc(nbytes, 1);
    int rc = BEIAN_EINTERNAL;
    if (map && attr->map_stream) {
        rc = BEIAN_OK;
        for (size_t k = 0; k < set->n; k++) {
            hb_codepoint_t g = 0;
            if (!hb_font_get_nominal_glyph(hbf, set->cps[k], &g)) {
                rc = BEIAN_EINTERNAL; /* the subset lacks a character it was made for */
                break;
            }
            map[2 * (CODE_BASE + k)] = (unsigned char)(g >> 8);
            map[2 * (CODE_BASE + k) + 1] = (unsigned char)g;
        }
        if (rc == BEIAN_OK) {
            HPDF_MemStream_FreeData(attr->map_stream->stream);
            if (HPDF_Stream_Write(attr->map_stream->stream, map, (HPDF_UINT)nbytes) != HPDF_OK) {
                rc = BEIAN_EINTERNAL;
            }
        }
    }
    free(map);
    hb_font_destroy(hbf);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
    return rc;
}

/* The /W array by dense code: DW 1000 (ideographs are one em wide) and entries for the rest. */
static int write_widths(HPDF_FontAttr attr, beian_fonts *fonts, int face, const cp_set *set)
{
    HPDF_Dict desc = attr->descendant_font;
    HPDF_Array w = HPDF_Array_New(desc->mmgr);
    if (!w || HPDF_Dict_AddNumber(desc, "DW", 1000) != HPDF_OK ||
        HPDF_Dict_Add(desc, "W", w) != HPDF_OK) {
        return BEIAN_EINTERNAL;
    }
    HPDF_Array run = NULL;
    for (size_t k = 0; k < set->n; k++) {
        int width = beian_fonts_advance(fonts, face, set->cps[k]);
        if (width == 1000) {
            run = NULL;
            continue;
        }
        if (!run) {
            run = HPDF_Array_New(desc->mmgr);
            if (!run || HPDF_Array_AddNumber(w, (HPDF_INT32)(CODE_BASE + k)) != HPDF_OK ||
                HPDF_Array_Add(w, run) != HPDF_OK) {
                return BEIAN_EINTERNAL;
            }
        }
        if (HPDF_Array_AddNumber(run, width) != HPDF_OK) {
            return BEIAN_EINTERNAL;
        }
    }
    return BEIAN_OK;
}

/* Loads a subset of face into the document through a memfd and marks all its glyphs used. */
static int load_face(pdf_state *st, beian_fonts *fonts, int face, const cp_set *set)
{
    unsigned char *data = NULL;
    size_t len = 0;
    int rc = BEIAN_EINTERNAL;
    if (set->n > CODE_MAX - CODE_BASE) {
        return BEIAN_EINTERNAL; /* 55 000 different characters in one face of one document */
    }
    rc = beian_fonts_subset(fonts, face, set->cps, set->n, &data, &len);
    if (rc != BEIAN_OK) {
        return rc;
    }
    rc = BEIAN_EINTERNAL;
    int fd = memfd_create("beian-font", MFD_CLOEXEC);
    if (fd < 0) {
        goto done;
    }
    st->fds[face] = fd;
    for (size_t off = 0; off < len;) {
        ssize_t w = write(fd, data + off, len - off);
        if (w <= 0) {
            goto done;
        }
        off += (size_t)w;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    const char *name = HPDF_LoadTTFontFromFile(st->pdf, path, HPDF_TRUE);
    HPDF_FontDef fdef = name ? HPDF_GetFontDef(st->pdf, name) : NULL;
    if (!fdef || st->err.error) {
        goto done;
    }
    /* a one-segment cmap while libharu builds its CID map: every lookup ends at once */
    HPDF_TTFontDefAttr da = (HPDF_TTFontDefAttr)fdef->attr;
    HPDF_TTF_CmapRange real = da->cmap;
    HPDF_UINT16 ffff = 0xFFFF, zero = 0;
    HPDF_INT16 one = 1;
    da->cmap.seg_count_x2 = 2;
    da->cmap.end_count = &ffff;
    da->cmap.start_count = &ffff;
    da->cmap.id_delta = &one;
    da->cmap.id_range_offset = &zero;
    HPDF_Font font = HPDF_GetFont(st->pdf, name, "UTF-8");
    da->cmap = real;
    if (!font || st->err.error) {
        goto done;
    }
    /* libharu follows composite glyphs one level only: mark every glyph of the subset used
     * so nested components keep their outlines. The subset is small, so this costs little. */
    HPDF_FontAttr attr = (HPDF_FontAttr)font->attr;
    if (da->glyph_tbl.flgs) {
        memset(da->glyph_tbl.flgs, 1, da->num_glyphs);
    }
    if (write_gid_map(attr, data, len, set) != BEIAN_OK ||
        write_widths(attr, fonts, face, set) != BEIAN_OK || fix_tounicode(font, set) != BEIAN_OK) {
        goto done;
    }
    st->fonts[face] = font;
    rc = BEIAN_OK;
done:
    free(data);
    return rc;
}

static void end_text(pdf_state *st)
{
    if (st->in_text) {
        HPDF_Page_EndText(st->page);
        st->in_text = 0;
    }
}

/* Strokes the pending path: consecutive stroked shapes of one style make one path, so the
 * grid of a form costs one style change and one stroke, not one per cell. */
static void flush_path(pdf_state *st)
{
    if (st->in_path) {
        HPDF_Page_Stroke(st->page);
        st->in_path = 0;
    }
}

static int pdf_begin_page(void *self, const beian_page *page, size_t index)
{
    (void)index;
    pdf_state *st = self;
    st->page = HPDF_AddPage(st->pdf);
    if (!st->page) {
        return BEIAN_EINTERNAL;
    }
    HPDF_Page_SetWidth(st->page, (HPDF_REAL)page->width);
    HPDF_Page_SetHeight(st->page, (HPDF_REAL)page->height);
    st->cur_font = NULL;
    st->cur_size = 0;
    st->in_text = 0;
    st->in_path = 0;
    /* the PDF defaults: line width 1, black, solid */
    st->lw = 1;
    st->stroke_gray = 0;
    st->fill_gray = 0;
    st->dash = 0;
    return st->err.error ? BEIAN_EINTERNAL : BEIAN_OK;
}

/* Prepares a stroked shape: flushes the path when the style changes, sets what differs. */
static void stroke_style(pdf_state *st, const beian_op *op)
{
    double lw = floor(op->line_width * 100 + 0.5) / 100;
    double dash = op->dash > 0 ? floor(op->dash + 0.5) : 0;
    if (lw == st->lw && op->gray == st->stroke_gray && dash == st->dash) {
        return;
    }
    flush_path(st);
    if (lw != st->lw) {
        HPDF_Page_SetLineWidth(st->page, (HPDF_REAL)lw);
        st->lw = lw;
    }
    if (op->gray != st->stroke_gray) {
        HPDF_Page_SetGrayStroke(st->page, R(op->gray));
        st->stroke_gray = op->gray;
    }
    if (dash != st->dash) {
        HPDF_UINT16 d = (HPDF_UINT16)(dash > 0 ? dash : 1);
        HPDF_UINT16 pattern[2] = {d, d};
        HPDF_Page_SetDash(st->page, dash > 0 ? pattern : NULL, dash > 0 ? 2 : 0, 0);
        st->dash = dash;
    }
}

static void fill_gray(pdf_state *st, double gray)
{
    if (gray != st->fill_gray) {
        HPDF_Page_SetGrayFill(st->page, R(gray));
        st->fill_gray = gray;
    }
}

/* text in the face's dense codes (UTF-8 of U+0100 + k); caller frees */
static char *coded_text(const cp_set *set, const char *text)
{
    size_t len = strlen(text);
    char *out = malloc(len * 2 + 1); /* a code takes at most 3 bytes, a character at least 1 */
    const unsigned char *s = (const unsigned char *)text;
    size_t o = 0;
    for (size_t i = 0; out && i < len;) {
        uint32_t cp;
        size_t n = beian_utf8_decode(s + i, len - i, &cp);
        uint32_t code = n ? code_of(set, cp) : 0;
        if (code == 0) {
            free(out);
            return NULL;
        }
        o += beian_utf8_encode(code, out + o);
        i += n;
    }
    if (out) {
        out[o] = '\0';
    }
    return out;
}

/* Decimal digits of v into out (no NUL); returns their count. printf costs a QR code more
 * than all else of drawing it. */
static size_t put_uint(char *out, unsigned v)
{
    char tmp[12];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++) {
        out[i] = tmp[n - 1 - i];
    }
    return n;
}

static int pdf_draw(void *self, const beian_op *op)
{
    pdf_state *st = self;
    HPDF_Page pg = st->page;
    int stroked = op->kind == BEIAN_OP_LINE || op->kind == BEIAN_OP_CIRCLE ||
                  (op->kind == BEIAN_OP_RECT && !op->fill);
    if (op->kind != BEIAN_OP_TEXT) {
        end_text(st);
    }
    if (!stroked) {
        flush_path(st);
    } else {
        stroke_style(st, op);
        st->in_path = 1;
    }
    switch (op->kind) {
    case BEIAN_OP_LINE:
        HPDF_Page_MoveTo(pg, R(op->x), R(op->y));
        HPDF_Page_LineTo(pg, R(op->x + op->w), R(op->y + op->h));
        break;
    case BEIAN_OP_RECT:
        if (op->fill) {
            fill_gray(st, op->gray);
            HPDF_Page_Rectangle(pg, R(op->x), R(op->y), R(op->w), R(op->h));
            HPDF_Page_Fill(pg);
        } else {
            HPDF_Page_Rectangle(pg, R(op->x), R(op->y), R(op->w), R(op->h));
        }
        break;
    case BEIAN_OP_CIRCLE:
        HPDF_Page_Circle(pg, R(op->x), R(op->y), R(op->w));
        break;
    case BEIAN_OP_TEXT:
        if (op->face < 0 || op->face >= PDF_MAX_FACES || !st->fonts[op->face]) {
            return BEIAN_EINTERNAL;
        }
        if (!st->in_text) {
            fill_gray(st, 0);
            HPDF_Page_BeginText(pg);
            st->in_text = 1;
        }
        if (st->cur_font != st->fonts[op->face] || st->cur_size != op->size) {
            HPDF_Page_SetFontAndSize(pg, st->fonts[op->face], R(op->size));
            st->cur_font = st->fonts[op->face];
            st->cur_size = op->size;
        }
        {
            char *shown = coded_text(&st->sets[op->face], op->text);
            if (!shown) {
                return BEIAN_EINTERNAL;
            }
            HPDF_Page_TextOut(pg, R(op->x), R(op->y), shown);
            free(shown);
        }
        break;
    case BEIAN_OP_QR: {
        /* vector modules, the dark modules of a row merged into one rectangle each, drawn in
         * module units (a matrix scales them) so every rectangle is four small integers */
        int n = op->modules;
        double m = op->w / (n + 8);
        fill_gray(st, 0);
        HPDF_Page_GSave(pg);
        HPDF_Page_Concat(pg, (HPDF_REAL)m, 0, 0, (HPDF_REAL)-m, (HPDF_REAL)(op->x + 4 * m),
                         (HPDF_REAL)(op->y + op->w - 4 * m));
        /* the first rectangle through libharu (it enters path mode), the rest written to the
         * page's content stream directly: HPDF_Page_Rectangle costs some 3 500 instructions a
         * call, a quarter of a print job's time */
        int first = 1;
        beian_buf path;
        beian_buf_init(&path);
        for (int r = 0; r < n; r++) {
            int c = 0;
            while (c < n) {
                if (!op->matrix[r * n + c]) {
                    c++;
                    continue;
                }
                int s0 = c;
                while (c < n && op->matrix[r * n + c]) {
                    c++;
                }
                if (first) {
                    HPDF_Page_Rectangle(pg, (HPDF_REAL)s0, (HPDF_REAL)r, (HPDF_REAL)(c - s0), 1);
                    first = 0;
                } else {
                    char line[32];
                    size_t k = put_uint(line, (unsigned)s0);
                    line[k++] = ' ';
                    k += put_uint(line + k, (unsigned)r);
                    line[k++] = ' ';
                    k += put_uint(line + k, (unsigned)(c - s0));
                    memcpy(line + k, " 1 re\n", 6);
                    beian_buf_append(&path, line, k + 6);
                }
            }
        }
        if (path.len > 0) {
            HPDF_PageAttr pattr = (HPDF_PageAttr)pg->attr;
            if (HPDF_Stream_Write(pattr->stream, path.data, (HPDF_UINT)path.len) != HPDF_OK) {
                beian_buf_release(&path);
                return BEIAN_EINTERNAL;
            }
        }
        beian_buf_release(&path);
        if (first) { /* an all-light matrix: nothing to fill, leave path mode untouched */
            HPDF_Page_GRestore(pg);
            break;
        }
        HPDF_Page_Fill(pg);
        HPDF_Page_GRestore(pg);
        break;
    }
    }
    return st->err.error ? BEIAN_EINTERNAL : BEIAN_OK;
}

static int pdf_end_page(void *self)
{
    pdf_state *st = self;
    end_text(st);
    flush_path(st);
    return st->err.error ? BEIAN_EINTERNAL : BEIAN_OK;
}

int beian_pdf_render(beian_ctx *ctx, const beian_dlist *dl, unsigned char **data, size_t *len)
{
    static const beian_backend backend = {pdf_begin_page, pdf_draw, pdf_end_page};
    pdf_state st;
    cp_set sets[PDF_MAX_FACES];
    int rc = BEIAN_EINTERNAL;
    memset(&st, 0, sizeof st);
    memset(sets, 0, sizeof sets);
    for (int i = 0; i < PDF_MAX_FACES; i++) {
        st.fds[i] = -1;
    }
    *data = NULL;
    *len = 0;
    /* 1. the characters each face prints */
    for (size_t p = 0; p < dl->npages; p++) {
        for (size_t k = 0; k < dl->pages[p].nops; k++) {
            const beian_op *op = &dl->pages[p].ops[k];
            if (op->kind != BEIAN_OP_TEXT) {
                continue;
            }
            if (op->face < 0 || op->face >= PDF_MAX_FACES) {
                goto done;
            }
            const unsigned char *s = (const unsigned char *)op->text;
            size_t n = strlen(op->text);
            for (size_t i = 0; i < n;) {
                uint32_t cp;
                size_t l = beian_utf8_decode(s + i, n - i, &cp);
                if (l == 0 || cp_add(&sets[op->face], cp) != BEIAN_OK) {
                    goto done;
                }
                i += l;
            }
        }
    }
    st.pdf = HPDF_New(on_error, &st.err);
    if (!st.pdf) {
        goto done;
    }
    st.sets = sets;
    /* first, before any font object exists (see the file comment) */
    HPDF_SetCompressionMode(st.pdf, HPDF_COMP_ALL);
    HPDF_UseUTFEncodings(st.pdf);
    HPDF_SetCurrentEncoder(st.pdf, "UTF-8");
    for (int f = 0; f < PDF_MAX_FACES; f++) {
        if (sets[f].n == 0) {
            continue;
        }
        cp_unique(&sets[f]);
        if ((rc = load_face(&st, dl->fonts, f, &sets[f])) != BEIAN_OK) {
            rc = beian_ctx_fail(ctx, rc, "cannot embed the font %s (libharu error 0x%04X/%u)",
                                beian_fonts_path(dl->fonts, f), (unsigned)st.err.error,
                                (unsigned)st.err.detail);
            goto done;
        }
    }
    rc = beian_dlist_play(dl, &backend, &st);
    if (rc != BEIAN_OK || st.err.error) {
        rc = beian_ctx_fail(ctx, BEIAN_EINTERNAL, "cannot build the PDF (libharu error 0x%04X/%u)",
                            (unsigned)st.err.error, (unsigned)st.err.detail);
        goto done;
    }
    rc = beian_pdfa_finish(st.pdf, dl, st.fonts, sets, PDF_MAX_FACES, CODE_BASE);
    if (rc != BEIAN_OK || st.err.error) {
        rc = beian_ctx_fail(ctx, BEIAN_EINTERNAL,
                            "cannot make the PDF archival (libharu error 0x%04X/%u)",
                            (unsigned)st.err.error, (unsigned)st.err.detail);
        goto done;
    }
    if (HPDF_SaveToStream(st.pdf) != HPDF_OK) {
        rc = beian_ctx_fail(ctx, BEIAN_EINTERNAL, "cannot save the PDF (libharu error 0x%04X/%u)",
                            (unsigned)st.err.error, (unsigned)st.err.detail);
        goto done;
    }
    HPDF_UINT32 size = HPDF_GetStreamSize(st.pdf);
    unsigned char *buf = malloc(size ? size : 1);
    HPDF_UINT32 got = size;
    if (!buf || HPDF_ReadFromStream(st.pdf, buf, &got) != HPDF_OK || got != size) {
        /* HPDF_ReadFromStream returns HPDF_STREAM_EOF when it has read everything */
        if (!buf || got != size) {
            free(buf);
            rc = beian_ctx_fail(ctx, BEIAN_EINTERNAL, "cannot read the PDF back from libharu");
            goto done;
        }
    }
    *data = buf;
    *len = size;
    rc = BEIAN_OK;
done:
    if (st.pdf) {
        HPDF_Free(st.pdf);
    }
    for (int i = 0; i < PDF_MAX_FACES; i++) {
        if (st.fds[i] >= 0) {
            close(st.fds[i]);
        }
        free(sets[i].cps);
    }
    return rc;
}
