/*
 * cmd_approve_folder.c - `beian approve --scan FOLDER`: a folder stays a stack of scans of any
 * records, each filed on its own by its tracking code (issue 13, point 4). A scanner that
 * writes one JPEG or PNG per page leaves the pages of a form with its 附页 as separate files:
 * these are recognised by their codes (record, version, data and the page) and filed together
 * as one approval, when every page of the form is there exactly once; a form missing a page,
 * or with a page in two files, is refused as a whole (nothing of it filed) and the other files
 * are filed all the same. Every file is read once; the bytes judged are the bytes filed.
 */
#define _GNU_SOURCE
#include "cmd_approve_folder.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "beian/scan.h"
#include "beian/tracking.h"
#include "cli.h"

/* One scan file of the folder and what became of it. */
typedef struct {
    char *path;
    filing_scan s; /* s.bytes kept while the file waits for the other pages of its form */
    int waiting;   /* judged partial: a file with some pages of a form */
    int refused;
    char *what; /* the summary's line */
} folder_file;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* 1 when the file starts like a PDF, PNG, JPEG or TIFF (a folder of scans also holds
 * Thumbs.db, desktop.ini and notes). Only for skipping: the scan is read again, once, to be
 * judged and filed. */
static int looks_like_scan(const char *path)
{
    unsigned char head[16];
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(head, 1, sizeof head, f) : 0;
    if (f) {
        fclose(f);
    }
    return beian_scan_sniff(head, n) != BEIAN_SCAN_UNKNOWN;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Appends name's last component to list ("a, b"); 0 when out of memory. */
static int name_list_add(beian_buf *list, const char *path)
{
    return beian_buf_appendf(list, "%s%s", list->len ? ", " : "", base_name(path)) == BEIAN_OK;
}

/* "page 2", "pages 1, 2": the form's pages a file shows. */
static void pages_text(unsigned shown, beian_buf *out)
{
    int n = 0;
    for (int pg = 1; pg <= BEIAN_TRACKING_PAGE_MAX; pg++) {
        n += (shown >> pg) & 1u;
    }
    beian_buf_appendf(out, "page%s ", n == 1 ? "" : "s");
    const char *sep = "";
    for (int pg = 1; pg <= BEIAN_TRACKING_PAGE_MAX; pg++) {
        if (shown & (1u << pg)) {
            beian_buf_appendf(out, "%s%d", sep, pg);
            sep = ", ";
        }
    }
}

/* The folder's entries in name order (*names, *n: the caller frees). */
static int folder_list(const char *dir, char ***names, size_t *n)
{
    DIR *d = opendir(dir);
    *names = NULL;
    *n = 0;
    if (!d) {
        return cli_error(BEIAN_ENOINPUT, "%s: cannot open the folder: %s", dir, strerror(errno));
    }
    int rc = BEIAN_OK;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) {
            continue;
        }
        char **grown = realloc(*names, (*n + 1) * sizeof *grown);
        if (!grown || !(grown[*n] = beian_path_join(dir, de->d_name))) {
            *names = grown ? grown : *names;
            rc = cli_error(BEIAN_EINTERNAL, "out of memory");
            break;
        }
        *names = grown;
        (*n)++;
    }
    closedir(d);
    if (*n) {
        qsort(*names, *n, sizeof **names, cmp_str);
    }
    return rc;
}

/* Files or refuses the waiting files that are pages of the same form as files[first]. */
static int folder_join(beian_ctx *ctx, const filing_args *a, folder_file *files, size_t nf,
                       size_t first)
{
    size_t idx[BEIAN_TRACKING_PAGE_MAX * 4], n = 0, order[BEIAN_TRACKING_PAGE_MAX * 4];
    beian_intake_part parts[BEIAN_TRACKING_PAGE_MAX * 4];
    beian_scan_part more[BEIAN_TRACKING_PAGE_MAX * 4];
    const beian_intake *in = &files[first].s.in;
    for (size_t j = first; j < nf && n < sizeof idx / sizeof idx[0]; j++) {
        if (files[j].waiting && beian_archive_intake_same(in, &files[j].s.in)) {
            idx[n] = j;
            parts[n] = (beian_intake_part){files[j].path, &files[j].s.in};
            files[j].waiting = 0;
            n++;
        }
    }
    beian_problems *pr = beian_problems_new();
    if (!pr) {
        return cli_error(BEIAN_EINTERNAL, "out of memory");
    }
    int rc = beian_archive_intake_join(parts, n, order, pr), version = 0;
    int joined = rc == BEIAN_OK;
    if (rc != BEIAN_OK) {
        cli_report(ctx, rc, pr);
        cli_error(rc, "%s v%d: nothing of its form was filed", in->record_no, in->code.version);
    } else {
        for (size_t k = 1; k < n; k++) {
            const folder_file *f = &files[idx[order[k]]];
            int page = 1;
            while (page < BEIAN_TRACKING_PAGE_MAX && !(f->s.in.shown & (1u << page))) {
                page++;
            }
            more[k - 1] = (beian_scan_part){f->s.bytes.data, f->s.bytes.len, f->path, page};
        }
        folder_file *lead = &files[idx[order[0]]];
        rc = filing_file(ctx, a, lead->path, &lead->s, more, n - 1, &version);
    }
    beian_problems_free(pr);
    for (size_t k = 0; k < n; k++) {
        folder_file *f = &files[idx[order[k]]];
        beian_buf others, pages;
        beian_buf_init(&others);
        beian_buf_init(&pages);
        for (size_t m = 0; m < n; m++) {
            if (m != k) {
                name_list_add(&others, files[idx[order[m]]].path);
            }
        }
        pages_text(f->s.in.shown, &pages);
        f->refused = rc != BEIAN_OK;
        if (rc == BEIAN_OK) {
            f->what = beian_asprintf("filed as %s of %s v%d, together with %s",
                                     (const char *)pages.data, f->s.in.record_no, version,
                                     n > 1 ? (const char *)others.data : "no other file");
        } else {
            f->what = beian_asprintf("refused: %s of %s v%d's form%s%s; %s (see above)",
                                     (const char *)pages.data, in->record_no, in->code.version,
                                     n > 1 ? ", with " : "", n > 1 ? (const char *)others.data : "",
                                     joined ? "the form was not filed"
                                            : "the form cannot be put together");
        }
        beian_buf_release(&others);
        beian_buf_release(&pages);
        beian_buf_release(&f->s.bytes);
    }
    return rc;
}

