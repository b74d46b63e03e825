/* Tests the optimizer's fused loop (src/train/optcompile.c) against the
 * interpreter: the same script trained once with every update interpreted
 * and once fused must end with bit-identical weights and optimizer state, in
 * float32 and in double, for every stdlib optimizer (sgd plain, momentum,
 * nesterov, decay, a schedule; adagrad, rmsprop, adam) and for a user
 * optimizer using every construct the loop compiles.  Also: what the loop
 * cannot do falls back to the interpreter with the same numbers; a failing
 * `require` on a fused update gives the interpreter's message and changes
 * nothing; the REPL's `update` is interpreted so that `explain` has its lines.
 * The number part runs as a scalar program: in the steady state a fused
 * update allocates nothing in either arena, still bit-identical to the
 * interpreter over 32 updates (t-dependent decay and bias correction); the
 * settings kept between updates are bound again for a new `optimizer`
 * statement, a redefinition, a default that reads a global; a number part
 * the scalar program cannot compute runs with the evaluator. */
#include "train/optstep.h"
#include "train/train.h"
#include "train/optcompile.h"
#include "teach/trace.h"
#include "check.h"
#include "script_run.h"
#include <setjmp.h>
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
    "def falling(t) = 0.1 - 0.04 * t\n"
    "optimizer summed(lr = 0.1) {\n"
    "  lr_t = sum(lr) * (1 + 0 * t)\n"
    "  w -= lr_t * g\n"
    "}\n"
    "optimizer flip(lr = 0.1) {\n"
    "  state v = 0\n"
    "  if t < 6 {\n"
    "    v = 0.5 * v - lr * g\n"
    "  } else {\n"
    "    v = 0.5 * v + lr * g\n"
    "  }\n"
    "  w += v\n"
    "}\n"
    "optimizer zeroed(lr = 0.1) {\n"
    "  state v = w * 0\n"
    "  v = 0.9 * v + g\n"
    "  w -= lr * v\n"
    "}\n"
    /* a power other than 2: float32's u^2 has a fast path of its own */
    "optimizer cubic(lr = 0.1) {\n"
    "  w -= lr * (g + 10 * g ^ 3)\n"
    "}\n"
    /* a number read, then the local it reads assigned again: the number
     * program runs the first statement's code, reads the number, and only
     * then runs the second's (optupdate.c's group_steps) */
    "optimizer twice(lr = 0.1) {\n"
    "  scale = lr\n"
    "  w -= scale * g\n"
    "  scale = 3 * lr\n"
    "  w -= scale * g\n"
    "}\n"
    /* z · t with z = 0 is the same zero on every update only while t is
     * the count of updates (≥ 0): here t is assigned 2 - t first, and the
     * zero turns -0 from the 4th update on, which the if sees */
    "optimizer signed(lr = 0.1, z = 0) {\n"
    "  t = 2 - t\n"
    "  s = z * t\n"
    "  if 1 / s > 0 {\n"
    "    w -= lr * g\n"
    "  } else {\n"
    "    w += lr * g\n"
    "  }\n"
    "}\n"
    /* a require on t: it must be checked on every update, not once */
    "optimizer expiring(lr = 0.1) {\n"
    "  require t < 7, \"t must stay below 7\"\n"
    "  w -= lr * g\n"
    "}\n";

/* with the updates each run fuses: all of them when every state starts as
 * one number (train.c makes the states before the first update), all but
 * the first (which creates the state) when one starts as anything else; and
 * the hand-fused loop (train/optkernels.c) that runs a stdlib body, which
 * must then give the interpreter's bits too, NULL for the user's bodies */
static const struct { const char *setting; long fused; const char *kernel; } optimizers[] = {
    { "sgd(lr=0.1)", 12, "sgd" },
    { "sgd(lr=0.1, momentum=0.9)", 12, "sgd" },
    { "sgd(lr=0.1, momentum=0.9, nesterov=true)", 12, "sgd (nesterov)" },
    { "sgd(lr=0.2, momentum=0.5, decay=0.01)", 12, "sgd" },
    { "sgd(lr=step_decay(initial=0.2, drop=0.5, every=1))", 12, "sgd" },
    { "adagrad(lr=0.05)", 12, "adagrad" },
    { "rmsprop(lr=0.01, decay=0.001)", 12, "rmsprop" },
    { "adam(lr=0.01)", 12, "adam" },
    { "adam(lr=0.02, beta_1=0.8, decay=0.01)", 12, "adam" },
    { "clipped(lr=0.1)", 12, NULL },
    { "zeroed(lr=0.1)", 11, NULL },
    /* sgd's instructions for 6 updates, then others: the loop is found again */
    { "flip(lr=0.1)", 12, NULL },
    { "inline", 12, NULL },
    { "cubic(lr=0.1)", 12, NULL },
    { "twice(lr=0.1)", 12, NULL },
    { "signed(lr=0.1)", 12, NULL },
};

