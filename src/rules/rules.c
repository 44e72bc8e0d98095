/*
 * rules.c - the regulation's deadlines and the checks before signing, as pure functions over
 * the archive's facts and a record (beian/rules.h; docs/rules.md describes each rule).
 *
 * Days are counted the way the regulation's "7日内" is usually read: the day of the event is
 * not counted, the deadline is the 7th day after it. In the working-day mode only working days
 * count: Monday to Friday, less the public holidays of the office's calendar files, plus the
 * weekend days the State Council's notice makes working days (调休上班).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "beian/date.h"
#include "beian/message.h"
#include "beian/rules.h"
#include "util.h"

/* ---- days ---- */

/* 0 Monday .. 6 Sunday (1970-01-01 was a Thursday). */
static int weekday(long day)
{
    long w = (day + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

/* How many yearly calendar files one calendar may hold (a reader keeps about a decade). */
#define CALENDAR_MAX_YEARS 64

struct beian_calendar {
    long *off; /* holidays on weekdays, sorted */
    size_t n_off, cap_off;
    long *on; /* weekend days worked (调休), sorted */
    size_t n_on, cap_on;
    int years[CALENDAR_MAX_YEARS]; /* the years a file was given for */
    size_t n_years;
};

beian_calendar *beian_calendar_new(void)
{
    return calloc(1, sizeof(beian_calendar));
}

void beian_calendar_free(beian_calendar *cal)
{
    if (cal) {
        free(cal->off);
        free(cal->on);
        free(cal);
    }
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

static int has(const long *v, size_t n, long day)
{
    return n && bsearch(&day, v, n, sizeof *v, cmp_long) != NULL;
}

static int push(long **v, size_t *n, size_t *cap, long day)
{
    if (beian_array_grow(v, cap, *n + 1, sizeof **v) != BEIAN_OK) {
        return BEIAN_EINTERNAL;
    }
    (*v)[(*n)++] = day;
    return BEIAN_OK;
}

/* A date string of the calendar's year, or -1 after a problem. */
static long cal_date(json_t *v, int year, const char *path, const char *where, beian_problems *pr)
{
    const char *s = json_string_value(v);
    if (!s || strlen(s) != 10 || !beian_date_valid(s)) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, 0, 0, where, "节假日安排",
                           "\"%s\" is not a date YYYY-MM-DD", s ? s : "(not a string)");
        return -1;
    }
    /* a holiday may start in the previous year (春节) or end in the next: allow one either side */
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    if (y < year - 1 || y > year + 1) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, 0, 0, where, "节假日安排",
                           "%s is not in or next to the calendar's year %d", s, year);
        return -1;
    }
    return beian_date_days(s);
}

