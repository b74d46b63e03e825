#!/usr/bin/env python3
"""The layering check: src/ is a stack of stages (src/LAYERS, bottom first),
and a file may only reach its own stage or the stages below it.

From the object files of a build (nm: which object uses a symbol that which
other object defines) and from the #include lines of src/, it fails, naming
the edge, when
  - a file calls a function (or uses a variable) of a stage above its own,
  - a file includes a header of a stage above its own,
  - files call each other in a circle (a calls b, ..., which calls a), inside
    one stage or across two,
  - an object or source file sits in a folder that src/LAYERS does not list.
It prints the largest circle of files: 1 when there is none.

usage: tests/layers.py BUILD_DIR [SRC_DIR]   (exit 0: clean, 1: violations)"""
import collections, glob, os, re, subprocess, sys

build = sys.argv[1]
src = sys.argv[2] if len(sys.argv) > 2 else 'src'

order = []
for line in open(os.path.join(src, 'LAYERS')):
    line = line.split('#', 1)[0].strip()
    if line: order.append(line)
rank = {stage: i for i, stage in enumerate(order)}
problems = []

def stage_of(relpath):
    """the stage of a path relative to the build or source folder"""
    parts = relpath.split(os.sep)
    return parts[0] if len(parts) == 2 else None

# ---- calls, from the objects' symbols -------------------------------------
objects = {}
for o in sorted(glob.glob(os.path.join(build, '*', '*.o'))):
    rel = os.path.relpath(o, build)
    stage = stage_of(rel)
    if stage in ('tests', 'tools', 'fuzz', 'bench'):
        continue
    # only objects of today's sources (or generated into the build folder):
    # a renamed file's old object may still lie in the build folder
    if not (os.path.exists(os.path.join(src, rel[:-2] + '.c')) or os.path.exists(o[:-2] + '.c')):
        continue
    if stage not in rank:
        problems.append(f"{rel}: folder '{stage}' is not a stage of {src}/LAYERS")
        continue
    objects[rel[:-2]] = o
if not objects:
    sys.exit(f"layers: no objects under {build}/STAGE/ (build first)")

def nm(args, path):
    out = subprocess.run(['nm'] + args + [path], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()]

defined, used = {}, collections.defaultdict(set)
for name, path in objects.items():
    for p in nm(['--defined-only'], path):
        if len(p) == 3 and p[1] in 'TDBRV':
            defined.setdefault(p[2], name)
    for p in nm(['--undefined-only'], path):
        if p:
            used[name].add(p[-1])

graph = collections.defaultdict(set)
why = {}
for a in objects:
    for sym in sorted(used[a]):
        b = defined.get(sym)
        if b and b != a:
            graph[a].add(b)
            why.setdefault((a, b), sym)
edges = sum(len(v) for v in graph.values())
for a in sorted(graph):
    for b in sorted(graph[a]):
        sa, sb = a.split('/')[0], b.split('/')[0]
        if rank[sb] > rank[sa]:
            problems.append(f"{a} calls {b} ({why[a, b]}): stage '{sa}' reaches up to '{sb}'")

# ---- circles (Tarjan's strongly connected components) ----------------------
index, low, stack, on_stack, circles, counter = {}, {}, [], set(), [], [0]
sys.setrecursionlimit(10000)
def connect(v):
    index[v] = low[v] = counter[0]; counter[0] += 1
    stack.append(v); on_stack.add(v)
    for w in sorted(graph[v]):
        if w not in index:
            connect(w); low[v] = min(low[v], low[w])
        elif w in on_stack:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on_stack.discard(w); comp.append(w)
            if w == v: break
        circles.append(sorted(comp))
for v in sorted(objects):
    if v not in index:
        connect(v)
circles = [c for c in circles if len(c) > 1]
for c in circles:
    stages = sorted({f.split('/')[0] for f in c})
    if len(stages) > 1:
        problems.append(f"a circle of {len(c)} files spans stages {', '.join(stages)}: {' '.join(c)}")
    else:
        problems.append(f"a circle of {len(c)} files in stage '{stages[0]}' (each file is one job that "
                        f"others call, never back): {' '.join(c)}")

# ---- includes --------------------------------------------------------------
include = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
for path in sorted(glob.glob(os.path.join(src, '*', '*.[ch]'))):
    rel = os.path.relpath(path, src)
    stage = stage_of(rel)
    if stage not in rank:
        problems.append(f"{src}/{rel}: folder '{stage}' is not a stage of {src}/LAYERS")
        continue
    text = open(path, encoding='utf-8', errors='replace').read()
    for m in include.finditer(text):
        target = m.group(1)
        tstage = target.split('/')[0] if '/' in target else None
        if tstage in rank and rank[tstage] > rank[stage]:
            line = text.count('\n', 0, m.start()) + 1
            problems.append(f"{src}/{rel}:{line}: includes \"{target}\": stage '{stage}' reaches up to '{tstage}'")

largest = max(circles, key=len, default=[])
print(f"layers: {len(order)} stages, {len(objects)} files, {edges} edges; largest circle of files "
      f"{len(largest) or 1}{' (' + ' '.join(largest) + ')' if largest else ''}")
for p in problems:
    print(f"layers: {p}")
sys.exit(1 if problems else 0)
