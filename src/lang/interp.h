/* The evaluator's state and values: what eval.c, model.c, train.c, dataset.c and
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
    double      last_lr;        /* the learning rate of its last update (optstep.c's optimizer_step), NAN
                                   if the optimizer has no `lr` setting */
    long        revision;       /* bumped when train or load change the weights: a pass recorded
                                   at an older revision is stale (teach/trace.h) */
    bool        redefined;      /* its name was bound to something else since (a new `model` of the
                                   same name, import): a pass of it, and what undo kept of it, are stale */
    const Callable *state_owner;/* optimizer whose state the params hold */
    struct History *history;    /* the loss of every epoch trained (curve.h), or NULL */
    const Callable *regularizer;/* `regularize net l2(0.001)`: a penalty on every weight matrix, or NULL */
    SrcLoc      regularizer_loc;
    /* its last `train` (train.c) and `evaluate`, which `export NET "F.py"` writes as the program's training */
    struct TrainRecord { const Node *stmt; Dataset *data, *valid, *evaluated; int epochs, batch, every; bool shuffle; } last_train;
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
    struct DataCall *made_by;   /* the csv, idx, split or normalize call that made it (dataset.h), or NULL */
    int         part;           /* which of that call's data sets it is */
};

typedef struct Setting { const Callable *fn; SrcLoc loc; bool set; } Setting;

/* Called with every assignment a body makes while set (the REPL's `update`
 * uses it to show each line of an optimizer with its value): v is the value
 * assigned, rhs the right-hand side's (for `w -= step`, step); f is the frame
 * the line ran in, whose names still hold the values the line read. */
typedef void (*AssignWatch)(Interp *I, Frame *f, const Node *stmt, Value v, Value rhs, void *ctx);

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
typedef struct StepRecording {
    const char *refusal;        /* NULL: replayable so far */
    SrcLoc      refusal_loc;
    StateWrite *writes;
    int         nwrites, cap_writes;
    RandomDraw *draws;          /* the step's rand_* calls, drawn again in their place */
    int         ndraws, cap_draws;
    Arena      *arena;          /* the recording's, where writes grow */
    bool        sizes_read;     /* rows() or shape() read a value that varies: a number may hold the
                                   batch's row count, so a shorter batch cannot reuse the recording */
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
    SrcLoc      call_loc;       /* the innermost call's site: where a too-deep expression is reported
                                   (the same place whatever the compiler's frame sizes) */
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

/* What the evaluator (eval.c) leaves to the files of lang above it, as Lua's
 * VM leaves calling or indexing a userdata to the library that made it:
 * calling a model, a model's or a layer's field (net.1.W) (model.c), and a
 * part of a tensor, x[i] (index.c).  language_init (language.c) sets them
 * when the interpreter starts; nothing changes them after. */
typedef struct EvalHooks {
    Tensor *(*call_model)(Interp *I, Model *m, Tensor *x, SrcLoc loc);
    Value   (*model_field)(Interp *I, Model *m, const char *field, SrcLoc loc);
    Value   (*layer_field)(Interp *I, Layer *l, const char *field, SrcLoc loc);
    Tensor *(*index)(Interp *I, Frame *f, Tensor *t, const Node *e);
} EvalHooks;

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
    EvalHooks hooks;            /* models and indexing, for the evaluator (language.c sets them) */
    Rng      rng;               /* the seeded stream: shuffling, rand_* at top level */
    uint64_t seed;              /* the last `seed` statement's value */
    DType    dtype;
    bool     dry_run;           /* the check pass: run everything once, print nothing */
    FILE    *out;
    int      digits;            /* significant digits printed (`set precision`); 0: the default */
    bool     interactive;       /* statements come from the REPL: passes announce themselves */
    bool     interrupted;       /* Ctrl-C stopped a `train` */
    bool     diverged;          /* a `train` stopped at a NaN or infinite number (exit status 3) */
    bool     timing;            /* --time: interp_run reports each statement's wall time on stderr */
    bool     quiet;             /* --quiet: `train` prints no progress */
    bool     track_gradients;   /* `track gradients`: train keeps each layer's gradient norm in the history */
    struct Trace *trace;        /* the last recorded pass (trace.h), or NULL */
    struct Snapshot *undo;      /* weights and optimizer state before each `update` (update.c) */
    bool     no_undo;           /* a script that never says `undo` (and goes on at no prompt) keeps none:
                                   a copy of every weight and its optimizer state is a third of a
                                   model's memory */
    int      nundo;
    Breakpoint breaks[16];
    int      nbreaks;
    struct OptProgram *optimizers; /* optimizer bodies compiled to fused loops (optcompile.h) */
    struct BoundSettings *optimizer_settings;  /* the optimizer setting's bound settings, kept between updates (train.c) */
    bool     interpret_optimizer;  /* every update through the evaluator, none fused, its settings
                                      bound every time (tests compare) */
    bool     interpret_steps;      /* every training step through the evaluator, none replayed (replay.h) */
    long     steps_replayed, steps_interpreted;   /* how train's steps ran, for tests */
    long     steps_tiny;        /* of the replayed, those run as micro-ops (train/tinystep.h) */
    long     updates_fused, updates_interpreted;   /* how optimizer_step ran, for tests */
    int     *order;             /* train's row order, reused by every train statement */
    int      order_cap;
    /* every model built, with the statement that built it (for --ir) */
    struct BuiltModel { const Node *node; Model *model; } *built;
    int      nbuilt;
    struct DrySave *dry_saves;  /* what the check pass's `save`s would write (persist.c) */
    Model   *trained_last;      /* the model the last `train` trained (`plot loss` without a model) */
    Binding *stdlib_fns;        /* the functions the stdlib bound, by identity (stdnames.h) */
    const Node *program;        /* the script interp_run is running and the index of its statement */
    int      statement;         /* running now (export looks ahead for a train); NULL in the REPL */
    int      nstdlib_fns;
};

#endif
