/* history.c — a model's training history in runs (history.h): recording an
 * epoch, closing a run at reset or load, the table and sparkline of
 * `history NET`, and its CSV text.
 * Must not: train, judge the curve (curve.c), or open and rename files (the
 * caller hands history_write_csv a stream; base/files.c writes it whole). */
#include "base/arena.h"
#include "base/text.h"
#include "lang/model.h"
#include "tensor/tensor.h"
#include "train/history.h"
#include <math.h>
#include <string.h>

const History *history_of(const Model *m) { return m->history; }

const HistoryRun *history_run(const Model *m, int r) {
    const History *h = m->history;
    if (!h || h->nruns == 0) return NULL;
    if (r < 0) r = h->nruns - 1;
    return r < h->nruns ? &h->runs[r] : NULL;
}

double history_grad_norm(const HistoryRun *run, int e, int l) {
    if (!run->grad_norm || e < 1 || e > run->n || l < 1 || l > run->nlayers) return NAN;
    return run->grad_norm[(size_t)(e - 1) * (size_t)run->nlayers + (size_t)(l - 1)];
}

/* the most epochs history_expect makes room for at once (32 bytes an epoch
 * without gradient norms, 2 MiB in all): a longer training grows as it goes */
enum { MAX_EXPECTED = 1 << 16 };

/* arrays in the interpreter's arena, grown to cap: amortised O(1) when cap doubles */
static void *grown(Interp *I, void *old, int n, int cap, size_t size) {
    return arena_grow(&I->perm, old, size * (size_t)n, size * (size_t)cap);
}

int history_begin(Interp *I, Model *m) {
    if (I->dry_run) return 0;
    if (!m->history) m->history = arena_alloc(&I->perm, sizeof *m->history);
    History *h = m->history;
    if (h->nruns == 0 || h->closed) {
        if (h->nruns == h->cap) {
            int cap = h->cap ? 2 * h->cap : 4;
            h->runs = grown(I, h->runs, h->nruns, cap, sizeof *h->runs);
            h->cap = cap;
        }
        h->runs[h->nruns++] = (HistoryRun){ .nlayers = m->nlayers };
        h->closed = false;
    }
    HistoryRun *r = &h->runs[h->nruns - 1];
    r->starts = grown(I, r->starts, r->nstarts, r->nstarts + 1, sizeof *r->starts);
    r->starts[r->nstarts++] = r->n;
    return r->n;
}

/* room for `want` epochs in r's arrays: at least doubled, so that adding one at a time is amortised O(1) */
static void reserve(Interp *I, HistoryRun *r, int want) {
    if (want <= r->cap) return;
    int cap = r->cap ? 2 * r->cap : 64;
    if (cap < want) cap = want;
    size_t L = (size_t)r->nlayers;
    r->loss = grown(I, r->loss, r->n, cap, sizeof *r->loss);
    r->valid_loss = grown(I, r->valid_loss, r->n, cap, sizeof *r->valid_loss);
    r->valid_accuracy = grown(I, r->valid_accuracy, r->n, cap, sizeof *r->valid_accuracy);
    r->lr = grown(I, r->lr, r->n, cap, sizeof *r->lr);
    if (r->grad_norm) r->grad_norm = grown(I, r->grad_norm, r->n * (int)L, cap * (int)L, sizeof *r->grad_norm);
    r->cap = cap;
}

void history_expect(Interp *I, Model *m, int epochs) {
    if (I->dry_run || !m->history || m->history->nruns == 0 || epochs > MAX_EXPECTED) return;
    HistoryRun *r = &m->history->runs[m->history->nruns - 1];
    reserve(I, r, r->n + epochs);
}

void history_add(Interp *I, Model *m, double loss, double valid_loss, double valid_accuracy, double lr,
                 const double *grad_norm) {
    if (I->dry_run || !m->history || m->history->nruns == 0) return;
    HistoryRun *r = &m->history->runs[m->history->nruns - 1];
    size_t L = (size_t)r->nlayers;
    reserve(I, r, r->n + 1);
    if (grad_norm && !r->grad_norm) {           /* the first tracked epoch: the earlier ones were not */
        r->grad_norm = arena_alloc(&I->perm, sizeof *r->grad_norm * L * (size_t)r->cap);
        for (size_t i = 0; i < L * (size_t)r->n; i++) r->grad_norm[i] = NAN;
    }
    int i = r->n++;
    r->loss[i] = loss;
    r->valid_loss[i] = valid_loss;
    r->valid_accuracy[i] = valid_accuracy;
    r->lr[i] = lr;
    for (size_t l = 0; r->grad_norm && l < L; l++) r->grad_norm[(size_t)i * L + l] = grad_norm ? grad_norm[l] : NAN;
}

