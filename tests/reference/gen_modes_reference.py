"""Reference values from PyTorch for layers with two modes (batchnorm,
dropout), regularizers (l1, l2, elastic) and validation during training.

Writes tests/reference/NAME.nnl, NAME.expected (and NAME.tol for cases in
`precision double`), like gen_reference.py, whose helpers it uses:

  layer_batchnorm*  a batch norm layer between two dense layers: a backward
                    pass in training mode (batch statistics), three SGD
                    steps, the running averages after them (PyTorch's
                    F.batch_norm updates its own copies: momentum 0.1,
                    unbiased variance), the output in evaluation mode
  layer_dropout*    a dropout layer: the mask comes from nnl's seeded
                    generator, which Rng below reproduces (xoshiro256**
                    seeded through splitmix64, as src/tensor/rng.c); the script
                    prints the mask itself first, so a generator that
                    drifted from src/tensor/rng.c fails visibly
  reg_*             l1, l2 and elastic penalties: loss, penalty and the
                    gradients of loss + penalty, a layer's own regularizer
                    overriding the model's, evaluate, and training steps
  train_valid*      train with `valid`: the loss and accuracy on the
                    validation data after every epoch

Rerun after changing a case (needs torch; Debian's python3-torch has it):

    /usr/bin/python3 tests/reference/gen_modes_reference.py
"""
import math

import torch
import torch.nn.functional as F

from gen_reference import TRAIN_ROWS, Case, both, lit, num, show

MASK64 = (1 << 64) - 1


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK64


class Rng:
    """src/tensor/rng.c: xoshiro256**, seeded through splitmix64."""

    def __init__(self, seed):
        self.s = []
        x = seed
        for _ in range(4):
            x = (x + 0x9e3779b97f4a7c15) & MASK64
            z = x
            z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & MASK64
            z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & MASK64
            self.s.append(z ^ (z >> 31))

    def next(self):
        s = self.s
        result = (rotl((s[1] * 5) & MASK64, 7) * 9) & MASK64
        t = (s[1] << 17) & MASK64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def uniform(self):
        return (self.next() >> 11) * 2.0 ** -53


def dropout_mask(rng, shape, rate, double):
    """rand_uniform(shape, 0, 1) >= rate, each draw stored in the script's precision"""
    dt = torch.float64 if double else torch.float32
    u = torch.tensor([rng.uniform() for _ in range(shape[0] * shape[1])], dtype=dt).reshape(shape)
    return (u >= torch.tensor(rate, dtype=dt)).to(torch.float64)


def dense_line(act, W, b, extra=""):
    return "  dense %d %s%s with W = %s, b = %s" % (len(W), act, extra, lit(W), lit(b))


def leaf(v):
    return torch.tensor(v, dtype=torch.float64, requires_grad=True)


def sgd_step(params, lr):
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad
            p.grad = None


def print_params(c, names, P, grad=False):
    """print [grad] net.L.P for every parameter; forgets the gradients after"""
    for (l, n), p in zip(names, P):
        c.line("print %snet.%d.%s" % ("grad " if grad else "", l, n))
        c.out.append(show(p.grad if grad else p.detach()))
    for p in P:
        p.grad = None


def backward_on_d(c, loss, names, P):
    """`backward net on d` for a torch loss: the loss and every gradient"""
    c.line("backward net on d")
    loss.backward()
    c.out.append("loss = " + num(loss.item()))
    print_params(c, names, P, grad=True)


def train_sgd(c, P, lr, epochs, loss_of_epoch):
    """`train net on d epochs E` (full batch) with sgd(lr); loss_of_epoch()
    gives each epoch's torch loss"""
    c.line("optimizer sgd(lr=%s)" % lit(lr))
    c.line("train net on d epochs %d" % epochs)
    for e in range(1, epochs + 1):
        loss = loss_of_epoch()
        loss.backward()
        c.out.append("epoch %d/%d  loss %s" % (e, epochs, num(loss.item())))
        sgd_step(P, lr)


# ---- batchnorm ------------------------------------------------------------------

