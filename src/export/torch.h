/* `export NET "F.py"`: a model and its training as a PyTorch program
 * (torch_program.c, torch_model.c; docs/export.md). */
#ifndef NNL_TORCH_H
#define NNL_TORCH_H
#include "lang/interp.h"

/* The program's text (in I->pass), for the file `path` (data files are
 * named relative to it); a model, loss, optimizer or data it cannot write
 * is refused with fail_at at loc, naming it.  Needs a `train` of m before. */
char *torch_program(Interp *I, Model *m, SrcLoc loc, const char *path, size_t *len);

#endif
