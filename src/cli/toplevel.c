/* toplevel.c — the interpreter's lifecycle and top-level statements: turning
 * definitions into callables, loading the stdlib, dispatching each statement
 * to the stage that owns it, running a program.  The one file that knows
 * every statement.  Must not: evaluate expressions itself (lang/eval.c),
 * train (train/) or step a pass (teach/). */
#include "autodiff/tape.h"
#include "base/arena.h"
#include "base/diag.h"
#include "base/stack.h"
#include "base/interrupt.h"
#include "base/text.h"
#include "cli/loop.h"
#include "cli/toplevel.h"
#include "export/export.h"
#include "front/ast.h"
#include "io/persist.h"
#include "io/predict.h"
#include "lang/dataset.h"
#include "lang/eval.h"
#include "lang/language.h"
#include "lang/model.h"
#include "lang/resolve.h"
#include "lang/settings.h"
#include "lang/stdlib_embed.h"
#include "lang/stdnames.h"
#include "see/commands.h"
#include "see/plot.h"
#include "teach/commands.h"
#include "teach/pass.h"
#include "teach/summary.h"
#include "teach/trace.h"
#include "tensor/rng.h"
#include "train/snapshot.h"
#include "train/train.h"
#include "web/view.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void interp_init(Interp *I, bool dry_run) {
    memset(I, 0, sizeof *I);
    I->mode = interp_default_mode(I);
    tape_init(&I->tape, &I->pass, &I->mode.tape);
    I->dtype = DT_F32;
    I->dry_run = dry_run;
    I->out = stdout;
    rng_seed(&I->rng, 0);
    language_init(I);
    see_register_commands();
    graph_register_commands();
    web_register_commands();
    export_register_commands();
}

EvalMode interp_default_mode(Interp *I) {
    return (EvalMode){ .tape = { .recording = true }, .draw = &I->rng };
}

void interp_free(Interp *I) {
    web_session_end(I);
    trace_discard(I);
    undo_free_all(I);
    free(I->order);
    tape_free(&I->tape);
    arena_free(&I->pass);
    arena_free(&I->perm);
}

/* ---- definitions become callables -------------------------------------- */

static Callable *callable_from_def(Interp *I, const Node *n, CallableKind kind) {
    Callable *c = arena_alloc(&I->perm, sizeof *c);
    c->kind = kind;
    c->name = n->name;
    c->node = n;
    c->nparams = n->kids.n;
    c->param_names = arena_alloc(&I->perm, sizeof(char *) * (size_t)(c->nparams + 1));
    c->param_defaults = arena_alloc(&I->perm, sizeof(Node *) * (size_t)(c->nparams + 1));
    for (int i = 0; i < c->nparams; i++) {
        const Node *p = n->kids.items[i];
        if (p->kind == N_NAME) c->param_names[i] = p->name;
        else if (p->kind == N_KWARG) { c->param_names[i] = p->name; c->param_defaults[i] = p->a; }
        else if (p->kind == N_CALL && i == 0 && kind == C_DEF && p->a->kind == N_NAME &&
                 p->kids.n == 1 && p->kids.items[0]->kind == N_NAME) {
            c->param_names[i] = p->kids.items[0]->name;     /* def loss(softmax(a), t) */
            c->fuses = p->a->name;
        } else
            fail_at(p->loc, "a parameter must be a name or name = default value");
        for (int j = 0; j < i; j++)
            if (c->param_names[j] == c->param_names[i])
                fail_at(p->loc, "parameter '%s' appears twice", c->param_names[i]);
    }
    return c;
}

static const Callable *existing_function(Interp *I, const char *name, SrcLoc loc, const char *why) {
    Value *v = global_find(I, name);
    if (!v || v->kind != V_FUNC) fail_at(loc, "'%s' must be a function defined before %s", name, why);
    return v->fn->kind == C_PARTIAL ? v->fn->base : v->fn;
}

