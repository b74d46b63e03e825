/* What the unit tests that train whole scripts share: an interpreter with
 * the stdlib whose output goes to a string, a script run in it, and a
 * comparison of two runs' models bit for bit (test_optfuse.c, test_replay.c). */
#ifndef NNL_TEST_SCRIPT_RUN_H
#define NNL_TEST_SCRIPT_RUN_H
#include "cli/toplevel.h"
#include "lang/eval.h"
#include "lang/interp.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Run {
    Interp I;
    Arena  ast;
    char  *log;            /* what the run printed, errors included */
    size_t log_size;
    bool   ok;
    char   src[4096];      /* the script: error messages show its lines */
} Run;

/* an interpreter ready for r->src: set its flags, write the script, then run_source */
static void run_begin(Run *r) {
    memset(r, 0, sizeof *r);
    interp_init(&r->I, false);
    r->I.out = open_memstream(&r->log, &r->log_size);
    diag_set_stream(r->I.out);
    diag_forget_warnings();           /* each run is told its warnings, as it would be alone */
    interp_load_stdlib(&r->I);
}

static Node *run_source(Run *r, const char *file) {
    Node *root = parse_source(&r->ast, file, r->src);
    r->ok = root && interp_run(&r->I, root);
    fflush(r->I.out);
    return root;
}

static void run_free(Run *r) {
    diag_set_stream(stderr);
    fclose(r->I.out);
    free(r->log);
    interp_free(&r->I);
    arena_free(&r->ast);
}

/* the script's model `net`, or NULL */
static __attribute__((noinline)) Model *net_of(Run *r) {
    Value *v = global_find(&r->I, intern("net"));
    return v && v->kind == V_MODEL ? v->model : NULL;
}

static bool same_tensor(const Tensor *a, const Tensor *b) {
    return a->dtype == b->dtype && a->size == b->size && memcmp(a->data, b->data, dtype_size(a->dtype) * (size_t)a->size) == 0;
}

/* parameters, their optimizer state and the layers' state of the two runs'
 * nets, bit for bit: how many tensors differ (-1: a run has no net) */
static int differences(Run *a, Run *b) {
    Model *ma = net_of(a), *mb = net_of(b);
    if (!ma || !mb) return -1;
    int differ = 0;
    for (int l = 0; l < ma->nlayers; l++) {
        for (int k = 0; k < ma->layers[l].nparams; k++) {
            const Param *pa = &ma->layers[l].params[k], *pb = &mb->layers[l].params[k];
            differ += !same_tensor(pa->value, pb->value) || pa->nstate != pb->nstate;
            for (int s = 0; s < pa->nstate && s < pb->nstate; s++) differ += !same_tensor(pa->state[s].v.t, pb->state[s].v.t);
        }
        for (int k = 0; k < ma->layers[l].nstates; k++)
            differ += !same_tensor(ma->layers[l].states[k].value, mb->layers[l].states[k].value);
    }
    return differ;
}

#endif
