/* progress.c — the lines `train` prints while it runs (progress.h): which
 * epochs are reported, the plain line of a pipe or file, and a terminal's
 * live line rewritten in place with its bar, speed and times.
 * Must not: train or compute a loss (train.c hands in the numbers), or
 * print anything that is not progress. */
#include "base/clock.h"
#include "base/diag.h"
#include "base/text.h"
#include "train/progress.h"
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

bool progress_due(const Interp *I, int e, int epochs, int every) {
    if (I->quiet || every < 0) return false;
    if (every == 0) every = epochs / 10 > 0 ? epochs / 10 : 1;
    return e == 1 || e % every == 0 || e == epochs;
}

/* ---- text ------------------------------------------------------------------- */

const char *progress_clock(char *buf, size_t size, double seconds) {
    long s = isfinite(seconds) && seconds > 0 ? (long)(seconds + 0.5) : 0;
    if (s >= 3600) snprintf(buf, size, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else snprintf(buf, size, "%ld:%02ld", s / 60, s % 60);
    return buf;
}

/* appends to buf at *n, never past size */
static void add(char *buf, size_t size, int *n, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void add(char *buf, size_t size, int *n, const char *fmt, ...) {
    if ((size_t)*n >= size) return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(buf + *n, size - (size_t)*n, fmt, ap);
    va_end(ap);
    if (k > 0) *n += k;
    if ((size_t)*n >= size) *n = (int)size - 1;
}

int progress_format(char *buf, size_t size, const ProgressLine *l) {
    int n = 0;
    char t1[24], t2[24];
    *buf = 0;
    add(buf, size, &n, "epoch %*d/%d", (int)snprintf(NULL, 0, "%d", l->epochs), l->epoch, l->epochs);
    if (l->bar > 0) {
        int full = l->batches ? (int)((long)l->batch * l->bar / l->batches) : l->bar;
        add(buf, size, &n, " [");
        for (int i = 0; i < l->bar; i++) add(buf, size, &n, "%c", i < full ? '=' : i == full ? '>' : '.');
        add(buf, size, &n, "]");
    }
    add(buf, size, &n, " %*d/%d", (int)snprintf(NULL, 0, "%d", l->batches), l->batch, l->batches);
    if (l->elapsed > 0 && !l->no_speed) add(buf, size, &n, "  %s samples/s", thousands(lround(l->samples / l->elapsed)));
    add(buf, size, &n, "  %s", progress_clock(t1, sizeof t1, l->elapsed));
    if (l->eta >= 0) add(buf, size, &n, " ETA %s", progress_clock(t2, sizeof t2, l->eta));
    if (!isnan(l->loss)) add(buf, size, &n, "  loss %.4g", l->loss);
    return n;
}

/* the numbers of a reported epoch: "loss 0.3  valid loss 0.4  valid accuracy 0.9" */
static void print_stats(FILE *f, const EpochStats *s) {
    fprintf(f, "loss %.6g", s->loss);
    if (s->has_penalty) fprintf(f, "  penalty %.6g", s->penalty);
    if (s->has_valid) fprintf(f, "  valid loss %.6g", s->valid_loss);
    if (s->has_accuracy) fprintf(f, "  valid accuracy %.6g", s->valid_accuracy);
}

/* ---- the live line ---------------------------------------------------------- */

enum { MAX_BAR = 30, GOOD_BAR = 10, MIN_BAR = 4 };

static int bar_width(int room) { return room < MIN_BAR ? 0 : room > MAX_BAR ? MAX_BAR : room; }
#define REDRAW_SECONDS 0.1

/* the one live line on the screen, finished by an error or warning before it is written */
static Progress *active;

static void finish_line(void) {
    if (!active || !active->drawn) return;
    fputc('\n', active->out);
    fflush(active->out);
    active->drawn = false;
}

static int terminal_columns(FILE *f) {
    struct winsize ws;
    if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) return ws.ws_col;
    return 80;
}

void progress_begin(Progress *p, const Interp *I, int epochs, int every, int rows, int batch) {
    const char *term = getenv("TERM");
    *p = (Progress){ .out = I->out, .epochs = epochs, .every = every, .rows = rows, .I = I,
                     .batches = (rows + batch - 1) / batch, .last_draw = -INFINITY, .start = wall_seconds() };
    p->live = !I->dry_run && !I->quiet && every >= 0 && isatty(fileno(I->out)) && !(term && strcmp(term, "dumb") == 0);
    if (!p->live) return;
    p->cols = terminal_columns(I->out);
    /* a usual line without its bar: the bar takes what is left, up to MAX_BAR;
     * when that is less than GOOD_BAR the speed makes room for it (draw
     * narrows the bar if the line grows) */
    ProgressLine usual = { epochs, epochs, p->batches, p->batches, 0, 99999, 1, 599, 0.12345, false };
    char buf[256];
    int room = p->cols - 1 - progress_format(buf, sizeof buf, &usual) - 3;
    if (room < GOOD_BAR) {
        usual.no_speed = p->no_speed = true;
        room = p->cols - 1 - progress_format(buf, sizeof buf, &usual) - 3;
    }
    p->bar = bar_width(room);
    active = p;
    diag_before_report = finish_line;
}

/* the live line of batch b of epoch e, cut to the terminal's width */
static void draw(Progress *p, int e, int b, int done, double loss) {
    double now = wall_seconds(), elapsed = now - p->start;
    long samples = (long)(e - 1) * p->rows + done, total = (long)p->epochs * p->rows;
    ProgressLine l = { e, p->epochs, b, p->batches, p->bar, samples, elapsed,
                       samples > 0 ? elapsed * (double)(total - samples) / (double)samples : -1, loss, p->no_speed };
    char buf[512];
    int n = progress_format(buf, sizeof buf, &l);
    if (n > p->cols - 1 && p->bar > 0) {       /* too long: a narrower bar from now on, else no speed */
        p->bar = bar_width(p->bar - (n - (p->cols - 1)));
        l.bar = p->bar;
        n = progress_format(buf, sizeof buf, &l);
    }
    if (n > p->cols - 1 && !l.no_speed) {
        l.no_speed = p->no_speed = true;
        n = progress_format(buf, sizeof buf, &l);
    }
    if (n > p->cols - 1) buf[p->cols - 1] = 0;
    fprintf(p->out, "\r%s\033[K", buf);
    fflush(p->out);
    p->drawn = true;
    p->last_draw = now;
}

/* a reported epoch's line on a terminal: the plain line's numbers, and the
 * time so far and the speed when they fit on the line */
static void draw_finished(Progress *p, int e, const EpochStats *s) {
    char line[512], times[64], t[24];
    FILE *f = fmemopen(line, sizeof line, "w");
    if (!f) return;
    fprintf(f, "epoch %*d/%d  ", (int)snprintf(NULL, 0, "%d", p->epochs), e, p->epochs);
    print_stats(f, s);
    fclose(f);
    double elapsed = wall_seconds() - p->start;
    long samples = (long)e * p->rows;
    snprintf(times, sizeof times, "  (%s, %s samples/s)", progress_clock(t, sizeof t, elapsed),
             thousands(elapsed > 0 ? lround((double)samples / elapsed) : 0));
    bool fits = strlen(line) + strlen(times) <= (size_t)p->cols - 1;
    fprintf(p->out, "\r%s%s\033[K\n", line, fits ? times : "");
    fflush(p->out);
    p->drawn = false;
}

void progress_batch(Progress *p, int e, int b, int done, double loss) {
    if (p->live && wall_seconds() - p->last_draw >= REDRAW_SECONDS) draw(p, e, b, done, loss);
}

void progress_epoch(Progress *p, int e, const EpochStats *s, bool force) {
    if (!progress_due(p->I, e, p->epochs, p->every) && !force) return;
    if (p->live) { draw_finished(p, e, s); return; }
    fprintf(p->out, "epoch %*d/%d  ", (int)snprintf(NULL, 0, "%d", p->epochs), e, p->epochs);
    print_stats(p->out, s);
    fputc('\n', p->out);
}

void progress_interrupted(Progress *p, int e, int b, int done, double loss) {
    if (!p->live) return;
    draw(p, e, b, done, loss);
    finish_line();
}

void progress_end(Progress *p) {
    if (active != p) return;
    finish_line();
    active = NULL;
    diag_before_report = NULL;
}
