/* Unit tests of what the generators' data sets mean, not what they printed
 * once: each draws the shape it is named for (data/datagen.c, from the
 * TensorFlow Playground's dataset.ts and scikit-learn's make_moons).
 *   circle  class 1 inside radius 2.5, class 0 on the ring 3.5..5, half each
 *   xor     points in [-5.3, 5.3]² outside the 0.3 band round the axes, class 1
 *           where x·y ≥ 0; noise flips labels near the axes, never moves points
 *   gauss   two clouds at (2, 2) (class 1) and (-2, -2), variance 0.5 at
 *           noise 0 growing to 4 at noise 0.5, half each
 *   spiral  two arms, r from 0 to 5 over 1.75 turns, the second the first
 *           turned by π; noise moves each coordinate by at most `noise`
 *   moons   the upper unit half circle (class 0) and the lower one centred on
 *           (1, 0.5) (class 1); noise is the standard deviation off the arc
 * Every statistic is checked within bounds wide enough for the sample size
 * (thousands of points, fixed seeds) and narrow enough to tell the shapes
 * and the noise levels apart. */
#include "base/arena.h"
#include "data/dataload.h"
#include "tensor/tensor.h"
#include "check.h"
#include <math.h>
#include <string.h>

static const double PI = 3.14159265358979323846;

typedef struct Set { Arena ar; Table t; int n; } Set;

static bool make(Set *s, const char *kind, int n, double noise, uint64_t seed) {
    DataError err;
    s->ar = (Arena){ 0 };
    s->n = n;
    return datagen(kind, n, noise, seed, false, DT_F64, &s->ar, &s->t, &err);
}
static double X(const Set *s, int i) { return tensor_get(s->t.x, 2 * i); }
static double Y(const Set *s, int i) { return tensor_get(s->t.x, 2 * i + 1); }
static int label(const Set *s, int i) { return (int)tensor_get(s->t.y, i); }
static int ones(const Set *s) { int k = 0; for (int i = 0; i < s->n; i++) k += label(s, i); return k; }

static void test_circle(void) {
    Set s;
    CHECK(make(&s, "circle", 1000, 0, 3), "circle: generated");
    bool in_bounds = true, labels_right = true;
    int quadrant[2][4] = { { 0 } };
    for (int i = 0; i < s.n; i++) {
        double r = hypot(X(&s, i), Y(&s, i));
        int c = label(&s, i);
        in_bounds &= c ? r <= 2.5 : r >= 3.5 && r <= 5;
        labels_right &= c == (r < 2.5);
        quadrant[c][(X(&s, i) > 0) + 2 * (Y(&s, i) > 0)]++;
    }
    CHECK(in_bounds, "circle: class 1 within radius 2.5, class 0 on the ring 3.5..5");
    CHECK(labels_right, "circle at noise 0: the label is 'inside radius 2.5'");
    CHECK(ones(&s) == 500, "circle: half the points are class 1 (%d of 1000)", ones(&s));
    bool round = true;
    for (int c = 0; c < 2; c++) for (int q = 0; q < 4; q++) round &= quadrant[c][q] > 90 && quadrant[c][q] < 160;      /* 125 expected */
    CHECK(round, "circle: each class fills all four quadrants about equally");
    arena_free(&s.ar);
    /* noise moves the point the label is computed from, not the point */
    CHECK(make(&s, "circle", 1000, 0.3, 3), "circle with noise: generated");
    int flipped = 0;
    bool still_in_bounds = true;
    for (int i = 0; i < s.n; i++) {
        double r = hypot(X(&s, i), Y(&s, i));
        still_in_bounds &= r <= 5;
        flipped += label(&s, i) != (r < 2.5);
    }
    CHECK(still_in_bounds, "circle with noise: no point leaves radius 5");
    CHECK(flipped > 10 && flipped < 300, "circle at noise 0.3: some labels disagree with the radius, not most (%d)", flipped);
    arena_free(&s.ar);
}

