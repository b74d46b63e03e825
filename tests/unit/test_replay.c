/* Tests replayed training steps (src/train/replay.c) against the interpreter: the
 * same script trained once with every step interpreted and once replayed
 * must end with bit-identical weights, layer state and optimizer state, and
 * print the same, for nets of every stdlib layer, loss and regularizer, in
 * float32 and double, with a last batch shorter than the others (dropout's
 * random masks drawn again in the replay).  A step that a replay would not
 * repeat (random numbers of a size or range that varies, an if or a require on the
 * batch, a print, a value taken out of the batch by a builtin or a tensor
 * literal, another model's parameters) runs interpreted every time, and
 * says why.  A replayed step allocates nothing, and the memory of W' (which
 * no replayed op reads: the product reads W with a transpose flag) is given
 * back to the system when the plan is made.  The replay's fast paths
 * (broadcast patterns kept from the recording, mse's three ops as one pass)
 * give the interpreter's bits where they apply and stay out where not. */
#define _DEFAULT_SOURCE        /* mincore */
#include "autodiff/kernels.h"
#include "autodiff/prims.h"
#include "cli/toplevel.h"
#include "lang/model.h"
#include "train/replay.h"
#include "check.h"
#include "script_run.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* layers of nets to train: each line is a model body after `input 2` */
/* two_plans: the step reads its batch's size (rows, shape) or draws random
 * numbers of its size, so a shorter batch records a plan of its own; the
 * others replay the full batches' plan with fewer rows (replay.c, fit_rows) */
/* tiny: a layer of it is tiny, so its replayed steps run as micro-ops
 * (train/tinystep.c): dense layers of a unary activation or relu under 8
 * wide, the other ops (softmax, cross-entropy, a linear layer's + b, an l2
 * penalty) as the replay runs them */
static const struct { const char *name, *layers, *loss, *optimizer, *extra; bool two_plans, tiny; } nets[] = {
    { "sigmoid mse sgd", "dense 3 sigmoid\n dense 2 sigmoid", "mse", "sgd(lr=0.5)", "", false, true },
    { "tanh sigmoid mse momentum", "dense 4 tanh\n dense 3 tanh\n dense 2 sigmoid", "mse", "sgd(lr=0.3, momentum=0.9)",
      "", false, true },
    { "relu softmax adam", "dense 16 relu\n dense 2 softmax", "cross_entropy", "adam(lr=0.01)", "", false, false },
    /* products big enough for BLAS (16 x 128 x 128), where X @ W' reads W with a transpose flag */
    { "wide relu momentum (BLAS)", "dense 128 relu\n dense 128 relu\n dense 2 softmax", "cross_entropy",
      "sgd(lr=0.05, momentum=0.9)", "", false, false },
    /* the same, with W read by its penalty too: W'’s gradient made as (Gᵀ X)ᵀ, then handed on */
    { "wide l2 (BLAS)", "dense 128 relu regularize l2(0.001)\n dense 128 relu\n dense 2 softmax", "cross_entropy",
      "sgd(lr=0.05)", "", false, false },
    { "tanh leaky elu softplus rmsprop", "dense 8 tanh\n dense 8 leaky_relu\n dense 8 elu\n dense 8 softplus\n dense 2 softmax",
      "cross_entropy", "rmsprop(lr=0.01)", "", false, false },
    /* a new mask every step: drawn again by the replay from the same stream */
    { "dropout", "dense 16 relu\n dropout 0.3\n dense 8 tanh\n dropout\n dense 2 softmax", "cross_entropy",
      "adam(lr=0.01)", "", true, false },
    { "batchnorm momentum", "dense 8\n batchnorm relu\n dense 2 softmax", "cross_entropy", "sgd(lr=0.1, momentum=0.9)", "",
      true, false },
    { "maxout prelu adagrad", "maxout 4\n dense 4\n prelu\n dense 2 softmax", "cross_entropy", "adagrad(lr=0.05)", "", false, false },
    { "regularized", "dense 8 relu regularize l1(0.01)\n dense 2 softmax", "cross_entropy", "sgd(lr=0.1)",
      "regularize net l2(0.001)\n", false, false },
    { "bce sigmoid nesterov", "dense 6 tanh\n dense 2 sigmoid", "binary_cross_entropy",
      "sgd(lr=0.2, momentum=0.5, nesterov=true)", "", false, true },
    { "mae schedule", "dense 6 relu\n dense 2 linear", "mae", "sgd(lr=step_decay(initial=0.2, drop=0.5, every=1))", "", false, true },
    /* a layer of the user's: an if on `training`, a require on the batch's
     * size, a constant computed from its arguments, rows() and shape() */
    { "user layer", "scaled 6\n dense 2 softmax", "cross_entropy", "adam(lr=0.01)", "", true, false },
    /* a loss of the user's dividing by rows(): a short batch is a plan of its own */
    { "loss over rows()", "dense 4 tanh\n dense 2 linear", "rows_mse", "sgd(lr=0.1)",
      "def rows_mse(y, t) = sum((y - t) ^ 2) / rows(y)\n", true, true },
    /* xor's shapes (rows of 2 and 1 numbers: the plain twins of the kernels,
     * mse's [rows, 1] ^ 2 as one row), and widths either side of VECTOR_ROW */
    { "xor-shaped mse", "dense 2 sigmoid\n dense 1 sigmoid\n dense 2 linear", "mse", "sgd(lr=0.5)", "", false, true },
    { "widths 7 and 8", "dense 7 tanh\n dense 8 relu\n dense 8 sigmoid\n dense 2 softmax", "cross_entropy",
      "adam(lr=0.01)", "", false, true },
};

