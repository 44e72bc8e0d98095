/*
 * web_private.h - what the files of src/web/ share: the server's state, a request as the
 * handlers see it (no libmicrohttpd type leaks out of web_http.c, its adapter) and a reply.
 */
#ifndef BEIAN_WEB_PRIVATE_H
#define BEIAN_WEB_PRIVATE_H

#include <pthread.h>
#include <stddef.h>

#include "beian/common.h"
#include "beian/web.h"

/* The request bodies each kind of request may carry (issue 18; docs/web.md). */
#define WEB_MAX_JSON (1024u * 1024u)             /* a record: as beian_record_read_buffer */
#define WEB_MAX_PICTURE (10u * 1024u * 1024u)    /* a picture of a group's QR code */
#define WEB_MAX_SHEET (20u * 1024u * 1024u)      /* a CSV or .xlsx sheet */

/* The contexts renders borrow: one per render at a time, each with its own parsed fonts. */
typedef struct {
    beian_ctx **ctx;
    int *busy;
    unsigned n;
    pthread_mutex_t lock;
    pthread_cond_t freed;
} web_pool;

int web_pool_init(web_pool *p, beian_ctx *model, unsigned n);
void web_pool_release(web_pool *p);
/* Waits for a free context and lends it; give it back with web_pool_put. */
beian_ctx *web_pool_get(web_pool *p);
void web_pool_put(web_pool *p, beian_ctx *ctx);

struct beian_web {
    void *daemon;            /* struct MHD_Daemon (web_http.c) */
    unsigned port;
    char token[BEIAN_WEB_TOKEN_SIZE];
    char csrf[BEIAN_WEB_TOKEN_SIZE];
    char *static_dir;
    char *archive_dir;       /* NULL: the default archive */
    char *forms_json;        /* GET /api/forms, built once at the start */
    web_pool pool;           /* renders: previews, PDFs, pictures */
    web_pool quick;          /* checks as one types: never behind a render */
    unsigned header_seconds;
    /* the watchdog that cuts off requests whose headers do not arrive in time */
    pthread_t watchdog;
    int watchdog_started;
    int stopping;
    pthread_mutex_t conn_lock;
    pthread_cond_t stop_cond;
    struct web_conn *conns;  /* open connections (web_http.c) */
};

typedef struct {
    const char *method;
    const char *path;
    const unsigned char *body; /* NULL when there is none */
    size_t len;
    const char *content_type;
    const char *(*arg)(const void *conn, const char *name); /* a query argument, or NULL */
    const void *conn;
} web_request;

typedef struct {
    int status;
    const char *type;     /* Content-Type (static) */
    unsigned char *body;  /* malloc'd, handed to the adapter */
    size_t len;
    char *filename;       /* malloc'd: sent as an attachment with this name, or NULL */
    int inline_file;      /* with filename: inline (opened by the browser), not attachment */
} web_reply;

/* The largest body a request to method/path may carry; 0: none. */
size_t web_api_body_limit(const char *method, const char *path);
/* Answers an API request (path starts with /api/); fills rep (status and body). */
void web_api_handle(beian_web *w, const web_request *req, web_reply *rep);
/* Answers a GET of a file of the page (web/); 404 for anything else. */
void web_static_handle(beian_web *w, const char *path, web_reply *rep);
/* A JSON error reply {"error": msg} with status. */
void web_reply_error(web_reply *rep, int status, const char *msg);
/* root (a json_t, released) as the JSON body of a reply with status. */
struct json_t;
void web_reply_json(web_reply *rep, int status, struct json_t *root);
/* {"ok", "problems": [...], "rows"?}: 422 when there is an error, else 200; each message in
 * lang ("zh-CN" or "en"); rows < 0 leaves "rows" out. */
void web_reply_problems(web_reply *rep, const beian_problems *pr, const char *lang, long rows);
/* A failure of the library that is not a data problem (500 out of memory, else 503). */
void web_reply_failure(web_reply *rep, beian_ctx *ctx, int rc);
/* The 批量 requests (web_sheet.c): want 0 check, 1 the print job, 2 a ZIP of PDFs. */
void web_sheet_handle(beian_web *w, const web_request *req, web_reply *rep, int want);
/* GET /api/template?form=ID&format=csv|xlsx: the empty sheet of a form. */
void web_sheet_template(beian_web *w, const web_request *req, web_reply *rep);
/* Builds the forms list once (GET /api/forms). */
int web_api_forms_init(beian_web *w, beian_ctx *ctx);

#endif
