/* optnumbers.c — the number part of an optimizer's body (optnumbers.h) as a
 * list of scalar instructions over registers of doubles, each holding a
 * value of the interpreter's precision exactly (a float32 widened).  Every
 * op is the expression kernels.h defines for its primitive, in that
 * precision, so each value is bit for bit the one the evaluator computes on
 * scalar tensors.  Whatever else the evaluator could meet (a require that
 * fails, a global that is missing or not a single number, a setting that is
 * a tensor, the work budget running out) makes a run give up, having
 * changed only its registers: the caller runs the number part with the
 * evaluator instead, which reports the error or computes with the tensor.
 * A run can also note which values could differ on another update with
 * the same settings (numbers_track): those that depend on t or a global.
 * Must not: allocate once compiled, report errors itself, or know about w,
 * g, the state or the elementwise loop (optcompile.c). */
#include "base/stack.h"
#include "autodiff/kernels.h"
#include "base/arena.h"
#include "base/budget.h"
#include "front/ast.h"
#include "lang/eval.h"
#include "tensor/tensor.h"
#include "train/optnumbers.h"
#include <stdarg.h>
#include <string.h>

typedef enum {
    NUM_OP,         /* regs[dst] = op(regs[a], regs[b]); b is a for a unary op */
    NUM_COPY,       /* regs[dst] = regs[a]: an assignment */
    NUM_GLOBAL,     /* regs[dst] = the global `name`, read when the evaluator would read it */
    NUM_REQUIRE,    /* gives up when regs[a] is 0 */
} NumKind;

typedef struct NumInstr { NumKind kind; PrimOp op; int dst, a, b; const char *name; } NumInstr;

/* a name the frame binds and the register it lives in: settings, t, locals */
typedef struct NamedReg { const char *name; int reg; } NamedReg;
typedef struct Constant { int reg; double value; } Constant;

struct NumberProgram {
    Arena      *perm;
    int         nsettings;        /* registers 0 .. nsettings - 1 hold the settings, nsettings holds t */
    bool       *reads_setting;    /* which settings numbers_start must load (and check) */
    NamedReg   *names;
    int         nnames, cap_names;
    Constant   *constants;        /* literals, rounded to the precision on every start */
    int         nconstants, cap_constants;
    NumInstr   *code;
    int         ncode, cap_code;
    int         nregs;
    const char *refusal;
    SrcLoc      refusal_loc;
    /* one update's */
    double     *regs;
    DType       dtype;
    long long   ops;              /* ops run since numbers_start: the work the evaluator charges */
    /* whether each register's value could differ on another update with the
     * same settings (numbers_varies), as the run since numbers_start found */
    bool       *varies;
    double     *loaded;           /* the settings numbers_start loaded, as it loaded them */
    bool        steady;           /* no global read and no require on a value that varies since numbers_start */
    bool        t_written;        /* the body assigned to t: its register holds t no longer */
    bool        tracking;         /* runs note the above (numbers_track) */
};

PrimOp operator_prim(int op) {
    static const struct { int op; PrimOp prim; } table[] = {
        { '+', P_ADD }, { '-', P_SUB }, { '*', P_MUL }, { '/', P_DIV }, { '^', P_POW },
        { '<', P_LT }, { '>', P_GT }, { 'L', P_LE }, { 'G', P_GE }, { 'E', P_EQ }, { 'N', P_NE },
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) if (table[i].op == op) return table[i].prim;
    return P_COUNT;
}

/* ---- compiling ------------------------------------------------------------ */

/* one more item in a growable array of perm */
static void *push(Arena *perm, void *items, int *n, int *cap, size_t size) {
    if (*n == *cap) {
        int grown = *cap ? 2 * *cap : 16;
        items = arena_grow(perm, items, size * (size_t)*n, size * (size_t)grown);
        *cap = grown;
    }
    (*n)++;
    return items;
}

