/* diagnose.c — the teaching diagnostics that read one pass: `gradients`
 * (each layer's δ(l) and gradients, output to input), `activations` (each
 * layer's z(l): mean, std, saturation, a histogram), `sanity overfit` (train a
 * copy on a few rows), `sanity loss` and the initial loss check of `train`
 * (the loss before training next to log(n)); and the dispatch of every
 * diagnostic statement.  Passes are recorded by trace.c (the single source
 * of truth for a pass); training steps are train.c's.
 * Must not: differentiate (tape.c, prims.c) or judge loss curves (curve.c). */
#include "base/interrupt.h"
#include "base/arena.h"
#include "base/diag.h"
#include "base/files.h"
#include "base/text.h"
#include "lang/eval.h"
#include "lang/loaders.h"
#include "lang/model.h"
#include "lang/settings.h"
#include "lang/stdnames.h"
#include "teach/diagnose.h"
#include "teach/operands.h"
#include "teach/trace.h"
#include "tensor/tensor.h"
#include "train/curve.h"
#include "train/evaluation.h"
#include "train/history.h"
#include "train/lint.h"
#include "train/snapshot.h"
#include "train/optstep.h"
#include "train/train.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static double mean_abs(const Tensor *t) {
    double s = 0;
    for (int i = 0; i < t->size; i++) s += fabs(tensor_get(t, i));
    return t->size ? s / t->size : 0;
}

const char *layer_title(Interp *I, const Layer *l) {
    const char *act = layer_activation(l);
    return arena_printf(&I->pass, "%d %s", l->index, act ? act : l->def->name);
}

/* ---- gradients NET on DATA ---------------------------------------------------------- */

typedef struct GradRow { const char *layer, *what; double norm, mean; } GradRow;

static void gradients_verdict(Interp *I, const Model *m) {
    const Layer *bottom = NULL, *top = NULL;
    for (int l = 0; l < m->nlayers; l++)
        if (layer_weight(&m->layers[l])) { if (!bottom) bottom = &m->layers[l]; top = &m->layers[l]; }
    if (!bottom || bottom == top) return;
    double lo = tensor_l2_norm(layer_weight(bottom)->value->grad), hi = tensor_l2_norm(layer_weight(top)->value->grad);
    const char *p = layer_weight(bottom)->name, *q = layer_weight(top)->name, *text;
    double ratio = lo / hi;
    if (hi == 0)
        text = "the output layer's gradient is 0: no gradient flows at all (is the loss already 0?)";
    else if (ratio < 1e-2)
        text = arena_printf(&I->pass, "vanishing gradients: ‖∂C/∂%s(%d)‖ is %.2g times ‖∂C/∂%s(%d)‖, so the first layers learn "
                "that much more slowly.  Each layer multiplies δ by h'(a) ⊙ Wᵀ on its way down; σ'(a) ≤ 0.25, so "
                "a deep sigmoid net shrinks it at every layer (relu with he initialisation keeps it: relu' is 1 "
                "where a unit is active).", p, bottom->index, ratio, q, top->index);
    else if (ratio > 1e2)
        text = arena_printf(&I->pass, "exploding gradients: ‖∂C/∂%s(%d)‖ is %.2g times ‖∂C/∂%s(%d)‖: the weights "
                "are too large for the depth (each layer multiplies δ by Wᵀ); initialise them smaller (xavier, he).",
                p, bottom->index, ratio, q, top->index);
    else
        text = arena_printf(&I->pass, "the gradient reaches every layer: ‖∂C/∂%s(%d)‖ is %.2g times ‖∂C/∂%s(%d)‖.",
                p, bottom->index, ratio, q, top->index);
    print_paragraph(I->out, "", text);
}

/* a bar 3 characters a decade below the largest norm */
static void log_bar(FILE *f, double v, double max) {
    int len = v > 0 && max > 0 ? (int)lround(36 + 3 * log10(v / max)) : 0;
    for (int i = 0; i < len; i++) fputs("█", f);
}

