/* term_chart.c — a chart for a terminal: each kind laid out in at most
 * `width` columns.  LINES in braille dots (2 × 4 per character), BARS in
 * eighth blocks with their numbers, HISTOGRAMS as small multiples of
 * vertical eighth-block columns, REGIONS as a grid of shades (or coloured
 * cells) with the data points over it.  Colour only when asked; otherwise
 * series and classes are told apart by marker characters.
 * Must not: choose ranges, ticks or scales (frame.c and ticks.c do, for both
 * back ends), or write a control byte when colour is off. */
#include "see/term.h"
#include <stdlib.h>
#include <string.h>

static const char *const MARKS[] = { "x", "o", "+", "*", "#", "@", "%", "&" };
static const char *const CLASS_MARKS[] = { "o", "x", "+", "*", "#", "@", "%", "&" };
enum { GREY = 244 };

static int fg_of(bool colour, Rgb c) { return colour ? chart_xterm256(c) : TERM_DEFAULT; }

/* the title centred over [from, from + width) */
static void heading_over(TermText *t, const Chart *c, int from, int width) {
    TermLine *l = tt_line(t);
    if (l && c->title) tl_centre(l, c->title, from, width, true);
}

static void heading(TermText *t, const Chart *c, int width) { heading_over(t, c, 0, width); }

/* the x axis' name centred under the plot */
static void footing(TermText *t, const char *label, int from, int width) {
    if (!label || !*label) return;
    TermLine *l = tt_line(t);
    if (l) tl_centre(l, label, from, width, false);
}

static void ylabel_line(TermText *t, const char *label, int width) {
    if (!label || !*label) return;
    TermLine *l = tt_line(t);
    if (l) tl_put(l, label, width, TERM_DEFAULT, TERM_DEFAULT, false);
}

/* the half of the last x tick label that hangs past the plot's right end */
static int right_margin(const Axis *x) {
    return x->n ? utf8_width(x->label[x->n - 1]) / 2 : 0;
}

/* ---- LINES ------------------------------------------------------------------ */

typedef struct {
    int rows, cols;
    unsigned char *bits;        /* braille dots of each cell */
    signed char *owner;         /* the series that drew last in it, -1 none */
    signed char *mark;          /* no colour: series >= 1 draw MARKS[] instead, -1 none */
    int *top, *bottom;          /* no colour: the rows series >= 1 pass through in each column */
} Dots;

static void dot(Dots *d, int X, int Y, int series, bool colour) {
    static const unsigned char bit[4][2] = { { 0x01, 0x08 }, { 0x02, 0x10 }, { 0x04, 0x20 }, { 0x40, 0x80 } };
    if (X < 0 || Y < 0 || X >= 2 * d->cols || Y >= 4 * d->rows) return;
    int i = (Y / 4) * d->cols + X / 2;
    if (colour || series == 0) {
        d->bits[i] |= bit[Y % 4][X % 2];
        d->owner[i] = (signed char)series;
    } else {
        int k = series * d->cols + X / 2;
        if (d->top[k] < 0 || Y / 4 < d->top[k]) d->top[k] = Y / 4;
        if (Y / 4 > d->bottom[k]) d->bottom[k] = Y / 4;
    }
}

/* no colour: a series after the first is a marker in every other column,
 * halfway along the rows its line passes there, so the braille of the
 * first shows between them */
static void place_marks(Dots *d, int nseries) {
    for (int s = 1; s < nseries; s++)
        for (int k = s % 2; k < d->cols; k += 2) {
            int i = s * d->cols + k;
            if (d->top[i] >= 0) d->mark[(d->top[i] + d->bottom[i]) / 2 * d->cols + k] = (signed char)(s - 1);
        }
}

static void segment(Dots *d, int x0, int y0, int x1, int y1, int series, bool colour) {
    int dx = abs(x1 - x0), dy = -abs(y1 - y0), sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1, err = dx + dy;
    for (;;) {
        dot(d, x0, y0, series, colour);
        if (x0 == x1 && y0 == y1) break;
        int e2 = 2 * err;
        if (e2 >= dy) { err += dy; x0 += sx; }
        if (e2 <= dx) { err += dx; y0 += sy; }
    }
}

