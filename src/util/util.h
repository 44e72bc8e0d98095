/*
 * util.h - small helpers shared by the library's modules: growable buffers, UTF-8,
 * checked string formatting, whole-file reads with a size limit, and atomic writes.
 * Private to the library (not installed).
 */
#ifndef BEIAN_UTIL_H
#define BEIAN_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* A growable byte buffer. Failure is sticky: once an append runs out of memory, `failed` is
 * set and every later append and terminate fails too, so a caller may build a text with
 * unchecked appends and check `failed` (or the last call) once at the end. */
typedef struct {
    unsigned char *data;
    size_t len;
    size_t cap;
    int failed;
} beian_buf;

void beian_buf_init(beian_buf *b);
void beian_buf_release(beian_buf *b);
int beian_buf_append(beian_buf *b, const void *data, size_t len);
int beian_buf_appendf(beian_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int beian_buf_appendv(beian_buf *b, const char *fmt, va_list ap);
/* NUL-terminates without counting the NUL in len. */
int beian_buf_terminate(beian_buf *b);

char *beian_strdup(const char *s);
char *beian_strndup(const char *s, size_t n);
char *beian_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *beian_vasprintf(const char *fmt, va_list ap);

/*
 * Decodes one UTF-8 sequence of s[0..len). Stores the code point and returns the length
 * (1-4), or 0 when the bytes are not well-formed UTF-8 (overlong forms, surrogates and
 * code points above U+10FFFF included).
 */
size_t beian_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);
/* Encodes cp into out (at least 4 bytes); returns the length. */
size_t beian_utf8_encode(uint32_t cp, char *out);
/* Offset of the first ill-formed byte, or len when all of s is valid UTF-8. */
size_t beian_utf8_check(const unsigned char *s, size_t len);
/* Number of code points of a valid UTF-8 string. */
size_t beian_utf8_count(const char *s);

/* Reads a whole file. BEIAN_ENOINPUT when it is missing or unreadable, BEIAN_EDATA when
 * it is larger than limit (a regular file's size is checked before it is read),
 * BEIAN_EINTERNAL when out of memory. *errno_out (may be NULL) receives errno on failure. */
int beian_file_read(const char *path, size_t limit, beian_buf *out, int *errno_out);

/*
 * Writes data to path atomically: a temporary file in the same directory, fsync, rename,
 * fsync of the directory. On failure nothing is left at path (an existing file is kept
 * as it was) and no temporary file remains. Returns BEIAN_OK, BEIAN_ECREATE or BEIAN_EIO.
 */
int beian_file_write_atomic(const char *path, const void *data, size_t len, int *errno_out);

/*
 * The two halves of an atomic write, for commands that write several files and want none
 * written unless all could be: beian_file_stage writes data to a new temporary file beside
 * path and fsyncs it (*tmp_out, malloc'd; nothing is left on failure); beian_file_commit
 * renames it over path (and frees tmp; on failure it removes the temporary file);
 * beian_file_discard removes and frees a staged file. Return BEIAN_OK, BEIAN_ECREATE,
 * BEIAN_EIO or BEIAN_EINTERNAL (out of memory); *errno_out is 0 when errno says nothing.
 */
int beian_file_stage(const char *path, const void *data, size_t len, char **tmp_out,
                     int *errno_out);
int beian_file_commit(char *tmp, const char *path, int *errno_out);
void beian_file_discard(char *tmp);

/*
 * json_dumps that returns NULL instead of a wrong text: jansson 2.14 can drop a key while
 * dumping when an allocation fails and still return a string (the fault sweep found it), so
 * the text is read back and compared with root. Free the result with free().
 */
struct json_t;
char *beian_json_dumps(const struct json_t *root, size_t flags);

/*
 * json_loadb that tells a lack of memory from bad JSON. jansson 2.14 reports a failed
 * allocation inside its lexer as a syntax error, and drops a byte it could not save, so a
 * string can come back silently shortened; reading data through this wrapper, *oom is set
 * (and NULL returned) whenever one of jansson's allocations failed during the parse.
 * err is a json_error_t (jansson.h); the result is a json_t the caller decrefs.
 */
struct json_t;
struct json_error_t;
struct json_t *beian_json_loadb(const void *data, size_t len, size_t flags,
                                struct json_error_t *err, int *oom);

/* Directory part of path ("." when none); caller frees. */
char *beian_path_dirname(const char *path);
/* a "/" b, or b alone when b is absolute; caller frees. */
char *beian_path_join(const char *a, const char *b);
int beian_path_exists(const char *path);

#endif
