#!/usr/bin/env python3
"""net.py: model 'net' of xor.nnl and its training, as a PyTorch program.

Written by nnl's `export net "net.py"` (xor.nnl:21: export net "net.py").

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
SEED = 7    # nnl's seed: torch's generator is another, so shuffles and dropout differ


# ---- the model: xor.nnl:10: model net {

class Net(nn.Module):
    """model net: 2 -> 2 -> 1; layer N of nnl is self.layerN"""

    def __init__(self):
        super().__init__()
        self.layer1 = nn.Linear(2, 2)    # xor.nnl:12: dense 2 sigmoid
        self.layer2 = nn.Linear(2, 1)    # xor.nnl:13: dense 1 sigmoid

    def forward(self, x):
        x = torch.sigmoid(self.layer1(x))
        x = torch.sigmoid(self.layer2(x))
        return x


# the weights net had when it was exported, as state_dict() names them: nnl's
# net.1.W [out, in] is layer1.weight, net.1.b layer1.bias, batchnorm's gamma and beta
# weight and bias, prelu's alpha weight
WEIGHTS = {
    # net.1.W
    "layer1.weight": [
        [0.49458066, 0.9616654],
        [1.2184737, 0.36916628],
    ],
    # net.1.b
    "layer1.bias": [0, 0],
    # net.2.W
    "layer2.weight": [
        [-0.1407482, -1.2334462],
    ],
    # net.2.b
    "layer2.bias": [0],
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


# ---- the loss: xor.nnl:17: loss mse
# nnl's mse, stdlib/losses.nnl:9

def loss_fn(output, target):
    """mean((y - t)²) over all elements (PyTorch's MSELoss)"""
    return ((output - target) ** 2).mean()


# ---- the optimizer: xor.nnl:18: optimizer sgd(lr=0.5, momentum=0.9)
# nnl's sgd, stdlib/optimizers.nnl:17

def optimizer(params):
    """nnl's v ← momentum·v - lr·g, w ← w + v (nesterov: w ← w + momentum·v - lr·g)
    is torch.optim.SGD's buf ← momentum·buf + g, w ← w - lr·buf (nesterov:
    w ← w - lr·(g + momentum·buf)): the same steps for a constant lr"""
    return torch.optim.SGD(params, lr=0.5, momentum=0.9, nesterov=False)


# ---- the data ------------------------------------------------------------------


def rows(x, target):
    """rows the script wrote, as (x, target) tensors"""
    return torch.tensor(x, dtype=DTYPE), torch.tensor(target, dtype=DTYPE)


def load_data():
    """(training, validation) as TensorDatasets of rows (x, target), targets as nnl
    holds them (one-hot for classes): the data of `train`, as the script made it;
    validation is None when the script has none"""
    # xor.nnl:3: data xor {
    xor = rows(
        [[0, 0], [0, 1], [1, 0], [1, 1]],
        [[0], [1], [1], [0]])
    return TensorDataset(*xor), None


# ---- the training: xor.nnl:22: train net on xor epochs 2000 batch 4

EPOCHS = 2000
BATCH = 4          # rows per update; under torchrun each of N processes takes BATCH // N
SHUFFLE = True
LOG_EVERY = 200


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
