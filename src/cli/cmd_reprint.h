/* cmd_reprint.h - `beian reprint` (cmd_reprint.c). */
#ifndef BEIAN_CMD_REPRINT_H
#define BEIAN_CMD_REPRINT_H

#include "beian/common.h"
#include "cli_opts.h"

extern const cli_spec cmd_reprint_spec;
int cmd_reprint(beian_ctx *ctx, int argc, char **argv);

#endif
