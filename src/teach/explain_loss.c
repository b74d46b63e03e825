/* explain_loss.c — the output layer's lesson: for the stdlib's losses,
 * `explain` at the loss's backward step and at δ(L) prints the course's
 * formula (δ(L) = ŷ − t for softmax with cross-entropy, 2(ŷ − t)/n for mse,
 * ...), the same formula with the pass's numbers, and the result nnl
 * computed — not the stable internal form and its ops' rules.
 * Must not: change any value of the pass, or explain a loss that is not the
 * stdlib's (a script's own loss is explained from its code, by explain.c). */
#include "autodiff/prims.h"
#include "base/arena.h"
#include "base/text.h"
#include "front/ast.h"
#include "teach/explain_loss.h"
#include "teach/trace.h"
#include "tensor/tensor.h"
#include <math.h>
#include <string.h>

typedef enum {
    LOSS_OTHER,                 /* not the stdlib's: explained from its code */
    LOSS_MSE, LOSS_MAE, LOSS_BCE, LOSS_CE, LOSS_CE_LOGITS,
    FUSED_SOFTMAX_CE,           /* cross_entropy(softmax(a), t) */
    FUSED_SIGMOID_BCE,          /* binary_cross_entropy(sigmoid(a), t) */
    FUSED_SIGMOID_CE,           /* cross_entropy(sigmoid(a), t): warned about */
    FUSED_SOFTMAX_CE_LOGITS,    /* cross_entropy_logits(softmax(a), t): softmax twice, warned about */
} LossKind;

/* fn is the stdlib's function `name` (or a partial of it) */
static bool is_std(const Interp *I, const Callable *fn, const char *name) {
    const char *n = intern(name);
    if (fn && fn->kind == C_PARTIAL) fn = fn->base;
    for (int i = 0; fn && i < I->nstdlib_fns; i++)
        if (I->stdlib_fns[i].name == n && I->stdlib_fns[i].v.fn == fn) return true;
    return false;
}

static LossKind loss_kind(const Interp *I, const Trace *t) {
    const Tensor *c = t->data_loss ? t->data_loss : t->loss;
    const Callable *fn = c ? c->made_by : NULL;
    if (!fn) return LOSS_OTHER;
    if (fn->fuses) {
        const Callable *outer = fn->fuse_outer, *inner = fn->fuse_inner;
        bool softmax = is_std(I, inner, "softmax"), sigmoid = is_std(I, inner, "sigmoid");
        if (softmax && is_std(I, outer, "cross_entropy")) return FUSED_SOFTMAX_CE;
        if (sigmoid && is_std(I, outer, "binary_cross_entropy")) return FUSED_SIGMOID_BCE;
        if (sigmoid && is_std(I, outer, "cross_entropy")) return FUSED_SIGMOID_CE;
        if (softmax && is_std(I, outer, "cross_entropy_logits")) return FUSED_SOFTMAX_CE_LOGITS;
        return LOSS_OTHER;
    }
    static const struct { const char *name; LossKind kind; } plain[] = {
        { "mse", LOSS_MSE }, { "mae", LOSS_MAE }, { "binary_cross_entropy", LOSS_BCE },
        { "cross_entropy", LOSS_CE }, { "cross_entropy_logits", LOSS_CE_LOGITS },
    };
    for (size_t i = 0; i < sizeof plain / sizeof *plain; i++)
        if (is_std(I, fn, plain[i].name)) return plain[i].kind;
    return LOSS_OTHER;
}

static bool fused(LossKind k) { return k >= FUSED_SOFTMAX_CE; }

/* ---- numbers ------------------------------------------------------------------ */

typedef struct Out { Interp *I; const Trace *t; } Out;

static void put(const Out *o, const char *s) { fputs(s, o->I->out); }
static void val(const Out *o, const Tensor *v) { trace_print(o->I, o->t, v); }
static void num(const Out *o, double x) { print_number(o->I->out, x, trace_digits(o->I)); }

/* y's and t's elements side by side: the formulas are elementwise over ŷ's shape */
static Tensor *targets(const Out *o) {
    const Tensor *y = o->t->out, *tg = o->t->y;
    if (tensor_same_shape(y, tg)) return (Tensor *)tg;
    Tensor *r = tensor_like(&o->I->pass, y);
    for (int i = 0; i < r->size && i < tg->size; i++) tensor_set(r, i, tensor_get(tg, i));
    return r;
}

