# Splits the ```repl transcripts of a document into what was typed and what
# nnl printed: lines starting "nnl> " or "...> " go (without the prompt) to
# dir/input, every other line of a transcript to dir/expected.
# usage: awk -v dir=DIR -f tests/repl_doc.awk docs/repl.md
/^```repl$/ { inside = 1; next }
/^```$/     { inside = 0; next }
inside && /^(nnl|\.\.\.)> / { print substr($0, 6) > (dir "/input"); next }
inside { print > (dir "/expected") }
