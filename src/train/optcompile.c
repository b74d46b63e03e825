/* optcompile.c — an optimizer's body compiled once into a fused elementwise
 * loop.  The body splits in two:
 *   - the number part: what involves only settings, t, globals and locals
 *     computed from them (lr_t = lr / (1 + decay * t)), every `require`, the
 *     condition of every `if`, and each largest piece of an elementwise
 *     expression made of numbers only ((1 - beta_1) in (1 - beta_1) * g).
 *     It runs once per update, as a scalar program (optnumbers.c) that
 *     allocates nothing and computes the evaluator's values bit for bit;
 *     when that program gives up (a require fails, a setting is a tensor, it
 *     could not be compiled), with the evaluator itself, so its values and
 *     errors are the interpreter's;
 *   - the elementwise part: the assignments that involve w, g or state, as a
 *     flat list of instructions (z = x op y) over buffers of CHUNK elements.
 *     One loop per parameter runs the instructions of the branches taken over
 *     each chunk, reading w, g and state from memory and writing the new w
 *     and state back: one pass over memory, no tensor allocated.
 * Every instruction computes what the primitive computes, in the parameter's
 * precision (float arithmetic for float32, as the interpreter rounds every
 * intermediate tensor to float32), in the same order, so the weights are
 * bit-identical to interpreting the body (tests/unit/test_optfuse.c).  What
 * the loop cannot do (a call to a user function, print, random numbers,
 * matmul, an `if` on a tensor, ...) refuses the whole body, which is then
 * interpreted as before.
 * Must not: decide when an update runs or make it all or nothing (train.c's
 * optimizer_step), or compute any primitive for the evaluator (prims.c). */
#include "base/stack.h"
#include "autodiff/kernels.h"
#include "tensor/vectorize.h"
#include "base/arena.h"
#include "front/ast.h"
#include "lang/eval.h"
#include "tensor/lanes.h"
#include "tensor/subnormal.h"
#include "tensor/tensor.h"
#include "train/optcompile.h"
#include "train/optkernels.h"
#include "train/optnumbers.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum {
    CHUNK = 256,          /* elements per round of the loop: all buffers of a body stay in the cache */
    MAX_NAMES = 64,       /* names a body binds: settings, w, g, t, state and locals */
    MAX_BUFFERS = 64,     /* variables and temporaries of the elementwise part */
    MAX_CALLEES = 16,
    MAX_NESTING = 16,     /* ifs inside ifs */
    /* weights from which an update is split between two threads (lanes.h):
     * below, handing half over costs more than it saves.  Waking the other
     * thread takes tens of microseconds on a virtual machine: at 2^17 a
     * batch-1 step of 784-256-256-10 (270 K weights, an update of ~0.1 ms)
     * ran 1.5 times slower with two threads than with one */
    LANES_FROM = 1 << 20,
};

/* What a name holds at a point of the body, as far as the loop is concerned. */
typedef enum {
    K_NUMBER,     /* one number for all elements (or whatever the evaluator makes of it) */
    K_ELEMENTS,   /* one value per element of the parameter: w, g, a state, a local made from them */
    K_UNSURE,     /* assigned by one branch of an if only, or differently by each: not read by the loop */
} Kind;

typedef struct Name { const char *name; Kind kind; int var; } Name;
typedef struct Env { Name names[MAX_NAMES]; int n; } Env;

/* An instruction's operand.  While compiling: a variable (VAR: w, g, a state
 * or an elementwise local), a temporary of the current statement, or a number
 * of the number part.  Once the branches are chosen for an update, a variable
 * is either still the parameter's memory (w, g and state before their first
 * assignment) or its buffer. */
typedef enum {
    IN_NONE, IN_VAR, IN_TEMP, IN_NUMBER,
    IN_MEMORY,    /* the parameter's memory as the update found it (w, g, a state before its first assignment) */
    IN_BUFFER,
    IN_STORED,    /* where the last assignment of a variable stored it (see store_in_memory) */
} InputKind;
typedef struct Input { InputKind kind; int index; } Input;

enum { OP_COPY = P_COUNT };      /* z = x: an assignment of a variable or a number */

/* z = op(a, b) into variable `var` (>= 0) or temporary `temp`; `stored`:
 * this is the last assignment of w or a state in the update, which writes
 * the parameter's memory itself (store_in_memory) */
typedef struct Instr { int op, var, temp; Input a, b; bool stored; } Instr;

typedef enum {
    RUN_STATEMENT,   /* node: a block of one number statement (an assignment, a require) */
    EVAL_NUMBER,     /* node: an expression whose value goes to numbers[slot] */
    BRANCH,          /* node: an if's condition; when false go on at target */
    JUMP,            /* go on at target */
    ELEMENTWISE,     /* instr */
} StepKind;

/* A number step (RUN_STATEMENT, EVAL_NUMBER, BRANCH) is also the code
 * [code_from, code_to) of the number program, its value in register reg. */
typedef struct Step { StepKind kind; const Node *node; int slot, target; Instr instr; int code_from, code_to, reg; } Step;

/* a function the body calls, as it was when the body was compiled */
typedef struct Callee { const char *name; const Callable *fn; } Callee;

/* variables 0 and 1 are w and g, 2 .. 2 + nstates - 1 the states, then locals */
enum { VAR_W, VAR_G, VAR_STATES };

