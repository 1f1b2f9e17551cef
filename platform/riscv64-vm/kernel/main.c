/*
 * riscv64-vm: the kernel's C entry. kmain runs in the higher half on the
 * boot stack with the boot page table, reads the device tree, gives the
 * frame allocator the RAM that holds neither OpenSBI, the kernel, the
 * device tree nor the initrd, and hands the initrd (image + boot records)
 * to boot_core. The debug console is the virt machine's 16550 UART
 * (OpenSBI's console too; the launcher drops what comes before the
 * kernel's first byte); the exit is the sifive_test device, because
 * OpenSBI 1.1's system reset drops the reason code.
 */
#include <nto/kernel.h>
#include "rv.h"

void kmain(uint64_t hartid, uint64_t fdt_pa);

#define UART_PA      0x10000000UL
#define UART_THR     0
#define UART_LSR     5
#define UART_LSR_THRE 0x20
#define TEST_PA      0x100000UL
#define TEST_FAIL    0x3333 /* with the status in the upper 16 bits: QEMU exits with it */
#define DBG_START    0x1e   /* the kernel's first debug byte (vm_platform.dbg_start) */

bool vm_verbose;
static struct fdt_info fdt;
static uint8_t boot_stack[64 << 10] __attribute__((aligned(16), used));
__asm__(".globl boot_stack_top\n.set boot_stack_top, boot_stack + 65536");

struct sbiret sbi_call(long eid, long fid, long a0, long a1, long a2)
{
	register long r0 __asm__("a0") = a0, r1 __asm__("a1") = a1, r2 __asm__("a2") = a2;
	register long r6 __asm__("a6") = fid, r7 __asm__("a7") = eid;

	__asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r6), "r"(r7) : "memory");
	return (struct sbiret){r0, r1};
}

void vm_dbg_puts(const char *s, size_t n)
{
	volatile uint8_t *uart = phys_to_virt(UART_PA);

	for (size_t i = 0; i < n; i++) {
		while (!(uart[UART_LSR] & UART_LSR_THRE))
			;
		uart[UART_THR] = (uint8_t)s[i];
	}
}

__noreturn void vm_poweroff(int v)
{
	*(volatile uint32_t *)phys_to_virt(TEST_PA) = ((uint32_t)(v & 0xffff) << 16) | TEST_FAIL;
	for (;;)
		__asm__ volatile("wfi");
}

/* Kernel self-tests chosen on the command line (tests/test_riscvvm.py). */
static void selftests(void)
{
	if (vm_has_word(fdt.bootargs, "selftest=ill"))
		__asm__ volatile(".word 0");
	if (vm_has_word(fdt.bootargs, "selftest=pf"))
		(void)*(volatile uint64_t *)0x1000;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* Gives the allocator RAM above the kernel, split around the device tree
 * and the initrd, and within the direct map. */
static void add_ram(uint64_t fdt_pa, uint64_t fdt_len)
{
	extern char __bss_end[];
	uint64_t lo = ALIGN_UP(kva_to_pa(__bss_end), PAGE_SIZE);
	uint64_t hi = ALIGN_DOWN(MIN(fdt.ram_base + fdt.ram_size, (uint64_t)DIRECT_SIZE), PAGE_SIZE);
	uint64_t holes[2][2] = {{ALIGN_DOWN(fdt_pa, PAGE_SIZE), ALIGN_UP(fdt_pa + fdt_len, PAGE_SIZE)},
				{ALIGN_DOWN(fdt.initrd_start, PAGE_SIZE),
				 ALIGN_UP(fdt.initrd_end, PAGE_SIZE)}};

	for (uint64_t p = lo; p < hi;) {
		uint64_t q = p;
		while (q < hi && !overlaps(q, PAGE_SIZE, holes[0][0], holes[0][1] - holes[0][0]) &&
		       !overlaps(q, PAGE_SIZE, holes[1][0], holes[1][1] - holes[1][0]))
			q += PAGE_SIZE;
		frames_add(p, q - p);
		p = q == p ? p + PAGE_SIZE : q;
	}
}

void kmain(uint64_t hartid, uint64_t fdt_pa)
{
	extern char __bss_end[];
	uint32_t fdt_len;

	vm_dbg_puts(&(const char){DBG_START}, 1); /* the launcher forwards from here on */
	if (fdt_pa >= DIRECT_SIZE || !(fdt_len = fdt_size(phys_to_virt(fdt_pa))) ||
	    fdt_pa + fdt_len > DIRECT_SIZE || !fdt_parse(phys_to_virt(fdt_pa), &fdt))
		vm_panic("no valid device tree at %lx", fdt_pa);
	vm_verbose = vm_has_word(fdt.bootargs, "verbose") || vm_has_word(fdt.bootargs, "selftest=boot");
	if (fdt.ram_base != RAM_BASE || fdt.ram_size < (16 << 20) || fdt.ram_size > DIRECT_SIZE ||
	    fdt.initrd_end < fdt.initrd_start || fdt.initrd_end > fdt.ram_base + fdt.ram_size ||
	    (fdt.initrd_start && fdt.initrd_start < kva_to_pa(__bss_end)) ||
	    !fdt.timebase)
		vm_panic("device tree: RAM %lx+%lx, initrd %lx-%lx, timebase %lu", fdt.ram_base,
			 fdt.ram_size, fdt.initrd_start, fdt.initrd_end, fdt.timebase);
	vlog("riscv64-vm: NTO kernel up, Sv39, higher half at %p, hart %lu\n", (void *)kmain,
	     hartid);
	vlog("riscv64-vm: device tree at %lx: RAM %lx+%lx, bootargs \"%s\", initrd %lx-%lx, "
	     "timebase %lu Hz\n",
	     fdt_pa, fdt.ram_base, fdt.ram_size, fdt.bootargs, fdt.initrd_start, fdt.initrd_end,
	     fdt.timebase);
	add_ram(fdt_pa, fdt_len);
	pt_init();
	timer_init(fdt.timebase);
	sched_init();
	vlog("riscv64-vm: %lu MiB of RAM for frames\n", frames_total() >> 20);
	selftests();
	if (!fdt.initrd_start || vm_has_word(fdt.bootargs, "selftest=boot")) {
		vlog("riscv64-vm: no program image: boot test done\n");
		vm_poweroff(0);
	}
	boot_core(phys_to_virt(fdt.initrd_start), fdt.initrd_end - fdt.initrd_start);
}
