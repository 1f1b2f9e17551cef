/*
 * The test platform's HAL (see test_platform.h): every function of
 * nto/hal.h over an ordinary Linux process.
 */
#include <setjmp.h>

#include <nto/hal.h>
#include <nto/kernel.h>

#include "hal_os.h"
#include "test_libc.h"
#include "test_platform.h"

#define USER_PAGES  ((TEST_USER_MAX - TEST_USER_MIN) / PAGE_SIZE)
#define KHEAP_PAGES (TEST_KHEAP_SIZE / PAGE_SIZE)

/* ---- contract checks ---- */

static int violations;
static char last_violation[256];
static bool panicked;
static bool verbose_checked, verbose;

static void violation(const char *what, uptr va, size_t len)
{
	violations++;
	ksnprintf(last_violation, sizeof(last_violation), "%s [0x%lx, +0x%lx)", what, va, len);
	if (!verbose_checked) {
		verbose = getenv("NTO_TEST_VERBOSE") != NULL;
		verbose_checked = true;
	}
	if (verbose)
		os_log("test-hal: contract violation: %s\n", last_violation);
}

int test_hal_violations(void)
{
	return violations;
}

const char *test_hal_last_violation(void)
{
	return last_violation;
}

bool test_panicked(void)
{
	return panicked;
}

/* ---- memory ---- */

static bool in_fake_as(void);
static uint64_t fake_copies;

static bool reserved;
static uptr kheap_base;
/* Committed protection of each page: PROT_* + 1, or 0 when not committed. */
static uint8_t user_pages[USER_PAGES];
static uint8_t kheap_pages[KHEAP_PAGES];
static uint64_t committed;

/* The snapshot of the core's globals (.data/.bss of core objects, gathered
 * by platform/test/core_state.ld). Weak: binaries linked without the
 * script cannot reset. */
extern char __nto_core_state_start[] __attribute__((weak));
extern char __nto_core_state_end[] __attribute__((weak));
static char *core_snapshot;

void test_heap_reset(void) __attribute__((weak));

/* Copies the core's globals including ASan's redzones between them, which
 * the instrumented memcpy would rightly refuse to read. */
__attribute__((no_sanitize("address"))) static void raw_copy(void *dst, const void *src, size_t n)
{
	volatile uint64_t *d = dst;
	const volatile uint64_t *s = src;

	for (size_t i = 0; i < n / 8; i++)
		d[i] = s[i];
}

static void reserve_or_die(uptr addr, uint64_t len, uptr *out)
{
	uptr p = os_reserve(addr, len);

	if (!p) {
		os_log("test-hal: cannot reserve 0x%lx bytes at 0x%lx\n", len, addr);
		os_abort();
	}
	*out = p;
}

void test_platform_init(void)
{
	uptr u;

	if (reserved)
		return;
	reserve_or_die(TEST_USER_MIN, TEST_USER_MAX - TEST_USER_MIN, &u);
	reserve_or_die(0, TEST_KHEAP_SIZE, &kheap_base);
	reserved = true;
	if (__nto_core_state_start && __nto_core_state_end > __nto_core_state_start) {
		size_t n = (size_t)(__nto_core_state_end - __nto_core_state_start);
		core_snapshot = malloc(n);
		if (!core_snapshot)
			os_abort();
		raw_copy(core_snapshot, __nto_core_state_start, n);
	}
}

uptr test_kheap_base(void)
{
	test_platform_init();
	return kheap_base;
}

/* Finds the page map covering [va, va+len); NULL if it is not all inside one range. */
static uint8_t *pages_of(uptr va, size_t len)
{
	uptr end = va + len;

	if (end < va)
		return NULL;
	if (va >= TEST_USER_MIN && end <= TEST_USER_MAX)
		return &user_pages[(va - TEST_USER_MIN) / PAGE_SIZE];
	if (kheap_base && va >= kheap_base && end <= kheap_base + TEST_KHEAP_SIZE)
		return &kheap_pages[(va - kheap_base) / PAGE_SIZE];
	return NULL;
}

