/* csv.c — CSV text into a table: an optional header row, numeric feature
 * columns, and a target column of numbers (regression) or class labels
 * (names or whole numbers, made one-hot, the names kept).
 * Owns: lines, cells, quoting, the number syntax, choosing the columns and
 * the classes.  Two linear passes over the text (count rows, then read them)
 * and a sort of the target labels; no allocation per cell.
 * Must not: open files (gzfile.c) or know the interpreter (loaders.c). */
#include "base/arena.h"
#include "base/budget.h"
#include "base/diag.h"
#include "base/interrupt.h"
#include "base/steps.h"
#include "data/dataload.h"
#include "tensor/tensor.h"
#include <math.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

typedef struct Cell { const char *p; int len; bool quoted; } Cell;
typedef struct Line { const char *p, *end; int no; } Line;

typedef struct Csv {
    const char *file, *text, *end;
    const CsvOptions *o;
    DataError *err;
    Arena scratch;              /* freed on every return */
    Cell *cells;                /* one row's cells */
    int ncols;
    const char **names;         /* header names, or "1".."n" */
    /* the header's names hashed, made at the first lookup by name (a
     * column at a time was O(columns) each: 500,000 listed features took
     * minutes): slot -> column + 1, 0 empty; twice[slot] the column where
     * that name appears again, -1 */
    int *slots, *twice;
    unsigned mask;
} Csv;

static bool is_blank_char(char c, char delim) { return (c == ' ' || c == '\t' || c == '\r') && c != delim; }

/* the next line that is not blank; false at the end of the text */
static bool next_line(Csv *c, const char **pos, int *lineno, Line *l) {
    while (*pos < c->end) {
        const char *p = *pos, *e = memchr(p, '\n', (size_t)(c->end - p));
        if (!e) e = c->end;
        *pos = e < c->end ? e + 1 : c->end;
        (*lineno)++;
        const char *t = e;
        if (t > p && t[-1] == '\r') t--;
        const char *q = p;
        while (q < t && is_blank_char(*q, c->o->delimiter)) q++;
        if (q == t) continue;
        *l = (Line){ p, t, *lineno };
        return true;
    }
    return false;
}

/* Splits a line into cells, keeping at most max of them; returns how many
 * there are, or -1 after setting the error. */
static int split_cells(Csv *c, const Line *l, Cell *cells, int max) {
    char delim = c->o->delimiter;
    const char *p = l->p;
    int n = 0;
    for (;;) {
        while (p < l->end && is_blank_char(*p, delim)) p++;
        Cell cell = { p, 0, false };
        const char *e;
        if (p < l->end && *p == '"') {
            const char *q = p + 1;
            while (q < l->end && !(*q == '"' && !(q + 1 < l->end && q[1] == '"'))) q += *q == '"' ? 2 : 1;
            if (q >= l->end) {
                data_error(c->err, "%s:%d: a quoted cell is not closed (cell %d)", c->file, l->no, n + 1);
                return -1;
            }
            cell = (Cell){ p + 1, (int)(q - p - 1), true };
            e = q + 1;
            while (e < l->end && is_blank_char(*e, delim)) e++;
            if (e < l->end && *e != delim) {
                data_error(c->err, "%s:%d: text after the closing quote of cell %d", c->file, l->no, n + 1);
                return -1;
            }
        } else {
            e = p;
            while (e < l->end && *e != delim) e++;
            const char *t = e;
            while (t > p && is_blank_char(t[-1], delim)) t--;
            cell.len = (int)(t - p);
        }
        if (n < max) cells[n] = cell;
        n++;
        if (e >= l->end) return n;
        p = e + 1;
    }
}

/* A number: digits with an optional sign, point and exponent; nothing else. */
/* A plain decimal of at most 15 digits ([+-]digits[.digits], the usual
 * cell) as mantissa / 10^k: both are exact doubles, so one division rounds
 * the decimal's exact value correctly, as strtod does, at a fraction of its
 * cost.  false for anything else, which strtod reads. */