static void draw_series(Dots *d, const Chart *c, int i, const Axis *x, const Axis *y, bool colour) {
    const ChartSeries *s = &c->series[i];
    int px = 0, py = 0;
    bool have = false;
    for (int k = 0; k < s->n; k++) {
        double fx = axis_pos(x, s->x ? s->x[k] : k + 1), fy = axis_pos(y, s->y[k]);
        if (isnan(fx) || isnan(fy)) { have = false; continue; }     /* a gap */
        int X = term_dot_of(fx, d->cols, 2), Y = 4 * d->rows - 1 - term_dot_of(fy, d->rows, 4);
        if (have) segment(d, px, py, X, Y, i, colour);
        else dot(d, X, Y, i, colour);
        px = X; py = Y; have = true;
    }
}

static int render_lines(const Chart *c, TermText *t, int W, bool colour) {
    int rows = W / 5;
    Axis x, y;
    chart_lines_axes(c, &x, W / 10, &y, rows / 2 + 1);
    int lw = axis_label_width(&y);
    int cols = W - lw - 2 - right_margin(&x);
    chart_lines_axes(c, &x, cols / 9, &y, rows / 2 + 1);
    cols = W - lw - 2 - right_margin(&x);

    size_t n = (size_t)rows * (size_t)cols;
    size_t m = (size_t)c->nseries * (size_t)cols;
    Dots d = { rows, cols, calloc(n, 1), malloc(n), malloc(n), malloc(m * sizeof(int)), malloc(m * sizeof(int)) };
    TermCanvas cv = { 0 };
    int rc = -1;
    if (!d.bits || !d.owner || !d.mark || !d.top || !d.bottom || !term_canvas(&cv, rows, cols)) goto done;
    memset(d.owner, -1, n);
    memset(d.mark, -1, n);
    for (size_t i = 0; i < m; i++) d.top[i] = d.bottom[i] = -1;
    for (int i = 0; i < c->nseries; i++) draw_series(&d, c, i, &x, &y, colour);
    place_marks(&d, c->nseries);

    for (int r = 0; r < rows; r++)
        for (int k = 0; k < cols; k++) {
            size_t i = (size_t)r * (size_t)cols + (size_t)k;
            if (d.mark[i] >= 0) {
                term_set(&cv, r, k, MARKS[d.mark[i]], TERM_DEFAULT, TERM_DEFAULT, false);
            } else if (d.bits[i]) {
                char b[4] = { (char)0xE2, (char)(0xA0 | (d.bits[i] >> 6)), (char)(0x80 | (d.bits[i] & 0x3F)), 0 };
                term_set(&cv, r, k, b, fg_of(colour, chart_series_colour(d.owner[i])), TERM_DEFAULT, false);
            }
        }
    /* markers and reference lines where no data was drawn */
    for (int m = 0; m < c->nvmarks; m++) {
        double f = axis_pos(&x, c->vmarks[m].at);
        if (isnan(f) || f < 0 || f > 1) continue;
        int k = term_cell_of(f, cols, 2);
        for (int r = 0; r < rows; r++)
            if (!strcmp(term_at(&cv, r, k)->ch, " ")) term_set(&cv, r, k, "┊", colour ? GREY : TERM_DEFAULT, TERM_DEFAULT, false);
    }
    for (int m = 0; m < c->nhlines; m++) {
        double f = axis_pos(&y, c->hlines[m].at);
        if (isnan(f) || f < 0 || f > 1) continue;
        int r = rows - 1 - term_cell_of(f, rows, 4);
        for (int k = 0; k < cols; k++)
            if (!strcmp(term_at(&cv, r, k)->ch, " ")) term_set(&cv, r, k, "┄", colour ? GREY : TERM_DEFAULT, TERM_DEFAULT, false);
    }

    heading(t, c, W);
    ylabel_line(t, c->ylabel, W);
    term_frame(t, &cv, &x, 2, &y, 4, lw, W);
    footing(t, c->xlabel, lw + 2, cols);

    TermLegendItem items[CHART_MAX_SERIES + 2 * CHART_MAX_MARKERS];
    int ni = 0;
    for (int i = 0; i < c->nseries; i++)
        items[ni++] = (TermLegendItem){ colour || i == 0 ? "⠤⠤" : MARKS[i - 1], c->series[i].name,
                                        fg_of(colour, chart_series_colour(i)), TERM_DEFAULT };
    for (int m = 0; m < c->nvmarks; m++)
        if (c->vmarks[m].label) items[ni++] = (TermLegendItem){ "┊", c->vmarks[m].label, colour ? GREY : TERM_DEFAULT, TERM_DEFAULT };
    for (int m = 0; m < c->nhlines; m++)
        if (c->hlines[m].label) items[ni++] = (TermLegendItem){ "┄", c->hlines[m].label, colour ? GREY : TERM_DEFAULT, TERM_DEFAULT };
    if (ni > 1 || c->nvmarks || c->nhlines) term_legend(t, items, ni, lw + 2, W);
    rc = 0;
done:
    free(d.bits); free(d.owner); free(d.mark); free(d.top); free(d.bottom); free(cv.cell);
    return rc;
}

