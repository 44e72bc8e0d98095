/* cmd_archive.h - the archive commands of the command line (declarations for the command table). */
#ifndef BEIAN_CMD_ARCHIVE_H
#define BEIAN_CMD_ARCHIVE_H

#include "beian/common.h"

#endif
