/* tinystep.c — a replayed step with tiny dense layers compiled into a flat
 * list of micro-ops and run (tinystep.h).  Owns: which layers are tiny
 * enough to run as one op each way, and the list.  Must not: compute an
 * element itself (each op is autodiff's — dense_forward/backward, or the
 * very call replay.c would make — so the bits are the replay's and the
 * interpreter's), decide what a step replays (replay.c), or run the
 * optimizer (optstep.c). */
#include "autodiff/prims.h"
#include "base/bytes.h"
#include "tensor/tensor.h"
#include "train/tinystep.h"

/* Tiny: the layer's output under 8 columns (gemm's loop of a few columns,
 * one entry at a time, is then what the vectorised ones would not beat) and
 * at most TINY_PRODUCT multiply-adds. */
enum { TINY_COLUMNS = 8, TINY_PRODUCT = 4096 };

/* what replay.c's replay() would do for an entry, and a dense layer */
typedef enum {
    MICRO_DENSE,             /* entries i .. i + 2 (+ 3 for relu): dense_forward/backward */
    MICRO_PRODUCT,           /* X @ W' reading W: matmul_bt_forward/backward */
    MICRO_SQUARED_ERROR,     /* mse's three: squared_error_forward/backward */
    MICRO_BIAS_ACTIVATION,   /* + b and a unary activation: bias_activation_forward/backward */
    MICRO_BIAS_RELU,         /* + b and relu: bias_relu_forward/backward */
    MICRO_PRIM,              /* any other op: its primitive's rule */
} MicroKind;

typedef struct MicroOp {
    MicroKind  kind;
    DenseLayer dense;
    TapeEntry *e;               /* the entry (the first of a group) */
    const Tensor *w;            /* MICRO_PRODUCT's W */
    bool       grad_into_w;
} MicroOp;

struct TinyStep {
    Arena         *arena;            /* the rules' (the gradients exist: they allocate nothing) */
    void          *scratch;          /* matmul_bt_backward's */
    MicroOp       *forward, *backward;
    int            nforward, nbackward;
    Tensor *const *grads;
    int            ngrads;
    Tensor        *loss;
};

static bool tiny_layer(const DenseLayer *d) {
    return d->n < TINY_COLUMNS && (long)d->m * d->n * d->k <= TINY_PRODUCT;
}

/* entries i (X @ W', reading W), i + 1 (+ b) and its activation (i + 2;
 * relu: i + 2 and i + 3) as a tiny dense layer */
static bool dense_at(const TinyPlan *pl, int i, DenseLayer *d) {
    TapeEntry *e = pl->entries;
    int with = i + 1 < pl->n ? pl->with_activation[i + 1] : 0;
    if (!pl->transposed[i] || !pl->grad_into_w[i] || !with || pl->squared_error[i + 1]) return false;
    return dense_layer_of(&e[i].call, pl->transposed[i], &e[i + 1].call, &e[i + 2].call,
                          with == 2 ? &e[i + 3].call : NULL, d) && tiny_layer(d);
}

/* the op replay() runs for entry i (the first of its group) */
static MicroOp entry_op(const TinyPlan *pl, int i) {
    MicroOp o = { .e = &pl->entries[i] };
    if (pl->transposed[i]) o.kind = MICRO_PRODUCT, o.w = pl->transposed[i], o.grad_into_w = pl->grad_into_w[i];
    else if (pl->squared_error[i]) o.kind = MICRO_SQUARED_ERROR;
    else if (pl->with_activation[i] == 1) o.kind = MICRO_BIAS_ACTIVATION;
    else if (pl->with_activation[i] == 2) o.kind = MICRO_BIAS_RELU;
    else o.kind = MICRO_PRIM;
    return o;
}

