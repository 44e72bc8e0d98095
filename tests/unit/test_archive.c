/*
 * test_archive.c - the archive's pieces on their own: the workflow table, record numbers and
 * bundle names, the bag round trip and its damage codes, event documents, the verify code
 * table, a whole commit into a temporary archive checked by verify, the durable-write
 * primitive's flags and the walk of records/.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h> /* after the headers it needs */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive_bag.h"
#include "archive_event_doc.h"
#include "archive_index.h"
#include "archive_load.h"
#include "archive_store.h"
#include "file.h"
#include "ledger.h"
#include "sqldb.h"
#include "beian/archive.h"
#include "beian/bundle.h"
#include "beian/verify.h"

static void test_archive__workflow_follows_the_regulation(void **state)
{
    (void)state;
    beian_state to;
    assert_int_equal(beian_archive_workflow_next(BEIAN_STATE_NONE, BEIAN_EVENT_SUBMITTED, 1, &to), 0);
    assert_int_equal(to, BEIAN_STATE_SUBMITTED);
    assert_int_equal(beian_archive_workflow_next(BEIAN_STATE_SUBMITTED, BEIAN_EVENT_APPROVED, 1, &to), 0);
    assert_int_equal(to, BEIAN_STATE_APPROVED);
    /* a change before approval, and anything after dissolution, are refused */
    assert_int_equal(beian_archive_workflow_next(BEIAN_STATE_SUBMITTED, BEIAN_EVENT_CHANGED, 1, &to),
                     BEIAN_EDATA);
    for (int ev = 0; ev < 6; ev++) {
        assert_int_equal(beian_archive_workflow_next(BEIAN_STATE_DISSOLVED, (beian_event_kind)ev, 1, &to),
                         BEIAN_EDATA);
    }
    /* a failed review stops the platform until it is changed and reviewed again (art. 8) */
    assert_int_equal(beian_archive_workflow_next(BEIAN_STATE_APPROVED, BEIAN_EVENT_REVIEWED, 0, &to), 0);
    assert_int_equal(to, BEIAN_STATE_REVIEW_FAILED);
    assert_int_equal(beian_archive_workflow_next(BEIAN_STATE_REVIEW_FAILED, BEIAN_EVENT_CHANGED, 1, &to),
                     0);
    assert_int_equal(to, BEIAN_STATE_CHANGED);
    /* a returned filing is corrected with a change */
    assert_int_equal(beian_archive_workflow_next(BEIAN_STATE_REJECTED, BEIAN_EVENT_CHANGED, 1, &to), 0);
    assert_int_equal(beian_archive_workflow_next(BEIAN_STATE_REJECTED, BEIAN_EVENT_APPROVED, 1, &to),
                     BEIAN_EDATA);
    for (int st = 0; st < 7; st++) {
        beian_state back;
        assert_int_equal(beian_archive_state_parse(beian_archive_state_name((beian_state)st), &back), 0);
        assert_int_equal(back, st);
    }
}

static void test_archive__record_numbers_and_bundle_names(void **state)
{
    (void)state;
    assert_true(beian_record_no_valid("XMT-2026-0007"));
    assert_true(beian_record_no_valid("QUN-2026-12345"));
    assert_false(beian_record_no_valid("XMT-2026-7"));
    assert_false(beian_record_no_valid("xmt-2026-0007"));
    assert_false(beian_record_no_valid("XMT-26-0007"));
    assert_false(beian_record_no_valid("XMT-2026-0007/../x"));
    assert_string_equal(store_prefix("workgroup-filing"), "QUN");
    assert_string_equal(store_prefix("platform-application"), "XMT");
    char *rel = store_bundle_rel("QUN-2026-0012", 3, "2027-01-05");
    assert_string_equal(rel, "records/2026/QUN-2026-0012/v3-20270105.zip");
    char rec[32], date[11];
    int v = 0;
    assert_true(store_parse_bundle_rel(rel, rec, &v, date));
    assert_string_equal(rec, "QUN-2026-0012");
    assert_int_equal(v, 3);
    assert_string_equal(date, "2027-01-05");
    free(rel);
    assert_false(store_parse_bundle_rel("records/2027/QUN-2026-0012/v3-20270105.zip", rec, &v,
                                          date)); /* year folder and number disagree */
    assert_false(
        store_parse_bundle_rel("records/2026/QUN-2026-0012/v0-20270105.zip", rec, &v, date));
    assert_false(
        store_parse_bundle_rel("records/2026/QUN-2026-0012/v3-20270231.zip", rec, &v, date));
}

