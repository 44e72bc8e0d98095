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
/* Formats YYYY-MM-DD as 2026年11月24日 into out (at least 32 bytes); 0 when not a date. */
int beian_date_format_cn(const char *iso, char *out, size_t size);

#endif
