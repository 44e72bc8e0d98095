/*
 * archive_read.c - a record's history: every version the ledger lists, each read back from its
 * bundle (archive_load.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_content.h"
#include "archive_load.h"
#include "ledger.h"
#include "util.h"

void beian_version_infos_free(beian_version_info *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].path);
        free(v[i].detail);
    }
    free(v);
}

/* What a version adds, in a few words. */
static char *version_detail(const load_bundle *lb)
{
    const event_doc *e = &lb->event;
    beian_buf b;
    beian_buf_init(&b);
    if (e->event == BEIAN_EVENT_REVIEWED) {
        beian_buf_appendf(&b, "%d: %s", e->review_year, e->review_pass ? "pass" : "fail");
    }
    if (e->reason) {
        beian_buf_appendf(&b, "%sreason: %s", b.len ? "; " : "", e->reason);
    }
    if (e->scan) {
        beian_buf_appendf(&b, "%sscan %s (%s)", b.len ? "; " : "", e->scan,
                          e->scan_name && e->scan_name[0] ? e->scan_name : "?");
    }
    /* how the scan was matched to the record (issue 13) */
    if (e->scan_check && strcmp(e->scan_check, "draft") == 0) {
        beian_buf_appendf(&b, "; a draft's code (printed before filing), data of v%d",
                          e->printed_version);
    }
    if (e->scan_unverified) {
        beian_buf_appendf(&b, "; 未经校验 (unverified: no code read): %s", e->scan_unverified);
    }
    if (e->event == BEIAN_EVENT_SUBMITTED || e->event == BEIAN_EVENT_CHANGED) {
        beian_buf_appendf(&b, "%sform printed as v%d", b.len ? "; " : "", e->printed_version);
    }
    if (!b.data) {
        return NULL;
    }
    return (char *)b.data;
}

int beian_archive_history(beian_archive *ar, const char *record_no, beian_record_info *info,
                          beian_version_info **versions, size_t *n, beian_problems *pr)
{
    ledger lg;
    beian_version_info *v = NULL;
    size_t nv = 0;
    int rc = ledger_load(ar, &lg, NULL);
    memset(info, 0, sizeof *info);
    *versions = NULL;
    *n = 0;
    if (rc != BEIAN_OK) {
        return rc;
    }
    if (lg.damaged) {
        beian_problems_add(pr, BEIAN_SEV_WARNING, ar->dir, 0, 0, NULL, NULL,
                           "the ledger is damaged; this history may be incomplete (run `beian "
                           "verify %s`)",
                           record_no);
    }
    for (size_t i = 0; i < lg.n && rc == BEIAN_OK; i++) {
        const ledger_line *l = &lg.lines[i];
        if (strcmp(l->record, record_no) != 0) {
            continue;
        }
        beian_version_info *grown = realloc(v, (nv + 1) * sizeof *grown);
        if (!grown) {
            rc = BEIAN_EINTERNAL;
            break;
        }
        v = grown;
        beian_version_info *x = &v[nv++];
        memset(x, 0, sizeof *x);
        x->version = l->version;
        x->event = l->event;
        x->state = l->state;
        memcpy(x->date, l->date, BEIAN_DATE_SIZE);
        memcpy(x->sha256, l->sha256, BEIAN_SHA256_HEX_SIZE);
        x->path = beian_strdup(l->path);
        load_bundle lb;
        int lrc = load_bundle_read(ar, l->path, &lb, NULL);
        if (lrc == BEIAN_OK && strcmp(lb.sha256, l->sha256) != 0) {
            lrc = BEIAN_EDATA;
        }
        if (lrc == BEIAN_OK) {
            x->detail = version_detail(&lb);
            x->unverified = lb.event.scan_unverified != NULL;
            if (!info->form_id) {
                info->form_id = beian_strdup(lb.meta.form);
            }
            beian_form *form = NULL;
            beian_record *rec = NULL;
            char *why = NULL;
            if (content_record(ar->ctx, lb.bundle, &form, &rec, &why) == BEIAN_OK) {
                free(info->name);
                info->name = content_record_name(rec);
            }
            free(why);
            beian_record_free(rec);
            beian_form_free(form);
            load_bundle_release(&lb);
        } else if (lrc == BEIAN_EINTERNAL) {
            rc = lrc;
        } else {
            x->detail = beian_strdup(lrc == BEIAN_ENOINPUT ? "MISSING: run beian verify"
                                                           : "DAMAGED: run beian verify");
        }
        memcpy(info->record_no, l->record, strlen(l->record) + 1);
        info->state = l->state;
        info->version = l->version;
        memcpy(info->date, l->date, BEIAN_DATE_SIZE);
    }
    ledger_release(&lg);
    if (rc == BEIAN_OK && nv == 0) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, ar->dir, 0, 0, NULL, NULL,
                           "there is no record %s in this archive (see: beian list)", record_no);
        rc = BEIAN_ENOINPUT;
    }
    if (rc != BEIAN_OK) {
        beian_version_infos_free(v, nv);
        beian_record_info_release(info);
        return rc;
    }
    *versions = v;
    *n = nv;
    return BEIAN_OK;
}