static bool aligned(uptr va, size_t len)
{
	return !(va & (PAGE_SIZE - 1)) && !(len & (PAGE_SIZE - 1));
}

int test_page_prot(uptr va)
{
	uint8_t *p = pages_of(ALIGN_DOWN(va, PAGE_SIZE), PAGE_SIZE);

	return p && *p ? *p - 1 : -1;
}

uint64_t test_committed_bytes(void)
{
	return committed;
}

int hal_mem_map(uptr va, size_t len, int prot)
{
	uint8_t *pg = pages_of(va, len);
	size_t n = len / PAGE_SIZE;

	if (in_fake_as())
		return 0; /* a forked address space holds no memory here */
	if (!pg || !aligned(va, len) || len == 0 || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))) {
		violation("hal_mem_map outside the core's ranges or unaligned", va, len);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		if (pg[i]) {
			violation("hal_mem_map over committed memory", va, len);
			break;
		}
	}
	if (os_map(va, len, prot) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (!pg[i])
			committed += PAGE_SIZE;
		pg[i] = (uint8_t)(prot + 1);
	}
	return 0;
}

int hal_mem_protect(uptr va, size_t len, int prot)
{
	uint8_t *pg = pages_of(va, len);
	size_t n = len / PAGE_SIZE;

	if (in_fake_as())
		return 0;
	if (!pg || !aligned(va, len) || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))) {
		violation("hal_mem_protect outside the core's ranges or unaligned", va, len);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		if (!pg[i]) {
			violation("hal_mem_protect of uncommitted memory", va, len);
			return -EINVAL;
		}
	}
	if (len && os_protect(va, len, prot) < 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		pg[i] = (uint8_t)(prot + 1);
	return 0;
}

int hal_mem_unmap(uptr va, size_t len)
{
	uint8_t *pg = pages_of(va, len);
	size_t n = len / PAGE_SIZE;

	if (in_fake_as())
		return 0;
	if (!pg || !aligned(va, len)) {
		violation("hal_mem_unmap outside the core's ranges or unaligned", va, len);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		if (!pg[i]) {
			violation("hal_mem_unmap of uncommitted memory", va, len);
			break;
		}
	}
	if (len && os_release(va, len) < 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (pg[i])
			committed -= PAGE_SIZE;
		pg[i] = 0;
	}
	return 0;
}

/* Would the hardware let the core touch [va, va+n) of program memory? */
static bool user_ok(uptr va, size_t n, bool write)
{
	if (n == 0)
		return true;
	if (va + n < va || va < TEST_USER_MIN || va + n > TEST_USER_MAX)
		return false;
	for (uptr p = ALIGN_DOWN(va, PAGE_SIZE); p < va + n; p += PAGE_SIZE) {
		int prot = user_pages[(p - TEST_USER_MIN) / PAGE_SIZE] - 1;
		if (prot < 0 || prot == PROT_NONE || (write && !(prot & PROT_WRITE)))
			return false;
	}
	return true;
}

int hal_copy_from_user(void *dst, const void __user *src, size_t n)
{
	/* The test's memory stands in for a forked copy where it is mapped;
	 * elsewhere (what the child mapped itself) reads are zeroes. */
	if (in_fake_as() && ++fake_copies && !user_ok((uptr)src, n, false)) {
		memset(dst, 0, n);
		return 0;
	}
	if (!user_ok((uptr)src, n, false)) {
		violation("hal_copy_from_user of memory that would fault", (uptr)src, n);
		return -EFAULT;
	}
	memcpy(dst, src, n);
	return 0;
}

