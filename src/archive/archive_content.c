/*
 * archive_content.c - the documents inside a bundle's data/ folder, beyond the bag:
 *
 *     data/record.json      the normalised record (beian_record_canonical); its SHA-256 is
 *                           the digest printed in the tracking code
 *     data/form.json        the form definition as used, byte for byte
 *     data/form.pdf         the printed form
 *     data/event.json       what happened in this version, and what the bundle carries
 *     data/provenance.json  beian's version and the SHA-256 of every font file it used
 *     data/signed.<ext>     the signed and sealed copy of form.pdf (from the approval on)
 *     data/review-<Y>.<ext> the scan of the year's review, in that review's version
 *     data/signed-p<N>.<ext>, data/review-<Y>-p<N>.<ext>  further files of a scan that is
 *                           several (a folder's pages of one form), from the form's page N on
 *
 * A bundle must be enough on its own to reprint: the record is rebuilt from record.json
 * against the archived definition, never the one in the forms folder today.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_content.h"
#include "beian/font.h"
#include "beian/version.h"
#include "sha256.h"
#include "util.h"

int content_provenance_dump(beian_ctx *ctx, unsigned char **out, size_t *len)
{
    beian_fonts *fonts = NULL;
    char *s = NULL;
    int rc = beian_ctx_fonts(ctx, &fonts);
    *out = NULL;
    *len = 0;
    if (rc != BEIAN_OK) {
        return rc;
    }
    rc = BEIAN_EINTERNAL;
    json_t *list = json_array();
    json_t *root = json_pack("{s:s, s:o}", "beian", BEIAN_VERSION, "fonts", list);
    if (!root) {
        goto done;
    }
    for (size_t i = 0; i < beian_fonts_count(fonts); i++) {
        const char *path = beian_fonts_path(fonts, (int)i);
        const char *base = path ? strrchr(path, '/') : NULL;
        const char *name = beian_fonts_name(fonts, (int)i);
        const char *digest = beian_fonts_digest(fonts, (int)i);
        if (json_array_append_new(list,
                                  json_pack("{s:s, s:s, s:i, s:s}", "family", name ? name : "",
                                            "file", base ? base + 1 : (path ? path : ""), "index",
                                            beian_fonts_index(fonts, (int)i), "sha256",
                                            digest ? digest : "")) != 0) {
            goto done;
        }
    }
    s = beian_json_dumps(root, JSON_SORT_KEYS | JSON_INDENT(2)); /* checked: see util.h */
    if (s) {
        *out = (unsigned char *)beian_asprintf("%s\n", s);
        if (*out) {
            *len = strlen((char *)*out);
            rc = BEIAN_OK;
        }
    }
done:
    free(s);
    json_decref(root);
    return rc;
}

