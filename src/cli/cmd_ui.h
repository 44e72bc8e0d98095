/* cmd_ui.h - `beian ui` (cmd_ui.c). */
#ifndef BEIAN_CMD_UI_H
#define BEIAN_CMD_UI_H

#include "beian/common.h"
#include "cli_opts.h"

extern const cli_spec cmd_ui_spec;
int cmd_ui(beian_ctx *ctx, int argc, char **argv);

#endif