static void test_archive__anchor_parse(void **state)
{
    (void)state;
    size_t n = 0;
    char h[65];
    char ok[80];
    snprintf(ok, sizeof ok, "12:%s",
             "ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
    assert_int_equal(ledger_parse_anchor(ok, &n, h), 0);
    assert_int_equal(n, 12);
    assert_string_equal(h, "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
    assert_int_not_equal(ledger_parse_anchor("12", &n, h), 0);
    assert_int_not_equal(ledger_parse_anchor("0:abc", &n, h), 0);
    assert_int_not_equal(ledger_parse_anchor("-1:abc", &n, h), 0);
}

static void test_verify__codes_are_unique_and_explained(void **state)
{
    (void)state;
    size_t n = 0;
    const beian_verify_code *c = beian_verify_codes(&n);
    assert_true(n >= 30);
    for (size_t i = 0; i < n; i++) {
        assert_true(strlen(c[i].meaning) > 10);
        assert_true(strlen(c[i].action) > 5);
        for (size_t k = 0; k < i; k++) {
            assert_string_not_equal(c[i].code, c[k].code);
        }
    }
    beian_findings *f = beian_findings_new();
    assert_int_equal(beian_findings_add(f, "NO-SUCH-CODE", NULL, "x"), BEIAN_EINTERNAL);
    assert_int_equal(beian_findings_add(f, BEIAN_V_BAG_OXUM, "b.zip", "n=%d", 3), 0);
    assert_true(beian_findings_has(f, BEIAN_V_BAG_OXUM));
    assert_string_equal(beian_findings_get(f, 0)->message, "n=3");
    beian_findings_free(f);
}

/* a bag with two payload files */
static void make_bag(beian_ctx *ctx, const char *pdf, unsigned char **zip, size_t *len)
{
    beian_bundle_entry payload[] = {
        {"data/record.json", (unsigned char *)"{}", 2},
        {"data/form.pdf", (unsigned char *)pdf, strlen(pdf)},
    };
    bag_meta m = {"QUN-2026-0001",
                  1,
                  BEIAN_EVENT_SUBMITTED,
                  BEIAN_STATE_SUBMITTED,
                  "2026-11-24",
                  "workgroup-filing",
                  "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
                  NULL,
                  "附件4 网络工作群备案登记表：测试群"};
    assert_int_equal(bag_build(ctx, &m, payload, 2, zip, len), 0);
}

static void test_archive__bag_round_trip_and_a_changed_payload(void **state)
{
    unsigned char *zip = NULL, *other = NULL;
    size_t len = 0, olen = 0;
    make_bag(*state, "%PDF-1.4 one", &zip, &len);
    beian_bundle *b = NULL;
    beian_findings *f = beian_findings_new();
    bag_meta m;
    assert_int_equal(beian_bundle_read(zip, len, "t.zip", &b, f), 0);
    assert_int_equal(bag_check(b, "t.zip", &m, f), 0);
    assert_int_equal(beian_findings_count(f), 0);
    assert_string_equal(m.record, "QUN-2026-0001");
    assert_int_equal(m.version, 1);
    assert_null(m.prev_sha);
    assert_string_equal(m.description, "附件4 网络工作群备案登记表：测试群");
    bag_meta_release(&m);
    /* the same length, other bytes, in the place of the first bag's PDF: BAG-DIGEST */
    make_bag(*state, "%PDF-1.4 two", &other, &olen);
    beian_bundle *b2 = NULL;
    assert_int_equal(beian_bundle_read(other, olen, "u.zip", &b2, f), 0);
    for (size_t i = 0; i < b->n; i++) {
        if (strcmp(b->entries[i].name, BAG_MANIFEST) == 0) {
            const beian_bundle_entry *e = beian_bundle_get(b2, BAG_MANIFEST);
            free(b->entries[i].data);
            b->entries[i].data = malloc(e->len);
            memcpy(b->entries[i].data, e->data, e->len);
        }
    }
    assert_int_equal(bag_check(b, "t.zip", &m, f), 0);
    assert_true(beian_findings_has(f, BEIAN_V_BAG_DIGEST));
    assert_true(beian_findings_has(f, BEIAN_V_BAG_TAGMANIFEST));
    bag_meta_release(&m);
    beian_bundle_free(b);
    beian_bundle_free(b2);
    beian_findings_free(f);
    free(zip);
    free(other);
}

static void test_archive__event_document_round_trip(void **state)
{
    (void)state;
    event_doc_review reviews[1] = {{2027, 0, "2027-12-10", 4}};
    event_doc_file scan_files[2] = {{"data/review-2027.pdf", "年审.pdf", 1},
                                    {"data/review-2027-p2.png", "年审-2.png", 2}};
    event_doc_file signed_files[2] = {{"data/signed.jpg", "1.jpg", 1},
                                      {"data/signed-p3.jpg", "3.jpg", 3}};
    event_doc e = {BEIAN_EVENT_REVIEWED,
                   4,
                   "2027-12-10",
                   "XMT-2026-0007",
                   "platform-application",
                   BEIAN_STATE_REVIEW_FAILED,
                   3,
                   "2027-03-02",
                   "内容更新不及时",
                   2027,
                   0,
                   "data/review-2027.pdf",
                   "年审.pdf",
                   "data/signed.jpg",
                   reviews,
                   1,
                   "",
                   "",
                   "",
                   NULL,
                   0,
                   "beian:QUN-2026-0001/3/3F2A9C0D11E4B7A8",
                   "code",
                   NULL,
                   "二维码破损",
                   scan_files,
                   2,
                   signed_files,
                   2};
    unsigned char *json = NULL;
    size_t len = 0;
    assert_int_equal(event_doc_dump(&e, &json, &len), 0);
    event_doc back;
    assert_int_equal(event_doc_parse(json, len, &back), 0);
    assert_int_equal(back.event, BEIAN_EVENT_REVIEWED);
    assert_int_equal(back.state, BEIAN_STATE_REVIEW_FAILED);
    assert_int_equal(back.printed_version, 3);
    assert_string_equal(back.reason, "内容更新不及时");
    assert_string_equal(back.signed_copy, "data/signed.jpg");
    assert_string_equal(back.scan_name, "年审.pdf");
    assert_string_equal(back.scan_code, "beian:QUN-2026-0001/3/3F2A9C0D11E4B7A8");
    assert_string_equal(back.scan_check, "code");
    assert_null(back.scan_unverified);
    assert_string_equal(back.signed_unverified, "二维码破损");
    /* a scan of several files (a folder's pages of one form) and the signed copy's files */
    assert_int_equal(back.n_scan_files, 2);
    assert_string_equal(back.scan_files[1].file, "data/review-2027-p2.png");
    assert_string_equal(back.scan_files[1].name, "年审-2.png");
    assert_int_equal(back.scan_files[1].page, 2);
    assert_int_equal(back.n_signed_files, 2);
    assert_string_equal(back.signed_files[1].file, "data/signed-p3.jpg");
    assert_int_equal(back.signed_files[1].page, 3);
    assert_int_equal(back.n_reviews, 1);
    assert_int_equal(back.reviews[0].year, 2027);
    assert_false(back.reviews[0].pass);
    unsigned char *again = NULL;
    size_t alen = 0;
    assert_int_equal(event_doc_dump(&back, &again, &alen), 0);
    assert_int_equal(alen, len);
    assert_memory_equal(again, json, len);
    event_doc_release(&back);
    free(json);
    free(again);
    /* a list of files whose first is not the scan, or with pages out of order: not beian's */
    static const char *const bad[] = {
        "{\"date\": \"2026-12-01\", \"event\": \"approved\", \"form\": \"f\", \"printed\": "
        "{\"date\": \"2026-11-30\", \"version\": 1}, \"record\": \"XMT-2026-0001\", \"state\": "
        "\"approved\", \"version\": 2, \"scan\": {\"file\": \"data/signed.png\", \"name\": \"a\", "
        "\"files\": [{\"file\": \"data/signed-p2.png\", \"name\": \"b\", \"page\": 2}, "
        "{\"file\": \"data/signed.png\", \"name\": \"a\", \"page\": 1}]}}",
        "{\"date\": \"2026-12-01\", \"event\": \"approved\", \"form\": \"f\", \"printed\": "
        "{\"date\": \"2026-11-30\", \"version\": 1}, \"record\": \"XMT-2026-0001\", \"state\": "
        "\"approved\", \"version\": 2, \"signed\": \"data/signed.png\", \"signed_files\": "
        "[{\"file\": \"data/signed.png\", \"name\": \"a\", \"page\": 2}, "
        "{\"file\": \"data/signed-p2.png\", \"name\": \"b\", \"page\": 2}]}"};
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(event_doc_parse((const unsigned char *)bad[i], strlen(bad[i]), &back),
                         BEIAN_EDATA);
    }
    static const char good[] =
        "{\"date\": \"2026-12-01\", \"event\": \"approved\", \"form\": \"f\", \"printed\": "
        "{\"date\": \"2026-11-30\", \"version\": 1}, \"record\": \"XMT-2026-0001\", \"state\": "
        "\"approved\", \"version\": 2, \"signed\": \"data/signed.png\", \"signed_files\": "
        "[{\"file\": \"data/signed.png\", \"name\": \"a\", \"page\": 1}, "
        "{\"file\": \"data/signed-p2.png\", \"name\": \"b\", \"page\": 2}]}";
    assert_int_equal(event_doc_parse((const unsigned char *)good, strlen(good), &back), BEIAN_OK);
    assert_int_equal(back.n_signed_files, 2);
    event_doc_release(&back);
}

/* submit, reject, verify, and the ledger line that records it, in a temporary archive */
static void test_archive__commit_then_verify(void **state)
{
    beian_ctx *ctx = *state;
    char dir[] = "/tmp/beian-test-archive-XXXXXX";
    assert_non_null(mkdtemp(dir));
    beian_archive_options o = BEIAN_ARCHIVE_OPTIONS_INIT;
    o.dir = dir;
    beian_archive *ar = NULL;
    beian_problems *pr = beian_problems_new();
    beian_record *rec = NULL;
    assert_int_equal(beian_archive_open(ctx, &o, 1, &ar), 0);
    char data[4096];
    snprintf(data, sizeof data, "%s/../examples/workgroup-filing.json", beian_ctx_forms_dir(ctx));
    assert_int_equal(beian_record_read_file(ctx, data, &rec, pr), 0);
    beian_event ev = BEIAN_EVENT_INIT;
    ev.kind = BEIAN_EVENT_SUBMITTED;
    ev.date = "2026-11-24";
    ev.record = rec;
    beian_commit_result res;
    assert_int_equal(beian_archive_commit(ar, NULL, &ev, &res, pr), 0);
    assert_string_equal(res.record_no, "QUN-2026-0001");
    assert_int_equal(res.version, 1);
    assert_non_null(res.pdf);
    beian_commit_result_release(&res);
    beian_event rj = BEIAN_EVENT_INIT;
    rj.kind = BEIAN_EVENT_REJECTED;
    rj.date = "2026-11-23"; /* before the submission */
    rj.reason = "负责人未签字";
    assert_int_equal(beian_archive_commit(ar, "QUN-2026-0001", &rj, &res, pr), BEIAN_EDATA);
    rj.date = "2026-11-25";
    assert_int_equal(beian_archive_commit(ar, "QUN-2026-0001", &rj, &res, pr), 0);
    assert_int_equal(res.state, BEIAN_STATE_REJECTED);
    beian_commit_result_release(&res);
    beian_findings *f = beian_findings_new();
    beian_verify_summary sum;
    assert_int_equal(beian_archive_verify(ar, NULL, f, &sum), 0);
    assert_int_equal(sum.bundles, 2);
    assert_int_equal(sum.records, 1);
    size_t lines = 0;
    char head[65];
    assert_int_equal(beian_archive_anchor(ar, &lines, head, f), 0);
    assert_int_equal(lines, 2);
    assert_string_equal(head, sum.head);
    beian_findings_free(f);
    beian_record_free(rec);
    beian_problems_free(pr);
    beian_archive_free(ar);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* The whole of a small file; NULL when it cannot be read. */
static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    char *buf = fp ? calloc(1, 65536) : NULL;
    if (buf) {
        size_t n = fread(buf, 1, 65535, fp);
        buf[n] = '\0';
    }
    if (fp) {
        fclose(fp);
    }
    return buf;
}

static void spill(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
    assert_int_equal(fclose(fp), 0);
}

static int verify_index(beian_archive *ar, beian_verify_summary *sum, int *store_index)
{
    beian_findings *f = beian_findings_new();
    assert_non_null(f);
    int rc = beian_archive_verify(ar, NULL, f, sum);
    *store_index = beian_findings_has(f, BEIAN_V_STORE_INDEX);
    beian_findings_free(f);
    return rc;
}

/* Copies a file byte for byte (index.db, closed: no -wal beside it). */
static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    FILE *out = fopen(to, "wb");
    char buf[8192];
    size_t n;
    assert_non_null(in);
    assert_non_null(out);
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
        assert_int_equal(fwrite(buf, 1, n, out), n);
    }
    fclose(in);
    assert_int_equal(fclose(out), 0);
}

