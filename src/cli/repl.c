/* repl.c — `nnl` with no script: statements from standard input.  On a
 * terminal an interactive REPL with GNU readline (prompts, a continuation
 * prompt for open blocks, history in ~/.nnl_history, tab completion, Ctrl-C);
 * otherwise plain reading with no prompts.  Each complete statement is
 * parsed and run at once; an error is reported and the session goes on with
 * its state intact; a statement whose open bracket was forgotten is reported
 * at that bracket as soon as a line shows it (judge), and given up.  The
 * loop also waits on the view's wake-up pipe (web/view.h): a command from
 * the page runs here, on this thread, as if typed.  Also the SIGINT handling
 * for scripts, and the same reading of lines for the Jupyter kernel's nnl
 * (session_*: cli/kernel.c frames the cells and answers the kernel).
 * Must not: interpret statements itself (toplevel.c does). */
#include "base/arena.h"
#include "base/budget.h"
#include "base/diag.h"
#include "base/files.h"
#include "base/interrupt.h"
#include "base/steps.h"
#include "cli/repl.h"
#include "cli/toplevel.h"
#include "front/ast.h"
#include "lang/eval.h"
#include "teach/command_table.h"
#include "web/view.h"
#include <ctype.h>
#include <poll.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>
#include <readline/history.h>
#include <readline/readline.h>

/* ---- Ctrl-C -------------------------------------------------------------- */

static volatile sig_atomic_t in_repl;

/* Ctrl-C sets the flag that long work polls (base/interrupt.h).  A second
 * one before the first was seen, outside the interactive REPL, ends the
 * process as SIGINT does (status 130), removing a half-written file first. */
static void on_sigint(int sig) {
    (void)sig;
    if (!nnl_interrupt || in_repl) { nnl_interrupt = 1; return; }
    file_abandon_temporary();
    signal(SIGINT, SIG_DFL);
    raise(SIGINT);
}

void signals_keep_running(void) { in_repl = 1; }

void signals_install(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;        /* no SA_RESTART: select() at the prompt wakes up */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
}

/* ---- statements from lines ----------------------------------------------- */

struct Session {
    Interp     *I;
    Arena       ast;            /* every statement's tree: definitions live on */
    const char *file;           /* "<stdin>" or "<repl>" */
    char       *text;           /* everything read so far, for error lines */
    size_t      len, cap;
    size_t      chunk;          /* where the statement being collected starts */
    int         line;           /* lines read */
    int         chunk_line;     /* the first line of that statement */
    bool        failed;
    bool        terminal;       /* lines typed at a terminal: an empty line in ( or [ gives up */
    bool        ended_open;     /* the input ended inside an open bracket */
    /* judge's scan of the statement being collected, kept between lines so
     * that each line is read once (a block of n lines was O(n²)): offsets
     * into text, up to `scanned` */
    size_t      scanned, last;
    size_t      open[64];       /* the open brackets, innermost last */
    char        kind[64];       /* '(' '[' (also a model or data block) or '{' */
    int         depth;
    bool        any;            /* a character that is not blank was seen (at last) */
    bool        in_string;      /* the scan stopped inside a string (a backslash before its newline) */
};

static void append(Session *s, const char *line) {
    size_t n = strlen(line);
    if (s->len + n + 2 > s->cap) {
        s->cap = (s->len + n + 2) * 2;
        s->text = realloc(s->text, s->cap);
        if (!s->text) { fputs("nnl: out of memory\n", stderr); exit(70); }
    }
    memcpy(s->text + s->len, line, n);
    s->len += n;
    s->text[s->len++] = '\n';
    s->text[s->len] = 0;
    s->line++;
    diag_add_source(s->file, s->text);
}

/* Where a statement being collected stands, judged when a line arrives: it
 * is complete when its brackets are closed and its last line does not end
 * in a backslash; it cannot be completed when the new line shows that an
 * open bracket was forgotten: a line that starts a statement (`train`,
 * `print`, a command ...) inside ( or [, a line that starts a top-level
 * statement inside the { of a def, layer or optimizer body (any statement
 * inside a model or data block), or at a terminal an empty line inside ( or
 * [.  `opener` is then the innermost open bracket. */
typedef enum { CHUNK_OPEN, CHUNK_COMPLETE, CHUNK_STUCK } ChunkState;
typedef struct { ChunkState state; const char *opener; } Judgement;

