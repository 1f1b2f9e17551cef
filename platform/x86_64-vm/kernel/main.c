/*
 * x86_64-vm: the kernel's C entry. kmain runs in the higher half on the boot
 * stack with the boot page tables, reads the PVH start info, sets up the
 * CPU (GDT, TSS, IDT, SYSCALL), the frame allocator and page tables, and
 * hands the initrd (image + boot records) to core_main.
 */
#include <nto/kernel.h>
#include "x86.h"

void kmain(uint64_t start_info_pa);

/* PVH (xen/include/public/arch-x86/hvm/start_info.h) */
#define HVM_START_MAGIC 0x336ec578
struct hvm_start_info {
	uint32_t magic, version, flags, nr_modules;
	uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
	uint32_t memmap_entries, reserved;
};
struct hvm_modlist_entry {
	uint64_t paddr, size, cmdline_paddr, reserved;
};
struct hvm_memmap_entry {
	uint64_t addr, size;
	uint32_t type, reserved;
};

bool vm_verbose;
static char cmdline[512];
static uint8_t boot_stack[64 << 10] __attribute__((aligned(16), used));
__asm__(".globl boot_stack_top\n.set boot_stack_top, boot_stack + 65536");

void vm_dbg_puts(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		outb(0xe9, (uint8_t)s[i]);
}

/* isa-debug-exit carries 7 bits; nto takes the whole status from HC_EXIT. */
__noreturn void vm_poweroff(int v)
{
	outb(0xf4, (uint8_t)(v & 0x7f));
	for (;;)
		__asm__ volatile("cli; hlt");
}


/* Kernel self-tests chosen on the command line (tests/test_x86vm.py). */
static void selftests(void)
{
	if (vm_has_word(cmdline, "selftest=ud2"))
		__asm__ volatile("ud2");
	if (vm_has_word(cmdline, "selftest=pf"))
		(void)*(volatile uint64_t *)0x1000;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* Gives the allocator every usable RAM range above 1 MiB that holds
 * neither the kernel nor the initrd. Returns the end of RAM. */
static uint64_t add_ram(const struct hvm_start_info *si, uint64_t mod_pa, uint64_t mod_len)
{
	extern char __kernel_phys_start[], __kernel_phys_end[];
	const struct hvm_memmap_entry *m = phys_to_virt(si->memmap_paddr);
	uint64_t k0 = (uint64_t)__kernel_phys_start, k1 = (uint64_t)__kernel_phys_end, end = 0;

	for (uint32_t i = 0; i < si->memmap_entries && i < 128; i++) {
		uint64_t a = m[i].addr, len = m[i].size;
		if (!len)
			continue; /* qboot's trailing empty entry */
		vlog("x86_64-vm: memmap %016lx-%016lx type %u\n", a, a + len, m[i].type);
		if (m[i].type != 1)
			continue;
		end = MAX(end, a + len);
		uint64_t lo = ALIGN_UP(MAX(a, 1UL << 20), PAGE_SIZE);
		uint64_t hi = ALIGN_DOWN(a + len, PAGE_SIZE);
		if (hi > 4UL << 30)
			hi = 4UL << 30; /* the boot direct map covers 4 GiB */
		/* split around the kernel and the initrd */
		for (uint64_t p = lo; p < hi; p += PAGE_SIZE) {
			if (overlaps(p, PAGE_SIZE, k0, k1 - k0) ||
			    (mod_len && overlaps(p, PAGE_SIZE, mod_pa, mod_len)))
				continue;
			uint64_t q = p;
			while (q < hi && !overlaps(q, PAGE_SIZE, k0, k1 - k0) &&
			       !(mod_len && overlaps(q, PAGE_SIZE, mod_pa, mod_len)))
				q += PAGE_SIZE;
			frames_add(p, q - p);
			p = q - PAGE_SIZE;
		}
	}
	return end;
}

void kmain(uint64_t start_info_pa)
{
	const struct hvm_start_info *si = phys_to_virt(start_info_pa);
	uint64_t mod_pa = 0, mod_len = 0, ram_end;

	if (si->magic != HVM_START_MAGIC)
		vm_panic("no PVH start info (magic %x)", si->magic);
	if (si->cmdline_paddr)
		kstrlcpy(cmdline, phys_to_virt(si->cmdline_paddr), sizeof(cmdline));
	vm_verbose = vm_has_word(cmdline, "verbose") || vm_has_word(cmdline, "selftest=boot");
	cpu_init();
	sched_init();
	vlog("x86_64-vm: NTO kernel up, long mode, higher half at %p\n", (void *)kmain);
	vlog("x86_64-vm: start info v%u, cmdline \"%s\", %u module(s), %u memmap entries\n",
		   si->version, cmdline, si->nr_modules, si->memmap_entries);
	if (si->nr_modules) {
		const struct hvm_modlist_entry *mod = phys_to_virt(si->modlist_paddr);
		mod_pa = mod->paddr;
		mod_len = mod->size;
		vlog("x86_64-vm: initrd at %lx, %lu bytes\n", mod_pa, mod_len);
	}
	ram_end = add_ram(si, mod_pa, mod_len);
	pt_init(ram_end);
	vlog("x86_64-vm: %lu MiB of RAM for frames\n", frames_total() >> 20);
	selftests();
	if (!mod_len || vm_has_word(cmdline, "selftest=boot")) {
		vlog("x86_64-vm: no program image: boot test done\n");
		vm_poweroff(0);
	}
	boot_core(phys_to_virt(mod_pa), mod_len);
}
