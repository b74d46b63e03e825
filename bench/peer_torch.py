"""The PyTorch side of the benchmarks: the same computation as bench/NAME.nnl.

    /usr/bin/python3 bench/peer_torch.py NAME WEIGHTS DATADIR [stock-adam] [double]

NAME is xor, digits or mnist, or scale-H-B-R for bench/scaling.sh: the
784-H-H-10 relu net, sgd(lr=0.01, momentum=0.9), batch B, the first R rows
of MNIST's shape, one epoch; WEIGHTS holds nnl's initial parameters, one
printed tensor per line (W1, b1, W2, b2, ...: nnl prints valid JSON); DATADIR
is bench/data (digits16.csv, MNIST's IDX files).  Float32 (unless double), one thread, rows
in file order, the loss of each batch computed before its update, the epoch's
loss the row-weighted mean of its batch losses, as nnl's `train` prints it.

The optimizers compute what nnl's stdlib does: torch.optim.SGD (nnl's sgd is
the same steps, written with v = momentum·v - lr·g), and for digits Keras'
Adam as stdlib/optimizers.nnl writes it (epsilon added to √v, the bias
corrections folded into the step), not torch.optim.Adam (epsilon added to
√v̂).  With the extra argument stock-adam, digits runs torch.optim.Adam
(eps=1e-7) instead: PyTorch's own optimizer, for its speed.  With double,
everything is float64 (bench/run.sh --double compares with nnl's
`precision double`, where rounding no longer hides a difference of formulas).

With threads=N, PyTorch may use N threads (bench/scaling.sh's two-thread rows).

Prints "train_s S", "loss L", "samples N".  Importing torch and reading the
data are outside train_s (they are in the process time bench/run.sh takes).
"""
import gzip
import json
import math
import struct
import sys
import time

import numpy as np
import torch

torch.set_num_threads(1)
torch.set_num_interop_threads(1)


class KerasAdam(torch.optim.Optimizer):
    """Adam as stdlib/optimizers.nnl (Keras 2.2.4) computes it:
    lr_t = lr·√(1 - beta_2^(t+1)) / (1 - beta_1^(t+1)), w -= lr_t·m / (√v + epsilon)."""

    def __init__(self, params, lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        super().__init__(params, dict(lr=lr, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            b1, b2 = group["beta_1"], group["beta_2"]
            for p in group["params"]:
                state = self.state[p]
                if not state:
                    state["t"] = 0
                    state["m"] = torch.zeros_like(p)
                    state["v"] = torch.zeros_like(p)
                t, m, v = state["t"], state["m"], state["v"]
                lr_t = group["lr"] * math.sqrt(1 - b2 ** (t + 1)) / (1 - b1 ** (t + 1))
                m.mul_(b1).add_(p.grad, alpha=1 - b1)
                v.mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)
                p.addcdiv_(m, v.sqrt().add_(group["epsilon"]), value=-lr_t)
                state["t"] = t + 1


def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(name, datadir, dtype):
    """inputs [rows, features] and targets (float [rows, 1] for mse, class numbers otherwise)"""
    if name == "xor":
        x = torch.tensor([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=dtype)
        return x, torch.tensor([[0], [1], [1], [0]], dtype=dtype)
    if name == "digits":
        rows = np.loadtxt(datadir + "/digits16.csv", delimiter=",", skiprows=1, dtype=np.float64)
        return torch.from_numpy(rows[:, :64]).to(dtype), torch.from_numpy(rows[:, 64].astype(np.int64))
    images = read_idx(datadir + "/train-images-idx3-ubyte.gz")
    labels = read_idx(datadir + "/train-labels-idx1-ubyte.gz")
    if name.startswith("scale-"):
        rows = int(name.split("-")[3])
        images, labels = images[:rows], labels[:rows]
    # nnl evaluates scale=1/255 in its precision and multiplies in double
    scale = 1 / 255 if dtype == torch.float64 else float(np.float32(1 / 255))
    x = images.reshape(len(images), -1).astype(np.float64) * scale
    return torch.from_numpy(x).to(dtype), torch.from_numpy(labels.astype(np.int64))


WORKLOADS = {
    #         widths            hidden activation  output        epochs batch
    "xor":    ([2, 2, 1],        torch.nn.Sigmoid, "sigmoid-mse", 10000, 4),
    "digits": ([64, 32, 10],     torch.nn.ReLU,    "softmax-xent", 20,   32),
    "mnist":  ([784, 256, 128, 10], torch.nn.ReLU, "softmax-xent", 1,    64),
}


def main():
    name, weights_path, datadir = sys.argv[1:4]
    options = [o for o in sys.argv[4:] if not o.startswith("threads=")]
    for o in sys.argv[4:]:
        if o.startswith("threads="):
            torch.set_num_threads(int(o[len("threads="):]))
    if not set(options) <= {"stock-adam", "double"}:
        sys.exit("peer_torch.py: unknown option among %s" % options)
    dtype = torch.float64 if "double" in options else torch.float32
    torch.set_default_dtype(dtype)
    if name.startswith("scale-"):
        h, b = int(name.split("-")[1]), int(name.split("-")[2])
        widths, hidden, output, epochs, batch = [784, h, h, 10], torch.nn.ReLU, "softmax-xent", 1, b
    else:
        widths, hidden, output, epochs, batch = WORKLOADS[name]
    with open(weights_path) as f:
        weights = [json.loads(line) for line in f if line.strip()]
    layers = []
    for i in range(len(widths) - 1):
        lin = torch.nn.Linear(widths[i], widths[i + 1])
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(weights[2 * i], dtype=dtype))
            lin.bias.copy_(torch.tensor(weights[2 * i + 1], dtype=dtype))
        layers.append(lin)
        if i < len(widths) - 2:
            layers.append(hidden())
    if output == "sigmoid-mse":
        layers.append(torch.nn.Sigmoid())
        loss_fn = torch.nn.MSELoss()
    else:
        loss_fn = torch.nn.CrossEntropyLoss()     # softmax + cross-entropy on the logits, mean over rows
    model = torch.nn.Sequential(*layers)
    if name == "xor":
        opt = torch.optim.SGD(model.parameters(), lr=0.5)
    elif name == "digits":
        opt = (torch.optim.Adam(model.parameters(), lr=0.001, eps=1e-7) if "stock-adam" in options
               else KerasAdam(model.parameters(), lr=0.001))
    else:
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x, y = load(name, datadir, dtype)
    rows = x.shape[0]
    start = time.perf_counter()
    for _ in range(epochs):
        total = 0.0
        for first in range(0, rows, batch):
            xb, yb = x[first:first + batch], y[first:first + batch]
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item() * xb.shape[0]
        epoch_loss = total / rows
    seconds = time.perf_counter() - start
    print("train_s %.6f\nloss %.9g\nsamples %d" % (seconds, epoch_loss, epochs * rows))


main()
