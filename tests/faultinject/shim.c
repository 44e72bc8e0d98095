/*
 * shim.c - fault injection by LD_PRELOAD: makes the N-th call of one system function fail, as
 * a full disk, a failing disk or a lack of memory would, so that tests/faultinject/sweep.sh
 * can check every failure point of `fill`, `batch` and `submit`.
 *
 *   FAULT_CALL   which calls: write (write, pwrite, pwrite64 to files on disk), fsync
 *                (fsync, fdatasync, syncfs), rename (rename, renameat, renameat2, link,
 *                linkat), create (mkostemp, mkstemp, open/openat with O_CREAT, mkdir),
 *                malloc (malloc, calloc, realloc)
 *   FAULT_AT     fail the N-th such call (1-based); 0 or unset: never fail, only count
 *   FAULT_COUNT  a file to which the number of such calls is written at exit (the sweep's
 *                range) and "fired" when the failure was injected
 *   FAULT_SCOPE  malloc only: "beian" (default) counts the allocations beian's own code makes
 *                (malloc, calloc, realloc, strdup, strndup called from the beian executable,
 *                and jansson's, which go through beian's allocator hook); "all" counts the
 *                libraries' internal allocations too (harfbuzz, cairo, libharu, zbar, ...)
 *
 *   FAULT_TRACE  set: print the call stack of the injected failure on stderr (to find it)
 *
 * Failures: write ENOSPC, fsync EIO, rename/link EIO, create ENOSPC, malloc NULL with ENOMEM.
 * Only calls made by the program after main() starts are counted (so the dynamic loader and
 * library constructors are left alone), and only in the process that started with FAULT_CALL
 * set: children of a fork are not counted (their parent's counter is not theirs).
 *
 * It wraps symbols through dlsym(RTLD_NEXT); malloc goes to glibc's __libc_malloc family,
 * which dlsym itself may need before RTLD_NEXT resolves. Not for use under AddressSanitizer
 * (which owns malloc): the sweep runs the plain build.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <execinfo.h>
#include <link.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

enum { K_NONE, K_WRITE, K_FSYNC, K_RENAME, K_CREATE, K_MALLOC };

static int kind = K_NONE;
static int armed;          /* main() has started */
static pid_t owner;        /* the process whose calls count */
static unsigned long at;   /* the call to fail (1-based), 0: never */
static unsigned long calls;
static int fired;
static const char *count_file;
static int scope_all;
static uintptr_t exe_lo, exe_hi; /* the executable's code, for FAULT_SCOPE=beian */

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

/* Finds the code segment of the main program (the first object dl_iterate_phdr reports). */
static int find_exe(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size, (void)data;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X)) {
            exe_lo = info->dlpi_addr + ph->p_vaddr;
            exe_hi = exe_lo + ph->p_memsz;
        }
    }
    return 1; /* stop after the first object */
}

/* 1 when an allocation called from caller counts. */
static int in_scope(const void *caller)
{
    return scope_all || ((uintptr_t)caller >= exe_lo && (uintptr_t)caller < exe_hi);
}

/* 1 when this call of kind k is the one to fail. */
static int should_fail(int k)
{
    if (kind != k || !armed || getpid() != owner) {
        return 0;
    }
    calls++;
    if (at != 0 && calls == at) {
        fired = 1;
        if (getenv("FAULT_TRACE")) {
            void *frames[32];
            int n = backtrace(frames, 32);
            backtrace_symbols_fd(frames, n, 2);
        }
        return 1;
    }
    return 0;
}

static void report(void)
{
    if (!count_file || getpid() != owner) {
        return;
    }
    armed = 0; /* fopen below allocates */
    FILE *f = fopen(count_file, "w");
    if (f) {
        fprintf(f, "%lu%s\n", calls, fired ? " fired" : "");
        fclose(f);
    }
}

static int (*real_main)(int, char **, char **);