static bool plain_decimal(const char *p, int len, double *v) {
    static const double exact_power[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
                                          1e11, 1e12, 1e13, 1e14, 1e15 };
    const char *end = p + len;
    bool negative = false;
    if (p < end && (*p == '+' || *p == '-')) negative = *p++ == '-';
    uint64_t mantissa = 0;       /* wraps (defined) past 19 digits; more than 15 are refused below */
    const char *whole = p;
    while (p < end && (unsigned)(*p - '0') < 10) mantissa = mantissa * 10 + (uint64_t)(*p++ - '0');
    long digits = p - whole, fraction = 0;
    if (p < end && *p == '.') {
        const char *first = ++p;
        while (p < end && (unsigned)(*p - '0') < 10) mantissa = mantissa * 10 + (uint64_t)(*p++ - '0');
        fraction = p - first;
    }
    digits += fraction;
    if (p != end || digits == 0 || digits > 15) return false;
    double x = (double)mantissa / exact_power[fraction];
    *v = negative ? -x : x;
    return true;
}

/* CELL_HUGE: written as a number, but beyond even float64 (1e400) */
typedef enum { CELL_TEXT, CELL_NUMBER, CELL_HUGE } CellKind;

static CellKind cell_number(const Cell *cell, double *v) {
    if (cell->len > 0 && plain_decimal(cell->p, cell->len, v)) return CELL_NUMBER;
    char buf[64];
    if (cell->len == 0 || cell->len >= (int)sizeof buf) return CELL_TEXT;
    bool digit = false;
    for (int i = 0; i < cell->len; i++) {
        char ch = cell->p[i];
        if (ch >= '0' && ch <= '9') digit = true;
        else if (!strchr("+-.eE", ch) || ch == 0) return CELL_TEXT;
    }
    if (!digit) return CELL_TEXT;
    memcpy(buf, cell->p, (size_t)cell->len);
    buf[cell->len] = 0;
    char *end;
    *v = strtod(buf, &end);
    if (end != buf + cell->len) return CELL_TEXT;
    return isfinite(*v) ? CELL_NUMBER : CELL_HUGE;
}

/* why a number cell is not one of dt's numbers (1e39 in float32, 1e400), or NULL */
static const char *out_of_range(CellKind kind, double v, DType dt) {
    return kind == CELL_HUGE ? dtype_too_large(DT_F64) : dtype_holds(dt, v) ? NULL : dtype_too_large(dt);
}

/* the cell's text, quotes undone, in the arena */
static char *cell_text(Arena *ar, const Cell *cell) {
    char *s = arena_alloc(ar, (size_t)cell->len + 1);
    int k = 0;
    for (int i = 0; i < cell->len; i++) {
        s[k++] = cell->p[i];
        if (cell->quoted && cell->p[i] == '"') i++;     /* "" is one quote */
    }
    s[k] = 0;
    return s;
}

static const char *column_list(Csv *c) {
    static char buf[300];
    if (c->ncols > 12) { snprintf(buf, sizeof buf, "the header has %d columns", c->ncols); return buf; }
    int n = snprintf(buf, sizeof buf, "the columns are ");
    for (int i = 0; i < c->ncols && n < (int)sizeof buf; i++)
        n += snprintf(buf + n, sizeof buf - (size_t)n, "%s%s", i ? ", " : "", c->names[i]);
    return buf;
}

static unsigned name_hash(const char *name) {
    unsigned h = 2166136261u;                    /* FNV-1a */
    for (; *name; name++) h = (h ^ (unsigned char)*name) * 16777619u;
    return h;
}

/* the slot of name: where it is, or the empty slot where it would go */
static unsigned name_slot(Csv *c, const char *name) {
    unsigned i = name_hash(name) & c->mask;
    while (c->slots[i] && strcmp(c->names[c->slots[i] - 1], name) != 0) { nnl_steps++; i = (i + 1) & c->mask; }
    nnl_steps++;
    return i;
}

static void index_names(Csv *c) {
    unsigned size = 16;
    while (size < 2u * (unsigned)c->ncols) size *= 2;
    c->mask = size - 1;
    c->slots = arena_alloc(&c->scratch, sizeof(int) * size);
    c->twice = arena_alloc(&c->scratch, sizeof(int) * size);
    memset(c->slots, 0, sizeof(int) * size);
    for (unsigned i = 0; i < size; i++) c->twice[i] = -1;
    for (int col = 0; col < c->ncols; col++) {
        unsigned i = name_slot(c, c->names[col]);
        if (!c->slots[i]) c->slots[i] = col + 1;
        else if (c->twice[i] < 0) c->twice[i] = col;
    }
}