/* Judges one file; files it at once when it is a whole document, else keeps it waiting. */
static int folder_one(beian_ctx *ctx, const filing_args *a, folder_file *f)
{
    int version = 0;
    int rc = filing_judge(ctx, a, BEIAN_EVENT_APPROVED, NULL, f->path, 1, &f->s);
    if (rc == BEIAN_OK && f->s.in.partial) {
        f->waiting = 1;
        return BEIAN_OK;
    }
    if (rc == BEIAN_OK) {
        rc = filing_file(ctx, a, f->path, &f->s, NULL, 0, &version);
        beian_buf_release(&f->s.bytes);
    }
    f->refused = rc != BEIAN_OK;
    f->what = rc == BEIAN_OK ? beian_asprintf("filed as %s v%d", f->s.in.record_no, version)
                             : beian_strdup("refused (see above)");
    return rc;
}

static void folder_summary(const char *dir, const folder_file *files, size_t nf, size_t nskipped,
                           const beian_buf *skipped, size_t nsub, const beian_buf *subdirs)
{
    size_t filed = 0;
    for (size_t i = 0; i < nf; i++) {
        filed += !files[i].refused;
    }
    for (size_t i = 0; i < nf; i++) {
        void (*line)(const char *, ...) = files[i].refused ? cli_note_always : cli_note;
        line("%s: %s: %s", dir, base_name(files[i].path), files[i].what ? files[i].what : "?");
    }
    /* what was not looked at is said even under --quiet when nothing was filed */
    void (*say)(const char *, ...) = filed ? cli_note : cli_note_always;
    if (nskipped) {
        say("%s: skipped %zu file%s that %s no PDF, PNG, JPEG or TIFF: %s", dir, nskipped,
            nskipped == 1 ? "" : "s", nskipped == 1 ? "is" : "are", (const char *)skipped->data);
    }
    if (nsub) {
        say("%s: %zu subfolder%s not read (file each with its own --scan): %s", dir, nsub,
            nsub == 1 ? "" : "s", (const char *)subdirs->data);
    }
}

int approve_folder(beian_ctx *ctx, const filing_args *a, const char *dir)
{
    char **names = NULL;
    size_t n = 0, nf = 0, nskipped = 0, nsub = 0, refused = 0;
    folder_file *files = NULL;
    beian_buf skipped, subdirs;
    beian_buf_init(&skipped);
    beian_buf_init(&subdirs);
    int worst = folder_list(dir, &names, &n);
    if (worst == BEIAN_ENOINPUT) {
        return worst;
    }
    if (n && !(files = calloc(n, sizeof *files))) {
        worst = cli_error(BEIAN_EINTERNAL, "out of memory");
    }
    for (size_t i = 0; i < n && worst != BEIAN_EINTERNAL; i++) {
        struct stat st;
        int hidden = base_name(names[i])[0] == '.';
        if (stat(names[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            nsub += !hidden && name_list_add(&subdirs, names[i]);
        } else if (hidden) {
            continue; /* .DS_Store and the like */
        } else if (stat(names[i], &st) != 0 || !S_ISREG(st.st_mode) ||
                   !looks_like_scan(names[i])) {
            nskipped += name_list_add(&skipped, names[i]);
        } else {
            files[nf++].path = names[i];
            names[i] = NULL;
        }
    }
    /* each file judged in name order, a whole document filed at once; then the pages of
     * multi-page forms put together */
    for (size_t pass = 0; pass < 2 && worst != BEIAN_EINTERNAL; pass++) {
        for (size_t i = 0; i < nf && worst != BEIAN_EINTERNAL; i++) {
            int rc = pass == 0 ? folder_one(ctx, a, &files[i])
                     : files[i].waiting ? folder_join(ctx, a, files, nf, i)
                                        : BEIAN_OK;
            worst = rc != BEIAN_OK && (worst == BEIAN_OK || worst == BEIAN_ENOINPUT) ? rc : worst;
        }
    }
    folder_summary(dir, files, nf, nskipped, &skipped, nsub, &subdirs);
    for (size_t i = 0; i < nf; i++) {
        refused += files[i].refused;
        free(files[i].path);
        free(files[i].what);
        beian_buf_release(&files[i].s.bytes);
    }
    for (size_t i = 0; i < n; i++) {
        free(names[i]);
    }
    free(names);
    free(files);
    beian_buf_release(&skipped);
    beian_buf_release(&subdirs);
    if (nf == 0 && worst == BEIAN_OK) {
        return cli_error(BEIAN_ENOINPUT, "%s: no scans in the folder", dir);
    }
    if (refused) {
        cli_error(worst, "%s: filed %zu scan%s, refused %zu (see above)", dir, nf - refused,
                  nf - refused == 1 ? "" : "s", refused);
    } else {
        cli_note("%s: filed %zu scan%s", dir, nf, nf == 1 ? "" : "s");
    }
    return worst;
}
