/* lint.c — warnings about a script that runs but cannot do what it seems to
 * mean: an output layer that cannot reach the targets' range (sigmoid with
 * targets outside [0, 1], softmax with targets that are not one-hot, relu
 * with negative targets), and data, models and layer definitions that are
 * never used.  Each is a diag_warning, shown once.
 * Must not: change anything or stop a script (warnings only). */
#include "base/arena.h"
#include "base/stack.h"
#include "base/diag.h"
#include "lang/model.h"
#include "lang/stdnames.h"
#include "tensor/tensor.h"
#include "train/lint.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- outputs that cannot reach the targets ---------------------------------- */

/* the first row of targets that is not a probability distribution, or -1 */
static int row_not_distribution(const Tensor *y, double *sum) {
    int rows = y->shape[0], w = y->shape[1];
    for (int r = 0; r < rows; r++) {
        bool in_range = true;
        *sum = 0;
        for (int j = 0; j < w; j++) {
            double v = tensor_get(y, r * w + j);
            in_range &= v >= 0 && v <= 1;
            *sum += v;
        }
        if (!in_range || fabs(*sum - 1) > 1e-4) return r;
    }
    return -1;
}

void lint_targets(Interp *I, const Model *m, const Dataset *d) {
    const Layer *last = &m->layers[m->nlayers - 1];
    /* the stdlib's activations and losses, by identity: a function of the
     * script's own (even one called sigmoid or mse) may mean anything */
    const char *act = layer_stdlib_activation(I, last);
    bool stdlib_loss = stdlib_name(I, I->loss.fn) != NULL;
    if (!act || !stdlib_loss || !d->y || d->y->size == 0) return;
    double lo = INFINITY, hi = -INFINITY, sum;
    for (int i = 0; i < d->y->size; i++) { lo = fmin(lo, tensor_get(d->y, i)); hi = fmax(hi, tensor_get(d->y, i)); }
    int row;
    if (strcmp(act, "sigmoid") == 0 && (lo < 0 || hi > 1))
        diag_warning(last->loc, "model '%s' ends in sigmoid, whose outputs lie between 0 and 1, but data '%s' has "
                     "targets from %g to %g: the loss cannot reach 0 on them (a regression wants a linear output; "
                     "or scale the targets into [0, 1])", m->name, d->name, lo, hi);
    else if (strcmp(act, "softmax") == 0 && last->out_dim == 1)
        diag_warning(last->loc, "softmax over one unit always gives 1, whatever its input: nothing can be learnt "
                     "(for two classes use one sigmoid unit, or softmax over two)");
    else if (strcmp(act, "softmax") == 0 && (row = row_not_distribution(d->y, &sum)) >= 0)
        diag_warning(last->loc, "model '%s' ends in softmax, whose outputs are probabilities summing to 1, but "
                     "row %d of data '%s' has targets that are not (they sum to %g): use one-hot targets (one 1, "
                     "the rest 0), or a linear output for other targets", m->name, row + 1, d->name, sum);
    else if (strcmp(act, "relu") == 0 && lo < 0)
        diag_warning(last->loc, "model '%s' ends in relu, whose outputs are never negative, but data '%s' has "
                     "targets down to %g: those cannot be reached, and units pushed below 0 stop learning (use a "
                     "linear output)", m->name, d->name, lo);
}

/* ---- what a script never uses ---------------------------------------------------- */

typedef struct Names { const char **items; int n, cap; } Names;

static void names_add(Names *s, const char *name) {
    if (!name) return;
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->items = realloc(s->items, sizeof *s->items * (size_t)s->cap);
        if (!s->items) abort();
    }
    s->items[s->n++] = name;
}

static bool names_has(const Names *s, const char *name) {
    for (int i = 0; i < s->n; i++) if (s->items[i] == name) return true;
    return false;
}

/* every name n refers to (not the names it defines) */
static void references(const Node *n, Names *out) {
    if (n) stack_guard(n->loc);       /* the walk nests as deep as the code */
    if (!n) return;
    switch (n->kind) {
    case N_NAME: names_add(out, n->name); return;
    case N_TRAIN: case N_BACKWARD: case N_FORWARD_PASS: case N_EVALUATE: case N_SUMMARY: case N_PREDICT:
        names_add(out, n->name);
        names_add(out, n->label);
        break;
    case N_LAYER_USE: names_add(out, n->name); break;
    case N_DATA_EXPR: references(n->a, out); return;          /* its kids are the names it defines */
    case N_DEF: case N_LAYER_DEF: case N_OPTIMIZER_DEF:        /* parameters are not references */
        for (int i = 0; i < n->kids.n; i++)
            if (n->kids.items[i]->kind == N_KWARG) references(n->kids.items[i]->a, out);
        references(n->a, out);
        return;
    default: break;
    }
    references(n->a, out);
    references(n->b, out);
    references(n->c, out);
    for (int i = 0; i < n->kids.n; i++) references(n->kids.items[i], out);
    for (int i = 0; i < n->more.n; i++) references(n->more.items[i], out);
}

/* the names statement s defines that the lint follows, with their places */
static int definitions(const Node *s, const char **names, SrcLoc *locs, const char **kinds, int max) {
    int k = 0;
    if (s->kind == N_DATA || s->kind == N_MODEL || s->kind == N_LAYER_DEF) {
        names[k] = s->name;
        locs[k] = s->loc;
        kinds[k++] = s->kind == N_DATA ? "data" : s->kind == N_MODEL ? "model" : "layer";
    } else if (s->kind == N_DATA_EXPR) {
        for (int i = 0; i < s->kids.n && k < max; i++) {
            names[k] = s->kids.items[i]->name;
            locs[k] = s->kids.items[i]->loc;
            kinds[k++] = "data";
        }
    }
    return k;
}