int beian_calendar_add(beian_calendar *cal, const char *path, const unsigned char *json,
                       size_t len, beian_problems *pr)
{
    json_error_t jerr;
    int rc = BEIAN_EDATA;
    long *off = NULL, *on = NULL;
    size_t n_off = 0, n_on = 0, cap_off = 0, cap_on = 0;
    char where[48];
    size_t errors = beian_problems_errors(pr);
    json_t *root = json_loadb((const char *)json, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, jerr.line, jerr.column, NULL, NULL,
                           "not a holiday calendar: %s", jerr.text);
        goto done;
    }
    json_t *year = json_object_get(root, "year");
    json_t *holidays = json_object_get(root, "holidays");
    json_t *workdays = json_object_get(root, "workdays");
    if (!json_is_object(root) || !json_is_integer(year) || json_integer_value(year) < 2000 ||
        json_integer_value(year) > 2199 || !json_is_array(holidays) ||
        (workdays && !json_is_array(workdays))) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, 0, 0, NULL, NULL,
                           "a holiday calendar is {\"year\": 2026, \"holidays\": [{\"name\", "
                           "\"from\", \"to\"}...], \"workdays\": [{\"name\", \"date\"}...]} "
                           "(docs/rules.md)");
        goto done;
    }
    int y = (int)json_integer_value(year);
    if (beian_calendar_covers(cal, y)) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, 0, 0, "year", NULL,
                           "a calendar for %d was given already", y);
        goto done;
    }
    for (size_t i = 0; i < json_array_size(holidays); i++) {
        json_t *h = json_array_get(holidays, i);
        snprintf(where, sizeof where, "holidays[%zu]", i);
        long a = cal_date(json_object_get(h, "from"), y, path, where, pr);
        long b = json_object_get(h, "to") ? cal_date(json_object_get(h, "to"), y, path, where, pr)
                                           : a;
        if (a < 0 || b < 0) {
            continue;
        }
        if (b < a || b - a > 31) {
            beian_problems_add(pr, BEIAN_SEV_ERROR, path, 0, 0, where, "节假日安排",
                               "\"to\" must be on or after \"from\", at most 31 days later");
            continue;
        }
        for (long d = a; d <= b; d++) {
            if (weekday(d) < 5 && push(&off, &n_off, &cap_off, d) != BEIAN_OK) {
                rc = BEIAN_EINTERNAL;
                goto done;
            }
        }
    }
    for (size_t i = 0; i < json_array_size(workdays); i++) {
        snprintf(where, sizeof where, "workdays[%zu]", i);
        long d = cal_date(json_object_get(json_array_get(workdays, i), "date"), y, path, where, pr);
        if (d < 0) {
            continue;
        }
        if (weekday(d) < 5) {
            char iso[BEIAN_DATE_SIZE];
            beian_date_from_days(d, iso);
            beian_problems_add(pr, BEIAN_SEV_ERROR, path, 0, 0, where, "调休上班",
                               "%s is a weekday; only a Saturday or Sunday is made a working day",
                               iso);
            continue;
        }
        if (push(&on, &n_on, &cap_on, d) != BEIAN_OK) {
            rc = BEIAN_EINTERNAL;
            goto done;
        }
    }
    if (beian_problems_errors(pr) > errors || cal->n_years >= CALENDAR_MAX_YEARS) {
        goto done;
    }
    for (size_t i = 0; i < n_off; i++) {
        if (push(&cal->off, &cal->n_off, &cal->cap_off, off[i]) != BEIAN_OK) {
            rc = BEIAN_EINTERNAL;
            goto done;
        }
    }
    for (size_t i = 0; i < n_on; i++) {
        if (push(&cal->on, &cal->n_on, &cal->cap_on, on[i]) != BEIAN_OK) {
            rc = BEIAN_EINTERNAL;
            goto done;
        }
    }
    if (cal->n_off) {
        qsort(cal->off, cal->n_off, sizeof *cal->off, cmp_long);
    }
    if (cal->n_on) {
        qsort(cal->on, cal->n_on, sizeof *cal->on, cmp_long);
    }
    cal->years[cal->n_years++] = y;
    rc = BEIAN_OK;
done:
    free(off);
    free(on);
    json_decref(root);
    return rc;
}

int beian_calendar_covers(const beian_calendar *cal, int year)
{
    for (size_t i = 0; cal && i < cal->n_years; i++) {
        if (cal->years[i] == year) {
            return 1;
        }
    }
    return 0;
}

int beian_calendar_workday(const beian_calendar *cal, long day)
{
    if (weekday(day) >= 5) {
        return cal && has(cal->on, cal->n_on, day);
    }
    return !(cal && has(cal->off, cal->n_off, day));
}

long beian_rules_deadline(const beian_rules_options *o, long start, int n)
{
    if (o->mode == BEIAN_DAYS_CALENDAR) {
        return start + n;
    }
    long d = start;
    for (int counted = 0; counted < n;) {
        d++;
        counted += beian_calendar_workday(o->calendar, d);
    }
    return d;
}

long beian_rules_between(const beian_rules_options *o, long from, long to)
{
    if (o->mode == BEIAN_DAYS_CALENDAR) {
        return to - from;
    }
    long sign = to < from ? -1 : 1;
    long a = to < from ? to : from, b = to < from ? from : to, n = 0;
    for (long d = a + 1; d <= b; d++) {
        n += beian_calendar_workday(o->calendar, d);
    }
    return sign * n;
}

/* ---- deadlines ---- */

void beian_due_items_free(beian_due_item *items, size_t n)
{
    for (size_t i = 0; items && i < n; i++) {
        free(items[i].what);
    }
    free(items);
}

int beian_rules_is_platform(const beian_record_facts *r)
{
    return strncmp(r->info.record_no, "XMT-", 4) == 0;
}

typedef struct {
    beian_due_item *v;
    size_t n, cap;
    int failed;
} item_list;

