/* data.c — data sets: inline tables `data NAME { ROW -> ROW ... }`.
 * Owns: turning rows into [rows, features] and [rows, targets] tensors.
 * Must not: know about models or training. */
#include "interp.h"

/* One side of a row as numbers.  A list of number literals (the parser keeps
 * those as a flat array) or a single literal is read as it is; anything else
 * is evaluated.  Either way no per-number node or tensor is made for it. */
typedef struct RowSide { const double *vals; const Tensor *t; int n; double one; } RowSide;

static RowSide row_side(Interp *I, const Node *e, const char *what) {
    RowSide r = { 0 };
    if (e->kind == N_LIST && e->nvals) { r.vals = e->vals; r.n = e->nvals; return r; }
    if (e->kind == N_NUM) { r.one = e->num; r.n = 1; return r; }
    Tensor *t = expect_tensor(eval_expr(I, NULL, e), e->loc, what);
    if (t->ndim > 1) fail_at(e->loc, "%s must be a number or a flat list, got shape %s", what, shape_str(t));
    r.t = t;
    r.n = t->size;
    return r;
}

static void fill_row(Tensor *dst, int row, const RowSide *src) {
    for (int j = 0; j < src->n; j++)
        tensor_set(dst, row * src->n + j, src->t ? tensor_get(src->t, j) : src->vals ? src->vals[j] : src->one);
}

Dataset *data_build(Interp *I, const Node *n) {
    int rows = n->kids.n;
    if (rows == 0) fail_at(n->loc, "data '%s' has no rows", n->name);
    Dataset *d = arena_alloc(&I->perm, sizeof *d);
    d->name = n->name;
    d->loc = n->loc;
    for (int r = 0; r < rows; r++) {
        const Node *row = n->kids.items[r];
        RowSide x = row_side(I, row->a, "a row's input"), y = row_side(I, row->b, "a row's target");
        if (r == 0) {
            int xs[2] = { rows, x.n }, ys[2] = { rows, y.n };
            if (!dims_fit(2, xs) || !dims_fit(2, ys))
                fail_at(n->loc, "data '%s' would have more than %d numbers", n->name, MAX_ELEMENTS);
            d->x = tensor_new(&I->perm, I->dtype, 2, xs);
            d->y = tensor_new(&I->perm, I->dtype, 2, ys);
        } else if (x.n != d->x->shape[1]) {
            fail_at(row->a->loc, "this row has %d input%s but the first row has %d", x.n,
                    x.n == 1 ? "" : "s", d->x->shape[1]);
        } else if (y.n != d->y->shape[1]) {
            fail_at(row->b->loc, "this row has %d target%s but the first row has %d", y.n,
                    y.n == 1 ? "" : "s", d->y->shape[1]);
        }
        fill_row(d->x, r, &x);
        fill_row(d->y, r, &y);
    }
    return d;
}
