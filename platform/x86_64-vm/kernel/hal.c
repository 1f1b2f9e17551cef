/*
 * x86_64-vm: the rest of the HAL, and the start of the core.
 */
#include <nto/kernel.h>
#include "x86.h"
#include "../initrd.h"
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
	struct hc_msg req = {HC_MAGIC, HC_EXIT, 0, 0, {status, 0, 0, 0, 0}, 0, 0}, resp;

	hal_hostcall(&req, NULL, 0, &resp, NULL, 0);
	vm_poweroff(status & 0x7f);
}

/* Checks the initrd's framing, then starts the core on it. */
__noreturn void boot_core(const uint8_t *p, uint64_t len)
{
	static struct hal_boot boot;
	struct x86vm_initrd h;

	if (len < sizeof(h))
		vm_panic("initrd too short (%lu bytes)", len);
	memcpy(&h, p, sizeof(h));
	if (h.magic != X86VM_INITRD_MAGIC || h.image_off > len || h.image_size > len - h.image_off ||
	    h.boot_off > len || h.boot_size > len - h.boot_off || (h.image_off & (PAGE_SIZE - 1)))
		vm_panic("malformed initrd");
	hostcall_init();
	boot.image = p + h.image_off;
	boot.image_size = h.image_size;
	boot.args = p + h.boot_off;
	boot.args_size = h.boot_size;
	boot.user_min = USER_MIN;
	boot.user_max = USER_MAX;
	boot.kheap_base = KHEAP_BASE;
	boot.kheap_size = KHEAP_SIZE;
	boot.mem_limit = MIN(h.mem_limit, frames_total() - frames_total() / 16);
	boot.measured = vm_measure(boot.image, boot.image_size, boot.measurement);
	if (vm_verbose)
		dbg_printf("x86_64-vm: core_main: image %lu bytes, boot records %lu bytes, %lu MiB\n",
			   h.image_size, h.boot_size, boot.mem_limit >> 20);
	core_main(&boot);
}
