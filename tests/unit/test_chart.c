/* The chart library (src/see/): nice and log ticks, tick labels, the
 * log-scale rule; every kind drawn for a terminal at 80 columns equal to its
 * golden file in tests/charts/ (NNL_UPDATE_GOLDEN=1 rewrites them), no line
 * wider than the width (in characters), no control byte without colour and
 * colours reset on every line with it; and the SVG of each kind standalone,
 * escaped, balanced, holding each series' exact numbers.
 *
 * With NNL_CHART_SVG_DIR=DIR it also writes each kind's SVG there, with
 * NAME.expect files listing the numbers each data group must hold
 * (tests/run.sh parses them with python3 or xmllint). */
#include "check.h"
#include "see/chart.h"
#include <stdlib.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* ---- made-up data, the same on every machine -------------------------------- */

static unsigned long long rng_state = 88172645463325252ULL;
static double uniform(void) {                  /* xorshift64 */
    rng_state ^= rng_state << 13; rng_state ^= rng_state >> 7; rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}
static double normal(void) {                   /* sum of 12 uniforms, minus 6 */
    double s = 0;
    for (int i = 0; i < 12; i++) s += uniform();
    return s - 6;
}

enum { EPOCHS = 60 };

static Chart *loss_chart(void) {
    double train[EPOCHS], valid[EPOCHS];
    for (int e = 0; e < EPOCHS; e++) {
        train[e] = 2.3 * exp(-0.12 * e) + 0.0015 * (1 + 0.1 * ((e * 7) % 3));
        valid[e] = 2.4 * exp(-0.12 * e) + 0.03 + 0.00004 * (e - 37) * (e - 37) * (e > 37);
    }
    valid[12] = NAN;                            /* a gap */
    Chart *c = chart_new(CHART_LINES, "Loss of net on training");
    chart_set_labels(c, "epoch", "loss");
    chart_add_series(c, "training", NULL, train, EPOCHS);
    chart_add_series(c, "validation", NULL, valid, EPOCHS);
    chart_add_marker(c, 38, "early stop, epoch 38");
    return c;
}

static Chart *lr_chart(void) {
    double x[100], y[100];
    for (int i = 0; i < 100; i++) { x[i] = i; y[i] = 0.1 * pow(0.5, i / 25) * (1 + cos(M_PI * (i % 25) / 25)) / 2 + 0.001; }
    Chart *c = chart_new(CHART_LINES, "Learning rate: cosine with restarts");
    chart_set_labels(c, "step", "lr");
    chart_set_scale(c, CHART_SCALE_LINEAR);
    chart_add_series(c, "lr", x, y, 100);
    chart_add_hline(c, 0.05, "lr = 0.05");
    return c;
}

static const char *const LAYERS[] = { "1 dense sigmoid", "2 dense sigmoid", "3 dense sigmoid", "4 dense sigmoid", "5 dense softmax" };
static const double DELTA[] = { 3.1e-6, 2.2e-5, 4.0e-4, 6.3e-3, 0.081 };
static const double DW[] = { 1.2e-5, 9.5e-5, 1.1e-3, 0.021, 0.19 };

static Chart *gradients_chart(void) {
    Chart *c = chart_new(CHART_BARS, "Gradients of net on digits");
    chart_set_labels(c, "norm", NULL);
    chart_set_categories(c, LAYERS, 5);
    chart_add_bars(c, "‖δ‖", DELTA, 5);
    chart_add_bars(c, "‖∂C/∂W‖", DW, 5);
    return c;
}

