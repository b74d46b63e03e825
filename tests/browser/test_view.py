#!/usr/bin/env python3
"""Browser tests of nnl's page (web/view.*), in headless Chromium.

Run from the worktree root:

    python3 tests/browser/test_view.py                    # the checks
    python3 tests/browser/test_view.py --screenshots DIR  # also saves PNGs in DIR

Needs Debian's chromium, chromium-driver and python3-selenium
(apt-get install -y chromium chromium-driver python3-selenium).  Without
them it prints "SKIP browser tests: <reason>" and exits 0.  Selenium from
Debian lives in /usr/bin/python3's packages: another python3 without it
re-runs this file with /usr/bin/python3.

Prints one line per check, "PASS name" or "FAIL name: why", and exits 1 if
a check failed.  The pages are made with tests/browser/assemble.py from the
fixtures of tests/browser/make_fixture.py; the live checks run a stub of
nnl's server (the protocol of docs/view-json.md) in this process.
"""
import json
import math
import os
import random
import shutil
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import assemble  # noqa: E402

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait
    from selenium.common.exceptions import StaleElementReferenceException
except ImportError:
    if os.path.exists('/usr/bin/python3') and os.path.realpath(sys.executable) != os.path.realpath('/usr/bin/python3') \
            and not os.environ.get('NNL_BROWSER_REEXEC'):
        os.environ['NNL_BROWSER_REEXEC'] = '1'
        os.execv('/usr/bin/python3', ['/usr/bin/python3'] + sys.argv)
    print('SKIP browser tests: python3-selenium is not installed')
    sys.exit(0)

CHROMIUM = shutil.which('chromium') or '/usr/bin/chromium'
DRIVER = shutil.which('chromedriver') or '/usr/bin/chromedriver'
for path, name in ((CHROMIUM, 'chromium'), (DRIVER, 'chromium-driver')):
    if not os.path.exists(path):
        print('SKIP browser tests: %s is not installed' % name)
        sys.exit(0)

FIXTURES = os.path.join(HERE, 'fixtures')
results = []


def report(name, ok, why=''):
    results.append(ok)
    print(('PASS %s' % name) if ok else ('FAIL %s: %s' % (name, why)), flush=True)


def check(name):
    """A decorator that runs fn at once as one check: PASS if it returns,
    FAIL with the exception's text."""
    def run(fn):
        try:
            fn()
            report(name, True)
        except Exception as e:  # noqa: BLE001 - any failure is the check's
            report(name, False, ('%s: %s' % (type(e).__name__, e)).strip().replace('\n', ' ')[:400])
    return run


def load(name):
    with open(os.path.join(FIXTURES, name), encoding='utf-8') as f:
        return json.load(f)


def state_at(fx, cursor, live):
    """The pass object with its top level at `cursor` (what nnl would send)."""
    obj = json.loads(json.dumps(fx))
    f = obj['frames'][cursor]
    obj['cursor'] = cursor
    obj['last'], obj['explain'], obj['loss'] = f['last'], f['explain'], f['loss']
    for L, fl in zip(obj['layers'], f['layers']):
        L.update(fl)
    if live:
        obj['frames'] = None
        obj['live'] = True
    return obj


def g6(v):
    return '%.6g' % v


# ---- the browser ----
def new_driver(tmp):
    o = webdriver.ChromeOptions()
    o.binary_location = CHROMIUM
    for a in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
              '--disable-background-networking', '--disable-component-update', '--disable-sync',
              '--disable-dev-shm-usage', '--window-size=1280,800',
              '--user-data-dir=' + tempfile.mkdtemp(dir=tmp)):
        o.add_argument(a)
    o.set_capability('goog:loggingPrefs', {'browser': 'ALL', 'performance': 'ALL'})
    d = webdriver.Chrome(service=Service(DRIVER), options=o)
    d.execute_cdp_cmd('Emulation.setDeviceMetricsOverride',
                      {'width': 1280, 'height': 800, 'deviceScaleFactor': 1, 'mobile': False})
    return d


