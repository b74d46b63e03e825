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

/* Whole files, for save/load and the stages above (export/).
 * persist_write_file writes through a temporary file in path's folder,
 * synced and renamed over path; it returns the reason it could not, or NULL.
 * persist_read_file gives the whole file (malloc'd) or NULL with the reason
 * in why ("cannot open 'F': ..."); a file of more than max bytes is refused
 * (what: "a model file", named in the message).  In the check pass a file
 * is written to memory instead: persist_dry_write checks the folder and
 * keeps the bytes (NULL, or why not), persist_dry_read finds what the check
 * pass wrote to path, or NULL. */
const char *persist_write_file(const char *path, const unsigned char *bytes, size_t len);
unsigned char *persist_read_file(const char *path, size_t max, const char *what, size_t *len, char *why,
                                 size_t why_size);
const char *persist_dry_write(Interp *I, const char *path, const unsigned char *bytes, size_t len);
const unsigned char *persist_dry_read(Interp *I, const char *path, size_t *len);

/* The check pass writes files to memory, so that a later read of one in
 * the same script is checked against what would be written (save/load,
 * export/import).  persist_dry_write checks that path could be written
 * (base/files.h) and keeps the bytes: NULL, or why not.  persist_dry_read
 * gives what the check pass wrote to path (however it is spelt), or NULL. */
const char *persist_dry_write(Interp *I, const char *path, const unsigned char *bytes, size_t len);
const unsigned char *persist_dry_read(Interp *I, const char *path, size_t *len);

/* The layout's fixed numbers, for tests that build damaged files. */
enum { PERSIST_HEADER_BYTES = 32, PERSIST_VERSION = 1 };
extern const unsigned char persist_magic[8];

#endif
