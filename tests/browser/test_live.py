#!/usr/bin/env python3
"""The view against nnl itself (build/nnl), in headless Chromium.

Run from the worktree root (BUILD=build-san to test another build):

    python3 tests/browser/test_live.py                    # the checks
    python3 tests/browser/test_live.py --screenshots DIR  # and PNGs of the live page

Offline: nnl steps docs/repl.md's XOR pass and writes it with `view pass to`
at several cursor positions, printing `show delta` at each; the page must
load with no console error and no request leaving the file, draw one circle
per neuron, open where nnl's cursor was, show nnl's δ to the printed digits,
and Next must move the cursor and the highlighted layer.

Live: nnl runs with a pipe as its standard input, and the test types into
it.  `view` prints the URL; the page must follow the prompt (SSE), a click
must move the REPL (nnl prints the command and its output), and requests
without the token, with another Host, or malformed must be refused while
the session goes on.

Prints "PASS name", "FAIL name: why" or "SKIP why" lines like test_view.py.
"""
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import test_view as tv  # noqa: E402  (re-executes with /usr/bin/python3 or prints SKIP if selenium is absent)
from test_view import By, check, click, current_layer, cursor, console_errors, new_driver, requests_made, wait  # noqa: E402

NNL = os.path.join(ROOT, os.environ.get('BUILD', 'build'), 'nnl')

XOR = '''model xor {
  input 2
  dense 2 sigmoid with W = [[-2, -2], [2, 2]], b = [3, -1]
  dense 1 sigmoid with W = [[2, 2]], b = [-3]
}
loss mse
optimizer sgd(lr=0.5)
backward xor [1, 0] -> [1]
'''


def deltas_printed(text, layer, units):
    """`show delta L` of nnl: the list of numbers, or '' each when not reached."""
    m = re.search(r'δ\(%d\) = ∂C/∂a\(%d\)(: not reached| = \[+([^\]]*)\])' % (layer, layer), text)
    assert m, 'no show delta %d in %r' % (layer, text[-300:])
    return [''] * units if m.group(2) is None else [v.strip() for v in m.group(2).split(',')]   # row 0 of a batch


def wait_long(d, fn, what):
    return wait(d, fn, what, timeout=20)


def where(d):
    """(cursor, layer, direction) of the page, read at once (the page redraws under us)"""
    return tuple(d.execute_script(
        "const p = document.getElementById('position'), s = document.getElementById('net-svg');"
        "return [p ? Number(p.dataset.cursor) : -1, s ? s.getAttribute('data-current-layer') : null,"
        "        s ? s.getAttribute('data-direction') : null];"))


def page_deltas(d, layer):
    return [c.get_attribute('data-delta') for c in
            d.find_elements(By.CSS_SELECTOR, '#net-svg circle.neuron[data-layer="%d"]' % layer)]


