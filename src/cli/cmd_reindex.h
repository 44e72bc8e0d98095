/* cmd_reindex.h - `beian reindex` (cmd_reindex.c). */
#ifndef BEIAN_CMD_REINDEX_H
#define BEIAN_CMD_REINDEX_H

#include "beian/common.h"
#include "cli_opts.h"

extern const cli_spec cmd_reindex_spec;
int cmd_reindex(beian_ctx *ctx, int argc, char **argv);

#endif
