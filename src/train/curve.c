/* curve.c — the rules that read a loss curve: NaN, rising, oscillating,
 * flat, overfitting — each with a paragraph saying what it means — and the
 * notes on where a NaN came from.
 * Must not: train or run a model (train.c calls in with the numbers), or
 * keep the history (history.c). */
#include "autodiff/prims.h"
#include "base/arena.h"
#include "base/diag.h"
#include "base/text.h"
#include "tensor/tensor.h"
#include "train/curve.h"
#include "train/history.h"
#include <stdlib.h>
#include <string.h>

/* ---- the rules -------------------------------------------------------------- */

Diagnosis curve_diagnose(const double *train, const double *valid, int n) {
    Diagnosis d = { .kind = CURVE_FINE };
    for (int i = 0; i < n; i++)
        if (!isfinite(train[i]) || (valid && !isnan(valid[i]) && !isfinite(valid[i]))) {
            d.kind = CURVE_NONFINITE;
            d.epoch = i + 1;
            return d;
        }
    if (n < CURVE_MIN_EPOCHS) return d;
    double first = train[0], last = train[n - 1];
    if (last > first * CURVE_RISE_FACTOR) { d.kind = CURVE_RISING; return d; }
    double lo = first, hi = first;
    for (int i = 1; i < n; i++) { lo = fmin(lo, train[i]); hi = fmax(hi, train[i]); }
    for (int i = 1; i < n; i++)
        if (train[i] > train[i - 1] * CURVE_UP_STEP && train[i] - train[i - 1] > CURVE_UP_SPAN * (hi - lo)) {
            d.ups++;
            double rise = train[i] / train[i - 1] - 1;
            if (rise > d.worst_rise) d.worst_rise = rise;
        }
    if (d.ups >= CURVE_UP_SHARE * (n - 1)) { d.kind = CURVE_OSCILLATING; return d; }
    d.ups = 0;
    d.worst_rise = 0;
    if (first - last < CURVE_FLAT_DROP * first && first >= CURVE_FLAT_FLOOR) {
        d.kind = CURVE_FLAT;
        d.unchanged = true;
        for (int i = 1; i < n; i++) d.unchanged &= train[i] == first;
        return d;
    }
    if (!valid) return d;
    int best = -1, measured = 0;
    for (int i = 0; i < n; i++)
        if (!isnan(valid[i])) {
            measured++;
            if (best < 0 || valid[i] < valid[best]) best = i;
        }
    int end = n - 1;
    while (end >= 0 && isnan(valid[end])) end--;
    if (measured >= CURVE_MIN_EPOCHS && best < end && valid[end] > valid[best] * CURVE_OVERFIT_FACTOR &&
        train[end] < train[best]) {
        d.kind = CURVE_OVERFITTING;
        d.epoch = best + 1;
    }
    return d;
}

/* ---- paragraphs ------------------------------------------------------------- */

static bool has_valid(const HistoryRun *h, int first) {
    for (int i = first; i < h->n; i++) if (!isnan(h->valid_loss[i])) return true;
    return false;
}

/* the root mean square of every parameter's gradient (of the last batch) */
static double gradient_rms(const Model *m) {
    double ss = 0;
    long n = 0;
    for (int l = 0; l < m->nlayers; l++)
        for (int k = 0; k < m->layers[l].nparams; k++) {
            const Tensor *g = m->layers[l].params[k].value->grad;
            for (int i = 0; i < g->size; i++) { double v = tensor_get(g, i); ss += v * v; }
            n += g->size;
        }
    return n ? sqrt(ss / (double)n) : 0;
}

