/*
 * pdf.c - the PDF backend, and the only file that includes hpdf.h (with libharu's installed
 * internal headers hpdf_doc.h, hpdf_objects.h, hpdf_pages.h and hpdf_streams.h, for the object
 * API). pdfa.c builds the PDF/A-1b bytes and pdf_codes.c the dense codes and the ToUnicode
 * map as plain data; this file writes them as objects.
 *
 * libharu is used as a PDF object writer: pages, dictionaries, streams, compression, the
 * cross-reference table. beian writes the rest itself:
 *
 * - Fonts. Each face the document prints is subset by harfbuzz to exactly its characters and
 *   embedded as a Type0 / CIDFontType2 font built here from libharu's object API: the font
 *   program (glyphs and metrics only, rescaled to 64 units per em), the descriptor with
 *   CapHeight and the CIDSet PDF/A-1 asks of a subset, the CIDToGIDMap, the widths and a
 *   ToUnicode map. libharu's own font path (HPDF_LoadTTFontFromFile + HPDF_GetFont) re-parses
 *   the subset, loops over all 65 536 BMP code points and rewrites the glyph table: some 7 M
 *   instructions per face per document, more than all the rest of a form
 *   (docs/internals/libraries.md).
 * - Dense codes. The k-th character a face prints in the document is shown as the code
 *   U+0100 + k (two bytes, Identity-H): the CIDToGIDMap takes codes to subset glyphs, the
 *   ToUnicode map takes them back to the real characters (UTF-16, surrogate pairs above
 *   U+FFFF), so the maps are as small as the document's character set.
 * - Page content. Every operator is written into the page's content stream as text, numbers
 *   rounded to 1/8 pt (0.044 mm, finer than a 600 dpi printer's dot); QR modules in module
 *   units under one matrix. libharu's page functions cost thousands of instructions a call.
 * - Compression is switched on right after HPDF_New, before any stream exists; errors are
 *   sticky and the handler must not longjmp: it records the first error and every step
 *   checks it.
 */
#define _GNU_SOURCE
#include "beian/pdf.h"

#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beian/font.h"
#include "beian/ttf.h"
#include "pdf_codes.h"
#include "pdfa.h"
#include "util.h"

enum { PDF_MAX_FACES = 16 };

typedef struct {
    HPDF_STATUS error;
    HPDF_STATUS detail;
} pdf_error;

static void HPDF_STDCALL on_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user)
{
    pdf_error *e = user;
    if (!e->error) { /* keep the first error: later ones are its consequences */
        e->error = error_no;
        e->detail = detail_no;
    }
}

typedef struct {
    HPDF_Doc pdf;
    HPDF_Page page;
    pdf_error err;
    HPDF_Dict font_res; /* the /Font resources, one dictionary every page refers to */
    int has_face[PDF_MAX_FACES];
    beian_buf cs; /* the page's content, written to its stream at the end of the page */
    int in_text;
    int in_path;
    int cur_face;
    double cur_size;
    int render_mode; /* text render mode: 0 fill, 2 fill and stroke (a synthetic bold) */
    double tx, ty;                             /* start of the current text line */
    double lw, stroke_gray, fill_gray, dash;   /* graphics state, to write only changes */
    const pdf_codes *sets; /* per face: the real code points, sorted; code = CODE_BASE + index */
    beian_sha256_ctx *md; /* SHA-256 of what is printed, for the /ID (pdfa.c); sticky failure */
} pdf_state;

/* Feeds what the document prints into the /ID hash. */
static void hash(pdf_state *st, const void *data, size_t len)
{
    beian_sha256_update(st->md, data, len);
}

/* --- font objects ---------------------------------------------------------------------- */

/* A new stream object of the document, deflated, holding data[0..len). */
static HPDF_Dict new_stream(pdf_state *st, const void *data, size_t len)
{
    HPDF_Dict d = HPDF_DictStream_New(st->pdf->mmgr, st->pdf->xref);
    if (!d) {
        return NULL;
    }
    d->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    if (HPDF_Stream_Write(d->stream, (const HPDF_BYTE *)data, (HPDF_UINT)len) != HPDF_OK) {
        return NULL; /* the document owns d and frees it */
    }
    return d;
}

