/*
 * beian/date.h - calendar dates as the forms and the archive write them: YYYY-MM-DD of the
 * proleptic Gregorian calendar, between 1900 and 2199, and day counts for arithmetic.
 *
 * The one place that knows the calendar (record checks, sheet cells, deadlines and the archive
 * all call it). No clock and no time zone: a date is a string, a day is a number.
 */
#ifndef BEIAN_DATE_H
#define BEIAN_DATE_H

#include <stddef.h>

/* Length of YYYY-MM-DD, and the size of a buffer that holds it with its NUL. */
#define BEIAN_DATE_LEN 10
#define BEIAN_DATE_SIZE 11

/* 1 when s is a real calendar date YYYY-MM-DD (1900..2199). */
int beian_date_valid(const char *s);
/* Days since 1970-01-01 of a valid YYYY-MM-DD date. */
long beian_date_days(const char *iso);
/* The date of a day count (days since 1970-01-01) as YYYY-MM-DD into out. */
void beian_date_from_days(long day, char out[BEIAN_DATE_SIZE]);
/* Room for a date as beian_date_format_cn writes it: 2199年12月31日 is 17 bytes and a NUL. */
#define BEIAN_DATE_CN_SIZE 32

/* Formats YYYY-MM-DD as 2026年11月24日 into out (size >= BEIAN_DATE_CN_SIZE); 0 when not
 * a date. */
int beian_date_format_cn(const char *iso, char *out, size_t size);

/* What beian_date_parse found. */
enum {
    BEIAN_DATE_OK = 0,
    BEIAN_DATE_NOT_A_DATE, /* no year, month and day in it */
    BEIAN_DATE_IMPOSSIBLE, /* 2026-02-30, month 13, a year outside 1900..2199 */
    BEIAN_DATE_AMBIGUOUS   /* 9/8/2026 (day or month first?), 26-9-8 (which century?) */
};

/* Room for beian_date_parse's reason. */
#define BEIAN_DATE_WHY_SIZE 128

/*
 * Reads a date as people write it into YYYY-MM-DD: the year first, then month and day,
 * separated by "-", "/" or "." (the same one twice) or written 2026年9月8日 (or 号); one-digit
 * months and days, spaces around the parts, and full-width digits and separators (as Chinese
 * input methods type them) are accepted. Returns BEIAN_DATE_OK with out set, or one of the
 * other BEIAN_DATE_* with out "" and why (may be NULL; why_size bytes, BEIAN_DATE_WHY_SIZE
 * is enough) saying what is wrong, as a phrase that follows the value: "is not a possible
 * date: February 2026 has 28 days". A text beian_date_valid accepts comes back unchanged.
 */
int beian_date_parse(const char *text, char out[BEIAN_DATE_SIZE], char *why, size_t why_size);

#endif
