/*
 * web_http.c - the libmicrohttpd adapter (the only file that includes microhttpd.h): the
 * daemon on 127.0.0.1, who may ask (the token), how much a request may send, how long its
 * headers may take, and the replies with their security headers. Handlers (web_api.c,
 * web_static.c) see a web_request and fill a web_reply; nothing of libmicrohttpd leaks out.
 *
 * Threads: one per connection (MHD_USE_THREAD_PER_CONNECTION) with a connection limit. A
 * pool of workers would multiplex connections and stall a trivial GET behind a render of a
 * neighbour (measured: 2.9 s behind four 1-s renders, 0.5 ms with a thread per connection;
 * docs/internals/web.md); renders are bounded by the context pool instead (web_pool.c).
 *
 * Who may ask: the address printed by `beian ui` carries a random token; the first visit of
 * /?token=T sets it as a cookie (HttpOnly, SameSite=Strict) and redirects to /, and every
 * request without that cookie gets 403. Every POST also needs the CSRF token of
 * GET /api/session in its X-CSRF-Token header, and every request a Host of 127.0.0.1 or
 * localhost with our port (a DNS-rebinding page names its own host).
 *
 * Limits: the body of each request is bounded by its kind (web_api_body_limit): a
 * Content-Length over the limit gets 413 before a byte of the body is read; a chunked body,
 * which has no length, is counted as it arrives: past the limit nothing more is kept and the
 * answer is 413 (a sender that goes on past twice the limit is cut off).
 * libmicrohttpd's own timeout counts idle time only, so a client that trickles one header
 * line every few seconds would hold its thread for ever: a watchdog thread shuts down the
 * socket of any request whose headers are not complete within header_seconds in all.
 */
#define _GNU_SOURCE
#include "web_private.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>

#include "util.h"

#define COOKIE_NAME "beian_token"

/* One open connection, for the watchdog. */
struct web_conn {
    int fd;
    struct timespec start; /* when the current request's first byte could come */
    int headers_done;      /* the access handler has been called for the current request */
    struct web_conn *next;
};

/* One request in progress (libmicrohttpd's con_cls). */
typedef struct {
    size_t limit;
    size_t seen; /* bytes of the body received, kept or not */
    beian_buf body;
    int too_large;
} web_req;

static double seconds_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

int beian_web_token(char out[BEIAN_WEB_TOKEN_SIZE])
{
    static const char b64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    unsigned char raw[33] = {0};
    size_t got = 0;
    while (got < 32) {
        ssize_t n = getrandom(raw + got, 32 - got, 0);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return BEIAN_EINTERNAL;
        }
        got += (size_t)n;
    }
    size_t o = 0;
    for (size_t i = 0; i < 33 && o < BEIAN_WEB_TOKEN_SIZE - 1; i += 3) {
        unsigned v = (unsigned)raw[i] << 16 | (unsigned)raw[i + 1] << 8 | raw[i + 2];
        for (int k = 3; k >= 0 && o < BEIAN_WEB_TOKEN_SIZE - 1; k--) {
            out[o++] = b64[(v >> (6 * k)) & 63];
        }
    }
    out[o] = '\0';
    return BEIAN_OK;
}

/* Compares in time that does not depend on where the strings differ. */
static int token_equal(const char *given, const char *secret)
{
    size_t n = strlen(secret);
    if (!given || strlen(given) != n) {
        return 0;
    }
    unsigned char d = 0;
    for (size_t i = 0; i < n; i++) {
        d |= (unsigned char)(given[i] ^ secret[i]);
    }
    return d == 0;
}

static void security_headers(struct MHD_Response *r)
{
    /* blob: images are the previews the page fetches; nothing from another host */
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' blob: data:; object-src 'none'; "
                            "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Cache-Control", "no-store");
}

