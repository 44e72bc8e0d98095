/* cmd_forms.h - `beian forms` (cmd_forms.c). */
#ifndef BEIAN_CMD_FORMS_H
#define BEIAN_CMD_FORMS_H

#include "beian/common.h"
#include "cli_opts.h"

extern const cli_spec cmd_forms_spec;
int cmd_forms(beian_ctx *ctx, int argc, char **argv);

#endif
