#!/usr/bin/env python3
"""Makes the browser tests' fixtures: the JSON the nnl page reads
(docs/view-json.md), with every frame of a pass, computed here in plain
Python (no numpy) so that the numbers are internally consistent.

    python3 tests/browser/make_fixture.py          # writes both fixtures

fixtures/xor_pass.json
    docs/repl.md's net: XOR 2-2-1 sigmoid, W1 = [[-2, -2], [2, 2]],
    b1 = [3, -1], W2 = [[2, 2]], b2 = [-3], loss mse, one sample x = [1, 0]
    -> y = [1].  Its numbers are the REPL's (δ(1) = [-0.101882, -0.101882]).
    The pass is 13 ops forward and 13 backward, as the REPL's tape lists them.
    With a plane over [-0.5, 1.5]² computed from the same weights.

fixtures/circle_pass.json
    a 2-4-1 net (tanh, then sigmoid) trained here for a few epochs on a
    circle data set (label 1 inside radius 2.5), with the training and
    validation loss history, the plane grids of every neuron, and a pass on a
    batch of 4 rows.

The explain texts imitate the REPL's (docs/repl.md); the C side prints its
own.  Numbers are formatted like C's printf("%.6g").
"""
import json
import math
import os
import random
import struct

DIGITS = 6
HERE = os.path.dirname(os.path.abspath(__file__))


def g(v):
    return '%.*g' % (DIGITS, v)


def fmt(m, single):
    """A matrix [rows][cols] as the REPL prints it: one sample as a vector."""
    if single and len(m) == 1:
        return '[' + ', '.join(g(v) for v in m[0]) + ']'
    return '[' + ', '.join('[' + ', '.join(g(v) for v in r) + ']' for r in m) + ']'


def fmtW(W):
    return '[' + ', '.join('[' + ', '.join(g(v) for v in r) + ']' for r in W) + ']'


def R(v):
    """Rounds to float32, as nnl computes (its tensors are float)."""
    return struct.unpack('f', struct.pack('f', v))[0]


def dot(u, v):
    acc = 0.0
    for p, q in zip(u, v):
        acc = R(acc + R(p * q))
    return acc


def matmul(A, B):
    Bt = T(B)
    return [[dot(A[i], Bt[j]) for j in range(len(Bt))] for i in range(len(A))]


def T(A):
    return [list(r) for r in zip(*A)]


def sigmoid(v):
    return R(1.0 / (1.0 + math.exp(-v)))


def tanh(v):
    return R(math.tanh(v))


ACT = {
    'sigmoid': (sigmoid, lambda a: R(sigmoid(a) * R(1 - sigmoid(a))), 'σ', "σ'"),
    'tanh': (tanh, lambda a: R(1 - R(tanh(a) ** 2)), 'tanh', "tanh'"),
}


def forward(layers, X):
    """Returns per layer (a, z) for the rows X."""
    out = []
    z = X
    for L in layers:
        h = ACT[L['activation']][0]
        a = [[R(dot(row, Wj) + bj) for Wj, bj in zip(L['W'], L['b'])] for row in z]
        z = [[h(v) for v in r] for r in a]
        out.append((a, z))
    return out