static int add_item(item_list *L, beian_due_kind kind, const beian_record_facts *r, long due,
                    long days, char *what)
{
    static const char *const article[] = {"第八条", "第七条", "第七条", "第十三条", "第八条"};
    static const char *const rule[] = {"年审未通过，停止运行", "批准前开通", "变更逾期报备",
                                       "解散逾期报备", "年度审核"};
    if (!what || BEIAN_ARRAY_GROW(L->v, L->cap, L->n + 1) != BEIAN_OK) {
        free(what);
        L->failed = 1;
        return BEIAN_EINTERNAL;
    }
    beian_due_item *it = &L->v[L->n++];
    memset(it, 0, sizeof *it);
    it->kind = kind;
    it->record = r;
    it->article = article[kind];
    it->rule = rule[kind];
    it->what = what;
    if (due >= 0) {
        beian_date_from_days(due, it->due);
    }
    it->days = days;
    it->overdue = days < 0 || kind == BEIAN_DUE_STOPPED;
    return BEIAN_OK;
}

static int cmp_items(const void *a, const void *b)
{
    const beian_due_item *x = a, *y = b;
    int sx = x->kind == BEIAN_DUE_STOPPED, sy = y->kind == BEIAN_DUE_STOPPED;
    if (sx != sy) {
        return sy - sx;
    }
    if (x->days != y->days) {
        return x->days < y->days ? -1 : 1;
    }
    int c = strcmp(x->record->info.record_no, y->record->info.record_no);
    return c ? c : (x->year > y->year) - (x->year < y->year);
}

/* The annual review (第八条) of one record. */
static void review_items(item_list *L, const beian_record_facts *r, long today,
                         const beian_rules_options *o)
{
    const beian_event_facts *approved = NULL, *failed = NULL;
    for (size_t i = 0; i < r->n_events; i++) {
        const beian_event_facts *e = &r->events[i];
        if (!approved && e->event == BEIAN_EVENT_APPROVED && beian_date_days(e->date) <= today) {
            approved = e;
        }
        if (e->event == BEIAN_EVENT_REVIEWED && !e->review_pass) {
            failed = e;
        }
    }
    /* only an approved record can be reviewed (the workflow of docs/archive.md): one that is
     * changed and waits for its new approval, returned, or dissolved is not due */
    if (!approved ||
        (r->info.state != BEIAN_STATE_APPROVED && r->info.state != BEIAN_STATE_REVIEW_FAILED)) {
        return;
    }
    if (r->info.state == BEIAN_STATE_REVIEW_FAILED && failed) {
        long since = beian_date_days(failed->date);
        add_item(L, BEIAN_DUE_STOPPED, r, since, -beian_rules_between(o, since, today),
                 beian_asprintf("%d年度年审未通过（%s），不得继续运行", failed->review_year,
                                failed->date));
        return;
    }
    char today_iso[BEIAN_DATE_SIZE];
    beian_date_from_days(today, today_iso);
    int first = (approved->date[0] - '0') * 1000 + (approved->date[1] - '0') * 100 +
                (approved->date[2] - '0') * 10 + (approved->date[3] - '0');
    int last = (today_iso[0] - '0') * 1000 + (today_iso[1] - '0') * 100 +
               (today_iso[2] - '0') * 10 + (today_iso[3] - '0');
    for (int y = first; y <= last; y++) {
        char from[48], to[48];
        snprintf(from, sizeof from, "%04d-%02d-%02d", y, o->season_from_month % 100,
                 o->season_from_day % 100);
        snprintf(to, sizeof to, "%04d-%02d-%02d", y, o->season_to_month % 100,
                 o->season_to_day % 100);
        long end = beian_date_days(to);
        if (beian_date_days(approved->date) > end) {
            continue; /* approved after that year's season */
        }
        /* done when the year's latest review passed; one that failed is done again once the
         * platform is changed and approved (第八条; the record is not review-failed then) */
        const beian_event_facts *year_review = NULL;
        for (size_t i = 0; i < r->n_events; i++) {
            if (r->events[i].event == BEIAN_EVENT_REVIEWED && r->events[i].review_year == y) {
                year_review = &r->events[i];
            }
        }
        if (year_review && year_review->review_pass) {
            continue;
        }
        long days = beian_rules_between(o, today, end);
        char *what = year_review ? beian_asprintf("%d年度年审未通过（%s），已变更，待再次年审", y,
                                           year_review->date)
                     : days < 0 ? beian_asprintf("%d年度年审未完成（年审期 %s 至 %s 已过）", y,
                                                 from + 5, to + 5)
                                : beian_asprintf("%d年度年审待完成（年审期 %s 至 %s）", y,
                                                 from + 5, to + 5);
        if (add_item(L, BEIAN_DUE_REVIEW, r, end, days, what) == BEIAN_OK) {
            L->v[L->n - 1].year = y;
        }
    }
}

