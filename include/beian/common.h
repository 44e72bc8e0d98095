/*
 * beian/common.h - status codes, problem lists and the context every stage shares.
 *
 * The library never prints and never exits: a fallible function returns a beian_status
 * and leaves the details in a beian_problems list (user-facing data problems) or in the
 * context's message (everything else). The values of beian_status are the sysexits.h
 * codes the command line exits with, so the CLI maps them one to one.
 */
#ifndef BEIAN_COMMON_H
#define BEIAN_COMMON_H

#include <stddef.h>

/*
 * A SHA-256 digest written as 64 lowercase hex digits, with its NUL: the size of every
 * printed digest in beian (records, fonts, bundles, the ledger). Public here so that public
 * structs can hold one; util/sha256.h computes them.
 */
#define BEIAN_SHA256_HEX_SIZE 65

typedef enum {
    BEIAN_OK = 0,
    BEIAN_EUSAGE = 64,    /* EX_USAGE: wrong command line */
    BEIAN_EDATA = 65,     /* EX_DATAERR: bad input data */
    BEIAN_ENOINPUT = 66,  /* EX_NOINPUT: an input file is missing or unreadable */
    BEIAN_EINTERNAL = 70, /* EX_SOFTWARE: a bug, or a library failed unexpectedly */
    BEIAN_ECREATE = 73,   /* EX_CANTCREAT: cannot create an output file */
    BEIAN_EIO = 74,       /* EX_IOERR: reading or writing failed */
    BEIAN_EBUSY = 75,     /* EX_TEMPFAIL: the archive is locked by another writer */
    BEIAN_ECONFIG = 78    /* EX_CONFIG: bad form definition or configuration */
} beian_status;

typedef enum { BEIAN_SEV_ERROR, BEIAN_SEV_WARNING, BEIAN_SEV_NOTE } beian_severity;

/* One finding about an input. Every string is owned by the list. */
typedef struct {
    beian_severity severity;
    char *file;    /* input file, or NULL */
    int line;      /* 1-based, 0 when unknown */
    int column;    /* 1-based, 0 when unknown */
    char *field;   /* field id, or NULL */
    char *label;   /* the field's Chinese label, or NULL */
    char *message; /* what is wrong and what would be right */
    int msg;       /* its beian_msg id (beian/message.h), 0 when it has none */
    char **args;   /* the id's arguments (owned), NULL when none */
    size_t nargs;
} beian_problem;

typedef struct beian_problems beian_problems;

beian_problems *beian_problems_new(void);
void beian_problems_free(beian_problems *p);
/* Appends a problem; the strings are copied. Returns BEIAN_OK or BEIAN_EINTERNAL (no memory). */
int beian_problems_add(beian_problems *p, beian_severity sev, const char *file, int line,
                       int column, const char *field, const char *label, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));
size_t beian_problems_count(const beian_problems *p);
size_t beian_problems_errors(const beian_problems *p);
const beian_problem *beian_problems_get(const beian_problems *p, size_t i);
/* Moves every problem of src to the end of dst (src is left empty). */
int beian_problems_take(beian_problems *dst, beian_problems *src);

/*
 * The context: where form definitions and fonts are found, the parsed fonts (shared by every
 * document a process renders) and the last error message. Not thread-safe; one per thread.
 */
typedef struct beian_ctx beian_ctx;

typedef struct {
    const char *forms_dir; /* NULL: $BEIAN_FORMS, else next to the executable */
    const char *fonts_dir; /* NULL: $BEIAN_FONTS, else next to the executable */
} beian_ctx_options;

int beian_ctx_new(beian_ctx **out, const beian_ctx_options *opts);
void beian_ctx_free(beian_ctx *ctx);
const char *beian_ctx_forms_dir(const beian_ctx *ctx);
const char *beian_ctx_fonts_dir(const beian_ctx *ctx);
/* The message of the last failure that was not a data problem ("" when none). */
const char *beian_ctx_message(const beian_ctx *ctx);
/* Sets the message (printf-style) and returns status, for `return beian_ctx_fail(...)`. */
int beian_ctx_fail(beian_ctx *ctx, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
