/*
 * The VM platforms: from the initrd to core_main. The framing of the
 * initrd (platform/vm-common/initrd.h) comes from the untrusted launcher,
 * so every offset is checked before it is used; the image is measured
 * inside the VM before the core believes a byte of it.
 */
#include <nto/kernel.h>
#include "vm_plat.h"
#include "../initrd.h"

__noreturn void boot_core(const uint8_t *p, uint64_t len)
{
	static struct hal_boot boot;
	struct vm_initrd h;

	if (len < sizeof(h))
		vm_panic("initrd too short (%lu bytes)", len);
	memcpy(&h, p, sizeof(h));
	if (h.magic != VM_INITRD_MAGIC || h.image_off > len || h.image_size > len - h.image_off ||
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
		dbg_printf(VM_NAME ": core_main: image %lu bytes, boot records %lu bytes, %lu MiB\n",
			   h.image_size, h.boot_size, boot.mem_limit >> 20);
	core_main(&boot);
}
