/* arena.c — bump allocation in reusable blocks.
 * Owns: raw memory for every other stage.  Must not: know about tensors. */
#include "arena.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ArenaBlock {
    ArenaBlock *next;
    size_t      size, used;
    _Alignas(16) unsigned char data[];
};

enum { MIN_BLOCK = 64 * 1024 };

static ArenaBlock *block_new(size_t size) {
    ArenaBlock *b = malloc(sizeof *b + size);
    if (!b) { fputs("nnl: out of memory\n", stderr); exit(70); }
    b->next = NULL; b->size = size; b->used = 0;
    return b;
}

void *arena_alloc(Arena *a, size_t bytes) {
    bytes = (bytes + 15) & ~(size_t)15;
    if (bytes == 0) bytes = 16;
    ArenaBlock *b = a->cur;
    /* walk forward through blocks kept from before a reset */
    while (b && b->used + bytes > b->size) {
        if (!b->next) break;
        b = b->next;
        b->used = 0;
        a->cur = b;
    }
    if (!b || b->used + bytes > b->size) {
        ArenaBlock *nb = block_new(bytes > MIN_BLOCK ? bytes : MIN_BLOCK);
        if (b) { nb->next = b->next; b->next = nb; } else a->first = nb;
        a->cur = b = nb;
    }
    void *p = b->data + b->used;
    b->used += bytes;
    memset(p, 0, bytes);
    size_t u = arena_used(a);
    if (u > a->high_water) a->high_water = u;
    return p;
}

void *arena_grow(Arena *a, void *old, size_t old_bytes, size_t new_bytes) {
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
}

void arena_free(Arena *a) {
    ArenaBlock *b = a->first;
    while (b) { ArenaBlock *n = b->next; free(b); b = n; }
    a->first = a->cur = NULL;
}

bool arena_owns(const Arena *a, const void *p) {
    const unsigned char *q = p;
    for (const ArenaBlock *b = a->first; b; b = b->next) {
        if (q >= b->data && q < b->data + b->used) return true;
        if (b == a->cur) break;
    }
    return false;
}

size_t arena_used(const Arena *a) {
    size_t n = 0;
    for (ArenaBlock *b = a->first; b; b = b->next) {
        n += b->used;
        if (b == a->cur) break;
    }
    return n;
}