static Chart *activations_chart(void) {
    rng_state = 88172645463325252ULL;
    Chart *c = chart_new(CHART_HISTOGRAMS, "Activations of net on digits");
    chart_set_labels(c, "activation", "count");
    enum { N = 800 };
    static const char *const kinds[] = { "sigmoid", "tanh", "relu", "sigmoid" };
    for (int l = 0; l < 4; l++) {
        double v[N];
        int saturated = 0;
        for (int i = 0; i < N; i++) {
            double z = normal() * (l == 3 ? 4 : 1.5) + (l == 0 ? 0.5 : 0);
            v[i] = l == 1 ? tanh(z) : l == 2 ? fmax(0, z) : 1 / (1 + exp(-z));
            saturated += l != 2 && fabs(v[i]) > (l == 1 ? 0.95 : 2) ;
            if (l != 1 && l != 2) saturated += v[i] < 0.05 || v[i] > 0.95;
        }
        char title[40], caption[40];
        snprintf(title, sizeof title, "layer %d %s", l + 1, kinds[l]);
        if (l == 2) snprintf(caption, sizeof caption, "dead 41.0%%");
        else snprintf(caption, sizeof caption, "saturated %.1f%%", 100.0 * saturated / N);
        double lo = l == 1 ? -1 : 0, hi = l == 2 ? NAN : 1;
        chart_add_histogram(c, title, caption, v, N, lo, hi, 20);
    }
    return c;
}

enum { GRID = 40, POINTS = 120 };

static Chart *regions_chart(void) {
    rng_state = 88172645463325252ULL;
    double g[GRID * GRID], px[POINTS], py[POINTS];
    int pc[POINTS];
    for (int j = 0; j < GRID; j++)
        for (int i = 0; i < GRID; i++) {
            double x = -6 + 12 * (i + 0.5) / GRID, y = -6 + 12 * (j + 0.5) / GRID;
            g[j * GRID + i] = 1 / (1 + exp(x * x / 4 + y * y / 5 - 4.5));     /* inside the circle: class 1 */
        }
    for (int p = 0; p < POINTS; p++) {
        int inside = p % 2;
        double r = inside ? 2.5 * uniform() : 3.5 + 2 * uniform(), a = 2 * M_PI * uniform();
        px[p] = r * cos(a); py[p] = r * sin(a); pc[p] = inside;
    }
    Chart *c = chart_new(CHART_REGIONS, "net on circle");
    chart_set_labels(c, "x1", "x2");
    chart_set_grid(c, GRID, GRID, -6, 6, -6, 6, g, 2);
    chart_add_points(c, px, py, pc, POINTS);
    static const char *const names[] = { "outside", "inside" };
    chart_set_class_names(c, names, 2);
    return c;
}

static Chart *classes_chart(void) {
    rng_state = 88172645463325252ULL;
    double g[GRID * GRID], px[90], py[90];
    int pc[90];
    for (int j = 0; j < GRID; j++)
        for (int i = 0; i < GRID; i++) {
            double x = -1 + 2 * (i + 0.5) / GRID, y = -1 + 2 * (j + 0.5) / GRID, a = atan2(y, x);
            g[j * GRID + i] = a < -M_PI / 3 ? 0 : a < M_PI / 3 ? 1 : 2;
        }
    for (int p = 0; p < 90; p++) {
        double a = (p % 3 - 1) * 2 * M_PI / 3 + (uniform() - 0.5) * 1.6, r = 0.2 + 0.75 * uniform();
        px[p] = r * cos(a); py[p] = r * sin(a);
        pc[p] = p % 3 == 0 ? 0 : p % 3 == 1 ? 1 : 2;
    }
    Chart *c = chart_new(CHART_REGIONS, "net on three blobs");
    chart_set_labels(c, "x1", "x2");
    chart_set_grid(c, GRID, GRID, -1, 1, -1, 1, g, 3);
    chart_add_points(c, px, py, pc, 90);
    return c;
}

typedef struct { const char *name; Chart *(*make)(void); } Case;
static const Case CASES[] = {
    { "loss", loss_chart }, { "lr", lr_chart }, { "gradients", gradients_chart },
    { "activations", activations_chart }, { "regions", regions_chart }, { "classes", classes_chart },
};
enum { NCASES = sizeof CASES / sizeof *CASES };

