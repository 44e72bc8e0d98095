/*
 * record_check.h - the record validator (record_check.c) as the reader (record.c) calls it.
 * Private to src/input.
 */
#ifndef BEIAN_RECORD_CHECK_H
#define BEIAN_RECORD_CHECK_H

#include "beian/record.h"

/*
 * Validates r (beian_record_validate with reported). reported (may be NULL) marks the fields
 * whose value the data file gave with the wrong JSON type: that was said already, so their
 * absence is not reported again as "is missing" (nor a group of "one of" fields they belong
 * to). Returns BEIAN_OK or BEIAN_EDATA.
 */
int beian_record_check(const beian_record *r, beian_problems *pr, const unsigned char *reported);

/*
 * Every character of every value must be printable from the fonts (QR payloads and picture
 * paths are not printed). Without fonts nothing is said here: rendering reports the
 * configuration. Returns BEIAN_OK or BEIAN_EDATA.
 */
int beian_record_check_characters(beian_ctx *ctx, const beian_record *r, beian_problems *pr);

#endif