def wait(d, fn, what, timeout=20):   # generous: a loaded CI machine is slow, and a pass only waits as long as it must
    try:
        return WebDriverWait(d, timeout, poll_frequency=0.05,
                             ignored_exceptions=(StaleElementReferenceException,)).until(lambda _: fn())
    except Exception:
        raise AssertionError('timed out waiting for ' + what)


def settled(fn, tries=100):
    """fn() again while the page is redrawing the element it read (a live
    page replaces its nodes when pass.json changes between find and use)."""
    for _ in range(tries - 1):
        try:
            return fn()
        except StaleElementReferenceException:
            time.sleep(0.02)
    return fn()


def cursor(d):
    return settled(lambda: int(d.find_element(By.ID, 'position').get_attribute('data-cursor')))


def current_layer(d):
    return settled(lambda: d.find_element(By.ID, 'net-svg').get_attribute('data-current-layer'))


def text_of(d, element_id):
    return settled(lambda: d.find_element(By.ID, element_id).text)


def click(d, cmd):
    settled(lambda: d.find_element(By.CSS_SELECTOR, '[data-command="%s"]' % cmd).click())


def console_errors(d):
    return [e for e in d.get_log('browser') if e.get('level') == 'SEVERE' or 'Content Security Policy' in e.get('message', '')]


def requests_made(d):
    """The URLs the page asked for, from the DevTools network events."""
    urls = []
    for e in d.get_log('performance'):
        try:
            m = json.loads(e['message'])['message']
        except (ValueError, KeyError):
            continue
        if m.get('method') == 'Network.requestWillBeSent':
            urls.append(m['params']['request']['url'])
    return urls


def goto_offline(d, path):
    d.get('file://' + path)
    wait(d, lambda: d.find_elements(By.CSS_SELECTOR, '#net-svg circle.neuron'), 'the network to be drawn')


def screenshot(d, outdirs, name):
    for od in outdirs:
        d.save_screenshot(os.path.join(od, name))


