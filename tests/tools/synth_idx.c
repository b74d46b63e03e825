/* synth_idx — writes a small made-up stand-in for MNIST or Fashion-MNIST: the
 * four gzipped IDX files of those sets (28x28 unsigned-byte images, one
 * label 0-9 each), so that examples/mnist.nnl and examples/fashion.nnl can be
 * tested without the real data (tests/run.sh points them at it through
 * NNL_MNIST and NNL_FASHION).
 *   synth_idx digits|fashion DIR TRAIN TEST [SEED]
 * "digits" draws seven-segment digits, "fashion" rough silhouettes of the ten
 * Fashion-MNIST classes, each shifted, of random brightness and with noise,
 * so that a net can learn them but not perfectly.  Deterministic: the same
 * arguments give the same bytes.
 * Owns: only these test files.  Must not: be used by nnl itself. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

enum { SIDE = 28, CLASSES = 10, MAX_RECTS = 8 };

typedef struct Rect { int x0, x1, y0, y1; } Rect;     /* inclusive pixel bounds */
typedef struct Shape { int n; Rect r[MAX_RECTS]; } Shape;

/* the seven segments a..g of a digit 12 pixels wide and 20 high */
static const Rect segment[7] = {
    { 8, 19, 4, 5 }, { 18, 19, 4, 13 }, { 18, 19, 13, 23 }, { 8, 19, 22, 23 },
    { 8, 9, 13, 23 }, { 8, 9, 4, 13 }, { 8, 19, 13, 14 },
};
static const char *const digit_segments[CLASSES] = {
    "abcdef", "bc", "abged", "abgcd", "fgbc", "afgcd", "afgedc", "abc", "abcdefg", "abcdfg",
};

/* T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot */
static const Shape fashion[CLASSES] = {
    { 2, { { 9, 18, 8, 24 }, { 4, 23, 6, 10 } } },
    { 3, { { 9, 12, 4, 25 }, { 15, 18, 4, 25 }, { 9, 18, 4, 7 } } },
    { 3, { { 9, 18, 6, 24 }, { 4, 7, 6, 22 }, { 20, 23, 6, 22 } } },
    { 2, { { 11, 16, 3, 12 }, { 7, 20, 12, 25 } } },
    { 4, { { 8, 19, 4, 25 }, { 4, 7, 4, 24 }, { 20, 23, 4, 24 }, { 13, 14, 4, 25 } } },
    { 4, { { 3, 24, 20, 22 }, { 6, 8, 14, 20 }, { 12, 14, 14, 20 }, { 18, 20, 14, 20 } } },
    { 4, { { 9, 18, 6, 24 }, { 5, 8, 6, 18 }, { 19, 22, 6, 18 }, { 13, 14, 6, 9 } } },
    { 2, { { 3, 24, 16, 22 }, { 12, 24, 12, 16 } } },
    { 4, { { 5, 22, 10, 24 }, { 9, 18, 5, 6 }, { 9, 10, 5, 10 }, { 17, 18, 5, 10 } } },
    { 2, { { 12, 22, 4, 22 }, { 3, 22, 16, 22 } } },
};

static uint64_t state;
static uint32_t next_random(void) {            /* xorshift64*: the same on every platform */
    state ^= state >> 12; state ^= state << 25; state ^= state >> 27;
    return (uint32_t)((state * 2685821657736338717u) >> 32);
}
static int below(int n) { return (int)(next_random() % (uint32_t)n); }

static Shape shape_of(int digits, int label) {
    if (!digits) return fashion[label];
    Shape s = { 0 };
    for (const char *c = digit_segments[label]; *c; c++) s.r[s.n++] = segment[*c - 'a'];
    return s;
}

static void draw(unsigned char *img, int digits, int label) {
    memset(img, 0, SIDE * SIDE);
    Shape s = shape_of(digits, label);
    int dx = below(7) - 3, dy = below(7) - 3, ink = 150 + below(106);
    for (int k = 0; k < s.n; k++) {
        Rect r = s.r[k];
        for (int y = r.y0 + dy; y <= r.y1 + dy; y++)
            for (int x = r.x0 + dx; x <= r.x1 + dx; x++)
                if (x >= 0 && x < SIDE && y >= 0 && y < SIDE) img[y * SIDE + x] = (unsigned char)ink;
    }
    for (int i = 0; i < SIDE * SIDE; i++)       /* 8% of the pixels get noise */
        if (below(100) < 8) img[i] = (unsigned char)below(256);
}

static void put_u32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)(v >> 24); p[1] = (unsigned char)(v >> 16); p[2] = (unsigned char)(v >> 8); p[3] = (unsigned char)v;
}

static int write_set(const char *dir, const char *prefix, int n, int digits) {
    char path[4096];
    unsigned char head[16], img[SIDE * SIDE];
    snprintf(path, sizeof path, "%s/%s-images-idx3-ubyte.gz", dir, prefix);
    gzFile images = gzopen(path, "wb");
    snprintf(path, sizeof path, "%s/%s-labels-idx1-ubyte.gz", dir, prefix);
    gzFile labels = gzopen(path, "wb");
    if (!images || !labels) { fprintf(stderr, "synth_idx: cannot write %s\n", path); return 1; }
    put_u32(head, 0x803); put_u32(head + 4, (uint32_t)n); put_u32(head + 8, SIDE); put_u32(head + 12, SIDE);
    gzwrite(images, head, 16);
    put_u32(head, 0x801); put_u32(head + 4, (uint32_t)n);
    gzwrite(labels, head, 8);
    for (int i = 0; i < n; i++) {
        unsigned char label = (unsigned char)below(CLASSES);
        draw(img, digits, label);
        gzwrite(images, img, sizeof img);
        gzwrite(labels, &label, 1);
    }
    int failed = gzclose(images) != Z_OK;      /* both are closed, whatever the first gives */
    failed |= gzclose(labels) != Z_OK;
    return failed;
}

int main(int argc, char **argv) {
    if (argc < 5 || argc > 6 || (strcmp(argv[1], "digits") && strcmp(argv[1], "fashion"))) {
        fputs("usage: synth_idx digits|fashion DIR TRAIN TEST [SEED]\n", stderr);
        return 2;
    }
    int digits = strcmp(argv[1], "digits") == 0, train = atoi(argv[3]), test = atoi(argv[4]);
    state = 0x9E3779B97F4A7C15u ^ (argc == 6 ? strtoull(argv[5], NULL, 10) : 1) ^ (uint64_t)digits;
    if (train < 1 || test < 1) { fputs("synth_idx: TRAIN and TEST are counts >= 1\n", stderr); return 2; }
    return write_set(argv[2], "train", train, digits) | write_set(argv[2], "t10k", test, digits);
}