static void index_sql(beian_ctx *ctx, const char *path, const char *sql)
{
    beian_sqldb *db = NULL;
    assert_int_equal(beian_sqldb_open(ctx, path, BEIAN_SQLDB_WRITE, &db), 0);
    assert_int_equal(beian_sqldb_exec(db, sql), 0);
    beian_sqldb_close(db);
}

/* index.db is derived from the ledger: one that lags behind (the previous filing's) or is
 * missing verifies, a reader catches it up, one that contradicts the ledger is STORE-INDEX,
 * and the next filing brings a missing one back. */
static void test_archive__index_behind_the_ledger_is_a_lag_not_damage(void **state)
{
    beian_ctx *ctx = *state;
    char dir[] = "/tmp/beian-test-index-XXXXXX";
    assert_non_null(mkdtemp(dir));
    beian_archive_options o = BEIAN_ARCHIVE_OPTIONS_INIT;
    o.dir = dir;
    beian_archive *ar = NULL;
    beian_problems *pr = beian_problems_new();
    beian_record *rec = NULL;
    assert_int_equal(beian_archive_open(ctx, &o, 1, &ar), 0);
    char data[4096], index[4200], first[4200];
    snprintf(data, sizeof data, "%s/../examples/workgroup-filing.json", beian_ctx_forms_dir(ctx));
    snprintf(index, sizeof index, "%s/index.db", dir);
    snprintf(first, sizeof first, "%s/first.db", dir);
    assert_int_equal(beian_record_read_file(ctx, data, &rec, pr), 0);
    beian_event ev = BEIAN_EVENT_INIT;
    ev.kind = BEIAN_EVENT_SUBMITTED;
    ev.date = "2026-11-24";
    ev.record = rec;
    beian_commit_result res;
    assert_int_equal(beian_archive_commit(ar, NULL, &ev, &res, pr), 0);
    beian_commit_result_release(&res);
    copy_file(index, first);
    beian_event rj = BEIAN_EVENT_INIT;
    rj.kind = BEIAN_EVENT_REJECTED;
    rj.date = "2026-11-25";
    rj.reason = "负责人未签字";
    assert_int_equal(beian_archive_commit(ar, "QUN-2026-0001", &rj, &res, pr), 0);
    beian_commit_result_release(&res);
    beian_verify_summary sum;
    int bad = 0;
    assert_int_equal(verify_index(ar, &sum, &bad), 0);
    assert_int_equal(sum.index, BEIAN_INDEX_FRESH);

    copy_file(first, index); /* as if the second filing's index update had failed */
    assert_int_equal(verify_index(ar, &sum, &bad), 0);
    assert_int_equal(sum.index, BEIAN_INDEX_BEHIND);
    assert_int_equal(sum.index_lines, 1);
    assert_int_equal(sum.ledger_lines, 2);
    beian_record_info *rows = NULL;
    size_t n = 0;
    assert_int_equal(beian_archive_list(ar, &rows, &n, pr), 0);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].version, 2); /* caught up from the ledger */
    assert_int_equal(rows[0].state, BEIAN_STATE_REJECTED);
    beian_record_infos_free(rows, n);
    assert_int_equal(verify_index(ar, &sum, &bad), 0);
    assert_int_equal(sum.index, BEIAN_INDEX_FRESH);

    copy_file(first, index); /* a lagging index that says something the ledger never did */
    index_sql(ctx, index, "UPDATE records SET state = 'approved'");
    assert_int_equal(verify_index(ar, &sum, &bad), BEIAN_EDATA);
    assert_true(bad);
    assert_int_equal(sum.index, BEIAN_INDEX_WRONG);

    assert_int_equal(remove(index), 0);
    assert_int_equal(verify_index(ar, &sum, &bad), 0);
    assert_int_equal(sum.index, BEIAN_INDEX_MISSING);

    ev.date = "2026-11-26"; /* the next filing builds it anew */
    assert_int_equal(beian_archive_commit(ar, NULL, &ev, &res, pr), 0);
    assert_string_equal(res.record_no, "QUN-2026-0002");
    beian_commit_result_release(&res);
    assert_int_equal(verify_index(ar, &sum, &bad), 0);
    assert_int_equal(sum.index, BEIAN_INDEX_FRESH);

    beian_record_free(rec);
    beian_problems_free(pr);
    beian_archive_free(ar);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* beian_file_replace: an exclusive write never replaces a name, a read-only one is 0444, and
 * the steps are heard in order; a plain one replaces and leaves no temporary file. */
