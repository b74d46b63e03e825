/* plot.c — the statement `plot`: the loss curve of a model's training, the
 * gradient norms and activation histograms of one pass per layer, and the
 * decision regions of a 2-input classifier with its data, drawn in the
 * terminal or written as a standalone SVG file (`to "FILE.svg"`).
 * Owns: which numbers each picture shows and where they come from — the
 * model's history (train/history.h), a pass recorded as `gradients` and
 * `activations` record theirs (teach/trace.h, teach/diagnose.h), the model's
 * own outputs.  Must not: compute a number the REPL would not show (no
 * gradient or statistic of its own), or lay out a picture (see/chart.h). */
#include "base/arena.h"
#include "base/diag.h"
#include "base/files.h"
#include "lang/eval.h"
#include "lang/loaders.h"
#include "lang/model.h"
#include "lang/settings.h"
#include "lang/stdnames.h"
#include "see/chart.h"
#include "see/plot.h"
#include "see/svg_out.h"
#include "teach/command_table.h"
#include "teach/diagnose.h"
#include "teach/operands.h"
#include "teach/trace.h"
#include "tensor/tensor.h"
#include "train/history.h"
#include "train/train.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const CommandInfo plot_info = {
    "plot",
    "plot loss|lr [NET] | plot [gradients|activations] NET on DATA [to \"F.svg\"]",
    "Draws a picture in the terminal, or writes it as an SVG file with `to \"FILE.svg\"`:\n"
    "  loss           the training (and validation) loss of every epoch of NET's current run, since\n"
    "                 its last reset or load (the last model trained if NET is left out); a log\n"
    "                 scale when it spans decades\n"
    "  gradients      one backward pass over DATA: ‖δ(l)‖ and ‖∂C/∂W(l)‖ of each layer, on a log\n"
    "                 scale: vanishing or exploding gradients at a glance (rows N: the first N rows)\n"
    "  activations    one forward pass: a histogram of each layer's z(l), with the saturated share\n"
    "  NET on DATA    the decision regions of a 2-input classifier over the plane, with DATA's points\n"
    "docs/pictures.md shows each.",
    "plot loss to \"loss.svg\"" };

/* ---- drawing it -------------------------------------------------------------- */

static bool colour_terminal(FILE *out) {
    const char *term = getenv("TERM");
    return isatty(fileno(out)) && !getenv("NO_COLOR") && term && strcmp(term, "dumb") != 0;
}

