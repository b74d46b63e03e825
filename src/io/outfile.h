/* Files that nnl writes whole or not at all (outfile.c): `predict ... to
 * FILE`, `history NET to FILE`. */
#ifndef NNL_OUTFILE_H
#define NNL_OUTFILE_H
#include "lang/interp.h"
#include <stdio.h>

/* The check pass writes nothing, but a file that could not be written is an
 * error then, before a long training: its folder must exist and be
 * writable, and FILE, if it exists, must be a regular file. */
void outfile_check(Interp *I, const char *file, SrcLoc loc);

/* Writes FILE: `write` fills a temporary file in FILE's folder, which is then
 * renamed over FILE, so FILE is never left half written.  Refuses to replace
 * anything that is not a regular file (a folder, a device, a pipe).  Errors
 * ("FILE: cannot write: why") are shown at loc; no temporary file is left. */
typedef void (*OutfileWrite)(Interp *I, FILE *f, const void *ctx);
void outfile_write(Interp *I, const char *file, SrcLoc loc, OutfileWrite write, const void *ctx);

#endif