/* layer 1 has a [300, 2] W: 600 elements, two full chunks of the loop and a part */
static void run_script(Run *r, const char *precision, const char *optimizer, bool interpret, const char *after) {
    run_begin(r);
    r->I.interpret_optimizer = interpret;
    snprintf(r->src, sizeof r->src,
             "precision %s\n%s"
             "data d = generate(\"moons\", n=64, noise=0.1, seed=2)\n"
             "model net {\n  input 2\n  dense 300 tanh\n  dense 4 relu\n  dense 2 softmax\n}\n"
             "init xavier\nloss cross_entropy\nseed 5\n"
             "optimizer %s\n"
             "train net on d epochs 3 batch 16 log every 0\n%s",
             precision, user_optimizer, optimizer, after);
    run_source(r, "optfuse.nnl");
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
        const Callable *opt = fused.I.optimizer.fn, *def = opt->kind == C_PARTIAL ? opt->base : opt;
        const char *kernel = opt_program_kernel(opt_program(&fused.I, def)), *want = optimizers[i].kernel;
        CHECK(want ? kernel && strcmp(kernel, want) == 0 : kernel == NULL, "%s %s: run by %s (%s)", precision, name,
              want ? want : "the instructions one at a time", kernel ? kernel : "no hand-fused loop");
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
    CHECK(fused.I.updates_fused == 3 && fused.I.updates_interpreted == 0, "after 3 fused updates (%ld)",
          fused.I.updates_fused);
    CHECK(strstr(fused.log, "error: the learning rate lr must be at least 0") != NULL, "at sgd's require");
    CHECK(strcmp(fused.log, interpreted.log) == 0, "with the interpreter's message and notes");
    CHECK(differences(&fused, &interpreted) == 0, "and the same weights and state (nothing of the 4th update)");
    CHECK(net_of(&fused)->steps == 3, "3 updates made (%ld)", net_of(&fused)->steps);
    run_free(&fused);
    run_free(&interpreted);
}

/* the first update fails at sgd's require: the states made before it are
 * forgotten, as the interpreted update forgets the ones it makes */
static void failing_first_update(void) {
    Run fused, interpreted;
    run_script(&fused, "float", "sgd(lr=-1, momentum=0.5)", false, "");
    run_script(&interpreted, "float", "sgd(lr=-1, momentum=0.5)", true, "");
    CHECK(!fused.ok && !interpreted.ok && strstr(fused.log, "error: the learning rate lr must be at least 0"),
          "lr = -1: both runs stop at the first update");
    CHECK(strcmp(fused.log, interpreted.log) == 0, "with the interpreter's message");
    const Model *m = net_of(&fused);
    int kept = 0;
    for (int l = 0; l < m->nlayers; l++)
        for (int k = 0; k < m->layers[l].nparams; k++) kept += m->layers[l].params[k].nstate;
    CHECK(kept == 0 && net_of(&interpreted)->steps == 0, "no state kept, no update made (%d states)", kept);
    CHECK(differences(&fused, &interpreted) == 0, "the same weights as the interpreter's");
    run_free(&fused);
    run_free(&interpreted);
}

/* `update` at the prompt explains each line of the optimizer: interpreted */
static void watched_update(void) {
    Run r;
    run_script(&r, "float", "adam(lr=0.01)", false, "backward net on d\nupdate\n");
    CHECK(r.ok && r.I.updates_fused == 12 && r.I.updates_interpreted == 1, "update is interpreted (%ld, %ld)",
          r.I.updates_fused, r.I.updates_interpreted);
    CHECK(r.I.trace && r.I.trace->nlines > 0, "and records the optimizer's lines for explain (%d)",
          r.I.trace ? r.I.trace->nlines : 0);
    run_free(&r);
}

/* ---- the number part without the evaluator ---------------------------- */

/* n more updates of net, as train makes them after a batch (with the
 * gradients of the last one), the allocations of each in pass and perm in
 * allocs[]; false if one failed */