/* Queues rep (taking its body); MHD_NO when even that failed. */
static enum MHD_Result send_reply(struct MHD_Connection *c, web_reply *rep, const char *cookie,
                                  const char *location)
{
    struct MHD_Response *r;
    if (rep->body && rep->len) {
        r = MHD_create_response_from_buffer_with_free_callback(rep->len, rep->body, free);
    } else {
        free(rep->body);
        r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    }
    rep->body = NULL;
    if (!r) {
        free(rep->filename);
        return MHD_NO;
    }
    security_headers(r);
    if (rep->type) {
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, rep->type);
    }
    if (rep->filename) {
        char *d = beian_asprintf("%s; filename=\"%s\"", rep->inline_file ? "inline" : "attachment",
                                 rep->filename);
        if (d) {
            MHD_add_response_header(r, "Content-Disposition", d);
        }
        free(d);
        free(rep->filename);
        rep->filename = NULL;
    }
    if (cookie) {
        MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, cookie);
    }
    if (location) {
        MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, location);
    }
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)rep->status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result send_error(struct MHD_Connection *c, int status, const char *msg)
{
    web_reply rep = {0};
    web_reply_error(&rep, status, msg);
    return send_reply(c, &rep, NULL, NULL);
}

static const char *query_arg(const void *conn, const char *name)
{
    return MHD_lookup_connection_value((struct MHD_Connection *)conn, MHD_GET_ARGUMENT_KIND,
                                       name);
}

/* 1 when the Host header names this server (127.0.0.1:port or localhost:port). */
static int host_ok(beian_web *w, struct MHD_Connection *c)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    char a[40], b[40];
    snprintf(a, sizeof a, "127.0.0.1:%u", w->port);
    snprintf(b, sizeof b, "localhost:%u", w->port);
    return h && (strcmp(h, a) == 0 || strcmp(h, b) == 0);
}

static struct web_conn *conn_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? (struct web_conn *)ci->socket_context : NULL;
}

static void mark_headers(beian_web *w, struct MHD_Connection *c, int done)
{
    struct web_conn *k = conn_of(c);
    pthread_mutex_lock(&w->conn_lock);
    if (k) {
        k->headers_done = done;
        if (!done) {
            clock_gettime(CLOCK_MONOTONIC, &k->start);
        }
    }
    pthread_mutex_unlock(&w->conn_lock);
}

/*
 * The first call of a request (its headers are complete): who is asking, and may the body
 * come. Returns MHD_YES to read on, or the result of queueing a refusal (*refused set).
 */
static enum MHD_Result admit(beian_web *w, struct MHD_Connection *c, const char *url,
                             const char *method, web_req *rq, int *refused)
{
    *refused = 1;
    if (!host_ok(w, c)) {
        return send_error(c, MHD_HTTP_FORBIDDEN, "wrong Host");
    }
    const char *cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, COOKIE_NAME);
    const char *given = query_arg(c, "token");
    if (strcmp(method, "GET") == 0 && strcmp(url, "/") == 0 && given &&
        token_equal(given, w->token)) {
        /* the printed address: keep the token as a cookie and take it out of the address */
        char *set = beian_asprintf(COOKIE_NAME "=%s; Path=/; HttpOnly; SameSite=Strict",
                                   w->token);
        web_reply rep = {.status = MHD_HTTP_SEE_OTHER};
        enum MHD_Result ok = set ? send_reply(c, &rep, set, "/") : MHD_NO;
        free(set);
        return ok;
    }
    if (!token_equal(cookie, w->token)) {
        web_reply rep = {.status = MHD_HTTP_FORBIDDEN,
                         .type = "text/plain; charset=utf-8"};
        rep.body = (unsigned char *)beian_strdup(
            "403：请用 beian ui 在终端里打印的地址（带 token）打开本页。\n");
        rep.len = rep.body ? strlen((char *)rep.body) : 0;
        return send_reply(c, &rep, NULL, NULL);
    }
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        const char *csrf = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token");
        if (strcmp(method, "POST") != 0) {
            return send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and POST");
        }
        if (!token_equal(csrf, w->csrf)) {
            return send_error(c, MHD_HTTP_FORBIDDEN, "missing or wrong CSRF token");
        }
    }
    rq->limit = web_api_body_limit(method, url);
    const char *cl =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl) {
        char *end;
        errno = 0;
        unsigned long long n = strtoull(cl, &end, 10);
        if (errno || *end || n > rq->limit) {
            return send_error(c, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large");
        }
    }
    *refused = 0;
    return MHD_YES;
}

