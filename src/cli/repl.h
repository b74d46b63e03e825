/* The REPL (repl.c): statements from standard input, interactive on a terminal. */
#ifndef NNL_REPL_H
#define NNL_REPL_H
#include "lang/interp.h"
/* Reads and runs statements until the end of input; returns the exit status
 * (1 if a statement failed when not on a terminal). */
int  repl_run(Interp *I);
/* Ctrl-C stops `train` after the current batch (and clears the prompt's line). */
void signals_install(void);
/* From now on Ctrl-C (SIGINT) never ends nnl: it sets nnl_interrupt, which
 * stops `train` after its batch (the Jupyter kernel's nnl: cli/kernel.c). */
void signals_keep_running(void);

/* A session of statements read a line at a time, as the REPL reads them,
 * for another reader (cli/kernel.c): its text names `file` in errors. */
typedef struct Session Session;
Session *session_open(Interp *I, const char *file);
/* one line (no newline): appended, and the statement it completes run;
 * true when it ended a statement */
bool     session_feed(Session *s, const char *line);
/* one line appended to the text but not run; the statement being collected is given up */
void     session_skip(Session *s, const char *line);
/* the input ends here for now: a statement still open is an error at its
 * open bracket ("this '{' is not closed: WHY") and is given up */
void     session_end_input(Session *s, const char *why);
/* true when text ends inside an open bracket, or in a backslash: the REPL
 * would wait for more lines */
bool     statement_open(const char *text);
/* everything read so far (error locations point into it), and its number of lines */
const char *session_text(const Session *s, int *lines);
/* ends it (as the end of input does) and frees it; 1 if a statement failed */
int      session_close(Session *s);
#endif