static int wrapped_main(int argc, char **argv, char **envp)
{
    const char *c = getenv("FAULT_CALL");
    const char *n = getenv("FAULT_AT");
    count_file = getenv("FAULT_COUNT");
    static const char *const names[] = {"", "write", "fsync", "rename", "create", "malloc"};
    for (int k = K_WRITE; c && k <= K_MALLOC; k++) {
        if (strcmp(c, names[k]) == 0) {
            kind = k;
        }
    }
    at = n ? strtoul(n, NULL, 10) : 0;
    const char *sc = getenv("FAULT_SCOPE");
    scope_all = sc && strcmp(sc, "all") == 0;
    dl_iterate_phdr(find_exe, NULL);
    owner = getpid();
    atexit(report);
    armed = 1;
    return real_main(argc, argv, envp);
}

typedef int (*start_main_fn)(int (*)(int, char **, char **), int, char **, void (*)(void),
                             void (*)(void), void (*)(void), void *);

int __libc_start_main(int (*main)(int, char **, char **), int argc, char **argv,
                      void (*init)(void), void (*fini)(void), void (*rtld_fini)(void),
                      void *stack_end)
{
    start_main_fn real = (start_main_fn)dlsym(RTLD_NEXT, "__libc_start_main");
    real_main = main;
    return real(wrapped_main, argc, argv, init, fini, rtld_fini, stack_end);
}

/* The next definition of name (libc's), looked up once. */
#define REAL(name)                                                                             \
    static __typeof__(&name) real_##name;                                                      \
    if (!real_##name) {                                                                        \
        real_##name = (__typeof__(&name))dlsym(RTLD_NEXT, #name);                              \
    }

/* --- writes ----------------------------------------------------------------------------- */

/* 1 when fd is a file on a file system: not a terminal, pipe or socket, and not a memory file
 * (memfd_create: beian hands font subsets to libharu through one; a failed write there is a
 * lack of memory, not of disk). */
static int disk_file(int fd)
{
    char link[64], target[32];
    struct stat st;
    if (fd <= 2 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        return 0;
    }
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    return !(n >= 7 && memcmp(target, "/memfd:", 7) == 0);
}

ssize_t write(int fd, const void *buf, size_t n)
{
    REAL(write)
    if (kind == K_WRITE && disk_file(fd) && should_fail(K_WRITE)) {
        errno = ENOSPC;
        return -1;
    }
    return real_write(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    REAL(pwrite)
    if (kind == K_WRITE && disk_file(fd) && should_fail(K_WRITE)) {
        errno = ENOSPC;
        return -1;
    }
    return real_pwrite(fd, buf, n, off);
}

/* SQLite (index.db) writes its pages with pwrite64 */
ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t off)
{
    REAL(pwrite64)
    if (kind == K_WRITE && disk_file(fd) && should_fail(K_WRITE)) {
        errno = ENOSPC;
        return -1;
    }
    return real_pwrite64(fd, buf, n, off);
}

/* --- syncs ------------------------------------------------------------------------------ */

int fsync(int fd)
{
    REAL(fsync)
    if (should_fail(K_FSYNC)) {
        errno = EIO;
        return -1;
    }
    return real_fsync(fd);
}

int fdatasync(int fd)
{
    REAL(fdatasync)
    if (should_fail(K_FSYNC)) {
        errno = EIO;
        return -1;
    }
    return real_fdatasync(fd);
}

int syncfs(int fd)
{
    REAL(syncfs)
    if (should_fail(K_FSYNC)) {
        errno = EIO;
        return -1;
    }
    return real_syncfs(fd);
}

/* --- renames and links ------------------------------------------------------------------ */

int rename(const char *a, const char *b)
{
    REAL(rename)
    if (should_fail(K_RENAME)) {
        errno = EIO;
        return -1;
    }
    return real_rename(a, b);
}

int renameat(int da, const char *a, int db, const char *b)
{
    REAL(renameat)
    if (should_fail(K_RENAME)) {
        errno = EIO;
        return -1;
    }
    return real_renameat(da, a, db, b);
}

