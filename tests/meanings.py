"""What `seed`, `split` and `normalize` mean, checked from what nnl prints
(not against goldens nnl made itself).  One line per check: PASS NAME or
FAIL NAME: why.  tests/run.sh counts them; exit status 1 if any failed.

  seed       the same seed gives the same run; another seed changes the
             initial weights, the shuffled order of the batches and the
             dropout masks, each shown alone (the others held fixed)
  split      the parts are the rows of the data, each once, with their own
             targets, in the sizes asked for; shuffled, or in order with
             shuffle=false; its own seed fixes the order
  normalize  standard: mean 0 and population std 1 per column; minmax: 0..1;
             mean: mean 0, spread kept; the other sets get the first set's
             statistics, not their own

usage: python3 tests/meanings.py NNL
"""
import json
import math
import os
import subprocess
import sys
import tempfile

NNL = sys.argv[1]
failures = 0


def check(cond, name, why=""):
    global failures
    if cond:
        print("PASS " + name)
    else:
        failures += 1
        print("FAIL %s%s" % (name, ": " + why if why else ""))


def run(src):
    """runs a script; its printed lines (each a nested list or a number) as Python values"""
    with tempfile.NamedTemporaryFile("w", suffix=".nnl", delete=False) as f:
        f.write(src)
    try:
        p = subprocess.run([NNL, "--quiet", f.name], capture_output=True, text=True, timeout=120)
    finally:
        os.unlink(f.name)
    if p.returncode != 0:
        raise RuntimeError("nnl exited with %d: %s" % (p.returncode, p.stderr.strip()[:400]))
    return [json.loads(line) for line in p.stdout.splitlines() if line.startswith("[") or line[:1].isdigit()]


# ---- seed ---------------------------------------------------------------------

DATA8 = """data d {
  [0.1, 0.9] -> [1]
  [0.8, 0.2] -> [0]
  [0.5, 0.5] -> [1]
  [0.9, 0.7] -> [0]
  [0.3, 0.4] -> [1]
  [0.6, 0.1] -> [0]
  [0.2, 0.8] -> [1]
  [0.7, 0.3] -> [0]
}
loss mse
optimizer sgd(lr=0.5)
"""


def init_script(seed):
    return "seed %d\nmodel m {\n  input 3\n  dense 4 tanh\n  dense 2 sigmoid\n}\nprint m.1.W\nprint m.2.W\n" % seed


def shuffle_script(seed, shuffle=True):
    return ("seed %d\n" % seed + DATA8 +
            "model net {\n  input 2\n  dense 1 sigmoid with W = [[0.3, -0.2]], b = [0.1]\n}\n"
            "train net on d epochs 1 batch 1%s\nprint net.1.W\n" % ("" if shuffle else " shuffle false"))


def dropout_script(seed, dropout=True):
    return ("seed %d\n" % seed + DATA8 +
            "model net {\n  input 2\n  dense 4 relu with W = [[0.3, -0.2], [0.5, 0.4], [-0.1, 0.6], [0.2, 0.2]], "
            "b = [0.1, 0.1, 0.1, 0.1]\n%s  dense 1 sigmoid with W = [[0.5, -0.3, 0.4, 0.2]], b = [0]\n}\n"
            "train net on d epochs 1\nprint net.1.W\nprint net.%d.W\n" % ("  dropout 0.5\n" if dropout else "", 3 if dropout else 2))


def seed_checks():
    for what, make in (("init", init_script), ("shuffle", shuffle_script), ("dropout", dropout_script)):
        a, b, c = run(make(1)), run(make(1)), run(make(2))
        check(a == b, "seed: the same seed gives the same %s" % what, "%s vs %s" % (a, b))
        check(a != c, "seed: another seed gives another %s" % what, "seed 1 and seed 2 both printed %s" % a)
    # each difference above comes from what it names: without it the seed changes nothing
    check(run(shuffle_script(1, False)) == run(shuffle_script(2, False)),
          "seed: with shuffle false the seed does not change training (hand-set weights, no dropout)")
    check(run(dropout_script(1, False)) == run(dropout_script(2, False)),
          "seed: without dropout a full-batch step does not depend on the seed")
    # `seed` restarts the shared stream (docs/language.md, Randomness) ...
    twice = run("seed 5\nprint rand_uniform([4], 0, 1)\nseed 5\nprint rand_uniform([4], 0, 1)\n"
                "print rand_uniform([4], 0, 1)\n")
    check(len(twice) == 3 and twice[0] == twice[1] != twice[2], "seed: a second 'seed 5' restarts the stream",
          str(twice))
    # ... and a parameter's initial values come from its own stream: draws made
    # before its first use do not change them
    drawn = run("seed 5\nprint rand_uniform([50], 0, 1)\n" + init_script(5)[len("seed 5\n"):])
    check(drawn[1:] == run(init_script(5)), "seed: other draws before a model's first use leave its weights alone")


