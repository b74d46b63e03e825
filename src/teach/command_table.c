/* command_table.c — the table of the REPL's commands and statements: each
 * one's name, usage, what it does and an example, which `help` (help.c), the
 * usage errors and tab completion read; and the commands of the stages above
 * teach (pictures, the web view, export), added at start-up with their
 * handlers.  Must not: run a command (commands.c dispatches them) or call any
 * other file of teach, which all may read this table. */
#include "teach/command_table.h"
#include <stdlib.h>
#include <string.h>

typedef CommandInfo Command;

/* Statements are listed too, so `help train` works. */
static const Command commands[] = {
    { "backward", "backward NET X -> Y  |  backward NET on DATA",
      "Runs one forward pass, the loss and the backward pass, fills every gradient, prints the loss\n"
      "and keeps the pass for stepping, positioned at its start.  X and Y are one sample (vectors)\n"
      "or a batch (rows).  Layers run in training mode (dropout drops, batchnorm uses the batch).",
      "backward net [1, 0] -> [1]" },
    { "forward", "forward NET X  |  forward NET on DATA",
      "Runs the model forward only, in evaluation mode, prints its output and keeps the pass for stepping.",
      "forward net [[0, 1], [1, 1]]" },
    { "step", "step",
      "Runs one primitive op of the pass.  Forward: the op, its inputs and its output.  Backward:\n"
      "the gradient g reaching the op and what flows on into each of its inputs.",
      "step" },
    { "next", "next",
      "Runs one layer (or the loss).  Forward: a(l) and z(l).  Backward: δ(l) = ∂C/∂a(l), ∂C/∂W(l),\n"
      "∂C/∂b(l) and ∂C/∂z(l-1) passed on.",
      "next" },
    { "continue", "continue",
      "Runs to the end of the pass (forward, then backward), or to the next breakpoint.",
      "continue" },
    { "finish", "finish",
      "Runs to the end of the current direction: the end of the forward pass, or of the backward pass.",
      "finish" },
    { "break", "break LAYER | break loss | break OP | break | break clear",
      "Sets a breakpoint where `continue` stops: before a layer's first op (in either direction),\n"
      "before the loss, or before every op of a primitive (matmul, sigmoid, ...).  `break` alone\n"
      "lists them; `break clear` removes them all.",
      "break 2" },
    { "where", "where", "Says where the pass is: forward or backward, and the next op with its source line.", "where" },
    { "tape", "tape",
      "Lists every op of the pass with its inputs' and output's names and shapes; => marks the next\n"
      "op forward, <= the next op backward.",
      "tape" },
    { "show", "show a L | show z L | show delta L | show grad NET.L.P | show NET.L.P | show loss | show output | show x | show target",
      "Shows a value of the pass: pre-activation a(l), activation z(l) (z(0) is the input), the delta\n"
      "δ(l) = ∂C/∂a(l), a parameter's gradient, a parameter, the loss C, the output ŷ.  A value the\n"
      "cursor has not reached yet says so, but a parameter's gradient is the whole backward's until\n"
      "stepping goes into the backward half.  `show NET.L.P` (or any value) and `show grad NET.L.P`\n"
      "need no pass: without one, the gradient is the last training step's.",
      "show delta 1" },
    { "explain", "explain",
      "Prints the formula of the step just taken with its numbers substituted: a(l) = W(l) z(l-1) + b(l),\n"
      "z(l) = h(a(l)), the loss, δ(L), δ(l-1) = h'(a(l-1)) ⊙ (W(l)ᵀ δ(l)), ∂C/∂W(l) = δ(l) z(l-1)ᵀ,\n"
      "∂C/∂b(l) = δ(l), an op's rule, or each line of the optimizer after `update`.  The stdlib's\n"
      "losses are said as the course says them: ∂C/∂ŷ = 2(ŷ − t)/n, δ(L) = ŷ − t, ...",
      "explain" },
    { "update", "update",
      "Applies one step of the current optimizer to the pass's gradients and shows each parameter\n"
      "before, the change and after.  If it fails, nothing changes.",
      "update" },
    { "undo", "undo", "Restores the weights, optimizer state and history of before the last `train`, `update`, `reset` or `load` (several levels).", "undo" },
    { "reset", "reset NET", "Initialises NET's parameters afresh (as its first use did) and forgets its optimizer state.", "reset net" },
    { "set", "set precision N", "Prints N significant digits (1 to 17) in `print` and in the pass views.", "set precision 4" },
    { "help", "help | help NAME",
      "Lists the commands, statements and stdlib names, or tells about one: a command or statement\n"
      "with an example; a stdlib name with its signature, defaults, formula and source.",
      "help adam" },
    { "apropos", "apropos WORD", "Lists every entry of help whose name or text mentions WORD.", "apropos entropy" },
    { "train", "train NET on DATA [epochs N] [batch B] [shuffle S] [log every N] [valid DATA] [early_stop patience=K]",
      "Trains NET, its layers in training mode: progress every N epochs (default: a tenth of them; 0: none),\n"
      "then a diagnosis of the loss curve if it looks wrong.  valid DATA reports the loss (and accuracy)\n"
      "on DATA after every epoch; early_stop patience=K stops when that loss has not improved for K\n"
      "epochs and restores the best epoch's weights.  On a terminal the current epoch's line is redrawn\n"
      "in place (a bar over its batches, samples/s, elapsed time and ETA, the loss so far); elsewhere\n"
      "one plain line per reported epoch.  Every epoch goes into the history (history NET).  Ctrl-C at\n"
      "the prompt stops it after the current batch.",
      "train net on training valid validation epochs 100 early_stop patience=10" },
    { "regularize", "regularize NET l1(λ) | l2(λ) | elastic(l1=λ1, l2=λ2)",
      "Adds a penalty on every weight matrix of NET to the loss that train and backward minimise;\n"
      "a layer takes its own with `dense 10 relu regularize l2(0.01)`.",
      "regularize net l2(0.001)" },
    { "print", "print EXPR, ...  |  print full EXPR",
      "Prints values on one line; an expression on its own line at the prompt does the same.  A tensor of\n"
      "more than 1000 numbers is summarised (first and last rows and columns); print full prints it all.\n"
      "Index a part: X[i], X[i, j], X[a:b], X[:, j], X[-1].",
      "print grad net.1.W[0, 1:3]" },
    { "gradcheck", "gradcheck NET on DATA [rows N]",
      "Checks backpropagation against central finite differences, in float64, for every parameter of\n"
      "every layer: the worst relative error per parameter, ok or FAIL.  Uses the first 100 rows\n"
      "(rows N: another number) and at most 30 elements of each parameter.",
      "gradcheck net on xor" },
    { "gradients", "gradients NET on DATA [rows N]",
      "One backward pass over the rows: the norm and mean |.| of each layer's δ(l) and parameter\n"
      "gradients, from the output layer down -- the vanishing (or exploding) gradient picture.\n"
      "Keeps the pass for stepping, like backward.",
      "gradients net on xor" },
    { "activations", "activations NET on DATA [rows N]",
      "One forward pass: each layer's z(l) as mean, std, the share of saturated (or dead relu) units\n"
      "and a histogram.",
      "activations net on xor" },
    { "sanity", "sanity overfit NET on DATA [rows N] [epochs E]  |  sanity loss NET on DATA",
      "overfit: trains a copy of the weights on the first 20 rows (rows N) for up to 500 epochs\n"
      "(epochs E) and says whether it reaches 100 % accuracy; the weights are put back afterwards.\n"
      "loss: the loss before training next to log(n) for n classes.",
      "sanity overfit net on xor rows 4" },
    { "history", "history NET [all]  |  history NET to \"FILE.csv\"",
      "The epochs NET was trained since it was last reset or loaded (its current run): the loss, the\n"
      "validation loss and accuracy, and with `track gradients` each layer's ‖∂C/∂W(l)‖; 20 epochs\n"
      "spread over the run, or all, and a picture of the curve.  `to FILE` writes every run's epochs\n"
      "as CSV: epoch,loss,valid_loss,valid_accuracy,lr, grad_norm_L for each layer when tracked, and\n"
      "run when there are several.",
      "history net to \"history.csv\"" },
    { "track", "track gradients  |  track off",
      "From now on `train` keeps each layer's weight-gradient norm ‖∂C/∂W(l)‖ in the history, averaged\n"
      "over each epoch's batches (history shows them; the trained numbers do not change).  `track off`\n"
      "(or `track gradients off`) stops it.",
      "track gradients" },
};
enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

