/*
 * fuzz_record.c - the JSON record reader (beian_record_read_buffer) on arbitrary bytes.
 *
 * The data file is named as if it lived in tests/fuzz/assets/, so a group_qr_image such as
 * "qr.png" reaches the scan reader with a real picture. Checked besides "no crash, no leak":
 * a record comes back only with BEIAN_OK, a refusal always says why (a problem), and the
 * canonical JSON of an accepted record is stable (same digest twice).
 */
#include <string.h>

#include "beian/record.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    beian_ctx *ctx = fuzz_ctx();
    beian_problems *pr = beian_problems_new();
    beian_record *rec = NULL;
    if (!pr || size > BEIAN_RECORD_MAX_BYTES) {
        beian_problems_free(pr);
        return 0;
    }
    int rc = beian_record_read_buffer(ctx, FUZZ_ROOT "/tests/fuzz/assets/record.json", data,
                                      size, &rec, pr);
    FUZZ_CHECK((rc == BEIAN_OK) == (rec != NULL));
    if (rc == BEIAN_EDATA || rc == BEIAN_ECONFIG) {
        FUZZ_CHECK(beian_problems_errors(pr) > 0);
    }
    if (rec) {
        char d1[BEIAN_SHA256_HEX_SIZE], d2[BEIAN_SHA256_HEX_SIZE];
        FUZZ_CHECK(beian_record_digest(rec, d1) == BEIAN_OK);
        FUZZ_CHECK(beian_record_digest(rec, d2) == BEIAN_OK);
        FUZZ_CHECK(strcmp(d1, d2) == 0 && strlen(d1) == 64);
        FUZZ_CHECK(beian_record_validate(rec, pr) == BEIAN_OK);
    }
    beian_record_free(rec);
    beian_problems_free(pr);
    return 0;
}