/* ---- BARS ------------------------------------------------------------------- */

static const char *const EIGHTHS[] = { "", "▏", "▎", "▍", "▌", "▋", "▊", "▉" };

static void bar_value(char *buf, size_t size, double v) { snprintf(buf, size, "%.4g", v); }

static int render_bars(const Chart *c, TermText *t, int W, bool colour) {
    int catw = 0, serw = 0, valw = 0;
    char buf[32];
    for (int k = 0; k < c->ncategories; k++) if (utf8_width(c->categories[k]) > catw) catw = utf8_width(c->categories[k]);
    for (int i = 0; i < c->nseries; i++) {
        if (c->nseries > 1 && utf8_width(c->series[i].name) > serw) serw = utf8_width(c->series[i].name);
        for (int k = 0; k < c->series[i].n; k++) {
            bar_value(buf, sizeof buf, c->series[i].y[k]);
            if ((int)strlen(buf) > valw) valw = (int)strlen(buf);
        }
    }
    if (catw > W / 4) catw = W / 4;
    if (serw > W / 4) serw = W / 4;
    int prefix = catw + 2 + (serw ? serw + 2 : 0) + 1;     /* names, then │ */
    int barw = W - prefix - 1 - valw;
    Axis v;
    chart_bars_axis(c, &v, barw / 10);
    if (barw > W - prefix - right_margin(&v)) barw = W - prefix - right_margin(&v);
    double zero = v.log ? 0 : axis_pos(&v, 0);

    heading(t, c, W);
    for (int k = 0; k < c->ncategories; k++) {
        if (k > 0 && c->nseries > 1) tt_line(t);
        for (int i = 0; i < c->nseries; i++) {
            TermLine *l = tt_line(t);
            if (!l) return -1;
            int fg = fg_of(colour, chart_series_colour(i));
            if (i == 0) tl_put(l, c->categories[k], catw, TERM_DEFAULT, TERM_DEFAULT, false);
            tl_pad(l, catw + 2);
            if (serw) { tl_put(l, c->series[i].name, serw, fg, TERM_DEFAULT, false); tl_pad(l, catw + 2 + serw + 2); }
            tl_text(l, "│");
            double val = c->series[i].y[k], f = axis_pos(&v, val);
            if (!isnan(f)) {
                if (f > 1) f = 1;
                if (f < 0) f = 0;
                int a = (int)lround(fmin(f, zero) * barw * 8), b = (int)lround(fmax(f, zero) * barw * 8);
                if (val < 0) { a = (a + 4) / 8 * 8; b = (b + 4) / 8 * 8; }   /* leftwards: whole blocks */
                tl_pad(l, prefix + a / 8);
                for (int e = a; e + 8 <= b; e += 8) tl_put(l, "█", 1, fg, TERM_DEFAULT, false);
                tl_put(l, EIGHTHS[(b - a) % 8], 1, fg, TERM_DEFAULT, false);
            }
            tl_pad(l, l->width + 1);
            bar_value(buf, sizeof buf, val);
            tl_text(l, buf);
        }
    }
    /* the value axis under the bars */
    TermCanvas none = { 0, barw, NULL };
    Axis noy = { 0 };
    term_frame(t, &none, &v, 8, &noy, 1, prefix - 2, W);
    footing(t, c->xlabel, prefix, barw);
    return 0;
}

/* ---- HISTOGRAMS --------------------------------------------------------------- */