static void step_log(void *user, const char *moment)
{
    char *log = user;
    size_t n = strlen(log);
    snprintf(log + n, 64 - n, "%s%s", n ? "," : "", moment);
}

static void test_archive__file_replace_flags(void **state)
{
    (void)state;
    char dir[] = "/tmp/beian-test-replace-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128], tmpdir[128], log[64] = "";
    snprintf(path, sizeof path, "%s/a.zip", dir);
    snprintf(tmpdir, sizeof tmpdir, "%s/tmp", dir);
    assert_int_equal(mkdir(tmpdir, 0755), 0);
    beian_file_options o = {BEIAN_FILE_READONLY | BEIAN_FILE_EXCLUSIVE | BEIAN_FILE_STRICT_SYNC,
                            tmpdir, step_log, log};
    beian_file_report rep;
    assert_int_equal(beian_file_replace(path, "one", 3, &o, &rep), BEIAN_OK);
    assert_int_equal(rep.placed, 1);
    beian_file_report_release(&rep);
    assert_string_equal(log, "written,placed");
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0444);
    assert_int_equal(beian_file_replace(path, "two", 3, &o, &rep), BEIAN_EIO);
    assert_int_equal(rep.at, BEIAN_FILE_AT_PLACE);
    assert_int_equal(rep.err, EEXIST);
    assert_int_equal(rep.placed, 0);
    beian_file_report_release(&rep);
    size_t n = 9;
    char **names = store_list_dir(tmpdir, &n);
    assert_non_null(names);
    assert_int_equal(n, 0); /* no temporary file left, on success or failure */
    store_names_free(names, n);
    char *text = slurp(path);
    assert_string_equal(text, "one");
    free(text);
    snprintf(path, sizeof path, "%s/b.txt", dir);
    assert_int_equal(beian_file_write_atomic(path, "x", 1, NULL), BEIAN_OK);
    assert_int_equal(beian_file_write_atomic(path, "y", 1, NULL), BEIAN_OK);
    text = slurp(path);
    assert_string_equal(text, "y");
    free(text);
    names = store_list_dir(dir, &n);
    assert_int_equal(n, 3); /* a.zip, b.txt, tmp */
    store_names_free(names, n);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* The walk of records/ goes in name order, a folder before what it holds, judges each name,
 * and goes only into valid folders. */
