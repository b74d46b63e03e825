/* Copying and zeroing a few bytes without a call: memcpy and memset of a
 * size known only when running are calls into libc, ~20 instructions for
 * the 8 to 32 bytes of a tiny model's tensor (xor's parameters and
 * gradients, copied or zeroed on every step).  Up to 32 bytes these are two
 * moves of a fixed size that may overlap in the middle; more goes to libc.
 * Only for memory that does not overlap (as memcpy). */
#ifndef NNL_BYTES_H
#define NNL_BYTES_H
#include <stddef.h>
#include <string.h>

static inline void copy_bytes(void *restrict to, const void *restrict from, size_t n) {
    unsigned char *d = to;
    const unsigned char *s = from;
    if (n > 32) memcpy(d, s, n);
    else if (n >= 16) { memcpy(d, s, 16); memcpy(d + n - 16, s + n - 16, 16); }
    else if (n >= 8) { memcpy(d, s, 8); memcpy(d + n - 8, s + n - 8, 8); }
    else if (n >= 4) { memcpy(d, s, 4); memcpy(d + n - 4, s + n - 4, 4); }
    else for (size_t i = 0; i < n; i++) d[i] = s[i];
}

static inline void zero_bytes(void *to, size_t n) {
    unsigned char *d = to;
    if (n > 32) memset(d, 0, n);
    else if (n >= 16) { memset(d, 0, 16); memset(d + n - 16, 0, 16); }
    else if (n >= 8) { memset(d, 0, 8); memset(d + n - 8, 0, 8); }
    else if (n >= 4) { memset(d, 0, 4); memset(d + n - 4, 0, 4); }
    else for (size_t i = 0; i < n; i++) d[i] = 0;
}

#endif