static int refuse(NumberProgram *np, const Node *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int refuse(NumberProgram *np, const Node *at, const char *fmt, ...) {
    if (np->refusal) return -1;                /* the first reason is the one to tell */
    char msg[256];
    va_list ap; va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    np->refusal = arena_strdup(np->perm, msg);
    np->refusal_loc = at->loc;
    return -1;
}

static int find_name(const NumberProgram *np, const char *name) {
    for (int i = 0; i < np->nnames; i++) if (np->names[i].name == name) return np->names[i].reg;
    return -1;
}

static void add_name(NumberProgram *np, const char *name, int reg) {
    np->names = push(np->perm, np->names, &np->nnames, &np->cap_names, sizeof *np->names);
    np->names[np->nnames - 1] = (NamedReg){ name, reg };
}

static int emit(NumberProgram *np, NumInstr in) {
    np->code = push(np->perm, np->code, &np->ncode, &np->cap_code, sizeof *np->code);
    np->code[np->ncode - 1] = in;
    return in.dst;
}

static int op_into_new(NumberProgram *np, PrimOp op, int a, int b) {
    return emit(np, (NumInstr){ .kind = NUM_OP, .op = op, .dst = np->nregs++, .a = a, .b = b });
}

NumberProgram *numbers_new(Arena *perm, const Callable *def) {
    NumberProgram *np = arena_alloc(perm, sizeof *np);
    np->perm = perm;
    np->nsettings = def->nparams;
    np->reads_setting = arena_alloc(perm, sizeof(bool) * (size_t)(def->nparams + 1));
    for (int h = 0; h < def->nparams; h++) add_name(np, def->param_names[h], h);
    add_name(np, intern("t"), def->nparams);
    np->nregs = def->nparams + 1;
    return np;
}

/* `name` read where the evaluator looks it up: in the frame, else a global */
static int read_name(NumberProgram *np, const Node *at, const char *name, NumberBound bound, const void *names) {
    if (!bound(names, name)) return emit(np, (NumInstr){ .kind = NUM_GLOBAL, .dst = np->nregs++, .name = name });
    int reg = find_name(np, name);
    if (reg < 0) return refuse(np, at, "reads '%s', which it did not compute", name);
    if (reg < np->nsettings) np->reads_setting[reg] = true;
    return reg;
}

/* a call of an elementwise primitive with its operands in order, as
 * call_prim makes it; the compiler has checked the callee is a primitive and
 * checks before every update that it still is */
static int call(NumberProgram *np, Interp *I, const Node *e, NumberBound bound, const void *names) {
    const Node *callee = e->a;
    if (callee->kind != N_NAME || bound(names, callee->name))
        return refuse(np, e, "calls something that is not a primitive");
    const Value *v = global_find(I, callee->name);
    if (!v || v->kind != V_FUNC || v->fn->kind != C_PRIM)
        return refuse(np, e, "calls '%s', which is not a primitive", callee->name);
    PrimOp op = (PrimOp)v->fn->prim;
    int arity = element_arity(op);
    if (!arity || v->fn->nparams != arity) return refuse(np, e, "calls '%s', which is not elementwise", callee->name);
    if (e->kids.n != arity) return refuse(np, e, "calls '%s' with %d arguments", callee->name, e->kids.n);
    int in[2];
    for (int i = 0; i < arity; i++) {
        const Node *arg = e->kids.items[i];
        if (arg->kind == N_KWARG) return refuse(np, arg, "calls '%s' with its arguments by name", callee->name);
        in[i] = numbers_expr(np, I, arg, bound, names);
        if (in[i] < 0) return -1;
    }
    return op_into_new(np, op, in[0], in[arity - 1]);
}

int numbers_expr(NumberProgram *np, Interp *I, const Node *e, NumberBound bound, const void *names) {
    if (e) stack_guard(e->loc);       /* the walk nests as deep as the code */
    if (np->refusal) return -1;
    switch (e->kind) {
    case N_NUM: case N_BOOL: {         /* a new scalar of the precision, as eval_expr makes it */
        np->constants = push(np->perm, np->constants, &np->nconstants, &np->cap_constants, sizeof *np->constants);
        np->constants[np->nconstants - 1] = (Constant){ np->nregs, e->num };
        return np->nregs++;
    }
    case N_NAME: return read_name(np, e, e->name, bound, names);
    case N_NEG: {
        int a = numbers_expr(np, I, e->a, bound, names);
        return a < 0 ? -1 : op_into_new(np, P_NEG, a, a);
    }
    case N_BINARY: {
        PrimOp op = operator_prim(e->op);
        if (op == P_COUNT) return refuse(np, e, "uses '%s' on numbers", op_name(e->op));
        int a = numbers_expr(np, I, e->a, bound, names);
        int b = a < 0 ? -1 : numbers_expr(np, I, e->b, bound, names);
        return b < 0 ? -1 : op_into_new(np, op, a, b);
    }
    case N_CALL: return call(np, I, e, bound, names);
    default: return refuse(np, e, "uses %s on numbers", node_kind_name(e->kind));
    }
}

void numbers_statement(NumberProgram *np, Interp *I, const Node *s, NumberBound bound, const void *names) {
    if (np->refusal) return;
    switch (s->kind) {
    case N_ASSIGN: {                   /* x op= e: e first, then x, as exec_assign does */
        int v = numbers_expr(np, I, s->a, bound, names);
        if (v >= 0 && s->op != '=') {
            PrimOp op = operator_prim(s->op);
            if (op == P_COUNT) { refuse(np, s, "uses '%s=' on numbers", op_name(s->op)); return; }
            int x = read_name(np, s, s->name, bound, names);
            v = x < 0 ? -1 : op_into_new(np, op, x, v);
        }
        if (v < 0) return;
        int dst = find_name(np, s->name);
        if (dst < 0) add_name(np, s->name, dst = np->nregs++);
        emit(np, (NumInstr){ .kind = NUM_COPY, .dst = dst, .a = v });
        return;
    }
    case N_REQUIRE: {
        int c = numbers_expr(np, I, s->a, bound, names);
        if (c >= 0) emit(np, (NumInstr){ .kind = NUM_REQUIRE, .a = c });
        return;
    }
    case N_EXPR_STMT: numbers_expr(np, I, s->a, bound, names); return;
    default: refuse(np, s, "has %s among its numbers", node_kind_name(s->kind));
    }
}

int numbers_here(const NumberProgram *np) { return np->ncode; }

const char *numbers_refusal(const NumberProgram *np, SrcLoc *where) {
    if (where) *where = np->refusal_loc;
    return np->refusal;
}

void numbers_done(NumberProgram *np, Arena *perm) {
    np->regs = arena_alloc(perm, sizeof(double) * (size_t)np->nregs);
    np->varies = arena_alloc(perm, sizeof(bool) * (size_t)np->nregs);
    np->loaded = arena_alloc(perm, sizeof(double) * (size_t)(np->nsettings + 1));
}

/* ---- one update ------------------------------------------------------------ */

/* a number as a scalar tensor of precision dt holds it (tensor_set) */
static double rounded(DType dt, double v) { return dt == DT_F64 ? v : (double)(float)v; }

static bool single_number(Value v, DType dt) {
    return v.kind == V_TENSOR && v.t->ndim == 0 && v.t->dtype == dt;
}

bool numbers_start(NumberProgram *np, const Interp *I, const Value *settings, long t) {
    np->dtype = I->dtype;
    for (int h = 0; h < np->nsettings; h++) {
        if (!np->reads_setting[h]) continue;
        if (!single_number(settings[h], np->dtype)) return false;
        const Tensor *v = settings[h].t;      /* tensor_get's usual case without its call */
        np->regs[h] = np->loaded[h] = !v->data ? tensor_get(v, 0) : v->dtype == DT_F64 ? *(const double *)v->data : *(const float *)v->data;
    }
    np->regs[np->nsettings] = rounded(np->dtype, (double)t);
    for (int i = 0; i < np->nconstants; i++) np->regs[np->constants[i].reg] = rounded(np->dtype, np->constants[i].value);
    np->ops = 0;
    if (!np->tracking) return true;
    /* t varies, and so does every register not yet written on this run */
    for (int r = np->nsettings; r < np->nregs; r++) np->varies[r] = true;
    for (int h = 0; h < np->nsettings; h++) np->varies[h] = false;
    for (int i = 0; i < np->nconstants; i++) np->varies[np->constants[i].reg] = false;
    np->steady = true;
    np->t_written = false;
    return true;
}

bool numbers_same_start(const NumberProgram *np, const Interp *I, const Value *settings) {
    if (I->dtype != np->dtype) return false;
    for (int h = 0; h < np->nsettings; h++) {
        if (!np->reads_setting[h]) continue;
        if (!single_number(settings[h], np->dtype)) return false;
        const Tensor *t = settings[h].t;       /* as numbers_start reads it */
        double v = !t->data ? tensor_get(t, 0) : t->dtype == DT_F64 ? *(const double *)t->data : *(const float *)t->data;
        if (memcmp(&v, &np->loaded[h], sizeof v) != 0) return false;
    }
    return true;
}

/* Whether op's value on u (register a) and v (b) is the same on every
 * update: both are, or one is t — a whole number ≥ 0, finite in either
 * precision — and the other a ±0 that is (decay · t with decay = 0, as the
 * stdlib's optimizers compute lr / (1 + decay·t)): ±0 · t is that zero,
 * sign and all, for every such t. */
static bool steady_op(const NumberProgram *np, PrimOp op, int a, int b) {
    const bool *varies = np->varies;
    if (!varies[a] && !varies[b]) return true;
    int t = np->nsettings;
    return op == P_MUL && !np->t_written &&
           ((a == t && !varies[b] && np->regs[b] == 0) || (b == t && !varies[a] && np->regs[a] == 0));
}

/* op(u, v) in precision T: the result rounded to T as the kernel stores it */
#define ELEMENT_CASE(OP, EXPR) case OP: { T r = (EXPR); return r; }
static double element_float(PrimOp op, float u, float v) {
    typedef float T;
    switch (op) {
    BINARY_ELEMENT_OPS(ELEMENT_CASE)
    UNARY_ELEMENT_OPS(ELEMENT_CASE)
    default: return NAN;
    }
}
static double element_double(PrimOp op, double u, double v) {
    typedef double T;
    switch (op) {
    BINARY_ELEMENT_OPS(ELEMENT_CASE)
    UNARY_ELEMENT_OPS(ELEMENT_CASE)
    default: return NAN;
    }
}
#undef ELEMENT_CASE

void numbers_track(NumberProgram *np, bool on) { np->tracking = on; }

/* what instruction `in` makes vary, noted before it runs (its dst may be an operand) */
static void track(NumberProgram *np, const NumInstr *in) {
    switch (in->kind) {
    case NUM_OP:
        np->t_written |= in->dst == np->nsettings;
        np->varies[in->dst] = !steady_op(np, in->op, in->a, in->b);
        break;
    case NUM_COPY:
        np->t_written |= in->dst == np->nsettings;
        np->varies[in->dst] = np->varies[in->a];
        break;
    case NUM_GLOBAL:
        np->varies[in->dst] = true;
        np->steady = false;          /* a global may be changed, or gone, by the next update */
        break;
    case NUM_REQUIRE:
        np->steady &= !np->varies[in->a];
        break;
    }
}

bool numbers_run(NumberProgram *np, Interp *I, int from, int to) {
    double *regs = np->regs;
    for (int k = from; k < to; k++) {
        const NumInstr *in = &np->code[k];
        if (np->tracking) track(np, in);
        switch (in->kind) {
        case NUM_OP:
            regs[in->dst] = np->dtype == DT_F64 ? element_double(in->op, regs[in->a], regs[in->b])
                                                : element_float(in->op, (float)regs[in->a], (float)regs[in->b]);
            np->ops++;
            break;
        case NUM_COPY: regs[in->dst] = regs[in->a]; break;
        case NUM_GLOBAL: {
            const Value *v = global_find(I, in->name);
            if (!v || !single_number(*v, np->dtype)) return false;
            regs[in->dst] = tensor_get(v->t, 0);
            break;
        }
        case NUM_REQUIRE:
            if (regs[in->a] == 0) return false;
            break;
        }
    }
    return true;
}

double numbers_value(const NumberProgram *np, int reg) { return np->regs[reg]; }
bool numbers_varies(const NumberProgram *np, int reg) { return np->varies[reg]; }
bool numbers_steady(const NumberProgram *np) { return np->steady; }

bool numbers_charge(NumberProgram *np, SrcLoc loc) {
    long long units = np->ops * (1 + WORK_PER_OP);     /* tape_apply's: one element and the op */
    if (nnl_budget.work_limit && nnl_budget.work_used + units > nnl_budget.work_limit) return false;
    budget_charge(units, loc);
    return true;
}
