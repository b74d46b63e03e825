/* Tests the optimizer's fused loop (src/optcompile.c) against the
 * interpreter: the same script trained once with every update interpreted
 * and once fused must end with bit-identical weights and optimizer state, in
 * float32 and in double, for every stdlib optimizer (sgd plain, momentum,
 * nesterov, decay, a schedule; adagrad, rmsprop, adam) and for a user
 * optimizer using every construct the loop compiles.  Also: what the loop
 * cannot do falls back to the interpreter with the same numbers; a failing
 * `require` on a fused update gives the interpreter's message and changes
 * nothing; the REPL's `update` is interpreted so that `explain` has its lines. */
#include "../../src/optcompile.h"
#include "../../src/trace.h"
#include "check.h"
#include <stdlib.h>
#include <string.h>

/* a user optimizer with weight decay folded into g, clipping, a running
 * mean of squares, a peak, a warm-up on an if without else, a local that
 * changes kind, and every elementwise function the loop computes */
static const char *user_optimizer =
    "optimizer clipped(lr = 0.05, limit = 0.5, wd = 0.001, warm = 3) {\n"
    "  require limit > 0, \"limit must be above 0\"\n"
    "  state s = 0, peak = 0\n"
    "  g += wd * w\n"
    "  step = minimum(maximum(g, -limit), limit)\n"
    "  s = 0.9 * s + 0.1 * abs(step) ^ 2\n"
    "  peak = maximum(peak, abs(g))\n"
    "  scale = lr\n"
    "  if t < warm {\n"
    "    scale = lr * (t + 1) / warm\n"
    "  }\n"
    "  d = 2\n"
    "  d *= scale * step / (sqrt(s) + 1e-6) / 2\n"
    "  d = d * (g != 0) + tanh(exp(-abs(w)) - 1) * 0 + log(1 + s) * (peak < 0) - floor(peak * 0)\n"
    "  w -= d\n"
    "  w *= 1 - wd / 2\n"
    "}\n"
    "def half(x) = x / 2\n"
    "optimizer via_def(lr = 0.1) {\n"
    "  w -= lr * half(g)\n"
    "}\n"
    "optimizer inline(lr = 0.1) {\n"
    "  w -= lr * (g / 2)\n"
    "}\n"
    "def falling(t) = 0.1 - 0.04 * t\n";

/* with the updates each run fuses: all but the first, which creates the
 * state, and all of them for an optimizer without state */
static const struct { const char *setting; long fused; } optimizers[] = {
    { "sgd(lr=0.1)", 11 },
    { "sgd(lr=0.1, momentum=0.9)", 11 },
    { "sgd(lr=0.1, momentum=0.9, nesterov=true)", 11 },
    { "sgd(lr=0.2, momentum=0.5, decay=0.01)", 11 },
    { "sgd(lr=step_decay(initial=0.2, drop=0.5, every=1))", 11 },
    { "adagrad(lr=0.05)", 11 },
    { "rmsprop(lr=0.01, decay=0.001)", 11 },
    { "adam(lr=0.01)", 11 },
    { "adam(lr=0.02, beta_1=0.8, decay=0.01)", 11 },
    { "clipped(lr=0.1)", 11 },
    { "inline", 12 },
};

typedef struct Run {
    Interp I;
    Arena  ast;
    char  *log;
    size_t log_size;
    bool   ok;
    char   src[4096];      /* the script: error messages show its lines */
} Run;

/* layer 1 has a [300, 2] W: 600 elements, two full chunks of the loop and a part */
static void run_script(Run *r, const char *precision, const char *optimizer, bool interpret, const char *after) {
    memset(r, 0, sizeof *r);
    interp_init(&r->I, false);
    r->I.out = open_memstream(&r->log, &r->log_size);
    diag_set_stream(r->I.out);
    interp_load_stdlib(&r->I);
    r->I.interpret_optimizer = interpret;
    snprintf(r->src, sizeof r->src,
             "precision %s\n%s"
             "data d = generate(\"moons\", n=64, noise=0.1, seed=2)\n"
             "model net {\n  input 2\n  dense 300 tanh\n  dense 4 relu\n  dense 2 softmax\n}\n"
             "init xavier\nloss cross_entropy\nseed 5\n"
             "optimizer %s\n"
             "train net on d epochs 3 batch 16 log every 0\n%s",
             precision, user_optimizer, optimizer, after);
    Node *root = parse_source(&r->ast, "optfuse.nnl", r->src);
    r->ok = root && interp_run(&r->I, root);
    fflush(r->I.out);
}

