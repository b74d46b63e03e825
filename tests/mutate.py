"""make mutate: plants each mutation of tests/mutations.txt, one at a time,
in a scratch copy of the tree, and reports which the tests catch.

For each mutation: the line is changed in the copy, the copy is rebuilt
(incrementally: nnl, the unit tests and the test tools; not the fuzz
targets, which make test builds only where clang has libFuzzer), then its
`quick:` test runs; when that passes the whole suite runs (tests/run.sh, as
make test runs it, without the fuzz section) and its FAIL lines say what
caught the mutation, or nothing did: a survivor.  The file is put back before
the next.  Each quick test must pass on the unmutated copy first: one that
fails anyway (or names a test that does not exist) would count every mutant
it names as killed.  At the end a table: mutation, file, verdict, the test that caught
it.  Exit status 1 when a mutation survives that is not marked equivalent
(or does not compile: a mutant that the compiler refuses tests nothing), 2
when the list no longer matches the code (a `from` line not found: code
moved; fix the list) or names a quick test that does not exist.

usage: python3 tests/mutate.py [--only ID,ID] [--keep] [--jobs N]
   MUTATE_DIR=/tmp/x  scratch folder (default: a new one under /tmp)
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIST = os.path.join(ROOT, "tests", "mutations.txt")

# the quick tests: shell functions run in the scratch tree (NNL=build/nnl)
HELPERS = r'''
set -u
NNL=build/nnl
export OPENBLAS_CORETYPE=Prescott
unit() { out=$(timeout 600 build/tests/$1 2>&1); st=$?; ! echo "$out" | grep -q '^FAIL ' && [ $st -eq 0 ] || { echo "unit $1"; echo "$out" | grep '^FAIL ' | head -3; return 1; }; }
err() { s=tests/errors/$1.nnl; want=1; [ -f tests/errors/$1.status ] && want=$(cat tests/errors/$1.status)
        envs=""; [ -f tests/errors/$1.env ] && envs=$(cat tests/errors/$1.env)
        env $envs timeout 300 $NNL $s > /tmp/mut.$$.out 2> /tmp/mut.$$.err; st=$?
        [ $st -eq $want ] && diff -q tests/errors/$1.err /tmp/mut.$$.err > /dev/null &&
        { [ ! -f tests/errors/$1.out ] || diff -q tests/errors/$1.out /tmp/mut.$$.out > /dev/null; } || { echo "err $1 (exit $st)"; return 1; }; }
golden() { s=tests/golden/$1.nnl; [ -f $s ] || s=examples/$1.nnl
           { timeout 600 $NNL $s 2>&1; echo "exit $?"; } > /tmp/mut.$$.out
           diff -q tests/golden/$1.out /tmp/mut.$$.out > /dev/null || { echo "golden $1"; return 1; }; }
ref() { s=tests/reference/$1.nnl; tol=1e-5; [ -f tests/reference/$1.tol ] && tol=$(cat tests/reference/$1.tol)
        timeout 300 $NNL $s > /tmp/mut.$$.out 2>&1 && awk -v tol=$tol -f tests/numdiff.awk tests/reference/$1.expected /tmp/mut.$$.out > /dev/null ||
        { echo "reference $1"; return 1; }; }
meanings() { out=$(timeout 600 python3 tests/meanings.py $NNL 2>&1) || { echo "meanings: $(echo "$out" | grep '^FAIL' | head -1 | cut -c6-)"; return 1; }; }
'''


# FAIL lines not counted: the headless-browser checks wait for the page with
# timeouts, which a machine busy building mutants can miss; none of the
# mutated code is the page's own.  Nor the check that this list matches the
# code: every mutant changes a listed line, so it would kill them all
NOISE = re.compile(r"^FAIL (browser|view): |^FAIL tests/mutations.txt no longer matches the code")


def failures(out):
    return [l[5:] for l in out.splitlines() if l.startswith("FAIL ") and not NOISE.match(l)]


def parse(path):
    muts, cur = [], None
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        m = re.match(r"^\[(.+)\]$", line)
        if m:
            cur = {"id": m.group(1), "nth": 1, "line": n}
            muts.append(cur)
            continue
        key, _, value = line.partition(":")
        if cur is None or key not in ("file", "from", "to", "quick", "equivalent", "nth"):
            sys.exit("%s:%d: cannot read this line" % (path, n))
        value = value[1:] if value.startswith(" ") else value
        cur[key] = int(value) if key == "nth" else (value.strip() if key in ("from", "to") else value.strip())
    for m in muts:
        for k in ("file", "from", "to"):
            if k not in m:
                sys.exit("%s:%d: mutation %s has no '%s:'" % (path, m["line"], m["id"], k))
    return muts


def locate(text, m):
    """the index of the line m changes, or an error message"""
    lines = text.split("\n")
    hits = [i for i, l in enumerate(lines) if l.strip() == m["from"]]
    if len(hits) < m["nth"]:
        return None, "line not found%s: %s" % ("" if not hits else " %d times (nth %d)" % (len(hits), m["nth"]), m["from"])
    return hits[m["nth"] - 1], None


def quick_tests(m):
    """the commands of m's `quick:`, one a test"""
    return [q.strip() for q in m.get("quick", "").split(";") if q.strip()]


