/* The VM platforms' shared launcher (vm_launch.c) and what each platform's
 * launcher tells it: its name, its kernel and how to start QEMU. */
#ifndef VM_LAUNCH_H
#define VM_LAUNCH_H

#include "../../../host/launch.h"

/* What the shared launcher has ready for QEMU's command line. */
struct vm_qemu_args {
	const char *kernel;      /* the kernel ELF */
	const char *initrd;      /* the initrd (a /proc/self/fd path) */
	const char *dbg_chardev; /* a -chardev spec with id=dbg: the kernel's debug console */
	const char *mem;         /* guest RAM, e.g. "256M" */
	const char *accel;       /* QEMU's -accel: "tcg" or "kvm" */
	bool verbose;            /* the kernel prints its boot lines */
};

struct vm_platform {
	const char *name;       /* e.g. "x86_64-vm": messages, and build/<name>/kernel.elf */
	const char *kernel_env; /* the environment variable that names another kernel */
	char dbg_start;         /* the kernel's first debug byte (what comes before is the
				   firmware's and is dropped), or 0: forward all */
	bool can_kvm;           /* the guest's ISA is the host's: --accel may pick KVM */
	/* Execs QEMU with the host-call console on stdin/stdout (a virtconsole
	 * on `-chardev stdio,id=hc,signal=off`); returns only if exec failed. */
	void (*exec_qemu)(const struct vm_qemu_args *a);
};

/* Runs the program described by l on platform p; returns nto's exit status. */
int vm_launch(const struct vm_platform *p, const struct nto_launch *l);

#endif
