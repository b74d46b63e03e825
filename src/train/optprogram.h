/* The compiled form of an optimizer's body (struct OptProgram) as the two
 * halves of the fused update share it: optcompile.c builds it once per
 * body, optupdate.c runs it on every update.  Private to those two files:
 * everyone else goes through optcompile.h. */
#ifndef NNL_OPTPROGRAM_H
#define NNL_OPTPROGRAM_H
#include "autodiff/prims.h"
#include "front/ast.h"
#include "lang/interp.h"
#include "train/optcompile.h"
#include "train/optkernels.h"
#include "train/optnumbers.h"

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
typedef struct Step { StepKind kind; const Node *node; int slot, target; Instr instr; int code_from, code_to, reg;
                     /* the straight run of steps from this one that one call of the number
                      * program computes (optupdate.c's group_steps): steps [this, run_end),
                      * code [run_from, run_to) */
                     int run_end, run_from, run_to;
                     int evals_from, evals_to;   /* its numbers: run_evals[evals_from, evals_to) */
                   } Step;

/* a number the number program leaves in register reg, for p->numbers[slot] */
typedef struct RunEval { int slot, reg; } RunEval;

/* a function the body calls, as it was when the body was compiled */
typedef struct Callee { const char *name; const Callable *fn; } Callee;

/* the branches one update took: the k-th BRANCH step met was taken when bit k
 * of `taken` is set (k < 64); n of them met */
typedef struct OptPath { unsigned long long taken; int n; } OptPath;

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
    /* the path chosen was listed for; path_known false: list on the next update */
    OptPath     path;
    bool        path_known;
    bool        grouped;             /* the steps' runs are known (run_end, ...) */
    RunEval    *run_evals;           /* the numbers of each step's run, a run after the other */
    void       *buffers;             /* (nvars + ntemps) * CHUNK doubles */
    void       *lane_buffers;        /* the same for the second lane (lanes.h) */
    void       *staging;             /* (VAR_STATES + nstates) * CHUNK doubles: see stage */
    Tensor    **mem;                 /* one update's w, g and states of each parameter (gather_memory) */
    long        mem_cap;
    /* the hand-fused loop for the chosen instructions (optkernels.h), or
     * NULL: run_chunk runs them.  Found again only when the instructions
     * change (signed: the ones it was found for); kernel_numbers are the
     * update's numbers in the order the signature reads them (number_of) */
    const OptKernel *kernel;
    Instr      *signed_chosen;
    int         signed_nchosen;
    int         number_of[KERNEL_NUMBERS], kernel_nnumbers;   /* the first kernel_nnumbers are read */
    double      kernel_numbers[KERNEL_NUMBERS];
};

#endif