int hal_copy_to_user(void __user *dst, const void *src, size_t n)
{
	if (in_fake_as() && ++fake_copies && !user_ok((uptr)dst, n, true))
		return 0; /* and writes there go nowhere */
	if (!user_ok((uptr)dst, n, true)) {
		violation("hal_copy_to_user of memory that would fault", (uptr)dst, n);
		return -EFAULT;
	}
	memcpy(dst, src, n);
	return 0;
}

/* ---- CPU state, randomness ---- */

uint64_t test_tls;

void hal_set_tls(uint64_t base)
{
	test_tls = base;
}

int hal_random(void *buf, size_t n)
{
	return os_random(buf, n) < 0 ? -EIO : 0;
}

/* ---- time ---- */

static int64_t (*clock_fn)(void *ctx, int clk);
static void *clock_ctx;
static int64_t slept;
static uint64_t sleeps, sleep_max;

void test_clock_set(int64_t (*fn)(void *ctx, int clk), void *ctx)
{
	clock_fn = fn;
	clock_ctx = ctx;
}

int hal_clock_ns(int clk, int64_t *ns)
{
	int64_t v;

	if (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC)
		return -EINVAL;
	if (clock_fn) {
		v = clock_fn(clock_ctx, clk);
		if (v < 0)
			return -EIO;
		*ns = v;
		return 0;
	}
	if (os_clock_ns(clk, &v) < 0)
		return -EIO;
	*ns = v > INT64_MAX - slept ? INT64_MAX : v + slept;
	return 0;
}

static void stuck(void);

/* One thread only: a wait with a timeout jumps the clock forward instead of
 * sleeping, and a wait without one could never end. */
static int64_t timer_deadline;

void hal_timer_arm(int64_t deadline_ns)
{
	timer_deadline = deadline_ns;
}

void hal_thread_wait(int64_t ns)
{
	/* Waiting for nothing but a timer: jump the clock to it. */
	if (ns < 0 && timer_deadline) {
		int64_t now = 0;
		os_clock_ns(CLOCK_MONOTONIC, &now);
		ns = MAX((int64_t)1, timer_deadline - (now + slept));
	}
	if (ns < 0)
		stuck();
	if (ns > 0)
		slept = ns > INT64_MAX - slept ? INT64_MAX : slept + ns;
	sleeps++;
	if (sleep_max && sleeps > sleep_max)
		stuck();
}

void hal_thread_wake(void *cookie)
{
	(void)cookie;
}

void hal_thread_kick(void *cookie)
{
	(void)cookie;
}

static void *self_cookie;

void hal_thread_set_self(void *cookie)
{
	self_cookie = cookie;
}

void *hal_thread_self(void)
{
	return self_cookie;
}

int hal_cpu_count(void)
{
	return 1;
}

size_t hal_fpu_save(void *dst)
{
	memset(dst, 0, HAL_FPU_SIZE);
	return HAL_FPU_SIZE;
}

void hal_fpu_restore(const void *src, size_t n)
{
	(void)src;
	(void)n;
}

void hal_yield(void)
{
}

/* ---- address spaces ----
 * The hosted platform runs no program code. By default it has no second
 * thread or address space to give: fork fails as when a TEE is out of
 * enclaves. With test_as_enable(true), hal_as_fork hands out dummy address
 * spaces and hal_thread_start in one only records the start; a test then
 * plays that thread with test_become(). hal_mem_* by a thread of a dummy
 * space do nothing; its copies act on the test's memory where that is
 * mapped, standing in for the copy (so a test can read what the core wrote
 * for that thread), and elsewhere read zeroes and write nowhere. */

#define FAKE_AS_MAX 64
#define FAKE_THREADS_MAX 256

struct hal_as {
	bool live;
};

static bool as_enabled;
static struct hal_as fake_as[FAKE_AS_MAX];
static int as_made;
static struct {
	void *cookie;
	struct hal_as *as;
} fake_threads[FAKE_THREADS_MAX];
static uptr probe_addr;
static uint32_t probe_value;
static size_t fork_regions;
struct test_start test_last_start;

