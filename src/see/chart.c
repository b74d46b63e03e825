/* chart.c — the Chart data model: building a chart from the caller's numbers
 * (every string and array copied), binning histogram values, freeing.
 * Must not: draw, pick ticks or decide scales (frame.c, ticks.c), or depend
 * on anything in nnl but libc and libm. */
#include "see/chart_impl.h"
#include <stdlib.h>
#include <string.h>

static char *copy_str(const char *s, bool *ok) {
    if (!s) return NULL;
    char *r = strdup(s);
    if (!r) *ok = false;
    return r;
}

static double *copy_doubles(const double *v, int n) {
    double *r = malloc((size_t)(n > 0 ? n : 1) * sizeof *r);
    if (r && v) memcpy(r, v, (size_t)n * sizeof *r);
    return r;
}

Chart *chart_new(ChartKind kind, const char *title) {
    if ((int)kind < CHART_LINES || kind > CHART_REGIONS) return NULL;
    Chart *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    bool ok = true;
    c->kind = kind;
    c->scale = CHART_SCALE_AUTO;
    c->title = copy_str(title, &ok);
    if (!ok) { free(c); return NULL; }
    return c;
}

void chart_free(Chart *c) {
    if (!c) return;
    free(c->title); free(c->xlabel); free(c->ylabel);
    for (int i = 0; i < c->nseries; i++) { free(c->series[i].name); free(c->series[i].x); free(c->series[i].y); }
    for (int i = 0; i < c->nvmarks; i++) free(c->vmarks[i].label);
    for (int i = 0; i < c->nhlines; i++) free(c->hlines[i].label);
    for (int i = 0; i < c->ncategories; i++) free(c->categories[i]);
    free(c->categories);
    for (int i = 0; i < c->npanels; i++) {
        free(c->panels[i].title); free(c->panels[i].caption);
        free(c->panels[i].edges); free(c->panels[i].counts);
    }
    free(c->grid); free(c->px); free(c->py); free(c->pc);
    for (int i = 0; i < CHART_MAX_CLASSES; i++) free(c->class_names[i]);
    free(c);
}

ChartKind chart_kind(const Chart *c) { return c->kind; }

int chart_set_labels(Chart *c, const char *xlabel, const char *ylabel) {
    bool ok = true;
    char *x = copy_str(xlabel, &ok), *y = copy_str(ylabel, &ok);
    if (!ok) { free(x); free(y); return -1; }
    free(c->xlabel); free(c->ylabel);
    c->xlabel = x; c->ylabel = y;
    return 0;
}

int chart_set_scale(Chart *c, ChartScale scale) {
    if ((int)scale < CHART_SCALE_AUTO || scale > CHART_SCALE_LOG) return -1;
    c->scale = scale;
    return 0;
}

/* ---- LINES and BARS ------------------------------------------------------ */

static int add_series(Chart *c, const char *name, const double *x, const double *y, int n) {
    if (c->nseries >= CHART_MAX_SERIES || n < 0 || (n > 0 && !y)) return -1;
    ChartSeries s = { 0 };
    bool ok = true;
    s.name = copy_str(name ? name : "", &ok);
    s.y = copy_doubles(y, n);
    if (x) s.x = copy_doubles(x, n);
    s.n = n;
    if (!ok || !s.y || (x && !s.x)) { free(s.name); free(s.x); free(s.y); return -1; }
    c->series[c->nseries++] = s;
    return 0;
}

int chart_add_series(Chart *c, const char *name, const double *x, const double *y, int n) {
    if (c->kind != CHART_LINES) return -1;
    return add_series(c, name, x, y, n);
}

static int add_marker(ChartMarker *m, int *count, double at, const char *label) {
    if (*count >= CHART_MAX_MARKERS || !isfinite(at)) return -1;
    bool ok = true;
    char *l = copy_str(label, &ok);
    if (!ok) return -1;
    m[(*count)++] = (ChartMarker){ at, l };
    return 0;
}

int chart_add_marker(Chart *c, double x, const char *label) {
    if (c->kind != CHART_LINES) return -1;
    return add_marker(c->vmarks, &c->nvmarks, x, label);
}

int chart_add_hline(Chart *c, double y, const char *label) {
    if (c->kind != CHART_LINES) return -1;
    return add_marker(c->hlines, &c->nhlines, y, label);
}

int chart_set_categories(Chart *c, const char *const *names, int n) {
    if (c->kind != CHART_BARS || c->categories || c->nseries > 0 || n <= 0 || !names) return -1;
    char **cats = calloc((size_t)n, sizeof *cats);
    if (!cats) return -1;
    bool ok = true;
    for (int i = 0; i < n; i++) cats[i] = copy_str(names[i] ? names[i] : "", &ok);
    if (!ok) {
        for (int i = 0; i < n; i++) free(cats[i]);
        free(cats);
        return -1;
    }
    c->categories = cats;
    c->ncategories = n;
    return 0;
}

int chart_add_bars(Chart *c, const char *name, const double *values, int n) {
    if (c->kind != CHART_BARS || !c->categories || n != c->ncategories) return -1;
    return add_series(c, name, NULL, values, n);
}

