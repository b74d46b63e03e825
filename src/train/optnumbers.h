/* The number part of an optimizer's body as a scalar program (optnumbers.c):
 * its settings, t, the globals it reads and the arithmetic on them, compiled
 * once by optcompile.c and run on every update without the evaluator and
 * without allocating.  Only optcompile.c uses it. */
#ifndef NNL_OPTNUMBERS_H
#define NNL_OPTNUMBERS_H
#include "lang/interp.h"
#include "autodiff/prims.h"

typedef struct NumberProgram NumberProgram;

/* Whether the frame of the number part binds `name` at the point being
 * compiled (a setting, t, a local assigned before), rather than leaving it
 * to the globals: the compiler's names, which know the branches of ifs. */
typedef bool (*NumberBound)(const void *names, const char *name);

/* the primitive of a binary operator or compound assignment ('+', 'L' for
 * <=, ...), P_COUNT for @ */
PrimOp operator_prim(int op);

/* ---- compiling ---- */

/* A program whose frame binds def's parameters and t, as opt_bind_numbers does. */
NumberProgram *numbers_new(Arena *perm, const Callable *def);
/* The register an expression's value is in once the code compiled so far
 * has run; -1 once the program is refused (numbers_refusal says why).  Reads
 * and calls as the evaluator does: a name the frame binds, else a global; a
 * call of an elementwise primitive. */
int  numbers_expr(NumberProgram *np, Interp *I, const Node *e, NumberBound bound, const void *names);
/* A statement of the number part: an assignment to a local, a require, an
 * expression statement. */
void numbers_statement(NumberProgram *np, Interp *I, const Node *s, NumberBound bound, const void *names);
/* where the next instruction goes: steps run the code between two of these */
int  numbers_here(const NumberProgram *np);
/* NULL while everything compiled; otherwise what the program does not
 * compute ("calls 'sum', which is not elementwise") and where. */
const char *numbers_refusal(const NumberProgram *np, SrcLoc *where);
/* the end of compiling: the registers are made (in perm) */
void numbers_done(NumberProgram *np, Arena *perm);

/* ---- one update ---- */

/* Loads the settings (settings[0..def->nparams)) and t.  False when a
 * setting the program reads is not a single number of the interpreter's
 * precision (the evaluator computes with it as it is). */
bool numbers_start(NumberProgram *np, const Interp *I, const Value *settings, long t);
/* Runs code [from, to).  False, having changed nothing outside the program,
 * when the evaluator must run the number part instead: a require failed (it
 * reports it, with its message and context), a global read is missing or not
 * a single number of the interpreter's precision. */
bool numbers_run(NumberProgram *np, Interp *I, int from, int to);
double numbers_value(const NumberProgram *np, int reg);
/* After a run from numbers_start: whether register reg could hold another
 * value on an update with the same settings (it depends on t, on a global,
 * or was not written on this run) — false is exact: the same bits for every
 * t; and numbers_steady: no global was read and no require's condition
 * varies.  An update whose every number and condition read is steady then
 * needs no run while its settings are the same (numbers_same_start). */
bool numbers_varies(const NumberProgram *np, int reg);
bool numbers_steady(const NumberProgram *np);
/* Whether the runs from the next numbers_start note what varies (off,
 * numbers_varies and numbers_steady say nothing, and a run costs less:
 * Adam's numbers, which vary with t on every update, are found so once). */
void numbers_track(NumberProgram *np, bool on);
/* the settings are the ones the last numbers_start loaded, in the same
 * precision and bit for bit */
bool numbers_same_start(const NumberProgram *np, const Interp *I, const Value *settings);
/* Charges the work budget what the evaluator would have charged for the
 * ops run since numbers_start.  False, charging nothing, when that would go
 * past the budget: the evaluator then fails at the op where it does. */
bool numbers_charge(NumberProgram *np, SrcLoc loc);

#endif