/* ---- helpers ------------------------------------------------------------------ */

static char *render(const Chart *c, int width, bool colour, bool svg, int *rc) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    *rc = svg ? chart_render_svg(c, f, 0, 0) : chart_render_term(c, f, width, colour);
    fclose(f);
    return buf;
}

/* the widest line in characters, escape sequences not counted */
static int widest(const char *s) {
    int w = 0, best = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\n') { if (w > best) best = w; w = 0; continue; }
        if (*p == 0x1b) { while (*p && *p != 'm') p++; if (!*p) break; continue; }
        if ((*p & 0xC0) != 0x80) w++;
    }
    return w > best ? w : best;
}

static bool has_control(const char *s) {
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p < 0x20 && *p != '\n') || *p == 0x7f) return true;
    return false;
}

/* every line ends in the terminal's own colours: its last escape sequence,
 * if any, is the reset */
static bool resets(const char *s) {
    const char *line = s;
    for (const char *nl; (nl = strchr(line, '\n')); line = nl + 1) {
        const char *last = NULL;
        for (const char *p = line; p < nl; p++)
            if (*p == 0x1b) last = p;
        if (last && strncmp(last, "\033[0m", 4)) return false;
    }
    return true;
}

static int count(const char *s, const char *what) {
    int n = 0;
    for (const char *p = s; (p = strstr(p, what)); p += strlen(what)) n++;
    return n;
}

static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = 0;
    fclose(f);
    return s;
}

/* ---- the checks ----------------------------------------------------------------- */

static void ticks(void) {
    double t[32], step;
    int n = chart_nice_ticks(0, 1, 6, t, 32, &step);
    CHECK(n == 6 && t[0] == 0 && fabs(t[5] - 1) < 1e-12 && fabs(step - 0.2) < 1e-12, "ticks over [0, 1]: 0, 0.2, ..., 1 (got %d)", n);
    n = chart_nice_ticks(1, 37, 8, t, 32, &step);
    CHECK(n == 7 && t[0] == 5 && t[6] == 35 && step == 5, "ticks over [1, 37] by at most 8: 5, 10, ..., 35 (got %d)", n);
    n = chart_nice_ticks(-1, 1, 5, t, 32, &step);
    CHECK(n == 5 && t[2] == 0, "ticks over [-1, 1] hold an exact 0 (got %d, %g)", n, t[2]);
    n = chart_nice_ticks(0.3, 0.9, 4, t, 32, &step);
    CHECK(n == 3 && fabs(t[0] - 0.4) < 1e-12 && step == 0.2, "ticks over [0.3, 0.9] by at most 4: 0.4, 0.6, 0.8 (got %d)", n);
    n = chart_nice_ticks(0, 2500, 6, t, 32, &step);
    CHECK(n == 6 && step == 500, "ticks over [0, 2500]: every 500 (got %d, step %g)", n, step);
    n = chart_log_ticks(1e-5, 1, 8, t, 32);
    CHECK(n == 6 && t[0] == 1e-5 && t[5] == 1, "log ticks over [1e-5, 1]: each decade (got %d)", n);
    n = chart_log_ticks(1e-9, 1e3, 5, t, 32);
    CHECK(n == 5 && fabs(t[1] / 1e-6 - 1) < 1e-12 && t[4] == 1e3, "log ticks over [1e-9, 1e3] by at most 5: every 3rd decade (got %d)", n);
    n = chart_log_ticks(1, 10, 8, t, 32);
    CHECK(n == 4 && t[1] == 2 && t[2] == 5, "log ticks over one decade: 1, 2, 5, 10 (got %d)", n);

    char buf[32];
    chart_format_tick(0.001, 0, buf, sizeof buf);
    CHECK(!strcmp(buf, "0.001"), "label 0.001 (got %s)", buf);
    chart_format_tick(1e-5, 0, buf, sizeof buf);
    CHECK(!strcmp(buf, "1e-05"), "label 1e-05 (got %s)", buf);
    chart_format_tick(2000, 500, buf, sizeof buf);
    CHECK(!strcmp(buf, "2000"), "label 2000 (got %s)", buf);
    chart_format_tick(0.1 + 0.2, 0.1, buf, sizeof buf);
    CHECK(!strcmp(buf, "0.3"), "label of 0.1 + 0.2 with step 0.1 is 0.3 (got %s)", buf);
    chart_format_tick(1.25, 0.05, buf, sizeof buf);
    CHECK(!strcmp(buf, "1.25"), "label 1.25 with step 0.05 (got %s)", buf);
}

