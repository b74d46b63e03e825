/* ticks.c — the numbers along an axis: when a log scale reads better, "nice"
 * linear ticks (1-2-5 steps), decade ticks on a log axis, compact tick
 * labels, and the Axis both back ends draw (ends, ticks, value -> position).
 * Must not: know about charts' kinds or draw anything. */
#include "see/chart_impl.h"
#include <stdio.h>
#include <string.h>

void span_add(Span *s, double v) {
    if (!isfinite(v)) return;
    if (s->n++ == 0) { s->lo = s->hi = v; s->pos_lo = INFINITY; s->pos_hi = 0; }
    s->lo = fmin(s->lo, v); s->hi = fmax(s->hi, v);
    if (v < 0) s->negative = true;
    if (v > 0) { s->pos_lo = fmin(s->pos_lo, v); s->pos_hi = fmax(s->pos_hi, v); }
}

bool span_log_wanted(const Span *s) {
    return s->n > 0 && !s->negative && s->pos_hi > 0 && s->pos_hi / s->pos_lo >= 100 * (1 - 1e-12);
}

bool chart_log_wanted(const double *v, int n) {
    Span s = { 0 };
    for (int i = 0; i < n; i++) span_add(&s, v[i]);
    return span_log_wanted(&s);
}

/* the k-th nice step at or above 10^e: 1, 2, 5, 10, 20, ... × 10^e */
static double nice_step(int e, int k) {
    static const double m[] = { 1, 2, 5 };
    return m[k % 3] * pow(10, e + k / 3);
}

int chart_nice_ticks(double lo, double hi, int max, double *out, int cap, double *step_out) {
    if (!(isfinite(lo) && isfinite(hi)) || max < 2 || cap < 1) return 0;
    if (lo > hi) { double t = lo; lo = hi; hi = t; }
    if (hi - lo <= 0) {
        out[0] = lo;
        if (step_out) *step_out = 0;
        return 1;
    }
    int e = (int)floor(log10((hi - lo) / max)) - 1;
    double step = 0;
    for (int k = 0; k < 60; k++) {
        step = nice_step(e, k);
        double first = ceil(lo / step - 1e-9), last = floor(hi / step + 1e-9);
        if (last - first + 1 <= max) break;
    }
    double first = ceil(lo / step - 1e-9);
    int n = 0;
    for (double t = first; n < cap; t += 1) {
        double v = t * step;
        if (v > hi + step * 1e-9) break;
        if (fabs(v) < step * 1e-9) v = 0;            /* not 5.55e-17 */
        out[n++] = v;
    }
    if (step_out) *step_out = step;
    return n;
}

int chart_log_ticks(double lo, double hi, int max, double *out, int cap) {
    if (!(lo > 0 && hi >= lo && isfinite(hi)) || max < 2 || cap < 1) return 0;
    int d0 = (int)ceil(log10(lo) - 1e-9), d1 = (int)floor(log10(hi) + 1e-9);
    int decades = d1 - d0 + 1;
    int n = 0;
    if (decades >= 2 || (decades == 1 && max < 3)) {
        int every = 1;
        static const int steps[] = { 1, 2, 3, 5, 10, 20, 50, 100 };
        for (size_t k = 0; k < sizeof steps / sizeof *steps; k++) {
            every = steps[k];
            if ((decades - 1) / every + 1 <= max) break;
        }
        int start = (int)ceil((double)d0 / every) * every;   /* multiples of `every`: 1e-6, 1e-3, 1 */
        if (start > d1) start = d0;
        for (int d = start; d <= d1 && n < cap; d += every) out[n++] = pow(10, d);
        /* a lot of room and few decades: 2 and 5 between them */
        if (decades <= 2 && max >= 3 * decades + 2) {
            double more[AXIS_MAX_TICKS * 3];
            int m = 0;
            for (int d = d0 - 1; d <= d1 && m + 3 <= (int)(sizeof more / sizeof *more); d++)
                for (int k = 0; k < 3; k++) {
                    double v = (k == 0 ? 1 : k == 1 ? 2 : 5) * pow(10, d);
                    if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) more[m++] = v;
                }
            if (m <= max) {
                n = m < cap ? m : cap;
                memcpy(out, more, (size_t)n * sizeof *out);
            }
        }
        return n;
    }
    /* less than two decades: the linear nice ticks are also log-readable */
    return chart_nice_ticks(lo, hi, max, out, cap, NULL);
}