def batchnorm_case(name, double=True, momentum=None):
    c = Case(name, double)
    rows = [([0.5, -1.2], [0.3, -0.4]),
            ([1.5, 0.3], [0.8, 0.1]),
            ([-0.7, 0.8], [-0.2, 0.6]),
            ([0.2, 2.1], [0.5, 0.9])]
    c.data("d", rows)
    W1, b1 = [[0.31, -0.52], [0.74, 0.18], [-0.45, 0.63]], [0.05, -0.12, 0.2]
    gamma, beta = [1.2, 0.8, -0.5], [0.1, -0.2, 0.3]
    W2, b2 = [[0.6, -0.35, 0.27], [-0.81, 0.44, 0.52]], [0.1, -0.25]
    bn = "batchnorm" + (" momentum=%s" % lit(momentum) if momentum is not None else "")
    m = 0.1 if momentum is None else momentum
    c.line("model net {")
    c.line("  input 2")
    c.line(dense_line("tanh", W1, b1))
    c.line("  %s with gamma = %s, beta = %s" % (bn, lit(gamma), lit(beta)))
    c.line(dense_line("linear", W2, b2))
    c.line("}")
    c.line("loss mse")
    P = [leaf(v) for v in (W1, b1, gamma, beta, W2, b2)]
    names = [(1, "W"), (1, "b"), (2, "gamma"), (2, "beta"), (3, "W"), (3, "b")]
    running = [torch.zeros(3), torch.ones(3)]
    x, t = c.data_d

    def forward(x, training, rm, rv):
        a1 = torch.tanh(x @ P[0].t() + P[1])
        z2 = F.batch_norm(a1, rm, rv, P[2], P[3], training=training, momentum=m, eps=1e-5)
        return z2 @ P[4].t() + P[5]

    # backward in training mode: batch statistics; nnl does not keep the
    # running averages of a backward pass, so they go to scratch copies here
    backward_on_d(c, F.mse_loss(forward(x, True, running[0].clone(), running[1].clone()), t), names, P)
    # three full-batch steps of sgd: each updates the running averages
    train_sgd(c, P, 0.1, 3, lambda: F.mse_loss(forward(x, True, running[0], running[1]), t))
    c.line("print net.2.running_mean")
    c.out.append(show(running[0]))
    c.line("print net.2.running_var")
    c.out.append(show(running[1]))
    print_params(c, names, P)
    # evaluation mode: the running averages, the same output every time
    with torch.no_grad():
        y = forward(x, False, running[0], running[1])
    for _ in range(2):
        c.line("print net(%s)" % lit([r[0] for r in rows]))
        c.out.append(show(y))
    return c


# ---- dropout --------------------------------------------------------------------

def dropout_case(name, double=True, rate=0.4, seed=11):
    c = Case(name, double)
    rows = [([0.9, -0.4, 1.3], [0.2, -0.1]),
            ([-0.6, 1.1, 0.2], [0.7, 0.3]),
            ([0.3, 0.7, -1.5], [-0.4, 0.5]),
            ([1.8, 0.5, 0.4], [0.1, 0.8])]
    c.data("d", rows)
    W1, b1 = [[0.42, -0.31, 0.25], [-0.58, 0.67, 0.12], [0.36, 0.21, -0.49], [-0.17, -0.54, 0.61]], \
        [0.11, -0.07, 0.13, 0.03]
    W2, b2 = [[0.53, -0.62, 0.34, 0.28], [-0.41, 0.72, -0.15, 0.46]], [0.02, -0.04]
    c.line("model net {")
    c.line("  input 3")
    c.line(dense_line("sigmoid", W1, b1))
    c.line("  dropout %s" % lit(rate))
    c.line(dense_line("linear", W2, b2))
    c.line("}")
    c.line("loss mse")
    P = [leaf(v) for v in (W1, b1, W2, b2)]
    names = [(1, "W"), (1, "b"), (3, "W"), (3, "b")]
    x, t = c.data_d

    def forward(x, mask):
        z1 = torch.sigmoid(x @ P[0].t() + P[1])
        z2 = z1 * mask / (1 - rate) if mask is not None else z1
        return z2 @ P[2].t() + P[3]

    # the mask the generator will draw, printed by nnl from the same stream
    c.line("seed %d" % seed)
    c.line("print rand_uniform([4, 4], 0, 1) >= %s" % lit(rate))
    c.out.append(show(dropout_mask(Rng(seed), (4, 4), rate, double)))
    # backward in training mode: that mask
    rng = Rng(seed)
    c.line("seed %d" % seed)
    backward_on_d(c, F.mse_loss(forward(x, dropout_mask(rng, (4, 4), rate, double)), t), names, P)
    # two epochs of full-batch sgd draw the next two masks from the stream
    train_sgd(c, P, 0.5, 2, lambda: F.mse_loss(forward(x, dropout_mask(rng, (4, 4), rate, double)), t))
    print_params(c, names, P)
    # evaluation: identity; two predictions agree
    with torch.no_grad():
        y = forward(x, None)
    for _ in range(2):
        c.line("print net(%s)" % lit([r[0] for r in rows]))
        c.out.append(show(y))
    return c


