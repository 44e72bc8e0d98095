/*
 * zipio.h - the ZIP adapter (zipio.c): the only file of beian that includes libzip's zip.h. It
 * reads archives held in memory (the bundles of the archive, .xlsx workbooks) and writes the
 * deterministic, stored (uncompressed) archives the bundles are, and turns libzip's zip_error_t
 * into our statuses and a message.
 *
 * (The header is not called zip.h: the build puts src/util on the include path, where a zip.h
 * would hide libzip's own.)
 */
#ifndef BEIAN_ZIPIO_H
#define BEIAN_ZIPIO_H

#include <stddef.h>
#include <stdint.h>

#include "beian/common.h"

/* The size of the buffer that receives libzip's message about a failure. */
#define BEIAN_ZIP_WHY_SIZE 256

/* An archive opened for reading over a caller's buffer (borrowed: it must outlive it). */
typedef struct beian_zip beian_zip;
/* One entry being read. */
typedef struct beian_zip_file beian_zip_file;

/* beian_zip_open flags */
#define BEIAN_ZIP_CHECKCONS 0x1u /* libzip's consistency checks (ZIP_CHECKCONS) */

/*
 * Opens data[0..len) read-only. Returns BEIAN_OK, BEIAN_EDATA when libzip refuses it (why
 * says why) or BEIAN_EINTERNAL when out of memory.
 */
int beian_zip_open(const void *data, size_t len, unsigned flags, beian_zip **out,
                   char why[BEIAN_ZIP_WHY_SIZE]);
void beian_zip_close(beian_zip *z);
/* How many entries the central directory lists. */
size_t beian_zip_count(const beian_zip *z);
/* The index of the entry called name (ASCII case ignored with nocase); BEIAN_ENOINPUT when
 * there is none. */
int beian_zip_locate(const beian_zip *z, const char *name, int nocase, size_t *index);

/* Opens entry index for reading: BEIAN_OK, or BEIAN_EDATA with why. */
int beian_zip_fopen(beian_zip *z, size_t index, beian_zip_file **out,
                    char why[BEIAN_ZIP_WHY_SIZE]);
/*
 * Reads up to len bytes of the entry into buf: the number read (0 at its end), or -1 with why
 * and *crc (crc may be NULL) set to 1 when the failure is a CRC-32 mismatch. libzip checks the
 * CRC only when a read reaches the end of the entry.
 */
long long beian_zip_fread(beian_zip_file *f, void *buf, size_t len, int *crc,
                          char why[BEIAN_ZIP_WHY_SIZE]);
void beian_zip_fclose(beian_zip_file *f);

/* One entry of an archive to write (borrowed). */
typedef struct {
    const char *name;
    const void *data;
    size_t len;
} beian_zip_entry;

/*
 * Builds a ZIP in memory from e[0..n), in that order: every entry stored (ZIP_CM_STORE), with
 * the DOS date dos_date and time 00:00, Unix mode 0644. *out (malloc'd, at most max_len bytes)
 * is the archive. Returns BEIAN_OK, or BEIAN_EINTERNAL with why holding libzip's message, or
 * why empty when the archive built could not be read back (or is larger than max_len).
 */
int beian_zip_write(const beian_zip_entry *e, size_t n, uint16_t dos_date, size_t max_len,
                    unsigned char **out, size_t *len, char why[BEIAN_ZIP_WHY_SIZE]);

/* The version of libzip in use, for --version. */
const char *beian_zip_library_version(void);

#endif
