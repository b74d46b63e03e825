/* datagen.c — the 2-D data sets of the TensorFlow Playground (circle, xor,
 * gauss, spiral; the formulas of its dataset.ts, noise as a fraction instead
 * of a percentage) and scikit-learn's two moons.  Class 1 is the
 * Playground's positive (orange) class.  Rows come shuffled, as the
 * Playground shuffles them.
 * Owns: the point formulas.  Must not: know the interpreter (loaders.c). */
#include "base/arena.h"
#include "base/text.h"
#include "data/dataload.h"
#include "tensor/rng.h"
#include "tensor/tensor.h"
#include <math.h>
#include <string.h>

const char *const datagen_kinds[] = { "circle", "xor", "gauss", "spiral", "moons", NULL };

static const double PI = 3.14159265358979323846;

static double uniform(Rng *r, double lo, double hi) { return lo + (hi - lo) * rng_uniform(r); }

typedef struct Points { double *x, *y; int *label; int n; } Points;

static void add(Points *p, double x, double y, int label) {
    p->x[p->n] = x;
    p->y[p->n] = y;
    p->label[p->n++] = label;
}

/* inside radius 2.5 is class 1, the ring from 3.5 to 5 class 0; noise moves
 * the point used for the label, not the point shown */
static void circle(Points *p, int n, double noise, Rng *r) {
    const double radius = 5;
    for (int i = 0; i < n; i++) {
        bool inside = i < n / 2;
        double rr = inside ? uniform(r, 0, radius * 0.5) : uniform(r, radius * 0.7, radius);
        double angle = uniform(r, 0, 2 * PI);
        double x = rr * sin(angle), y = rr * cos(angle);
        double nx = uniform(r, -radius, radius) * noise, ny = uniform(r, -radius, radius) * noise;
        add(p, x, y, hypot(x + nx, y + ny) < radius * 0.5);
    }
}

static void xor_points(Points *p, int n, double noise, Rng *r) {
    const double padding = 0.3;
    for (int i = 0; i < n; i++) {
        double x = uniform(r, -5, 5), y;
        x += x > 0 ? padding : -padding;
        y = uniform(r, -5, 5);
        y += y > 0 ? padding : -padding;
        double nx = uniform(r, -5, 5) * noise, ny = uniform(r, -5, 5) * noise;
        add(p, x, y, (x + nx) * (y + ny) >= 0);
    }
}

/* two normal clouds at (2, 2) (class 1) and (-2, -2); the variance grows
 * from 0.5 at noise 0 to 4 at noise 0.5 */
static void gauss(Points *p, int n, double noise, Rng *r) {
    double variance = 0.5 + (4 - 0.5) * (noise / 0.5), sd = sqrt(variance);
    for (int i = 0; i < n; i++) {
        bool pos = i < n / 2;
        double c = pos ? 2 : -2;
        double x = c + sd * rng_normal(r);
        double y = c + sd * rng_normal(r);
        add(p, x, y, pos);
    }
}

static void spiral(Points *p, int n, double noise, Rng *r) {
    int half[2] = { n / 2, n - n / 2 };
    for (int k = 0; k < 2; k++) {
        double delta = k == 0 ? 0 : PI;
        for (int i = 0; i < half[k]; i++) {
            double rr = (double)i / half[k] * 5, t = 1.75 * i / half[k] * 2 * PI + delta;
            double x = rr * sin(t) + uniform(r, -1, 1) * noise, y = rr * cos(t) + uniform(r, -1, 1) * noise;
            add(p, x, y, k == 0);
        }
    }
}

/* scikit-learn's make_moons: two interleaving half circles, noise is the
 * standard deviation of normal noise added to both coordinates */
static void moons(Points *p, int n, double noise, Rng *r) {
    int outer = n / 2, inner = n - outer;
    for (int i = 0; i < outer; i++) {
        double t = outer > 1 ? PI * i / (outer - 1) : 0;
        add(p, cos(t) + noise * rng_normal(r), sin(t) + noise * rng_normal(r), 0);
    }
    for (int i = 0; i < inner; i++) {
        double t = inner > 1 ? PI * i / (inner - 1) : 0;
        add(p, 1 - cos(t) + noise * rng_normal(r), 1 - sin(t) - 0.5 + noise * rng_normal(r), 1);
    }
}

bool datagen(const char *kind, int n, double noise, uint64_t seed, bool onehot, DType dt, Arena *ar,
             Table *out, DataError *err) {
    typedef void (*Gen)(Points *, int, double, Rng *);
    static const Gen gens[] = { circle, xor_points, gauss, spiral, moons };
    int which = -1;
    for (int i = 0; datagen_kinds[i]; i++) if (strcmp(kind, datagen_kinds[i]) == 0) which = i;
    if (which < 0) return data_error(err, "unknown data set '%s'", kind);
    if (n < 2 || n > MAX_ELEMENTS / 2) return data_error(err, "n must be from 2 to %d, got %d", MAX_ELEMENTS / 2, n);
    if (!(noise >= 0 && noise <= 10)) return data_error(err, "noise must be from 0 to 10, got %s", number_text(noise));
    Arena scratch = { 0 };
    Points p = { arena_alloc(&scratch, sizeof(double) * (size_t)n), arena_alloc(&scratch, sizeof(double) * (size_t)n),
                 arena_alloc(&scratch, sizeof(int) * (size_t)n), 0 };
    Rng r;
    rng_seed(&r, seed);
    gens[which](&p, n, noise, &r);
    int *order = arena_alloc(&scratch, sizeof(int) * (size_t)n);
    row_order(order, n, seed ^ 0x5348554646u, true);
    int xs[2] = { n, 2 }, *labels = arena_alloc(&scratch, sizeof(int) * (size_t)n);
    *out = (Table){ 0 };
    out->x = tensor_new(ar, dt, 2, xs);
    for (int i = 0; i < n; i++) {
        tensor_set(out->x, 2 * i, p.x[order[i]]);
        tensor_set(out->x, 2 * i + 1, p.y[order[i]]);
        labels[i] = p.label[order[i]];
    }
    if (onehot) {
        static const char *names[] = { "0", "1" };
        out->y = one_hot(ar, dt, labels, n, 2);
        out->classes = names;
        out->nclasses = 2;
    } else {
        int ys[2] = { n, 1 };
        out->y = tensor_new(ar, dt, 2, ys);
        for (int i = 0; i < n; i++) tensor_set(out->y, i, labels[i]);
    }
    arena_free(&scratch);
    return true;
}
