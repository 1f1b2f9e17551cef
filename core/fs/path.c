/* Textual path handling: canonical absolute paths without ".", ".." or "//". */
#include <nto/kernel.h>
#include <nto/vfs.h>

/* Appends component c (length n) to out (length *len), handling "." and "..". */
static int push(char *out, size_t *len, const char *c, size_t n)
{
	if (n == 0 || (n == 1 && c[0] == '.'))
		return 0;
	if (n == 2 && c[0] == '.' && c[1] == '.') {
		while (*len > 0 && out[*len - 1] != '/')
			(*len)--;
		if (*len > 1)
			(*len)--; /* drop the slash, except the root's */
		out[*len] = 0;
		return 0;
	}
	if (n > NAME_MAX)
		return -ENAMETOOLONG;
	if (*len + n + 2 > PATH_MAX)
		return -ENAMETOOLONG;
	if (*len > 1)
		out[(*len)++] = '/';
	memcpy(out + *len, c, n);
	*len += n;
	out[*len] = 0;
	return 0;
}

static int push_all(char *out, size_t *len, const char *p)
{
	while (*p) {
		while (*p == '/')
			p++;
		const char *s = p;
		while (*p && *p != '/')
			p++;
		int r = push(out, len, s, (size_t)(p - s));
		if (r < 0)
			return r;
	}
	return 0;
}

int path_canon(const char *base, const char *path, char *out)
{
	size_t len = 1;
	int r;

	out[0] = '/';
	out[1] = 0;
	if (path[0] != '/') {
		r = push_all(out, &len, base);
		if (r < 0)
			return r;
	}
	return push_all(out, &len, path);
}

int path_split(const char *rel, char *parent, const char **last)
{
	const char *slash = strrchr(rel, '/');

	if (!slash) {
		parent[0] = 0;
		*last = rel;
		return 0;
	}
	memcpy(parent, rel, (size_t)(slash - rel));
	parent[slash - rel] = 0;
	*last = slash + 1;
	return 0;
}
