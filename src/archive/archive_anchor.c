/*
 * archive_anchor.c - the ledger anchor: the ledger's line count and head hash, printed on a
 * slip that is signed, sealed and filed on paper (`beian anchor`). Since every ledger line
 * carries the hash of the line before it, the hash of line N commits to lines 1..N: `beian
 * verify --anchor N:HASH` then proves that nothing before the anchor was rewritten and that
 * the ledger was not cut short, even by someone who recomputed the whole chain.
 *
 * The slip is an ordinary form, laid out and printed by the same pipeline as the filing
 * forms; its definition is compiled in (below) rather than kept in forms/, because it is not
 * a form users fill and must not appear in `beian forms`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger.h"
#include "beian/render.h"
#include "util.h"

/* The slip's definition, in the format of the files in forms/ (see the README). */
static const char slip_form[] =
    "{\"id\": \"beian-ledger-anchor\", \"attachment\": \"存档\",\n"
    " \"title\": [\"宁夏职业技术学院 宁夏开放大学\", \"备案档案账本锚定单\"],\n"
    " \"page\": {\"width_mm\": 210, \"height_mm\": 297,\n"
    "          \"margins_mm\": {\"top\": 18, \"right\": 25, \"bottom\": 24, \"left\": 25}},\n"
    " \"font_sizes\": {\"label\": 12, \"value\": 12, \"min\": 7, \"title\": 18,\n"
    "                \"attachment\": 14, \"note\": 10.5},\n"
    " \"columns_mm\": [45, 115],\n"
    " \"fields\": [\n"
    "  {\"id\": \"lines\", \"label\": \"账本行数\", \"type\": \"count\", \"max_chars\": 12},\n"
    "  {\"id\": \"head\", \"label\": \"末行哈希\", \"type\": \"text\", \"max_chars\": 64},\n"
    "  {\"id\": \"anchor\", \"label\": \"核对参数\", \"type\": \"text\", \"max_chars\": 80},\n"
    "  {\"id\": \"date\", \"label\": \"锚定日期\", \"type\": \"date\", \"max_chars\": 10},\n"
    "  {\"id\": \"code\", \"label\": \"锚定码\", \"type\": \"qr\", \"max_chars\": 120}],\n"
    " \"rows\": [\n"
    "  {\"height_mm\": 14, \"cells\": [{\"kind\": \"label\", \"text\": \"账本行数\"},\n"
    "    {\"kind\": \"field\", \"field\": \"lines\"}]},\n"
    "  {\"height_mm\": 20, \"cells\": [{\"kind\": \"label\", \"text\": \"末行哈希（SHA-256）\"},\n"
    "    {\"kind\": \"field\", \"field\": \"head\"}]},\n"
    "  {\"height_mm\": 20, \"cells\": [{\"kind\": \"label\", \"text\": \"核对参数\"},\n"
    "    {\"kind\": \"field\", \"field\": \"anchor\"}]},\n"
    "  {\"height_mm\": 14, \"cells\": [{\"kind\": \"label\", \"text\": \"锚定日期\"},\n"
    "    {\"kind\": \"field\", \"field\": \"date\"}]},\n"
    "  {\"height_mm\": 50, \"cells\": [{\"kind\": \"label\", \"text\": \"锚定码\"},\n"
    "    {\"kind\": \"qr\", \"field\": \"code\"}]},\n"
    "  {\"height_mm\": 30, \"cells\": [{\"kind\": \"label\", \"text\": \"经办人\"},\n"
    "    {\"kind\": \"sign\", \"signer\": \"经办人（签字）：\"}]},\n"
    "  {\"height_mm\": 45, \"cells\": [{\"kind\": \"label\", \"text\": \"党委宣传统战部意见\"},\n"
    "    {\"kind\": \"sign\", \"signer\": \"负责人（签字盖章）：\", \"seal\": true}]}],\n"
    " \"notes\": [\"核对：beian verify --anchor "
    "核对参数。账本中此前任何一行被改写、删除或调换，\",\n"
    "            \"或账本被截短，核对即失败。本单签字盖章后存档，不得涂改。\"]}\n";

int beian_archive_anchor(beian_archive *ar, size_t *lines, char head[BEIAN_ARCHIVE_HASH_SIZE],
                         beian_findings *findings)
{
    ledger lg;
    int rc = ledger_load(ar, &lg, findings);
    if (rc != BEIAN_OK) {
        return rc;
    }
    if (lg.damaged) {
        rc = BEIAN_EDATA;
    } else if (lg.n == 0) {
        rc = beian_ctx_fail(ar->ctx, BEIAN_EDATA,
                            "the ledger of %s is empty: there is nothing to anchor yet", ar->dir);
    } else {
        *lines = lg.n;
        memcpy(head, lg.head, BEIAN_SHA256_HEX_SIZE);
    }
    ledger_release(&lg);
    return rc;
}

int beian_archive_anchor_slip(beian_archive *ar, const char *date, unsigned char **pdf, size_t *len,
                              size_t *lines, char head[BEIAN_ARCHIVE_HASH_SIZE],
                              beian_findings *findings, beian_problems *pr)
{
    beian_form *form = NULL;
    beian_record *rec = NULL;
    char num[24], anchor[96], code[128];
    *pdf = NULL;
    *len = 0;
    if (!date || !beian_date_valid(date)) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, NULL, 0, 0, "date", "锚定日期",
                           "give the date of the slip with --date YYYY-MM-DD (or --date today)");
        return BEIAN_EDATA;
    }
    int rc = beian_archive_anchor(ar, lines, head, findings);
    if (rc != BEIAN_OK) {
        return rc;
    }
    rc = beian_form_load_buffer(ar->ctx, "(ledger anchor slip)", (const unsigned char *)slip_form,
                                sizeof slip_form - 1, &form, pr);
    if (rc != BEIAN_OK) {
        return rc == BEIAN_EINTERNAL ? rc : BEIAN_EINTERNAL; /* a bug in the text above */
    }
    snprintf(num, sizeof num, "%zu", *lines);
    snprintf(anchor, sizeof anchor, "%zu:%s", *lines, head);
    snprintf(code, sizeof code, "beian-anchor:%s", anchor);
    rec = beian_record_new(form);
    const char *ids[] = {"lines", "head", "anchor", "date", "code"};
    const char *values[] = {num, head, anchor, date, code};
    for (size_t i = 0; rec && i < 5 && rc == BEIAN_OK; i++) {
        rc = beian_record_set(rec, beian_form_field_index(form, ids[i], 0), values[i], 0);
    }
    if (!rec || rc != BEIAN_OK) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    beian_layout_options lo = BEIAN_LAYOUT_OPTIONS_INIT;
    lo.tracking = 0;
    rc = beian_render(ar->ctx, form, rec, &lo, NULL, pdf, len, pr);
done:
    beian_record_free(rec);
    beian_form_free(form);
    return rc;
}
