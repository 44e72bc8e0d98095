/*
 * main.c - the command table, global options, and how problems and errors are printed.
 * Every command returns a beian_status, which is the sysexits.h code beian exits with.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beian/bundle.h"
#include "beian/font.h"
#include "beian/pdf.h"
#include "beian/png.h"
#include "beian/qr.h"
#include "beian/scan.h"
#include "beian/version.h"
#include "cli.h"
#include "cmd_archive.h"
#include "cmd_batch.h"
#include "sha256.h"

int cli_quiet = 0;

static const cli_command commands[] = {
    {"forms", cmd_forms, "list the form definitions, or one form's fields",
     "usage: beian forms [FORM-ID]\n"
     "\n"
     "Without an argument, lists the forms beian knows. With a form id, lists the form's\n"
     "fields: id, Chinese label, type, whether it is required, and its length limit.\n"
     "\n"
     "example: beian forms workgroup-filing\n"},
    {"check", cmd_check, "validate a data file; every problem listed",
     "usage: beian check DATA.json [--archive DIR]\n"
     "\n"
     "Reads the record, checks every field by its type and lays the form out without\n"
     "writing anything, so every problem that `fill` would refuse is listed at once.\n"
     "Exit 0 when the record can be printed, 65 when it cannot, 66 when the file is missing.\n"
     "Warnings of the checks before signing (the same person as 管理员 and 负责人, a\n"
     "负责人 who is not a unit head, a group over 200 members, a second filing of what the\n"
     "archive already holds, a new app client) are printed and never change the exit code.\n"
     "\n"
     "example: beian check examples/workgroup-filing.json\n"},
    {"fill", cmd_fill, "print a filled (or blank) form to PDF, with a PNG preview",
     "usage: beian fill DATA.json -o OUT.pdf [--png OUT.png] [--archive DIR]\n"
     "       beian fill --blank FORM-ID -o OUT.pdf [--png OUT.png]\n"
     "\n"
     "options:\n"
     "  -o, --output OUT.pdf  the PDF to write (replaced atomically; nothing is written\n"
     "                        when the data has a problem)\n"
     "  --png OUT.png         also write a preview of page 1 (later pages: OUT-2.png, ...)\n"
     "  --dpi N               preview resolution (default 150)\n"
     "  --blank FORM-ID       an empty form to fill in by hand\n"
     "  --no-tracking         leave out the tracking footer (record, version, date, page,\n"
     "                        QR code) that matches a signed paper copy to its record\n"
     "  --archive DIR         the archive to compare with for the warnings before signing\n"
     "                        (default $BEIAN_ARCHIVE, else ./archive when it exists)\n"
     "  -q, --quiet           no notes on stderr\n"
     "\n"
     "example: beian fill examples/platform-application.json -o out/application.pdf\n"},
/* Each area of the command line owns a fragment of this table (rows only). */
#include "commands_batch.inc"
#include "commands_archive.inc"
};

static const size_t ncommands = sizeof commands / sizeof commands[0];

static const cli_command *find(const char *name)
{
    for (size_t i = 0; i < ncommands; i++) {
        if (strcmp(commands[i].name, name) == 0) {
            return &commands[i];
        }
    }
    return NULL;
}

void cli_print_problems(const beian_problems *p)
{
    static const char *const sev[] = {"error", "warning", "note"};
    for (size_t i = 0; i < beian_problems_count(p); i++) {
        const beian_problem *x = beian_problems_get(p, i);
        fputs("beian: ", stderr);
        if (x->file) {
            fputs(x->file, stderr);
            if (x->line > 0) {
                fprintf(stderr, ":%d", x->line);
                if (x->column > 0) {
                    fprintf(stderr, ":%d", x->column);
                }
            }
            fputs(": ", stderr);
        }
        fprintf(stderr, "%s: ", sev[x->severity]);
        if (x->field && x->label) {
            fprintf(stderr, "%s (%s): ", x->field, x->label);
        } else if (x->field) {
            fprintf(stderr, "%s: ", x->field);
        }
        fprintf(stderr, "%s\n", x->message);
    }
}

int cli_error(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("beian: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return status;
}

void cli_note(const char *fmt, ...)
{
    if (cli_quiet) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    fputs("beian: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int cli_usage(const char *command)
{
    const cli_command *c = find(command);
    if (c) {
        fputs(c->usage, stderr);
    }
    fprintf(stderr, "(see: beian help %s)\n", command);
    return BEIAN_EUSAGE;
}

int cli_help(const char *command)
{
    const cli_command *c = find(command);
    if (!c) {
        return cli_error(BEIAN_EUSAGE, "no command \"%s\" (see: beian --help)", command);
    }
    fputs(c->usage, stdout);
    return BEIAN_OK;
}

int cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            return 1;
        }
        if (strcmp(argv[i], "--") == 0) {
            break;
        }
    }
    return 0;
}

static void print_help(void)
{
    printf("beian %s - filing forms and archive for new-media platforms and work groups\n\n",
           BEIAN_VERSION);
    printf("usage: beian [--quiet] COMMAND [options] [args]\n\ncommands:\n");
    for (size_t i = 0; i < ncommands; i++) {
        printf("  %-8s %s\n", commands[i].name, commands[i].summary);
    }
    printf("\n'beian help COMMAND' or 'beian COMMAND --help' tells more.\n\n"
           "exit codes: 0 ok, 64 usage, 65 bad data, 66 missing input, 70 internal error,\n"
           "73 cannot create output, 74 I/O error, 75 archive busy, 78 bad form definition\n"
           "or configuration.\n\n"
           "environment: BEIAN_FORMS and BEIAN_FONTS name the forms and fonts folders.\n"
           "BEIAN_ARCHIVE names the archive (default ./archive; --archive DIR wins).\n");
}

static void print_version(void)
{
    printf("beian %s\n", BEIAN_VERSION);
    /* each library's version comes from its adapter */
    printf("libharu %s, harfbuzz %s, cairo %s, libqrencode %s, libzip %s\n",
           beian_pdf_library_version(), beian_fonts_library_version(),
           beian_png_library_version(), beian_qr_library_version(),
           beian_bundle_library_version());
    printf("zbar %s, poppler %s, OpenSSL %s\n", beian_scan_zbar_version(), beian_scan_poppler_version(),
           beian_sha256_library_version());
}

int main(int argc, char **argv)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0) {
            cli_quiet = 1;
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            print_help();
            return 0;
        } else if (strcmp(argv[i], "--version") == 0) {
            print_version();
            return 0;
        } else {
            cli_error(BEIAN_EUSAGE, "unknown option %s (see: beian --help)", argv[i]);
            return BEIAN_EUSAGE;
        }
    }
    if (i >= argc) {
        print_help();
        return BEIAN_EUSAGE;
    }
    if (strcmp(argv[i], "help") == 0) {
        if (i + 1 < argc) {
            return cli_help(argv[i + 1]);
        }
        print_help();
        return 0;
    }
    const cli_command *c = find(argv[i]);
    if (!c) {
        return cli_error(BEIAN_EUSAGE, "unknown command \"%s\" (see: beian --help)", argv[i]);
    }
    if (cli_wants_help(argc - i, argv + i)) {
        return cli_help(c->name);
    }
    beian_ctx *ctx = NULL;
    if (beian_ctx_new(&ctx, NULL) != BEIAN_OK) {
        return cli_error(BEIAN_EINTERNAL, "out of memory");
    }
    int rc = c->run(ctx, argc - i, argv + i);
    beian_ctx_free(ctx);
    return rc;
}
