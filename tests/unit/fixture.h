/*
 * The core booted as core/kernel/main.c boots it, on the test platform:
 * heap, memory budget, first process, address space, root image, /dev,
 * /proc, an optional host mount at /host, the console on fds 0-2, and a
 * scratch mapping of program memory for syscall arguments.
 */
#ifndef NTO_TEST_FIXTURE_H
#define NTO_TEST_FIXTURE_H

#include <nto/abi.h>

#include "../../platform/test/test_platform.h"

#define SCRATCH_BASE 0x10000000UL
#define SCRATCH_SIZE (1UL << 20)
#define FIXTURE_MEM  (256UL << 20)

struct fixture_opts {
	const uint8_t *image; /* NULL: the default image (imgbuild.h) */
	size_t image_size;
	bool hostfs;          /* mount the fake host's directory at /host */
	uint64_t mem_limit;   /* 0: FIXTURE_MEM */
};

/* Boots the core; returns 0 or the first failing step's -errno. opts may be NULL. */
int fixture_boot(const struct fixture_opts *opts);

/* Program memory: bump-allocated from the scratch mapping (reset by fixture_boot
 * and fixture_scratch_reset). Addresses are the program's and, the platform being
 * an identity map, also usable directly by the test. */
uptr ualloc(size_t n);
uptr ustr(const char *s);
void fixture_scratch_reset(void);

/* Runs a system call the way the platform would (core_syscall), catching exits. */
struct sc_result {
	long ret;
	int how; /* enum test_outcome */
};
struct sc_result fixture_syscall(uint64_t nr, long a0, long a1, long a2, long a3, long a4,
				 long a5);
/* Just the return value; the call must return (not exit). */
long sc(uint64_t nr, long a0, long a1, long a2, long a3, long a4, long a5);
#define SC0(n)                   sc(n, 0, 0, 0, 0, 0, 0)
#define SC1(n, a)                sc(n, (long)(a), 0, 0, 0, 0, 0)
#define SC2(n, a, b)             sc(n, (long)(a), (long)(b), 0, 0, 0, 0)
#define SC3(n, a, b, c)          sc(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define SC4(n, a, b, c, d)       sc(n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define SC5(n, a, b, c, d, e)    sc(n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)

/* The registers core_syscall works on (their rsp points into scratch). */
struct nto_regs *fixture_regs(void);

/* Live ASan-heap blocks (0 when the binary uses the core's own heap). */
size_t fixture_heap_live(void);

/* x86-64 syscall numbers the tests use. */
enum {
	NR_read = 0, NR_write = 1, NR_open = 2, NR_close = 3, NR_stat = 4, NR_fstat = 5,
	NR_lstat = 6, NR_poll = 7, NR_lseek = 8, NR_mmap = 9, NR_mprotect = 10, NR_munmap = 11,
	NR_brk = 12, NR_rt_sigaction = 13, NR_rt_sigprocmask = 14, NR_rt_sigreturn = 15,
	NR_ioctl = 16, NR_pread64 = 17, NR_pwrite64 = 18, NR_readv = 19, NR_writev = 20,
	NR_access = 21, NR_pipe = 22, NR_select = 23, NR_mremap = 25, NR_madvise = 28,
	NR_dup = 32, NR_dup2 = 33, NR_nanosleep = 35, NR_getpid = 39, NR_sendfile = 40,
	NR_exit = 60, NR_kill = 62, NR_uname = 63, NR_fcntl = 72, NR_ftruncate = 77,
	NR_getcwd = 79, NR_chdir = 80, NR_fchdir = 81, NR_rename = 82, NR_mkdir = 83,
	NR_rmdir = 84, NR_creat = 85, NR_link = 86, NR_unlink = 87, NR_symlink = 88,
	NR_readlink = 89, NR_chmod = 90, NR_umask = 95, NR_sigaltstack = 131,
	NR_arch_prctl = 158, NR_getdents64 = 217, NR_clock_gettime = 228,
	NR_clock_nanosleep = 230, NR_exit_group = 231, NR_openat = 257, NR_newfstatat = 262,
	NR_unlinkat = 263, NR_utimensat = 280, NR_pipe2 = 293, NR_renameat2 = 316,
	NR_getrandom = 318, NR_statx = 332,
};

#endif
