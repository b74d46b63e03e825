#!/usr/bin/env python3
"""net.py: model 'net' of iris.nnl and its training, as a PyTorch program.

Written by nnl's `export net "net.py"` (iris.nnl:27: export net "net.py").

    python3 net.py                          trains on one machine
    torchrun --nproc_per_node=N net.py      trains on N processes with DistributedDataParallel

Imported, it offers model() (the nn.Module with the weights at the export),
loss_fn(output, target), optimizer(params), load_data() and main().  Each part
names the nnl line it came from; nnl's docs/export.md says what is the same.
"""
import csv
import gzip
import math
import os

import numpy as np
import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

HERE = os.path.dirname(os.path.abspath(__file__))
DTYPE = torch.float32
torch.set_default_dtype(DTYPE)
SEED = 1    # nnl's seed: torch's generator is another, so shuffles and dropout differ


# ---- the model: iris.nnl:15: model net {

class Net(nn.Module):
    """model net: 4 -> 8 -> 3; layer N of nnl is self.layerN"""

    def __init__(self):
        super().__init__()
        self.layer1 = nn.Linear(4, 8)    # iris.nnl:17: dense 8 tanh
        self.layer2 = nn.Linear(8, 3)    # iris.nnl:18: dense 3 softmax

    def forward(self, x):
        x = torch.tanh(self.layer1(x))
        x = torch.softmax(self.layer2(x), dim=-1)
        return x


# the weights net had when it was exported, as state_dict() names them: nnl's
# net.1.W [out, in] is layer1.weight, net.1.b layer1.bias, batchnorm's gamma and beta
# weight and bias, prelu's alpha weight
WEIGHTS = {
    # net.1.W
    "layer1.weight": [
        [0.22406793, 0.065972455, 0.51225525, -0.5609898],
        [0.64276546, 0.29696858, -0.6784888, 0.054813676],
        [-0.3340403, -0.5297249, 0.27224132, -0.5892869],
        [-0.35046473, 0.36594507, 0.14352733, 0.66342616],
        [0.22427334, -0.17786726, -0.25625372, 0.028911287],
        [-0.046659578, -0.107650384, -0.11463958, 0.68310404],
        [-0.11810488, -0.19734268, 0.56217337, -0.076517925],
        [-0.5613404, -0.07873026, 0.6134003, -0.08841991],
    ],
    # net.1.b
    "layer1.bias": [0, 0, 0, 0, 0, 0, 0, 0],
    # net.2.W
    "layer2.weight": [
        [0.16864708, -0.3393522, -0.116547965, 0.516227, 0.2310777, -0.6994796, -0.6699458, 0.18261306],
        [-0.39133474, -0.0038995303, 0.62211007, -0.24635935, -0.00079129473, 0.09381561, -0.6946613,
         -0.50910336],
        [-0.68016815, 0.568378, -0.37345743, 0.45153132, 0.050870065, -0.34057206, 0.1212206, 0.16925025],
    ],
    # net.2.b
    "layer2.bias": [0, 0, 0],
}


def weights():
    """{state_dict() name: tensor}"""
    return {name: torch.tensor(values, dtype=DTYPE) for name, values in WEIGHTS.items()}


def model():
    """the nn.Module with the weights net had when it was exported"""
    net = Net()
    state = net.state_dict()
    for name, values in weights().items():
        state[name].copy_(values)
    return net


# ---- the loss: iris.nnl:23: loss cross_entropy
# nnl's cross_entropy, stdlib/losses.nnl:28

def loss_fn(output, target):
    """the mean over rows of -Σ_j t_j log y_j, for probabilities y (a softmax output)
    and one-hot t; no clipping of y (Keras clips it to [1e-7, 1 - 1e-7]); PyTorch's
    CrossEntropyLoss would take logits and class numbers instead"""
    return -(target * output.log()).sum(-1).mean()


# ---- the optimizer: iris.nnl:24: optimizer sgd(lr=0.02, momentum=0.9)
# nnl's sgd, stdlib/optimizers.nnl:17

