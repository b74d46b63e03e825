"""Reference values for nnl, computed by PyTorch.

For every case below this writes into tests/reference/:

  NAME.nnl       the nnl script (weights, data and statements)
  NAME.expected  what the script must print, computed with torch in float64
  NAME.tol       the tolerance, for cases run in `precision double` (1e-9)

The weights and data of each case are written here once and used for both
files.  tests/run.sh runs each script and compares its output with the
.expected file token by token: numbers within TOL * (1 + |expected|) (1e-5
without a .tol file: float32 cases) or within the rounding of the digits nnl
printed.

The optimizers are computed here from Keras 2.2.4's formulas (the ones
stdlib/optimizers.nnl follows), written out below; check_update_rules()
first confirms them against torch.optim wherever the two agree (SGD, Adagrad,
RMSprop, and Adam with epsilon = 0, where epsilon's placement cannot matter),
and the cyclic schedule against torch's CyclicLR.

Rerun after changing a case (needs torch; Debian's python3-torch has it):

    /usr/bin/python3 tests/reference/gen_reference.py

The output is deterministic: fixed weights, fixed data, no random numbers.
"""
import math
import os

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
DOUBLE_TOL = "1e-9"

# activation name -> torch function of (a, **settings); rows are samples
ACTIVATIONS = {
    "linear": lambda a: a,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "softmax": lambda a: torch.softmax(a, dim=1),
    "step": lambda a: (a > 0).to(a.dtype),
    "leaky_relu": lambda a, alpha=0.3: F.leaky_relu(a, alpha),
    "elu": lambda a, alpha=1.0: F.elu(a, alpha),
    "softplus": F.softplus,
    "softsign": F.softsign,
}

# Keras 2.2.4's optimizers: defaults and one update of parameter p with
# gradient g (in place); t counts the updates made before this one.
OPTIMIZERS = {
    "sgd": dict(lr=0.01, momentum=0.0, nesterov=False, decay=0.0),
    "adagrad": dict(lr=0.01, epsilon=1e-7, decay=0.0, initial_accumulator_value=0.1),
    "rmsprop": dict(lr=0.001, rho=0.9, epsilon=1e-7, decay=0.0),
    "adam": dict(lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, decay=0.0),
}


def new_state(name, hp, p):
    if name == "adagrad":
        return {"acc": torch.full_like(p, hp["initial_accumulator_value"])}
    if name == "adam":
        return {"m": torch.zeros_like(p), "v": torch.zeros_like(p)}
    return {"v": torch.zeros_like(p)}


def keras_update(name, hp, lr, p, g, st, t):
    lr = lr / (1 + hp["decay"] * t)
    if name == "sgd":
        v = st["v"]
        v.mul_(hp["momentum"]).sub_(lr * g)
        p.add_(hp["momentum"] * v - lr * g if hp["nesterov"] else v)
    elif name == "adagrad":
        st["acc"].add_(g * g)
        p.sub_(lr * g / (st["acc"].sqrt() + hp["epsilon"]))
    elif name == "rmsprop":
        st["v"].mul_(hp["rho"]).add_((1 - hp["rho"]) * g * g)
        p.sub_(lr * g / (st["v"].sqrt() + hp["epsilon"]))
    elif name == "adam":
        b1, b2 = hp["beta_1"], hp["beta_2"]
        lr_t = lr * math.sqrt(1 - b2 ** (t + 1)) / (1 - b1 ** (t + 1))
        st["m"].mul_(b1).add_((1 - b1) * g)
        st["v"].mul_(b2).add_((1 - b2) * g * g)
        p.sub_(lr_t * st["m"] / (st["v"].sqrt() + hp["epsilon"]))


# schedules: name -> (defaults, lr as a function of t and epoch)
def cyclic_lr(base_lr, max_lr, step_size, t):
    cycle = math.floor(1 + t / (2 * step_size))
    x = abs(t / step_size - 2 * cycle + 1)
    return base_lr + (max_lr - base_lr) * max(0.0, 1 - x)


SCHEDULES = {
    "step_decay": (dict(drop=0.5, every=10),
                   lambda s, t, epoch: s["initial"] * s["drop"] ** math.floor(epoch / s["every"])),
    "exponential_decay": (dict(rate=0.96, every=1),
                          lambda s, t, epoch: s["initial"] * s["rate"] ** (epoch / s["every"])),
    "cyclic": (dict(base_lr=0.001, max_lr=0.006, step_size=2000),
               lambda s, t, epoch: cyclic_lr(s["base_lr"], s["max_lr"], s["step_size"], t)),
}


