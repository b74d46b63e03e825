/* frame.c — what both back ends take from a chart before drawing: its axes
 * (which values they cover, linear or log, where they end), the class of a
 * REGIONS cell, and the colours of series and classes.  One place, so the
 * terminal picture and the SVG of one chart agree.
 * Must not: write output or know a back end's units (cells, pixels). */
#include "see/chart_impl.h"
#include <stdio.h>

const Rgb CHART_WHITE = { 255, 255, 255 };

/* log when asked (and something is positive), or when the rule says so */
static bool want_log(const Chart *c, const Span *s) {
    if (c->scale == CHART_SCALE_LOG) return s->pos_hi > 0;
    if (c->scale == CHART_SCALE_LINEAR) return false;
    return span_log_wanted(s);
}

void chart_lines_axes(const Chart *c, Axis *x, int xmax, Axis *y, int ymax) {
    Span xs = { 0 }, ys = { 0 };
    for (int i = 0; i < c->nseries; i++) {
        const ChartSeries *s = &c->series[i];
        for (int k = 0; k < s->n; k++) {
            span_add(&xs, s->x ? s->x[k] : k + 1);
            span_add(&ys, s->y[k]);
        }
    }
    for (int i = 0; i < c->nvmarks; i++) span_add(&xs, c->vmarks[i].at);
    for (int i = 0; i < c->nhlines; i++) span_add(&ys, c->hlines[i].at);
    bool log = want_log(c, &ys);
    axis_make(x, xs.n ? xs.lo : 0, xs.n ? xs.hi : 1, false, xmax, true);
    if (log) axis_make(y, ys.pos_lo, ys.pos_hi, true, ymax, true);
    else axis_make(y, ys.n ? ys.lo : 0, ys.n ? ys.hi : 1, false, ymax, true);
}

void chart_bars_axis(const Chart *c, Axis *v, int max) {
    Span s = { 0 };
    for (int i = 0; i < c->nseries; i++)
        for (int k = 0; k < c->series[i].n; k++) span_add(&s, c->series[i].y[k]);
    if (want_log(c, &s)) axis_make(v, s.pos_lo, s.pos_hi, true, max, true);
    else axis_make(v, s.n ? fmin(s.lo, 0) : 0, s.n ? fmax(s.hi, 0) : 1, false, max, true);
}

void chart_panel_axes(const Chart *c, int i, Axis *x, int xmax, Axis *count, int cmax) {
    const ChartPanel *p = &c->panels[i];
    long top = 0;
    for (int b = 0; b < p->bins; b++)
        if (p->counts[b] > top) top = p->counts[b];
    axis_make(x, p->edges[0], p->edges[p->bins], false, xmax, false);
    axis_make(count, 0, top > 0 ? (double)top : 1, false, cmax, true);
}

void chart_regions_axes(const Chart *c, Axis *x, int xmax, Axis *y, int ymax) {
    axis_make(x, c->gx0, c->gx1, false, xmax, false);
    axis_make(y, c->gy0, c->gy1, false, ymax, false);
}

int chart_cell_class(const Chart *c, int i, int j, double *confidence) {
    double v = c->grid[j * c->nx + i];
    if (!isfinite(v)) { *confidence = 0; return -1; }
    if (c->nclasses <= 2) {
        if (v < 0) v = 0;
        if (v > 1) v = 1;
        *confidence = fabs(v - 0.5) * 2;
        return v >= 0.5;
    }
    int k = (int)floor(v + 0.5);
    *confidence = 1;
    return k >= 0 && k < c->nclasses ? k : -1;
}

const char *chart_class_name(const Chart *c, int k, char *buf, size_t size) {
    if (k >= 0 && k < CHART_MAX_CLASSES && c->class_names[k]) return c->class_names[k];
    snprintf(buf, size, "class %d", k);
    return buf;
}

/* ---- colours ---------------------------------------------------------------- */

static const Rgb SERIES[CHART_MAX_SERIES] = {      /* Tableau 10 */
    { 0x1f, 0x77, 0xb4 }, { 0xff, 0x7f, 0x0e }, { 0x2c, 0xa0, 0x2c }, { 0xd6, 0x27, 0x28 },
    { 0x94, 0x67, 0xbd }, { 0x8c, 0x56, 0x4b }, { 0xe3, 0x77, 0xc2 }, { 0x7f, 0x7f, 0x7f },
};

Rgb chart_series_colour(int i) { return SERIES[(i % CHART_MAX_SERIES + CHART_MAX_SERIES) % CHART_MAX_SERIES]; }

Rgb chart_class_colour(const Chart *c, int k) {
    (void)c;
    static const Rgb orange = { 0xf5, 0x93, 0x22 }, blue = { 0x08, 0x77, 0xbd };  /* the Playground's */
    if (k == 0) return orange;
    if (k == 1) return blue;
    return chart_series_colour(k);
}

Rgb chart_mix(Rgb a, Rgb b, double t) {
    if (t < 0) t = 0;
    if (t > 1) t = 1;
    return (Rgb){ (unsigned char)lround(a.r + t * (b.r - a.r)), (unsigned char)lround(a.g + t * (b.g - a.g)),
                  (unsigned char)lround(a.b + t * (b.b - a.b)) };
}

static int dist2(Rgb a, int r, int g, int b) {
    return (a.r - r) * (a.r - r) + (a.g - g) * (a.g - g) + (a.b - b) * (a.b - b);
}

int chart_xterm256(Rgb c) {
    static const int level[6] = { 0, 95, 135, 175, 215, 255 };
    int best = 16, bestd = 1 << 30;
    for (int r = 0; r < 6; r++)
        for (int g = 0; g < 6; g++)
            for (int b = 0; b < 6; b++) {
                int d = dist2(c, level[r], level[g], level[b]);
                if (d < bestd) { bestd = d; best = 16 + 36 * r + 6 * g + b; }
            }
    for (int k = 0; k < 24; k++) {
        int v = 8 + 10 * k, d = dist2(c, v, v, v);
        if (d < bestd) { bestd = d; best = 232 + k; }
    }
    return best;
}
