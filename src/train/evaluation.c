/* evaluation.c — tables printed for a person: what `evaluate` prints (loss,
 * accuracy, a confusion matrix with class names) and what `predict` prints
 * or writes (a class or the outputs per row, as a table or as CSV).
 * Owns: those layouts.  Must not: run a model, compute a loss or open a file
 * (train.c and predict.c pass the outputs and the stream in). */
#include "base/arena.h"
#include "base/text.h"
#include "tensor/tensor.h"
#include "train/evaluation.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>




/* ---- evaluate ------------------------------------------------------------------ */

/* The true and predicted class of each row, if the targets are classes:
 * one-hot rows (predicted: the largest output) or a single 0/1 column
 * (predicted: output > 0.5).  Returns the number of classes, or 0. */
static int classes_of(const Tensor *out, const Tensor *y, int *truth, int *pred) {
    int rows = y->shape[0], w = y->shape[1];
    for (int r = 0; r < rows; r++) {
        int ones = 0, best = 0;
        for (int j = 0; j < w; j++) {
            double v = tensor_get(y, r * w + j);
            if (v != 0 && v != 1) return 0;
            if (v == 1) { ones++; truth[r] = j; }
            if (tensor_get(out, r * w + j) > tensor_get(out, r * w + best)) best = j;
        }
        if (w == 1) {
            truth[r] = tensor_get(y, r) == 1;
            pred[r] = tensor_get(out, r) > 0.5;
        } else if (ones != 1) {
            return 0;
        } else {
            pred[r] = best;
        }
    }
    return w == 1 ? 2 : w;
}

static double right_fraction(const int *truth, const int *pred, int rows) {
    int right = 0;
    for (int r = 0; r < rows; r++) right += truth[r] == pred[r];
    return rows ? (double)right / rows : 0;
}

double accuracy_of(const Tensor *out, const Tensor *y) {
    int rows = y->shape[0];
    int *truth = malloc(sizeof(int) * (size_t)(2 * rows + 1)), *pred = truth + rows;
    if (!truth) return -1;
    double acc = classes_of(out, y, truth, pred) > 0 ? right_fraction(truth, pred, rows) : -1;
    free(truth);
    return acc;
}

enum { MAX_MATRIX = 30 };

static void print_confusion(FILE *f, const int *truth, const int *pred, int rows, int n, const char **names) {
    if (n > MAX_MATRIX) {
        fprintf(f, "confusion matrix: %d classes are too many to show (at most %d)\n", n, MAX_MATRIX);
        return;
    }
    long *count = calloc((size_t)(n * n), sizeof *count);
    if (!count) return;
    for (int r = 0; r < rows; r++) count[truth[r] * n + pred[r]]++;
    /* each column as wide as its class name or the largest count, so that
     * long names (Fashion-MNIST's) do not widen every column */
    char num[32];
    int label_w = (int)strlen("true \\ predicted"), count_w = 1, cell_w[MAX_MATRIX];
    for (int i = 0; i < n * n; i++) {
        int w = snprintf(num, sizeof num, "%ld", count[i]);
        if (w > count_w) count_w = w;
    }
    for (int j = 0; j < n; j++) {
        int w = text_width(names[j]);
        if (w > label_w) label_w = w;
        cell_w[j] = w > count_w ? w : count_w;
    }
    fprintf(f, "confusion matrix (rows: true class, columns: predicted):\n%-*s", label_w, "true \\ predicted");
    for (int j = 0; j < n; j++) fprintf(f, "  %*s%s", cell_w[j] - text_width(names[j]), "", names[j]);
    fputc('\n', f);
    for (int i = 0; i < n; i++) {
        print_padded(f, names[i], label_w);
        for (int j = 0; j < n; j++) fprintf(f, "  %*ld", cell_w[j], count[i * n + j]);
        fputc('\n', f);
    }
    free(count);
}

