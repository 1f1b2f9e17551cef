/* core/kernel/bootargs.c: boot records from the untrusted launcher. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <nto/boot.h>
#include <nto/kernel.h>

#include "../../platform/test/test_libc.h"
#include "../../platform/test/test_platform.h"

static uint8_t blob[1 << 20];
static size_t len;
static struct boot_config cfg;

static void reset_blob(void)
{
	len = 0;
}

static void raw(const void *p, size_t n)
{
	memcpy(blob + len, p, n);
	len += n;
}

static void rec(uint32_t type, const void *p, uint32_t n)
{
	struct boot_rec_hdr h = {type, n};

	raw(&h, sizeof(h));
	raw(p, n);
	len = ALIGN_UP(len, 8);
}

static void rec_s(uint32_t type, const char *s)
{
	rec(type, s, (uint32_t)strlen(s));
}

static void basic(void)
{
	reset_blob();
	rec_s(BOOT_EXEC, "/bin/prog");
	rec_s(BOOT_ARG, "prog");
}

static int setup(void **state)
{
	test_platform_init();
	kheap_init(test_kheap_base(), TEST_KHEAP_SIZE);
	mem_set_limit(256UL << 20);
	return 0;
}

static void test_valid(void **state)
{
	uint8_t m[8 + 5];
	uint32_t id = 7, fl = BOOT_MOUNT_RO, flags = BOOT_F_STRACE | BOOT_F_VERBOSE;

	basic();
	rec_s(BOOT_ARG, "-v");
	rec_s(BOOT_ENV, "HOME=/");
	rec_s(BOOT_ENV, "A=");
	rec_s(BOOT_CWD, "/tmp");
	memcpy(m, &id, 4);
	memcpy(m + 4, &fl, 4);
	memcpy(m + 8, "/host", 5);
	rec(BOOT_MOUNT, m, sizeof(m));
	rec(BOOT_FLAGS, &flags, 4);
	assert_int_equal(boot_parse(blob, len, &cfg), 0);
	assert_string_equal(cfg.exec, "/bin/prog");
	assert_string_equal(cfg.argv[0], "prog");
	assert_string_equal(cfg.argv[1], "-v");
	assert_null(cfg.argv[2]);
	assert_string_equal(cfg.envp[0], "HOME=/");
	assert_string_equal(cfg.envp[1], "A=");
	assert_null(cfg.envp[2]);
	assert_string_equal(cfg.cwd, "/tmp");
	assert_int_equal(cfg.nmounts, 1);
	assert_string_equal(cfg.mounts[0].guest, "/host");
	assert_int_equal(cfg.mounts[0].host_id, 7);
	assert_true(cfg.mounts[0].ro);
	assert_int_equal(cfg.flags, flags);
}

static void test_minimal_has_empty_env(void **state)
{
	basic();
	assert_int_equal(boot_parse(blob, len, &cfg), 0);
	assert_non_null(cfg.envp);
	assert_null(cfg.envp[0]);
	assert_null(cfg.cwd);
	assert_int_equal(cfg.nmounts, 0);
	/* The last record need not be padded. */
	reset_blob();
	rec_s(BOOT_ARG, "prog");
	rec_s(BOOT_EXEC, "/p");
	assert_int_equal(boot_parse(blob, len - 6, &cfg), 0);
	assert_string_equal(cfg.exec, "/p");
}

static void test_missing_pieces(void **state)
{
	assert_int_equal(boot_parse(blob, 0, &cfg), -EINVAL);
	reset_blob();
	rec_s(BOOT_EXEC, "/bin/prog");
	assert_int_equal(boot_parse(blob, len, &cfg), -EINVAL); /* no argv */
	reset_blob();
	rec_s(BOOT_ARG, "prog");
	assert_int_equal(boot_parse(blob, len, &cfg), -EINVAL); /* no exec */
}

