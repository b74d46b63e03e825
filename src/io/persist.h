/* Saving and loading models (persist.c): `save NET "FILE"` and
 * `load NET "FILE"`.  The format is described in docs/persistence.md. */
#ifndef NNL_PERSIST_H
#define NNL_PERSIST_H
#include "lang/interp.h"

void exec_save(Interp *I, const Node *n);
void exec_load(Interp *I, const Node *n);

/* The steps of both statements without the file system, for unit tests and
 * the fuzz target.  persist_encode gives the bytes of a file that `load`
 * reads back exactly (malloc'd; the caller frees them).  persist_load_bytes
 * checks every byte against m and changes m only if all of it is right;
 * otherwise it returns false with the reason in err ("FILE: ...") and m is
 * as it was.  loc is where warnings go. */
unsigned char *persist_encode(Interp *I, Model *m, size_t *len);
bool persist_load_bytes(Interp *I, Model *m, const char *file, const unsigned char *bytes, size_t len,
                        SrcLoc loc, char *err, size_t err_size);

/* The layout's fixed numbers, for tests that build damaged files. */
enum { PERSIST_HEADER_BYTES = 32, PERSIST_VERSION = 1 };
extern const unsigned char persist_magic[8];

#endif
