/* x[i], x[a:b], W[i, j] (index.c): a part of a tensor's values.  The
 * evaluator takes it through I->hooks.index (language.c sets it). */
#ifndef NNL_INDEX_H
#define NNL_INDEX_H
#include "lang/interp.h"

/* The part of t that the N_INDEX node e selects (its indices evaluated in
 * f), copied into the pass arena.  Fails at the index that is out of range,
 * naming t's shape; and where a gradient would be needed (inside a function,
 * a layer or a loss, on a value computed from parameters): indexing is not
 * recorded on the tape. */
Tensor *index_tensor(Interp *I, Frame *f, Tensor *t, const Node *e);

#endif
