/* The object the page reads (passjson.c; docs/view-json.md): the model, the
 * pass at its cursor, its steps, the loss curve, the plane. */
#ifndef NNL_WEB_PASSJSON_H
#define NNL_WEB_PASSJSON_H
#include "lang/interp.h"

/* The model the view shows: the current pass's, else the last one built
 * (NULL: none yet). */
Model *view_model(Interp *I);
/* rows in the pass (at most VIEW_MAX_ROWS), 0 without one */
int view_rows(Interp *I);
/* The data set whose rows the pass runs on (the same tensor), else the only
 * data set that fits the model; NULL if none or several. */
const char *view_dataset(Interp *I, Model *m);

/* The object as text (malloc'd).  live: `"live": true` and no frames;
 * otherwise the frames of every position (the pass is walked, walk.h).
 * Raises an error (fail_at) when there is nothing to show. */
char *view_json(Interp *I, int row, bool live, SrcLoc loc);

#endif