static const char *user_layer =
    "layer scaled(units, gain = 2) {\n"
    "  param W[units, in]\n"
    "  param b[units] init zeros\n"
    "  forward(x) {\n"
    "    require rows(x) >= 1, \"a batch has rows\"\n"
    "    half = gain / 2\n"
    "    n = sum(shape(x)) * 0 + 1\n"
    "    if training {\n"
    "      a = (x @ W' + b) * half * n\n"
    "    } else {\n"
    "      a = x @ W' + b\n"
    "    }\n"
    "    z = tanh(a)\n"
    "  }\n"
    "}\n";

static void run_script(Run *r, const char *precision, const char *body, bool interpret) {
    run_begin(r);
    r->I.interpret_steps = interpret;
    snprintf(r->src, sizeof r->src, "precision %s\n%s%s", precision, user_layer, body);
    run_source(r, "replay.nnl");
}

/* 50 rows, 3 epochs, in batches of `batch`: 16 leaves a last batch of 2, 7 one of 1 */
static void run_net(Run *r, const char *precision, int i, int batch, bool interpret) {
    char body[2048];
    snprintf(body, sizeof body,
             "data d = generate(\"moons\", n=50, noise=0.1, seed=2, onehot=true)\n"
             "model net {\n input 2\n %s\n}\n%s"
             "init xavier\nloss %s\nseed 5\noptimizer %s\n"
             "train net on d epochs 3 batch %d\nevaluate net on d\n",
             nets[i].layers, nets[i].extra, nets[i].loss, nets[i].optimizer, batch);
    run_script(r, precision, body, interpret);
}

