/*
 * font_describe.c - reports about the font set, built only on its public accessors
 * (beian/font.h): what `beian fonts` prints (beian_fonts_describe: which file serves each
 * role, the chains in lookup order, which face prints each character of a text), and the
 * problems for characters no face prints (beian_fonts_report_unprintable).
 */
#include "beian/font.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

enum { DESCRIBE_MAX_CHARS = 4096 }; /* distinct characters listed per face, then "…" */

static void face_line(beian_buf *b, const beian_fonts *fs, int face)
{
    beian_buf_appendf(b, "%s", beian_fonts_path(fs, face));
    if (beian_fonts_index(fs, face) > 0) {
        beian_buf_appendf(b, "#%d", beian_fonts_index(fs, face));
    }
    beian_buf_appendf(b, " (%s)", beian_fonts_name(fs, face));
}

static void roles(beian_buf *b, const beian_fonts *fs)
{
    static const char *const names[2] = {"body", "title"};
    for (int r = BEIAN_ROLE_TITLE; r >= BEIAN_ROLE_BODY; r--) {
        int first = beian_fonts_chain(fs, (beian_font_role)r, 0);
        beian_buf_appendf(b, "%-9s", names[r]);
        if (first >= 0) {
            face_line(b, fs, first);
        }
        beian_buf_appendf(b, "\n");
    }
    for (size_t i = 0; beian_fonts_latin(fs, i) >= 0; i++) {
        int face = beian_fonts_latin(fs, i);
        beian_buf_appendf(b, "%-9s", i == 0 ? "latin" : "");
        face_line(b, fs, face);
        for (int r = BEIAN_ROLE_BODY; r <= BEIAN_ROLE_TITLE; r++) {
            const char *role = r == BEIAN_ROLE_TITLE ? "title" : "body";
            if (beian_fonts_latin_used(fs, (beian_font_role)r, i)) {
                beian_buf_appendf(b, "%s x%.2f in the %s", r ? "," : ", scaled",
                                  beian_fonts_scale(fs, (beian_font_role)r, face), role);
            } else {
                beian_buf_appendf(b, "%s not used in the %s (its face has its own Latin)",
                                  r ? "," : ";", role);
            }
        }
        beian_buf_appendf(b, "\n");
    }
    for (int r = BEIAN_ROLE_TITLE; r >= BEIAN_ROLE_BODY; r--) {
        beian_buf_appendf(b, "chain of the %s:\n", names[r]);
        for (size_t i = 0; beian_fonts_chain(fs, (beian_font_role)r, i) >= 0; i++) {
            beian_buf_appendf(b, "  %zu. ", i + 1);
            face_line(b, fs, beian_fonts_chain(fs, (beian_font_role)r, i));
            beian_buf_appendf(b, "\n");
        }
    }
}

/* Appends the distinct characters of text that face prints in role (face -1: that none
 * prints), in their order of first appearance; seen is a cleared bitmap of all code points.
 * Returns how many. */
static size_t chars_of(beian_buf *b, const beian_fonts *fs, beian_font_role role,
                       const char *text, int face, unsigned char *seen)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t len = strlen(text), count = 0;
    memset(seen, 0, (0x110000 + 7) / 8);
    for (size_t i = 0; i < len && count < DESCRIBE_MAX_CHARS;) {
        uint32_t cp;
        size_t n = beian_utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            i++;
            continue;
        }
        int dup = cp < 0x110000 && (seen[cp >> 3] >> (cp & 7) & 1);
        if (cp < 0x110000) {
            seen[cp >> 3] |= (unsigned char)(1u << (cp & 7));
        }
        if (!dup && cp >= 0x20 && beian_fonts_face_for(fs, role, cp) == face) {
            beian_buf_append(b, s + i, n);
            count++;
        }
        i += n;
    }
    return count;
}

char *beian_fonts_describe(const beian_fonts *fs, beian_font_role role, const char *text)
{
    beian_buf b;
    beian_buf_init(&b);
    roles(&b, fs);
    unsigned char *seen = text ? malloc((0x110000 + 7) / 8) : NULL;
    if (text && !seen) {
        b.failed = 1;
    } else if (text) {
        beian_buf_appendf(&b, "characters of the text, by face (%s):\n",
                          role == BEIAN_ROLE_TITLE ? "title" : "body");
        for (int f = -1; f < (int)beian_fonts_count(fs); f++) {
            beian_buf line;
            beian_buf_init(&line);
            size_t n = chars_of(&line, fs, role, text, f, seen);
            b.failed |= line.failed;
            if (n > 0) {
                beian_buf_appendf(&b, "  ");
                if (f < 0) {
                    beian_buf_appendf(&b, "in no face");
                } else {
                    face_line(&b, fs, f);
                }
                beian_buf_appendf(&b, ": ");
                beian_buf_append(&b, line.data, line.len);
                beian_buf_appendf(&b, "\n");
            }
            beian_buf_release(&line);
        }
    }
    free(seen);
    if (beian_buf_append(&b, "", 1) != BEIAN_OK || b.failed) {
        beian_buf_release(&b);
        return NULL;
    }
    return (char *)b.data;
}

int beian_fonts_report_unprintable(const beian_fonts *fs, beian_font_role role, const char *text,
                                   beian_problems *pr, const char *file, int line,
                                   const char *field, const char *label)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t len = strlen(text);
    uint32_t seen[16];
    int nseen = 0;
    for (size_t i = 0; i < len && nseen < 16;) {
        uint32_t cp;
        size_t n = beian_utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            i++; /* ill-formed bytes are the reader's to report */
            continue;
        }
        i += n;
        const char *why = cp == '\n' ? NULL : beian_fonts_unprintable(fs, role, cp);
        int dup = 0;
        for (int k = 0; k < nseen; k++) {
            dup |= seen[k] == cp;
        }
        if (!why || dup) {
            continue;
        }
        seen[nseen++] = cp;
        char ch[5] = {0};
        beian_utf8_encode(cp, ch);
        beian_problems_add(pr, BEIAN_SEV_ERROR, file, line, 0, field, label,
                           "the character U+%04X \"%s\" %s", cp, ch, why);
    }
    return nseen;
}
