/* core/lib/format.c: kvsnprintf and friends. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <nto/kernel.h>

#include "../../platform/test/test_libc.h"

static char buf[256];

/* No format attribute: the tests pass formats the compiler would reject. */
static int fmt(char *b, size_t n, const char *f, ...)
{
	va_list ap;
	int r;

	va_start(ap, f);
	r = kvsnprintf(b, n, f, ap);
	va_end(ap);
	return r;
}

#define CHECK(want, ...)                                                                           \
	do {                                                                                       \
		int n_ = fmt(buf, sizeof(buf), __VA_ARGS__);                                      \
		assert_string_equal(buf, want);                                                    \
		assert_int_equal(n_, strlen(want));                                                \
	} while (0)

static void test_integers(void **state)
{
	CHECK("0", "%d", 0);
	CHECK("-1", "%d", -1);
	CHECK("2147483647 -2147483648", "%d %d", 2147483647, (int)-2147483648LL);
	CHECK("-9223372036854775808", "%ld", (long)INT64_MIN);
	CHECK("9223372036854775807", "%lld", (long long)INT64_MAX);
	CHECK("18446744073709551615", "%lu", (unsigned long)UINT64_MAX);
	CHECK("4294967295", "%u", 4294967295U);
	CHECK("42", "%i", 42);
	CHECK("123", "%zu", (size_t)123);
	CHECK("-5", "%zd", (ssize_t)-5);
}

static void test_bases(void **state)
{
	CHECK("ff FF 777", "%x %X %o", 255U, 255U, 0777U);
	CHECK("ffffffffffffffff", "%lx", (unsigned long)-1);
	CHECK("0x0", "%p", (void *)0);
	CHECK("0x1000", "%p", (void *)0x1000);
	CHECK("0", "%x", 0U);
}

static void test_width_and_pad(void **state)
{
	CHECK("   42", "%5d", 42);
	CHECK("00042", "%05d", 42);
	CHECK("42   |", "%-5d|", 42);
	CHECK("  -42", "%5d", -42);
	CHECK("-0042", "%05d", -42);
	CHECK("-42  |", "%-5d|", -42);
	CHECK("-42", "%02d", -42); /* width smaller than the number */
	CHECK("0000ff", "%06x", 255U);
	CHECK("00000000deadbeef", "%016lx", 0xdeadbeefUL);
	CHECK("42   |", "%-05d|", 42); /* '-' wins over '0' */
}

static void test_strings(void **state)
{
	CHECK("hello", "%s", "hello");
	CHECK("(null)", "%s", (char *)NULL);
	CHECK("  abc", "%5s", "abc");
	CHECK("abc  |", "%-5s|", "abc");
	CHECK("ab", "%.2s", "abcdef");
	CHECK("", "%.0s", "abcdef");
	CHECK("   ab", "%5.2s", "abcdef");
	CHECK("x%y", "x%%y");
	CHECK("c=A", "c=%c", 'A');
}

static void test_unknown_and_trailing(void **state)
{
	CHECK("%q", "%q");
	CHECK("abc%", "abc%");
	CHECK("%", "%");
}

static void test_truncation(void **state)
{
	char small[4];

	assert_int_equal(ksnprintf(small, sizeof(small), "%s", "abcdef"), 6);
	assert_string_equal(small, "abc");
	assert_int_equal(ksnprintf(small, sizeof(small), "%d", -12345), 6);
	assert_string_equal(small, "-12");
	/* size 0: nothing written, the length still reported */
	small[0] = 'Z';
	assert_int_equal(ksnprintf(small, 0, "%s", "abc"), 3);
	assert_int_equal(small[0], 'Z');
	assert_int_equal(ksnprintf(NULL, 0, "%d-%d", 10, 20), 5);
	/* size 1: only the terminator */
	assert_int_equal(ksnprintf(small, 1, "xyz"), 3);
	assert_int_equal(small[0], 0);
}

static void test_long_output(void **state)
{
	char big[600];

	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	assert_int_equal(ksnprintf(buf, sizeof(buf), "[%s]", big), 601);
	assert_int_equal(strlen(buf), sizeof(buf) - 1);
	assert_int_equal(buf[0], '[');
}

static void test_strlcpy_parse(void **state)
{
	char d[4];
	uint64_t v = 7;

	assert_int_equal(kstrlcpy(d, "abcdef", sizeof(d)), 6);
	assert_string_equal(d, "abc");
	assert_int_equal(kstrlcpy(d, "", sizeof(d)), 0);
	assert_string_equal(d, "");
	assert_int_equal(kstrlcpy(d, "abc", 0), 3);
	assert_int_equal(parse_u64("12345", 5, &v), 0);
	assert_int_equal(v, 12345);
	assert_int_equal(parse_u64("18446744073709551609", 20, &v), 0); /* edge the check allows */
	assert_int_equal(parse_u64("18446744073709551616", 20, &v), -EINVAL);
	assert_int_equal(parse_u64("99999999999999999999", 20, &v), -EINVAL);
	assert_int_equal(parse_u64("", 0, &v), -EINVAL);
	assert_int_equal(parse_u64("12a", 3, &v), -EINVAL);
	assert_int_equal(parse_u64("-1", 2, &v), -EINVAL);
	assert_int_equal(parse_u64("123", 2, &v), 0); /* only n bytes are read */
	assert_int_equal(v, 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_bases),
		cmocka_unit_test(test_width_and_pad),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_unknown_and_trailing),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_long_output),
		cmocka_unit_test(test_strlcpy_parse),
	};

	return cmocka_run_group_tests_name("format", tests, NULL, NULL);
}