static bool defines(const Node *s, const char *name) {
    const char *names[64];
    SrcLoc locs[64];
    const char *kinds[64];
    int k = definitions(s, names, locs, kinds, 64);
    for (int i = 0; i < k; i++) if (names[i] == name) return true;
    return false;
}

void lint_unused(const Node *program) {
    int n = program->kids.n;
    Names *refs = calloc((size_t)(n ? n : 1), sizeof *refs);
    Names in_bodies = { 0 };               /* a function may run later, from anywhere */
    if (!refs) abort();
    for (int i = 0; i < n; i++) {
        const Node *s = program->kids.items[i];
        references(s, &refs[i]);
        if (s->kind == N_DEF || s->kind == N_LAYER_DEF || s->kind == N_OPTIMIZER_DEF) references(s, &in_bodies);
    }
    for (int i = 0; i < n; i++) {
        const char *names[64];
        SrcLoc locs[64];
        const char *kinds[64];
        int k = definitions(program->kids.items[i], names, locs, kinds, 64);
        for (int d = 0; d < k; d++) {
            bool used = names_has(&in_bodies, names[d]);
            for (int j = i + 1; j < n && !used; j++) {
                used = names_has(&refs[j], names[d]);
                if (defines(program->kids.items[j], names[d])) break;   /* redefined: later uses are the new one's */
            }
            if (used || names[d][0] == '_') continue;         /* data a, _ = split(...): unused on purpose */
            if (strcmp(kinds[d], "layer") == 0)
                diag_warning(locs[d], "layer '%s' is defined but no model uses it", names[d]);
            else
                diag_warning(locs[d], "%s '%s' is never used", kinds[d], names[d]);
        }
    }
    for (int i = 0; i < n; i++) free(refs[i].items);
    free(refs);
    free(in_bodies.items);
}
/* ---- the loss before training ---------------------------------------------------------- */

/* the number of classes a cross-entropy over d's targets spreads over, or 0 */
int cross_entropy_classes(Interp *I, const Dataset *d) {
    const char *loss = stdlib_name(I, I->loss.fn);     /* the stdlib's, not a script's of that name */
    if (!loss || !strstr(loss, "cross_entropy")) return 0;
    int rows = d->y->shape[0], w = d->y->shape[1];
    for (int r = 0; r < rows; r++) {
        int ones = 0;
        for (int j = 0; j < w; j++) {
            double v = tensor_get(d->y, r * w + j);
            if (v != 0 && v != 1) return 0;
            ones += v == 1;
        }
        if (w > 1 && ones != 1) return 0;
    }
    return w == 1 ? 2 : w;
}

/* Where m's weights came from, for the advice on a loss far above log(n):
 * "with" (set by hand), the stdlib initialiser of its weight matrices when
 * they all share one ("xavier", "normal"), else NULL. */
static const char *weights_from(const Interp *I, const Model *m) {
    const char *from = NULL;
    for (int l = 0; l < m->nlayers; l++) {
        const Param *w = layer_weight(&m->layers[l]);
        if (!w || (w->init && !w->hand_set)) continue;     /* the layer's own init, not the model's */
        const char *this = w->hand_set ? "with" : stdlib_name(I, w->init_used);
        if (!this || (from && strcmp(from, this) != 0)) return NULL;
        from = this;
    }
    return from;
}

/* the initialisers that scale the weights to the layer's fans */
static bool scaled_to_fans(const char *init) {
    return init && (strncmp(init, "xavier", 6) == 0 || strncmp(init, "glorot", 6) == 0 ||
                    strncmp(init, "he", 2) == 0 || strncmp(init, "lecun", 5) == 0);
}

void compare_initial_loss(Interp *I, const Model *m, int n, double loss, int rows, bool show, SrcLoc loc) {
    double expected = log(n);
    if (show && !I->dry_run)
        fprintf(I->out, "initial loss %.6g (the mean over %d row%s); log(%d) = %.6g is what a net that has learnt "
                "nothing gives (all %d classes equally likely)\n", loss, rows, rows == 1 ? "" : "s", n, expected, n);
    if (loss > 1.5 * expected) {
        const char *from = weights_from(I, m);
        const char *advice =
            from && strcmp(from, "with") == 0
                ? "Likely the weights given with 'with' are too large, or the inputs are far from 0 (normalize them)"
            : scaled_to_fans(from)
                ? arena_printf(&I->pass, "The weights come from %s, which scales them to the layers' sizes, so "
                               "look at the inputs (far from 0? normalize them) and at how the signal grows layer by "
                               "layer ('activations %s on DATA')", from, m->name)
                : "Likely the initial weights are too large (try init xavier, or a smaller std) or the inputs are "
                  "far from 0 (normalize them)";
        diag_warning(loc, "the initial loss %.4g of '%s' is far above log(%d) = %.4g: before training it is "
                     "confidently wrong.  %s", loss, m->name, n, expected, advice);
    } else if (loss < 0.5 * expected)
        diag_warning(loc, "the initial loss %.4g of '%s' is far below log(%d) = %.4g: it is right, and sure of "
                     "it, before any training.  Easy data with inputs far from 0 can do that to a random net; "
                     "otherwise, were the weights trained or set before, or do the inputs give the targets away?",
                     loss, m->name, n, expected);
}

void initial_loss_check(Interp *I, Model *m, const Dataset *d, double loss, int rows, SrcLoc loc) {
    int n = cross_entropy_classes(I, d);
    if (n >= 2 && isfinite(loss)) compare_initial_loss(I, m, n, loss, rows, !I->quiet, loc);
}