def check_update_rules():
    """The formulas above against torch.optim where they must agree."""
    gen = torch.Generator().manual_seed(1)
    grads = [torch.randn(3, 2, generator=gen) for _ in range(6)]
    start = torch.randn(3, 2, generator=gen)

    def ours(name, **hp):
        hp = dict(OPTIMIZERS[name], **hp)
        p = start.clone()
        st = new_state(name, hp, p)
        for t, g in enumerate(grads):
            keras_update(name, hp, hp["lr"], p, g, st, t)
        return p

    def theirs(make):
        p = start.clone().requires_grad_()
        opt = make([p])
        for g in grads:
            p.grad = g.clone()
            opt.step()
        return p.detach()

    pairs = [
        (ours("sgd", lr=0.1, momentum=0.9), theirs(lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9))),
        (ours("sgd", lr=0.1, momentum=0.9, nesterov=True),
         theirs(lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True))),
        (ours("adagrad", lr=0.1, decay=0.3),
         theirs(lambda ps: torch.optim.Adagrad(ps, lr=0.1, lr_decay=0.3, initial_accumulator_value=0.1, eps=1e-7))),
        (ours("rmsprop", lr=0.01), theirs(lambda ps: torch.optim.RMSprop(ps, lr=0.01, alpha=0.9, eps=1e-7))),
        (ours("adam", lr=0.01, epsilon=0.0), theirs(lambda ps: torch.optim.Adam(ps, lr=0.01, eps=0.0))),
    ]
    for a, b in pairs:
        assert torch.allclose(a, b, rtol=1e-12, atol=1e-12), (a, b)
    # with epsilon, Keras' Adam and PyTorch's differ: the test cases can tell them apart
    assert not torch.allclose(ours("adam", lr=0.1, epsilon=0.01),
                              theirs(lambda ps: torch.optim.Adam(ps, lr=0.1, eps=0.01)), rtol=1e-6, atol=1e-6)
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1)
    sched = torch.optim.lr_scheduler.CyclicLR(opt, base_lr=0.1, max_lr=0.5, step_size_up=3, cycle_momentum=False)
    for t in range(15):
        assert abs(sched.get_last_lr()[0] - cyclic_lr(0.1, 0.5, 3, t)) < 1e-12
        opt.step()
        sched.step()


def lit(x):
    """A number or nested list as an nnl literal (repr keeps every digit)."""
    if isinstance(x, (list, tuple)):
        return "[" + ", ".join(lit(v) for v in x) + "]"
    return repr(float(x)) if not float(x).is_integer() else str(int(x))


def num(v):
    """A number as nnl prints it, with more digits than nnl's 9."""
    return "%.12g" % v


def show(t):
    """A tensor as nnl's `print` shows it: a nested list, or a bare scalar."""
    if t.dim() == 0:
        return num(t.item())
    return "[" + ", ".join(show(r) for r in t) + "]"


def call(name, settings):
    """name(key=value, ...) as nnl writes it, or just name."""
    if not settings:
        return name
    return "%s(%s)" % (name, ", ".join("%s=%s" % (k, v if isinstance(v, str) else lit(v))
                                       for k, v in settings.items()))


def dense(act, W, b, **settings):
    return {"kind": "dense", "act": act, "settings": settings, "W": W, "b": b}


