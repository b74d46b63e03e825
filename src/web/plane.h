/* The plane of a 2-input model (plane.c): every unit's output over a grid,
 * the decision regions and the data points, for the page's heatmaps. */
#ifndef NNL_WEB_PLANE_H
#define NNL_WEB_PLANE_H
#include "lang/interp.h"
#include <cjson/cJSON.h>

enum { PLANE_N = 40, PLANE_MAX_POINTS = 500 };

/* The `plane` object of docs/view-json.md for m over the points x (rows ×
 * 2) with targets y (or NULL), or null when m does not take 2 inputs or is
 * not initialised.  Runs m's own forward in evaluation mode on the grid;
 * the tape and the evaluator's mode are as they were afterwards. */
cJSON *view_plane(Interp *I, Model *m, const Tensor *x, const Tensor *y, SrcLoc loc);

#endif
