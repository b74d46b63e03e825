#!/usr/bin/python3
"""tests/onnx/test_onnx.py BUILD — the ONNX tests of `export` and `import`
(docs/export.md), one PASS/FAIL/SKIP line per check, run by tests/run.sh
with Debian's /usr/bin/python3 (python3-onnx is installed for it only).

For every model of every example (trained one epoch, not all of them) and
of tests/onnx/models/*.nnl (every activation and layer kind):
  - `export` writes a file that onnx.checker.check_model(full_check=True) accepts,
  - ONNX Runtime (tests/onnx/ort_run.js, npm onnxruntime-node) gives nnl's
    outputs on four rows within 1e-5,
  - `import` of it gives a model with the same outputs (printed with 17
    digits) whose own export has the same nodes and bit for bit the same
    initializers; a model import cannot take (maxout) is refused, naming the node.
Then the PyTorch fixture (tests/onnx/torch/) imports and gives PyTorch's
outputs, and the scripts of tests/onnx/errors/ give exactly their .err."""
import json, os, random, re, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
BUILD = sys.argv[1] if len(sys.argv) > 1 else 'build'
NNL = os.path.abspath(os.path.join(TOP, BUILD, 'nnl'))
MARK = '@@onnx-output@@'

def report(kind, what, detail=''):
    print(f'{kind} {what}')
    if detail and kind == 'FAIL':
        for line in detail.strip().splitlines()[:30]:
            print('     ' + line)

try:
    import onnx
    from onnx import checker
except ImportError as e:
    report('SKIP', f'ONNX tests: python3-onnx is not installed for /usr/bin/python3 ({e}; .ci/install-deps installs it)')
    sys.exit(0)

tmp = tempfile.mkdtemp(prefix='nnl-onnx-')
os.symlink(os.path.join(TOP, 'examples', 'data'), os.path.join(tmp, 'data'))

def run_nnl(text, name, env=None):
    path = os.path.join(tmp, name + '.nnl')
    with open(path, 'w') as f:
        f.write(text)
    p = subprocess.run([NNL, path], capture_output=True, text=True, env=env, timeout=600)
    return p.returncode, p.stdout, p.stderr

def numbers(text):
    return [float(x) for x in re.findall(r'-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?|-?inf|nan', text)]

def after_mark(out):
    return out.split(MARK + '\n', 1)[1].strip() if MARK + '\n' in out else None

rc, _, err = run_nnl('model m { input 1; dense 1; }\nexport m "m.onnx"\n', 'probe')
if 'built without ONNX' in err:
    report('SKIP', 'ONNX tests: this nnl was built without ONNX (protobuf-c-compiler, libprotobuf-c-dev and python3-onnx are missing)')
    sys.exit(0)

node = shutil.which('node')
ort_ok = node and os.path.isdir(os.path.join(HERE, 'node_modules', 'onnxruntime-node'))
ort_why = ('Node.js is not installed' if not node else
           'onnxruntime-node is not installed in tests/onnx/node_modules (.ci/install-deps installs it)')

def rows_for(name, width):
    r = random.Random(name)
    return [[round(r.uniform(-2, 2), 3) for _ in range(width)] for _ in range(4)]

def literal(rows):
    return '[' + ', '.join('[' + ', '.join(repr(v) for v in row) + ']' for row in rows) + ']'

largest = [0.0]   # the largest relative difference any comparison saw, printed at the end

def close(a, b, tol=1e-5):
    if len(a) != len(b):
        return False
    worst = max((abs(x - y) / max(1.0, abs(y)) for x, y in zip(a, b)), default=0.0)
    largest[0] = max(largest[0], worst)
    return worst <= tol

def ort(path, rows, double):
    xs = os.path.join(tmp, 'rows.json')
    with open(xs, 'w') as f:
        json.dump(rows, f)
    env = dict(os.environ, **({'ORT_DOUBLE': '1'} if double else {}))
    p = subprocess.run([node, os.path.join(HERE, 'ort_run.js'), path, xs], capture_output=True, text=True, env=env, timeout=120)
    return (json.loads(p.stdout)['data'], '') if p.returncode == 0 else (None, p.stderr)

def graph_shape(model):
    """the ops with their attributes, and the initializers' shapes and bits, in order (not their
    names: a dropout layer, left out of the file, shifts the layer numbers of the layers after it)"""
    g = model.graph
    return ([(n.op_type, [onnx.helper.get_attribute_value(a) for a in n.attribute]) for n in g.node],
            [(list(t.dims), t.data_type, t.raw_data) for t in g.initializer])

def models_of(text):
    """(name, input width) of each `model NAME { input N ...`"""
    return [(m.group(1), int(m.group(2))) for m in re.finditer(r'^model\s+(\w+)\s*\{\s*input\s+(\d+)', text, re.M)]

