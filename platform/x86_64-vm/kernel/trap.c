/*
 * x86_64-vm: the CPU tables and the trap paths in C. One GDT (kernel and user
 * segments, one TSS whose rsp0 is the kernel stack and whose IST1 serves
 * double faults), one IDT of 256 interrupt gates into entry.S's stubs, and
 * the SYSCALL MSRs. Faults of the program go to core_fault as signals;
 * faults of the kernel end the VM with a report.
 */
#include <nto/kernel.h>
#include "x86.h"

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3, iomap_base;
} __attribute__((packed));

struct idt_gate {
	uint16_t off0, sel;
	uint8_t ist, type;
	uint16_t off1;
	uint32_t off2, reserved;
};

static uint64_t gdt[8] __attribute__((aligned(16)));
static struct tss tss __attribute__((aligned(16)));
static struct idt_gate idt[256] __attribute__((aligned(16)));
static uint8_t dfstack[16 << 10] __attribute__((aligned(16)));
static struct percpu cpu0;
uint8_t smap_on;

#define CR4_SMEP (1UL << 20)
#define CR4_SMAP (1UL << 21)

extern char trap_stubs[];
void syscall_entry(void);

static void load_tables(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) gd = {sizeof(gdt) - 1, (uint64_t)gdt},
				  id = {sizeof(idt) - 1, (uint64_t)idt};

	__asm__ volatile("lgdt %0" ::"m"(gd));
	__asm__ volatile("lidt %0" ::"m"(id));
	/* reload CS through a far return, then the data segments and the TSS */
	__asm__ volatile("pushq %0\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "mov %1, %%ds\n\t"
			 "mov %1, %%es\n\t"
			 "mov %1, %%ss\n\t"
			 "ltr %w2" ::"i"(KERNEL_CS),
			 "r"(KERNEL_DS), "r"(TSS_SEL)
			 : "rax", "memory");
}

/* SMEP: the kernel never runs program code. SMAP: it touches program
 * memory only inside user_copy. Both where the CPU has them (TCG's
 * `-cpu max` does). */
static void protect_user_pages(void)
{
	uint32_t a = 7, b, c = 0, d;
	uint64_t cr4;

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	if (b & (1U << 7))
		cr4 |= CR4_SMEP;
	if (b & (1U << 20)) {
		cr4 |= CR4_SMAP;
		smap_on = 1;
	}
	__asm__ volatile("mov %0, %%cr4" ::"r"(cr4) : "memory");
}

