/*
 * riscv64-vm: the rest of the HAL (user copies through the direct map, FP
 * state, TLS, randomness, clocks, exit) and the scheduler's per-thread CPU
 * state (vm-common/kernel/sched.c).
 */
#include <nto/kernel.h>
#include "vm_plat.h"

#define FCSR_MASK 0xffU /* frm and fflags: the rest reads as zero */

/* Program memory is reached through the direct map after a walk of the
 * program's table (mm_copy_user), never with sstatus.SUM: the kernel
 * cannot touch a program address by mistake, and no SUM toggle costs a
 * TLB flush (QEMU flushes the whole TLB at each change of SUM: a copy cost
 * ~10 us that way). */
int hal_copy_from_user(void *dst, const void __user *src, size_t n)
{
	return mm_copy_user(dst, (uint64_t)src, n, false);
}

int hal_copy_to_user(void __user *dst, const void *src, size_t n)
{
	int r = mm_copy_user((void *)src, (uint64_t)dst, n, true);

	/* The bytes may be code the program runs next (a page-in, exec's
	 * segments): the hart's instruction fetches must see them. */
	__asm__ volatile("fence.i" ::: "memory");
	return r;
}

/* The kernel is built without FP, so the program's FP registers stay live
 * in the hart between its traps. */
size_t hal_fpu_save(void *dst)
{
	fpu_save(dst);
	return HAL_FPU_SIZE;
}

void hal_fpu_restore(const void *src, size_t n)
{
	uint64_t fp[NTO_FPU_SIZE / 8] = {0};

	memcpy(fp, src, MIN(n, sizeof(fp))); /* a short state: the rest reads 0 */
	fp[32] &= FCSR_MASK;
	fpu_restore(fp);
}

/* tp is a general register: the program's own, in its trap frame. The
 * core calls this at execve (0, with fresh registers anyway). */
void hal_set_tls(uint64_t base)
{
	(void)base;
}

void vm_arch_switch(struct vm_thread_arch *prev, const struct vm_thread_arch *next)
{
	fpu_save(prev->fp);
	fpu_restore(next->fp);
}

void vm_arch_thread_init(struct vm_thread_arch *a, struct nto_regs *regs, uint64_t tls)
{
	fpu_save(a->fp); /* the creator's, as clone does */
	/* CLONE_SETTLS; otherwise the core passes 0 (riscv programs set tp
	 * themselves) and the child keeps the parent's tp. */
	if (tls)
		regs->tp = tls;
}

uint64_t vm_arch_first_stack(uint64_t top, void (*entry)(void))
{
	uint64_t *sp = (uint64_t *)(top - 112); /* switch_stack's frame: ra, s0..s11 */

	memset(sp, 0, 112);
	sp[0] = (uint64_t)entry;
	return (uint64_t)sp;
}

/* 16 bits from Zkr's entropy source, or -EIO if it has none (or died). */
static int seed16(uint16_t *out)
{
	for (int tries = 0; tries < 1000000; tries++) {
		uint64_t v = rv_seed_read();
		if (SEED_OPST(v) == SEED_ES16) {
			*out = (uint16_t)v;
			return 0;
		}
		if (v == SEED_DEAD)
			return -EIO; /* DEAD, or no seed CSR at all */
		/* BIST or WAIT: the source is warming up or refilling */
	}
	return -EIO;
}

/* The fallback where the hart has no Zkr: the time CSR's low bits mixed
 * over many reads. Only as good as the timer's jitter (weak; logged). */
static void jitter_bytes(uint8_t *p, size_t n)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < 8; k++) {
			uint64_t t;
			__asm__ volatile("rdtime %0" : "=r"(t));
			x = (x ^ t) * 0xbf58476d1ce4e5b9ULL;
			x ^= x >> 31;
		}
		p[i] = (uint8_t)(x >> 56);
	}
}

/*
 * The TEE's own randomness: Zkr's seed CSR (QEMU's `zkr=on`; the entropy
 * source a Keystone or CoVE hart would have), never the host. The spec
 * leaves conditioning to software: every 32 bytes out are the SHA-256 of
 * 64 raw 16-bit samples (4x oversampled).
 */
int hal_random(void *buf, size_t n)
{
	static bool warned;
	uint8_t *p = buf, out[32];
	uint16_t raw[64];

	while (n) {
		size_t k = MIN(n, sizeof(out));
		for (size_t i = 0; i < ARRAY_SIZE(raw); i++) {
			if (seed16(&raw[i]) < 0)
				goto no_seed;
		}
		if (!vm_measure((const uint8_t *)raw, sizeof(raw), out))
			goto no_seed;
		memcpy(p, out, k);
		p += k;
		n -= k;
	}
	return 0;
no_seed:
	if (!warned) {
		vlog("riscv64-vm: no Zkr entropy source: randomness from timer jitter only\n");
		warned = true;
	}
	jitter_bytes(p, n);
	return 0;
}

/* Both clocks are the hart's time CSR, each based once on the host's
 * reading at the core's first use: they advance together, so a deadline
 * on one converts exactly to the other (futex's CLOCK_REALTIME waits), and
 * a reading costs no host call. The host's clock is believed once, at the
 * start, as it was for every reading before. */
int hal_clock_ns(int clk, int64_t *ns)
{
	static bool mono_based, real_based;
	static int64_t real_off;
	int64_t host;

	/* The monotonic base first: the realtime offset is taken against it. */
	if (!mono_based && vm_host_clock(CLOCK_MONOTONIC, &host) == 0)
		timer_rebase(host);
	mono_based = true;
	if (clk == CLOCK_MONOTONIC) {
		*ns = now_ns();
		return 0;
	}
	if (clk != CLOCK_REALTIME)
		return vm_host_clock(clk, ns);
	if (!real_based) {
		if (vm_host_clock(CLOCK_REALTIME, &host) < 0)
			return -EIO;
		real_off = host - now_ns();
		real_based = true;
	}
	*ns = now_ns() + real_off;
	return 0;
}

int hal_cpu_count(void)
{
	return 1;
}

/* The sifive_test device carries the whole status to QEMU's exit code. */
__noreturn void hal_exit(int status)
{
	vm_host_exit(status);
}
