/*
 * Fuzzes the ELF loader: elf_check (core/loader/elf.c) on arbitrary bytes,
 * then the whole boot path (core_main) on an image that holds the input as
 * /bin/prog: mount, exec_program, hal_enter_user (which longjmps back).
 */
#include <nto/bootargs.h>
#include <nto/hal.h>
#include <nto/loader.h>

#include "../unit/imgbuild.h"
#include "fuzz_common.h"

static uint8_t boot_blob[256];
static size_t boot_len;

static void rec(uint32_t type, const void *p, uint32_t len)
{
	struct boot_rec_hdr h = {type, len};

	memcpy(boot_blob + boot_len, &h, sizeof(h));
	memcpy(boot_blob + boot_len + sizeof(h), p, len);
	boot_len += sizeof(h) + ALIGN_UP(len, 8);
}

static void boot(void *arg)
{
	core_main(arg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct elf_info info;
	static uint8_t sh[256];
	const char *why = NULL;
	int r;

	/* 1. The header check alone, as exec_program calls it (first 1 KiB). */
	r = elf_check(data, MIN(size, (size_t)1024), size, &info, &why);
	if (r == 0) {
		if (info.lo > info.hi || (info.lo & (PAGE_SIZE - 1)) || (info.hi & (PAGE_SIZE - 1)) ||
		    info.eh.e_phnum == 0 || info.eh.e_phnum > 64)
			abort();
	} else if (r != -ENOEXEC || !why) {
		abort();
	}
	r = elf_check(data, size, size, &info, &why);
	if (r != 0 && (r != -ENOEXEC || !why))
		abort();

	/* 2. The full boot of an image running the input as /bin/prog. */
	test_platform_reset();
	size_t shn = ib_elf(sh, sizeof(sh), ET_DYN), img_size;
	const struct ib_entry e[] = {
		{"/bin/prog", S_IFREG | 0755, data, size},
		{"/bin/sh", S_IFREG | 0755, sh, shn},
	};
	uint8_t *img = ib_build(e, ARRAY_SIZE(e), &img_size);
	if (!img)
		abort();
	boot_len = 0;
	rec(BOOT_EXEC, "/bin/prog", 9);
	rec(BOOT_ARG, "prog", 4);
	rec(BOOT_ARG, "arg1", 4);
	rec(BOOT_ENV, "HOME=/", 6);
	struct hal_boot hb = {
		.image = img,
		.image_size = img_size,
		.args = boot_blob,
		.args_size = boot_len,
		.user_min = TEST_USER_MIN,
		.user_max = TEST_USER_MAX,
		.kheap_base = test_kheap_base(),
		.kheap_size = TEST_KHEAP_SIZE,
		.mem_limit = 128UL << 20,
	};
	int how = test_catch(boot, &hb);
	if (how == TEST_ENTERED) {
		const struct nto_regs *regs = &test_entered_regs;
		/* The stack the program starts on is mapped and holds argc = 2
		 * (3 with an interpreter line's argument). */
		if (regs->rsp < TEST_USER_MIN || regs->rsp >= TEST_USER_MAX || (regs->rsp & 15) ||
		    test_page_prot(regs->rsp) < 0)
			abort();
		uint64_t argc = *(uint64_t *)regs->rsp;
		if (argc < 2 || argc > 4)
			abort();
	} else if (how != TEST_EXITED ||
		   (test_exit_status != 126 && test_exit_status != 127 && test_exit_status != 125)) {
		dprintf(2, "core_main ended with outcome %d status %d\n", how, test_exit_status);
		abort();
	}
	fuzz_check("core_main");
	test_platform_reset();
	free(img);
	return 0;
}