static enum MHD_Result dispatch(beian_web *w, struct MHD_Connection *c, const char *url,
                                const char *method, web_req *rq)
{
    web_reply rep = {0};
    web_request req = {
        .method = method,
        .path = url,
        .body = rq->body.len ? rq->body.data : NULL,
        .len = rq->body.len,
        .content_type =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE),
        .arg = query_arg,
        .conn = c,
    };
    if (strncmp(url, "/api/", 5) == 0) {
        web_api_handle(w, &req, &rep);
    } else if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0) {
        web_static_handle(w, url, &rep);
    } else {
        web_reply_error(&rep, MHD_HTTP_NOT_FOUND, "no such page");
    }
    if (!rep.status) {
        web_reply_error(&rep, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
    }
    return send_reply(c, &rep, NULL, NULL);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **con_cls)
{
    beian_web *w = cls;
    web_req *rq = *con_cls;
    (void)version;
    if (!rq) {
        mark_headers(w, c, 1);
        rq = calloc(1, sizeof *rq);
        if (!rq) {
            return MHD_NO;
        }
        beian_buf_init(&rq->body);
        *con_cls = rq;
        int refused = 0;
        enum MHD_Result ok = admit(w, c, url, method, rq, &refused);
        /* a refusal is queued now (the connection then closes, the body is never read);
         * otherwise the reply waits for the next call, which keeps the connection alive */
        return ok;
    }
    if (*upload_size) {
        size_t n = *upload_size;
        *upload_size = 0;
        rq->seen += n;
        if (rq->too_large || rq->body.len + n > rq->limit) {
            /* a chunked body past its limit: nothing more is kept. libmicrohttpd 0.9.75 takes
             * no reply while a body is coming, so the rest is drained and answered 413; a
             * sender still going at twice the limit is cut off */
            rq->too_large = 1;
            beian_buf_release(&rq->body);
            return rq->seen > 2 * rq->limit ? MHD_NO : MHD_YES;
        }
        return beian_buf_append(&rq->body, upload_data, n) == BEIAN_OK ? MHD_YES : MHD_NO;
    }
    if (rq->too_large) {
        return send_error(c, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large");
    }
    return dispatch(w, c, url, method, rq);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    beian_web *w = cls;
    web_req *rq = *con_cls;
    (void)toe;
    if (rq) {
        beian_buf_release(&rq->body);
        free(rq);
        *con_cls = NULL;
    }
    mark_headers(w, c, 0); /* the next request on this connection gets its own deadline */
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    beian_web *w = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        struct web_conn *k = calloc(1, sizeof *k);
        if (!k || !ci) {
            free(k);
            return; /* without its record the connection still has the idle timeout */
        }
        k->fd = ci->connect_fd;
        clock_gettime(CLOCK_MONOTONIC, &k->start);
        pthread_mutex_lock(&w->conn_lock);
        k->next = w->conns;
        w->conns = k;
        pthread_mutex_unlock(&w->conn_lock);
        *socket_context = k;
        return;
    }
    struct web_conn *k = *socket_context;
    if (!k) {
        return;
    }
    /* closed: libmicrohttpd closes the socket after this returns, so the watchdog, which
     * holds the lock while it shuts sockets down, never touches a reused descriptor */
    pthread_mutex_lock(&w->conn_lock);
    for (struct web_conn **p = &w->conns; *p; p = &(*p)->next) {
        if (*p == k) {
            *p = k->next;
            break;
        }
    }
    pthread_mutex_unlock(&w->conn_lock);
    free(k);
    *socket_context = NULL;
}

static void *watchdog(void *arg)
{
    beian_web *w = arg;
    pthread_mutex_lock(&w->conn_lock);
    while (!w->stopping) {
        for (struct web_conn *k = w->conns; k; k = k->next) {
            if (!k->headers_done && seconds_since(&k->start) > w->header_seconds) {
                shutdown(k->fd, SHUT_RDWR);
                k->headers_done = 1; /* once */
            }
        }
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 250 * 1000 * 1000;
        if (until.tv_nsec >= 1000 * 1000 * 1000) {
            until.tv_sec++;
            until.tv_nsec -= 1000 * 1000 * 1000;
        }
        pthread_cond_timedwait(&w->stop_cond, &w->conn_lock, &until);
    }
    pthread_mutex_unlock(&w->conn_lock);
    return NULL;
}

