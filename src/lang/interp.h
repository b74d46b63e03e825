/* The evaluator's state and values: what eval.c, model.c, train.c, data.c and
 * builtins.c share.  The AST is read-only here; running it never changes it. */
#ifndef NNL_INTERP_H
#define NNL_INTERP_H
#include "front/ast.h"
#include <signal.h>
#include "tensor/rng.h"
#include "autodiff/tape.h"
#include "base/interrupt.h"
#include "base/text.h"

typedef struct Callable Callable;
typedef struct Model Model;
typedef struct Layer Layer;
typedef struct Dataset Dataset;

typedef enum { V_NONE, V_TENSOR, V_STRING, V_FUNC, V_MODEL, V_LAYER, V_DATA } ValueKind;

typedef struct Value {
    ValueKind kind;
    union {
        Tensor         *t;
        const char     *s;
        const Callable *fn;
        Model          *model;
        Layer          *layer;
        Dataset        *data;
    };
} Value;

typedef struct Binding { const char *name; Value v; } Binding;

typedef struct Interp Interp;

/* Local variables of one call: parameters, then locals as they are assigned.
 * An optimizer's frame also has hooks: names updated in place (w, state) and
 * what `state` does. */
typedef struct Frame Frame;
struct Frame {
    Binding *b;
    int      n, cap;
    Arena   *arena;
    bool   (*persistent)(Frame *f, const char *name);
    void   (*on_state)(Interp *I, Frame *f, const Node *state_stmt);
    void    *ctx;
};

typedef enum {
    C_DEF,        /* def f(x) = ...            node = N_DEF           */
    C_PRIM,       /* a differentiable primitive                        */
    C_BUILTIN,    /* zeros, rand_normal, ... (builtins.c)              */
    C_LAYER,      /* layer dense(...) { ... }  node = N_LAYER_DEF      */
    C_OPTIMIZER,  /* optimizer sgd(...) { ... } node = N_OPTIMIZER_DEF */
    C_PARTIAL,    /* f(key=value) with positional arguments still to come */
} CallableKind;

typedef Value (*BuiltinFn)(Interp *I, Value *args, SrcLoc loc);

struct Callable {
    CallableKind kind;
    const char  *name;
    int          nparams;
    const char **param_names;
    Node       **param_defaults;   /* NULL entry: required */
    const Node  *node;             /* C_DEF, C_LAYER, C_OPTIMIZER */
    int          prim;             /* C_PRIM */
    BuiltinFn    builtin;          /* C_BUILTIN */
    const Callable *base;          /* C_PARTIAL: the function ... */
    Binding     *bound;            /* ... and its keyword arguments */
    int          nbound;
    /* C_DEF written as def loss(inner(a), t): used for loss(inner(a), t)
     * while `loss` and `inner` are still the functions they were when it
     * was defined (a redefinition of either turns the fusion off) */
    const char  *fuses;
    const Callable *fuse_outer, *fuse_inner;
};

/* A trainable parameter (`param`), or a layer's non-trainable state
 * (`state`: no gradient, never seen by the optimizer or a regularizer). */
typedef struct Param {
    const char *name;
    SrcLoc      loc;            /* its declaration in the layer definition */
    Tensor     *value;          /* persistent; for a parameter value->grad is ∂C/∂value */
    const Node *init;           /* param ... init EXPR, or NULL for the model's initialiser */
    bool        hand_set;       /* given with `with`: never re-initialised */
    const Node *given;          /* the `with` expression */
    const Callable *init_used;  /* the initialiser that gave its first value */
    Binding    *state;          /* a parameter's optimizer state (m, v, ...) */
    int         nstate;
} Param;

struct Layer {
    int          index;         /* 1-based; the input is layer 0 */
    const char  *label;         /* h1: dense ... */
    const Callable *def;        /* C_LAYER */
    Binding     *args;          /* constructor arguments with defaults filled in */
    const Callable *init;       /* `dense 4 init he_normal`, or NULL for the model's */
    SrcLoc       init_loc;
    int          nargs;
    Param       *params;
    int          nparams;
    Param       *states;        /* `state running_mean[in] init zeros`: written by the forward */
    int          nstates;
    const Callable *regularizer;/* `dense 4 regularize l2(0.01)`, or NULL for the model's */
    SrcLoc       regularizer_loc;
    bool         uses_mode;     /* its forward reads `training`: it computes differently when training */
    int          in_dim, out_dim;
    SrcLoc       loc;
    Model       *model;
};

