/* The view's HTTP server (server.c, libmicrohttpd): 127.0.0.1 only, its own
 * threads; the interpreter's thread publishes the state and runs the
 * commands the page sends, which wait in a one-slot mailbox. */
#ifndef NNL_WEB_SERVER_H
#define NNL_WEB_SERVER_H
#include "web/handle.h"
#include <stdbool.h>
#include <stddef.h>

/* Starts listening on 127.0.0.1:port (0: any free port) with a new random
 * token; false with the reason in why. */
bool server_start(int port, char *why, size_t size);
/* The file name of the libmicrohttpd that loads (it is loaded at the first
 * server_start, or here) with its version written to version; NULL when
 * none loads (nnl --version). */
const char *server_library(char *version, size_t size);
void server_stop(void);
bool server_running(void);
int  server_port(void);
const char *server_token(void);
/* readable when a command waits: the interpreter's loop polls it (-1: none) */
int  server_wake_fd(void);

/* the interpreter's thread: the object now (copied); bumps the serial and
 * wakes /events when it differs from the last one */
void server_publish(const char *json);
/* the interpreter's thread: takes the waiting command, if any ... */
bool server_take(WebCommand *c);
/* ... and answers it (output and error malloc'd or NULL; taken over) */
void server_done(int status, char *output, char *error);

#endif
