/* graph_render.c — where a graph's DOT text goes: printed, written to a
 * .dot file, or laid out by Graphviz itself (libgvc: the `dot` layout
 * engine, the SVG renderer) and written to a .svg file; files are written
 * whole or not at all (base/files.h).  libgvc is loaded at the first .svg
 * (base/dynlib.h), not linked: it drags in pango, cairo and the rest, which
 * more than doubled the start-up of every run.  Without its headers at build
 * time (NNL_HAVE_GVC unset), or without the library at run time, .svg is
 * refused with how to get it.  Graphviz cannot be stopped once it lays a
 * graph out (a pass of a thousand layers takes minutes), so the layout runs
 * in a child process, which Ctrl-C kills.
 * Must not: decide what a graph shows (graph_model.c, graph_pass.c,
 * graph_ops.c). */
#include "base/diag.h"
#include "base/dynlib.h"
#include "base/files.h"
#include "base/interrupt.h"
#include "see/graph_render.h"
#include "see/svg_out.h"
#include <stdlib.h>
#include <string.h>
#ifdef NNL_HAVE_GVC
#include <errno.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>
#include <graphviz_version.h>
#include <gvc.h>
#endif

static bool ends_with(const char *s, const char *tail) {
    size_t n = strlen(s), m = strlen(tail);
    return n > m && strcmp(s + n - m, tail) == 0;
}

#ifndef NNL_HAVE_GVC
static const char no_gvc[] = "nnl was built without Graphviz's library (Debian: libgraphviz-dev); write .dot and run dot -Tsvg";
#endif

#ifdef NNL_HAVE_GVC
/* libgvc's functions and cgraph's (found through libgvc, which needs it) */
static struct {
    GVC_t *(*gvContext)(void);
    int (*gvLayout)(GVC_t *, graph_t *, const char *);
    int (*gvRenderData)(GVC_t *, graph_t *, const char *, char **, unsigned int *);
    int (*gvFreeLayout)(GVC_t *, graph_t *);
    void (*gvFreeRenderData)(char *);
    agerrlevel_t (*agseterr)(agerrlevel_t);
    Agraph_t *(*agmemread)(const char *);
    int (*agclose)(Agraph_t *);
} gv;

#define SYM(f) { #f, (void **)&gv.f }
static const DynSym gv_syms[] = {
    SYM(gvContext), SYM(gvLayout), SYM(gvRenderData), SYM(gvFreeLayout), SYM(gvFreeRenderData),
    SYM(agseterr), SYM(agmemread), SYM(agclose),
};
#undef SYM
static const char *const gv_names[] = { "libgvc.so.6", "libgvc.so", NULL };
static DynLib gv_lib = { gv_names, gv_syms, sizeof gv_syms / sizeof *gv_syms, NULL, false, "" };

/* why Graphviz cannot be used (for "cannot write 'F': ..."), or NULL once loaded */
static const char *gvc_missing(void) {
    static char why[400];
    if (dynlib_load(&gv_lib)) return NULL;
    snprintf(why, sizeof why, "Graphviz's library cannot be loaded (%s); install it (Debian: libgvc6) "
             "or write .dot and run dot -Tsvg", gv_lib.why);
    return why;
}
#endif

const char *graph_library(void) {
#ifdef NNL_HAVE_GVC
    static char text[128];
    if (gvc_missing()) return NULL;
    snprintf(text, sizeof text, "%s, %s loaded at the first .svg", PACKAGE_VERSION, gv_lib.loaded);
    return text;
#else
    return NULL;
#endif
}

void graph_check_file(Interp *I, const char *path, SrcLoc loc) {
    (void)I;
    if (!ends_with(path, ".dot") && !ends_with(path, ".svg"))
        fail_at(loc, "a graph is written to a .dot file (Graphviz's text) or a .svg file (a picture), not '%s'", path);
#ifndef NNL_HAVE_GVC
    if (ends_with(path, ".svg")) fail_at(loc, "cannot write '%s': %s", path, no_gvc);
#else
    const char *missing = ends_with(path, ".svg") ? gvc_missing() : NULL;
    if (missing) fail_at(loc, "cannot write '%s': %s", path, missing);
#endif
    const char *why = file_check_writable(path);
    if (why) fail_at(loc, "cannot write '%s': %s", path, why);
}

#ifdef NNL_HAVE_GVC
/* lays dot out with Graphviz's dot engine and renders SVG: *svg is
 * malloc'd; returns why it failed, or NULL */