static void define(Interp *I, const Node *n, CallableKind kind) {
    check_definition_names(n);
    Callable *c = callable_from_def(I, n, kind);
    if (c->fuses) {
        c->fuse_outer = existing_function(I, c->name, n->loc, "its fused form");
        c->fuse_inner = existing_function(I, c->fuses, n->kids.items[0]->loc, "a fused form uses it");
    }
    Value v = { .kind = V_FUNC, .fn = c };
    global_set(I, c->fuses ? fusion_name(c->name, c->fuses) : c->name, v);
}

/* ---- top-level statements ------------------------------------------------ */

static void set_precision(Interp *I, const Node *n) {
    DType dt;
    if (strcmp(n->name, "double") == 0 || strcmp(n->name, "float64") == 0) dt = DT_F64;
    else if (strcmp(n->name, "float") == 0 || strcmp(n->name, "float32") == 0) dt = DT_F32;
    else fail_at(n->loc, "unknown precision '%s'; use 'float' or 'double'", n->name);
    for (int i = 0; i < I->nglobals; i++) {
        ValueKind k = I->globals[i].v.kind;
        if (dt != I->dtype && (k == V_MODEL || k == V_DATA))
            fail_at(n->loc, "'precision' must come before any data or model ('%s' is already defined)",
                    I->globals[i].name);
    }
    I->dtype = dt;
}

_Noreturn static void forbid_here(const Node *n) {
    const char *where = n->kind == N_PARAM || n->kind == N_FORWARD ? "a layer definition"
                      : n->kind == N_LAYER_STATE || n->kind == N_STATE
                        ? "a layer definition (state NAME[SIZE]) or an optimizer definition (state NAME = VALUE)"
                        : "a block";
    fail_at(n->loc, "'%s' is only allowed inside %s", node_kind_name(n->kind), where);
}

void exec_toplevel(Interp *I, const Node *s) {
    arena_trim(&I->pass);
    tape_clear(&I->tape);
    switch (s->kind) {
    case N_DATA: {
        Value v = { .kind = V_DATA, .data = data_build(I, s) };
        global_set(I, s->name, v);
        break;
    }
    case N_DATA_EXPR: data_assign(I, s); break;
    case N_SUMMARY: exec_summary(I, s); break;
    case N_MODEL: {
        Value v = { .kind = V_MODEL, .model = model_build(I, s) };
        global_set(I, s->name, v);
        I->built = arena_grow(&I->perm, I->built, sizeof *I->built * (size_t)I->nbuilt,
                              sizeof *I->built * (size_t)(I->nbuilt + 1));
        I->built[I->nbuilt++] = (struct BuiltModel){ s, v.model };
        break;
    }
    case N_DEF: define(I, s, C_DEF); break;
    case N_LAYER_DEF: define(I, s, C_LAYER); break;
    case N_OPTIMIZER_DEF: define(I, s, C_OPTIMIZER); break;
    case N_SETTING: exec_setting(I, s); break;
    case N_SEED: {
        /* in double precision: float32 would make seeds above 2^24 collide */
        DType dt = I->dtype;
        DiagHandler h;
        diag_push(&h);
        if (setjmp(h.env) != 0) { I->dtype = dt; diag_throw(); }
        I->dtype = DT_F64;
        double d = expect_number(I, eval_expr(I, NULL, s->a), s->a->loc, "the seed");
        diag_pop(&h);
        I->dtype = dt;
        if (d < 0 || d > 9007199254740992.0 || d != floor(d))
            fail_at(s->a->loc, "the seed must be a whole number from 0 to 2^53, got %s", number_text(d));
        I->seed = (uint64_t)d;
        rng_seed(&I->rng, I->seed);
        break;
    }
    case N_PRECISION: set_precision(I, s); break;
    case N_TRAIN: exec_train(I, s); break;
    case N_BACKWARD: exec_backward(I, s); break;
    case N_FORWARD_PASS: exec_forward_pass(I, s); break;
    case N_COMMAND: exec_command(I, s); break;
    case N_EVALUATE: exec_evaluate(I, s); break;
    case N_SAVE: exec_save(I, s); break;
    case N_LOAD: exec_load(I, s); break;
    case N_PREDICT: exec_predict(I, s); break;
    case N_FOR: exec_for(I, s, exec_toplevel); break;
    case N_IF: exec_toplevel_if(I, s, exec_toplevel); break;
    case N_PARAM: case N_FORWARD: case N_STATE: case N_LAYER_STATE: case N_ROW: case N_INPUT: case N_LAYER_USE:
        forbid_here(s);
    default: {
        Node block = { .kind = N_BLOCK };
        Node *one[1] = { (Node *)s };
        block.kids.items = one;
        block.kids.n = 1;
        Value v = exec_block(I, NULL, &block);
        /* at the prompt, an expression on its own line shows its value */
        if (I->interactive && s->kind == N_EXPR_STMT && v.kind != V_NONE && !I->dry_run) {
            print_value(I, I->out, v);
            fputc('\n', I->out);
        }
    }
    }
}

