/*
 * zipio.c - the ZIP adapter: the only file that includes zip.h (libzip). bundle.c (the
 * archive's bundles) and xlsx.c (workbooks) read and write ZIP through it.
 *
 * Writing builds the whole ZIP in memory (zip_source_buffer_create + zip_open_from_source)
 * because libzip 1.7.3's zip_close on a file writes a temporary file with no fsync and
 * replaces the target even when another writer got there first (ZIP_EXCL is checked at open
 * only): the archive commits the bytes itself (util/file.c's beian_file_replace). Determinism
 * comes from writing entries in the caller's (name) order with zip_file_set_dostime
 * (zip_file_set_mtime converts to local time, so its bytes change with TZ), ZIP_CM_STORE and
 * fixed Unix attributes.
 *
 * Reading opens a caller's buffer. Even with ZIP_CHECKCONS libzip accepts unsafe names,
 * overlapping entries and entries longer than they declare, and checks an entry's CRC only
 * when a read reaches its end: bundle.c walks the bytes itself before it reads through here.
 */
#include "zipio.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define UNIX_REGULAR_0644 (0100644u << 16) /* st_mode in the high half of the attributes */

struct beian_zip {
    zip_t *za;
};

struct beian_zip_file {
    zip_file_t *zf;
};

static void set_why(char why[BEIAN_ZIP_WHY_SIZE], const char *msg)
{
    snprintf(why, BEIAN_ZIP_WHY_SIZE, "%s", msg ? msg : "");
}

int beian_zip_open(const void *data, size_t len, unsigned flags, beian_zip **out,
                   char why[BEIAN_ZIP_WHY_SIZE])
{
    int rc = BEIAN_OK;
    zip_error_t ze;
    beian_zip *z = calloc(1, sizeof *z);
    zip_source_t *src = NULL;
    *out = NULL;
    why[0] = '\0';
    zip_error_init(&ze);
    src = z ? zip_source_buffer_create(data, len, 0, &ze) : NULL;
    if (!src) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    int zflags = ZIP_RDONLY | ((flags & BEIAN_ZIP_CHECKCONS) ? ZIP_CHECKCONS : 0);
    z->za = zip_open_from_source(src, zflags, &ze);
    if (!z->za) {
        zip_source_free(src);
        rc = zip_error_code_zip(&ze) == ZIP_ER_MEMORY ? BEIAN_EINTERNAL : BEIAN_EDATA;
        set_why(why, zip_error_strerror(&ze));
        goto done;
    }
    *out = z; /* the archive owns the source now */
    z = NULL;
done:
    free(z);
    zip_error_fini(&ze);
    return rc;
}

void beian_zip_close(beian_zip *z)
{
    if (z) {
        zip_discard(z->za);
        free(z);
    }
}

size_t beian_zip_count(const beian_zip *z)
{
    zip_int64_t n = zip_get_num_entries(z->za, 0);
    return n > 0 ? (size_t)n : 0;
}

int beian_zip_locate(const beian_zip *z, const char *name, int nocase, size_t *index)
{
    zip_int64_t idx = zip_name_locate(z->za, name, nocase ? ZIP_FL_NOCASE : 0);
    if (idx < 0) {
        return BEIAN_ENOINPUT;
    }
    *index = (size_t)idx;
    return BEIAN_OK;
}

int beian_zip_fopen(beian_zip *z, size_t index, beian_zip_file **out,
                    char why[BEIAN_ZIP_WHY_SIZE])
{
    beian_zip_file *f = malloc(sizeof *f);
    *out = NULL;
    why[0] = '\0';
    if (!f) {
        return BEIAN_EINTERNAL;
    }
    f->zf = zip_fopen_index(z->za, (zip_uint64_t)index, 0);
    if (!f->zf) {
        set_why(why, zip_strerror(z->za));
        free(f);
        return BEIAN_EDATA;
    }
    *out = f;
    return BEIAN_OK;
}

long long beian_zip_fread(beian_zip_file *f, void *buf, size_t len, int *crc,
                          char why[BEIAN_ZIP_WHY_SIZE])
{
    zip_int64_t r = zip_fread(f->zf, buf, (zip_uint64_t)len);
    if (crc) {
        *crc = 0;
    }
    if (r < 0) {
        if (crc) {
            *crc = zip_error_code_zip(zip_file_get_error(f->zf)) == ZIP_ER_CRC;
        }
        set_why(why, zip_file_strerror(f->zf));
        return -1;
    }
    return (long long)r;
}

