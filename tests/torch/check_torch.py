#!/usr/bin/python3
"""tests/torch/check_torch.py BUILD [outputs|step|torchrun ...] — `make check-torch`: the programs
`export NET "F.py"` writes, run with PyTorch (Debian's python3-torch for
/usr/bin/python3; docs/export.md).  One PASS/FAIL/SKIP line per check, then
the largest differences seen:

  outputs   every model of every example (its epochs cut to 1), exported
            after its training: model() on the data load_data() reads gives
            what nnl's NET(training.x) prints, within 1e-5 (relative above 1);
  step      for every optimizer of the stdlib (and each loss, layer and
            activation kind in a few models): two steps of loss_fn, backward
            and optimizer(...).step() give nnl's `backward` loss, gradients
            and, after `update`, weights, within 1e-5;
  torchrun  the XOR and digits programs, exported before their train, trained
            by `torchrun --standalone --nproc_per_node=2` on the CPU (gloo),
            reach nnl's accuracy (XOR exactly; digits within 0.03, since
            torch's shuffle is not nnl's).

Without torch every check says SKIP."""
import importlib.util, os, re, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
BUILD = sys.argv[1] if len(sys.argv) > 1 else 'build'
PARTS = sys.argv[2:] or ['outputs', 'step', 'torchrun']      # or some of them
NNL = os.path.abspath(os.path.join(TOP, BUILD, 'nnl'))
TOL = 1e-5
largest = {'outputs': 0.0, 'loss': 0.0, 'gradients': 0.0, 'weights': 0.0}

try:
    import torch
except ImportError as e:
    print(f'SKIP PyTorch checks: torch is not installed for {sys.executable} ({e}; Debian: apt-get install python3-torch)')
    sys.exit(0)

torch.set_num_threads(1)
TMP = tempfile.mkdtemp(prefix='nnl-check-torch-')
ENV = dict(os.environ, OMP_NUM_THREADS='1')


failures = 0


def report(kind, what, detail=''):
    global failures
    failures += kind == 'FAIL'
    print(f'{kind} {what}', flush=True)
    if detail and kind == 'FAIL':
        for line in detail.strip().splitlines()[:30]:
            print('     ' + line)


def numbers(text):
    return [float(x) for x in re.findall(r'-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?|-?inf|nan', text)]


def diff(got, want):
    """the largest difference, relative where |want| > 1"""
    got = [float(v) for v in torch.as_tensor(got).reshape(-1)] if not isinstance(got, list) else got
    if len(got) != len(want):
        return float('inf')
    return max((abs(a - b) / max(1.0, abs(b)) for a, b in zip(got, want)), default=0.0)


def folder(name):
    f = tempfile.mkdtemp(prefix=name + '-', dir=TMP)
    os.symlink(os.path.join(TOP, 'examples', 'data'), os.path.join(f, 'data'))
    return f


def nnl(where, name, text):
    with open(os.path.join(where, name + '.nnl'), 'w') as f:
        f.write(text)
    return subprocess.run([NNL, name + '.nnl'], capture_output=True, text=True, cwd=where, env=ENV, timeout=900)


def marked(out):
    """{mark: the line `print "@@mark"` is followed by (a value prints on one line)}"""
    parts = re.split(r'^@@(.*)$', out, flags=re.M)
    return {parts[i]: (parts[i + 1].strip().splitlines() or [''])[0] for i in range(1, len(parts) - 1, 2)}


