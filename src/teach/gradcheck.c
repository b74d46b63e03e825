/* gradcheck.c — `gradcheck NET on DATA`: backpropagation against central
 * finite differences for every parameter of every layer.
 *
 * Both sides run in float64 whatever the model's precision: the parameters
 * are swapped for float64 copies (and the data converted) for the duration
 * of the statement, and numbers made meanwhile are float64 too, so the
 * differences measure the rules, not float32 rounding.  Every other model's
 * parameters are swapped too, as a layer's forward may call another model
 * (whose float32 weights would otherwise meet float64 ones).  The model's own
 * tensors and gradients are never touched.  The backpropagated side is what
 * training computes (with a fused loss where one applies, plus the
 * regularizers' penalty); the numeric side differentiates the plain loss of
 * the model's output plus the same penalty, so a fused form
 * `def loss(F(a), t)` that does not compute the same loss shows up.  Both run
 * the layers in evaluation mode (dropout off, batchnorm's running averages),
 * where the output is a function of the weights alone.
 * Must not: differentiate anything itself (tape.c does). */
#include "autodiff/tape.h"
#include "base/arena.h"
#include "base/diag.h"
#include "base/text.h"
#include "lang/model.h"
#include "teach/diagnose.h"
#include "teach/operands.h"
#include "tensor/tensor.h"
#include "train/train.h"
#include <math.h>
#include <string.h>

enum { GRADCHECK_ROWS = 100, GRADCHECK_ELEMENTS = 30 };
/* The step h balances the error of the differences (h^2 f''' / 6) against
 * rounding (about 1e-16 |C| / h).  Rounding makes gradient elements far
 * smaller than the loss noisy, so a relative error is taken of at least
 * GRADCHECK_FLOOR |C|: below that, a difference is noise, not an error. */
#define GRADCHECK_H 1e-5
#define GRADCHECK_THRESHOLD 1e-5    /* the largest relative error that is ok */
#define GRADCHECK_FLOOR 1e-6

typedef struct Swap { Param *p; Tensor *own; } Swap;

typedef struct Check {
    Interp *I;
    Model  *m;
    Tensor *x, *y;
    SrcLoc  loc;
    Swap   *swaps;
    int     nswaps;
    DType   dtype;       /* the interpreter's, put back at the end */
} Check;

static void put_back(Check *c) {     /* last first: a model under two names was swapped twice */
    for (int i = c->nswaps - 1; i >= 0; i--) c->swaps[i].p->value = c->swaps[i].own;
    c->I->dtype = c->dtype;
}

/* The plain loss of the output: without a fused form (it is found through the
 * output's made_by, which is cleared); with the penalty, what is differentiated. */
static double plain_loss(Check *c, bool with_penalty) {
    Interp *I = c->I;
    arena_reset(&I->pass);
    tape_clear(&I->tape);
    EvalMode saved = I->mode;
    I->mode.tape.recording = false;
    Tensor *out = model_forward(I, c->m, c->x, c->loc);
    out->made_by = NULL;
    Objective o = objective(I, c->m, out, c->y, c->loc);
    double loss = tensor_get(with_penalty ? o.total : o.loss, 0);
    I->mode = saved;
    return loss;
}

typedef struct Result { const Param *p; int layer, checked; double worst, backprop, numeric; } Result;

static Result check_param(Check *c, Param *p, int layer, double loss) {
    Result r = { .p = p, .layer = layer };
    Tensor *w = p->value, *g = w->grad;
    int n = w->size, count = n < GRADCHECK_ELEMENTS ? n : GRADCHECK_ELEMENTS;
    for (int k = 0; k < count; k++) {
        int i = (int)((long)k * n / count);         /* spread over the tensor */
        double v = tensor_get(w, i);
        tensor_set(w, i, v + GRADCHECK_H);
        double up = plain_loss(c, true);
        tensor_set(w, i, v - GRADCHECK_H);
        double down = plain_loss(c, true);
        tensor_set(w, i, v);
        double numeric = (up - down) / (2 * GRADCHECK_H), analytic = tensor_get(g, i);
        double scale = fmax(fmax(fabs(numeric), fabs(analytic)), fmax(GRADCHECK_FLOOR * fabs(loss), 1e-300));
        double err = fabs(numeric - analytic) / scale;
        if (err > r.worst || isnan(err)) r.worst = isnan(err) ? INFINITY : err;
        r.backprop += analytic * analytic;
        r.numeric += numeric * numeric;
        if (c->I->dry_run) break;             /* one element shows every shape works */
    }
    r.checked = count;
    r.backprop = sqrt(r.backprop);
    r.numeric = sqrt(r.numeric);
    return r;
}

static const char *loss_name(const Interp *I) {
    const Callable *loss = I->loss.fn;
    return (loss->kind == C_PARTIAL ? loss->base : loss)->name;
}

/* why backpropagation and the differences disagree, as far as can be told */
static void explain_failure(Check *c, const Callable *fused, double trained, double plain) {
    Interp *I = c->I;
    const char *loss = loss_name(I);
    if (fused && fabs(trained - plain) > 1e-9 * fmax(1, fabs(plain))) {
        SrcLoc at = fused->node->loc;
        print_paragraph(I->out, " ", arena_printf(&I->pass, "training computes the loss with the fused form "
                "%s(%s(a), t) (%s:%d): on these rows it gives C = %.9g where the plain %s(ŷ, t) gives C = %.9g.  "
                "The fused form computes another function, so its gradient is not the gradient of the loss; fix "
                "the fused definition.", fused->name, fused->fuses, at.file, at.line, trained, loss, plain));
    } else if (fused) {
        SrcLoc at = fused->node->loc;
        print_paragraph(I->out, " ", arena_printf(&I->pass, "training computes the loss with the fused form "
                "%s(%s(a), t) (%s:%d), which gives the same value as the plain %s here but not the same gradient; "
                "check it on other rows too.", fused->name, fused->fuses, at.file, at.line, loss));
    } else {
        print_paragraph(I->out, " ", "a backward rule disagrees with its forward, or the differences straddle a "
                "point with no derivative (relu or abs at 0, ties in max): check the layers and functions of the "
                "failing parameters.");
    }
}

