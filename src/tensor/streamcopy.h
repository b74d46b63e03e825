/* Copies written past the caches: the optimizer's update keeps the old
 * weights and state of a large model (the last finite step's snapshot) in
 * memory nobody reads again unless training diverges.  Written the usual
 * way, each line of that memory is first read into the cache and then
 * evicts something the next step needs; written with non-temporal stores
 * it goes to memory directly (bench/README.md, "the update in place"). */
#ifndef NNL_STREAMCOPY_H
#define NNL_STREAMCOPY_H
#include <stddef.h>

/* memcpy(to, from, bytes) for memory that does not overlap, the copy
 * streamed to memory where the CPU can (x86-64: the widest non-temporal
 * stores it has); the bytes are the same either way.  Another thread may
 * read them only after copy_streamed_done on this one. */
void copy_streamed(void *to, const void *from, size_t bytes);
/* orders this thread's streamed copies before what it writes next */
void copy_streamed_done(void);

#endif
