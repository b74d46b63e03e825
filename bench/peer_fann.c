/* peer_fann.c — the FANN 2.2 side of the xor and digits workloads, from the
 * same starting weights and in the same row order as bench/xor.nnl and bench/digits.nnl:
 *   peer_fann xor WEIGHTS
 *   peer_fann digits WEIGHTS data/digits16.csv
 * WEIGHTS holds nnl's initial parameters, one printed tensor per line (W1, b1,
 * W2, b2).  Prints "train_s S", "loss L" (the last epoch's MSE, computed before
 * each batch's update as nnl's epoch loss is) and "samples N".
 * What FANN runs (it has no adam, softmax, cross-entropy, relu or mini-batches):
 *   xor     2-2-1 sigmoid, FANN_TRAIN_BATCH over the 4 rows = full-batch
 *           gradient descent on the MSE; learning rate 1.0, which is nnl's 0.5:
 *           FANN steps by lr·mean((t - y)·σ'), nnl by lr·∂mse = lr·mean(2(y - t)·σ').
 *           The same computation up to FANN clipping σ' to y ∈ [0.01, 0.99].
 *   digits  64-32-10 sigmoid hidden and output units, MSE on one-hot targets,
 *           plain gradient descent (lr 0.7, FANN's default) in batches of 32
 *           rows: FANN_TRAIN_BATCH on each 32-row slice in order, prepared
 *           before the clock starts.  Same shapes and row order; another
 *           activation, loss and optimizer, so its loss is not comparable.
 * Must not: time anything but the training loop (reading and set-up are outside). */
#include <floatfann.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

_Noreturn static void die(const char *what) { fprintf(stderr, "peer_fann: %s\n", what); exit(1); }

/* the numbers of one printed tensor (a line like [[1, 2], [3, 4]]) */
static float *read_tensor(FILE *f, int want) {
    float *v = malloc(sizeof *v * (size_t)want);
    int n = 0, c;
    char num[64];
    int len = 0;
    if (!v) die("out of memory");
    while ((c = getc(f)) != EOF && c != '\n') {
        if (strchr("[], ", c)) {
            if (len) { num[len] = 0; if (n < want) v[n] = strtof(num, NULL); n++; len = 0; }
        } else if (len < (int)sizeof num - 1) num[len++] = (char)c;
    }
    if (len) { num[len] = 0; if (n < want) v[n] = strtof(num, NULL); n++; }
    if (n != want) { fprintf(stderr, "peer_fann: a weight line has %d numbers, expected %d\n", n, want); exit(1); }
    return v;
}

/* FANN numbers neurons layer after layer, each layer ending in its bias
 * neuron; a neuron's connections come from every neuron of the layer before,
 * the bias last.  W is [out, in] as in nnl, b [out]. */
static void set_weights(struct fann *ann, FILE *f, const unsigned *units, int nlayers) {
    unsigned total = fann_get_total_connections(ann);
    struct fann_connection *con = malloc(sizeof *con * total);
    if (!con) die("out of memory");
    fann_get_connection_array(ann, con);
    unsigned first[8];
    first[0] = 0;
    for (int l = 1; l < nlayers; l++) first[l] = first[l - 1] + units[l - 1] + 1;
    for (int l = 1; l < nlayers; l++) {
        unsigned in = units[l - 1], out = units[l];
        float *W = read_tensor(f, (int)(in * out)), *b = read_tensor(f, (int)out);
        for (unsigned k = 0; k < total; k++) {
            if (con[k].to_neuron < first[l] || con[k].to_neuron >= first[l] + out) continue;
            unsigned j = con[k].to_neuron - first[l], i = con[k].from_neuron - first[l - 1];
            con[k].weight = i == in ? b[j] : W[j * in + i];
        }
        free(W);
        free(b);
    }
    fann_set_weight_array(ann, con, total);
    free(con);
}

static struct fann_train_data *digits(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) die("cannot read the digits CSV");
    enum { ROWS = 1797, IN = 64, OUT = 10 };
    struct fann_train_data *d = fann_create_train(ROWS, IN, OUT);
    char line[4096];
    if (!fgets(line, sizeof line, f)) die("empty digits CSV");   /* the header */
    for (int r = 0; r < ROWS; r++) {
        if (!fgets(line, sizeof line, f)) die("the digits CSV is short");
        char *p = line;
        for (int i = 0; i < IN; i++) d->input[r][i] = strtof(p, &p), p++;
        int label = atoi(p);
        for (int k = 0; k < OUT; k++) d->output[r][k] = k == label;
    }
    fclose(f);
    return d;
}

int main(int argc, char **argv) {
    if (argc < 3) die("usage: peer_fann xor|digits WEIGHTS [DIGITS_CSV]");
    bool is_xor = strcmp(argv[1], "xor") == 0;
    if (!is_xor && (strcmp(argv[1], "digits") != 0 || argc < 4)) die("usage: peer_fann xor|digits WEIGHTS [DIGITS_CSV]");
    unsigned units[3] = { 2, 2, 1 };
    int epochs = 10000, batch = 4;
    float lr = 1.0f;
    struct fann_train_data *data;
    if (is_xor) {
        data = fann_create_train(4, 2, 1);
        for (int r = 0; r < 4; r++) {
            data->input[r][0] = (float)(r >> 1);
            data->input[r][1] = (float)(r & 1);
            data->output[r][0] = (float)((r >> 1) ^ (r & 1));
        }
    } else {
        data = digits(argv[3]);
        units[0] = 64, units[1] = 32, units[2] = 10;
        epochs = 20, batch = 32, lr = 0.7f;
    }
    struct fann *ann = fann_create_standard(3, units[0], units[1], units[2]);
    fann_set_activation_function_hidden(ann, FANN_SIGMOID);
    fann_set_activation_function_output(ann, FANN_SIGMOID);
    fann_set_activation_steepness_hidden(ann, 0.5f);   /* FANN's sigmoid is 1/(1 + e^(-2·steepness·x)) */
    fann_set_activation_steepness_output(ann, 0.5f);
    fann_set_train_error_function(ann, FANN_ERRORFUNC_LINEAR);   /* plain MSE, not FANN's default tanh error */
    fann_set_training_algorithm(ann, FANN_TRAIN_BATCH);
    fann_set_learning_rate(ann, lr);
    FILE *wf = fopen(argv[2], "r");
    if (!wf) die("cannot read the weights");
    set_weights(ann, wf, units, 3);
    fclose(wf);
    unsigned rows = fann_length_train_data(data);
    int nbatches = (int)((rows + (unsigned)batch - 1) / (unsigned)batch);
    struct fann_train_data **slice = malloc(sizeof *slice * (size_t)nbatches);
    if (!slice) die("out of memory");
    for (int k = 0; k < nbatches; k++) {
        unsigned from = (unsigned)(k * batch), count = rows - from < (unsigned)batch ? rows - from : (unsigned)batch;
        slice[k] = nbatches == 1 ? data : fann_subset_train_data(data, from, count);
    }
    double loss = 0, start = now();
    for (int e = 0; e < epochs; e++) {
        double total = 0;
        for (int k = 0; k < nbatches; k++)
            total += (double)fann_train_epoch(ann, slice[k]) * fann_length_train_data(slice[k]);
        loss = total / rows;
    }
    double seconds = now() - start;
    printf("train_s %.6f\nloss %.9g\nsamples %ld\n", seconds, loss, (long)epochs * rows);
    fann_destroy(ann);
    return 0;
}
