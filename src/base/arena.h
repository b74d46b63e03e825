/* Bump allocators.  Everything nnl allocates lives in an arena, so an error
 * that unwinds (longjmp) never leaks and a training step that resets its
 * arena reuses the same memory instead of calling malloc per op.  Every
 * operation is O(1) in the number of blocks except arena_owns, free and the
 * walk past blocks too small for one allocation. */
#ifndef NNL_ARENA_H
#define NNL_ARENA_H
#include <stdbool.h>
#include <stddef.h>

typedef struct ArenaBlock ArenaBlock;
typedef struct Arena {
    ArenaBlock *first;   /* blocks are kept across resets */
    ArenaBlock *cur;
    size_t      used;        /* bytes handed out since the last reset (blocks up to cur) */
    size_t      high_water;
    size_t      allocs;      /* allocations since the arena was made: a measure of work */
} Arena;

void *arena_alloc(Arena *a, size_t bytes);           /* zeroed, 16-byte aligned */
void *arena_alloc_raw(Arena *a, size_t bytes);       /* not zeroed: for memory the caller fills */
void *arena_grow(Arena *a, void *old, size_t old_bytes, size_t new_bytes);
char *arena_strdup(Arena *a, const char *s);
char *arena_printf(Arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void  arena_reset(Arena *a);                          /* forget contents, keep blocks */
/* arena_reset, and the memory of its large blocks (a layer's W' made by a
 * statement long done) given back to the system until used again: between
 * statements, not between a training's steps (a step would touch it again) */
void  arena_trim(Arena *a);
void  arena_free(Arena *a);                           /* give blocks back */
size_t arena_used(const Arena *a);                    /* O(1) */
/* All arenas together may hold at most this many bytes (NNL_MEMORY_LIMIT);
 * past it, or when malloc fails, the running statement fails with an error. */
void  arena_set_limit(size_t bytes);
size_t arena_limit(void);                             /* 0: none */
/* allocations made in all arenas together so far (tests count them per training step) */
size_t arena_allocations(void);
bool  arena_owns(const Arena *a, const void *p);      /* p lies in a's live blocks */
/* The memory of an allocation [p, p + bytes) that will not be read again
 * before it is written whole: its whole pages go back to the system (the
 * resident size falls), and read as zeros when next touched. */
void  arena_discard(void *p, size_t bytes);

#endif