# ---- split ----------------------------------------------------------------------

GEN = 'data all = generate("gauss", n=40, noise=0.2, seed=3)\n'


def rows(x, y):
    return [tuple(a) + tuple(b) for a, b in zip(x, y)]


def split_checks():
    out = run(GEN + "data a, b = split(all, 0.75, seed=9)\n"
              "print all.x\nprint all.y\nprint a.x\nprint a.y\nprint b.x\nprint b.y\n")
    whole, a, b = rows(out[0], out[1]), rows(out[2], out[3]), rows(out[4], out[5])
    check(len(a) == 30 and len(b) == 10, "split: 0.75 of 40 rows is 30 and 10", "%d and %d" % (len(a), len(b)))
    check(sorted(a + b) == sorted(whole), "split: the parts hold every row once, each with its own target")
    check(a != whole[:30], "split: the rows are shuffled")
    again = run(GEN + "seed 77\ndata a, b = split(all, 0.75, seed=9)\nprint a.x\n")
    check(again[0] == out[2], "split: its seed fixes the order, whatever the script's seed")
    other = run(GEN + "data a, b = split(all, 0.75, seed=10)\nprint a.x\n")
    check(other[0] != out[2], "split: another seed, another order")
    kept = run(GEN + "data a, b = split(all, 0.75, shuffle=false)\nprint a.x\nprint b.x\n")
    check(kept[0] == out[0][:30] and kept[1] == out[0][30:], "split: shuffle=false keeps the rows in order")
    odd = run('data all = generate("gauss", n=37, seed=3)\ndata a, b = split(all, 0.5, seed=9)\nprint a.x\nprint b.x\n')
    check([len(p) for p in odd] == [19, 18], "split: 0.5 of 37 rows is 19 (rounded) and 18",
          str([len(p) for p in odd]))
    three = run(GEN + "data a, b, c = split(all, 0.5, 0.25, seed=9)\nprint all.x\nprint a.x\nprint b.x\nprint c.x\n")
    check([len(p) for p in three[1:]] == [20, 10, 10], "split: 0.5 and 0.25 of 40 rows: 20, 10 and 10")
    check(sorted(map(tuple, three[1] + three[2] + three[3])) == sorted(map(tuple, three[0])),
          "split in three: every row once")


# ---- normalize --------------------------------------------------------------------

def column(m, j):
    return [r[j] for r in m]


def mean(v):
    return sum(v) / len(v)


def pstd(v):
    mu = mean(v)
    return math.sqrt(sum((x - mu) ** 2 for x in v) / len(v))


def close(a, b, tol=1e-6):
    return abs(a - b) <= tol * (1 + abs(b))


def normalize_checks():
    base = "precision double\n" + GEN + "data a, b = split(all, 0.75, seed=9)\n"
    raw = run(base + "print a.x\nprint b.x\n")
    for method in ("standard", "minmax", "mean"):
        out = run(base + 'data na, nb = normalize(a, b, method="%s")\nprint na.x\nprint nb.x\n' % method)
        na, nb = out
        for j in range(2):
            ra, rb = column(raw[0], j), column(raw[1], j)
            ca, cb = column(na, j), column(nb, j)
            if method == "standard":
                ok = close(mean(ca) + 1, 1) and close(pstd(ca), 1)
                off, scale = mean(ra), pstd(ra)
            elif method == "minmax":
                ok = close(min(ca) + 1, 1) and close(max(ca), 1)
                off, scale = min(ra), max(ra) - min(ra)
            else:
                ok = close(mean(ca) + 1, 1) and close(pstd(ca), pstd(ra))
                off, scale = mean(ra), 1
            check(ok, "normalize %s: column %d of the first set has the statistics it names" % (method, j),
                  "mean %.6g std %.6g min %.6g max %.6g" % (mean(ca), pstd(ca), min(ca), max(ca)))
            # the second set gets the first one's statistics: not mean 0 itself
            want = [(x - off) / scale for x in rb]
            check(all(close(g, w) for g, w in zip(cb, want)) and len(cb) == len(rb),
                  "normalize %s: column %d of the second set is scaled with the first set's statistics" % (method, j))
    # the targets are left alone
    t = run(base + "data na, nb = normalize(a, b)\nprint a.y\nprint na.y\n")
    check(t[0] == t[1], "normalize: the targets are left alone")


for part in (seed_checks, split_checks, normalize_checks):
    try:
        part()
    except Exception as e:          # a script that failed is a failed check, with the reason
        check(False, part.__name__, str(e))
sys.exit(1 if failures else 0)