static void run_free(Run *r) {
    diag_set_stream(stderr);
    fclose(r->I.out);
    free(r->log);
    interp_free(&r->I);
    arena_free(&r->ast);
}

static Model *net_of(Run *r) { return global_find(&r->I, intern("net"))->model; }

static bool same_tensor(const Tensor *a, const Tensor *b) {
    return a->dtype == b->dtype && a->size == b->size && memcmp(a->data, b->data, dtype_size(a->dtype) * (size_t)a->size) == 0;
}

/* every parameter and every state tensor bit for bit; how many differ */
static int differences(Run *a, Run *b) {
    Model *ma = net_of(a), *mb = net_of(b);
    int differ = 0;
    for (int l = 0; l < ma->nlayers; l++)
        for (int k = 0; k < ma->layers[l].nparams; k++) {
            const Param *pa = &ma->layers[l].params[k], *pb = &mb->layers[l].params[k];
            differ += !same_tensor(pa->value, pb->value) || pa->nstate != pb->nstate;
            for (int s = 0; s < pa->nstate && s < pb->nstate; s++) differ += !same_tensor(pa->state[s].v.t, pb->state[s].v.t);
        }
    return differ;
}

static void compare_all(const char *precision) {
    for (size_t i = 0; i < sizeof optimizers / sizeof optimizers[0]; i++) {
        const char *name = optimizers[i].setting;
        Run interpreted, fused;
        run_script(&interpreted, precision, name, true, "");
        run_script(&fused, precision, name, false, "");
        CHECK(interpreted.ok && fused.ok, "%s %s: both runs train", precision, name);
        /* 64 rows in batches of 16 for 3 epochs: 12 updates */
        CHECK(interpreted.I.updates_fused == 0 && interpreted.I.updates_interpreted == 12,
              "%s %s: the interpreted run interprets all 12 updates", precision, name);
        CHECK(fused.I.updates_fused == optimizers[i].fused && fused.I.updates_interpreted == 12 - optimizers[i].fused,
              "%s %s: the fused run fuses %ld of 12 updates (fused %ld, interpreted %ld)", precision, name,
              optimizers[i].fused, fused.I.updates_fused, fused.I.updates_interpreted);
        int differ = differences(&interpreted, &fused);
        CHECK(differ == 0, "%s %s: weights and state bit-identical (%d tensors differ)", precision, name, differ);
        CHECK(strcmp(interpreted.log, fused.log) == 0, "%s %s: the same output", precision, name);
        run_free(&interpreted);
        run_free(&fused);
    }
}

/* A body the loop cannot compile is interpreted and gives what the
 * equivalent compiled body gives; a setting that is not a single number
 * sends each update to the interpreter. */
