/*
 * The trusted runtime of sgx-sim: the enclave's entry point, its exception
 * handlers and the HAL over OCALLs. Everything the host hands in is checked
 * here first; the core checks it again by type.
 */
#include <nto/hal.h>
#include <nto/kernel.h>
#include <arch/sigframe.h>
#include <mbedtls/sha256.h>
#include "runtime.h"
#include "../../common/x86_rdrand.h"

#define SUD_ALLOW 0
#define SUD_BLOCK 1
#define MAX_BOOT  (16UL << 20)

void sgxsim_exit_call(void (*fn)(struct sgxsim_ocall_buf *), struct sgxsim_ocall_buf *arg,
		      uint64_t host_sp, uint64_t host_fs);
__noreturn void sgxsim_enter_user(const struct nto_regs *r);
void enclave_start(const struct sgxsim_ecall *e);
/* Hidden: defined in switch.S and linked into the same image, so its
 * address is taken PC-relative, not through a GOT. */
/* switch.S: a syscall instruction the kick sends the program to, and the
 * address after it (the rip its SIGSYS reports). */
extern char sgxsim_kick_tramp[], sgxsim_kick_tramp_end[];
__attribute__((visibility("hidden"))) void sgxsim_kick_entry(int sig, struct siginfo64 *si,
							     struct ucontext64 *uc);
void sgxsim_on_kick(int sig, struct siginfo64 *si, struct ucontext64 *uc);
void sgxsim_set_gs(uint64_t base);

static struct sgxsim_ecall boot_ecall; /* the trusted copy of the first ECALL */
uint8_t rt_mrenclave[32];

/* Kept outside the slots, whose pages are mapped only once used. */
static int slot_state[SGXSIM_MAX_THREADS];    /* SLOT_* */
static void *slot_cookie[SGXSIM_MAX_THREADS]; /* the core's thread on each */

/* EEXIT + EENTER: run the untrusted OCALL handler on this thread's buffer. */
static void ocall(struct tcs *t)
{
	t->selector = SUD_ALLOW;
	sgxsim_exit_call(t->ocall_fn, t->ocall_buf, t->host_stack, t->host_fs);
	t->selector = SUD_BLOCK;
}

int hal_hostcall(const struct hc_msg *req, const void *in, size_t in_len, struct hc_msg *resp,
		 void *out, size_t out_cap)
{
	struct tcs *t = self();
	struct sgxsim_ocall_buf *b = t->ocall_buf;
	struct hc_msg r;

	if (in_len > HC_MAX_DATA || out_cap > HC_MAX_DATA || req->len != in_len)
		return -EINVAL;
	b->req = *req;
	b->req.cap = (uint32_t)out_cap;
	if (in_len)
		memcpy(b->req_data, in, in_len);
	ocall(t);
	if (req->op == HC_EXIT)
		return -EIO; /* the host did not end us: it is lying */
	/* Copy the reply header in once, then judge only the copy. */
	r = b->resp;
	if (r.magic != HC_MAGIC || r.op != req->op || r.seq != req->seq || r.len > out_cap ||
	    r.ret < -MAX_ERRNO)
		return -EIO;
	if (r.len)
		memcpy(out, b->resp_data, r.len);
	*resp = r;
	return 0;
}

int64_t plat_call(uint32_t op, int64_t a0, int64_t a1, int64_t a2)
{
	struct hc_msg req = {HC_MAGIC, op, 0, 0, {a0, a1, a2, 0, 0}, 0, 0}, resp;
	static uint64_t seq = 1ULL << 62;

	req.seq = seq++;
	if (hal_hostcall(&req, NULL, 0, &resp, NULL, 0) < 0)
		return -EIO;
	return resp.ret;
}

/* Memory requests must stay inside the enclave: the host may not be asked
 * to map anything over its own memory, nor trusted to have obeyed. */