def load(path):
    spec = importlib.util.spec_from_file_location('exported_' + str(abs(hash(path))), path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# ---- outputs: every example --------------------------------------------------------

REFUSED = {'lr_schedules'}     # schedules: the export refuses them (tests/torch/test_export.py)


def check_outputs():
    for name in sorted(f[:-4] for f in os.listdir(os.path.join(TOP, 'examples')) if f.endswith('.nnl')):
        if name in REFUSED:
            continue
        text = open(os.path.join(TOP, 'examples', name + '.nnl')).read()
        trains, last = {}, {}
        source = text.splitlines()
        for i, line in enumerate(source):
            m = re.match(r'\s*train (\w+) on (\w+)', line)
            if m:
                trains[m.group(1)] = m.group(2)
                last[m.group(1)] = i
        lines = []
        for i, line in enumerate(source):     # after a model's last train, while its data has that name
            lines.append(re.sub(r'\bepochs \d+', 'epochs 1', line) if re.match(r'\s*train ', line) else line)
            for model, data in trains.items():
                if last[model] == i:
                    lines += [f'export {model} "{model}.py"', f'print "@@{model}"', f'print full {model}({data}.x)']
        where = folder(name)
        p = nnl(where, name, '\n'.join(lines) + '\n')
        if p.returncode != 0:
            report('FAIL', f'outputs of examples/{name}.nnl: nnl failed', p.stderr)
            continue
        got = marked(p.stdout)
        for model in trains:
            try:
                mod = load(os.path.join(where, model + '.py'))
                net = mod.model().eval()
                x = mod.load_data()[0].tensors[0]
                with torch.no_grad():
                    out = net(x)
                d = diff(out, numbers(got[model]))
            except Exception as e:        # a program that does not run is a failure, with its error
                report('FAIL', f'outputs of examples/{name}.nnl model {model}: {type(e).__name__}: {e}')
                continue
            largest['outputs'] = max(largest['outputs'], d)
            if d <= TOL:
                report('PASS', f'outputs of examples/{name}.nnl model {model} ({x.shape[0]} rows, largest difference {d:.2g})')
            else:
                report('FAIL', f'outputs of examples/{name}.nnl model {model}: differ by {d:.3g}')


# ---- one training step: every optimizer ----------------------------------------------

DATA = '''data d {
  [0.5, -1, 2] -> TARGET0
  [1, 0.25, -0.5] -> TARGET1
  [-1.5, 1, 0] -> TARGET0
  [0, -2, 1] -> TARGET1
  [2, 0.5, 1.5] -> TARGET1
  [-0.5, -0.5, -1] -> TARGET0
}
'''
MODELS = {       # name: (layers, loss, one-hot targets?, extra statements)
    'softmax': ('dense 4 tanh; dense 2 softmax', 'cross_entropy', True, ''),
    'batchnorm_l2': ('dense 4 leaky_relu(alpha=0.1); batchnorm elu; dense 2 sigmoid', 'mse', True,
                     'regularize net l2(0.01)\n'),
    'prelu_maxout': ('dense 4 softplus; prelu; maxout 3 pieces=2; dense 2', 'cross_entropy_logits', True, ''),
    'bce': ('dense 3 softsign; dense 1 sigmoid', 'binary_cross_entropy', False, ''),
    'mae_l1': ('dense 3 relu; dense 2', 'mae', True, 'regularize net l1(0.01)\n'),
}
OPTIMIZERS = ['sgd(lr=0.1)', 'sgd(lr=0.1, momentum=0.9)', 'sgd(lr=0.1, momentum=0.9, nesterov=true)',
              'sgd(lr=0.1, momentum=0.5, decay=0.1)', 'adagrad(lr=0.1)', 'rmsprop(lr=0.01)', 'adam(lr=0.01)',
              'adam(lr=0.01, decay=0.01, epsilon=1e-3)']
CASES = [('softmax', o) for o in OPTIMIZERS] + [(m, o) for m in MODELS if m != 'softmax'
                                               for o in ('sgd(lr=0.1, momentum=0.9)', 'adam(lr=0.01)')]


def step_script(model, opt, prints):
    layers, loss, onehot, extra = MODELS[model]
    data = DATA.replace('TARGET0', '[1, 0]' if onehot else '[1]').replace('TARGET1', '[0, 1]' if onehot else '[0]')
    text = f'{data}model net {{ input 3; {layers}; }}\n{extra}loss {loss}\noptimizer {opt}\nseed 3\nexport net "net.py"\n'
    for step in (1, 2):
        if prints:
            text += 'backward net on d\n'
            text += ''.join(f'print "@@g{step} {n}"\nprint full grad {n}\n' for n in prints) + 'update\n'
            text += ''.join(f'print "@@w{step} {n}"\nprint full {n}\n' for n in prints)
    return text + 'train net on d epochs 1\n'


def check_steps():
    for model, opt in CASES:
        what = f'one step of model {model} with {opt}'
        where = folder('step')
        p = nnl(where, 'step', step_script(model, opt, []))
        if p.returncode != 0:
            report('FAIL', f'{what}: nnl failed', p.stderr)
            continue
        program = open(os.path.join(where, 'net.py')).read()
        pairs = [(n, t) for n, t in re.findall(r'# (net\.\d+\.\w+)\n    "([\w.]+)"', program) if 'running_' not in t]
        p = nnl(where, 'step', step_script(model, opt, [n for n, _ in pairs]))
        if p.returncode != 0:
            report('FAIL', f'{what}: nnl failed', p.stderr)
            continue
        got = marked(p.stdout)
        losses = [float(v) for v in re.findall(r'^loss = (\S+)', p.stdout, flags=re.M)]
        try:
            mod = load(os.path.join(where, 'net.py'))
            net = mod.model().train()
            x, t = mod.load_data()[0].tensors
            opt_ = mod.optimizer(net.parameters())
            params = dict(net.named_parameters())
            worst = {'loss': 0.0, 'gradients': 0.0, 'weights': 0.0}
            for step in (1, 2):
                opt_.zero_grad()
                loss = mod.loss_fn(net(x), t)
                total = loss + mod.penalty(net) if hasattr(mod, 'penalty') else loss
                total.backward()
                worst['loss'] = max(worst['loss'], diff([loss.item()], [losses[step - 1]]))
                for n, tn in pairs:
                    worst['gradients'] = max(worst['gradients'], diff(params[tn].grad, numbers(got[f'g{step} {n}'])))
                opt_.step()
                for n, tn in pairs:
                    worst['weights'] = max(worst['weights'], diff(params[tn].detach(), numbers(got[f'w{step} {n}'])))
        except Exception as e:
            report('FAIL', f'{what}: {type(e).__name__}: {e}')
            continue
        for k, v in worst.items():
            largest[k] = max(largest[k], v)
        summary = ', '.join(f'{k} {v:.2g}' for k, v in worst.items())
        if max(worst.values()) <= TOL:
            report('PASS', f'{what}: two steps agree (largest differences: {summary})')
        else:
            report('FAIL', f'{what}: differences {summary}')


# ---- torchrun: XOR and digits on two processes ------------------------------------------

def accuracy_of(text, pattern):
    m = re.findall(pattern, text, flags=re.M)
    return float(m[-1]) if m else None


def check_torchrun():
    torchrun = shutil.which('torchrun') or '/usr/bin/torchrun'
    if not os.path.exists(torchrun):
        report('SKIP', 'torchrun is not installed')
        return
    for name, tolerance in (('xor', 0.0), ('digits', 0.03)):
        text = open(os.path.join(TOP, 'examples', name + '.nnl')).read()
        text = re.sub(r'^(train net .*)$', r'export net "net.py"\n\1', text, count=1, flags=re.M)
        where = folder(name)
        p = nnl(where, name, text)
        want = accuracy_of(p.stdout, r'^accuracy = ([\d.]+)')
        if p.returncode != 0 or want is None:
            report('FAIL', f'torchrun {name}: nnl failed or printed no accuracy', p.stderr + p.stdout[-2000:])
            continue
        # --redirects 1 --tee 1: Debian's torch 1.13 under Python 3.11 cannot read the default, 0
        # (Std.from_str("0") gives None: IntFlag no longer lists a member of value 0)
        r = subprocess.run([torchrun, '--standalone', '--nproc_per_node=2', '--redirects', '1', '--tee', '1', 'net.py'],
                           capture_output=True, text=True, cwd=where, env=ENV, timeout=1800)
        got = accuracy_of(r.stdout, r'^(?:\[\w+\]:)?%s: .*accuracy ([\d.]+)' % ('validation' if 'validation:' in r.stdout else 'training'))
        if r.returncode != 0 or got is None:
            report('FAIL', f'torchrun {name}: the program failed (exit {r.returncode})', r.stderr[-3000:] + r.stdout[-1000:])
            continue
        line = f'torchrun --nproc_per_node=2 {name}: accuracy {got:.4f}, nnl {want:.4f}'
        report('PASS' if abs(got - want) <= tolerance + 1e-9 else 'FAIL', line)


try:
    for part, check in (('outputs', check_outputs), ('step', check_steps), ('torchrun', check_torchrun)):
        if part in PARTS:
            check()
    print('largest differences: ' + ', '.join(f'{k} {v:.3g}' for k, v in largest.items()))
finally:
    shutil.rmtree(TMP, ignore_errors=True)
sys.exit(1 if failures else 0)
