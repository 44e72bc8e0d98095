/*
 * archive_check.c - the checks of a filing's own arguments that need no lock (the date, the
 * reason, the rules' dates, the scan's kind and size) and of a scan's tracking code against the
 * record it is filed for. Called by the commit (archive_commit.c).
 */
#include "archive_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_content.h"
#include "util.h"

/* The largest scan a filing accepts (an A4 page at 300 dpi is far less). */
#define CHECK_MAX_SCAN_BYTES (64u * 1024u * 1024u)

const char *check_verb(beian_event_kind ev)
{
    static const char *const verbs[] = {"submit", "approve", "reject",
                                        "change", "review",  "dissolve"};
    return (unsigned)ev < 6 ? verbs[ev] : "?";
}

/* Checks the event's own arguments before anything is locked. */
int check_event(beian_archive *ar, const beian_event *ev, const char **scan_ext,
                beian_problems *pr)
{
    const char *where = ar->dir;
    *scan_ext = NULL;
    if (!ev->date || !beian_date_valid(ev->date)) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, NULL, 0, 0, "date", "日期",
                           "\"%s\" is not a date; give it as YYYY-MM-DD, e.g. --date 2026-11-24 "
                           "(or --date today)",
                           ev->date ? ev->date : "");
        return BEIAN_EDATA;
    }
    if ((ev->kind == BEIAN_EVENT_SUBMITTED || ev->kind == BEIAN_EVENT_CHANGED) && !ev->record) {
        return beian_ctx_fail(ar->ctx, BEIAN_EINTERNAL, "%s needs the record data", check_verb(ev->kind));
    }
    if (ev->kind == BEIAN_EVENT_APPROVED && !ev->scan) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, where, 0, 0, NULL, NULL,
                           "an approval files the signed and sealed paper: give its scan with "
                           "--scan FILE (PDF, PNG, JPEG or TIFF)");
        return BEIAN_EDATA;
    }
    if (ev->kind == BEIAN_EVENT_REJECTED && (!ev->reason || !ev->reason[0])) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, NULL, 0, 0, "reason", "退回理由",
                           "say why the filing is returned with --reason TEXT");
        return BEIAN_EDATA;
    }
    if (ev->kind == BEIAN_EVENT_REVIEWED && (ev->year < 2000 || ev->year > 2199)) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, NULL, 0, 0, "year", "年审年度",
                           "give the year under review with --year YYYY");
        return BEIAN_EDATA;
    }
    if (ev->reason &&
        (strlen(ev->reason) > 2000 || beian_utf8_check((const unsigned char *)ev->reason,
                                                       strlen(ev->reason)) != strlen(ev->reason))) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, NULL, 0, 0, "reason", "理由",
                           "must be UTF-8 text of at most 2000 bytes");
        return BEIAN_EDATA;
    }
    /* the dates the rules count from (第七条, 第十三条): real dates, not after the filing */
    const struct {
        const char *value, *field, *label, *option;
        int allowed;
    } days[] = {
        {ev->changed_on, "changed_on", "变更日期", "--changed-on", ev->kind == BEIAN_EVENT_CHANGED},
        {ev->closed_on, "closed_on", "关闭日期", "--closed-on", ev->kind == BEIAN_EVENT_DISSOLVED},
        {ev->opened_on, "opened_on", "开通日期", "--opened-on", 1}};
    for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
        if (!days[i].value) {
            continue;
        }
        if (!days[i].allowed) {
            beian_problems_add(pr, BEIAN_SEV_ERROR, NULL, 0, 0, days[i].field, days[i].label,
                               "%s belongs to a %s, not to a filing that is %s", days[i].option,
                               i == 0 ? "change" : "dissolution", beian_archive_event_name(ev->kind));
            return BEIAN_EDATA;
        }
        if (!beian_date_valid(days[i].value) || strlen(days[i].value) != 10 ||
            strcmp(days[i].value, ev->date) > 0) {
            beian_problems_add(pr, BEIAN_SEV_ERROR, NULL, 0, 0, days[i].field, days[i].label,
                               "\"%s\" must be a date YYYY-MM-DD on or before the filing date %s",
                               days[i].value, ev->date);
            return BEIAN_EDATA;
        }
    }
    if (ev->scan) {
        *scan_ext = content_scan_ext(ev->scan, ev->scan_len);
        if (!*scan_ext) {
            beian_problems_add(pr, BEIAN_SEV_ERROR, ev->scan_name, 0, 0, "scan", "扫描件",
                               "is not a PDF, PNG, JPEG or TIFF (judged by its first bytes); "
                               "scan the signed paper to one of those");
            return BEIAN_EDATA;
        }
        if (ev->scan_len > CHECK_MAX_SCAN_BYTES) {
            beian_problems_add(pr, BEIAN_SEV_ERROR, ev->scan_name, 0, 0, "scan", "扫描件",
                               "is larger than 64 MiB; scan at 300 dpi or save as JPEG");
            return BEIAN_EDATA;
        }
    }
    return BEIAN_OK;
}