static void test_xor(void) {
    Set s;
    CHECK(make(&s, "xor", 1000, 0, 5), "xor: generated");
    bool in_bounds = true, labels_right = true;
    for (int i = 0; i < s.n; i++) {
        double x = X(&s, i), y = Y(&s, i);
        in_bounds &= fabs(x) >= 0.3 && fabs(x) <= 5.3 && fabs(y) >= 0.3 && fabs(y) <= 5.3;
        labels_right &= label(&s, i) == (x * y >= 0);
    }
    CHECK(in_bounds, "xor: every coordinate in 0.3..5.3 from the axis");
    CHECK(labels_right, "xor at noise 0: class 1 exactly where x·y ≥ 0");
    CHECK(ones(&s) > 430 && ones(&s) < 570, "xor: the classes are about even (%d of 1000)", ones(&s));
    arena_free(&s.ar);
    CHECK(make(&s, "xor", 1000, 0.2, 5), "xor with noise: generated");
    int flipped = 0;
    for (int i = 0; i < s.n; i++) flipped += label(&s, i) != (X(&s, i) * Y(&s, i) >= 0);
    CHECK(flipped > 10 && flipped < 250, "xor at noise 0.2: some labels flipped, not most (%d)", flipped);
    arena_free(&s.ar);
}

/* the mean and the variance (per coordinate, pooled) of one class */
static void moments(const Set *s, int c, double mean[2], double *var) {
    int k = 0;
    mean[0] = mean[1] = 0;
    for (int i = 0; i < s->n; i++) if (label(s, i) == c) { mean[0] += X(s, i); mean[1] += Y(s, i); k++; }
    mean[0] /= k; mean[1] /= k;
    double v = 0;
    for (int i = 0; i < s->n; i++)
        if (label(s, i) == c) v += (X(s, i) - mean[0]) * (X(s, i) - mean[0]) + (Y(s, i) - mean[1]) * (Y(s, i) - mean[1]);
    *var = v / (2.0 * (k - 1));
}

static void test_gauss(void) {
    const double noises[] = { 0, 0.25, 0.5 }, variances[] = { 0.5, 2.25, 4 };
    for (int k = 0; k < 3; k++) {
        Set s;
        CHECK(make(&s, "gauss", 4000, noises[k], 11), "gauss noise %g: generated", noises[k]);
        CHECK(ones(&s) == 2000, "gauss noise %g: half the points are class 1", noises[k]);
        for (int c = 0; c < 2; c++) {
            double mean[2], var, centre = c ? 2 : -2, se = sqrt(variances[k] / 2000);
            moments(&s, c, mean, &var);
            CHECK(fabs(mean[0] - centre) < 5 * se && fabs(mean[1] - centre) < 5 * se,
                  "gauss noise %g: class %d centred on (%g, %g) (got %.3f, %.3f)", noises[k], c, centre, centre,
                  mean[0], mean[1]);
            CHECK(fabs(var / variances[k] - 1) < 0.08, "gauss noise %g: class %d variance %g (got %.3f)", noises[k], c,
                  variances[k], var);
        }
        arena_free(&s.ar);
    }
}

/* distance from (x, y) to arm k of the spiral (sampled finely) */
static double arm_distance(double x, double y, int k) {
    double best = INFINITY;
    for (int j = 0; j <= 20000; j++) {
        double u = j / 20000.0, r = 5 * u, t = 1.75 * u * 2 * PI + (k ? PI : 0);
        best = fmin(best, hypot(x - r * sin(t), y - r * cos(t)));
    }
    return best;
}

