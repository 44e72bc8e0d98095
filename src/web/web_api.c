/*
 * web_api.c - the page's JSON API (docs/web.md): the forms, the message catalog, and the
 * record checked, previewed and printed by the library in process. The checks are the ones
 * `beian check` runs (the reader's, the layout's, and the warnings before signing); there is
 * no second set of checks here or in the page's JavaScript. Problems go back as JSON with
 * their field id, Chinese label, message id, arguments and message in the language the page
 * asks for (?lang=zh-CN); bad data is HTTP 422.
 *
 * Every request that lays a form out borrows a context of the pool (web_pool.c) for its
 * duration; nothing here keeps state between requests.
 */
#define _GNU_SOURCE
#include "web_private.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "beian/archive.h"
#include "beian/form.h"
#include "beian/layout.h"
#include "beian/message.h"
#include "beian/png.h"
#include "beian/record.h"
#include "beian/render.h"
#include "beian/rules.h"
#include "beian/scan.h"
#include "json.h"
#include "util.h"

/* What a record from the page is called in messages (it has no file). */
#define PAGE_PATH "web"
#define PREVIEW_DPI 110

size_t web_api_body_limit(const char *method, const char *path)
{
    if (strcmp(method, "POST") != 0) {
        return 0;
    }
    if (strcmp(path, "/api/qr") == 0) {
        return WEB_MAX_PICTURE;
    }
    if (strncmp(path, "/api/sheet", 10) == 0) {
        return WEB_MAX_SHEET;
    }
    return WEB_MAX_JSON;
}

static const char *lang_of(const web_request *req)
{
    const char *l = req->arg(req->conn, "lang");
    return beian_message_language(l) ? l : "en";
}

/* The warnings before signing, as `beian check` gives them (the archive when there is one). */
static int warnings(beian_web *w, beian_ctx *ctx, const beian_record *rec, beian_problems *pr)
{
    beian_archive *ar = NULL;
    beian_archive_options o = BEIAN_ARCHIVE_OPTIONS_INIT;
    beian_record_facts *facts = NULL;
    size_t n = 0;
    beian_problems *quiet = beian_problems_new();
    o.dir = w->archive_dir;
    const char *keys[BEIAN_RULES_KEYS];
    if (!quiet) {
        return BEIAN_EINTERNAL;
    }
    beian_rules_keys(rec, keys);
    if (beian_archive_open(ctx, &o, 0, &ar) == BEIAN_OK &&
        beian_archive_facts_like(ar, keys, &facts, &n, quiet) != BEIAN_OK) {
        facts = NULL; /* damage is verify's to report */
        n = 0;
    }
    int rc = beian_rules_check(rec, facts, n, NULL, pr);
    beian_record_facts_free(facts, n);
    beian_archive_free(ar);
    beian_problems_free(quiet);
    return rc;
}

/* Reads the record of a request: BEIAN_OK, or BEIAN_EDATA with the problems in pr. */
static int read_record(beian_ctx *ctx, const web_request *req, beian_record **rec,
                       beian_problems *pr)
{
    if (!req->body) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, PAGE_PATH, 0, 0, NULL, NULL,
                           "the request carries no record");
        return BEIAN_EDATA;
    }
    return beian_record_read_buffer(ctx, PAGE_PATH, req->body, req->len, rec, pr);
}

static void api_check(beian_web *w, const web_request *req, web_reply *rep)
{
    /* a check lays the form out but makes no PDF: its own context keeps it from waiting
     * behind the renders of other requests */
    beian_ctx *ctx = web_pool_get(&w->quick);
    beian_problems *pr = beian_problems_new();
    beian_record *rec = NULL;
    beian_dlist *dl = NULL;
    int rc = pr ? read_record(ctx, req, &rec, pr) : BEIAN_EINTERNAL;
    if (rc == BEIAN_OK) {
        rc = warnings(w, ctx, rec, pr);
    }
    if (rc == BEIAN_OK) {
        beian_layout_options opts = BEIAN_LAYOUT_OPTIONS_INIT;
        rc = beian_layout_form(ctx, rec->form, rec, &opts, &dl, pr);
    }
    if (rc == BEIAN_OK || rc == BEIAN_EDATA) {
        web_reply_problems(rep, pr, lang_of(req), -1);
    } else {
        web_reply_failure(rep, ctx, rc);
    }
    beian_dlist_free(dl);
    beian_record_free(rec);
    beian_problems_free(pr);
    web_pool_put(&w->quick, ctx);
}

/* A file name for a download: the form's id and the record's name field when it is plain. */
static char *file_name(const beian_record *rec, const char *ext)
{
    return beian_asprintf("%s.%s", rec->form->id, ext);
}

