/*
 * riscv64-vm: the kernel's assembly. The boot entry (OpenSBI jumps here in
 * S-mode, paging off, a0 = hart id, a1 = the device tree's physical
 * address), boot page tables and the jump to the higher half; the one trap
 * entry (stvec) and the one return path to U-mode (sret); the stack switch
 * between threads; the FP registers' save and restore.
 *
 * sscratch holds the running thread's kernel stack top while the program
 * runs and 0 while the kernel does, so the entry tells the two apart by
 * swapping it with sp.
 */
#include "layout.h"

#define PTE_V 0x01
#define PTE_R 0x02
#define PTE_W 0x04
#define PTE_X 0x08
#define PTE_G 0x20
#define PTE_A 0x40
#define PTE_D 0x80
#define GIGA(pa) (((pa) >> 12) << 10)

/* ---- boot, linked and run at its physical address ---- */
	.section .boot.text, "ax"
	.globl _start
_start:
	csrw sie, zero
	csrw sscratch, zero
	la t0, boot_pt
	srli t0, t0, 12
	li t1, SATP_SV39
	or t0, t0, t1
	sfence.vma
	csrw satp, t0
	sfence.vma
	la t0, high_addr
	ld t0, 0(t0)
	jr t0

	.section .boot.data, "aw"
	.balign 8
high_addr:
	.dword high_start

/* The boot root table: 1 GiB leaves. Slot 2 is the identity map of RAM's
 * first GiB (only until the jump up), slots 256..259 the direct map of
 * physical 0..4 GiB (devices and RAM), slot 510 the kernel image. */
	.balign 4096
	.globl boot_pt
boot_pt:
	.fill 2, 8, 0
	.dword GIGA(0x80000000) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D
	.fill 253, 8, 0
	.dword GIGA(0x00000000) | PTE_V | PTE_R | PTE_W | PTE_G | PTE_A | PTE_D
	.dword GIGA(0x40000000) | PTE_V | PTE_R | PTE_W | PTE_G | PTE_A | PTE_D
	.dword GIGA(0x80000000) | PTE_V | PTE_R | PTE_W | PTE_G | PTE_A | PTE_D
	.dword GIGA(0xc0000000) | PTE_V | PTE_R | PTE_W | PTE_G | PTE_A | PTE_D
	.fill 250, 8, 0
	.dword GIGA(0x80000000) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_G | PTE_A | PTE_D
	.fill 1, 8, 0

/* The boot root table's physical address, for C in the higher half
 * (which cannot reach a low symbol PC-relative). */
	.data
	.balign 8
	.globl boot_pt_pa
boot_pt_pa:
	.dword boot_pt

/* ---- the higher half ---- */
	.text
high_start:
	la sp, boot_stack_top
	la t0, __bss_start
	la t1, __bss_end
1:	bgeu t0, t1, 2f
	sd zero, 0(t0)
	addi t0, t0, 8
	j 1b
2:	la t0, trap_entry
	csrw stvec, t0
	li t0, SSTATUS_FS_INITIAL       /* FP on for the program; the kernel has none */
	csrs sstatus, t0
	mv fp, zero
	call kmain
3:	wfi
	j 3b

/* ---- traps ---- */
#define SAVE_GPRS(b)  \
	sd ra, 8(b);  sd gp, 24(b);  sd tp, 32(b);  sd t0, 40(b);  sd t1, 48(b);  \
	sd t2, 56(b); sd s0, 64(b);  sd s1, 72(b);  sd a0, 80(b);  sd a1, 88(b);  \
	sd a2, 96(b); sd a3, 104(b); sd a4, 112(b); sd a5, 120(b); sd a6, 128(b); \
	sd a7, 136(b); sd s2, 144(b); sd s3, 152(b); sd s4, 160(b); sd s5, 168(b); \
	sd s6, 176(b); sd s7, 184(b); sd s8, 192(b); sd s9, 200(b); sd s10, 208(b); \
	sd s11, 216(b); sd t3, 224(b); sd t4, 232(b); sd t5, 240(b); sd t6, 248(b)

/* Every register but sp from the trap frame at sp, then sp, then sret. */
#define RESTORE_GPRS_SRET \
	ld ra, 8(sp);  ld gp, 24(sp);  ld tp, 32(sp);  ld t0, 40(sp);  ld t1, 48(sp);  \
	ld t2, 56(sp); ld s0, 64(sp);  ld s1, 72(sp);  ld a0, 80(sp);  ld a1, 88(sp);  \
	ld a2, 96(sp); ld a3, 104(sp); ld a4, 112(sp); ld a5, 120(sp); ld a6, 128(sp); \
	ld a7, 136(sp); ld s2, 144(sp); ld s3, 152(sp); ld s4, 160(sp); ld s5, 168(sp); \
	ld s6, 176(sp); ld s7, 184(sp); ld s8, 192(sp); ld s9, 200(sp); ld s10, 208(sp); \
	ld s11, 216(sp); ld t3, 224(sp); ld t4, 232(sp); ld t5, 240(sp); ld t6, 248(sp); \
	ld sp, 16(sp); \
	sret

/* The trap's CSRs into the frame at sp (t0 is saved already). */
#define SAVE_TRAP_CSRS \
	csrr t0, sepc;    sd t0, 0(sp); \
	csrr t0, sstatus; sd t0, TF_SSTATUS(sp); \
	csrr t0, scause;  sd t0, TF_SCAUSE(sp); \
	csrr t0, stval;   sd t0, TF_STVAL(sp)

	.balign 4
	.globl trap_entry
