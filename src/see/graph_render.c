/* graph_render.c — where a graph's DOT text goes: printed, written to a
 * .dot file, or laid out by Graphviz itself (libgvc: the `dot` layout
 * engine, the SVG renderer) and written to a .svg file; files are written
 * whole or not at all (base/files.h).  libgvc is loaded at the first .svg
 * (base/dynlib.h), not linked: it drags in pango, cairo and the rest, which
 * more than doubled the start-up of every run.  Without its headers at build
 * time (NNL_HAVE_GVC unset), or without the library at run time, .svg is
 * refused with how to get it.
 * Must not: decide what a graph shows (graph_model.c, graph_pass.c,
 * graph_ops.c). */
#include "base/diag.h"
#include "base/dynlib.h"
#include "base/files.h"
#include "see/graph_render.h"
#include "see/svg_out.h"
#include <stdlib.h>
#include <string.h>
#ifdef NNL_HAVE_GVC
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
#endif

void graph_emit(Interp *I, char *dot, size_t len, const char *path, const char *what, SrcLoc loc) {
#ifdef NNL_HAVE_GVC
    if (!path && svg_out_wanted()) {       /* the notebook's picture, between markers */
        char *svg;
        size_t n = 0;
        const char *why = render_svg(dot, &svg, &n);
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
        why = render_svg(dot, &svg, &n);
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