void beian_zip_fclose(beian_zip_file *f)
{
    if (f) {
        zip_fclose(f->zf);
        free(f);
    }
}

/* Copies the committed bytes of a buffer source into a malloc'd block. */
static int source_bytes(zip_source_t *src, size_t max_len, unsigned char **out, size_t *len)
{
    int rc = BEIAN_EINTERNAL;
    unsigned char *buf = NULL;
    if (zip_source_open(src) != 0) {
        return BEIAN_EINTERNAL;
    }
    if (zip_source_seek(src, 0, SEEK_END) != 0) {
        goto done;
    }
    zip_int64_t size = zip_source_tell(src);
    if (size <= 0 || (zip_uint64_t)size > max_len || zip_source_seek(src, 0, SEEK_SET) != 0) {
        goto done;
    }
    buf = malloc((size_t)size);
    if (!buf) {
        goto done;
    }
    size_t got = 0;
    while (got < (size_t)size) {
        zip_int64_t r = zip_source_read(src, buf + got, (zip_uint64_t)size - got);
        if (r <= 0) {
            goto done;
        }
        got += (size_t)r;
    }
    *out = buf;
    *len = got;
    buf = NULL;
    rc = BEIAN_OK;
done:
    zip_source_close(src);
    free(buf);
    return rc;
}

/* Adds e as entry of za: stored, dated, mode 0644. On failure ze holds the error. */
static int add_entry(zip_t *za, const beian_zip_entry *e, uint16_t dos_date, zip_error_t *ze)
{
    zip_source_t *s = zip_source_buffer(za, e->data, e->len, 0);
    if (!s) {
        zip_error_set(ze, zip_error_code_zip(zip_get_error(za)), 0);
        return BEIAN_EINTERNAL;
    }
    zip_int64_t idx = zip_file_add(za, e->name, s, 0);
    if (idx < 0) {
        zip_source_free(s);
        zip_error_set(ze, zip_error_code_zip(zip_get_error(za)), 0);
        return BEIAN_EINTERNAL;
    }
    zip_uint64_t u = (zip_uint64_t)idx;
    if (zip_set_file_compression(za, u, ZIP_CM_STORE, 0) != 0 ||
        zip_file_set_dostime(za, u, 0, dos_date, 0) != 0 ||
        zip_file_set_external_attributes(za, u, 0, ZIP_OPSYS_UNIX, UNIX_REGULAR_0644) != 0) {
        zip_error_set(ze, zip_error_code_zip(zip_get_error(za)), 0);
        return BEIAN_EINTERNAL;
    }
    return BEIAN_OK;
}

int beian_zip_write(const beian_zip_entry *e, size_t n, uint16_t dos_date, size_t max_len,
                    unsigned char **out, size_t *len, char why[BEIAN_ZIP_WHY_SIZE])
{
    int rc = BEIAN_EINTERNAL;
    zip_source_t *src = NULL;
    zip_t *za = NULL;
    zip_error_t ze;
    zip_error_init(&ze);
    *out = NULL;
    *len = 0;
    why[0] = '\0';
    src = zip_source_buffer_create(NULL, 0, 0, &ze);
    if (!src) {
        goto libzip_error;
    }
    zip_source_keep(src); /* zip_close would free it; we read the result from it */
    za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    if (!za) {
        goto libzip_error;
    }
    for (size_t i = 0; i < n; i++) {
        if (add_entry(za, &e[i], dos_date, &ze) != BEIAN_OK) {
            goto libzip_error;
        }
    }
    if (zip_close(za) != 0) {
        zip_error_set(&ze, zip_error_code_zip(zip_get_error(za)), 0);
        zip_discard(za);
        za = NULL;
        goto libzip_error;
    }
    za = NULL;
    rc = source_bytes(src, max_len, out, len); /* why stays empty on failure */
    goto done;
libzip_error:
    rc = BEIAN_EINTERNAL;
    set_why(why, zip_error_strerror(&ze));
done:
    if (za) {
        zip_discard(za);
    }
    zip_source_free(src);
    zip_error_fini(&ze);
    return rc;
}

const char *beian_zip_library_version(void)
{
    return zip_libzip_version();
}
