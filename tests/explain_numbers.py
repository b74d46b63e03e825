#!/usr/bin/env python3
"""explain's numbers are nnl's: in every formula `explain` prints as

    NAME = FORMULA
         = the formula with its numbers substituted
         = the result nnl computed

the substituted line, evaluated here, must give the result line (to the six
significant digits printed).  Reads the files named (REPL outputs, docs),
checks every such pair whose substituted line holds only numbers, brackets
and the operators and functions below (a line with a name left in it, like
h'(a), is not checked), prints how many it checked, and fails on a mismatch
or when it checked none.  The tolerance follows the digits printed (`set
precision`): 1e-5 relative at the default six.

Operators: + − - · * ⊙ / ^ and juxtaposition of a matrix and a vector (W z);
functions: sqrt, sign, exp, σ, softmax (over the last axis)."""
import ast
import math
import re
import sys


class A:
    """a nested list of numbers with elementwise arithmetic; scalars broadcast"""

    def __init__(self, v):
        self.v = A.plain(v)

    @staticmethod
    def plain(v):
        """[A([1, 2])] as [[1, 2]]: list literals nest"""
        if isinstance(v, A):
            return v.v
        return [A.plain(e) for e in v] if isinstance(v, list) else v

    @staticmethod
    def lift(x):
        return x.v if isinstance(x, A) else x

    @staticmethod
    def depth(v):
        return 1 + A.depth(v[0]) if isinstance(v, list) and v else 0

    @staticmethod
    def map2(f, x, y):
        if isinstance(x, list) and isinstance(y, list) and A.depth(x) != A.depth(y):
            if A.depth(x) > A.depth(y):               # a row broadcast over the rows of a batch
                return [A.map2(f, a, y) for a in x]
            return [A.map2(f, x, b) for b in y]
        if isinstance(x, list) and isinstance(y, list):
            if len(x) != len(y):
                if len(x) == 1:
                    return [A.map2(f, x[0], b) for b in y]
                if len(y) == 1:
                    return [A.map2(f, a, y[0]) for a in x]
                raise ValueError("shapes differ")
            return [A.map2(f, a, b) for a, b in zip(x, y)]
        if isinstance(x, list):
            return [A.map2(f, a, y) for a in x]
        if isinstance(y, list):
            return [A.map2(f, x, b) for b in y]
        return f(x, y)

    def op(self, other, f, flip=False):
        a, b = A.lift(self), A.lift(other)
        return A(A.map2(f, b, a) if flip else A.map2(f, a, b))

    def __add__(self, o): return self.op(o, lambda a, b: a + b)
    def __radd__(self, o): return self.op(o, lambda a, b: a + b, True)
    def __sub__(self, o): return self.op(o, lambda a, b: a - b)
    def __rsub__(self, o): return self.op(o, lambda a, b: a - b, True)
    def __mul__(self, o): return self.op(o, lambda a, b: a * b)
    def __rmul__(self, o): return self.op(o, lambda a, b: a * b, True)
    def __truediv__(self, o): return self.op(o, lambda a, b: a / b if b else (0.0 if a == 0 else math.inf))
    def __rtruediv__(self, o): return self.op(o, lambda a, b: a / b if b else (0.0 if a == 0 else math.inf), True)
    def __pow__(self, o): return self.op(o, lambda a, b: a ** b)
    def __rpow__(self, o): return self.op(o, lambda a, b: a ** b, True)
    def __neg__(self): return self.op(-1.0, lambda a, b: a * b)

    def __matmul__(self, o):
        """W z: a matrix times a vector (one sample, as the course writes it)"""
        m, z = self.v, A.lift(o)
        return A([sum(a * b for a, b in zip(row, z)) for row in m])


def elementwise(f):
    def apply(x):
        def go(v):
            return [go(e) for e in v] if isinstance(v, list) else f(v)
        return A(go(A.lift(x))) if isinstance(x, A) else f(x)
    return apply


def softmax(x):
    def rows(v):
        if v and isinstance(v[0], list):
            return [rows(r) for r in v]
        hi = max(v)
        e = [math.exp(a - hi) for a in v]
        return [a / sum(e) for a in e]
    return A(rows(A.lift(x)))


FUNCS = {
    "sqrt": elementwise(math.sqrt),
    "sign": elementwise(lambda a: (a > 0) - (a < 0)),
    "exp": elementwise(math.exp),
    "sigma": elementwise(lambda a: 1 / (1 + math.exp(-a))),
    "softmax": softmax,
}
ALLOWED = re.compile(r"^[-+*/^()\[\],.0-9e ·⊙−σ]*$")


class Wrap(ast.NodeTransformer):
    def visit_List(self, node):
        self.generic_visit(node)
        return ast.Call(func=ast.Name(id="A", ctx=ast.Load()), args=[node], keywords=[])


def python(expr):
    """the substituted line as Python, or None when it holds a name"""
    bare = expr
    for f in ("sqrt", "sign", "exp", "softmax"):
        bare = bare.replace(f + "(", "(")
    if not ALLOWED.match(bare):
        return None
    e = expr.replace("−", "-").replace("·", "*").replace("⊙", "*").replace("^", "**").replace("σ(", "sigma(")
    e = re.sub(r"\]\s+\[", "] @ [", e)        # W z
    return e


def evaluate(expr):
    tree = ast.parse(expr, mode="eval")
    tree = ast.fix_missing_locations(Wrap().visit(tree))
    return eval(compile(tree, "<explain>", "eval"), {"A": A, **FUNCS, "__builtins__": {}})


def flat(v):
    v = A.lift(v)
    if isinstance(v, list):
        return [x for e in v for x in flat(e)]
    return [float(v)]


def digits(text):
    """the most significant digits any number in text is printed with (set precision)"""
    most = 1
    for m in re.finditer(r"\d+(?:\.\d+)?", text):
        d = m.group(0).replace(".", "").lstrip("0")
        most = max(most, len(d))
    return most


def close(got, want, precision):
    tol = 10.0 ** -(precision - 1)
    return abs(got - want) <= tol * max(abs(got), abs(want)) + 1e-7


def main(paths):
    checked, bad = 0, []
    for path in paths:
        lines = open(path, encoding="utf-8").read().split("\n")
        for i in range(len(lines) - 1):
            m1 = re.match(r"^(\s*)= (.*)$", lines[i])
            m2 = re.match(r"^(\s*)= (.*)$", lines[i + 1])
            if not m1 or not m2 or len(m1.group(1)) != len(m2.group(1)):
                continue
            expr = python(m1.group(2).strip())
            want = python(m2.group(2).strip())
            if expr is None or want is None or re.search(r"[-+*/@]", want.lstrip("-").replace("e-", "e")):
                continue              # a name left in, or the second line is not a plain value
            try:
                got, exp = flat(evaluate(expr)), flat(evaluate(want))
            except (SyntaxError, ValueError, TypeError, ZeroDivisionError, OverflowError) as err:
                bad.append(f"{path}:{i + 1}: cannot evaluate {m1.group(2).strip()!r}: {err}")
                continue
            checked += 1
            p = min(6, max(digits(m1.group(2)), digits(m2.group(2))))
            if len(got) != len(exp) or not all(close(g, w, p) for g, w in zip(got, exp)):
                bad.append(f"{path}:{i + 1}: {m1.group(2).strip()} gives {got}, but explain printed {exp}")
    for b in bad:
        print("FAIL " + b)
    print(f"checked {checked} substituted formulas")
    return 1 if bad or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
