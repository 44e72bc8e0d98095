/*
 * test_rules.c - the regulation's rules on their own: day counting (calendar and working
 * days, a holiday calendar with 调休), the deadlines of 第七条, 第八条 and 第十三条 over
 * hand-made archive facts, the register's CSV, and the event document's new fields.
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

#include "archive_event_doc.h"
#include "beian/register.h"
#include "beian/rules.h"

static const char calendar_2026[] =
    "{\"year\": 2026, \"holidays\": [{\"name\": \"国庆节\", \"from\": \"2026-10-01\", \"to\": "
    "\"2026-10-07\"}], \"workdays\": [{\"name\": \"国庆节调休上班\", \"date\": \"2026-10-10\"}]}";

static long D(const char *iso)
{
    return beian_date_days(iso);
}

static void test_rules__days_round_trip(void **state)
{
    (void)state;
    const char *days[] = {"1970-01-01", "2000-02-29", "2026-12-31", "2199-12-31", "1900-03-01"};
    for (size_t i = 0; i < 5; i++) {
        char back[11];
        beian_date_from_days(D(days[i]), back);
        assert_string_equal(back, days[i]);
    }
}

static void test_rules__calendar_days_do_not_count_the_starting_day(void **state)
{
    (void)state;
    beian_rules_options o = BEIAN_RULES_OPTIONS_INIT;
    char iso[11];
    beian_date_from_days(beian_rules_deadline(&o, D("2026-04-01"), 7), iso);
    assert_string_equal(iso, "2026-04-08");
    assert_int_equal(beian_rules_between(&o, D("2026-04-01"), D("2026-04-10")), 9);
    assert_int_equal(beian_rules_between(&o, D("2026-04-10"), D("2026-04-01")), -9);
}

static void test_rules__working_days_skip_holidays_and_count_tiaoxiu(void **state)
{
    (void)state;
    beian_calendar *cal = beian_calendar_new();
    beian_problems *pr = beian_problems_new();
    assert_int_equal(beian_calendar_add(cal, "h.json", (const unsigned char *)calendar_2026,
                                        strlen(calendar_2026), pr),
                     BEIAN_OK);
    assert_true(beian_calendar_covers(cal, 2026));
    assert_false(beian_calendar_covers(cal, 2027));
    assert_false(beian_calendar_workday(cal, D("2026-10-05"))); /* a Monday of 国庆 */
    assert_true(beian_calendar_workday(cal, D("2026-10-10")));  /* a Saturday worked */
    assert_false(beian_calendar_workday(cal, D("2026-10-11"))); /* an ordinary Sunday */
    beian_rules_options o = BEIAN_RULES_OPTIONS_INIT;
    o.mode = BEIAN_DAYS_WORKING;
    o.calendar = cal;
    char iso[11];
    /* changed Monday 09-28: 09-29, 09-30, (holiday), 10-08, 10-09, 10-10 (Sat), 10-12, 10-13 */
    beian_date_from_days(beian_rules_deadline(&o, D("2026-09-28"), 7), iso);
    assert_string_equal(iso, "2026-10-13");
    /* without the calendar only weekends are skipped */
    o.calendar = NULL;
    beian_date_from_days(beian_rules_deadline(&o, D("2026-09-28"), 7), iso);
    assert_string_equal(iso, "2026-10-07");
    beian_calendar_free(cal);
    beian_problems_free(pr);
}

static void test_rules__a_bad_calendar_is_refused_naming_the_entry(void **state)
{
    (void)state;
    const char *bad = "{\"year\": 2026, \"holidays\": [{\"from\": \"2026-02-30\"}], "
                      "\"workdays\": [{\"date\": \"2026-10-09\"}]}";
    beian_calendar *cal = beian_calendar_new();
    beian_problems *pr = beian_problems_new();
    assert_int_equal(beian_calendar_add(cal, "h.json", (const unsigned char *)bad, strlen(bad), pr),
                     BEIAN_EDATA);
    assert_int_equal(beian_problems_errors(pr), 2);
    assert_string_equal(beian_problems_get(pr, 0)->field, "holidays[0]");
    assert_string_equal(beian_problems_get(pr, 1)->field, "workdays[0]"); /* a Friday */
    assert_false(beian_calendar_covers(cal, 2026));
    beian_calendar_free(cal);
    beian_problems_free(pr);
}

/* A record's facts with events given as "event date [changed_on|closed_on|opened_on]". */
static beian_record_facts fact(const char *no, beian_state st, beian_event_facts *ev, size_t n)
{
    beian_record_facts r;
    memset(&r, 0, sizeof r);
    snprintf(r.info.record_no, sizeof r.info.record_no, "%s", no);
    r.info.state = st;
    r.info.name = (char *)"名称";
    r.unit = (char *)"信息工程学院";
    r.events = ev;
    r.n_events = n;
    return r;
}