static bool more_updates(Run *r, int n, size_t *allocs) {
    Model *m = net_of(r);
    DiagHandler h;
    diag_push(&h);
    if (setjmp(h.env) != 0) return false;
    for (int i = 0; i < n; i++) {
        size_t before = r->I.pass.allocs + r->I.perm.allocs;
        optimizer_step(&r->I, m, NULL, m->loc);
        allocs[i] = r->I.pass.allocs + r->I.perm.allocs - before;
    }
    diag_pop(&h);
    return true;
}

/* After train (12 updates: the settings bound, the state made), 20 more
 * fused updates allocate nothing, in pass or perm, and end bit-identical to
 * 20 more interpreted ones: 32 updates in all, t from 0 to 31 in sgd's
 * decay and Adam's bias correction. */
static void steady_state(const char *precision) {
    static const char *const settings[] = {
        "sgd(lr=0.1)",
        "sgd(lr=0.1, momentum=0.9)",
        "sgd(lr=0.1, momentum=0.9, nesterov=true)",
        "sgd(lr=0.2, momentum=0.5, decay=0.01)",
        "adagrad(lr=0.05, decay=0.01)",
        "rmsprop(lr=0.01, decay=0.001)",
        "adam(lr=0.01)",
        "adam(lr=0.02, beta_1=0.8, decay=0.01)",
        "clipped(lr=0.1)",
    };
    enum { MORE = 20 };
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        Run fused, interpreted;
        run_script(&fused, precision, settings[i], false, "");
        run_script(&interpreted, precision, settings[i], true, "");
        size_t allocs[MORE], ignored[MORE];
        bool ok = fused.ok && interpreted.ok && more_updates(&fused, MORE, allocs) &&
                  more_updates(&interpreted, MORE, ignored);
        CHECK(ok, "%s %s: 20 more updates", precision, settings[i]);
        size_t most = 0;
        for (int k = 0; ok && k < MORE; k++) if (allocs[k] > most) most = allocs[k];
        CHECK(ok && most == 0, "%s %s: a steady-state fused update allocates nothing (at most %zu allocations)",
              precision, settings[i], most);
        CHECK(fused.I.updates_fused == 12 + MORE, "%s %s: all %d fused (%ld)", precision, settings[i], MORE,
              fused.I.updates_fused);
        int differ = ok ? differences(&fused, &interpreted) : -1;
        CHECK(differ == 0, "%s %s: after 32 updates, weights and state bit-identical to the interpreter's (%d differ)",
              precision, settings[i], differ);
        OptProgram *p = opt_program(&fused.I, (fused.I.optimizer.fn->kind == C_PARTIAL ? fused.I.optimizer.fn->base
                                                                                      : fused.I.optimizer.fn));
        const char *why = opt_program_numbers_refusal(p, NULL);
        CHECK(!why, "%s %s: its number part is a scalar program (%s)", precision, settings[i], why ? why : "yes");
        run_free(&fused);
        run_free(&interpreted);
    }
}

/* Scripts that change what the kept settings and the number program read,
 * between or during train statements: fused and interpreted end with the
 * same weights, state and output (and the fused run fuses). */
