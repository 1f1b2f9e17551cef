/*
 * riscv64-vm: the address-space layout and CPU constants, shared by the
 * kernel's assembly and C. See docs/platform-riscv64-vm.md.
 *
 * Sv39: 39-bit virtual addresses, three levels, each root entry 1 GiB.
 * The lower half (below 0x4000000000) is the program's; the kernel's half
 * starts at 0xffffffc000000000 and is shared by every address space.
 */
#ifndef RVVM_LAYOUT_H
#define RVVM_LAYOUT_H

#define RAM_BASE      0x80000000        /* QEMU virt's DRAM */
#define KERNEL_PA     0x80200000        /* where OpenSBI jumps (fw_dynamic's next address) */
#define KERNEL_VMA    0xffffffff80000000 /* RAM_BASE as seen by the kernel image, root slot 510 */
#define KERNEL_OFFSET (KERNEL_VMA - RAM_BASE)
#define DIRECT_MAP    0xffffffc000000000 /* physical 0.. (4 GiB), root slots 256..259 */
#define DIRECT_SIZE   0x100000000
#define KHEAP_BASE    0xffffffd000000000 /* the core's heap: root slot 320, 1 GiB */
#define KHEAP_SIZE    0x40000000
#define USER_MIN      0x10000
#define USER_MAX      0x3ffffff000      /* the last page is NTO_SIGRETURN_PC's */

/* The trap frame (struct trapframe in rv.h): pc and x1..x31 as in struct
 * nto_regs, then the trap's CSRs. */
#define TF_SSTATUS    256
#define TF_SCAUSE     264
#define TF_STVAL      272
#define TF_SIZE       288

#define SSTATUS_SIE   (1 << 1)
#define SSTATUS_SPIE  (1 << 5)
#define SSTATUS_SPP   (1 << 8)
#define SSTATUS_FS_INITIAL (1 << 13)
#define SSTATUS_FS    (3 << 13)
#define SSTATUS_SUM   (1 << 18)
#define SATP_SV39     (8UL << 60)

#endif
