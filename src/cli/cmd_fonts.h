/* cmd_fonts.h - `beian fonts` (cmd_fonts.c). */
#ifndef BEIAN_CMD_FONTS_H
#define BEIAN_CMD_FONTS_H

#include "beian/common.h"
#include "cli_opts.h"

extern const cli_spec cmd_fonts_spec;
int cmd_fonts(beian_ctx *ctx, int argc, char **argv);

#endif
