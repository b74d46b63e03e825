/* optkernels.c — one loop per stdlib optimizer body (sgd, sgd with
 * nesterov, adagrad, rmsprop, adam) computing its whole update of an element
 * in registers.  optcompile.c's run_chunk runs any body an instruction at a
 * time over a chunk buffer: adam's twelve instructions are twelve passes,
 * each loading and storing its operands (15 instructions an element on
 * digits); here they are one pass (about 3).
 * A loop is chosen only when optcompile.c's chosen instructions, written as
 * data flow (kernel_signature), are character for character its signature;
 * each line below is then one instruction of it, computed by the same
 * expression (autodiff/kernels.h) in the same precision and order: the
 * weights are bit-identical to run_chunk's and the interpreter's
 * (tests/unit/test_optfuse.c checks every one of them against the
 * interpreter).
 * Must not: decide which body a program is (that is the signature's
 * equality), or check finiteness (optcompile.c does, on what was written). */
#include "autodiff/kernels.h"
#include "tensor/vectorize.h"
#include "train/optkernels.h"
#include <string.h>

/* the value of primitive `op` on u (and v) in float or double: the switch
 * folds away where op is a constant, leaving kernels.h's expression */
#define ELEMENT_CASE(OP, EXPR) case OP: return (EXPR);
static inline __attribute__((always_inline)) float element_f(PrimOp op, float u, float v) {
    typedef float T;
    switch (op) {
    BINARY_ELEMENT_OPS(ELEMENT_CASE)
    UNARY_ELEMENT_OPS(ELEMENT_CASE)
    default: return 0;
    }
}
static inline __attribute__((always_inline)) double element_d(PrimOp op, double u, double v) {
    typedef double T;
    switch (op) {
    BINARY_ELEMENT_OPS(ELEMENT_CASE)
    UNARY_ELEMENT_OPS(ELEMENT_CASE)
    default: return 0;
    }
}
#undef ELEMENT_CASE
#define E(OP, U, V) (sizeof(T) == sizeof(float) ? (T)element_f(OP, (float)(U), (float)(V)) : (T)element_d(OP, U, V))

/* Each element is read and written in its own iteration only, but out may
 * be mem itself: no iteration depends on another, which GCC cannot see (it
 * would check all pairs of the six arrays for overlap).  Not for clang: its
 * assume_safety makes a loop it then declines to vectorise (at -O1, the
 * fuzz build) a warning, hence an error; it checks the overlaps itself */
#if defined(__GNUC__) && !defined(__clang__)
#define INDEPENDENT _Pragma("GCC ivdep")
#else
#define INDEPENDENT
#endif

/* w, g and states s1, s2 as the update found them; ow, os1, os2 where their new values go */
#define ARRAYS(T)                                                                             \
    const T *w = (const T *)mem[0]->data + from, *g = (const T *)mem[1]->data + from;         \
    const T *s1 = (const T *)mem[2]->data + from;                                             \
    T *ow = (T *)out[0]->data + from, *os1 = (T *)out[2]->data + from;                        \
    (void)s1; (void)os1
#define SECOND_STATE(T) const T *s2 = (const T *)mem[3]->data + from; T *os2 = (T *)out[3]->data + from
#define NUMBERS(T, K) T c[K]; for (int k = 0; k < K; k++) c[k] = (T)numbers[k]

VECTORIZE_BEGIN

/* sgd: v = momentum * v - lr_t * g; w += v */
static const char sgd_signature[] = "mul n0 m2 > t0; mul n1 m1 > t1; sub t0 t1 > s2; add m0 s2 > s0";
TWIN_BODY void sgd_body(const double *numbers, Tensor *const *mem, Tensor *const *out, int from, int n) {
    FOR_DTYPE(mem[0], T, {
        ARRAYS(T);
        NUMBERS(T, 2);
        INDEPENDENT
        for (int i = 0; i < n; i++) {
            T t0 = E(P_MUL, c[0], s1[i]);
            T t1 = E(P_MUL, c[1], g[i]);
            T v = E(P_SUB, t0, t1);
            os1[i] = v;
            ow[i] = E(P_ADD, w[i], v);
        }
    });
}

