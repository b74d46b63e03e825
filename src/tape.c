/* tape.c — recording primitive applications and walking them backwards.
 * Must not: interpret nnl (eval.c) or know what a layer is beyond its number. */
#include "tape.h"
#include <stdlib.h>

void tape_init(Tape *t, Arena *arena) {
    *t = (Tape){ .recording = true, .arena = arena };
}

void tape_free(Tape *t) { free(t->entries); t->entries = NULL; t->n = t->cap = 0; }
void tape_clear(Tape *t) { t->n = 0; }

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
    needs_grad &= prims[op].differentiable;
    PrimCall c = { .op = op, .nin = nin, .axis = axis };
    for (int i = 0; i < nin; i++) c.in[i] = conv[i];
    prims[op].forward(t->arena, &c, loc);
    c.out->requires_grad = needs_grad;
    if (t->recording && needs_grad) {
        if (t->n == t->cap) {
            t->cap = t->cap ? t->cap * 2 : 256;
            t->entries = realloc(t->entries, sizeof *t->entries * (size_t)t->cap);
            if (!t->entries) abort();
        }
        c.out->producer = t->n;
        t->entries[t->n++] = (TapeEntry){ .call = c, .loc = loc, .layer = t->layer };
    }
    return c.out;
}

bool tape_backward_entry(Tape *t, int i) {
    TapeEntry *e = &t->entries[i];
    if (!e->call.out->grad) return false;
    prims[e->call.op].backward(t->arena, &e->call);
    return true;
}

void tape_backward(Tape *t, Tensor *loss) {
    if (!loss->requires_grad) return;
    ensure_grad(t->arena, loss);
    tensor_fill(loss->grad, 1);
    for (int i = t->n - 1; i >= 0; i--) tape_backward_entry(t, i);
}
