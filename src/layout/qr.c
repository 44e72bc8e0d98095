/*
 * qr.c - the only file that includes qrencode.h: encodes a payload as a module matrix.
 * Payloads are encoded as 8-bit data, so any UTF-8 text or link comes back byte for byte.
 */
#include "beian/qr.h"

#include <errno.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

int beian_qr_encode(const char *payload, size_t len, beian_qr_level level,
                    unsigned char **matrix, int *modules)
{
    static const QRecLevel levels[] = {QR_ECLEVEL_L, QR_ECLEVEL_M, QR_ECLEVEL_Q, QR_ECLEVEL_H};
    *matrix = NULL;
    *modules = 0;
    if (len == 0 || len > 2953) { /* 2953 bytes: version 40-L, the largest QR code */
        return BEIAN_EDATA;
    }
    /* Text without NUL bytes is encoded with libqrencode's mode optimiser, which puts runs of
     * digits and of upper-case letters in the denser numeric and alphanumeric modes; the
     * payload read back is the same bytes either way. */
    QRcode *qr = memchr(payload, '\0', len) || payload[len] != '\0'
                     ? QRcode_encodeData((int)len, (const unsigned char *)payload, 0,
                                         levels[level])
                     : QRcode_encodeString(payload, 0, levels[level], QR_MODE_8, 1);
    if (!qr) {
        return errno == ERANGE || errno == EINVAL ? BEIAN_EDATA : BEIAN_EINTERNAL;
    }
    size_t n = (size_t)qr->width * (size_t)qr->width;
    unsigned char *m = malloc(n);
    if (!m) {
        QRcode_free(qr);
        return BEIAN_EINTERNAL;
    }
    for (size_t i = 0; i < n; i++) {
        m[i] = qr->data[i] & 1; /* bit 0: dark module; the other bits are encoder notes */
    }
    *matrix = m;
    *modules = qr->width;
    QRcode_free(qr);
    return BEIAN_OK;
}

const char *beian_qr_library_version(void)
{
    return QRcode_APIVersionString();
}