/* A new dictionary of the document, written as an indirect object. */
static HPDF_Dict new_object(pdf_state *st)
{
    HPDF_Dict d = HPDF_Dict_New(st->pdf->mmgr);
    if (!d || HPDF_Xref_Add(st->pdf->xref, d) != HPDF_OK) {
        return NULL; /* HPDF_Xref_Add frees what it cannot add */
    }
    return d;
}

/* The /W array by dense code: DW 1000 (ideographs are one em wide) and entries for the rest;
 * the widths beian measured with, which are the rescaled program's advances. */
static HPDF_Array widths(pdf_state *st, beian_fonts *fonts, int face, const pdf_codes *set)
{
    HPDF_MMgr mm = st->pdf->mmgr;
    HPDF_Array w = HPDF_Array_New(mm);
    HPDF_Array run = NULL;
    for (size_t k = 0; w && k < set->n; k++) {
        int width = beian_fonts_advance(fonts, face, set->cps[k]);
        uint32_t code = beian_pdf_codes_code(set, k);
        if (width == 1000) {
            run = NULL;
            continue;
        }
        if (!run) {
            run = HPDF_Array_New(mm);
            if (!run || HPDF_Array_AddNumber(w, (HPDF_INT32)code) != HPDF_OK ||
                HPDF_Array_Add(w, run) != HPDF_OK) {
                HPDF_Array_Free(w);
                return NULL;
            }
        }
        if (HPDF_Array_AddNumber(run, width) != HPDF_OK) {
            HPDF_Array_Free(w);
            return NULL;
        }
    }
    return w;
}

/* The subset tag of /BaseFont: six capitals from the font program, so different subsets of a
 * face get different names and the same subset the same name. */
static void subset_tag(const unsigned char *data, size_t len, char tag[8])
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h = (h ^ data[i]) * 1099511628211ull;
    }
    for (int i = 0; i < 6; i++) {
        tag[i] = (char)('A' + h % 26);
        h /= 26;
    }
    tag[6] = '+';
    tag[7] = '\0';
}

/*
 * Embeds the subset of face that prints set, as /F<face+1> of every page: a CIDFontType2
 * font with a CIDToGIDMap for TrueType outlines, a CIDFontType0 one for CFF outlines, whose
 * program (FontFile3 /CIDFontType0C, beian_fonts_cff_program) gives each dense code's glyph
 * that code as its CID, so no map is needed (ISO 32000-1, 9.7.4.2).
 */
