/*
 * tracking.c - formats and parses the tracking payload (see beian/tracking.h for the format,
 * and its copy field for reprints).
 */
#include "beian/tracking.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int beian_tracking_format(const char *record, int version, const char *digest_hex, char *out,
                          size_t size)
{
    return beian_tracking_format_copy(record, version, digest_hex, BEIAN_TRACKING_FORM, 0, out,
                                      size);
}

int beian_tracking_format_copy(const char *record, int version, const char *digest_hex,
                               beian_tracking_copy copy, int page, char *out, size_t size)
{
    if ((copy != BEIAN_TRACKING_FORM && copy != BEIAN_TRACKING_REPRINT &&
         copy != BEIAN_TRACKING_MASKED) ||
        page < 0 || page > 999) {
        return BEIAN_EINTERNAL;
    }
    if (!digest_hex || strlen(digest_hex) < BEIAN_TRACKING_DIGEST_LEN || version < 0 ||
        (record && (strlen(record) == 0 || strlen(record) >= BEIAN_TRACKING_RECORD_SIZE ||
                    strchr(record, '/')))) {
        return BEIAN_EINTERNAL;
    }
    char up[BEIAN_TRACKING_DIGEST_LEN + 1];
    for (int i = 0; i < BEIAN_TRACKING_DIGEST_LEN; i++) {
        up[i] = (char)toupper((unsigned char)digest_hex[i]);
    }
    up[BEIAN_TRACKING_DIGEST_LEN] = '\0';
    char tail[12] = "";
    int t = copy ? snprintf(tail, sizeof tail, "/%c", (char)copy) : 0;
    if (page) {
        snprintf(tail + t, sizeof tail - (size_t)t, "/P%d", page);
    }
    int n = snprintf(out, size, "%s%s/%d/%s%s", BEIAN_TRACKING_PREFIX, record ? record : "DRAFT",
                     record ? version : 0, up, tail);
    return n > 0 && (size_t)n < size ? BEIAN_OK : BEIAN_EINTERNAL;
}

int beian_tracking_parse(const char *p, beian_tracking *out)
{
    size_t pl = strlen(BEIAN_TRACKING_PREFIX);
    memset(out, 0, sizeof *out);
    if (strncmp(p, BEIAN_TRACKING_PREFIX, pl) != 0) {
        return BEIAN_EDATA;
    }
    p += pl;
    const char *s1 = strchr(p, '/');
    if (!s1 || s1 == p || (size_t)(s1 - p) >= BEIAN_TRACKING_RECORD_SIZE) {
        return BEIAN_EDATA;
    }
    for (const char *q = p; q < s1; q++) {
        if (!isalnum((unsigned char)*q) && *q != '-') {
            return BEIAN_EDATA;
        }
    }
    memcpy(out->record, p, (size_t)(s1 - p));
    const char *v = s1 + 1;
    char *end;
    long ver = strtol(v, &end, 10);
    if (end == v || *end != '/' || ver < 0 || ver > 100000 || !isdigit((unsigned char)*v)) {
        return BEIAN_EDATA;
    }
    out->version = (int)ver;
    const char *d = end + 1;
    if (strlen(d) < BEIAN_TRACKING_DIGEST_LEN) {
        return BEIAN_EDATA;
    }
    /* the extensions after the digest: a copy field, then a page */
    const char *x = d + BEIAN_TRACKING_DIGEST_LEN;
    if (x[0] == '/' && (x[1] == BEIAN_TRACKING_REPRINT || x[1] == BEIAN_TRACKING_MASKED) &&
        (x[2] == '\0' || x[2] == '/')) {
        out->copy = (beian_tracking_copy)x[1];
        x += 2;
    }
    if (x[0] == '/' && x[1] == 'P' && x[2] >= '1' && x[2] <= '9') {
        int pg = 0, k = 2;
        while (k < 5 && isdigit((unsigned char)x[k])) {
            pg = pg * 10 + (x[k++] - '0');
        }
        out->page = pg;
        x += k;
    }
    if (*x) {
        return BEIAN_EDATA;
    }
    for (int i = 0; i < BEIAN_TRACKING_DIGEST_LEN; i++) {
        if (!isxdigit((unsigned char)d[i])) {
            return BEIAN_EDATA;
        }
        out->digest16[i] = (char)tolower((unsigned char)d[i]);
    }
    if ((strcmp(out->record, "DRAFT") == 0) != (out->version == 0)) {
        return BEIAN_EDATA;
    }
    return BEIAN_OK;
}
