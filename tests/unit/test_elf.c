/* core/loader/elf.c: elf_check on hostile headers, and exec_program end to end. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <nto/kernel.h>
#include <nto/loader.h>
#include <nto/mm.h>
#include <nto/proc.h>

#include "../../platform/test/test_libc.h"
#include "fixture.h"
#include "imgbuild.h"

static uint8_t good[256];
static size_t good_len;
static uint8_t buf[8192];
static struct elf_info info;
static const char *why;

static struct elf64_ehdr *eh(void)
{
	return (struct elf64_ehdr *)buf;
}

static struct elf64_phdr *ph(int i)
{
	return (struct elf64_phdr *)(buf + eh()->e_phoff) + i;
}

static int setup(void **state)
{
	good_len = ib_elf(good, sizeof(good), ET_EXEC);
	return fixture_boot(NULL);
}

static int fresh(void **state)
{
	memset(buf, 0, sizeof(buf));
	memcpy(buf, good, good_len);
	why = NULL;
	return 0;
}

static int check(size_t len, uint64_t fsize)
{
	int r = elf_check(buf, len, fsize, &info, &why);

	if (r < 0) {
		assert_int_equal(r, -ENOEXEC);
		assert_non_null(why);
	}
	return r;
}

static void test_good(void **state)
{
	assert_int_equal(check(good_len, good_len), 0);
	assert_int_equal(info.lo, 0x400000);
	assert_int_equal(info.hi, 0x400000 + ALIGN_UP(good_len + 0x2000, PAGE_SIZE));
	assert_int_equal(info.eh.e_phnum, 2);
}

static void test_truncated(void **state)
{
	for (size_t n = 0; n < sizeof(struct elf64_ehdr) + 2 * sizeof(struct elf64_phdr); n++)
		assert_int_equal(check(n, good_len), -ENOEXEC);
	/* Whole header but the file is shorter than the segment claims. */
	assert_int_equal(check(good_len, good_len - 1), -ENOEXEC);
	assert_int_equal(check(good_len, 0), -ENOEXEC);
}

static void test_ident(void **state)
{
	buf[0] = 0x7e;
	assert_int_equal(check(good_len, good_len), -ENOEXEC);
	fresh(state);
	buf[4] = 1; /* ELFCLASS32 */
	assert_int_equal(check(good_len, good_len), -ENOEXEC);
	fresh(state);
	buf[5] = 2; /* big endian */
	assert_int_equal(check(good_len, good_len), -ENOEXEC);
	fresh(state);
	buf[6] = 0; /* version */
	assert_int_equal(check(good_len, good_len), -ENOEXEC);
}

static void test_machine_and_type(void **state)
{
	eh()->e_machine = 243; /* RISC-V */
	assert_int_equal(check(good_len, good_len), -ENOEXEC);
	fresh(state);
	eh()->e_machine = 3; /* i386 */
	assert_int_equal(check(good_len, good_len), -ENOEXEC);
	fresh(state);
	eh()->e_type = 1; /* ET_REL */
	assert_int_equal(check(good_len, good_len), -ENOEXEC);
	eh()->e_type = 4; /* ET_CORE */
	assert_int_equal(check(good_len, good_len), -ENOEXEC);
	eh()->e_type = ET_DYN;
	assert_int_equal(check(good_len, good_len), 0);
}

static void test_phdr_table(void **state)
{
	eh()->e_phentsize = 32;
	assert_int_equal(check(good_len, good_len), -ENOEXEC);
	fresh(state);
	eh()->e_phnum = 0;
	assert_int_equal(check(good_len, good_len), -ENOEXEC);
	eh()->e_phnum = 65;
	assert_int_equal(check(sizeof(buf), sizeof(buf)), -ENOEXEC);
	eh()->e_phnum = 0xffff;
	assert_int_equal(check(sizeof(buf), sizeof(buf)), -ENOEXEC);
	fresh(state);
	eh()->e_phoff = ~0ULL - 8; /* offset + size overflows */
	assert_int_equal(check(good_len, good_len), -ENOEXEC);
	eh()->e_phoff = good_len; /* past the end */
	assert_int_equal(check(good_len, good_len), -ENOEXEC);
	/* In the file, but beyond the bytes the loader read. */
	fresh(state);
	assert_int_equal(check(100, good_len), -ENOEXEC);
	/* 64 program headers fit. */
	fresh(state);
	eh()->e_phnum = 64;
	for (int i = 2; i < 64; i++)
		ph(i)->p_type = 0; /* PT_NULL */
	assert_int_equal(check(64 + 64 * 56, 64 + 64 * 56), 0);
}

static void test_segments(void **state)
{
	ph(0)->p_filesz = ph(0)->p_memsz + 1;
	assert_int_equal(check(good_len, good_len), -ENOEXEC);
	fresh(state);
	ph(0)->p_offset = ~0ULL - 4;
	assert_int_equal(check(good_len, good_len), -ENOEXEC);
	fresh(state);
	ph(0)->p_vaddr = ~0ULL & ~0xfffULL; /* vaddr + memsz wraps */
	assert_int_equal(check(good_len, good_len), -ENOEXEC);
	fresh(state);
	ph(0)->p_vaddr = 1ULL << 46; /* above the canonical user half */
	assert_int_equal(check(good_len, good_len), -ENOEXEC);
	fresh(state);
	ph(0)->p_vaddr += 0x10; /* vaddr and offset disagree mod page size */
	assert_int_equal(check(good_len, good_len), -ENOEXEC);
	fresh(state);
	ph(0)->p_type = PT_INTERP;
	assert_int_equal(check(good_len, good_len), -ENOEXEC);
	fresh(state);
	ph(0)->p_type = PT_TLS; /* no PT_LOAD left */
	assert_int_equal(check(good_len, good_len), -ENOEXEC);
}