static void log_rule(void) {
    double spans[] = { 0.7, 0.3, 0.001 }, narrow[] = { 0.7, 0.1, 0.5 }, negative[] = { 0.7, 0.001, -0.1 },
           zeros[] = { 0, 1, 0.01, NAN, INFINITY }, exact[] = { 1, 100 };
    CHECK(chart_log_wanted(spans, 3), "log when the values span nearly three decades");
    CHECK(!chart_log_wanted(narrow, 3), "linear when they span less than two");
    CHECK(!chart_log_wanted(negative, 3), "linear when a value is negative");
    CHECK(chart_log_wanted(zeros, 5), "zeros and non-finite values do not count against log");
    CHECK(chart_log_wanted(exact, 2), "exactly two decades is log");
    CHECK(!chart_log_wanted(NULL, 0), "no values: linear");
}

static void api(void) {
    Chart *c = chart_new(CHART_LINES, "t");
    double y[] = { 1, 2 };
    const char *cats[] = { "a" };
    CHECK(chart_set_categories(c, cats, 1) == -1, "categories on a LINES chart are refused");
    CHECK(chart_add_histogram(c, "h", NULL, y, 2, 0, 1, 2) == -1, "a histogram on a LINES chart is refused");
    for (int i = 0; i < CHART_MAX_SERIES; i++) chart_add_series(c, "s", NULL, y, 2);
    CHECK(chart_add_series(c, "one too many", NULL, y, 2) == -1, "at most %d series", CHART_MAX_SERIES);
    chart_free(c);

    c = chart_new(CHART_HISTOGRAMS, NULL);
    double v[] = { 0, 0.1, 0.5, 0.99, 1, 1.5, NAN, -0.2 };
    chart_add_histogram(c, "p", NULL, v, 8, 0, 1, 4);
    const double *edges;
    const long *counts;
    long out;
    int bins = chart_panel_counts(c, 0, &edges, &counts, &out);
    CHECK(bins == 4 && counts[0] == 2 && counts[1] == 0 && counts[2] == 1 && counts[3] == 2 && out == 3 && edges[4] == 1,
          "histogram over [0, 1]: 1 falls in the last bin, 1.5, NaN and -0.2 are left out");
    chart_add_histogram(c, "auto", NULL, v, 8, 0, 0, 3);
    bins = chart_panel_counts(c, 1, &edges, &counts, &out);
    CHECK(bins == 3 && edges[0] == -0.2 && edges[3] == 1.5 && out == 1, "histogram's automatic range: the finite values'");
    chart_free(c);
}