trap_entry:
	csrrw sp, sscratch, sp
	beqz sp, from_kernel
	/* from U-mode: sp is the thread's kernel stack top, sscratch the program's sp */
	addi sp, sp, -TF_SIZE
	SAVE_GPRS(sp)
	csrr t0, sscratch
	sd t0, 16(sp)
	csrw sscratch, zero
	SAVE_TRAP_CSRS
	mv fp, zero
	mv a0, sp
	call rv_trap_user
	mv a0, sp
	j trap_return

from_kernel:
	csrrw sp, sscratch, sp          /* back to the kernel's sp; sscratch 0 again */
	addi sp, sp, -TF_SIZE
	SAVE_GPRS(sp)
	addi t0, sp, TF_SIZE
	sd t0, 16(sp)
	SAVE_TRAP_CSRS
	mv a0, sp
	call rv_trap_kernel
	/* handled (rv_trap_kernel panics otherwise): back to the kernel code */
	ld t0, 0(sp)
	csrw sepc, t0
	RESTORE_GPRS_SRET

/* void trap_return(struct trapframe *tf): to U-mode with tf's registers.
 * The previous mode is always U, interrupts come on with sret, and the
 * kernel's access to user pages (SUM) is off. */
	.globl trap_return
trap_return:
	mv sp, a0
	ld t0, 0(sp)
	csrw sepc, t0
	csrr t0, sstatus
	li t1, SSTATUS_SPP | SSTATUS_SUM | SSTATUS_SIE
	not t1, t1
	and t0, t0, t1
	ori t0, t0, SSTATUS_SPIE
	csrw sstatus, t0
	la t0, kstack_top
	ld t0, 0(t0)
	csrw sscratch, t0
	RESTORE_GPRS_SRET

/* void switch_stack(uint64_t *save_sp, uint64_t sp): saves the callee-saved
 * registers on this stack, parks it, and resumes the one at sp (sched.c). */
	.globl switch_stack
switch_stack:
	addi sp, sp, -112
	sd ra, 0(sp);  sd s0, 8(sp);  sd s1, 16(sp); sd s2, 24(sp); sd s3, 32(sp)
	sd s4, 40(sp); sd s5, 48(sp); sd s6, 56(sp); sd s7, 64(sp); sd s8, 72(sp)
	sd s9, 80(sp); sd s10, 88(sp); sd s11, 96(sp)
	sd sp, 0(a0)
	mv sp, a1
	ld ra, 0(sp);  ld s0, 8(sp);  ld s1, 16(sp); ld s2, 24(sp); ld s3, 32(sp)
	ld s4, 40(sp); ld s5, 48(sp); ld s6, 56(sp); ld s7, 64(sp); ld s8, 72(sp)
	ld s9, 80(sp); ld s10, 88(sp); ld s11, 96(sp)
	addi sp, sp, 112
	ret

/* ---- the program's FP registers (the kernel itself is built without FP) ---- */
	.option push
	.option arch, +d
	.globl fpu_save
fpu_save:
	fsd f0, 0(a0);    fsd f1, 8(a0);    fsd f2, 16(a0);   fsd f3, 24(a0)
	fsd f4, 32(a0);   fsd f5, 40(a0);   fsd f6, 48(a0);   fsd f7, 56(a0)
	fsd f8, 64(a0);   fsd f9, 72(a0);   fsd f10, 80(a0);  fsd f11, 88(a0)
	fsd f12, 96(a0);  fsd f13, 104(a0); fsd f14, 112(a0); fsd f15, 120(a0)
	fsd f16, 128(a0); fsd f17, 136(a0); fsd f18, 144(a0); fsd f19, 152(a0)
	fsd f20, 160(a0); fsd f21, 168(a0); fsd f22, 176(a0); fsd f23, 184(a0)
	fsd f24, 192(a0); fsd f25, 200(a0); fsd f26, 208(a0); fsd f27, 216(a0)
	fsd f28, 224(a0); fsd f29, 232(a0); fsd f30, 240(a0); fsd f31, 248(a0)
	frcsr t0
	sd t0, 256(a0)
	ret

	.globl fpu_restore
fpu_restore:
	fld f0, 0(a0);    fld f1, 8(a0);    fld f2, 16(a0);   fld f3, 24(a0)
	fld f4, 32(a0);   fld f5, 40(a0);   fld f6, 48(a0);   fld f7, 56(a0)
	fld f8, 64(a0);   fld f9, 72(a0);   fld f10, 80(a0);  fld f11, 88(a0)
	fld f12, 96(a0);  fld f13, 104(a0); fld f14, 112(a0); fld f15, 120(a0)
	fld f16, 128(a0); fld f17, 136(a0); fld f18, 144(a0); fld f19, 152(a0)
	fld f20, 160(a0); fld f21, 168(a0); fld f22, 176(a0); fld f23, 184(a0)
	fld f24, 192(a0); fld f25, 200(a0); fld f26, 208(a0); fld f27, 216(a0)
	fld f28, 224(a0); fld f29, 232(a0); fld f30, 240(a0); fld f31, 248(a0)
	lw t0, 256(a0)
	fscsr t0
	ret
	.option pop

/* uint64_t rv_seed_read(void): one read of Zkr's seed CSR (0x015; it must
 * be read with csrrw). Where the hart has no Zkr, or M-mode has not granted
 * S-mode access (mseccfg.SSEED), the csrrw traps as an illegal instruction
 * and rv_trap_kernel returns DEAD from here (trap.c). */
	.globl rv_seed_read, rv_seed_insn
rv_seed_read:
rv_seed_insn:
	csrrw a0, 0x015, zero
	ret

	.section .note.GNU-stack, "", @progbits
