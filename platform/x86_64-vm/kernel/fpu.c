/*
 * x86_64-vm: the program's FPU/SSE/AVX state. The kernel is built without
 * vector registers, so a thread's state stays live in the CPU from its
 * trap until the kernel switches threads (xsave/xrstor of the whole state
 * then) or the core builds a signal frame (hal_fpu_save).
 *
 * Where the CPU has XSAVE, the kernel turns on CR4.OSXSAVE and enables x87,
 * SSE and AVX in XCR0 (AVX-512 and later features are left off: their
 * areas would not fit HAL_FPU_MAX, and nothing here uses them), so programs
 * see AVX through CPUID and XGETBV, exactly as on a Linux guest. Signal
 * frames then carry Linux's XSAVE fpstate. Without XSAVE, FXSAVE only.
 */
#include <nto/kernel.h>
#include <arch/sigframe.h>
#include "x86.h"

#define CR4_OSXSAVE (1UL << 18)
#define XFEATURES   0x7ULL /* x87, SSE, AVX */
#define MXCSR_OFF   24
#define MXCSR_VALID 0xffbfU
#define XHDR_OFF    512    /* the XSAVE header: xstate_bv, xcomp_bv, reserved */
#define XHDR_SIZE   64

static uint64_t xcr0;     /* 0: FXSAVE only */
static uint32_t xsize = HAL_FPU_SIZE; /* bytes of a save area */

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

static inline void xsetbv(uint32_t reg, uint64_t v)
{
	__asm__ volatile("xsetbv" ::"c"(reg), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

void fpu_init(void)
{
	uint32_t r[4];
	uint64_t cr4;

	cpuid(1, 0, r);
	if (!(r[2] & (1U << 26)))
		return; /* no XSAVE: FXSAVE only */
	cpuid(0xd, 0, r);
	uint64_t want = (((uint64_t)r[3] << 32) | r[0]) & XFEATURES;
	if ((want & 3) != 3)
		return;
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	__asm__ volatile("mov %0, %%cr4" ::"r"(cr4 | CR4_OSXSAVE));
	xsetbv(0, want);
	cpuid(0xd, 0, r); /* EBX: the area's size for what XCR0 enables now */
	if (r[1] + 4 > HAL_FPU_MAX || r[1] + 4 > FPU_AREA) {
		xsetbv(0, 3);
		want = 3;
		cpuid(0xd, 0, r);
	}
	xcr0 = want;
	xsize = r[1];
	vlog("x86_64-vm: XSAVE on, XCR0 %lx, %u-byte area\n", (unsigned long)xcr0, xsize);
}

void fpu_save(void *area)
{
	if (xcr0)
		__asm__ volatile("xsave64 (%0)" ::"r"(area), "a"((uint32_t)xcr0),
				 "d"((uint32_t)(xcr0 >> 32))
				 : "memory");
	else
		__asm__ volatile("fxsave64 (%0)" ::"r"(area) : "memory");
}

void fpu_load(const void *area)
{
	if (xcr0)
		__asm__ volatile("xrstor64 (%0)" ::"r"(area), "a"((uint32_t)xcr0),
				 "d"((uint32_t)(xcr0 >> 32))
				 : "memory");
	else
		__asm__ volatile("fxrstor64 (%0)" ::"r"(area) : "memory");
}

size_t hal_fpu_save(void *dst)
{
	static uint8_t area[FPU_AREA] __attribute__((aligned(64)));
	struct fpx_sw_bytes sw = {FP_XSTATE_MAGIC1, xsize + 4, xcr0, xsize, {0}};
	uint32_t magic2 = FP_XSTATE_MAGIC2;

	/* XSAVE skips components in their initial state: without the memset
	 * the frame would show the bytes of whichever thread saved here last. */
	memset(area, 0, sizeof(area));
	fpu_save(area);
	if (!xcr0) {
		memset(area + FPX_SW_OFFSET, 0, HAL_FPU_SIZE - FPX_SW_OFFSET);
		memcpy(dst, area, HAL_FPU_SIZE);
		return HAL_FPU_SIZE;
	}
	memcpy(area + FPX_SW_OFFSET, &sw, sizeof(sw));
	memcpy(area + xsize, &magic2, sizeof(magic2));
	memcpy(dst, area, xsize + 4);
	return xsize + 4;
}

/* True if src holds an XSAVE fpstate of exactly this CPU's layout. */
static bool ours(const uint8_t *src, size_t n)
{
	struct fpx_sw_bytes sw;
	uint32_t magic2;

	if (!xcr0 || n != xsize + 4)
		return false;
	memcpy(&sw, src + FPX_SW_OFFSET, sizeof(sw));
	memcpy(&magic2, src + xsize, sizeof(magic2));
	return sw.magic1 == FP_XSTATE_MAGIC1 && sw.xstate_size == xsize &&
	       sw.extended_size == xsize + 4 && magic2 == FP_XSTATE_MAGIC2;
}

void hal_fpu_restore(const void *src, size_t n)
{
	static uint8_t area[FPU_AREA] __attribute__((aligned(64)));
	uint64_t bv = 3; /* a plain FXSAVE area: x87 and SSE from it, the rest reset */
	uint32_t mxcsr;

	memset(area, 0, sizeof(area));
	if (ours(src, n)) {
		memcpy(area, src, xsize);
		memcpy(&bv, area + XHDR_OFF, sizeof(bv));
		memset(area + XHDR_OFF, 0, XHDR_SIZE); /* xcomp_bv, reserved: must be 0 */
	} else {
		memcpy(area, src, HAL_FPU_SIZE);
	}
	memcpy(&mxcsr, area + MXCSR_OFF, sizeof(mxcsr));
	mxcsr &= MXCSR_VALID;
	memcpy(area + MXCSR_OFF, &mxcsr, sizeof(mxcsr));
	memset(area + 28, 0, 4);                                  /* MXCSR_MASK is the CPU's */
	memset(area + FPX_SW_OFFSET, 0, HAL_FPU_SIZE - FPX_SW_OFFSET); /* software bytes */
	bv &= xcr0;
	if (xcr0)
		memcpy(area + XHDR_OFF, &bv, sizeof(bv)); /* only enabled features */
	fpu_load(area);
}