static void terminal(void) {
    bool update = getenv("NNL_UPDATE_GOLDEN") && *getenv("NNL_UPDATE_GOLDEN");
    for (int k = 0; k < NCASES; k++) {
        Chart *c = CASES[k].make();
        int rc;
        char *plain = render(c, 80, false, false, &rc);
        CHECK(rc == 0, "%s: drawn for a terminal", CASES[k].name);
        CHECK(widest(plain) <= 80, "%s: at most 80 columns without colour (widest %d)", CASES[k].name, widest(plain));
        CHECK(!has_control(plain), "%s: no control byte without colour", CASES[k].name);
        char path[128];
        snprintf(path, sizeof path, "tests/charts/%s.txt", CASES[k].name);
        if (update) {
            FILE *f = fopen(path, "wb");
            if (f) { fputs(plain, f); fclose(f); }
        }
        char *golden = slurp(path);
        CHECK(golden && !strcmp(golden, plain), "%s: equals %s", CASES[k].name, path);
        free(golden);
        free(plain);

        char *col = render(c, 80, true, false, &rc);
        CHECK(rc == 0 && strchr(col, 0x1b), "%s: colour has escape sequences", CASES[k].name);
        CHECK(widest(col) <= 80, "%s: at most 80 columns with colour (widest %d)", CASES[k].name, widest(col));
        CHECK(resets(col) && !strchr(col, '\r'), "%s: colours reset before every line ends, no \\r", CASES[k].name);
        free(col);
        for (int w = 40; w <= 120; w += 20) {
            char *s = render(c, w, w % 40 == 0, false, &rc);
            CHECK(rc == 0 && widest(s) <= w, "%s: at most %d columns (widest %d)", CASES[k].name, w, widest(s));
            free(s);
        }
        chart_free(c);
    }
}

static void svg(void) {
    for (int k = 0; k < NCASES; k++) {
        Chart *c = CASES[k].make();
        int rc;
        char *s = render(c, 0, false, true, &rc);
        CHECK(rc == 0 && !strncmp(s, "<?xml", 5) && strstr(s, "xmlns=\"http://www.w3.org/2000/svg\"") &&
              strstr(s, "viewBox=") && strstr(s, "fill=\"#ffffff\""), "%s: a standalone SVG", CASES[k].name);
        CHECK(count(s, "<g") == count(s, "</g>") && count(s, "<text") == count(s, "</text>") &&
              count(s, "<svg") == 1 && count(s, "</svg>") == 1, "%s: groups and texts balanced", CASES[k].name);
        CHECK(!strstr(s, "<image") && !strstr(s, "href") && !strstr(s, "url("), "%s: nothing external", CASES[k].name);
        free(s);
        chart_free(c);
    }
    Chart *c = loss_chart();
    int rc;
    char *s = render(c, 0, false, true, &rc);
    CHECK(strstr(s, "data-name=\"training\" data-x=\"1 2 3 4 5") != NULL, "the training series' x are its epochs");
    char want[64];
    snprintf(want, sizeof want, "data-y=\"%.9g %.9g", 2.3 + 0.0015, 2.3 * exp(-0.12) + 0.0015 * 1.1);
    CHECK(strstr(s, want) != NULL, "the training series' y as given, %%.9g: %s", want);
    CHECK(strstr(s, " nan ") != NULL && count(s, "<polyline") == 3, "validation's NaN is a gap: two polylines for it");
    free(s);
    chart_free(c);

    c = chart_new(CHART_LINES, "a <b> & \"c\" 'd'");
    double y[] = { 1, 2, 3 };
    chart_add_series(c, "x<y", NULL, y, 3);
    s = render(c, 0, false, true, &rc);
    CHECK(strstr(s, "<title>a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;</title>") && strstr(s, "data-name=\"x&lt;y\""),
          "text is escaped for XML");
    free(s);
    chart_free(c);
}