static void report(Check *c, const Operands *o, const Result *r, int n, const Callable *fused, double trained,
                   double plain, DType own) {
    Interp *I = c->I;
    fprintf(I->out, "gradcheck %s on %s: %d row%s; backpropagation against central differences (h = %g) of the "
            "loss %s, in float64%s\n", c->m->name, o->d->name, o->rows, o->rows == 1 ? "" : "s", GRADCHECK_H,
            loss_name(I), own == DT_F32 ? " (a copy of the float32 model)" : "");
    char **labels = arena_alloc(&I->pass, sizeof(char *) * (size_t)(n + 1));
    int width = (int)strlen("parameter"), failed = 0;
    for (int i = 0; i < n; i++) {
        labels[i] = arena_printf(&I->pass, "%s.%d.%s", c->m->name, r[i].layer, r[i].p->name);
        if ((int)strlen(labels[i]) > width) width = (int)strlen(labels[i]);
    }
    static const char *const head[] = { "checked", "‖backprop‖", "‖numeric‖", "worst relative error" };
    fputs("  ", I->out);
    print_padded(I->out, "parameter", width);
    for (int k = 0; k < 4; k++) { fputs("  ", I->out); print_padded(I->out, head[k], k == 3 ? 0 : 11); }
    fputc('\n', I->out);
    for (int i = 0; i < n; i++) {
        bool ok = r[i].worst <= GRADCHECK_THRESHOLD;
        failed += !ok;
        char *checked = arena_printf(&I->pass, "%d of %d", r[i].checked, r[i].p->value->size);
        /* below 1e-8 the error is float64 rounding, which differs from machine to machine */
        char *worst = r[i].worst < 1e-8 ? "< 1e-08" : arena_printf(&I->pass, "%.2g", r[i].worst);
        fprintf(I->out, "  %-*s  %-11s  %-11.4g  %-11.4g  %-8s  %s\n", width, labels[i], checked, r[i].backprop,
                r[i].numeric, worst, ok ? "ok" : "FAIL");
    }
    if (!failed) {
        fprintf(I->out, "ok: backpropagation agrees with the differences for every parameter (relative error at "
                "most %g)\n", GRADCHECK_THRESHOLD);
        return;
    }
    fprintf(I->out, "FAIL: %d of %d parameters disagree (relative error above %g)\n", failed, n, GRADCHECK_THRESHOLD);
    explain_failure(c, fused, trained, plain);
}

void exec_gradcheck(Interp *I, const Node *cmd) {
    static const char *const options[] = { "rows", NULL };
    double values[] = { GRADCHECK_ROWS };
    Operands o;
    diagnostic_operands(I, cmd, 0, true, options, values, &o);
    Model *m = o.m;
    int total = 0;
    for (int g = 0; g < I->nglobals; g++)
        if (I->globals[g].v.kind == V_MODEL)
            for (int l = 0; l < I->globals[g].v.model->nlayers; l++) total += I->globals[g].v.model->layers[l].nparams;
    Arena keep = { 0 };
    Check c = { .I = I, .m = m, .loc = cmd->loc, .dtype = I->dtype };
    c.swaps = arena_alloc(&keep, sizeof(Swap) * (size_t)(total + 1));
    Result *results = arena_alloc(&keep, sizeof(Result) * (size_t)(total + 1));
    DiagHandler h;
    diag_push(&h);
    if (setjmp(h.env) != 0) {
        put_back(&c);
        arena_free(&keep);
        diag_throw();
    }
    c.x = tensor_convert(&keep, o.x, DT_F64);
    c.y = tensor_convert(&keep, o.y, DT_F64);
    DType own = DT_F64;
    for (int l = 0; l < m->nlayers; l++)
        for (int k = 0; k < m->layers[l].nparams; k++)
            if (m->layers[l].params[k].value->dtype == DT_F32) own = DT_F32;
    for (int g = 0; g < I->nglobals; g++) {
        if (I->globals[g].v.kind != V_MODEL) continue;
        Model *each = I->globals[g].v.model;
        if (!each->initialised) continue;        /* initialising it here would draw random numbers */
        for (int l = 0; l < each->nlayers; l++)
            for (int k = 0; k < each->layers[l].nparams; k++) {
                Param *p = &each->layers[l].params[k];
                Tensor *copy = tensor_convert(&keep, p->value, DT_F64);
                copy->requires_grad = true;
                copy->grad = tensor_like(&keep, copy);
                c.swaps[c.nswaps++] = (Swap){ p, p->value };
                p->value = copy;
            }
    }
    I->dtype = DT_F64;
    arena_reset(&I->pass);
    double trained = train_pass(I, m, c.x, c.y, true, cmd->loc);
    EvalMode saved = I->mode;
    I->mode.tape.recording = false;
    const Callable *fused = fused_loss(I, model_forward(I, m, c.x, cmd->loc));
    I->mode = saved;
    double plain = plain_loss(&c, false);
    int n = 0;
    for (int l = 0; l < m->nlayers; l++)
        for (int k = 0; k < m->layers[l].nparams; k++) results[n++] = check_param(&c, &m->layers[l].params[k], l + 1, plain);
    put_back(&c);
    diag_pop(&h);
    if (!I->dry_run) report(&c, &o, results, n, fused, trained, plain, own);
    arena_free(&keep);
}