static int embed_face(pdf_state *st, beian_fonts *fonts, int face, const pdf_codes *set)
{
    unsigned char *data = NULL, *map = NULL, *bits = NULL;
    size_t len = 0;
    uint32_t *gids = NULL;
    beian_buf tu;
    beian_buf_init(&tu);
    int rc = BEIAN_EINTERNAL;
    HPDF_MMgr mm = st->pdf->mmgr;
    if (set->n > CODE_MAX - CODE_BASE) {
        return BEIAN_EINTERNAL; /* 65 000 different characters in one face of one document */
    }
    gids = malloc(set->n * sizeof *gids);
    if (!gids) {
        return BEIAN_EINTERNAL;
    }
    int bbox[4], ascent, descent, cff = beian_fonts_is_cff(fonts, face);
    rc = cff ? beian_fonts_cff_program(fonts, face, set->cps, set->n, CODE_BASE, &data, &len,
                                       bbox)
             : beian_fonts_subset(fonts, face, set->cps, set->n, &data, &len, gids);
    if (rc != BEIAN_OK) {
        goto done;
    }
    rc = BEIAN_EINTERNAL;
    const unsigned char *prog = data; /* a CFF program's CIDs are the dense codes */
    size_t prog_len = len, nbits = 0, nmap = 0;
    if (!cff && beian_ttf_bbox(data, len, bbox) != BEIAN_OK) {
        goto done;
    }
    beian_fonts_extents(fonts, face, &ascent, &descent);
    char name[96], res[16];
    subset_tag(data, len, name);
    snprintf(name + 7, sizeof name - 7, "%s", beian_fonts_postscript_name(fonts, face));
    snprintf(res, sizeof res, "F%d", face + 1);

    if (beian_pdf_codes_cidset(set, &bits, &nbits) != BEIAN_OK ||
        (!cff && beian_pdf_codes_gidmap(set, gids, &map, &nmap) != BEIAN_OK)) {
        goto done;
    }
    if (beian_buf_appendf(&tu, "/CIDInit /ProcSet findresource begin\n12 dict begin\n"
                               "begincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) "
                               "/Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n"
                               "/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\n"
                               "endcodespacerange\n") != BEIAN_OK ||
        beian_pdf_codes_tounicode(&tu, set) != BEIAN_OK ||
        beian_buf_appendf(&tu, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\n"
                               "end\n") != BEIAN_OK) {
        goto done;
    }

    hash(st, res, strlen(res) + 1);
    hash(st, prog, prog_len);
    HPDF_STATUS e = HPDF_OK;
    HPDF_Dict file = new_stream(st, prog, prog_len);
    if (!file || (cff ? HPDF_Dict_AddName(file, "Subtype", "CIDFontType0C")
                      : HPDF_Dict_AddNumber(file, "Length1", (HPDF_INT32)len)) != HPDF_OK) {
        goto done;
    }
    HPDF_Dict cidset = new_stream(st, bits, nbits);
    HPDF_Dict gidmap = cidset && !cff ? new_stream(st, map, nmap) : NULL;
    HPDF_Dict tounicode = gidmap || (cidset && cff) ? new_stream(st, tu.data, tu.len) : NULL;
    HPDF_Dict desc = tounicode ? new_object(st) : NULL;
    if (!desc) {
        goto done;
    }
    HPDF_Array fbox = HPDF_Array_New(mm);
    if (!fbox) {
        goto done;
    }
    for (int k = 0; k < 4; k++) {
        e |= HPDF_Array_AddNumber(fbox, bbox[k]);
    }
    e |= HPDF_Dict_AddName(desc, "Type", "FontDescriptor");
    e |= HPDF_Dict_AddName(desc, "FontName", name);
    e |= HPDF_Dict_AddNumber(desc, "Flags", 32); /* nonsymbolic, as before and validated */
    e |= HPDF_Dict_Add(desc, "FontBBox", fbox);
    e |= HPDF_Dict_AddNumber(desc, "ItalicAngle", 0);
    e |= HPDF_Dict_AddNumber(desc, "Ascent", ascent);
    e |= HPDF_Dict_AddNumber(desc, "Descent", descent);
    e |= HPDF_Dict_AddNumber(desc, "CapHeight", beian_fonts_cap_height(fonts, face));
    e |= HPDF_Dict_AddNumber(desc, "StemV", 0);
    e |= HPDF_Dict_Add(desc, cff ? "FontFile3" : "FontFile2", file);
    e |= HPDF_Dict_Add(desc, "CIDSet", cidset);
    if (e != HPDF_OK) {
        goto done;
    }

    HPDF_Dict cid = new_object(st);
    HPDF_Dict csi = cid ? HPDF_Dict_New(mm) : NULL;
    if (!csi || HPDF_Dict_Add(cid, "CIDSystemInfo", csi) != HPDF_OK) {
        goto done;
    }
    e |= HPDF_Dict_Add(csi, "Registry", HPDF_String_New(mm, "Adobe", NULL));
    e |= HPDF_Dict_Add(csi, "Ordering", HPDF_String_New(mm, "Identity", NULL));
    e |= HPDF_Dict_AddNumber(csi, "Supplement", 0);
    e |= HPDF_Dict_AddName(cid, "Type", "Font");
    e |= HPDF_Dict_AddName(cid, "Subtype", cff ? "CIDFontType0" : "CIDFontType2");
    e |= HPDF_Dict_AddName(cid, "BaseFont", name);
    e |= HPDF_Dict_Add(cid, "FontDescriptor", desc);
    e |= HPDF_Dict_AddNumber(cid, "DW", 1000);
    HPDF_Array w = e == HPDF_OK ? widths(st, fonts, face, set) : NULL;
    if (!w || HPDF_Dict_Add(cid, "W", w) != HPDF_OK ||
        (!cff && HPDF_Dict_Add(cid, "CIDToGIDMap", gidmap) != HPDF_OK) || e != HPDF_OK) {
        goto done;
    }

    HPDF_Dict type0 = new_object(st);
    HPDF_Array desc_fonts = type0 ? HPDF_Array_New(mm) : NULL;
    if (!desc_fonts || HPDF_Dict_Add(type0, "DescendantFonts", desc_fonts) != HPDF_OK) {
        goto done;
    }
    e |= HPDF_Array_Add(desc_fonts, cid);
    e |= HPDF_Dict_AddName(type0, "Type", "Font");
    e |= HPDF_Dict_AddName(type0, "Subtype", "Type0");
    e |= HPDF_Dict_AddName(type0, "BaseFont", name);
    e |= HPDF_Dict_AddName(type0, "Encoding", "Identity-H");
    e |= HPDF_Dict_Add(type0, "ToUnicode", tounicode);
    e |= HPDF_Dict_Add(st->font_res, res, type0);
    if (e != HPDF_OK || st->err.error) {
        goto done;
    }
    st->has_face[face] = 1;
    rc = BEIAN_OK;
done:
    beian_buf_release(&tu);
    free(gids);
    free(map);
    free(bits);
    free(data);
    return rc;
}

