/* The parts of the PyTorch program `export NET "F.py"` writes, shared by
 * torch_model.c (the nn.Module and its weights, loss_fn, penalty,
 * optimizer) and torch_program.c (the data, the training loop, main, the
 * file).  Each part is checked first (torch_check_*: a refusal is a
 * fail_at naming the layer, loss or setting) and then written (torch_write_*:
 * cannot fail), so nothing is half written when a model is refused. */
#ifndef NNL_TORCH_PARTS_H
#define NNL_TORCH_PARTS_H
#include "lang/interp.h"
#include <stdio.h>

typedef struct TorchWriter {
    Interp     *I;
    FILE       *f;
    Model      *m;
    SrcLoc      loc;            /* the export statement */
    bool        single;         /* float32 (else float64): how numbers are written */
    bool        penalty;        /* the model has a regularizer: penalty(net) is written */
    const struct TrainRecord *train;   /* the train statement the program's training is */
    const char *weights_file;  /* the weights' file next to the program (its name), or NULL: in the program */
    unsigned char *bin;        /* that file's bytes (torch_value_count values), written by torch_write_model */
} TorchWriter;

/* "examples/xor.nnl:12: dense 2 sigmoid": where something came from, for a comment */
const char *torch_source(Interp *I, SrcLoc loc);
/* v as the shortest decimal that reads back the same (Python syntax) */
void torch_number(TorchWriter *w, double v);

/* refuses (naming the layer, loss or setting) what the program cannot compute as nnl does */
void torch_check_model(Interp *I, Model *m, SrcLoc loc);
void torch_check_training(Interp *I, Model *m, SrcLoc loc);
/* how many numbers the model's parameters and states hold */
int torch_value_count(const Model *m);
/* the class, its weights (in the program, or into w->bin) and model() */
void torch_write_model(TorchWriter *w);
/* loss_fn(output, target), and penalty(net) when the model has a regularizer */
void torch_write_loss(TorchWriter *w);
/* optimizer(params), with a class of nnl's formula where torch.optim's differs */
void torch_write_optimizer(TorchWriter *w);

/* the Python the program's parts share (torch_text.c): helpers written when
 * used (rows, read_csv, read_idx, split, normalize), accuracy and report,
 * and main (a printf format: %s is "loss" or "(loss + penalty(net))") */
extern const char py_rows[], py_read_csv[], py_read_idx[], py_split[], py_normalize[], py_accuracy[], py_main[];

#endif
