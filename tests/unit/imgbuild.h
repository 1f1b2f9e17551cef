/* Builds root images (nto/image.h) and tiny ELF programs in memory, for tests and fuzzers. */
#ifndef NTO_TEST_IMGBUILD_H
#define NTO_TEST_IMGBUILD_H

#include <nto/abi.h>

struct ib_entry {
	const char *path;    /* absolute, canonical */
	uint32_t mode;       /* S_IF* | permissions */
	const void *data;    /* file bytes or symlink target (NULL for a directory) */
	size_t size;
};

/* Lays out an image of n entries (sorted here). Returns a malloc'd buffer
 * whose size is in *size, or NULL. */
uint8_t *ib_build(const struct ib_entry *e, size_t n, size_t *size);

/* Writes a minimal static x86-64 program (exit(0)) into buf; type is
 * ET_EXEC (linked at 0x400000) or ET_DYN (static-pie). Returns its size. */
size_t ib_elf(uint8_t *buf, size_t cap, int type);

/* The default test image: /bin/prog, /bin/pie, /bin/script (#!), /bin/noexec,
 * /etc/passwd, /d/{a,b}, /l -> /etc, /empty. Built once, never freed. */
const uint8_t *ib_default(size_t *size);

#endif