/* --- page content ---------------------------------------------------------------------- */

/* Decimal digits of v into out (no NUL); returns their count. */
static size_t put_uint(char *out, unsigned long long v)
{
    char tmp[24];
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

/* Appends to the page's content; a failure sticks in st->cs.failed, checked per operation. */
static void out(pdf_state *st, const char *s, size_t n)
{
    beian_buf_append(&st->cs, s, n);
}

#define OUT(st, lit) out(st, lit, sizeof lit - 1)

/* v with at most `decimals` decimals (3 or 4), no trailing zeros, then a space. printf costs
 * a form more than all its geometry. */
static void num(pdf_state *st, double v, int decimals)
{
    long long scale = decimals == 4 ? 10000 : 1000;
    long long q = llround(v * (double)scale);
    char b[48];
    size_t n = 0;
    if (q < 0) {
        b[n++] = '-';
        q = -q;
    }
    n += put_uint(b + n, (unsigned long long)(q / scale));
    long long f = q % scale;
    if (f) {
        char d[4];
        int nd = decimals;
        for (int i = nd - 1; i >= 0; i--) {
            d[i] = (char)('0' + f % 10);
            f /= 10;
        }
        while (nd > 0 && d[nd - 1] == '0') {
            nd--;
        }
        b[n++] = '.';
        memcpy(b + n, d, (size_t)nd);
        n += (size_t)nd;
    }
    b[n++] = ' ';
    out(st, b, n);
}

/* Coordinates to 1/8 pt (0.044 mm): exact in binary, at most three decimals. */
static double R(double v)
{
    return floor(v * 8.0 + 0.5) / 8.0;
}

static void pt(pdf_state *st, double v)
{
    num(st, R(v), 3);
}

static void end_text(pdf_state *st)
{
    if (st->in_text) {
        OUT(st, "ET\n");
        st->in_text = 0;
    }
}

/* Strokes the pending path: consecutive stroked shapes of one style make one path, so the
 * grid of a form costs one style change and one stroke, not one per cell. */
static void flush_path(pdf_state *st)
{
    if (st->in_path) {
        OUT(st, "S\n");
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
    char size[64];
    int n = snprintf(size, sizeof size, "page %.3f %.3f\n", page->width, page->height);
    hash(st, size, (size_t)n);
    if (st->font_res) {
        HPDF_Dict res = HPDF_Dict_GetItem(st->page, "Resources", HPDF_OCLASS_DICT);
        if (!res || HPDF_Dict_Add(res, "Font", st->font_res) != HPDF_OK) {
            return BEIAN_EINTERNAL;
        }
    }
    st->cs.len = 0;
    st->cur_face = -1;
    st->cur_size = 0;
    st->render_mode = 0;
    st->in_text = 0;
    st->in_path = 0;
    /* the PDF defaults: line width 1, black, solid */
    st->lw = 1;
    st->stroke_gray = 0;
    st->fill_gray = 0;
    st->dash = 0;
    return st->err.error ? BEIAN_EINTERNAL : BEIAN_OK;
}

/* A synthetic bold: fill and stroke (2 Tr, allowed in PDF/A-1) with a black line of
 * op->stroke em; plain text goes back to 0 Tr. Sets only what differs. */
static void text_bold(pdf_state *st, const beian_op *op)
{
    int mode = op->stroke > 0 ? 2 : 0;
    if (mode) {
        double lw = floor(op->stroke * op->size * 100 + 0.5) / 100;
        if (lw != st->lw) {
            num(st, lw, 3);
            OUT(st, "w\n");
            st->lw = lw;
        }
        if (st->stroke_gray != 0) {
            OUT(st, "0 G\n");
            st->stroke_gray = 0;
        }
        if (st->dash != 0) { /* the seal circle's dash would stroke the glyphs too */
            OUT(st, "[] 0 d\n");
            st->dash = 0;
        }
    }
    if (mode != st->render_mode) {
        if (mode) {
            OUT(st, "2 Tr\n");
        } else {
            OUT(st, "0 Tr\n");
        }
        st->render_mode = mode;
    }
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
        num(st, lw, 3);
        OUT(st, "w\n");
        st->lw = lw;
    }
    if (op->gray != st->stroke_gray) {
        pt(st, op->gray);
        OUT(st, "G\n");
        st->stroke_gray = op->gray;
    }
    if (dash != st->dash) {
        if (dash > 0) {
            OUT(st, "[");
            num(st, dash, 3);
            num(st, dash, 3);
            OUT(st, "] 0 d\n");
        } else {
            OUT(st, "[] 0 d\n");
        }
        st->dash = dash;
    }
}

static void fill_gray(pdf_state *st, double gray)
{
    if (gray != st->fill_gray) {
        pt(st, gray);
        OUT(st, "g\n");
        st->fill_gray = gray;
    }
}

/* Shows text in the face's dense codes, as a hex string of two-byte codes. */
static int show_text(pdf_state *st, const pdf_codes *set, const char *text)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *s = (const unsigned char *)text;
    size_t len = strlen(text);
    char b[64];
    size_t n = 0;
    b[n++] = '<';
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t l = beian_utf8_decode(s + i, len - i, &cp);
        uint32_t code = l ? beian_pdf_codes_find(set, cp) : 0;
        if (code == 0) {
            return BEIAN_EINTERNAL; /* the set was made from these texts */
        }
        for (int sh = 12; sh >= 0; sh -= 4) {
            b[n++] = hex[(code >> sh) & 0xF];
        }
        if (n > sizeof b - 8) {
            out(st, b, n);
            n = 0;
        }
        i += l;
    }
    memcpy(b + n, "> Tj\n", 5);
    out(st, b, n + 5);
    return BEIAN_OK;
}