struct OptProgram {
    const Callable *def;
    OptProgram *next;            /* the interpreter's other compiled optimizers */
    const char *refusal;         /* NULL when compiled */
    SrcLoc      refusal_loc;
    Step       *steps;
    int         nsteps, cap_steps;
    const char *states[MAX_NAMES];
    int         nstates, nvars, ntemps, nnumbers, nelementwise;
    const char *var_names[MAX_BUFFERS];
    Callee      callees[MAX_CALLEES];
    int         ncallees;
    NumberProgram *number_program;   /* the number part without the evaluator (optnumbers.h) */
    /* one update's: the numbers, the instructions of the branches taken with
     * their operands resolved, which variables end in their buffer */
    double     *numbers;
    Instr      *chosen;
    int         nchosen;
    bool        in_buffer[MAX_BUFFERS];
    void       *buffers;             /* (nvars + ntemps) * CHUNK doubles */
    void       *lane_buffers;        /* the same for the second lane (lanes.h) */
    void       *staging;             /* (VAR_STATES + nstates) * CHUNK doubles: see stage */
    /* the hand-fused loop for the chosen instructions (optkernels.h), or
     * NULL: run_chunk runs them.  Found again only when the instructions
     * change (signed: the ones it was found for); kernel_numbers are the
     * update's numbers in the order the signature reads them (number_of) */
    const OptKernel *kernel;
    Instr      *signed_chosen;
    int         signed_nchosen;
    int         number_of[KERNEL_NUMBERS];
    double      kernel_numbers[KERNEL_NUMBERS];
};

typedef struct Compiler {
    Interp     *I;
    OptProgram *p;
    int         temps;               /* temporaries of the current statement */
    int         nesting;
} Compiler;

/* ---- refusing ---------------------------------------------------------- */

static bool refused(const Compiler *c) { return c->p->refusal != NULL; }

