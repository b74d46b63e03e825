/* predict.c — the statement `predict NET on DATA [to "FILE"] [rows N]`:
 * runs the model on the data's rows and prints what it predicts for each (the
 * class, or the outputs for numeric targets) or writes it to a CSV file.  The
 * file is written whole or not at all: into a temporary file in the same
 * folder, renamed over FILE at the end.
 * Owns: predict's options and the file it writes.  Must not: lay out the
 * table or the CSV (report.c) or run a layer itself (train.c's model_outputs). */
#include "base/arena.h"
#include "base/diag.h"
#include "io/predict.h"
#include "lang/eval.h"
#include "lang/loaders.h"
#include "lang/settings.h"
#include "tensor/tensor.h"
#include "train/evaluation.h"
#include "train/train.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct PredictOptions {
    const char *file;     /* to "FILE": relative to the script, like the loaders' files */
    SrcLoc      file_loc; /* where the file name is written: file errors point there */
    int         rows;     /* only the first rows (like the diagnostics' option); 0: all */
} PredictOptions;

static const char *const predict_options[] = { "to", "rows" };

static PredictOptions parse_options(Interp *I, const Node *n) {
    PredictOptions o = { 0 };
    for (int i = 0; i < n->kids.n; i++) {
        const Node *kv = n->kids.items[i];
        for (int j = 0; j < i; j++)
            if (n->kids.items[j]->name == kv->name) fail_at(kv->loc, "predict option '%s' is given twice", kv->name);
        Value v = eval_expr(I, NULL, kv->a);
        if (strcmp(kv->name, "to") == 0) {
            if (v.kind != V_STRING) fail_at(kv->a->loc, "'to' needs a file name in quotes, not %s", value_kind_name(v));
            if (!*v.s) fail_at(kv->a->loc, "'to' needs a file name, not an empty string");
            o.file = script_path(I, v.s, n->loc);
            o.file_loc = kv->a->loc;
        } else if (strcmp(kv->name, "rows") == 0) {
            o.rows = expect_count(I, v, kv->a->loc, "rows");
        } else {
            for (int k = 0; k < 2; k++)
                if (levenshtein(kv->name, predict_options[k]) <= 2)
                    fail_at(kv->loc, "unknown predict option '%s'; did you mean '%s'?", kv->name, predict_options[k]);
            fail_at(kv->loc, "unknown predict option '%s'; the options are 'to FILE' and 'rows N'", kv->name);
        }
    }
    return o;
}

/* The check pass writes nothing but makes sure the file could be written, so
 * a long training does not end in a folder that is not there. */
static void check_writable(Interp *I, const char *file, SrcLoc loc) {
    struct stat st;
    if (stat(file, &st) == 0 && S_ISDIR(st.st_mode)) fail_at(loc, "%s: cannot write: it is a folder", file);
    const char *slash = strrchr(file, '/');
    const char *dir = !slash ? "." : slash == file ? "/" : arena_printf(&I->pass, "%.*s", (int)(slash - file), file);
    if (access(dir, W_OK | X_OK) != 0) fail_at(loc, "%s: cannot write: %s", file, strerror(errno));
}

static void write_predictions(Interp *I, const char *file, const Tensor *out, const Dataset *d, int of_rows,
                              SrcLoc loc) {
    char *tmp = arena_printf(&I->pass, "%s.tmp-XXXXXX", file);
    int fd = mkstemp(tmp);
    if (fd < 0) fail_at(loc, "%s: cannot write: %s", file, strerror(errno));
    FILE *f = fdopen(fd, "w");
    if (!f) {
        int e = errno;
        close(fd);
        unlink(tmp);
        fail_at(loc, "%s: cannot write: %s", file, strerror(e));
    }
    /* mkstemp makes the file readable by its owner only; give it what a new file gets */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    DiagHandler h;              /* an error while writing (out of memory) leaves no temporary file */
    diag_push(&h);
    if (setjmp(h.env) != 0) {
        fclose(f);
        unlink(tmp);
        diag_throw();
    }
    report_predictions(&I->pass, f, out, d, of_rows, true);
    diag_pop(&h);
    bool ok = fflush(f) == 0 && !ferror(f);
    int e = errno;
    ok = fclose(f) == 0 && ok;
    if (ok && rename(tmp, file) != 0) { e = errno; ok = false; }
    if (!ok) {
        unlink(tmp);
        fail_at(loc, "%s: cannot write: %s", file, strerror(e ? e : EIO));
    }
}

void exec_predict(Interp *I, const Node *n) {
    Model *m = find_model(I, n->name, n->loc);
    Dataset *d = find_data(I, n->label, n->loc);
    check_fit(m, d, n->loc);
    PredictOptions o = parse_options(I, n);
    int all = d->x->shape[0], rows = o.rows && o.rows < all ? o.rows : all;
    Dataset first = *d;             /* only the rows asked for are run */
    first.x = tensor_first_rows(&I->pass, d->x, rows);
    first.y = tensor_first_rows(&I->pass, d->y, rows);
    d = &first;
    Tensor *out = model_outputs(I, m, d->x, n->loc);
    if (I->dry_run) {
        if (o.file) check_writable(I, o.file, o.file_loc);
        return;
    }
    if (!o.file) {
        report_predictions(&I->pass, I->out, out, d, all, false);
        return;
    }
    write_predictions(I, o.file, out, d, all, o.file_loc);
    fprintf(I->out, "predictions for %d row%s written to %s\n", rows, rows == 1 ? "" : "s", o.file);
}
