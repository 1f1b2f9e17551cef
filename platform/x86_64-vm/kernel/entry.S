/*
 * x86_64-vm: the kernel's assembly. PVH entry (32-bit protected mode, paging
 * off, %ebx = hvm_start_info), the switch to long mode on boot page tables,
 * the jump to the higher half, and the trap paths: exception/interrupt
 * stubs, the SYSCALL entry and the one return path to ring 3 (iretq).
 */
#include "layout.h"

/* ---- the PVH note (XEN_ELFNOTE_PHYS32_ENTRY); its segment must have p_align 4 ---- */
	.pushsection .note.pvh, "a", @note
	.balign 4
	.long 4, 8, 18
	.asciz "Xen"
	.balign 4
	.quad pvh_start32
	.popsection

/* ---- boot data, linked and run at its physical address ---- */
	.section .boot.data, "aw"
	.balign 4096
	.globl boot_pml4
boot_pml4:
	.quad boot_pdpt_low + 3          /* 0: identity, only until the jump up */
	.fill 255, 8, 0
	.quad boot_pdpt_low + 3          /* 256: the direct map of the first 4 GiB */
	.fill 254, 8, 0
	.quad boot_pdpt_high + 3         /* 511: the kernel, -2 GiB */
boot_pdpt_low:
	.quad boot_pd + 0x0000 + 3
	.quad boot_pd + 0x1000 + 3
	.quad boot_pd + 0x2000 + 3
	.quad boot_pd + 0x3000 + 3
	.fill 508, 8, 0
boot_pdpt_high:
	.fill 510, 8, 0
	.quad boot_pd + 0x0000 + 3       /* 0xffffffff80000000 -> physical 0 */
	.quad boot_pd + 0x1000 + 3
boot_pd:                                 /* 2048 x 2 MiB pages: physical 0..4 GiB */
	.set i, 0
	.rept 2048
	.quad (i << 21) + 0x83
	.set i, i + 1
	.endr

	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff         /* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff         /* 0x10: data */
boot_gdt_desc:
	.word boot_gdt_desc - boot_gdt - 1
	.long boot_gdt

/* ---- the 32-bit entry ---- */
	.section .boot.text, "ax"
	.code32
	.globl pvh_start32
pvh_start32:
	cli
	cld
	mov %ebx, %esi                   /* hvm_start_info, physical */
	lgdt boot_gdt_desc
	mov $boot_pml4, %eax
	mov %eax, %cr3
	mov %cr4, %eax
	or $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
	mov %eax, %cr4
	mov $MSR_EFER, %ecx
	rdmsr
	or $(EFER_SCE | EFER_LME | EFER_NXE), %eax
	wrmsr
	mov %cr0, %eax
	and $~CR0_EM, %eax
	or $(CR0_PG | CR0_PE | CR0_MP | CR0_WP), %eax
	mov %eax, %cr0
	ljmp $0x08, $long_low

	.code64
long_low:
	mov $0x10, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	xor %eax, %eax
	mov %eax, %fs
	mov %eax, %gs
	mov %esi, %esi                   /* zero-extend */
	movabs $long_high, %rax
	jmp *%rax

/* ---- the higher half ---- */
	.text
long_high:
	movabs $__bss_start, %rdi
	movabs $__bss_end, %rcx
	sub %rdi, %rcx
	xor %eax, %eax
	rep stosb
	movabs $boot_stack_top, %rsp
	xor %ebp, %ebp
	mov %rsi, %rdi
	call kmain
1:	hlt
	jmp 1b

/* ---- traps: every stub leaves vector and error code, then the registers ---- */
.macro TRAP_NOERR v
	.balign 16
	pushq $0
	pushq $\v
	jmp trap_common
.endm
.macro TRAP_ERR v
	.balign 16
	pushq $\v
	jmp trap_common
.endm

	.balign 16
	.globl trap_stubs
trap_stubs:                              /* 256 stubs, 16 bytes apart */
	.set v, 0
	.rept 256
	.if (v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 || v == 29 || v == 30)
	TRAP_ERR v
	.else
	TRAP_NOERR v
	.endif
	.set v, v + 1
	.endr

.macro PUSH_REGS
	push %rdi
	push %rsi
	push %rdx
	push %rcx
	push %rax
	push %r8
	push %r9
	push %r10
	push %r11
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
.endm

.macro POP_REGS
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rax
	pop %rcx
	pop %rdx
	pop %rsi
	pop %rdi
.endm

trap_common:
	testb $3, 24(%rsp)               /* from ring 3: take the kernel's GS */
	jz 1f
	swapgs
1:	PUSH_REGS
	mov %rsp, %rdi
	call x86_trap
	.globl trap_return
trap_return:
	POP_REGS
	add $16, %rsp                    /* vector, error code */
	testb $3, 8(%rsp)
	jz 2f
	swapgs
2:	iretq

/* SYSCALL: rip in rcx, rflags in r11, IF cleared by FMASK. The frame is the
 * trap frame, so one return path (iretq) serves both: the core may rewrite
 * every register, rcx and r11 included. */
	.balign 16
	.globl syscall_entry
syscall_entry:
	swapgs
	mov %rsp, %gs:PERCPU_SCRATCH
	mov %gs:PERCPU_KSTACK, %rsp
	pushq $USER_DS
	pushq %gs:PERCPU_SCRATCH
	push %r11
	pushq $USER_CS
	push %rcx
	push %rax                        /* error slot: the syscall number */
	pushq $VEC_SYSCALL
	PUSH_REGS
	mov %rsp, %rdi
	call x86_syscall
	test %eax, %eax                  /* 0: the core rewrote rcx/r11/rip: iretq */
	jz trap_return
	/* SYSRET: the frame's rcx is its rip and r11 its rflags (x86_syscall
	 * checked, and that the rip is canonical), so sysretq returns exactly
	 * what iretq would. Interrupts stay off until it loads rflags. */
	POP_REGS
	mov 40(%rsp), %rsp               /* skip vector, error, rip, cs, rflags: the user rsp */
	swapgs
	sysretq

/* Enters ring 3 from a complete trap frame (anywhere in kernel memory). */
	.globl enter_frame
enter_frame:
	mov %rdi, %rsp
	jmp trap_return

/* long user_copy(void *dst, const void *src, size_t n): the one place the
 * kernel touches program memory (hal_copy_*_user). With SMAP on, the
 * access is allowed only between stac and clac. A fault at
 * user_copy_insn8 or user_copy_insn that mm_fault cannot resolve resumes at user_copy_fixup
 * (trap.c): the copy returns -EFAULT instead of the kernel faulting. */
	.globl user_copy, user_copy_insn, user_copy_insn8, user_copy_fixup
user_copy:
	cmpb $0, smap_on(%rip)
	je 1f
	stac
1:	mov %rdx, %rcx
	shr $3, %rcx                     /* 8 bytes a step: TCG runs rep movsb a byte at a time */
user_copy_insn8:
	rep movsq
	mov %rdx, %rcx
	and $7, %rcx
user_copy_insn:
	rep movsb
	xor %eax, %eax
2:	cmpb $0, smap_on(%rip)
	je 3f
	clac
3:	ret
user_copy_fixup:
	mov $-14, %rax                   /* -EFAULT */
	jmp 2b

/* void switch_stack(uint64_t *save_rsp, uint64_t rsp): saves the callee-saved
 * registers on this stack, parks it, and resumes the one at rsp (sched.c). */
	.globl switch_stack
switch_stack:
	push %rbp
	push %rbx
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, (%rdi)
	mov %rsi, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
	ret

	.section .note.GNU-stack, "", @progbits