static void refuse(Compiler *c, const Node *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void refuse(Compiler *c, const Node *at, const char *fmt, ...) {
    if (refused(c)) return;                    /* the first reason is the one to tell */
    char msg[256];
    va_list ap; va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    c->p->refusal = arena_strdup(&c->I->perm, msg);
    c->p->refusal_loc = at->loc;
}

/* ---- names --------------------------------------------------------------- */

static Name *env_find(Env *e, const char *name) {
    for (int i = 0; i < e->n; i++) if (e->names[i].name == name) return &e->names[i];
    return NULL;
}

/* the number program's view of the names: bound in the frame, or a global */
static bool env_binds(const void *e, const char *name) { return env_find((Env *)e, name) != NULL; }

static void env_set(Compiler *c, Env *e, const Node *at, const char *name, Kind kind, int var) {
    Name *b = env_find(e, name);
    if (!b && e->n == MAX_NAMES) { refuse(c, at, "binds more than %d names", MAX_NAMES); return; }
    if (!b) b = &e->names[e->n++];
    *b = (Name){ name, kind, var };
}

static bool is_persistent(const OptProgram *p, const char *name) {
    if (name == intern("w")) return true;
    for (int i = 0; i < p->nstates; i++) if (p->states[i] == name) return true;
    return false;
}

/* the variable an elementwise local is kept in, the same on every branch */
static int local_var(Compiler *c, const Node *at, const char *name) {
    OptProgram *p = c->p;
    for (int v = VAR_STATES + p->nstates; v < p->nvars; v++) if (p->var_names[v] == name) return v;
    if (p->nvars == MAX_BUFFERS) { refuse(c, at, "has more than %d elementwise variables", MAX_BUFFERS); return 0; }
    p->var_names[p->nvars] = name;
    return p->nvars++;
}

/* Reading `name`: the loop reads what the body bound, and a name the body
 * did not bind is a global, which the number part reads as the interpreter
 * does.  A name that is neither would be an error: the interpreter reports it. */
static Kind name_kind(Compiler *c, Env *e, const Node *at, const char *name) {
    const Name *b = env_find(e, name);
    if (b && b->kind == K_UNSURE) refuse(c, at, "reads '%s', which not every branch of an if before assigns alike", name);
    if (b) return b->kind;
    if (!global_find(c->I, name)) refuse(c, at, "reads '%s', which is not defined", name);
    return K_NUMBER;
}

/* ---- expressions --------------------------------------------------------- */

/* The primitive a call calls.  Only primitives: they neither print nor draw
 * random numbers, so the number part may run once for all parameters.  The
 * function is remembered and checked before every update (a REPL may
 * redefine sqrt). */
static PrimOp callee_prim(Compiler *c, Env *e, const Node *call) {
    const Node *callee = call->a;
    if (callee->kind != N_NAME) { refuse(c, call, "calls something that is not a name"); return P_COUNT; }
    const char *name = callee->name;
    Value *v = env_find(e, name) ? NULL : global_find(c->I, name);
    if (!v || v->kind != V_FUNC || v->fn->kind != C_PRIM) {
        refuse(c, call, "calls '%s', which is not a primitive", name);
        return P_COUNT;
    }
    OptProgram *p = c->p;
    int k = 0;
    while (k < p->ncallees && p->callees[k].name != name) k++;
    if (k == MAX_CALLEES) { refuse(c, call, "calls more than %d functions", MAX_CALLEES); return P_COUNT; }
    if (k == p->ncallees) p->callees[p->ncallees++] = (Callee){ name, v->fn };
    return (PrimOp)v->fn->prim;
}

/* Whether an expression is a number for all elements or has one value per
 * element; refuses what the loop cannot compute. */
static Kind kind_of(Compiler *c, Env *e, const Node *n) {
    if (n) stack_guard(n->loc);       /* the walk nests as deep as the code */
    switch (n->kind) {
    case N_NUM: case N_BOOL: return K_NUMBER;
    case N_NAME: return name_kind(c, e, n, n->name);
    case N_NEG: return kind_of(c, e, n->a);
    case N_BINARY: {
        if (operator_prim(n->op) == P_COUNT) refuse(c, n, "uses '%s'", op_name(n->op));
        Kind a = kind_of(c, e, n->a), b = kind_of(c, e, n->b);
        return a == K_ELEMENTS || b == K_ELEMENTS ? K_ELEMENTS : K_NUMBER;
    }
    case N_CALL: {
        PrimOp prim = callee_prim(c, e, n);
        Kind k = K_NUMBER;
        bool keywords = false;
        for (int i = 0; i < n->kids.n; i++) {
            const Node *arg = n->kids.items[i];
            keywords |= arg->kind == N_KWARG;
            if (kind_of(c, e, arg->kind == N_KWARG ? arg->a : arg) == K_ELEMENTS) k = K_ELEMENTS;
        }
        if (k == K_ELEMENTS && prim != P_COUNT &&
            (!element_arity(prim) || keywords || n->kids.n != element_arity(prim)))
            refuse(c, n, "calls '%s' on w, g or state, which the loop does not compute", n->a->name);
        return k;
    }
    default:
        refuse(c, n, "uses %s", node_kind_name(n->kind));
        return K_NUMBER;
    }
}

static int add_step(Compiler *c, Step s) {
    OptProgram *p = c->p;
    if (p->nsteps == p->cap_steps) {
        int cap = p->cap_steps ? 2 * p->cap_steps : 32;
        p->steps = arena_grow(&c->I->perm, p->steps, sizeof(Step) * (size_t)p->nsteps, sizeof(Step) * (size_t)cap);
        p->cap_steps = cap;
    }
    p->steps[p->nsteps] = s;
    return p->nsteps++;
}

/* a step of the number part: `node` for the evaluator and, compiled from
 * `code` (the expression or statement), the number program's code */
static int number_step(Compiler *c, Env *e, Step s, const Node *code) {
    NumberProgram *np = c->p->number_program;
    s.code_from = numbers_here(np);
    if (s.kind == RUN_STATEMENT) numbers_statement(np, c->I, code, env_binds, e);
    else s.reg = numbers_expr(np, c->I, code, env_binds, e);
    s.code_to = numbers_here(np);
    return add_step(c, s);
}

static Input number_input(Compiler *c, Env *e, const Node *n) {
    number_step(c, e, (Step){ .kind = EVAL_NUMBER, .node = n, .slot = c->p->nnumbers }, n);
    return (Input){ IN_NUMBER, c->p->nnumbers++ };
}

/* z = op(a, b) into variable var, or a new temporary when var < 0 */
static Input instr(Compiler *c, int op, Input a, Input b, int var) {
    Instr in = { op, var, -1, a, b, false };
    if (var < 0) {
        in.temp = c->temps++;
        if (c->temps > c->p->ntemps) c->p->ntemps = c->temps;
    }
    add_step(c, (Step){ .kind = ELEMENTWISE, .instr = in });
    c->p->nelementwise++;
    return var >= 0 ? (Input){ IN_VAR, var } : (Input){ IN_TEMP, in.temp };
}

/* The instructions computing n (whose kind_of is known to be fine); the last
 * one writes variable var when var >= 0.  A largest piece made of numbers
 * only is one number, computed by the number part. */
static Input emit(Compiler *c, Env *e, const Node *n, int var) {
    if (n) stack_guard(n->loc);       /* the walk nests as deep as the code */
    if (kind_of(c, e, n) == K_NUMBER) return number_input(c, e, n);
    Input none = { IN_NONE, 0 };
    switch (n->kind) {
    case N_NAME: return (Input){ IN_VAR, env_find(e, n->name)->var };
    case N_NEG: return instr(c, P_NEG, emit(c, e, n->a, -1), none, var);
    case N_BINARY: {
        Input a = emit(c, e, n->a, -1);
        return instr(c, operator_prim(n->op), a, emit(c, e, n->b, -1), var);
    }
    default: {      /* N_CALL of an elementwise primitive */
        PrimOp prim = callee_prim(c, e, n);
        Input a = emit(c, e, n->kids.items[0], -1);
        return instr(c, prim, a, n->kids.n > 1 ? emit(c, e, n->kids.items[1], -1) : none, var);
    }
    }
}

/* ---- statements -------------------------------------------------------- */

static void block(Compiler *c, Env *e, const Node *b);

static void run_statement(Compiler *c, Env *e, const Node *s) {
    Node *one = node_new(&c->I->perm, N_BLOCK, s->loc);
    list_push(&c->I->perm, &one->kids, (Node *)s);
    number_step(c, e, (Step){ .kind = RUN_STATEMENT, .node = one }, s);
}

static void assign(Compiler *c, Env *e, const Node *s) {
    bool persistent = is_persistent(c->p, s->name);
    Kind k = kind_of(c, e, s->a), target = K_NUMBER;
    if (s->op != '=') target = persistent ? K_ELEMENTS : name_kind(c, e, s, s->name);
    if (refused(c)) return;
    if (!persistent && k == K_NUMBER && target == K_NUMBER) {
        run_statement(c, e, s);
        env_set(c, e, s, s->name, K_NUMBER, -1);
        return;
    }
    /* the interpreter binds `x = w` to w's own tensor, which w's updates then change too */
    if (!persistent && s->op == '=' && s->a->kind == N_NAME && is_persistent(c->p, s->a->name)) {
        refuse(c, s, "makes '%s' another name for '%s'", s->name, s->a->name);
        return;
    }
    int var = persistent ? env_find(e, s->name)->var : local_var(c, s, s->name);
    c->temps = 0;
    Input none = { IN_NONE, 0 };
    if (s->op == '=' && (k == K_NUMBER || s->a->kind == N_NAME)) {
        instr(c, OP_COPY, emit(c, e, s->a, -1), none, var);
    } else if (s->op == '=') {
        emit(c, e, s->a, var);
    } else {                               /* x op= e: e first, then x, as the interpreter does */
        Input b = emit(c, e, s->a, -1), a;
        if (target == K_ELEMENTS) {
            a = (Input){ IN_VAR, env_find(e, s->name)->var };
        } else {
            Node *read = node_new(&c->I->perm, N_NAME, s->loc);
            read->name = s->name;
            a = number_input(c, e, read);
        }
        instr(c, operator_prim(s->op), a, b, var);
    }
    if (c->p->nvars + c->p->ntemps > MAX_BUFFERS)
        refuse(c, s, "needs more than %d elementwise variables and intermediates", MAX_BUFFERS);
    env_set(c, e, s, s->name, K_ELEMENTS, var);
}

/* after an if: a name both branches leave alike keeps its kind */
static void merge(Compiler *c, const Node *at, Env *e, Env *then, Env *other) {
    Env out = { .n = 0 };
    for (int i = 0; i < then->n; i++) {
        Name *b = env_find(other, then->names[i].name);
        bool alike = b && b->kind == then->names[i].kind && b->var == then->names[i].var;
        out.names[out.n] = then->names[i];
        if (!alike) out.names[out.n].kind = K_UNSURE;
        out.n++;
    }
    for (int i = 0; i < other->n; i++)
        if (!env_find(&out, other->names[i].name)) env_set(c, &out, at, other->names[i].name, K_UNSURE, -1);
    *e = out;
}

static void if_statement(Compiler *c, Env *e, const Node *s) {
    if (kind_of(c, e, s->a) == K_ELEMENTS) refuse(c, s->a, "has an if on a tensor");
    if (++c->nesting > MAX_NESTING) refuse(c, s, "has ifs nested more than %d deep", MAX_NESTING);
    if (refused(c)) return;
    int branch = number_step(c, e, (Step){ .kind = BRANCH, .node = s->a }, s->a);
    Env then = *e, other = *e;
    block(c, &then, s->b);
    if (s->c) {
        int jump = add_step(c, (Step){ .kind = JUMP });
        c->p->steps[branch].target = c->p->nsteps;
        block(c, &other, s->c);
        c->p->steps[jump].target = c->p->nsteps;
    } else {
        c->p->steps[branch].target = c->p->nsteps;
    }
    merge(c, s, e, &then, &other);
    c->nesting--;
}

static void statement(Compiler *c, Env *e, const Node *s) {
    if (s) stack_guard(s->loc);       /* the walk nests as deep as the code */
    switch (s->kind) {
    case N_ASSIGN: assign(c, e, s); break;
    case N_IF: if_statement(c, e, s); break;
    case N_BLOCK: block(c, e, s); break;
    case N_REQUIRE:
    case N_EXPR_STMT:
        if (kind_of(c, e, s->a) == K_ELEMENTS) refuse(c, s, "has a %s on w, g or state",
                                                     s->kind == N_REQUIRE ? "require" : "statement");
        run_statement(c, e, s);
        break;
    case N_STATE:
        if (c->nesting) refuse(c, s, "declares state inside an if");
        break;                 /* it only creates the state, on the first update, which is interpreted */
    default:
        refuse(c, s, "has %s", node_kind_name(s->kind));
    }
}

static void block(Compiler *c, Env *e, const Node *b) {
    for (int i = 0; i < b->kids.n && !refused(c); i++) statement(c, e, b->kids.items[i]);
}

static void compile(Compiler *c) {
    OptProgram *p = c->p;
    const Callable *def = p->def;
    const Node *body = def->node->a;
    for (int i = 0; i < body->kids.n; i++) {
        const Node *s = body->kids.items[i];
        for (int k = 0; s->kind == N_STATE && k < s->kids.n; k++) {
            if (p->nstates == MAX_NAMES - 8) { refuse(c, s, "declares too many states"); return; }
            p->states[p->nstates++] = s->kids.items[k]->name;
        }
    }
    /* what the body's frame binds, in the order optimizer_step binds it */
    Env e = { .n = 0 };
    for (int i = 0; i < def->nparams; i++) env_set(c, &e, body, def->param_names[i], K_NUMBER, -1);
    env_set(c, &e, body, intern("w"), K_ELEMENTS, VAR_W);
    env_set(c, &e, body, intern("g"), K_ELEMENTS, VAR_G);
    env_set(c, &e, body, intern("t"), K_NUMBER, -1);
    for (int i = 0; i < p->nstates; i++) env_set(c, &e, body, p->states[i], K_ELEMENTS, VAR_STATES + i);
    p->nvars = VAR_STATES + p->nstates;
    Arena *perm = &c->I->perm;
    p->number_program = numbers_new(perm, def);
    block(c, &e, body);
    if (refused(c)) return;
    numbers_done(p->number_program, perm);
    p->numbers = arena_alloc(perm, sizeof(double) * (size_t)(p->nnumbers + 1));
    p->chosen = arena_alloc(perm, sizeof(Instr) * (size_t)(p->nelementwise + 1));
    p->signed_chosen = arena_alloc(perm, sizeof(Instr) * (size_t)(p->nelementwise + 1));
    p->signed_nchosen = -1;
    p->buffers = arena_alloc(perm, sizeof(double) * CHUNK * (size_t)(p->nvars + p->ntemps));
    p->lane_buffers = arena_alloc(perm, sizeof(double) * CHUNK * (size_t)(p->nvars + p->ntemps));
    p->staging = arena_alloc(perm, sizeof(double) * CHUNK * (size_t)(VAR_STATES + p->nstates));
}

OptProgram *opt_program(Interp *I, const Callable *def) {
    for (OptProgram *p = I->optimizers; p; p = p->next) if (p->def == def) return p;
    OptProgram *p = arena_alloc(&I->perm, sizeof *p);
    p->def = def;
    Compiler c = { .I = I, .p = p };
    compile(&c);
    p->next = I->optimizers;
    I->optimizers = p;
    SrcLoc at;
    const char *slow = opt_program_numbers_refusal(p, &at);
    if (I->timing && p->refusal) {       /* --time says why an optimizer is slower than it could be */
        fflush(stdout);
        fprintf(stderr, "time: optimizer '%s' runs interpreted, not as a fused loop: its body %s (%s:%d)\n",
                def->name, p->refusal, p->refusal_loc.file, p->refusal_loc.line);
    } else if (I->timing && slow) {
        fflush(stdout);
        fprintf(stderr, "time: optimizer '%s' computes its numbers with the evaluator on every update: its body %s (%s:%d)\n",
                def->name, slow, at.file, at.line);
    }
    return p;
}

const char *opt_program_refusal(const OptProgram *p, SrcLoc *where) {
    if (where) *where = p->refusal_loc;
    return p->refusal;
}

const char *opt_program_numbers_refusal(const OptProgram *p, SrcLoc *where) {
    return p->refusal ? NULL : numbers_refusal(p->number_program, where);
}

/* ---- one update ---------------------------------------------------------- */

static bool callees_unchanged(Interp *I, const OptProgram *p) {
    for (int k = 0; k < p->ncallees; k++) {
        Value *v = global_find(I, p->callees[k].name);
        if (!v || v->kind != V_FUNC || v->fn != p->callees[k].fn) return false;
    }
    return true;
}

/* the state tensor of p called `name`, or NULL */
static Tensor *state_of(const Param *p, const char *name) {
    for (int i = 0; i < p->nstate; i++) if (p->state[i].name == name) return p->state[i].v.t;
    return NULL;
}

/* every tensor the loop reads or writes has the parameter's size and the interpreter's precision */
static bool fits(const Interp *I, const OptProgram *p, const Param *param) {
    const Tensor *w = param->value, *g = w->grad;
    if (w->dtype != I->dtype || !g || g->dtype != w->dtype || g->size != w->size) return false;
    if (param->nstate != p->nstates) return false;
    for (int i = 0; i < p->nstates; i++) {
        const Tensor *s = state_of(param, p->states[i]);
        if (!s || s->dtype != w->dtype || s->size != w->size) return false;
    }
    return true;
}

static Input resolve(const OptProgram *p, Input in) {
    if (in.kind == IN_VAR) return p->in_buffer[in.index] ? (Input){ IN_BUFFER, in.index } : (Input){ IN_MEMORY, in.index };
    if (in.kind == IN_TEMP) return (Input){ IN_BUFFER, p->nvars + in.index };
    return in;
}

/* The last assignment of w and of each state writes the parameter's memory
 * instead of its buffer, and the instructions after it read it there: the
 * update then writes each element once, with no copy from a buffer.  (A
 * variable's memory is read only before its first assignment, so nothing
 * reads the old value after the last one.) */
static void store_in_memory(OptProgram *p) {
    for (int v = 0; v < VAR_STATES + p->nstates; v++) {
        if (v == VAR_G || !p->in_buffer[v]) continue;
        int last = p->nchosen - 1;
        while (p->chosen[last].var != v) last--;
        p->chosen[last].stored = true;
        for (int k = last + 1; k < p->nchosen; k++) {
            Input *ops[2] = { &p->chosen[k].a, &p->chosen[k].b };
            for (int j = 0; j < 2; j++)
                if (ops[j]->kind == IN_BUFFER && ops[j]->index == v) ops[j]->kind = IN_STORED;
        }
    }
}

typedef enum {
    CHOSEN,          /* the numbers are computed and the instructions chosen */
    INTERPRET,       /* a number the loop needs is not a single number: interpret the update */
    USE_EVALUATOR,   /* the number program gave up: run the number part with the evaluator */
} Choice;

/* The number part: runs the steps, taking the branches the conditions say,
 * and lists the instructions to run.  With `evaluator` NULL the number
 * program computes the numbers, and gives up (USE_EVALUATOR) where the
 * evaluator would do anything but compute a number; otherwise the evaluator
 * does, in that frame (opt_bind_numbers), with its errors. */
static Choice choose(Interp *I, OptProgram *p, Frame *evaluator) {
    NumberProgram *np = p->number_program;
    p->nchosen = 0;
    memset(p->in_buffer, 0, sizeof p->in_buffer);
    for (int pc = 0; pc < p->nsteps;) {
        const Step *s = &p->steps[pc];
        if (!evaluator && (s->kind == RUN_STATEMENT || s->kind == EVAL_NUMBER || s->kind == BRANCH) &&
            !numbers_run(np, I, s->code_from, s->code_to))
            return USE_EVALUATOR;
        switch (s->kind) {
        case RUN_STATEMENT:
            if (evaluator) exec_block(I, evaluator, s->node);
            pc++;
            break;
        case EVAL_NUMBER:
            if (evaluator) {
                Value v = eval_expr(I, evaluator, s->node);
                if (v.kind != V_TENSOR || v.t->ndim != 0 || v.t->dtype != I->dtype) return INTERPRET;
                p->numbers[s->slot] = tensor_get(v.t, 0);
            } else {
                p->numbers[s->slot] = numbers_value(np, s->reg);
            }
            pc++;
            break;
        case BRANCH: {
            bool taken = evaluator ? expect_number(I, eval_expr(I, evaluator, s->node), s->node->loc, "a condition") != 0
                                   : numbers_value(np, s->reg) != 0;
            pc = taken ? pc + 1 : s->target;
            break;
        }
        case JUMP: pc = s->target; break;
        case ELEMENTWISE: {
            Instr in = s->instr;
            in.a = resolve(p, in.a);
            in.b = resolve(p, in.b);
            if (in.var >= 0) p->in_buffer[in.var] = true;
            p->chosen[p->nchosen++] = in;
            pc++;
            break;
        }
        }
    }
    if (!evaluator && !numbers_charge(np, p->def->node->loc)) return USE_EVALUATOR;
    store_in_memory(p);
    return CHOSEN;
}

/* ---- a hand-fused loop for a known body ------------------------------------ */

static const char *signature_op(int op) {
    switch (op) {
    case P_ADD: return "add";
    case P_SUB: return "sub";
    case P_MUL: return "mul";
    case P_DIV: return "div";
    case P_POW: return "pow";
    case P_SQRT: return "sqrt";
    default: return NULL;       /* no known body uses it */
    }
}

/* The chosen instructions as data flow, in the form of optkernels.c's
 * signatures: "mul n0 m2 > t0; ..." — each operand a number (n, numbered
 * in the order first read; number_of gives its slot in p->numbers), a
 * variable's memory as the update found it (m) or as its last assignment
 * stored it (s: 0 w, 1 g, 2... the states), or the value an earlier
 * instruction left in a buffer (t, numbered as written, whichever buffer
 * holds it).  False when it cannot be one of theirs. */
static bool kernel_signature(OptProgram *p, char *sig, size_t size) {
    int value_in[MAX_BUFFERS + MAX_BUFFERS], values = 0, numbers = 0;
    size_t len = 0;
    sig[0] = 0;
    for (int k = 0; k < p->nchosen; k++) {
        const Instr *in = &p->chosen[k];
        const char *name = signature_op(in->op);
        if (!name) return false;
        char text[64];
        int at = snprintf(text, sizeof text, "%s%s", k ? "; " : "", name);
        const Input ops[2] = { in->a, in->b };
        for (int j = 0; j < 2 && ops[j].kind != IN_NONE; j++) {
            const Input *o = &ops[j];
            if (o->kind == IN_NUMBER) {
                int n = 0;
                while (n < numbers && p->number_of[n] != o->index) n++;
                if (n == numbers) {
                    if (numbers == KERNEL_NUMBERS) return false;
                    p->number_of[numbers++] = o->index;
                }
                at += snprintf(text + at, sizeof text - (size_t)at, " n%d", n);
            } else if (o->kind == IN_MEMORY || o->kind == IN_STORED) {
                at += snprintf(text + at, sizeof text - (size_t)at, " %c%d", o->kind == IN_MEMORY ? 'm' : 's', o->index);
            } else {
                at += snprintf(text + at, sizeof text - (size_t)at, " t%d", value_in[o->index]);
            }
        }
        if (in->stored) snprintf(text + at, sizeof text - (size_t)at, " > s%d", in->var);
        else {
            int buffer = in->var >= 0 ? in->var : p->nvars + in->temp;
            value_in[buffer] = values;
            snprintf(text + at, sizeof text - (size_t)at, " > t%d", values++);
        }
        size_t add = strlen(text);
        if (len + add + 1 > size) return false;
        memcpy(sig + len, text, add + 1);
        len += add;
    }
    return true;
}

/* The hand-fused loop for this update's instructions, if they are a known
 * body's: looked up again only when they differ from the last update's
 * (comparing them costs a fraction of building the signature: xor updates
 * its 9 weights 10,000 times), and its numbers in the order it reads them. */
static void pick_kernel(OptProgram *p) {
    if (p->nchosen != p->signed_nchosen || memcmp(p->chosen, p->signed_chosen, sizeof(Instr) * (size_t)p->nchosen) != 0) {
        char sig[1024];
        p->kernel = kernel_signature(p, sig, sizeof sig) ? opt_kernel_find(sig) : NULL;
        memcpy(p->signed_chosen, p->chosen, sizeof(Instr) * (size_t)p->nchosen);
        p->signed_nchosen = p->nchosen;
    }
    for (int k = 0; p->kernel && k < KERNEL_NUMBERS; k++) p->kernel_numbers[k] = p->numbers[p->number_of[k]];
}

const char *opt_program_kernel(const OptProgram *p) { return p->kernel ? p->kernel->name : NULL; }

/* these loops are most of the update of a large parameter: vectorised, they
 * take a third of the time (z and x may overlap: x = x * g) */
VECTORIZE_BEGIN

/* z[i] = EXPR for i < n, with u and v each an array or one number */
#define BINARY_LOOP(EXPR)                                                                  \
    do {                                                                                   \
        if (xs && ys) for (int i = 0; i < n; i++) { T u = xs[i], v = ys[i]; z[i] = (EXPR); } \
        else if (xs) for (int i = 0; i < n; i++) { T u = xs[i], v = yn; z[i] = (EXPR); }     \
        else for (int i = 0; i < n; i++) { T u = xn, v = ys[i]; z[i] = (EXPR); }             \
    } while (0)
#define UNARY_LOOP(EXPR) do { for (int i = 0; i < n; i++) { T u = xs[i]; z[i] = (EXPR); } } while (0)
#define BINARY_CASE(OP, EXPR) case OP: BINARY_LOOP(EXPR); break;
#define UNARY_CASE(OP, EXPR) case OP: UNARY_LOOP(EXPR); break;

/* The chosen instructions over elements [from, from + n) of one parameter
 * (mem: w, g and its states as they were), the new w and state stored into
 * out (mem itself, or other memory of the same size: see update_large).
 * Each op is its primitive's expression in kernels.h, so it rounds as the
 * evaluator's kernels do. */
SIMD_CLONES static bool run_chunk(const OptProgram *p, void *buffers, Tensor *const *mem, Tensor *const *out, int from,
                                  int n) {
    FOR_DTYPE(mem[0], T, {
        T *buf = buffers;
        for (int k = 0; k < p->nchosen; k++) {
            const Instr *in = &p->chosen[k];
            const Input ops[2] = { in->a, in->b };
            const T *arr[2] = { NULL, NULL };
            T num[2] = { 0, 0 };
            for (int j = 0; j < 2; j++) {
                if (ops[j].kind == IN_MEMORY) arr[j] = (const T *)mem[ops[j].index]->data + from;
                else if (ops[j].kind == IN_STORED) arr[j] = (const T *)out[ops[j].index]->data + from;
                else if (ops[j].kind == IN_BUFFER) arr[j] = buf + (size_t)ops[j].index * CHUNK;
                else if (ops[j].kind == IN_NUMBER) num[j] = (T)p->numbers[ops[j].index];
            }
            const T *xs = arr[0], *ys = arr[1];
            T xn = num[0], yn = num[1];
            T *z = in->stored ? (T *)out[in->var]->data + from
                              : buf + (size_t)(in->var >= 0 ? in->var : p->nvars + in->temp) * CHUNK;
            /* float32 u^2: pow's u·u is exact in double, so it rounds as u·u in float, and is much faster */
            if (in->op == P_POW && sizeof(T) == sizeof(float) && !ys && yn == 2) {
                UNARY_LOOP(u * u);
                continue;
            }
            switch (in->op) {
            case OP_COPY:
                if (xs) memmove(z, xs, sizeof(T) * (size_t)n);
                else for (int i = 0; i < n; i++) z[i] = xn;
                break;
            BINARY_ELEMENT_OPS(BINARY_CASE)
            UNARY_ELEMENT_OPS(UNARY_CASE)
            default: break;      /* the compiler emits no other op */
            }
        }
        /* checked here while the chunk is in cache, not by another pass over w */
        return p->in_buffer[VAR_W] && values_all_finite(out[VAR_W]->dtype, (T *)out[VAR_W]->data + from, n);
    });
    return false;
}

#undef BINARY_CASE
#undef UNARY_CASE
VECTORIZE_END

/* the update of elements [from, from + n): by the hand-fused loop when
 * there is one, else an instruction at a time; true when every new w is finite */
static bool update_chunk(const OptProgram *p, void *buffers, Tensor *const *mem, Tensor *const *out, int from, int n) {
    if (!p->kernel) return run_chunk(p, buffers, mem, out, from, n);
    p->kernel->run(p->kernel_numbers, mem, out, from, n);
    const Tensor *w = out[VAR_W];
    return values_all_finite(w->dtype, (const char *)w->data + dtype_size(w->dtype) * (size_t)from, n);
}

void opt_bind_numbers(Frame *f, const Callable *def, const Value *settings, Tensor *t) {
    for (int h = 0; h < def->nparams; h++) frame_set(f, def->param_names[h], settings[h]);
    frame_set(f, intern("t"), tensor_value(t));
}

/* w, g and the state of one parameter, as run_chunk reads them */
static void parameter_memory(const OptProgram *p, const Param *param, Tensor **mem) {
    mem[VAR_W] = param->value;
    mem[VAR_G] = param->value->grad;
    for (int i = 0; i < p->nstates; i++) mem[VAR_STATES + i] = state_of(param, p->states[i]);
}

/* Parameters smaller than a chunk are copied side by side into one chunk
 * (p->staging) and updated by one run_chunk: the body's per-chunk cost is
 * paid once for all of a model's biases, not once per bias.  Each element
 * gets the same operations as it would alone. */
typedef struct Staged {
    const Param *param[CHUNK];
    int          at[CHUNK];
    int          n, rows;            /* parameters staged, elements used */
} Staged;

static void staging_memory(const OptProgram *p, DType dt, Tensor *fake, Tensor **mem) {
    for (int v = 0; v < VAR_STATES + p->nstates; v++) {
        fake[v] = (Tensor){ .ndim = 1, .shape = { CHUNK }, .size = CHUNK, .dtype = dt,
                            .data = (char *)p->staging + dtype_size(dt) * CHUNK * (size_t)v };
        mem[v] = &fake[v];
    }
}

/* where `copies` wants the old values of w and each state of one parameter
 * (mem), or NULL.  The copies come in the order the parameters are updated,
 * so the search starts after the last one found (*next). */
static void copies_of(const OptProgram *p, const UpdateCopies *copies, Tensor *const *mem, Tensor **to, int *next) {
    for (int v = 0; v < VAR_STATES + p->nstates; v++) {
        to[v] = NULL;
        for (int k = 0; copies && v != VAR_G && k < copies->n && !to[v]; k++) {
            int i = (*next + k) % copies->n;
            if (copies->from[i] == mem[v]) { to[v] = copies->to[i]; *next = i + 1; }
        }
    }
}

/* the old values of elements [from, from + n) of w and the states, into their copies */
static void copy_old(const OptProgram *p, Tensor *const *mem, Tensor *const *to, int from, int n) {
    size_t es = dtype_size(mem[VAR_W]->dtype);
    for (int v = 0; v < VAR_STATES + p->nstates; v++)
        if (to[v]) memcpy((char *)to[v]->data + es * (size_t)from, (const char *)mem[v]->data + es * (size_t)from, es * (size_t)n);
}

static void stage(const OptProgram *p, Staged *st, const Param *param, const UpdateCopies *copies, int *next) {
    Tensor *mem[MAX_BUFFERS], *to[MAX_BUFFERS];
    parameter_memory(p, param, mem);
    if (copies) {
        copies_of(p, copies, mem, to, next);
        copy_old(p, mem, to, 0, param->value->size);
    }
    size_t es = dtype_size(param->value->dtype);
    for (int v = 0; v < VAR_STATES + p->nstates; v++)
        memcpy((char *)p->staging + es * (CHUNK * (size_t)v + (size_t)st->rows), mem[v]->data, es * (size_t)param->value->size);
    st->param[st->n] = param;
    st->at[st->n++] = st->rows;
    st->rows += param->value->size;
}

/* the staged parameters' update, and their new w and state copied back */
static bool run_staged(const OptProgram *p, Staged *st) {
    DType dt = st->param[0]->value->dtype;
    Tensor fake[MAX_BUFFERS], *smem[MAX_BUFFERS], *mem[MAX_BUFFERS];
    staging_memory(p, dt, fake, smem);
    bool finite = update_chunk(p, p->buffers, smem, smem, 0, st->rows);
    size_t es = dtype_size(dt);
    for (int i = 0; i < st->n; i++) {
        parameter_memory(p, st->param[i], mem);
        for (int v = 0; v < VAR_STATES + p->nstates; v++)
            if (v != VAR_G && p->in_buffer[v])
                memcpy(mem[v]->data, (char *)p->staging + es * (CHUNK * (size_t)v + (size_t)st->at[i]),
                       es * (size_t)st->param[i]->value->size);
    }
    st->n = st->rows = 0;
    return finite;
}

/* The parameters updated in place (updated_in_place), each split in `lanes` runs of whole
 * chunks, this lane doing its own run of each: the lanes write disjoint
 * elements, and every element gets what it would get in one lane. */
typedef struct LargeUpdate {
    const OptProgram   *p;
    Model              *m;
    const UpdateCopies *copies;
    bool                finite[2];     /* per lane: every new w it wrote is finite */
} LargeUpdate;

/* Where one parameter's new w and states go (out) and which old values are
 * copied for `copies` (to): a variable the update assigns and `copies` wants
 * is written straight into the copy's memory, which then changes places with
 * the parameter's (swap_stored): the copy ends holding the old values with
 * no pass of its own.  The others are written in place, their old values
 * copied (copy_old) as they are read. */
static void outputs_of(const OptProgram *p, Tensor *const *mem, Tensor **to, Tensor **out) {
    for (int v = 0; v < VAR_STATES + p->nstates; v++) {
        out[v] = mem[v];
        if (to[v] && v != VAR_G && p->in_buffer[v]) {
            out[v] = to[v];
            to[v] = NULL;
        }
    }
}

/* A parameter updated in its own memory by update_large, rather than staged
 * with other small ones: one of a chunk or more, or any when a hand-fused
 * loop runs the body (its cost has no part per instruction to share, and
 * staging would copy each small parameter twice) */
static bool updated_in_place(const OptProgram *p, const Param *param) {
    return param->value->size >= CHUNK || p->kernel;
}

static void update_large(void *ctx, int lane, int lanes) {
    LargeUpdate *job = ctx;
    SubnormalMode mode = subnormals_flushed();   /* as the caller's thread has it (train.c) */
    const OptProgram *p = job->p;
    Tensor *mem[MAX_BUFFERS], *to[MAX_BUFFERS], *out[MAX_BUFFERS];
    void *buffers = lane ? p->lane_buffers : p->buffers;
    bool finite = true;
    int next_copy = 0;
    for (int l = 0; l < job->m->nlayers; l++)
        for (int k = 0; k < job->m->layers[l].nparams; k++) {
            const Param *param = &job->m->layers[l].params[k];
            int size = param->value->size;
            if (!updated_in_place(p, param)) continue;
            parameter_memory(p, param, mem);
            if (job->copies) copies_of(p, job->copies, mem, to, &next_copy);
            else for (int v = 0; v < VAR_STATES + p->nstates; v++) to[v] = NULL;
            outputs_of(p, mem, to, out);
            int chunks = (size + CHUNK - 1) / CHUNK;
            int first = (int)((long)chunks * lane / lanes), end = (int)((long)chunks * (lane + 1) / lanes);
            for (int c = first; c < end; c++) {
                int from = c * CHUNK, n = size - from < CHUNK ? size - from : CHUNK;
                if (job->copies) copy_old(p, mem, to, from, n);
                finite &= update_chunk(p, buffers, mem, out, from, n);
            }
        }
    job->finite[lane] = finite;
    subnormals_restored(mode);
}

/* After update_large: each new w and state written into its copy's memory
 * takes that memory, and the copy the parameter's, which holds the old values. */
static void swap_stored(const LargeUpdate *job) {
    const OptProgram *p = job->p;
    Tensor *mem[MAX_BUFFERS], *to[MAX_BUFFERS], *out[MAX_BUFFERS];
    int next_copy = 0;
    for (int l = 0; l < job->m->nlayers; l++)
        for (int k = 0; k < job->m->layers[l].nparams; k++) {
            const Param *param = &job->m->layers[l].params[k];
            if (!updated_in_place(p, param)) continue;
            parameter_memory(p, param, mem);
            copies_of(p, job->copies, mem, to, &next_copy);
            outputs_of(p, mem, to, out);
            for (int v = 0; v < VAR_STATES + p->nstates; v++)
                if (out[v] != mem[v]) {
                    void *data = mem[v]->data;
                    mem[v]->data = out[v]->data;
                    out[v]->data = data;
                }
        }
}

bool opt_fused_update(Interp *I, OptProgram *p, const Value *settings, long t, Model *m, const UpdateCopies *copies,
                      bool *weights_finite) {
    *weights_finite = false;
    if (p->refusal || I->mode.watch || !callees_unchanged(I, p)) return false;
    int np = 0;
    for (int l = 0; l < m->nlayers; l++)
        for (int k = 0; k < m->layers[l].nparams; k++, np++)
            if (!fits(I, p, &m->layers[l].params[k])) return false;
    if (np == 0) return false;
    Choice chose = USE_EVALUATOR;
    if (!numbers_refusal(p->number_program, NULL) && numbers_start(p->number_program, I, settings, t))
        chose = choose(I, p, NULL);
    if (chose == USE_EVALUATOR) {
        Frame numbers = { .arena = &I->pass };
        opt_bind_numbers(&numbers, p->def, settings, new_scalar(I, (double)t));
        chose = choose(I, p, &numbers);
    }
    if (chose == INTERPRET) return false;
    pick_kernel(p);
    Staged st;               /* not zero-initialised: 3 KB, and only n and rows are read before written */
    st.n = st.rows = 0;
    bool finite = true;
    int next_copy = 0;
    long large = 0;
    for (int l = 0; l < m->nlayers; l++)
        for (int k = 0; k < m->layers[l].nparams; k++) {
            const Param *param = &m->layers[l].params[k];
            int size = param->value->size;
            if (updated_in_place(p, param)) {
                large += size;
                continue;
            }
            /* a bias, xor's weights: run together with other small ones */
            if (st.n && (st.rows + size > CHUNK || st.param[0]->value->dtype != param->value->dtype))
                finite &= run_staged(p, &st);
            stage(p, &st, param, copies, &next_copy);
        }
    if (st.n) finite &= run_staged(p, &st);
    LargeUpdate job = { p, m, copies, { true, true } };
    if (large >= LANES_FROM) lanes_run(update_large, &job);
    else if (large) update_large(&job, 0, 1);
    if (large && copies) swap_stored(&job);
    *weights_finite = finite && job.finite[0] && job.finite[1];
    return true;
}