void test_as_enable(bool on)
{
	as_enabled = on;
}

int test_as_live(void)
{
	int n = 0;

	for (int i = 0; i < as_made; i++)
		n += fake_as[i].live;
	return n;
}

uint64_t test_as_copies(void)
{
	return fake_copies;
}

void test_as_probe(uptr addr)
{
	probe_addr = addr;
}

uint32_t test_as_probed(void)
{
	return probe_value;
}

size_t test_as_regions(void)
{
	return fork_regions;
}

void test_become(void *cookie)
{
	hal_thread_set_self(cookie);
}

static struct hal_as *as_of(void *cookie)
{
	for (int i = 0; i < FAKE_THREADS_MAX; i++) {
		if (fake_threads[i].cookie == cookie)
			return fake_threads[i].as;
	}
	return NULL;
}

static bool in_fake_as(void)
{
	return as_enabled && as_of(hal_thread_self()) != NULL;
}

int hal_thread_start(struct hal_as *as, const struct nto_regs *regs, uint64_t tls, void *cookie)
{
	if (!as || !as_enabled)
		return -EAGAIN;
	if (!as->live)
		violation("hal_thread_start in a destroyed address space", 0, 0);
	for (int i = 0; i < FAKE_THREADS_MAX; i++) {
		if (!fake_threads[i].cookie || fake_threads[i].cookie == cookie) {
			fake_threads[i].cookie = cookie;
			fake_threads[i].as = as;
			test_last_start = (struct test_start){as, cookie, *regs, tls};
			return 0;
		}
	}
	return -EAGAIN;
}

int hal_as_fork(const struct hal_region *r, size_t n, struct hal_as **out)
{
	if (!as_enabled || as_made == FAKE_AS_MAX)
		return -EAGAIN;
	for (size_t i = 0; i < n; i++) {
		if ((r[i].start | r[i].end) & (PAGE_SIZE - 1) || r[i].end <= r[i].start ||
		    (i && r[i].start < r[i - 1].end))
			violation("hal_as_fork with a malformed region", r[i].start,
				  r[i].end - r[i].start);
	}
	/* What the child would find at the probed word: the parent's memory now. */
	if (probe_addr && user_ok(probe_addr, 4, false))
		memcpy(&probe_value, (void *)probe_addr, 4);
	fork_regions = n;
	fake_as[as_made].live = true;
	*out = &fake_as[as_made++];
	return 0;
}

void hal_as_destroy(struct hal_as *as)
{
	if (!as || !as->live)
		violation("hal_as_destroy of no live address space", 0, 0);
	else
		as->live = false;
}

void test_sleep_budget(uint64_t max)
{
	sleep_max = max;
	sleeps = 0;
}

uint64_t test_sleep_count(void)
{
	return sleeps;
}

/* ---- no-return calls ---- */

int test_exit_status;
struct nto_regs test_entered_regs;
static jmp_buf *catcher;

int test_catch(void (*fn)(void *arg), void *arg)
{
	jmp_buf jb, *prev = catcher;
	volatile int how;

	catcher = &jb;
	how = setjmp(jb);
	if (how == 0) {
		fn(arg);
		how = TEST_RETURNED;
	}
	catcher = prev;
	return how;
}

static __noreturn void jump(int how)
{
	if (!catcher) {
		os_log("test-hal: no-return HAL call (outcome %d, status %d) outside test_catch\n", how,
		       test_exit_status);
		os_abort();
	}
	longjmp(*catcher, how);
}

static void stuck(void)
{
	jump(TEST_STUCK);
}

__noreturn void hal_enter_user(const struct nto_regs *regs)
{
	test_entered_regs = *regs;
	jump(TEST_ENTERED);
}

__noreturn void hal_exit(int status)
{
	test_exit_status = status;
	jump(TEST_EXITED);
}

