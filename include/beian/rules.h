/*
 * beian/rules.h - the regulation's rules as pure functions: deadlines (`beian due`), day
 * counting with a holiday calendar, and the checks before a leader signs.
 *
 * Nothing here reads the clock, the disk or the archive: the caller gives today's date, the
 * calendar's bytes and the archive's facts (beian_archive_facts), so every rule can be tested
 * on its own. The articles are those of the seed regulation
 * (《宁夏职业技术学院 宁夏开放大学新媒体平台管理办法》, 宁职院党发〔2021〕35号); docs/rules.md
 * describes each rule with its article.
 */
#ifndef BEIAN_RULES_H
#define BEIAN_RULES_H

#include <stddef.h>

#include "beian/archive.h"
#include "beian/common.h"
#include "beian/date.h"
#include "beian/record.h"

/* ---- days (counted as in beian/date.h) ---- */

/*
 * A holiday calendar: the State Council's yearly notice of public holidays (放假) and of the
 * weekend days worked instead (调休上班), one JSON file per year, kept by the office
 * (docs/rules.md gives the format; data/holidays-2026.json is an example).
 */
typedef struct beian_calendar beian_calendar;

beian_calendar *beian_calendar_new(void);
void beian_calendar_free(beian_calendar *cal);
/* Adds one calendar file's contents; every problem (file, entry, what) goes to pr:
 * BEIAN_EDATA (nothing added) or BEIAN_OK. */
int beian_calendar_add(beian_calendar *cal, const char *path, const unsigned char *json,
                       size_t len, beian_problems *pr);
/* 1 when the calendar has a file for this year. */
int beian_calendar_covers(const beian_calendar *cal, int year);
/* 1 for a working day: Monday to Friday unless a holiday, or a weekend day worked (调休). */
int beian_calendar_workday(const beian_calendar *cal, long day);

typedef enum {
    BEIAN_DAYS_CALENDAR, /* every day counts (the default) */
    BEIAN_DAYS_WORKING   /* only working days count */
} beian_day_mode;

typedef struct {
    beian_day_mode mode;
    const beian_calendar *calendar; /* working days: holidays and 调休; NULL: weekends only */
    /* 第八条: the annual review season, month and day of its first and last day */
    int season_from_month, season_from_day, season_to_month, season_to_day;
} beian_rules_options;

#define BEIAN_RULES_OPTIONS_INIT                                                                   \
    {                                                                                              \
        BEIAN_DAYS_CALENDAR, NULL, 12, 1, 12, 31                                                   \
    }

/* The day n days after start, the starting day not counted (n >= 0). */
long beian_rules_deadline(const beian_rules_options *o, long start, int n);
/* Days from `from` to `to`, `from` not counted, `to` counted; negative when to < from. */
long beian_rules_between(const beian_rules_options *o, long from, long to);

/* ---- deadlines (beian due) ---- */

/* The regulation's limits (days, the starting day not counted). */
#define BEIAN_RULE_CHANGE_DAYS 7   /* 第七条: 管理员变更的，7日内报党委宣传统战部备案 */
#define BEIAN_RULE_DISSOLVE_DAYS 3 /* 第十三条: 互联网新媒体平台解散时，3日内到党委宣传统战部备案 */

typedef enum {
    BEIAN_DUE_STOPPED,       /* 第八条: failed its review: must not keep running (停止运行) */
    BEIAN_DUE_OPENED_EARLY,  /* 第七条: opened before its approval */
    BEIAN_DUE_CHANGE_LATE,   /* 第七条: a change filed more than 7 days after it happened */
    BEIAN_DUE_DISSOLVE_LATE, /* 第十三条: a dissolution filed more than 3 days after closing */
    BEIAN_DUE_REVIEW         /* 第八条: no passing review for a year */
} beian_due_kind;

typedef struct {
    beian_due_kind kind;
    const beian_record_facts *record; /* borrowed from the caller's facts */
    const char *article;              /* "第七条", ... (static) */
    const char *rule;                 /* short Chinese name of the rule (static) */
    char *what;                       /* what is wrong, in Chinese, with dates (owned) */
    char due[BEIAN_DATE_SIZE];        /* the deadline, "" when there is none */
    long days;     /* days left (> 0), 0 due today, < 0: overdue or filed late by -days */
    int overdue;   /* 1 when past its deadline (or filed late) */
    int year;      /* BEIAN_DUE_REVIEW: the year under review */
} beian_due_item;

/*
 * Everything due or overdue on `today` (YYYY-MM-DD), most urgent first: records that must stop
 * running, then by days (most overdue first), then by record number. *items is the caller's
 * (beian_due_items_free); it borrows recs.
 */
int beian_rules_due(const beian_record_facts *recs, size_t n, const char *today,
                    const beian_rules_options *o, beian_due_item **items, size_t *n_items);
void beian_due_items_free(beian_due_item *items, size_t n);
/* 1 when the record's number says it is a platform (XMT-), which 第八条's review is for. */
int beian_rules_is_platform(const beian_record_facts *r);

/* ---- the checks before signing ---- */

/*
 * Adds a warning (BEIAN_SEV_WARNING, with the field and its label) for each thing the
 * regulation and common sense say a leader should look at before signing: the same person as
 * administrator and responsible person (第十条), a responsible person whose title does not look
 * like a unit head (第七条, 第九条), a work group over 200 members, a platform or group already
 * in the archive under another number (same name, account, QR payload or group number), and a
 * new application for an app client (第十三条). archive may be NULL (no archive to compare);
 * self is the record's own number (NULL for a new filing). Never an error.
 */
/* The values of rec that beian_rules_check compares with the archive's records (borrowed
 * from rec, NULL when empty), for beian_archive_facts_like: the group's QR payload, the
 * account, the group number, the name (名称 or 群名称). */
void beian_rules_keys(const beian_record *rec, const char *keys[BEIAN_RULES_KEYS]);
int beian_rules_check(const beian_record *rec, const beian_record_facts *archive, size_t n,
                      const char *self, beian_problems *pr);

#endif
