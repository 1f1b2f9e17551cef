/* The booted-core fixture (see fixture.h). */
#include <nto/hal.h>
#include <nto/kernel.h>
#include <nto/mm.h>
#include <nto/proc.h>
#include <nto/syscall.h>
#include <nto/vfs.h>

#include "../../platform/test/test_libc.h"
#include "fixture.h"
#include <nto/sched.h>
#include "imgbuild.h"

static struct nto_regs regs;
static size_t scratch_used;

size_t test_heap_live(void) __attribute__((weak));

size_t fixture_heap_live(void)
{
	return test_heap_live ? test_heap_live() : 0;
}

int fixture_boot(const struct fixture_opts *opts)
{
	struct fixture_opts o = {0};
	int r;

	if (opts)
		o = *opts;
	if (!o.image)
		o.image = ib_default(&o.image_size);
	test_platform_init();
	kheap_init(test_kheap_base(), TEST_KHEAP_SIZE);
	mem_set_limit(o.mem_limit ? o.mem_limit : FIXTURE_MEM);
	r = proc_init_first();
	if (r < 0)
		return r;
	r = mm_init(current->proc->mm, TEST_USER_MIN, TEST_USER_MAX);
	if (r < 0)
		return r;
	r = tmpfs_mount_image(o.image, o.image_size);
	if (r < 0)
		return r;
	r = devfs_init();
	if (r == 0)
		r = procfs_init();
	if (r == 0 && o.hostfs)
		r = hostfs_mount("/host", TEST_HOSTFS_ID, false);
	for (int fd = 0; r == 0 && fd < 3; fd++) {
		struct file *f = console_open(fd, fd == 0 ? O_RDONLY : O_WRONLY);
		r = f ? fd_install(f, fd, false) : -ENOMEM;
		r = r < 0 ? r : 0;
	}
	if (r < 0)
		return r;
	r = vm_map_fixed(current->proc->mm, SCRATCH_BASE, SCRATCH_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, "[scratch]", 0);
	if (r < 0)
		return r;
	memset(&regs, 0, sizeof(regs));
	regs.rsp = SCRATCH_BASE + SCRATCH_SIZE - 64;
	current->regs = &regs;
	scratch_used = 0;
	/* As core_main does before it enters the program. */
	core_unlock();
	return 0;
}

void fixture_scratch_reset(void)
{
	scratch_used = 0;
}

uptr ualloc(size_t n)
{
	uptr p;

	n = ALIGN_UP(n, 16);
	/* The top 64 KiB stay free for signal frames (regs.rsp). */
	if (scratch_used + n > SCRATCH_SIZE - 65536)
		abort();
	p = SCRATCH_BASE + scratch_used;
	scratch_used += n;
	memset((void *)p, 0, n);
	return p;
}

uptr ustr(const char *s)
{
	size_t n = strlen(s) + 1;
	uptr p = ualloc(n);

	memcpy((void *)p, s, n);
	return p;
}

struct nto_regs *fixture_regs(void)
{
	return &regs;
}

struct call {
	uint64_t nr;
	long a[6];
	long ret;
};

static void do_call(void *arg)
{
	struct call *c = arg;

	regs.orig_rax = c->nr;
	regs.rdi = (uint64_t)c->a[0];
	regs.rsi = (uint64_t)c->a[1];
	regs.rdx = (uint64_t)c->a[2];
	regs.r10 = (uint64_t)c->a[3];
	regs.r8 = (uint64_t)c->a[4];
	regs.r9 = (uint64_t)c->a[5];
	core_syscall(&regs);
	c->ret = (long)regs.rax;
}

struct sc_result fixture_syscall(uint64_t nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	struct call c = {nr, {a0, a1, a2, a3, a4, a5}, 0};
	struct sc_result r;

	r.how = test_catch(do_call, &c);
	r.ret = c.ret;
	return r;
}

long sc(uint64_t nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	struct sc_result r = fixture_syscall(nr, a0, a1, a2, a3, a4, a5);

	if (r.how != TEST_RETURNED) {
		dprintf(2, "syscall %lu did not return (outcome %d, status %d)\n", nr, r.how,
		       test_exit_status);
		abort();
	}
	return r.ret;
}
