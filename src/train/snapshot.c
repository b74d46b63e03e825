/* snapshot.c — copies of a model's weights, layer state and optimizer state
 * to put back later (early stopping's best epoch, `update`, `reset`, `load`,
 * `train`), with where the model's history stood, and the undo stack of the
 * last MAX_UNDO of them.
 * Must not: know the pass (teach/) or what made the change (the callers say). */
#include "base/arena.h"
#include "base/bytes.h"
#include "tensor/tensor.h"
#include "train/snapshot.h"
#include <stdlib.h>
#include <string.h>

enum { MAX_UNDO = 32 };
static const size_t MAX_UNDO_BYTES = (size_t)256 << 20;

static void save(struct Snapshot *s, SavedParam *sp, Param *p, bool trainable) {
    sp->param = p;
    sp->trainable = trainable;
    sp->value = tensor_copy(&s->arena, p->value);
    s->bytes += dtype_size(p->value->dtype) * (size_t)p->value->size * (size_t)(p->nstate + 1);
    sp->state = p->state;
    sp->nstate = p->nstate;
    sp->state_values = arena_alloc(&s->arena, sizeof(Tensor *) * (size_t)(p->nstate + 1));
    for (int i = 0; i < p->nstate; i++) sp->state_values[i] = tensor_copy(&s->arena, p->state[i].v.t);
}

struct Snapshot *snapshot_take(Interp *I, Model *m, const char *what) {
    (void)I;
    struct Snapshot *s = calloc(1, sizeof *s);
    if (!s) abort();
    s->what = what;
    s->model = m;
    s->steps = m->steps;
    s->epochs = m->epochs;
    s->state_owner = m->state_owner;
    s->initialised = m->initialised;
    s->history = history_mark(m);
    for (int l = 0; l < m->nlayers; l++) s->nparams += m->layers[l].nparams + m->layers[l].nstates;
    s->params = arena_alloc(&s->arena, sizeof(SavedParam) * (size_t)(s->nparams + 1));
    int k = 0;
    for (int l = 0; l < m->nlayers; l++) {
        for (int j = 0; j < m->layers[l].nparams; j++) save(s, &s->params[k++], &m->layers[l].params[j], true);
        for (int j = 0; j < m->layers[l].nstates; j++) save(s, &s->params[k++], &m->layers[l].states[j], false);
    }
    for (k = 0; k < s->nparams; k++) s->ncopies += s->params[k].trainable ? 1 + s->params[k].nstate : 0;
    s->copy_from = arena_alloc(&s->arena, sizeof(Tensor *) * (size_t)(s->ncopies + 1));
    s->copy_to = arena_alloc(&s->arena, sizeof(Tensor *) * (size_t)(s->ncopies + 1));
    s->home = arena_alloc(&s->arena, sizeof(void *) * (size_t)(s->ncopies + 1));
    int n = 0;
    for (k = 0; k < s->nparams; k++) {
        SavedParam *sp = &s->params[k];
        for (int i = -1; sp->trainable && i < sp->nstate; i++, n++) {
            s->copy_from[n] = i < 0 ? sp->param->value : sp->state[i].v.t;
            s->copy_to[n] = i < 0 ? sp->value : sp->state_values[i];
            s->home[n] = s->copy_from[n]->data;
        }
    }
    int all = 0;
    for (k = 0; k < s->nparams; k++) all += 1 + s->params[k].nstate;
    s->all_to = arena_alloc(&s->arena, sizeof(Tensor *) * (size_t)(all + 1));
    s->all_from = arena_alloc(&s->arena, sizeof(Tensor **) * (size_t)(all + 1));
    for (k = 0; k < s->nparams; k++) {
        SavedParam *sp = &s->params[k];
        s->all_to[s->nall] = sp->value;
        s->all_from[s->nall++] = &sp->param->value;
        for (int i = 0; i < sp->nstate; i++) {
            s->all_to[s->nall] = sp->state_values[i];
            s->all_from[s->nall++] = &sp->state[i].v.t;
        }
    }
    return s;
}

static bool same_shape(const SavedParam *sp) {
    return sp->state == sp->param->state && sp->nstate == sp->param->nstate;
}

/* tensor_copy_into without its calls for the usual case, a copy of the same
 * precision: train retakes the last finite step's copies on every step, and
 * xor's are 2 to 4 numbers each */
static inline void copy_values(Tensor *dst, const Tensor *src) {
    if (dst->dtype != src->dtype) { tensor_copy_into(dst, src); return; }
    copy_bytes(dst->data, src->data, dtype_size(src->dtype) * (size_t)src->size);
}

