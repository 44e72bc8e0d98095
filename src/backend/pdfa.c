/*
 * pdfa.c - the archival half of the PDF backend: the bytes that make a document PDF/A-1b
 * (ISO 19005-1), which pdf.c writes into the document through libharu. This file includes
 * no libharu header: it builds data, pdf.c makes the objects.
 *
 * libharu's own PDF/A helper writes unescaped XMP, a /ID from the clock and breaks on time
 * zones, so beian makes its own: XMP metadata that agrees with the document information
 * (title = form name and record number, dates from the data), an sRGB output intent whose
 * small ICC v2 profile is built here from the sRGB primaries (IEC 61966-2-1), a /ID derived
 * from the content (same input, same bytes). (The fonts' descriptors, with the CapHeight and
 * CIDSet PDF/A-1 asks for, are built by pdf.c.)
 */
#define _GNU_SOURCE
#include "pdfa.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beian/version.h"
#include "util.h"

/* --- a minimal ICC v2 display profile with the sRGB primaries ---------------------------- */

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

/* s15Fixed16 */
static uint32_t fix(double v)
{
    return (uint32_t)(int32_t)(v * 65536.0 + (v < 0 ? -0.5 : 0.5));
}

static size_t xyz_tag(unsigned char *p, double x, double y, double z)
{
    memcpy(p, "XYZ ", 4);
    put32(p + 4, 0);
    put32(p + 8, fix(x));
    put32(p + 12, fix(y));
    put32(p + 16, fix(z));
    return 20;
}

typedef struct {
    const char *sig;
    size_t off, size;
} icc_tag;

/* Builds the profile into buf (BEIAN_PDFA_ICC_MAX bytes); returns its size. */
static size_t srgb_profile(unsigned char *buf)
{
    static const char desc[] = "sRGB IEC61966-2.1";
    static const char cprt[] = "No copyright, use freely";
    /* tags: desc, cprt, wtpt, rXYZ, gXYZ, bXYZ, rTRC, gTRC, bTRC (TRCs share one curve) */
    const size_t ntags = 9;
    size_t off = 128 + 4 + ntags * 12;
    unsigned char *p = buf;
    memset(buf, 0, BEIAN_PDFA_ICC_MAX);
    icc_tag tags[9];
    size_t k = 0;
    /* desc: textDescriptionType */
    size_t dlen = sizeof desc; /* with its NUL */
    tags[k++] = (icc_tag){"desc", off, 12 + dlen + 8 + 3 + 67};
    memcpy(p + off, "desc", 4);
    put32(p + off + 8, (uint32_t)dlen);
    memcpy(p + off + 12, desc, dlen);
    off += (tags[k - 1].size + 3) & ~(size_t)3;
    /* cprt: textType */
    tags[k++] = (icc_tag){"cprt", off, 8 + sizeof cprt};
    memcpy(p + off, "text", 4);
    memcpy(p + off + 8, cprt, sizeof cprt);
    off += (tags[k - 1].size + 3) & ~(size_t)3;
    /* white point D50, and the sRGB primaries adapted to D50 (ICC's PCS) */
    static const struct {
        const char *sig;
        double x, y, z;
    } xyz[] = {{"wtpt", 0.9642, 1.0, 0.8249},
               {"rXYZ", 0.4361, 0.2225, 0.0139},
               {"gXYZ", 0.3851, 0.7169, 0.0971},
               {"bXYZ", 0.1431, 0.0606, 0.7141}};
    for (size_t i = 0; i < 4; i++) {
        tags[k++] = (icc_tag){xyz[i].sig, off, xyz_tag(p + off, xyz[i].x, xyz[i].y,
                                                              xyz[i].z)};
        off += 20;
    }
    /* one gamma curve, 2.2 (u8Fixed8 0x0233), for the three channels */
    memcpy(p + off, "curv", 4);
    put32(p + off + 8, 1);
    p[off + 12] = 0x02;
    p[off + 13] = 0x33;
    tags[k++] = (icc_tag){"rTRC", off, 14};
    tags[k++] = (icc_tag){"gTRC", off, 14};
    tags[k++] = (icc_tag){"bTRC", off, 14};
    off += 16;
    /* header */
    put32(p, (uint32_t)off);
    put32(p + 8, 0x02100000); /* version 2.1 */
    memcpy(p + 12, "mntr", 4);
    memcpy(p + 16, "RGB ", 4);
    memcpy(p + 20, "XYZ ", 4);
    /* a fixed date (2021-04-15, the regulation's): the profile never changes */
    static const unsigned char date[12] = {0x07, 0xE5, 0, 4, 0, 15, 0, 0, 0, 0, 0, 0};
    memcpy(p + 24, date, 12);
    memcpy(p + 36, "acsp", 4);
    put32(p + 68, fix(0.9642));
    put32(p + 72, fix(1.0));
    put32(p + 76, fix(0.8249));
    put32(p + 128, (uint32_t)ntags);
    for (size_t i = 0; i < ntags; i++) {
        unsigned char *t = p + 132 + i * 12;
        memcpy(t, tags[i].sig, 4);
        put32(t + 4, (uint32_t)tags[i].off);
        put32(t + 8, (uint32_t)tags[i].size);
    }
    return off;
}