struct Model {
    const char *name;
    SrcLoc      loc, input_loc;
    int         in_dim, out_dim;
    Layer      *layers;
    int         nlayers;
    bool        initialised;
    long        steps;          /* optimizer updates so far: t in the update rule */
    long        epochs;         /* epochs finished so far: epoch in a schedule */
    const Callable *state_owner;/* optimizer whose state the params hold */
    struct History *history;    /* the loss of every epoch trained (curve.h), or NULL */
    const Callable *regularizer;/* `regularize net l2(0.001)`: a penalty on every weight matrix, or NULL */
    SrcLoc      regularizer_loc;
};

struct Dataset {
    const char *name;
    SrcLoc      loc;
    Tensor     *x, *y;          /* [rows, features], [rows, targets]; never written once made
                                   (a loaded file's are shared by the check pass and the run) */
    const char **classes;       /* names of the one-hot target columns, or NULL */
    int         nclasses;
    Dataset   **parts;          /* what split/normalize of several give: unpacked by */
    int         nparts;         /* `data a, b = ...`; x and y are NULL then */
};

typedef struct Setting { const Callable *fn; SrcLoc loc; bool set; } Setting;

/* Called with every assignment a body makes while set (the REPL's `update`
 * uses it to show each line of an optimizer with its value). */
typedef void (*AssignWatch)(Interp *I, const Node *stmt, Value v, void *ctx);

/* A training step being recorded to be replayed (replay.h).  The evaluator
 * notes here the first thing it did that a replay of the step's primitives
 * would not repeat — a decision taken on a value that varies from step to
 * step, a random draw, a print — and the writes to layer state (model.c),
 * which a replay must repeat in their place among the ops. */
typedef struct StateWrite { Tensor *state, *value; int after; } StateWrite;   /* after: that many tape entries */
/* A tensor of random numbers as rand_* makes it (builtins.c): out filled
 * from the stream rng with the distribution's numbers a and b. */
typedef void (*RandomFill)(Tensor *t, double a, double b, Rng *rng);
typedef struct RandomDraw { RandomFill fill; Tensor *out; double a, b; Rng *rng; int after; } RandomDraw;
void random_draw(const RandomDraw *d);
typedef struct StepRecording {
    const char *refusal;        /* NULL: replayable so far */
    SrcLoc      refusal_loc;
    StateWrite *writes;
    int         nwrites, cap_writes;
    RandomDraw *draws;          /* the step's rand_* calls, drawn again in their place */
    int         ndraws, cap_draws;
    Arena      *arena;          /* the recording's, where writes grow */
} StepRecording;

/* How the evaluator runs right now.  Everything that a statement may change
 * for the code it calls lives here, and is saved and restored as a unit
 * (`EvalMode saved = I->mode; ... I->mode = saved;`); an error unwinding to
 * the statement resets it to interp_default_mode(). */
typedef struct EvalMode {
    TapeMode    tape;           /* recording, record_all, the layer stamped on ops */
    Layer      *layer;          /* the layer whose forward is running, or NULL */
    Rng        *draw;           /* where rand_* draws from: &I->rng, or a parameter's own stream */
    int         call_depth;     /* nested def calls, bounded so recursion cannot crash */
    AssignWatch watch;
    void       *watch_ctx;
    const Param *updating;      /* the parameter the optimizer body is updating, or NULL */
    const Layer *updating_layer;
    bool        training;       /* layers run as in training: `training` is true in their forward
                                   (dropout drops, batchnorm uses the batch's statistics) */
    bool        write_state;    /* what a forward assigns to its layer's `state` is kept (train);
                                   otherwise only the pass sees it */
    StepRecording *recording_step;  /* a training step recorded to be replayed, or NULL */
} EvalMode;

/* Where `continue` stops: before an op of a layer, or before an op by name. */
typedef struct Breakpoint { int layer; int op; } Breakpoint;   /* layer -1: the loss; op -1: any */

