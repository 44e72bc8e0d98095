/*
 * cmd_submit_sheet.h - `beian submit` and `beian check` given a sheet (CSV or .xlsx) instead
 * of one data file: every row checked first, then each row filed as its own record under one
 * hold of the archive's lock (cmd_submit_sheet.c).
 */
#ifndef BEIAN_CMD_SUBMIT_SHEET_H
#define BEIAN_CMD_SUBMIT_SHEET_H

#include "beian/common.h"
#include "cli_archive.h"
#include "cli_opts.h"

/* The ids of the options only a sheet takes (in submit's and check's option tables). */
enum { SHEET_OPT_SKIP_INVALID = 8100, SHEET_OPT_COMBINED, SHEET_OPT_FORMAT, SHEET_OPT_ENCODING,
       SHEET_OPT_SHEET, SHEET_OPT_STRICT, SHEET_OPT_FORCE };

#define SHEET_OPTIONS_READ                                                                         \
    {SHEET_OPT_ENCODING, 0, "encoding", "ENC",                                                    \
     "a CSV's encoding when detection fails: utf-8, gb18030 (also GBK), utf-16"},                 \
        {SHEET_OPT_SHEET, 0, "sheet", "NAME",                                                     \
         "the worksheet of an .xlsx workbook (default: the first)"},                              \
        {SHEET_OPT_STRICT, 0, "strict", NULL,                                                     \
         "refuse a column that is no field of the form (default: ignore it with a note)"}
#define SHEET_OPTIONS_SUBMIT                                                                       \
    {SHEET_OPT_SKIP_INVALID, 0, "skip-invalid", NULL,                                             \
     "a sheet: file the rows that are right and list the others (default: nothing is filed "      \
     "while a row has a problem)"},                                                               \
        {SHEET_OPT_COMBINED, 0, "combined", "OUT.pdf",                                            \
         "a sheet: every form to sign in one print job, in row order"},                           \
        {SHEET_OPT_FORMAT, 0, "format", "F",                                                      \
         "a sheet: the table of rows and numbers on stdout as table (default) or csv (UTF-8 "     \
         "with a BOM, for Excel)"},                                                               \
        {SHEET_OPT_FORCE, 0, "force", NULL, "a sheet: replace forms that exist already in DIR"},  \
        SHEET_OPTIONS_READ

/* What a sheet's options said. */
typedef struct {
    int skip_invalid, strict, force, csv;
    const char *combined, *encoding, *sheet_name;
    char given[32]; /* the first sheet option given, for "only a sheet takes it"; "" if none */
} sheet_options;

/* Takes the value of a SHEET_OPT_* option; BEIAN_OK or BEIAN_EUSAGE (said why). */
int sheet_option(sheet_options *o, const char *command, int id, const char *option,
                 const char *value);
/* 1 when the arguments name a sheet: a form id and a file, or one file that is a CSV, TSV or
 * .xlsx by its name or a ZIP (a workbook) by its first bytes. */
int sheet_args_name_sheet(const char *const *args, int nargs);

/* What `beian submit` was given for a sheet. */
typedef struct {
    const cli_archive_common *common;
    const char *out_dir; /* -o DIR: one form per row, named as batch names them */
    const char *opened_on;
    int date_confirmed;
    const char *const *args;
    int nargs;
    const sheet_options *opts;
} sheet_submit;

/* `beian submit [FORM-ID] SHEET`: files every row. */
int sheet_submit_run(beian_ctx *ctx, const sheet_submit *s);
/* `beian check [FORM-ID] SHEET`: checks every row (and its layout) against archive_dir. */
int sheet_check_run(beian_ctx *ctx, const char *const *args, int nargs, const char *archive_dir,
                    const sheet_options *opts);

#endif
