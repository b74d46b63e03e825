/* predict.c — the statement `predict NET on DATA [to "FILE"] [rows N]`:
 * runs the model on the data's rows and prints what it predicts for each (the
 * class, or the outputs for numeric targets) or writes it to a CSV file.  The
 * file is written whole or not at all: into a temporary file in the same
 * folder, renamed over FILE at the end.
 * Owns: predict's options and the file it writes.  Must not: lay out the
 * table or the CSV (report.c) or run a layer itself (train.c's model_outputs). */
#include "base/arena.h"
#include "base/diag.h"
#include "base/files.h"
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
static void check_writable(const char *file, SrcLoc loc) {
    const char *why = file_check_writable(file);
    if (why) fail_at(loc, "%s: cannot write: %s", file, why);
}

static void write_predictions(Interp *I, const char *file, const Tensor *out, const Dataset *d, int of_rows,
                              SrcLoc loc) {
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) fail_at(loc, "%s: cannot write: %s", file, strerror(errno));
    DiagHandler h;              /* an error while laying it out (out of memory) leaks nothing */
    diag_push(&h);
    if (setjmp(h.env) != 0) {
        fclose(f);
        free(text);
        diag_throw();
    }
    report_predictions(&I->pass, f, out, d, of_rows, true);
    diag_pop(&h);
    bool ok = fclose(f) == 0;
    const char *why = ok ? file_write_atomically(file, text, len) : "out of memory";
    free(text);
    if (why) fail_at(loc, "%s: cannot write: %s", file, why);
}

void exec_predict(Interp *I, const Node *n) {
    Model *m = find_model(I, n->name, n->loc);
    Dataset *d = find_data(I, n->label, n->loc);
    check_fit(m, d, n->loc);
    PredictOptions o = parse_options(I, n);
    int all = d->x->shape[0], rows = o.rows && o.rows < all ? o.rows : all;
    Dataset first = *d;             /* only the rows asked for are run */
    first.x = tensor_first_rows(&I->pass, tensor_plain(d->x), rows);
    first.y = tensor_first_rows(&I->pass, d->y, rows);
    d = &first;
    Tensor *out = model_outputs(I, m, tensor_plain(d->x), n->loc);
    if (I->dry_run) {
        if (o.file) check_writable(o.file, o.file_loc);
        return;
    }
    if (!o.file) {
        report_predictions(&I->pass, I->out, out, d, all, false);
        return;
    }
    write_predictions(I, o.file, out, d, all, o.file_loc);
    fprintf(I->out, "predictions for %d row%s written to %s\n", rows, rows == 1 ? "" : "s", o.file);
}