static void compare_all(const char *precision) {
    static const int batches[] = { 16, 7 };
    for (size_t b = 0; b < sizeof batches / sizeof batches[0]; b++)
    for (size_t i = 0; i < sizeof nets / sizeof nets[0]; i++) {
        int batch = batches[b], steps = 3 * ((50 + batch - 1) / batch);
        if (50 % batch == 1 && strstr(nets[i].layers, "batchnorm")) continue;    /* it needs 2 rows in training */
        Run interpreted, replayed;
        run_net(&interpreted, precision, (int)i, batch, true);
        run_net(&replayed, precision, (int)i, batch, false);
        CHECK(interpreted.ok && replayed.ok, "%s %s, batch %d: both runs train%s%s", precision, nets[i].name, batch,
              interpreted.ok ? "" : interpreted.log, replayed.ok ? "" : replayed.log);
        CHECK(interpreted.I.steps_replayed == 0 && interpreted.I.steps_interpreted == steps,
              "%s %s, batch %d: the interpreted run interprets all %d steps", precision, nets[i].name, batch, steps);
        /* the steps recorded are the interpreted ones: one plan (the short
         * batch replays it with fewer rows), or one for each batch size — a
         * second plan costs W' and its gradient again (bench/README.md) */
        int recorded = nets[i].two_plans ? 2 : 1;
        CHECK(replayed.I.steps_replayed == steps - recorded && replayed.I.steps_interpreted == recorded,
              "%s %s, batch %d: the other run records %d plan%s and replays the other steps (replayed %ld, interpreted %ld)",
              precision, nets[i].name, batch, recorded, recorded > 1 ? "s" : "",
              replayed.I.steps_replayed, replayed.I.steps_interpreted);
        /* the full batches' steps that replay: with one plan, each epoch's short
         * batch runs it op by op; a short batch's own plan is tiny too */
        int tiny = !nets[i].tiny ? 0 : nets[i].two_plans ? steps - recorded : steps - recorded - 3;
        CHECK(replayed.I.steps_tiny == tiny, "%s %s, batch %d: %d steps run as micro-ops (%ld)", precision,
              nets[i].name, batch, tiny, replayed.I.steps_tiny);
        int differ = differences(&interpreted, &replayed);
        CHECK(differ == 0, "%s %s, batch %d: weights and all state bit-identical (%d tensors differ)", precision,
              nets[i].name, batch, differ);
        CHECK(interpreted.log && replayed.log && strcmp(interpreted.log, replayed.log) == 0,
              "%s %s, batch %d: the same output", precision, nets[i].name, batch);
        run_free(&interpreted);
        run_free(&replayed);
    }
}

/* Steps a replay would not repeat: interpreted every time, with the reason. */
static void refusals(void) {
    static const struct { const char *forward, *why; } odd[] = {
        { "z = x * (rand_uniform(shape(x), 0, max(x)) > 0.5)",
          "draws random numbers with a shape or distribution that changes every step" },
        { "if sum(x) > 0 {\n z = x\n} else {\n z = -x\n}",
          "takes a number from a value that changes every step (an if, a require, a setting)" },
        { "require max(x) < 100, \"small\"\n z = x", "checks a requirement on a value that changes every step" },
        { "print x\n z = x", "prints" },
        { "z = x * full(2, mean(x))", "passes a value that changes every step to a builtin function" },
        { "z = x * [max(x), 1]", "puts a value that changes every step into a tensor literal" },
        { "z = x @ other.1.W'", "uses a parameter of another model, which the step's gradients reach" },
    };
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        char body[2048];
        snprintf(body, sizeof body,
                 "layer odd() {\n forward(x) {\n %s\n }\n}\n"
                 "model other {\n input 2\n dense 2\n}\n"
                 "data d = generate(\"moons\", n=20, noise=0.1, seed=2, onehot=true)\n"
                 "model net {\n input 2\n odd\n dense 2 softmax\n}\n"
                 "loss cross_entropy\nseed 5\noptimizer sgd(lr=0.1)\n"
                 "train net on d epochs 2 batch 8 log every 0\n", odd[i].forward);
        Run interpreted, r;
        run_script(&interpreted, "float", body, true);
        run_script(&r, "float", body, false);
        CHECK(r.ok && r.I.steps_replayed == 0 && r.I.steps_interpreted == 6,
              "interpreted every step: %s (replayed %ld)%s", odd[i].why, r.I.steps_replayed, r.ok ? "" : r.log);
        CHECK(interpreted.ok && differences(&interpreted, &r) == 0 && strcmp(interpreted.log, r.log) == 0,
              "and as when all is interpreted: %s", odd[i].why);
        run_free(&interpreted);
        run_free(&r);

        /* --time names the reason and its line */
        char dir[] = "/tmp/nnl-replay-XXXXXX", path[64];
        if (!mkdtemp(dir)) abort();
        snprintf(path, sizeof path, "%s/odd.nnl", dir);
        FILE *f = fopen(path, "w");
        fputs(body, f);
        fclose(f);
        char cmd[512], *got = NULL;
        size_t cap = 0;
        snprintf(cmd, sizeof cmd, "%s --time %s 2>&1 >/dev/null | grep '^time: train'", getenv("NNL") ? getenv("NNL") : "build/nnl", path);
        FILE *p = popen(cmd, "r");
        ssize_t len = getline(&got, &cap, p);
        if (len > 0 && got[len - 1] == '\n') got[--len] = 0;
        pclose(p);
        unlink(path);
        rmdir(dir);
        CHECK(len > 0 && strstr(got, "runs every step interpreted, not replayed: the step ") && strstr(got, odd[i].why),
              "--time says: %s", len > 0 ? got : "(nothing)");
        free(got);
    }
}

