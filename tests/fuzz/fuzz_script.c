/* fuzz_script.c — libFuzzer target for the whole interpreter: any text as a
 * script, parsed, checked (the dry run and the static name check) and, if
 * that passes, run, as `nnl FILE` does.  A work budget (src/base/budget.h) stops
 * any input that would train, recurse or allocate for long; files may only
 * be named inside the script's folder, a scratch folder holding a small CSV.
 * Must end with a reported error or normally, never crash, leak or trip a
 * sanitizer.  Built by `make fuzz` / `make test` into $(BUILD)/fuzz/fuzz_script;
 * its seeds are every script of the tree (tests/fuzz/seeds.sh). */
#include "cli/toplevel.h"
#include "lang/eval.h"
#include "base/budget.h"
#include "lang/interp.h"
#include "lang/resolve.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { WORK_LIMIT = 3000000, LARGEST_TENSOR = 1 << 20 };

static char fuzz_script_file[256], folder[256];
static FILE *devnull;

static void remove_folder(void) {
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", folder);
    if (system(cmd) != 0) fprintf(stderr, "fuzz_script: could not remove %s\n", folder);
}

/* a scratch folder (in memory where there is /dev/shm) with data/iris.csv */
static void make_folder(void) {
    char dir[] = "/dev/shm/nnl-fuzz-XXXXXX", fallback[] = "/tmp/nnl-fuzz-XXXXXX";
    const char *d = mkdtemp(dir);
    if (!d) d = mkdtemp(fallback);
    if (!d) abort();
    snprintf(folder, sizeof folder, "%s", d);
    atexit(remove_folder);
    snprintf(fuzz_script_file, sizeof fuzz_script_file, "%s/fuzz.nnl", d);
    char path[300];
    snprintf(path, sizeof path, "%s/data", d);
    if (mkdir(path, 0700) != 0) abort();
    snprintf(path, sizeof path, "%s/data/iris.csv", d);
    FILE *f = fopen(path, "w");
    if (!f) abort();
    fputs("sepal_length,sepal_width,petal_length,petal_width,species\n"
          "5.1,3.5,1.4,0.2,setosa\n4.9,3.0,1.4,0.2,setosa\n7.0,3.2,4.7,1.4,versicolor\n"
          "6.4,3.2,4.5,1.5,versicolor\n6.3,3.3,6.0,2.5,virginica\n5.8,2.7,5.1,1.9,virginica\n", f);
    fclose(f);
}

static bool run(const Node *program, bool dry_run) {
    Interp I;
    interp_init(&I, dry_run);
    I.out = devnull;
    interp_load_stdlib(&I);
    budget_restart();
    bool ok = interp_run(&I, program) && (!dry_run || resolve_definitions(&I, program));
    interp_free(&I);
    return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!devnull) {
        devnull = fopen("/dev/null", "w");
        diag_set_stream(devnull);
        budget_set(WORK_LIMIT, LARGEST_TENSOR, true);
        make_folder();
    }
    if (memchr(data, 0, size)) return -1;         /* scripts never hold NUL */
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = 0;
    Arena ast = { 0 };
    Node *program = parse_source(&ast, fuzz_script_file, text);
    if (program && run(program, true)) run(program, false);
    arena_free(&ast);
    free(text);
    return 0;
}
