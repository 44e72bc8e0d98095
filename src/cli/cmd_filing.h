/* cmd_filing.h - the filing commands: submit, approve, reject, change, review, dissolve
 * (cmd_filing.c). */
#ifndef BEIAN_CMD_FILING_H
#define BEIAN_CMD_FILING_H

#include "beian/common.h"
#include "cli_opts.h"

extern const cli_spec cmd_submit_spec;
extern const cli_spec cmd_approve_spec;
extern const cli_spec cmd_reject_spec;
extern const cli_spec cmd_change_spec;
extern const cli_spec cmd_review_spec;
extern const cli_spec cmd_dissolve_spec;

int cmd_submit(beian_ctx *ctx, int argc, char **argv);
int cmd_approve(beian_ctx *ctx, int argc, char **argv);
int cmd_reject(beian_ctx *ctx, int argc, char **argv);
int cmd_change(beian_ctx *ctx, int argc, char **argv);
int cmd_review(beian_ctx *ctx, int argc, char **argv);
int cmd_dissolve(beian_ctx *ctx, int argc, char **argv);

#endif