/* odd inputs draw something sane, within the width, in both back ends */
static void degenerate(void) {
    double nan3[] = { NAN, NAN, NAN }, one[] = { 0.5 }, flat[] = { 2, 2, 2 }, zeros[] = { 0, 0, 0 };
    double neg[] = { -1e-5, 3, -200 }, g[] = { 0.5 };
    int cls[] = { 1 };
    Chart *cs[8];
    int n = 0;
    Chart *c = cs[n++] = chart_new(CHART_LINES, "all NaN");
    chart_add_series(c, "a", NULL, nan3, 3);
    c = cs[n++] = chart_new(CHART_LINES, "one point, a flat line, log forced on zeros");
    chart_set_scale(c, CHART_SCALE_LOG);
    chart_add_series(c, "p", NULL, one, 1);
    chart_add_series(c, "f", NULL, flat, 3);
    chart_add_series(c, "z", NULL, zeros, 3);
    c = cs[n++] = chart_new(CHART_BARS, "negative and zero bars");
    const char *cats[] = { "a", "a very long category name that does not fit in a quarter", "c" };
    chart_set_categories(c, cats, 3);
    chart_add_bars(c, "neg", neg, 3);
    chart_add_bars(c, "zero", zeros, 3);
    c = cs[n++] = chart_new(CHART_HISTOGRAMS, "one value, no value");
    chart_add_histogram(c, "one", NULL, one, 1, 0, 0, 0);
    chart_add_histogram(c, "none", "nothing", NULL, 0, 0, 0, 3);
    chart_add_histogram(c, "many bins", NULL, flat, 3, 0, 4, 500);
    c = cs[n++] = chart_new(CHART_REGIONS, "one cell");
    chart_set_grid(c, 1, 1, 0, 1, 0, 1, g, 2);
    chart_add_points(c, one, one, cls, 1);
    for (int i = 0; i < n; i++) {
        for (int w = 40; w <= 80; w += 40) {
            int rc;
            char *s = render(cs[i], w, w == 80, false, &rc);
            CHECK(rc == 0 && widest(s) <= w, "odd chart %d drawn in %d columns (widest %d)", i, w, widest(s));
            free(s);
        }
        int rc;
        char *s = render(cs[i], 0, false, true, &rc);
        CHECK(rc == 0 && count(s, "<g") == count(s, "</g>"), "odd chart %d as SVG", i);
        free(s);
        chart_free(cs[i]);
    }
    c = chart_new(CHART_LINES, "empty");
    int rc;
    char *s = render(c, 80, false, false, &rc);
    CHECK(rc == -1, "a chart with no data is not drawn");
    free(s);
    chart_free(c);
}

/* NNL_CHART_SVG_DIR: each kind's SVG and what its data groups must hold */
static void write_svgs(const char *dir) {
    for (int k = 0; k < NCASES; k++) {
        char path[512];
        Chart *c = CASES[k].make();
        snprintf(path, sizeof path, "%s/%s.svg", dir, CASES[k].name);
        FILE *f = fopen(path, "w");
        int rc = f ? chart_render_svg(c, f, 0, 0) : -1;
        if (f) fclose(f);
        CHECK(rc == 0, "%s.svg written", CASES[k].name);
        chart_free(c);
    }
    /* the expected numbers, one group a line: ATTRIBUTE NAME-OR-INDEX VALUES... */
    char path[512];
    snprintf(path, sizeof path, "%s/gradients.expect", dir);
    FILE *f = fopen(path, "w");
    if (!f) return;
    fprintf(f, "data-values ‖δ‖");
    for (int i = 0; i < 5; i++) fprintf(f, " %.17g", DELTA[i]);
    fprintf(f, "\ndata-values ‖∂C/∂W‖");
    for (int i = 0; i < 5; i++) fprintf(f, " %.17g", DW[i]);
    fprintf(f, "\n");
    fclose(f);
    snprintf(path, sizeof path, "%s/lr.expect", dir);
    f = fopen(path, "w");
    if (!f) return;
    fprintf(f, "data-y lr");
    for (int i = 0; i < 100; i++) fprintf(f, " %.17g", 0.1 * pow(0.5, i / 25) * (1 + cos(M_PI * (i % 25) / 25)) / 2 + 0.001);
    fprintf(f, "\n");
    fclose(f);
}

int main(void) {
    ticks();
    log_rule();
    api();
    terminal();
    svg();
    degenerate();
    const char *dir = getenv("NNL_CHART_SVG_DIR");
    if (dir && *dir) write_svgs(dir);
    CHECK_DONE();
}
