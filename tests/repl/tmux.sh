# tests/repl/tmux.sh — sourced by the terminal tests (terminal.sh,
# progress.sh): nnl in a real terminal, a tmux server of the test's own.
# Every wait polls the screen, 20 s at most, and prints the screen when it
# gives up.  Needs NNL (the binary, absolute) and a name for the socket.
home=$(mktemp -d)
sock=${sock:-nnlterm$$}
tm() { tmux -L "$sock" "$@"; }
cleanup() { tm kill-server > /dev/null 2>&1; rm -rf "$home"; }
trap cleanup EXIT

screen() { tm capture-pane -t repl -p -S -200; }
die() { echo "FAILED: $1"; echo "--- screen ---"; screen; exit 1; }

# start_session COLUMNS ROWS: nnl at a fresh terminal of that size.  The
# old server is gone first: killing a server's last session makes it exit,
# and a new session asked for meanwhile meets a dying server ("server exited
# unexpectedly" under load), so wait for it and try again
start_session() {
    tm kill-server > /dev/null 2>&1
    for _ in $(seq 50); do tm has-session > /dev/null 2>&1 || break; sleep 0.1; done
    for _ in 1 2 3; do
        tm new-session -d -s repl -x "$1" -y "$2" "HOME=$home $NNL; echo EXITED \$?; sleep 30" && return 0
        sleep 0.5
    done
    die "tmux did not start a session"
}

# wait until the screen shows $1 (a grep -E pattern) at least $2 times
wait_for() {
    local want=${2:-1}
    for _ in $(seq 200); do
        [ "$(screen | grep -cE -- "$1")" -ge "$want" ] && return 0
        sleep 0.1
    done
    die "never saw '$1' (x$want)"
}
send() { tm send-keys -t repl "$@"; }
# wait until the last line on the screen is exactly the prompt $1
wait_prompt() {
    for _ in $(seq 200); do
        [ "$(screen | grep -v '^ *$' | tail -n 1)" = "$1" ] && return 0
        sleep 0.1
    done
    die "the prompt '$1' never came back"
}
