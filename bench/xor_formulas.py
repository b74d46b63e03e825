"""Why FANN's xor loss differs from nnl's: the xor workload's formulas written
out in plain Python (double precision), run twice from the same weights.

    python3 bench/xor_formulas.py WEIGHTS

WEIGHTS holds nnl's initial W1, b1, W2, b2 (one printed tensor per line).
Prints "exact L": full-batch gradient descent on the MSE with σ'(a) = y(1 - y),
what nnl and PyTorch compute; and "fann_clip L": the same with y clipped to
[0.01, 0.99] inside σ', as FANN 2.2's fann_activation_derived does for
FANN_SIGMOID.  The losses are the last step's, before its update.
Needs only the Python standard library.
"""
import json
import math
import sys

ROWS = [([0, 0], 0), ([0, 1], 1), ([1, 0], 1), ([1, 1], 0)]
LR, STEPS = 0.5, 10000


def sigmoid(a):
    return 1 / (1 + math.exp(-a))


def train(weights, clip):
    w1, b1, w2, b2 = (json.loads(json.dumps(w)) for w in weights)     # copies
    slope = (lambda y: min(max(y, 0.01), 0.99) * (1 - min(max(y, 0.01), 0.99))) if clip else (lambda y: y * (1 - y))
    n = len(ROWS)
    for _ in range(STEPS):
        gw1, gb1, gw2, gb2 = [[0.0, 0.0], [0.0, 0.0]], [0.0, 0.0], [[0.0, 0.0]], [0.0]
        loss = 0.0
        for x, t in ROWS:
            z1 = [sigmoid(w1[j][0] * x[0] + w1[j][1] * x[1] + b1[j]) for j in range(2)]
            y = sigmoid(w2[0][0] * z1[0] + w2[0][1] * z1[1] + b2[0])
            loss += (y - t) ** 2 / n
            d2 = 2 * (y - t) / n * slope(y)                 # ∂mse/∂a(2)
            for j in range(2):
                gw2[0][j] += d2 * z1[j]
                d1 = d2 * w2[0][j] * slope(z1[j])           # ∂mse/∂a(1)_j
                gw1[j][0] += d1 * x[0]
                gw1[j][1] += d1 * x[1]
                gb1[j] += d1
            gb2[0] += d2
        for j in range(2):
            for i in range(2):
                w1[j][i] -= LR * gw1[j][i]
            b1[j] -= LR * gb1[j]
            w2[0][j] -= LR * gw2[0][j]
        b2[0] -= LR * gb2[0]
    return loss


with open(sys.argv[1]) as f:
    weights = [json.loads(line) for line in f if line.strip()]
print("exact %.9g\nfann_clip %.9g" % (train(weights, False), train(weights, True)))
