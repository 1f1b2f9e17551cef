/* Boot records come from the untrusted launcher: parse them defensively. */
#include <nto/boot.h>
#include <nto/kernel.h>

/* Copies a record's bytes as a string; rejects embedded NULs. */
static const char *rec_str(const uint8_t *p, uint32_t len)
{
	char *s;

	if (len > 65536 || memchr(p, 0, len))
		return NULL;
	s = kmalloc(len + 1);
	if (!s)
		return NULL;
	memcpy(s, p, len);
	s[len] = 0;
	return s;
}

static int push(const char ***vec, int *n, const char *s)
{
	const char **v;

	if (!s || *n >= BOOT_MAX_ARGS)
		return -EINVAL;
	v = krealloc(*vec, sizeof(char *) * (size_t)(*n + 2));
	if (!v)
		return -ENOMEM;
	v[(*n)++] = s;
	v[*n] = NULL;
	*vec = v;
	return 0;
}

static int parse_mount(const uint8_t *p, uint32_t len, struct boot_config *cfg)
{
	struct boot_mount *m;
	uint32_t id, flags;

	if (len < 9 || cfg->nmounts >= BOOT_MAX_MOUNTS)
		return -EINVAL;
	memcpy(&id, p, 4);
	memcpy(&flags, p + 4, 4);
	m = &cfg->mounts[cfg->nmounts];
	m->guest = rec_str(p + 8, len - 8);
	if (!m->guest || m->guest[0] != '/')
		return -EINVAL;
	m->host_id = id;
	m->ro = flags & BOOT_MOUNT_RO;
	cfg->nmounts++;
	return 0;
}

static int parse_one(uint32_t type, const uint8_t *p, uint32_t len, struct boot_config *cfg,
		     int *argc, int *envc)
{
	switch (type) {
	case BOOT_EXEC:
		cfg->exec = rec_str(p, len);
		return cfg->exec ? 0 : -EINVAL;
	case BOOT_ARG:
		return push(&cfg->argv, argc, rec_str(p, len));
	case BOOT_ENV:
		return push(&cfg->envp, envc, rec_str(p, len));
	case BOOT_CWD:
		cfg->cwd = rec_str(p, len);
		return cfg->cwd ? 0 : -EINVAL;
	case BOOT_MOUNT:
		return parse_mount(p, len, cfg);
	case BOOT_FLAGS:
		if (len != 4)
			return -EINVAL;
		memcpy(&cfg->flags, p, 4);
		return 0;
	default:
		return -EINVAL;
	}
}

int boot_parse(const uint8_t *blob, size_t len, struct boot_config *cfg)
{
	size_t off = 0;
	int argc = 0, envc = 0, r;

	memset(cfg, 0, sizeof(*cfg));
	while (off < len) {
		struct boot_rec_hdr h;
		if (len - off < sizeof(h))
			return -EINVAL;
		memcpy(&h, blob + off, sizeof(h));
		off += sizeof(h);
		if (h.len > len - off)
			return -EINVAL;
		r = parse_one(h.type, blob + off, h.len, cfg, &argc, &envc);
		if (r < 0)
			return r;
		off += ALIGN_UP(h.len, 8);
	}
	if (!cfg->exec || argc == 0)
		return -EINVAL;
	if (!cfg->envp) {
		cfg->envp = kzalloc(sizeof(char *));
		if (!cfg->envp)
			return -ENOMEM;
	}
	return 0;
}