/* W' of each parameter W the recorded step transposed, from the tape the
 * recording left (the replays clear it) */
typedef struct Transposes { const Tensor *wt[16]; int n; } Transposes;

static void transposes_of(const Interp *I, const Model *m, Transposes *t) {
    t->n = 0;
    for (int i = 0; i < I->tape.n && t->n < 16; i++) {
        const PrimCall *c = &I->tape.entries[i].call;
        if (c->op != P_TRANSPOSE) continue;
        for (int l = 0; l < m->nlayers; l++)
            for (int k = 0; k < m->layers[l].nparams; k++)
                if (c->in[0] == m->layers[l].params[k].value && t->n < 16) t->wt[t->n++] = c->out;
    }
}

/* of the whole pages of [p, p + bytes): how many, and how many are in memory */
static void pages_in_memory(const void *p, size_t bytes, int *whole, int *resident) {
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE), start = (uintptr_t)p;
    uintptr_t from = (start + page - 1) & ~(page - 1), to = (start + bytes) & ~(page - 1);
    *whole = *resident = 0;
    if (to <= from) return;
    size_t n = (size_t)((to - from) / page);
    unsigned char *vec = calloc(n, 1);
    if (vec && mincore((void *)from, to - from, vec) == 0) {
        *whole = (int)n;
        for (size_t i = 0; i < n; i++) *resident += vec[i] & 1;
    }
    free(vec);
}

/* The steps of `train` driven by hand: after the first, nothing is allocated. */
static Objective step_pass(Interp *I, Model *m, Tensor *x, Tensor *y, SrcLoc loc) {
    tape_clear(&I->tape);
    model_zero_grad(m);
    Tensor *out = model_forward(I, m, x, loc);
    Objective o = objective(I, m, out, y, loc);
    tape_backward(&I->tape, o.total);
    return o;
}

