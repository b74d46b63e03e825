/* The evaluator (eval.c): expressions, blocks, calls and binding arguments,
 * names and globals, checked conversions of values, printing a value.  The
 * files of lang above it (model.c, index.c) give it what it cannot do itself
 * through I->hooks (interp.h). */
#ifndef NNL_EVAL_H
#define NNL_EVAL_H
#include "lang/interp.h"

/* Every recursive path of the evaluator calls this: an error (not a crash)
 * when the C stack in use nears its limit. */
void  stack_check(Interp *I, SrcLoc loc);

Value eval_expr(Interp *I, Frame *f, const Node *e);
/* a default meaning: may be left out (V_NONE) */
extern Node optional_param;
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
/* a number literal (index -1) or element `index` of a list of them is one of
 * the precision's finite numbers, else an error at loc (1e39 in float32) */
void   check_literal(Interp *I, double v, SrcLoc loc, int index);
int    expect_count(Interp *I, Value v, SrcLoc loc, const char *what);
/* d as a count (epochs, rows, patience): a whole number from 1 to 10^9, else
 * an error saying which way it is wrong (NaN, too large, not whole, below 1) */
int    count_number(double d, SrcLoc loc, const char *what);
Value  tensor_value(Tensor *t);
/* a data set, not a group of parts (what split gives before `data a, b = ...`) */
Dataset *data_one(Dataset *d, SrcLoc loc);
Tensor *new_scalar(Interp *I, double v);
const char *value_kind_name(Value v);
/* While a training step is recorded to be replayed: `why` (with loc) is a
 * reason its replay would differ from running it; the first one counts.
 * `value` NULL, or the reason applies only if that tensor varies. */
void  not_replayable(Interp *I, const Tensor *value, SrcLoc loc, const char *why);
/* While a training step is recorded: a replay must draw d again here, after the ops so far. */
void  note_random_draw(Interp *I, RandomDraw *d);
/* a tensor over PRINT_SUMMARY_OVER values summarised, with its shape */
void   print_value(Interp *I, FILE *f, Value v);
/* full: every value, however many (print full X) */
void   print_value_as(Interp *I, FILE *f, Value v, bool full);
/* <data NAME: R rows, 2 -> 1 ...> */
void   data_print(FILE *f, const Dataset *d);
const char *suggest(Interp *I, Frame *f, const char *name, int want_kind);

/* def f(g(a), t) is kept under the name "f(g(...))": not a name a user can write */
const char *fusion_name(const char *outer, const char *inner);

#endif
