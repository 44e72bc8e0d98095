/*
 * cmd_ui.c - `beian ui`: the web page for the person at this computer (src/web/). It listens
 * on 127.0.0.1 only, prints the page's address with a secret token in it (as Jupyter does: an
 * account on the same machine that does not know it gets 403), opens the browser when there
 * is one, and stops cleanly on Ctrl-C (SIGINT) or SIGTERM: the signals are blocked in every
 * thread and this one waits for them with sigwait, so the server's threads are never
 * interrupted and everything is freed on the way out.
 */
#define _GNU_SOURCE
#include "cmd_ui.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "beian/web.h"
#include "cli.h"
#include "file.h"
#include "util.h"

extern char **environ;

enum { OPT_PORT = 1, OPT_NO_BROWSER, OPT_ARCHIVE };

static const cli_option ui_options[] = {
    {OPT_PORT, 0, "port", "N", "the port to listen on (default: a free one)"},
    {OPT_NO_BROWSER, 0, "no-browser", NULL, "print the address but do not open a browser"},
    {OPT_ARCHIVE, 0, "archive", "DIR",
     "the archive the warnings before signing compare with (default $BEIAN_ARCHIVE, else "
     "./archive when it exists)"},
    CLI_OPTION_QUIET("no notes on stderr"),
    CLI_OPTIONS_END,
};

const cli_spec cmd_ui_spec = {
    .name = "ui",
    .summary = "the web page to fill, check, preview and print a form (this computer only)",
    .usage = "beian ui [--port N] [--no-browser] [--archive DIR]",
    .description =
        "Serves the 填表 page on 127.0.0.1 and prints its address, which carries a secret "
        "token: only who has the address can use the page. The page checks each field as it "
        "is typed (the checks of `beian check`), shows the printed page as it will look, keeps "
        "a draft in the browser, and gives the same PDF as `beian fill`. The browser is opened "
        "when there is a display and xdg-open; Ctrl-C stops the server. The page's files are "
        "read from $BEIAN_WEB, else web/ beside the forms folder.",
    .options = ui_options,
    .example = "beian ui --no-browser",
};

/* $BEIAN_WEB, else web/ beside the forms folder (the checkout, or share/beian/ installed). */
static char *static_dir(beian_ctx *ctx)
{
    const char *e = getenv("BEIAN_WEB");
    if (e && e[0]) {
        return beian_strdup(e);
    }
    char *forms = beian_path_dirname(beian_ctx_forms_dir(ctx));
    char *dir = forms ? beian_path_join(forms, "web") : NULL;
    free(forms);
    return dir;
}

/*
 * Opens the browser on the page without putting the token on a command line (which any
 * account can read in the process list): xdg-open gets a private file (mode 0600, in a
 * folder of mode 0700) that redirects to the address. Returns the child, or -1.
 */
static pid_t open_browser(const char *url, char **tmpdir)
{
    const char *disp = getenv("DISPLAY"), *way = getenv("WAYLAND_DISPLAY");
    const char *base = getenv("TMPDIR");
    *tmpdir = NULL;
    if (!((disp && disp[0]) || (way && way[0]))) {
        return -1;
    }
    char *dir = beian_asprintf("%s/beian-ui-XXXXXX", base && base[0] ? base : "/tmp");
    char *file = NULL;
    pid_t pid = -1;
    if (!dir || !mkdtemp(dir)) {
        free(dir);
        return -1;
    }
    file = beian_path_join(dir, "open.html");
    int fd = file ? open(file, O_WRONLY | O_CREAT | O_EXCL, 0600) : -1;
    if (fd >= 0) {
        char *html = beian_asprintf("<!doctype html><meta charset=\"utf-8\">"
                                    "<meta http-equiv=\"refresh\" content=\"0;url=%s\">"
                                    "<a href=\"%s\">beian</a>\n",
                                    url, url);
        int ok = html && write(fd, html, strlen(html)) == (ssize_t)strlen(html);
        free(html);
        close(fd);
        char *argv[] = {"xdg-open", file, NULL};
        if (!ok || posix_spawnp(&pid, "xdg-open", NULL, NULL, argv, environ) != 0) {
            pid = -1;
        }
    }
    free(file);
    *tmpdir = dir;
    return pid;
}

static void remove_tmpdir(char *dir)
{
    if (dir) {
        char *file = beian_path_join(dir, "open.html");
        if (file) {
            unlink(file);
        }
        free(file);
        rmdir(dir);
    }
    free(dir);
}

int cmd_ui(beian_ctx *ctx, int argc, char **argv)
{
    beian_web_options o = {0};
    int browser = 1, c;
    cli_args a;
    cli_args_init(&a, &cmd_ui_spec, argc, argv);
    while ((c = cli_args_next(&a)) != CLI_ARGS_END) {
        if (c == CLI_ARGS_BAD) {
            return BEIAN_EUSAGE;
        } else if (c == OPT_PORT) {
            char *end;
            long p = strtol(a.value, &end, 10);
            if (*end || end == a.value || p < 0 || p > 65535) {
                cli_error(BEIAN_EUSAGE, "ui: --port takes a number from 0 to 65535, not \"%s\"",
                          a.value);
                return cli_usage(&cmd_ui_spec);
            }
            o.port = (unsigned)p;
        } else if (c == OPT_NO_BROWSER) {
            browser = 0;
        } else if (c == OPT_ARCHIVE) {
            o.archive_dir = a.value;
        } else {
            cli_error(BEIAN_EUSAGE, "ui: takes no arguments, not \"%s\"", a.value);
            return cli_usage(&cmd_ui_spec);
        }
    }
    char token[BEIAN_WEB_TOKEN_SIZE];
    char *dir = static_dir(ctx);
    char *tmpdir = NULL;
    beian_web *w = NULL;
    sigset_t stop, old;
    int rc, sig = 0;
    if (!dir) {
        return cli_error(BEIAN_EINTERNAL, "out of memory");
    }
    if (beian_web_token(token) != BEIAN_OK) {
        free(dir);
        return cli_error(BEIAN_EINTERNAL, "ui: no random numbers from the kernel (getrandom)");
    }
    o.static_dir = dir;
    o.token = token;
    /* a test hook: the tests of the header deadline do not wait 30 s */
    const char *hs = getenv("BEIAN_UI_HEADER_SECONDS");
    o.header_seconds = hs && hs[0] ? (unsigned)strtoul(hs, NULL, 10) : 0;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, &old); /* before the server's threads: they inherit it */
    rc = beian_web_start(ctx, &o, &w);
    if (rc != BEIAN_OK) {
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        free(dir);
        return cli_error(rc, "ui: %s", beian_ctx_message(ctx));
    }
    char *url = beian_asprintf("http://127.0.0.1:%u/?token=%s", beian_web_port(w), token);
    if (!url) {
        rc = cli_error(BEIAN_EINTERNAL, "out of memory");
        goto done;
    }
    printf("%s\n", url);
    fflush(stdout);
    cli_note("the page is at the address above (only who has it can use the page); Ctrl-C "
             "stops the server");
    pid_t child = browser ? open_browser(url, &tmpdir) : -1;
    if (browser && child < 0) {
        cli_note("no browser was opened: open the address in one");
    }
    while (sigwait(&stop, &sig) != 0) {
    }
    cli_note("stopping (%s)", sig == SIGINT ? "Ctrl-C" : "SIGTERM");
    if (child > 0) {
        waitpid(child, NULL, WNOHANG);
    }
done:
    beian_web_stop(w);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    remove_tmpdir(tmpdir);
    free(url);
    free(dir);
    return rc;
}
