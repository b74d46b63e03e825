/* Diagnostics: "file:line:col: error: message", the source line and a caret.
 * Errors unwind with longjmp to the innermost diag_try() so the REPL (and the
 * check pass) can carry on. */
#ifndef NNL_DIAG_H
#define NNL_DIAG_H
#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct SrcLoc { const char *file; int line, col; } SrcLoc;

void diag_add_source(const char *file, const char *text);  /* for source lines */
void diag_set_stream(FILE *f);                              /* default stderr */
/* file is the standard library's: its errors are shown at the user's line */
void diag_set_library(const char *file);
/* Called before any error, warning or note is written, while set: train's
 * live progress line finishes itself so that the message starts a line. */
extern void (*diag_before_report)(void);

void diag_error(SrcLoc loc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void diag_note(SrcLoc loc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "file:line:col: warning: ...", shown once per place and message for the
 * whole process: a statement that trains runs the same code for every batch,
 * and the check pass runs every statement before the real run does. */
void diag_warning(SrcLoc loc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* every warning may be shown again: a new session in the same process (the
 * unit tests run several scripts, each to be told what it would be told alone) */
void diag_forget_warnings(void);
/* report and unwind to the innermost handler */
_Noreturn void fail_at(SrcLoc loc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void diag_throw(void);

/* Handlers nest.  Usage:
 *     DiagHandler h; diag_push(&h);
 *     if (setjmp(h.env) == 0) { ...work...; diag_pop(&h); } else { ...failed, already popped... } */
typedef struct DiagHandler { jmp_buf env; struct DiagHandler *prev; } DiagHandler;
void diag_push(DiagHandler *h);
void diag_pop(DiagHandler *h);

/* Context notes shown after an error ("in layer 2 (dense) of model 'net'",
 * "in a call to 'f'"), pushed by whoever runs code on a user's behalf.  The
 * text is written only when an error is reported, so pushing costs nothing. */
typedef struct DiagContext {
    SrcLoc loc;
    void (*describe)(FILE *out, const void *arg);
    const void *arg;
    struct DiagContext *prev;
} DiagContext;
extern DiagContext *diag_context;

int diag_error_count(void);
/* The statement running now: where "out of memory" is reported. */
extern SrcLoc diag_statement;
_Noreturn void diag_out_of_memory(size_t bytes);
/* The text of loc's source line without leading blanks, cut to fit `size`;
 * false if the source is unknown. */
bool diag_source_line(SrcLoc loc, char *buf, size_t size);
/* edits between a and b for "did you mean" (two letters swapped is one);
 * a difference of case is free
 * (RMSprop is 0 from rmsprop) */
int levenshtein(const char *a, const char *b);

#endif
