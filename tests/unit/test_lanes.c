/* tensor/lanes.h: a job split in two runs both parts, the second on another
 * thread, each part once, and many jobs in a row each finish before
 * lanes_run returns, even when the worker's part takes much longer than the
 * caller's; held to one lane by OPENBLAS_NUM_THREADS=1, the whole job runs
 * here as one part. */
#include "check.h"
#include "tensor/lanes.h"
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

typedef struct Job {
    int       data[1000];
    pthread_t who[2];
    int       lanes_seen[2];
    bool      slow;         /* the second part sleeps before it works */
} Job;

static void add_one(void *ctx, int lane, int lanes) {
    Job *j = ctx;
    j->who[lane] = pthread_self();
    j->lanes_seen[lane] = lanes;
    if (j->slow && lane == 1) nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
    for (int i = 1000 * lane / lanes; i < 1000 * (lane + 1) / lanes; i++) j->data[i]++;
}

int main(int argc, char **argv) {
    if (argc > 1) setenv("OPENBLAS_NUM_THREADS", argv[1], 1);   /* test_lanes 1: held to one lane */
    int lanes = lanes_count();
    Job *j = calloc(1, sizeof *j);
    for (int round = 0; round < 200; round++) lanes_run(add_one, j);
    bool all = true;
    for (int i = 0; i < 1000; i++) all &= j->data[i] == 200;
    CHECK(all, "every element done once per job, 200 jobs (%d lane%s)", lanes, lanes == 2 ? "s" : "");
    /* a worker's part 20 ms long: lanes_run returns after it, not before */
    j->slow = true;
    lanes_run(add_one, j);
    all = true;
    for (int i = 0; i < 1000; i++) all &= j->data[i] == 201;
    CHECK(all, "a job whose second part is slow is whole when lanes_run returns");
    if (argc > 1) CHECK(lanes == 1 && j->lanes_seen[0] == 1, "OPENBLAS_NUM_THREADS=%s holds nnl to one lane", argv[1]);
    else if (lanes == 2) {
        CHECK(!pthread_equal(j->who[0], j->who[1]), "the second part runs on another thread");
        CHECK(pthread_equal(j->who[0], pthread_self()), "the first part runs in the caller's thread");
    } else
        printf("SKIP one CPU here: the second lane is not tested\n");
    free(j);
    CHECK_DONE();
}
