/* cmd_due.h - `beian due` (cmd_due.c). */
#ifndef BEIAN_CMD_DUE_H
#define BEIAN_CMD_DUE_H

#include "beian/common.h"
#include "cli_opts.h"

extern const cli_spec cmd_due_spec;
int cmd_due(beian_ctx *ctx, int argc, char **argv);

#endif