static void exec_gradients(Interp *I, const Node *cmd) {
    static const char *const options[] = { "rows", NULL };
    double values[] = { 1e9 };
    Operands o;
    diagnostic_operands(I, cmd, 0, true, options, values, &o);
    Trace *t = trace_record(I, o.m, o.x, o.y, cmd->loc);
    t->pos = trace_total(t);            /* the pass is complete: `show delta 1` shows what the table sums up */
    if (I->dry_run) return;
    const Model *m = o.m;
    GradRow *rows = arena_alloc(&I->pass, sizeof *rows * (size_t)(m->nlayers * 2 + 1));
    int n = 0;
    for (int l = m->nlayers; l >= 1; l--) {
        const Layer *layer = &m->layers[l - 1];
        const char *title = layer_title(I, layer), *aname;
        Tensor *a = trace_preactivation(t, l, &aname);
        if (a && a->grad) {
            rows[n++] = (GradRow){ title, strcmp(aname, "a") == 0 ? arena_printf(&I->pass, "δ(%d)", l)
                                                                  : arena_printf(&I->pass, "δ(%d) = ∂C/∂%s", l, aname),
                                   tensor_l2_norm(a->grad), mean_abs(a->grad) };
            title = "";                              /* the layer's name once */
        }
        const Param *w = layer_weight(layer);
        if (w)
            rows[n++] = (GradRow){ title, arena_printf(&I->pass, "∂C/∂%s(%d)", w->name, l), tensor_l2_norm(w->value->grad),
                                   mean_abs(w->value->grad) };
    }
    double max = 0;
    int wl = 5, ww = 5;
    for (int i = 0; i < n; i++) {
        max = fmax(max, rows[i].norm);
        wl = (int)fmax(wl, text_width(rows[i].layer));
        ww = (int)fmax(ww, text_width(rows[i].what));
    }
    fprintf(I->out, "gradients of %s on %s: %d row%s, loss %.6g; from the output layer down\n", m->name, o.d->name,
            o.rows, o.rows == 1 ? "" : "s", tensor_get(t->data_loss ? t->data_loss : t->loss, 0));
    fprintf(I->out, "  %-*s  %-*s  %-11s  %-11s  norm on a log scale (3 characters a decade)\n", wl, "layer",
            ww, "value", "norm", "mean |.|");
    for (int i = 0; i < n; i++) {
        fprintf(I->out, "  %-*s  ", wl, rows[i].layer);
        print_padded(I->out, rows[i].what, ww);
        fprintf(I->out, "  %-11.4g  %-11.4g  ", rows[i].norm, rows[i].mean);
        log_bar(I->out, rows[i].norm, max);
        fputc('\n', I->out);
    }
    gradients_verdict(I, m);
}

/* ---- activations NET on DATA -------------------------------------------------------- */

Saturation saturation_of(const char *act) {
    if (!act) return SAT_NONE;
    if (strcmp(act, "sigmoid") == 0) return SAT_SIGMOID;
    if (strcmp(act, "tanh") == 0) return SAT_TANH;
    if (strcmp(act, "relu") == 0) return SAT_RELU;
    return SAT_NONE;
}

static bool saturated(Saturation s, double z) {
    switch (s) {
    case SAT_SIGMOID: return z < 0.01 || z > 0.99;
    case SAT_TANH: return fabs(z) > 0.99;
    case SAT_RELU: return z == 0;
    case SAT_NONE: break;
    }
    return false;
}

ActStats activation_stats(const Tensor *z, Saturation kind) {
    ActStats s = { .kind = kind, .units = z->shape[1] };
    int rows = z->shape[0], w = z->shape[1], hits = 0;
    for (int i = 0; i < z->size; i++) { s.mean += tensor_get(z, i); hits += saturated(kind, tensor_get(z, i)); }
    s.mean /= z->size;
    for (int i = 0; i < z->size; i++) s.std += (tensor_get(z, i) - s.mean) * (tensor_get(z, i) - s.mean);
    s.std = sqrt(s.std / z->size);
    s.sat = (double)hits / z->size;
    for (int j = 0; j < w && kind == SAT_RELU; j++) {
        bool dead = true;
        for (int r = 0; r < rows && dead; r++) dead = tensor_get(z, r * w + j) == 0;
        s.dead += dead;
    }
    return s;
}

void activation_range(const char *act, const Tensor *z, double *lo_out, double *hi_out) {
    Saturation kind = saturation_of(act);
    double lo = kind == SAT_TANH ? -1 : kind == SAT_SIGMOID || kind == SAT_RELU ? 0 : INFINITY, hi = -INFINITY;
    if (act && strcmp(act, "softmax") == 0) lo = 0, hi = 1;
    else if (kind == SAT_TANH || kind == SAT_SIGMOID) hi = 1;
    else {
        for (int i = 0; i < z->size; i++) {
            lo = fmin(lo, tensor_get(z, i));
            hi = fmax(hi, tensor_get(z, i));
        }
        if (!(hi > lo)) { lo -= 0.5; hi += 0.5; }
    }
    *lo_out = lo;
    *hi_out = hi;
}