def quick_missing(q, root):
    """why quick test q cannot run (a helper or a file that does not exist), or None"""
    words = q.replace("'", " ").replace('"', " ").split()
    helper, name = words[0], (words[1] if len(words) > 1 else "")
    need = {"unit": ["tests/unit/%s.c"], "err": ["tests/errors/%s.nnl", "tests/errors/%s.err"],
            "golden": ["tests/golden/%s.out"], "ref": ["tests/reference/%s.nnl", "tests/reference/%s.expected"],
            "meanings": []}
    if helper not in need:
        return "no quick test '%s' (unit, err, golden, ref or meanings)" % helper
    if helper != "meanings" and not name:
        return "'%s' names no test" % q
    files = [f % name for f in need[helper]]
    if helper == "golden":
        files.append("tests/golden/%s.nnl" % name if os.path.isfile(os.path.join(root, "tests/golden/%s.nnl" % name))
                     else "examples/%s.nnl" % name)
    for f in files:
        if not os.path.isfile(os.path.join(root, f)):
            return "quick: %s: no %s" % (q, f)
    return None


def check_list(muts, root):
    bad = []
    for m in muts:
        for q in quick_tests(m):
            why = quick_missing(q, root)
            if why:
                bad.append("%s: %s" % (m["id"], why))
        path = os.path.join(root, m["file"])
        if not os.path.isfile(path):
            bad.append("%s: %s: no such file" % (m["id"], m["file"]))
            continue
        _, why = locate(open(path, encoding="utf-8").read(), m)
        if why:
            bad.append("%s: %s: %s" % (m["id"], m["file"], why))
    return bad


