/*
 * riscv64-vm launcher (untrusted host side): QEMU's virt machine with
 * OpenSBI (-bios default) and TCG; the host-call console is a
 * virtio-serial device on virtio-mmio (version 2), the kernel's debug
 * output the 16550 UART. The rest (initrd, host-call serving, exit) is
 * the VMs' shared launcher, platform/vm-common/host/vm_launch.c.
 */
#define _GNU_SOURCE
#include <unistd.h>

#include "../../vm-common/host/vm_launch.h"

#define RVVM_DBG_START 0x1e /* the kernel's first debug byte (kernel/main.c) */

static void exec_qemu(const struct vm_qemu_args *a)
{
	const char *argv[] = {"qemu-system-riscv64", "-machine", "virt", "-accel", a->accel, "-cpu", "rv64,zkr=on",
			      "-bios", "default", "-m", a->mem, "-no-reboot", "-nodefaults",
			      "-display", "none", "-kernel", a->kernel, "-initrd", a->initrd,
			      "-append", a->verbose ? "verbose" : "quiet",
			      "-chardev", "stdio,id=hc,signal=off",
			      "-global", "virtio-mmio.force-legacy=false",
			      "-device", "virtio-serial-device,max_ports=1",
			      "-device", "virtconsole,chardev=hc",
			      "-chardev", a->dbg_chardev,
			      "-serial", "chardev:dbg", NULL};
	execvp(argv[0], (char **)argv);
}

static const struct vm_platform rvvm = {
	.name = "riscv64-vm",
	.kernel_env = "NTO_RISCV64VM_KERNEL",
	.dbg_start = RVVM_DBG_START,
	.can_kvm = false, /* a riscv64 guest on an x86-64 host: TCG only */
	.exec_qemu = exec_qemu,
};

int rvvm_launch(const struct nto_launch *l)
{
	return vm_launch(&rvvm, l);
}