/* Draws c in the terminal, or writes it to file (an SVG); frees c. */
static void show(Interp *I, Chart *c, const char *file, SrcLoc file_loc, const char *what) {
    if (I->dry_run) {               /* nothing drawn; a file that could not be written is said now */
        const char *why = file ? file_check_writable(file) : NULL;
        chart_free(c);
        if (why) fail_at(file_loc, "%s: cannot write: %s", file, why);
        return;
    }
    bool notebook = !file && svg_out_wanted();
    if (!file && !notebook) {
        int rc = chart_render_term(c, I->out, 80, colour_terminal(I->out));
        chart_free(c);
        if (rc != 0) fail_at(file_loc, "there is nothing to draw in %s", what);
        return;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    int rc = f ? chart_render_svg(c, f, 0, 0) : -1;
    chart_free(c);
    if (f && fclose(f) != 0) rc = -1;
    if (notebook) {
        if (rc == 0) svg_out_print(I->out, text, len);
        free(text);
        if (rc != 0) fail_at(file_loc, "there is nothing to draw in %s", what);
        return;
    }
    const char *why = rc != 0 ? "there is nothing to draw" : file_write_atomically(file, text, len);
    free(text);
    if (why) fail_at(file_loc, "%s: cannot write: %s", file, why);
    fprintf(I->out, "%s written to %s\n", what, file);
}

/* ---- the words ---------------------------------------------------------------- */

_Noreturn static void usage(const Node *at) { fail_at(at->loc, "usage: %s", plot_info.usage); }

static bool is_word(const Node *w, const char *text) { return w->kind == N_NAME && strcmp(w->name, text) == 0; }

/* `to "FILE.svg"` at the end of the words: the file (relative to the script),
 * and the words without it in *rest */
static const char *target_file(Interp *I, const Node *cmd, Node *rest, SrcLoc *loc) {
    *rest = *cmd;
    const NodeList *w = &cmd->kids;
    *loc = cmd->loc;
    for (int i = 0; i < w->n; i++) {
        if (!is_word(w->items[i], "to")) continue;
        if (i + 1 >= w->n || w->items[i + 1]->kind != N_STR)
            fail_at(w->items[i]->loc, "'to' needs a file name in quotes, like to \"loss.svg\"");
        if (i + 2 != w->n) fail_at(w->items[i + 2]->loc, "'to \"FILE\"' comes last (usage: %s)", plot_info.usage);
        const Node *name = w->items[i + 1];
        const char *dot = strrchr(name->name, '.');
        if (!dot || strcmp(dot, ".svg") != 0)
            fail_at(name->loc, "plot writes SVG files: the file name must end in .svg, not '%s'", name->name);
        rest->kids.n = i;
        *loc = name->loc;
        return script_path(I, name->name, name->loc);
    }
    return NULL;
}

/* ---- plot loss -------------------------------------------------------------------- */

/* The current run of the model `plot loss|lr [NET]` names (the last trained
 * without one), or NULL in the check pass, which trains nothing. */
static const HistoryRun *run_to_plot(Interp *I, const Node *cmd, Model **model) {
    const NodeList *w = &cmd->kids;
    Model *m;
    if (w->n == 2) {
        if (w->items[1]->kind != N_NAME) usage(w->items[1]);
        m = find_model(I, w->items[1]->name, w->items[1]->loc);
    } else if (w->n == 1) {
        m = I->trained_last;
        if (!m) {
            if (I->dry_run) return NULL;     /* the check pass trains nothing: the run will have a model */
            fail_at(cmd->loc, "no model has been trained yet: 'plot %s' draws the last training (or name one: "
                    "plot %s NET)", w->items[0]->name, w->items[0]->name);
        }
    } else {
        usage(w->items[2]);
    }
    const HistoryRun *h = history_run(m, -1);    /* the current run: since the last reset or load */
    if (!h || h->n == 0 || history_of(m)->closed) {
        if (I->dry_run) return NULL;
        fail_at(cmd->loc, "%s has not been trained %s: there is no %s to plot", m->name,
                h && h->n ? "since its last reset or load" : "yet", w->items[0]->name);
    }
    *model = m;
    return h;
}

/* where each later train statement of the run began, and the epoch early stopping went back to */
static void mark_run(Interp *I, Chart *c, const HistoryRun *h) {
    for (int s = 1; s < h->nstarts; s++)
        chart_add_marker(c, h->starts[s] + 0.5, arena_printf(&I->pass, "train %d", s + 1));
    if (h->restored_epoch > 0)
        chart_add_marker(c, h->restored_epoch, arena_printf(&I->pass, "early stop: epoch %d kept", h->restored_epoch));
}

static void plot_loss(Interp *I, const Node *cmd, const char *file, SrcLoc file_loc) {
    Model *m;
    const HistoryRun *h = run_to_plot(I, cmd, &m);
    if (!h) return;
    const char *loss = I->loss.fn ? (I->loss.fn->kind == C_PARTIAL ? I->loss.fn->base : I->loss.fn)->name : "loss";
    Chart *c = chart_new(CHART_LINES, arena_printf(&I->pass, "loss of %s", m->name));
    chart_set_labels(c, "epoch", loss);
    chart_add_series(c, "training", NULL, h->loss, h->n);
    bool valid = false;
    for (int i = 0; i < h->n; i++) valid |= !isnan(h->valid_loss[i]);
    if (valid) chart_add_series(c, "validation", NULL, h->valid_loss, h->n);
    mark_run(I, c, h);
    show(I, c, file, file_loc, arena_printf(&I->pass, "the loss of %s", m->name));
}

/* the learning rate each epoch's updates used: a schedule as it ran */
static void plot_lr(Interp *I, const Node *cmd, const char *file, SrcLoc file_loc) {
    Model *m;
    const HistoryRun *h = run_to_plot(I, cmd, &m);
    if (!h) return;
    bool any = false;
    for (int i = 0; i < h->n; i++) any |= isfinite(h->lr[i]);
    if (!any) fail_at(cmd->loc, "the optimizer %s was trained with has no lr setting to plot", m->name);
    Chart *c = chart_new(CHART_LINES, arena_printf(&I->pass, "learning rate of %s", m->name));
    chart_set_labels(c, "epoch", "lr");
    chart_add_series(c, "lr", NULL, h->lr, h->n);
    mark_run(I, c, h);
    show(I, c, file, file_loc, arena_printf(&I->pass, "the learning rate of %s", m->name));
}

/* ---- plot gradients / activations NET on DATA --------------------------------------- */

static const char *const rows_option[] = { "rows", NULL };

static void plot_gradients(Interp *I, const Node *cmd, const char *file, SrcLoc file_loc) {
    double values[] = { 1e9 };
    Operands o;
    diagnostic_operands(I, cmd, 1, true, rows_option, values, &o);
    Trace *t = trace_record(I, o.m, o.x, o.y, cmd->loc);
    t->pos = trace_total(t);            /* complete, as `gradients` leaves it: show and step see it */
    const Model *m = o.m;
    const char **names = arena_alloc(&I->pass, sizeof *names * (size_t)m->nlayers);
    double *delta = arena_alloc(&I->pass, sizeof *delta * (size_t)m->nlayers);
    double *weight = arena_alloc(&I->pass, sizeof *weight * (size_t)m->nlayers);
    for (int l = 1; l <= m->nlayers; l++) {
        const Layer *layer = &m->layers[l - 1];
        const char *aname;
        Tensor *a = trace_preactivation(t, l, &aname);
        const Param *p = layer_weight(layer);
        names[l - 1] = layer_title(I, layer);
        delta[l - 1] = a && a->grad ? tensor_l2_norm(a->grad) : NAN;
        weight[l - 1] = p && p->value->grad ? tensor_l2_norm(p->value->grad) : NAN;
    }
    Chart *c = chart_new(CHART_BARS, arena_printf(&I->pass, "gradients of %s on %s (%d row%s)", m->name, o.d->name,
                                                  o.rows, o.rows == 1 ? "" : "s"));
    chart_set_labels(c, "L2 norm", "layer");
    chart_set_categories(c, names, m->nlayers);
    chart_add_bars(c, "‖δ(l)‖", delta, m->nlayers);
    chart_add_bars(c, "‖∂C/∂W(l)‖", weight, m->nlayers);
    show(I, c, file, file_loc, arena_printf(&I->pass, "the gradients of %s", m->name));
}

static void plot_activations(Interp *I, const Node *cmd, const char *file, SrcLoc file_loc) {
    double values[] = { 1e9 };
    Operands o;
    diagnostic_operands(I, cmd, 1, false, rows_option, values, &o);
    Trace *t = trace_record(I, o.m, o.x, NULL, cmd->loc);
    t->pos = trace_total(t);
    const Model *m = o.m;
    Chart *c = chart_new(CHART_HISTOGRAMS, arena_printf(&I->pass, "activations z(l) of %s on %s (%d row%s)", m->name,
                                                        o.d->name, o.rows, o.rows == 1 ? "" : "s"));
    chart_set_labels(c, "z", "count");
    for (int l = 1; l <= m->nlayers; l++) {
        const Layer *layer = &m->layers[l - 1];
        const Tensor *z = trace_layer(t, l)->out;
        const char *act = layer_stdlib_activation(I, layer);
        Saturation kind = saturation_of(act);
        ActStats st = activation_stats(z, kind);
        const char *caption = kind == SAT_NONE ? arena_printf(&I->pass, "mean %.3g, std %.3g", st.mean, st.std)
                            : kind == SAT_RELU ? arena_printf(&I->pass, "saturated %.1f%% (%d dead)", 100 * st.sat, st.dead)
                                               : arena_printf(&I->pass, "saturated %.1f%%", 100 * st.sat);
        double lo, hi;
        activation_range(act, z, &lo, &hi);
        double *v = arena_alloc(&I->pass, sizeof *v * (size_t)z->size);
        for (int i = 0; i < z->size; i++) v[i] = tensor_get(z, i);
        chart_add_histogram(c, layer_title(I, layer), caption, v, z->size, lo, hi, 20);
    }
    show(I, c, file, file_loc, arena_printf(&I->pass, "the activations of %s", m->name));
}

/* ---- plot NET on DATA: decision regions ------------------------------------------------ */

enum { GRID = 60 };

/* the class a row of targets (or outputs) says: argmax of several, > 0.5 of one */
static int class_of(const Tensor *t, int row, int w) {
    if (w == 1) return tensor_get(t, row) > 0.5;
    int best = 0;
    for (int j = 1; j < w; j++) if (tensor_get(t, row * w + j) > tensor_get(t, row * w + best)) best = j;
    return best;
}

static void plot_regions(Interp *I, const Node *cmd, const char *file, SrcLoc file_loc) {
    double values[] = { 1e9 };
    Operands o;
    diagnostic_operands(I, cmd, 0, false, rows_option, values, &o);
    Model *m = o.m;
    if (m->in_dim != 2)
        fail_at(cmd->kids.items[0]->loc, "plot %s on %s draws the decision regions over a plane: the model must take 2 "
                "inputs, and '%s' takes %d", m->name, o.d->name, m->name, m->in_dim);
    if (o.d->x->shape[1] != 2)
        fail_at(cmd->kids.items[2]->loc, "data '%s' has rows of %d inputs; the regions need 2", o.d->name, o.d->x->shape[1]);
    int classes = m->out_dim == 1 ? 2 : m->out_dim;
    if (classes > CHART_MAX_CLASSES)
        fail_at(cmd->loc, "'%s' has %d outputs: the regions can show at most %d classes", m->name, m->out_dim,
                CHART_MAX_CLASSES);
    int rows = o.rows;
    double lo[2] = { INFINITY, INFINITY }, hi[2] = { -INFINITY, -INFINITY };
    for (int r = 0; r < rows; r++)
        for (int k = 0; k < 2; k++) {
            double v = tensor_get(o.x, r * 2 + k);
            if (isfinite(v)) { lo[k] = fmin(lo[k], v); hi[k] = fmax(hi[k], v); }
        }
    for (int k = 0; k < 2; k++) {                /* a margin around the points */
        if (!(hi[k] >= lo[k])) { lo[k] = -1; hi[k] = 1; }
        double pad = hi[k] > lo[k] ? 0.08 * (hi[k] - lo[k]) : 1;
        lo[k] -= pad;
        hi[k] += pad;
    }
    int shape[2] = { GRID * GRID, 2 };
    Tensor *grid = tensor_new(&I->pass, I->dtype, 2, shape);
    for (int j = 0; j < GRID; j++)               /* row 0 at the bottom, as chart_set_grid reads it */
        for (int i = 0; i < GRID; i++) {
            tensor_set(grid, (j * GRID + i) * 2, lo[0] + (i + 0.5) * (hi[0] - lo[0]) / GRID);
            tensor_set(grid, (j * GRID + i) * 2 + 1, lo[1] + (j + 0.5) * (hi[1] - lo[1]) / GRID);
        }
    Tensor *out = model_outputs(I, m, grid, cmd->loc);
    double *cells = arena_alloc(&I->pass, sizeof *cells * GRID * GRID);
    for (int k = 0; k < GRID * GRID; k++) {
        /* two classes: the probability of the second (one output, or the second of two); more: the class */
        double p = m->out_dim <= 2 ? tensor_get(out, k * m->out_dim + m->out_dim - 1) : class_of(out, k, m->out_dim);
        cells[k] = m->out_dim <= 2 ? (isfinite(p) ? fmin(1, fmax(0, p)) : 0.5) : p;
    }
    double *px = arena_alloc(&I->pass, sizeof *px * (size_t)rows), *py = arena_alloc(&I->pass, sizeof *py * (size_t)rows);
    int *pc = arena_alloc(&I->pass, sizeof *pc * (size_t)rows);
    int tw = o.y->shape[1];
    for (int r = 0; r < rows; r++) {
        px[r] = tensor_get(o.x, r * 2);
        py[r] = tensor_get(o.x, r * 2 + 1);
        pc[r] = class_of(o.y, r, tw);
        if (pc[r] >= classes) pc[r] = classes - 1;
    }
    Chart *c = chart_new(CHART_REGIONS, arena_printf(&I->pass, "decision regions of %s on %s", m->name, o.d->name));
    chart_set_labels(c, "x1", "x2");
    chart_set_grid(c, GRID, GRID, lo[0], hi[0], lo[1], hi[1], cells, classes);
    chart_add_points(c, px, py, pc, rows);
    if (o.d->classes && o.d->nclasses == classes) chart_set_class_names(c, o.d->classes, classes);
    show(I, c, file, file_loc, arena_printf(&I->pass, "the decision regions of %s", m->name));
}

/* ---- the statement ------------------------------------------------------------------ */

static void exec_plot(Interp *I, const Node *cmd) {
    if (cmd->kids.n == 0) usage(cmd);
    Node words;
    SrcLoc file_loc;
    const char *file = target_file(I, cmd, &words, &file_loc);
    if (words.kids.n == 0) usage(cmd);
    const Node *what = words.kids.items[0];
    if (is_word(what, "loss")) plot_loss(I, &words, file, file_loc);
    else if (is_word(what, "lr")) plot_lr(I, &words, file, file_loc);
    else if (is_word(what, "gradients")) plot_gradients(I, &words, file, file_loc);
    else if (is_word(what, "activations")) plot_activations(I, &words, file, file_loc);
    else if (what->kind == N_NAME && words.kids.n >= 3 && is_word(words.kids.items[1], "on"))
        plot_regions(I, &words, file, file_loc);
    else usage(what);
}

void see_register_commands(void) { command_add(&plot_info, exec_plot); }