static beian_event_facts ev(beian_event_kind k, const char *date, const char *extra)
{
    beian_event_facts e;
    memset(&e, 0, sizeof e);
    e.event = k;
    snprintf(e.date, sizeof e.date, "%s", date);
    if (extra && k == BEIAN_EVENT_CHANGED) {
        snprintf(e.changed_on, sizeof e.changed_on, "%s", extra);
    } else if (extra && k == BEIAN_EVENT_DISSOLVED) {
        snprintf(e.closed_on, sizeof e.closed_on, "%s", extra);
    } else if (extra) {
        snprintf(e.opened_on, sizeof e.opened_on, "%s", extra);
    }
    return e;
}

static void test_rules__due_lists_the_unreviewed_platform_and_the_late_change_only(void **state)
{
    (void)state;
    beian_event_facts a[] = {ev(BEIAN_EVENT_SUBMITTED, "2026-03-01", NULL),
                             ev(BEIAN_EVENT_APPROVED, "2026-03-05", NULL)};
    beian_event_facts b[] = {ev(BEIAN_EVENT_SUBMITTED, "2026-03-02", NULL),
                             ev(BEIAN_EVENT_APPROVED, "2026-03-06", NULL),
                             ev(BEIAN_EVENT_CHANGED, "2026-04-10", "2026-04-01")};
    beian_event_facts c[] = {ev(BEIAN_EVENT_SUBMITTED, "2026-03-03", NULL),
                             ev(BEIAN_EVENT_APPROVED, "2026-03-07", NULL),
                             ev(BEIAN_EVENT_DISSOLVED, "2026-06-03", "2026-06-01")};
    beian_record_facts recs[] = {fact("XMT-2026-0001", BEIAN_STATE_APPROVED, a, 2),
                                 fact("QUN-2026-0001", BEIAN_STATE_CHANGED, b, 3),
                                 fact("XMT-2026-0003", BEIAN_STATE_DISSOLVED, c, 3)};
    beian_rules_options o = BEIAN_RULES_OPTIONS_INIT;
    beian_due_item *it = NULL;
    size_t n = 0;
    assert_int_equal(beian_rules_due(recs, 3, "2026-12-10", &o, &it, &n), BEIAN_OK);
    assert_int_equal(n, 2);
    /* most urgent first: the late change (2 days late), then the review (21 days left) */
    assert_int_equal(it[0].kind, BEIAN_DUE_CHANGE_LATE);
    assert_string_equal(it[0].article, "第七条");
    assert_string_equal(it[0].due, "2026-04-08");
    assert_int_equal(it[0].days, -2);
    assert_non_null(strstr(it[0].what, "第9天"));
    assert_int_equal(it[1].kind, BEIAN_DUE_REVIEW);
    assert_string_equal(it[1].article, "第八条");
    assert_string_equal(it[1].due, "2026-12-31");
    assert_int_equal(it[1].days, 21);
    beian_due_items_free(it, n);
}

static void test_rules__failed_review_stops_and_comes_first(void **state)
{
    (void)state;
    beian_event_facts a[] = {ev(BEIAN_EVENT_SUBMITTED, "2025-03-01", NULL),
                             ev(BEIAN_EVENT_APPROVED, "2025-03-05", NULL),
                             ev(BEIAN_EVENT_REVIEWED, "2025-12-05", NULL)};
    a[2].review_year = 2025;
    a[2].review_pass = 0;
    beian_event_facts b[] = {ev(BEIAN_EVENT_SUBMITTED, "2025-03-01", NULL),
                             ev(BEIAN_EVENT_APPROVED, "2025-03-05", "2025-02-20")};
    beian_record_facts recs[] = {fact("XMT-2025-0002", BEIAN_STATE_APPROVED, b, 2),
                                 fact("XMT-2025-0001", BEIAN_STATE_REVIEW_FAILED, a, 3)};
    beian_rules_options o = BEIAN_RULES_OPTIONS_INIT;
    beian_due_item *it = NULL;
    size_t n = 0;
    assert_int_equal(beian_rules_due(recs, 2, "2026-01-10", &o, &it, &n), BEIAN_OK);
    assert_int_equal(n, 4); /* stopped; opened early; 2025 review missed; 2026 review due */
    assert_int_equal(it[0].kind, BEIAN_DUE_STOPPED);
    assert_string_equal(it[0].record->info.record_no, "XMT-2025-0001");
    assert_int_equal(it[1].kind, BEIAN_DUE_OPENED_EARLY); /* 13 days before approval */
    assert_int_equal(it[1].days, -13);
    assert_int_equal(it[2].kind, BEIAN_DUE_REVIEW);
    assert_int_equal(it[2].year, 2025);
    assert_int_equal(it[2].days, -10);
    assert_int_equal(it[3].year, 2026);
    beian_due_items_free(it, n);
}

