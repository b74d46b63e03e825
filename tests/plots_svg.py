#!/usr/bin/env python3
"""Checks the SVG files `plot … to` wrote for tests/golden/plots.nnl: each is
well-formed XML, standalone (no external reference), and holds the numbers
the run printed — the loss series equal `history net all`'s table, the bars
the `gradients` table, one histogram panel per layer, one point per row.
usage: plots_svg.py DIR HISTORY_TEXT GRADIENTS_TEXT   (prints PASS/FAIL lines)"""
import math, re, sys, xml.etree.ElementTree as ET

d, history_text, gradients_text = sys.argv[1], open(sys.argv[2]).read(), open(sys.argv[3]).read()
SVG = "{http://www.w3.org/2000/svg}"

def check(ok, what, why=""):
    print(f"PASS {what}" if ok else f"FAIL {what}: {why}")

def load(name):
    try:
        root = ET.parse(f"{d}/{name}.svg").getroot()
    except Exception as e:          # not XML at all
        check(False, f"{name}.svg parses as XML", e)
        return None
    text = open(f"{d}/{name}.svg").read()
    ok = root.tag == SVG + "svg" and not re.search(r'(href|src)="(?!#)', text)
    check(ok, f"{name}.svg is standalone SVG", root.tag)
    return root

def groups(root):
    return {g.get("data-name"): g for g in root.iter(SVG + "g") if g.get("data-name") is not None}

def numbers(s):
    return [float(v) for v in s.split()]

def close(a, b, rel):
    return (math.isnan(a) and math.isnan(b)) or abs(a - b) <= rel * max(abs(a), abs(b), 1e-300)

# loss: training and validation, epoch by epoch, equal the history table (%.6g)
root = load("loss")
if root is not None:
    rows = re.findall(r"^[ \t]+(\d+)[ \t]+([-\d.e+]+)(?:[ \t]+([-\d.e+]+))?", history_text, re.M)
    want_train = [float(r[1]) for r in rows]
    want_valid = [float(r[2]) if r[2] else math.nan for r in rows]
    g = groups(root)
    got_train = numbers(g["training"].get("data-y")) if "training" in g else []
    check(len(got_train) == len(want_train) and all(close(a, b, 1e-5) for a, b in zip(got_train, want_train)),
          "loss.svg: the training series is the history's loss, epoch by epoch", f"{got_train[:3]} vs {want_train[:3]}")
    got_valid = [float(v) for v in g["validation"].get("data-y").split()] if "validation" in g else []
    check(len(got_valid) == len(want_valid) and all(close(a, b, 1e-5) for a, b in zip(got_valid, want_valid)),
          "loss.svg: the validation series is the history's, with gaps where there was none",
          f"{got_valid[-3:]} vs {want_valid[-3:]}")

# gradients: the bars are the norms `gradients` printed (%.4g)
root = load("gradients")
if root is not None:
    g = groups(root)
    norms = [float(x) for x in re.findall(r"^\s+(?:\d+ \w+)?\s+(?:δ\(\d\)|∂C/∂W\(\d\))\s+([-\d.e+]+)", gradients_text, re.M)]
    # gradients prints from the output layer down, δ then ∂C/∂W; the chart goes up from layer 1
    layers = len(norms) // 2
    want_delta = [norms[2 * (layers - 1 - i)] for i in range(layers)]
    want_w = [norms[2 * (layers - 1 - i) + 1] for i in range(layers)]
    got = {k: numbers(v.get("data-values") or v.get("data-y") or "") for k, v in g.items()}
    gd, gw = got.get("‖δ(l)‖", []), got.get("‖∂C/∂W(l)‖", [])
    check(layers > 0 and len(gd) == layers and all(close(a, b, 1e-3) for a, b in zip(gd, want_delta)) and
          all(close(a, b, 1e-3) for a, b in zip(gw, want_w)),
          "gradients.svg: the bars are gradients' norms", f"{gd} {gw} vs {want_delta} {want_w}")

# activations: a panel per layer
root = load("activations")
if root is not None:
    panels = [g for g in root.iter(SVG + "g") if g.get("class") == "histogram"]
    counts = [sum(numbers(p.get("data-counts"))) for p in panels]
    # layer 1 has 6 units, layer 2 has 2, over 120 rows: every value counted once
    check([p.get("data-title") for p in panels] == ["1 tanh", "2 softmax"] and counts == [720, 240],
          "activations.svg: a histogram per layer counting every z of the pass", f"{counts}")

# regions: one point per data row (120), two classes
root = load("regions")
if root is not None:
    points = [c for c in root.iter(SVG + "circle")]
    check(len(points) >= 120, "regions.svg: a point for every row of the data", f"{len(points)} circles")
