/* Root images and tiny ELF programs for tests (see imgbuild.h). */
#include <nto/image.h>
#include <nto/kernel.h>
#include <nto/loader.h>

#include "../../platform/test/test_libc.h"
#include "imgbuild.h"

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct ib_entry *)a)->path, ((const struct ib_entry *)b)->path);
}

/* qsort is libc's; declared here to keep libc headers out. */
void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

uint8_t *ib_build(const struct ib_entry *in, size_t n, size_t *size)
{
	struct ib_entry *e = malloc(sizeof(*e) * (n ? n : 1));
	struct img_header h = {0};
	size_t strsz = 0, off;
	uint8_t *img;

	if (!e)
		return NULL;
	memcpy(e, in, sizeof(*e) * n);
	qsort(e, n, sizeof(*e), by_path);
	for (size_t i = 0; i < n; i++)
		strsz += strlen(e[i].path);
	memcpy(h.magic, IMG_MAGIC, 8);
	h.version = IMG_VERSION;
	h.count = (uint32_t)n;
	h.table_off = sizeof(h);
	h.str_off = h.table_off + n * sizeof(struct img_entry);
	h.str_size = strsz;
	off = ALIGN_UP(h.str_off + strsz, IMG_DATA_ALIGN);
	for (size_t i = 0; i < n; i++)
		off = ALIGN_UP(off + e[i].size, IMG_DATA_ALIGN);
	h.total_size = off;
	img = calloc(1, off);
	if (!img) {
		free(e);
		return NULL;
	}
	memcpy(img, &h, sizeof(h));
	size_t str = 0, data = ALIGN_UP(h.str_off + strsz, IMG_DATA_ALIGN);
	for (size_t i = 0; i < n; i++) {
		struct img_entry ie = {0};
		ie.path_off = (uint32_t)str;
		ie.path_len = (uint32_t)strlen(e[i].path);
		ie.mode = e[i].mode;
		ie.data_off = e[i].size ? data : 0;
		ie.size = e[i].size;
		memcpy(img + h.str_off + str, e[i].path, ie.path_len);
		str += ie.path_len;
		if (e[i].size) {
			memcpy(img + data, e[i].data, e[i].size);
			data = ALIGN_UP(data + e[i].size, IMG_DATA_ALIGN);
		}
		memcpy(img + h.table_off + i * sizeof(ie), &ie, sizeof(ie));
	}
	free(e);
	*size = off;
	return img;
}

size_t ib_elf(uint8_t *buf, size_t cap, int type)
{
	static const uint8_t code[] = {0xb8, 0x3c, 0, 0, 0, 0x31, 0xff, 0x0f, 0x05}; /* exit(0) */
	uint64_t base = type == ET_DYN ? 0 : 0x400000;
	struct elf64_ehdr eh = {0};
	struct elf64_phdr ph[2] = {{0}};
	size_t total = sizeof(eh) + sizeof(ph) + sizeof(code);

	if (cap < total)
		return 0;
	memcpy(eh.e_ident, "\177ELF\2\1\1", 7);
	eh.e_type = (uint16_t)type;
	eh.e_machine = NTO_ELF_MACHINE;
	eh.e_version = 1;
	eh.e_entry = base + sizeof(eh) + sizeof(ph);
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(struct elf64_phdr);
	eh.e_phnum = 2;
	ph[0].p_type = PT_LOAD;
	ph[0].p_flags = PF_R | PF_X;
	ph[0].p_vaddr = ph[0].p_paddr = base;
	ph[0].p_filesz = total;
	ph[0].p_memsz = total + 0x2000; /* some bss */
	ph[0].p_align = 0x1000;
	ph[1].p_type = PT_GNU_STACK;
	ph[1].p_flags = PF_R | PF_W;
	memcpy(buf, &eh, sizeof(eh));
	memcpy(buf + sizeof(eh), ph, sizeof(ph));
	memcpy(buf + sizeof(eh) + sizeof(ph), code, sizeof(code));
	return total;
}

const uint8_t *ib_default(size_t *size)
{
	static uint8_t *img;
	static size_t img_size;
	static uint8_t prog[256], pie[256];

	if (!img) {
		size_t np = ib_elf(prog, sizeof(prog), ET_EXEC), nd = ib_elf(pie, sizeof(pie), ET_DYN);
		static const char script[] = "#!/bin/prog -x\necho hi\n";
		static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n";
		const struct ib_entry e[] = {
			{"/bin/prog", S_IFREG | 0755, prog, np},
			{"/bin/pie", S_IFREG | 0755, pie, nd},
			{"/bin/script", S_IFREG | 0755, script, sizeof(script) - 1},
			{"/bin/noexec", S_IFREG | 0644, prog, np},
			{"/etc/passwd", S_IFREG | 0644, passwd, sizeof(passwd) - 1},
			{"/d", S_IFDIR | 0755, NULL, 0},
			{"/d/a", S_IFREG | 0644, "A", 1},
			{"/d/b", S_IFREG | 0644, "BB", 2},
			{"/l", S_IFLNK | 0777, "/etc", 4},
			{"/empty", S_IFREG | 0644, NULL, 0},
		};
		img = ib_build(e, ARRAY_SIZE(e), &img_size);
		if (!img)
			abort();
	}
	*size = img_size;
	return img;
}
