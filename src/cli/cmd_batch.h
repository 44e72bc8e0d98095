/* cmd_batch.h - the batch commands of the command line (declarations for the command table). */
#ifndef BEIAN_CMD_BATCH_H
#define BEIAN_CMD_BATCH_H

#include "beian/common.h"

/* `beian batch FORM-ID FILE ...`: one printed form per row of a CSV file or .xlsx workbook. */
int cmd_batch(beian_ctx *ctx, int argc, char **argv);

#endif
