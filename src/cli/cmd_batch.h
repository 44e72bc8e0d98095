/* cmd_batch.h - the batch commands of the command line (declarations for the command table). */
#ifndef BEIAN_CMD_BATCH_H
#define BEIAN_CMD_BATCH_H

#include "beian/common.h"

#endif