/* softmax over each row of v (the last axis) */
static Tensor *softmax_rows(const Out *o, const Tensor *v) {
    Tensor *r = tensor_like(&o->I->pass, v);
    int w = v->ndim ? v->shape[v->ndim - 1] : 1, rows = v->size / (w ? w : 1);
    for (int i = 0; i < rows; i++) {
        double hi = -INFINITY, sum = 0;
        for (int j = 0; j < w; j++) hi = fmax(hi, tensor_get(v, i * w + j));
        for (int j = 0; j < w; j++) sum += exp(tensor_get(v, i * w + j) - hi);
        for (int j = 0; j < w; j++) tensor_set(r, i * w + j, exp(tensor_get(v, i * w + j) - hi) / sum);
    }
    return r;
}

/* a formula's left side; its width in columns */
static int lead(const Out *o, const char *lhs) {
    put(o, lhs);
    return text_width(lhs);
}

/* "  = " under a formula whose left side is `lhs` columns wide */
static void next_line(const Out *o, int lhs) { fprintf(o->I->out, "\n%*s= ", lhs, ""); }

/* the divisor of a mean: "/ n" written only when it is not 1 */
static void divided(const Out *o, int n) { if (n != 1) { put(o, " / "); num(o, n); } }

/* the result nnl computed, then a closing line */
static void result(const Out *o, int lhs, const Tensor *v) {
    next_line(o, lhs);
    val(o, v);
    put(o, "\n");
}

/* ∂C/∂ŷ of a plain stdlib loss: its formula, its numbers, nnl's gradient */
static void output_gradient(const Out *o, LossKind k) {
    const Trace *t = o->t;
    const Tensor *y = t->out, *tg = targets(o);
    int n = y->size, B = t->single ? 1 : tensor_rows(y);
    int lhs = lead(o, "∂C/∂ŷ ");
    switch (k) {
    case LOSS_MSE:
        fprintf(o->I->out, "= 2 (ŷ − t) / n      (mse: the mean of (ŷ − t)² over its n = %d element%s)", n,
                n == 1 ? "" : "s");
        next_line(o, lhs); put(o, "2 · ("); val(o, y); put(o, " − "); val(o, tg); put(o, ")"); divided(o, n);
        break;
    case LOSS_MAE:
        fprintf(o->I->out, "= sign(ŷ − t) / n      (mae: the mean of |ŷ − t| over its n = %d element%s)", n,
                n == 1 ? "" : "s");
        next_line(o, lhs); put(o, "sign("); val(o, y); put(o, " − "); val(o, tg); put(o, ")"); divided(o, n);
        break;
    case LOSS_BCE:
        fprintf(o->I->out, "= (ŷ − t) / (ŷ (1 − ŷ)) / n      (binary cross-entropy, the mean over its n = %d "
                "element%s)", n, n == 1 ? "" : "s");
        next_line(o, lhs); put(o, "("); val(o, y); put(o, " − "); val(o, tg); put(o, ") / (");
        val(o, y); put(o, " ⊙ (1 − "); val(o, y); put(o, "))"); divided(o, n);
        break;
    case LOSS_CE:
        fprintf(o->I->out, "= −t / ŷ / B      (cross-entropy: −Σ t log ŷ, the mean over the B = %d row%s)", B,
                B == 1 ? "" : "s");
        next_line(o, lhs); put(o, "−"); val(o, tg); put(o, " / "); val(o, y); divided(o, B);
        break;
    case LOSS_CE_LOGITS:
        fprintf(o->I->out, "= (softmax(ŷ) − t) / B      (cross-entropy on logits ŷ, the mean over the B = %d "
                "row%s)", B, B == 1 ? "" : "s");
        next_line(o, lhs); put(o, "(softmax("); val(o, y); put(o, ") − "); val(o, tg); put(o, ")"); divided(o, B);
        break;
    default: return;
    }
    result(o, lhs, y->grad);
}