# ---- regularizers ---------------------------------------------------------------

PENALTIES = {
    "l1": lambda w, s: s.get("lambda", 0.01) * w.abs().sum(),
    "l2": lambda w, s: s.get("lambda", 0.01) * (w ** 2).sum(),
    "elastic": lambda w, s: s.get("l1", 0.01) * w.abs().sum() + s.get("l2", 0.01) * (w ** 2).sum(),
}


def reg_text(kind, settings, positional=None):
    if positional is not None:
        return "%s(%s)" % (kind, lit(positional))
    if not settings:
        return kind
    return "%s(%s)" % (kind, ", ".join("%s=%s" % (k, lit(v)) for k, v in settings.items()))


def reg_case(name, model_reg, layer_reg=None, double=True, train_steps=3):
    """model_reg / layer_reg: (kind, settings, positional strength or None); the
    layer's own one goes on layer 1 and overrides the model's there"""
    c = Case(name, double)
    c.data("d", TRAIN_ROWS)
    # a weight of exactly 0: l1's gradient there is 0, as PyTorch's abs'
    W1, b1 = [[0.38, -0.61], [0.0, 0.24], [-0.46, 0.33]], [0.07, -0.04, 0.11]
    W2, b2 = [[0.52, -0.37, 0.68]], [-0.09]
    own = " regularize " + reg_text(*layer_reg) if layer_reg else ""
    c.line("model net {")
    c.line("  input 2")
    c.line(dense_line("tanh", W1, b1, own))
    c.line(dense_line("sigmoid", W2, b2))
    c.line("}")
    c.line("loss mse")
    c.line("regularize net " + reg_text(*model_reg))
    P = [leaf(v) for v in (W1, b1, W2, b2)]
    names = [(1, "W"), (1, "b"), (2, "W"), (2, "b")]
    x, t = c.data_d

    def strength(reg):
        kind, settings, positional = reg
        s = dict(settings)
        if positional is not None:
            s["l1" if kind == "elastic" else "lambda"] = positional
        return lambda w: PENALTIES[kind](w, s)

    pen1 = strength(layer_reg or model_reg)
    pen2 = strength(model_reg)

    def objective(x, t):
        y = torch.sigmoid(torch.tanh(x @ P[0].t() + P[1]) @ P[2].t() + P[3])
        loss = F.mse_loss(y, t)
        penalty = pen1(P[0]) + pen2(P[2])        # W only: biases are not penalised
        return loss, penalty

    c.line("backward net on d")
    loss, penalty = objective(x, t)
    (loss + penalty).backward()
    c.out.append("loss = " + num(loss.item()))
    c.out.append("penalty = %s (the gradients are those of loss + penalty = %s)" %
                 (num(penalty.item()), num((loss + penalty).item())))
    print_params(c, names, P, grad=True)
    c.line("evaluate net on d")
    with torch.no_grad():
        loss, penalty = objective(x, t)
    c.out.append("loss = " + num(loss.item()))
    c.out.append("penalty = %s (training minimises loss + penalty = %s)" % (num(penalty.item()),
                                                                           num((loss + penalty).item())))
    c.line("optimizer sgd(lr=0.5)")
    c.line("train net on d epochs %d" % train_steps)
    for e in range(1, train_steps + 1):
        loss, penalty = objective(x, t)
        (loss + penalty).backward()
        c.out.append("epoch %d/%d  loss %s  penalty %s" % (e, train_steps, num(loss.item()), num(penalty.item())))
        sgd_step(P, 0.5)
    print_params(c, names, P)
    return c


