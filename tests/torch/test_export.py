#!/usr/bin/python3
"""tests/torch/test_export.py BUILD [--update] — `export NET "F.py"` in make
test, without PyTorch (docs/export.md), one PASS/FAIL line per check:

  - every model of every example is exported just before its first `train`
    (the example's epochs cut to 1, for time): the program compiles
    (py_compile), or the export is refused with the message listed below; a
    big model's weights file (MODEL.weights) holds as many numbers as it says;
  - examples/xor.nnl and examples/iris.nnl, exported before their train,
    give exactly tests/torch/golden/{xor,iris}.py (--update writes them);
  - each tests/torch/errors/NAME.nnl fails with exactly NAME.err.

tests/torch/check_torch.py (make check-torch) runs the programs with torch."""
import os, py_compile, re, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
BUILD = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith('--') else 'build'
UPDATE = '--update' in sys.argv
NNL = os.path.abspath(os.path.join(TOP, BUILD, 'nnl'))
TMP = tempfile.mkdtemp(prefix='nnl-torch-')

# examples whose export the PyTorch export refuses (at their first model it
# cannot write), and the words of the refusal
REFUSED = {
    'lr_schedules': "sgd's lr is a schedule (step_decay)",
}


def report(kind, what, detail=''):
    print(f'{kind} {what}')
    if detail and kind == 'FAIL':
        for line in detail.strip().splitlines()[:30]:
            print('     ' + line)


def with_exports(text, cut_epochs):
    """the script with `export M "M.py"` before each model's first train"""
    seen, out = set(), []
    for line in text.splitlines():
        m = re.match(r'\s*train (\w+) on ', line)
        if m and m.group(1) not in seen:
            seen.add(m.group(1))
            out.append(f'export {m.group(1)} "{m.group(1)}.py"')
        if m and cut_epochs:
            line = re.sub(r'\bepochs \d+', 'epochs 1', line)
        out.append(line)
    return '\n'.join(out) + '\n', sorted(seen)


def run_example(name, cut_epochs):
    """runs examples/NAME.nnl with the exports in a folder of its own; (process, folder, models)"""
    folder = tempfile.mkdtemp(prefix=f'{name}-', dir=TMP)
    os.symlink(os.path.join(TOP, 'examples', 'data'), os.path.join(folder, 'data'))
    text, models = with_exports(open(os.path.join(TOP, 'examples', name + '.nnl')).read(), cut_epochs)
    with open(os.path.join(folder, name + '.nnl'), 'w') as f:
        f.write(text)
    p = subprocess.run([NNL, name + '.nnl'], capture_output=True, text=True, cwd=folder, timeout=600)
    return p, folder, models


def check_weights_file(name, model, folder):
    """a big model's weights are in MODEL.weights: as many float32 as SHAPES says"""
    program = open(os.path.join(folder, model + '.py')).read()
    if 'WEIGHTS_FILE' not in program:
        return
    want = 0
    for shape in re.findall(r'^    "[\w.]+": \[([\d, ]+)\],$', program, flags=re.M):
        count = 1
        for d in shape.split(','):
            count *= int(d)
        want += count
    path = os.path.join(folder, model + '.weights')
    size = os.path.getsize(path) if os.path.exists(path) else -1
    if size == 4 * want and want > 20000:
        report('PASS', f'examples/{name}.nnl: {model}.weights holds its {want} float32')
    else:
        report('FAIL', f'examples/{name}.nnl: {model}.weights has {size} bytes, not 4 x {want}')


def main():
    examples = sorted(f[:-4] for f in os.listdir(os.path.join(TOP, 'examples')) if f.endswith('.nnl'))
    for name in examples:
        p, folder, models = run_example(name, True)
        if name in REFUSED:
            if p.returncode != 0 and REFUSED[name] in p.stderr:
                report('PASS', f'examples/{name}.nnl: refused ({REFUSED[name]})')
            else:
                report('FAIL', f'examples/{name}.nnl should be refused with "{REFUSED[name]}"', p.stderr)
            continue
        if p.returncode != 0:
            report('FAIL', f'examples/{name}.nnl with exports (exit {p.returncode})', p.stderr)
            continue
        for model in models:
            path = os.path.join(folder, model + '.py')
            try:
                py_compile.compile(path, cfile=os.path.join(folder, model + '.pyc'), doraise=True)
                report('PASS', f'examples/{name}.nnl: {model}.py compiles')
            except (py_compile.PyCompileError, OSError) as e:
                report('FAIL', f'examples/{name}.nnl: {model}.py does not compile', str(e))
            check_weights_file(name, model, folder)

    for name in ('xor', 'iris'):
        p, folder, models = run_example(name, False)
        got = open(os.path.join(folder, 'net.py')).read() if p.returncode == 0 else None
        golden = os.path.join(HERE, 'golden', name + '.py')
        if got is not None and (UPDATE or not os.path.exists(golden)):
            with open(golden, 'w') as f:
                f.write(got)
        if got is None:
            report('FAIL', f'golden {name}.py: nnl failed', p.stderr)
        elif got == open(golden).read():
            report('PASS', f'golden tests/torch/golden/{name}.py')
        else:
            diff = subprocess.run(['diff', golden, os.path.join(folder, 'net.py')], capture_output=True, text=True)
            report('FAIL', f'golden tests/torch/golden/{name}.py differs', diff.stdout)

    errors = os.path.join(HERE, 'errors')
    for path in sorted(f for f in os.listdir(errors) if f.endswith('.nnl')):
        p = subprocess.run([NNL, os.path.relpath(os.path.join(errors, path), TOP)], capture_output=True, text=True,
                           cwd=TOP)
        want = open(os.path.join(errors, path[:-4] + '.err')).read()
        if p.returncode == 1 and p.stderr == want:
            report('PASS', f'tests/torch/errors/{path}')
        else:
            report('FAIL', f'tests/torch/errors/{path} (exit {p.returncode})', f'want:\n{want}\ngot:\n{p.stderr}')


try:
    main()
finally:
    shutil.rmtree(TMP, ignore_errors=True)
