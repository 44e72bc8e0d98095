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
    char buf[64];
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