static void test_spiral(void) {
    Set s;
    CHECK(make(&s, "spiral", 400, 0, 13), "spiral: generated");
    CHECK(ones(&s) == 200, "spiral: two arms of 200 points (%d of class 1)", ones(&s));
    bool on_arm = true, not_other = true;
    double rmax = 0;
    for (int i = 0; i < s.n; i++) {
        int arm = label(&s, i) ? 0 : 1;         /* class 1 is the arm at angle 0 */
        on_arm &= arm_distance(X(&s, i), Y(&s, i), arm) < 1e-2;
        double r = hypot(X(&s, i), Y(&s, i));
        if (r > 0.5) not_other &= arm_distance(X(&s, i), Y(&s, i), 1 - arm) > 0.3;
        rmax = fmax(rmax, r);
    }
    CHECK(on_arm, "spiral at noise 0: every point lies on its class's arm (r = 5u, angle 3.5πu, +π for class 0)");
    CHECK(not_other, "spiral: away from the centre no point lies on the other class's arm");
    CHECK(rmax > 4.9 && rmax <= 5, "spiral: the arms reach radius 5 (%.3f)", rmax);
    arena_free(&s.ar);
    CHECK(make(&s, "spiral", 400, 0.5, 13), "spiral with noise: generated");
    double worst = 0, sum = 0;
    for (int i = 0; i < s.n; i++) {
        double d = arm_distance(X(&s, i), Y(&s, i), label(&s, i) ? 0 : 1);
        worst = fmax(worst, d);
        sum += d;
    }
    CHECK(worst <= 0.5 * sqrt(2) + 1e-3, "spiral at noise 0.5: no point further than 0.5·√2 from its arm (%.3f)", worst);
    CHECK(sum / s.n > 0.1, "spiral at noise 0.5: the points do move off the arm (mean %.3f)", sum / s.n);
    arena_free(&s.ar);
}

static void test_moons(void) {
    const double noises[] = { 0, 0.1, 0.3 };
    for (int k = 0; k < 3; k++) {
        Set s;
        CHECK(make(&s, "moons", 2000, noises[k], 17), "moons noise %g: generated", noises[k]);
        CHECK(ones(&s) == 1000, "moons noise %g: half and half", noises[k]);
        double sq = 0, worst = 0;
        int upper = 0;
        for (int i = 0; i < s.n; i++) {
            bool c = label(&s, i);
            double cx = c ? 1 : 0, cy = c ? 0.5 : 0;
            double off = hypot(X(&s, i) - cx, Y(&s, i) - cy) - 1;   /* distance off its arc (radially) */
            sq += off * off;
            worst = fmax(worst, fabs(off));
            upper += c ? Y(&s, i) <= cy : Y(&s, i) >= cy;       /* the half of the circle it belongs on */
        }
        double rms = sqrt(sq / s.n);
        if (noises[k] == 0) {
            CHECK(worst < 1e-12, "moons at noise 0: every point on its unit half circle (off by %.2g)", worst);
            CHECK(upper == s.n, "moons at noise 0: class 0 on the upper half, class 1 on the lower");
        } else {
            /* normal noise of sd σ on both coordinates: about σ off the arc */
            CHECK(fabs(rms / noises[k] - 1) < 0.15, "moons noise %g: points sd %g off their arc (rms %.3f)",
                  noises[k], noises[k], rms);
        }
        arena_free(&s.ar);
    }
}

static void test_seeds(void) {
    const char *kinds[] = { "circle", "xor", "gauss", "spiral", "moons" };
    for (int k = 0; k < 5; k++) {
        Set a, b, c;
        bool ok = make(&a, kinds[k], 200, 0.1, 1) && make(&b, kinds[k], 200, 0.1, 1) && make(&c, kinds[k], 200, 0.1, 2);
        bool same = ok, differ = false;
        for (int i = 0; ok && i < 400; i++) {
            same &= tensor_get(a.t.x, i) == tensor_get(b.t.x, i);
            differ |= tensor_get(a.t.x, i) != tensor_get(c.t.x, i);
        }
        CHECK(same && differ, "%s: the same seed gives the same points, another seed other points", kinds[k]);
        arena_free(&a.ar); arena_free(&b.ar); arena_free(&c.ar);
    }
}

int main(void) {
    test_circle();
    test_xor();
    test_gauss();
    test_spiral();
    test_moons();
    test_seeds();
    CHECK_DONE();
}