# ---- the checks ----
def offline_checks(d, pages, shots):
    fx = load('xor_pass.json')

    @check('offline page loads without console errors or CSP violations')
    def _():
        d.get_log('browser')
        d.get_log('performance')
        goto_offline(d, pages['xor'])
        time.sleep(0.3)
        errs = console_errors(d)
        assert not errs, errs

    @check('offline page requests nothing outside the file')
    def _():
        d.get('about:blank')
        d.get_log('performance')       # the browser's own pages before ours
        goto_offline(d, pages['xor'])
        d.find_element(By.CSS_SELECTOR, '[data-command="continue"]').click()
        time.sleep(0.2)
        made = requests_made(d)
        assert 'file://' + pages['xor'] in made, 'the network log did not see the page itself: %s' % made[:5]
        urls = [u for u in made if u != 'file://' + pages['xor'] and not u.startswith('data:')]
        assert not urls, urls
        res = d.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
        assert [u for u in res if not u.startswith('data:')] == [], res
        scripts = d.execute_script("return [...document.querySelectorAll('script[src], link[rel=stylesheet], img[src]')].length")
        assert scripts == 0, 'external script, stylesheet or image elements: %d' % scripts

    @check('one circle per neuron, input units included')
    def _():
        goto_offline(d, pages['xor'])
        want = [fx['inputs']] + [L['units'] for L in fx['layers']]
        got = [len(d.find_elements(By.CSS_SELECTOR, '#net-svg circle.neuron[data-layer="%d"]' % l))
               for l in range(len(want))]
        assert got == want, 'per layer %s, want %s' % (got, want)
        n = len(d.find_elements(By.CSS_SELECTOR, '#net-svg circle'))
        assert n == sum(want), '%d circles in the network, want %d' % (n, sum(want))
        w = len(d.find_elements(By.CSS_SELECTOR, '#net-svg path.weight'))
        assert w == sum(want[i] * want[i + 1] for i in range(len(want) - 1)), '%d weight lines' % w

    @check('Next moves the cursor and the highlighted layer')
    def _():
        goto_offline(d, pages['xor'])
        assert cursor(d) == 0 and current_layer(d) == '', (cursor(d), current_layer(d))
        click(d, 'next')
        wait(d, lambda: cursor(d) == 5, 'cursor 5 after Next')
        assert current_layer(d) == '1', current_layer(d)
        hl = d.find_elements(By.CSS_SELECTOR, '#net-svg rect.column.current')
        assert len(hl) == 1 and hl[0].get_attribute('data-layer') == '1', 'highlighted column'
        assert 'z(1) = σ(a(1))' in d.find_element(By.ID, 'explain').text, 'explain of layer 1'
        click(d, 'next')
        wait(d, lambda: cursor(d) == 10, 'cursor 10 after a second Next')
        assert current_layer(d) == '2', current_layer(d)
        assert d.find_elements(By.CSS_SELECTOR, '#net-svg rect.column.current')[0].get_attribute('data-layer') == '2'
        click(d, 'next')
        wait(d, lambda: cursor(d) == 13, 'cursor 13 (the loss)')
        assert current_layer(d) == '3', current_layer(d)
        assert d.find_element(By.CSS_SELECTOR, '.loss-value').text == '0.269291'
        click(d, 'next')   # the loss backward, then layer 2 backward
        click(d, 'next')
        wait(d, lambda: cursor(d) == 21, 'cursor 21 (layer 2 backward)')
        svg = d.find_element(By.ID, 'net-svg')
        assert svg.get_attribute('data-current-layer') == '2' and svg.get_attribute('data-direction') == 'backward'
        click(d, 'step')
        wait(d, lambda: cursor(d) == 22, 'cursor 22 after Step')
        click(d, 'back')
        wait(d, lambda: cursor(d) == 21, 'cursor 21 after Back')

    @check('the δ shown equal the REPL\'s show delta (%.6g)')
    def _():
        goto_offline(d, pages['xor'])
        def deltas(l):
            return [c.get_attribute('data-delta') for c in
                    d.find_elements(By.CSS_SELECTOR, '#net-svg circle.neuron[data-layer="%d"]' % l)]
        assert deltas(1) == ['', ''] and deltas(2) == [''], 'δ shown before the backward pass reached it'
        click(d, 'continue')
        wait(d, lambda: cursor(d) == fx['total'], 'the end of the pass')
        last = fx['frames'][-1]['layers']
        for l in (1, 2):
            want = [g6(v) for v in last[l - 1]['delta'][0]]
            assert deltas(l) == want, 'layer %d: %s, want %s' % (l, deltas(l), want)
        # docs/repl.md: δ(1) = [-0.101882, -0.101882], δ(2) = [-0.259094]
        assert deltas(1) == ['-0.101882', '-0.101882'] and deltas(2) == ['-0.259094'], (deltas(1), deltas(2))
        tip = d.find_element(By.CSS_SELECTOR, '#net-svg circle.neuron[data-layer="1"] title')
        assert 'δ(1) = ∂C/∂a(1) = -0.101882' in tip.get_attribute('textContent'), tip.get_attribute('textContent')
        shown = d.find_elements(By.CSS_SELECTOR, '#net-svg .val-delta')
        assert [t.text for t in shown] == ['δ -0.101882', 'δ -0.101882', 'δ -0.259094'], [t.text for t in shown]
        grads = d.find_elements(By.CSS_SELECTOR, '#net-svg path.weight[data-layer="2"]')
        assert [p.get_attribute('data-grad') for p in grads] == ['-0.189413', '-0.189413']
        screenshot(d, shots, 'view-end.png')

    @check('keyboard: shortcuts and focusable buttons')
    def _():
        goto_offline(d, pages['xor'])
        body = d.find_element(By.TAG_NAME, 'body')
        body.send_keys('n')
        wait(d, lambda: cursor(d) == 5, 'n to reach cursor 5')
        body.send_keys(Keys.ARROW_RIGHT)
        wait(d, lambda: cursor(d) == 6, '→ to reach 6')
        body.send_keys(Keys.ARROW_LEFT)
        wait(d, lambda: cursor(d) == 5, '← back to 5')
        body.send_keys('s')
        wait(d, lambda: cursor(d) == 6, 's to reach 6')
        body.send_keys('c')
        wait(d, lambda: cursor(d) == 26, 'c to reach the end')
        body.send_keys('p')
        wait(d, lambda: cursor(d) == 21, 'p back to layer 2 backward')
        body.send_keys(Keys.HOME)
        wait(d, lambda: cursor(d) == 0, 'Home to the start')
        # Tab reaches the buttons, Enter presses them, and focus is visible
        seen = []
        for _ in range(12):
            d.switch_to.active_element.send_keys(Keys.TAB)
            a = d.switch_to.active_element
            seen.append(a.get_attribute('data-command') or a.tag_name)
            if a.get_attribute('data-command') == 'next':
                break
        a = d.switch_to.active_element
        assert a.get_attribute('data-command') == 'next', 'Tab order: %s' % seen
        outline = d.execute_script("return getComputedStyle(document.activeElement).outlineStyle")
        assert outline not in ('none', ''), 'no visible focus: outline ' + outline
        a.send_keys(Keys.ENTER)
        wait(d, lambda: cursor(d) == 5, 'Enter on Next')
        keys = d.find_element(By.ID, 'keys').text
        for k in ('s', 'n', 'c'):
            assert k in keys
        u = d.find_element(By.CSS_SELECTOR, '[data-command="update"]')
        assert u.get_attribute('aria-disabled') == 'true' and 'live session' in u.get_attribute('title'), \
            'Update offline: disabled with a tooltip'
        u.click()
        assert cursor(d) == 5
        assert 'live session' in d.find_element(By.ID, 'console').text

    @check('printf %g formatter equals C (python %-formatting)')
    def _():
        goto_offline(d, pages['xor'])
        rnd = random.Random(1)
        vals = [0.0, -0.0, 1.0, -1.0, 0.5, 1.5, 2.5, 1234565.0, 1234575.0, 123456.0, 1234567.0, 999999.5,
                9.999995, 0.1, 1 / 3, 2 / 3, 1e-4, 1e-5, 0.000123456789, 1.0000005, 100000.0, 1e6, 1e21,
                1e-300, 5e-324, 1.7976931348623157e308, 0.269290775, -0.0757656, 0.125, 0.375,
                float('nan'), float('inf'), float('-inf')]
        vals += [rnd.uniform(-1, 1) * 10 ** rnd.randint(-12, 12) for _ in range(300)]
        vals += [round(rnd.uniform(-1000, 1000), rnd.randint(0, 4)) for _ in range(100)]
        vals += [rnd.randint(0, 10 ** 9) + 0.5 for _ in range(50)]
        cases = [(repr(v), p, '%.*g' % (p, v)) for v in vals for p in (6, 1, 3, 9, 0, 17)]
        got = d.execute_script(
            "return arguments[0].map(c => window.nnlFormat(Number(c[0].replace('nan','NaN').replace('inf','Infinity')), c[1]))",
            [[c[0], c[1]] for c in cases])
        bad = [(c[0], c[1], c[2], gv) for c, gv in zip(cases, got) if c[2] != gv]
        assert not bad, '%d of %d differ, e.g. %s' % (len(bad), len(cases), bad[:5])

    @check('row selector shows another row of a batch')
    def _():
        cf = load('circle_pass.json')
        goto_offline(d, pages['circle'])
        assert d.find_elements(By.CSS_SELECTOR, '#regions canvas.region-map'), 'decision regions drawn'
        heat = d.find_elements(By.CSS_SELECTOR, '#net-svg canvas.unit-map')
        assert len(heat) == cf['inputs'] + sum(L['units'] for L in cf['layers']), 'one heatmap per unit'
        click(d, 'continue')
        wait(d, lambda: cursor(d) == cf['total'], 'the end of the pass')
        sel = d.find_element(By.ID, 'row')
        sel.find_element(By.CSS_SELECTOR, 'option[value="2"]').click()
        last = cf['frames'][-1]['layers']
        def zs(l):
            return [c.get_attribute('data-z') for c in
                    d.find_elements(By.CSS_SELECTOR, '#net-svg circle.neuron[data-layer="%d"]' % l)]
        wait(d, lambda: zs(1) == [g6(v) for v in last[0]['z'][2]], 'row 2 values')
        assert [c.get_attribute('data-delta') for c in
                d.find_elements(By.CSS_SELECTOR, '#net-svg circle.neuron[data-layer="2"]')] == [g6(last[1]['delta'][2][0])]
        assert d.find_elements(By.CSS_SELECTOR, '#losscurve polyline.curve.valid'), 'validation curve drawn'

    if shots:
        goto_offline(d, pages['xor'])
        click(d, 'next')
        screenshot(d, shots, 'view-forward.png')
        for _ in range(4):
            click(d, 'next')
        screenshot(d, shots, 'view-backward.png')
        goto_offline(d, pages['circle'])
        click(d, 'next')
        click(d, 'next')
        screenshot(d, shots, 'view-regions.png')
        for c in (1, 2, 3, 4):
            goto_offline(d, pages['xor'])
            for _ in range(c):
                click(d, 'next')
            screenshot(d, shots, 'xor-next%d.png' % c)


