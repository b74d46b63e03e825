/* term_text.c — the terminal back end's text: lines built in memory with
 * their width counted in characters (UTF-8), ANSI colours written only when
 * colour is on and reset before each line ends, a grid of cells, and a
 * plot's frame (y tick labels, the x axis and its labels) and legend.
 * Must not: know a chart's kinds (term_chart.c lays those out). */
#include "see/term.h"
#include <stdlib.h>
#include <string.h>

int utf8_width(const char *s) {
    int n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) n++;
    return n;
}

size_t utf8_prefix(const char *s, int chars) {
    size_t i = 0;
    for (int n = 0; s[i]; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80 && n++ == chars) break;
    }
    return i;
}

/* ---- lines ----------------------------------------------------------------- */

TermLine *tt_line(TermText *t) {
    if (t->n == t->cap) {
        int cap = t->cap ? 2 * t->cap : 32;
        TermLine *v = realloc(t->v, (size_t)cap * sizeof *v);
        if (!v) { t->oom = true; return NULL; }
        t->v = v;
        t->cap = cap;
    }
    TermLine *l = &t->v[t->n++];
    *l = (TermLine){ .fg = TERM_DEFAULT, .bg = TERM_DEFAULT, .colour = t->colour };
    return l;
}

static void raw(TermLine *l, const char *s, size_t n) {
    if (l->oom) return;
    if (l->len + n + 1 > l->cap) {
        size_t cap = l->cap ? l->cap : 128;
        while (cap < l->len + n + 1) cap *= 2;
        char *p = realloc(l->s, cap);
        if (!p) { l->oom = true; return; }
        l->s = p;
        l->cap = cap;
    }
    memcpy(l->s + l->len, s, n);
    l->len += n;
    l->s[l->len] = 0;
}

static void set_colour(TermLine *l, int fg, int bg, bool bold) {
    if (!l->colour || (fg == l->fg && bg == l->bg && bold == l->bold)) return;
    char sgr[48];
    int n = snprintf(sgr, sizeof sgr, "\033[0");
    if (bold) n += snprintf(sgr + n, sizeof sgr - (size_t)n, ";1");
    if (fg != TERM_DEFAULT) n += snprintf(sgr + n, sizeof sgr - (size_t)n, ";38;5;%d", fg);
    if (bg != TERM_DEFAULT) n += snprintf(sgr + n, sizeof sgr - (size_t)n, ";48;5;%d", bg);
    n += snprintf(sgr + n, sizeof sgr - (size_t)n, "m");
    raw(l, sgr, (size_t)n);
    l->fg = fg; l->bg = bg; l->bold = bold;
}

void tl_put(TermLine *l, const char *s, int max, int fg, int bg, bool bold) {
    if (!s || !*s || max == 0) return;
    set_colour(l, fg, bg, bold);
    size_t n = max < 0 ? strlen(s) : utf8_prefix(s, max);
    raw(l, s, n);
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) l->width++;
}

void tl_text(TermLine *l, const char *s) { tl_put(l, s, -1, TERM_DEFAULT, TERM_DEFAULT, false); }

void tl_pad(TermLine *l, int width) {
    set_colour(l, TERM_DEFAULT, TERM_DEFAULT, false);
    while (l->width < width) { raw(l, " ", 1); l->width++; }
}

void tl_centre(TermLine *l, const char *s, int from, int width, bool bold) {
    int w = utf8_width(s);
    if (w > width) w = width;
    tl_pad(l, from + (width - w) / 2);
    tl_put(l, s, width, TERM_DEFAULT, TERM_DEFAULT, bold);
}

void tl_append(TermLine *l, const TermLine *m) {
    set_colour(l, TERM_DEFAULT, TERM_DEFAULT, false);
    if (m->len) raw(l, m->s, m->len);       /* m starts in the default colours and ends reset */
    l->width += m->width;
    l->fg = m->fg; l->bg = m->bg; l->bold = m->bold;
    if (m->oom) l->oom = true;
}

int tt_write(TermText *t, FILE *out) {
    int rc = t->oom ? -1 : 0;
    for (int i = 0; i < t->n; i++) {
        TermLine *l = &t->v[i];
        set_colour(l, TERM_DEFAULT, TERM_DEFAULT, false);     /* reset before the line ends */
        /* no trailing blanks */
        while (l->len > 0 && l->s[l->len - 1] == ' ') l->s[--l->len] = 0;
        if (l->oom) rc = -1;
        if (rc == 0 && ((l->len && fwrite(l->s, 1, l->len, out) != l->len) || fputc('\n', out) == EOF)) rc = -1;
    }
    tt_free(t);
    if (rc == 0 && ferror(out)) rc = -1;
    return rc;
}