/* Every row's true and predicted class and the classes' names (the data's
 * own, or "0", "1", ...), in one allocation from ar.  n is 0 when the
 * targets are not classes. */
typedef struct Classes { int n; int *truth, *pred; const char **names; } Classes;

static Classes classify_rows(Arena *ar, const Tensor *out, const Dataset *d) {
    enum { DIGITS = 12 };
    int rows = d->y->shape[0], most = d->y->shape[1] > 2 ? d->y->shape[1] : 2;
    Classes c;
    c.names = arena_alloc(ar, sizeof(const char *) * (size_t)most + sizeof(int) * (size_t)(2 * rows + 1) +
                              (size_t)most * DIGITS);
    c.truth = (int *)(c.names + most);
    c.pred = c.truth + rows;
    char *digits = (char *)(c.pred + rows + 1);
    c.n = classes_of(out, d->y, c.truth, c.pred);
    for (int i = 0; i < c.n; i++) {
        if (d->classes && d->nclasses == c.n) { c.names[i] = d->classes[i]; continue; }
        snprintf(digits + DIGITS * i, DIGITS, "%d", i);
        c.names[i] = digits + DIGITS * i;
    }
    return c;
}

void report_evaluation(FILE *f, const Tensor *out, const Dataset *d, double loss, double penalty) {
    fputs("loss = ", f);
    print_number(f, loss, 6);      /* nan, never -nan */
    fputc('\n', f);
    int rows = d->y->shape[0];
    Arena ar = { 0 };          /* one allocation: if it fails, there is nothing to give back */
    Classes c = classify_rows(&ar, out, d);
    if (c.n > 0) fprintf(f, "accuracy = %.6g\n", right_fraction(c.truth, c.pred, rows));
    if (!isnan(penalty)) fprintf(f, "penalty = %.6g (training minimises loss + penalty = %.6g)\n", penalty, loss + penalty);
    if (c.n > 0) print_confusion(f, c.truth, c.pred, rows, c.n, c.names);
    arena_free(&ar);
}

/* ---- predict ------------------------------------------------------------------- */

/* a CSV cell: quoted when it holds a delimiter, a quote, a line end or edge blanks */
static void csv_cell(FILE *f, const char *s) {
    size_t len = strlen(s);
    bool quote = strpbrk(s, ",\"\r\n") || (len && (s[0] == ' ' || s[len - 1] == ' '));
    if (!quote) { fputs(s, f); return; }
    fputc('"', f);
    for (const char *c = s; *c; c++) {
        if (*c == '"') fputc('"', f);
        fputc(*c, f);
    }
    fputc('"', f);
}

/* one row of outputs or targets: "2.5", or "[1, 2]" when there are several */
static const char *values_str(Arena *ar, const Tensor *t, int r) {
    int w = t->shape[1];
    char *s = arena_printf(ar, "%s", w > 1 ? "[" : "");
    for (int j = 0; j < w; j++) s = arena_printf(ar, "%s%s%.6g", s, j ? ", " : "", tensor_get(t, r * w + j));
    return w > 1 ? arena_printf(ar, "%s]", s) : s;
}

static void csv_header_columns(FILE *f, const char *prefix, int w) {
    if (w == 1) fprintf(f, ",%s", prefix);
    for (int j = 0; w > 1 && j < w; j++) fprintf(f, ",%s_%d", prefix, j + 1);
}

static void csv_values(FILE *f, const Tensor *t, int r) {
    int w = t->shape[1];
    for (int j = 0; j < w; j++) fprintf(f, ",%.9g", tensor_get(t, r * w + j));
}

