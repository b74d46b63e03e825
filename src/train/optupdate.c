/* optupdate.c — one update of a model by an optimizer's compiled body
 * (optcompile.c builds it; optprogram.h is its layout).  Runs the number
 * part (optnumbers.c, or the evaluator where that gives up) and lists the
 * instructions of the branches taken; then updates each parameter chunk by
 * chunk, by the hand-fused loop of a known body (optkernels.c) or an
 * instruction at a time (run_chunk), in its own memory or staged with other
 * small ones, on one lane or two (lanes.h), copying or trading what the
 * snapshot of the last finite step wants.
 * Must not: compile a body (optcompile.c), decide when an update runs or
 * make it all or nothing (optstep.c's optimizer_step). */
#include "autodiff/kernels.h"
#include "base/arena.h"
#include "lang/eval.h"
#include "tensor/lanes.h"
#include "tensor/subnormal.h"
#include "tensor/tensor.h"
#include "tensor/vectorize.h"
#include "train/optcompile.h"
#include "train/optkernels.h"
#include "train/optnumbers.h"
#include "train/optprogram.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

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

/* For each step, the straight run of steps from it that one call of the
 * number program can compute: statements, then numbers and elementwise steps
 * (which compute nothing here), up to a branch (included: its condition is
 * read after its code) or a jump.  A statement may reassign a name that an
 * earlier number read, so none follows a number in a run; a number's code
 * only writes registers of its own, so the numbers of a run are read once
 * its code has run. */
static void group_steps(Interp *I, OptProgram *p) {
    int evals = 0;
    for (int pc = 0; pc < p->nsteps; pc++)
        for (int k = pc; k < p->nsteps; k++) evals += p->steps[k].kind == EVAL_NUMBER;    /* at most */
    p->run_evals = arena_alloc(&I->perm, sizeof(RunEval) * (size_t)(evals + 1));
    evals = 0;
    for (int pc = 0; pc < p->nsteps; pc++) {
        int end = pc, from = -1, to = -1;
        bool numbers = false;
        while (end < p->nsteps) {
            const Step *t = &p->steps[end];
            if (t->kind == JUMP || (t->kind == RUN_STATEMENT && numbers)) break;
            if (t->kind != ELEMENTWISE) {
                if (from >= 0 && t->code_from != to) break;     /* not the code that follows (never so) */
                if (from < 0) from = t->code_from;
                to = t->code_to;
            }
            numbers |= t->kind == EVAL_NUMBER;
            end++;
            if (t->kind == BRANCH) break;
        }
        p->steps[pc].evals_from = evals;
        for (int k = pc; k < end; k++)
            if (p->steps[k].kind == EVAL_NUMBER) p->run_evals[evals++] = (RunEval){ p->steps[k].slot, p->steps[k].reg };
        p->steps[pc].evals_to = evals;
        p->steps[pc].run_end = end;
        p->steps[pc].run_from = from < 0 ? 0 : from;
        p->steps[pc].run_to = to < 0 ? 0 : to;
    }
    p->grouped = true;
}

static void record_branch(OptPath *path, bool taken) {
    if (path->n < 64 && taken) path->taken |= 1ull << path->n;
    path->n++;
}

/* The number part by the number program, a run of steps (group_steps) a
 * call; USE_EVALUATOR where the evaluator would do anything but compute a
 * number. */
static Choice run_program(Interp *I, OptProgram *p, OptPath *path) {
    NumberProgram *np = p->number_program;
    if (!p->grouped) group_steps(I, p);
    for (int pc = 0; pc < p->nsteps;) {
        const Step *s = &p->steps[pc];
        if (s->kind == JUMP) { pc = s->target; continue; }
        if (s->run_from < s->run_to && !numbers_run(np, I, s->run_from, s->run_to)) return USE_EVALUATOR;
        int end = s->run_end;
        for (int k = s->evals_from; k < s->evals_to; k++)
            p->numbers[p->run_evals[k].slot] = numbers_value(np, p->run_evals[k].reg);
        const Step *last = &p->steps[end - 1];
        if (last->kind != BRANCH) { pc = end; continue; }
        bool taken = numbers_value(np, last->reg) != 0;
        record_branch(path, taken);
        pc = taken ? end : last->target;
    }
    if (!numbers_charge(np, p->def->node->loc)) return USE_EVALUATOR;
    return CHOSEN;
}

/* The number part: runs the steps, taking the branches the conditions say,
 * and records which it took (*path).  With `evaluator` NULL the number
 * program computes the numbers (run_program); otherwise the evaluator does,
 * in that frame (opt_bind_numbers), with its errors. */
