/* runstat.c — runs a command and reports its wall time and peak memory, for
 * bench/run.sh: `runstat OUT CMD ARGS...` writes "WALL_SECONDS MAXRSS_KB" to
 * the file OUT and exits with the command's status.  The command's own
 * standard output and error pass through untouched.
 * Must not: print anything of its own on stdout/stderr but errors, or time
 * more than the command (the clock starts just before fork, stops at wait4). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: runstat OUT CMD [ARGS...]\n"); return 2; }
    double start = now();
    pid_t pid = fork();
    if (pid < 0) { perror("runstat: fork"); return 2; }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        fprintf(stderr, "runstat: cannot run %s: %s\n", argv[2], strerror(errno));
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) { perror("runstat: wait4"); return 2; }
    double wall = now() - start;
    FILE *out = fopen(argv[1], "w");
    if (!out) { fprintf(stderr, "runstat: cannot write %s: %s\n", argv[1], strerror(errno)); return 2; }
    fprintf(out, "%.6f %ld\n", wall, ru.ru_maxrss);     /* ru_maxrss is in KiB on Linux */
    fclose(out);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
