/*
 * beian/message.h - message ids: the library's problems that a person fixes in a form carry
 * an id and their arguments (beian_problems_add_msg), so that a front end can say them in the
 * person's language from a catalog it asks for by name ("en", "zh-CN"), never from the
 * process's locale (which the machine may not even have). The English text of each id is the
 * message the command line prints; a problem added with beian_problems_add has no id
 * (BEIAN_MSG_NONE) and is said as its English message.
 *
 * A template names its arguments {1} to {9}; a language may leave one out or change their
 * order. Arguments are text (a number is formatted by the caller).
 */
#ifndef BEIAN_MESSAGE_H
#define BEIAN_MESSAGE_H

#include <stddef.h>

#include "beian/common.h"

typedef enum {
    BEIAN_MSG_NONE = 0,
    BEIAN_MSG_FIELD_MISSING,       /* {1} label */
    BEIAN_MSG_FIELD_TOO_LONG,      /* {1} characters given, {2} allowed */
    BEIAN_MSG_FIELD_LINE_BREAK,    /* {1} label */
    BEIAN_MSG_FIELD_CONTROL,       /* {1} the code point, U+XXXX */
    BEIAN_MSG_NOT_MOBILE,          /* {1} value */
    BEIAN_MSG_NOT_PHONE,           /* {1} value */
    BEIAN_MSG_NOT_OFFICE_PHONE,    /* {1} value */
    BEIAN_MSG_NOT_EMAIL,           /* {1} value */
    BEIAN_MSG_NOT_COUNT,           /* {1} value */
    BEIAN_MSG_NOT_DATE,            /* {1} value, {2} why (English, from beian_date_parse) */
    BEIAN_MSG_ONE_OF_MISSING,      /* {1} the fields of the group */
    BEIAN_MSG_QR_CODE_EXPIRED,     /* {1} the code's date, {2} days it lasts, {3} the date */
    BEIAN_MSG_READ_AS_DATE,        /* {1} as given, {2} as kept */
    BEIAN_MSG_READ_AS_HALFWIDTH,   /* {1} as given, {2} as kept */
    BEIAN_MSG_DOES_NOT_FIT,        /* {1} smallest size in pt, {2} characters, {3} about fit */
    BEIAN_MSG_QR_TOO_LONG,         /* {1} bytes, {2} smallest module in mm */
    BEIAN_MSG_PICTURE_UNREADABLE,  /* {1} the picture, {2} why (English) */
    BEIAN_MSG_PICTURE_NO_CODE,     /* {1} the picture */
    BEIAN_MSG_PICTURE_MANY_CODES,  /* {1} the picture */
    BEIAN_MSG_PICTURE_DIFFERS,     /* {1} the picture's code, {2} field id, {3} its label */
    BEIAN_MSG_PICTURE_CODE_TOO_LONG, /* {1} characters allowed */
    BEIAN_MSG_NOT_TEXT,            /* {1} an example, {2} what was given */
    BEIAN_MSG_GIVEN_TWICE,
    BEIAN_MSG_HOLDS_TRACKING_CODE, /* {1} value */
    BEIAN_MSG_HEAD_IS_ADMIN,       /* {1} name, {2} the admin's field id, {3} its label */
    BEIAN_MSG_NOT_HEAD_TITLE,      /* {1} the title */
    BEIAN_MSG_OVER_JOIN_LIMIT,     /* {1} members, {2} platform, {3} the limit */
    BEIAN_MSG_GROUP_CODE_EXPIRED,  /* {1} code's date, {2} days, {3} form's date, {4} platform */
    BEIAN_MSG_APP_CLIENT,          /* {1} the word that marks an app */
    BEIAN_MSG_ALREADY_FILED,       /* {1} value, {2} number, {3} name, {4} state, {5} date,
                                      {6} "group" or "platform" (English) */
    BEIAN_MSG_EXCEL_SCIENTIFIC,    /* {1} the cell */
    BEIAN_MSG_EXCEL_DECIMALS,      /* {1} the cell */
    BEIAN_MSG_EXCEL_LEADING_ZERO,  /* {1} cell, {2} area code without 0, {3} the rest,
                                      {4} "Excel" or "the workbook" (English) */
    BEIAN_MSG_SHEET_EMPTY,
    BEIAN_MSG_SHEET_XLS,
    BEIAN_MSG_SHEET_ODS,
    BEIAN_MSG_CSV_NOT_UTF8,        /* {1} the bytes in hex */
    BEIAN_MSG_CSV_NOT_UTF8_GB,     /* {1} the line UTF-8 fails on, {2} the bytes in hex */
    BEIAN_MSG_CSV_QUOTE_OPEN,
    BEIAN_MSG_COLUMN_REQUIRED,     /* {1} field id, {2} its label */
    BEIAN_MSG_COLUMN_ONE_OF,       /* {1} the fields of the group */
    BEIAN_MSG_COLUMN_TWICE,        /* {1} column, {2} its header, {3} column, {4} its header */
    BEIAN_MSG_XLSX_UNREADABLE,     /* {1} the part or "", {2} ": " or "", {3} why (English) */
    BEIAN_MSG_JSON_NOT_UTF8,       /* {1} the byte, 0xNN */
    BEIAN_MSG_JSON_NUL,
    BEIAN_MSG_JSON_TRAILING_COMMA, /* {1} } or ], {2} line, {3} column, {4} "entry" or "item" */
    BEIAN_MSG_JSON_FULL_WIDTH,     /* {1} its English name, {2} the mark, {3} line, {4} column,
                                      {5} the half-width one */
    BEIAN_MSG_JSON_SYNTAX,         /* {1} jansson's text (English), {2} line, {3} column */
    BEIAN_MSG_JSON_NOT_OBJECT,
    BEIAN_MSG_JSON_TOO_MANY_KEYS,  /* {1} keys */
    BEIAN_MSG_JSON_UNKNOWN_KEY,
    BEIAN_MSG_JSON_FORM_MISSING,   /* {1} the known forms */
    BEIAN_MSG_JSON_FORM_NOT_TEXT,  /* {1} the known forms */
    BEIAN_MSG_JSON_FORM_UNKNOWN,   /* {1} the name given, {2} the known forms */
    BEIAN_MSG_JSON_DATE_NOT_TEXT,
    BEIAN_MSG_JSON_NOT_A_FIELD,    /* {1} the form */
    BEIAN_MSG_JSON_NOT_A_FIELD_HINT, /* {1} the form, {2} the field meant, {3} its label */
    BEIAN_MSG_JSON_FIELDS_MISSING, /* {1} the form's first field */
    BEIAN_MSG_JSON_FIELDS_NOT_OBJECT, /* {1} the form's first field */
    BEIAN_MSG_JSON_TOO_MANY_FIELDS, /* {1} entries, {2} form, {3} its fields, {4} the most read */
    BEIAN_MSG_COUNT_ /* not a message: the number of ids */
} beian_msg;

/* The stable name of an id ("field.missing"), for JSON and the catalog; NULL when unknown. */
const char *beian_message_name(beian_msg msg);
/* The languages there are catalogs for: "en" and "zh-CN". 1 when lang is one of them. */
int beian_message_language(const char *lang);
/* The template of msg in lang ("en" when lang has no catalog); NULL when msg is unknown. */
const char *beian_message_template(beian_msg msg, const char *lang);
/* msg in lang with its arguments put in (malloc'd; NULL without memory or for an unknown id). */
char *beian_message_format(beian_msg msg, const char *lang, const char *const *args,
                           size_t nargs);

/*
 * beian_problems_add with an id: the English message is made from the id's template (what the
 * CLI prints), and the id and copies of the arguments stay with the problem for
 * beian_message_format.
 */
int beian_problems_add_msg(beian_problems *p, beian_severity sev, const char *file, int line,
                           int column, const char *field, const char *label, beian_msg msg,
                           size_t nargs, const char *const *args);

/* The count and the array of arguments for beian_problems_add_msg: BEIAN_MSG_ARGS(a, b). */
#define BEIAN_MSG_ARGS(...)                                                                        \
    (sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *)),                           \
        ((const char *const[]){__VA_ARGS__})

#endif
