/* cmd_fill.h - `beian check` and `beian fill` (cmd_fill.c). */
#ifndef BEIAN_CMD_FILL_H
#define BEIAN_CMD_FILL_H

#include "beian/common.h"
#include "cli_opts.h"

extern const cli_spec cmd_check_spec;
extern const cli_spec cmd_fill_spec;
int cmd_check(beian_ctx *ctx, int argc, char **argv);
int cmd_fill(beian_ctx *ctx, int argc, char **argv);

#endif