int beian_rules_due(const beian_record_facts *recs, size_t n, const char *today,
                    const beian_rules_options *o, beian_due_item **items, size_t *n_items)
{
    item_list L = {NULL, 0, 0, 0};
    *items = NULL;
    *n_items = 0;
    if (!today || !beian_date_valid(today)) {
        return BEIAN_EUSAGE;
    }
    long t = beian_date_days(today);
    for (size_t k = 0; k < n && !L.failed; k++) {
        const beian_record_facts *r = &recs[k];
        const char *opened = NULL, *approved = NULL;
        for (size_t i = 0; i < r->n_events && !L.failed; i++) {
            const beian_event_facts *e = &r->events[i];
            if (beian_date_days(e->date) > t) {
                break; /* filed after "today": not yet known then */
            }
            if (e->opened_on[0]) {
                opened = e->opened_on;
            }
            if (!approved && e->event == BEIAN_EVENT_APPROVED) {
                approved = e->date;
            }
            /* 第七条: a change is filed within 7 days; 第十三条: a dissolution within 3 */
            const char *start = e->event == BEIAN_EVENT_CHANGED     ? e->changed_on
                                : e->event == BEIAN_EVENT_DISSOLVED ? e->closed_on
                                                                    : "";
            if (!start[0]) {
                continue;
            }
            int limit = e->event == BEIAN_EVENT_CHANGED ? BEIAN_RULE_CHANGE_DAYS
                                                        : BEIAN_RULE_DISSOLVE_DAYS;
            long s = beian_date_days(start), filed = beian_date_days(e->date);
            long due = beian_rules_deadline(o, s, limit);
            if (filed <= due) {
                continue;
            }
            long after = beian_rules_between(o, s, filed);
            long late = beian_rules_between(o, due, filed);
            const char *unit = o->mode == BEIAN_DAYS_WORKING ? "个工作日" : "天";
            char *what = e->event == BEIAN_EVENT_CHANGED
                             ? beian_asprintf("%s变更，%s报备（v%d），变更后第%ld%s报备，限%d%s内",
                                              start, e->date, e->version, after, unit, limit, unit)
                             : beian_asprintf("%s关闭，%s报备注销（v%d），关闭后第%ld%s报备，限%d%s内",
                                              start, e->date, e->version, after, unit, limit, unit);
            add_item(&L,
                     e->event == BEIAN_EVENT_CHANGED ? BEIAN_DUE_CHANGE_LATE
                                                     : BEIAN_DUE_DISSOLVE_LATE,
                     r, due, -late, what);
        }
        /* 第七条: 批准后方可开通 */
        if (!L.failed && opened && (!approved || strcmp(opened, approved) < 0)) {
            long od = beian_date_days(opened);
            long until = approved ? beian_date_days(approved) : t;
            char *what = approved ? beian_asprintf("%s开通，%s才批准备案", opened, approved)
                                  : beian_asprintf("%s开通，至今未批准备案", opened);
            add_item(&L, BEIAN_DUE_OPENED_EARLY, r, approved ? beian_date_days(approved) : -1,
                     -beian_rules_between(o, od, until), what);
        }
        if (!L.failed && beian_rules_is_platform(r)) {
            review_items(&L, r, t, o);
        }
    }
    if (L.failed) {
        beian_due_items_free(L.v, L.n);
        return BEIAN_EINTERNAL;
    }
    if (L.n > 1) {
        qsort(L.v, L.n, sizeof *L.v, cmp_items);
    }
    *items = L.v;
    *n_items = L.n;
    return BEIAN_OK;
}

/* ---- the checks before signing ---- */

/*
 * Words in the title of a unit's principal (第七条: 所在单位主要负责人, 各院系为党总支（支部）
 * 书记, 各部门为部门正职领导; 第九条 names the same people 第一责任人). A title holding one of
 * them looks like a unit head; 副 (deputy) alone is not excluded, since a 副书记 may sign for a
 * 党总支. The list is the common Chinese titles of a college's units.
 */
static const char *const head_titles[] = {"书记", "院长", "校长", "部长", "处长", "主任",
                                          "馆长", "所长", "科长", "主席", "局长", "经理",
                                          "总监", "负责人", "领导"};
/* Titles that hold a head word but name no unit head: a 班主任 (class teacher) leads a class,
 * not a 院系 or 部门. They are taken out of a title before the words above are looked for. */
static const char *const not_head_titles[] = {"班主任"};

