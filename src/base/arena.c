/* arena.c — bump allocation in reusable blocks.
 * Owns: raw memory for every other stage.  Must not: know about tensors. */
#define _DEFAULT_SOURCE      /* madvise */
#include "base/arena.h"
#include "base/diag.h"
#include <stdarg.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ArenaBlock {
    ArenaBlock *next;
    size_t      size, used;
    size_t      dirty;      /* bytes ever handed out: beyond this the block is still zero */
    _Alignas(16) unsigned char data[];
};

enum {
    MIN_BLOCK = 64 * 1024,
    TRIMMED_BLOCK = 1024 * 1024,   /* arena_trim gives back blocks this large */
};

static size_t in_blocks, limit;     /* bytes in every arena's blocks; the most allowed (0: no limit) */
static size_t every_alloc;          /* allocations in all arenas so far */

size_t arena_allocations(void) { return every_alloc; }

void arena_set_limit(size_t bytes) { limit = bytes; }
size_t arena_limit(void) { return limit; }

static ArenaBlock *block_new(size_t size) {
    ArenaBlock *b = limit && in_blocks + size > limit ? NULL
                  : calloc(1, sizeof *b + size);    /* zero pages: large blocks cost nothing until touched */
    if (!b) diag_out_of_memory(size);               /* nothing has changed yet: safe to unwind */
    b->size = size;
    in_blocks += size;
    return b;
}

/* The whole pages of [p, p + bytes) given back to the system: they read as
 * zeros when touched again (a private anonymous mapping; calloc's blocks
 * are).  With `zero_edges` the partial pages at either end are zeroed, so
 * that all of it reads as zeros.  glibc's posix_madvise ignores
 * POSIX_MADV_DONTNEED, hence madvise; never malloc's own bookkeeping, which
 * lies outside [p, p + bytes). */
static void pages_back(void *p, size_t bytes, bool zero_edges) {
    static uintptr_t page;
    if (!page) page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t start = (uintptr_t)p, end = start + bytes;
    uintptr_t from = (start + page - 1) & ~(page - 1), to = end & ~(page - 1);
    if (to <= from) {
        if (zero_edges) memset(p, 0, bytes);
        return;
    }
    if (zero_edges) {
        memset(p, 0, from - start);
        memset((void *)to, 0, end - to);
    }
    (void)madvise((void *)from, to - from, MADV_DONTNEED);
}

static size_t align16(size_t bytes) { return bytes ? (bytes + 15) & ~(size_t)15 : 16; }

/* extends b's used part by bytes, zeroing what was handed out before a reset
 * (unless the caller writes all of it) */
static void extend(Arena *a, ArenaBlock *b, size_t bytes, bool zero) {
    size_t end = b->used + bytes;
    if (zero && b->dirty > b->used) memset(b->data + b->used, 0, (b->dirty < end ? b->dirty : end) - b->used);
    if (end > b->dirty) b->dirty = end;
    b->used = end;
    a->used += bytes;
    if (a->used > a->high_water) a->high_water = a->used;
}

static void *take(Arena *a, ArenaBlock *b, size_t bytes, bool zero) {
    void *p = b->data + b->used;
    extend(a, b, bytes, zero);
    a->allocs++;
    every_alloc++;
    return p;
}

static void *alloc(Arena *a, size_t bytes, bool zero) {
    bytes = align16(bytes);
    ArenaBlock *b = a->cur;
    /* walk forward through blocks kept from before a reset */
    while (b && b->used + bytes > b->size && b->next) {
        b = b->next;
        b->used = 0;
        a->cur = b;
    }
    if (!b || b->used + bytes > b->size) {
        ArenaBlock *nb = block_new(bytes > MIN_BLOCK ? bytes : MIN_BLOCK);
        if (b) { nb->next = b->next; b->next = nb; } else a->first = nb;
        a->cur = b = nb;
    }
    return take(a, b, bytes, zero);
}

void *arena_alloc(Arena *a, size_t bytes) { return alloc(a, bytes, true); }
void *arena_alloc_raw(Arena *a, size_t bytes) { return alloc(a, bytes, false); }

/* The most recent allocation grows in place when its block has room, so a
 * list built by repeated doubling costs its final size, not twice it. */
void *arena_grow(Arena *a, void *old, size_t old_bytes, size_t new_bytes) {
    ArenaBlock *b = a->cur;
    size_t had = align16(old_bytes), want = align16(new_bytes);
    if (old && b && want >= had && (unsigned char *)old + had == b->data + b->used &&
        (unsigned char *)old >= b->data && b->used - had + want <= b->size) {
        extend(a, b, want - had, true);
        every_alloc++;
        return old;
    }
    void *p = arena_alloc(a, new_bytes);
    if (old && old_bytes) memcpy(p, old, old_bytes < new_bytes ? old_bytes : new_bytes);
    return p;
}

char *arena_strdup(Arena *a, const char *s) {
    size_t n = strlen(s);
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n + 1);
    return p;
}

char *arena_printf(Arena *a, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void arena_reset(Arena *a) {
    if (a->first) a->first->used = 0;
    a->cur = a->first;
    a->used = 0;
}

void arena_trim(Arena *a) {
    arena_reset(a);
    for (ArenaBlock *b = a->first; b; b = b->next)
        if (b->size >= TRIMMED_BLOCK && b->dirty) {
            pages_back(b->data, b->dirty, true);
            b->dirty = 0;
        }
}

void arena_free(Arena *a) {
    ArenaBlock *b = a->first;
    while (b) { ArenaBlock *n = b->next; in_blocks -= b->size; free(b); b = n; }
    a->first = a->cur = NULL;
    a->used = 0;
}

bool arena_owns(const Arena *a, const void *p) {
    const unsigned char *q = p;
    for (const ArenaBlock *b = a->first; b; b = b->next) {
        if (q >= b->data && q < b->data + b->used) return true;
        if (b == a->cur) break;
    }
    return false;
}

size_t arena_used(const Arena *a) { return a->used; }

void arena_discard(void *p, size_t bytes) { pages_back(p, bytes, false); }
