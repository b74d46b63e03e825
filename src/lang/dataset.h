/* Data sets made by statements (dataset.c): `data NAME { ... }` tables and
 * `data a, b = EXPR`; and what a data function's call was (DataCall). */
#ifndef NNL_DATASET_H
#define NNL_DATASET_H
#include "data/dataload.h"
#include "lang/interp.h"

/* The call of a data function that made data sets (loaders.c), kept so
 * that `export NET "F.py"` can write the same loading in Python.  A data set
 * without one was written in the script (`data NAME { ... }`) or generated. */
typedef enum { DATA_CSV, DATA_IDX, DATA_SPLIT, DATA_NORMALIZE } DataCallKind;
typedef struct DataCall {
    DataCallKind kind;
    SrcLoc       loc;
    const char  *file, *labels;     /* csv: the file; idx: the images and labels files (as read) */
    CsvOptions   csv;               /* csv(...)'s options (strings and lists in perm) */
    double       scale;             /* idx: each value times scale */
    long         limit;             /* idx: at most that many items (0: all) */
    Dataset     *in[3];             /* split: the data; normalize: the data sets scaled */
    int          nin, nout;         /* how many data sets it took and gave */
    int          count[3];          /* split: the rows of each part, in the order row_order gave */
    uint64_t     seed;              /* split: row_order's seed */
    bool         shuffle;
    NormStats    stats;             /* normalize: x' = (x - offset) / scale, fitted on in[0] */
    const char  *names[3];          /* what `data a, b = ...` named its data sets, or NULL */
} DataCall;

Dataset *data_build(Interp *I, const Node *n);
void     data_assign(Interp *I, const Node *n);          /* data a, b = EXPR */
/* data_one and data_print, of a data set as a value, are eval.h's */

#endif
