/*
 * The sgx-sim launcher: the untrusted half of the platform. It plays the
 * roles of the SGX driver and uRTS: reserves ELRANGE, adds the enclave's
 * pages (runtime, image, thread stack), enters it, and serves its OCALLs.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include "hostcall_server.h"
#include "launch.h"
#include "host.h"
#include <openssl/sha.h>

#ifndef PR_SET_SYSCALL_USER_DISPATCH
#define PR_SET_SYSCALL_USER_DISPATCH 59
#define PR_SYS_DISPATCH_ON           1
#endif

extern const uint8_t sgxsim_enclave_elf[], sgxsim_enclave_elf_end[];
extern const uint8_t sgxsim_restorer[], sgxsim_restorer_end[];
__attribute__((noreturn)) void sgxsim_eenter(void (*entry)(void *), void *arg, uint64_t sp);

#define HOST_STACK (1UL << 20)

static struct hc_server *server;
static bool verbose;
uint64_t sgxsim_runtime_entry;
uint8_t sgxsim_mrenclave[32];
__thread int sgxsim_my_slot;

/* Per slot, host side: the wake count threads wait on, and the host thread. */
static uint32_t wake_count[SGXSIM_MAX_THREADS];
pid_t sgxsim_host_tid[SGXSIM_MAX_THREADS];
static uint64_t kick_handler;

static int fail(const char *what)
{
	fprintf(stderr, "nto: sgx-sim: %s: %s\n", what, strerror(errno));
	return 125;
}

static bool in_elrange(uint64_t a, uint64_t n)
{
	return a >= SGXSIM_BASE && a + n >= a && a + n <= SGXSIM_END && (a & 4095) == 0;
}

void *sgxsim_map_fixed(uint64_t addr, size_t len, int prot)
{
	return mmap((void *)addr, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
}

/* EADDs the runtime's segments at their link addresses. */
static int load_runtime(uint64_t *entry)
{
	const uint8_t *elf = sgxsim_enclave_elf;
	size_t size = (size_t)(sgxsim_enclave_elf_end - sgxsim_enclave_elf);
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)elf;

	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		return -1;
	for (int i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *p = (const Elf64_Phdr *)(elf + eh->e_phoff) + i;
		if (p->p_type != PT_LOAD)
			continue;
		uint64_t start = p->p_vaddr & ~4095UL;
		uint64_t end = (p->p_vaddr + p->p_memsz + 4095) & ~4095UL;
		if (!in_elrange(start, end - start) || sgxsim_map_fixed(start, end - start, PROT_READ | PROT_WRITE) == MAP_FAILED)
			return -1;
		memcpy((void *)p->p_vaddr, elf + p->p_offset, p->p_filesz);
		int prot = ((p->p_flags & PF_R) ? PROT_READ : 0) | ((p->p_flags & PF_W) ? PROT_WRITE : 0) |
			   ((p->p_flags & PF_X) ? PROT_EXEC : 0);
		if (mprotect((void *)start, end - start, prot) < 0)
			return -1;
	}
	*entry = eh->e_entry;
	return 0;
}

struct ksigaction {
	void *handler;
	unsigned long flags;
	const void *restorer;
	uint64_t mask;
};

static bool in_runtime(uint64_t a)
{
	return a >= SGXSIM_CORE_BASE && a < SGXSIM_END;
}

/* Arms the calling host thread for slot: SUD with the slot's selector, and
 * the slot's core stack for the enclave's signal handlers. Per thread, as
 * neither SUD nor sigaltstack is inherited. */
int64_t sgxsim_arm_thread(uint64_t slot)
{
	stack_t ss = {(void *)(SGXSIM_SLOT(slot) + 0x10000), 0, SGXSIM_STACK_SIZE};
	static const int sigs[] = {SIGSYS, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSGXSIM_KICK};
	sigset_t set;

	if (sigaltstack(&ss, NULL) < 0)
		return -errno;
	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&set, sigs[i]);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	sgxsim_host_tid[slot] = (pid_t)syscall(SYS_gettid);
	if (prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON, (unsigned long)sgxsim_restorer,
		  (unsigned long)(sgxsim_restorer_end - sgxsim_restorer), SGXSIM_SLOT(slot)) < 0)
		return -errno;
	return 0;
}

/* Registers the enclave's exception entry points (process-wide) and arms
 * the first thread. */