static void no_allocation(const char *precision, int net) {
    Run r;
    char body[2048];
    snprintf(body, sizeof body,
             "data d = generate(\"moons\", n=64, noise=0.1, seed=2, onehot=true)\n"
             "model net {\n input 2\n %s\n}\n%sinit xavier\nloss %s\nseed 5\n",
             nets[net].layers, nets[net].extra, nets[net].loss);
    run_script(&r, precision, body, false);
    Interp *I = &r.I;
    Model *m = net_of(&r);
    Dataset *d = global_find(I, intern("d"))->data;
    model_ensure_initialised(I, m);
    StepPlans plans = { 0 };
    SrcLoc loc = { "replay.nnl", 1, 1 };
    I->mode.training = I->mode.write_state = true;
    size_t before = 0;
    double first = 0, last = 0;
    Transposes wt = { .n = 0 };
    for (int step = 0; step < 8; step++) {
        if (step == 1) before = arena_allocations();
        Objective o = replay_step(I, &plans, m, d->x, d->y, NULL, (step % 4) * 16, 16, step_pass, loc);
        if (step == 0) transposes_of(I, m, &wt);
        if (step == 0) first = tensor_get(o.loss, 0);
        if (step == 4) last = tensor_get(o.loss, 0);
    }
    size_t made = arena_allocations() - before;
    CHECK(made == 0 && I->steps_replayed == 7, "%s %s: 7 replayed steps allocate nothing (%zu allocations)", precision,
          nets[net].name, made);
    if (!strstr(nets[net].layers, "dropout"))     /* a new mask each time, otherwise */
        CHECK(first == last, "%s %s: the same batch and weights give the same loss replayed (%.9g, %.9g)", precision,
              nets[net].name, first, last);
    /* W' of the wide nets' 128 x 128 layer (64 KB in float32): its whole
     * pages given back after the recording, and not touched by 7 replays */
    int whole = 0, resident = 0;
    for (int i = 0; i < wt.n; i++) {
        int w, res;
        pages_in_memory(wt.wt[i]->data, dtype_size(wt.wt[i]->dtype) * (size_t)wt.wt[i]->size, &w, &res);
        whole += w;
        resident += res;
    }
    if (strstr(nets[net].name, "(BLAS)"))
        CHECK(whole >= 8 && resident == 0, "%s %s: W' is given back (%d of its %d whole pages in memory)", precision,
              nets[net].name, resident, whole);
    tape_clear(&I->tape);
    replay_free(&plans);
    run_free(&r);
}

/* The whole of `train`: more epochs cost no more allocations (every step
 * replayed, every update fused, nothing per epoch either).  Not with a
 * schedule: its function of t is called through the evaluator each update. */
static void train_allocates_nothing_per_step(int net) {
    size_t made[2];
    for (int run = 0; run < 2; run++) {
        char body[2048];
        snprintf(body, sizeof body,
                 "data d = generate(\"moons\", n=64, noise=0.1, seed=2, onehot=true)\n"
                 "model net {\n input 2\n %s\n}\n%sinit xavier\nloss %s\nseed 5\noptimizer %s\n"
                 "train net on d epochs 1 batch 16 log every 0\n"
                 "train net on d epochs %d batch 16 log every 0\n",
                 nets[net].layers, nets[net].extra, nets[net].loss, nets[net].optimizer, run ? 60 : 20);
        Run r;
        run_begin(&r);
        snprintf(r.src, sizeof r.src, "%s%s", user_layer, body);
        Node *root = parse_source(&r.ast, "replay.nnl", r.src);
        /* the statements one by one, counting around the last */
        int n = root ? root->kids.n : 0;
        bool ok = n > 0;
        for (int i = 0; ok && i < n - 1; i++) ok = interp_run_statement(&r.I, root->kids.items[i]);
        size_t before = arena_allocations();
        ok = ok && interp_run_statement(&r.I, root->kids.items[n - 1]);
        made[run] = arena_allocations() - before;
        CHECK(ok, "%s: trains", nets[net].name);
        run_free(&r);
    }
    CHECK(made[0] == made[1], "%s: train for 60 epochs (240 steps) allocates what it does for 20 (%zu and %zu)",
          nets[net].name, made[0], made[1]);
}

/* ---- elementwise ops with their broadcast kept (prim_keep_pattern) ---- */

/* input k's offset for output element i: NumPy's broadcast, by hand */
static int broadcast_offset(const Tensor *out, const Tensor *in, int i) {
    int off = 0, stride = 1;
    for (int d = out->ndim - 1, e = in->ndim - 1; d >= 0; d--, e--) {
        int idx = i % out->shape[d];
        i /= out->shape[d];
        if (e >= 0) {
            if (in->shape[e] != 1) off += idx * stride;
            stride *= in->shape[e];
        }
    }
    return off;
}

