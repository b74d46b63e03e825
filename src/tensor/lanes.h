/* A second thread for nnl's own loops over large arrays (the optimizer's
 * update), so that a step uses both cores outside the matrix products too
 * (OpenBLAS has its own threads for those).  One worker, started at first
 * use, kept for the process's life. */
#ifndef NNL_LANES_H
#define NNL_LANES_H

/* A job split in `lanes` parts; part `lane` of them runs in one thread.
 * The parts must not write the same memory. */
typedef void LaneWork(void *ctx, int lane, int lanes);

/* 2 when a second thread may be used: the machine has two CPUs or more, the
 * user did not hold nnl to one (OPENBLAS_NUM_THREADS=1, OMP_NUM_THREADS=1
 * and the like, as for BLAS), and the worker could be started; else 1. */
int lanes_count(void);

/* work(ctx, 0, n) here and, with two lanes, work(ctx, 1, 2) on the worker at
 * the same time; returns when both are done.  n = lanes_count(). */
void lanes_run(LaneWork *work, void *ctx);

#endif
