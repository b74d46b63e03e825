/* main.c — the command line: `nnl FILE`, `nnl --check FILE`, `nnl --ir FILE`,
 * `nnl` (statements from standard input: the REPL), `nnl -i FILE` and
 * `nnl --time FILE` (wall time of each phase and statement, for bench/).
 * Must not: know the language beyond calling the stages in order. */
#include "base/arena.h"
#include "base/budget.h"
#include "base/files.h"
#include "base/stack.h"
#include "base/steps.h"
#include "cli/kernel.h"
#include "cli/repl.h"
#include "cli/toplevel.h"
#include "cli/version.h"
#include "front/ast.h"
#include "lang/irprint.h"
#include "lang/resolve.h"
#include "lsp/names.h"
#include "lsp/server.h"
#include "train/lint.h"
#include "web/view.h"
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: nnl [--check | --ir | -i | --view] [--quiet] [--time] [--interpret] [FILE]\n"
    "       nnl lsp           the language server for editors (LSP on standard input and output)\n"
    "       nnl --version | --help\n"
    "  nnl FILE          run a script\n"
    "  nnl               read statements from standard input (an interactive REPL on a terminal)\n"
    "  nnl -i FILE       run a script, then go on reading statements with everything it defined\n"
    "  nnl --view [FILE] run the script (if any), then go on at the prompt with the view's web server on\n"
    "  nnl --check FILE  parse and check it (names, arguments, every shape); run nothing\n"
    "  nnl --ir FILE     check it and print it back as nnl, models expanded in comments\n"
    "  nnl --time FILE   run it and print the wall time of the check pass and of each statement to stderr\n"
    "  --quiet           train prints no progress (warnings and diagnoses still show)\n"
    "  --interpret       run every training step and update through the interpreter: no replayed steps,\n"
    "                    no fused optimizer (slower; the results are the same, bit for bit)\n";

/* A script is text of at most this many bytes: /dev/zero or a binary file
 * given by mistake ends at once, not when memory does. */
enum { SCRIPT_CAP = 64 << 20 };

static char *read_file(const char *path) {
    char why[600];
    size_t n;
    char *buf = file_read_all(path, file_read_cap(SCRIPT_CAP), file_stop_at_nul, &n, why, sizeof why);
    if (!buf) { fprintf(stderr, "nnl: %s\n", why); return NULL; }
    if (strlen(buf) != n) {
        size_t at = strlen(buf);
        int line = 1, col = 1;
        for (size_t i = 0; i < at; i++) {
            if (buf[i] == '\n') { line++; col = 1; }
            else if (((unsigned char)buf[i] & 0xC0) != 0x80) col++;
        }
        fprintf(stderr, "%s:%d:%d: error: the file contains a NUL byte (offset %zu); nnl scripts are text\n", path,
                line, col, at);
        free(buf);
        return NULL;
    }
    return buf;
}

/* every name of the language, "KIND NAME" a line (editors/gen_syntax.awk reads them) */
static int dump_names(void) {
    Interp I;
    interp_init(&I, true);
    interp_load_stdlib(&I);
    names_dump(stdout, &I);
    interp_free(&I);
    return fflush(stdout) == 0 ? 0 : 1;
}

/* nnl lsp: the language server checks documents as --check does */
static void lsp_start(Interp *I) { interp_init(I, true); interp_load_stdlib(I); }
static const LspRunner lsp_runner = { lsp_start, interp_run, interp_free };

