/*
 * web_reply.c - the replies every handler of src/web/ gives the same way: errors, JSON, and
 * problems as JSON with their field, Chinese label, message id, arguments and message in the
 * language the page asked for.
 */
#define _GNU_SOURCE
#include "web_private.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "beian/message.h"
#include "json.h"
#include "util.h"

void web_reply_error(web_reply *rep, int status, const char *msg)
{
    free(rep->body);
    rep->status = status;
    rep->type = "application/json; charset=utf-8";
    /* msg is one of our own sentences, with no quote or backslash */
    rep->body = (unsigned char *)beian_asprintf("{\"error\":\"%s\"}", msg);
    rep->len = rep->body ? strlen((char *)rep->body) : 0;
}

/* Sets rep to root as JSON (root is released). */
void web_reply_json(web_reply *rep, int status, struct json_t *root)
{
    char *s = root ? beian_json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(root);
    if (!s) {
        return; /* status 0: out of memory */
    }
    rep->status = status;
    rep->type = "application/json; charset=utf-8";
    rep->body = (unsigned char *)s;
    rep->len = strlen(s);
}

static const char *severity_name(beian_severity s)
{
    return s == BEIAN_SEV_ERROR ? "error" : s == BEIAN_SEV_WARNING ? "warning" : "note";
}

/* One problem as JSON, its message in lang when it has an id. */
static json_t *problem_json(const beian_problem *p, const char *lang)
{
    json_t *o = json_object();
    json_t *args = json_array();
    char *said = p->msg ? beian_message_format((beian_msg)p->msg, lang, (const char *const *)p->args,
                                               p->nargs)
                        : NULL;
    for (size_t i = 0; args && i < p->nargs; i++) {
        json_array_append_new(args, json_string(p->args[i]));
    }
    if (o && args) {
        json_object_set_new(o, "severity", json_string(severity_name(p->severity)));
        json_object_set_new(o, "field", p->field ? json_string(p->field) : json_null());
        json_object_set_new(o, "label", p->label ? json_string(p->label) : json_null());
        json_object_set_new(o, "line", json_integer(p->line));
        json_object_set_new(o, "id", p->msg ? json_string(beian_message_name((beian_msg)p->msg))
                                            : json_null());
        json_object_set_new(o, "args", args);
        args = NULL;
        /* a problem without an id is said as the library says it (in English, for now) */
        json_object_set_new(o, "message", json_string(said ? said : p->message));
    }
    json_decref(args);
    free(said);
    return o;
}

static json_t *problems_json(const beian_problems *pr, const char *lang)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < beian_problems_count(pr); i++) {
        json_array_append_new(a, problem_json(beian_problems_get(pr, i), lang));
    }
    return a;
}

void web_reply_problems(web_reply *rep, const beian_problems *pr, const char *lang, long rows)
{
    json_t *o = json_object();
    int bad = beian_problems_errors(pr) > 0;
    if (o) {
        json_object_set_new(o, "ok", json_boolean(!bad));
        json_object_set_new(o, "problems", problems_json(pr, lang));
        if (rows >= 0) {
            json_object_set_new(o, "rows", json_integer(rows));
        }
    }
    web_reply_json(rep, bad ? 422 : 200, o);
}

void web_reply_failure(web_reply *rep, beian_ctx *ctx, int rc)
{
    json_t *o = json_object();
    if (o) {
        json_object_set_new(o, "error", json_string(beian_ctx_message(ctx)));
    }
    web_reply_json(rep, rc == BEIAN_EINTERNAL ? 500 : 503, o);
}

