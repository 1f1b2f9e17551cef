/*
 * The VM platforms (x86_64-vm, riscv64-vm): the initrd the launcher hands
 * QEMU (-initrd): one header, the measured image (nto/image.h, as on
 * sgx-sim) and the boot records (nto/bootargs.h). The kernel checks the
 * framing before it believes any offset; the core checks the contents.
 * Shared by the kernels (platform/vm-common/kernel/boot.c) and the
 * launcher (platform/vm-common/host/vm_launch.c).
 */
#ifndef VM_INITRD_H
#define VM_INITRD_H

#define VM_INITRD_MAGIC 0x3144524956544e4eULL /* "NNTVIRD1" */

struct vm_initrd {
	uint64_t magic;
	uint64_t image_off, image_size; /* image_off is page aligned */
	uint64_t boot_off, boot_size;
	uint64_t mem_limit; /* bytes of RAM the program may use (--enclave-size) */
};

#endif
