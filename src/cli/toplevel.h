/* The interpreter's lifecycle and running a program a top-level statement
 * at a time (toplevel.c): what main, the REPL and the tests call. */
#ifndef NNL_TOPLEVEL_H
#define NNL_TOPLEVEL_H
#include "base/clock.h"
#include "lang/interp.h"

void  interp_init(Interp *I, bool dry_run);
void  interp_free(Interp *I);
void  interp_load_stdlib(Interp *I);
EvalMode interp_default_mode(Interp *I);
bool  interp_run(Interp *I, const Node *program);   /* false after a reported error */
bool  interp_run_statement(Interp *I, const Node *stmt);
/* --time: one line "time: WHAT MS ms" on stderr (wall_seconds: base/clock.h) */
void  report_time(const char *what, double since);
void  exec_toplevel(Interp *I, const Node *stmt);

#endif
