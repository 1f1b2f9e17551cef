/*
 * riscv64-vm: the trap paths in C. entry.S saves the program's registers
 * in a trap frame on the thread's kernel stack and calls rv_trap_user: an
 * ecall goes to core_syscall, the timer interrupt to the scheduler and
 * core_kick, faults to core_fault as signals (page faults too: the core
 * pages in what its map says is there). Traps of the kernel itself end the
 * VM with a report.
 */
#include <nto/kernel.h>
#include "rv.h"

#define SCAUSE_IRQ        (1UL << 63)
#define IRQ_S_TIMER       5
#define EXC_INSN_MISALIGNED 0
#define EXC_INSN_ACCESS   1
#define EXC_ILLEGAL       2
#define EXC_BREAKPOINT    3
#define EXC_LOAD_MISALIGNED 4
#define EXC_LOAD_ACCESS   5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS  7
#define EXC_ECALL_U       8
#define EXC_INSN_PAGE     12
#define EXC_LOAD_PAGE     13
#define EXC_STORE_PAGE    15

#define NR_RT_SIGRETURN   139 /* asm-generic */
#define SI_KERNEL         0x80
#define ILL_ILLOPC        1
#define TRAP_BRKPT        1
#define BUS_ADRALN        1
#define SEGV_MAPERR       1

uint64_t kstack_top; /* the running thread's: sscratch while the program runs */

void set_kernel_stack(uint64_t top)
{
	kstack_top = top;
}

static void to_regs(const struct trapframe *tf, struct nto_regs *r)
{
	memcpy(r, tf->regs, sizeof(tf->regs)); /* pc, x1..x31: the same order */
	r->orig_a0 = r->a0;
}

/* Back to the program from regs the core may have rewritten (sigreturn):
 * a pc outside the program's half would fault in the kernel's, so the
 * program gets the SIGSEGV Linux gives for it, as a fault at the return. */
static void to_user(struct nto_regs *r, struct trapframe *tf)
{
	for (int i = 0; r->pc >= USER_MAX && i < 4; i++)
		core_fault(r, SIGSEGV, SI_KERNEL, 0);
	if (r->pc >= USER_MAX)
		hal_exit(128 + SIGSEGV);
	memcpy(tf->regs, r, sizeof(tf->regs));
}

static void syscall(struct trapframe *tf, uint64_t nr)
{
	struct nto_regs r;

	to_regs(tf, &r);
	r.pc += 4; /* past the ecall: restarts step back (regs_restart_syscall) */
	r.a7 = nr;
	sched_entering_core();
	core_syscall(&r);
	to_user(&r, tf);
}

/* The signal a fault of the program raises, with Linux's si_code. */
static int fault_signal(const struct trapframe *tf, int *code, uint64_t *addr)
{
	*addr = tf->stval;
	switch (tf->scause) {
	case EXC_ILLEGAL:
		*code = ILL_ILLOPC;
		*addr = tf->regs[0];
		return SIGILL;
	case EXC_BREAKPOINT:
		*code = TRAP_BRKPT;
		*addr = tf->regs[0];
		return SIGTRAP;
	case EXC_INSN_MISALIGNED:
	case EXC_LOAD_MISALIGNED:
	case EXC_STORE_MISALIGNED:
		*code = BUS_ADRALN;
		return SIGBUS;
	default: /* page and access faults: the core tells MAPERR from ACCERR */
		*code = SEGV_MAPERR;
		return SIGSEGV;
	}
}

static void timer(struct trapframe *tf)
{
	struct nto_regs r;
	bool due = timer_interrupt();

	if (sched_preempt() || due) {
		to_regs(tf, &r);
		core_kick(&r);
		to_user(&r, tf);
	}
}

void rv_trap_user(struct trapframe *tf)
{
	struct nto_regs r;
	uint64_t addr;
	int code, sig;

	if (tf->scause & SCAUSE_IRQ) {
		if ((tf->scause & ~SCAUSE_IRQ) == IRQ_S_TIMER)
			timer(tf);
		return; /* no other interrupt is enabled */
	}
	if (tf->scause == EXC_ECALL_U) {
		syscall(tf, tf->regs[17]);
		return;
	}
	/* A handler returning to the trampoline address: rt_sigreturn
	 * (NTO_SIGRETURN_PC; the pc is not moved past an ecall there). */
	if (tf->scause == EXC_INSN_PAGE && tf->regs[0] == NTO_SIGRETURN_PC) {
		tf->regs[0] -= 4;
		syscall(tf, NR_RT_SIGRETURN);
		return;
	}
	if ((tf->scause == EXC_INSN_PAGE || tf->scause == EXC_LOAD_PAGE ||
	     tf->scause == EXC_STORE_PAGE) && mm_fill_zero(tf->stval))
		return; /* the first touch of a demand-zero page: retry */
	if (tf->scause == EXC_STORE_PAGE && mm_cow_fault(tf->stval))
		return; /* the first write to a copy-on-write page: retry */
	sig = fault_signal(tf, &code, &addr);
	to_regs(tf, &r);
	core_fault(&r, sig, code, addr);
	to_user(&r, tf);
}

static const char *const exc_names[16] = {
	"instruction misaligned", "instruction access fault", "illegal instruction",
	"breakpoint", "load misaligned", "load access fault", "store misaligned",
	"store access fault", "ecall from U", "ecall from S", "", "", "instruction page fault",
	"load page fault", "", "store page fault",
};

/* Traps of the kernel itself. The kernel never touches program memory by
 * its addresses (mm_copy_user goes through the direct map), so the only
 * one expected is the seed CSR's probe; any other is a bug. */
void rv_trap_kernel(struct trapframe *tf)
{
	uint64_t c = tf->scause;

	if (c == EXC_ILLEGAL && tf->regs[0] == (uint64_t)rv_seed_insn) {
		tf->regs[10] = SEED_DEAD; /* a0: no entropy source here */
		tf->regs[0] += 4;
		return;
	}

	vm_panic("kernel fault: scause %lx %s, stval %lx, at sepc %lx (sp %lx, ra %lx)", c,
		 c < 16 ? exc_names[c] : "interrupt", tf->stval, tf->regs[0], tf->regs[2],
		 tf->regs[1]);
}

/* Enters the program from a frame in static memory: the caller's kernel
 * frames are abandoned, and the next trap starts again at the stack's top. */
__noreturn void hal_enter_user(const struct nto_regs *regs)
{
	static struct trapframe tf;

	memset(&tf, 0, sizeof(tf));
	memcpy(tf.regs, regs, sizeof(tf.regs));
	trap_return(&tf);
}