static void kept_settings_follow_changes(void) {
    static const struct { const char *what, *optimizer, *after; } cases[] = {
        { "a new optimizer statement binds its own settings", "sgd(lr=0.1)",
          "optimizer sgd(lr=0.3, momentum=0.5)\ntrain net on d epochs 2 batch 16 log every 0\n"
          "optimizer sgd(lr=0.05, momentum=0.5, decay=0.1)\ntrain net on d epochs 2 batch 16 log every 0\n" },
        { "the same setting again goes on with its t", "adam(lr=0.01, decay=0.01)",
          "train net on d epochs 2 batch 16 log every 0\n" },
        { "a redefined optimizer runs its new body", "adam(lr=0.01)",
          "optimizer adam(lr = 0.001, beta_1 = 0.9) {\n  state m = 0\n  m = beta_1 * m + g\n  w -= lr * 2 * m\n}\n"
          "optimizer adam(lr=0.02)\ntrain net on d epochs 2 batch 16 log every 0\n" },
        { "a default that reads a global is bound on every update", "sgd",
          "base = 0.2\noptimizer based(lr = base, k = 2 * base) {\n  w -= lr * k * g\n}\noptimizer based\n"
          "train net on d epochs 1 batch 16 log every 0\nbase = 0.05\ntrain net on d epochs 1 batch 16 log every 0\n" },
        { "a global the number part reads is read on every update", "sgd",
          "factor = 0.5\noptimizer scaled(lr = 0.1) {\n  require factor > 0, \"factor must be above 0\"\n"
          "  w -= lr * factor * g\n}\noptimizer scaled\ntrain net on d epochs 1 batch 16 log every 0\n"
          "factor = 2\ntrain net on d epochs 1 batch 16 log every 0\n" },
        { "a global that becomes a tensor sends the update to the interpreter", "sgd",
          "factor = 0.5\noptimizer scaled(lr = 0.1) {\n  w -= lr * factor * g\n}\noptimizer scaled\n"
          "train net on d epochs 1 batch 16 log every 0\nfactor = [2]\ntrain net on d epochs 1 batch 16 log every 0\n" },
        { "a require on a global that fails says so as the interpreter does", "sgd",
          "factor = 0.5\noptimizer scaled(lr = 0.1) {\n  require factor > 0, \"factor must be above 0\"\n"
          "  w -= lr * factor * g\n}\noptimizer scaled\ntrain net on d epochs 1 batch 16 log every 0\n"
          "factor = -1\ntrain net on d epochs 1 batch 16 log every 0\n" },
        { "another model with the same setting starts afresh", "adam(lr=0.01)",
          "model other {\n  input 2\n  dense 3 tanh\n  dense 2 softmax\n}\n"
          "train other on d epochs 2 batch 16 log every 0\ntrain net on d epochs 1 batch 16 log every 0\n" },
        { "a number part the scalar program does not compute runs with the evaluator", "summed(lr=0.05)", "" },
        { "sigmoid and step in the loop and on numbers", "sgd",
          "optimizer squashed(lr = 0.1) {\n  w -= lr * (sigmoid(g) - 0.5) * step(abs(g)) + sigmoid(-lr) * step(lr) * 0.01 * g\n}\n"
          "optimizer squashed\ntrain net on d epochs 1 batch 16 log every 0\n" },
        { "a literal is a number of the precision (1e-50 is 0 in float32)", "sgd",
          "optimizer tiny(lr = 0.1) {\n  if 1e-50 {\n    w -= 10 * g\n  }\n  w -= lr * g\n}\noptimizer tiny\n"
          "train net on d epochs 1 batch 16 log every 0\n" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (int dp = 0; dp < 2; dp++) {
            const char *precision = dp ? "double" : "float";
            Run fused, interpreted;
            run_script(&fused, precision, cases[i].optimizer, false, cases[i].after);
            run_script(&interpreted, precision, cases[i].optimizer, true, cases[i].after);
            CHECK(fused.ok == interpreted.ok && fused.I.updates_fused > 0, "%s %s: fused (%ld of %ld)", precision,
                  cases[i].what, fused.I.updates_fused, fused.I.updates_fused + fused.I.updates_interpreted);
            CHECK(strcmp(fused.log, interpreted.log) == 0, "%s %s: the interpreter's output", precision, cases[i].what);
            int differ = differences(&fused, &interpreted);
            CHECK(differ == 0, "%s %s: the interpreter's weights and state (%d differ)", precision, cases[i].what, differ);
            run_free(&fused);
            run_free(&interpreted);
        }
    }
    /* the failing require stopped the run; the tensor global was interpreted */
    Run r;
    run_script(&r, "float", "sgd", false, cases[6].after);
    CHECK(!r.ok && strstr(r.log, "error: factor must be above 0"), "the failing require stops the run with its message");
    run_free(&r);
    run_script(&r, "float", "sgd", false, cases[5].after);
    CHECK(r.ok && r.I.updates_fused == 12 + 4 && r.I.updates_interpreted == 4,
          "the updates with a tensor global are interpreted (fused %ld, interpreted %ld)", r.I.updates_fused,
          r.I.updates_interpreted);
    run_free(&r);
    run_script(&r, "float", "summed(lr=0.05)", false, "");
    SrcLoc at;
    const char *why = opt_program_numbers_refusal(opt_program(&r.I, global_find(&r.I, intern("summed"))->fn), &at);
    CHECK(why && strcmp(why, "calls 'sum', which is not elementwise") == 0 && at.line == 28,
          "sum on numbers is not in the scalar program (%s, line %d)", why ? why : "compiled", at.line);
    run_free(&r);
}

/* A body with more ifs than optupdate.c keeps a bit for (64): the 65th
 * decides the update after 6 steps, so the fused run must not guess it */
static void run_many_ifs(Run *r, bool interpret) {
    char ifs[2048] = "";
    for (int i = 0; i < 64; i++) strcat(ifs, "  if t > -1 {\n    k = 1\n  }\n");
    run_begin(r);
    r->I.interpret_optimizer = interpret;
    snprintf(r->src, sizeof r->src,
             "optimizer many(lr = 0.1) {\n  state v = 0\n  k = 1\n%s"
             "  if t < 6 {\n    v = 0.5 * v - lr * g\n  } else {\n    v = 0.5 * v + lr * g\n  }\n"
             "  w += k * v\n}\n"
             "data d = generate(\"moons\", n=64, noise=0.1, seed=2)\n"
             "model net {\n  input 2\n  dense 4 tanh\n  dense 2 softmax\n}\n"
             "init xavier\nloss cross_entropy\nseed 5\noptimizer many\n"
             "train net on d epochs 3 batch 16 log every 0\n", ifs);
    run_source(r, "many_ifs.nnl");
}

static void many_ifs(void) {
    Run interpreted, fused;
    run_many_ifs(&interpreted, true);
    run_many_ifs(&fused, false);
    CHECK(interpreted.ok && fused.ok, "a body of 65 ifs: both runs train");
    int differ = differences(&interpreted, &fused);
    CHECK(differ == 0, "a body of 65 ifs: weights and state bit-identical (%d tensors differ)", differ);
    run_free(&interpreted);
    run_free(&fused);
}

/* The number part runs once and stands for the updates after it when
 * every number and condition it gives is the same for every t (sgd with
 * decay 0: lr / (1 + 0·t) is lr), and on every update otherwise: decay >
 * 0, an if on t, adam's bias correction, a require on t (which then stops
 * the training where the interpreter's does). */
static void steady_numbers(void) {
    static const struct { const char *setting; bool steady; } cases[] = {
        { "sgd(lr=0.1)", true }, { "sgd(lr=0.1, momentum=0.9)", true }, { "adagrad(lr=0.05)", true },
        { "sgd(lr=0.2, momentum=0.5, decay=0.01)", false }, { "adam(lr=0.01)", false }, { "flip(lr=0.1)", false },
        { "signed(lr=0.1)", false }, { "clipped(lr=0.1)", false },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Run r;
        run_script(&r, "float", cases[i].setting, false, "");
        const Callable *opt = r.I.optimizer.fn, *def = opt->kind == C_PARTIAL ? opt->base : opt;
        bool steady = opt_program_steady(opt_program(&r.I, def));
        CHECK(r.ok && steady == cases[i].steady, "%s: its numbers %s", cases[i].setting,
              cases[i].steady ? "computed once for all updates" : "computed on every update");
        run_free(&r);
    }
    /* found varying for one setting (decay > 0), steady for the next (decay 0) */
    Run again;
    run_script(&again, "float", "sgd(lr=0.2, momentum=0.5, decay=0.01)", false,
               "optimizer sgd(lr=0.1, momentum=0.5)\ntrain net on d epochs 1 batch 16 log every 0\n");
    CHECK(again.ok && opt_program_steady(opt_program(&again.I, global_find(&again.I, intern("sgd"))->fn)),
          "a new setting of the same optimizer is looked at again: steady without decay");
    run_free(&again);
    Run fused, interpreted;
    run_script(&fused, "double", "expiring(lr=0.1)", false, "");
    run_script(&interpreted, "double", "expiring(lr=0.1)", true, "");
    CHECK(!fused.ok && strstr(fused.log, "t must stay below 7") && fused.I.updates_fused == 7,
          "a require on t stops the 8th update (%ld fused)", fused.I.updates_fused);
    CHECK(strcmp(fused.log, interpreted.log) == 0 && differences(&fused, &interpreted) == 0,
          "as the interpreter's does, with the same weights");
    run_free(&fused);
    run_free(&interpreted);
}

int main(void) {
    compare_all("float");
    compare_all("double");
    fallbacks();
    failing_require();
    failing_first_update();
    watched_update();
    steady_state("float");
    steady_state("double");
    kept_settings_follow_changes();
    many_ifs();
    steady_numbers();
    CHECK_DONE();
}