# ---- validation during training ---------------------------------------------------

def train_valid_case(name, double=True, epochs=4):
    c = Case(name, double)
    train_rows = [([0.9, -0.4], [1, 0, 0]), ([-0.6, 1.1], [0, 1, 0]), ([0.3, -1.5], [0, 0, 1]),
                  ([1.8, 0.5], [1, 0, 0]), ([-1.2, 0.9], [0, 1, 0]), ([0.1, -0.8], [0, 0, 1])]
    valid_rows = [([1.1, 0.2], [1, 0, 0]), ([-0.4, 0.6], [0, 1, 0]), ([0.5, -0.9], [0, 0, 1]),
                  ([-0.2, -0.3], [1, 0, 0])]
    c.data("d", train_rows)
    c.data("v", valid_rows)
    W1, b1 = [[0.42, -0.31], [-0.58, 0.67], [0.36, 0.21], [-0.17, -0.54]], [0.11, -0.07, 0.13, 0.03]
    W2, b2 = [[0.53, -0.62, 0.34, 0.28], [-0.41, 0.72, -0.15, 0.46], [0.19, -0.26, 0.57, -0.38]], [0.02, -0.04, 0.06]
    c.line("model net {")
    c.line("  input 2")
    c.line(dense_line("relu", W1, b1))
    c.line(dense_line("softmax", W2, b2))
    c.line("}")
    c.line("loss cross_entropy")
    c.line("optimizer sgd(lr=0.3)")
    c.line("train net on d valid v epochs %d batch 3 shuffle false" % epochs)
    P = [leaf(v) for v in (W1, b1, W2, b2)]
    x, t = c.data_d
    vx, vt = c.data_v

    def logits(x):
        return torch.relu(x @ P[0].t() + P[1]) @ P[2].t() + P[3]

    with torch.no_grad():     # train's initial loss: the untrained net over all rows, next to log(n) (src/train/lint.c)
        c.out.append("initial loss %s (the mean over 6 rows); log(3) = %s is what a net that has learnt nothing "
                     "gives (all 3 classes equally likely)" % (num(F.cross_entropy(logits(x), t).item()),
                                                              num(math.log(3))))
    for e in range(1, epochs + 1):
        total = 0.0
        for start in range(0, 6, 3):
            loss = F.cross_entropy(logits(x[start:start + 3]), t[start:start + 3])
            loss.backward()
            total += loss.item() * 3
            sgd_step(P, 0.3)
        with torch.no_grad():
            out = logits(vx)
            vloss = F.cross_entropy(out, vt).item()
            acc = (out.argmax(dim=1) == vt.argmax(dim=1)).double().mean().item()
        c.out.append("epoch %d/%d  loss %s  valid loss %s  valid accuracy %s" %
                     (e, epochs, num(total / 6), num(vloss), num(acc)))
    return c


CASES = (
    both(batchnorm_case, "layer_batchnorm") +
    both(batchnorm_case, "layer_batchnorm_momentum", momentum=0.3) +
    both(dropout_case, "layer_dropout") +
    both(reg_case, "reg_l2", ("l2", {}, 0.01)) +
    both(reg_case, "reg_l1", ("l1", {"lambda": 0.02}, None)) +
    both(reg_case, "reg_elastic", ("elastic", {"l1": 0.01, "l2": 0.03}, None)) +
    both(reg_case, "reg_layer_override", ("l2", {}, 0.05), ("l1", {}, 0.02)) +
    both(train_valid_case, "train_valid")
)

if __name__ == "__main__":
    torch.set_default_dtype(torch.float64)
    for make in CASES:
        case = make()
        case.write()
        print("wrote %s" % case.name)
