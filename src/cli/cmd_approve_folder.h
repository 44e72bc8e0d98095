/* cmd_approve_folder.h - `beian approve --scan FOLDER` (cmd_approve_folder.c). */
#ifndef BEIAN_CMD_APPROVE_FOLDER_H
#define BEIAN_CMD_APPROVE_FOLDER_H

#include "cmd_filing_event.h"

/* Files every scan of the folder dir by its tracking code; the pages of one form in separate
 * files together. */
int approve_folder(beian_ctx *ctx, const filing_args *a, const char *dir);

#endif
