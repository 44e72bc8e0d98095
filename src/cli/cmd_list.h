/* cmd_list.h - `beian list`, the register (cmd_list.c). */
#ifndef BEIAN_CMD_LIST_H
#define BEIAN_CMD_LIST_H

#include "beian/common.h"
#include "cli_opts.h"

extern const cli_spec cmd_list_spec;
int cmd_list(beian_ctx *ctx, int argc, char **argv);

#endif