/* 1 when title holds a unit head's word outside the titles that only look like one. */
static int looks_like_head(const char *title)
{
    char *t = beian_strdup(title);
    int ok = 0;
    if (!t) {
        return 1; /* no memory: no warning rather than a wrong one */
    }
    for (size_t i = 0; i < sizeof not_head_titles / sizeof not_head_titles[0]; i++) {
        size_t n = strlen(not_head_titles[i]);
        for (char *p = strstr(t, not_head_titles[i]); p; p = strstr(p + n, not_head_titles[i])) {
            memset(p, ' ', n);
        }
    }
    for (size_t i = 0; i < sizeof head_titles / sizeof head_titles[0] && !ok; i++) {
        ok = strstr(t, head_titles[i]) != NULL;
    }
    free(t);
    return ok;
}

/*
 * What the form definition says of the platform a group's QR link belongs to: its
 * "platform_rules" (forms/workgroup-filing.json) list each platform by the hosts of its links,
 * with the rules known to hold there (the days a group code lasts, the members who can join by
 * scanning it). A link of no listed host, or no link, gets no such rule: nothing is said.
 */
typedef struct {
    char platform[256]; /* as long as a host */
    long qr_valid_days; /* 0: no known rule */
    long join_limit;
} platform_rule;

/* The host of an http(s) link, lower case, into out; 0 when s is no such link. */
static int link_host(const char *s, char *out, size_t size)
{
    const char *p = strstr(s, "://");
    if (!p || (strncasecmp(s, "http", 4) != 0)) {
        return 0;
    }
    p += 3;
    size_t n = strcspn(p, "/:?#");
    if (n == 0 || n >= size) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        out[i] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] - 'A' + 'a' : p[i]);
    }
    out[n] = '\0';
    return 1;
}

/* host is h or a name under it (www.weixin.qq.com is weixin.qq.com's). */
static int host_is(const char *host, const char *h)
{
    size_t a = strlen(host), b = strlen(h);
    return a >= b && strcmp(host + a - b, h) == 0 && (a == b || host[a - b - 1] == '.');
}

static int platform_of(const beian_record *rec, const char *link, platform_rule *out)
{
    char host[256];
    memset(out, 0, sizeof *out);
    if (!link || !link_host(link, host, sizeof host) || !rec->form->source) {
        return 0;
    }
    json_t *root = json_loadb((const char *)rec->form->source, rec->form->source_len, 0, NULL);
    json_t *rules = root ? json_object_get(root, "platform_rules") : NULL;
    int found = 0;
    for (size_t i = 0; json_is_array(rules) && i < json_array_size(rules) && !found; i++) {
        json_t *r = json_array_get(rules, i);
        json_t *hosts = json_object_get(r, "hosts");
        for (size_t k = 0; json_is_array(hosts) && k < json_array_size(hosts) && !found; k++) {
            const char *h = json_string_value(json_array_get(hosts, k));
            found = h && host_is(host, h);
        }
        if (found) {
            const char *name = json_string_value(json_object_get(r, "platform"));
            snprintf(out->platform, sizeof out->platform, "%s", name ? name : host);
            json_t *days = json_object_get(r, "qr_valid_days");
            json_t *limit = json_object_get(r, "qr_join_limit");
            out->qr_valid_days = json_is_integer(days) ? (long)json_integer_value(days) : 0;
            out->join_limit = json_is_integer(limit) ? (long)json_integer_value(limit) : 0;
        }
    }
    json_decref(root);
    return found;
}

/* Words that mark an app client (第十三条: 原则上各部门、各院系不再单独新设移动互联网应用程序). */
static const char *const app_words[] = {"APP", "App", "app", "客户端", "应用程序", "小程序"};

static const char *get(const beian_record *rec, const char *id)
{
    const char *v = beian_record_get(rec, id);
    return v && v[0] ? v : NULL;
}

static const char *label_of(const beian_record *rec, const char *id)
{
    int i = beian_form_field_index(rec->form, id, 0);
    return i >= 0 ? rec->form->fields[i].label : NULL;
}

/* A warning with its message id (beian/message.h) and its arguments, text. */
#define WARN(id, msg, ...)                                                                         \
    do {                                                                                           \
        if (beian_problems_add_msg(pr, BEIAN_SEV_WARNING, rec->path, 0, 0, id, label_of(rec, id), \
                                   msg, BEIAN_MSG_ARGS(__VA_ARGS__)) != BEIAN_OK) {                \
            return BEIAN_EINTERNAL;                                                                \
        }                                                                                          \
    } while (0)

