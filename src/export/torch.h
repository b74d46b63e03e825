/* `export NET "F.py"`: a model and its training as a PyTorch program
 * (torch_program.c, torch_model.c; docs/export.md). */
#ifndef NNL_TORCH_H
#define NNL_TORCH_H
#include "lang/interp.h"

/* A model with more numbers than this has its weights in a file of their
 * own next to the program (FILE.weights), not listed in it. */
enum { TORCH_INLINE_MAX = 20000 };

/* The program for the file `path` (data files are named relative to it).
 * A model, loss, optimizer or data it cannot write is refused with fail_at
 * at loc, naming it; the training is m's last `train`, else the script's
 * next one.  Everything is in I->pass. */
typedef struct TorchProgram {
    char          *text;            /* the program */
    size_t         len;
    const char    *weights_path;    /* the weights' file to write next to it, or NULL */
    unsigned char *weights;
    size_t         weights_len;
} TorchProgram;
TorchProgram torch_program(Interp *I, Model *m, SrcLoc loc, const char *path);

#endif