def make_pass(name, layers, X, Y, single, source_line):
    """The whole pass, as the page's JSON, with frames for cursor 0..total."""
    nL = len(layers)
    rows = len(X)
    fw = forward(layers, X)
    yhat = fw[-1][1]
    n_el = rows * len(yhat[0])
    diff = [[R(yhat[r][j] - Y[r][j]) for j in range(len(Y[0]))] for r in range(rows)]
    sq = [[R(d * d) for d in r] for r in diff]
    C = R(sum(sum(r) for r in sq) / n_el)
    # backward
    dy = [[R(R(2 * d) / n_el) for d in r] for r in diff]      # ∂C/∂ŷ
    deltas, gradW, gradb, dz_down = [None] * nL, [None] * nL, [None] * nL, [None] * nL
    g_z = dy
    for l in range(nL - 1, -1, -1):
        a = fw[l][0]
        hp = ACT[layers[l]['activation']][1]
        d = [[R(hp(a[r][j]) * g_z[r][j]) for j in range(len(a[0]))] for r in range(rows)]
        deltas[l] = d
        zprev = X if l == 0 else fw[l - 1][1]
        gradW[l] = matmul(T(d), zprev)
        gradb[l] = [R(sum(d[r][j] for r in range(rows))) for j in range(len(d[0]))]
        g_z = matmul(d, layers[l]['W'])
        dz_down[l] = g_z

    # the ops of the tape, in forward order
    ops = []
    if single:
        ops.append(dict(layer=1, op='reshape', text=source_line, name='z(0)', bname='∂x'))
    for l in range(1, nL + 1):
        act = layers[l - 1]['activation']
        ops += [dict(layer=l, op='transpose', text="a = x @ W' + b", name="W'", bname='gradW'),
                dict(layer=l, op='matmul', text="a = x @ W' + b", name='x @ W\'', bname='∂z(%d)' % (l - 1)),
                dict(layer=l, op='add', text="a = x @ W' + b", name='a', bname='gradb'),
                dict(layer=l, op=act, text='z = activation(a)', name='z', bname='delta')]
    if single:
        ops.append(dict(layer=nL, op='reshape', text=source_line, name='ŷ', bname='∂z(%d)' % nL))
    for op, nm in (('sub', 'y - t'), ('pow', '(y - t) ^ 2'), ('mean', 'C')):
        ops.append(dict(layer=nL + 1, op=op, text='def mse(y, t) = mean((y - t) ^ 2)',
                        name=nm, bname='∂C/∂ŷ' if op == 'sub' else '∂' + nm))
    n_ops = len(ops)
    total = 2 * n_ops
    steps = []
    for k in range(n_ops):
        o = ops[k]
        steps.append(dict(layer=o['layer'], direction='forward', text=o['text'],
                          name=o['name'], op=o['op']))
    for k in range(n_ops - 1, -1, -1):
        o = ops[k]
        steps.append(dict(layer=o['layer'], direction='backward', text=o['text'],
                          name=o['bname'], op=o['op']))

    def ztex(l):
        return 'z(%d)' % l

    def layer_explain(l, direction):
        """The explain text of a whole layer (what `next` then `explain` shows)."""
        if l == nL + 1:
            if direction == 'forward':
                return ('C = mse(ŷ, t)\n  = mean((y - t) ^ 2)      (stdlib/losses.nnl:9)\n'
                        '  with ŷ = %s, t = %s\n  = %s' % (fmt(yhat, single), fmt(Y, single), g(C)))
            return ('∂C/∂C = 1, then back through the ops of mse (last first), by the chain rule:\n'
                    '  mean                   ∂x = g / n broadcast back\n'
                    '  pow                    ∂x = g y x^(y-1), ∂y = g x^y log x\n'
                    '  sub                    ∂x = g, ∂y = -g\n'
                    '∂C/∂ŷ = %s' % fmt(dy, single))
        L = layers[l - 1]
        sym, dsym = ACT[L['activation']][2], ACT[L['activation']][3]
        a, z = fw[l - 1]
        zprev = X if l == 1 else fw[l - 2][1]
        if direction == 'forward':
            if single:
                first = 'a(%d) = W(%d) z(%d) + b(%d)' % (l, l, l - 1, l)
                nums = '     = %s %s + %s' % (fmtW(L['W']), fmt(zprev, True), '[' + ', '.join(g(v) for v in L['b']) + ']')
            else:
                first = 'a(%d) = z(%d) W(%d)ᵀ + b(%d)' % (l, l - 1, l, l)
                nums = '     = %s %sᵀ + %s' % (fmt(zprev, False), fmtW(L['W']), '[' + ', '.join(g(v) for v in L['b']) + ']')
            return '\n'.join([
                first, nums, '     = ' + fmt(a, single),
                'z(%d) = %s(a(%d))' % (l, sym, l),
                '     = %s(%s)' % (sym, fmt(a, single)),
                '     = ' + fmt(z, single),
                '(%s: %s, layer \'dense\' at stdlib/layers.nnl:5)' % (
                    'one sample' if single else '%d samples' % rows,
                    'vectors' if single else 'rows')])
        d = deltas[l - 1]
        hp = ACT[L['activation']][1]
        hpa = [[hp(v) for v in r] for r in a]
        g_in = dy if l == nL else dz_down[l]
        if l == nL:
            lines = ['δ(%d) = %s(a(%d)) ⊙ ∂C/∂z(%d)' % (l, dsym, l, l)]
        else:
            lines = ['δ(%d) = %s(a(%d)) ⊙ (W(%d)ᵀ δ(%d))' % (l, dsym, l, l + 1, l + 1)]
        lines += ['     = %s ⊙ %s' % (fmt(hpa, single), fmt(g_in, single)),
                  '     = ' + fmt(d, single),
                  '∂C/∂W(%d) = δ(%d) z(%d)ᵀ = %s %sᵀ' % (l, l, l - 1, fmt(d, single), fmt(zprev, single)),
                  '         = ' + fmtW(gradW[l - 1]),
                  '∂C/∂b(%d) = δ(%d) = %s' % (l, l, '[' + ', '.join(g(v) for v in gradb[l - 1]) + ']')]
        if l > 1:
            lines.append('passed down: ∂C/∂z(%d) = W(%d)ᵀ δ(%d) = %s' % (l - 1, l, l, fmt(dz_down[l - 1], single)))
        return '\n'.join(lines)

    def op_explain(k, step):
        o = step
        opno = k + 1 if o['direction'] == 'forward' else total - k
        l = o['layer']
        src = ('stdlib/losses.nnl:9' if l == nL + 1 else
               '<stdin>:32' if o['op'] == 'reshape' else
               'stdlib/layers.nnl:%d' % (10 if o['text'].startswith('z') else 9))
        head = 'op %d: %s%s\n  from %s  %s' % (opno, o['op'], '' if o['direction'] == 'forward' else ' backward',
                                              src, o['text'])
        return head + '\n  result: ' + o['name']

    # reveal times: the frame from which each value is shown
    reveal = {}
    for k, s in enumerate(steps):
        key = (s['layer'], s['direction'], s['op'])
        if s['direction'] == 'forward':
            if s['op'] == 'add':
                reveal[('a', s['layer'])] = k + 1
            elif s['op'] in ACT:
                reveal[('z', s['layer'])] = k + 1
            elif s['op'] == 'mean':
                reveal['loss'] = k + 1
        else:
            if s['op'] in ACT:
                reveal[('delta', s['layer'])] = k + 1
            elif s['op'] == 'add':
                reveal[('gradb', s['layer'])] = k + 1
            elif s['op'] == 'transpose':
                reveal[('gradW', s['layer'])] = k + 1

    def what_of(s):
        if s['direction'] == 'forward':
            return {'add': 'a', 'mean': 'loss'}.get(s['op'], 'z' if s['op'] in ACT else s['op'])
        return {'add': 'gradb', 'transpose': 'gradW'}.get(s['op'], 'delta' if s['op'] in ACT else s['op'])

    def frame(c):
        lay = []
        for l in range(1, nL + 1):
            L = layers[l - 1]
            def shown(key, v):
                return v if reveal[(key, l)] <= c else None
            lay.append(dict(W=L['W'], b=L['b'],
                            a=shown('a', fw[l - 1][0]), z=shown('z', fw[l - 1][1]),
                            delta=shown('delta', deltas[l - 1]),
                            gradW=shown('gradW', gradW[l - 1]), gradb=shown('gradb', gradb[l - 1])))
        last = None
        explain = None
        if c > 0:
            s = steps[c - 1]
            last = dict(layer=s['layer'], direction=s['direction'], what=what_of(s))
            boundary = c == total or (steps[c]['layer'], steps[c]['direction']) != (s['layer'], s['direction'])
            explain = layer_explain(s['layer'], s['direction']) if boundary else op_explain(c - 1, s)
        return dict(cursor=c, last=last, explain=explain,
                    loss=C if reveal['loss'] <= c else None, layers=lay)

    frames = [frame(c) for c in range(total + 1)]
    obj = dict(version=1, model=name, inputs=len(X[0]), layers=[], x=X, y=Y,
               rows=rows, row=0, cursor=0, total=total, steps=steps,
               last=None, explain=None, loss=None, loss_name='mse', digits=DIGITS,
               history=None, plane=None, frames=frames, live=False)
    for l in range(1, nL + 1):
        L = layers[l - 1]
        obj['layers'].append(dict(index=l, kind='dense', label=None, units=len(L['W']),
                                  activation=L['activation'], W=L['W'], b=L['b'],
                                  gradW=None, gradb=None, a=None, z=None, delta=None))
    return obj, dict(a=[f[0] for f in fw], z=[f[1] for f in fw], delta=deltas, C=C)


