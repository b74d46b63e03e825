/* What nnl prints back, nnl reads: every statement of every example, golden
 * script, REPL session, error script that parses and stdlib file, printed
 * back as source (ast_print_stmt, what `nnl --ir` prints), parses again and
 * prints back the same text (a fixed point: the same tree). */
#include "front/ast.h"
#include "lang/stdlib_embed.h"
#include "check.h"
#include <glob.h>
#include <stdlib.h>
#include <string.h>

static char *read_all(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) fwrite(chunk, 1, n, mem);
    fclose(f);
    fclose(mem);
    return buf;
}

/* the program's statements printed back, or NULL if it does not parse.
 * The error messages' sources are kept by name (base/diag.c): one name of
 * static storage per side, whose text each parse replaces. */
static char *print_back(const char *name, const char *text) {
    Arena arena = {0};
    const Node *program = parse_source(&arena, name, text);
    if (!program) { arena_free(&arena); return NULL; }
    char *out = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&out, &len);
    for (int i = 0; i < program->kids.n; i++) ast_print_stmt(mem, program->kids.items[i], 0);
    fclose(mem);
    arena_free(&arena);
    return out;
}

static int files, statements;

static void round_trip(const char *name, const char *text) {
    char *first = print_back("source.nnl", text);
    if (!first) return;                 /* an error script that does not parse */
    char *second = print_back("printed-back.nnl", first);
    files++;
    for (const char *s = first; *s; s++) statements += *s == '\n';
    CHECK(second != NULL, "%s printed back parses", name);
    if (second && strcmp(first, second) != 0) {
        CHECK(0, "%s printed back prints back the same", name);
        fprintf(stdout, "--- first\n%s--- second\n%s", first, second);
    }
    free(first);
    free(second);
}

int main(void) {
    diag_set_stream(fopen("/dev/null", "w"));   /* the error scripts' messages */
    const char *patterns[] = { "examples/*.nnl", "tests/golden/*.nnl", "tests/errors/*.nnl", "tests/repl/*.in",
                               "tests/predict/*.nnl", "tests/reference/*.nnl" };
    for (size_t p = 0; p < sizeof patterns / sizeof *patterns; p++) {
        glob_t g;
        if (glob(patterns[p], 0, NULL, &g) != 0) continue;
        for (size_t i = 0; i < g.gl_pathc; i++) {
            char *text = read_all(g.gl_pathv[i]);
            if (text) round_trip(g.gl_pathv[i], text);
            free(text);
        }
        globfree(&g);
    }
    for (const StdlibFile *f = nnl_stdlib_files; f->name; f++) round_trip(f->name, f->text);
    CHECK(files > 250 && statements > 3000, "printed back %d files, %d lines", files, statements);
    CHECK_DONE();
}