/* one line: 20 buckets from lo to hi, each a bar of 8 heights (relative to the fullest) */
static void histogram(FILE *f, const Tensor *z, double lo, double hi) {
    enum { BUCKETS = 20 };
    static const char *bars[] = { " ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
    int count[BUCKETS] = { 0 }, most = 0;
    for (int i = 0; i < z->size; i++) {
        int b = (int)((tensor_get(z, i) - lo) / (hi - lo) * BUCKETS);
        count[b < 0 ? 0 : b >= BUCKETS ? BUCKETS - 1 : b]++;
    }
    for (int b = 0; b < BUCKETS; b++) if (count[b] > most) most = count[b];
    fprintf(f, "%6.3g |", lo);
    for (int b = 0; b < BUCKETS; b++) fputs(bars[(count[b] * 8L + most - 1) / most], f);   /* the fullest: █ */
    fprintf(f, "| %.3g", hi);
}

static void activations_verdict(Interp *I, const Model *m, const ActStats *st) {
    int hidden = m->nlayers > 1 ? m->nlayers - 1 : m->nlayers;     /* the output layer is judged by the loss */
    const char *text = NULL;
    for (int l = 0; l < hidden && !text; l++) {
        if ((st[l].kind == SAT_SIGMOID || st[l].kind == SAT_TANH) && st[l].sat > 0.5)
            text = arena_printf(&I->pass, "layer %d is saturated: %.0f %% of its units sit at the ends of their "
                    "range, where h'(a) is nearly 0, so almost no gradient passes through them; the weights are too "
                    "large for the fan-in (xavier scales them by 1/√fan_in).", l + 1, 100 * st[l].sat);
        else if (st[l].kind == SAT_RELU && st[l].dead * 2 > st[l].units)
            text = arena_printf(&I->pass, "layer %d has %d of %d relu units dead (0 on every row): they pass no "
                    "gradient and never recover; initialise with he, lower the learning rate, or use leaky_relu.",
                    l + 1, st[l].dead, st[l].units);
    }
    if (!text && hidden >= 3 && st[hidden - 1].std < 0.1 * st[0].std)
        text = arena_printf(&I->pass, "the activations shrink layer by layer (std %.3g in layer 1, %.3g in layer "
                "%d): the weights are too small, so each layer scales the signal down, and the gradients on the way "
                "back too.  Xavier keeps the variance steady: Var(a) = fan_in · Var(W) · Var(z) stays Var(z) with "
                "Var(W) = 1/fan_in (he: 2/fan_in for relu, which zeroes half).", st[0].std, st[hidden - 1].std,
                hidden);
    else if (!text && hidden >= 2)
        text = arena_printf(&I->pass, "the spread stays steady from layer to layer (std %.3g in layer 1, %.3g in "
                "layer %d).", st[0].std, st[hidden - 1].std, hidden);
    if (text) print_paragraph(I->out, "", text);
}

static void exec_activations(Interp *I, const Node *cmd) {
    static const char *const options[] = { "rows", NULL };
    double values[] = { 1e9 };
    Operands o;
    diagnostic_operands(I, cmd, 0, false, options, values, &o);
    Trace *t = trace_record(I, o.m, o.x, NULL, cmd->loc);
    t->pos = trace_total(t);            /* the forward pass is complete: `show z 2` shows it */
    if (I->dry_run) return;
    const Model *m = o.m;
    ActStats *st = arena_alloc(&I->pass, sizeof *st * (size_t)m->nlayers);
    fprintf(I->out, "activations of %s on %s: %d row%s, z(l) of each layer\n", m->name, o.d->name, o.rows,
            o.rows == 1 ? "" : "s");
    fprintf(I->out, "  %-12s  %-10s  %-10s  %-16s  histogram\n", "layer", "mean", "std", "saturated");
    bool kinds[4] = { false };
    for (int l = 1; l <= m->nlayers; l++) {
        const Layer *layer = &m->layers[l - 1];
        const TapeLayer *tl = trace_layer(t, l);
        const char *act = layer_stdlib_activation(I, layer);    /* a script's own sigmoid has no known limits */
        Saturation kind = saturation_of(act);
        st[l - 1] = activation_stats(tl->out, kind);
        kinds[kind] = true;
        const char *sat = kind == SAT_NONE ? "-"
                        : kind == SAT_RELU ? arena_printf(&I->pass, "%.1f %% (%d dead)", 100 * st[l - 1].sat, st[l - 1].dead)
                                           : arena_printf(&I->pass, "%.1f %%", 100 * st[l - 1].sat);
        fprintf(I->out, "  %-12s  %-10.4g  %-10.4g  %-16s  ", layer_title(I, layer), st[l - 1].mean, st[l - 1].std, sat);
        double lo, hi;
        activation_range(act, tl->out, &lo, &hi);
        histogram(I->out, tl->out, lo, hi);
        fputc('\n', I->out);
    }
    fputs("  saturated:", I->out);
    if (kinds[SAT_SIGMOID]) fputs(" sigmoid z < 0.01 or > 0.99;", I->out);
    if (kinds[SAT_TANH]) fputs(" tanh |z| > 0.99;", I->out);
    if (kinds[SAT_RELU]) fputs(" relu z = 0 (dead: 0 on every row);", I->out);
    fputs(" - no limit to saturate at\n", I->out);
    activations_verdict(I, m, st);
}


static void exec_sanity_loss(Interp *I, const Node *cmd) {
    static const char *const options[] = { "rows", NULL };
    double values[] = { 1e9 };
    Operands o;
    diagnostic_operands(I, cmd, 1, true, options, values, &o);
    int n = cross_entropy_classes(I, o.d);
    if (n < 2)
        fail_at(cmd->loc, "'sanity loss' needs a cross-entropy loss and class targets (one-hot rows, or one "
                "column of 0s and 1s): only then is log(n) the loss to expect");
    double loss = train_pass(I, o.m, o.x, o.y, false, cmd->loc);
    compare_initial_loss(I, o.m, n, loss, tensor_rows(o.x), true, cmd->loc);
}

/* ---- sanity overfit NET on DATA ---------------------------------------------------------- */

typedef struct Overfit { int epoch; double first, loss, accuracy; bool finite; } Overfit;

/* trains m on x, y full batch until every row is right (or the loss is 1 % of
 * the first, for targets that are not classes) or `epochs` run out */
static Overfit overfit(Interp *I, Model *m, Tensor *x, Tensor *y, int epochs, SrcLoc loc) {
    Overfit r = { .finite = true };
    for (int l = 0; l < m->nlayers; l++)
        for (int k = 0; k < m->layers[l].nparams; k++) {
            m->layers[l].params[k].state = NULL;      /* fresh optimizer state: the snapshot keeps the old */
            m->layers[l].params[k].nstate = 0;
        }
    m->state_owner = I->optimizer.fn;
    m->steps = m->epochs = 0;
    for (r.epoch = 1; r.epoch <= epochs; r.epoch++) {
        interrupt_poll();                     /* Ctrl-C: the weights are put back */
        arena_reset(&I->pass);
        r.loss = train_pass(I, m, x, y, true, loc);
        if (r.epoch == 1) r.first = r.loss;
        if (!isfinite(r.loss)) { r.finite = false; return r; }
        optimizer_step(I, m, NULL, loc);
        m->epochs++;
        EvalMode saved = I->mode;
        I->mode.tape.recording = false;
        r.accuracy = accuracy_of(model_forward(I, m, x, loc), y);
        I->mode = saved;
        if (I->dry_run || r.accuracy == 1 || (r.accuracy < 0 && r.loss < 0.01 * r.first)) return r;
    }
    r.epoch = epochs;
    return r;
}

static void exec_sanity_overfit(Interp *I, const Node *cmd) {
    static const char *const options[] = { "rows", "epochs", NULL };
    double values[] = { 20, 500 };
    Operands o;
    diagnostic_operands(I, cmd, 1, true, options, values, &o);
    need_setting(&I->optimizer, "sanity overfit", "an optimizer: add e.g. 'optimizer sgd(lr=0.1)'", cmd->loc);
    Model *m = o.m;
    Arena rows = { 0 };                 /* the sample outlives the pass arena, which every epoch resets */
    Tensor *x = tensor_copy(&rows, o.x), *y = tensor_copy(&rows, o.y);
    struct Snapshot *s = snapshot_take(I, m, "sanity");
    DiagHandler h;
    diag_push(&h);
    if (setjmp(h.env) != 0) {
        snapshot_restore(s);
        snapshot_free(s);
        arena_free(&rows);
        diag_throw();
    }
    Overfit r = overfit(I, m, x, y, (int)values[1], cmd->loc);
    diag_pop(&h);
    snapshot_restore(s);
    snapshot_free(s);
    arena_free(&rows);
    if (I->trace && I->trace->model == m) I->trace->stale = true;    /* its gradients were overwritten */
    if (I->dry_run) return;
    const Callable *opt = I->optimizer.fn;
    print_paragraph(I->out, "", arena_printf(&I->pass, "sanity overfit %s on the first %d rows of %s: full batch, up "
            "to %d epochs of %s, on a copy of the weights (put back afterwards)", m->name, o.rows, o.d->name,
            (int)values[1], (opt->kind == C_PARTIAL ? opt->base : opt)->name));
    const char *text;
    if (!r.finite)
        text = arena_printf(&I->pass, "FAIL: the loss became %s at epoch %d: even on %d rows training diverges; "
                "lower the learning rate.", isnan(r.loss) ? "NaN" : "infinite", r.epoch, o.rows);
    else if (r.accuracy == 1)
        text = arena_printf(&I->pass, "ok: 100 %% accuracy at epoch %d (loss %.4g, from %.4g): the model and its "
                "training can fit a small sample, as they must before anything else is worth tuning.", r.epoch,
                r.loss, r.first);
    else if (r.accuracy < 0 && r.loss < 0.01 * r.first)
        text = arena_printf(&I->pass, "ok: the loss fell to %.4g from %.4g (below 1 %%) by epoch %d: the model and "
                "its training can fit a small sample.", r.loss, r.first, r.epoch);
    else if (r.accuracy >= 0)
        text = arena_printf(&I->pass, "FAIL: %.0f %% accuracy after %d epochs (loss %.4g, from %.4g): it cannot "
                "even learn %d rows by heart.  Look for a bug before tuning: a loss that does not fit the output "
                "layer, a learning rate far off, gradients that do not reach the weights (gradcheck, gradients).",
                100 * r.accuracy, r.epoch, r.loss, r.first, o.rows);
    else
        text = arena_printf(&I->pass, "FAIL: the loss only fell to %.4g from %.4g in %d epochs: it cannot even fit "
                "%d rows.  Look for a bug before tuning (gradcheck, gradients).", r.loss, r.first, r.epoch, o.rows);
    print_paragraph(I->out, "", text);
}

/* ---- history NET [all] | history NET to "FILE" ------------------------------------------ */

static void exec_history(Interp *I, const Node *cmd) {
    const NodeList *w = &cmd->kids;
    bool all = w->n == 2 && diagnostic_word(w->items[1], "all");
    bool to = w->n == 3 && diagnostic_word(w->items[1], "to");
    if (w->n < 1 || w->items[0]->kind != N_NAME || (w->n > 1 && !all && !to)) diagnostic_usage(cmd, w->n ? w->items[0] : NULL);
    Model *m = find_model(I, w->items[0]->name, w->items[0]->loc);
    if (!to) { history_print(I, m, all); return; }
    const Node *file = w->items[2];
    if (file->kind != N_STR || !*file->name)
        fail_at(file->loc, "'to' needs a file name in quotes (history %s to \"history.csv\")", m->name);
    const char *path = script_path(I, file->name, file->loc);
    const char *why = file_check_writable(path);
    if (why) fail_at(file->loc, "%s: cannot write: %s", path, why);
    if (I->dry_run) return;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    bool ok = f && history_write_csv(f, m);      /* no error can unwind from here: nothing leaks */
    if (f) ok = fclose(f) == 0 && ok;
    why = ok ? file_write_atomically(path, text, len) : "out of memory";
    free(text);
    if (why) fail_at(file->loc, "%s: cannot write: %s", path, why);
    const History *h = history_of(m);
    int epochs = 0, runs = h ? h->nruns : 0;
    for (int r = 0; r < runs; r++) epochs += h->runs[r].n;
    fprintf(I->out, "history of %s written to %s: %d epoch%s", m->name, path, epochs, epochs == 1 ? "" : "s");
    if (runs > 1) fprintf(I->out, " in %d runs", runs);
    fputc('\n', I->out);
}

/* ---- dispatch -------------------------------------------------------------------------- */

bool exec_diagnostic(Interp *I, const Node *cmd) {
    const char *c = cmd->name;
    const NodeList *w = &cmd->kids;
    if (strcmp(c, "gradcheck") == 0) exec_gradcheck(I, cmd);
    else if (strcmp(c, "gradients") == 0) exec_gradients(I, cmd);
    else if (strcmp(c, "activations") == 0) exec_activations(I, cmd);
    else if (strcmp(c, "sanity") == 0) {
        if (w->n && diagnostic_word(w->items[0], "overfit")) exec_sanity_overfit(I, cmd);
        else if (w->n && diagnostic_word(w->items[0], "loss")) exec_sanity_loss(I, cmd);
        else diagnostic_usage(cmd, w->n ? w->items[0] : NULL);
    } else if (strcmp(c, "history") == 0) {
        exec_history(I, cmd);
    } else
        return false;
    return true;
}