/* The scan's tracking code must name this record, the printed version and this data; a
 * draft's code is the paper printed before filing (`beian fill`), the same form when its
 * digest is this data. *draft says which it was. */
static int check_scan_code(const beian_event *ev, const char *record_no, const event_doc *prev,
                           const char *record_sha, int latest_version, int *draft,
                           beian_problems *pr)
{
    const beian_tracking *t = ev->scan_code;
    const char *file = ev->scan_name;
    *draft = strcmp(t->record, "DRAFT") == 0;
    if (t->copy != BEIAN_TRACKING_FORM) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, file, 0, 0, "scan", "扫描件",
                           "its tracking code is that of a %s of %s v%d, not of the signed form: "
                           "a copy is never filed as the signed paper (if the original was lost, "
                           "print the form itself with `beian reprint %s --exact`, sign and seal "
                           "it)",
                           t->copy == BEIAN_TRACKING_MASKED ? "masked reprint" : "reprint (补打（副本）)",
                           t->record, t->version, t->record);
        return BEIAN_EDATA;
    }
    if (*draft) {
        if (strncmp(t->digest16, record_sha, 16) != 0) {
            beian_problems_add(pr, BEIAN_SEV_ERROR, file, 0, 0, "scan", "扫描件",
                               "the paper is a draft (printed by `beian fill` before filing) "
                               "and shows data other than v%d's: it was printed before a change, "
                               "or filled differently (its digest %s, %s v%d's %.16s); sign and "
                               "scan the form of v%d (`beian reprint %s --exact`)",
                               prev->printed_version, t->digest16, record_no,
                               prev->printed_version, record_sha, prev->printed_version,
                               record_no);
            return BEIAN_EDATA;
        }
        return BEIAN_OK;
    }
    if (strcmp(t->record, record_no) != 0) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, file, 0, 0, "scan", "扫描件",
                           "its tracking code names %s, not %s: this paper belongs to another "
                           "record",
                           t->record, record_no);
        return BEIAN_EDATA;
    }
    if (t->version < prev->printed_version) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, file, 0, 0, "scan", "扫描件",
                           "its tracking code names version %d, but the form of %s was printed "
                           "again as version %d since (after a change): sign and scan that form",
                           t->version, record_no, prev->printed_version);
        return BEIAN_EDATA;
    }
    if (t->version != prev->printed_version) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, file, 0, 0, "scan", "扫描件",
                           "its tracking code names version %d, but the form of %s in force is "
                           "version %d (latest version: %d)",
                           t->version, record_no, prev->printed_version, latest_version);
        return BEIAN_EDATA;
    }
    if (strncmp(t->digest16, record_sha, 16) != 0) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, file, 0, 0, "scan", "扫描件",
                           "its tracking code carries data digest %s but %s's data digests to "
                           "%.16s: the paper was printed from other data",
                           t->digest16, record_no, record_sha);
        return BEIAN_EDATA;
    }
    return BEIAN_OK;
}

