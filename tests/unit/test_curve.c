/* The loss-curve rules (src/train/curve.c) on made-up histories: each rule fires
 * on its own case and on no other, healthy curves (smooth, noisy, converged,
 * cyclic learning rates) raise none, and too short a run is not judged.  Also
 * how often `train` prints its progress. */
#include "check.h"
#include "train/curve.h"
#include "train/progress.h"
#include <string.h>

enum { N = 40 };

static const char *kind_name(CurveKind k) {
    static const char *names[] = { "fine", "nonfinite", "rising", "oscillating", "flat", "overfitting" };
    return names[k];
}

/* a curve of N epochs from a formula of the epoch i (0-based) */
typedef double (*Shape)(int i);

static double decaying(int i) { return 2.3 * exp(-0.1 * i) + 0.05; }
static double noisy(int i) { return decaying(i) * (1 + 0.02 * ((i * 7919) % 5 - 2) / 2.0); }   /* ±2 % */
static double converged(int i) { return 0.0008 - 0.0000001 * i; }                      /* tiny and settled */
static double cyclic(int i) { return 2.5 * exp(-0.3 * i) + 0.02 + 0.006 * (i % 4 == 1); } /* small bumps */
static double rising(int i) { return 0.7 * pow(1.3, i); }
static double zigzag(int i) { return 0.9 - 0.005 * i + (i % 2 ? 0 : 0.4); }
static double flat(int i) { return 0.6931 - 0.00001 * i; }
static double constant(int i) { (void)i; return 0.6931; }
static double train_falls(int i) { return 1.0 * exp(-0.08 * i) + 0.01; }
static double valid_u(int i) { return 0.5 + 0.0008 * (i - 15) * (i - 15); }            /* best at epoch 16 */
static double valid_falls(int i) { return 1.1 * exp(-0.08 * i) + 0.05; }

static Diagnosis judge(Shape train, Shape valid, int n) {
    double t[N], v[N];
    for (int i = 0; i < n; i++) { t[i] = train(i); v[i] = valid ? valid(i) : NAN; }
    return curve_diagnose(t, valid ? v : NULL, n);
}

static void expect(const char *what, Diagnosis d, CurveKind want) {
    CHECK(d.kind == want, "curve '%s' is judged %s (got %s)", what, kind_name(want), kind_name(d.kind));
}

int main(void) {
    expect("smooth decay", judge(decaying, NULL, N), CURVE_FINE);
    expect("decay with 2 % noise", judge(noisy, NULL, N), CURVE_FINE);
    expect("converged, tiny loss", judge(converged, NULL, N), CURVE_FINE);
    expect("cyclic learning rate bumps", judge(cyclic, NULL, N), CURVE_FINE);
    expect("rising", judge(rising, NULL, N), CURVE_RISING);
    expect("zigzag", judge(zigzag, NULL, N), CURVE_OSCILLATING);
    expect("flat", judge(flat, NULL, N), CURVE_FLAT);
    expect("constant", judge(constant, NULL, N), CURVE_FLAT);
    expect("training falls, validation falls", judge(train_falls, valid_falls, N), CURVE_FINE);
    expect("training falls, validation U-shaped", judge(train_falls, valid_u, N), CURVE_OVERFITTING);
    expect("rising with a validation curve", judge(rising, valid_u, N), CURVE_RISING);

    Diagnosis d = judge(constant, NULL, N);
    CHECK(d.unchanged, "a constant loss is flagged unchanged");
    d = judge(flat, NULL, N);
    CHECK(!d.unchanged, "a barely falling loss is not flagged unchanged");
    d = judge(train_falls, valid_u, N);
    CHECK(d.epoch == 16, "overfitting begins at the best validation epoch, 16 (got %d)", d.epoch);
    d = judge(zigzag, NULL, N);
    CHECK(d.ups == N / 2 - 1, "zigzag rises every other epoch (got %d)", d.ups);

    /* NaN and infinity: where they first appear, before any shape rule */
    double t[N];
    for (int i = 0; i < N; i++) t[i] = rising(i);
    t[23] = INFINITY;
    t[30] = NAN;
    d = curve_diagnose(t, NULL, N);
    CHECK(d.kind == CURVE_NONFINITE && d.epoch == 24, "an infinite loss at epoch 24 is found there (got %s at %d)",
          kind_name(d.kind), d.epoch);
    double v[N];
    for (int i = 0; i < N; i++) { t[i] = decaying(i); v[i] = NAN; }
    v[5] = INFINITY;
    d = curve_diagnose(t, v, N);
    CHECK(d.kind == CURVE_NONFINITE && d.epoch == 6, "an infinite validation loss counts too (got %s at %d)",
          kind_name(d.kind), d.epoch);
    for (int i = 0; i < N; i++) v[i] = NAN;
    d = curve_diagnose(t, v, N);
    CHECK(d.kind == CURVE_FINE, "validation losses all missing (NaN) are not overfitting (got %s)", kind_name(d.kind));

    /* too short to judge a shape, but never too short for a NaN */
    expect("rising over 9 epochs", judge(rising, NULL, CURVE_MIN_EPOCHS - 1), CURVE_FINE);
    expect("rising over 10 epochs", judge(rising, NULL, CURVE_MIN_EPOCHS), CURVE_RISING);
    t[0] = 1; t[1] = NAN;
    d = curve_diagnose(t, NULL, 2);
    CHECK(d.kind == CURVE_NONFINITE && d.epoch == 2, "a NaN at epoch 2 of 2 is reported");

    /* progress lines: first, last and every tenth by default; every N; none */
    Interp I;
    memset(&I, 0, sizeof I);
    int shown = 0;
    for (int e = 1; e <= 100; e++) shown += progress_due(&I, e, 100, 0);
    CHECK(shown == 11, "100 epochs print epochs 1, 10, 20, ..., 100 by default (got %d)", shown);
    shown = 0;
    for (int e = 1; e <= 100; e++) shown += progress_due(&I, e, 100, 25);
    CHECK(shown == 5, "log every 25 prints epochs 1, 25, 50, 75, 100 (got %d)", shown);
    shown = 0;
    for (int e = 1; e <= 100; e++) shown += progress_due(&I, e, 100, -1);
    CHECK(shown == 0, "log every 0 prints none (got %d)", shown);
    I.quiet = true;
    shown = 0;
    for (int e = 1; e <= 100; e++) shown += progress_due(&I, e, 100, 0);
    CHECK(shown == 0, "--quiet prints none (got %d)", shown);
    CHECK_DONE();
}
