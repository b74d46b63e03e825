/* nnl's pictures: a chart described once, drawn by two back ends.
 *
 * A Chart holds a title, axis labels, a kind and that kind's data.  The
 * interpreter fills one from a model's history or a trace and hands it to
 * chart_render_term (a terminal, ≤ width columns, braille and block
 * characters, ANSI colour only when asked) or chart_render_svg (a standalone
 * SVG 1.1 file).  Both back ends take their axes (ranges, ticks, log scale)
 * from the same code, so the two pictures of one chart agree.
 *
 * Memory: the chart COPIES everything it is given (strings and arrays); the
 * caller's buffers may be freed right after a call.  chart_free frees all.
 * Functions returning int give 0 on success and -1 when the call does not
 * fit the chart's kind, an argument is out of range, or memory ran out
 * (the chart is then left as it was before the call).
 *
 * Depends on libc and libm only. */
#ifndef NNL_SEE_CHART_H
#define NNL_SEE_CHART_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum {
    CHART_LINES,        /* named series of (x, y) points; markers and reference lines */
    CHART_BARS,         /* grouped horizontal bars: a bar per series in each category */
    CHART_HISTOGRAMS,   /* small multiples: one histogram per panel */
    CHART_REGIONS,      /* a heatmap over a 2-D box, with scattered labelled points */
} ChartKind;

typedef enum {
    CHART_SCALE_AUTO,   /* log when chart_log_wanted says so (the default) */
    CHART_SCALE_LINEAR,
    CHART_SCALE_LOG,
} ChartScale;

enum {
    CHART_MAX_SERIES  = 8,   /* LINES series, BARS groups */
    CHART_MAX_MARKERS = 8,   /* vertical markers and horizontal lines, each */
    CHART_MAX_CLASSES = 8,   /* REGIONS: classes with their own colour and marker */
    CHART_MAX_PANELS  = 32,  /* HISTOGRAMS */
};

typedef struct Chart Chart;

/* ---- every kind ---------------------------------------------------------- */

Chart *chart_new(ChartKind kind, const char *title);   /* NULL when out of memory */
void   chart_free(Chart *c);                           /* NULL is fine */
ChartKind chart_kind(const Chart *c);
/* x and y axis labels (NULL: none).  BARS: xlabel names the value axis. */
int    chart_set_labels(Chart *c, const char *xlabel, const char *ylabel);
/* the value axis: LINES' y, BARS' values; ignored by the other kinds */
int    chart_set_scale(Chart *c, ChartScale scale);

/* ---- CHART_LINES --------------------------------------------------------- */

/* A series of n points.  x NULL means 1, 2, ..., n (epochs).  A y that is NaN
 * or infinite is a gap: the line stops there and goes on after it; so is a
 * y <= 0 on a log axis. */
int chart_add_series(Chart *c, const char *name, const double *x, const double *y, int n);
/* a vertical dashed line at x with a label ("early stop, epoch 37") */
int chart_add_marker(Chart *c, double x, const char *label);
/* a horizontal reference line at y (label may be NULL) */
int chart_add_hline(Chart *c, double y, const char *label);

/* ---- CHART_BARS ---------------------------------------------------------- */

/* The categories (rows of bars, e.g. "1 dense", "2 dense"), set once before
 * any group, then one group per series ("‖δ‖", "‖∂C/∂W‖") with a value per
 * category.  A NaN value or, on a log axis, a value <= 0 draws no bar (its
 * number is still printed). */
int chart_set_categories(Chart *c, const char *const *names, int n);
int chart_add_bars(Chart *c, const char *name, const double *values, int n);

/* ---- CHART_HISTOGRAMS ---------------------------------------------------- */

/* A panel (title "layer 1 sigmoid", caption "saturated 12.5%" or NULL) with
 * the histogram of n raw values in `bins` equal bins over [lo, hi]; lo >= hi
 * (or either not finite) means the range of the finite values.  Values
 * outside the range and non-finite values are not counted (the panel keeps
 * how many: chart_panel_counts).  bins <= 0 means 20. */
int chart_add_histogram(Chart *c, const char *title, const char *caption,
                        const double *values, int n, double lo, double hi, int bins);
/* panel i's bins: *edges has bins+1 entries, *counts bins (the chart's own
 * arrays); returns the number of bins, or -1.  *left_out: values not counted. */
int chart_panel_counts(const Chart *c, int i, const double **edges, const long **counts, long *left_out);

/* ---- CHART_REGIONS ------------------------------------------------------- */

/* The heatmap: nx × ny cells covering [x0, x1] × [y0, y1]; values[j*nx + i]
 * is the cell whose centre is (x0 + (i + 0.5)(x1 - x0)/nx, y0 + (j + 0.5)(y1 - y0)/ny),
 * so row j = 0 is at the bottom.  nclasses <= 2: values are the probability
 * of class 1 in [0, 1] (orange for class 0, blue for class 1, as in
 * TensorFlow Playground).  nclasses > 2: values are class indices. */
int chart_set_grid(Chart *c, int nx, int ny, double x0, double x1, double y0, double y1,
                   const double *values, int nclasses);
/* data points drawn over the heatmap: class cls[k] in 0 .. CHART_MAX_CLASSES-1 */
int chart_add_points(Chart *c, const double *x, const double *y, const int *cls, int n);
/* names for the legend (default "class 0", "class 1", ...) */
int chart_set_class_names(Chart *c, const char *const *names, int n);

/* ---- drawing ------------------------------------------------------------- */

/* Draws c for a terminal, every line at most `width` columns (counted in
 * characters; width <= 0 means 80, at least 40 is used).  colour: ANSI SGR
 * colours, reset before each line's end; false writes no control byte at all
 * (no ESC, no \r), series then told apart by marker characters.
 * Returns 0, or -1 on a write error or an empty chart (nothing drawn). */
int chart_render_term(const Chart *c, FILE *out, int width, bool colour);
/* Writes c as a standalone SVG 1.1 document (width × height pixels; 0 means
 * the kind's default).  Each data group carries its exact numbers in data-*
 * attributes (%.9g) so tests can read them back.  Returns 0 or -1. */
int chart_render_svg(const Chart *c, FILE *out, int width, int height);

/* ---- the shared axis rules (exposed for tests) -------------------------- */

/* true when the positive finite values span at least two decades
 * (max/min >= 100) and none is negative: a log axis reads better */
bool chart_log_wanted(const double *v, int n);
/* "nice" ticks (1, 2 or 5 × 10^k apart) covering [lo, hi], at most max
 * ticks; writes them to out (cap entries) and returns how many.  *step gets
 * the distance between ticks (may be NULL). */
int chart_nice_ticks(double lo, double hi, int max, double *out, int cap, double *step);
/* ticks for a log axis over [lo, hi] (lo > 0): every decade, every 2nd, 5th,
 * ... decade when there are too many, 1-2-5 within a decade when there are
 * too few; returns how many */
int chart_log_ticks(double lo, double hi, int max, double *out, int cap);
/* a tick label as short as %g would write it: 0.001, 1e-05, 2000, 0.25;
 * step (0 if unknown) says how many digits the neighbouring ticks need */
void chart_format_tick(double v, double step, char *buf, size_t size);

#endif