static int walk_log(void *user, const store_entry *e)
{
    char *log = user;
    size_t n = strlen(log);
    snprintf(log + n, 512 - n, "%d%c%s ", (int)e->level, e->valid ? '+' : '-', e->name);
    return BEIAN_OK;
}

static void test_archive__walk_visits_records_in_order(void **state)
{
    beian_ctx *ctx = *state;
    char dir[] = "/tmp/beian-test-walk-XXXXXX";
    assert_non_null(mkdtemp(dir));
    beian_archive_options o = BEIAN_ARCHIVE_OPTIONS_INIT;
    o.dir = dir;
    beian_archive *ar = NULL;
    assert_int_equal(beian_archive_open(ctx, &o, 1, &ar), 0);
    const char *const dirs[] = {"records/2026/QUN-2026-0002", "records/2026/QUN-2026-0001",
                                "records/2026/XMT-2025-0001", "records/junk/QUN-2026-0003"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        assert_int_equal(store_make_dirs(ar, dirs[i]), BEIAN_OK);
    }
    char path[256];
    snprintf(path, sizeof path, "%s/records/2026/QUN-2026-0001/v1-20261124.zip", dir);
    spill(path, "z");
    snprintf(path, sizeof path, "%s/records/2026/QUN-2026-0001/notes.txt", dir);
    spill(path, "n");
    char log[512] = "";
    assert_int_equal(store_walk(ar, NULL, walk_log, log), BEIAN_OK);
    assert_string_equal(log, "1+2026 2+QUN-2026-0001 3-notes.txt 3+v1-20261124.zip "
                             "2+QUN-2026-0002 2-XMT-2025-0001 1-junk ");
    log[0] = '\0';
    assert_int_equal(store_walk(ar, "QUN-2026-0002", walk_log, log), BEIAN_OK);
    assert_string_equal(log, "1+2026 2+QUN-2026-0002 1-junk ");
    beian_archive_free(ar);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

static int setup(void **state)
{
    beian_ctx *ctx = NULL;
    if (beian_ctx_new(&ctx, NULL) != BEIAN_OK) {
        return -1;
    }
    *state = ctx;
    return 0;
}

static int teardown(void **state)
{
    beian_ctx_free(*state);
    return 0;
}

/* Issue 14: the ledger's reader takes only lines as beian writes them (one line, one hash);
 * a link inside the archive is never followed; an output path is judged after links. */
static void test_archive__ledger_refuses_lines_not_written_by_beian(void **state)
{
    beian_ctx *ctx = *state;
    char dir[] = "/tmp/beian-test-canon-XXXXXX";
    assert_non_null(mkdtemp(dir));
    beian_archive_options o = BEIAN_ARCHIVE_OPTIONS_INIT;
    o.dir = dir;
    beian_archive *ar = NULL;
    assert_int_equal(beian_archive_open(ctx, &o, 1, &ar), 0);
    const char *good = "1 0000000000000000000000000000000000000000000000000000000000000000 "
                       "0440e9938c34902feedda563d5e2d9366436bf684ee0e58f49c8ec66c8a02069 "
                       "2026-11-24 QUN-2026-0001 v1 submitted submitted "
                       "records/2026/QUN-2026-0001/v1-20261124.zip";
    const char *const tails[] = {"\n", " \n", "\r\n", "\t\n"};
    char path[256], text[512];
    snprintf(path, sizeof path, "%s/ledger.txt", dir);
    for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
        snprintf(text, sizeof text, "%s%s", good, tails[i]);
        spill(path, text);
        ledger lg;
        beian_findings *f = beian_findings_new();
        assert_int_equal(ledger_load(ar, &lg, f), BEIAN_OK);
        assert_int_equal(lg.damaged, i != 0);
        assert_int_equal(beian_findings_count(f), i == 0 ? 0 : 1);
        ledger_release(&lg);
        beian_findings_free(f);
    }
    /* a link on the way to a bundle is reported, a plain path is not */
    assert_int_equal(store_make_dirs(ar, "records/2026"), BEIAN_OK);
    snprintf(path, sizeof path, "%s/records/2027", dir);
    assert_int_equal(symlink("/tmp", path), 0);
    assert_null(store_rel_not_plain(ar, "records/2026/QUN-2026-0001/v1-20261124.zip"));
    char *link = store_rel_not_plain(ar, "records/2027/QUN-2027-0001/v1-20271124.zip");
    assert_non_null(link);
    assert_string_equal(link, "records/2027");
    free(link);
    assert_int_not_equal(store_make_dirs(ar, "records/2027/QUN-2027-0001"), BEIAN_OK);
    /* outputs: inside the archive, also through the link's way back in */
    snprintf(path, sizeof path, "%s/ledger.txt", dir);
    assert_int_equal(beian_path_within(path, dir), 1);
    snprintf(path, sizeof path, "%s/records/2026/../../x.pdf", dir);
    assert_int_equal(beian_path_within(path, dir), 1);
    assert_int_equal(beian_path_within("/tmp/beian-elsewhere.pdf", dir), 0);
    beian_archive_free(ar);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_archive__workflow_follows_the_regulation),
        cmocka_unit_test(test_archive__record_numbers_and_bundle_names),
        cmocka_unit_test(test_archive__anchor_parse),
        cmocka_unit_test(test_verify__codes_are_unique_and_explained),
        cmocka_unit_test(test_archive__bag_round_trip_and_a_changed_payload),
        cmocka_unit_test(test_archive__event_document_round_trip),
        cmocka_unit_test(test_archive__commit_then_verify),
        cmocka_unit_test(test_archive__index_behind_the_ledger_is_a_lag_not_damage),
        cmocka_unit_test(test_archive__file_replace_flags),
        cmocka_unit_test(test_archive__walk_visits_records_in_order),
        cmocka_unit_test(test_archive__ledger_refuses_lines_not_written_by_beian),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
