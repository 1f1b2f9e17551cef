/* Untrusted entry and return paths of the sgx-sim launcher. */
	.text

/* The only code Syscall User Dispatch lets through while the enclave runs:
 * the return from a signal handler (ERESUME's role). */
	.globl sgxsim_restorer
	.globl sgxsim_restorer_end
sgxsim_restorer:
	mov $15, %eax
	syscall
	/* The kernel checks the address after the syscall instruction. */
	ud2
sgxsim_restorer_end:

/* __noreturn void sgxsim_eenter(void (*entry)(void *), void *arg, uint64_t sp) */
	.globl sgxsim_eenter
	.type sgxsim_eenter, @function
sgxsim_eenter:
	mov %rdx, %rsp
	and $-16, %rsp
	mov %rdi, %rax
	mov %rsi, %rdi
	call *%rax
	ud2
	.size sgxsim_eenter, .-sgxsim_eenter

/* The enclave runtime, built separately and measured as part of the TCB. */
	.section .rodata
	.balign 4096
	.globl sgxsim_enclave_elf
	.globl sgxsim_enclave_elf_end
sgxsim_enclave_elf:
	.incbin ENCLAVE_ELF
sgxsim_enclave_elf_end:

	.section .note.GNU-stack,"",@progbits