TinyStep *tiny_step_compile(Arena *a, const TinyPlan *pl) {
    if (!pl->loss->requires_grad || !pl->loss->grad) return NULL;
    TinyStep *s = arena_alloc(a, sizeof *s);
    *s = (TinyStep){ a, pl->scratch, NULL, NULL, 0, 0, pl->grads, pl->ngrads, pl->loss };
    s->forward = arena_alloc(a, sizeof(MicroOp) * (size_t)(pl->nforward + 1));
    s->backward = arena_alloc(a, sizeof(MicroOp) * (size_t)(pl->nbackward + 1));
    int dense = 0;
    /* the forward: X @ W' with the + b after it (replay's next entry) as one, every other op as replay runs it */
    for (int k = 0; k < pl->nforward; k++) {
        int i = pl->forward[k];
        DenseLayer d;
        if (k + 1 < pl->nforward && pl->forward[k + 1] == i + 1 && dense_at(pl, i, &d)) {
            s->forward[s->nforward++] = (MicroOp){ .kind = MICRO_DENSE, .dense = d };
            dense++;
            k++;
        } else s->forward[s->nforward++] = entry_op(pl, i);
    }
    /* the backward, last first: an activation's group, then its product right after it, as one */
    for (int k = 0; k < pl->nbackward; k++) {
        int i = pl->backward[k], j = pl->group_last[i];
        DenseLayer d;
        if (j >= 1 && !pl->squared_error[j] && k + 1 < pl->nbackward && pl->backward[k + 1] == j - 1 &&
            dense_at(pl, j - 1, &d)) {
            s->backward[s->nbackward++] = (MicroOp){ .kind = MICRO_DENSE, .dense = d };
            dense++;
            k++;
        } else s->backward[s->nbackward++] = entry_op(pl, j >= 0 ? j : i);
    }
    return dense ? s : NULL;     /* no tiny layer: nothing to gain over the replay's loop */
}

static void run_forward(const TinyStep *s, const MicroOp *o) {
    PrimCall *c = &o->e->call;
    switch (o->kind) {
    case MICRO_DENSE: break;     /* tiny_step_run's */
    case MICRO_PRODUCT: matmul_bt_forward(c, o->w); break;
    case MICRO_SQUARED_ERROR: squared_error_forward(c, &o->e[1].call, &o->e[2].call); break;
    case MICRO_BIAS_ACTIVATION: bias_activation_forward(c, &o->e[1].call); break;
    case MICRO_BIAS_RELU: bias_relu_forward(c, &o->e[1].call, &o->e[2].call); break;
    case MICRO_PRIM: prims[c->op].forward(s->arena, c, o->e->loc); break;
    }
}

static void run_backward(const TinyStep *s, const MicroOp *o) {
    PrimCall *c = &o->e->call;
    switch (o->kind) {
    case MICRO_DENSE: break;     /* tiny_step_run's */
    case MICRO_PRODUCT: matmul_bt_backward(s->arena, c, o->w, o->grad_into_w, s->scratch); break;
    case MICRO_SQUARED_ERROR: squared_error_backward(s->arena, c, &o->e[1].call, &o->e[2].call); break;
    case MICRO_BIAS_ACTIVATION: bias_activation_backward(s->arena, c, &o->e[1].call); break;
    case MICRO_BIAS_RELU: bias_relu_backward(s->arena, c, &o->e[1].call, &o->e[2].call); break;
    case MICRO_PRIM: prims[c->op].backward(s->arena, c); break;
    }
}

void tiny_step_run(const TinyStep *s) {
    for (int k = 0; k < s->nforward; k++) {
        const MicroOp *o = &s->forward[k];
        if (o->kind == MICRO_DENSE) dense_forward(&o->dense);
        else run_forward(s, o);
    }
    for (int k = 0; k < s->ngrads; k++) {
        const Tensor *g = s->grads[k];
        zero_bytes(g->data, dtype_size(g->dtype) * (size_t)g->size);
    }
    tensor_fill(s->loss->grad, 1);
    for (int k = 0; k < s->nbackward; k++) {
        const MicroOp *o = &s->backward[k];
        if (o->kind == MICRO_DENSE) dense_backward(s->arena, &o->dense);
        else run_backward(s, o);
    }
}
