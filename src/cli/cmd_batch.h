/* cmd_batch.h - `beian batch FORM-ID FILE ...`: one printed form per row of a CSV file or
 * .xlsx workbook (cmd_batch.c). */
#ifndef BEIAN_CMD_BATCH_H
#define BEIAN_CMD_BATCH_H

#include "beian/common.h"
#include "cli_opts.h"

extern const cli_spec cmd_batch_spec;
int cmd_batch(beian_ctx *ctx, int argc, char **argv);

#endif
