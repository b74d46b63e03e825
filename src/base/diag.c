/* diag.c — error, warning and note messages with the source line and a caret,
 * and the longjmp-based unwinding that lets a failed statement leave the
 * interpreter usable.  Must not: decide what is an error (callers do). */
#include "base/diag.h"
#include "base/steps.h"
#include <stdarg.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* at_line starts at at_off of text: where the last line looked up was, so
 * that errors on lines n, n+1, ... of a long REPL session (or script) are
 * found from there, not by reading the text from its start each time */
typedef struct Source {
    const char *file, *text;
    bool library;
    int at_line;
    size_t at_off;
    struct Source *next;
} Source;
static Source *sources;
typedef struct Warned { SrcLoc loc; char *msg; struct Warned *next; } Warned;
/* every warning shown so far, hashed by its line and text (a list read
 * whole for each new warning made a long session's warnings O(n²)) */
enum { WARNED_BUCKETS = 1 << 16 };
static Warned *warned[WARNED_BUCKETS];
static FILE *out;
static int errors;
static DiagHandler *top;
DiagContext *diag_context;
SrcLoc diag_statement;

_Noreturn void diag_out_of_memory(size_t bytes) {
    fail_at(diag_statement, "out of memory: %.1f MiB more could not be allocated (this statement needs more "
            "memory than the machine, or NNL_MEMORY_LIMIT, allows)", (double)bytes / (1 << 20));
}

void diag_add_source(const char *file, const char *text) {
    for (Source *s = sources; s; s = s->next)
        if (strcmp(s->file, file) == 0) {
            if (s->text != text) s->at_line = 1, s->at_off = 0;
            s->text = text;
            return;
        }
    Source *s = malloc(sizeof *s);
    if (!s) abort();
    *s = (Source){ .file = file, .text = text, .at_line = 1, .next = sources };
    sources = s;
}

void diag_set_library(const char *file) {
    for (Source *s = sources; s; s = s->next)
        if (strcmp(s->file, file) == 0) s->library = true;
}

static bool in_library(SrcLoc loc) {
    for (Source *s = sources; s && loc.file; s = s->next)
        if (strcmp(s->file, loc.file) == 0) return s->library;
    return false;
}

void diag_set_stream(FILE *f) { out = f; }
int diag_error_count(void) { return errors; }