/* A column by name (the header is needed) or by number; -1 after an error. */
static int find_column(Csv *c, const char *name, int index, const char *what, const char *example) {
    if (!name) {
        if (index < -c->ncols || index >= c->ncols) {
            data_error(c->err, "%s: the %s column %d does not exist: there are %d columns (0 to %d, or -1 for the last)",
                       c->file, what, index, c->ncols, c->ncols - 1);
            return -1;
        }
        return index < 0 ? c->ncols + index : index;
    }
    if (!c->o->header) {
        data_error(c->err, "%s: the file has no header (header=false), so give the %s column by number, like %s",
                   c->file, what, example);
        return -1;
    }
    if (!c->slots) index_names(c);
    unsigned slot = name_slot(c, name);
    int found = c->slots[slot] - 1;
    if (found >= 0 && c->twice[slot] >= 0) {
        data_error(c->err, "%s: column '%s' appears twice in the header (columns %d and %d)", c->file, name, found,
                   c->twice[slot]);
        return -1;
    }
    if (found >= 0) return found;
    const char *best = NULL;
    int best_d = 3;
    for (int i = 0; i < c->ncols; i++) {
        int d = levenshtein(name, c->names[i]);
        if (d < best_d) { best = c->names[i]; best_d = d; }
    }
    if (best) data_error(c->err, "%s: no %s column '%s' in the header; did you mean '%s'?", c->file, what, name, best);
    else data_error(c->err, "%s: no %s column '%s' in the header; %s", c->file, what, name, column_list(c));
    return -1;
}

/* The feature columns: as listed, or every column but the target.  Returns
 * their count, or -1 after an error. */
static int feature_columns(Csv *c, int target, int *cols) {
    const CsvOptions *o = c->o;
    int n = 0;
    if (o->features) {
        const char *p = o->features;
        while (*p) {
            const char *e = strchr(p, ',');
            if (!e) e = p + strlen(p);
            const char *s = p, *t = e;
            while (s < t && *s == ' ') s++;
            while (t > s && t[-1] == ' ') t--;
            char *name = arena_alloc(&c->scratch, (size_t)(t - s) + 1);
            memcpy(name, s, (size_t)(t - s));
            if (n >= c->ncols) return data_error(c->err, "%s: more features are listed than there are columns", c->file), -1;
            if ((cols[n++] = find_column(c, name, 0, "feature", "features=[0, 1]")) < 0) return -1;
            p = *e ? e + 1 : e;
        }
    } else if (o->nfeature_index >= 0) {
        for (int i = 0; i < o->nfeature_index; i++) {
            if (n >= c->ncols) return data_error(c->err, "%s: more features are listed than there are columns", c->file), -1;
            if ((cols[n++] = find_column(c, NULL, o->feature_index[i], "feature", "")) < 0) return -1;
        }
    } else {
        for (int i = 0; i < c->ncols; i++) if (i != target) cols[n++] = i;
    }
    bool *listed = arena_alloc(&c->scratch, (size_t)c->ncols);     /* a column at most once: O(n), not O(n²) */
    memset(listed, 0, (size_t)c->ncols);
    for (int i = 0; i < n; i++) {
        nnl_steps++;
        if (cols[i] == target)
            return data_error(c->err, "%s: column '%s' is the target; it cannot also be a feature", c->file,
                              c->names[target]), -1;
        if (listed[cols[i]])
            return data_error(c->err, "%s: column '%s' is listed twice as a feature", c->file, c->names[cols[i]]), -1;
        listed[cols[i]] = true;
    }
    if (n == 0) return data_error(c->err, "%s: there are no feature columns besides the target", c->file), -1;
    return n;
}

/* one target cell: its text and, if it is one, its number */
typedef struct Label { Cell cell; double num; bool numeric; CellKind kind; int row, line; } Label;

static int by_number(const void *a, const void *b) {
    double x = ((const Label *)a)->num, y = ((const Label *)b)->num;
    return x < y ? -1 : x > y;
}

static int by_text(const void *a, const void *b) {
    const Cell *x = &((const Label *)a)->cell, *y = &((const Label *)b)->cell;
    int n = x->len < y->len ? x->len : y->len, d = memcmp(x->p, y->p, (size_t)n);
    return d ? d : (x->len > y->len) - (x->len < y->len);
}