int local_mem(uint32_t op, uptr va, size_t len, int prot)
{
	int64_t r;

	if (!inside_enclave(va, len))
		return -EINVAL;
	r = plat_call(op, (int64_t)va, (int64_t)len, prot);
	if (r < 0)
		return op == SGXSIM_OP_MMAP && r == -ENOMEM ? -ENOMEM : -EIO;
	return 0;
}

/* Program memory of a process that lives in a satellite is served there;
 * the core's own memory is always this enclave's. */
static int mem_op(uint32_t op, uptr va, size_t len, int prot)
{
	if (in_user_range(va, len) && remote_chan_of_self())
		return remote_mem(op, va, len, prot);
	return local_mem(op, va, len, prot);
}

int hal_mem_map(uptr va, size_t len, int prot)
{
	return mem_op(SGXSIM_OP_MMAP, va, len, prot);
}

int hal_mem_protect(uptr va, size_t len, int prot)
{
	return mem_op(SGXSIM_OP_MPROTECT, va, len, prot);
}

int hal_mem_unmap(uptr va, size_t len)
{
	return mem_op(SGXSIM_OP_MUNMAP, va, len, 0);
}

int hal_copy_from_user(void *dst, const void __user *src, size_t n)
{
	if (remote_chan_of_self())
		return remote_copy_from(dst, (uptr)src, n);
	memcpy(dst, src, n);
	return 0;
}

int hal_copy_to_user(void __user *dst, const void *src, size_t n)
{
	if (remote_chan_of_self())
		return remote_copy_to((uptr)dst, src, n);
	memcpy(dst, src, n);
	return 0;
}

#define MXCSR_OFF    24
#define MXCSR_VALID  0xffbfU /* bits the CPU accepts; others would fault */
#define FX_SW_OFF    464     /* the kernel's own bytes (XSAVE magic): never ours */
#define XHDR_OFF     512     /* the XSAVE header: xstate_bv, xcomp_bv, reserved */
#define XHDR_SIZE    64

/* The host's signal frame holds the interrupted FPU state in Linux's
 * fpstate format (an XSAVE area with its software bytes), on the slot's
 * stack (kicks reach the core through a syscall for this: on_kick); the
 * host restores it when our handler returns, so that is where the
 * program's state is read and set. A satellite's thread carries the FXSAVE
 * area only (docs/satellites.md). */
size_t hal_fpu_save(void *dst)
{
	if (remote_chan_of_self()) {
		remote_fpu_save(dst);
		memset((uint8_t *)dst + FX_SW_OFF, 0, HAL_FPU_SIZE - FX_SW_OFF);
		return HAL_FPU_SIZE;
	}
	return local_fpu_save(dst, HAL_FPU_MAX);
}

/* The size of the XSAVE fpstate at fpu (with MAGIC2) as its software bytes
 * tell, or 0 if it has none or it would not fit HAL_FPU_MAX. Reads MAGIC2
 * only when avail (the bytes known to be there) covers it. */
static size_t xstate_size_of(const uint8_t *fpu, size_t avail)
{
	struct fpx_sw_bytes sw;
	uint32_t magic2;

	memcpy(&sw, fpu + FX_SW_OFF, sizeof(sw));
	if (sw.magic1 != FP_XSTATE_MAGIC1 || sw.xstate_size <= XHDR_OFF + XHDR_SIZE ||
	    sw.extended_size != sw.xstate_size + 4 || sw.extended_size > HAL_FPU_MAX ||
	    sw.extended_size > avail)
		return 0;
	memcpy(&magic2, fpu + sw.xstate_size, sizeof(magic2));
	return magic2 == FP_XSTATE_MAGIC2 ? sw.extended_size : 0;
}

size_t local_fpu_save(void *dst, size_t cap)
{
	uint8_t *fpu = self()->fpu;
	size_t n;

	if (!fpu) {
		memset(dst, 0, HAL_FPU_SIZE);
		return HAL_FPU_SIZE;
	}
	n = self()->fpu_size <= cap ? self()->fpu_size : HAL_FPU_SIZE;
	memcpy(dst, fpu, n);
	if (n == HAL_FPU_SIZE)
		memset((uint8_t *)dst + FX_SW_OFF, 0, HAL_FPU_SIZE - FX_SW_OFF);
	return n;
}

