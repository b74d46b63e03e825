/* The terminal back end's pieces (term_text.c), shared by term_chart.c:
 * lines built in memory with their width in characters and their colours,
 * a grid of character cells, and a plot's frame (y ticks on the left, an x
 * axis with ticks and labels below).  Not for code outside src/see/. */
#ifndef NNL_SEE_TERM_H
#define NNL_SEE_TERM_H
#include "see/chart_impl.h"

enum { TERM_DEFAULT = -1 };     /* a colour: the terminal's own */

/* one line of output: bytes, width in characters, the colour it ends in */
typedef struct {
    char *s;
    size_t len, cap;
    int   width;
    int   fg, bg;               /* xterm-256 indices or TERM_DEFAULT */
    bool  bold, colour, oom;
} TermLine;

typedef struct {
    TermLine *v;
    int   n, cap;
    bool  colour, oom;
} TermText;

int  utf8_width(const char *s);                    /* characters (code points) */
size_t utf8_prefix(const char *s, int chars);      /* bytes of the first `chars` characters */

TermLine *tt_line(TermText *t);                    /* a new empty line (NULL when out of memory) */
/* append s (at most max characters; max < 0: all) in colours fg/bg */
void tl_put(TermLine *l, const char *s, int max, int fg, int bg, bool bold);
void tl_text(TermLine *l, const char *s);          /* plain text */
void tl_pad(TermLine *l, int width);               /* spaces up to width */
void tl_centre(TermLine *l, const char *s, int from, int width, bool bold); /* s centred in [from, from+width) */
void tl_append(TermLine *l, const TermLine *m);    /* m's text after l's */
int  tt_write(TermText *t, FILE *out);             /* writes and frees; -1 on error */
void tt_free(TermText *t);

typedef struct {
    char ch[4];                 /* UTF-8 of one character, NUL-terminated */
    int  fg, bg;
    bool bold;
} TermCell;

typedef struct {
    int rows, cols;
    TermCell *cell;             /* rows × cols, row 0 at the top */
} TermCanvas;

bool term_canvas(TermCanvas *cv, int rows, int cols);  /* blank cells; false when out of memory */
TermCell *term_at(TermCanvas *cv, int r, int c);
void term_set(TermCanvas *cv, int r, int c, const char *ch, int fg, int bg, bool bold);

/* position f in [0, 1] along n cells of `sub` dots each -> the cell (dots
 * at 0 .. n·sub-1, so f = 1 is the last dot of the last cell) */
int  term_cell_of(double f, int n, int sub);
int  term_dot_of(double f, int n, int sub);

/* Appends the plot: each canvas row after its y label (right-aligned in
 * lw characters) and " ┤" at a tick or " │"; then the x axis line and the
 * tick labels, no line wider than `width`.  subx, suby: dots per cell. */
void term_frame(TermText *t, const TermCanvas *cv, const Axis *x, int subx, const Axis *y, int suby,
                int lw, int width);
/* items "sample name" separated by three spaces, wrapped at width */
typedef struct {
    const char *sample, *name;
    int fg, bg;
} TermLegendItem;
void term_legend(TermText *t, const TermLegendItem *items, int n, int indent, int width);

#endif
