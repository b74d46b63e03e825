/* stack.c — how deep the C stack may go: the limit the system sets
 * (getrlimit, read once), less a reserve that reporting an error needs,
 * measured from the origin main gives.
 * Must not: report the error itself (the caller knows where it is). */
#include "base/stack.h"
#include "base/diag.h"
#include <stddef.h>
#include <sys/resource.h>

static const char *origin;
static size_t budget;

void stack_guard_start(const void *at) {
    if (origin) return;
    origin = at;
    struct rlimit rl;
    size_t limit = 8u << 20;
    if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) limit = (size_t)rl.rlim_cur;
    if (limit > (64u << 20)) limit = 64u << 20;
    /* the reserve: a quarter of the stack, and at least 64 KiB (printing the
     * error, the primitives a check may be called from); at least half of a
     * small stack stays usable */
    size_t reserve = limit / 4 > (64u << 10) ? limit / 4 : (64u << 10);
    if (reserve > limit / 4 * 3) reserve = limit / 4 * 3;
    budget = limit - reserve;
}

bool stack_low(void) {
    char here;
    if (!origin) return false;
    size_t used = (size_t)(origin > &here ? origin - &here : &here - origin);
    return used > budget;
}

void stack_guard(SrcLoc loc) {
    if (stack_low())
        fail_at(loc, "nested too deeply: calls, models and expressions inside one another need more "
                     "stack than nnl allows (does something call itself forever?)");
}