void hal_fpu_restore(const void *src, size_t n)
{
	if (remote_chan_of_self())
		remote_fpu_restore(src);
	else
		local_fpu_restore(src, n);
}

/* The XSAVE part of src (header and extended areas) into the host's frame,
 * if src has exactly the host's layout: only features the host enabled,
 * the standard format (xcomp_bv 0), reserved bytes 0, so that the host's
 * sigreturn takes it. Otherwise the host's extended state stays. */
static void restore_extended(uint8_t *fpu, const uint8_t *src, size_t n)
{
	struct fpx_sw_bytes sw;
	uint64_t bv;

	if (n != self()->fpu_size || n == HAL_FPU_SIZE || xstate_size_of(src, n) != n)
		return;
	memcpy(&sw, fpu + FX_SW_OFF, sizeof(sw));
	memcpy(&bv, src + XHDR_OFF, sizeof(bv));
	bv &= sw.xfeatures;
	memset(fpu + XHDR_OFF, 0, XHDR_SIZE);
	memcpy(fpu + XHDR_OFF, &bv, sizeof(bv));
	memcpy(fpu + XHDR_OFF + XHDR_SIZE, src + XHDR_OFF + XHDR_SIZE,
	       sw.xstate_size - XHDR_OFF - XHDR_SIZE);
}

void local_fpu_restore(const void *src, size_t n)
{
	uint8_t *fpu = self()->fpu;
	uint32_t mxcsr;

	if (!fpu)
		return;
	memcpy(&mxcsr, (const uint8_t *)src + MXCSR_OFF, sizeof(mxcsr));
	mxcsr &= MXCSR_VALID;
	memcpy(fpu, src, MXCSR_OFF);
	memcpy(fpu + MXCSR_OFF, &mxcsr, sizeof(mxcsr));
	/* MXCSR_MASK (28..31) stays the host's; the registers follow. */
	memcpy(fpu + 32, (const uint8_t *)src + 32, FX_SW_OFF - 32);
	restore_extended(fpu, src, n);
}

/* Remembers where the kernel saved the FPU state of the interrupted code:
 * on this slot's stack (SIGSYS, faults), or on the program's own stack
 * (a satellite's kicks, which do not switch stacks); nothing outside
 * those is believed. */
static void note_fpu(const struct ucontext64 *uc)
{
	uptr p = uc->uc_mcontext.fpstate;
	uptr lo = SGXSIM_SLOT(self_slot()) + 0x10000, hi = lo + SGXSIM_STACK_SIZE;
	bool on_slot = p >= lo && p + HAL_FPU_SIZE <= hi;
	bool in_program = p >= SGXSIM_USER_MIN && p + HAL_FPU_SIZE <= SGXSIM_USER_MAX;
	size_t n;

	self()->fpu = (on_slot || in_program) ? (uint8_t *)p : NULL;
	if (self()->fpu) {
		/* a frame on the program's stack gives the FXSAVE area only */
		n = on_slot ? xstate_size_of(self()->fpu, hi - p) : 0;
		self()->fpu_size = n ? n : HAL_FPU_SIZE;
	}
}

void hal_set_tls(uint64_t base)
{
	if (remote_chan_of_self()) {
		remote_set_tls(base);
		return;
	}
	__asm__ volatile("wrfsbase %0" ::"r"(base) : "memory");
}

int hal_random(void *buf, size_t n)
{
	return x86_rdrand_fill(buf, n);
}

int hal_clock_ns(int clk, int64_t *ns)
{
	int64_t a[4] = {clk, 0, 0, 0};
	struct hc_msg req = {HC_MAGIC, HC_CLOCK, 0, 0, {a[0], 0, 0, 0, 0}, 0, 0}, resp;
	static uint64_t seq = 3ULL << 61;

	req.seq = seq++;
	if (hal_hostcall(&req, NULL, 0, &resp, NULL, 0) < 0 || resp.ret < 0)
		return -EIO;
	*ns = resp.ret;
	return 0;
}

