#!/usr/bin/env python3
"""A scripted LSP client: starts `nnl lsp`, sends the messages of a session
(one JSON object a line; "$DOC" is the URI of a document in a scratch folder,
"text_file": F puts F's text in a didOpen/didChange), and prints every
message the server sends, one a line, then "exit N".  Paths are written as
$ROOT (this repository) and $TMP (the scratch folder), so the output can be
compared with a golden file.  usage: client.py NNL SESSION.jsonl"""
import json, os, subprocess, sys, tempfile

def frame(obj):
    body = json.dumps(obj).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body

def main():
    nnl, session = sys.argv[1], sys.argv[2]
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    tmp = tempfile.mkdtemp()
    doc = "file://" + os.path.join(tmp, "doc.nnl")
    data = b""
    for line in open(session, encoding="utf-8"):
        if not line.strip() or line.startswith("//"):
            continue
        line = line.replace("$DOC", doc)
        msg = json.loads(line)
        params = msg.get("params", {})
        text_file = params.pop("text_file", None)
        if text_file:
            text = open(os.path.join(root, text_file), encoding="utf-8").read()
            if "contentChanges" in params:
                params["contentChanges"] = [{"text": text}]
            else:
                params["textDocument"]["text"] = text
        data += frame(msg)
    p = subprocess.run([nnl, "lsp"], input=data, capture_output=True, timeout=120)
    out = p.stdout
    while out:
        head, _, rest = out.partition(b"\r\n\r\n")
        length = int(head.decode().split(":")[1])
        text = json.dumps(json.loads(rest[:length]), ensure_ascii=False)
        print(text.replace(os.path.realpath(tmp), "$TMP").replace(tmp, "$TMP").replace(root, "$ROOT"))
        out = rest[length:]
    print("exit", p.returncode)
    if p.stderr:
        print("stderr:", p.stderr.decode(errors="replace"))

main()