/* A quarter of a circle as a Bezier curve, from angle a to a + 90 degrees (a in quarters). */
static void circle(pdf_state *st, double x, double y, double r)
{
    const double k = 0.552284749831 * r; /* the control distance of a quarter circle */
    pt(st, x - r), pt(st, y), OUT(st, "m\n");
    pt(st, x - r), pt(st, y + k), pt(st, x - k), pt(st, y + r), pt(st, x), pt(st, y + r);
    OUT(st, "c\n");
    pt(st, x + k), pt(st, y + r), pt(st, x + r), pt(st, y + k), pt(st, x + r), pt(st, y);
    OUT(st, "c\n");
    pt(st, x + r), pt(st, y - k), pt(st, x + k), pt(st, y - r), pt(st, x), pt(st, y - r);
    OUT(st, "c\n");
    pt(st, x - k), pt(st, y - r), pt(st, x - r), pt(st, y - k), pt(st, x - r), pt(st, y);
    OUT(st, "c\n");
}

/* Whether row r of the n x n matrix m holds exactly the dark run [s, e): dark from s to e - 1
 * and light (or the edge) on both sides. */
static int same_run(const unsigned char *m, int n, int r, int s, int e)
{
    const unsigned char *row = m + (size_t)r * (size_t)n;
    if ((s > 0 && row[s - 1]) || (e < n && row[e])) {
        return 0;
    }
    for (int c = s; c < e; c++) {
        if (!row[c]) {
            return 0;
        }
    }
    return 1;
}

