#!/usr/bin/env python3
"""Makes one self-contained page from web/view.html, as nnl does:

    python3 tests/browser/assemble.py PASS.json OUT.html

The rules (nnl's C side follows the same ones, docs/view-json.md):
  * the template holds each of the three markers /*NNL-CSS*/, /*NNL-JS*/ and
    NNL-PASS-JSON exactly once, in that order;
  * the template is cut at the markers and the pieces joined with, in their
    places, web/view.css, web/view.js and the JSON -- no text inserted is
    searched again;
  * in the JSON every '<' is written as the escape \\u003c (so no "</script>"
    or "<!--" can end or confuse the script element; '<' occurs only inside
    JSON strings, where the escape means the same character);
  * view.css and view.js contain no "</style" or "</script" (checked here).
"""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MARKERS = ('/*NNL-CSS*/', '/*NNL-JS*/', 'NNL-PASS-JSON')


def read(path):
    with open(path, encoding='utf-8') as f:
        return f.read()


def assemble(json_text, web=os.path.join(ROOT, 'web')):
    template = read(os.path.join(web, 'view.html'))
    css = read(os.path.join(web, 'view.css'))
    js = read(os.path.join(web, 'view.js'))
    if '</style' in css.lower() or '</script' in js.lower():
        raise ValueError('view.css or view.js holds a closing tag')
    for m in MARKERS:
        if template.count(m) != 1:
            raise ValueError('web/view.html must hold %s exactly once' % m)
    # in the order the markers stand in the template
    parts = {'/*NNL-CSS*/': css, '/*NNL-JS*/': js,
             'NNL-PASS-JSON': json_text.strip().replace('<', '\\u003c')}
    out, rest = [], template
    for m in sorted(MARKERS, key=template.index):
        before, rest = rest.split(m, 1)
        out += [before, parts[m]]
    out.append(rest)
    return ''.join(out)


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: assemble.py PASS.json OUT.html')
    page = assemble(read(sys.argv[1]))
    with open(sys.argv[2], 'w', encoding='utf-8') as f:
        f.write(page)


if __name__ == '__main__':
    main()