static void web_free(beian_web *w)
{
    web_pool_release(&w->pool);
    web_pool_release(&w->quick);
    free(w->static_dir);
    free(w->archive_dir);
    free(w->forms_json);
    pthread_mutex_destroy(&w->conn_lock);
    pthread_cond_destroy(&w->stop_cond);
    free(w);
}

int beian_web_start(beian_ctx *ctx, const beian_web_options *o, beian_web **out)
{
    *out = NULL;
    beian_web *w = calloc(1, sizeof *w);
    if (!w) {
        return beian_ctx_fail(ctx, BEIAN_EINTERNAL, "out of memory");
    }
    pthread_mutex_init(&w->conn_lock, NULL);
    pthread_cond_init(&w->stop_cond, NULL);
    w->header_seconds = o->header_seconds ? o->header_seconds : 30;
    w->static_dir = beian_strdup(o->static_dir);
    w->archive_dir = o->archive_dir ? beian_strdup(o->archive_dir) : NULL;
    if (!w->static_dir || (o->archive_dir && !w->archive_dir) || !o->token ||
        strlen(o->token) + 1 != BEIAN_WEB_TOKEN_SIZE) {
        web_free(w);
        return beian_ctx_fail(ctx, BEIAN_EINTERNAL, "out of memory");
    }
    memcpy(w->token, o->token, BEIAN_WEB_TOKEN_SIZE);
    if (beian_web_token(w->csrf) != BEIAN_OK) {
        web_free(w);
        return beian_ctx_fail(ctx, BEIAN_EINTERNAL, "no random numbers from the kernel");
    }
    int rc = web_api_forms_init(w, ctx);
    if (rc == BEIAN_OK) {
        rc = web_pool_init(&w->pool, ctx, o->renders);
    }
    if (rc == BEIAN_OK) {
        rc = web_pool_init(&w->quick, ctx, 1);
    }
    if (rc != BEIAN_OK) {
        web_free(w);
        return rc;
    }
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)o->port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    /* idle timeout for bodies and keep-alive; the watchdog bounds the headers */
    w->daemon = MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL, 0, NULL,
        NULL, on_request, w, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_CONNECTION_LIMIT, o->connections ? o->connections : 64u,
        MHD_OPTION_CONNECTION_TIMEOUT, 60u, MHD_OPTION_NOTIFY_COMPLETED, on_completed, w,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, w, MHD_OPTION_END);
    if (!w->daemon) {
        int err = errno;
        web_free(w);
        return beian_ctx_fail(ctx, BEIAN_EIO, "cannot listen on 127.0.0.1:%u: %s", o->port,
                              err ? strerror(err) : "the HTTP server did not start");
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(w->daemon, MHD_DAEMON_INFO_BIND_PORT);
    w->port = di ? di->port : o->port;
    if (pthread_create(&w->watchdog, NULL, watchdog, w) == 0) {
        w->watchdog_started = 1;
    } else {
        beian_web_stop(w);
        return beian_ctx_fail(ctx, BEIAN_EINTERNAL, "cannot start a thread");
    }
    *out = w;
    return BEIAN_OK;
}

unsigned beian_web_port(const beian_web *w)
{
    return w->port;
}

void beian_web_stop(beian_web *w)
{
    if (!w) {
        return;
    }
    if (w->daemon) {
        MHD_stop_daemon(w->daemon);
    }
    if (w->watchdog_started) {
        pthread_mutex_lock(&w->conn_lock);
        w->stopping = 1;
        pthread_cond_signal(&w->stop_cond);
        pthread_mutex_unlock(&w->conn_lock);
        pthread_join(w->watchdog, NULL);
    }
    web_free(w);
}

const char *beian_web_library_version(void)
{
    return MHD_get_version();
}
