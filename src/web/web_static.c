/*
 * web_static.c - the page's own files (web/: HTML, CSS, plain JavaScript, no build step),
 * read from the static directory on each request so that an installed page is what is
 * served. Only names of letters, digits, '-', '_' and one '.' are served, from that folder
 * itself (no subfolder, no "..", no hidden file), with a type chosen by the extension.
 */
#define _GNU_SOURCE
#include "web_private.h"

#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "util.h"

#define STATIC_MAX_BYTES (2u * 1024u * 1024u)

static const struct {
    const char *ext, *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
};

static const char *type_of(const char *name)
{
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++) {
        if (strcmp(dot, types[i].ext) == 0) {
            return types[i].type;
        }
    }
    return NULL;
}

static int safe_name(const char *s)
{
    int dots = 0;
    if (!s[0] || s[0] == '.' || strlen(s) > 64) {
        return 0;
    }
    for (const char *p = s; *p; p++) {
        if (*p == '.') {
            dots++;
        } else if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                     (*p >= '0' && *p <= '9') || *p == '-' || *p == '_')) {
            return 0;
        }
    }
    return dots == 1;
}

void web_static_handle(beian_web *w, const char *path, web_reply *rep)
{
    const char *name = strcmp(path, "/") == 0 ? "index.html" : path + 1;
    const char *type = safe_name(name) ? type_of(name) : NULL;
    if (!type) {
        web_reply_error(rep, 404, "no such page");
        return;
    }
    char *file = beian_path_join(w->static_dir, name);
    beian_buf b;
    int err = 0;
    if (!file) {
        return; /* status 0: out of memory */
    }
    int rc = beian_file_read(file, STATIC_MAX_BYTES, &b, &err);
    free(file);
    if (rc != BEIAN_OK) {
        web_reply_error(rep, rc == BEIAN_EINTERNAL ? 500 : 404, "no such page");
        return;
    }
    rep->status = 200;
    rep->type = type;
    rep->body = b.data;
    rep->len = b.len;
}
