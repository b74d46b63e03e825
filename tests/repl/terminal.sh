#!/usr/bin/env bash
# Drives the interactive REPL in a real terminal (tmux): the prompt and the
# continuation prompt, tab completion of names and parameters (and only of
# names that can stand where the word is), history recall, Ctrl-C at the
# prompt, during `train` (also in a for loop's body) and `sanity overfit`,
# an unclosed bracket reported at once, Ctrl-D (also inside an open block),
# ~/.nnl_history.
# Each wait is bounded (polling, 15 s at most); prints the screen on failure.
set -u
NNL=${NNL:-build/nnl}
NNL=$(cd "$(dirname "$NNL")" && pwd)/$(basename "$NNL")
sock=nnltest$$
. "$(dirname "$0")/tmux.sh"

start_session 110 50
wait_prompt 'nnl>'

# a block: the continuation prompt until it is closed
send 'model net {' Enter
wait_prompt '...>'
send 'input 2' Enter 'dense 2 sigmoid with W = [[0.15, -0.2], [0.25, 0.3]], b = [0.35, -0.1]' Enter '}' Enter
wait_prompt 'nnl>'

# tab completion: net. -> net.1. -> both parameters listed
send 'print net.' Tab
wait_for 'print net\.1\.$'
send Tab Tab
wait_for 'net\.1\.W +net\.1\.b'
send 'W' Enter
wait_for '^\[\[0\.150*[0-9]*, .*\]\]$'

# history: Up recalls the last line
send Up
wait_for '^nnl> print net\.1\.W$'
send Enter
wait_for '^\[\[0\.150*[0-9]*, .*\]\]$' 2

# Ctrl-C at the prompt drops the line typed so far
send 'bogus_name' C-c
wait_for '\^C'
send 'print 40 + 2' Enter
wait_for '^42$'
screen | grep -q "unknown name 'bogus_name'" && die "Ctrl-C did not clear the line"

# Ctrl-C during train stops after the current batch and keeps the weights
send 'data d {' Enter '[0, 1] -> [1]' Enter '}' Enter 'model big {' Enter 'input 2' Enter 'dense 32 tanh' Enter \
     'dense 1 sigmoid' Enter '}' Enter 'loss mse' Enter 'optimizer sgd(lr=0.1)' Enter
send 'train big on d epochs 1000000000' Enter
wait_for 'epoch +1/1000000000'
sleep 0.3
send C-c
wait_for 'interrupted: training stopped after epoch [0-9]+, batch 1'
send 'print big.2.b' Enter
wait_for '^\[[-0-9.e]+\]$'

# Ctrl-C during any other long statement (sanity overfit for a million
# epochs) stops it, says so, and the prompt comes back with the state
# (two rows that contradict each other: never fitted)
send 'data c {' Enter '[0, 1] -> [1]' Enter '[0, 1] -> [0]' Enter '}' Enter
send 'sanity overfit big on c epochs 1000000' Enter
sleep 0.5
send C-c
wait_for "<repl>:[0-9]+:1: error: interrupted \(Ctrl-C\)"
wait_prompt 'nnl>'
send 'print big.2.b' Enter
wait_for '^\[[-0-9.e]+\]$' 2

# an error does not end the session
send 'print nope' Enter
wait_for "error: unknown name 'nope'"
send 'print 6 * 7' Enter
wait_for '^42$' 2

# tab completion offers only what can stand there: after `optimizer` the
# optimizers (ad -> adagrad, adam; not the primitive add), after `loss` the
# losses, after `init` the initialisers, after `train` a model, then `on`,
# then a data set
send 'optimizer ad' Tab
wait_for '^nnl> optimizer ada$'
send Tab Tab
wait_for '^adagrad +adam *$'
screen | grep -qE '(^| )add( |$)' && die "optimizer ad offered add"
send C-u 'loss mean_s' Tab
wait_for '^nnl> loss mean_squared_error *$'
send C-u 'loss he' Tab
sleep 0.3
send Tab Tab
sleep 0.3
screen | grep -q 'he_normal' && die "loss offered an initialiser"
send C-u 'init he_n' Tab
wait_for '^nnl> init he_normal *$'
send C-u 'train n' Tab 'o' Tab 'd' Tab
wait_for '^nnl> train net on d *$'
send C-u 'print 1' Enter
wait_prompt 'nnl>'

# an unclosed bracket is reported as soon as the input cannot be completed,
# at its opener, and the session goes on: an empty line inside ( or [ ...
send 'print max([0, 1]' Enter
wait_prompt '...>'
send Enter
wait_for "<repl>:[0-9]+:10: error: this '\(' is not closed: an empty line gives the statement up"
wait_prompt 'nnl>'
# ... or a line that starts a statement, which then runs on its own
send 'print max([0, 1]' Enter 'print 5 * 9' Enter
wait_for "error: this '\(' is not closed: the next line starts a new statement"
wait_for '^45$'
wait_prompt 'nnl>'

# a sweep typed at the prompt: a model and train inside a for body are no
# unclosed bracket; Ctrl-C stops the round's training and the loop
send 'for lr in [0.1, 0.5] {' Enter 'model w {' Enter 'input 2' Enter 'dense 32 tanh' Enter 'dense 1 sigmoid' Enter \
     '}' Enter 'optimizer sgd(lr=lr)' Enter 'train w on d epochs 1000000000' Enter
wait_prompt '...>'
send '}' Enter
wait_for 'epoch +1/1000000000' 2
sleep 0.3
send C-c
wait_for 'interrupted: the loop stopped in its round with lr = 0.1'
wait_prompt 'nnl>'
screen | grep -q "is not closed" && [ "$(screen | grep -c 'is not closed')" -gt 2 ] && die "a for body was taken for an unclosed bracket"
send 'print lr, w.1.W[0:2, 0]' Enter
wait_for '^0\.1 \[[-0-9.e]+, [-0-9.e]+\]$'

# Ctrl-D quits with status 0 and saves the history
send C-d
wait_for '^EXITED 0$'
grep -q 'print net.1.W' "$home/.nnl_history" || die "history was not saved to ~/.nnl_history"

# Ctrl-D inside an open block is an error at its opener, and exit status 1
start_session 110 50
wait_prompt 'nnl>'
send 'model m {' Enter
wait_prompt '...>'
send C-d
wait_for "error: this '\{' is not closed: the input ended first"
wait_for '^EXITED 1$'
echo "terminal session ok"
