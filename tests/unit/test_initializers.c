/* Every initialiser of stdlib/initializers.nnl, run through the interpreter on
 * a 1000×1000 matrix: its mean and standard deviation are within 1 % of its
 * formula (a zero mean within 1 % of the std), uniform draws stay in their
 * bounds, Keras' *_normal variants are truncated at 2σ before widening (no
 * value beyond 2σ/0.8796) while `normal` and `he` are not.  Also: a layer's
 * own `init` overrides the model's, and fans come from the layer's shape. */
#include "cli/toplevel.h"
#include "lang/eval.h"
#include "lang/interp.h"
#include "check.h"
#include <math.h>
#include <string.h>

enum { UNBOUNDED, BOUNDED, TRUNCATED, CONSTANT };

typedef struct InitCase {
    const char *expr;       /* gives w */
    double mean, std;
    int    bound;           /* BOUNDED: lo, hi below; TRUNCATED: |w - mean| <= 2σ/0.8796 */
    double lo, hi;
} InitCase;

#define SHAPE "shape=[1000, 1000]"
/* fan_in 250 and fan_out 750 tell apart formulas that use one, the other or both */
#define FANS "fan_in=250, fan_out=750"
#define FAN_IN "fan_in=250"

static const InitCase cases[] = {
    { "zeros(" SHAPE ")", 0, 0, CONSTANT, 0, 0 },
    { "ones(" SHAPE ")", 1, 0, CONSTANT, 0, 0 },
    { "constant(" SHAPE ", value=0.25)", 0.25, 0, CONSTANT, 0, 0 },
    { "normal(" SHAPE ")", 0, 0.05, UNBOUNDED, 0, 0 },
    { "normal(" SHAPE ", mean=0.5, std=2)", 0.5, 2, UNBOUNDED, 0, 0 },
    { "uniform(" SHAPE ")", 0, 0.1 / 3.4641016151377544, BOUNDED, -0.05, 0.05 },
    { "uniform(" SHAPE ", lo=-1, hi=3)", 1, 4 / 3.4641016151377544, BOUNDED, -1, 3 },
    { "xavier(" SHAPE ", " FANS ")", 0, 0.044721359549995794, BOUNDED, -0.07745966692414834, 0.07745966692414834 },
    { "xavier_uniform(" SHAPE ", " FANS ")", 0, 0.044721359549995794, BOUNDED, -0.07745966692414834, 0.07745966692414834 },
    { "xavier_normal(" SHAPE ", " FANS ")", 0, 0.044721359549995794, TRUNCATED, 0, 0 },
    { "he_uniform(" SHAPE ", " FAN_IN ")", 0, 0.08944271909999159, BOUNDED, -0.15491933384829668, 0.15491933384829668 },
    { "he_normal(" SHAPE ", " FAN_IN ")", 0, 0.08944271909999159, TRUNCATED, 0, 0 },
    { "he(" SHAPE ", " FAN_IN ")", 0, 0.08944271909999159, UNBOUNDED, 0, 0 },
    { "lecun_uniform(" SHAPE ", " FAN_IN ")", 0, 0.06324555320336758, BOUNDED, -0.10954451150103323, 0.10954451150103323 },
    { "lecun_normal(" SHAPE ", " FAN_IN ")", 0, 0.06324555320336758, TRUNCATED, 0, 0 },
    /* through a model: the model's init, a layer's own, fans from W[1000, 1000] */
    { "big.1.W", 0, 0.044721359549995794, TRUNCATED, 0, 0 },
    { "big.2.W", 0, 0.03162277660168379, TRUNCATED, 0, 0 },
};
enum { NCASES = sizeof cases / sizeof cases[0] };

static const char *model =
    "model big {\n"
    "  input 1000\n"
    "  dense 1000 relu init he_normal\n"
    "  dense 1000\n"
    "}\n"
    "init lecun_normal\n";

static void run_case(const InitCase *c) {
    char src[1024];
    snprintf(src, sizeof src, "%sseed 11\nw = %s\n", model, c->expr);
    Arena ast = { 0 };
    Node *root = parse_source(&ast, "init.nnl", src);
    Interp I;
    interp_init(&I, false);
    interp_load_stdlib(&I);
    bool ran = root && interp_run(&I, root);
    Value *w = ran ? global_find(&I, intern("w")) : NULL;
    CHECK(w && w->kind == V_TENSOR && w->t->size == 1000000, "%s gives 1000×1000 values", c->expr);
    if (w && w->kind == V_TENSOR && w->t->size == 1000000) {
        double sum = 0, sq = 0, lo = INFINITY, hi = -INFINITY;
        for (int i = 0; i < w->t->size; i++) {
            double v = tensor_get(w->t, i);
            sum += v;
            if (v < lo) lo = v;
            if (v > hi) hi = v;
        }
        double mean = sum / w->t->size;
        for (int i = 0; i < w->t->size; i++) sq += (tensor_get(w->t, i) - mean) * (tensor_get(w->t, i) - mean);
        double std = sqrt(sq / w->t->size), dev = fmax(hi - c->mean, c->mean - lo);
        double mean_tol = c->mean != 0 ? 0.01 * fabs(c->mean) : 0.01 * c->std;
        CHECK(fabs(mean - c->mean) <= mean_tol, "%s: mean %.6g is within 1%% of %.6g", c->expr, mean, c->mean);
        if (c->bound == CONSTANT)
            CHECK(lo == c->mean && hi == c->mean, "%s: every value is %g", c->expr, c->mean);
        else
            CHECK(fabs(std - c->std) <= 0.01 * c->std, "%s: std %.6g is within 1%% of %.6g", c->expr, std, c->std);
        if (c->bound == BOUNDED)
            CHECK(lo >= c->lo && hi < c->hi && lo < c->lo + 0.01 * (c->hi - c->lo) && hi > c->hi - 0.01 * (c->hi - c->lo),
                  "%s: values fill [%.6g, %.6g)", c->expr, c->lo, c->hi);
        if (c->bound == TRUNCATED)
            CHECK(dev <= 2 * c->std / 0.87962566103423978 * (1 + 1e-5), "%s: truncated (largest |w - mean| %.4g σ)",
                  c->expr, dev / c->std);
        if (c->bound == UNBOUNDED)
            CHECK(dev > 4 * c->std, "%s: not truncated (largest |w - mean| %.4g σ)", c->expr, dev / c->std);
    }
    interp_free(&I);
    arena_free(&ast);
}

int main(void) {
    for (int i = 0; i < NCASES; i++) run_case(&cases[i]);
    CHECK_DONE();
}