/* --- XMP and the document information ----------------------------------------------------- */

static void xml_escaped(beian_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            beian_buf_appendf(b, "&amp;");
            break;
        case '<':
            beian_buf_appendf(b, "&lt;");
            break;
        case '>':
            beian_buf_appendf(b, "&gt;");
            break;
        case '"':
            beian_buf_appendf(b, "&quot;");
            break;
        default:
            beian_buf_append(b, s, 1);
        }
    }
}

/* A PDF text string in UTF-16BE with its byte order mark, appended to b. */
static void text_string(beian_buf *b, const char *utf8)
{
    beian_buf_append(b, "\xFE\xFF", 2);
    const unsigned char *s = (const unsigned char *)utf8;
    size_t len = strlen(utf8);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = beian_utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            cp = 0xFFFD, n = 1;
        }
        unsigned char u[4];
        if (cp > 0xFFFF) {
            uint32_t v = cp - 0x10000;
            uint32_t hi = 0xD800 + (v >> 10), lo = 0xDC00 + (v & 0x3FF);
            u[0] = (unsigned char)(hi >> 8), u[1] = (unsigned char)hi;
            u[2] = (unsigned char)(lo >> 8), u[3] = (unsigned char)lo;
            beian_buf_append(b, u, 4);
        } else {
            u[0] = (unsigned char)(cp >> 8), u[1] = (unsigned char)cp;
            beian_buf_append(b, u, 2);
        }
        i += n;
    }
}

/* The document information's strings and the XMP packet that repeats them. */
static int metadata(beian_pdfa *a, const beian_dlist *dl, const char *libharu_version)
{
    snprintf(a->producer, sizeof a->producer, "beian %s (libharu %s)", BEIAN_VERSION,
             libharu_version);
    snprintf(a->creator, sizeof a->creator, "beian %s", BEIAN_VERSION);
    const char *title = dl->title ? dl->title : "beian";
    char xmpdate[32] = "";
    a->pdf_date[0] = '\0';
    if (dl->date) {
        snprintf(a->pdf_date, sizeof a->pdf_date, "D:%.4s%.2s%.2s000000+00'00'", dl->date,
                 dl->date + 5, dl->date + 8);
        snprintf(xmpdate, sizeof xmpdate, "%.10sT00:00:00+00:00", dl->date);
    }
    text_string(&a->title, title);
    /* simple properties as attributes of one description: the shortest RDF/XML form */
    beian_buf *x = &a->xmp;
    beian_buf_appendf(
        x,
        "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>"
        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">"
        "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
        "<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\" "
        "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" "
        "xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" pdfaid:part=\"1\" pdfaid:conformance=\"B\" "
        "xmp:CreatorTool=\"%s\" pdf:Producer=\"%s\"",
        a->creator, a->producer);
    if (dl->date) {
        beian_buf_appendf(x, " xmp:CreateDate=\"%s\" xmp:ModifyDate=\"%s\"", xmpdate, xmpdate);
    }
    beian_buf_appendf(x, "><dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">");
    xml_escaped(x, title);
    beian_buf_appendf(x, "</rdf:li></rdf:Alt></dc:title></rdf:Description></rdf:RDF>"
                         "</x:xmpmeta><?xpacket end=\"w\"?>");
    return a->title.data && !a->title.failed && x->data && !x->failed ? BEIAN_OK
                                                                       : BEIAN_EINTERNAL;
}

/* /ID: the first 16 bytes of SHA-256 over what the document prints — its page sizes, content
 * streams and font programs, fed by pdf.c into md as it writes them — and the title and date.
 * The same input gives the same /ID; any change to what is printed gives another. */
static int document_id(beian_pdfa *a, const beian_dlist *dl, beian_sha256_ctx *md)
{
    unsigned char digest[BEIAN_SHA256_BYTES];
    if (!md) {
        return BEIAN_EINTERNAL;
    }
    const char *title = dl->title ? dl->title : "", *date = dl->date ? dl->date : "";
    beian_sha256_update(md, title, strlen(title) + 1);
    beian_sha256_update(md, date, strlen(date) + 1);
    if (beian_sha256_final(md, digest) != BEIAN_OK) {
        return BEIAN_EINTERNAL;
    }
    memcpy(a->id, digest, sizeof a->id);
    return BEIAN_OK;
}

int beian_pdfa_make(beian_pdfa *a, const beian_dlist *dl, const char *libharu_version,
                    beian_sha256_ctx *content)
{
    memset(a, 0, sizeof *a);
    beian_buf_init(&a->title);
    beian_buf_init(&a->xmp);
    int rc = metadata(a, dl, libharu_version);
    if (rc == BEIAN_OK) {
        a->icc_len = srgb_profile(a->icc);
        rc = document_id(a, dl, content);
    }
    return rc;
}

void beian_pdfa_release(beian_pdfa *a)
{
    beian_buf_release(&a->title);
    beian_buf_release(&a->xmp);
}