static void test_rules__a_review_season_is_configurable(void **state)
{
    (void)state;
    beian_event_facts a[] = {ev(BEIAN_EVENT_APPROVED, "2026-03-05", NULL)};
    beian_record_facts r = fact("XMT-2026-0001", BEIAN_STATE_APPROVED, a, 1);
    beian_rules_options o = BEIAN_RULES_OPTIONS_INIT;
    o.season_from_month = 11, o.season_from_day = 1, o.season_to_month = 11, o.season_to_day = 30;
    beian_due_item *it = NULL;
    size_t n = 0;
    assert_int_equal(beian_rules_due(&r, 1, "2026-12-10", &o, &it, &n), BEIAN_OK);
    assert_int_equal(n, 1);
    assert_string_equal(it[0].due, "2026-11-30");
    assert_int_equal(it[0].days, -10);
    assert_true(it[0].overdue);
    beian_due_items_free(it, n);
}

static void test_rules__register_csv_starts_with_a_bom_and_has_a_row_per_record(void **state)
{
    (void)state;
    beian_record_facts r[2] = {fact("XMT-2026-0001", BEIAN_STATE_APPROVED, NULL, 0),
                               fact("QUN-2026-0001", BEIAN_STATE_DISSOLVED, NULL, 0)};
    r[0].info.name = (char *)"名称, \"带引号\"";
    r[0].info.form_id = r[1].info.form_id = (char *)"platform-registration";
    const beian_record_facts *rows[] = {&r[0], &r[1]};
    char *csv = NULL;
    size_t len = 0;
    assert_int_equal(beian_register_csv(rows, 2, &csv, &len), BEIAN_OK);
    assert_memory_equal(csv, "\xEF\xBB\xBF编号,", 10);
    size_t lines = 0;
    for (size_t i = 0; i < len; i++) {
        lines += csv[i] == '\n';
    }
    assert_int_equal(lines, 3);
    assert_non_null(strstr(csv, "\"名称, \"\"带引号\"\"\""));
    assert_non_null(strstr(csv, "已注销"));
    assert_non_null(strstr(csv, ",版本,未经校验\r\n"));
    assert_non_null(strstr(csv, ",v0,\r\n")); /* filed with its code read: the cell is empty */
    free(csv);
    r[1].info.unverified = 1;
    assert_int_equal(beian_register_csv(rows, 2, &csv, &len), BEIAN_OK);
    assert_non_null(strstr(csv, ",是\r\n"));
    free(csv);
}

static void test_rules__event_document_keeps_the_new_dates_and_reads_old_ones(void **state)
{
    (void)state;
    event_doc e, back;
    memset(&e, 0, sizeof e);
    e.event = BEIAN_EVENT_CHANGED;
    e.version = 3;
    e.state = BEIAN_STATE_CHANGED;
    memcpy(e.date, "2026-04-10", 11);
    memcpy(e.record, "XMT-2026-0002", 14);
    e.form = (char *)"platform-application";
    e.printed_version = 3;
    memcpy(e.printed_date, "2026-04-10", 11);
    memcpy(e.changed_on, "2026-04-01", 11);
    char *w[] = {(char *)"head_name (负责人姓名): same person"};
    e.warnings = w;
    e.n_warnings = 1;
    unsigned char *json = NULL;
    size_t len = 0;
    assert_int_equal(event_doc_dump(&e, &json, &len), BEIAN_OK);
    assert_int_equal(event_doc_parse(json, len, &back), BEIAN_OK);
    assert_string_equal(back.changed_on, "2026-04-01");
    assert_string_equal(back.closed_on, "");
    assert_int_equal(back.n_warnings, 1);
    assert_string_equal(back.warnings[0], w[0]);
    event_doc_release(&back);
    free(json);
    /* an event document of the first archive (no new keys) still reads */
    const char *old = "{\"date\": \"2026-11-24\", \"event\": \"submitted\", \"form\": \"x\", "
                      "\"printed\": {\"date\": \"2026-11-24\", \"version\": 1}, \"record\": "
                      "\"XMT-2026-0001\", \"reviews\": [], \"state\": \"submitted\", "
                      "\"version\": 1}";
    assert_int_equal(event_doc_parse((const unsigned char *)old, strlen(old), &back), BEIAN_OK);
    assert_string_equal(back.opened_on, "");
    assert_int_equal(back.n_warnings, 0);
    event_doc_release(&back);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules__days_round_trip),
        cmocka_unit_test(test_rules__calendar_days_do_not_count_the_starting_day),
        cmocka_unit_test(test_rules__working_days_skip_holidays_and_count_tiaoxiu),
        cmocka_unit_test(test_rules__a_bad_calendar_is_refused_naming_the_entry),
        cmocka_unit_test(test_rules__due_lists_the_unreviewed_platform_and_the_late_change_only),
        cmocka_unit_test(test_rules__failed_review_stops_and_comes_first),
        cmocka_unit_test(test_rules__a_review_season_is_configurable),
        cmocka_unit_test(test_rules__register_csv_starts_with_a_bom_and_has_a_row_per_record),
        cmocka_unit_test(test_rules__event_document_keeps_the_new_dates_and_reads_old_ones),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