static void api_pdf(beian_web *w, const web_request *req, web_reply *rep)
{
    beian_ctx *ctx = web_pool_get(&w->pool);
    beian_problems *pr = beian_problems_new();
    beian_record *rec = NULL;
    unsigned char *pdf = NULL;
    size_t len = 0;
    int rc = pr ? read_record(ctx, req, &rec, pr) : BEIAN_EINTERNAL;
    if (rc == BEIAN_OK) {
        /* what `beian fill DATA.json -o OUT.pdf` prints, byte for byte */
        beian_layout_options opts = BEIAN_LAYOUT_OPTIONS_INIT;
        rc = beian_render(ctx, rec->form, rec, &opts, NULL, &pdf, &len, pr);
    }
    if (rc == BEIAN_OK) {
        rep->status = 200;
        rep->type = "application/pdf";
        rep->body = pdf;
        rep->len = len;
        rep->filename = file_name(rec, "pdf");
        rep->inline_file = req->arg(req->conn, "inline") != NULL;
        pdf = NULL;
    } else if (rc == BEIAN_EDATA) {
        web_reply_problems(rep, pr, lang_of(req), -1);
    } else {
        web_reply_failure(rep, ctx, rc);
    }
    free(pdf);
    beian_record_free(rec);
    beian_problems_free(pr);
    web_pool_put(&w->pool, ctx);
}

/*
 * The record of a request as far as it can be printed, for the preview of a form being
 * filled: the fields as given, less those with an error, so that the page shows what the
 * person has typed so far. *form is the caller's (the record borrows it).
 */
static int partial_record(beian_ctx *ctx, const web_request *req, beian_form **form,
                          beian_record **out)
{
    json_error_t jerr;
    int oom = 0;
    beian_problems *pr = beian_problems_new();
    json_t *root = req->body ? beian_json_loadb(req->body, req->len, 0, &jerr, &oom) : NULL;
    json_t *jf = root ? json_object_get(root, "form") : NULL;
    json_t *fields = root ? json_object_get(root, "fields") : NULL;
    beian_record *rec = NULL;
    int rc = BEIAN_EDATA;
    *out = NULL;
    if (!pr || !json_is_string(jf) ||
        beian_form_load(ctx, json_string_value(jf), form, pr) != BEIAN_OK) {
        goto done;
    }
    rc = BEIAN_EINTERNAL;
    if (!(rec = beian_record_new(*form))) {
        goto done;
    }
    for (size_t i = 0; i < (*form)->nfields; i++) {
        json_t *v = json_is_object(fields) ? json_object_get(fields, (*form)->fields[i].id) : NULL;
        if (json_is_string(v) && (*form)->fields[i].type != BEIAN_FIELD_IMAGE &&
            beian_record_set(rec, (int)i, json_string_value(v), 0) != BEIAN_OK) {
            goto done;
        }
    }
    if (beian_record_normalise(rec, pr) != BEIAN_OK) {
        goto done;
    }
    beian_record_validate(rec, pr);
    for (size_t k = 0; k < beian_problems_count(pr); k++) {
        const beian_problem *p = beian_problems_get(pr, k);
        int i = p->field ? beian_form_field_index(*form, p->field, 0) : -1;
        if (p->severity == BEIAN_SEV_ERROR && i >= 0 && rec->values[i] &&
            beian_record_set(rec, i, "", 0) != BEIAN_OK) {
            goto done;
        }
    }
    *out = rec;
    rec = NULL;
    rc = BEIAN_OK;
done:
    beian_record_free(rec);
    json_decref(root);
    beian_problems_free(pr);
    return rc;
}

static void api_preview(beian_web *w, const web_request *req, web_reply *rep)
{
    beian_ctx *ctx = web_pool_get(&w->pool);
    beian_problems *pr = beian_problems_new();
    beian_form *form = NULL;
    beian_record *rec = NULL;
    beian_dlist *dl = NULL;
    const char *ps = req->arg(req->conn, "page");
    long page = ps ? strtol(ps, NULL, 10) : 1;
    int rc = pr ? read_record(ctx, req, &rec, pr) : BEIAN_EINTERNAL;
    beian_layout_options opts = BEIAN_LAYOUT_OPTIONS_INIT;
    if (rc == BEIAN_EDATA && partial_record(ctx, req, &form, &rec) == BEIAN_OK) {
        rc = BEIAN_OK;
    }
    if (rc == BEIAN_OK) {
        beian_problems_free(pr);
        pr = beian_problems_new();
        rc = pr ? beian_layout_form(ctx, rec->form, rec, &opts, &dl, pr) : BEIAN_EINTERNAL;
        if (rc == BEIAN_EDATA) {
            /* a value too long for its cell: the blank form with what fits is still shown */
            opts.blank = 1;
            opts.tracking = 0;
            rc = beian_layout_form(ctx, rec->form, NULL, &opts, &dl, pr);
        }
    }
    if (rc == BEIAN_OK && (page < 1 || (size_t)page > dl->npages)) {
        web_reply_error(rep, 404, "no such page");
    } else if (rc == BEIAN_OK) {
        rc = beian_png_render(ctx, dl, (size_t)page - 1, PREVIEW_DPI, &rep->body, &rep->len);
        if (rc == BEIAN_OK) {
            rep->status = 200;
            rep->type = "image/png";
        } else {
            web_reply_failure(rep, ctx, rc);
        }
    } else if (rc == BEIAN_EDATA) {
        web_reply_problems(rep, pr, lang_of(req), -1);
    } else {
        web_reply_failure(rep, ctx, rc);
    }
    beian_dlist_free(dl);
    beian_record_free(rec);
    beian_form_free(form);
    beian_problems_free(pr);
    web_pool_put(&w->pool, ctx);
}

