/* synth_idx.c — seeded random data of MNIST's shape, for the mnist workload
 * when `make data` has not fetched MNIST: `synth_idx IMAGES LABELS` writes
 * 60,000 28×28 images of random bytes and 60,000 random labels 0..9 as
 * gzipped IDX files.  The same seed gives the same files on every machine.
 * Must not: pretend to be MNIST (bench/run.sh says which data it used). */
#include <stdint.h>
#include <stdio.h>
#include <zlib.h>

enum { ITEMS = 60000, SIDE = 28 };

static uint64_t state = 0x9E3779B97F4A7C15u;
static uint32_t next(void) {                 /* xorshift64*: small, seeded, portable */
    state ^= state >> 12; state ^= state << 25; state ^= state >> 27;
    return (uint32_t)((state * 0x2545F4914F6CDD1Du) >> 32);
}

static void put_u32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)(v >> 24); p[1] = (unsigned char)(v >> 16); p[2] = (unsigned char)(v >> 8); p[3] = (unsigned char)v;
}

static int write_idx(const char *path, int ndim, const uint32_t *dims, long count, unsigned modulo) {
    gzFile f = gzopen(path, "wb1");
    if (!f) { fprintf(stderr, "synth_idx: cannot write %s\n", path); return 1; }
    unsigned char head[4 + 4 * 3] = { 0, 0, 0x08, (unsigned char)ndim };   /* unsigned bytes */
    for (int i = 0; i < ndim; i++) put_u32(head + 4 + 4 * i, dims[i]);
    int ok = gzwrite(f, head, (unsigned)(4 + 4 * ndim)) > 0;
    unsigned char buf[SIDE * SIDE];
    for (long done = 0; ok && done < count; done += (long)sizeof buf) {
        long n = count - done < (long)sizeof buf ? count - done : (long)sizeof buf;
        for (long i = 0; i < n; i++) buf[i] = (unsigned char)(next() % modulo);
        ok = gzwrite(f, buf, (unsigned)n) > 0;
    }
    if (gzclose(f) != Z_OK || !ok) { fprintf(stderr, "synth_idx: writing %s failed\n", path); return 1; }
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: synth_idx IMAGES.gz LABELS.gz\n"); return 2; }
    uint32_t images[3] = { ITEMS, SIDE, SIDE }, labels[1] = { ITEMS };
    return write_idx(argv[1], 3, images, (long)ITEMS * SIDE * SIDE, 256) || write_idx(argv[2], 1, labels, ITEMS, 10);
}