# ---- a stub of nnl's server (docs/view-json.md, the live protocol) ----
class Stub:
    def __init__(self, fx, token, page):
        self.fx, self.token, self.page = fx, token, page
        self.cursor, self.serial, self.row = 0, 1, 0
        self.commands = []
        self.lock = threading.Lock()
        self.stopping = False

    def state(self):
        obj = state_at(self.fx, self.cursor, True)
        obj['row'] = self.row
        return obj

    def run(self, cmd):
        """Returns (status, reply): what nnl would do with a command."""
        self.commands.append(cmd)
        st = self.fx['steps']
        B = [0] + [k for k in range(1, len(st)) if (st[k - 1]['layer'], st[k - 1]['direction'])
                   != (st[k]['layer'], st[k]['direction'])] + [self.fx['total']]
        with self.lock:
            if cmd == 'step':
                self.cursor = min(self.cursor + 1, self.fx['total'])
            elif cmd == 'next':
                self.cursor = next((b for b in B if b > self.cursor), self.fx['total'])
            elif cmd == 'continue':
                self.cursor = self.fx['total']
            elif cmd.startswith('row '):
                self.row = int(cmd[4:])
            elif cmd in ('update', 'undo', 'reset') or cmd.startswith('train '):
                return 400, {'ok': False, 'error': 'error: the stub does not %s' % cmd}
            else:
                return 400, {'ok': False, 'error': "error: unknown command '%s'" % cmd}
            self.serial += 1
            f = self.fx['frames'][self.cursor]
            return 200, {'ok': True, 'output': 'moved to %d\n' % self.cursor + (f['explain'] or '')}

    def handler(self):
        stub = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def send(self, code, body, ctype):
                b = body.encode('utf-8')
                self.send_response(code)
                self.send_header('Content-Type', ctype)
                self.send_header('Content-Length', str(len(b)))
                self.send_header('Cache-Control', 'no-store')
                self.end_headers()
                self.wfile.write(b)

            def authorised(self):
                q = parse_qs(urlparse(self.path).query)
                if q.get('t', [''])[0] != stub.token:
                    self.send(403, json.dumps({'ok': False, 'error': 'bad token'}), 'application/json')
                    return False
                return True

            def do_GET(self):
                path = urlparse(self.path).path
                if not self.authorised():
                    return
                if path == '/':
                    self.send(200, stub.page(stub.state()), 'text/html; charset=utf-8')
                elif path == '/pass.json':
                    self.send(200, json.dumps(stub.state(), ensure_ascii=False), 'application/json; charset=utf-8')
                elif path == '/events':
                    self.send_response(200)
                    self.send_header('Content-Type', 'text/event-stream')
                    self.send_header('Cache-Control', 'no-store')
                    self.end_headers()
                    sent = None
                    try:
                        while not stub.stopping:
                            if stub.serial != sent:
                                sent = stub.serial
                                self.wfile.write(('event: changed\ndata: %d\n\n' % sent).encode())
                                self.wfile.flush()
                            time.sleep(0.05)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                else:
                    self.send(404, json.dumps({'ok': False, 'error': 'not found'}), 'application/json')

            def do_POST(self):
                if urlparse(self.path).path != '/command':
                    return self.send(404, '{"ok":false,"error":"not found"}', 'application/json')
                if not self.authorised():
                    return
                n = int(self.headers.get('Content-Length', 0))
                cmd = self.rfile.read(n).decode('utf-8').strip()
                code, reply = stub.run(cmd)
                self.send(code, json.dumps(reply, ensure_ascii=False), 'application/json; charset=utf-8')
        return H