void hal_timer_arm(int64_t deadline_ns)
{
	plat_call(SGXSIM_OP_TIMER, deadline_ns, 0, 0);
}

void hal_yield(void)
{
	plat_call(SGXSIM_OP_YIELD, 0, 0, 0);
}

int hal_cpu_count(void)
{
	static int n;
	int64_t r;

	if (!n) {
		r = plat_call(SGXSIM_OP_CPUS, 0, 0, 0);
		n = r < 1 ? 1 : r > 1024 ? 1024 : (int)r; /* the host's word, bounded */
	}
	return n;
}

void hal_thread_set_self(void *cookie)
{
	slot_cookie[self_slot()] = cookie;
}

void *hal_thread_self(void)
{
	return slot_cookie[self_slot()];
}

static int slot_of(void *cookie)
{
	for (int i = 0; i < SGXSIM_MAX_THREADS; i++) {
		int st = __atomic_load_n(&slot_state[i], __ATOMIC_ACQUIRE);
		if ((st == SLOT_RUNNING || st == SLOT_STARTING) && slot_cookie[i] == cookie)
			return i;
	}
	return -1;
}

void hal_thread_wait(int64_t timeout_ns)
{
	struct tcs *t = self();
	int64_t r = plat_call(SGXSIM_OP_WAIT, (int64_t)self_slot(), t->seen, timeout_ns);

	if (r >= 0)
		t->seen = r;
}

static void wake_slot(int slot)
{
	plat_call(SGXSIM_OP_WAKE, slot, 0, 0);
}

void hal_thread_wake(void *cookie)
{
	int i = slot_of(cookie);

	if (i >= 0)
		wake_slot(i);
}

void hal_thread_kick(void *cookie)
{
	int i = slot_of(cookie);

	if (i >= 0)
		plat_call(SGXSIM_OP_KICK, i, 0, 0);
}

/* Takes slot i for a new thread (its state already STARTING): the
 * thread's address space binds it first, then the slot's host thread goes. */
static int claim_slot(int i, struct hal_as *as, const struct nto_regs *regs, uint64_t tls,
		      void *cookie)
{
	struct tcs *t = slot_tcs((uint64_t)i);

	t->start_regs = *regs;
	t->start_tls = tls;
	slot_cookie[i] = cookie;
	return as ? remote_bind((uint64_t)i, as) : 0;
}

/* Hands a parked slot, or a fresh one, to a new thread. Runs under the core
 * lock, so starters never race; parking threads race only on `state`. */