void tt_free(TermText *t) {
    for (int i = 0; i < t->n; i++) free(t->v[i].s);
    free(t->v);
    t->v = NULL;
    t->n = t->cap = 0;
}

/* ---- the canvas -------------------------------------------------------------- */

bool term_canvas(TermCanvas *cv, int rows, int cols) {
    cv->rows = rows; cv->cols = cols;
    cv->cell = malloc((size_t)rows * (size_t)cols * sizeof *cv->cell);
    if (!cv->cell) return false;
    for (int i = 0; i < rows * cols; i++)
        cv->cell[i] = (TermCell){ " ", TERM_DEFAULT, TERM_DEFAULT, false };
    return true;
}

TermCell *term_at(TermCanvas *cv, int r, int c) { return &cv->cell[r * cv->cols + c]; }

void term_set(TermCanvas *cv, int r, int c, const char *ch, int fg, int bg, bool bold) {
    if (r < 0 || r >= cv->rows || c < 0 || c >= cv->cols) return;
    TermCell *x = term_at(cv, r, c);
    snprintf(x->ch, sizeof x->ch, "%s", ch);
    x->fg = fg; x->bg = bg; x->bold = bold;
}

int term_dot_of(double f, int n, int sub) {
    int last = n * sub - 1;
    if (!(f >= 0)) f = 0;
    if (f > 1) f = 1;
    return (int)lround(f * last);
}

int term_cell_of(double f, int n, int sub) { return term_dot_of(f, n, sub) / sub; }

/* ---- the frame --------------------------------------------------------------- */

void term_frame(TermText *t, const TermCanvas *cv, const Axis *x, int subx, const Axis *y, int suby,
                int lw, int width) {
    /* the y tick of each row (the first one that lands there) */
    int *tick_of = malloc((size_t)(cv->rows + 1) * sizeof *tick_of);
    if (!tick_of) { t->oom = true; return; }
    for (int r = 0; r < cv->rows; r++) tick_of[r] = -1;
    for (int i = 0; i < y->n; i++) {
        int r = cv->rows - 1 - term_cell_of(axis_pos(y, y->at[i]), cv->rows, suby);
        if (tick_of[r] < 0) tick_of[r] = i;
    }
    for (int r = 0; r < cv->rows; r++) {
        TermLine *l = tt_line(t);
        if (!l) break;
        if (tick_of[r] >= 0) {
            const char *s = y->label[tick_of[r]];
            tl_pad(l, lw - utf8_width(s));
            tl_text(l, s);
            tl_text(l, " ┤");
        } else {
            tl_pad(l, lw);
            tl_text(l, " │");
        }
        for (int c = 0; c < cv->cols; c++) {
            const TermCell *cell = &cv->cell[r * cv->cols + c];
            tl_put(l, cell->ch, 1, cell->fg, cell->bg, cell->bold);
        }
    }
    free(tick_of);

    /* the x axis: a line with a ┬ at each tick, the labels centred below,
     * a label left out where it would touch its neighbour or the edge */
    TermLine *axis = tt_line(t);
    if (!axis) return;
    int n = cv->cols;
    char *marks = calloc((size_t)n, 1);
    if (!marks) { t->oom = true; return; }
    TermLine *labels = tt_line(t);
    if (!labels) { free(marks); return; }
    axis = labels - 1;
    tl_pad(axis, lw);
    tl_text(axis, " └");
    int origin = lw + 2, end = -2;
    for (int i = 0; i < x->n; i++) {
        int c = term_cell_of(axis_pos(x, x->at[i]), n, subx);
        marks[c] = 1;
        const char *s = x->label[i];
        int w = utf8_width(s), start = origin + c - (w - 1) / 2;
        if (start + w > width) start = width - w;
        if (start < end + 2 || start < 0) continue;
        tl_pad(labels, start);
        tl_text(labels, s);
        end = start + w;
    }
    for (int c = 0; c < n; c++) tl_text(axis, marks[c] ? "┬" : "─");
    free(marks);
}

void term_legend(TermText *t, const TermLegendItem *items, int n, int indent, int width) {
    TermLine *l = NULL;
    for (int i = 0; i < n; i++) {
        int w = utf8_width(items[i].sample) + 1 + utf8_width(items[i].name);
        if (!l || (l->width > indent && l->width + 3 + w > width)) {
            l = tt_line(t);
            if (!l) return;
            tl_pad(l, indent);
        } else if (l->width > indent) {
            tl_pad(l, l->width + 3);
        }
        tl_put(l, items[i].sample, -1, items[i].fg, items[i].bg, false);
        tl_text(l, " ");
        tl_put(l, items[i].name, width - l->width > 0 ? width - l->width : 0, TERM_DEFAULT, TERM_DEFAULT, false);
    }
}