void history_restored(Model *m, int first, int e) {
    if (m->history && m->history->nruns) m->history->runs[m->history->nruns - 1].restored_epoch = first + e;
}

void history_end_run(Model *m) {
    if (m->history && m->history->nruns && m->history->runs[m->history->nruns - 1].n) m->history->closed = true;
}

HistoryMark history_mark(const Model *m) {
    const History *h = m->history;
    if (!h || h->nruns == 0) return (HistoryMark){ 0 };
    const HistoryRun *r = &h->runs[h->nruns - 1];
    return (HistoryMark){ h->nruns, r->n, r->nstarts, r->restored_epoch, h->closed };
}

void history_rewind(Model *m, HistoryMark k) {
    History *h = m->history;
    if (!h || k.nruns > h->nruns) return;           /* nothing recorded since (the check pass records nothing) */
    h->nruns = k.nruns;
    h->closed = k.closed;
    if (!k.nruns) return;
    HistoryRun *r = &h->runs[k.nruns - 1];
    if (k.n > r->n || k.nstarts > r->nstarts) return;
    r->n = k.n;
    r->nstarts = k.nstarts;
    r->restored_epoch = k.restored_epoch;
}

/* ---- history NET ---------------------------------------------------------------- */

static bool any(const double *v, int n) {
    for (int i = 0; i < n; i++) if (!isnan(v[i])) return true;
    return false;
}

/* a one-line picture of the loss on a log scale: one character per bucket of epochs */
static void sparkline(FILE *f, const double *L, int n) {
    static const char *bars[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
    enum { COLS = 60 };
    int cols = n < COLS ? n : COLS;
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < n; i++)
        if (isfinite(L[i]) && L[i] > 0) { lo = fmin(lo, log(L[i])); hi = fmax(hi, log(L[i])); }
    if (!(lo <= hi)) return;
    fputs("  ", f);
    for (int c = 0; c < cols; c++) {
        int from = (int)((long)c * n / cols), to = (int)((long)(c + 1) * n / cols);
        double s = 0;
        int k = 0;
        for (int i = from; i < to; i++) if (isfinite(L[i]) && L[i] > 0) { s += log(L[i]); k++; }
        if (!k) { fputc(' ', f); continue; }
        int b = hi > lo ? (int)((s / k - lo) / (hi - lo) * 7.999) : 0;
        fputs(bars[b], f);
    }
    fprintf(f, "  (loss, log scale: %.4g to %.4g)\n", exp(lo), exp(hi));
}

/* the layers whose weight gradient a run tracked: those with parameters */
static bool tracked_layer(const Model *m, const HistoryRun *r, int l) {
    return r->grad_norm && l <= m->nlayers && layer_weight(&m->layers[l - 1]);
}

static const char *number(char *buf, size_t size, double v) {
    if (isnan(v)) *buf = 0;
    else snprintf(buf, size, "%.6g", v);
    return buf;
}

/* one line of the table: the cells after the epoch, each padded to its
 * width but the last that is not empty (nothing trails a line) */
enum { MAX_CELLS = 64 };
static void table_line(FILE *f, char cells[][32], const int *width, int n) {
    int last = n - 1;
    while (last >= 0 && !cells[last][0]) last--;
    for (int c = 0; c <= last; c++) {
        fputs("  ", f);
        if (c == last) fputs(cells[c], f);
        else print_padded(f, cells[c], width[c]);
    }
}