/* a word that starts a statement and cannot go on an expression or a block */
static bool starts_statement(const char *line, char bracket) {
    static const char *const anywhere[] = { "data", "model", "train", "evaluate", "summary", "predict",
                                            "save", "load", "seed", "precision" };
    static const char *const not_in_brackets[] = { "init", "loss", "optimizer", "print", "def", "layer",
                                                   "param", "state", "if", "require", "regularize",
                                                   "backward", "forward" };
    while (*line == ' ' || *line == '\t') line++;
    size_t n = strspn(line, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
    if (n == 0 || n > 20) return false;
    char word[24];
    memcpy(word, line, n);
    word[n] = 0;
    const char *rest = line + n;
    while (*rest == ' ' || *rest == '\t') rest++;
    if (strchr("=(.+-*/^@'<>!,)]", *rest) && *rest) return false;   /* an expression: step = 2, where(c, x, y) */
    if (bracket == 'T') return false;      /* a loop's body: any statement */
    for (size_t i = 0; i < sizeof anywhere / sizeof *anywhere; i++) if (strcmp(word, anywhere[i]) == 0) return true;
    if (bracket == '{') return false;
    for (size_t i = 0; i < sizeof not_in_brackets / sizeof *not_in_brackets; i++)
        if (strcmp(word, not_in_brackets[i]) == 0) return true;
    for (int i = 0; command_name(i); i++) if (strcmp(word, command_name(i)) == 0) return true;
    return false;
}

static bool line_starts_with(const char *line, const char *word) {
    size_t n = strlen(word);
    return strncmp(line, word, n) == 0 && !isalnum((unsigned char)line[n]) && line[n] != '_';
}

/* The lines of a `model` or `data` block are layers or rows, so a statement
 * there is as much out of place as in ( or [; a body ({ of def, layer,
 * optimizer, if, forward) has statements of its own; the body of a `for`,
 * or of an `if` or `else` at the top level ('T'), holds top-level
 * statements (cli/loop.c).  top: the brace is not inside another body. */
static char block_kind(const char *text, const char *brace, bool top) {
    const char *line = brace;
    while (line > text && line[-1] != '\n') line--;
    while (*line == ' ' || *line == '\t') line++;
    if (line_starts_with(line, "model") || line_starts_with(line, "data")) return '[';
    if (top && (line_starts_with(line, "for") || line_starts_with(line, "if") || *line == '}')) return 'T';
    return '{';
}

/* the statement being collected starts afresh at s->chunk */
static void scan_reset(Session *s) {
    s->scanned = s->chunk;
    s->depth = 0;
    s->any = s->in_string = false;
}

/* Judges the statement after a line was added: the line just read (from
 * `line`, or none) is checked against the brackets still open before it,
 * then the text not yet scanned is read, once. */
static Judgement judge(Session *s, const char *line) {
    const char *text = s->text;
    int top = s->depth - 1 < 64 ? s->depth - 1 : 63;
    if (line && s->depth > 0 && !s->in_string) {
        const char *q = line;
        while (*q == ' ' || *q == '\t' || *q == '\r') q++;
        bool blank = *q == 0 || *q == '\n';
        if ((blank && s->terminal && text[s->open[top]] != '{') || (!blank && starts_statement(q, s->kind[top])))
            return (Judgement){ CHUNK_STUCK, text + s->open[top] };
    }
    const char *p = text + s->scanned;
    bool in_string = s->in_string;
    for (; *p; p++) {
        nnl_steps++;
        if (in_string) {                      /* a string ends at its quote or the line's end */
            if (*p == '\\' && p[1]) p++;
            else if (*p == '"' || *p == '\n') in_string = false;
            continue;
        }
        if (*p == '#') { while (p[1] && p[1] != '\n') p++; continue; }
        if (*p == '"') in_string = true;
        else if (*p == '(' || *p == '[' || *p == '{') {
            bool outer = s->depth == 0 || (s->depth <= 64 && s->kind[s->depth - 1] == 'T');
            if (s->depth < 64) {
                s->open[s->depth] = (size_t)(p - text);
                s->kind[s->depth] = *p == '{' ? block_kind(text, p, outer) : *p;
            }
            s->depth++;
        }
        else if ((*p == ')' || *p == ']' || *p == '}') && s->depth > 0) s->depth--;
        if (*p != '\n' && *p != ' ' && *p != '\t' && *p != '\r') { s->last = (size_t)(p - text); s->any = true; }
    }
    s->scanned = (size_t)(p - text);
    s->in_string = in_string;
    top = s->depth - 1 < 64 ? s->depth - 1 : 63;
    if (s->depth > 0) return (Judgement){ CHUNK_OPEN, text + s->open[top] };
    return (Judgement){ s->any && text[s->last] == '\\' ? CHUNK_OPEN : CHUNK_COMPLETE, NULL };
}

/* an open bracket of the statement being collected, as an error at it */
static void report_unclosed(Session *s, const char *opener, const char *why) {
    SrcLoc at = { s->file, s->chunk_line, 1 };
    for (const char *p = s->text + s->chunk; p < opener; p++) {
        if (*p == '\n') { at.line++; at.col = 1; }
        else if (((unsigned char)*p & 0xC0) != 0x80) at.col++;
    }
    diag_error(at, "this '%c' is not closed: %s", *opener, why);
    s->failed = true;
}

/* the statement being collected forgotten (its lines stay in the text) */
static void drop_chunk(Session *s) {
    s->chunk = s->len;
    s->chunk_line = s->line + 1;
    scan_reset(s);
}

/* runs the statements collected; after one that Ctrl-C interrupted
 * (I->interrupted) the others on its lines do not run */
static void run_chunk(Session *s) {
    const char *src = s->text + s->chunk;
    bool blank = true;
    for (const char *p = src; *p && blank; p++) blank = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';
    s->I->interrupted = false;
    if (!blank) {
        Node *prog = parse_chunk(&s->ast, s->file, src, s->chunk_line);
        if (!prog) s->failed = true;
        else
            for (int i = 0; i < prog->kids.n && !s->I->interrupted; i++)
                if (!interp_run_statement(s->I, prog->kids.items[i])) s->failed = true;
        fflush(s->I->out);
    }
    drop_chunk(s);
}

/* one line of input; true when it ended a statement (or gave one up) */
static bool feed(Session *s, const char *line) {
    size_t start = s->len;
    append(s, line);
    Judgement j = judge(s, s->text + start);
    if (j.state == CHUNK_STUCK) {
        bool blank = strspn(line, " \t\r") == strlen(line);
        report_unclosed(s, j.opener, blank ? "an empty line gives the statement up"
                                           : "the next line starts a new statement, run on its own");
        s->chunk = blank ? s->len : start;        /* the statement is dropped; the new line starts afresh */
        s->chunk_line = blank ? s->line + 1 : s->line;
        scan_reset(s);
        if (blank) return true;
        j = judge(s, NULL);
    }
    if (j.state != CHUNK_COMPLETE) return false;
    run_chunk(s);
    return true;
}

static void session_init(Session *s, Interp *I, const char *file) {
    memset(s, 0, sizeof *s);
    s->I = I;
    s->file = file;
    s->chunk_line = 1;
    s->cap = 4096;
    s->text = malloc(s->cap);
    if (!s->text) { fputs("nnl: out of memory\n", stderr); exit(70); }
    s->text[0] = 0;
}

/* the input ends here: a statement still open is an error at its open
 * bracket, given up (ended_open); one ending in a backslash runs (its error) */
static void end_chunk(Session *s, const char *why) {
    Judgement j = judge(s, NULL);
    s->ended_open = j.state == CHUNK_OPEN && j.opener;
    if (s->ended_open) { report_unclosed(s, j.opener, why); drop_chunk(s); }
    else if (s->chunk < s->len) run_chunk(s);
}

/* 1 if a statement failed, else 3 if a train diverged (stopped at a NaN);
 * the input ending inside an open bracket (Ctrl-D in a block) is an error
 * too (ended_open) */
static int session_end(Session *s) {
    end_chunk(s, "the input ended first");
    int status = s->failed ? 1 : s->I->diverged ? 3 : 0;
    diag_add_source(s->file, "");
    free(s->text);
    arena_free(&s->ast);
    return status;
}

/* ---- a session read by another reader (cli/kernel.c) ---------------------- */

bool statement_open(const char *text) {
    Session s;
    memset(&s, 0, sizeof s);
    s.text = (char *)text;                 /* judge only reads it */
    return judge(&s, NULL).state == CHUNK_OPEN;
}

Session *session_open(Interp *I, const char *file) {
    Session *s = malloc(sizeof *s);
    if (!s) { fputs("nnl: out of memory\n", stderr); exit(70); }
    session_init(s, I, file);
    return s;
}

bool session_feed(Session *s, const char *line) { return feed(s, line); }

void session_skip(Session *s, const char *line) {
    append(s, line);
    drop_chunk(s);
}

void session_end_input(Session *s, const char *why) { end_chunk(s, why); }

const char *session_text(const Session *s, int *lines) {
    *lines = s->line;
    return s->text;
}

int session_close(Session *s) {
    int status = session_end(s);
    free(s);
    return status;
}

/* a line from the page (web/view.h): run as if typed, unless a statement
 * is half typed; its failure is the page's, not the session's */
static WebRan run_for_view(void *ctx, const char *line) {
    Session *s = ctx;
    if (s->chunk < s->len) return WEB_BUSY;
    bool failed = s->failed;
    s->failed = false;
    feed(s, line);
    WebRan r = s->failed ? WEB_FAILED : WEB_RAN;
    s->failed = failed;
    return r;
}

/* Lines from standard input (not a terminal), read with read() so that the
 * loop can also wait for the view's commands. */
static int read_plain(Interp *I) {
    Session s;
    session_init(&s, I, "<stdin>");
    char *buf = NULL;
    size_t len = 0, cap = 0;
    bool eof = false;
    while (!eof) {
        int wake = web_wake_fd();
        struct pollfd fds[2] = { { .fd = STDIN_FILENO, .events = POLLIN }, { .fd = wake, .events = POLLIN } };
        if (poll(fds, wake >= 0 ? 2 : 1, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (wake >= 0 && (fds[1].revents & POLLIN)) web_service(I, run_for_view, &s);
        if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        if (len + 4096 + 1 > cap) {
            cap = (len + 4096 + 1) * 2;
            buf = realloc(buf, cap);
            if (!buf) { fputs("nnl: out of memory\n", stderr); exit(70); }
        }
        ssize_t n = read(STDIN_FILENO, buf + len, 4096);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) { eof = true; if (len) buf[len++] = '\n'; }
        else len += (size_t)n;
        size_t start = 0;
        for (size_t i = 0; i < len; i++)
            if (buf[i] == '\n' && !I->interrupted) {
                buf[i] = 0;
                feed(&s, buf + start);
                start = i + 1;
            }
        memmove(buf, buf + start, len - start);
        len -= start;
        if (I->interrupted) break;         /* Ctrl-C: the rest of the input is not read */
    }
    free(buf);
    if (I->interrupted) {
        s.chunk = s.len;                   /* a statement half read is not an error of its own */
        scan_reset(&s);
        session_end(&s);
        return 130;
    }
    return session_end(&s);
}

/* ---- the terminal ----------------------------------------------------------- */

static Session *tty;
static bool tty_done;
static const char *const PROMPT = "nnl> ", *const MORE = "...> ";

static void on_line(char *line) {
    if (!line) { tty_done = true; fputc('\n', stdout); rl_callback_handler_remove(); return; }
    feed(tty, line);
    if (*line) add_history(line);
    free(line);
    tty->I->interrupted = false;
    rl_set_prompt(tty->chunk < tty->len ? MORE : PROMPT);
}

/* completion: statements and commands, then every name defined so far, and
 * for `net.` the layers and `net.1.` the parameters */
static char **candidates;
static int ncandidates;

static void add_candidate(const char *prefix, const char *text, const char *word) {
    if (strncmp(word, text, strlen(text)) != 0 && strncmp(prefix, "", 1) == 0) return;
    char *c = malloc(strlen(prefix) + strlen(word) + 1);
    if (!c) return;
    strcpy(c, prefix);
    strcat(c, word);
    if (strncmp(c, text, strlen(text)) != 0) { free(c); return; }
    candidates = realloc(candidates, sizeof *candidates * (size_t)(ncandidates + 1));
    candidates[ncandidates++] = c;
}

/* What the word being completed must be, from the words before it on the
 * line: after `optimizer` an optimizer, after `loss` a loss, after `init`
 * an initialiser, after `on` a data set, after `train` (and the other
 * statements and commands that take a model first) a model, after `train
 * NET` the word `on`; else anything. */
typedef enum { SLOT_ANY, SLOT_OPTIMIZER, SLOT_LOSS, SLOT_INIT, SLOT_MODEL, SLOT_ON, SLOT_DATA } Slot;

static int completion_start;           /* where the word being completed starts in rl_line_buffer */

static Slot slot_at(const Interp *I) {
    static const char *const take_model[] = {
        "train", "backward", "forward", "evaluate", "summary", "predict", "reset", "history", "graph",
        "activations", "gradients", "gradcheck", "sanity", "save", "view",
    };
    char before[256], *words[64];
    int n = 0;
    snprintf(before, sizeof before, "%.*s", completion_start < 255 ? completion_start : 255, rl_line_buffer);
    for (char *w = strtok(before, " \t"); w && n < 64; w = strtok(NULL, " \t")) words[n++] = w;
    if (n == 0) return SLOT_ANY;
    const char *prev = words[n - 1];
    if (n == 1 && strcmp(prev, "optimizer") == 0) return SLOT_OPTIMIZER;
    if (n == 1 && strcmp(prev, "loss") == 0) return SLOT_LOSS;
    if (strcmp(prev, "init") == 0) return SLOT_INIT;      /* init NAME, and dense 4 init NAME */
    if (strcmp(prev, "on") == 0) return SLOT_DATA;
    for (size_t i = 0; n == 1 && i < sizeof take_model / sizeof *take_model; i++)
        if (strcmp(prev, take_model[i]) == 0) return SLOT_MODEL;
    static const char *const then_on[] = { "train", "backward", "evaluate", "activations", "gradients", "gradcheck" };
    for (size_t i = 0; n == 2 && i < sizeof then_on / sizeof *then_on; i++)
        if (strcmp(words[0], then_on[i]) == 0) return SLOT_ON;
    (void)I;
    return SLOT_ANY;
}

/* a value that can stand where the slot is */
static bool fits(Value v, Slot slot) {
    if (slot == SLOT_ANY) return true;
    if (slot == SLOT_MODEL) return v.kind == V_MODEL;
    if (slot == SLOT_DATA) return v.kind == V_DATA;
    if (v.kind != V_FUNC) return false;
    const Callable *fn = v.fn->kind == C_PARTIAL ? v.fn->base : v.fn;
    if (slot == SLOT_OPTIMIZER) return fn->kind == C_OPTIMIZER;
    if (fn->kind != C_DEF) return false;
    bool initialiser = fn->nparams >= 1 && strcmp(fn->param_names[0], "shape") == 0;
    if (slot == SLOT_INIT) return initialiser;
    if (initialiser) return false;
    /* a loss: C(y, t), both required (l2(w, lambda = 0.01) is a regularizer) */
    return fn->nparams == 2 && !fn->fuses && !fn->param_defaults[0] && !fn->param_defaults[1];
}

static void collect_candidates(const char *text) {
    static const char *const words[] = {
        "data", "model", "input", "init", "loss", "optimizer", "seed", "precision", "train", "backward",
        "forward", "evaluate", "summary", "predict", "on", "print", "grad", "def", "layer", "param", "state", "with", "epochs", "batch",
        "shuffle", "valid", "early_stop", "patience", "regularize", "training", "save", "load",
    };
    Interp *I = tty->I;
    const char *dot = strrchr(text, '.');
    if (dot) {
        /* net.  or  net.1. : look the part before the last dot up */
        char head[128];
        size_t n = (size_t)(dot - text);
        if (n >= sizeof head) return;
        memcpy(head, text, n);
        head[n] = 0;
        char *inner = strchr(head, '.');
        const char *model_name = head;
        if (inner) *inner = 0;
        Value *v = global_find(I, intern(model_name));
        if (!v || v->kind != V_MODEL) return;
        Model *m = v->model;
        char prefix[160];
        snprintf(prefix, sizeof prefix, "%.*s.", (int)n, text);
        if (!inner) {
            for (int l = 0; l < m->nlayers; l++) {
                char num[16];
                snprintf(num, sizeof num, "%d", l + 1);
                add_candidate(prefix, text, num);
                if (m->layers[l].label) add_candidate(prefix, text, m->layers[l].label);
            }
            return;
        }
        const char *which = inner + 1;
        for (int l = 0; l < m->nlayers; l++) {
            char num[16];
            snprintf(num, sizeof num, "%d", l + 1);
            if (strcmp(which, num) != 0 && !(m->layers[l].label && strcmp(which, m->layers[l].label) == 0)) continue;
            for (int k = 0; k < m->layers[l].nparams; k++) add_candidate(prefix, text, m->layers[l].params[k].name);
            for (int k = 0; k < m->layers[l].nstates; k++) add_candidate(prefix, text, m->layers[l].states[k].name);
        }
        return;
    }
    Slot slot = slot_at(I);
    if (slot == SLOT_ON) { add_candidate("", text, "on"); return; }
    if (slot == SLOT_ANY) {
        for (size_t i = 0; i < sizeof words / sizeof *words; i++) add_candidate("", text, words[i]);
        for (int i = 0; command_name(i); i++) add_candidate("", text, command_name(i));
    }
    for (int i = 0; i < I->nglobals; i++)
        if (!strchr(I->globals[i].name, '(') && fits(I->globals[i].v, slot)) add_candidate("", text, I->globals[i].name);
}

static char *next_candidate(const char *text, int state) {
    static int at;
    if (state == 0) {
        for (int i = 0; i < ncandidates; i++) free(candidates[i]);
        ncandidates = 0;
        collect_candidates(text);
        at = 0;
    }
    while (at < ncandidates) {
        char *c = candidates[at++];
        bool duplicate = false;
        for (int j = 0; j < at - 1; j++) duplicate |= strcmp(candidates[j], c) == 0;
        if (!duplicate) return strdup(c);
    }
    return NULL;
}

static char **complete_word(const char *text, int start, int end) {
    (void)end;
    completion_start = start;
    rl_attempted_completion_over = 1;     /* names, not file names */
    const char *dot = strchr(text, '.');
    rl_completion_append_character = dot && !strchr(dot + 1, '.') ? '.' : ' ';   /* net.1 then its params */
    return rl_completion_matches(text, next_candidate);
}

static char *history_path(void) {
    const char *home = getenv("HOME");
    if (!home || !*home) return NULL;
    size_t n = strlen(home) + 20;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/.nnl_history", home);
    return p;
}

/* a command from the page at the terminal: the line being typed steps
 * aside, the command and its output are printed, the line comes back */
static void view_command(Session *s) {
    char *typed = rl_copy_text(0, rl_end);
    int point = rl_point;
    rl_set_prompt("");
    rl_replace_line("", 0);
    rl_redisplay();
    web_service(s->I, run_for_view, s);
    rl_set_prompt(s->chunk < s->len ? MORE : PROMPT);
    rl_replace_line(typed ? typed : "", 0);
    rl_point = point;
    rl_redisplay();
    free(typed);
}

static int read_terminal(Interp *I) {
    Session s;
    session_init(&s, I, "<repl>");
    s.terminal = true;
    tty = &s;
    tty_done = false;
    char *hist = history_path();
    if (hist) read_history(hist);
    rl_catch_signals = 0;
    rl_readline_name = "nnl";
    rl_attempted_completion_function = complete_word;
    rl_basic_word_break_characters = " \t\n\"\\'`@$><=;|&{([,+-*/^";
    printf("nnl — a language for neural networks.  'help' lists the commands; Ctrl-D quits.\n");
    rl_callback_handler_install(PROMPT, on_line);
    in_repl = 1;
    while (!tty_done) {
        fd_set fds;
        FD_ZERO(&fds);
        FD_SET(fileno(rl_instream), &fds);
        int wake = web_wake_fd();
        if (wake >= 0) FD_SET(wake, &fds);
        int top = wake > fileno(rl_instream) ? wake : fileno(rl_instream);
        int r = select(top + 1, &fds, NULL, NULL, NULL);
        if (r < 0 && errno == EINTR) {
            if (nnl_interrupt) {              /* Ctrl-C at the prompt: clear the line */
                nnl_interrupt = 0;
                fputs("^C\n", stdout);
                rl_free_line_state();
                rl_callback_sigcleanup();
                rl_replace_line("", 0);
                s.len = s.chunk;              /* and any statement half typed */
                s.text[s.len] = 0;
                s.line = s.chunk_line - 1;
                scan_reset(&s);
                diag_add_source(s.file, "");  /* its lines are gone: diag forgets where they were */
                diag_add_source(s.file, s.text);
                rl_set_prompt(PROMPT);
                rl_on_new_line();
                rl_redisplay();
            }
            continue;
        }
        if (r < 0) break;
        if (wake >= 0 && FD_ISSET(wake, &fds)) view_command(&s);
        if (FD_ISSET(fileno(rl_instream), &fds)) rl_callback_read_char();
    }
    in_repl = 0;
    if (!tty_done) rl_callback_handler_remove();
    if (hist) { write_history(hist); history_truncate_file(hist, 1000); free(hist); }
    for (int i = 0; i < ncandidates; i++) free(candidates[i]);
    free(candidates);
    candidates = NULL;
    ncandidates = 0;
    /* at a terminal, errors were seen: the session ends well, unless Ctrl-D
       came inside an open block */
    session_end(&s);
    return s.ended_open ? 1 : 0;
}

int repl_run(Interp *I) {
    I->interactive = true;
    if (isatty(fileno(stdin)) && isatty(fileno(stdout))) return read_terminal(I);
    return read_plain(I);
}