static const char *const UP_EIGHTHS[] = { " ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };

/* one panel, pw characters wide, into its own lines */
static void panel(const Chart *c, int i, TermText *t, int pw, bool colour) {
    const ChartPanel *p = &c->panels[i];
    enum { ROWS = 6 };
    Axis x, n;
    chart_panel_axes(c, i, &x, 4, &n, 3);
    int lw = axis_label_width(&n);
    int avail = pw - lw - 2 - right_margin(&x);
    int colw = avail / p->bins > 0 ? avail / p->bins : 1;
    int cols = p->bins * colw < avail ? p->bins * colw : avail;
    chart_panel_axes(c, i, &x, cols / 8 + 1, &n, 3);

    TermLine *l = tt_line(t);
    if (!l) return;
    int capw = p->caption ? utf8_width(p->caption) : 0;
    tl_put(l, p->title, pw - (capw ? capw + 2 : 0), TERM_DEFAULT, TERM_DEFAULT, true);
    if (capw && capw < pw) { tl_pad(l, pw - capw); tl_text(l, p->caption); }

    TermCanvas cv;
    if (!term_canvas(&cv, ROWS, cols)) { t->oom = true; return; }
    int fg = fg_of(colour, chart_series_colour(0));
    for (int k = 0; k < cols; k++) {
        int b = k * p->bins / cols;
        double f = axis_pos(&n, (double)p->counts[b]);
        int h = (int)lround(f * ROWS * 8);
        if (p->counts[b] > 0 && h == 0) h = 1;          /* a bin with something shows it */
        for (int r = 0; r < ROWS; r++) {
            int fill = h - (ROWS - 1 - r) * 8;
            term_set(&cv, r, k, UP_EIGHTHS[fill < 0 ? 0 : fill > 8 ? 8 : fill], fg, TERM_DEFAULT, false);
        }
    }
    term_frame(t, &cv, &x, 1, &n, 8, lw, pw);
    free(cv.cell);
}

static int render_histograms(const Chart *c, TermText *t, int W, bool colour) {
    enum { GAP = 4 };
    int per_row = W >= 2 * 36 + GAP ? 2 : 1;
    int pw = (W - GAP * (per_row - 1)) / per_row;
    heading(t, c, W);
    for (int first = 0; first < c->npanels; first += per_row) {
        if (first > 0 || (c->title && *c->title)) tt_line(t);
        TermText parts[2] = { { .colour = colour }, { .colour = colour } };
        int m = c->npanels - first < per_row ? c->npanels - first : per_row, lines = 0;
        for (int j = 0; j < m; j++) {
            panel(c, first + j, &parts[j], pw, colour);
            if (parts[j].n > lines) lines = parts[j].n;
            if (parts[j].oom) t->oom = true;
        }
        for (int r = 0; r < lines; r++) {
            TermLine *l = tt_line(t);
            if (!l) break;
            for (int j = 0; j < m; j++) {
                tl_pad(l, j * (pw + GAP));
                if (r < parts[j].n) tl_append(l, &parts[j].v[r]);
            }
        }
        for (int j = 0; j < m; j++) tt_free(&parts[j]);
    }
    footing(t, c->xlabel, 0, W);
    return 0;
}

/* ---- REGIONS ----------------------------------------------------------------- */

static const char *const SHADES[] = { " ", "░", "▒", "▓", "█" };

/* Two classes in colour: xterm-256 ramps from white to the Playground's
 * orange and blue (mixing in RGB and taking the nearest of the 256 gives
 * pinks and greens on the way), and darker colours for the points */
static int two_class_bg(int cls, double confidence) {
    static const int ramp[2][5] = { { 231, 230, 223, 222, 216 }, { 231, 195, 153, 117, 111 } };
    int level = confidence < 0.15 ? 0 : 1 + (int)((confidence - 0.15) / 0.85 * 3.999);
    return ramp[cls != 0][level > 4 ? 4 : level];
}
static const int TWO_CLASS_POINT[2] = { 166, 24 };
static const char *const CLASS_FILLS[] = { " ", "░", "▒", "▓", ".", ":", "-", "=" };

static int point_fg(const Chart *c, int cls, bool colour) {
    if (!colour) return TERM_DEFAULT;
    if (c->nclasses <= 2 && cls < 2) return TWO_CLASS_POINT[cls];
    return chart_xterm256(chart_mix(chart_class_colour(c, cls), (Rgb){ 0, 0, 0 }, 0.35));
}

static int render_regions(const Chart *c, TermText *t, int W, bool colour) {
    if (!c->grid) return -1;
    int maxrows = W * 3 / 10;
    Axis x, y;
    chart_regions_axes(c, &x, 8, &y, maxrows / 4 + 1);
    int lw = axis_label_width(&y);
    int avail = W - lw - 2 - right_margin(&x);
    double aspect = (c->gy1 - c->gy0) / (c->gx1 - c->gx0);     /* a character is about twice as tall as wide */
    int cols = avail, rows = (int)lround(cols * aspect / 2);
    if (rows > maxrows) { rows = maxrows; cols = (int)lround(rows * 2 / aspect); }
    if (cols > avail) cols = avail;
    if (rows < 6) rows = 6;
    if (cols < 10) cols = 10;
    chart_regions_axes(c, &x, cols / 8 + 1, &y, rows / 4 + 1);

    TermCanvas cv;
    if (!term_canvas(&cv, rows, cols)) return -1;
    bool two = c->nclasses <= 2;
    for (int r = 0; r < rows; r++)
        for (int k = 0; k < cols; k++) {
            double fx = cols > 1 ? (double)k / (cols - 1) : 0.5, fy = rows > 1 ? 1 - (double)r / (rows - 1) : 0.5;
            int i = (int)(fx * c->nx), j = (int)(fy * c->ny);
            if (i >= c->nx) i = c->nx - 1;
            if (j >= c->ny) j = c->ny - 1;
            double conf;
            int cls = chart_cell_class(c, i, j, &conf);
            if (cls < 0) continue;
            if (colour) {
                int bg = two ? two_class_bg(cls, conf) : chart_xterm256(chart_mix(CHART_WHITE, chart_class_colour(c, cls), 0.35));
                term_set(&cv, r, k, " ", TERM_DEFAULT, bg, false);
            } else if (two) {
                double p = c->grid[j * c->nx + i];
                int s = (int)(p * 5);
                term_set(&cv, r, k, SHADES[s < 0 ? 0 : s > 4 ? 4 : s], TERM_DEFAULT, TERM_DEFAULT, false);
            } else {
                term_set(&cv, r, k, CLASS_FILLS[cls], TERM_DEFAULT, TERM_DEFAULT, false);
            }
        }
    for (int p = 0; p < c->npoints; p++) {
        double fx = axis_pos(&x, c->px[p]), fy = axis_pos(&y, c->py[p]);
        if (!(fx >= 0 && fx <= 1 && fy >= 0 && fy <= 1)) continue;     /* outside the box */
        int r = rows - 1 - term_cell_of(fy, rows, 1), k = term_cell_of(fx, cols, 1);
        term_set(&cv, r, k, CLASS_MARKS[c->pc[p]], point_fg(c, c->pc[p], colour), term_at(&cv, r, k)->bg, colour);
    }

    heading_over(t, c, lw + 2, cols);
    ylabel_line(t, c->ylabel, W);
    term_frame(t, &cv, &x, 1, &y, 1, lw, W);
    free(cv.cell);
    footing(t, c->xlabel, lw + 2, cols);

    TermLegendItem items[CHART_MAX_CLASSES + 1];
    char names[CHART_MAX_CLASSES][32], scale[96];
    int ni = 0, shown = two ? 2 : c->nclasses;
    for (int k = 0; k < shown; k++) {
        Rgb col = chart_class_colour(c, k);
        items[ni++] = (TermLegendItem){ CLASS_MARKS[k], chart_class_name(c, k, names[k], sizeof names[k]),
                                        point_fg(c, k, colour),
                                        colour && !two ? chart_xterm256(chart_mix(CHART_WHITE, col, 0.35)) : TERM_DEFAULT };
    }
    term_legend(t, items, ni, lw + 2, W);
    if (two) {
        /* the shading: from sure of class 0 through unsure to sure of class 1 */
        TermLine *l = tt_line(t);
        if (!l) return -1;
        tl_pad(l, lw + 2);
        for (int s = 0; s < 5; s++) {
            double p = s / 4.0;
            if (colour) {
                tl_put(l, " ", 1, TERM_DEFAULT, two_class_bg(p >= 0.5, fabs(p - 0.5) * 2), false);
            } else {
                tl_text(l, SHADES[s]);
            }
        }
        snprintf(scale, sizeof scale, " P(%s) from 0 to 1", chart_class_name(c, 1, names[1], sizeof names[1]));
        tl_put(l, scale, W - l->width, TERM_DEFAULT, TERM_DEFAULT, false);
    }
    return 0;
}

/* ---- entry ------------------------------------------------------------------ */

int chart_render_term(const Chart *c, FILE *out, int width, bool colour) {
    if (width <= 0) width = 80;
    if (width < 40) width = 40;
    TermText t = { .colour = colour };
    int rc = -1;
    switch (c->kind) {
    case CHART_LINES:      rc = c->nseries ? render_lines(c, &t, width, colour) : -1; break;
    case CHART_BARS:       rc = c->nseries ? render_bars(c, &t, width, colour) : -1; break;
    case CHART_HISTOGRAMS: rc = c->npanels ? render_histograms(c, &t, width, colour) : -1; break;
    case CHART_REGIONS:    rc = render_regions(c, &t, width, colour); break;
    }
    if (rc != 0) { tt_free(&t); return -1; }
    return tt_write(&t, out);
}