/* z = op(x, y) and the gradients' sums in the elements' order, in T */
#define REFERENCE(T)                                                                      \
    do {                                                                                  \
        T *gx = calloc((size_t)x->size, sizeof(T)), *gy = calloc((size_t)y->size, sizeof(T)); \
        for (int i = 0; i < n; i++) {                                                     \
            int i0 = broadcast_offset(out, x, i), i1 = broadcast_offset(out, y, i);       \
            T u = ((T *)x->data)[i0], v = ((T *)y->data)[i1], gi = ((T *)out->grad->data)[i]; \
            T z = op == P_ADD ? u + v : op == P_SUB ? u - v : op == P_MUL ? u * v : u / v; \
            bad += z != ((T *)out->data)[i];                                              \
            T dx = op == P_MUL ? gi * v : op == P_DIV ? gi / v : gi;                      \
            T dy = op == P_MUL ? gi * u : op == P_DIV ? -gi * u / (v * v) : op == P_SUB ? -gi : gi; \
            gx[i0] += dx;                                                                 \
            gy[i1] += dy;                                                                 \
        }                                                                                 \
        for (int i = 0; i < x->size; i++) bad += gx[i] != ((T *)x->grad->data)[i];      \
        for (int i = 0; i < y->size; i++) bad += gy[i] != ((T *)y->grad->data)[i];      \
        free(gx);                                                                         \
        free(gy);                                                                         \
    } while (0)

/* runs c forward and backward from zeroed gradients, the output's gradient g;
 * then the elements that differ from a by-hand broadcast */
static int run_and_check(Arena *a, PrimCall *c, const Tensor *g) {
    prims[c->op].forward(a, c, (SrcLoc){ 0 });
    Tensor *x = c->in[0], *y = c->in[1], *out = c->out;
    ensure_grad(a, out);
    ensure_grad(a, x);
    ensure_grad(a, y);
    tensor_fill(x->grad, 0);
    tensor_fill(y->grad, 0);
    tensor_copy_into(out->grad, g);
    prims[c->op].backward(a, c);
    int bad = 0, n = out->size;
    PrimOp op = c->op;
    if (out->dtype == DT_F64) REFERENCE(double); else REFERENCE(float);
    return bad;
}

static Tensor *random_tensor(Arena *a, DType dt, int ndim, const int *shape, unsigned *seed) {
    Tensor *t = tensor_new(a, dt, ndim, shape);
    for (int i = 0; i < t->size; i++) {
        *seed = *seed * 1103515245u + 12345u;
        tensor_set(t, i, 0.5 + (double)(*seed >> 8 & 0xffff) / 0x8000);     /* in [0.5, 2.5) */
    }
    t->requires_grad = true;
    return t;
}

/* Each shape pair the fast loops handle gives the same bits with its pattern
 * kept as worked out on every call, and both what a by-hand broadcast gives;
 * a pair they do not handle keeps none and still computes it. */