def make_plane(layers, xmin, xmax, ymin, ymax, n, points, classes=None):
    neurons = [[[] for _ in L['W']] for L in layers]
    output = []
    for r in range(n):
        y = ymax - (ymax - ymin) * r / (n - 1)
        for c in range(n):
            x = xmin + (xmax - xmin) * c / (n - 1)
            fw = forward(layers, [[x, y]])
            for l, (a, z) in enumerate(fw):
                for j, v in enumerate(z[0]):
                    neurons[l][j].append(round(v, 5))
            output.append(round(fw[-1][1][0][0], 5))
    rng = {'sigmoid': (0, 1), 'tanh': (-1, 1)}
    return dict(xmin=xmin, xmax=xmax, ymin=ymin, ymax=ymax, n=n, neurons=neurons,
                zmin=[rng[L['activation']][0] for L in layers],
                zmax=[rng[L['activation']][1] for L in layers],
                output=output, classes=classes, points=points)


def xor_fixture():
    layers = [dict(W=[[-2.0, -2.0], [2.0, 2.0]], b=[3.0, -1.0], activation='sigmoid'),
              dict(W=[[2.0, 2.0]], b=[-3.0], activation='sigmoid')]
    obj, vals = make_pass('xor', layers, [[1.0, 0.0]], [[1.0]], True,
                          'backward xor [1, 0] -> [1]')
    pts = [dict(x=0, y=0, label=0), dict(x=0, y=1, label=1),
           dict(x=1, y=0, label=1), dict(x=1, y=1, label=0)]
    obj['plane'] = make_plane(layers, -0.5, 1.5, -0.5, 1.5, 40, pts)
    # the REPL's numbers (docs/repl.md) to the printed digits
    assert g(vals['C']) == '0.269291'
    assert [g(v) for v in vals['delta'][0][0]] == ['-0.101882', '-0.101882']
    assert [g(v) for v in vals['delta'][1][0]] == ['-0.259094']
    assert [g(v) for v in vals['a'][1][0]] == ['-0.0757656']
    return obj


