/* data.c — data sets: inline tables `data NAME { ROW -> ROW ... }`.
 * Owns: turning rows into [rows, features] and [rows, targets] tensors.
 * Must not: know about models or training. */
#include "interp.h"

static Tensor *row_tensor(Interp *I, const Node *e, const char *what) {
    Tensor *t = expect_tensor(eval_expr(I, NULL, e), e->loc, what);
    if (t->ndim > 1) fail_at(e->loc, "%s must be a number or a flat list, got shape %s", what, shape_str(t));
    return t;
}

static void fill_row(Tensor *dst, int row, const Tensor *src) {
    for (int j = 0; j < src->size; j++) tensor_set(dst, row * src->size + j, tensor_get(src, j));
}

Dataset *data_build(Interp *I, const Node *n) {
    int rows = n->kids.n;
    if (rows == 0) fail_at(n->loc, "data '%s' has no rows", n->name);
    Dataset *d = arena_alloc(&I->perm, sizeof *d);
    d->name = n->name;
    d->loc = n->loc;
    for (int r = 0; r < rows; r++) {
        const Node *row = n->kids.items[r];
        Tensor *x = row_tensor(I, row->a, "a row's input"), *y = row_tensor(I, row->b, "a row's target");
        if (r == 0) {
            int xs[2] = { rows, x->size }, ys[2] = { rows, y->size };
            d->x = tensor_new(&I->perm, I->dtype, 2, xs);
            d->y = tensor_new(&I->perm, I->dtype, 2, ys);
        } else if (x->size != d->x->shape[1]) {
            fail_at(row->a->loc, "this row has %d input%s but the first row has %d", x->size,
                    x->size == 1 ? "" : "s", d->x->shape[1]);
        } else if (y->size != d->y->shape[1]) {
            fail_at(row->b->loc, "this row has %d target%s but the first row has %d", y->size,
                    y->size == 1 ? "" : "s", d->y->shape[1]);
        }
        fill_row(d->x, r, x);
        fill_row(d->y, r, y);
    }
    return d;
}
