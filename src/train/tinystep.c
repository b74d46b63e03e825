/* tinystep.c — a replayed step of tiny tensors compiled into a flat list
 * of micro-ops and run (tinystep.h).  Owns: which replayed steps are tiny
 * enough, and the list.  Must not: compute an element itself (each op is
 * autodiff's: dense_forward/backward, squared_error_*, so the bits are the
 * replay's and the interpreter's), decide what a step replays (replay.c),
 * or run the optimizer (optstep.c). */
#include "autodiff/prims.h"
#include "base/bytes.h"
#include "tensor/tensor.h"
#include "train/tinystep.h"

/* Tiny: each product's output under 8 columns (gemm's loop of a few
 * columns, one entry at a time, is then what the vectorised ones would
 * not beat) and at most TINY_PRODUCT multiply-adds. */
enum { TINY_COLUMNS = 8, TINY_PRODUCT = 4096 };

typedef enum { MICRO_DENSE, MICRO_SQUARED_ERROR } MicroKind;

typedef struct MicroOp {
    MicroKind  kind;
    DenseLayer dense;
    PrimCall  *sub, *pw, *mean;      /* MICRO_SQUARED_ERROR's three ops */
} MicroOp;

struct TinyStep {
    Arena         *arena;            /* the backward rules' (the gradients exist: they allocate nothing) */
    MicroOp       *forward, *backward;
    int            nforward, nbackward;
    Tensor *const *grads;
    int            ngrads;
    Tensor        *loss;
};

static bool tiny_layer(const DenseLayer *d) {
    return d->n < TINY_COLUMNS && (long)d->m * d->n * d->k <= TINY_PRODUCT;
}

/* entries i (X @ W', reading W), i + 1 (+ b) and i + 2 (the activation) as a dense layer */
static bool dense_at(const TinyPlan *pl, int i, DenseLayer *d) {
    TapeEntry *e = pl->entries;
    return pl->transposed[i] && pl->grad_into_w[i] && pl->with_activation[i + 1] == 1 && !pl->squared_error[i + 1] &&
           dense_layer_of(&e[i].call, pl->transposed[i], &e[i + 1].call, &e[i + 2].call, d) && tiny_layer(d);
}

static MicroOp squared_error_op(const TinyPlan *pl, int j) {
    TapeEntry *e = pl->entries;
    return (MicroOp){ .kind = MICRO_SQUARED_ERROR, .sub = &e[j].call, .pw = &e[j + 1].call, .mean = &e[j + 2].call };
}

TinyStep *tiny_step_compile(Arena *a, const TinyPlan *pl) {
    if (!pl->loss->requires_grad || !pl->loss->grad) return NULL;
    TinyStep *s = arena_alloc(a, sizeof *s);
    s->arena = a;
    s->forward = arena_alloc(a, sizeof(MicroOp) * (size_t)(pl->nforward + 1));
    s->backward = arena_alloc(a, sizeof(MicroOp) * (size_t)(pl->nbackward + 1));
    /* the forward: [X @ W', + b with its activation] pairs, and mse's group */
    for (int k = 0; k < pl->nforward;) {
        int i = pl->forward[k];
        DenseLayer d;
        if (k + 1 < pl->nforward && pl->forward[k + 1] == i + 1 && dense_at(pl, i, &d)) {
            s->forward[s->nforward++] = (MicroOp){ .kind = MICRO_DENSE, .dense = d };
            k += 2;
        } else if (pl->squared_error[i]) {
            s->forward[s->nforward++] = squared_error_op(pl, i);
            k++;
        } else return NULL;
    }
    /* the backward, last first: an activation's group then its product, or mse's group */
    for (int k = 0; k < pl->nbackward;) {
        int i = pl->backward[k], j = pl->group_last[i];
        DenseLayer d;
        if (j < 0) return NULL;
        if (pl->squared_error[j]) {
            s->backward[s->nbackward++] = squared_error_op(pl, j);
            k++;
        } else if (j >= 1 && k + 1 < pl->nbackward && pl->backward[k + 1] == j - 1 && dense_at(pl, j - 1, &d)) {
            s->backward[s->nbackward++] = (MicroOp){ .kind = MICRO_DENSE, .dense = d };
            k += 2;
        } else return NULL;
    }
    s->grads = pl->grads;
    s->ngrads = pl->ngrads;
    s->loss = pl->loss;
    return s;
}

void tiny_step_run(const TinyStep *s) {
    for (int k = 0; k < s->nforward; k++) {
        const MicroOp *o = &s->forward[k];
        if (o->kind == MICRO_DENSE) dense_forward(&o->dense);
        else squared_error_forward(o->sub, o->pw, o->mean);
    }
    for (int k = 0; k < s->ngrads; k++) {
        const Tensor *g = s->grads[k];
        zero_bytes(g->data, dtype_size(g->dtype) * (size_t)g->size);
    }
    tensor_fill(s->loss->grad, 1);
    for (int k = 0; k < s->nbackward; k++) {
        const MicroOp *o = &s->backward[k];
        if (o->kind == MICRO_DENSE) dense_backward(s->arena, &o->dense);
        else squared_error_backward(s->arena, o->sub, o->pw, o->mean);
    }
}
