/*
 * x86_64-vm: the address-space layout and CPU constants, shared by the
 * kernel's assembly and C. See docs/platform-x86_64-vm.md.
 */
#ifndef X86VM_LAYOUT_H
#define X86VM_LAYOUT_H

#define KERNEL_VMA   0xffffffff80000000 /* physical 0 as seen by the kernel image */
#define DIRECT_MAP   0xffff800000000000 /* all RAM (first 4 GiB at boot), PML4 slot 256 */
#define KHEAP_BASE   0xffffc00000000000 /* the core's heap, PML4 slot 384 */
#define KHEAP_SIZE   0x80000000         /* 2 GiB of addresses */
#define USER_MIN     0x10000
#define USER_MAX     0x7ffffffff000      /* the program's half, PML4 slots 0..255 */

#define KERNEL_CS    0x08
#define KERNEL_DS    0x10
#define USER_DS      0x23 /* 0x20 | 3: SYSRET's SS is STAR[63:48] + 8 */
#define USER_CS      0x2b /* 0x28 | 3: SYSRET's CS is STAR[63:48] + 16 */
#define TSS_SEL      0x30

#define PERCPU_KSTACK  0 /* offsets in struct percpu (GS base in the kernel) */
#define PERCPU_SCRATCH 8

#define VEC_SYSCALL  256 /* the trap frame's vector for a SYSCALL */
#define VEC_TIMER    32  /* the local APIC timer */
#define VEC_SPURIOUS 255

#define CR0_PE  0x1
#define CR0_MP  0x2
#define CR0_EM  0x4
#define CR0_WP  0x10000
#define CR0_PG  0x80000000
#define CR4_PAE 0x20
#define CR4_OSFXSR 0x200
#define CR4_OSXMMEXCPT 0x400
#define MSR_EFER 0xc0000080
#define EFER_SCE 0x1
#define EFER_LME 0x100
#define EFER_NXE 0x800

#endif
