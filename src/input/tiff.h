/*
 * tiff.h - the TIFF adapter of the scan reader (tiff.c, the only file that includes tiffio.h):
 * the multi-page TIFF that many office scanners write, page by page as 8-bit grey. Private to
 * src/input/.
 */
#ifndef BEIAN_INPUT_TIFF_H
#define BEIAN_INPUT_TIFF_H

#include <stddef.h>

#include "beian/common.h"

/* Called once per page with its grey pixels (w x h, rows packed; borrowed for the call) and its
 * resolution in dpi (0 when the file does not say); a status other than BEIAN_OK stops. */
typedef int (*scan_tiff_page_fn)(void *user, const unsigned char *grey, unsigned w, unsigned h,
                                 double dpi);

/*
 * Decodes every page of the TIFF in data (borrowed) and hands each to page. A file that is not
 * a readable TIFF, or a page over BEIAN_SCAN_MAX_PIXELS, is BEIAN_EDATA with a problem naming
 * path; out of memory BEIAN_EINTERNAL; else the first status page returned.
 */
int scan_tiff__read(const char *path, const unsigned char *data, size_t len,
                    scan_tiff_page_fn page, void *user, beian_problems *pr);

/* libtiff's version line, for `beian --version`. */
const char *scan_tiff__version(void);

#endif