static void kept_patterns(void) {
    static const struct { int nx, x[3], ny, y[3]; bool kept; } pairs[] = {
        { 2, { 4, 1 }, 2, { 4, 1 }, true },       /* mse's p - y: one row */
        { 2, { 4, 1 }, 0, { 0 }, true },          /* d ^ 2: one row, a single number */
        { 0, { 0 }, 2, { 4, 1 }, true },
        { 2, { 5, 3 }, 1, { 3 }, true },          /* a bias */
        { 2, { 5, 3 }, 2, { 5, 1 }, true },       /* a column across the rows */
        { 3, { 2, 3, 4 }, 1, { 4 }, true },
        { 1, { 7 }, 1, { 7 }, true },             /* under VECTOR_ROW: the plain twin */
        { 2, { 9, 9 }, 2, { 9, 9 }, true },       /* the vectorised one */
        { 2, { 9, 9 }, 1, { 9 }, true },
        { 2, { 4, 1 }, 2, { 1, 3 }, false },      /* an outer broadcast: the general walk */
    };
    static const PrimOp ops[] = { P_ADD, P_SUB, P_MUL, P_DIV };
    unsigned seed = 7;
    for (int dt = 0; dt < 2; dt++)
        for (size_t s = 0; s < sizeof pairs / sizeof pairs[0]; s++)
            for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++) {
                Arena a = { 0 };
                DType type = dt ? DT_F64 : DT_F32;
                Tensor *x = random_tensor(&a, type, pairs[s].nx, pairs[s].x, &seed);
                Tensor *y = random_tensor(&a, type, pairs[s].ny, pairs[s].y, &seed);
                PrimCall c = { .op = ops[o], .nin = 2, .in = { x, y } };
                prims[c.op].forward(&a, &c, (SrcLoc){ 0 });
                Tensor *g = random_tensor(&a, type, c.out->ndim, c.out->shape, &seed);
                int bad_walked = run_and_check(&a, &c, g);
                Tensor *z = tensor_like(&a, c.out), *gx = tensor_like(&a, x), *gy = tensor_like(&a, y);
                tensor_copy_into(z, c.out);
                tensor_copy_into(gx, x->grad);
                tensor_copy_into(gy, y->grad);
                bool kept = prim_keep_pattern(&a, &c);
                tensor_fill(c.out, -1);
                int bad_kept = run_and_check(&a, &c, g);
                bool same = memcmp(z->data, c.out->data, dtype_size(type) * (size_t)z->size) == 0 &&
                            memcmp(gx->data, x->grad->data, dtype_size(type) * (size_t)x->size) == 0 &&
                            memcmp(gy->data, y->grad->data, dtype_size(type) * (size_t)y->size) == 0;
                CHECK(kept == pairs[s].kept && (c.pattern != NULL) == kept && bad_walked == 0 && bad_kept == 0 && same,
                      "%s %s %s %s: pattern %s, the same bits as worked out each call (%d, %d elements off)",
                      dt ? "double" : "float", prims[c.op].name, shape_str(x), shape_str(y),
                      pairs[s].kept ? "kept" : "not kept", bad_walked, bad_kept);
                arena_free(&a);
            }
}

/* mean((p - t) ^ 2) runs fused only as the stdlib's mse writes it: t of
 * p's shape and without a gradient, a single-number exponent, a mean over all */
static void squared_error_shapes(void) {
    static const struct { int nt, t[2]; bool t_grad; int axis; bool fused; const char *what; } cases[] = {
        { 2, { 4, 1 }, false, AXIS_ALL, true, "p and t of one shape" },
        { 1, { 1 }, false, AXIS_ALL, false, "t broadcast" },
        { 2, { 4, 1 }, true, AXIS_ALL, false, "t needing a gradient" },
        { 2, { 4, 1 }, false, 0, false, "a mean along an axis" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Arena a = { 0 };
        Tensor *p = tensor_new(&a, DT_F32, 2, (int[]){ 4, 1 }), *t = tensor_new(&a, DT_F32, cases[i].nt, cases[i].t);
        Tensor *k = tensor_new(&a, DT_F32, 0, NULL);
        t->requires_grad = cases[i].t_grad;
        tensor_fill(k, 2);
        PrimCall sub = { .op = P_SUB, .nin = 2, .in = { p, t } };
        prims[P_SUB].forward(&a, &sub, (SrcLoc){ 0 });
        PrimCall pw = { .op = P_POW, .nin = 2, .in = { sub.out, k } };
        prims[P_POW].forward(&a, &pw, (SrcLoc){ 0 });
        PrimCall mean = { .op = P_MEAN, .nin = 1, .in = { pw.out }, .axis = cases[i].axis };
        prims[P_MEAN].forward(&a, &mean, (SrcLoc){ 0 });
        CHECK(squared_error_fusable(&sub, &pw, &mean) == cases[i].fused, "mean((p - t) ^ 2), %s: %s", cases[i].what,
              cases[i].fused ? "one pass" : "op by op");
        arena_free(&a);
    }
}

int main(void) {
    kept_patterns();
    squared_error_shapes();
    compare_all("float");
    compare_all("double");
    refusals();
    for (size_t i = 0; i < sizeof nets / sizeof nets[0]; i++) no_allocation(i % 2 ? "double" : "float", (int)i);
    for (size_t i = 0; i < sizeof nets / sizeof nets[0]; i++)
        if (!strstr(nets[i].optimizer, "decay(")) train_allocates_nothing_per_step((int)i);
    CHECK_DONE();
}