/*
 * A QR code as vector modules: each run of dark modules in a row is one rectangle, extended
 * down over the rows below that hold exactly the same run (finder patterns, timing columns
 * and many data modules merge: about a third fewer rectangles). Drawn in module units under
 * one matrix, so every rectangle is four small integers.
 */
static int qr(pdf_state *st, const beian_op *op)
{
    int n = op->modules;
    const unsigned char *m = op->matrix;
    unsigned char *done = calloc((size_t)n * (size_t)n, 1); /* run starts already drawn */
    if (!done) {
        return BEIAN_EINTERNAL;
    }
    double u = op->w / (n + 8);
    int any = 0;
    for (int r = 0; r < n; r++) {
        int c = 0;
        while (c < n) {
            if (!m[r * n + c]) {
                c++;
                continue;
            }
            int s0 = c;
            while (c < n && m[r * n + c]) {
                c++;
            }
            if (done[r * n + s0]) {
                continue;
            }
            int h = 1;
            while (r + h < n && same_run(m, n, r + h, s0, c)) {
                done[(r + h) * n + s0] = 1;
                h++;
            }
            if (!any) {
                fill_gray(st, 0);
                OUT(st, "q\n");
                num(st, u, 4), OUT(st, "0 0 "), num(st, -u, 4);
                num(st, op->x + 4 * u, 4), num(st, op->y + op->w - 4 * u, 4), OUT(st, "cm\n");
                any = 1;
            }
            char line[64];
            size_t k = put_uint(line, (unsigned)s0);
            line[k++] = ' ';
            k += put_uint(line + k, (unsigned)r);
            line[k++] = ' ';
            k += put_uint(line + k, (unsigned)(c - s0));
            line[k++] = ' ';
            k += put_uint(line + k, (unsigned)h);
            memcpy(line + k, " re\n", 4);
            out(st, line, k + 4);
        }
    }
    free(done);
    if (any) { /* an all-light matrix draws nothing */
        OUT(st, "f\nQ\n");
    }
    return BEIAN_OK;
}

static int pdf_draw(void *self, const beian_op *op)
{
    pdf_state *st = self;
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
        pt(st, op->x), pt(st, op->y), OUT(st, "m\n");
        pt(st, op->x + op->w), pt(st, op->y + op->h), OUT(st, "l\n");
        break;
    case BEIAN_OP_RECT:
        if (op->fill) {
            fill_gray(st, op->gray);
        }
        pt(st, op->x), pt(st, op->y), pt(st, op->w), pt(st, op->h);
        if (op->fill) {
            OUT(st, "re\nf\n");
        } else {
            OUT(st, "re\n");
        }
        break;
    case BEIAN_OP_CIRCLE:
        circle(st, op->x, op->y, op->w);
        break;
    case BEIAN_OP_TEXT: {
        if (op->face < 0 || op->face >= PDF_MAX_FACES || !st->has_face[op->face]) {
            return BEIAN_EINTERNAL;
        }
        if (!st->in_text) {
            fill_gray(st, 0);
            OUT(st, "BT\n");
            st->in_text = 1;
            st->tx = st->ty = 0;
        }
        if (st->cur_face != op->face || st->cur_size != op->size) {
            char f[16];
            int k = snprintf(f, sizeof f, "/F%d ", op->face + 1);
            out(st, f, (size_t)k);
            pt(st, op->size);
            OUT(st, "Tf\n");
            st->cur_face = op->face;
            st->cur_size = op->size;
        }
        text_bold(st, op);
        /* Td moves from the start of the previous line: differences of 1/8 pt, exact */
        double x = R(op->x), y = R(op->y);
        num(st, x - st->tx, 3), num(st, y - st->ty, 3), OUT(st, "Td\n");
        st->tx = x;
        st->ty = y;
        if (show_text(st, &st->sets[op->face], op->text) != BEIAN_OK) {
            return BEIAN_EINTERNAL;
        }
        break;
    }
    case BEIAN_OP_QR:
        if (qr(st, op) != BEIAN_OK) {
            return BEIAN_EINTERNAL;
        }
        break;
    }
    return st->cs.failed ? BEIAN_EINTERNAL : BEIAN_OK;
}