static int64_t arm(uint64_t on_sys, uint64_t on_fault, uint64_t on_kick)
{
	static const int faults[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP};
	struct ksigaction ka = {(void *)on_sys, SA_SIGINFO | SA_ONSTACK | SA_NODEFER | 0x04000000,
				sgxsim_restorer, 0};

	if (!in_runtime(on_sys) || !in_runtime(on_fault) || !in_runtime(on_kick))
		return -EINVAL;
	if (syscall(SYS_rt_sigaction, SIGSYS, &ka, NULL, 8) < 0)
		return -errno;
	ka.handler = (void *)on_fault;
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		if (syscall(SYS_rt_sigaction, faults[i], &ka, NULL, 8) < 0)
			return -errno;
	}
	ka.handler = (void *)on_kick;
	/* Not SA_ONSTACK: the entry picks its stack itself (see switch.S). */
	ka.flags &= ~(unsigned long)(SA_NODEFER | SA_ONSTACK);
	if (syscall(SYS_rt_sigaction, SIGSGXSIM_KICK, &ka, NULL, 8) < 0)
		return -errno;
	kick_handler = on_kick;
	return sgxsim_arm_thread((uint64_t)sgxsim_my_slot);
}

static void ocall_handler(struct sgxsim_ocall_buf *b);

