/* index.c — x[2], x[0:5], x[-1], W[2, 3], W[:, 1:3]: a part of a tensor's
 * values, as Python and NumPy index (negative from the end, a slice's ends
 * clamped, an index past the end an error).
 * Owns: evaluating indices and slices, copying the part out.
 * Must not: record on the tape.  Indexing is for looking at values: where a
 * gradient would have to flow through it (a value computed from parameters,
 * inside a function, a layer or a loss) it is an error rather than a
 * gradient that silently stops. */
#include "base/diag.h"
#include "base/text.h"
#include "front/ast.h"
#include "lang/eval.h"
#include "lang/index.h"
#include "tensor/tensor.h"
#include <math.h>

/* a whole number given as an index or a slice's end */
static long index_number(Interp *I, Frame *f, const Node *e) {
    double d = expect_number(I, eval_expr(I, f, e), e->loc, "an index");
    if (d != floor(d) || fabs(d) > 1e9) fail_at(e->loc, "an index must be a whole number, got %s", number_text(d));
    return (long)d;
}

/* a slice's end: negative counts from the end; clamped to [0, n] as in Python */
static int slice_end(Interp *I, Frame *f, const Node *e, int fallback, int n) {
    if (!e) return fallback;
    long v = index_number(I, f, e);
    if (v < 0) v += n;
    return v < 0 ? 0 : v > n ? n : (int)v;
}

Tensor *index_tensor(Interp *I, Frame *f, Tensor *t, const Node *e) {
    int k = e->kids.n;
    if (t->ndim == 0) fail_at(e->loc, "a single number cannot be indexed");
    if (k > t->ndim)
        fail_at(e->loc, "%d indices for a tensor of shape %s: it has %d dimension%s", k, shape_str(t), t->ndim,
                t->ndim == 1 ? "" : "s");
    if (t->requires_grad && (I->mode.call_depth > 0 || I->mode.layer || I->mode.recording_step))
        fail_at(e->loc, "indexing is not differentiable: inside a function, a layer or a loss, a value computed "
                        "from parameters cannot be indexed (its gradient would stop here); index values outside, "
                        "at the top level");
    not_replayable(I, t, e->loc, "indexes a value that changes every step");
    int from[MAX_DIMS], count[MAX_DIMS], shape[MAX_DIMS], ndim = 0;
    for (int d = 0; d < t->ndim; d++) {
        int n = t->shape[d];
        const Node *x = d < k ? e->kids.items[d] : NULL;
        if (!x || x->kind == N_SLICE) {
            from[d] = x ? slice_end(I, f, x->a, 0, n) : 0;
            int to = x ? slice_end(I, f, x->b, n, n) : n;
            count[d] = to > from[d] ? to - from[d] : 0;
            shape[ndim++] = count[d];
            continue;
        }
        long i = index_number(I, f, x);
        if (i < -n || i >= n)
            fail_at(x->loc, "index %ld is out of range for dimension %d of a tensor of shape %s "
                    "(from 0 to %d, or -%d to -1)", i, d + 1, shape_str(t), n - 1, n);
        from[d] = (int)(i < 0 ? i + n : i);
        count[d] = 1;
    }
    Tensor *out = tensor_new_raw(&I->pass, t->dtype, ndim, shape);
    out->varies = t->varies;
    int at[MAX_DIMS] = { 0 };
    for (int j = 0; j < out->size; j++) {
        long src = 0;
        for (int d = 0; d < t->ndim; d++) src = src * t->shape[d] + from[d] + at[d];
        tensor_set(out, j, tensor_get(t, (int)src));
        for (int d = t->ndim - 1; d >= 0 && ++at[d] == count[d]; d--) at[d] = 0;
    }
    return out;
}
