/* `view` (view.c): the live page of the session and the offline file of a
 * pass (docs/view.md).  The command line registers the command, tells the
 * view when a statement ran, and lets it run the page's commands. */
#ifndef NNL_WEB_VIEW_H
#define NNL_WEB_VIEW_H
#include "lang/interp.h"

/* `view`, `view on PORT`, `view off`, `view pass to "FILE.html"` */
void web_register_commands(void);
/* starts the server for I's session (port 0: any) and prints the URL; false
 * (with an error printed) if it cannot */
bool web_view_start(Interp *I, int port);
/* after every statement: the page follows the session */
void web_statement_done(Interp *I);
/* the session of I ends: the server stops */
void web_session_end(Interp *I);

/* readable when the page sent a command (-1: no server) */
int  web_wake_fd(void);
/* How the REPL runs a line as if typed: */
typedef enum { WEB_RAN, WEB_FAILED, WEB_BUSY } WebRan;
typedef WebRan (*WebRunLine)(void *ctx, const char *line);
/* Runs the page's waiting command, if any, through `run` (echoed as
 * "nnl> next   # from the view", its output printed as usual) and answers
 * the page with what it printed. */
void web_service(Interp *I, WebRunLine run, void *ctx);

#endif