static int same(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

void beian_rules_keys(const beian_record *rec, const char *keys[BEIAN_RULES_KEYS])
{
    keys[0] = get(rec, "group_qr");
    keys[1] = get(rec, "account");
    keys[2] = get(rec, "group_number");
    keys[3] = get(rec, "name") ? get(rec, "name") : get(rec, "group_name");
}

int beian_rules_check(const beian_record *rec, const beian_record_facts *archive, size_t n,
                      const char *self, beian_problems *pr)
{
    const char *head = get(rec, "head_name") ? "head_name" : "dept_head";
    const char *head_title = get(rec, "head_title") ? "head_title" : "dept_head_title";
    const char *head_name = get(rec, head);
    /* 第十条: 落实专人负责 */
    const char *admins[] = {"admin_name", "admin1_name", "admin2_name"};
    for (size_t i = 0; i < 3 && head_name; i++) {
        if (same(get(rec, admins[i]), head_name)) {
            WARN(head, BEIAN_MSG_HEAD_IS_ADMIN, head_name, admins[i],
                 label_of(rec, admins[i]) ? label_of(rec, admins[i]) : "");
            break;
        }
    }
    /* 第七条, 第九条: the unit's principal signs */
    const char *title = get(rec, head_title);
    if (title) {
        if (!looks_like_head(title)) {
            WARN(head_title, BEIAN_MSG_NOT_HEAD_TITLE, title);
        }
    }
    /* the rules of the platform the group's QR link belongs to, where they are known */
    platform_rule pf;
    if (platform_of(rec, get(rec, "group_qr"), &pf)) {
        const char *count = get(rec, "member_count");
        char *end = NULL;
        long members = count ? strtol(count, &end, 10) : 0;
        if (pf.join_limit > 0 && end && !*end && members > pf.join_limit) {
            char a[24], b[24];
            snprintf(a, sizeof a, "%ld", members);
            snprintf(b, sizeof b, "%ld", pf.join_limit);
            WARN("member_count", BEIAN_MSG_OVER_JOIN_LIMIT, a, pf.platform, b);
        }
        const char *made = get(rec, "group_qr_date");
        if (pf.qr_valid_days > 0 && made && rec->date && beian_date_valid(made) &&
            beian_date_valid(rec->date) &&
            beian_date_days(made) + pf.qr_valid_days < beian_date_days(rec->date)) {
            char days[24];
            snprintf(days, sizeof days, "%ld", pf.qr_valid_days);
            WARN("group_qr_date", BEIAN_MSG_GROUP_CODE_EXPIRED, made, days, rec->date,
                 pf.platform);
        }
    }
    /* 第十三条: no new app clients */
    if (strcmp(rec->form->id, "platform-application") == 0) {
        const char *ids[] = {"name", "account", "purpose", "reason"};
        for (size_t i = 0; i < 4; i++) {
            const char *v = get(rec, ids[i]);
            size_t k = 0;
            while (v && k < sizeof app_words / sizeof app_words[0] && !strstr(v, app_words[k])) {
                k++;
            }
            if (v && k < sizeof app_words / sizeof app_words[0]) {
                WARN(ids[i], BEIAN_MSG_APP_CLIENT, app_words[k]);
                break;
            }
        }
    }
    /* already in the archive under another number */
    const char *keys[BEIAN_RULES_KEYS];
    beian_rules_keys(rec, keys);
    const char *name = keys[3];
    const char *name_id = get(rec, "name") ? "name" : "group_name";
    for (size_t i = 0; archive && i < n; i++) {
        const beian_record_facts *r = &archive[i];
        if ((self && strcmp(self, r->info.record_no) == 0) ||
            r->info.state == BEIAN_STATE_DISSOLVED) {
            continue;
        }
        const char *id = NULL, *value = NULL;
        if (same(keys[0], r->qr)) {
            id = "group_qr", value = r->qr;
        } else if (same(keys[1], r->account)) {
            id = "account", value = r->account;
        } else if (same(keys[2], r->number)) {
            id = "group_number", value = r->number;
        } else if (same(name, r->info.name)) {
            id = name_id, value = name;
        }
        if (id) {
            WARN(id, BEIAN_MSG_ALREADY_FILED, value, r->info.record_no, r->info.name,
                 beian_archive_state_label(r->info.state), r->info.date,
                 strncmp(r->info.record_no, "QUN-", 4) == 0 ? "group" : "platform");
        }
    }
    return BEIAN_OK;
}
