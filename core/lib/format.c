/* ksnprintf and friends for the core's logs, /proc and strace output. */
#include <nto/errno.h>
#include <nto/lib.h>

struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_num(struct out *o, uint64_t v, unsigned base, bool upper, bool neg, int width,
		    char pad, bool left)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (neg)
		tmp[n++] = '-';
	int len = n;
	/* A '-' must precede zero padding, so emit it first in that case. */
	if (neg && pad == '0') {
		put(o, '-');
		n--;
		width--;
	}
	for (int i = n; !left && i < width; i++)
		put(o, pad);
	while (n)
		put(o, tmp[--n]);
	for (int i = len; left && i < width; i++)
		put(o, ' ');
}

static void put_str(struct out *o, const char *s, int width, bool left, int prec)
{
	size_t n = s ? strnlen(s, prec >= 0 ? (size_t)prec : (size_t)-1) : 6;

	if (!s)
		s = "(null)";
	for (int i = (int)n; !left && i < width; i++)
		put(o, ' ');
	for (size_t i = 0; i < n; i++)
		put(o, s[i]);
	for (int i = (int)n; left && i < width; i++)
		put(o, ' ');
}

static uint64_t get_unsigned(va_list *ap, int lng)
{
	if (lng >= 1)
		return va_arg(*ap, uint64_t);
	return va_arg(*ap, unsigned int);
}

static int64_t get_signed(va_list *ap, int lng)
{
	if (lng >= 1)
		return va_arg(*ap, int64_t);
	return va_arg(*ap, int);
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
	struct out o = {buf, size, 0};
	va_list ap;

	va_copy(ap, ap_in);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		bool left = false;
		char pad = ' ';
		int width = 0, prec = -1, lng = 0;

		for (; *fmt == '-' || *fmt == '0'; fmt++) {
			if (*fmt == '-')
				left = true;
			else
				pad = '0';
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			width = width * 10 + (*fmt - '0');
		if (*fmt == '.') {
			prec = 0;
			for (fmt++; *fmt >= '0' && *fmt <= '9'; fmt++)
				prec = prec * 10 + (*fmt - '0');
		}
		for (; *fmt == 'l' || *fmt == 'z'; fmt++)
			lng++;
		if (left)
			pad = ' ';
		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t v = get_signed(&ap, lng);
			put_num(&o, v < 0 ? -(uint64_t)v : (uint64_t)v, 10, false, v < 0, width, pad,
				left);
			break;
		}
		case 'u':
			put_num(&o, get_unsigned(&ap, lng), 10, false, false, width, pad, left);
			break;
		case 'x':
		case 'X':
			put_num(&o, get_unsigned(&ap, lng), 16, *fmt == 'X', false, width, pad, left);
			break;
		case 'o':
			put_num(&o, get_unsigned(&ap, lng), 8, false, false, width, pad, left);
			break;
		case 'p':
			put(&o, '0');
			put(&o, 'x');
			put_num(&o, (uptr)va_arg(ap, void *), 16, false, false, width, pad, left);
			break;
		case 's':
			put_str(&o, va_arg(ap, const char *), width, left, prec);
			break;
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case '%':
			put(&o, '%');
			break;
		default:
			put(&o, '%');
			if (!*fmt)
				goto done;
			put(&o, *fmt);
		}
	}
done:
	va_end(ap);
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

size_t kstrlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size) {
		size_t c = n < size - 1 ? n : size - 1;
		memcpy(dst, src, c);
		dst[c] = 0;
	}
	return n;
}

int parse_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (n == 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' || v > (UINT64_MAX - 9) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}