/* Allocates what one host thread needs to serve its enclave thread's OCALLs. */
struct sgxsim_ecall *sgxsim_thread_block(uint64_t magic, uint64_t slot)
{
	struct sgxsim_ecall *e = calloc(1, sizeof(*e));
	void *buf = mmap(NULL, sizeof(struct sgxsim_ocall_buf), PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *stack = mmap(NULL, HOST_STACK, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t fs;

	if (!e || buf == MAP_FAILED || stack == MAP_FAILED) {
		free(e);
		return NULL;
	}
	__asm__ volatile("rdfsbase %0" : "=r"(fs));
	*e = (struct sgxsim_ecall){.magic = magic, .slot = slot, .ocall_buf = buf,
				   .ocall_fn = ocall_handler, .host_stack = (uint64_t)(stack + HOST_STACK),
				   .host_fs = fs};
	return e;
}

/* EENTER on slot's TCS: the enclave runs on the slot's stack. */
__attribute__((noreturn)) void sgxsim_enter(struct sgxsim_ecall *e, uint64_t slot)
{
	memcpy(e->mrenclave, sgxsim_mrenclave, sizeof(e->mrenclave));
	sgxsim_my_slot = (int)slot;
	sgxsim_eenter((void (*)(void *))sgxsim_runtime_entry, e, SGXSIM_SLOT(slot) + SGXSIM_SLOT_SIZE);
}

/* A host thread bound to one slot for the life of the process (EENTER on a TCS). */
static void *host_thread(void *arg)
{
	uint64_t slot = (uint64_t)(uintptr_t)arg;
	struct sgxsim_ecall *e = sgxsim_thread_block(SGXSIM_THREAD_MAGIC, slot);

	if (!e || sgxsim_arm_thread(slot) < 0) {
		fprintf(stderr, "nto: sgx-sim: cannot start a thread\n");
		_exit(125);
	}
	sgxsim_enter(e, slot);
}

static int64_t thread_start(uint64_t slot)
{
	pthread_attr_t at;
	pthread_t t;
	int r;

	if (slot == 0 || slot >= SGXSIM_MAX_THREADS || sgxsim_host_tid[slot])
		return -EINVAL;
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&at, 256 * 1024);
	r = pthread_create(&t, &at, host_thread, (void *)(uintptr_t)slot);
	pthread_attr_destroy(&at);
	return r ? -EAGAIN : 0;
}

/* A thread that ended inside the kick handler (killed by a signal) never
 * returned from it, so the host still blocks kicks for its host thread:
 * a wait (where parked slots sit) is where that is undone. */
void sgxsim_unblock_kicks(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGSGXSIM_KICK);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

/* Waits until slot's wake count moves past seen, or the timeout. */
static int64_t wait_slot(uint64_t slot, int64_t seen, int64_t ns)
{
	struct timespec ts = {ns / 1000000000, ns % 1000000000};

	if (slot >= SGXSIM_MAX_THREADS)
		return -EINVAL;
	if (__atomic_load_n(&wake_count[slot], __ATOMIC_ACQUIRE) == (uint32_t)seen)
		syscall(SYS_futex, &wake_count[slot], FUTEX_WAIT_PRIVATE, (uint32_t)seen,
			ns >= 0 ? &ts : NULL, NULL, 0);
	return __atomic_load_n(&wake_count[slot], __ATOMIC_ACQUIRE);
}

static int64_t wake_slot(uint64_t slot)
{
	if (slot >= SGXSIM_MAX_THREADS)
		return -EINVAL;
	__atomic_fetch_add(&wake_count[slot], 1, __ATOMIC_RELEASE);
	syscall(SYS_futex, &wake_count[slot], FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	return 0;
}

/* The timer: one host thread sleeps until the enclave's next deadline, then
 * wakes every enclave thread and kicks the ones running program code. */
static pthread_mutex_t timer_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t timer_cond;
static int64_t timer_deadline;
static bool timer_running;

static void fire(void)
{
	for (int i = 0; i < SGXSIM_MAX_THREADS; i++) {
		if (!sgxsim_host_tid[i])
			continue;
		__atomic_fetch_add(&wake_count[i], 1, __ATOMIC_RELEASE);
		syscall(SYS_futex, &wake_count[i], FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
		syscall(SYS_tgkill, getpid(), sgxsim_host_tid[i], SIGSGXSIM_KICK);
	}
}

static void *timer_thread(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&timer_lock);
	for (;;) {
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		int64_t n = now.tv_sec * 1000000000LL + now.tv_nsec;
		if (!timer_deadline) {
			pthread_cond_wait(&timer_cond, &timer_lock);
		} else if (n >= timer_deadline) {
			timer_deadline = 0;
			pthread_mutex_unlock(&timer_lock);
			fire();
			pthread_mutex_lock(&timer_lock);
		} else {
			struct timespec at = {timer_deadline / 1000000000, timer_deadline % 1000000000};
			pthread_cond_timedwait(&timer_cond, &timer_lock, &at);
		}
	}
	return NULL;
}

static int64_t timer_arm(int64_t deadline)
{
	pthread_t t;
	int r = 0;

	pthread_mutex_lock(&timer_lock);
	if (!timer_running) {
		pthread_condattr_t ca;
		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&timer_cond, &ca);
		r = pthread_create(&t, NULL, timer_thread, NULL);
		if (r == 0) {
			pthread_detach(t);
			timer_running = true;
		}
	}
	timer_deadline = deadline > 0 ? deadline : 0;
	pthread_cond_signal(&timer_cond);
	pthread_mutex_unlock(&timer_lock);
	return r ? -EAGAIN : 0;
}

static int64_t kick_slot(uint64_t slot)
{
	if (slot >= SGXSIM_MAX_THREADS)
		return -EINVAL;
	if (sgxsim_kick_remote(slot))
		return 0;
	if (!sgxsim_host_tid[slot])
		return -EINVAL;
	return syscall(SYS_tgkill, getpid(), sgxsim_host_tid[slot], SIGSGXSIM_KICK) < 0 ? -errno : 0;
}

/* Serves the platform's own requests: enclave memory, sleeping, arming. */
static int64_t platform_op(const struct hc_msg *q, struct sgxsim_ocall_buf *b, uint32_t *rlen)
{
	uint64_t a = (uint64_t)q->arg[0], n = (uint64_t)q->arg[1];
	int prot = (int)q->arg[2] & (PROT_READ | PROT_WRITE | PROT_EXEC);

	switch (q->op) {
	case SGXSIM_OP_MMAP:
		if (!in_elrange(a, n))
			return -EINVAL;
		return sgxsim_map_fixed(a, n, prot) == MAP_FAILED ? -errno : 0;
	case SGXSIM_OP_MPROTECT:
		if (!in_elrange(a, n))
			return -EINVAL;
		return mprotect((void *)a, n, prot) < 0 ? -errno : 0;
	case SGXSIM_OP_MUNMAP:
		/* Keep the range reserved so no host mapping can land inside ELRANGE. */
		if (!in_elrange(a, n))
			return -EINVAL;
		return mmap((void *)a, n, PROT_NONE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0) == MAP_FAILED
			       ? -errno
			       : 0;
	case SGXSIM_OP_ARM:
		return arm(a, n, (uint64_t)q->arg[2]);
	case SGXSIM_OP_THREAD_START:
		return thread_start(a);
	case SGXSIM_OP_WAIT:
		sgxsim_unblock_kicks();
		return wait_slot(a, q->arg[1], q->arg[2]);
	case SGXSIM_OP_WAKE:
		return wake_slot(a);
	case SGXSIM_OP_KICK:
		return kick_slot(a);
	case SGXSIM_OP_CPUS:
		return sysconf(_SC_NPROCESSORS_ONLN);
	case SGXSIM_OP_YIELD:
		return sched_yield();
	case SGXSIM_OP_TIMER:
		return timer_arm(q->arg[0]);
	default:
		if (q->op >= SGXSIM_OP_SAT_SPAWN)
			return sgxsim_sat_op(q, b, rlen);
		return -ENOSYS;
	}
}

/* The OCALL dispatcher: runs on the host stack with the host's FS. */
static void ocall_handler(struct sgxsim_ocall_buf *b)
{
	struct hc_msg q = b->req; /* read once: the enclave may not change it under us */
	int status = 0;

	memset(&b->resp, 0, sizeof(b->resp));
	if (q.op >= HC_PLATFORM) {
		b->resp.magic = HC_MAGIC;
		b->resp.op = q.op;
		b->resp.seq = q.seq;
		uint32_t rlen = 0;
		b->resp.ret = platform_op(&q, b, &rlen);
		b->resp.len = rlen;
		return;
	}
	if (!server) { /* a satellite: no files; the runtime's own errors go to stderr */
		if (q.op == HC_EXIT)
			_exit((int)(q.arg[0] & 0xff));
		if (q.op == HC_WRITE && q.arg[0] == HC_STDERR && q.len <= HC_MAX_DATA)
			b->resp.ret = write(2, b->req_data, q.len);
		else
			b->resp.ret = -ENOSYS;
		b->resp.magic = HC_MAGIC;
		b->resp.op = q.op;
		b->resp.seq = q.seq;
		return;
	}
	if (q.len > HC_MAX_DATA || q.cap > HC_MAX_DATA) {
		b->resp.ret = -EINVAL;
		return;
	}
	if (hc_serve(server, &q, b->req_data, &b->resp, b->resp_data, &status) == 1)
		_exit(status);
}

/* ECREATE + EADD of the runtime; the launcher plays the CPU's part of
 * measuring it (MRENCLAVE), which the enclave's channel keys depend on. */
int sgxsim_create_enclave(void)
{
	if (mmap((void *)SGXSIM_BASE, SGXSIM_END - SGXSIM_BASE, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1,
		 0) != (void *)SGXSIM_BASE)
		return -1;
	if (load_runtime(&sgxsim_runtime_entry) < 0)
		return -1;
	sgxsim_measure_runtime();
	return 0;
}

void sgxsim_measure_runtime(void)
{
	static bool done;

	if (!done)
		SHA256(sgxsim_enclave_elf, (size_t)(sgxsim_enclave_elf_end - sgxsim_enclave_elf),
		       sgxsim_mrenclave);
	done = true;
}

int sgxsim_launch(const struct nto_launch *l)
{
	struct sgxsim_ecall *e;

	server = l->server;
	verbose = l->verbose;
	if (l->image_size > SGXSIM_IMAGE_MAX) {
		fprintf(stderr, "nto: sgx-sim: the image is too large (%zu bytes)\n", l->image_size);
		return 125;
	}
	if (sgxsim_create_enclave() < 0)
		return fail("cannot create the enclave");
	if (sgxsim_map_fixed(SGXSIM_SLOT(0), SGXSIM_SLOT_SIZE, PROT_READ | PROT_WRITE) == MAP_FAILED)
		return fail("cannot add the thread pages");
	if (sgxsim_map_fixed(SGXSIM_IMAGE_BASE, (l->image_size + 4095) & ~4095UL, PROT_READ | PROT_WRITE) == MAP_FAILED)
		return fail("cannot add the image pages");
	memcpy((void *)SGXSIM_IMAGE_BASE, l->image, l->image_size);
	mprotect((void *)SGXSIM_IMAGE_BASE, (l->image_size + 4095) & ~4095UL, PROT_READ);
	e = sgxsim_thread_block(SGXSIM_ECALL_MAGIC, 0);
	if (!e)
		return fail("cannot allocate host buffers");
	e->boot = l->boot;
	e->boot_size = l->boot_size;
	e->image_size = l->image_size;
	e->mem_limit = l->enclave_size;
	signal(SIGPIPE, SIG_IGN);
	sgxsim_enter(e, 0);
}
