/* Ctrl-C: nnl_interrupt is set by the SIGINT handler; `train` (which sets
 * nnl_training while it runs) stops after the current batch when it sees it. */
#ifndef NNL_INTERRUPT_H
#define NNL_INTERRUPT_H
#include <signal.h>

extern volatile sig_atomic_t nnl_interrupt, nnl_training;

#endif