def circle_fixture():
    rnd = random.Random(7)

    def sample(n):
        pts = []
        for i in range(n):
            if i % 2 == 0:
                r, lab = rnd.uniform(0, 2.0), 1
            else:
                r, lab = rnd.uniform(3.0, 5.0), 0
            t = rnd.uniform(0, 2 * math.pi)
            pts.append(([r * math.cos(t) + rnd.gauss(0, 0.3), r * math.sin(t) + rnd.gauss(0, 0.3)], [float(lab)]))
        return pts
    train, valid = sample(120), sample(40)
    layers = [dict(W=[[rnd.gauss(0, 0.7) for _ in range(2)] for _ in range(4)], b=[0.0] * 4, activation='tanh'),
              dict(W=[[rnd.gauss(0, 0.7) for _ in range(4)]], b=[0.0], activation='sigmoid')]

    def loss_of(data):
        X = [p[0] for p in data]
        Y = [p[1] for p in data]
        yh = forward(layers, X)[-1][1]
        return sum((yh[r][0] - Y[r][0]) ** 2 for r in range(len(X))) / len(X)
    hist = dict(epoch=[], loss=[], valid_loss=[])
    lr, batch = 0.3, 10
    for epoch in range(1, 61):
        rnd.shuffle(train)
        for s in range(0, len(train), batch):
            part = train[s:s + batch]
            obj, _ = make_pass('circle', layers, [p[0] for p in part], [p[1] for p in part], False, '')
            lay = obj['frames'][-1]['layers']
            for L, f in zip(layers, lay):
                L['W'] = [[w - lr * gw for w, gw in zip(Wr, gr)] for Wr, gr in zip(L['W'], f['gradW'])]
                L['b'] = [b - lr * gb for b, gb in zip(L['b'], f['gradb'])]
        hist['epoch'].append(epoch)
        hist['loss'].append(round(loss_of(train), 6))
        hist['valid_loss'].append(round(loss_of(valid), 6))
    for L in layers:
        L['W'] = [[round(w, 4) for w in r] for r in L['W']]
        L['b'] = [round(b, 4) for b in L['b']]
    batch4 = valid[:4]
    obj, _ = make_pass('circle', layers, [[round(v, 3) for v in p[0]] for p in batch4],
                       [p[1] for p in batch4], False, 'backward circle on valid')
    obj['history'] = hist
    pts = [dict(x=round(p[0][0], 3), y=round(p[0][1], 3), label=int(p[1][0])) for p in train]
    obj['plane'] = make_plane(layers, -6, 6, -6, 6, 40, pts)
    return obj


def start_at(obj, cursor):
    """The top-level state is the frame at `cursor` (as nnl would write it)."""
    f = obj['frames'][cursor]
    obj['cursor'] = cursor
    obj['last'], obj['explain'], obj['loss'] = f['last'], f['explain'], f['loss']
    for L, fl in zip(obj['layers'], f['layers']):
        for k in ('a', 'z', 'delta', 'gradW', 'gradb', 'W', 'b'):
            L[k] = fl[k]
    return obj


def main():
    os.makedirs(os.path.join(HERE, 'fixtures'), exist_ok=True)
    for name, obj in (('xor_pass.json', xor_fixture()), ('circle_pass.json', circle_fixture())):
        start_at(obj, 0)
        with open(os.path.join(HERE, 'fixtures', name), 'w', encoding='utf-8') as f:
            json.dump(obj, f, ensure_ascii=False, separators=(',', ':'))
            f.write('\n')
        print('wrote', os.path.join('tests/browser/fixtures', name),
              '(%d frames)' % len(obj['frames']))


if __name__ == '__main__':
    main()
