/* dataset.c — the statements that make data sets: inline tables
 * `data NAME { ROW -> ROW ... }`, and `data a, b = EXPR` that names what a
 * loader, split or normalize gave.  (A data set as a value — one, not a group
 * of parts, and how it prints — is eval.c's, which this file calls.)
 * Owns: turning rows into [rows, features] and [rows, targets] tensors.
 * Must not: know about models or training, or read files (loaders.c). */
#include "base/arena.h"
#include "base/diag.h"
#include "lang/dataset.h"
#include "lang/eval.h"
#include "tensor/tensor.h"
#include <math.h>

/* One side of a row as numbers.  A list of number literals (the parser keeps
 * those as a flat array) or a single literal is read as it is; anything else
 * is evaluated.  Either way no per-number node or tensor is made for it. */
typedef struct RowSide { const double *vals; const Tensor *t; int n; double one; } RowSide;

static RowSide row_side(Interp *I, const Node *e, const char *what) {
    RowSide r = { 0 };
    if (e->kind == N_LIST && e->nvals) {
        for (int i = 0; i < e->nvals; i++) check_literal(I, e->vals[i], e->loc, i);
        r.vals = e->vals; r.n = e->nvals; return r;
    }
    if (e->kind == N_NUM) { check_literal(I, e->num, e->loc, -1); r.one = e->num; r.n = 1; return r; }
    Tensor *t = expect_tensor(eval_expr(I, NULL, e), e->loc, what);
    if (t->ndim > 1) fail_at(e->loc, "%s must be a number or a flat list, got shape %s", what, shape_str(t));
    r.t = t;
    r.n = t->size;
    return r;
}

/* a row's numbers must be finite: a NaN would only show later, as a NaN loss */
static void fill_row(Tensor *dst, int row, const RowSide *src, const Node *e, const char *what) {
    for (int j = 0; j < src->n; j++) {
        double v = src->t ? tensor_get(src->t, j) : src->vals ? src->vals[j] : src->one;
        char why[DTYPE_REFUSAL_SIZE];
        if (!dtype_holds(dst->dtype, v))
            fail_at(e->loc, "%s of row %d is %s (element %d): data must be finite numbers", what, row + 1,
                    isnan(v) ? "NaN" : dtype_refusal(dst->dtype, v, why, sizeof why), j + 1);
        tensor_set(dst, row * src->n + j, v);
    }
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
        fill_row(d->x, r, &x, row->a, "the input");
        fill_row(d->y, r, &y, row->b, "the target");
    }
    return d;
}

void data_assign(Interp *I, const Node *n) {
    Value v = eval_expr(I, NULL, n->a);
    if (v.kind != V_DATA)
        fail_at(n->a->loc, "'data %s = ...' needs a data set (from csv, idx, generate, split or normalize), not %s",
                n->name, value_kind_name(v));
    Dataset *d = v.data;
    int have = d->nparts ? d->nparts : 1, want = n->kids.n;
    if (have != want)
        fail_at(n->kids.items[0]->loc, "this gives %d data set%s but %d name%s given", have, have == 1 ? "" : "s",
                want, want == 1 ? " is" : "s are");
    for (int i = 0; i < want; i++) {
        Dataset *named = arena_alloc(&I->perm, sizeof *named);
        *named = d->nparts ? *d->parts[i] : *d;
        named->name = n->kids.items[i]->name;
        named->loc = n->loc;
        if (named->made_by) named->made_by->names[named->part] = named->name;
        Value nv = { .kind = V_DATA, .data = named };
        global_set(I, named->name, nv);
    }
}