static int pdf_end_page(void *self)
{
    pdf_state *st = self;
    end_text(st);
    flush_path(st);
    if (st->cs.failed) {
        return BEIAN_EINTERNAL;
    }
    hash(st, st->cs.data, st->cs.len);
    HPDF_PageAttr attr = (HPDF_PageAttr)st->page->attr;
    if (st->cs.len > 0 &&
        HPDF_Stream_Write(attr->stream, st->cs.data, (HPDF_UINT)st->cs.len) != HPDF_OK) {
        return BEIAN_EINTERNAL;
    }
    return st->err.error ? BEIAN_EINTERNAL : BEIAN_OK;
}

/* --- PDF/A-1b ------------------------------------------------------------------------------ */

/* The document information and the unfiltered XMP metadata stream (PDF/A-1 6.7.2). */
static HPDF_STATUS pdfa_metadata(HPDF_Doc doc, const beian_pdfa *a)
{
    HPDF_MMgr mmgr = doc->mmgr;
    HPDF_Dict info = doc->info;
    HPDF_STATUS ret = HPDF_OK;
    ret |= HPDF_Dict_Add(info, "Title",
                         HPDF_Binary_New(mmgr, a->title.data, (HPDF_UINT)a->title.len));
    ret |= HPDF_Dict_Add(info, "Creator", HPDF_String_New(mmgr, a->creator, NULL));
    ret |= HPDF_Dict_Add(info, "Producer", HPDF_String_New(mmgr, a->producer, NULL));
    if (a->pdf_date[0]) {
        ret |= HPDF_Dict_Add(info, "CreationDate", HPDF_String_New(mmgr, a->pdf_date, NULL));
        ret |= HPDF_Dict_Add(info, "ModDate", HPDF_String_New(mmgr, a->pdf_date, NULL));
    }
    HPDF_Dict meta = HPDF_DictStream_New(mmgr, doc->xref);
    if (!meta) {
        return HPDF_FAILD_TO_ALLOC_MEM;
    }
    meta->filter = HPDF_STREAM_FILTER_NONE;
    ret |= HPDF_Dict_AddName(meta, "Type", "Metadata");
    ret |= HPDF_Dict_AddName(meta, "Subtype", "XML");
    ret |= HPDF_Stream_Write(meta->stream, a->xmp.data, (HPDF_UINT)a->xmp.len);
    ret |= HPDF_Dict_Add(doc->catalog, "Metadata", meta);
    return ret;
}

/* The sRGB output intent with its (deflated) ICC profile. */
static HPDF_STATUS pdfa_output_intent(HPDF_Doc doc, const beian_pdfa *a)
{
    HPDF_MMgr mmgr = doc->mmgr;
    HPDF_STATUS ret = HPDF_OK;
    HPDF_Dict profile = HPDF_DictStream_New(mmgr, doc->xref);
    HPDF_Dict intent = HPDF_Dict_New(mmgr);
    HPDF_Array intents = HPDF_Array_New(mmgr);
    if (!profile || !intent || !intents) {
        return HPDF_FAILD_TO_ALLOC_MEM;
    }
    profile->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    ret |= HPDF_Dict_AddNumber(profile, "N", 3);
    ret |= HPDF_Stream_Write(profile->stream, a->icc, (HPDF_UINT)a->icc_len);
    ret |= HPDF_Dict_AddName(intent, "Type", "OutputIntent");
    ret |= HPDF_Dict_AddName(intent, "S", "GTS_PDFA1");
    ret |= HPDF_Dict_Add(intent, "OutputConditionIdentifier",
                         HPDF_String_New(mmgr, BEIAN_PDFA_CONDITION, NULL));
    ret |= HPDF_Dict_Add(intent, "Info", HPDF_String_New(mmgr, BEIAN_PDFA_CONDITION, NULL));
    ret |= HPDF_Dict_Add(intent, "DestOutputProfile", profile);
    ret |= HPDF_Array_Add(intents, intent);
    ret |= HPDF_Dict_Add(doc->catalog, "OutputIntents", intents);
    return ret;
}

/* Makes doc PDF/A-1b with the parts pdfa.c builds: metadata, output intent, /ID. Call after
 * the pages are drawn, before saving; md (finished, not freed) holds what was printed. */