def sh(cmd, cwd, timeout):
    try:
        p = subprocess.run(["bash", "-c", cmd], cwd=cwd, capture_output=True, text=True, timeout=timeout)
        return p.returncode, p.stdout + p.stderr
    except subprocess.TimeoutExpired:
        return 124, "timed out after %d s" % timeout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folder")
    ap.add_argument("--jobs", default="2")
    ap.add_argument("--check", action="store_true", help="only check that every listed line is still in the code")
    args = ap.parse_args()
    muts = parse(LIST)
    bad = check_list(muts, ROOT)
    if bad:
        print("mutate: the list no longer matches the code or the tests (tests/mutations.txt):", file=sys.stderr)
        for b in bad:
            print("  " + b, file=sys.stderr)
        sys.exit(2)
    if args.check:
        print("mutate: all %d listed lines are in the code, and the quick tests they name exist" % len(muts))
        return
    if args.only:
        want = set(args.only.split(","))
        muts = [m for m in muts if m["id"] in want]

    scratch = os.environ.get("MUTATE_DIR") or tempfile.mkdtemp(prefix="nnl-mutate-")
    tree = os.path.join(scratch, "tree")
    print("mutate: %d mutations in %s" % (len(muts), tree), flush=True)
    if not os.path.isdir(tree):
        # the working tree as it is (tracked and new files), built once
        files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                               capture_output=True, check=True).stdout.decode().split("\0")
        for f in filter(None, files):
            src = os.path.join(ROOT, f)
            if os.path.isfile(src):
                os.makedirs(os.path.dirname(os.path.join(tree, f)), exist_ok=True)
                shutil.copy2(src, os.path.join(tree, f))
    units = " ".join("build/tests/" + f[:-2] for f in sorted(os.listdir(os.path.join(tree, "tests", "unit")))
                     if f.endswith(".c"))
    tools = " ".join("build/tools/" + f[:-2] for f in sorted(os.listdir(os.path.join(tree, "tests", "tools")))
                     if f.endswith(".c"))
    # what tests/run.sh reads besides nnl: the unit tests, the tools, the editors' syntax files
    editors = "build/editors/nnl.vim build/editors/ftdetect/nnl.vim build/editors/nnl.tmLanguage.json"
    build = "make -s -j%s BUILD=build build/nnl %s %s %s" % (args.jobs, units, tools, editors)
    st, out = sh(build, tree, 3600)
    if st != 0:
        sys.exit("mutate: the unmutated copy does not build:\n" + out[-2000:])
    st, out = sh("BUILD=build tests/run.sh", tree, 3600)
    if failures(out) or not re.search(r"\d+ passed", out):
        sys.exit("mutate: the unmutated copy fails its tests; fix that first:\n" + "\n".join(failures(out))[:3000])

    # a quick test that fails without any mutation would count every mutant it names as killed
    broken = []
    for q in sorted({q for m in muts for q in quick_tests(m)}):
        st, out = sh(HELPERS + "\n" + q, tree, 1800)
        if st != 0:
            broken.append("%s (%s): %s" % (q, ", ".join(m["id"] for m in muts if q in quick_tests(m)),
                                           out.strip().splitlines()[0] if out.strip() else "exit %d" % st))
    if broken:
        sys.exit("mutate: these quick tests fail on the unmutated copy; fix tests/mutations.txt:\n  " + "\n  ".join(broken))

    rows = []
    for m in muts:
        t0 = time.time()
        path = os.path.join(tree, m["file"])
        original = open(path, encoding="utf-8").read()
        at, _ = locate(original, m)
        lines = original.split("\n")
        indent = lines[at][:len(lines[at]) - len(lines[at].lstrip())]
        lines[at] = indent + m["to"]
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
        try:
            st, out = sh(build, tree, 1800)
            if st != 0:
                verdict, by = "no build", "the mutant does not compile: rewrite it (" + out.strip().splitlines()[-1][:80] + ")"
            else:
                verdict, by = "survived", ""
                if m.get("quick"):
                    st, out = sh(HELPERS + "\n" + " && ".join(quick_tests(m)), tree, 1800)
                    if st != 0:
                        verdict, by = "killed", out.strip().splitlines()[0] if out.strip() else "quick test"
                if verdict == "survived":
                    st, out = sh("BUILD=build tests/run.sh", tree, 3600)
                    fails = failures(out)
                    if fails or not re.search(r"\d+ passed", out):
                        verdict = "killed"
                        by = "make test: " + (fails[0] if fails else "no summary, exit %d" % st) + \
                             (" (+%d more)" % (len(fails) - 1) if len(fails) > 1 else "")
                if verdict == "survived" and m.get("equivalent"):
                    verdict, by = "equivalent", m["equivalent"]
        finally:
            with open(path, "w", encoding="utf-8") as f:
                f.write(original)
        rows.append((m["id"], m["file"], verdict, by))
        print("%-28s %-26s %-10s %s  (%.0f s)" % (m["id"], m["file"], verdict, by[:100], time.time() - t0), flush=True)
    sh(build, tree, 3600)       # leave the copy built as it was

    print()
    print("| mutation | file | verdict | caught by |")
    print("|---|---|---|---|")
    for r in rows:
        print("| %s | %s | %s | %s |" % (r[0], r[1], r[2], r[3].replace("|", "/")))
    survivors = [r for r in rows if r[2] in ("survived", "no build")]
    killed = sum(r[2] == "killed" for r in rows)
    print("\n%d mutations: %d killed, %d equivalent, %d survived, %d do not compile" %
          (len(rows), killed, sum(r[2] == "equivalent" for r in rows), sum(r[2] == "survived" for r in rows),
           sum(r[2] == "no build" for r in rows)))
    if not args.keep and not os.environ.get("MUTATE_DIR"):
        shutil.rmtree(scratch, ignore_errors=True)
    sys.exit(1 if survivors else 0)


if __name__ == "__main__":
    main()
