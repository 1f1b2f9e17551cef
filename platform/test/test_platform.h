/*
 * The "test" platform: NTO's core hosted in an ordinary Linux process, for
 * unit tests and fuzzers. It implements every function of nto/hal.h and
 * adds what a test needs to drive and observe the core:
 *
 *  - memory: the program's range is a PROT_NONE reservation at
 *    [TEST_USER_MIN, TEST_USER_MAX) and the core heap range another one;
 *    hal_mem_* commit and release pages in them and keep a page map, so a
 *    hal_copy_* the core's own map let through but the hardware would fault
 *    on is caught and counted as a contract violation;
 *  - no-return calls: hal_exit and hal_enter_user longjmp back to the
 *    innermost test_catch();
 *  - the host: an in-process fake host that captures stdout/stderr, feeds
 *    stdin, tells the time and serves a small host directory; a test can
 *    install a hook that answers any host call instead (hostile replies);
 *  - time: the clock is real plus the time "slept", hal_thread_wait only
 *    advances it; a sleep budget turns an endless wait into TEST_STUCK;
 *  - reset: test_platform_reset() gives a fresh process without fork (heap
 *    freed, memory released, the core's globals restored from a snapshot).
 *
 * Include only with nto headers (not with libc's): see test_libc.h.
 */
#ifndef NTO_TEST_PLATFORM_H
#define NTO_TEST_PLATFORM_H

#include <nto/abi.h>
#include <nto/hostcall.h>

#define TEST_USER_MIN   0x10000UL
#define TEST_USER_MAX   0x40000000UL /* 1 GiB: room for non-PIE programs at 0x400000 */
#define TEST_KHEAP_SIZE (1UL << 30)
#define TEST_HOSTFS_ID  7 /* mount id the fake host serves its directory under */

/* Reserves the ranges (idempotent). The first call snapshots the core's
 * globals for test_platform_reset. */
void test_platform_init(void);
uptr test_kheap_base(void);

/* A fresh process: frees every core heap block (when the heap is the
 * ASan-backed one), releases all committed memory, restores the core's
 * globals to their state at load, and resets this platform's state. */
void test_platform_reset(void);

/* ---- no-return calls ---- */
enum test_outcome {
	TEST_RETURNED = 1, /* fn returned */
	TEST_EXITED,       /* hal_exit(test_exit_status) */
	TEST_ENTERED,      /* hal_enter_user(&test_entered_regs) */
	TEST_STUCK,        /* the sleep budget ran out: an endless wait */
};
/* Runs fn(arg), catching hal_exit, hal_enter_user and TEST_STUCK. Nests. */
int test_catch(void (*fn)(void *arg), void *arg);
extern int test_exit_status;
extern struct nto_regs test_entered_regs;
extern uint64_t test_tls;

/* ---- contract checks ---- */
/* Number of HAL contract violations by the core since the last reset
 * (memory calls outside its ranges, double commits, copies that would
 * fault, bad host-call requests). */
int test_hal_violations(void);
const char *test_hal_last_violation(void);
/* True once the core called kpanic (seen as "nto: core panic:" on stderr). */
bool test_panicked(void);
/* The page protection the platform committed at va, or -1 if none. */
int test_page_prot(uptr va);
uint64_t test_committed_bytes(void);

/* ---- time ---- */
/* Replaces the clock: fn returns ns, or a negative value for a failed read. */
void test_clock_set(int64_t (*fn)(void *ctx, int clk), void *ctx);
/* After more than max hal_thread_wait calls, the innermost test_catch returns
 * TEST_STUCK (0 = no limit). Resets the count. */
void test_sleep_budget(uint64_t max);
uint64_t test_sleep_count(void);

/* ---- address spaces and threads ----
 * Off by default: hal_as_fork and hal_thread_start fail with -EAGAIN (fork
 * fails cleanly, as on a platform without address spaces yet). On: fork
 * gets dummy address spaces, hal_thread_start in one records the start
 * (test_last_start) and the test plays that thread with test_become(its
 * cookie); hal_mem_* by such a thread do nothing, its copies act on the
 * test's memory, standing in for the copy (and are counted). */
void test_as_enable(bool on);
int test_as_live(void); /* made by hal_as_fork and not destroyed yet */
uint64_t test_as_copies(void);
/* Has hal_as_fork record the 32-bit word at addr: what the child finds
 * there. test_as_regions: how many regions the last hal_as_fork got. */
void test_as_probe(uptr addr);
uint32_t test_as_probed(void);
size_t test_as_regions(void);
struct test_start {
	void *as;
	void *cookie; /* the core's struct thread */
	struct nto_regs regs;
	uint64_t tls;
};
extern struct test_start test_last_start;
/* The test acts as thread cookie from now on (hal_thread_self). */
void test_become(void *cookie);

/* ---- the fake host ---- */
/* A hook answers one host call: fill *resp (magic, op, seq, ret, len) and
 * out (HC_MAX_DATA bytes). Return nonzero if answered, 0 for the default.
 * hal_hostcall checks the framing of whatever the hook produced. */
typedef int (*test_host_hook)(void *ctx, const struct hc_msg *req, const void *in,
			      size_t in_len, struct hc_msg *resp, uint8_t *out);
void test_host_set_hook(test_host_hook hook, void *ctx);
/* The default host, for hooks that want to pass a call through. */
void test_host_default(const struct hc_msg *req, const void *in, size_t in_len,
		       struct hc_msg *resp, uint8_t *out);
/* Bytes the program wrote to host handle 1 or 2 (NUL-terminated copy). */
const char *test_host_output(int handle, size_t *len);
void test_host_clear_output(void);
void test_host_set_stdin(const void *data, size_t len);
/* Host calls served so far, and how many replies failed the framing check. */
uint64_t test_host_calls(void);
uint64_t test_host_framing_errors(void);

#endif