def offline_checks(d, tmp):
    # positions: the start, after layer 1 forward, after layer 2 backward, the end
    moves = [('start', []), ('next1', ['next']), ('back2', ['next'] * 4), ('end', ['continue'])]
    script, pages = XOR, {}
    for name, cmds in moves:
        script += ''.join(c + '\n' for c in cmds)
        pages[name] = os.path.join(tmp, 'xor-%s.html' % name)
        script += 'where\nview pass to "%s"\nshow delta 1\nshow delta 2\nprint "==== %s"\n' % (pages[name], name)
    out = subprocess.run([NNL], input=script, capture_output=True, text=True, timeout=60)
    printed = {}
    for name, _ in moves:
        before = out.stdout.split('==== %s' % name)[0]
        printed[name] = before.split('view: wrote')[-1]
    want_cursor = {'start': 0, 'next1': 5, 'back2': 21, 'end': 26}

    @check('offline: nnl writes the page with view pass to')
    def _():
        assert out.returncode == 0, out.stderr
        for name, path in pages.items():
            assert os.path.getsize(path) > 10000, path
            assert '<script type="application/json" id="nnl-pass">' in open(path, encoding='utf-8').read()

    @check('offline (nnl): loads with no console error and requests nothing outside the file')
    def _():
        d.get('about:blank')
        d.get_log('browser')
        d.get_log('performance')
        tv.goto_offline(d, pages['start'])
        click(d, 'continue')
        time.sleep(0.3)
        errs = console_errors(d)
        assert not errs, errs
        made = requests_made(d)
        assert 'file://' + pages['start'] in made, made[:5]
        urls = [u for u in made if u != 'file://' + pages['start'] and not u.startswith('data:')]
        assert not urls, urls

    @check('offline (nnl): one circle per neuron')
    def _():
        tv.goto_offline(d, pages['start'])
        got = [len(d.find_elements(By.CSS_SELECTOR, '#net-svg circle.neuron[data-layer="%d"]' % l)) for l in range(3)]
        assert got == [2, 2, 1], got

    @check('offline (nnl): the page opens at nnl\'s cursor and shows its show delta')
    def _():
        for name, path in pages.items():
            tv.goto_offline(d, path)
            assert cursor(d) == want_cursor[name], (name, cursor(d))
            for layer, units in ((1, 2), (2, 1)):
                want = deltas_printed(printed[name], layer, units)
                assert page_deltas(d, layer) == want, (name, layer, page_deltas(d, layer), want)
        assert page_deltas(d, 1) == ['-0.101882', '-0.101882'], 'docs/repl.md\'s δ(1)'

    @check('offline (nnl): Next moves the cursor and the highlighted layer')
    def _():
        tv.goto_offline(d, pages['start'])
        for want_pos, want_layer in ((5, '1'), (9, '2'), (13, '3'), (16, '3'), (21, '2'), (26, '1')):
            click(d, 'next')
            wait(d, lambda: cursor(d) == want_pos, 'cursor %d' % want_pos)
            assert current_layer(d) == want_layer, (want_pos, current_layer(d))
        svg = d.find_element(By.ID, 'net-svg')
        assert svg.get_attribute('data-direction') == 'backward'
        assert 'δ(1) = σ\'(a(1))' in d.find_element(By.ID, 'explain').text, 'nnl\'s explain of layer 1 backward'


# ---- the live server ----
class Nnl:
    """build/nnl with a pipe as its standard input; its output collected."""

    def __init__(self, args=()):
        self.p = subprocess.Popen([NNL] + list(args), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, bufsize=1)
        self.out, self.err = [], []
        self.lines = queue.Queue()
        for stream, into in ((self.p.stdout, self.out), (self.p.stderr, self.err)):
            threading.Thread(target=self.read, args=(stream, into), daemon=True).start()

    def read(self, stream, into):
        for line in stream:
            into.append(line)

    def type(self, text):
        self.p.stdin.write(text + '\n')
        self.p.stdin.flush()

    def text(self):
        return ''.join(self.out)

    def wait_for(self, what, timeout=10, since=0):
        end = time.time() + timeout
        while time.time() < end:
            t = ''.join(self.out[since:])
            if what in t:
                return t
            time.sleep(0.05)
        raise AssertionError('nnl did not print %r; it printed %r; stderr %r' % (what, ''.join(self.out[since:])[-400:],
                                                                                  ''.join(self.err)[-300:]))

    def close(self):
        try:
            self.p.stdin.close()
            self.p.wait(timeout=10)
        except Exception:  # noqa: BLE001
            self.p.kill()


