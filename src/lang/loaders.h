/* The data functions of the language (loaders.c): csv, idx, generate,
 * split, normalize, exists — builtins over the data stage's formats. */
#ifndef NNL_LOADERS_H
#define NNL_LOADERS_H
#include "lang/interp.h"

void loaders_register(Interp *I);
/* a file name as a script means it: relative to the script's folder */
const char *script_path(Interp *I, const char *path, SrcLoc loc);

#endif