void chart_format_tick(double v, double step, char *buf, size_t size) {
    if (v == 0) { snprintf(buf, size, "0"); return; }
    int digits = 6;
    if (step > 0 && isfinite(step)) {
        /* enough significant digits to show the step's last digit */
        digits = (int)floor(log10(fabs(v)) + 1e-9) - (int)floor(log10(step) + 1e-9) + 1;
        /* and every digit before the point, as %g would (up to 6) */
        int whole = (int)floor(log10(fabs(v)) + 1e-9) + 1;
        if (digits < whole) digits = whole < 6 ? whole : 6;
        if (digits < 1) digits = 1;
        if (digits > 15) digits = 15;
    }
    snprintf(buf, size, "%.*g", digits, v);
}

/* ---- Axis ----------------------------------------------------------------- */

static void label_all(Axis *a, double step) {
    for (int i = 0; i < a->n; i++) chart_format_tick(a->at[i], a->log ? 0 : step, a->label[i], AXIS_LABEL);
}

void axis_make(Axis *a, double lo, double hi, bool log, int max, bool snap) {
    memset(a, 0, sizeof *a);
    if (max > AXIS_MAX_TICKS) max = AXIS_MAX_TICKS;
    if (max < 2) max = 2;
    if (!(isfinite(lo) && isfinite(hi)) || lo > hi) { lo = log ? 1 : 0; hi = log ? 10 : 1; }
    if (log && lo <= 0) log = false;
    if (lo == hi) {
        if (log) { lo /= 10; hi *= 10; }
        else { double d = lo == 0 ? 1 : fabs(lo) * 0.1; lo -= d; hi += d; }
    }
    a->log = log;
    if (log) {
        if (snap) {
            lo = pow(10, floor(log10(lo) + 1e-9));
            hi = pow(10, ceil(log10(hi) - 1e-9));
            if (hi <= lo) hi = lo * 10;
        }
        a->lo = lo; a->hi = hi;
        a->n = chart_log_ticks(lo, hi, max, a->at, AXIS_MAX_TICKS);
        label_all(a, 0);
        return;
    }
    double step = 0;
    if (snap) {
        /* the smallest nice step whose ticks around the data are few enough;
         * the ends widen to the first and last of them, which are the ticks */
        int e = (int)floor(log10((hi - lo) / max)) - 1;
        for (int k = 0; k < 60; k++) {
            step = nice_step(e, k);
            double first = floor(lo / step + 1e-9), last = ceil(hi / step - 1e-9);
            if (last - first + 1 <= max) {
                a->lo = first * step; a->hi = last * step;
                for (double t = first; t <= last && a->n < AXIS_MAX_TICKS; t += 1)
                    a->at[a->n++] = fabs(t) < 0.5 ? 0 : t * step;
                label_all(a, step);
                return;
            }
        }
    }
    a->lo = lo; a->hi = hi;
    a->n = chart_nice_ticks(lo, hi, max, a->at, AXIS_MAX_TICKS, &step);
    label_all(a, step);
}

double axis_pos(const Axis *a, double v) {
    if (!isfinite(v)) return NAN;
    if (a->log) {
        if (v <= 0) return NAN;
        return (log10(v) - log10(a->lo)) / (log10(a->hi) - log10(a->lo));
    }
    return (v - a->lo) / (a->hi - a->lo);
}

int axis_label_width(const Axis *a) {
    int w = 0;
    for (int i = 0; i < a->n; i++) {
        int l = (int)strlen(a->label[i]);
        if (l > w) w = l;
    }
    return w;
}
