/* Ctrl-C at the points where work polls it (base/interrupt.h): an op or a
 * call stops the statement unless training; a file being written is not
 * left half-written, whether the write sees the flag or the process is
 * ended (the handler's file_abandon_temporary) just before its rename. */
#include "base/budget.h"
#include "base/diag.h"
#include "base/files.h"
#include "base/interrupt.h"
#include "check.h"
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int temporaries(const char *dir) {
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));) n += strncmp(e->d_name, ".nnl-", 5) == 0;
    if (d) closedir(d);
    return n;
}

static bool holds(const char *path, const char *text) {
    char buf[64] = "";
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f) fclose(f);
    buf[n] = 0;
    return strcmp(buf, text) == 0;
}

/* as the SIGINT handler does at a second Ctrl-C, just before the rename */
static void ended_before_rename(const char *tmp) { (void)tmp; file_abandon_temporary(); }

static void test_writes(void) {
    char dir[] = "/tmp/nnl-interrupt-XXXXXX";
    if (!mkdtemp(dir)) { CHECK(0, "mkdtemp"); return; }
    char path[100];
    snprintf(path, sizeof path, "%s/m.model", dir);
    CHECK(file_write_atomically(path, "old", 3) == NULL, "a first write");
    size_t big = 3u << 20;
    char *bytes = calloc(big, 1);
    nnl_interrupt = 1;
    const char *why = file_write_atomically(path, bytes, big);
    nnl_interrupt = 0;
    CHECK(why && strstr(why, "interrupted (Ctrl-C)"), "a write that sees Ctrl-C stops: %s", why ? why : "(written)");
    CHECK(holds(path, "old") && temporaries(dir) == 0, "... the old file is kept, no temporary file is left");
    file_crash_hook = ended_before_rename;
    why = file_write_atomically(path, bytes, big);
    file_crash_hook = NULL;
    CHECK(why != NULL, "a write whose temporary file was abandoned fails");
    CHECK(holds(path, "old") && temporaries(dir) == 0, "... the old file is kept, the temporary file is gone");
    nnl_interrupt = 1;
    CHECK(strcmp(file_error_text(EINTR), "interrupted (Ctrl-C)") == 0, "an open or read broken off by Ctrl-C says so");
    nnl_interrupt = 0;
    CHECK(strcmp(file_error_text(EINTR), strerror(EINTR)) == 0, "... and EINTR otherwise is what it is");
    free(bytes);
    unlink(path);
    rmdir(dir);
}

static void test_polls(void) {
    SrcLoc at = { "test", 1, 1 };
    DiagHandler h;
    volatile bool stopped = false;
    diag_push(&h);
    if (setjmp(h.env) == 0) {
        nnl_interrupt = 1;
        budget_charge(1, at);
        diag_pop(&h);
    } else stopped = true;
    CHECK(stopped, "an op (budget_charge) stops the statement at Ctrl-C");
    stopped = false;
    nnl_training = 1;
    diag_push(&h);
    if (setjmp(h.env) == 0) {
        budget_charge(1, at);
        diag_pop(&h);
    } else stopped = true;
    CHECK(!stopped, "... but not while training, which stops at the end of its batch");
    nnl_training = nnl_interrupt = 0;
}

int main(void) {
    FILE *quiet = tmpfile();
    diag_set_stream(quiet ? quiet : stderr);
    test_writes();
    test_polls();
    CHECK_DONE();
}