int hal_thread_start(struct hal_as *as, const struct nto_regs *regs, uint64_t tls, void *cookie)
{
	for (int i = 1; i < SGXSIM_MAX_THREADS; i++) {
		int parked = SLOT_PARKED;
		if (__atomic_load_n(&slot_state[i], __ATOMIC_ACQUIRE) != SLOT_PARKED)
			continue;
		if (!__atomic_compare_exchange_n(&slot_state[i], &parked, SLOT_STARTING, false,
						 __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			continue;
		if (claim_slot(i, as, regs, tls, cookie) < 0) {
			__atomic_store_n(&slot_state[i], SLOT_PARKED, __ATOMIC_RELEASE);
			return -EAGAIN;
		}
		wake_slot(i);
		return 0;
	}
	for (int i = 1; i < SGXSIM_MAX_THREADS; i++) {
		struct tcs *t = slot_tcs((uint64_t)i);
		if (__atomic_load_n(&slot_state[i], __ATOMIC_ACQUIRE) != SLOT_UNUSED)
			continue;
		if (local_mem(SGXSIM_OP_MMAP, SGXSIM_SLOT(i), SGXSIM_SLOT_SIZE,
			      PROT_READ | PROT_WRITE) < 0)
			return -EAGAIN;
		t->selector = SUD_BLOCK;
		__atomic_store_n(&slot_state[i], SLOT_STARTING, __ATOMIC_RELEASE);
		if (claim_slot(i, as, regs, tls, cookie) < 0 ||
		    plat_call(SGXSIM_OP_THREAD_START, i, 0, 0) < 0) {
			if (as)
				remote_unbind_slot((uint64_t)i);
			__atomic_store_n(&slot_state[i], SLOT_UNUSED, __ATOMIC_RELEASE);
			local_mem(SGXSIM_OP_MUNMAP, SGXSIM_SLOT(i), SGXSIM_SLOT_SIZE, 0);
			return -EAGAIN;
		}
		return 0;
	}
	return -EAGAIN;
}

/* Enters the program as the thread this slot was started for. */
static __noreturn void run_started(struct tcs *t)
{
	sgxsim_set_gs(SGXSIM_SLOT(self_slot()));
	__atomic_store_n(&slot_state[self_slot()], SLOT_RUNNING, __ATOMIC_RELEASE);
	if (remote_chan_of_self())
		sgxsim_restart(remote_run, self_stack_top());
	hal_set_tls(t->start_tls);
	sgxsim_enter_user(&t->start_regs);
}

/* A thread's end parks its host thread and slot together until a new
 * thread is started there: a slot's stack is only ever used by its own
 * host thread, so no other thread can land on a stack still in use. */
__noreturn void hal_thread_exit(void)
{
	struct tcs *t = self();
	int *state = &slot_state[self_slot()];

	/* The core frees its thread: its address may name a new one soon. */
	slot_cookie[self_slot()] = NULL;
	if (remote_chan_of_self())
		remote_unbind_slot(self_slot());
	__atomic_store_n(state, SLOT_PARKED, __ATOMIC_RELEASE);
	while (__atomic_load_n(state, __ATOMIC_ACQUIRE) != SLOT_STARTING)
		hal_thread_wait(-1);
	run_started(t);
}

__noreturn void hal_enter_user(const struct nto_regs *regs)
{
	if (remote_chan_of_self())
		remote_enter_user(regs);
	sgxsim_enter_user(regs);
}

__noreturn void hal_exit(int status)
{
	struct hc_msg req = {HC_MAGIC, HC_EXIT, 0, 0, {status, 0, 0, 0, 0}, 0, 0}, resp;

	hal_hostcall(&req, NULL, 0, &resp, NULL, 0);
	/* A host that returns from EXIT is hostile: spin rather than run on. */
	for (;;)
		__asm__ volatile("pause");
}

void from_mcontext(const struct sigcontext64 *m, struct nto_regs *r)
{
	r->r8 = m->r8, r->r9 = m->r9, r->r10 = m->r10, r->r11 = m->r11;
	r->r12 = m->r12, r->r13 = m->r13, r->r14 = m->r14, r->r15 = m->r15;
	r->rdi = m->rdi, r->rsi = m->rsi, r->rbp = m->rbp, r->rbx = m->rbx;
	r->rdx = m->rdx, r->rax = m->rax, r->rcx = m->rcx, r->rsp = m->rsp;
	r->rip = m->rip, r->rflags = m->eflags;
}

void to_mcontext(const struct nto_regs *r, struct sigcontext64 *m)
{
	m->r8 = r->r8, m->r9 = r->r9, m->r10 = r->r10, m->r11 = r->r11;
	m->r12 = r->r12, m->r13 = r->r13, m->r14 = r->r14, m->r15 = r->r15;
	m->rdi = r->rdi, m->rsi = r->rsi, m->rbp = r->rbp, m->rbx = r->rbx;
	m->rdx = r->rdx, m->rax = r->rax, m->rcx = r->rcx, m->rsp = r->rsp;
	m->rip = r->rip, m->eflags = r->rflags;
}

/* A program's syscall, caught by Syscall User Dispatch. */
static void on_sigsys(int sig, struct siginfo64 *si, struct ucontext64 *uc)
{
	struct nto_regs r;
	int32_t nr;

	(void)sig;
	memcpy(&nr, (uint8_t *)si + 24, sizeof(nr)); /* si_syscall */
	note_fpu(uc);
	if (rt_satellite) {
		sat_event(SAT_SYSCALL, uc, 0, 0, 0, (uint64_t)(uint32_t)nr);
		return;
	}
	if (self()->kick_pending && uc->uc_mcontext.rip == (uptr)sgxsim_kick_tramp_end) {
		/* a kick, now on the slot's stack with the program's stack free */
		self()->kick_pending = false;
		r = self()->kick_regs;
		core_kick(&r);
		to_mcontext(&r, &uc->uc_mcontext);
		return;
	}
	from_mcontext(&uc->uc_mcontext, &r);
	r.orig_rax = (uint64_t)(uint32_t)nr;
	core_syscall(&r);
	to_mcontext(&r, &uc->uc_mcontext);
}


/* A kick: another thread wants this one in the core (a signal for it).
 * Reached through sgxsim_kick_entry, on the slot's stack, but the host put
 * this signal's frame on the program's stack, right where the core would
 * build the program's signal frame. So the kick only parks the program's
 * registers and sends it to sgxsim_kick_tramp, whose syscall enters the
 * core the usual way (on_sigsys, frame on the slot's stack) with the
 * program's registers and FPU state untouched. A satellite's kick goes to
 * the core at once (its frames carry the FXSAVE area only, which fits). */
void sgxsim_on_kick(int sig, struct siginfo64 *si, struct ucontext64 *uc)
{
	struct nto_regs r;
	uptr ip = uc->uc_mcontext.rip;

	(void)sig, (void)si;
	/* Only program code is interrupted: a thread in the core or in an OCALL
	 * will look at its signals on its way back to the program. */
	if (self()->selector != SUD_BLOCK || !inside_enclave(ip, 1) || ip >= SGXSIM_CORE_BASE)
		return;
	if (rt_satellite) {
		note_fpu(uc);
		sat_event(SAT_KICK, uc, 0, 0, 0, 0);
		return;
	}
	from_mcontext(&uc->uc_mcontext, &r);
	r.orig_rax = (uint64_t)-1;
	self()->kick_regs = r;
	self()->kick_pending = true;
	uc->uc_mcontext.rip = (uptr)sgxsim_kick_tramp;
}

/* A hardware fault (the AEX + exception ECALL path on real SGX). */
static void on_fault(int sig, struct siginfo64 *si, struct ucontext64 *uc)
{
	struct nto_regs r;
	uptr ip = uc->uc_mcontext.rip;

	if (ip >= (uptr)sgxsim_probe_start && ip < (uptr)sgxsim_probe_end) {
		uc->uc_mcontext.rip = (uptr)sgxsim_probe_fixup;
		return;
	}
	if (ip >= SGXSIM_CORE_BASE && ip < SGXSIM_END)
		kpanic("fault %d in the core at 0x%lx (address 0x%lx)", sig, ip, si->si_addr);
	if (self()->selector == SUD_ALLOW) /* host code faulted inside an OCALL */
		hal_exit(70);
	note_fpu(uc);
	if (rt_satellite) {
		sat_event(SAT_FAULT, uc, (uint64_t)sig, (uint64_t)(int64_t)si->si_code,
			  sig == 11 || sig == 7 ? si->si_addr : ip, 0);
		return;
	}
	from_mcontext(&uc->uc_mcontext, &r);
	core_fault(&r, sig, si->si_code, sig == 11 || sig == 7 ? si->si_addr : ip);
	to_mcontext(&r, &uc->uc_mcontext);
}

/* Installs the handlers above and arms Syscall User Dispatch (by OCALL). */
int rt_arm(void)
{
	return (int)plat_call(SGXSIM_OP_ARM, (int64_t)(uptr)on_sigsys, (int64_t)(uptr)on_fault,
			      (int64_t)(uptr)sgxsim_kick_entry);
}

/* Copies the untrusted boot records into enclave memory. */
static const uint8_t *copy_boot(size_t *len)
{
	size_t n = boot_ecall.boot_size;

	if (n > MAX_BOOT || !outside_enclave((uptr)boot_ecall.boot, n))
		return NULL;
	if (hal_mem_map(SGXSIM_BOOT_COPY, ALIGN_UP(n + 1, PAGE_SIZE), PROT_READ | PROT_WRITE) < 0)
		return NULL;
	memcpy((void *)SGXSIM_BOOT_COPY, boot_ecall.boot, n);
	*len = n;
	return (const uint8_t *)SGXSIM_BOOT_COPY;
}

/* Checks the per-thread part of an ECALL and takes it into the slot. */
bool take_thread_fields(struct tcs *t, const struct sgxsim_ecall *e)
{
	if (!outside_enclave((uptr)e->ocall_buf, sizeof(*e->ocall_buf)) ||
	    !outside_enclave((uptr)e->ocall_fn, 1) || !outside_enclave(e->host_stack - 1, 1))
		return false;
	t->ocall_buf = e->ocall_buf;
	t->ocall_fn = e->ocall_fn;
	t->host_stack = e->host_stack;
	t->host_fs = e->host_fs;
	return true;
}

/* A later thread's first entry: its slot must be the one it was started for. */
static __noreturn void thread_entry(const struct sgxsim_ecall *e)
{
	struct tcs *t = self();

	if (e->slot != self_slot() || !take_thread_fields(t, e) ||
	    __atomic_load_n(&slot_state[self_slot()], __ATOMIC_ACQUIRE) != SLOT_STARTING)
		for (;;) /* no trusted way out of a malformed entry */
			__asm__ volatile("pause");
	run_started(t);
}

__attribute__((section(".text.entry"))) void enclave_start(const struct sgxsim_ecall *e)
{
	static struct hal_boot boot;
	struct sgxsim_ecall copy;
	struct tcs *t = self();

	if (!outside_enclave((uptr)e, sizeof(*e)))
		for (;;)
			__asm__ volatile("pause");
	copy = *e; /* read the untrusted block once */
	if (copy.magic == SGXSIM_THREAD_MAGIC)
		thread_entry(&copy);
	if (copy.magic == SGXSIM_SAT_MAGIC)
		sat_thread_entry(&copy);
	/* The first ECALL, on slot 0, only once. */
	if (copy.magic != SGXSIM_ECALL_MAGIC || self_slot() != 0 || slot_state[0] != SLOT_UNUSED ||
	    !take_thread_fields(t, &copy))
		for (;;)
			__asm__ volatile("pause");
	boot_ecall = copy;
	memcpy(rt_mrenclave, copy.mrenclave, sizeof(rt_mrenclave));
	slot_state[0] = SLOT_RUNNING;
	sgxsim_set_gs(SGXSIM_SLOT(0));
	t->selector = SUD_BLOCK;
	if (boot_ecall.image_size > SGXSIM_IMAGE_MAX || rt_arm() < 0)
		hal_exit(125);
	boot.args = copy_boot(&boot.args_size);
	if (!boot.args)
		hal_exit(125);
	boot.image = (const uint8_t *)SGXSIM_IMAGE_BASE;
	boot.image_size = boot_ecall.image_size;
	/* Measure what the launcher put in, as SGX's EEXTEND would: the core
	 * runs nothing that is not in these bytes. */
	boot.measured = mbedtls_sha256(boot.image, boot.image_size, boot.measurement, 0) == 0;
	boot.user_min = SGXSIM_USER_MIN;
	boot.user_max = SGXSIM_USER_MAX;
	boot.kheap_base = SGXSIM_HEAP_BASE;
	boot.kheap_size = SGXSIM_HEAP_SIZE;
	boot.mem_limit = boot_ecall.mem_limit;
	core_main(&boot);
}