int check_dates(const beian_event *ev, const char *newest, int first_year, beian_problems *pr)
{
    int event_year = (int)strtol(ev->date, NULL, 10);
    if (ev->kind == BEIAN_EVENT_REVIEWED && (ev->year < first_year || ev->year > event_year)) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, NULL, 0, 0, "year", "年审年度",
                           "a review dated %s can be for a year from %d (the record's first "
                           "year) to %d (the year of its date), not %d",
                           ev->date, first_year, event_year, ev->year);
        return BEIAN_EDATA;
    }
    if (newest && newest[0] && !ev->date_confirmed) {
        /* a year after newest: the same month and day one year on (string order is date
         * order for YYYY-MM-DD) */
        char limit[24];
        int y = (int)strtol(newest, NULL, 10) + 1;
        snprintf(limit, sizeof limit, "%04d%.6s", y > 9999 ? 9999 : y, newest + 4);
        if (strcmp(ev->date, limit) > 0) {
            beian_problems_add(pr, BEIAN_SEV_ERROR, NULL, 0, 0, "date", "日期",
                               "%s is more than a year after the newest date in the ledger (%s): "
                               "a typo? Give a date up to %s, or, if %s is right, say so with "
                               "--date-confirmed",
                               ev->date, newest, limit, ev->date);
            return BEIAN_EDATA;
        }
    }
    return BEIAN_OK;
}

/* 1 when s could not be copied (out of memory); else s's copy (or NULL) is in *out. */
static int set_str(char **out, const char *s)
{
    free(*out);
    *out = s ? beian_strdup(s) : NULL;
    return s && !*out;
}

int check_scan_event(const beian_event *ev, const char *record_no, const event_doc *prev,
                     const char *record_sha, int latest_version, event_doc *doc,
                     beian_problems *pr)
{
    const char *carried = doc->signed_copy && prev->signed_copy &&
                                  strcmp(doc->signed_copy, prev->signed_copy) == 0 &&
                                  ev->kind != BEIAN_EVENT_APPROVED
                              ? prev->signed_unverified
                              : NULL;
    if (set_str(&doc->signed_unverified, carried)) {
        return BEIAN_EINTERNAL;
    }
    if (!ev->scan) {
        return BEIAN_OK;
    }
    int draft = 0;
    const char *check = "unverified";
    char payload[BEIAN_TRACKING_PAYLOAD_SIZE] = "";
    if (ev->scan_code) {
        int rc = check_scan_code(ev, record_no, prev, record_sha, latest_version, &draft, pr);
        if (rc != BEIAN_OK) {
            return rc;
        }
        const beian_tracking *t = ev->scan_code;
        check = draft ? "draft" : "code";
        if (beian_tracking_format(draft ? NULL : t->record, t->version, t->digest16, payload,
                                  sizeof payload) != BEIAN_OK) {
            return BEIAN_EINTERNAL;
        }
    } else if (!ev->unverified || !ev->unverified[0]) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, ev->scan_name, 0, 0, "scan", "扫描件",
                           "no beian tracking code was read from it, so nothing shows that it is "
                           "the form of %s v%d; rescan the paper at 300 dpi on a flatbed scanner",
                           record_no, prev->printed_version);
        return BEIAN_EDATA;
    } else if (strlen(ev->unverified) > 2000) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, NULL, 0, 0, "unverified", "未经校验理由",
                           "must be at most 2000 bytes");
        return BEIAN_EDATA;
    }
    const char *reason = ev->scan_code ? NULL : ev->unverified;
    if (set_str(&doc->scan_check, check) || set_str(&doc->scan_code, payload[0] ? payload : NULL) ||
        set_str(&doc->scan_unverified, reason) ||
        (ev->kind == BEIAN_EVENT_APPROVED && set_str(&doc->signed_unverified, reason))) {
        return BEIAN_EINTERNAL;
    }
    return BEIAN_OK;
}