static Choice run_numbers(Interp *I, OptProgram *p, Frame *evaluator, OptPath *path) {
    *path = (OptPath){ 0, 0 };
    if (!evaluator) return run_program(I, p, path);
    for (int pc = 0; pc < p->nsteps;) {
        const Step *s = &p->steps[pc];
        switch (s->kind) {
        case RUN_STATEMENT:
            exec_block(I, evaluator, s->node);
            pc++;
            break;
        case EVAL_NUMBER: {
            Value v = eval_expr(I, evaluator, s->node);
            if (v.kind != V_TENSOR || v.t->ndim != 0 || v.t->dtype != I->dtype) return INTERPRET;
            p->numbers[s->slot] = tensor_get(v.t, 0);
            pc++;
            break;
        }
        case BRANCH: {
            bool taken = expect_number(I, eval_expr(I, evaluator, s->node), s->node->loc, "a condition") != 0;
            record_branch(path, taken);
            pc = taken ? pc + 1 : s->target;
            break;
        }
        case JUMP: pc = s->target; break;
        case ELEMENTWISE: pc++; break;
        }
    }
    return CHOSEN;
}

/* The instructions of the branches `path` takes, their operands resolved
 * (the path as run_numbers recorded it for this update). */
static void list_chosen(OptProgram *p, const OptPath *path) {
    p->nchosen = 0;
    memset(p->in_buffer, 0, sizeof p->in_buffer);
    int branch = 0;
    for (int pc = 0; pc < p->nsteps;) {
        const Step *s = &p->steps[pc];
        switch (s->kind) {
        case BRANCH: {
            bool taken = (path->taken >> branch++) & 1;
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
        default: pc++; break;
        }
    }
    store_in_memory(p);
}

/* The numbers and the instructions of one update.  The instructions depend
 * only on the branches taken: they are listed again only when those differ
 * from the last update's (xor's sgd takes the same ones 10,000 times), and
 * always after the evaluator ran the number part.  *relisted: they were. */
static Choice choose(Interp *I, OptProgram *p, Frame *evaluator, bool *relisted) {
    OptPath path;
    Choice c = run_numbers(I, p, evaluator, &path);
    if (c != CHOSEN) return c;
    /* more ifs met than the path has bits for: which way the later ones went
     * is not known, so the update is interpreted */
    if (path.n > 64) return INTERPRET;
    *relisted = evaluator || !p->path_known || path.n != p->path.n || path.taken != p->path.taken;
    if (*relisted) {
        list_chosen(p, &path);
        p->path = path;
        p->path_known = !evaluator;
    }
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
    p->kernel_nnumbers = numbers;
    return true;
}

/* The hand-fused loop for this update's instructions, if they are a known
 * body's: looked up again only when they differ from the last update's
 * (comparing them costs a fraction of building the signature: xor updates
 * its 9 weights 10,000 times), and its numbers in the order it reads them. */
static void pick_kernel(OptProgram *p, bool relisted) {
    if (relisted && (p->nchosen != p->signed_nchosen || memcmp(p->chosen, p->signed_chosen, sizeof(Instr) * (size_t)p->nchosen) != 0)) {
        char sig[1024];
        p->kernel = kernel_signature(p, sig, sizeof sig) ? opt_kernel_find(sig) : NULL;
        memcpy(p->signed_chosen, p->chosen, sizeof(Instr) * (size_t)p->nchosen);
        p->signed_nchosen = p->nchosen;
    }
    for (int k = 0; p->kernel && k < p->kernel_nnumbers; k++) p->kernel_numbers[k] = p->numbers[p->number_of[k]];
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

/* elements [from, from + n) of w are finite */
static inline bool chunk_finite(const Tensor *w, int from, int n) {
    if (n > 8) return values_all_finite(w->dtype, (const char *)w->data + dtype_size(w->dtype) * (size_t)from, n);
    /* xor's 2 to 4 weights: a call would cost more than the check.  x·0 is
     * ±0 for a finite x and NaN for an infinite or NaN one */
    double zeros = 0;
    FOR_DTYPE(w, T, { const T *x = (const T *)w->data + from; for (int i = 0; i < n; i++) zeros += (double)x[i] * 0.0; });
    return zeros == 0;
}

/* the update of elements [from, from + n): by the hand-fused loop when
 * there is one, else an instruction at a time; true when every new w is finite */
static bool update_chunk(const OptProgram *p, void *buffers, Tensor *const *mem, Tensor *const *out, int from, int n) {
    if (!p->kernel) return run_chunk(p, buffers, mem, out, from, n);
    p->kernel->run(p->kernel_numbers, mem, out, from, n);
    return chunk_finite(out[VAR_W], from, n);
}

void opt_bind_numbers(Frame *f, const Callable *def, const Value *settings, Tensor *t) {
    for (int h = 0; h < def->nparams; h++) frame_set(f, def->param_names[h], settings[h]);
    frame_set(f, intern("t"), tensor_value(t));
}

/* w, g and the states of every parameter of m, as run_chunk reads them,
 * into p->mem (VAR_STATES + nstates a parameter, in the model's order);
 * false when one does not fit: every tensor the loop reads or writes has the
 * parameter's size and the interpreter's precision.  *count: the parameters.
 * Gathered on every update (a model's tensors may be replaced between two:
 * load, undo, a new optimizer's state), in one pass. */
static bool gather_memory(Interp *I, OptProgram *p, const Model *m, int *count) {
    int nv = VAR_STATES + p->nstates, np = 0;
    for (int l = 0; l < m->nlayers; l++) np += m->layers[l].nparams;
    if ((long)np * nv > p->mem_cap) {
        p->mem = arena_alloc(&I->perm, sizeof(Tensor *) * (size_t)np * (size_t)nv);
        p->mem_cap = (long)np * nv;
    }
    Tensor **mem = p->mem;
    for (int l = 0; l < m->nlayers; l++)
        for (int k = 0; k < m->layers[l].nparams; k++, mem += nv) {
            const Param *param = &m->layers[l].params[k];
            Tensor *w = param->value, *g = w->grad;
            if (w->dtype != I->dtype || !g || g->dtype != w->dtype || g->size != w->size) return false;
            if (param->nstate != p->nstates) return false;
            mem[VAR_W] = w;
            mem[VAR_G] = g;
            for (int i = 0; i < p->nstates; i++) {
                /* made in the body's order (train.c, opt_state): found where it was declared */
                Tensor *st = param->state[i].name == p->states[i] ? param->state[i].v.t : state_of(param, p->states[i]);
                if (!st || st->dtype != w->dtype || st->size != w->size) return false;
                mem[VAR_STATES + i] = st;
            }
        }
    *count = np;
    return true;
}

/* Parameters smaller than a chunk are copied side by side into one chunk
 * (p->staging) and updated by one run_chunk: the body's per-chunk cost is
 * paid once for all of a model's biases, not once per bias.  Each element
 * gets the same operations as it would alone. */
typedef struct Staged {
    Tensor *const *mem[CHUNK];       /* each staged parameter's (gather_memory) */
    int            at[CHUNK];
    int            n, rows;          /* parameters staged, elements used */
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

static void stage(const OptProgram *p, Staged *st, Tensor *const *mem, const UpdateCopies *copies, int *next) {
    Tensor *to[MAX_BUFFERS];
    int size = mem[VAR_W]->size;
    if (copies) {
        copies_of(p, copies, mem, to, next);
        copy_old(p, mem, to, 0, size);
    }
    size_t es = dtype_size(mem[VAR_W]->dtype);
    for (int v = 0; v < VAR_STATES + p->nstates; v++)
        memcpy((char *)p->staging + es * (CHUNK * (size_t)v + (size_t)st->rows), mem[v]->data, es * (size_t)size);
    st->mem[st->n] = mem;
    st->at[st->n++] = st->rows;
    st->rows += size;
}

/* the staged parameters' update, and their new w and state copied back */
static bool run_staged(const OptProgram *p, Staged *st) {
    DType dt = st->mem[0][VAR_W]->dtype;
    Tensor fake[MAX_BUFFERS], *smem[MAX_BUFFERS];
    staging_memory(p, dt, fake, smem);
    bool finite = update_chunk(p, p->buffers, smem, smem, 0, st->rows);
    size_t es = dtype_size(dt);
    for (int i = 0; i < st->n; i++) {
        Tensor *const *mem = st->mem[i];
        for (int v = 0; v < VAR_STATES + p->nstates; v++)
            if (v != VAR_G && p->in_buffer[v])
                memcpy(mem[v]->data, (char *)p->staging + es * (CHUNK * (size_t)v + (size_t)st->at[i]),
                       es * (size_t)mem[VAR_W]->size);
    }
    st->n = st->rows = 0;
    return finite;
}

/* The parameters updated in place (updated_in_place), each split in `lanes` runs of whole
 * chunks, this lane doing its own run of each: the lanes write disjoint
 * elements, and every element gets what it would get in one lane. */
typedef struct LargeUpdate {
    const OptProgram   *p;
    int                 np;            /* parameters in p->mem */
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
static bool updated_in_place(const OptProgram *p, Tensor *const *mem) {
    return mem[VAR_W]->size >= CHUNK || p->kernel;
}

static void update_large(void *ctx, int lane, int lanes) {
    LargeUpdate *job = ctx;
    SubnormalMode mode = subnormals_flushed();   /* as the caller's thread has it (train.c) */
    const OptProgram *p = job->p;
    int nv = VAR_STATES + p->nstates;
    Tensor *to[MAX_BUFFERS], *moved[MAX_BUFFERS];
    void *buffers = lane ? p->lane_buffers : p->buffers;
    bool finite = true;
    int next_copy = 0;
    for (int j = 0; j < job->np; j++) {
        Tensor *const *mem = p->mem + (size_t)j * (size_t)nv, *const *out = mem;
        int size = mem[VAR_W]->size;
        if (!updated_in_place(p, mem)) continue;
        if (job->copies) {
            copies_of(p, job->copies, mem, to, &next_copy);
            outputs_of(p, mem, to, moved);
            out = moved;
        }
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

/* update_large on one lane with a hand-fused loop and no copies to make:
 * each parameter in its own memory, chunk by chunk, with nothing else to
 * decide (xor's 4 parameters of 1 to 4 weights, 10,000 times).  On the
 * caller's thread, where optstep.c's optimizer_step has flushed subnormals. */
static bool update_in_place(const OptProgram *p, int np) {
    int nv = VAR_STATES + p->nstates;
    bool finite = true;
    for (int j = 0; j < np; j++) {
        Tensor *const *mem = p->mem + (size_t)j * (size_t)nv;
        for (int from = 0, size = mem[VAR_W]->size; from < size; from += CHUNK) {
            int n = size - from < CHUNK ? size - from : CHUNK;
            p->kernel->run(p->kernel_numbers, mem, mem, from, n);
            finite &= chunk_finite(mem[VAR_W], from, n);
        }
    }
    return finite;
}

/* After update_large: each new w and state written into its copy's memory
 * takes that memory, and the copy the parameter's, which holds the old values. */
static void swap_stored(const LargeUpdate *job) {
    const OptProgram *p = job->p;
    int nv = VAR_STATES + p->nstates;
    Tensor *to[MAX_BUFFERS], *out[MAX_BUFFERS];
    int next_copy = 0;
    for (int j = 0; j < job->np; j++) {
        Tensor *const *mem = p->mem + (size_t)j * (size_t)nv;
        if (!updated_in_place(p, mem)) continue;
        copies_of(p, job->copies, mem, to, &next_copy);
        outputs_of(p, mem, to, out);
        for (int v = 0; v < nv; v++)
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
    if (!gather_memory(I, p, m, &np) || np == 0) return false;
    Choice chose = USE_EVALUATOR;
    bool relisted = true;
    if (!numbers_refusal(p->number_program, NULL) && numbers_start(p->number_program, I, settings, t))
        chose = choose(I, p, NULL, &relisted);
    if (chose == USE_EVALUATOR) {
        Frame numbers = { .arena = &I->pass };
        opt_bind_numbers(&numbers, p->def, settings, new_scalar(I, (double)t));
        chose = choose(I, p, &numbers, &relisted);
    }
    if (chose == INTERPRET) return false;
    pick_kernel(p, relisted);
    int nv = VAR_STATES + p->nstates;
    bool finite = true;
    long large = 0;
    if (!p->kernel) {      /* with a hand-fused loop every parameter is updated in place */
        Staged st;         /* not zero-initialised: 3 KB, and only n and rows are read before written */
        st.n = st.rows = 0;
        int next_copy = 0;
        for (int j = 0; j < np; j++) {
            Tensor *const *mem = p->mem + (size_t)j * (size_t)nv;
            int size = mem[VAR_W]->size;
            if (updated_in_place(p, mem)) {
                large += size;
                continue;
            }
            /* a bias: run together with other small ones */
            if (st.n && (st.rows + size > CHUNK || st.mem[0][VAR_W]->dtype != mem[VAR_W]->dtype))
                finite &= run_staged(p, &st);
            stage(p, &st, mem, copies, &next_copy);
        }
        if (st.n) finite &= run_staged(p, &st);
    } else {
        for (int j = 0; j < np; j++) large += p->mem[(size_t)j * (size_t)nv]->size;
    }
    LargeUpdate job = { p, np, copies, { true, true } };
    if (large >= LANES_FROM) lanes_run(update_large, &job);
    else if (large && p->kernel && !copies) finite &= update_in_place(p, np);
    else if (large) update_large(&job, 0, 1);
    if (large && copies) swap_stored(&job);
    *weights_finite = finite && job.finite[0] && job.finite[1];
    return true;
}
