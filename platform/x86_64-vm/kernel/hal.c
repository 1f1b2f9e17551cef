/*
 * x86_64-vm: the rest of the HAL, and the start of the core.
 */
#include <nto/kernel.h>
#include "x86.h"
#include "../../common/x86_rdrand.h"


int hal_copy_from_user(void *dst, const void __user *src, size_t n)
{
	/* The core checked the range against its map; a fault anyway (a
	 * frame the TEE could not give) makes the copy fail, not the kernel. */
	return (int)user_copy(dst, (const void *)src, n);
}

int hal_copy_to_user(void __user *dst, const void *src, size_t n)
{
	return (int)user_copy((void *)dst, src, n);
}

void hal_set_tls(uint64_t base)
{
	wrmsr(MSR_FS_BASE, base);
}

int hal_random(void *buf, size_t n)
{
	return x86_rdrand_fill(buf, n);
}

int hal_cpu_count(void)
{
	return 1;
}

__noreturn void hal_exit(int status)
{
	vm_host_exit(status);
}