static char *describe(Interp *I, Model *m, const Diagnosis *d, const double *L, const double *V, int n) {
    Arena *a = &I->pass;
    switch (d->kind) {
    case CURVE_RISING:
        return arena_printf(a, "the loss rose from %.4g (epoch 1) to %.4g (epoch %d) instead of falling. "
            "Likely the learning rate is too large: each step overshoots the minimum and lands higher up the "
            "other side; try one 10 times smaller. If it climbs from the very first step even with a small "
            "learning rate, the update may have the wrong sign (w += lr * g climbs the loss).",
            L[0], L[n - 1], n);
    case CURVE_OSCILLATING:
        return arena_printf(a, "the loss went up and down: it rose in %d of %d epochs, by up to %.0f %%, and "
            "ended at %.4g (from %.4g). Likely the learning rate is too large: the steps jump across the "
            "minimum instead of into it; try a smaller one, or a schedule that decays it. (With small "
            "batches some noise is normal; a larger batch smooths it.)",
            d->ups, n - 1, 100 * d->worst_rise, L[n - 1], L[0]);
    case CURVE_FLAT: {
        double g = gradient_rms(m);
        if (d->unchanged)
            return arena_printf(a, "the loss did not change at all (%.6g in every epoch): no gradient reaches "
                "the weights (the last batch's gradients have an rms of %.3g), or the learning rate is 0. "
                "Look for dead relu units, a step activation, or weights that all start equal "
                "(activations %s on DATA, gradients %s on DATA).", L[0], g, m->name, m->name);
        return arena_printf(a, "the loss barely fell: %.6g at epoch 1, %.6g at epoch %d (%+.2g%%). The "
            "last batch's gradients have an rms of %.3g. Likely the learning rate is too small: try one 10 "
            "times larger. Or little gradient reaches the weights: dead relu units, saturated sigmoid or tanh "
            "units, a deep sigmoid net (gradients %s on DATA shows each layer's gradient, activations %s on "
            "DATA the dead and saturated units).",
            L[0], L[n - 1], n, 100 * (L[n - 1] - L[0]) / L[0], g, m->name, m->name);
    }
    case CURVE_OVERFITTING: {
        int e = d->epoch, last = n;
        while (last > 0 && isnan(V[last - 1])) last--;
        return arena_printf(a, "the validation loss was lowest at epoch %d (%.4g) and has risen since, to %.4g "
            "at epoch %d, while the training loss kept falling (%.4g to %.4g): the net is overfitting from "
            "epoch %d on, learning the training rows rather than what they have in common. Stop near epoch %d "
            "(early stopping), add regularisation (L2, dropout), use more data or a smaller net.",
            e, V[e - 1], V[last - 1], last, L[e - 1], L[last - 1], e, e);
    }
    case CURVE_NONFINITE: case CURVE_FINE: break;
    }
    return NULL;
}

void curve_report(Interp *I, Model *m, int first, bool stopped_early) {
    const HistoryRun *h = history_run(m, -1);
    if (I->dry_run || !h || h->n - first <= 0) return;
    int n = h->n - first;
    const double *L = h->loss + first, *V = has_valid(h, first) ? h->valid_loss + first : NULL;
    Diagnosis d = curve_diagnose(L, V, n);
    if (stopped_early && d.kind == CURVE_OVERFITTING) return;    /* early stopping dealt with it */
    char *text = describe(I, m, &d, L, V, n);
    if (!text) return;
    print_paragraph(I->out, "diagnosis:", text);
}

/* ---- NaN and infinity --------------------------------------------------------- */

static bool all_finite(const Tensor *t) {
    for (int i = 0; i < t->size; i++) if (!isfinite(tensor_get(t, i))) return false;
    return true;
}

void curve_overflow_notes(Interp *I, Model *m, int first, int epoch, bool updated, const char *cause, SrcLoc loc) {
    const HistoryRun *h = I->dry_run ? NULL : history_run(m, -1);
    int done = h ? h->n - first : 0;
    if (done >= 1) {
        const double *L = h->loss + first;
        int peak = 0;
        for (int i = 1; i < done; i++) if (L[i] > L[peak]) peak = i;
        diag_note(loc, "before epoch %d the loss went from %.4g (epoch 1) to %.4g (epoch %d)%s", epoch, L[0],
                  L[done - 1], done, peak == done - 1 && done > 1 ? ", rising" : "");
    }
    /* the tape still holds the failing batch's ops: the first that made a non-finite value */
    for (int i = 0; i < I->tape.n; i++) {
        const TapeEntry *e = &I->tape.entries[i];
        if (all_finite(e->call.out)) continue;
        if (e->layer)
            diag_note(e->loc, "the first non-finite value of that pass was made by '%s' in layer %d",
                      prims[e->call.op].name, e->layer);
        else
            diag_note(e->loc, "the first non-finite value of that pass was made by '%s'", prims[e->call.op].name);
        break;
    }
    if (!updated) {     /* the first pass of this training: no step of it can have overshot */
        diag_note(loc, "this was the first pass of this training, before any update, so the learning rate is "
                  "not the cause: look for log or sqrt of a negative number, log of 0 or a division by 0 in the "
                  "model's or the loss's code, and at the data and weights it started from (numbers far from 0)");
        return;
    }
    if (cause) { diag_note(I->optimizer.set ? I->optimizer.loc : loc, "%s", cause); return; }
    double gmax = 0;
    for (int l = 0; l < m->nlayers; l++)
        for (int k = 0; k < m->layers[l].nparams; k++) {
            const Tensor *g = m->layers[l].params[k].value->grad;
            for (int i = 0; i < g->size; i++) gmax = fmax(gmax, fabs(tensor_get(g, i)));
        }
    SrcLoc where = I->optimizer.set ? I->optimizer.loc : loc;
    diag_note(where, "numbers overflowed (largest gradient entry %.3g): likely the learning rate is too large, so "
              "each update overshoots and the weights grow until exp or a square overflows; try one 10 times "
              "smaller.  Other causes: log of 0 in a hand-written loss (the fused cross_entropy avoids it), a "
              "division by something that reaches 0, inputs far from 0 (normalize them)", gmax);
}