int renameat2(int da, const char *a, int db, const char *b, unsigned flags)
{
    REAL(renameat2)
    if (should_fail(K_RENAME)) {
        errno = EIO;
        return -1;
    }
    return real_renameat2(da, a, db, b, flags);
}

int link(const char *a, const char *b)
{
    REAL(link)
    if (should_fail(K_RENAME)) {
        errno = EIO;
        return -1;
    }
    return real_link(a, b);
}

int linkat(int da, const char *a, int db, const char *b, int flags)
{
    REAL(linkat)
    if (should_fail(K_RENAME)) {
        errno = EIO;
        return -1;
    }
    return real_linkat(da, a, db, b, flags);
}

/* --- creating files --------------------------------------------------------------------- */

int mkostemp(char *tmpl, int flags)
{
    REAL(mkostemp)
    if (should_fail(K_CREATE)) {
        errno = ENOSPC;
        return -1;
    }
    return real_mkostemp(tmpl, flags);
}

int mkstemp(char *tmpl)
{
    REAL(mkstemp)
    if (should_fail(K_CREATE)) {
        errno = ENOSPC;
        return -1;
    }
    return real_mkstemp(tmpl);
}

int mkdir(const char *path, mode_t mode)
{
    REAL(mkdir)
    if (should_fail(K_CREATE)) {
        errno = ENOSPC;
        return -1;
    }
    return real_mkdir(path, mode);
}

static mode_t open_mode(int flags, va_list ap)
{
    return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t)va_arg(ap, int) : 0;
}

int open(const char *path, int flags, ...)
{
    REAL(open)
    va_list ap;
    va_start(ap, flags);
    mode_t mode = open_mode(flags, ap);
    va_end(ap);
    if ((flags & O_CREAT) && should_fail(K_CREATE)) {
        errno = ENOSPC;
        return -1;
    }
    return real_open(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
    REAL(open64)
    va_list ap;
    va_start(ap, flags);
    mode_t mode = open_mode(flags, ap);
    va_end(ap);
    if ((flags & O_CREAT) && should_fail(K_CREATE)) {
        errno = ENOSPC;
        return -1;
    }
    return real_open64(path, flags, mode);
}

int openat(int dir, const char *path, int flags, ...)
{
    REAL(openat)
    va_list ap;
    va_start(ap, flags);
    mode_t mode = open_mode(flags, ap);
    va_end(ap);
    if ((flags & O_CREAT) && should_fail(K_CREATE)) {
        errno = ENOSPC;
        return -1;
    }
    return real_openat(dir, path, flags, mode);
}

/* --- memory ----------------------------------------------------------------------------- */

void *malloc(size_t n)
{
    if (kind == K_MALLOC && in_scope(__builtin_return_address(0)) && should_fail(K_MALLOC)) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_malloc(n);
}

void *calloc(size_t a, size_t b)
{
    if (kind == K_MALLOC && in_scope(__builtin_return_address(0)) && should_fail(K_MALLOC)) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_calloc(a, b);
}

void *realloc(void *p, size_t n)
{
    if (n > 0 && kind == K_MALLOC && in_scope(__builtin_return_address(0)) &&
        should_fail(K_MALLOC)) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_realloc(p, n);
}

/* strdup and strndup allocate inside libc, where the caller check would not see beian. */
char *strdup(const char *s)
{
    if (kind == K_MALLOC && in_scope(__builtin_return_address(0)) && should_fail(K_MALLOC)) {
        errno = ENOMEM;
        return NULL;
    }
    size_t n = strlen(s) + 1;
    char *p = __libc_malloc(n);
    if (p) {
        memcpy(p, s, n);
    }
    return p;
}

char *strndup(const char *s, size_t max)
{
    if (kind == K_MALLOC && in_scope(__builtin_return_address(0)) && should_fail(K_MALLOC)) {
        errno = ENOMEM;
        return NULL;
    }
    size_t n = strnlen(s, max);
    char *p = __libc_malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}