struct Interp {
    Arena    perm;              /* models, data, globals: lives as long as the interpreter */
    Arena    pass;              /* one statement or one training step */
    Tape     tape;
    Binding *globals;
    int      nglobals, cap_globals;
    int     *global_index;      /* open addressing over globals by name (eval.c) */
    int      index_cap;
    Setting  init, loss, optimizer;
    EvalMode mode;
    Rng      rng;               /* the seeded stream: shuffling, rand_* at top level */
    uint64_t seed;              /* the last `seed` statement's value */
    DType    dtype;
    bool     dry_run;           /* the check pass: run everything once, print nothing */
    FILE    *out;
    int      digits;            /* significant digits printed (`set precision`); 0: the default */
    bool     interactive;       /* statements come from the REPL: passes announce themselves */
    bool     interrupted;       /* Ctrl-C stopped a `train` */
    bool     timing;            /* --time: interp_run reports each statement's wall time on stderr */
    const char *stack_base;     /* where the running statement's C stack starts (stack_check) */
    bool     quiet;             /* --quiet: `train` prints no progress */
    struct Trace *trace;        /* the last recorded pass (trace.h), or NULL */
    struct Snapshot *undo;      /* weights and optimizer state before each `update` (update.c) */
    int      nundo;
    Breakpoint breaks[16];
    int      nbreaks;
    struct OptProgram *optimizers; /* optimizer bodies compiled to fused loops (optcompile.h) */
    struct BoundSettings *optimizer_settings;  /* the optimizer setting's bound settings, kept between updates (train.c) */
    bool     interpret_optimizer;  /* every update through the evaluator, none fused, its settings
                                      bound every time (tests compare) */
    bool     interpret_steps;      /* every training step through the evaluator, none replayed (replay.h) */
    long     steps_replayed, steps_interpreted;   /* how train's steps ran, for tests */
    long     updates_fused, updates_interpreted;   /* how optimizer_step ran, for tests */
    int     *order;             /* train's row order, reused by every train statement */
    int      order_cap;
    /* every model built, with the statement that built it (for --ir) */
    struct BuiltModel { const Node *node; Model *model; } *built;
    int      nbuilt;
    struct DrySave *dry_saves;  /* what the check pass's `save`s would write (persist.c) */
};

/* interp lifecycle and program running (eval.c) */
void  interp_init(Interp *I, bool dry_run);
void  interp_free(Interp *I);
void  interp_load_stdlib(Interp *I);
EvalMode interp_default_mode(Interp *I);
bool  interp_run(Interp *I, const Node *program);   /* false after a reported error */
bool  interp_run_statement(Interp *I, const Node *stmt);
/* --time: a monotonic clock in seconds, and one line "time: WHAT MS ms" on stderr */
double wall_seconds(void);
void  report_time(const char *what, double since);
void  exec_toplevel(Interp *I, const Node *stmt);
const char *fusion_name(const char *outer, const char *inner);

/* Every recursive path of the evaluator calls this: an error (not a crash)
 * when the C stack in use nears its limit. */
void  stack_check(Interp *I, SrcLoc loc);

/* values and names (eval.c) */
Value eval_expr(Interp *I, Frame *f, const Node *e);
Value exec_block(Interp *I, Frame *f, const Node *block);
Value call_value(Interp *I, Value fn, Value *args, int nargs, const Binding *kw, int nkw, SrcLoc loc);
/* binds arguments to fn's parameters, filling defaults; fails on a missing one */
Value *bind_all(Interp *I, const Callable *fn, Value *args, int nargs, const Binding *kw, int nkw, SrcLoc loc);
/* a copy that outlives the statement (tensors and partials leave the pass arena) */
Value persist_value(Interp *I, Value v);
/* fn with some keyword arguments fixed; checks their names */
const Callable *partial_apply(Interp *I, const Callable *fn, const Binding *kw, int nkw, SrcLoc loc);
Value lookup_name(Interp *I, Frame *f, const char *name, SrcLoc loc);
void  frame_set(Frame *f, const char *name, Value v);
Value *frame_find(Frame *f, const char *name);
void  global_set(Interp *I, const char *name, Value v);
Value *global_find(Interp *I, const char *name);
Tensor *expect_tensor(Value v, SrcLoc loc, const char *what);
double expect_number(Interp *I, Value v, SrcLoc loc, const char *what);
int    expect_count(Interp *I, Value v, SrcLoc loc, const char *what);
Value  tensor_value(Tensor *t);
Tensor *new_scalar(Interp *I, double v);
const char *value_kind_name(Value v);
/* While a training step is recorded to be replayed: `why` (with loc) is a
 * reason its replay would differ from running it; the first one counts.
 * `value` NULL, or the reason applies only if that tensor varies. */
void  not_replayable(Interp *I, const Tensor *value, SrcLoc loc, const char *why);
/* While a training step is recorded: a replay must draw d again here, after the ops so far. */
void  note_random_draw(Interp *I, RandomDraw *d);
void   print_value(Interp *I, FILE *f, Value v);
const char *suggest(Interp *I, Frame *f, const char *name, int want_kind);

