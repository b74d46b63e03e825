/* Writing files so that they are whole or not there, and never in place of
 * something that is not a regular file (files.c).  Every statement that
 * writes a file (save, predict … to, plot … to, graph … to, history … to,
 * export, view pass to) goes through here. */
#ifndef NNL_FILES_H
#define NNL_FILES_H
#include <stdbool.h>
#include <stddef.h>

/* Writes len bytes to path through a temporary file in the same folder:
 * written, synced, renamed over path, the folder synced.  An existing path
 * must be a regular file (a symlink to one is written through) that may be
 * written; it keeps its mode.  Returns NULL, or why not ("not a regular
 * file", "it is read-only", strerror). */
const char *file_write_atomically(const char *path, const void *bytes, size_t len);

/* Removes the temporary file file_write_atomically is writing, if any:
 * async-signal-safe, for a SIGINT handler that ends the process. */
void file_abandon_temporary(void);

/* What file_write_atomically would refuse, without writing (the check
 * pass): NULL, or why not. */
const char *file_check_writable(const char *path);

/* The most bytes one read of a file may bring in: what its format can hold
 * (format_cap), and never more than the memory limit (NNL_MEMORY_LIMIT). */
size_t file_read_cap(size_t format_cap);

/* Reads a whole file — a regular file, a FIFO, /dev/stdin — into a malloc'd
 * buffer with a NUL byte after the *len bytes read.  More than cap bytes is
 * an error (so /dev/zero ends at once, not when memory does); with `stop`,
 * the read also ends at the first chunk for which stop(bytes so far, n)
 * says so (a NUL byte in text, a wrong signature), leaving the caller to
 * say why.  NULL with why filled in on failure. */
typedef bool (*ReadStop)(const char *bytes, size_t n);
char *file_read_all(const char *path, size_t cap, ReadStop stop, size_t *len, char *why, size_t why_size);
/* a ReadStop: text ends at a NUL byte */
bool file_stop_at_nul(const char *bytes, size_t n);

/* strerror(e), or "interrupted (Ctrl-C)" when Ctrl-C broke off the call
 * (EINTR: opening a FIFO that no one writes, a read that waits) */
const char *file_error_text(int e);

/* Tests only: called with the temporary file's name before the rename. */
extern void (*file_crash_hook)(const char *tmp_path);

#endif
