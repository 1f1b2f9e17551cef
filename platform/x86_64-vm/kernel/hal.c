/*
 * x86_64-vm: the rest of the HAL, and the start of the core.
 */
#include <nto/kernel.h>
#include "x86.h"
#include "../../common/x86_rdrand.h"


int hal_copy_from_user(void *dst, const void __user *src, size_t n)
{
	/* No SMAP yet: the core checked the range against its map and paged
	 * it in, so a plain copy cannot fault. */
	memcpy(dst, (const void *)src, n);
	return 0;
}

int hal_copy_to_user(void __user *dst, const void *src, size_t n)
{
	memcpy((void *)dst, src, n);
	return 0;
}

/* The kernel is built without vector registers, so the program's FPU/SSE
 * state stays live in the CPU between its traps. */
void hal_fpu_save(void *dst)
{
	static uint8_t area[512] __attribute__((aligned(16)));

	__asm__ volatile("fxsave64 %0" : "=m"(area));
	memcpy(dst, area, HAL_FPU_SIZE);
}

#define MXCSR_OFF   24
#define MXCSR_VALID 0xffbfU

void hal_fpu_restore(const void *src)
{
	static uint8_t area[512] __attribute__((aligned(16)));
	uint32_t mxcsr;

	memcpy(area, src, HAL_FPU_SIZE);
	memcpy(&mxcsr, area + MXCSR_OFF, sizeof(mxcsr));
	mxcsr &= MXCSR_VALID;
	memcpy(area + MXCSR_OFF, &mxcsr, sizeof(mxcsr));
	memset(area + 28, 0, 4);     /* MXCSR_MASK is the CPU's to say */
	memset(area + 464, 0, 48);   /* reserved / software bytes */
	__asm__ volatile("fxrstor64 %0" ::"m"(area));
}

void hal_set_tls(uint64_t base)
{
	wrmsr(MSR_FS_BASE, base);
}

int hal_random(void *buf, size_t n)
{
	return x86_rdrand_fill(buf, n);
}

int hal_clock_ns(int clk, int64_t *ns)
{
	return vm_host_clock(clk, ns);
}

int hal_cpu_count(void)
{
	return 1;
}

__noreturn void hal_exit(int status)
{
	vm_host_exit(status);
}
