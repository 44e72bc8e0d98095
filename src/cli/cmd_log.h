/* cmd_log.h - `beian log` (cmd_log.c). */
#ifndef BEIAN_CMD_LOG_H
#define BEIAN_CMD_LOG_H

#include "beian/common.h"
#include "cli_opts.h"

extern const cli_spec cmd_log_spec;
int cmd_log(beian_ctx *ctx, int argc, char **argv);

#endif
