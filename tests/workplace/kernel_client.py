#!/usr/bin/env python3
"""The nnl Jupyter kernel driven through jupyter_client, as a notebook drives
it: a KernelManager starts the installed kernel spec (JUPYTER_PATH), then
execute, complete (Tab), inspect (Shift-Tab), is_complete (a console's Enter), interrupt, a
cell left open.
Prints one line per reply, made comparable (tests/workplace/kernel.out is
the golden output); a reply that does not come within a minute is a failure
(the kernel hangs), printed as "NO REPLY".  usage: kernel_client.py"""
import re
import queue
import sys
import time

from jupyter_client.manager import KernelManager

TIMEOUT = 60


def main():
    km = KernelManager(kernel_name="nnl")
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=TIMEOUT)
        session(km, kc)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def reply(kc, msg_id):
    """the shell reply to msg_id (None after TIMEOUT)"""
    end = time.monotonic() + TIMEOUT
    while time.monotonic() < end:
        try:
            msg = kc.get_shell_msg(timeout=1)
        except queue.Empty:
            continue
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg["content"]
    return None


def outputs(kc, msg_id, until_idle=True):
    """the iopub messages of msg_id (stream text and errors) until the kernel is idle"""
    got = []
    end = time.monotonic() + TIMEOUT
    while time.monotonic() < end:
        try:
            msg = kc.get_iopub_msg(timeout=1)
        except queue.Empty:
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, c = msg["msg_type"], msg["content"]
        if kind == "status" and c["execution_state"] == "idle":
            return got
        if kind == "stream":
            got.append(c["text"])
        elif kind == "error":
            got.append("[error %s: %s]\n" % (c["ename"], c["evalue"]))
            got.extend("[traceback] %s\n" % line for line in c["traceback"])
    got.append("[NO IDLE]\n")
    return got


# stop_on_error=False: after a cell's error ipykernel aborts what comes within
# a moment (as a notebook's "run all" stops); the cells here are sent one by one
def execute(kc, label, code, mask=False):
    msg_id = kc.execute(code, stop_on_error=False)
    r = reply(kc, msg_id)
    text = "".join(outputs(kc, msg_id))
    if r is None:
        print("execute %s: NO REPLY" % label)
        return
    status = r["status"] + (" %s: %s" % (r["ename"], r["evalue"]) if r["status"] == "error" else "")
    print("execute %s: %s" % (label, status))
    for line in text.splitlines():
        print("  | " + (re.sub(r"loss [-+.e0-9]+", "loss N", line) if mask else line))


def complete(kc, code, pos=None):
    pos = len(code) if pos is None else pos
    r = reply(kc, kc.complete(code, pos))
    if r is None:
        print("complete %r: NO REPLY" % code)
        return
    types = {t["text"]: t["type"] for t in r["metadata"].get("_jupyter_types_experimental", [])}
    print("complete %r at %d: %s, replaces %d..%d: %s" % (
        code, pos, r["status"], r["cursor_start"], r["cursor_end"],
        " ".join("%s(%s)" % (m, types.get(m, "?")) for m in r["matches"])))


def inspect(kc, code, pos):
    r = reply(kc, kc.inspect(code, pos))
    if r is None:
        print("inspect %r: NO REPLY" % code)
        return
    print("inspect %r at %d: %s, found %s" % (code, pos, r["status"], r["found"]))
    for line in r["data"].get("text/markdown", "").splitlines():
        print("  | " + line)


def is_complete(kc, code):
    r = reply(kc, kc.is_complete(code))
    print("is_complete %r: %s" % (code, "NO REPLY" if r is None else "%s, indent %r" % (r["status"], r.get("indent", ""))))


def session(km, kc):
    execute(kc, "definitions", """data d {
  [0, 0] -> [0]
  [0, 1] -> [1]
  [1, 0] -> [1]
  [1, 1] -> [0]
}
model net { input 2; dense 3 tanh; dense 1 sigmoid; }
loss mse
optimizer sgd(lr=0.5)
seed 1
# twice its argument, and one
def twice_plus(x) = 2 * x + 1
answer = 42
""")
    # Tab: the language server's completion, from the live interpreter
    complete(kc, "print ans")
    complete(kc, "print ne")
    complete(kc, "print net.")
    complete(kc, "print net.2.")
    complete(kc, "summ")
    complete(kc, "y = twi")
    complete(kc, "y = rel")
    complete(kc, "x = 1\nprint net.1.W + ans", len("x = 1\nprint net.1"))
    # Shift-Tab: its hover
    inspect(kc, "print net", 8)
    inspect(kc, "print net.2.W", 12)
    inspect(kc, "twice_plus(3)", 3)
    inspect(kc, "y = relu(x)", 6)
    inspect(kc, "train net on d epochs 10", 20)
    inspect(kc, "train net on d epochs 10", 2)
    inspect(kc, "loss mse", 1)
    inspect(kc, "explain", 2)
    inspect(kc, "nothing_here", 3)

    # a console's Enter: more lines while a bracket is open
    is_complete(kc, "print answer")
    is_complete(kc, "model m {\n  input 2")
    is_complete(kc, "v = [1,\n 2]")
    is_complete(kc, "x = 1 + \\")

    # interrupt: train for ever, interrupt once it has started; the rest of the cell does not run
    msg_id = kc.execute("train net on d epochs 100000000 batch 4\nanswer = 7\n", stop_on_error=False)
    end, started = time.monotonic() + TIMEOUT, False
    text = []
    while time.monotonic() < end and not started:
        try:
            msg = kc.get_iopub_msg(timeout=1)
        except queue.Empty:
            continue
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream":
            started = "epoch" in msg["content"]["text"]
    print("train started:", started)
    km.interrupt_kernel()
    r = reply(kc, msg_id)
    text = "".join(outputs(kc, msg_id))
    print("interrupted train: %s" % ("NO REPLY" if r is None else "%s %s" % (r["status"], r.get("ename"))))
    print("  it says it stopped:", "interrupted: training stopped after epoch" in text)
    print("  its error:", [line for line in text.splitlines() if line.startswith("[error")])
    execute(kc, "after the interrupt", "print answer\nprint twice_plus(answer)\n")
    execute(kc, "a second train", "train net on d epochs 2 batch 4\n", mask=True)

    # a cell ending inside an open bracket: an error at it, and the kernel goes on
    execute(kc, "open def", "def f(x) {\n  x + 1\n")
    execute(kc, "open model", "print answer\nmodel m {\n  input 2\n  dense 1\n")
    execute(kc, "open list", "v = [1, 2,\n")
    execute(kc, "after the open cells", "print answer + 1\nprint f\n")
    # an error in the middle of a cell: at the cell's line, and the rest still runs (as at the REPL)
    execute(kc, "an error on line 2", "print 1\nprint nope\nprint 3\n")


if __name__ == "__main__":
    main()
