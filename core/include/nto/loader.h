/* Program loading: ELF images and #! scripts. */
#ifndef NTO_LOADER_H
#define NTO_LOADER_H

#include <nto/abi.h>

/* Replaces the current process image with the program at path, run with
 * argv/envp (core strings), and sets regs to enter it. Once the program is
 * known to be loadable, teardown (if not NULL) is called to drop the old
 * image: that is the point of no return. Returns 0 or -errno, with a reason
 * in *why; *gone tells whether the point of no return was passed. */
int exec_program(const char *path, const char *const *argv, const char *const *envp,
		 struct nto_regs *regs, const char **why, void (*teardown)(void), bool *gone);

/* ELF64 structures the loader checks. */
struct elf64_ehdr {
	uint8_t e_ident[16];
	uint16_t e_type, e_machine;
	uint32_t e_version;
	uint64_t e_entry, e_phoff, e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type, p_flags;
	uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

#define ET_EXEC    2
#define ET_DYN     3
#define PT_LOAD    1
#define PT_INTERP  3
#define PT_PHDR    6
#define PT_TLS     7
#define PT_GNU_STACK 0x6474e551
#define PF_X       1
#define PF_W       2
#define PF_R       4

/* What elf_check found; exposed for the fuzzer and unit tests. */
struct elf_info {
	struct elf64_ehdr eh;
	struct elf64_phdr ph[64];
	uint64_t lo, hi; /* page-aligned span of the PT_LOAD segments (unbiased) */
	uint64_t phdr_vaddr;
	uint64_t interp_off, interp_len; /* PT_INTERP: where the interpreter's path is */
};

/* Validates an ELF header and program headers read from a file of size
 * fsize: buf holds the first len bytes. Returns 0 or -ENOEXEC with *why. */
int elf_check(const uint8_t *buf, size_t len, uint64_t fsize, struct elf_info *out,
	      const char **why);

#endif
