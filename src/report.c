/* report.c — tables printed for a person: `summary NET` (layers, output
 * shapes, parameters and their count, like Keras' model.summary()) and what
 * `evaluate` prints (loss, accuracy, a confusion matrix with class names).
 * Owns: those layouts.  Must not: run a model or compute a loss (train.c
 * passes the outputs in). */
#include "interp.h"
#include <stdlib.h>
#include <string.h>

/* 11935 -> "11,935" in a rotating static buffer */
static const char *thousands(long n) {
    static char bufs[4][32];
    static int next;
    char *b = bufs[next++ & 3], digits[24];
    int len = snprintf(digits, sizeof digits, "%ld", n < 0 ? -n : n), k = 0;
    if (n < 0) b[k++] = '-';
    for (int i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0) b[k++] = ',';
        b[k++] = digits[i];
    }
    b[k] = 0;
    return b;
}

/* the columns a text takes: UTF-8 continuation bytes take none */
int text_width(const char *s) {
    int w = 0;
    for (; *s; s++) w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

/* s, then spaces up to `width` columns */
void print_padded(FILE *f, const char *s, int width) {
    fprintf(f, "%s%*s", s, width > text_width(s) ? width - text_width(s) : 0, "");
}

/* prints text after `lead`, wrapped at 80 columns, later lines indented by two */
void print_paragraph(FILE *f, const char *lead, const char *text) {
    enum { WIDTH = 80 };
    int col = fprintf(f, "%s", lead);
    for (const char *p = text; *p;) {
        while (*p == ' ') p++;
        int len = (int)strcspn(p, " "), w = 0;
        if (!len) break;
        for (int i = 0; i < len; i++) w += ((unsigned char)p[i] & 0xC0) != 0x80;   /* columns, not bytes */
        if (col + 1 + w > WIDTH) { fputs("\n ", f); col = 1; }
        if (col > 0) { fputc(' ', f); col++; }
        fwrite(p, 1, (size_t)len, f);
        col += w;
        p += len;
    }
    fputc('\n', f);
}

/* ---- summary ---------------------------------------------------------------- */

enum { SUMMARY_COLS = 4 };
typedef struct Row { const char *cell[SUMMARY_COLS]; } Row;

const char *layer_activation(const Layer *l) {
    for (int i = 0; i < l->nargs; i++)
        if (l->args[i].name == intern("activation") && l->args[i].v.kind == V_FUNC) {
            const Callable *fn = l->args[i].v.fn;
            return fn->kind == C_PARTIAL ? fn->base->name : fn->name;
        }
    return NULL;
}

static void print_rows(FILE *f, const Row *rows, int n) {
    int width[SUMMARY_COLS] = { 0 };
    for (int r = 0; r < n; r++)
        for (int c = 0; c < SUMMARY_COLS; c++) {
            int w = (int)strlen(rows[r].cell[c]);
            if (w > width[c]) width[c] = w;
        }
    int total = 0;
    for (int c = 0; c < SUMMARY_COLS; c++) total += width[c] + (c ? 3 : 0);
    for (int r = 0; r < n; r++) {
        if (r == 1 || r == n - 1) fprintf(f, "%.*s\n", total, "==================================================="
                                          "=====================================================================");
        /* the last column (the count) is right-aligned; the last row has only a label and the total */
        fprintf(f, "%-*s   %-*s   %-*s   %*s\n", width[0], rows[r].cell[0], width[1], rows[r].cell[1],
                width[2], rows[r].cell[2], width[3], rows[r].cell[3]);
    }
}

void exec_summary(Interp *I, const Node *n) {
    Value *v = global_find(I, n->name);
    if (!v || v->kind != V_MODEL) {
        if (v) fail_at(n->loc, "'%s' is %s, not a model", n->name, value_kind_name(*v));
        fail_at(n->loc, "unknown model '%s'", n->name);
    }
    Model *m = v->model;
    if (I->dry_run) return;
    Row *rows = arena_alloc(&I->pass, sizeof(Row) * (size_t)(m->nlayers + 3));
    int k = 0;
    rows[k++] = (Row){ { "layer", "output shape", "parameters", "count" } };
    rows[k++] = (Row){ { "0 input", arena_printf(&I->pass, "[%d]", m->in_dim), "", "0" } };
    for (int i = 0; i < m->nlayers; i++) {
        const Layer *l = &m->layers[i];
        const char *act = layer_activation(l);
        char *params = arena_printf(&I->pass, "%s", "");
        for (int p = 0; p < l->nparams; p++)
            params = arena_printf(&I->pass, "%s%s%s %s", params, p ? ", " : "", l->params[p].name,
                                  shape_str(l->params[p].value));
        long count = 0;
        for (int p = 0; p < l->nparams; p++) count += l->params[p].value->size;
        rows[k++] = (Row){ { arena_printf(&I->pass, "%d %s%s%s%s%s", l->index, l->label ? l->label : "",
                                          l->label ? ": " : "", l->def->name, act ? " " : "", act ? act : ""),
                             arena_printf(&I->pass, "[%d]", l->out_dim), params,
                             arena_printf(&I->pass, "%s", thousands(count)) } };
    }
    rows[k++] = (Row){ { "total", "", "", arena_printf(&I->pass, "%s", thousands(model_param_count(m))) } };
    fprintf(I->out, "model %s: %d", m->name, m->in_dim);
    for (int i = 0; i < m->nlayers; i++) fprintf(I->out, " -> %d", m->layers[i].out_dim);
    fputc('\n', I->out);
    print_rows(I->out, rows, k);
}

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
    char num[32];
    int label_w = (int)strlen("true \\ predicted"), cell_w = 1;
    for (int i = 0; i < n; i++) {
        int w = (int)strlen(names[i]);
        if (w > label_w) label_w = w;
        if (w > cell_w) cell_w = w;
    }
    for (int i = 0; i < n * n; i++) {
        int w = snprintf(num, sizeof num, "%ld", count[i]);
        if (w > cell_w) cell_w = w;
    }
    fprintf(f, "confusion matrix (rows: true class, columns: predicted):\n%-*s", label_w, "true \\ predicted");
    for (int j = 0; j < n; j++) fprintf(f, "  %*s", cell_w, names[j]);
    fputc('\n', f);
    for (int i = 0; i < n; i++) {
        fprintf(f, "%-*s", label_w, names[i]);
        for (int j = 0; j < n; j++) fprintf(f, "  %*ld", cell_w, count[i * n + j]);
        fputc('\n', f);
    }
    free(count);
}

void report_evaluation(FILE *f, const Tensor *out, const Dataset *d, double loss) {
    fputs("loss = ", f);
    print_number(f, loss, 6);      /* nan, never -nan */
    fputc('\n', f);
    int rows = d->y->shape[0];
    int *truth = malloc(sizeof(int) * (size_t)(2 * rows + 1)), *pred = truth + rows;
    if (!truth) return;
    int n = classes_of(out, d->y, truth, pred);
    if (n > 0) {
        fprintf(f, "accuracy = %.6g\n", right_fraction(truth, pred, rows));
        const char *fallback[MAX_MATRIX];
        char digits[MAX_MATRIX][12];
        const char **names = d->classes && d->nclasses == n ? d->classes : fallback;
        for (int i = 0; i < n && i < MAX_MATRIX && names == fallback; i++) {
            snprintf(digits[i], sizeof digits[i], "%d", i);
            fallback[i] = digits[i];
        }
        print_confusion(f, truth, pred, rows, n, names);
    }
    free(truth);
}
