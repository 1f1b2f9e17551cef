/*
 * The trusted runtime of sgx-sim: the enclave's entry point, its exception
 * handlers and the HAL over OCALLs. Everything the host hands in is checked
 * here first; the core checks it again by type.
 */
#include <nto/hal.h>
#include <nto/kernel.h>
#include <arch/sigframe.h>
#include "../sgxsim.h"

#define SUD_ALLOW 0
#define SUD_BLOCK 1
#define MAX_BOOT  (16UL << 20)
#define BOOT_COPY (SGXSIM_TCS + 0x200000UL)

void sgxsim_exit_call(void (*fn)(struct sgxsim_ocall_buf *), struct sgxsim_ocall_buf *arg,
		      uint64_t host_sp, uint64_t host_fs);
__noreturn void sgxsim_enter_user(const struct nto_regs *r);
void enclave_start(const struct sgxsim_ecall *e);

static struct sgxsim_ecall ecall; /* the trusted copy */
static struct sgxsim_tcs *const tcs = (struct sgxsim_tcs *)SGXSIM_TCS;

static bool outside_enclave(uptr p, size_t n)
{
	return p + n >= p && (p + n <= SGXSIM_BASE || p >= SGXSIM_END);
}

static bool inside_enclave(uptr p, size_t n)
{
	return p + n >= p && p >= SGXSIM_BASE && p + n <= SGXSIM_END;
}

/* EEXIT + EENTER: run the untrusted OCALL handler on the shared buffer. */
static void ocall(void)
{
	tcs->selector = SUD_ALLOW;
	sgxsim_exit_call(ecall.ocall_fn, ecall.ocall_buf, ecall.host_stack, ecall.host_fs);
	tcs->selector = SUD_BLOCK;
}