static void copy_param(SavedParam *sp) {
    copy_values(sp->value, sp->param->value);
    for (int i = 0; i < sp->nstate; i++) copy_values(sp->state_values[i], sp->state[i].v.t);
}

static struct Snapshot *retake(Interp *I, struct Snapshot *s, Model *m, const char *what, bool weights_later) {
    bool reuse = s && s->model == m;
    for (int k = 0; reuse && k < s->nparams; k++) reuse = same_shape(&s->params[k]);
    if (!reuse) {
        if (s) snapshot_free(s);
        return snapshot_take(I, m, what);
    }
    s->what = what;
    s->steps = m->steps;
    s->epochs = m->epochs;
    s->state_owner = m->state_owner;
    s->initialised = m->initialised;
    s->history = history_mark(m);
    s->weights_later = weights_later;
    if (weights_later) {
        for (int k = 0; k < s->nparams; k++)
            if (!s->params[k].trainable) copy_param(&s->params[k]);
    } else {     /* copy_param of each, in one loop: train retakes on every step */
        for (int i = 0; i < s->nall; i++) copy_values(s->all_to[i], *s->all_from[i]);
    }
    return s;
}

struct Snapshot *snapshot_retake(Interp *I, struct Snapshot *s, Model *m, const char *what) {
    return retake(I, s, m, what, false);
}

struct Snapshot *snapshot_retake_before_update(Interp *I, struct Snapshot *s, Model *m, const char *what) {
    return retake(I, s, m, what, true);
}

int snapshot_pending_copies(const struct Snapshot *s, const Tensor ***from, Tensor ***to) {
    *from = s->copy_from;
    *to = s->copy_to;
    return s->weights_later ? s->ncopies : 0;
}

void snapshot_copy_weights(struct Snapshot *s) {
    for (int k = 0; s->weights_later && k < s->nparams; k++)
        if (s->params[k].trainable) copy_param(&s->params[k]);
    s->weights_later = false;
}

static void restore(struct Snapshot *s, bool weights_only) {
    Model *m = s->model;
    for (int k = 0; k < s->nparams; k++) tensor_copy_into(s->params[k].param->value, s->params[k].value);
    if (weights_only) return;
    m->steps = s->steps;
    m->epochs = s->epochs;
    m->state_owner = s->state_owner;
    m->initialised = s->initialised;
    history_rewind(m, s->history);
    for (int k = 0; k < s->nparams; k++) {
        SavedParam *sp = &s->params[k];
        sp->param->state = sp->state;
        sp->param->nstate = sp->nstate;
        for (int i = 0; i < sp->nstate; i++) tensor_copy_into(sp->state[i].v.t, sp->state_values[i]);
    }
}

void snapshot_restore(struct Snapshot *s) { restore(s, false); }
void snapshot_restore_weights(struct Snapshot *s) { restore(s, true); }

void snapshot_free(struct Snapshot *s) {
    for (int i = 0; i < s->ncopies; i++) {
        Tensor *t = (Tensor *)s->copy_from[i];
        if (t->data == s->home[i]) continue;
        /* the parameter holds the snapshot's memory: its values go home */
        memcpy(s->home[i], t->data, dtype_size(t->dtype) * (size_t)t->size);
        s->copy_to[i]->data = t->data;
        t->data = s->home[i];
    }
    arena_free(&s->arena);
    free(s);
}

void undo_push(Interp *I, struct Snapshot *s) {
    if (I->no_undo) {
        snapshot_free(s);
        return;
    }
    s->older = I->undo;
    I->undo = s;
    I->nundo++;
    struct Snapshot *keep = I->undo;             /* the newest that fit; the older ones are dropped */
    size_t bytes = keep->bytes;
    int n = 1;
    while (keep->older && n < MAX_UNDO && bytes + keep->older->bytes <= MAX_UNDO_BYTES) {
        keep = keep->older;
        bytes += keep->bytes;
        n++;
    }
    while (keep->older) {
        struct Snapshot *drop = keep->older;
        keep->older = drop->older;
        snapshot_free(drop);
    }
    I->nundo = n;
}

void undo_free_all(Interp *I) {
    while (I->undo) {
        struct Snapshot *s = I->undo;
        I->undo = s->older;
        snapshot_free(s);
    }
    I->nundo = 0;
}

void undo_remember(Interp *I, Model *m, const char *what) {
    if (!I->no_undo) undo_push(I, snapshot_take(I, m, what));
}

struct Snapshot *undo_pop(Interp *I) {
    struct Snapshot *s = I->undo;
    if (!s) return NULL;
    I->undo = s->older;
    I->nundo--;
    return s;
}
