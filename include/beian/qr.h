/*
 * beian/qr.h - QR code encoding (libqrencode), as a module matrix for the display list.
 */
#ifndef BEIAN_QR_H
#define BEIAN_QR_H

#include <stddef.h>

#include "beian/common.h"

typedef enum { BEIAN_QR_L, BEIAN_QR_M, BEIAN_QR_Q, BEIAN_QR_H } beian_qr_level;

/*
 * Encodes payload (bytes, 8-bit mode) at the given error-correction level. *matrix receives
 * modules*modules bytes (1 = dark), owned by the caller. BEIAN_EDATA when the payload does
 * not fit any QR version at that level.
 */
int beian_qr_encode(const char *payload, size_t len, beian_qr_level level,
                    unsigned char **matrix, int *modules);

/* The libqrencode version, for `beian --version`. */
const char *beian_qr_library_version(void);

#endif