void cpu_init(void)
{
	uint64_t t = (uint64_t)&tss;

	gdt[1] = 0x00af9a000000ffff; /* 0x08 kernel code */
	gdt[2] = 0x00cf92000000ffff; /* 0x10 kernel data */
	gdt[3] = 0x00cffa000000ffff; /* 0x18 user code, 32-bit (unused; SYSRET's layout) */
	gdt[4] = 0x00cff2000000ffff; /* 0x20 user data */
	gdt[5] = 0x00affa000000ffff; /* 0x28 user code, 64-bit */
	gdt[6] = (sizeof(tss) - 1) | ((t & 0xffffff) << 16) | (0x89UL << 40) |
		 ((t >> 24 & 0xff) << 56);
	gdt[7] = t >> 32;
	tss.ist[0] = (uint64_t)dfstack + sizeof(dfstack);
	tss.iomap_base = sizeof(tss);
	for (int v = 0; v < 256; v++) {
		uint64_t h = (uint64_t)trap_stubs + 16 * (uint64_t)v;
		idt[v] = (struct idt_gate){(uint16_t)h, KERNEL_CS, v == 8 ? 1 : 0, 0x8e,
					   (uint16_t)(h >> 16), (uint32_t)(h >> 32), 0};
	}
	idt[3].type = 0xee; /* int3 from ring 3 */
	load_tables();
	wrmsr(MSR_GS_BASE, (uint64_t)&cpu0);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	wrmsr(MSR_STAR, ((uint64_t)(USER_DS - 8) << 48) | ((uint64_t)KERNEL_CS << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	wrmsr(MSR_FMASK, 0x47700); /* IF, TF, DF, AC, NT cleared on entry */
	/* No legacy PIC interrupts: mask both 8259s (vectors 32..255 are ignored). */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	lapic_init();
	protect_user_pages();
	fpu_init();
}

void set_kernel_stack(uint64_t top)
{
	tss.rsp[0] = top;
	cpu0.kstack_top = top;
}

static void to_regs(const struct trapframe *tf, struct nto_regs *r)
{
	memcpy(r, tf, 15 * sizeof(uint64_t)); /* r15..rdi: the same order */
	r->orig_rax = tf->error;
	r->rip = tf->rip;
	r->rflags = tf->rflags;
	r->rsp = tf->rsp;
}

/* Back to ring 3 with regs: selectors are always the user's, rflags keeps
 * only what a program may set (IOPL 0, IF on). */
static void from_regs(const struct nto_regs *r, struct trapframe *tf)
{
	memcpy(tf, r, 15 * sizeof(uint64_t));
	tf->rip = r->rip;
	tf->rsp = r->rsp;
	tf->rflags = (r->rflags & 0x250dd5) | 0x202; /* Linux's FIX_EFLAGS and ID; never VM */
	tf->cs = USER_CS;
	tf->ss = USER_DS;
}

/* Back to the program from regs the core may have rewritten (sigreturn):
 * an RIP outside the program's half would make iretq fault in ring 0, so
 * the program gets the SIGSEGV Linux gives for it, as a fault at the return. */
static void to_user(struct nto_regs *r, struct trapframe *tf)
{
	for (int i = 0; r->rip >= USER_MAX && i < 4; i++)
		core_fault(r, SIGSEGV, 0x80 /* SI_KERNEL */, 0);
	if (r->rip >= USER_MAX)
		hal_exit(128 + SIGSEGV);
	from_regs(r, tf);
}

int x86_syscall(struct trapframe *tf)
{
	struct nto_regs r;

	to_regs(tf, &r);
	sched_entering_core();
	core_syscall(&r);
	to_user(&r, tf);
	/* SYSRET would load rip from rcx and rflags from r11: exact only when
	 * they hold those values (not after execve, sigreturn or a signal
	 * frame), and safe only for a canonical rip (else #GP in ring 0). */
	return tf->rcx == tf->rip && tf->r11 == tf->rflags && tf->rip < USER_MAX;
}

static const char *const exc_names[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "", "#TS", "#NP",
	"#SS", "#GP", "#PF", "", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};

/* The signal a fault of the program raises, with Linux's si_code. */
static int fault_signal(const struct trapframe *tf, int *code, uint64_t *addr)
{
	*addr = tf->rip;
	switch (tf->vector) {
	case 0:
		*code = 1; /* FPE_INTDIV */
		return SIGFPE;
	case 1:
	case 3:
		*code = 0x80; /* SI_KERNEL */
		return SIGTRAP;
	case 6:
		*code = 2; /* ILL_ILLOPN */
		return SIGILL;
	case 14:
		*addr = read_cr2();
		*code = (tf->error & 1) ? 2 : 1; /* SEGV_ACCERR : SEGV_MAPERR */
		return SIGSEGV;
	case 16:
	case 19:
		*code = 0;
		return SIGFPE;
	case 17:
		*code = 1; /* BUS_ADRALN */
		*addr = 0;
		return SIGBUS;
	default: /* #GP, #SS, #NP, ...: Linux sends SIGSEGV with SI_KERNEL at 0 */
		*code = 0x80;
		*addr = 0;
		return SIGSEGV;
	}
}

/* A page fault the kernel serves itself: demand-zero, copy-on-write, or a
 * fault inside user_copy, which then fails with -EFAULT. True if handled;
 * *oom set when a program page could not get a frame. */
static bool kernel_page_fault(struct trapframe *tf, bool *oom)
{
	uint64_t va = read_cr2();
	int r = mm_fault(va, tf->error & 2);

	*oom = r < 0;
	if (r > 0)
		return true;
	if (!(tf->cs & 3) && va < USER_MAX &&
	    (tf->rip == (uint64_t)user_copy_insn || tf->rip == (uint64_t)user_copy_insn8)) {
		tf->rip = (uint64_t)user_copy_fixup;
		return true;
	}
	return false;
}

void x86_trap(struct trapframe *tf)
{
	struct nto_regs r;
	uint64_t addr;
	int code, sig;
	bool oom = false;

	if (smap_on) /* an interrupt gate keeps the program's AC flag */
		__asm__ volatile("clac" ::: "memory");
	if (tf->vector == 14 && kernel_page_fault(tf, &oom))
		return;

	if (tf->vector == VEC_TIMER) {
		/* From the program: the core fires its timers (signals) now.
		 * From the kernel (a hlt in hal_thread_wait): the wait looks. */
		bool due = timer_interrupt();
		if (!(tf->cs & 3))
			return;
		if (sched_preempt() || due) {
			to_regs(tf, &r);
			r.orig_rax = (uint64_t)-1;
			core_kick(&r);
			to_user(&r, tf);
		}
		return;
	}
	if (tf->vector >= 32)
		return; /* no other device interrupt is enabled: a spurious one */
	if (!(tf->cs & 3))
		vm_panic("kernel fault: vector %lu %s, error %lx, at rip %lx (cr2 %lx, rsp %lx)",
			 tf->vector, exc_names[tf->vector], tf->error, tf->rip, read_cr2(),
			 tf->rsp);
	sig = fault_signal(tf, &code, &addr);
	if (oom) { /* Linux's OOM killer would pick someone; here it is the toucher */
		dbg_printf("nto: out of memory (no frame for a page at %lx)\n", addr);
		sig = SIGBUS;
		code = 2; /* BUS_ADRERR */
	}
	to_regs(tf, &r);
	r.orig_rax = (uint64_t)-1;
	core_fault(&r, sig, code, addr);
	to_user(&r, tf);
}

/* Enters the program from a frame in static memory: the caller's kernel
 * frames are abandoned, and the next trap starts again at rsp0's top. */
__noreturn void hal_enter_user(const struct nto_regs *regs)
{
	static struct trapframe tf;

	memset(&tf, 0, sizeof(tf));
	from_regs(regs, &tf);
	enter_frame(&tf);
}