/* sgd with nesterov: v = momentum * v - lr_t * g; w += momentum * v - lr_t * g */
static const char nesterov_signature[] = "mul n0 m2 > t0; mul n1 m1 > t1; sub t0 t1 > s2; mul n2 s2 > t2; "
                                         "mul n3 m1 > t3; sub t2 t3 > t4; add m0 t4 > s0";
TWIN_BODY void nesterov_body(const double *numbers, Tensor *const *mem, Tensor *const *out, int from, int n) {
    FOR_DTYPE(mem[0], T, {
        ARRAYS(T);
        NUMBERS(T, 4);
        INDEPENDENT
        for (int i = 0; i < n; i++) {
            T t0 = E(P_MUL, c[0], s1[i]);
            T t1 = E(P_MUL, c[1], g[i]);
            T v = E(P_SUB, t0, t1);
            os1[i] = v;
            T t2 = E(P_MUL, c[2], v);
            T t3 = E(P_MUL, c[3], g[i]);
            T t4 = E(P_SUB, t2, t3);
            ow[i] = E(P_ADD, w[i], t4);
        }
    });
}

/* g ^ exponent, as the body's `g ^ 2` computes it: in float a literal 2
 * lets the expression fold to g·g, as run_chunk computes it (kernels.h); in
 * double the exponent stays a variable, so that pow is called as there
 * (the compiler would fold pow(g, 2.0) into g·g, which pow need not equal) */
#define SQUARED_OR_POW(BODY)                                          \
    do {                                                              \
        if (sizeof(T) == sizeof(float) && power == 2) { BODY(2); }    \
        else { BODY(power); }                                         \
    } while (0)

/* adagrad: acc = acc + g ^ 2; w -= lr_t * g / (sqrt(acc) + epsilon) */
static const char adagrad_signature[] = "pow m1 n0 > t0; add m2 t0 > s2; mul n1 m1 > t1; sqrt s2 > t2; "
                                        "add t2 n2 > t3; div t1 t3 > t4; sub m0 t4 > s0";
#define ADAGRAD(POWER)                                    \
    INDEPENDENT                                           \
    for (int i = 0; i < n; i++) {                         \
        T t0 = E(P_POW, g[i], (T)(POWER));                \
        T acc = E(P_ADD, s1[i], t0);                      \
        os1[i] = acc;                                     \
        T t1 = E(P_MUL, c[1], g[i]);                      \
        T t2 = E(P_SQRT, acc, 0);                         \
        T t3 = E(P_ADD, t2, c[2]);                        \
        T t4 = E(P_DIV, t1, t3);                          \
        ow[i] = E(P_SUB, w[i], t4);                       \
    }

TWIN_BODY void adagrad_body(const double *numbers, Tensor *const *mem, Tensor *const *out, int from, int n) {
    FOR_DTYPE(mem[0], T, {
        ARRAYS(T);
        NUMBERS(T, 3);
        T power = c[0];
        SQUARED_OR_POW(ADAGRAD);
    });
}

/* rmsprop: s = rho * s + (1 - rho) * g ^ 2; w -= lr_t * g / (sqrt(s) + epsilon) */
static const char rmsprop_signature[] = "mul n0 m2 > t0; pow m1 n1 > t1; mul n2 t1 > t2; add t0 t2 > s2; "
                                        "mul n3 m1 > t3; sqrt s2 > t4; add t4 n4 > t5; div t3 t5 > t6; sub m0 t6 > s0";
#define RMSPROP(POWER)                                    \
    INDEPENDENT                                           \
    for (int i = 0; i < n; i++) {                         \
        T t0 = E(P_MUL, c[0], s1[i]);                     \
        T t1 = E(P_POW, g[i], (T)(POWER));                \
        T t2 = E(P_MUL, c[2], t1);                        \
        T s = E(P_ADD, t0, t2);                           \
        os1[i] = s;                                       \
        T t3 = E(P_MUL, c[3], g[i]);                      \
        T t4 = E(P_SQRT, s, 0);                           \
        T t5 = E(P_ADD, t4, c[4]);                        \
        T t6 = E(P_DIV, t3, t5);                          \
        ow[i] = E(P_SUB, w[i], t6);                       \
    }

