/*
 * x86_64-vm: what the shared scheduler (vm-common/kernel/sched.c) needs
 * from the CPU: the FPU/SSE/AVX state (fpu.c) and FS base per thread, a new thread's
 * first switch_stack frame, the idle hlt and the timer slice.
 */
#include <nto/kernel.h>
#include "vm_plat.h"

void vm_arch_switch(struct vm_thread_arch *prev, const struct vm_thread_arch *next)
{
	fpu_save(prev->fpu);
	prev->fs = rdmsr(MSR_FS_BASE);
	wrmsr(MSR_FS_BASE, next->fs);
	fpu_load(next->fpu);
}

void vm_arch_thread_init(struct vm_thread_arch *a, struct nto_regs *regs, uint64_t tls)
{
	(void)regs;
	fpu_save(a->fpu); /* the creator's, as clone does */
	a->fs = tls;
}

uint64_t vm_arch_first_stack(uint64_t top, void (*entry)(void))
{
	uint64_t *sp = (uint64_t *)top;

	*--sp = 0;              /* alignment: entry starts as if called */
	*--sp = (uint64_t)entry; /* switch_stack's ret */
	for (int k = 0; k < 6; k++)
		*--sp = 0;      /* rbp, rbx, r12..r15 */
	return (uint64_t)sp;
}

void vm_idle(void)
{
	__asm__ volatile("sti; hlt; cli" ::: "memory");
}

void timer_arm(int64_t delta)
{
	lapic_arm(delta);
}