def check_model(label, script, text, name, width):
    f1 = os.path.join(tmp, f'{label}-{name}.onnx')
    rows = rows_for(label + name, width)
    rc, out, err = run_nnl(f'{text}\nset precision 17\nexport {name} "{f1}"\nprint "{MARK}"\nprint {name}({literal(rows)})\n',
                           f'{label}-{name}')
    what = f'{script} model {name}'
    if rc != 0:
        if re.search(rf"cannot export model '{name}' to ONNX: layer \d+ \(\w+\) has the activation '\w+'.*, which is not one", err):
            report('PASS', f'{what}: export refuses a user-defined activation, naming the layer')
        else:
            report('FAIL', f'{what}: export', err)
        return
    ours = after_mark(out)
    model = onnx.load(f1)
    try:
        checker.check_model(model, full_check=True)
        report('PASS', f'{what}: export passes onnx.checker (full_check)')
    except Exception as e:
        report('FAIL', f'{what}: onnx.checker', str(e))
    double = model.graph.input[0].type.tensor_type.elem_type == onnx.TensorProto.DOUBLE
    if not ort_ok:
        report('SKIP', f'{what}: ONNX Runtime: {ort_why}')
    else:
        theirs, why = ort(f1, rows, double)
        if theirs is None:
            report('FAIL', f'{what}: ONNX Runtime could not run it', why)
        elif close(theirs, numbers(ours)):
            report('PASS', f'{what}: ONNX Runtime gives nnl\'s outputs within 1e-5')
        else:
            report('FAIL', f'{what}: ONNX Runtime differs', f'nnl:  {ours}\nort:  {theirs}')
    # the round trip: import, the same outputs, the same file
    f2 = os.path.join(tmp, f'{label}-{name}-again.onnx')
    rc, out, err = run_nnl(f'{"precision double" if double else ""}\nimport {name} "{f1}"\nset precision 17\n'
                           f'print "{MARK}"\nprint {name}({literal(rows)})\nexport {name} "{f2}"\n', f'{label}-{name}-again')
    ops = [n.op_type for n in model.graph.node]
    if 'ReduceMax' in ops:
        ok = rc == 1 and re.search(r'node \d+ \(Reshape .*\): Reshape is imported only at the input', err)
        report('PASS' if ok else 'FAIL', f'{what}: import refuses maxout\'s Reshape, naming the node', err)
        return
    if rc != 0:
        report('FAIL', f'{what}: import', err)
        return
    again = after_mark(out)
    if again != ours:
        report('FAIL', f'{what}: import gives other outputs', f'exported: {ours}\nimported: {again}')
        return
    if graph_shape(onnx.load(f2)) != graph_shape(model):
        report('FAIL', f'{what}: export of the imported model differs (nodes or initializer bits)')
        return
    report('PASS', f'{what}: import gives the same outputs, bit for bit the same weights')

def check_script(path, text, label):
    for name, width in models_of(text):
        check_model(label, path, text, name, width)

for path in sorted(os.listdir(os.path.join(TOP, 'examples'))):
    if not path.endswith('.nnl'):
        continue
    text = open(os.path.join(TOP, 'examples', path)).read()
    text = re.sub(r'\bepochs\s+\d+', 'epochs 1', text)       # trained, but not for long
    check_script('examples/' + path, text, path[:-4])
for path in sorted(os.listdir(os.path.join(HERE, 'models'))):
    if path.endswith('.nnl'):
        check_script('tests/onnx/models/' + path, open(os.path.join(HERE, 'models', path)).read(), 'kinds-' + path[:-4])

# the PyTorch fixture (tests/onnx/torch/make_fixture.py made it with PyTorch)
fixture = os.path.join(HERE, 'torch', 'mlp.onnx')
if os.path.exists(fixture):
    expected = json.load(open(os.path.join(HERE, 'torch', 'mlp.expected.json')))
    rc, out, err = run_nnl(f'import torch_mlp "{fixture}"\nset precision 17\nprint "{MARK}"\n'
                           f'print torch_mlp({literal(expected["input"])})\nsummary torch_mlp\n', 'torch')
    got = after_mark(out)
    if rc != 0:
        report('FAIL', 'PyTorch fixture: import', err)
    elif close(numbers(got.splitlines()[0]), [v for row in expected['output'] for v in row]):
        report('PASS', 'PyTorch fixture: import gives PyTorch\'s outputs within 1e-5')
    else:
        report('FAIL', 'PyTorch fixture: outputs differ', f'nnl: {got}\ntorch: {expected["output"]}')
else:
    report('FAIL', 'PyTorch fixture: tests/onnx/torch/mlp.onnx is missing')

# hand-made files that import reads (tests/onnx/make_fixtures.py): nnl's outputs against ONNX Runtime's
for name, width in [('matmul_add', 3), ('gemm_transb0', 3)]:
    path = os.path.join(HERE, 'fixtures', name + '.onnx')
    rows = rows_for(name, width)
    rc, out, err = run_nnl(f'import m "{path}"\nset precision 17\nprint "{MARK}"\nprint m({literal(rows)})\n', 'fixture-' + name)
    what = f'tests/onnx/fixtures/{name}.onnx'
    if rc != 0:
        report('FAIL', f'{what}: import', err)
    elif not ort_ok:
        report('SKIP', f'{what}: ONNX Runtime: {ort_why}')
    else:
        theirs, why = ort(path, rows, False)
        ok = theirs is not None and close(theirs, numbers(after_mark(out)))
        report('PASS' if ok else 'FAIL', f'{what}: import gives ONNX Runtime\'s outputs within 1e-5', f'{why}\nnnl: {out}\nort: {theirs}')

# error messages: each tests/onnx/errors/NAME.nnl fails with exactly NAME.err
errors = os.path.join(HERE, 'errors')
for path in sorted(os.listdir(errors)):
    if not path.endswith('.nnl'):
        continue
    p = subprocess.run([NNL, os.path.relpath(os.path.join(errors, path), TOP)], capture_output=True, text=True, cwd=TOP)
    want = open(os.path.join(errors, path[:-4] + '.err')).read()
    if p.returncode == 1 and p.stderr == want:
        report('PASS', f'tests/onnx/errors/{path}')
    else:
        report('FAIL', f'tests/onnx/errors/{path} (exit {p.returncode})',
               ''.join(f'-{l}\n' for l in want.splitlines()) + ''.join(f'+{l}\n' for l in p.stderr.splitlines()))

print(f'NOTE largest difference between nnl and ONNX Runtime/PyTorch outputs: {largest[0]:.3g}')
shutil.rmtree(tmp)
