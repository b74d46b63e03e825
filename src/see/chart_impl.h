/* Inside the chart library (src/see/): the Chart's fields, and what both
 * back ends share — the axes a chart gets (frame.c), tick numbers
 * (ticks.c) and the colours (frame.c).  Not for code outside src/see/. */
#ifndef NNL_SEE_CHART_IMPL_H
#define NNL_SEE_CHART_IMPL_H
#include "see/chart.h"
#include <math.h>

typedef struct {
    char   *name;
    double *x, *y;          /* BARS: x is NULL and y holds a value per category */
    int     n;
} ChartSeries;

typedef struct {
    double at;
    char  *label;           /* may be NULL */
} ChartMarker;

typedef struct {
    char   *title, *caption;
    int     bins;
    double *edges;          /* bins + 1 */
    long   *counts;         /* bins */
    long    left_out;       /* outside [edges[0], edges[bins]] or not finite */
} ChartPanel;

struct Chart {
    ChartKind  kind;
    char      *title, *xlabel, *ylabel;
    ChartScale scale;
    ChartSeries series[CHART_MAX_SERIES];
    int        nseries;
    ChartMarker vmarks[CHART_MAX_MARKERS], hlines[CHART_MAX_MARKERS];
    int        nvmarks, nhlines;
    char     **categories;  /* BARS */
    int        ncategories;
    ChartPanel panels[CHART_MAX_PANELS];
    int        npanels;
    /* REGIONS */
    int        nx, ny, nclasses;
    double     gx0, gx1, gy0, gy1;
    double    *grid;
    double    *px, *py;
    int       *pc, npoints;
    char      *class_names[CHART_MAX_CLASSES];
};

/* ---- axes (frame.c, ticks.c) --------------------------------------------- */

enum { AXIS_MAX_TICKS = 16, AXIS_LABEL = 24 };

typedef struct {
    double lo, hi;          /* the axis' ends, in data units */
    bool   log;
    int    n;               /* ticks */
    double at[AXIS_MAX_TICKS];
    char   label[AXIS_MAX_TICKS][AXIS_LABEL];
} Axis;

/* the finite values seen: their range, their positive range, any negative */
typedef struct {
    int    n;
    double lo, hi, pos_lo, pos_hi;
    bool   negative;
} Span;
void span_add(Span *s, double v);
bool span_log_wanted(const Span *s);    /* the rule of chart_log_wanted */

/* An axis over [lo, hi] with at most max ticks.  snap: widen the ends to the
 * first and last tick outside the data (a value axis); otherwise the ends
 * stay and only ticks inside are kept.  A log axis over lo <= 0 falls back
 * to linear.  An empty or degenerate range is widened around its value. */
void   axis_make(Axis *a, double lo, double hi, bool log, int max, bool snap);
/* where v lies along the axis, 0 at lo and 1 at hi; NaN when it cannot be
 * drawn (not finite, or <= 0 on a log axis) */
double axis_pos(const Axis *a, double v);
/* the widest tick label, in characters */
int    axis_label_width(const Axis *a);

/* LINES: the x axis over every series and marker; the y axis over every
 * finite y (positive only on a log axis) and reference line */
void chart_lines_axes(const Chart *c, Axis *x, int xmax, Axis *y, int ymax);
/* BARS: the value axis (from 0 when linear) */
void chart_bars_axis(const Chart *c, Axis *v, int max);
/* HISTOGRAMS: panel i's bin axis and count axis (from 0) */
void chart_panel_axes(const Chart *c, int i, Axis *x, int xmax, Axis *count, int cmax);
/* REGIONS: the grid's box */
void chart_regions_axes(const Chart *c, Axis *x, int xmax, Axis *y, int ymax);
/* a value's class for the points and cells: REGIONS cell (i, j) -> class
 * (probability >= 0.5 -> 1) and, for two classes, the confidence 0..1 */
int  chart_cell_class(const Chart *c, int i, int j, double *confidence);
/* the legend name of class k (its own buffer when defaulted) */
const char *chart_class_name(const Chart *c, int k, char *buf, size_t size);

/* ---- colours (frame.c) ---------------------------------------------------- */

typedef struct { unsigned char r, g, b; } Rgb;

Rgb  chart_series_colour(int i);           /* the i-th series (Tableau 10) */
Rgb  chart_class_colour(const Chart *c, int k); /* class k: orange, blue, then the series colours */
Rgb  chart_mix(Rgb a, Rgb b, double t);    /* a + t (b - a) */
int  chart_xterm256(Rgb c);                /* the nearest colour of xterm's 256 */
extern const Rgb CHART_WHITE;

#endif