TWIN_BODY void rmsprop_body(const double *numbers, Tensor *const *mem, Tensor *const *out, int from, int n) {
    FOR_DTYPE(mem[0], T, {
        ARRAYS(T);
        NUMBERS(T, 5);
        T power = c[1];
        SQUARED_OR_POW(RMSPROP);
    });
}

/* adam: m = beta_1 * m + (1 - beta_1) * g; v = beta_2 * v + (1 - beta_2) * g ^ 2;
 * w -= lr_t * m / (sqrt(v) + epsilon) */
static const char adam_signature[] = "mul n0 m2 > t0; mul n1 m1 > t1; add t0 t1 > s2; mul n2 m3 > t2; "
                                     "pow m1 n3 > t3; mul n4 t3 > t4; add t2 t4 > s3; mul n5 s2 > t5; "
                                     "sqrt s3 > t6; add t6 n6 > t7; div t5 t7 > t8; sub m0 t8 > s0";
#define ADAM(POWER)                                       \
    INDEPENDENT                                           \
    for (int i = 0; i < n; i++) {                         \
        T t0 = E(P_MUL, c[0], s1[i]);                     \
        T t1 = E(P_MUL, c[1], g[i]);                      \
        T m = E(P_ADD, t0, t1);                           \
        os1[i] = m;                                       \
        T t2 = E(P_MUL, c[2], s2[i]);                     \
        T t3 = E(P_POW, g[i], (T)(POWER));                \
        T t4 = E(P_MUL, c[4], t3);                        \
        T v = E(P_ADD, t2, t4);                           \
        os2[i] = v;                                       \
        T t5 = E(P_MUL, c[5], m);                         \
        T t6 = E(P_SQRT, v, 0);                           \
        T t7 = E(P_ADD, t6, c[6]);                        \
        T t8 = E(P_DIV, t5, t7);                          \
        ow[i] = E(P_SUB, w[i], t8);                       \
    }

TWIN_BODY void adam_body(const double *numbers, Tensor *const *mem, Tensor *const *out, int from, int n) {
    FOR_DTYPE(mem[0], T, {
        ARRAYS(T);
        SECOND_STATE(T);
        NUMBERS(T, 7);
        T power = c[3];
        SQUARED_OR_POW(ADAM);
    });
}

VECTORIZE_END

/* each loop vectorised (SIMD_CLONES), and plain for a parameter of a few
 * numbers (vectorize.h's TWIN_BODY: xor's are 1 to 4) */
#define KERNEL_FN(NAME, SUFFIX, ...) \
    __VA_ARGS__ static void NAME##SUFFIX(const double *numbers, Tensor *const *mem, Tensor *const *out, int from, int n) { \
        NAME##_body(numbers, mem, out, from, n);                                                                  \
    }
VECTORIZE_BEGIN
KERNEL_FN(sgd, , SIMD_CLONES)
KERNEL_FN(nesterov, , SIMD_CLONES)
KERNEL_FN(adagrad, , SIMD_CLONES)
KERNEL_FN(rmsprop, , SIMD_CLONES)
KERNEL_FN(adam, , SIMD_CLONES)
VECTORIZE_END
KERNEL_FN(sgd, _short)
KERNEL_FN(nesterov, _short)
KERNEL_FN(adagrad, _short)
KERNEL_FN(rmsprop, _short)
KERNEL_FN(adam, _short)

static const OptKernel kernels[] = {
    { "sgd", sgd_signature, sgd, sgd_short },
    { "sgd (nesterov)", nesterov_signature, nesterov, nesterov_short },
    { "adagrad", adagrad_signature, adagrad, adagrad_short },
    { "rmsprop", rmsprop_signature, rmsprop, rmsprop_short },
    { "adam", adam_signature, adam, adam_short },
};

const OptKernel *opt_kernel_find(const char *signature) {
    for (size_t i = 0; i < sizeof kernels / sizeof kernels[0]; i++)
        if (strcmp(kernels[i].signature, signature) == 0) return &kernels[i];
    return NULL;
}