/* With one thread a thread's exit is never reached (the process exits);
 * if it were, the test sees it as an exit with status -1. */
__noreturn void hal_thread_exit(void)
{
	test_exit_status = -1;
	jump(TEST_EXITED);
}

/* ---- host calls ---- */

static test_host_hook host_hook;
static void *host_ctx;
static uint64_t host_calls, framing_errors;
static uint8_t host_buf[HC_MAX_DATA];

void test_host_set_hook(test_host_hook hook, void *ctx)
{
	host_hook = hook;
	host_ctx = ctx;
}

uint64_t test_host_calls(void)
{
	return host_calls;
}

uint64_t test_host_framing_errors(void)
{
	return framing_errors;
}

/* The core noticing its own panic is how a test tells kpanic from exit(70). */
void test_host_note_stderr(const void *data, size_t len);
void test_host_note_stderr(const void *data, size_t len)
{
	static const char tag[] = "nto: core panic:";

	if (len >= sizeof(tag) - 1 && memcmp(data, tag, sizeof(tag) - 1) == 0)
		panicked = true;
}

int hal_hostcall(const struct hc_msg *req, const void *in, size_t in_len, struct hc_msg *resp,
		 void *out, size_t out_cap)
{
	struct hc_msg r;

	if (in_len > HC_MAX_DATA || out_cap > HC_MAX_DATA || req->len != in_len ||
	    (in_len && !in) || (out_cap && !out) || req->magic != HC_MAGIC) {
		violation("malformed host-call request", (uptr)req->op, in_len);
		return -EINVAL;
	}
	host_calls++;
	memset(&r, 0, sizeof(r));
	if (!host_hook || !host_hook(host_ctx, req, in, in_len, &r, host_buf))
		test_host_default(req, in, in_len, &r, host_buf);
	/* The framing checks hal.h promises; the meaning is the core's to check. */
	if (r.magic != HC_MAGIC || r.op != req->op || r.seq != req->seq || r.len > out_cap ||
	    r.len > HC_MAX_DATA || r.ret < -MAX_ERRNO) {
		framing_errors++;
		return -EIO;
	}
	if (r.len)
		memcpy(out, host_buf, r.len);
	/* Whatever the reply did not fill is garbage, never zeroes to rely on. */
	if (out_cap > r.len)
		memset((uint8_t *)out + r.len, 0xa5, out_cap - r.len);
	*resp = r;
	return 0;
}

/* ---- reset ---- */

void test_host_reset(void);

void test_platform_reset(void)
{
	test_platform_init();
	if (!core_snapshot) {
		os_log("test-hal: reset needs the core state linker script (core_state.ld)\n");
		os_abort();
	}
	if (test_heap_reset)
		test_heap_reset();
	os_release(TEST_USER_MIN, TEST_USER_MAX - TEST_USER_MIN);
	os_release(kheap_base, TEST_KHEAP_SIZE);
	memset(user_pages, 0, sizeof(user_pages));
	memset(kheap_pages, 0, sizeof(kheap_pages));
	committed = 0;
	raw_copy(__nto_core_state_start, core_snapshot,
		 (size_t)(__nto_core_state_end - __nto_core_state_start));
	violations = 0;
	last_violation[0] = 0;
	panicked = false;
	test_tls = 0;
	test_exit_status = 0;
	memset(&test_entered_regs, 0, sizeof(test_entered_regs));
	clock_fn = NULL;
	slept = 0;
	sleeps = sleep_max = 0;
	host_hook = NULL;
	host_calls = framing_errors = 0;
	as_enabled = false;
	memset(fake_as, 0, sizeof(fake_as));
	as_made = 0;
	memset(fake_threads, 0, sizeof(fake_threads));
	probe_addr = 0;
	probe_value = 0;
	fork_regions = 0;
	fake_copies = 0;
	memset(&test_last_start, 0, sizeof(test_last_start));
	test_host_reset();
}