/* ---- HISTOGRAMS ----------------------------------------------------------- */

int chart_add_histogram(Chart *c, const char *title, const char *caption,
                        const double *values, int n, double lo, double hi, int bins) {
    if (c->kind != CHART_HISTOGRAMS || c->npanels >= CHART_MAX_PANELS || n < 0 || (n > 0 && !values))
        return -1;
    if (bins <= 0) bins = 20;
    if (bins > 1000) return -1;
    if (!(isfinite(lo) && isfinite(hi) && lo < hi)) {          /* the finite values' range */
        lo = INFINITY; hi = -INFINITY;
        for (int k = 0; k < n; k++)
            if (isfinite(values[k])) { lo = fmin(lo, values[k]); hi = fmax(hi, values[k]); }
        if (lo > hi) { lo = 0; hi = 1; }
        if (lo == hi) { double d = lo == 0 ? 0.5 : fabs(lo) * 0.05; lo -= d; hi += d; }
    }
    ChartPanel p = { .bins = bins };
    bool ok = true;
    p.title = copy_str(title ? title : "", &ok);
    p.caption = copy_str(caption, &ok);
    p.edges = malloc((size_t)(bins + 1) * sizeof *p.edges);
    p.counts = calloc((size_t)bins, sizeof *p.counts);
    if (!ok || !p.edges || !p.counts) {
        free(p.title); free(p.caption); free(p.edges); free(p.counts);
        return -1;
    }
    for (int b = 0; b <= bins; b++) p.edges[b] = lo + (hi - lo) * b / bins;
    p.edges[bins] = hi;
    for (int k = 0; k < n; k++) {
        double v = values[k];
        if (!(v >= lo && v <= hi)) { p.left_out++; continue; }   /* NaN too */
        int b = (int)((v - lo) / (hi - lo) * bins);
        if (b >= bins) b = bins - 1;                              /* v == hi */
        if (b < 0) b = 0;
        p.counts[b]++;
    }
    c->panels[c->npanels++] = p;
    return 0;
}

int chart_panel_counts(const Chart *c, int i, const double **edges, const long **counts, long *left_out) {
    if (c->kind != CHART_HISTOGRAMS || i < 0 || i >= c->npanels) return -1;
    const ChartPanel *p = &c->panels[i];
    if (edges) *edges = p->edges;
    if (counts) *counts = p->counts;
    if (left_out) *left_out = p->left_out;
    return p->bins;
}

/* ---- REGIONS -------------------------------------------------------------- */

int chart_set_grid(Chart *c, int nx, int ny, double x0, double x1, double y0, double y1,
                   const double *values, int nclasses) {
    if (c->kind != CHART_REGIONS || nx <= 0 || ny <= 0 || nx > 4096 || ny > 4096 || !values ||
        !(isfinite(x0) && isfinite(x1) && x0 < x1 && isfinite(y0) && isfinite(y1) && y0 < y1) ||
        nclasses > CHART_MAX_CLASSES)
        return -1;
    double *g = copy_doubles(values, nx * ny);
    if (!g) return -1;
    free(c->grid);
    c->grid = g;
    c->nx = nx; c->ny = ny;
    c->gx0 = x0; c->gx1 = x1; c->gy0 = y0; c->gy1 = y1;
    c->nclasses = nclasses < 2 ? 2 : nclasses;
    return 0;
}

int chart_add_points(Chart *c, const double *x, const double *y, const int *cls, int n) {
    if (c->kind != CHART_REGIONS || n < 0 || (n > 0 && (!x || !y || !cls))) return -1;
    for (int k = 0; k < n; k++)
        if (cls[k] < 0 || cls[k] >= CHART_MAX_CLASSES) return -1;
    size_t m = (size_t)(c->npoints + n);
    double *px = realloc(c->px, (m ? m : 1) * sizeof *px);
    if (!px) return -1;
    c->px = px;
    double *py = realloc(c->py, (m ? m : 1) * sizeof *py);
    if (!py) return -1;
    c->py = py;
    int *pc = realloc(c->pc, (m ? m : 1) * sizeof *pc);
    if (!pc) return -1;
    c->pc = pc;
    memcpy(px + c->npoints, x, (size_t)n * sizeof *px);
    memcpy(py + c->npoints, y, (size_t)n * sizeof *py);
    memcpy(pc + c->npoints, cls, (size_t)n * sizeof *pc);
    c->npoints += n;
    return 0;
}

int chart_set_class_names(Chart *c, const char *const *names, int n) {
    if (c->kind != CHART_REGIONS || n < 0 || n > CHART_MAX_CLASSES || (n > 0 && !names)) return -1;
    char *copies[CHART_MAX_CLASSES] = { 0 };
    bool ok = true;
    for (int i = 0; i < n; i++) copies[i] = copy_str(names[i], &ok);
    if (!ok) {
        for (int i = 0; i < n; i++) free(copies[i]);
        return -1;
    }
    for (int i = 0; i < CHART_MAX_CLASSES; i++) { free(c->class_names[i]); c->class_names[i] = copies[i]; }
    return 0;
}