/* the fused loss's δ(L), for the loss step */
static const char *fused_formula(LossKind k) {
    switch (k) {
    case FUSED_SOFTMAX_CE: return "(ŷ − t) / B";
    case FUSED_SIGMOID_BCE: return "(ŷ − t) / n";
    case FUSED_SIGMOID_CE: return "−t ⊙ (1 − ŷ) / B";
    default: return "ŷ ⊙ (g − Σ g ⊙ ŷ) with g = (softmax(ŷ) − t) / B";
    }
}

bool explain_loss_backward(Interp *I, const Trace *t) {
    LossKind k = loss_kind(I, t);
    if (k == LOSS_OTHER) return false;
    Out o = { I, t };
    if (!fused(k)) {
        if (!t->out->grad) return false;
        output_gradient(&o, k);
        return true;
    }
    const Callable *fn = (t->data_loss ? t->data_loss : t->loss)->made_by;
    int L = t->model->nlayers;
    fprintf(I->out, "%s fused with %s: computed from a(%d) stably; the gradient goes to a(%d) directly:\n"
            "  δ(%d) = %s   (explain at layer %d shows the numbers)\n", t->loss_name, fn->fuses, L, L, L,
            fused_formula(k), L);
    return true;
}

bool explain_output_delta(Interp *I, const Trace *t, int l, const Tensor *a) {
    LossKind k = loss_kind(I, t);
    if (!fused(k) || l != t->model->nlayers || !a->grad) return false;
    Out o = { I, t };
    const Tensor *y = t->out, *tg = targets(&o);
    int n = y->size, B = t->single ? 1 : tensor_rows(y);
    int lhs = lead(&o, arena_printf(&I->pass, "δ(%d) = ∂C/∂a(%d) ", l, l));
    const char *why;
    switch (k) {
    case FUSED_SOFTMAX_CE:
    case FUSED_SIGMOID_BCE: {
        int d = k == FUSED_SOFTMAX_CE ? B : n;          /* a mean over the rows, or over every element */
        fprintf(I->out, "= %s", d == 1 ? "ŷ − t" : k == FUSED_SOFTMAX_CE ? "(ŷ − t) / B" : "(ŷ − t) / n");
        next_line(&o, lhs);
        if (d != 1) put(&o, "(");
        val(&o, y); put(&o, " − "); val(&o, tg);
        if (d != 1) put(&o, ")");
        divided(&o, d);
        why = k == FUSED_SOFTMAX_CE
            ? "softmax with cross-entropy: ∂C/∂ŷ = −t / ŷ through softmax's Jacobian leaves ŷ − t"
            : "sigmoid with binary cross-entropy: ∂C/∂ŷ = (ŷ − t) / (ŷ (1 − ŷ)) times σ'(a) = ŷ (1 − ŷ)";
        if (d != 1)
            why = arena_printf(&I->pass, "%s; the mean over %s = %d", why,
                               k == FUSED_SOFTMAX_CE ? "the rows: B" : "every element: n", d);
        break;
    }
    case FUSED_SIGMOID_CE:
        fprintf(I->out, "= −t ⊙ (1 − ŷ)%s", B == 1 ? "" : " / B");
        next_line(&o, lhs);
        put(&o, "−"); val(&o, tg); put(&o, " ⊙ (1 − "); val(&o, y); put(&o, ")"); divided(&o, B);
        why = "sigmoid with cross-entropy: ∂C/∂ŷ = −t / ŷ times σ'(a) = ŷ (1 − ŷ)";
        break;
    default: {                      /* softmax twice: g through softmax's Jacobian */
        Tensor *p = softmax_rows(&o, y), *g = tensor_like(&I->pass, y);
        for (int i = 0; i < g->size; i++) tensor_set(g, i, (tensor_get(p, i) - tensor_get(tg, i)) / B);
        fprintf(I->out, "= ŷ ⊙ (g − Σ g ⊙ ŷ),  g = (softmax(ŷ) − t)%s = ", B == 1 ? "" : " / B");
        val(&o, g);
        why = "softmax applied twice: cross_entropy_logits applies softmax to the output, which is softmax's";
        break;
    }
    }
    result(&o, lhs, a->grad);
    fprintf(I->out, "  (%s)\n", why);
    return true;
}
