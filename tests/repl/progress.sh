#!/usr/bin/env bash
# train's progress on a real terminal (tmux): the line of the current epoch
# is rewritten in place (only one unfinished line is ever on the screen, and
# it changes), each reported epoch's line is finished and stays, and Ctrl-C
# stops after the batch, finishes the line, says so and gives the prompt back.
# Each wait is bounded (polling, 20 s at most); prints the screen on failure.
set -u
NNL=${NNL:-build/nnl}
NNL=$(cd "$(dirname "$NNL")" && pwd)/$(basename "$NNL")
sock=nnlprogress$$
. "$(dirname "$0")/tmux.sh"

live='^epoch +[0-9]+/1000 \[[=>.]+\] +[0-9]+/25000  ([0-9,]+ samples/s  )?[0-9:]+ ETA [0-9:]+  loss [-0-9.e]+$'
finished='^epoch +[0-9]+/1000  loss [-0-9.e]+  \([0-9:]+, [0-9,]+ samples/s\)$'
# the unfinished lines on the screen: never more than one (none for a moment
# after an epoch's line is finished, until the next batch redraws)
one_live() {
    local n
    n=$(screen | grep -cE '^epoch .*\[[=>.]+\]')
    [ "$n" -le 1 ] || die "$n unfinished progress lines on the screen, not 1"
}
# the live line's text, waiting for one to be on the screen
live_text() {
    local t
    for _ in $(seq 200); do
        t=$(screen | grep -E "$live")
        [ -n "$t" ] && { echo "$t"; return 0; }
        sleep 0.1
    done
    return 1
}

start_session 80 40
wait_prompt 'nnl>'
# 100,000 rows in batches of 4: an epoch takes long enough to be seen half done
send 'data d = generate("moons", n=100000, noise=0.2, seed=1)' Enter
send 'model net {' Enter 'input 2' Enter 'dense 16 tanh' Enter 'dense 2 softmax' Enter '}' Enter
send 'loss cross_entropy' Enter 'optimizer sgd(lr=0.05)' Enter 'seed 1' Enter
wait_prompt 'nnl>'
send 'train net on d epochs 1000 batch 4 log every 2' Enter

# the first epoch's line is finished and stays; the live line runs below it
wait_for '^epoch +1/1000  loss '
wait_for "$live"
one_live
first=$(live_text) || die "no live line"
# it is rewritten in place: another text on the same single line
for _ in $(seq 200); do
    now=$(live_text) || die "no live line"
    one_live
    [ "$now" != "$first" ] && break
    sleep 0.1
done
[ "$now" != "$first" ] || die "the live line was never rewritten"
one_live
# epoch 2 is reported (log every 2): finished, and epoch 1's line is still there
wait_for '^epoch +2/1000  loss '
screen | grep -qE "$finished" || die "a finished epoch's line lacks its time and speed"
[ "$(screen | grep -cE '^epoch +1/1000  loss ')" -eq 1 ] || die "epoch 1's line did not stay"
screen | grep -qE '^epoch +3/1000  loss ' && die "epoch 3 is not reported (log every 2) but its line stayed"
wait_for "$live"
one_live

# Ctrl-C: stops after the batch; the live line is finished as it stood, then the message
send C-c
wait_for '^interrupted: training stopped after epoch [0-9]+, batch [0-9]+'
wait_prompt 'nnl>'
msg=$(screen | grep -E '^interrupted: ')
e=$(echo "$msg" | sed -E 's/.*after epoch ([0-9]+), batch ([0-9]+).*/\1/')
b=$(echo "$msg" | sed -E 's/.*after epoch ([0-9]+), batch ([0-9]+).*/\2/')
above=$(screen | grep -B1 -E '^interrupted: ' | head -n 1)
echo "$above" | grep -qE "^epoch +$e/1000 \[[=>.]+\] +$b/25000 " ||
    die "the line above the message is not epoch $e, batch $b: '$above'"
# the history holds the finished epochs, not the interrupted one
send 'history net' Enter
wait_for "^history of net: $((e - 1)) epochs? in 1 train statement$"
wait_prompt 'nnl>'

send C-d
wait_for '^EXITED 0$'
echo "progress on a terminal ok"
