/* diag.c — error, warning and note messages with the source line and a caret,
 * and the longjmp-based unwinding that lets a failed statement leave the
 * interpreter usable.  Must not: decide what is an error (callers do). */
#include "diag.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

typedef struct Source { const char *file; const char *text; struct Source *next; } Source;
static Source *sources;
typedef struct Warned { SrcLoc loc; char *msg; struct Warned *next; } Warned;
static Warned *warned;             /* every warning shown so far */
static FILE *out;
static int errors;
static DiagHandler *top;
DiagContext *diag_context;

void diag_add_source(const char *file, const char *text) {
    for (Source *s = sources; s; s = s->next)
        if (strcmp(s->file, file) == 0) { s->text = text; return; }
    Source *s = malloc(sizeof *s);
    if (!s) abort();
    s->file = file; s->text = text; s->next = sources; sources = s;
}

void diag_set_stream(FILE *f) { out = f; }
int diag_error_count(void) { return errors; }

static const char *find_line(SrcLoc loc, int *len) {
    for (Source *s = sources; s; s = s->next) {
        if (!loc.file || strcmp(s->file, loc.file) != 0) continue;
        const char *p = s->text;
        for (int l = 1; l < loc.line && p; l++) {
            p = strchr(p, '\n');
            if (p) p++;
        }
        if (!p || !*p) return NULL;
        const char *e = strchr(p, '\n');
        *len = e ? (int)(e - p) : (int)strlen(p);
        return p;
    }
    return NULL;
}

bool diag_source_line(SrcLoc loc, char *buf, size_t size) {
    int len;
    const char *p = find_line(loc, &len);
    if (!p || size == 0) return false;
    while (len > 0 && (*p == ' ' || *p == '\t')) { p++; len--; }
    while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\r')) len--;
    snprintf(buf, size, "%.*s", len, p);
    return true;
}

static void show_line(SrcLoc loc) {
    int len;
    const char *p = find_line(loc, &len);
    if (!p) return;
    fprintf(out, "  %.*s\n  ", len, p);
    /* loc.col counts characters; one pad per character, keeping tabs */
    int col = 1;
    for (int i = 0; i < len && col < loc.col; i++) {
        if (((unsigned char)p[i] & 0xC0) == 0x80) continue;
        fputc(p[i] == '\t' ? '\t' : ' ', out);
        col++;
    }
    fputs("^\n", out);
}

static void vreport(SrcLoc loc, const char *kind, const char *fmt, va_list ap) {
    if (!out) out = stderr;
    fflush(stdout);
    if (loc.file) fprintf(out, "%s:%d:%d: %s: ", loc.file, loc.line, loc.col, kind);
    else fprintf(out, "nnl: %s: ", kind);
    vfprintf(out, fmt, ap);
    fputc('\n', out);
    if (loc.file) show_line(loc);
}

static void report(SrcLoc loc, const char *kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void report(SrcLoc loc, const char *kind, const char *fmt, ...) {
    va_list ap; va_start(ap, fmt);
    vreport(loc, kind, fmt, ap);
    va_end(ap);
}

static void show_context(const DiagContext *c) {
    fprintf(out, "%s:%d:%d: note: ", c->loc.file, c->loc.line, c->loc.col);
    c->describe(out, c->arg);
    fputc('\n', out);
    show_line(c->loc);
}

/* The innermost notes say where it happened, the outermost which line of the
 * user's started it; in between (deep recursion) is summarised. */
static void report_context(SrcLoc at) {
    enum { INNER = 3 };
    if (!out) out = stderr;
    /* a note about the very line the error shows adds nothing */
    const DiagContext *first = diag_context;
    while (first && first->loc.file && at.file && first->loc.line == at.line &&
           strcmp(first->loc.file, at.file) == 0)
        first = first->prev;
    int n = 0;
    const DiagContext *outermost = NULL;
    for (const DiagContext *c = first; c; c = c->prev) { n++; outermost = c; }
    int i = 0;
    for (const DiagContext *c = first; c; c = c->prev, i++) {
        if (i < INNER || n <= INNER + 1) show_context(c);
        else if (c == outermost) show_context(c);
        else if (i == INNER) fprintf(out, "note: ... %d more nested calls ...\n", n - INNER - 1);
    }
}

void diag_error(SrcLoc loc, const char *fmt, ...) {
    va_list ap; va_start(ap, fmt);
    vreport(loc, "error", fmt, ap);
    va_end(ap);
    report_context(loc);
    errors++;
}

void diag_warning(SrcLoc loc, const char *fmt, ...) {
    char msg[1024];
    va_list ap; va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    for (const Warned *w = warned; w; w = w->next)
        if (w->loc.line == loc.line && w->loc.col == loc.col && strcmp(w->msg, msg) == 0 &&
            (w->loc.file == loc.file || (w->loc.file && loc.file && strcmp(w->loc.file, loc.file) == 0)))
            return;
    Warned *w = malloc(sizeof *w);
    char *copy = malloc(strlen(msg) + 1);
    if (!w || !copy) abort();
    strcpy(copy, msg);
    *w = (Warned){ loc, copy, warned };
    warned = w;
    report(loc, "warning", "%s", msg);
}

void diag_note(SrcLoc loc, const char *fmt, ...) {
    va_list ap; va_start(ap, fmt);
    vreport(loc, "note", fmt, ap);
    va_end(ap);
}

void diag_push(DiagHandler *h) { h->prev = top; top = h; }
void diag_pop(DiagHandler *h) { top = h->prev; }

_Noreturn void diag_throw(void) {
    DiagHandler *h = top;
    if (!h) exit(1);
    top = h->prev;
    diag_context = NULL;
    longjmp(h->env, 1);
}

_Noreturn void fail_at(SrcLoc loc, const char *fmt, ...) {
    va_list ap; va_start(ap, fmt);
    vreport(loc, "error", fmt, ap);
    va_end(ap);
    report_context(loc);
    errors++;
    diag_throw();
}

int levenshtein(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64) return 99;
    int d[65][65];
    for (size_t i = 0; i <= la; i++) d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++) d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            int c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < c) c = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < c) c = d[i][j - 1] + 1;
            d[i][j] = c;
        }
    return d[la][lb];
}
