/* Tests the undo stack (src/train/snapshot.c): it keeps the newest 32
 * changes, newest first, and drops the oldest; an undo of a `train` puts
 * back the weights, the counts and the history as they were before it. */
#include "train/history.h"
#include "train/snapshot.h"
#include "check.h"
#include "script_run.h"

int main(void) {
    (void)differences;              /* script_run.h's, for the tests that compare two runs */
    Run r;
    run_begin(&r);
    snprintf(r.src, sizeof r.src,
             "data d {\n  [0, 0] -> [0]\n  [1, 1] -> [1]\n}\n"
             "model net {\n  input 2\n  dense 1 sigmoid with W = [[1, 1]], b = [0]\n}\n"
             "loss mse\noptimizer sgd(lr=0.5)\ntrain net on d epochs 3\n");
    run_source(&r, "undo.nnl");
    CHECK(r.ok, "the script runs");
    if (!r.ok) fputs(r.log ? r.log : "", stdout);
    Model *m = net_of(&r);
    CHECK(m && r.I.nundo == 1 && r.I.undo && strcmp(r.I.undo->what, "train") == 0, "a train is on the undo stack");
    if (!m) CHECK_DONE();
    CHECK(m->steps == 3 && history_run(m, -1) && history_run(m, -1)->n == 3, "3 updates, 3 epochs in the history");

    struct Snapshot *s = undo_pop(&r.I);
    snapshot_restore(s);
    CHECK(m->steps == 0 && m->epochs == 0, "undo of the train: no update, no epoch");
    CHECK(tensor_get(m->layers[0].params[0].value, 0) == 1, "undo of the train: the hand-set weight is back");
    CHECK(history_run(m, -1) == NULL, "undo of the train: its epochs are out of the history");
    snapshot_free(s);

    for (int i = 0; i < 40; i++) undo_remember(&r.I, m, i == 39 ? "last" : "update");
    int n = 0;
    for (struct Snapshot *k = r.I.undo; k; k = k->older) n++;
    CHECK(r.I.nundo == 32 && n == 32, "40 changes keep the newest 32 (counted %d, nundo %d)", n, r.I.nundo);
    CHECK(strcmp(r.I.undo->what, "last") == 0, "the newest is on top");
    undo_free_all(&r.I);
    CHECK(r.I.undo == NULL && r.I.nundo == 0, "undo_free_all empties it");
    run_free(&r);
    CHECK_DONE();
}