/* Class labels sorted (numbers by value, names alphabetically) become
 * one-hot targets; regression targets a single column. */
static bool make_targets(Csv *c, Label *labels, int rows, Arena *ar, Table *out) {
    const CsvOptions *o = c->o;
    int first_text = -1;
    bool whole = true;
    for (int r = 0; r < rows; r++) {
        if (!labels[r].numeric && first_text < 0) first_text = r;
        if (labels[r].numeric && labels[r].num != floor(labels[r].num)) whole = false;
    }
    bool classes = o->classify == 1 || (o->classify < 0 && (first_text >= 0 || whole));
    if (!classes) {
        for (int r = 0; r < rows; r++) {
            const char *why = labels[r].kind == CELL_TEXT ? NULL : out_of_range(labels[r].kind, labels[r].num, o->dtype);
            if (why) return data_error(c->err, "%s:%d: the target '%.40s' is %s", c->file, labels[r].line,
                                       cell_text(&c->scratch, &labels[r].cell), why);
        }
        if (first_text >= 0)
            return data_error(c->err, "%s:%d: the target '%s' is not a number (with classify=false targets are numbers)",
                              c->file, labels[first_text].line, cell_text(&c->scratch, &labels[first_text].cell));
        int shape[2] = { rows, 1 };
        out->y = tensor_new(ar, o->dtype, 2, shape);
        for (int r = 0; r < rows; r++) tensor_set(out->y, r, labels[r].num);
        return true;
    }
    bool numeric = first_text < 0;
    qsort(labels, (size_t)rows, sizeof *labels, numeric ? by_number : by_text);
    int *ids = arena_alloc(&c->scratch, sizeof(int) * (size_t)rows);
    const char **names = arena_alloc(ar, sizeof(char *) * MAX_CLASSES);
    int n = 0;
    for (int r = 0; r < rows; r++) {
        bool same = r > 0 && (numeric ? by_number : by_text)(&labels[r - 1], &labels[r]) == 0;
        if (!same) {
            if (n == MAX_CLASSES)
                return data_error(c->err, "%s: the target column has more than %d different values; "
                                          "if it is a number to predict, say classify=false", c->file, MAX_CLASSES);
            /* -0 and 0 are one class, named 0 (+ 0.0 makes -0 into 0) */
            names[n++] = numeric ? arena_printf(ar, "%.9g", labels[r].num + 0.0) : cell_text(ar, &labels[r].cell);
        }
        ids[labels[r].row] = n - 1;
    }
    out->y = one_hot(ar, o->dtype, ids, rows, n);
    out->classes = names;
    out->nclasses = n;
    return true;
}

/* Ctrl-C (base/interrupt.h) during a long load */
static bool stopped(Csv *c, int line) {
    return data_error(c->err, "%s:%d: reading stopped there: interrupted (Ctrl-C)", c->file, line);
}