def live_checks(d, shots):
    fx = load('xor_pass.json')
    token = 'k3y-%d' % random.randrange(10 ** 9)
    stub = Stub(fx, token, lambda st: assemble.assemble(json.dumps(st, ensure_ascii=False)))
    srv = ThreadingHTTPServer(('127.0.0.1', 0), stub.handler())
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    base = 'http://127.0.0.1:%d' % srv.server_address[1]
    try:
        @check('live: the stub refuses a wrong token')
        def _():
            try:
                urllib.request.urlopen(base + '/pass.json?t=wrong', timeout=5)
                raise AssertionError('no 403')
            except urllib.error.HTTPError as e:
                assert e.code == 403, e.code

        @check('live: Next on the page POSTs next and the page redraws from pass.json')
        def _():
            d.get_log('browser')
            d.get(base + '/?t=' + token)
            wait(d, lambda: d.find_elements(By.CSS_SELECTOR, '#net-svg circle.neuron'), 'the live page')
            wait(d, lambda: 'live' in d.find_element(By.ID, 'mode').text, 'live mode')
            assert not settled(lambda: d.find_element(By.CSS_SELECTOR, '[data-command="back"]').is_displayed()), \
                'Back is offline only'
            assert settled(lambda: d.find_element(By.CSS_SELECTOR, '[data-command="update"]')
                           .get_attribute('aria-disabled')) is None
            click(d, 'next')
            wait(d, lambda: cursor(d) == 5, 'cursor 5 from the stub')
            assert stub.commands == ['next'], stub.commands
            assert current_layer(d) == '1'
            wait(d, lambda: 'moved to 5' in d.find_element(By.ID, 'console').text, 'the command output')
            assert 'z(1) = σ(a(1))' in text_of(d, 'explain')

        @check('live: a change at the prompt (server-sent event) redraws the page')
        def _():
            stub.run('next')          # as if `next` had been typed at nnl's prompt
            wait(d, lambda: cursor(d) == 10, 'cursor 10 pushed by /events')
            assert current_layer(d) == '2'

        @check('live: keyboard, the row command, errors shown in the console')
        def _():
            d.find_element(By.TAG_NAME, 'body').send_keys('c')
            wait(d, lambda: cursor(d) == fx['total'], 'c: continue to the end')
            wait(d, lambda: d.find_element(By.CSS_SELECTOR, '#net-svg circle.neuron[data-layer="1"]')
                 .get_attribute('data-delta') == '-0.101882', 'δ(1) after continue')
            ep = d.find_element(By.ID, 'epochs')
            ep.clear()
            ep.send_keys('25')
            click(d, 'train')
            wait(d, lambda: 'the stub does not train 25' in d.find_element(By.ID, 'console').text,
                 'the error of train 25')
            assert stub.commands[-1] == 'train 25', stub.commands
            screenshot(d, shots, 'view-live.png')

        @check('live: no console errors')
        def _():
            errs = [e for e in console_errors(d) if '400' not in e.get('message', '')]
            assert not errs, errs
    finally:
        stub.stopping = True
        srv.shutdown()


def main():
    shots = []
    if '--screenshots' in sys.argv:
        od = sys.argv[sys.argv.index('--screenshots') + 1]
        os.makedirs(od, exist_ok=True)
        shots.append(od)
    tmp = tempfile.mkdtemp(prefix='nnl-browser-')
    try:
        pages = {}
        for name in ('xor', 'circle'):
            fx = load(name + '_pass.json')
            path = os.path.join(tmp, name + '.html')
            with open(path, 'w', encoding='utf-8') as f:
                f.write(assemble.assemble(json.dumps(fx, ensure_ascii=False)))
            pages[name] = path
        try:
            d = new_driver(tmp)
        except Exception as e:  # noqa: BLE001
            print('SKIP browser tests: chromium does not start: %s' % str(e).splitlines()[0])
            return 0
        try:
            offline_checks(d, pages, shots)
            live_checks(d, shots)
        finally:
            d.quit()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if all(results) else 1


if __name__ == '__main__':
    sys.exit(main())
