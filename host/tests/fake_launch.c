/*
 * A stand-in for the sgx-sim launcher, for testing the CLI without the core:
 * prints the image entries and the boot records in readable form on stdout
 * and returns $FAKE_LAUNCH_EXIT (default 0) as nto's exit status.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../launch.h"

static void print_image(const uint8_t *img, size_t n)
{
	struct img_header h;

	memcpy(&h, img, sizeof(h));
	printf("image %zu bytes, %u entries\n", n, h.count);
	for (uint32_t i = 0; i < h.count; i++) {
		struct img_entry e;
		memcpy(&e, img + h.table_off + i * sizeof(e), sizeof(e));
		printf("entry %.*s mode %o size %llu\n", (int)e.path_len,
		       (const char *)img + h.str_off + e.path_off, e.mode,
		       (unsigned long long)e.size);
	}
}

static void print_rec(uint32_t type, const uint8_t *p, uint32_t len)
{
	static const char *names[] = {"?", "exec", "arg", "env", "cwd", "mount", "flags"};
	uint32_t a = 0, b = 0;

	if (type == BOOT_MOUNT && len >= 8) {
		memcpy(&a, p, 4);
		memcpy(&b, p + 4, 4);
		printf("mount id=%u flags=%u %.*s\n", a, b, (int)len - 8, p + 8);
	} else if (type == BOOT_FLAGS && len == 4) {
		memcpy(&a, p, 4);
		printf("flags %u\n", a);
	} else {
		printf("%s [%.*s]\n", type <= BOOT_FLAGS ? names[type] : "?", (int)len, p);
	}
}

int sgxsim_launch(const struct nto_launch *l)
{
	const char *code = getenv("FAKE_LAUNCH_EXIT");

	print_image(l->image, l->image_size);
	for (size_t off = 0; off + sizeof(struct boot_rec_hdr) <= l->boot_size;) {
		struct boot_rec_hdr h;
		memcpy(&h, l->boot + off, sizeof(h));
		off += sizeof(h);
		print_rec(h.type, l->boot + off, h.len);
		off += ALIGN_UP(h.len, 8);
	}
	printf("boot %zu bytes\n", l->boot_size);
	printf("enclave %llu\n", (unsigned long long)l->enclave_size);
	printf("self_dir %s\n", l->self_dir[0] ? "set" : "empty");
	fflush(stdout);
	return code ? atoi(code) : 0;
}

int x86vm_launch(const struct nto_launch *l)
{
	printf("platform x86_64-vm\n");
	return sgxsim_launch(l);
}

int rvvm_launch(const struct nto_launch *l)
{
	printf("platform riscv64-vm\n");
	return sgxsim_launch(l);
}

int sgxsim_zygote_main(int fd)
{
	(void)fd;
	fprintf(stderr, "fake launcher: no zygote\n");
	return 1;
}