static const char *render_svg(const char *dot, char **svg, size_t *len) {
    /* One context for the whole run: Graphviz 2.42's text layout (pango)
     * keeps a font name from the first context it served, which freeing
     * that context would leave dangling; so it is never freed. */
    static GVC_t *gvc;
    const char *missing = gvc_missing();
    if (missing) return missing;
    gv.agseterr(AGERR);                 /* a warning (a font it lacks) is not the user's business */
    if (!gvc) gvc = gv.gvContext();
    if (!gvc) return "Graphviz could not start";
    Agraph_t *g = gv.agmemread(dot);
    const char *why = NULL;
    char *data = NULL;
    unsigned int n = 0;
    if (!g) why = "Graphviz could not read the graph";
    else if (gv.gvLayout(gvc, g, "dot") != 0) why = "Graphviz's dot could not lay the graph out";
    else {
        if (gv.gvRenderData(gvc, g, "svg", &data, &n) != 0 || !data) why = "Graphviz has no SVG renderer here";
        gv.gvFreeLayout(gvc, g);
    }
    if (g) gv.agclose(g);
    *svg = NULL;
    if (!why) {
        *svg = malloc(n + 1);
        if (*svg) { memcpy(*svg, data, n); *len = n; }
        else why = "out of memory";
    }
    if (data) gv.gvFreeRenderData(data);
    return why;
}

static bool write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return false;
        p += k;
        n -= (size_t)k;
    }
    return true;
}

/* render_svg in a child process, which sends back 'S' and the SVG or 'E' and
 * why not; Ctrl-C kills it and stops the statement, after freeing dot (the
 * caller's, which it would free).  The child ignores SIGINT: the parent
 * decides, and a second Ctrl-C's handler (which removes the file being
 * saved) must not run in the child too. */
static const char *render_svg_stoppable(char *dot, char **svg, size_t *len) {
    static char why[400];
    const char *missing = gvc_missing();   /* loaded here, once: the children inherit it */
    if (missing) return missing;
    int fds[2];
    if (pipe(fds) != 0) return "cannot start Graphviz's process (no pipe)";
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return "cannot start Graphviz's process (fork failed)";
    }
    if (pid == 0) {
        signal(SIGINT, SIG_IGN);
        close(fds[0]);
        char *data = NULL;
        size_t n = 0;
        const char *failed = render_svg(dot, &data, &n);
        bool sent = failed ? write_all(fds[1], "E", 1) && write_all(fds[1], failed, strlen(failed))
                           : write_all(fds[1], "S", 1) && write_all(fds[1], data, n);
        _exit(sent ? 0 : 1);               /* _exit: the parent's stdio buffers are not the child's to flush */
    }
    close(fds[1]);
    char *buf = NULL;
    size_t n = 0, cap = 0;
    bool read_failed = false;
    for (;;) {
        if (nnl_interrupt && !nnl_training) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            close(fds[0]);
            free(buf);
            free(dot);
            interrupt_stop();
        }
        struct pollfd p = { fds[0], POLLIN, 0 };
        if (poll(&p, 1, 100) <= 0) continue;        /* 100 ms, or a signal: look at Ctrl-C again */
        if (n == cap) {
            size_t more = cap ? 2 * cap : 65536;
            char *grown = realloc(buf, more);
            if (!grown) { read_failed = true; break; }
            buf = grown;
            cap = more;
        }
        ssize_t k = read(fds[0], buf + n, cap - n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) { read_failed = k < 0; break; }
        n += (size_t)k;
    }
    if (read_failed) kill(pid, SIGKILL);
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    *svg = NULL;
    if (read_failed || n == 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        free(buf);
        if (WIFSIGNALED(status) && !read_failed)
            snprintf(why, sizeof why, "Graphviz's process ended with signal %d", WTERMSIG(status));
        else snprintf(why, sizeof why, "Graphviz's process failed");
        return why;
    }
    if (buf[0] == 'E') {
        snprintf(why, sizeof why, "%.*s", (int)(n - 1), buf + 1);
        free(buf);
        return why;
    }
    memmove(buf, buf + 1, n - 1);
    *svg = buf;
    *len = n - 1;
    return NULL;
}
#endif

void graph_emit(Interp *I, char *dot, size_t len, const char *path, const char *what, SrcLoc loc) {
#ifdef NNL_HAVE_GVC
    if (!path && svg_out_wanted()) {       /* the notebook's picture, between markers */
        char *svg;
        size_t n = 0;
        const char *why = render_svg_stoppable(dot, &svg, &n);
        free(dot);
        if (why) fail_at(loc, "cannot draw %s: %s", what, why);
        svg_out_print(I->out, svg, n);
        free(svg);
        return;
    }
#endif
    if (!path) {
        fwrite(dot, 1, len, I->out);
        free(dot);
        return;
    }
    const char *why = NULL;
    if (ends_with(path, ".svg")) {
#ifdef NNL_HAVE_GVC
        char *svg;
        size_t n = 0;
        why = render_svg_stoppable(dot, &svg, &n);
        if (!why) {
            why = file_write_atomically(path, svg, n);
            free(svg);
        }
#else
        why = no_gvc;
#endif
    } else {
        why = file_write_atomically(path, dot, len);
    }
    free(dot);
    if (why) fail_at(loc, "cannot write '%s': %s", path, why);
    fprintf(I->out, "%s written to %s\n", what, path);
}