/* Ctrl-C came during (or just before) the statement: it is the interrupted
 * one, said once (train and interrupt_stop say it themselves) */
static bool ended_by_interrupt(Interp *I, const Node *stmt, bool said) {
    if (!nnl_interrupt) return false;
    nnl_interrupt = 0;
    if (!said && !I->interrupted && !I->dry_run) diag_error(stmt->loc, "interrupted (Ctrl-C)");
    else if (!said && !I->interrupted) diag_error(stmt->loc, "interrupted (Ctrl-C) while the script was checked");
    I->interrupted = true;
    return true;
}

/* Runs one statement; false if it reported an error or was interrupted
 * (the state is kept). */
bool interp_run_statement(Interp *I, const Node *stmt) {
    char here = 0;
    stack_guard_start(&here);              /* main gave the origin first; tests and fuzzers start here */
    diag_statement = stmt->loc;
    DiagHandler h;
    diag_push(&h);
    if (setjmp(h.env) != 0) {
        I->mode = interp_default_mode(I);
        nnl_training = 0;
        web_statement_done(I);
        ended_by_interrupt(I, stmt, true);
        return false;
    }
    if (ended_by_interrupt(I, stmt, false)) { diag_pop(&h); return false; }
    exec_toplevel(I, stmt);
    diag_pop(&h);
    web_statement_done(I);
    if (ended_by_interrupt(I, stmt, false)) return false;
    return true;
}

bool interp_run(Interp *I, const Node *program) {
    const Node *outer = I->program;
    int outer_statement = I->statement;
    bool ok = true;
    for (int i = 0; ok && i < program->kids.n; i++) {
        const Node *s = program->kids.items[i];
        double start = I->timing ? wall_seconds() : 0;
        I->program = program;
        I->statement = i;
        ok = interp_run_statement(I, s);
        if (I->timing) {
            char what[300];
            snprintf(what, sizeof what, "%s:%d %s", s->loc.file, s->loc.line, node_kind_name(s->kind));
            report_time(what, start);
        }
        ok = ok && !I->interrupted;
    }
    I->program = outer;
    I->statement = outer_statement;
    return ok;
}

/* stdout first, so that a statement's output comes before its time when
 * both go to one file */
void report_time(const char *what, double since) {
    double ms = (wall_seconds() - since) * 1e3;
    fflush(stdout);
    fprintf(stderr, "time: %s %.3f ms\n", what, ms);
}

/* The stdlib is parsed once per process; its trees are shared by every
 * interpreter (the check pass and the real run). */
void interp_load_stdlib(Interp *I) {
    static Arena stdlib_arena;
    static Node *trees[64];
    static int ntrees = -1;
    if (ntrees < 0) {
        ntrees = 0;
        for (const StdlibFile *f = nnl_stdlib_files; f->name && ntrees < 64; f++) {
            Node *t = parse_source(&stdlib_arena, f->name, f->text);
            diag_set_library(f->name);
            if (!t) { fprintf(stderr, "nnl: the built-in %s does not parse\n", f->name); exit(70); }
            trees[ntrees++] = t;
        }
    }
    for (int i = 0; i < ntrees; i++)
        if (!interp_run(I, trees[i])) { fprintf(stderr, "nnl: the built-in stdlib failed to load\n"); exit(70); }
    stdlib_capture(I);
}