int content_record(beian_ctx *ctx, const beian_bundle *b, beian_form **form_out,
                   beian_record **rec_out, char **why)
{
    int rc = BEIAN_EDATA;
    beian_form *form = NULL;
    beian_record *rec = NULL;
    beian_problems *pr = beian_problems_new();
    json_t *root = NULL;
    char *canon = NULL;
    size_t canon_len = 0;
    *form_out = NULL;
    *rec_out = NULL;
    *why = NULL;
    const beian_bundle_entry *fe = beian_bundle_get(b, DATA_FORM);
    const beian_bundle_entry *re = beian_bundle_get(b, DATA_RECORD);
    if (!pr) {
        return BEIAN_EINTERNAL;
    }
    if (!fe || !re) {
        *why = beian_asprintf("%s is missing", fe ? DATA_RECORD : DATA_FORM);
        goto done;
    }
    int frc = beian_form_load_buffer(ctx, DATA_FORM, fe->data, fe->len, &form, pr);
    if (frc != BEIAN_OK) {
        const beian_problem *p = beian_problems_get(pr, 0);
        *why = beian_asprintf("%s is not a usable form definition: %s", DATA_FORM,
                              p ? p->message : beian_ctx_message(ctx));
        rc = frc == BEIAN_EINTERNAL ? frc : BEIAN_EDATA;
        goto done;
    }
    json_error_t jerr;
    root = json_loadb((const char *)re->data, re->len, JSON_REJECT_DUPLICATES, &jerr);
    json_t *fields = json_object_get(root, "fields");
    json_t *jdate = json_object_get(root, "date");
    const char *fid = json_string_value(json_object_get(root, "form"));
    if (!json_is_object(fields) || !fid || (jdate && !json_is_string(jdate))) {
        *why = beian_asprintf("%s is not a record ({\"form\", \"fields\", \"date\"})", DATA_RECORD);
        goto done;
    }
    if (strcmp(fid, form->id) != 0) {
        *why = beian_asprintf("%s names form %s but %s defines %s", DATA_RECORD, fid, DATA_FORM,
                              form->id);
        goto done;
    }
    rec = beian_record_new(form);
    if (!rec) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    const char *key;
    json_t *v;
    json_object_foreach(fields, key, v)
    {
        int i = beian_form_field_index(form, key, 0);
        if (i < 0 || !json_is_string(v)) {
            *why = beian_asprintf("%s: field %s is %s", DATA_RECORD, key,
                                  i < 0 ? "not in the archived form definition" : "not text");
            goto done;
        }
        if (beian_record_set(rec, i, json_string_value(v), 0) != BEIAN_OK) {
            rc = BEIAN_EINTERNAL;
            goto done;
        }
    }
    if (jdate && !(rec->date = beian_strdup(json_string_value(jdate)))) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    if (beian_record_canonical(rec, &canon, &canon_len) != BEIAN_OK) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    if (canon_len != re->len || memcmp(canon, re->data, canon_len) != 0) {
        *why = beian_asprintf("%s is not in the normalised form beian writes", DATA_RECORD);
        goto done;
    }
    *form_out = form;
    *rec_out = rec;
    form = NULL;
    rec = NULL;
    rc = BEIAN_OK;
done:
    if (rc == BEIAN_EDATA && !*why) {
        *why = beian_strdup("cannot be read");
    }
    free(canon);
    json_decref(root);
    beian_record_free(rec);
    beian_form_free(form);
    beian_problems_free(pr);
    return rc;
}

const char *content_scan_ext(const unsigned char *d, size_t len)
{
    if (len >= 5 && memcmp(d, "%PDF-", 5) == 0) {
        return "pdf";
    }
    if (len >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0) {
        return "png";
    }
    if (len >= 3 && memcmp(d, "\xff\xd8\xff", 3) == 0) {
        return "jpg";
    }
    if (len >= 4 && (memcmp(d, "II*\0", 4) == 0 || memcmp(d, "MM\0*", 4) == 0)) {
        return "tif"; /* a multi-page TIFF from an office scanner (issue 13) */
    }
    return NULL;
}

char *content_record_name(const beian_record *rec)
{
    const char *v = beian_record_get(rec, "name");
    if (!v) {
        v = beian_record_get(rec, "group_name");
    }
    for (size_t i = 0; !v && i < rec->form->nfields; i++) {
        v = rec->values[i];
    }
    char *s = beian_strdup(v ? v : "");
    for (char *p = s; p && *p; p++) {
        if (*p == '\t' || *p == '\n' || *p == '\r') {
            *p = ' ';
        }
    }
    return s;
}

#define CONTENT(...)                                                                               \
    do {                                                                                           \
        if (beian_findings_add(f, BEIAN_V_REC_CONTENT, label, __VA_ARGS__) != BEIAN_OK) {          \
            rc = BEIAN_EINTERNAL;                                                                  \
            goto done;                                                                             \
        }                                                                                          \
    } while (0)

/* The i-th scan file an event document names (NULL where it names none): its scan, its
 * signed copy, then the scan's files and the signed copy's of a scan of several files. */
static const char *content_scan_file(const event_doc *ev, size_t i)
{
    if (i < 2) {
        return i == 0 ? ev->scan : ev->signed_copy;
    }
    i -= 2;
    return i < ev->n_scan_files ? ev->scan_files[i].file
                                : ev->signed_files[i - ev->n_scan_files].file;
}

