/*
 * fuzz_tracking.c - the tracking-code parser (beian_tracking_parse), which reads payloads
 * decoded from scans of signed paper, on arbitrary bytes.
 *
 * Property: a payload that parses formats back to a payload that parses to the same values
 * (the round trip the archive relies on to match paper to records).
 */
#include <string.h>

#include "beian/tracking.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s) {
        return 0;
    }
    memcpy(s, data, size);
    s[size] = '\0';
    beian_tracking t, u;
    if (beian_tracking_parse(s, &t) == BEIAN_OK) {
        char out[128];
        FUZZ_CHECK(strlen(t.digest16) == 16);
        const char *rec = strcmp(t.record, "DRAFT") == 0 ? NULL : t.record;
        FUZZ_CHECK(beian_tracking_format(rec, t.version, t.digest16, out, sizeof out) ==
                   BEIAN_OK);
        FUZZ_CHECK(beian_tracking_parse(out, &u) == BEIAN_OK);
        FUZZ_CHECK(strcmp(t.record, u.record) == 0 && t.version == u.version &&
                   strcmp(t.digest16, u.digest16) == 0);
    }
    free(s);
    return 0;
}
