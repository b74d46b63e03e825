#!/usr/bin/env python3
"""The screenshot of docs/tutorial.md's view section (make docs runs it).

    python3 scripts/tutorial-shot.py PAGE.html OUT.png [NEXTS]

Opens the offline page nnl wrote (`view pass to "PAGE.html"`) in headless
Chromium at 1280x800, presses Next NEXTS times (default 5: the forward pass,
the loss and the output layer backward) and saves the window as OUT.png.
The browser is driven as tests/browser/test_view.py drives it (its
new_driver, goto_offline and click).  Without Chromium or Selenium it says
so and leaves OUT.png as it was (exit 0): the committed PNG stays.
"""
import os
import sys
import tempfile
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'tests', 'browser'))

try:
    import selenium  # noqa: F401
except ImportError:
    if os.path.exists('/usr/bin/python3') and os.path.realpath(sys.executable) != os.path.realpath('/usr/bin/python3') \
            and not os.environ.get('NNL_BROWSER_REEXEC'):
        os.environ['NNL_BROWSER_REEXEC'] = '1'
        os.execv('/usr/bin/python3', ['/usr/bin/python3'] + sys.argv)
    print('%s: not taken, python3-selenium is not installed (the committed one stays)' % sys.argv[2])
    sys.exit(0)

import test_view  # noqa: E402  (exits with SKIP when chromium is missing)


def main():
    page, out = os.path.abspath(sys.argv[1]), sys.argv[2]
    nexts = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    tmp = tempfile.mkdtemp(prefix='nnl-shot-')
    try:
        d = test_view.new_driver(tmp)
        try:
            test_view.goto_offline(d, page)
            for i in range(nexts):
                test_view.click(d, 'next')
                test_view.wait(d, lambda: test_view.cursor(d) > 0, 'Next to move')
            d.save_screenshot(out)
        finally:
            d.quit()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print('%s: screenshot of %s after %d × Next' % (out, sys.argv[1], nexts))
    return 0


if __name__ == '__main__':
    sys.exit(main())
