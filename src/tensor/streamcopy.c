/* streamcopy.c — copies written with non-temporal stores (streamcopy.h):
 * 64, 32 or 16 bytes a store, as the CPU has AVX-512, AVX or only SSE2
 * (every x86-64), chosen once; memcpy elsewhere and for the ragged ends.
 * Must not: compute anything (a copy is the same bytes whichever way it
 * was written), or be used for memory that is read again soon (the next
 * read of it comes from memory, not the cache). */
#include "tensor/streamcopy.h"
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

__attribute__((target("avx512f"))) static void stream64(char *to, const char *from, size_t n) {
    for (size_t i = 0; i < n; i += 128) {
        __m512i a = _mm512_loadu_si512((const void *)(from + i)), b = _mm512_loadu_si512((const void *)(from + i + 64));
        _mm512_stream_si512((void *)(to + i), a);
        _mm512_stream_si512((void *)(to + i + 64), b);
    }
}

__attribute__((target("avx"))) static void stream32(char *to, const char *from, size_t n) {
    for (size_t i = 0; i < n; i += 128)
        for (size_t k = 0; k < 128; k += 32)
            _mm256_stream_si256((__m256i *)(void *)(to + i + k), _mm256_loadu_si256((const __m256i *)(const void *)(from + i + k)));
}

static void stream16(char *to, const char *from, size_t n) {
    for (size_t i = 0; i < n; i += 128)
        for (size_t k = 0; k < 128; k += 16)
            _mm_stream_si128((__m128i *)(void *)(to + i + k), _mm_loadu_si128((const __m128i *)(const void *)(from + i + k)));
}

typedef void StreamFn(char *to, const char *from, size_t n);

static StreamFn *widest(void) {
    static StreamFn *fn;
    if (!fn) {
        __builtin_cpu_init();
        fn = __builtin_cpu_supports("avx512f") ? stream64 : __builtin_cpu_supports("avx") ? stream32 : stream16;
    }
    return fn;
}

void copy_streamed(void *to, const void *from, size_t bytes) {
    char *d = to;
    const char *s = from;
    /* the stores need `to` aligned to their width: up to 64 bytes copied plainly first */
    size_t head = (64 - (uintptr_t)d % 64) % 64;
    if (head > bytes) head = bytes;
    memcpy(d, s, head);
    size_t body = (bytes - head) / 128 * 128;
    if (body) widest()(d + head, s + head, body);
    memcpy(d + head + body, s + head + body, bytes - head - body);
}

void copy_streamed_done(void) { _mm_sfence(); }

#else

void copy_streamed(void *to, const void *from, size_t bytes) { memcpy(to, from, bytes); }
void copy_streamed_done(void) {}

#endif