int content_check(beian_ctx *ctx, const beian_bundle *b, const bag_meta *m, const char *label,
                  event_doc *ev_out, beian_findings *f)
{
    int rc = BEIAN_OK;
    beian_form *form = NULL;
    beian_record *rec = NULL;
    char *why = NULL;
    event_doc ev;
    int have_ev = 0;
    char hex[BEIAN_SHA256_HEX_SIZE];
    memset(&ev, 0, sizeof ev);
    const beian_bundle_entry *re = beian_bundle_get(b, DATA_RECORD);
    const beian_bundle_entry *pe = beian_bundle_get(b, DATA_PDF);
    const beian_bundle_entry *ee = beian_bundle_get(b, DATA_EVENT);
    const beian_bundle_entry *prov = beian_bundle_get(b, DATA_PROVENANCE);
    if (re && beian_sha256_hex(re->data, re->len, hex) == BEIAN_OK &&
        strcmp(hex, m->record_sha) != 0) {
        CONTENT("%s is not the record bag-info.txt names (Beian-Record-SHA256)", DATA_RECORD);
    }
    int crc = content_record(ctx, b, &form, &rec, &why);
    if (crc == BEIAN_EINTERNAL) {
        rc = crc;
        goto done;
    }
    if (crc != BEIAN_OK) {
        CONTENT("%s", why);
    } else if (strcmp(form->id, m->form) != 0) {
        CONTENT("%s defines form %s but bag-info.txt says %s", DATA_FORM, form->id, m->form);
    }
    const char *pdf_kind = pe ? content_scan_ext(pe->data, pe->len) : NULL;
    if (!pdf_kind || strcmp(pdf_kind, "pdf") != 0) {
        CONTENT("%s is %s", DATA_PDF, pe ? "not a PDF" : "missing");
    }
    json_error_t jerr;
    json_t *pj = prov ? json_loadb((const char *)prov->data, prov->len, 0, &jerr) : NULL;
    int prov_ok = json_is_object(pj);
    json_decref(pj);
    if (!prov_ok) {
        CONTENT("%s is %s", DATA_PROVENANCE, prov ? "not a JSON object" : "missing");
    }
    if (!ee || event_doc_parse(ee->data, ee->len, &ev) != BEIAN_OK) {
        CONTENT("%s is %s", DATA_EVENT, ee ? "not an event beian writes" : "missing");
        goto done;
    }
    have_ev = 1;
    if (ev.event != m->event || ev.version != m->version || ev.state != m->state ||
        strcmp(ev.record, m->record) != 0 || strcmp(ev.date, m->date) != 0 ||
        strcmp(ev.form, m->form) != 0) {
        CONTENT("%s (%s v%d %s %s) disagrees with bag-info.txt (%s v%d %s %s)", DATA_EVENT,
                ev.record, ev.version, beian_archive_event_name(ev.event), ev.date, m->record, m->version,
                beian_archive_event_name(m->event), m->date);
    }
    if (ev.printed_version < 1 || ev.printed_version > ev.version) {
        CONTENT("%s: the printed form's version %d is not one of this record's", DATA_EVENT,
                ev.printed_version);
    }
    /* every scan file it names: this event's (one, or several: scan.files) and the signed
     * copy's (signed, signed_files); the bag's manifest covers each entry (bag_check) */
    size_t n_files = 2 + ev.n_scan_files + ev.n_signed_files;
    for (size_t i = 0; i < n_files; i++) {
        const char *file = content_scan_file(&ev, i);
        int again = 0; /* an approval's scan is its signed copy: said once */
        for (size_t j = 0; file && j < i && !again; j++) {
            const char *earlier = content_scan_file(&ev, j);
            again = earlier && strcmp(earlier, file) == 0;
        }
        const beian_bundle_entry *se = file && !again ? beian_bundle_get(b, file) : NULL;
        if (file && !again && (!se || !content_scan_ext(se->data, se->len))) {
            CONTENT("%s names %s, which is %s", DATA_EVENT, file,
                    se ? "not a PDF, PNG, JPEG or TIFF" : "missing");
        }
    }
done:
    if (ev_out && have_ev) {
        *ev_out = ev;
    } else {
        event_doc_release(&ev);
    }
    free(why);
    beian_record_free(rec);
    beian_form_free(form);
    return rc;
}
