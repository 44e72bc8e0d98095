/*
 * gen.c - the archive generator of `make bench-archive`: RECORDS work groups filed through
 * the library in one process (beian_archive_commit, the same commit every filing takes), each
 * submitted, approved with its printed form as the scan, and one in three changed (a new
 * administrator) and approved again: about three versions a record. Names, phone numbers and
 * group numbers differ per record, from small pools, so that a search finds a few records.
 * The result verifies like any archive.
 *
 * Usage: gen ARCHIVE RECORDS [FROM]   (forms and fonts from BEIAN_FORMS / BEIAN_FONTS; FROM:
 * go on with the FROM-th record of an archive generated for RECORDS that was stopped)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beian/archive.h"
#include "beian/record.h"
#include "beian/tracking.h"

static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
                                       "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗"};
static const char *const given[] = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋",
                                    "勇", "艳", "杰", "涛", "明", "超", "秀英", "霞", "平", "刚",
                                    "桂英", "建华", "文", "华", "红", "玉兰", "鹏", "辉", "玲", "婷"};

static void set(beian_record *rec, const char *id, const char *v)
{
    int i = beian_form_field_index(rec->form, id, 0);
    if (i < 0 || beian_record_set(rec, i, v, 0) != BEIAN_OK) {
        fprintf(stderr, "gen: cannot set %s\n", id);
        exit(1);
    }
}

static void person(unsigned k, char *name, size_t nsize, char *phone, size_t psize)
{
    snprintf(name, nsize, "%s%s", surnames[k % 20], given[(k / 20) % 30]);
    snprintf(phone, psize, "13%09u", 100000000u + (k * 7919u) % 900000000u);
}

/* The code a scan of the form just printed by res carries: the approval is checked against it
 * as a scan's code would be (record, version in force, data digest). */
static void code_of(const beian_record *rec, const beian_commit_result *res, beian_tracking *t)
{
    char digest[BEIAN_SHA256_HEX_SIZE];
    memset(t, 0, sizeof *t);
    if (beian_record_digest(rec, digest) != BEIAN_OK) {
        fprintf(stderr, "gen: cannot hash the record\n");
        exit(1);
    }
    snprintf(t->record, sizeof t->record, "%s", res->record_no);
    t->version = res->version;
    memcpy(t->digest16, digest, BEIAN_TRACKING_DIGEST_LEN);
    t->copy = BEIAN_TRACKING_FORM;
    t->page = 1;
}

static void commit(beian_archive *ar, const char *no, beian_event *ev, beian_commit_result *res)
{
    beian_problems *pr = beian_problems_new();
    int rc = beian_archive_commit(ar, no, ev, res, pr);
    if (rc != BEIAN_OK) {
        for (size_t i = 0; i < beian_problems_count(pr); i++) {
            fprintf(stderr, "gen: %s\n", beian_problems_get(pr, i)->message);
        }
        fprintf(stderr, "gen: commit failed (%d)\n", rc);
        exit(1);
    }
    beian_problems_free(pr);
}

/* The approval of the version printed by printed, with the form itself as its scan and the
 * code a scan of it carries. */
static void approve(beian_archive *ar, const beian_record *rec,
                    const beian_commit_result *printed, const char *date)
{
    beian_event ap = BEIAN_EVENT_INIT;
    beian_commit_result res;
    beian_tracking code;
    code_of(rec, printed, &code);
    ap.kind = BEIAN_EVENT_APPROVED;
    ap.date = date;
    ap.scan = printed->pdf;
    ap.scan_len = printed->pdf_len;
    ap.scan_name = "scan.pdf";
    ap.scan_code = &code;
    commit(ar, printed->record_no, &ap, &res);
    beian_commit_result_release(&res);
}

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: gen ARCHIVE RECORDS [FROM]\n");
        return 64;
    }
    unsigned records = (unsigned)strtoul(argv[2], NULL, 10);
    unsigned from = argc == 4 ? (unsigned)strtoul(argv[3], NULL, 10) : 1;
    beian_ctx *ctx = NULL;
    beian_archive *ar = NULL;
    beian_problems *pr = beian_problems_new();
    beian_record *rec = NULL;
    char data[4096];
    if (beian_ctx_new(&ctx, NULL) != BEIAN_OK) {
        return 70;
    }
    snprintf(data, sizeof data, "%s/../examples/workgroup-filing.json", beian_ctx_forms_dir(ctx));
    beian_archive_options o = BEIAN_ARCHIVE_OPTIONS_INIT;
    o.dir = argv[1];
    if (beian_archive_open(ctx, &o, 1, &ar) != BEIAN_OK ||
        beian_record_read_file(ctx, data, &rec, pr) != BEIAN_OK) {
        fprintf(stderr, "gen: cannot open the archive or read %s\n", data);
        return 66;
    }
    for (unsigned k = from ? from : 1; k <= records; k++) {
        char buf[128], name[32], phone[16], date[16];
        /* dates through 2026, a few records a day, so that `due` has work to judge */
        unsigned day = (k * 300u) / (records + 1);
        snprintf(date, sizeof date, "2026-%02u-%02u", 1 + day / 28 % 12, 1 + day % 28);
        snprintf(buf, sizeof buf, "2026级测试%u班", k);
        set(rec, "group_name", buf);
        snprintf(buf, sizeof buf, "%u", 60000000u + k);
        set(rec, "group_number", buf);
        snprintf(buf, sizeof buf, "https://weixin.qq.com/g/Bench%08u", k);
        set(rec, "group_qr", buf); /* each group its own code, as in life */
        person(k, name, sizeof name, phone, sizeof phone);
        set(rec, "admin1_name", name);
        set(rec, "admin1_mobile", phone);
        person(k + 7, name, sizeof name, phone, sizeof phone);
        set(rec, "admin2_name", name);
        set(rec, "admin2_mobile", phone);
        free(rec->date);
        rec->date = NULL;
        beian_event ev = BEIAN_EVENT_INIT;
        beian_commit_result sub;
        ev.kind = BEIAN_EVENT_SUBMITTED;
        ev.date = date;
        ev.record = rec;
        commit(ar, NULL, &ev, &sub);
        approve(ar, rec, &sub, date);
        if (k % 3 == 0) {
            char later[16];
            snprintf(later, sizeof later, "2026-12-%02u", 1 + k % 28);
            person(k + 13, name, sizeof name, phone, sizeof phone);
            set(rec, "admin1_name", name);
            set(rec, "admin1_mobile", phone);
            free(rec->date);
            rec->date = NULL;
            beian_event ch = BEIAN_EVENT_INIT;
            beian_commit_result chg;
            ch.kind = BEIAN_EVENT_CHANGED;
            ch.date = later;
            ch.changed_on = later;
            ch.record = rec;
            commit(ar, sub.record_no, &ch, &chg);
            approve(ar, rec, &chg, later);
            beian_commit_result_release(&chg);
        }
        beian_commit_result_release(&sub);
        if (k % 500 == 0) {
            fprintf(stderr, "gen: %u records\n", k);
        }
    }
    beian_record_free(rec);
    beian_archive_free(ar);
    beian_problems_free(pr);
    beian_ctx_free(ctx);
    return 0;
}
