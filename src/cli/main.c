/*
 * main.c - the command table, the global options and the dispatch: which function runs each
 * command. Every command returns a beian_status, which is the sysexits.h code beian exits
 * with. The words of the command line live beside each command (its cli_spec); the help, the
 * usage and the man page are made from them (cli_opts.c, cli_man.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beian/archive.h"
#include "beian/bundle.h"
#include "beian/font.h"
#include "beian/pdf.h"
#include "beian/png.h"
#include "beian/qr.h"
#include "beian/scan.h"
#include "beian/version.h"
#include "beian/web.h"
#include "cli.h"
#include "cli_man.h"
#include "cli_opts.h"
#include "cmd_batch.h"
#include "cmd_due.h"
#include "cmd_filing.h"
#include "cmd_fill.h"
#include "cmd_fonts.h"
#include "cmd_forms.h"
#include "cmd_list.h"
#include "cmd_log.h"
#include "cmd_reindex.h"
#include "cmd_search.h"
#include "cmd_reprint.h"
#include "cmd_ui.h"
#include "cmd_verify.h"
#include "sha256.h"

enum { OPT_HELP = 1, OPT_VERSION, OPT_MAN };

static const cli_option global_options[] = {
    CLI_OPTION_QUIET("no notes on stderr (errors and warnings are always printed)"),
    {OPT_HELP, 'h', "help", NULL, "the commands, the exit codes and the environment"},
    {OPT_VERSION, 0, "version", NULL,
     "beian's version and those of the libraries it runs with (libharu, harfbuzz, cairo, "
     "libqrencode, libzip, zbar, poppler, OpenSSL, libmicrohttpd)"},
    CLI_OPTIONS_END,
};

static const cli_spec beian_spec = {
    .name = "beian",
    .summary = "filing forms and archive for new-media platforms and work groups",
    .usage = "beian [--quiet] COMMAND [options] [args]",
    .description =
        "beian prints the official paper forms for the filing (备案) of new-media platforms and "
        "work groups as PDF, from a JSON record or one row of a spreadsheet per form, and keeps "
        "every filing in an archive that proves itself intact: each version of a record is a "
        "bundle chained to the one before, listed in a hash-chained ledger.\n\n"
        "Only the data asked for goes to stdout; notes, warnings and errors go to stderr as "
        "`beian: FILE:LINE: error: field (label): what is wrong`. Every command takes -h or "
        "--help.",
    .options = global_options,
};

static int cmd_help(beian_ctx *ctx, int argc, char **argv);

static const cli_option help_options[] = {
    {OPT_MAN, 0, "man", NULL, "print the manual page (roff) of every command instead"},
    CLI_OPTIONS_END,
};

static const cli_spec help_spec = {
    .name = "help",
    .summary = "the help of a command, or the manual page",
    .usage = "beian help [COMMAND]\nbeian help --man",
    .description = "Prints what `beian COMMAND --help` prints: the usage, what the command "
                   "does, its options and an example. Without a command, the list of commands. "
                   "With --man, the manual page, man/beian.1 (render it with `man -l`).",
    .options = help_options,
    .example = "beian help --man | man -l -",
};

/* The command table: the order of `beian --help` and of the man page. */
static const cli_command commands[] = {
    {&cmd_forms_spec, cmd_forms},       {&cmd_check_spec, cmd_check},
    {&cmd_fill_spec, cmd_fill},         {&cmd_batch_spec, cmd_batch},
    {&cmd_submit_spec, cmd_submit},     {&cmd_approve_spec, cmd_approve},
    {&cmd_reject_spec, cmd_reject},     {&cmd_change_spec, cmd_change},
    {&cmd_review_spec, cmd_review},     {&cmd_dissolve_spec, cmd_dissolve},
    {&cmd_log_spec, cmd_log},           {&cmd_list_spec, cmd_list},
    {&cmd_search_spec, cmd_search},     {&cmd_reindex_spec, cmd_reindex},
    {&cmd_due_spec, cmd_due},           {&cmd_reprint_spec, cmd_reprint},
    {&cmd_verify_spec, cmd_verify},     {&cmd_fsck_spec, cmd_fsck},
    {&cmd_anchor_spec, cmd_anchor},     {&cmd_fonts_spec, cmd_fonts},
    {&cmd_ui_spec, cmd_ui},
    {&help_spec, cmd_help},
};

/* sysexits.h, as include/beian/common.h names them */
static const cli_exit_code exit_codes[] = {
    {BEIAN_OK, "ok"},
    {BEIAN_EUSAGE, "usage"},
    {BEIAN_EDATA, "bad data"},
    {BEIAN_ENOINPUT, "missing input"},
    {BEIAN_EINTERNAL, "internal error"},
    {BEIAN_ECREATE, "cannot create output"},
    {BEIAN_EIO, "I/O error"},
    {BEIAN_EBUSY, "archive busy"},
    {BEIAN_ECONFIG, "bad form definition or configuration"},
};

static const cli_env_var environment[] = {
    {"BEIAN_FORMS", "the folder of the form definitions (default: forms/ of the build tree, or "
                    "share/beian/forms/ of the installation)"},
    {"BEIAN_FONTS", "the folder of the fonts and fonts.json (default: fonts/ beside forms/)"},
    {"BEIAN_ARCHIVE", "the archive (default ./archive; --archive DIR wins)"},
    {"BEIAN_NO_INDEX", "1: read the register from the ledger and the bundles instead of index.db "
                       "(slow; for comparisons)"},
};