static void test_truncated(void **state)
{
	basic();
	size_t full = len;
	for (size_t n = 1; n < full; n++) {
		int r = boot_parse(blob, n, &cfg);
		/* Only cuts inside the last record's padding leave both records whole. */
		if (n < full - 4) /* "prog" ends 4 bytes before the padded end */
			assert_int_equal(r, -EINVAL);
	}
	/* A header that claims more than is there. */
	struct boot_rec_hdr h = {BOOT_ARG, 100};
	basic();
	raw(&h, sizeof(h));
	raw("abc", 3);
	assert_int_equal(boot_parse(blob, len, &cfg), -EINVAL);
	h.len = UINT32_MAX;
	basic();
	raw(&h, sizeof(h));
	assert_int_equal(boot_parse(blob, len, &cfg), -EINVAL);
	/* A partial header. */
	basic();
	raw(&h, 5);
	assert_int_equal(boot_parse(blob, len, &cfg), -EINVAL);
}

static void test_bad_records(void **state)
{
	uint8_t m[16] = {0};

	basic();
	rec(BOOT_ARG, "a\0b", 3); /* embedded NUL */
	assert_int_equal(boot_parse(blob, len, &cfg), -EINVAL);
	basic();
	rec_s(99, "x"); /* unknown type */
	assert_int_equal(boot_parse(blob, len, &cfg), -EINVAL);
	basic();
	rec(BOOT_FLAGS, "\1\0", 2);
	assert_int_equal(boot_parse(blob, len, &cfg), -EINVAL);
	basic();
	rec(BOOT_MOUNT, m, 8); /* no path */
	assert_int_equal(boot_parse(blob, len, &cfg), -EINVAL);
	basic();
	memcpy(m + 8, "rel", 3);
	rec(BOOT_MOUNT, m, 11); /* relative path */
	assert_int_equal(boot_parse(blob, len, &cfg), -EINVAL);
	basic();
	rec(BOOT_MOUNT, m, 16); /* path with NULs */
	assert_int_equal(boot_parse(blob, len, &cfg), -EINVAL);
	basic();
	rec(BOOT_EXEC, "/a\0", 3);
	assert_int_equal(boot_parse(blob, len, &cfg), -EINVAL);
}

static void test_limits(void **state)
{
	static char big[70000];
	uint8_t m[9] = {0};

	basic();
	for (int i = 0; i < BOOT_MAX_MOUNTS; i++) {
		m[8] = '/';
		rec(BOOT_MOUNT, m, 9);
	}
	assert_int_equal(boot_parse(blob, len, &cfg), 0);
	assert_int_equal(cfg.nmounts, BOOT_MAX_MOUNTS);
	rec(BOOT_MOUNT, m, 9);
	assert_int_equal(boot_parse(blob, len, &cfg), -EINVAL);
	/* argv has a cap. */
	reset_blob();
	rec_s(BOOT_EXEC, "/p");
	for (int i = 0; i <= BOOT_MAX_ARGS; i++)
		rec_s(BOOT_ARG, "a");
	assert_int_equal(boot_parse(blob, len, &cfg), -EINVAL);
	/* Strings over 64 KiB are refused. */
	memset(big, 'x', sizeof(big));
	basic();
	rec(BOOT_ENV, big, sizeof(big));
	assert_int_equal(boot_parse(blob, len, &cfg), -EINVAL);
	basic();
	rec(BOOT_ENV, big, 65536);
	assert_int_equal(boot_parse(blob, len, &cfg), 0);
}

static void test_out_of_memory(void **state)
{
	basic();
	rec_s(BOOT_ENV, "A=1");
	mem_set_limit(mem_used());
	int r = boot_parse(blob, len, &cfg);
	assert_true(r == -ENOMEM || r == -EINVAL);
	mem_set_limit(256UL << 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),	  cmocka_unit_test(test_minimal_has_empty_env),
		cmocka_unit_test(test_missing_pieces), cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_records), cmocka_unit_test(test_limits),
		cmocka_unit_test(test_out_of_memory),
	};

	return cmocka_run_group_tests_name("bootargs", tests, setup, NULL);
}