int hal_hostcall(const struct hc_msg *req, const void *in, size_t in_len, struct hc_msg *resp,
		 void *out, size_t out_cap)
{
	struct sgxsim_ocall_buf *b = ecall.ocall_buf;
	struct hc_msg r;

	if (in_len > HC_MAX_DATA || out_cap > HC_MAX_DATA || req->len != in_len)
		return -EINVAL;
	b->req = *req;
	b->req.cap = (uint32_t)out_cap;
	if (in_len)
		memcpy(b->req_data, in, in_len);
	ocall();
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

static int64_t plat_call(uint32_t op, int64_t a0, int64_t a1, int64_t a2)
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
int hal_mem_map(uptr va, size_t len, int prot)
{
	if (!inside_enclave(va, len))
		return -EINVAL;
	int64_t r = plat_call(SGXSIM_OP_MMAP, (int64_t)va, (int64_t)len, prot);
	return r < 0 ? (r == -ENOMEM ? -ENOMEM : -EIO) : 0;
}

int hal_mem_protect(uptr va, size_t len, int prot)
{
	if (!inside_enclave(va, len))
		return -EINVAL;
	return plat_call(SGXSIM_OP_MPROTECT, (int64_t)va, (int64_t)len, prot) < 0 ? -EIO : 0;
}

int hal_mem_unmap(uptr va, size_t len)
{
	if (!inside_enclave(va, len))
		return -EINVAL;
	return plat_call(SGXSIM_OP_MUNMAP, (int64_t)va, (int64_t)len, 0) < 0 ? -EIO : 0;
}

int hal_copy_from_user(void *dst, const void __user *src, size_t n)
{
	memcpy(dst, src, n);
	return 0;
}

int hal_copy_to_user(void __user *dst, const void *src, size_t n)
{
	memcpy(dst, src, n);
	return 0;
}

void hal_set_tls(uint64_t base)
{
	__asm__ volatile("wrfsbase %0" ::"r"(base) : "memory");
}

int hal_random(void *buf, size_t n)
{
	uint8_t *p = buf;

	while (n) {
		uint64_t v;
		uint8_t ok;
		int tries = 0;
		do {
			__asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
		} while (!ok && ++tries < 100);
		if (!ok)
			return -EIO;
		size_t c = MIN(n, sizeof(v));
		memcpy(p, &v, c);
		p += c;
		n -= c;
	}
	return 0;
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

void hal_sleep_ns(int64_t ns)
{
	plat_call(SGXSIM_OP_SLEEP, ns, 0, 0);
}

__noreturn void hal_enter_user(const struct nto_regs *regs)
{
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

static void from_mcontext(const struct sigcontext64 *m, struct nto_regs *r)
{
	r->r8 = m->r8, r->r9 = m->r9, r->r10 = m->r10, r->r11 = m->r11;
	r->r12 = m->r12, r->r13 = m->r13, r->r14 = m->r14, r->r15 = m->r15;
	r->rdi = m->rdi, r->rsi = m->rsi, r->rbp = m->rbp, r->rbx = m->rbx;
	r->rdx = m->rdx, r->rax = m->rax, r->rcx = m->rcx, r->rsp = m->rsp;
	r->rip = m->rip, r->rflags = m->eflags;
}

static void to_mcontext(const struct nto_regs *r, struct sigcontext64 *m)
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
	from_mcontext(&uc->uc_mcontext, &r);
	r.orig_rax = (uint64_t)(uint32_t)nr;
	core_syscall(&r);
	to_mcontext(&r, &uc->uc_mcontext);
}

/* A hardware fault (the AEX + exception ECALL path on real SGX). */
static void on_fault(int sig, struct siginfo64 *si, struct ucontext64 *uc)
{
	struct nto_regs r;
	uptr ip = uc->uc_mcontext.rip;

	if (ip >= SGXSIM_CORE_BASE && ip < SGXSIM_END)
		kpanic("fault %d in the core at 0x%lx (address 0x%lx)", sig, ip, si->si_addr);
	if (tcs->selector == SUD_ALLOW) /* host code faulted inside an OCALL */
		hal_exit(70);
	from_mcontext(&uc->uc_mcontext, &r);
	core_fault(&r, sig, si->si_code, sig == 11 || sig == 7 ? si->si_addr : ip);
	to_mcontext(&r, &uc->uc_mcontext);
}

/* Installs the handlers above and arms Syscall User Dispatch (by OCALL). */
static int arm(void)
{
	return (int)plat_call(SGXSIM_OP_ARM, (int64_t)(uptr)on_sigsys,
			      (int64_t)(uptr)on_fault, (int64_t)(uptr)&tcs->selector);
}

/* Copies the untrusted boot records into enclave memory. */
static const uint8_t *copy_boot(size_t *len)
{
	size_t n = ecall.boot_size;

	if (n > MAX_BOOT || !outside_enclave((uptr)ecall.boot, n))
		return NULL;
	if (hal_mem_map(BOOT_COPY, ALIGN_UP(n + 1, PAGE_SIZE), PROT_READ | PROT_WRITE) < 0)
		return NULL;
	memcpy((void *)BOOT_COPY, ecall.boot, n);
	*len = n;
	return (const uint8_t *)BOOT_COPY;
}

__attribute__((section(".text.entry"))) void enclave_start(const struct sgxsim_ecall *e)
{
	static struct hal_boot boot;

	if (!outside_enclave((uptr)e, sizeof(*e)))
		hal_exit(125);
	ecall = *e;
	if (ecall.magic != SGXSIM_ECALL_MAGIC ||
	    !outside_enclave((uptr)ecall.ocall_buf, sizeof(*ecall.ocall_buf)) ||
	    !outside_enclave((uptr)ecall.ocall_fn, 1) || !outside_enclave(ecall.host_stack - 1, 1))
		for (;;) /* no safe way to report: the exit path is what was bad */
			__asm__ volatile("pause");
	if (ecall.image_size > SGXSIM_IMAGE_MAX || arm() < 0)
		hal_exit(125);
	boot.args = copy_boot(&boot.args_size);
	if (!boot.args)
		hal_exit(125);
	boot.image = (const uint8_t *)SGXSIM_IMAGE_BASE;
	boot.image_size = ecall.image_size;
	boot.user_min = SGXSIM_USER_MIN;
	boot.user_max = SGXSIM_USER_MAX;
	boot.kheap_base = SGXSIM_HEAP_BASE;
	boot.kheap_size = SGXSIM_HEAP_SIZE;
	boot.mem_limit = ecall.mem_limit;
	core_main(&boot);
}
