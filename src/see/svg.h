/* The SVG back end's pieces (svg_draw.c), shared by svg_chart.c: the
 * document, escaped text, data attributes, a plot box with its axes, and a
 * legend.  Not for code outside src/see/. */
#ifndef NNL_SEE_SVG_H
#define NNL_SEE_SVG_H
#include "see/chart_impl.h"

enum { SVG_TICK_FONT = 12, SVG_LABEL_FONT = 13, SVG_TITLE_FONT = 16 };

typedef struct { double x, y, w, h; } SvgBox;     /* pixels, y down */

void   svg_begin(FILE *f, int w, int h, const char *title, const char *kind);
void   svg_end(FILE *f);
void   svg_escape(FILE *f, const char *s);        /* text content or attribute value */
void   svg_hex(char buf[8], Rgb c);               /* "#rrggbb" */
/* the estimated width of s in pixels at a font size (sans-serif) */
double svg_text_width(const char *s, int size);
/* <text> at (x, y); anchor "start", "middle" or "end"; extra attributes or "" */
void   svg_text(FILE *f, double x, double y, const char *s, int size, const char *anchor, const char *extra);
/* ` name="v v v"` with %.9g numbers */
void   svg_numbers(FILE *f, const char *name, const double *v, int n);

double svg_xpix(const SvgBox *b, const Axis *x, double v);   /* NaN when not drawable */
double svg_ypix(const SvgBox *b, const Axis *y, double v);
/* gridlines (when grid), the left and bottom axis lines, tick marks, tick
 * labels (an x label left out where it would overlap) and the axis names;
 * x NULL or y NULL: that axis is not drawn */
void   svg_axes(FILE *f, const SvgBox *b, const Axis *x, const Axis *y, bool grid,
                const char *xlabel, const char *ylabel);
/* room the y tick labels and name take left of the plot */
double svg_left_margin(const Axis *y, const char *ylabel);

typedef enum { SVG_KEY_LINE, SVG_KEY_DASHED, SVG_KEY_BOX, SVG_KEY_DOT } SvgKeyShape;
typedef struct {
    const char *name;
    Rgb colour;
    SvgKeyShape shape;
} SvgKey;
/* a legend row starting at (x, y), wrapping at x + width; returns its height
 * (draw false: only measure) */
double svg_legend(FILE *f, const SvgKey *keys, int n, double x, double y, double width, bool draw);

#endif