static void fallbacks(void) {
    Run by_def, by_inline;
    run_script(&by_def, "float", "via_def", false, "");
    run_script(&by_inline, "float", "inline", false, "");
    OptProgram *p = opt_program(&by_def.I, global_find(&by_def.I, intern("via_def"))->fn);
    SrcLoc at;
    const char *why = opt_program_refusal(p, &at);
    CHECK(why && strcmp(why, "calls 'half', which is not a primitive") == 0 && at.line == 21,
          "a call to a user function is refused (%s, line %d)", why ? why : "compiled", at.line);
    CHECK(by_def.I.updates_fused == 0 && by_def.I.updates_interpreted == 12, "so every update is interpreted");
    CHECK(by_inline.I.updates_fused == 12, "the same formula inline is fused");
    CHECK(differences(&by_def, &by_inline) == 0, "interpreted and fused give the same weights");
    run_free(&by_def);
    run_free(&by_inline);

    static const struct { const char *body, *why; } refused[] = {
        { "print g", "has print" },
        { "w -= 0.1 * sum(g)", "calls 'sum' on w, g or state, which the loop does not compute" },
        { "if g > 0 {\n w -= 0.1\n}", "has an if on a tensor" },
        { "x = w\n w -= 0.1 * g", "makes 'x' another name for 'w'" },
        { "w -= 0.1 * g @ g", "uses '@'" },
        { "w -= rand_normal(2, 0, 1)", "calls 'rand_normal', which is not a primitive" },
        { "if t > 1 {\n x = g\n}\n w -= x", "reads 'x', which not every branch of an if before assigns alike" },
        { "w -= nowhere", "reads 'nowhere', which is not defined" },
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        Run r;
        char after[256];
        snprintf(after, sizeof after, "optimizer odd%zu() {\n %s\n}\n", i, refused[i].body);
        run_script(&r, "float", "sgd", false, after);
        char name[16];
        snprintf(name, sizeof name, "odd%zu", i);
        OptProgram *q = opt_program(&r.I, global_find(&r.I, intern(name))->fn);
        const char *got = opt_program_refusal(q, NULL);
        CHECK(got && strcmp(got, refused[i].why) == 0, "refused: %s (%s)", refused[i].why, got ? got : "compiled");
        run_free(&r);
    }

    Run tensor_lr, interpreted;
    run_script(&tensor_lr, "double", "sgd(lr=[0.1], momentum=0.9)", false, "");
    run_script(&interpreted, "double", "sgd(lr=[0.1], momentum=0.9)", true, "");
    CHECK(tensor_lr.ok && tensor_lr.I.updates_fused == 0 && tensor_lr.I.updates_interpreted == 12,
          "a setting of shape [1] is interpreted every update (fused %ld)", tensor_lr.I.updates_fused);
    CHECK(differences(&tensor_lr, &interpreted) == 0, "with the interpreter's numbers");
    run_free(&tensor_lr);
    run_free(&interpreted);
}

/* lr = 0.1 - 0.04 t is negative on the 4th update (t = 3): sgd's require
 * stops training there, the same message either way, and the weights are
 * those after 3 updates */
static void failing_require(void) {
    Run fused, interpreted;
    run_script(&fused, "float", "sgd(lr=falling, momentum=0.5)", false, "");
    run_script(&interpreted, "float", "sgd(lr=falling, momentum=0.5)", true, "");
    CHECK(!fused.ok && !interpreted.ok, "both runs stop");
    CHECK(fused.I.updates_fused == 2 && fused.I.updates_interpreted == 1, "after 2 fused updates (%ld)",
          fused.I.updates_fused);
    CHECK(strstr(fused.log, "error: the learning rate lr must be at least 0") != NULL, "at sgd's require");
    CHECK(strcmp(fused.log, interpreted.log) == 0, "with the interpreter's message and notes");
    CHECK(differences(&fused, &interpreted) == 0, "and the same weights and state (nothing of the 4th update)");
    CHECK(net_of(&fused)->steps == 3, "3 updates made (%ld)", net_of(&fused)->steps);
    run_free(&fused);
    run_free(&interpreted);
}

/* `update` at the prompt explains each line of the optimizer: interpreted */
static void watched_update(void) {
    Run r;
    run_script(&r, "float", "adam(lr=0.01)", false, "backward net on d\nupdate\n");
    CHECK(r.ok && r.I.updates_fused == 11 && r.I.updates_interpreted == 2, "update is interpreted (%ld, %ld)",
          r.I.updates_fused, r.I.updates_interpreted);
    CHECK(r.I.trace && r.I.trace->nlines > 0, "and records the optimizer's lines for explain (%d)",
          r.I.trace ? r.I.trace->nlines : 0);
    run_free(&r);
}

int main(void) {
    compare_all("float");
    compare_all("double");
    fallbacks();
    failing_require();
    watched_update();
    CHECK_DONE();
}