def request(url, data=None, headers=None, method=None):
    req = urllib.request.Request(url, data=data.encode() if data is not None else None, headers=headers or {},
                                 method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def live_checks(d, shots):
    n = Nnl()
    try:
        n.type('''data pts {
  [0, 0] -> [0]
  [0, 1] -> [1]
  [1, 0] -> [1]
  [1, 1] -> [0]
}
model xor {
  input 2
  dense 3 tanh
  dense 1 sigmoid
}
init xavier
seed 3
loss mse
optimizer sgd(lr=0.5, momentum=0.9)
train xor on pts epochs 30 batch 4 log every 0
backward xor on pts
view''')
        text = n.wait_for('view: http')
        url = re.search(r'view: (http://127\.0\.0\.1:(\d+)/\?t=([0-9a-f]+))', text)
        base, port, token = 'http://127.0.0.1:%s' % url.group(2), int(url.group(2)), url.group(3)

        def state():
            import json
            code, body = request('%s/pass.json?t=%s' % (base, token))
            assert code == 200, (code, body)
            return json.loads(body)

        def shot(name):
            for od in shots:
                d.save_screenshot(os.path.join(od, name))

        @check('live: view prints the URL with the token; the page loads')
        def _():
            assert len(token) == 32
            d.get_log('browser')
            d.get(url.group(1))
            wait_long(d, lambda: d.find_elements(By.CSS_SELECTOR, '#net-svg circle.neuron'), 'the network')
            assert cursor(d) == 0
            got = [len(d.find_elements(By.CSS_SELECTOR, '#net-svg circle.neuron[data-layer="%d"]' % l)) for l in range(3)]
            assert got == [2, 3, 1], got
            shot('live-start.png')

        @check('live: a click on Next moves the REPL, which prints the step')
        def _():
            mark = len(n.out)
            click(d, 'next')
            t = n.wait_for('layer 1 (dense) forward', since=mark)
            assert 'nnl> next   # from the view' in t, t
            assert state()['cursor'] > 0
            wait_long(d, lambda: where(d)[0] == state()['cursor'], 'the page at the REPL\'s cursor')
            assert current_layer(d) == '1'
            shot('live-forward.png')

        @check('live: next typed at the prompt moves the page (events)')
        def _():
            before = cursor(d)
            n.type('next')
            wait_long(d, lambda: where(d)[0] > before and where(d)[1] == '2', 'the page to follow the prompt')
            assert cursor(d) == state()['cursor']

        @check('live: the δ shown equal the REPL\'s show delta')
        def _():
            n.type('next')
            n.type('next')
            n.type('next')
            try:
                wait_long(d, lambda: where(d)[1:] == ('2', 'backward'), 'layer 2 backward')
            except AssertionError:
                st = state()
                raise AssertionError('page at %d layer %s; nnl at %d last %s' % (cursor(d), current_layer(d), st['cursor'], st['last']))
            shot('live-backward.png')
            click(d, 'continue')
            wait_long(d, lambda: where(d)[0] == state()['total'], 'the end of the pass')
            mark = len(n.out)
            n.type('show delta 1')
            n.type('show delta 2')
            t = n.wait_for('δ(2) = ', since=mark)
            for layer, units in ((1, 3), (2, 1)):
                want = deltas_printed(t, layer, units)
                assert page_deltas(d, layer) == want, (layer, page_deltas(d, layer), want)

        @check('live: Update from the page updates and records the rows again')
        def _():
            mark = len(n.out)
            click(d, 'update')
            t = n.wait_for('(pass of xor', since=mark)
            assert 'nnl> update   # from the view' in t and re.search(r'update \d+ of xor with sgd', t), t
            wait_long(d, lambda: where(d)[0] == 0, 'a new pass at its start')
            click(d, 'next')
            wait_long(d, lambda: where(d)[0] > 0, 'Next on the new pass')
            shot('live-update.png')

        @check('live: Train N epochs runs train on the pass\'s data set')
        def _():
            mark = len(n.out)
            e = d.find_element(By.ID, 'epochs')
            e.clear()
            e.send_keys('5')
            click(d, 'train')
            t = n.wait_for('(pass of xor', since=mark)
            assert 'nnl> train xor on pts epochs 5   # from the view' in t, t
            wait_long(d, lambda: d.find_elements(By.CSS_SELECTOR, '#losscurve polyline'), 'the loss curve')

        @check('live: no token or a wrong one: 403')
        def _():
            for q in ('', '?t=', '?t=' + '0' * 32, '?t=' + token[:-1]):
                code, body = request('%s/pass.json%s' % (base, q))
                assert code == 403 and '"ok":false' in body, (q, code, body)
            code, _ = request('%s/command?t=%s' % (base, 'x' * 32), data='next', method='POST')
            assert code == 403

        @check('live: another Host (DNS rebinding): 403')
        def _():
            for host in ('evil.example:%d' % port, '127.0.0.1', '127.0.0.1:1', 'localhost.evil.example:%d' % port):
                code, _ = request('%s/pass.json?t=%s' % (base, token), headers={'Host': host})
                assert code == 403, (host, code)
            code, _ = request('%s/pass.json?t=%s' % (base, token), headers={'Host': 'localhost:%d' % port})
            assert code == 200

        @check('live: malformed requests: 400, 404, 405; the session goes on')
        def _():
            mark = len(n.out)
            for body in ('{"command": "next"}', 'next; print 1', 'train', 'train -1', 'train 99999999', 'print xor',
                         'row x', '', 'view off', 'step\nstep'):
                code, reply = request('%s/command?t=%s' % (base, token), data=body, method='POST')
                assert code == 400 and '"ok":false' in reply, (body, code, reply)
            assert request('%s/nothing?t=%s' % (base, token))[0] == 404
            assert request('%s/../etc/passwd?t=%s' % (base, token))[0] in (400, 404)
            assert request('%s/command?t=%s' % (base, token))[0] == 405
            assert request('%s/pass.json?t=%s' % (base, token), data='x', method='PUT')[0] == 405
            s = socket.create_connection(('127.0.0.1', port))
            s.sendall(b'\x00\xffGARBAGE / HTTP/9\r\n\r\n')
            s.settimeout(5)
            try:
                first = s.recv(100)
            except OSError:
                first = b''
            s.close()
            assert not first or b' 400' in first.split(b'\r\n')[0] or b' 505' in first.split(b'\r\n')[0], first
            time.sleep(0.2)
            assert 'from the view' not in ''.join(n.out[mark:]), 'a refused request reached the REPL'
            code, reply = request('%s/command?t=%s' % (base, token), data='step', method='POST')
            assert code == 200 and '"ok":true' in reply, (code, reply)
            n.wait_for('nnl> step   # from the view', since=mark)
            n.type('where')
            n.wait_for('pass of xor', since=mark)

        @check('live: an error from the REPL goes back to the page')
        def _():
            mark = len(n.out)
            n.type('continue')
            n.wait_for('backward done', since=mark)    # the prompt ran it before the page asks (a slow build too)
            code, reply = request('%s/command?t=%s' % (base, token), data='next', method='POST')
            assert code == 400 and 'the pass is over' in reply, (code, reply)
            code, reply = request('%s/command?t=%s' % (base, token), data='row 7', method='POST')
            assert code == 400, (code, reply)
            code, reply = request('%s/command?t=%s' % (base, token), data='row 3', method='POST')
            assert code == 200 and state()['row'] == 3, (code, reply)

        @check('live: no console errors')
        def _():
            errs = [e for e in console_errors(d) if ' 400 ' not in e.get('message', '') and '(Bad Request)' not in e.get('message', '')]
            assert not errs, errs

        @check('live: view on PORT prints its URL; view off stops it')
        def _():
            p = free_port()
            mark = len(n.out)
            n.type('view on %d' % p)
            t = n.wait_for('http://127.0.0.1:%d/' % p, since=mark)
            m = re.search(r't=([0-9a-f]{32})', t)
            assert m, t
            assert request('http://127.0.0.1:%d/pass.json?t=%s' % (p, m.group(1)))[0] == 200
            n.type('view off')
            n.wait_for('view: stopped', since=mark)
            try:
                code = request('http://127.0.0.1:%d/pass.json?t=%s' % (p, m.group(1)))[0]
            except (urllib.error.URLError, OSError):
                code = None
            assert code is None, code
            n.type('print 6 * 7')
            n.wait_for('42', since=mark)
    finally:
        n.close()


def main():
    if not os.path.exists(NNL):
        print('FAIL live view: %s is not built' % NNL)
        return 1
    shots = []
    if '--screenshots' in sys.argv:
        od = sys.argv[sys.argv.index('--screenshots') + 1]
        os.makedirs(od, exist_ok=True)
        shots.append(od)
    tmp = tempfile.mkdtemp(prefix='nnl-live-')
    try:
        try:
            d = new_driver(tmp)
        except Exception as e:  # noqa: BLE001
            print('SKIP live view tests: chromium does not start: %s' % str(e).splitlines()[0])
            return 0
        try:
            offline_checks(d, tmp)
            live_checks(d, shots)
        finally:
            d.quit()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if all(tv.results) else 1


if __name__ == '__main__':
    sys.exit(main())