/*
 * A picture of a group's QR code, decoded by the library's scan (beian_scan_picture_codes,
 * what a data file's group_qr_image gets) and given back as the code that will print.
 */
static void api_qr(beian_web *w, const web_request *req, web_reply *rep)
{
    const char *lang = lang_of(req);
    const char *tmpdir = getenv("TMPDIR");
    char *path = beian_asprintf("%s/beian-qr-XXXXXX", tmpdir && tmpdir[0] ? tmpdir : "/tmp");
    beian_problems *pr = beian_problems_new();
    char **codes = NULL;
    size_t n = 0;
    int fd = path ? mkstemp(path) : -1;
    if (!pr || fd < 0) {
        free(path);
        beian_problems_free(pr);
        web_reply_error(rep, 500, "cannot keep the picture");
        return;
    }
    size_t off = 0;
    while (off < req->len) {
        ssize_t k = write(fd, req->body + off, req->len - off);
        if (k <= 0) {
            break;
        }
        off += (size_t)k;
    }
    close(fd);
    beian_ctx *ctx = web_pool_get(&w->pool);
    int rc = off == req->len ? beian_scan_picture_codes(ctx, path, &codes, &n, pr) : BEIAN_EIO;
    unlink(path);
    free(path);
    if (rc == BEIAN_OK && n == 1) {
        json_t *o = json_object();
        if (o) {
            json_object_set_new(o, "payload", json_string(codes[0]));
        }
        web_reply_json(rep, 200, o);
    } else if (rc == BEIAN_OK || rc == BEIAN_EDATA || rc == BEIAN_ENOINPUT) {
        beian_problems *said = beian_problems_new();
        const beian_problem *p = beian_problems_get(pr, 0);
        if (said) {
            const char *picture = strcmp(lang, "zh-CN") == 0 ? "图片" : "the picture";
            if (rc == BEIAN_OK) {
                beian_problems_add_msg(said, BEIAN_SEV_ERROR, PAGE_PATH, 0, 0, "group_qr_image",
                                       "群二维码图片",
                                       n == 0 ? BEIAN_MSG_PICTURE_NO_CODE
                                              : BEIAN_MSG_PICTURE_MANY_CODES,
                                       BEIAN_MSG_ARGS(picture));
            } else {
                beian_problems_add_msg(said, BEIAN_SEV_ERROR, PAGE_PATH, 0, 0, "group_qr_image",
                                       "群二维码图片", BEIAN_MSG_PICTURE_UNREADABLE,
                                       BEIAN_MSG_ARGS(picture, p ? p->message : "cannot be read"));
            }
            web_reply_problems(rep, said, lang, -1);
        }
        beian_problems_free(said);
    } else {
        web_reply_failure(rep, ctx, rc);
    }
    web_pool_put(&w->pool, ctx);
    beian_scan_codes_free(codes, n);
    beian_problems_free(pr);
}

static void api_messages(const web_request *req, web_reply *rep)
{
    const char *lang = lang_of(req);
    json_t *o = json_object();
    json_t *m = json_object();
    for (int i = 1; o && m && i < BEIAN_MSG_COUNT_; i++) {
        json_object_set_new(m, beian_message_name((beian_msg)i),
                            json_string(beian_message_template((beian_msg)i, lang)));
    }
    if (o && m) {
        json_object_set_new(o, "lang", json_string(lang));
        json_object_set_new(o, "messages", m);
        m = NULL;
    }
    json_decref(m);
    web_reply_json(rep, 200, o);
}