void history_print(Interp *I, const Model *m, bool all) {
    if (I->dry_run) return;
    const History *h = m->history;
    const HistoryRun *r = history_run(m, -1);
    if (!r || r->n == 0) { fprintf(I->out, "%s has not been trained yet: no history\n", m->name); return; }
    if (h->closed) {
        fprintf(I->out, "%s has not been trained since its last reset or load: no history yet (%d earlier run%s: "
                "history %s to \"FILE.csv\" writes %s)\n", m->name, h->nruns, h->nruns == 1 ? "" : "s", m->name,
                h->nruns == 1 ? "it" : "them");
        return;
    }
    bool valid = any(r->valid_loss, r->n), acc = valid && any(r->valid_accuracy, r->n);
    fprintf(I->out, "history of %s: %d epoch%s in %d train statement%s", m->name, r->n, r->n == 1 ? "" : "s",
            r->nstarts, r->nstarts == 1 ? "" : "s");
    if (h->nruns > 1) fprintf(I->out, " since the last reset or load (run %d)", h->nruns);
    fputc('\n', I->out);
    int digits = snprintf(NULL, 0, "%d", r->n);
    if (digits < 5) digits = 5;
    /* the columns: loss, valid and accuracy when there are any, each tracked layer's gradient norm */
    char cells[MAX_CELLS][32];
    int width[MAX_CELLS], layer[MAX_CELLS], n = 0;
    enum { LOSS = -1, VALID = -2, ACC = -3 };
    layer[n] = LOSS; width[n] = 12; snprintf(cells[n++], 32, "loss");
    if (valid) { layer[n] = VALID; width[n] = 12; snprintf(cells[n++], 32, "valid"); }
    if (acc) { layer[n] = ACC; width[n] = 9; snprintf(cells[n++], 32, "accuracy"); }
    for (int l = 1; l <= r->nlayers && n < MAX_CELLS; l++)
        if (tracked_layer(m, r, l)) { layer[n] = l; width[n] = 11; snprintf(cells[n++], 32, "‖∂C/∂W(%d)‖", l); }
    fprintf(I->out, "  %*s", digits, "epoch");
    table_line(I->out, cells, width, n);
    fputc('\n', I->out);
    enum { SHOWN = 20 };
    int step = all || r->n <= SHOWN ? 1 : (r->n + SHOWN - 1) / SHOWN;
    for (int i = 0; i < r->n; i++) {
        bool start = false;
        for (int s = 1; s < r->nstarts; s++) start |= r->starts[s] == i;
        if (!(i == 0 || i == r->n - 1 || (i + 1) % step == 0 || start)) continue;
        for (int c = 0; c < n; c++) {
            double v = layer[c] == LOSS ? r->loss[i] : layer[c] == VALID ? r->valid_loss[i]
                     : layer[c] == ACC ? r->valid_accuracy[i] : history_grad_norm(r, i + 1, layer[c]);
            number(cells[c], sizeof cells[c], v);
        }
        fprintf(I->out, "  %*d", digits, i + 1);
        table_line(I->out, cells, width, n);
        fputs(start ? "   (a new train statement)\n" : "\n", I->out);
    }
    if (r->n > 1) sparkline(I->out, r->loss, r->n);
    if (r->restored_epoch)
        fprintf(I->out, "  early stopping put back the weights of epoch %d\n", r->restored_epoch);
}

/* the digits a model's numbers have: 7 for float32, 15 for float64 */
static int model_digits(const Model *m) {
    for (int l = 0; l < m->nlayers; l++)
        if (m->layers[l].nparams) return m->layers[l].params[0].value->dtype == DT_F64 ? 15 : 7;
    return 7;
}

bool history_write_csv(FILE *f, const Model *m) {
    const History *h = m->history;
    int digits = model_digits(m);
    int nruns = h ? h->nruns : 0;
    bool grads = false;
    for (int k = 0; k < nruns; k++) grads |= h->runs[k].grad_norm != NULL;
    fputs("epoch,loss,valid_loss,valid_accuracy,lr", f);
    for (int l = 1; grads && l <= m->nlayers; l++) if (layer_weight(&m->layers[l - 1])) fprintf(f, ",grad_norm_%d", l);
    fputs(nruns > 1 ? ",run\n" : "\n", f);
    for (int k = 0; k < nruns; k++) {
        const HistoryRun *r = &h->runs[k];
        for (int i = 0; i < r->n; i++) {
            double v[4] = { r->loss[i], r->valid_loss[i], r->valid_accuracy[i], r->lr[i] };
            fprintf(f, "%d", i + 1);
            for (int j = 0; j < 4; j++) fprintf(f, isnan(v[j]) ? "," : ",%.*g", digits, v[j]);
            for (int l = 1; grads && l <= m->nlayers; l++) {
                if (!layer_weight(&m->layers[l - 1])) continue;
                double g = history_grad_norm(r, i + 1, l);
                fprintf(f, isnan(g) ? "," : ",%.*g", digits, g);
            }
            if (nruns > 1) fprintf(f, ",%d", k + 1);
            fputc('\n', f);
        }
    }
    return !ferror(f);
}