def optimizer(params):
    """nnl's v ← momentum·v - lr·g, w ← w + v (nesterov: w ← w + momentum·v - lr·g)
    is torch.optim.SGD's buf ← momentum·buf + g, w ← w - lr·buf (nesterov:
    w ← w - lr·(g + momentum·buf)): the same steps for a constant lr"""
    return torch.optim.SGD(params, lr=0.02, momentum=0.9, nesterov=False)


# ---- the data ------------------------------------------------------------------

# the classes, in the order of the targets' one-hot columns
CLASSES = ["setosa", "versicolor", "virginica"]


def read_csv(path, target, features=None, delimiter=",", header=True, classes=None):
    """the file as nnl's csv(...) reads it: x the feature columns, the target column
    one-hot over `classes` (nnl's, in its order), or the number itself"""
    with open(os.path.join(HERE, path), "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    table = [r for r in csv.reader(raw.decode("utf-8").splitlines(), delimiter=delimiter) if r]
    names = [n.strip() for n in table.pop(0)] if header else [str(i) for i in range(len(table[0]))]

    def column(c):
        return names.index(c) if isinstance(c, str) else c % len(names)

    t = column(target)
    cols = [i for i in range(len(names)) if i != t] if features is None else [column(c) for c in features]
    x = torch.tensor([[float(r[i]) for i in cols] for r in table], dtype=torch.float64).to(DTYPE)
    if classes is None:
        return x, torch.tensor([[float(r[t])] for r in table], dtype=torch.float64).to(DTYPE)
    labels = torch.tensor([classes.index(r[t].strip()) for r in table])
    return x, F.one_hot(labels, len(classes)).to(DTYPE)


def row_order(n, seed, shuffle=True):
    """nnl's row order for split (src/data/dataops.c): Fisher-Yates driven by
    xoshiro256** seeded through splitmix64 (src/tensor/rng.c), so that each part
    holds the rows nnl's holds"""
    order = list(range(n))
    if not shuffle:
        return order
    mask = (1 << 64) - 1
    s, x = [], seed
    for _ in range(4):
        x = (x + 0x9E3779B97F4A7C15) & mask
        z = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        s.append(z ^ (z >> 31))

    def rotl(v, k):
        return ((v << k) | (v >> (64 - k))) & mask

    for i in range(n - 1, 0, -1):
        result = (rotl((s[1] * 5) & mask, 7) * 9) & mask
        t = (s[1] << 17) & mask
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        j = int((result >> 11) * 2.0 ** -53 * (i + 1))
        order[i], order[j] = order[j], order[i]
    return order


def split(data, counts, seed, shuffle=True):
    """data's rows in nnl's order, cut into parts of `counts` rows"""
    x, y = data
    order = torch.tensor(row_order(len(x), seed, shuffle))
    parts, start = [], 0
    for count in counts:
        taken = order[start:start + count]
        parts.append((x[taken], y[taken]))
        start += count
    return parts


def normalize(*parts, offset, scale):
    """x' = (x - offset) / scale for each feature, with the statistics nnl fitted on
    the first part (computed in float64, as nnl does)"""
    offset = torch.tensor(offset, dtype=torch.float64)
    scale = torch.tensor(scale, dtype=torch.float64)
    out = [(((x.double() - offset) / scale).to(DTYPE), y) for x, y in parts]
    return out if len(out) > 1 else out[0]


def load_data():
    """(training, validation) as TensorDatasets of rows (x, target), targets as nnl
    holds them (one-hot for classes): the data of `train` and of `evaluate`, as the script made it;
    validation is None when the script has none"""
    # iris.nnl:5: data all = csv("data/iris.csv", target="species")
    all_data = read_csv("data/iris.csv", target="species", classes=CLASSES)
    # iris.nnl:10: data training, validation = split(all, 0.7, seed=1)
    training, validation = split(all_data, [105, 45], seed=1)
    # iris.nnl:11: data training, validation = normalize(training, validation, method="standard")
    training, validation = normalize(training, validation,
        offset=[5.8285714194888163, 3.0514285677955266, 3.7438095149539765, 1.2028571358039266],
        scale=[0.8134247547164678, 0.44123512328705433, 1.7564533376458698, 0.76025773486411863])
    return TensorDataset(*training), TensorDataset(*validation)


# ---- the training: iris.nnl:28: train net on training epochs 100 batch 16

EPOCHS = 100
BATCH = 16          # rows per update; under torchrun each of N processes takes BATCH // N
SHUFFLE = True
LOG_EVERY = 10


def accuracy(output, target):
    """nnl's accuracy: the share of rows whose largest output is the target's class
    (one output: above 0.5 for a target of 1); None when the targets are not classes"""
    if not bool(((target == 0) | (target == 1)).all()):
        return None
    if target.shape[1] == 1:
        return ((output > 0.5) == (target == 1)).double().mean().item()
    if not bool((target.sum(1) == 1).all()):
        return None
    return (output.argmax(1) == target.argmax(1)).double().mean().item()


def report(net, name, data, device):
    """the loss and accuracy of net on all of data, in evaluation mode (as nnl's evaluate)"""
    net.eval()
    x, target = (t.to(device) for t in data.tensors)
    with torch.no_grad():
        output = net(x)
        loss = loss_fn(output, target).item()
    acc = accuracy(output, target)
    print(f"{name}: loss {loss:.6g}" + ("" if acc is None else f", accuracy {acc:.4f}"))


def main():
    """trains model() as the script's train did: in this process, or in each of N
    under torchrun (DistributedDataParallel: gloo on CPU, nccl with CUDA)"""
    distributed = int(os.environ.get("WORLD_SIZE", "1")) > 1       # torchrun sets WORLD_SIZE
    cuda = torch.cuda.is_available()
    if distributed:
        dist.init_process_group("nccl" if cuda else "gloo")
        rank, world = dist.get_rank(), dist.get_world_size()
        device = torch.device("cuda", int(os.environ["LOCAL_RANK"])) if cuda else torch.device("cpu")
        if cuda:
            torch.cuda.set_device(device)
    else:
        rank, world = 0, 1
        device = torch.device("cuda" if cuda else "cpu")
    torch.manual_seed(SEED)
    training, validation = load_data()
    net = model().to(device)
    trained = DistributedDataParallel(net, device_ids=[device.index] if cuda else None) if distributed else net
    opt = optimizer(trained.parameters())
    # each process takes its share of the rows (DistributedSampler) and BATCH // N of each
    # batch, so that one update still averages the gradient over BATCH rows
    sampler = DistributedSampler(training, num_replicas=world, rank=rank, shuffle=SHUFFLE, seed=SEED) if distributed else None
    loader = DataLoader(training, batch_size=max(1, BATCH // world), shuffle=SHUFFLE and sampler is None,
                        sampler=sampler, generator=torch.Generator().manual_seed(SEED))
    for epoch in range(1, EPOCHS + 1):
        if sampler is not None:
            sampler.set_epoch(epoch)
        trained.train()
        sums = torch.zeros(2, dtype=torch.float64, device=device)     # loss times rows, rows
        for x, target in loader:
            x, target = x.to(device), target.to(device)
            opt.zero_grad()
            loss = loss_fn(trained(x), target)
            loss.backward()
            opt.step()
            sums += torch.tensor([loss.item() * len(x), len(x)], dtype=torch.float64, device=device)
        if distributed:
            dist.all_reduce(sums)
        if rank == 0 and LOG_EVERY and (epoch % LOG_EVERY == 0 or epoch == EPOCHS):
            print(f"epoch {epoch}/{EPOCHS}: loss {(sums[0] / sums[1]).item():.6g}")
    if rank == 0:
        report(net, "training", training, device)
        if validation is not None:
            report(net, "validation", validation, device)
    if distributed:
        # every process here before any tears down, and DDP's reducer gone before its
        # process group: torch 1.13's gloo could otherwise deadlock at exit
        dist.barrier()
        del trained, opt
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