/* row,predicted,true,output_CLASS...  (one output column for a 0/1 target) */
static void csv_classes(Arena *ar, FILE *f, const Tensor *out, const Classes *c, int rows) {
    int w = out->shape[1];
    const int *truth = c->truth, *pred = c->pred;
    const char **names = c->names;
    fputs("row,predicted,true", f);
    if (w == 1) fputs(",output", f);
    for (int j = 0; w > 1 && j < w; j++) {
        fputc(',', f);
        csv_cell(f, arena_printf(ar, "output_%s", names[j]));
    }
    fputc('\n', f);
    for (int r = 0; r < rows; r++) {
        fprintf(f, "%d,", r + 1);
        csv_cell(f, names[pred[r]]);
        fputc(',', f);
        csv_cell(f, names[truth[r]]);
        csv_values(f, out, r);
        fputc('\n', f);
    }
}

/* row,output[_1..k],target[_1..k] */
static void csv_numbers(FILE *f, const Tensor *out, const Tensor *y, int rows) {
    fputs("row", f);
    csv_header_columns(f, "output", out->shape[1]);
    csv_header_columns(f, "target", y->shape[1]);
    fputc('\n', f);
    for (int r = 0; r < rows; r++) {
        fprintf(f, "%d", r + 1);
        csv_values(f, out, r);
        csv_values(f, y, r);
        fputc('\n', f);
    }
}

enum { PREDICT_COLS = 5 };

/* A table whose first column (the row number) is right-aligned and the others
 * left-aligned; a column that is empty in every row is left out. */
static void print_table(FILE *f, const char *(*cells)[PREDICT_COLS], int n) {
    int width[PREDICT_COLS] = { 0 };
    for (int r = 0; r < n; r++)
        for (int c = 0; c < PREDICT_COLS; c++) {
            int w = text_width(cells[r][c]);
            if (w > width[c]) width[c] = w;
        }
    for (int r = 0; r < n; r++) {
        int end = PREDICT_COLS;
        while (end > 1 && !*cells[r][end - 1]) end--;    /* no trailing blanks */
        fprintf(f, "%*s", width[0], cells[r][0]);
        for (int c = 1; c < end; c++)
            if (width[c]) {
                fputs("  ", f);
                print_padded(f, cells[r][c], c == end - 1 ? 0 : width[c]);
            }
        fputc('\n', f);
    }
}

void report_predictions(Arena *ar, FILE *f, const Tensor *out, const Dataset *d, int of_rows, bool csv) {
    int rows = d->y->shape[0], w = out->shape[1];
    Classes c = classify_rows(ar, out, d);
    int n = c.n, *truth = c.truth, *pred = c.pred;
    const char **names = c.names;
    if (csv) {
        if (n > 0) csv_classes(ar, f, out, &c, rows);
        else csv_numbers(f, out, d->y, rows);
    } else {
        const char *(*cells)[PREDICT_COLS] = arena_alloc(ar, sizeof *cells * (size_t)(rows + 1));
        if (n > 0) {
            cells[0][0] = "row"; cells[0][1] = "predicted"; cells[0][2] = "output"; cells[0][3] = "true";
            cells[0][4] = "";
            for (int r = 0; r < rows; r++) {
                double at = tensor_get(out, r * w + (w == 1 ? 0 : pred[r]));
                cells[r + 1][0] = arena_printf(ar, "%d", r + 1);
                cells[r + 1][1] = names[pred[r]];
                cells[r + 1][2] = arena_printf(ar, "%.3g", at);
                cells[r + 1][3] = names[truth[r]];
                cells[r + 1][4] = pred[r] == truth[r] ? "" : "wrong";
            }
        } else {
            cells[0][0] = "row"; cells[0][1] = "output"; cells[0][2] = "target"; cells[0][3] = cells[0][4] = "";
            for (int r = 0; r < rows; r++) {
                cells[r + 1][0] = arena_printf(ar, "%d", r + 1);
                cells[r + 1][1] = values_str(ar, out, r);
                cells[r + 1][2] = values_str(ar, d->y, r);
                cells[r + 1][3] = cells[r + 1][4] = "";
            }
        }
        print_table(f, cells, rows + 1);
        if (rows < of_rows) fprintf(f, "(the first %s of %s rows)\n", thousands(rows), thousands(of_rows));
    }
}
