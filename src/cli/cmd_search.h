/* cmd_search.h - `beian search` (cmd_search.c). */
#ifndef BEIAN_CMD_SEARCH_H
#define BEIAN_CMD_SEARCH_H

#include "beian/common.h"
#include "cli_opts.h"

extern const cli_spec cmd_search_spec;
int cmd_search(beian_ctx *ctx, int argc, char **argv);

#endif