int main(int argc, char **argv) {
    stack_guard_start(&argc);              /* the stack's origin, for every depth check */
    /* A large block (a layer's weights, a product's scratch) is mapped on
     * its own and unmapped when freed.  glibc would otherwise raise this
     * threshold after the first such free and serve the next ones from the
     * heap, which keeps what is freed: a large model's check pass would then
     * stay resident through the whole run. */
    mallopt(M_MMAP_THRESHOLD, 4 << 20);
    enum { RUN, CHECK, IR } mode = RUN;
    bool then_repl = false, quiet = false, timing = false, interpret = false, view = false, kernel = false;
    double start = wall_seconds();
    const char *path = NULL;
    if (argc == 2 && strcmp(argv[1], "lsp") == 0) return lsp_serve(&lsp_runner);   /* a script called lsp: nnl ./lsp */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--check") == 0) mode = CHECK;
        else if (strcmp(argv[i], "--ir") == 0) mode = IR;
        else if (strcmp(argv[i], "-i") == 0) then_repl = true;
        else if (strcmp(argv[i], "--view") == 0) then_repl = view = true;
        else if (strcmp(argv[i], "--quiet") == 0) quiet = true;
        else if (strcmp(argv[i], "--time") == 0) timing = true;
        else if (strcmp(argv[i], "--interpret") == 0) interpret = true;
        else if (strcmp(argv[i], "--version") == 0) { version_print(stdout); return 0; }
        else if (strcmp(argv[i], "--kernel") == 0) kernel = true;          /* hidden: the Jupyter kernel's nnl */
        else if (strcmp(argv[i], "--dump-names") == 0) return dump_names();    /* hidden: for the syntax files */
        else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) { fputs(usage, stdout); return 0; }
        else if (argv[i][0] == '-' && argv[i][1]) { fprintf(stderr, "nnl: unknown option '%s'\n%s", argv[i], usage); return 2; }
        else if (path) { fprintf(stderr, "nnl: one script at a time\n%s", usage); return 2; }
        else path = argv[i];
    }
    if (!path && (mode != RUN || (then_repl && !view))) { fputs(usage, stderr); return 2; }
    if (kernel && (path || mode != RUN || then_repl)) { fputs(usage, stderr); return 2; }
    if (then_repl && mode != RUN) { fprintf(stderr, "nnl: -i goes with running a script\n%s", usage); return 2; }
    if (timing && (mode != RUN || !path)) { fprintf(stderr, "nnl: --time goes with running a script\n%s", usage); return 2; }
    signals_install();
    atexit(steps_report);                  /* NNL_COUNT_STEPS=1: tests of linear work */
    const char *memory = getenv("NNL_MEMORY_LIMIT");    /* MiB: out of memory is then an error, testably */
    if (memory && atof(memory) > 0) arena_set_limit((size_t)(atof(memory) * (1 << 20)));
    Interp I;
    if (!path) {
        interp_init(&I, false);
        I.quiet = quiet;
        I.interpret_steps = I.interpret_optimizer = interpret;
        interp_load_stdlib(&I);
        if (view && !web_view_start(&I, 0)) { interp_free(&I); return 1; }
        int status = kernel ? kernel_run(&I) : repl_run(&I);
        interp_free(&I);
        return status;
    }
    char *text = read_file(path);
    if (!text) return 1;
    Arena ast = { 0 };
    int status = 1;
    bool diverged = false;
    Node *program = parse_source(&ast, path, text);
    if (program) {
        /* The check pass runs the whole program once without output, so
         * every name and shape is verified before anything really runs. */
        Interp check;
        double phase = wall_seconds();
        bool no_undo = !then_repl && !ast_has_command(program, "undo");   /* no snapshot kept for it */
        interp_init(&check, true);
        check.no_undo = no_undo;
        interp_load_stdlib(&check);
        if (timing) report_time("stdlib", phase);
        phase = wall_seconds();
        bool ok = interp_run(&check, program) && resolve_definitions(&check, program);
        if (ok) lint_unused(program);
        if (check.interrupted) status = 130;      /* Ctrl-C during the check: nothing runs */
        if (timing) report_time("check", phase);
        if (ok && mode == IR) ir_print(stdout, &check, program);
        interp_free(&check);
        if (ok && mode == RUN && status != 130) {
            phase = wall_seconds();
            interp_init(&I, false);
            I.no_undo = no_undo;
            I.quiet = quiet;
            I.interpret_steps = I.interpret_optimizer = interpret;
            interp_load_stdlib(&I);
            if (timing) report_time("stdlib", phase);
            I.timing = timing;              /* statements of the script, not of the stdlib */
            ok = interp_run(&I, program);
            diverged = I.diverged;
            if (I.interrupted) status = 130;
            else if (view && web_wake_fd() < 0 && !web_view_start(&I, 0)) status = 1;
            else if (then_repl) status = repl_run(&I);   /* goes on with what the script defined */
            interp_free(&I);
        }
        if (status != 130 && !(then_repl && ok && mode == RUN)) status = !ok ? 1 : diverged ? 3 : 0;
    }
    arena_free(&ast);
    free(text);
    if (timing) report_time("total", start);
    return status;
}