static int pdfa_finish(HPDF_Doc doc, const beian_dlist *dl, beian_sha256_ctx *md)
{
    beian_pdfa a;
    int rc = beian_pdfa_make(&a, dl, HPDF_VERSION_TEXT, md);
    if (rc == BEIAN_OK && (pdfa_metadata(doc, &a) != HPDF_OK ||
                           pdfa_output_intent(doc, &a) != HPDF_OK)) {
        rc = BEIAN_EINTERNAL;
    }
    if (rc == BEIAN_OK) {
        HPDF_Array id = HPDF_Array_New(doc->mmgr);
        if (!id || HPDF_Array_Add(id, HPDF_Binary_New(doc->mmgr, a.id, sizeof a.id)) != HPDF_OK ||
            HPDF_Array_Add(id, HPDF_Binary_New(doc->mmgr, a.id, sizeof a.id)) != HPDF_OK ||
            HPDF_Dict_Add(doc->trailer, "ID", id) != HPDF_OK) {
            rc = BEIAN_EINTERNAL;
        }
    }
    beian_pdfa_release(&a);
    return rc;
}

int beian_pdf_render(beian_ctx *ctx, const beian_dlist *dl, unsigned char **data, size_t *len)
{
    static const beian_backend backend = {pdf_begin_page, pdf_draw, pdf_end_page};
    pdf_state st;
    pdf_codes sets[PDF_MAX_FACES];
    int rc = BEIAN_EINTERNAL;
    memset(&st, 0, sizeof st);
    memset(sets, 0, sizeof sets);
    beian_buf_init(&st.cs);
    *data = NULL;
    *len = 0;
    /* 1. the characters each face prints */
    int any_text = 0;
    for (size_t p = 0; p < dl->npages; p++) {
        for (size_t k = 0; k < dl->pages[p].nops; k++) {
            const beian_op *op = &dl->pages[p].ops[k];
            if (op->kind != BEIAN_OP_TEXT) {
                continue;
            }
            if (op->face < 0 || op->face >= PDF_MAX_FACES) {
                goto oom;
            }
            any_text = 1;
            const unsigned char *s = (const unsigned char *)op->text;
            size_t n = strlen(op->text);
            for (size_t i = 0; i < n;) {
                uint32_t cp;
                size_t l = beian_utf8_decode(s + i, n - i, &cp);
                if (l == 0 || beian_pdf_codes_add(&sets[op->face], cp) != BEIAN_OK) {
                    goto oom;
                }
                i += l;
            }
        }
    }
    st.md = beian_sha256_new();
    st.pdf = st.md ? HPDF_New(on_error, &st.err) : NULL;
    if (!st.pdf) {
        goto oom;
    }
    st.sets = sets;
    /* first, before any stream exists (see the file comment) */
    HPDF_SetCompressionMode(st.pdf, HPDF_COMP_ALL);
    /* The header names the version the file uses: the XMP metadata stream and the output
     * intent of PDF/A-1b are PDF 1.4 features (ISO 19005-1, 6.1.2 and 6.7.2). libharu writes
     * the header from this field and only ever raises it itself for 1.4-only drawing. */
    st.pdf->pdf_version = HPDF_VER_14;
    if (any_text && !(st.font_res = new_object(&st))) {
        goto oom;
    }
    for (int f = 0; f < PDF_MAX_FACES; f++) {
        if (sets[f].n == 0) {
            continue;
        }
        beian_pdf_codes_sort(&sets[f]);
        if ((rc = embed_face(&st, dl->fonts, f, &sets[f])) != BEIAN_OK) {
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
    rc = pdfa_finish(st.pdf, dl, st.md);
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
    goto done;
oom:
    rc = beian_ctx_fail(ctx, BEIAN_EINTERNAL, "out of memory while building the PDF");
done:
    if (st.pdf) {
        HPDF_Free(st.pdf);
    }
    beian_buf_release(&st.cs);
    beian_sha256_free(st.md);
    for (int i = 0; i < PDF_MAX_FACES; i++) {
        free(sets[i].cps);
    }
    return rc;
}

const char *beian_pdf_library_version(void)
{
    return HPDF_VERSION_TEXT;
}
