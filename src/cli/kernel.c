/* kernel.c — `nnl --kernel`: the nnl end of the Jupyter kernel's pipe
 * (editors/jupyter/nnl-kernel).  Requests come on standard input, each a
 * header line then as many bytes of a cell's text as it says:
 *   execute BYTES              the cell's lines run as the REPL runs them
 *   complete BYTES LINE CHAR   completion at LINE, CHAR of the cell
 *   inspect BYTES LINE CHAR    hover there
 *   is_complete BYTES          whether the text is whole statements
 * (LINE from 0, CHAR in UTF-16 units: the language server's positions).
 * Each answer ends with one line that starts with the byte 0x1E: "\x1E" "done"
 * after execute (the cell's output and errors come before it), "\x1E" and
 * one line of JSON after complete (CompletionItem[]) and inspect (Hover or
 * null): the language server's answers (lsp/query.c), asked of the live
 * interpreter with the cell read as if it followed everything run so far;
 * after is_complete "\x1E" and "complete" or "incomplete" (JSON strings).
 * Ctrl-C (SIGINT) stops `train` after its batch and skips the rest of the
 * cell; a cell that ends inside an open bracket is an error at that bracket,
 * and the statement is given up.
 * Must not: interpret statements (the session does: repl.c) or work out
 * answers itself (lsp/query.c). */
#include "base/interrupt.h"
#include "cli/kernel.h"
#include "cli/repl.h"
#include "lsp/query.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define END "\x1e"                  /* starts the line that ends every answer */
static const char *const FILE_NAME = "<stdin>";
enum { CELL_CAP = 64 << 20 };       /* bytes: a longer cell is refused */

/* ---- standard input, read with read() so that SIGINT never loses bytes -- */

static char inbuf[1 << 16];
static size_t inlen, inpos;

static int next_byte(void) {
    if (inpos == inlen) {
        ssize_t n;
        do n = read(STDIN_FILENO, inbuf, sizeof inbuf); while (n < 0 && errno == EINTR);
        if (n <= 0) return EOF;
        inlen = (size_t)n;
        inpos = 0;
    }
    return (unsigned char)inbuf[inpos++];
}

/* a header line (without its newline) into buf; false at the end of input */
static bool read_header(char *buf, size_t size) {
    size_t n = 0;
    int c;
    while ((c = next_byte()) != EOF && c != '\n') if (n + 1 < size) buf[n++] = (char)c;
    buf[n] = 0;
    return c != EOF || n > 0;
}

/* the cell's bytes, NUL-terminated (malloc'd), or NULL at the end of input */
static char *read_cell(size_t n) {
    char *cell = malloc(n + 1);
    if (!cell) { fputs("nnl: out of memory\n", stderr); exit(70); }
    for (size_t i = 0; i < n; i++) {
        int c = next_byte();
        if (c == EOF) { free(cell); return NULL; }
        cell[i] = (char)c;
    }
    cell[n] = 0;
    return cell;
}

/* ---- the requests ---------------------------------------------------------- */

static void execute(Session *s, Interp *I, char *cell, size_t n) {
    nnl_interrupt = 0;                  /* a Ctrl-C meant for an earlier cell is spent */
    I->interrupted = false;
    bool stopped = false;
    for (char *p = cell, *end = cell + n; p < end;) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *e = nl ? nl : end;
        *e = 0;
        stopped = stopped || nnl_interrupt || I->interrupted;
        if (stopped) session_skip(s, p);        /* kept in the text: the kernel counts lines */
        else session_feed(s, p);
        p = e + 1;
    }
    if (!stopped) session_end_input(s, "the cell ended first");
    fflush(stdout);
    fputs(END "done\n", stdout);
    fflush(stdout);
}

static void query(Session *s, Interp *I, bool complete, const char *cell, int line, int character) {
    int lines;
    const char *before = session_text(s, &lines);
    size_t a = strlen(before), b = strlen(cell);
    char *text = malloc(a + b + 1);
    if (!text) { fputs("nnl: out of memory\n", stderr); exit(70); }
    memcpy(text, before, a);
    memcpy(text + a, cell, b + 1);
    QueryText q = { text, FILE_NAME, NULL, I };
    cJSON *r = complete ? query_completion(&q, lines + line, character) : query_hover(&q, lines + line, character);
    char *json = r ? cJSON_PrintUnformatted(r) : NULL;
    fflush(stdout);
    printf(END "%s\n", json ? json : "null");
    fflush(stdout);
    free(json);
    cJSON_Delete(r);
    free(text);
}

int kernel_run(Interp *I) {
    I->interactive = true;              /* as at the REPL: a model's definition shows its summary */
    signals_keep_running();
    Session *s = session_open(I, FILE_NAME);
    char header[256];
    while (read_header(header, sizeof header)) {
        char what[16];
        size_t n = 0;
        int line = 0, character = 0;
        int got = sscanf(header, "%15s %zu %d %d", what, &n, &line, &character);
        bool run = got == 2 && strcmp(what, "execute") == 0, judge = got == 2 && strcmp(what, "is_complete") == 0;
        bool ask = got == 4 && (strcmp(what, "complete") == 0 || strcmp(what, "inspect") == 0) && line >= 0 &&
                   character >= 0;
        if ((!run && !judge && !ask) || n > CELL_CAP) {
            fprintf(stderr, "nnl --kernel: not a request: %s\n", header);
            fputs(END "error\n", stdout);
            fflush(stdout);
            if (n > CELL_CAP) break;    /* its bytes would be read as requests */
            continue;
        }
        char *cell = read_cell(n);
        if (!cell) break;
        if (run) execute(s, I, cell, n);
        else if (judge) {
            printf(END "\"%s\"\n", statement_open(cell) ? "incomplete" : "complete");
            fflush(stdout);
        }
        else query(s, I, strcmp(what, "complete") == 0, cell, line, character);
        free(cell);
    }
    return session_close(s);
}
