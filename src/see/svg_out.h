/* Pictures for a notebook: with NNL_SVG_OUT=1 in the environment, `plot` and
 * `graph` without `to` print their SVG on the output between two marker
 * lines (the Jupyter kernel, editors/jupyter/nnl_kernel.py, shows it as
 * image/svg+xml) instead of drawing in the terminal or printing DOT. */
#ifndef NNL_SVG_OUT_H
#define NNL_SVG_OUT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define SVG_OUT_BEGIN "--- nnl svg begin ---"
#define SVG_OUT_END   "--- nnl svg end ---"

bool svg_out_wanted(void);
/* the marker line, the SVG, the end marker line */
void svg_out_print(FILE *out, const char *svg, size_t len);

#endif