/* ---- exec_program over the fixture's image ---- */

struct exec_args {
	const char *path;
	struct nto_regs regs;
	const char *why;
	int r;
};

static void do_exec(void *arg)
{
	struct exec_args *a = arg;
	static const char *const argv[] = {"prog", "one", NULL};
	static const char *const envp[] = {"A=1", NULL};

	bool gone;
	a->r = exec_program(a->path, argv, envp, &a->regs, &a->why, NULL, &gone);
}

static int exec(const char *path, struct exec_args *a)
{
	memset(a, 0, sizeof(*a));
	a->path = path;
	assert_int_equal(test_catch(do_exec, a), TEST_RETURNED);
	if (test_hal_violations())
		fail_msg("HAL contract violation: %s", test_hal_last_violation());
	return a->r;
}

static void test_exec_static(void **state)
{
	struct exec_args a;
	struct mm *mm = current->proc->mm;

	assert_int_equal(exec("/bin/prog", &a), 0);
	assert_int_equal(a.regs.rip, 0x400000 + 64 + 2 * 56);
	assert_int_equal(a.regs.rsp & 15, 0);
	uint64_t *sp = (uint64_t *)a.regs.rsp;
	assert_int_equal(sp[0], 2);                       /* argc */
	assert_string_equal((char *)sp[1], "prog");
	assert_string_equal((char *)sp[2], "one");
	assert_int_equal(sp[3], 0);
	assert_string_equal((char *)sp[4], "A=1");
	assert_int_equal(sp[5], 0);
	/* The code page is readable and executable, not writable; it is read
	 * from the file only when first touched. */
	struct vma *v = vm_find(mm, 0x400000);
	assert_non_null(v);
	assert_int_equal(v->prot, PROT_READ | PROT_EXEC);
	assert_int_equal(test_page_prot(0x400000), PROT_NONE);
	assert_int_equal(vm_fault_in(mm, 0x400000), 1);
	assert_int_equal(vm_fault_in(mm, 0x400000), 2); /* there now: retried once, then real */
	assert_int_equal(test_page_prot(0x400000), PROT_READ | PROT_EXEC);
	assert_memory_equal((void *)0x400000, "\177ELF", 4);
	assert_string_equal(current->proc->exe, "/bin/prog");
	assert_true(mm->brk >= v->end);
}

static void test_exec_pie(void **state)
{
	struct exec_args a;

	assert_int_equal(exec("/bin/pie", &a), 0);
	assert_true(a.regs.rip > TEST_USER_MIN && a.regs.rip < TEST_USER_MAX);
	assert_int_equal(vm_populate(current->proc->mm, a.regs.rip - 64 - 2 * 56, 4), 0);
	assert_memory_equal((void *)(a.regs.rip - 64 - 2 * 56), "\177ELF", 4);
}

static void test_exec_script(void **state)
{
	struct exec_args a;

	/* "#!/bin/prog -x": argv becomes /bin/prog -x /bin/script one */
	assert_int_equal(exec("/bin/script", &a), 0);
	uint64_t *sp = (uint64_t *)a.regs.rsp;
	assert_int_equal(sp[0], 4);
	assert_string_equal((char *)sp[1], "/bin/prog");
	assert_string_equal((char *)sp[2], "-x");
	assert_string_equal((char *)sp[3], "/bin/script");
	assert_string_equal((char *)sp[4], "one");
	assert_int_equal(sp[5], 0);
}

static void test_exec_failures(void **state)
{
	struct exec_args a;

	assert_int_equal(exec("/bin/missing", &a), -ENOENT);
	assert_int_equal(exec("/bin/noexec", &a), -EACCES);
	assert_int_equal(exec("/d", &a), -EACCES); /* as Linux */
	assert_int_equal(exec("/etc/passwd", &a), -EACCES);
	assert_int_equal(exec("/empty", &a), -EACCES);
	assert_int_equal(exec("/dev/null", &a), -EACCES);
}

struct big_args {
	const char *const *argv;
	struct nto_regs regs;
	const char *why;
	int r;
};

static void do_exec_big(void *arg)
{
	struct big_args *a = arg;
	static const char *const envp[] = {NULL};

	bool gone;
	a->r = exec_program("/bin/prog", a->argv, envp, &a->regs, &a->why, NULL, &gone);
}

static void test_exec_e2big(void **state)
{
	/* An argument that does not fit the initial stack must fail the exec,
	 * not vanish from argv. */
	static char big[300000];
	static const char *argv[] = {"prog", big, "last", NULL};
	struct big_args a = {argv, {0}, NULL, 0};

	memset(big, 'a', sizeof(big) - 1);
	assert_int_equal(test_catch(do_exec_big, &a), TEST_RETURNED);
	if (a.r == 0) {
		uint64_t *sp = (uint64_t *)a.regs.rsp;
		assert_int_equal(sp[0], 3);
		for (int i = 1; i <= 3; i++)
			if (!sp[i])
				fail_msg("argv[%d] is NULL after a successful exec", i - 1);
	}
	assert_int_equal(a.r, -E2BIG);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, fresh)
	const struct CMUnitTest tests[] = {
		T(test_good),	       T(test_truncated), T(test_ident),	  T(test_machine_and_type),
		T(test_phdr_table),    T(test_segments),  T(test_exec_static), T(test_exec_pie),
		T(test_exec_script),   T(test_exec_failures), T(test_exec_e2big),
	};

	return cmocka_run_group_tests_name("elf", tests, setup, NULL);
}
