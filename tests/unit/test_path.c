/* core/fs/path.c: canonical absolute paths. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <nto/kernel.h>
#include <nto/vfs.h>

#include "../../platform/test/test_libc.h"

static char out[PATH_MAX];

static void canon(const char *base, const char *path, const char *want)
{
	int r = path_canon(base, path, out);

	if (r != 0 || strcmp(out, want) != 0)
		fail_msg("path_canon(\"%s\", \"%s\") = %d \"%s\", want \"%s\"", base, path, r, out,
			 want);
}

static void test_absolute(void **state)
{
	canon("/", "/", "/");
	canon("/", "/a/b", "/a/b");
	canon("/x", "/a/b/", "/a/b");
	canon("/", "//a///b//", "/a/b");
	canon("/", "/a/./b/.", "/a/b");
	canon("/", "/a/../b", "/b");
	canon("/", "/..", "/");
	canon("/", "/../../..", "/");
	canon("/", "/a/b/../../..", "/");
	canon("/", "/a/b/c/../../d", "/a/d");
	canon("/", "/...", "/...");
	canon("/", "/.a/..b/", "/.a/..b");
}

static void test_relative(void **state)
{
	canon("/", "a", "/a");
	canon("/home/u", "a/b", "/home/u/a/b");
	canon("/home/u", "..", "/home");
	canon("/home/u", "../..", "/");
	canon("/home/u", "../../../../x", "/x");
	canon("/home/u", ".", "/home/u");
	canon("/home/u", "", "/home/u");
	canon("/home/u/", "./a/", "/home/u/a");
	/* A relative base (never produced by the core) still canonicalizes. */
	canon("rel", "x", "/rel/x");
}

static void test_name_too_long(void **state)
{
	char name[NAME_MAX + 2];

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;
	assert_int_equal(path_canon("/", name, out), -ENAMETOOLONG);
	name[NAME_MAX] = 0; /* exactly NAME_MAX is fine */
	assert_int_equal(path_canon("/", name, out), 0);
	assert_int_equal(strlen(out), NAME_MAX + 1);
}

static void test_path_too_long(void **state)
{
	/* 20 components of 250 bytes: over PATH_MAX once joined. */
	static char p[20 * 251 + 1];
	size_t n = 0;

	for (int i = 0; i < 20; i++) {
		p[n++] = '/';
		memset(p + n, 'a' + i, 250);
		n += 250;
	}
	p[n] = 0;
	assert_int_equal(path_canon("/", p, out), -ENAMETOOLONG);
	/* ".." inside keeps the result short: fine however long the input. */
	n = 0;
	for (int i = 0; i < 20; i++) {
		memcpy(p + n, "/aaaaaaaaaa/..", 14);
		n += 14;
	}
	p[n] = 0;
	assert_int_equal(path_canon("/", p, out), 0);
	assert_string_equal(out, "/");
}

static void test_exact_limit(void **state)
{
	/* Components adding up to exactly PATH_MAX - 1 bytes fit; one more does not. */
	static char p[PATH_MAX + 16];
	size_t n = 0;

	while (n + 256 < PATH_MAX - 1) {
		p[n++] = '/';
		memset(p + n, 'x', 255);
		n += 255;
	}
	size_t rest = PATH_MAX - 1 - n - 1; /* '/' + rest = PATH_MAX - 1 in all */
	p[n++] = '/';
	memset(p + n, 'y', rest);
	n += rest;
	p[n] = 0;
	assert_int_equal(strlen(p), PATH_MAX - 1);
	assert_int_equal(path_canon("/", p, out), 0);
	assert_int_equal(strlen(out), PATH_MAX - 1);
	p[n++] = 'y';
	p[n] = 0;
	assert_int_equal(path_canon("/", p, out), -ENAMETOOLONG);
	/* A long base plus a relative name goes over too. */
	p[n - 1] = 0;
	assert_int_equal(path_canon(p, "z", out), -ENAMETOOLONG);
}

static void test_split(void **state)
{
	char parent[PATH_MAX];
	const char *last;

	assert_int_equal(path_split("a/b/c", parent, &last), 0);
	assert_string_equal(parent, "a/b");
	assert_string_equal(last, "c");
	assert_int_equal(path_split("top", parent, &last), 0);
	assert_string_equal(parent, "");
	assert_string_equal(last, "top");
	assert_int_equal(path_split("", parent, &last), 0);
	assert_string_equal(last, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_absolute),     cmocka_unit_test(test_relative),
		cmocka_unit_test(test_name_too_long), cmocka_unit_test(test_path_too_long),
		cmocka_unit_test(test_exact_limit),  cmocka_unit_test(test_split),
	};

	return cmocka_run_group_tests_name("path", tests, NULL, NULL);
}