static bool parse(Csv *c, Arena *ar, Table *out) {
    const CsvOptions *o = c->o;
    const char *pos = c->text;
    int lineno = 0;
    Line first;
    if (!next_line(c, &pos, &lineno, &first)) return data_error(c->err, "%s: the file is empty", c->file);
    const char *nul = memchr(c->text, 0, (size_t)(c->end - c->text));
    if (nul) {
        int line = 1;
        for (const char *q = c->text; q < nul; q++) line += *q == '\n';
        return data_error(c->err, "%s:%d: the file contains a NUL byte; a CSV file is text", c->file, line);
    }
    int ncols = split_cells(c, &first, NULL, 0);
    if (ncols < 0) return false;
    if (ncols > MAX_ELEMENTS) return data_error(c->err, "%s:%d: too many cells", c->file, first.no);
    c->ncols = ncols;
    c->cells = arena_alloc(&c->scratch, sizeof(Cell) * (size_t)ncols);
    c->names = arena_alloc(&c->scratch, sizeof(char *) * (size_t)ncols);
    split_cells(c, &first, c->cells, ncols);
    for (int i = 0; i < ncols; i++)
        c->names[i] = o->header ? cell_text(&c->scratch, &c->cells[i]) : arena_printf(&c->scratch, "%d", i);
    int target = find_column(c, o->target, o->target_index, "target", "target=-1");
    if (target < 0) return false;
    int *cols = arena_alloc(&c->scratch, sizeof(int) * (size_t)ncols);
    int nfeat = feature_columns(c, target, cols);
    if (nfeat < 0) return false;

    /* pass 1: count the rows */
    const char *data_start = o->header ? pos : first.p;
    int data_line0 = o->header ? lineno : first.no - 1;
    long rows = 0;
    Line l;
    const char *p = data_start;
    int no = data_line0;
    while (next_line(c, &p, &no, &l))
        if ((++rows & 0xffff) == 0 && nnl_interrupt) return stopped(c, l.no);
    if (rows == 0) return data_error(c->err, "%s: no data rows after the header", c->file);
    int xs[2] = { (int)(rows < MAX_ELEMENTS ? rows : MAX_ELEMENTS), nfeat };
    if (rows > MAX_ELEMENTS || !dims_fit(2, xs))
        return data_error(c->err, "%s: %ld rows of %d features is more than %d numbers", c->file, rows, nfeat, MAX_ELEMENTS);

    /* pass 2: read them */
    out->x = tensor_new(ar, o->dtype, 2, xs);
    Label *labels = arena_alloc(&c->scratch, sizeof(Label) * (size_t)rows);
    p = data_start;
    no = data_line0;
    for (int r = 0; next_line(c, &p, &no, &l); r++) {
        if ((r & 0xfff) == 0 && nnl_interrupt) return stopped(c, l.no);
        int n = split_cells(c, &l, c->cells, ncols);
        if (n < 0) return false;
        if (n != ncols)
            return data_error(c->err, "%s:%d: this row has %d cell%s but the %s has %d", c->file, l.no, n,
                              n == 1 ? "" : "s", o->header ? "header" : "first row", ncols);
        for (int j = 0; j < nfeat; j++) {
            const Cell *cell = &c->cells[cols[j]];
            double v;
            CellKind kind = cell_number(cell, &v);
            if (kind == CELL_TEXT) {
                if (cell->len == 0)
                    return data_error(c->err, "%s:%d: the cell in column '%s' is empty", c->file, l.no, c->names[cols[j]]);
                return data_error(c->err, "%s:%d: '%.40s' in column '%s' is not a number", c->file, l.no,
                                  cell_text(&c->scratch, cell), c->names[cols[j]]);
            }
            /* a finite number below 1e15 is in range for both types */
            const char *why = kind == CELL_NUMBER && fabs(v) < 1e15 ? NULL : out_of_range(kind, v, o->dtype);
            if (why)
                return data_error(c->err, "%s:%d: '%.40s' in column '%s' is %s", c->file, l.no,
                                  cell_text(&c->scratch, cell), c->names[cols[j]], why);
            if (o->dtype == DT_F32) ((float *)out->x->data)[(size_t)r * nfeat + j] = (float)v;
            else tensor_set(out->x, r * nfeat + j, v);
        }
        Label *lb = &labels[r];
        lb->cell = c->cells[target];
        if (lb->cell.quoted) {      /* compared and named by its text, quotes undone */
            const char *t = cell_text(&c->scratch, &lb->cell);
            lb->cell = (Cell){ t, (int)strlen(t), false };
        }
        lb->row = r;
        lb->line = l.no;
        lb->kind = cell_number(&lb->cell, &lb->num);
        lb->numeric = lb->kind == CELL_NUMBER;
        if (lb->cell.len == 0)
            return data_error(c->err, "%s:%d: the target cell (column '%s') is empty", c->file, l.no, c->names[target]);
    }
    return make_targets(c, labels, (int)rows, ar, out);
}

bool csv_parse(const char *file, const char *text, size_t len, const CsvOptions *o, Arena *ar,
               Table *out, DataError *err) {
    Csv c = { .file = file, .text = text, .end = text + len, .o = o, .err = err };
    *out = (Table){ 0 };
    if (strchr("\"\n\r0123456789.+-eE", o->delimiter) || o->delimiter == 0)
        return data_error(err, "%s: the delimiter cannot be '%c'", file, o->delimiter);
    bool ok = parse(&c, ar, out);
    arena_free(&c.scratch);
    return ok;
}
