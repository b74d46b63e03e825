/* tape.c — recording primitive applications and walking them backwards.
 * Must not: interpret nnl (eval.c) or know what a layer is beyond its number. */
#include "autodiff/prims.h"
#include "autodiff/tape.h"
#include "base/budget.h"
#include "base/diag.h"
#include "tensor/tensor.h"
#include <stdlib.h>

void tape_init(Tape *t, Arena *arena, TapeMode *mode) {
    *t = (Tape){ .arena = arena, .mode = mode };
}

void tape_free(Tape *t) {
    free(t->entries);
    free(t->names);
    free(t->layers);
    t->entries = NULL; t->names = NULL; t->layers = NULL;
    t->n = t->cap = t->nnames = t->cap_names = t->nlayers = t->cap_layers = 0;
}

void tape_clear(Tape *t) { t->n = t->nnames = t->nlayers = 0; }

/* grows a malloc'd array of `size`-byte items to hold one more */
static void *reserve(void *items, int n, int *cap, size_t size) {
    if (n < *cap) return items;
    int grown = *cap ? *cap * 2 : 64;
    void *more = realloc(items, size * (size_t)grown);
    if (!more) diag_out_of_memory(size * (size_t)grown);     /* items and cap stay as they were */
    *cap = grown;
    return more;
}

Tensor *tape_apply(Tape *t, PrimOp op, Tensor **in, int nin, int axis, SrcLoc loc) {
    /* One precision per op: that of the inputs that need a gradient (a
     * converted copy would cut them off from it), else the wider one. */
    DType dt = DT_F32;
    bool fixed = false;
    for (int i = 0; i < nin; i++) {
        if (in[i]->requires_grad && fixed && in[i]->dtype != dt)
            fail_at(loc, "operands needing gradients are in different precisions");
        if (in[i]->requires_grad) { dt = in[i]->dtype; fixed = true; }
        else if (!fixed && in[i]->dtype == DT_F64) dt = DT_F64;
    }
    Tensor *conv[MAX_PRIM_INPUTS];
    bool needs_grad = false;
    for (int i = 0; i < nin; i++) {
        conv[i] = in[i]->dtype == dt ? in[i] : tensor_convert(t->arena, in[i], dt);
        needs_grad |= in[i]->requires_grad;
    }
    needs_grad &= prims[op].differentiable || prims[op].forward_only;
    PrimCall c = { .op = op, .nin = nin, .axis = axis };
    for (int i = 0; i < nin; i++) c.in[i] = conv[i];
    prims[op].forward(t->arena, &c, loc);
    budget_charge(tape_op_work(&c), loc);
    c.out->requires_grad = needs_grad;
    for (int i = 0; i < nin; i++) c.out->varies |= conv[i]->varies;
    if (t->mode->recording && (needs_grad || t->mode->record_all)) {
        c.out->producer = t->n;
        tape_push(t, &(TapeEntry){ .call = c, .loc = loc, .layer = t->mode->layer, .layer_loc = t->mode->layer_loc });
    }
    return c.out;
}

long long tape_op_work(const PrimCall *c) {
    long long work = c->out->size;
    if (c->op == P_MATMUL && c->in[0]->ndim > 0) work *= c->in[0]->shape[c->in[0]->ndim - 1];
    return work + WORK_PER_OP;
}

void tape_push(Tape *t, const TapeEntry *e) {
    t->entries = reserve(t->entries, t->n, &t->cap, sizeof *t->entries);
    t->entries[t->n++] = *e;
}

void tape_name(Tape *t, const char *name, Tensor *value, const void *stmt) {
    if (!t->mode->recording || !t->mode->record_all) return;
    t->names = reserve(t->names, t->nnames, &t->cap_names, sizeof *t->names);
    t->names[t->nnames++] = (TapeName){ t->mode->layer, name, value, stmt };
}

void tape_layer(Tape *t, Tensor *in, Tensor *out, int first, Tensor **state, int nstate) {
    if (!t->mode->recording || !t->mode->record_all) return;
    t->layers = reserve(t->layers, t->nlayers, &t->cap_layers, sizeof *t->layers);
    t->layers[t->nlayers++] = (TapeLayer){ t->mode->layer, in, out, first, t->n, state, nstate };
}

/* A gradient reached a primitive without a derivative (step). */
_Noreturn static void no_derivative(const TapeEntry *e) {
    const char *name = prims[e->call.op].name;
    if (!e->layer_loc.file)
        fail_at(e->loc, "'%s' has no derivative, so backpropagation cannot pass through it", name);
    diag_error(e->layer_loc, "layer %d applies '%s', which has no derivative, so backpropagation cannot pass "
               "through it; train with a differentiable activation (sigmoid is step made smooth) and keep "
               "'%s' for forward passes", e->layer, name, name);
    diag_note(e->loc, "'%s' is applied here", name);
    diag_throw();
}

bool tape_backward_entry(Tape *t, int i) {
    TapeEntry *e = &t->entries[i];
    if (!e->call.out->requires_grad || !e->call.out->grad) return false;
    if (prims[e->call.op].forward_only) no_derivative(e);
    prims[e->call.op].backward(t->arena, &e->call);
    return true;
}

void tape_backward(Tape *t, Tensor *loss) {
    if (!loss->requires_grad) return;
    ensure_grad(t->arena, loss);
    tensor_fill(loss->grad, 1);
    for (int i = t->n - 1; i >= 0; i--) tape_backward_entry(t, i);
}
