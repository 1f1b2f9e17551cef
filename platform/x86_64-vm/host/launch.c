/*
 * x86_64-vm launcher (untrusted host side): QEMU's microvm (TCG, or KVM
 * where the CPU has VMX/SVM: vm_accel); the
 * rest (initrd, host-call serving, exit) is the VMs' shared launcher,
 * platform/vm-common/host/vm_launch.c.
 */
#define _GNU_SOURCE
#include <unistd.h>

#include "../../vm-common/host/vm_launch.h"

static void exec_qemu(const struct vm_qemu_args *a)
{
	const char *argv[] = {"qemu-system-x86_64", "-machine", "microvm", "-accel", a->accel,
			      "-cpu", "max", "-m", a->mem, "-no-reboot", "-nodefaults",
			      "-display", "none", "-kernel", a->kernel, "-initrd", a->initrd,
			      "-append", a->verbose ? "verbose" : "quiet",
			      "-device", "isa-debug-exit,iobase=0xf4,iosize=1",
			      "-chardev", "stdio,id=hc,signal=off",
			      "-global", "virtio-mmio.force-legacy=false",
			      "-device", "virtio-serial-device,max_ports=1",
			      "-device", "virtconsole,chardev=hc",
			      "-chardev", a->dbg_chardev,
			      "-device", "isa-debugcon,iobase=0xe9,chardev=dbg", NULL};
	execvp(argv[0], (char **)argv);
}

static const struct vm_platform x86vm = {
	.name = "x86_64-vm",
	.kernel_env = "NTO_X86VM_KERNEL",
	.dbg_start = 0,
	.can_kvm = true,
	.exec_qemu = exec_qemu,
};

int x86vm_launch(const struct nto_launch *l)
{
	return vm_launch(&x86vm, l);
}
