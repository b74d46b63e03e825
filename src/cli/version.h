/* nnl's version, and what this build of it was made with (nnl --version). */
#ifndef NNL_VERSION_H
#define NNL_VERSION_H
#include <stdio.h>

#define NNL_VERSION "0.9.0"

/* "nnl 0.9.0" and one line per library: BLAS (found at run time or not),
 * Graphviz, readline, libmicrohttpd, cJSON */
void version_print(FILE *out);

#endif