static const cli_manual manual = {
    &beian_spec,
    commands,
    sizeof commands / sizeof commands[0],
    exit_codes,
    sizeof exit_codes / sizeof exit_codes[0],
    environment,
    sizeof environment / sizeof environment[0],
};

static const cli_command *find(const char *name)
{
    for (size_t i = 0; i < manual.ncommands; i++) {
        if (strcmp(commands[i].spec->name, name) == 0) {
            return &commands[i];
        }
    }
    return NULL;
}

static int cmd_help(beian_ctx *ctx, int argc, char **argv)
{
    const char *name = NULL;
    int man = 0, id;
    cli_args a;
    (void)ctx;
    cli_args_init(&a, &help_spec, argc, argv);
    while ((id = cli_args_next(&a)) != CLI_ARGS_END) {
        if (id == CLI_ARGS_BAD) {
            return BEIAN_EUSAGE;
        } else if (id == OPT_MAN) {
            man = 1;
        } else if (name) {
            cli_error(BEIAN_EUSAGE, "help: one command at a time, not also \"%s\"", a.value);
            return cli_usage(&help_spec);
        } else {
            name = a.value;
        }
    }
    if (man) {
        cli_man_print_roff(&manual, stdout);
        return BEIAN_OK;
    }
    if (!name) {
        cli_man_print_overview(&manual, BEIAN_VERSION, stdout);
        return BEIAN_OK;
    }
    const cli_command *c = find(name);
    if (!c) {
        return cli_error(BEIAN_EUSAGE, "no command \"%s\" (see: beian --help)", name);
    }
    cli_help_print(c->spec, stdout);
    return BEIAN_OK;
}

static void print_version(void)
{
    printf("beian %s\n", BEIAN_VERSION);
    /* each library's version comes from its adapter */
    printf("libharu %s, harfbuzz %s, cairo %s, libqrencode %s, libzip %s\n",
           beian_pdf_library_version(), beian_fonts_library_version(),
           beian_png_library_version(), beian_qr_library_version(),
           beian_bundle_library_version());
    printf("zbar %s, poppler %s, libtiff %s, OpenSSL %s, SQLite %s\n", beian_scan_zbar_version(),
           beian_scan_poppler_version(), beian_scan_tiff_version(),
           beian_sha256_library_version(), beian_archive_index_library_version());
    printf("libmicrohttpd %s\n", beian_web_library_version());
}

/*
 * What coreutils' close_stdout does: data the caller asked for that never reached stdout
 * (a full disk, a closed pipe) is an error, not a success. Returns rc, or BEIAN_EIO (74)
 * after saying why when the flush or the close failed and rc said nothing worse.
 */
static int close_stdout(int rc)
{
    int failed = ferror(stdout);
    if (fclose(stdout) != 0) {
        failed = 1;
    }
    if (failed) {
        cli_error(BEIAN_EIO, "cannot write to standard output: %s%s", strerror(errno),
                  rc == BEIAN_OK ? "" : " (and the command failed)");
        return rc == BEIAN_OK ? BEIAN_EIO : rc;
    }
    return rc;
}

static int run(int argc, char **argv)
{
    cli_args a;
    int id;
    cli_args_init(&a, &beian_spec, argc, argv);
    a.stop_at_arg = 1;
    a.silent = 1;
    while ((id = cli_args_next(&a)) != CLI_ARGS_END) {
        if (id == OPT_HELP) {
            cli_man_print_overview(&manual, BEIAN_VERSION, stdout);
            return BEIAN_OK;
        }
        if (id == OPT_VERSION) {
            print_version();
            return BEIAN_OK;
        }
        /* CLI_ARGS_BAD */
        return cli_error(BEIAN_EUSAGE, "unknown option %s (see: beian --help)", a.option);
    }
    if (a.next >= argc) {
        cli_man_print_overview(&manual, BEIAN_VERSION, stdout);
        return BEIAN_EUSAGE;
    }
    const cli_command *c = find(argv[a.next]);
    if (!c) {
        return cli_error(BEIAN_EUSAGE, "unknown command \"%s\" (see: beian --help)",
                         argv[a.next]);
    }
    int cargc = argc - a.next;
    char **cargv = argv + a.next;
    if (cli_wants_help(cargc, cargv)) {
        cli_help_print(c->spec, stdout);
        return BEIAN_OK;
    }
    beian_ctx *ctx = NULL;
    if (beian_ctx_new(&ctx, NULL) != BEIAN_OK) {
        return cli_error(BEIAN_EINTERNAL, "out of memory");
    }
    int rc = c->run(ctx, cargc, cargv);
    beian_ctx_free(ctx);
    return rc;
}

int main(int argc, char **argv)
{
    /* The local zone, named once: without TZ glibc stats /etc/localtime on every mktime,
     * and libzip calls it for every entry of every bundle (about a tenth of a verify). */
    if (!getenv("TZ")) {
        setenv("TZ", ":/etc/localtime", 0);
    }
    return close_stdout(run(argc, argv));
}
