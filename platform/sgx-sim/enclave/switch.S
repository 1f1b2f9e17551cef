#define SLOT_SIZE 0x50000 /* SGXSIM_SLOT_SIZE: 64 KiB + a 256 KiB stack */

/*
 * The enclave's edges in assembly: leaving for an OCALL (EEXIT's role) and
 * entering the program for the first time.
 */
	.text

/* Where a kick sends the program (enclave.c, sgxsim_on_kick): the syscall
 * is caught by Syscall User Dispatch like any other, and on_sigsys knows it
 * by its address. The registers it clobbers (rcx, r11) were parked. */
	.globl sgxsim_kick_tramp, sgxsim_kick_tramp_end
	.type sgxsim_kick_tramp, @function
sgxsim_kick_tramp:
	syscall
sgxsim_kick_tramp_end:
	ud2
	.size sgxsim_kick_tramp, .-sgxsim_kick_tramp

/* void sgxsim_exit_call(void (*fn)(void *), void *arg, uint64_t host_sp, uint64_t host_fs)
 * Runs fn(arg) on the host's stack with the host's FS base, then comes back. */
	.globl sgxsim_exit_call
	.type sgxsim_exit_call, @function
sgxsim_exit_call:
	push %rbp
	mov %rsp, %rbp
	push %rbx
	push %r12
	rdfsbase %r12
	wrfsbase %rcx
	mov %rsp, %rbx
	and $-16, %rdx
	mov %rdx, %rsp
	mov %rdi, %rax
	mov %rsi, %rdi
	call *%rax
	mov %rbx, %rsp
	wrfsbase %r12
	pop %r12
	pop %rbx
	pop %rbp
	ret
	.size sgxsim_exit_call, .-sgxsim_exit_call

/* __noreturn void sgxsim_enter_user(const struct nto_regs *r)
 * Offsets follow struct nto_regs: r15 r14 r13 r12 rbp rbx r11 r10 r9 r8
 * rax rcx rdx rsi rdi orig_rax rip rflags rsp. */
	.globl sgxsim_enter_user
	.type sgxsim_enter_user, @function
sgxsim_enter_user:
	mov 0(%rdi), %r15
	mov 8(%rdi), %r14
	mov 16(%rdi), %r13
	mov 24(%rdi), %r12
	mov 32(%rdi), %rbp
	mov 40(%rdi), %rbx
	mov 56(%rdi), %r10
	mov 64(%rdi), %r9
	mov 72(%rdi), %r8
	mov 80(%rdi), %rax
	mov 96(%rdi), %rdx
	mov 104(%rdi), %rsi
	mov 128(%rdi), %rcx       /* rip, left in rcx as SYSRET would */
	mov 144(%rdi), %rsp
	mov 112(%rdi), %rdi
	xor %r11d, %r11d
	jmp *%rcx
	.size sgxsim_enter_user, .-sgxsim_enter_user


/*
 * The kick signal's entry (registered without SA_ONSTACK). A kick may land
 * while the thread runs host code inside an OCALL: had it used the
 * alternate stack, the kernel would have written its frame over the live
 * enclave frames at the top of the slot's stack. So it arrives on whatever
 * stack is current, and only here, knowing the slot from GS (the platform
 * keeps GS base = the slot's control page), does it move to the slot's
 * stack, and only when program code was interrupted.
 *   void sgxsim_kick_entry(int sig, void *si, void *uc)
 */
	.text
	.globl sgxsim_kick_entry
	.type sgxsim_kick_entry, @function
sgxsim_kick_entry:
	rdgsbase %rax
	mov %rsp, %rcx
	sub %rax, %rcx
	cmp $SLOT_SIZE, %rcx
	jb 1f                       /* already on the slot's stack: in the core */
	cmpb $0, (%rax)             /* selector 0 = ALLOW: host code in an OCALL */
	je 2f
	mov %rsp, %rcx
	lea SLOT_SIZE(%rax), %rsp   /* the slot's stack is free in program code */
	push %rcx
	push %rcx                   /* keep the stack 16-byte aligned for the call */
	call sgxsim_on_kick
	pop %rcx
	pop %rsp
	ret
1:	jmp sgxsim_on_kick
2:	ret
	.size sgxsim_kick_entry, .-sgxsim_kick_entry

/* __noreturn void sgxsim_restart(void (*fn)(void), uint64_t sp)
 * Abandons the current stack: fn starts at the top of a fresh one. */
	.globl sgxsim_restart
	.type sgxsim_restart, @function
sgxsim_restart:
	mov %rsi, %rsp
	and $-16, %rsp
	call *%rdi
	ud2
	.size sgxsim_restart, .-sgxsim_restart

/* long sgxsim_probe_copy(void *dst, const void *src, size_t n)
 * Copies program memory that may not be mapped: 0, or -1 if it faulted.
 * The fault handler sends a fault inside [probe_start, probe_end) to
 * sgxsim_probe_fixup (an exception table of one entry). */
	.globl sgxsim_probe_copy, sgxsim_probe_start, sgxsim_probe_end, sgxsim_probe_fixup
	.type sgxsim_probe_copy, @function
sgxsim_probe_copy:
	mov %rdx, %rcx
sgxsim_probe_start:
	rep movsb
sgxsim_probe_end:
	xor %eax, %eax
	ret
sgxsim_probe_fixup:
	mov $-1, %rax
	ret
	.size sgxsim_probe_copy, .-sgxsim_probe_copy

/* void sgxsim_set_gs(uint64_t base) */
	.globl sgxsim_set_gs
	.type sgxsim_set_gs, @function
sgxsim_set_gs:
	wrgsbase %rdi
	ret
	.size sgxsim_set_gs, .-sgxsim_set_gs

	.section .note.GNU-stack,"",@progbits
