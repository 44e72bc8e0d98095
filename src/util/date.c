/*
 * date.c - the calendar (beian/date.h): checking YYYY-MM-DD, and converting between dates and
 * day counts with H. Hinnant's days-from-civil and civil-from-days algorithms (a public-domain
 * description of the proleptic Gregorian calendar), exact for every year this range allows.
 */
#include "beian/date.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int beian_date_valid(const char *s)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!s || strlen(s) != BEIAN_DATE_LEN || s[4] != '-' || s[7] != '-') {
        return 0;
    }
    for (int i = 0; i < BEIAN_DATE_LEN; i++) {
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i])) {
            return 0;
        }
    }
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1) {
        return 0;
    }
    int max = mdays[m - 1] + (m == 2 && is_leap(y));
    return d <= max;
}

long beian_date_days(const char *s)
{
    long y = strtol(s, NULL, 10);
    long m = (s[5] - '0') * 10 + (s[6] - '0');
    long d = (s[8] - '0') * 10 + (s[9] - '0');
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void beian_date_from_days(long day, char out[BEIAN_DATE_SIZE])
{
    long z = day + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2) {
        y++;
    }
    char buf[64]; /* three longs in any range: never truncated, then cut to the date */
    snprintf(buf, sizeof buf, "%04ld-%02ld-%02ld", y, m, d);
    memcpy(out, buf, BEIAN_DATE_LEN);
    out[BEIAN_DATE_LEN] = '\0';
}

int beian_date_format_cn(const char *iso, char *out, size_t size)
{
    if (!beian_date_valid(iso)) {
        return 0;
    }
    int y = (int)strtol(iso, NULL, 10);
    int m = (iso[5] - '0') * 10 + (iso[6] - '0');
    int d = (iso[8] - '0') * 10 + (iso[9] - '0');
    snprintf(out, size, "%d年%d月%d日", y, m, d);
    return 1;
}

/*
 * The ways people write a date, read into YYYY-MM-DD. The year comes first, as Chinese
 * offices write it and as Excel on Chinese Windows shows it: 2026-9-8, 2026/9/8, 2026.9.8,
 * 2026年9月8日 (or 号), with full-width digits and separators as an input method types them,
 * and spaces around the parts. A date whose year is last (9/8/2026) or has two digits (26-9-8)
 * is refused as ambiguous: whether 9/8 is 9 August or 8 September depends on who wrote it.
 */

/* One code point of s at *i (full-width ASCII folded to ASCII, U+3000 to a space); 0 at the
 * end. Advances *i. */
static unsigned long date_next(const char *s, size_t *i)
{
    const unsigned char *p = (const unsigned char *)s + *i;
    if (!p[0]) {
        return 0;
    }
    uint32_t cp;
    size_t n = 0;
    while (n < 4 && p[n]) {
        n++; /* a UTF-8 sequence is at most 4 bytes */
    }
    size_t k = beian_utf8_decode(p, n, &cp);
    if (k == 0) {
        k = 1;
        cp = 0xFFFD; /* an ill-formed byte is no part of a date */
    }
    *i += k;
    return beian_utf8_halfwidth(cp);
}

/* The separators a date's parts may have between them. */
enum { SEP_NONE, SEP_DASH, SEP_SLASH, SEP_DOT, SEP_CN };

int beian_date_parse(const char *text, char out[BEIAN_DATE_SIZE], char *why, size_t why_size)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    static const char *const month_name[] = {"January", "February", "March",     "April",
                                             "May",     "June",     "July",      "August",
                                             "September", "October", "November", "December"};
    long part[3] = {0, 0, 0};
    int digits[3] = {0, 0, 0};
    int sep = SEP_NONE, n = 0;
    size_t i = 0;
    unsigned long cp;
    char none[1];
    if (!why || why_size == 0) {
        why = none;
        why_size = sizeof none;
    }
    out[0] = '\0';
    snprintf(why, why_size, "is not a date: expected the year, month and day, such as "
                            "2026-11-24");
    if (!text) {
        return BEIAN_DATE_NOT_A_DATE;
    }
    cp = date_next(text, &i);
    while (cp == ' ' || cp == '\t') {
        cp = date_next(text, &i);
    }
    for (;;) {
        if (n == 3) {
            return BEIAN_DATE_NOT_A_DATE;
        }
        while (cp >= '0' && cp <= '9') {
            if (digits[n] < 6) {
                part[n] = part[n] * 10 + (long)(cp - '0');
            }
            digits[n]++;
            cp = date_next(text, &i);
        }
        if (digits[n] == 0) {
            return BEIAN_DATE_NOT_A_DATE;
        }
        n++;
        while (cp == ' ' || cp == '\t') {
            cp = date_next(text, &i);
        }
        int s = cp == '-' ? SEP_DASH : cp == '/' ? SEP_SLASH : cp == '.' ? SEP_DOT : SEP_NONE;
        if ((n == 1 && cp == 0x5E74) || (n == 2 && cp == 0x6708) ||
            (n == 3 && (cp == 0x65E5 || cp == 0x53F7))) {
            s = SEP_CN; /* 年 月 日 (or 号) */
        }
        if (s == SEP_NONE && cp == 0 && n == 3) {
            break;
        }
        if (s == SEP_NONE || (sep != SEP_NONE && s != sep) || (s != SEP_CN && n == 3)) {
            return BEIAN_DATE_NOT_A_DATE;
        }
        sep = s;
        cp = date_next(text, &i);
        while (cp == ' ' || cp == '\t') {
            cp = date_next(text, &i);
        }
        if (n == 3) {
            if (cp != 0) {
                return BEIAN_DATE_NOT_A_DATE;
            }
            break;
        }
    }
    if (digits[0] != 4 && digits[2] == 4) {
        snprintf(why, why_size, "%s",
                 "is ambiguous: the year is last, so the day and the month could be either "
                 "way round; write the year first, such as 2026-11-24");
        return BEIAN_DATE_AMBIGUOUS;
    }
    if (digits[0] <= 2 && digits[1] <= 2 && digits[2] <= 2) {
        snprintf(why, why_size, "%s",
                 "is ambiguous: a two-digit year could be any century; write the year with "
                 "four digits, such as 2026-11-24");
        return BEIAN_DATE_AMBIGUOUS;
    }
    if (digits[0] != 4 || digits[1] > 2 || digits[2] > 2) {
        return BEIAN_DATE_NOT_A_DATE;
    }
    long y = part[0], m = part[1], d = part[2];
    if (y < 1900 || y > 2199) {
        snprintf(why, why_size, "%s",
                 "is not a possible date: beian takes years from 1900 to 2199");
        return BEIAN_DATE_IMPOSSIBLE;
    }
    if (m < 1 || m > 12) {
        snprintf(why, why_size, "%s", "is not a possible date: a month is 1 to 12");
        return BEIAN_DATE_IMPOSSIBLE;
    }
    int max = mdays[m - 1] + (m == 2 && is_leap((int)y));
    if (d < 1 || d > max) {
        snprintf(why, why_size, "is not a possible date: %s %ld has %d days", month_name[m - 1],
                 y, max);
        return BEIAN_DATE_IMPOSSIBLE;
    }
    snprintf(out, BEIAN_DATE_SIZE, "%04d-%02d-%02d", (int)y % 10000, (int)m % 100,
             (int)d % 100); /* in range: checked above */
    why[0] = '\0';
    return BEIAN_DATE_OK;
}
