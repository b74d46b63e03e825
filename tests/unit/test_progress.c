/* train's live progress line (src/train/progress.c): its text for given
 * numbers -- the bar, the batch count, samples a second, the clock and the
 * ETA, the loss -- and what it leaves out when asked; and the clock's form. */
#include "check.h"
#include "train/progress.h"
#include <math.h>
#include <string.h>

static void expect(const char *what, const ProgressLine *l, const char *want) {
    char buf[256];
    int n = progress_format(buf, sizeof buf, l);
    CHECK(strcmp(buf, want) == 0 && n == (int)strlen(want), "%s: %.120s", what, buf);
}

int main(void) {
    char t[24];
    CHECK(strcmp(progress_clock(t, sizeof t, 0), "0:00") == 0, "0 s is 0:00");
    CHECK(strcmp(progress_clock(t, sizeof t, 75.4), "1:15") == 0, "75.4 s is 1:15");
    CHECK(strcmp(progress_clock(t, sizeof t, 3725), "1:02:05") == 0, "3725 s is 1:02:05");
    CHECK(strcmp(progress_clock(t, sizeof t, NAN), "0:00") == 0, "no time is 0:00");

    /* epoch 3 of 10, batch 4 of 8: half the bar, the speed over the whole statement, time left for all epochs */
    ProgressLine l = { .epoch = 3, .epochs = 10, .batch = 4, .batches = 8, .bar = 10, .samples = 2468,
                       .elapsed = 2, .eta = 12.4, .loss = 0.432109 };
    expect("half an epoch", &l, "epoch  3/10 [=====>....] 4/8  1,234 samples/s  0:02 ETA 0:12  loss 0.4321");
    l.batch = 8;
    expect("a full bar", &l, "epoch  3/10 [==========] 8/8  1,234 samples/s  0:02 ETA 0:12  loss 0.4321");
    l.batch = 0;
    expect("an empty bar", &l, "epoch  3/10 [>.........] 0/8  1,234 samples/s  0:02 ETA 0:12  loss 0.4321");
    l.batch = 4;
    l.no_speed = true;
    expect("no speed", &l, "epoch  3/10 [=====>....] 4/8  0:02 ETA 0:12  loss 0.4321");
    l.no_speed = false;
    l.bar = 0;
    l.eta = -1;
    l.loss = NAN;
    expect("no bar, ETA or loss", &l, "epoch  3/10 4/8  1,234 samples/s  0:02");
    l.elapsed = 0;
    expect("no speed before any time has passed", &l, "epoch  3/10 4/8  0:00");
    l = (ProgressLine){ .epoch = 7, .epochs = 1000, .batch = 12, .batches = 500, .bar = 4, .samples = 10,
                        .elapsed = 1, .eta = 4000, .loss = 1.5e-7 };
    expect("widths of the counts", &l, "epoch    7/1000 [>...]  12/500  10 samples/s  0:01 ETA 1:06:40  loss 1.5e-07");
    char small[16];
    int n = progress_format(small, sizeof small, &l);
    CHECK(n == 15 && strcmp(small, "epoch    7/1000") == 0, "a small buffer is cut, not overrun: '%s'", small);
    CHECK_DONE();
}