class Case:
    """One script and its expected output, built statement by statement."""

    def __init__(self, name, double=True):
        self.name, self.double = name, double
        self.src = ["# Generated by tests/reference/gen_reference.py; do not edit."]
        self.out = []
        if double:
            self.src.append("precision double")
        self.layers = []          # per layer: kind, settings and {param name: float64 leaf tensor}
        self.loss_name = None
        self.steps = self.epochs = 0

    # -- definitions --------------------------------------------------------
    def line(self, text):
        self.src.append(text)

    def data(self, name, rows):
        self.src.append("data %s {" % name)
        self.src += ["  %s -> %s" % (lit(x), lit(t)) for x, t in rows]
        self.src.append("}")
        setattr(self, "data_" + name, (torch.tensor([x for x, _ in rows], dtype=torch.float64),
                                       torch.tensor([t for _, t in rows], dtype=torch.float64)))

    def model(self, n_in, layers):
        """layers: dense(...), or dicts of kind prelu (alpha) / maxout (units, pieces, W, b)"""
        self.src += ["model net {", "  input %d" % n_in]
        for spec in layers:
            kind = spec["kind"]
            names = ["W", "b"] if kind in ("dense", "maxout") else ["alpha"]
            given = ", ".join("%s = %s" % (n, lit(spec[n])) for n in names)
            if kind == "dense":
                head = "dense %d %s" % (len(spec["W"]), call(spec["act"], spec["settings"]))
            elif kind == "maxout":
                head = "maxout %d pieces=%d" % (spec["units"], spec["pieces"])
            else:
                head = "prelu"
            self.src.append("  %s with %s" % (head, given))
            params = {n: torch.tensor(spec[n], dtype=torch.float64, requires_grad=True) for n in names}
            self.layers.append(dict(spec, params=params))
        self.src.append("}")

    def setting(self, line, loss=None):
        self.src.append(line)
        if loss:
            self.loss_name = loss

    # -- torch side -----------------------------------------------------------
    def forward(self, x, pre=False):
        z = a = x
        for layer in self.layers:
            p = layer["params"]
            if layer["kind"] == "prelu":
                z = F.prelu(z, p["alpha"])
                continue
            a = z @ p["W"].t() + p["b"]
            if layer["kind"] == "maxout":
                z = a.reshape(-1, layer["units"], layer["pieces"]).amax(dim=-1)
            else:
                z = ACTIVATIONS[layer["act"]](a, **layer["settings"])
        return a if pre else z

    def loss(self, x, t):
        out_act = self.layers[-1].get("act")
        y = self.forward(x)
        if self.loss_name == "mse":
            return F.mse_loss(y, t)
        if self.loss_name == "mae":
            return F.l1_loss(y, t)
        if self.loss_name == "lin":                 # def lin(y, t) = sum(y * t): ∂C/∂y = t
            return (y * t).sum()
        if self.loss_name == "binary_cross_entropy":
            if out_act == "sigmoid":                # fused with the sigmoid
                return F.binary_cross_entropy_with_logits(self.forward(x, pre=True), t)
            return F.binary_cross_entropy(y, t)
        if self.loss_name == "cross_entropy_logits":
            return F.cross_entropy(y, t)            # probabilities as targets
        assert self.loss_name == "cross_entropy"
        if out_act == "softmax":                    # nnl fuses softmax + cross_entropy
            return F.cross_entropy(self.forward(x, pre=True), t)
        return (-(t * y.log()).sum(dim=1)).mean()

    def all_params(self):
        return [(i + 1, n, p) for i, layer in enumerate(self.layers) for n, p in layer["params"].items()]

    # -- statements -----------------------------------------------------------
    def print_output(self, x):
        self.src.append("print net(%s)" % lit(x))
        xt = torch.tensor(x, dtype=torch.float64)
        with torch.no_grad():
            y = self.forward(xt if xt.dim() == 2 else xt[None])
        self.out.append(show(y if xt.dim() == 2 else y[0]))

    def backward(self, d):
        self.src.append("backward net on %s" % d)
        for _, _, p in self.all_params():
            p.grad = None
        c = self.loss(*getattr(self, "data_" + d))
        c.backward()
        self.out.append("loss = " + num(c.item()))

    def print_all(self, grad=False):
        for layer, name, p in self.all_params():
            self.src.append("print %snet.%d.%s" % ("grad " if grad else "", layer, name))
            self.out.append(show(p.grad if grad else p.detach()))

    def evaluate(self, d):
        self.src.append("evaluate net on %s" % d)
        x, t = getattr(self, "data_" + d)
        with torch.no_grad():
            c = self.loss(x, t)
            y = self.forward(x)
        self.out.append("loss = " + num(c.item()))
        if t.shape[1] == 1:
            n, truth, pred = 2, (t[:, 0] == 1).long(), (y[:, 0] > 0.5).long()
        else:
            n, truth, pred = t.shape[1], t.argmax(dim=1), y.argmax(dim=1)
        self.out.append("accuracy = %.6g" % (truth == pred).double().mean().item())
        # the confusion matrix as src/train/evaluation.c lays it out: rows true, columns predicted
        counts = torch.zeros(n, n, dtype=torch.long)
        for i, j in zip(truth.tolist(), pred.tolist()):
            counts[i, j] += 1
        corner = "true \\ predicted"
        names = [str(i) for i in range(n)]
        label_w = max([len(corner)] + [len(s) for s in names])
        cell_w = max([1] + [len(s) for s in names] + [len(str(c)) for c in counts.flatten().tolist()])
        self.out.append("confusion matrix (rows: true class, columns: predicted):")
        self.out.append(corner.ljust(label_w) + "".join("  " + s.rjust(cell_w) for s in names))
        for i in range(n):
            self.out.append(names[i].ljust(label_w) +
                            "".join("  " + str(c).rjust(cell_w) for c in counts[i].tolist()))

    def train(self, d, epochs, batch, optimizer="sgd", schedule=None, **settings):
        """Keras' optimizer `optimizer` with `settings` (the rest default);
        schedule = (name, {settings}) makes lr a schedule.  Batches in order."""
        hp = dict(OPTIMIZERS[optimizer], **settings)
        shown = dict(settings)
        if schedule:
            sname, ssettings = schedule
            sdefaults, lr_of = SCHEDULES[sname]
            sall = dict(sdefaults, **ssettings)
            shown = dict(lr=call(sname, ssettings), **shown)
        self.src.append("optimizer %s" % call(optimizer, {k: ("true" if v is True else v) for k, v in shown.items()}))
        x, t = getattr(self, "data_" + d)
        rows = x.shape[0]
        shuffle = " shuffle false" if batch < rows else ""
        self.src.append("train net on %s epochs %d batch %d%s" % (d, epochs, batch, shuffle))
        flat = [p for _, _, p in self.all_params()]
        state = [new_state(optimizer, hp, p) for p in flat]     # a new optimizer: fresh state, t and epoch
        self.steps = self.epochs = 0
        every = max(epochs // 10, 1)
        for e in range(1, epochs + 1):
            total = 0.0
            for start in range(0, rows, batch):
                xb, tb = x[start:start + batch], t[start:start + batch]
                for p in flat:
                    p.grad = None
                c = self.loss(xb, tb)
                c.backward()
                total += c.item() * xb.shape[0]
                lr = lr_of(sall, self.steps, self.epochs) if schedule else hp["lr"]
                with torch.no_grad():
                    for p, st in zip(flat, state):
                        keras_update(optimizer, hp, lr, p, p.grad, st, self.steps)
                self.steps += 1
            self.epochs += 1
            if e == 1 or e % every == 0 or e == epochs:
                self.out.append("epoch %*d/%d  loss %s" % (len(str(epochs)), e, epochs, num(total / rows)))

    def write(self):
        files = [(".nnl", self.src), (".expected", self.out)]
        if self.double:
            files.append((".tol", [DOUBLE_TOL]))
        elif os.path.exists(os.path.join(HERE, self.name + ".tol")):
            os.remove(os.path.join(HERE, self.name + ".tol"))
        for ext, lines in files:
            with open(os.path.join(HERE, self.name + ext), "w") as f:
                f.write("\n".join(lines) + "\n")


# ---- the cases ------------------------------------------------------------------

def case_mse_tanh_sigmoid():
    """a. 2-3-2, tanh then sigmoid, mse, a batch of 4."""
    c = Case("mse_tanh_sigmoid")
    rows = [([0.5, -1.2], [0.1, 0.9]),
            ([1.5, 0.3], [0.8, 0.2]),
            ([-0.7, 0.8], [0.4, 0.6]),
            ([0.2, 2.1], [1.0, 0.0])]
    c.data("d", rows)
    c.model(2, [dense("tanh", [[0.31, -0.52], [0.74, 0.18], [-0.45, 0.63]], [0.05, -0.12, 0.2]),
                dense("sigmoid", [[0.6, -0.35, 0.27], [-0.81, 0.44, 0.52]], [0.1, -0.25])])
    c.setting("loss mse", "mse")
    c.print_output([x for x, _ in rows])
    c.print_output([0.5, -1.2])                 # one sample: a 1-D list
    c.backward("d")
    c.print_all(grad=True)
    c.print_all()
    return c


def case_xent_relu_softmax():
    """b. 3-4-3, relu then softmax, cross_entropy on one-hot targets, a batch of 5."""
    c = Case("xent_relu_softmax")
    rows = [([0.9, -0.4, 1.3], [1, 0, 0]),
            ([-0.6, 1.1, 0.2], [0, 1, 0]),
            ([0.3, 0.7, -1.5], [0, 0, 1]),
            ([1.8, 0.5, 0.4], [1, 0, 0]),
            ([-1.2, -0.3, 0.9], [0, 0, 1])]
    c.data("d", rows)
    c.model(3, [dense("relu", [[0.42, -0.31, 0.25], [-0.58, 0.67, 0.12],
                               [0.36, 0.21, -0.49], [-0.17, -0.54, 0.61]], [0.11, -0.07, 0.13, 0.03]),
                dense("softmax", [[0.53, -0.62, 0.34, 0.28], [-0.41, 0.72, -0.15, 0.46],
                                  [0.19, -0.26, 0.57, -0.38]], [0.02, -0.04, 0.06])])
    c.setting("loss cross_entropy", "cross_entropy")
    # keep the test meaningful: no relu pre-activation may sit at the kink
    with torch.no_grad():
        x = c.data_d[0]
        a1 = x @ c.layers[0]["params"]["W"].t() + c.layers[0]["params"]["b"]
        assert a1.abs().min() > 1e-3 and (a1 > 0).any(dim=0).all() and (a1 < 0).any()
    c.print_output([x for x, _ in rows])
    c.backward("d")
    c.print_all(grad=True)
    c.evaluate("d")
    return c


def case_float32_deep():
    """c. 2-4-4-1, sigmoid, relu, linear, mse, in float32 (nnl's default)."""
    c = Case("float32_deep", double=False)
    rows = [([0.4, -0.9], [0.3]),
            ([-1.1, 0.6], [-0.5]),
            ([1.3, 1.7], [1.2]),
            ([0.0, -0.2], [0.1]),
            ([-0.8, -1.4], [-0.9]),
            ([2.0, 0.5], [0.7])]
    c.data("d", rows)
    c.model(2, [dense("sigmoid", [[0.55, -0.42], [-0.33, 0.71], [0.62, 0.28], [-0.19, -0.66]],
                      [0.1, -0.05, 0.02, 0.15]),
                dense("relu", [[0.47, -0.38, 0.52, 0.21], [-0.29, 0.64, -0.11, 0.45],
                               [0.36, 0.18, -0.57, 0.33], [0.61, -0.24, 0.27, -0.48]],
                      [0.04, -0.03, 0.12, -0.02]),
                dense("linear", [[0.72, -0.53, 0.41, 0.66]], [0.08])])
    c.setting("loss mse", "mse")
    with torch.no_grad():
        p1, p2 = c.layers[0]["params"], c.layers[1]["params"]
        z1 = torch.sigmoid(c.data_d[0] @ p1["W"].t() + p1["b"])
        a2 = z1 @ p2["W"].t() + p2["b"]
        assert a2.abs().min() > 1e-3 and (a2 < 0).any() and (a2 > 0).any()
    c.print_output([x for x, _ in rows])
    c.backward("d")
    c.print_all(grad=True)
    return c


# four rows of 2 -> 1 for the training cases (gen_modes_reference.py too)
TRAIN_ROWS = [([0.6, -0.8], [0.2]),
              ([-0.3, 1.2], [0.9]),
              ([1.4, 0.5], [0.6]),
              ([-1.0, -0.7], [0.1])]


def train_case(name, epochs=3, batch=4, double=True, **opt):
    """d. a 2-3-1 net trained with one of Keras' optimizers; the weights after."""
    c = Case(name, double)
    c.data("d", TRAIN_ROWS)
    c.model(2, [dense("tanh", [[0.38, -0.61], [0.57, 0.24], [-0.46, 0.33]], [0.07, -0.04, 0.11]),
                dense("sigmoid", [[0.52, -0.37, 0.68]], [-0.09])])
    c.setting("loss mse", "mse")
    c.train("d", epochs, batch, **opt)
    c.print_all()
    c.backward("d")                             # the loss after training
    return c


def case_logistic():
    """e. one sigmoid unit (logistic regression), binary targets, mse, evaluate."""
    c = Case("logistic_evaluate")
    rows = [([1.2, 0.4], [1]),
            ([-0.7, 0.9], [0]),
            ([0.3, -1.5], [1]),
            ([-1.4, -0.2], [0]),
            ([0.8, 1.1], [0]),             # misclassified: accuracy below 1
            ([-0.2, 0.3], [1])]
    c.data("d", rows)
    c.model(2, [dense("sigmoid", [[1.35, -0.85]], [0.15])])
    c.setting("loss mse", "mse")
    c.print_output([x for x, _ in rows])
    c.evaluate("d")
    c.backward("d")
    c.print_all(grad=True)
    return c


# pre-activations every activation is checked at: 0, small, and large enough
# to saturate or overflow a naive formula
POINTS = [-1000, -30, -1.5, -0.2, 0, 0.2, 1.5, 30, 1000]


def activation_case(name, act, double=True, points=POINTS, weights=None, **settings):
    """f. one layer whose pre-activation is exactly `points` (x = 1, W = 0,
    b = points) under the loss C = Σ z·t: the output is h(points) and the
    gradient of b is h'(points) ⊙ t (t = 1: h' itself)."""
    c = Case(name, double)
    n = len(points)
    t = weights or [1] * n
    c.line("def lin(y, t) = sum(y * t)")
    if act != "step":                           # step has no backward pass to use it in
        c.data("d", [([1], t)])
    c.model(1, [dense(act, [[0]] * n, points, **settings)])
    c.setting("loss lin", "lin")
    c.print_output([[1]])
    if act != "step":                           # step: forward only (tests/errors/step_backward.nnl)
        c.backward("d")
        c.print_all(grad=True)
    return c


def loss_case(name, loss, act, rows, W, b, double=True):
    """g. a loss on a one-layer model: its value, output and gradients."""
    c = Case(name, double)
    c.data("d", rows)
    c.model(len(rows[0][0]), [dense(act, W, b)])
    c.setting("loss " + loss, loss)
    c.print_output([x for x, _ in rows])
    c.backward("d")
    c.print_all(grad=True)
    return c


def layer_case(name, layers, double=True):
    """h. prelu and maxout layers: outputs and gradients of every parameter, mse."""
    c = Case(name, double)
    rows = [([0.7, -1.1], [0.3, -0.2]),
            ([-0.4, 0.9], [-0.6, 0.5]),
            ([1.6, 0.2], [0.9, 0.1])]
    c.data("d", rows)
    c.model(2, layers)
    c.setting("loss mse", "mse")
    c.print_output([x for x, _ in rows])
    c.backward("d")
    c.print_all(grad=True)
    return c


def both(make, name, *args, **kw):
    """a case in precision double and its float32 twin NAME_f32"""
    return [lambda: make(name, *args, **kw), lambda: make(name + "_f32", *args, double=False, **kw)]


SOFTMAX_T = [0.3, -1.2, 0.5, 2.0, -0.7]
ACTIVATION_CASES = (
    both(activation_case, "act_linear", "linear") +
    both(activation_case, "act_step", "step") +
    both(activation_case, "act_sigmoid", "sigmoid") +
    both(activation_case, "act_tanh", "tanh") +
    both(activation_case, "act_relu", "relu") +
    both(activation_case, "act_leaky_relu", "leaky_relu") +
    both(activation_case, "act_leaky_relu_alpha", "leaky_relu", alpha=0.1) +
    both(activation_case, "act_elu", "elu") +
    both(activation_case, "act_elu_alpha", "elu", alpha=0.5) +
    both(activation_case, "act_softplus", "softplus") +
    both(activation_case, "act_softsign", "softsign") +
    both(activation_case, "act_softmax", "softmax", points=[-3, -1, 0, 0.5, 2], weights=SOFTMAX_T) +
    both(activation_case, "act_softmax_large", "softmax", points=[1000, 999, 0, -1000, 1000.5], weights=SOFTMAX_T)
)

LOSS_CASES = (
    # mse and mae on a linear output; row 2 output 1 equals its target (mae's gradient there is 0)
    both(loss_case, "loss_mse", "mse", "linear",
         [([1.0, 2.0], [0.5, -1.0]), ([2.0, -1.0], [0.75, 3.0]), ([-0.5, 0.5], [0.0, 0.25])],
         [[0.5, -0.25], [1.5, 0.75]], [-0.25, 0.5]) +
    both(loss_case, "loss_mae", "mae", "linear",
         [([1.0, 2.0], [0.5, -1.0]), ([2.0, -1.0], [0.75, 3.0]), ([-0.5, 0.5], [0.0, 0.25])],
         [[0.5, -0.25], [1.5, 0.75]], [-0.25, 0.5]) +
    # binary cross-entropy on probabilities from a linear layer (all within (0, 1))
    both(loss_case, "loss_bce", "binary_cross_entropy", "linear",
         [([0.2, 0.4], [1, 0]), ([0.9, -0.3], [0, 1]), ([-0.5, 0.6], [0.3, 1])],
         [[0.3, 0.2], [-0.2, 0.4]], [0.4, 0.5]) +
    # ... and fused with sigmoid, at 0 and at large logits (x = 1: a = b)
    both(loss_case, "loss_bce_sigmoid", "binary_cross_entropy", "sigmoid",
         [([1.0], [1, 0, 1, 0, 1, 0, 1]), ([1.0], [0, 1, 0.5, 1, 0, 0, 1])],
         [[0], [0], [0], [0], [0], [0], [0]], [-1000, -30, -2, 0, 1.5, 30, 1000]) +
    # cross_entropy on probabilities (a linear layer that gives positive rows)
    both(loss_case, "loss_xent_probs", "cross_entropy", "linear",
         [([1.0, 0.5], [1, 0, 0]), ([0.2, 1.0], [0, 0.25, 0.75])],
         [[0.2, 0.1], [0.3, 0.05], [0.1, 0.4]], [0.1, 0.2, 0.15]) +
    # cross_entropy_logits on a linear layer, with soft targets and large logits
    both(loss_case, "loss_xent_logits", "cross_entropy_logits", "linear",
         [([1.0, 0.0], [1, 0, 0]), ([0.0, 1.0], [0.2, 0.3, 0.5]), ([1.0, 1.0], [0, 1, 0])],
         [[1000, 0.5], [-1000, 1.5], [0.25, -2]], [0.1, 0.0, -0.3]) +
    # targets that are not one-hot.  The fused softmax + cross-entropy gradient
    # is (softmax(a) Σt - t) / B: with one-hot or soft targets Σt = 1 and a bug
    # in the Σt factor hides, so each loss is also given targets that do not
    # sum to 1 (PyTorch's CrossEntropyLoss takes any class probabilities).
    # softmax + cross_entropy (fused) on soft and label-smoothed targets (rows sum to 1)
    both(loss_case, "loss_xent_softmax_soft", "cross_entropy", "softmax",
         [([1.0, 0.5], [0.7, 0.2, 0.1]), ([0.2, 1.0], [0.05, 0.9, 0.05]), ([-0.6, 0.3], [1 / 3, 1 / 3, 1 / 3])],
         [[0.3, 0.5], [-0.2, 0.4], [0.25, -0.6]], [0.1, 0.0, -0.3]) +
    # cross_entropy_logits on targets whose rows sum to 1.2, 0.5, 2 and 0
    both(loss_case, "loss_xent_logits_unnormalised", "cross_entropy_logits", "linear",
         [([1.0, 0.5], [0.5, 0.3, 0.4]), ([0.2, 1.0], [0.1, 0.4, 0.0]), ([-0.6, 0.3], [1, 0, 1]),
          ([0.4, -0.8], [0, 0, 0])],
         [[0.3, 0.5], [-0.2, 0.4], [0.25, -0.6]], [0.1, 0.0, -0.3]) +
    # cross_entropy on probabilities from a linear layer, targets summing to 1.5 and 0.6
    both(loss_case, "loss_xent_probs_unnormalised", "cross_entropy", "linear",
         [([1.0, 0.5], [1, 0.5, 0]), ([0.2, 1.0], [0.1, 0.2, 0.3])],
         [[0.2, 0.1], [0.3, 0.05], [0.1, 0.4]], [0.1, 0.2, 0.15]) +
    # binary cross-entropy with soft labels (PyTorch's BCELoss), on probabilities ...
    both(loss_case, "loss_bce_soft", "binary_cross_entropy", "linear",
         [([0.2, 0.4], [0.2, 0.7]), ([0.9, -0.3], [0.95, 0.05]), ([-0.5, 0.6], [0.5, 0.35])],
         [[0.3, 0.2], [-0.2, 0.4]], [0.4, 0.5]) +
    # ... and fused with sigmoid (BCEWithLogitsLoss), label-smoothed 0.05 / 0.95
    both(loss_case, "loss_bce_sigmoid_smoothed", "binary_cross_entropy", "sigmoid",
         [([1.0, 0.5], [0.95, 0.05]), ([0.2, 1.0], [0.05, 0.95]), ([-0.6, 0.3], [0.95, 0.6])],
         [[0.3, 0.5], [-0.2, 0.4]], [0.1, -0.3])
)

LAYER_CASES = (
    both(layer_case, "layer_prelu", [dense("linear", [[0.8, -0.3], [-0.5, 0.9], [0.4, 0.6]], [0.1, -0.2, -0.6]),
                                     {"kind": "prelu", "alpha": [0.25, -0.1, 0.6]},
                                     dense("linear", [[0.5, -0.7, 0.2], [0.3, 0.4, -0.8]], [0.05, -0.05])]) +
    both(layer_case, "layer_maxout", [{"kind": "maxout", "units": 2, "pieces": 3,
                                       "W": [[0.8, -0.3], [-0.5, 0.9], [0.4, 0.6], [0.2, -0.7], [-0.6, -0.1], [0.9, 0.3]],
                                       "b": [0.1, -0.2, 0.0, 0.3, -0.1, 0.05]},
                                      dense("linear", [[0.5, -0.7], [0.3, 0.4]], [0.05, -0.05])])
)

OPTIMIZER_CASES = (
    both(train_case, "opt_sgd", epochs=5, optimizer="sgd") +
    both(train_case, "opt_adagrad", epochs=5, optimizer="adagrad") +
    both(train_case, "opt_adagrad_settings", epochs=5, optimizer="adagrad", lr=0.1, epsilon=0.01, decay=0.2,
         initial_accumulator_value=0.5) +
    both(train_case, "opt_rmsprop", epochs=5, optimizer="rmsprop") +
    both(train_case, "opt_rmsprop_settings", epochs=5, optimizer="rmsprop", lr=0.05, rho=0.8, epsilon=0.01, decay=0.2) +
    both(train_case, "opt_adam", epochs=5, optimizer="adam") +
    # a large epsilon: Keras' placement (√v + ε, bias correction in the step) differs clearly from PyTorch's
    both(train_case, "opt_adam_settings", epochs=5, optimizer="adam", lr=0.1, beta_1=0.8, beta_2=0.99,
         epsilon=0.01, decay=0.2) +
    # two updates per epoch (batch 2 of 4 rows): t counts updates, epoch counts epochs
    both(train_case, "sched_step_decay", epochs=5, batch=2, optimizer="sgd", momentum=0.5,
         schedule=("step_decay", dict(initial=0.5, drop=0.5, every=2))) +
    both(train_case, "sched_exponential_decay", epochs=5, batch=2, optimizer="adam",
         schedule=("exponential_decay", dict(initial=0.1, rate=0.7))) +
    both(train_case, "sched_cyclic", epochs=5, batch=2, optimizer="sgd", decay=0.1,
         schedule=("cyclic", dict(base_lr=0.1, max_lr=0.9, step_size=3)))
)

CASES = [
    case_mse_tanh_sigmoid,
    case_xent_relu_softmax,
    case_float32_deep,
    lambda: train_case("sgd_plain", lr=0.1),
    lambda: train_case("sgd_momentum", lr=0.1, momentum=0.9),
    lambda: train_case("sgd_nesterov", lr=0.1, momentum=0.9, nesterov=True),
    lambda: train_case("sgd_decay", lr=0.1, decay=0.1),
    # several updates per epoch (batches in order): t counts updates, not epochs
    lambda: train_case("sgd_minibatch", epochs=3, batch=2, lr=0.1, momentum=0.9, nesterov=True, decay=0.1),
    case_logistic,
] + ACTIVATION_CASES + LOSS_CASES + LAYER_CASES + OPTIMIZER_CASES

if __name__ == "__main__":
    check_update_rules()
    for make in CASES:
        case = make()
        case.write()
        print("wrote %s" % case.name)