/* Commands of the stages above this one (pictures, the web view), added
 * by the command line at start-up: the words stay theirs, help and
 * completion know them, exec_command runs them. */
enum { MAX_ADDED = 32 };
static struct { const CommandInfo *info; CommandRun run; } added[MAX_ADDED];
static int nadded;

void command_add(const CommandInfo *info, CommandRun run) {
    for (int i = 0; i < nadded; i++)
        if (strcmp(added[i].info->name, info->name) == 0) { added[i].run = run; return; }
    if (nadded == MAX_ADDED) abort();          /* a fixed set, known when nnl is built */
    added[nadded].info = info;
    added[nadded++].run = run;
}

/* the i-th command, the built-in ones first */
static const Command *command_at(int i) {
    if (i < 0) return NULL;
    if (i < NCOMMANDS) return &commands[i];
    return i - NCOMMANDS < nadded ? added[i - NCOMMANDS].info : NULL;
}

const CommandInfo *command_info(int i) { return command_at(i); }

const char *command_name(int i) { const Command *c = command_at(i); return c ? c->name : NULL; }

const char *command_usage(const char *name) {
    for (int i = 0; command_at(i); i++) if (strcmp(command_at(i)->name, name) == 0) return command_at(i)->usage;
    return name;
}

CommandRun command_added(const char *name) {
    for (int i = 0; i < nadded; i++)
        if (strcmp(added[i].info->name, name) == 0) return added[i].run;
    return NULL;
}