static const char *find_line(SrcLoc loc, int *len) {
    for (Source *s = sources; s; s = s->next) {
        if (!loc.file || strcmp(s->file, loc.file) != 0) continue;
        bool ahead = loc.line >= s->at_line;
        const char *p = ahead ? s->text + s->at_off : s->text;
        for (int l = ahead ? s->at_line : 1; l < loc.line && p; l++) {
            nnl_steps++;
            p = strchr(p, '\n');
            if (p) p++;
        }
        if (!p || !*p) return NULL;
        if (loc.line >= 1) s->at_line = loc.line, s->at_off = (size_t)(p - s->text);
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

/* byte offset of the character at column col (1-based) of a line */
static int column_offset(const char *p, int len, int col) {
    int i = 0;
    for (int c = 1; i < len && c < col; c++) {
        i++;
        while (i < len && (((unsigned char)p[i]) & 0xC0) == 0x80) i++;
    }
    return i;
}

/* A control byte (from a file or a script: an ESC a crafted model file put in
 * a layer's name) never reaches the terminal: written as \xHH. */
static bool control(unsigned char c) { return (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f; }

static void put_escaped(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (control(c)) fprintf(out, "\\x%02x", c);
        else fputc(c, out);
    }
}

static void show_line(SrcLoc loc) {
    enum { WIDTH = 120 };        /* a longer line is shown as a window around the caret */
    int len;
    const char *p = find_line(loc, &len);
    if (!p) return;
    int at = column_offset(p, len, loc.col), from = 0, to = len;
    if (len > WIDTH) {
        from = at > WIDTH / 2 ? at - WIDTH / 2 : 0;
        while (from > 0 && (((unsigned char)p[from]) & 0xC0) == 0x80) from--;
        to = from + WIDTH < len ? from + WIDTH : len;
        while (to < len && (((unsigned char)p[to]) & 0xC0) == 0x80) to++;
    }
    const char *lead = from > 0 ? "..." : "";
    fprintf(out, "  %s", lead);
    put_escaped(p + from, (size_t)(to - from));
    fprintf(out, "%s\n  %s", to < len ? "..." : "", from > 0 ? "   " : "");
    /* one pad per character, keeping tabs; an escaped byte takes four */
    for (int i = from; i < at && i < len; i++) {
        if (((unsigned char)p[i] & 0xC0) == 0x80) continue;
        fputs(p[i] == '\t' ? "\t" : control((unsigned char)p[i]) ? "    " : " ", out);
    }
    fputs("^\n", out);
}

void (*diag_before_report)(void);

static void vreport(SrcLoc loc, const char *kind, const char *fmt, va_list ap) {
    if (!out) out = stderr;
    if (diag_before_report) diag_before_report();
    fflush(stdout);
    if (loc.file) {
        put_escaped(loc.file, strlen(loc.file));
        fprintf(out, ":%d:%d: %s: ", loc.line, loc.col, kind);
    } else {
        fprintf(out, "nnl: %s: ", kind);
    }
    char buf[2048], *msg = buf;
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    if (n >= (int)sizeof buf && (msg = malloc((size_t)n + 1)) != NULL) vsnprintf(msg, (size_t)n + 1, fmt, again);
    va_end(again);
    if (!msg) msg = buf;                  /* out of memory: the message cut short */
    put_escaped(msg, strlen(msg));
    if (msg != buf) free(msg);
    fputc('\n', out);
    if (loc.file) show_line(loc);
}

static void report(SrcLoc loc, const char *kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void report(SrcLoc loc, const char *kind, const char *fmt, ...) {
    va_list ap; va_start(ap, fmt);
    vreport(loc, kind, fmt, ap);
    va_end(ap);
}

static bool same_line(SrcLoc a, SrcLoc b) {
    return a.file && b.file && a.line == b.line && strcmp(a.file, b.file) == 0;
}

/* a note on the error's own line says what was running, without repeating the line */
static void show_context(const DiagContext *c, SrcLoc at) {
    if (same_line(c->loc, at)) fputs("note: ", out);
    else fprintf(out, "%s:%d:%d: note: ", c->loc.file, c->loc.line, c->loc.col);
    c->describe(out, c->arg);
    fputc('\n', out);
    if (!same_line(c->loc, at)) show_line(c->loc);
}

/* The innermost notes say where it happened, the outermost which line of the
 * user's started it; in between (deep recursion) is summarised. */
static void report_context(SrcLoc at, bool promoted) {
    enum { INNER = 3 };
    if (!out) out = stderr;
    /* a note about the very line the error shows adds nothing, unless the
     * error moved there from the library: then it says what was running */
    const DiagContext *first = diag_context;
    while (!promoted && first && same_line(first->loc, at)) first = first->prev;
    int n = 0;
    const DiagContext *outermost = NULL;
    for (const DiagContext *c = first; c; c = c->prev) { n++; outermost = c; }
    int i = 0;
    for (const DiagContext *c = first; c; c = c->prev, i++) {
        if (i < INNER || n <= INNER + 1) show_context(c, at);
        else if (c == outermost) show_context(c, at);
        else if (i == INNER && n - INNER - 1 > 1000) fputs("note: ... over 1000 more nested calls ...\n", out);
        else if (i == INNER) fprintf(out, "note: ... %d more nested calls ...\n", n - INNER - 1);
    }
}

/* An error found in the standard library's code is the user's: it is shown
 * at the innermost line of the user's that led there (a layer's line, the
 * optimizer setting, a call), with the library's line as a note. */
static void verror(SrcLoc loc, const char *fmt, va_list ap) {
    SrcLoc at = loc;
    if (in_library(loc))
        for (const DiagContext *c = diag_context; c; c = c->prev)
            if (c->loc.file && !in_library(c->loc)) { at = c->loc; break; }
    vreport(at, "error", fmt, ap);
    bool promoted = !same_line(at, loc);
    if (promoted) report(loc, "note", "where the standard library's code found it");
    report_context(at, promoted);
    errors++;
}

void diag_error(SrcLoc loc, const char *fmt, ...) {
    va_list ap; va_start(ap, fmt);
    verror(loc, fmt, ap);
    va_end(ap);
}

void diag_warning(SrcLoc loc, const char *fmt, ...) {
    char msg[1024];
    va_list ap; va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    unsigned h = (unsigned)loc.line * 31u + (unsigned)loc.col;
    for (const char *c = msg; *c; c++) h = h * 33u + (unsigned char)*c;
    Warned **bucket = &warned[h % WARNED_BUCKETS];
    for (const Warned *w = *bucket; w; w = w->next, nnl_steps++)
        if (w->loc.line == loc.line && w->loc.col == loc.col && strcmp(w->msg, msg) == 0 &&
            (w->loc.file == loc.file || (w->loc.file && loc.file && strcmp(w->loc.file, loc.file) == 0)))
            return;
    Warned *w = malloc(sizeof *w);
    char *copy = malloc(strlen(msg) + 1);
    if (!w || !copy) abort();
    strcpy(copy, msg);
    *w = (Warned){ loc, copy, *bucket };
    *bucket = w;
    report(loc, "warning", "%s", msg);
}

void diag_forget_warnings(void) {
    for (size_t b = 0; b < WARNED_BUCKETS; b++)
        while (warned[b]) {
            Warned *w = warned[b];
            warned[b] = w->next;
            free(w->msg);
            free(w);
        }
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
    verror(loc, fmt, ap);
    va_end(ap);
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
            int c = d[i - 1][j - 1] + (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
            if (d[i - 1][j] + 1 < c) c = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < c) c = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == tolower((unsigned char)b[j - 1]) && d[i - 2][j - 2] + 1 < c)
                c = d[i - 2][j - 2] + 1;     /* two letters swapped: hlep */
            d[i][j] = c;
        }
    return d[la][lb];
}