static json_t *form_json(const beian_form *f)
{
    json_t *o = json_object();
    json_t *fields = json_array();
    for (size_t i = 0; o && fields && i < f->nfields; i++) {
        const beian_field *fd = &f->fields[i];
        json_t *x = json_object();
        if (!x) {
            break;
        }
        json_object_set_new(x, "id", json_string(fd->id));
        json_object_set_new(x, "label", json_string(fd->label));
        json_object_set_new(x, "type", json_string(beian_field_type_name(fd->type)));
        json_object_set_new(x, "required", json_boolean(fd->required));
        json_object_set_new(x, "max_chars", json_integer((json_int_t)fd->max_chars));
        if (fd->example) {
            json_object_set_new(x, "example", json_string(fd->example));
        }
        json_array_append_new(fields, x);
    }
    json_t *groups = json_array();
    for (size_t g = 0; groups && g < f->n_one_of; g++) {
        json_t *ids = json_array();
        for (const int *k = f->one_of[g]; ids && *k >= 0; k++) {
            json_array_append_new(ids, json_string(f->fields[*k].id));
        }
        json_array_append_new(groups, ids);
    }
    if (o && fields && groups) {
        json_object_set_new(o, "id", json_string(f->id));
        json_object_set_new(o, "attachment", json_string(f->attachment));
        json_object_set_new(o, "title", json_string(f->title[1]));
        json_object_set_new(o, "fields", fields);
        json_object_set_new(o, "one_of", groups);
        return o;
    }
    json_decref(o);
    json_decref(fields);
    json_decref(groups);
    return NULL;
}

int web_api_forms_init(beian_web *w, beian_ctx *ctx)
{
    char **ids = NULL;
    size_t n = 0;
    int rc = beian_form_ids(ctx, &ids, &n);
    json_t *list = json_array();
    beian_problems *pr = beian_problems_new();
    if (rc == BEIAN_OK && (!list || !pr)) {
        rc = beian_ctx_fail(ctx, BEIAN_EINTERNAL, "out of memory");
    }
    for (size_t i = 0; rc == BEIAN_OK && i < n; i++) {
        beian_form *f = NULL;
        rc = beian_form_load(ctx, ids[i], &f, pr);
        if (rc != BEIAN_OK) {
            const beian_problem *p = beian_problems_get(pr, 0);
            rc = beian_ctx_fail(ctx, BEIAN_ECONFIG, "form %s: %s", ids[i],
                                p ? p->message : beian_ctx_message(ctx));
            break;
        }
        json_t *x = form_json(f);
        beian_form_free(f);
        if (!x || json_array_append_new(list, x) != 0) {
            rc = beian_ctx_fail(ctx, BEIAN_EINTERNAL, "out of memory");
        }
    }
    if (rc == BEIAN_OK) {
        w->forms_json = beian_json_dumps(list, JSON_COMPACT);
        if (!w->forms_json) {
            rc = beian_ctx_fail(ctx, BEIAN_EINTERNAL, "out of memory");
        }
    }
    json_decref(list);
    beian_problems_free(pr);
    beian_form_ids_free(ids, n);
    return rc;
}

void web_api_handle(beian_web *w, const web_request *req, web_reply *rep)
{
    int get = strcmp(req->method, "GET") == 0;
    int post = strcmp(req->method, "POST") == 0;
    if (get && strcmp(req->path, "/api/session") == 0) {
        json_t *o = json_object();
        if (o) {
            json_object_set_new(o, "csrf", json_string(w->csrf));
        }
        web_reply_json(rep, 200, o);
    } else if (get && strcmp(req->path, "/api/forms") == 0) {
        rep->body = (unsigned char *)beian_strdup(w->forms_json);
        if (rep->body) {
            rep->status = 200;
            rep->type = "application/json; charset=utf-8";
            rep->len = strlen(w->forms_json);
        }
    } else if (get && strcmp(req->path, "/api/messages") == 0) {
        api_messages(req, rep);
    } else if (post && strcmp(req->path, "/api/check") == 0) {
        api_check(w, req, rep);
    } else if (post && strcmp(req->path, "/api/preview") == 0) {
        api_preview(w, req, rep);
    } else if (post && strcmp(req->path, "/api/pdf") == 0) {
        api_pdf(w, req, rep);
    } else if (post && strcmp(req->path, "/api/qr") == 0) {
        api_qr(w, req, rep);
    } else if (post && strcmp(req->path, "/api/sheet/check") == 0) {
        web_sheet_handle(w, req, rep, 0);
    } else if (post && strcmp(req->path, "/api/sheet/pdf") == 0) {
        web_sheet_handle(w, req, rep, 1);
    } else if (post && strcmp(req->path, "/api/sheet/zip") == 0) {
        web_sheet_handle(w, req, rep, 2);
    } else if (get && strcmp(req->path, "/api/template") == 0) {
        web_sheet_template(w, req, rep);
    } else {
        web_reply_error(rep, 404, "no such request");
    }
}
