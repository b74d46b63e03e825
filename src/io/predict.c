/* predict.c — the statement `predict NET on DATA [to "FILE"] [rows N]`:
 * runs the model on the data's rows and prints what it predicts for each (the
 * class, or the outputs for numeric targets) or writes it to a CSV file.  The
 * file is written whole or not at all (io/outfile.c).
 * Owns: predict's options.  Must not: lay out the table or the CSV
 * (evaluation.c), write the file itself (outfile.c) or run a layer itself
 * (train.c's model_outputs). */
#include "base/arena.h"
#include "base/diag.h"
#include "io/outfile.h"
#include "io/predict.h"
#include "lang/eval.h"
#include "lang/loaders.h"
#include "lang/settings.h"
#include "tensor/tensor.h"
#include "train/evaluation.h"
#include "train/train.h"
#include <stdlib.h>
#include <string.h>

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

typedef struct Predictions { const Tensor *out; const Dataset *d; int of_rows; } Predictions;

static void write_predictions(Interp *I, FILE *f, const void *ctx) {
    const Predictions *p = ctx;
    report_predictions(&I->pass, f, p->out, p->d, p->of_rows, true);
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
        if (o.file) outfile_check(I, o.file, o.file_loc);
        return;
    }
    if (!o.file) {
        report_predictions(&I->pass, I->out, out, d, all, false);
        return;
    }
    Predictions p = { out, d, all };
    outfile_write(I, o.file, o.file_loc, write_predictions, &p);
    fprintf(I->out, "predictions for %d row%s written to %s\n", rows, rows == 1 ? "" : "s", o.file);
}
