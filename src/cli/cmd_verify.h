/* cmd_verify.h - `beian verify`, `beian fsck` and `beian anchor` (cmd_verify.c). */
#ifndef BEIAN_CMD_VERIFY_H
#define BEIAN_CMD_VERIFY_H

#include "beian/common.h"
#include "cli_opts.h"

extern const cli_spec cmd_verify_spec;
extern const cli_spec cmd_fsck_spec;
extern const cli_spec cmd_anchor_spec;

int cmd_verify(beian_ctx *ctx, int argc, char **argv);
int cmd_fsck(beian_ctx *ctx, int argc, char **argv);
int cmd_anchor(beian_ctx *ctx, int argc, char **argv);

#endif
