/* lanes.c — the worker thread behind lanes.h: a job handed over under a
 * mutex, the worker woken by a condition variable, the caller waiting on
 * another until the worker's part is done.
 * Must not: know what the work is (train/optcompile.c splits the update),
 * or take signals (Ctrl-C goes to the main thread, which polls for it). */
#include "tensor/blas.h"
#include "tensor/lanes.h"
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t posted_cond = PTHREAD_COND_INITIALIZER, finished_cond = PTHREAD_COND_INITIALIZER;
static LaneWork *job;
static void *job_ctx;
static unsigned long posted, finished;     /* jobs handed to the worker, and done by it */

static void *worker(void *unused) {
    (void)unused;
    unsigned long seen = 0;
    pthread_mutex_lock(&lock);
    for (;;) {
        while (posted == seen) pthread_cond_wait(&posted_cond, &lock);
        seen = posted;
        LaneWork *work = job;
        void *ctx = job_ctx;
        pthread_mutex_unlock(&lock);
        work(ctx, 1, 2);
        pthread_mutex_lock(&lock);
        finished = seen;
        pthread_cond_signal(&finished_cond);
    }
    return NULL;
}

/* the worker, with a small stack (its loops use a few hundred bytes: under
 * `ulimit -v` an 8 MiB default could be what fails) and every signal blocked */
static bool start_worker(void) {
    pthread_attr_t attr;
    if (pthread_attr_init(&attr) != 0) return false;
    pthread_attr_setstacksize(&attr, 256 * 1024);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_t t;
    bool ok = pthread_create(&t, &attr, worker, NULL) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    return ok;
}

int lanes_count(void) {
    static int lanes;
    if (lanes) return lanes;
    int asked = blas_user_threads();
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    lanes = (asked ? asked : cpus) >= 2 && cpus >= 2 && start_worker() ? 2 : 1;
    return lanes;
}

void lanes_run(LaneWork *work, void *ctx) {
    if (lanes_count() < 2) {
        work(ctx, 0, 1);
        return;
    }
    pthread_mutex_lock(&lock);
    job = work;
    job_ctx = ctx;
    unsigned long mine = ++posted;
    pthread_cond_signal(&posted_cond);
    pthread_mutex_unlock(&lock);
    work(ctx, 0, 2);
    pthread_mutex_lock(&lock);
    while (finished != mine) pthread_cond_wait(&finished_cond, &lock);
    pthread_mutex_unlock(&lock);
}
