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
 * This file compiles a body into an OptProgram (optprogram.h); optupdate.c
 * runs it.
 * Must not: run an update (optupdate.c), decide when an update runs or make
 * it all or nothing (optstep.c's optimizer_step), or compute any primitive for
 * the evaluator (prims.c). */
#include "base/stack.h"
#include "autodiff/kernels.h"
#include "base/arena.h"
#include "front/ast.h"
#include "lang/eval.h"
#include "train/optcompile.h"
#include "train/optnumbers.h"
#include "train/optprogram.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* What a name holds at a point of the body, as far as the loop is concerned. */
typedef enum {
    K_NUMBER,     /* one number for all elements (or whatever the evaluator makes of it) */
    K_ELEMENTS,   /* one value per element of the parameter: w, g, a state, a local made from them */
    K_UNSURE,     /* assigned by one branch of an if only, or differently by each: not read by the loop */
} Kind;

typedef struct Name { const char *name; Kind kind; int var; } Name;
typedef struct Env { Name names[MAX_NAMES]; int n; } Env;

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