/* models (model.c) */
Model  *model_build(Interp *I, const Node *n);
void    model_ensure_initialised(Interp *I, Model *m);
Tensor *model_forward(Interp *I, Model *m, Tensor *x, SrcLoc loc);
/* x with other sizes, on the tape (gradients flow through) */
Tensor *reshaped(Interp *I, Tensor *x, int ndim, const int *shape, SrcLoc loc);
Value   model_field(Interp *I, Model *m, const char *field, SrcLoc loc);
Value   layer_field(Interp *I, Layer *l, const char *field, SrcLoc loc);
void    model_zero_grad(Model *m);
int     model_param_count(const Model *m);

/* data (data.c) */
Dataset *data_build(Interp *I, const Node *n);
void     data_assign(Interp *I, const Node *n);          /* data a, b = EXPR */
Dataset *data_one(Dataset *d, SrcLoc loc);               /* fails on a group of parts */
void     data_print(FILE *f, const Dataset *d);

/* loaders: csv, idx, generate, split, normalize, exists (loaders.c) */
void loaders_register(Interp *I);
/* a file name as a script means it: relative to the script's folder */
const char *script_path(Interp *I, const char *path, SrcLoc loc);

/* reports (report.c) */
void exec_summary(Interp *I, const Node *n);
/* the name of a layer's `activation` argument ("sigmoid"), or NULL */
const char *layer_activation(const Layer *l);
/* the fraction of rows classified right, or -1 if the targets are not classes
 * (one-hot rows, or one column of 0s and 1s) */
double accuracy_of(const Tensor *out, const Tensor *y);
/* loss, accuracy, the regularizers' penalty (NaN: none) and a confusion
 * matrix of outputs against d's targets */
void report_evaluation(FILE *f, const Tensor *out, const Dataset *d, double loss, double penalty);
/* outputs against d's targets, row by row: a table for a person (saying they
 * are the first of of_rows when d has fewer), or CSV */
void report_predictions(Arena *ar, FILE *f, const Tensor *out, const Dataset *d, int of_rows, bool csv);

/* predict NET on DATA [to FILE] [rows N] (predict.c) */
void exec_predict(Interp *I, const Node *n);

/* training (train.c) */
void exec_train(Interp *I, const Node *n);
/* `NET on DATA` of a statement (n->name, n->label): shapes checked, a loss set */
void model_on_data(Interp *I, const Node *n, const char *stmt, Model **m, Dataset **d);
/* forward, loss and (if backward) the backward pass on one batch; the loss */
double train_pass(Interp *I, Model *m, Tensor *x, Tensor *y, bool backward, SrcLoc loc);
void exec_backward(Interp *I, const Node *n);
void exec_forward_pass(Interp *I, const Node *n);
Model *find_model(Interp *I, const char *name, SrcLoc loc);
Dataset *find_data(Interp *I, const char *name, SrcLoc loc);
/* the data's input and target widths against the model's, an error naming both */
void check_fit(Model *m, Dataset *d, SrcLoc loc);
Tensor *model_outputs(Interp *I, Model *m, Tensor *x, SrcLoc loc);
Tensor *compute_loss(Interp *I, Tensor *y, Tensor *t, SrcLoc loc);
/* the fused form `def loss(F(a), t)` compute_loss uses for outputs y, or NULL */
const Callable *fused_loss(Interp *I, const Tensor *y);
/* What training minimises: the loss of outputs `out` against targets `y`
 * plus the penalty of m's regularizers (NULL without one), on the tape. */
typedef struct Objective { Tensor *loss, *penalty, *total; } Objective;
Objective objective(Interp *I, Model *m, Tensor *out, Tensor *y, SrcLoc loc);
/* true: every new weight is known to be finite (the fused loop checked them) */
bool optimizer_step(Interp *I, Model *m, SrcLoc loc);
void need_setting(Setting *s, const char *stmt, const char *example, SrcLoc loc);


/* commands that step and inspect a pass (commands.c) */
void exec_command(Interp *I, const Node *n);
void exec_evaluate(Interp *I, const Node *n);
void exec_setting(Interp *I, const Node *n);
const Callable *setting_function(Interp *I, const Node *setting);

/* builtins (builtins.c) */
extern Node optional_param;   /* a default meaning: may be left out (V_NONE) */
void builtins_register(Interp *I);
/* a builtin function; defaults[i] NULL (or defaults NULL): required */
void builtin_define(Interp *I, const char *name, BuiltinFn fn, int nparams, const char *const *params,
                    Node *const *defaults);

#endif
