/* Writing files so that they are whole or not there, and never in place of
 * something that is not a regular file (files.c).  Every statement that
 * writes a file (save, predict … to, plot … to, graph … to, history … to,
 * export, view pass to) goes through here. */
#ifndef NNL_FILES_H
#define NNL_FILES_H
#include <stddef.h>

/* Writes len bytes to path through a temporary file in the same folder:
 * written, synced, renamed over path, the folder synced.  An existing path
 * must be a regular file (a symlink to one is written through) that may be
 * written; it keeps its mode.  Returns NULL, or why not ("not a regular
 * file", "it is read-only", strerror). */
const char *file_write_atomically(const char *path, const void *bytes, size_t len);

/* What file_write_atomically would refuse, without writing (the check
 * pass): NULL, or why not. */
const char *file_check_writable(const char *path);

/* Tests only: called with the temporary file's name before the rename. */
extern void (*file_crash_hook)(const char *tmp_path);

#endif
