/*
 * /proc: generated files. Each open takes a snapshot of the content, so a
 * reader sees one consistent version however it slices its reads.
 */
#include <nto/kernel.h>
#include <nto/mm.h>
#include <nto/proc.h>
#include <nto/vfs.h>

struct snap {
	char *buf;
	size_t len, cap;
};

static void sp(struct snap *s, const char *fmt, ...) printf_like(2, 3);

static void sp(struct snap *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = kvsnprintf(s->buf ? s->buf + s->len : NULL, s->buf ? s->cap - s->len : 0, fmt, ap);
		va_end(ap);
		if (s->buf && s->len + (size_t)n < s->cap) {
			s->len += (size_t)n;
			return;
		}
		size_t cap = MAX(s->cap * 2, s->len + (size_t)n + 256);
		char *b = krealloc(s->buf, cap);
		if (!b)
			return;
		s->buf = b;
		s->cap = cap;
	}
}

/* Makes room for n more bytes (and a NUL); false when out of memory. */
static bool reserve(struct snap *s, size_t n)
{
	if (s->buf && s->len + n + 1 <= s->cap)
		return true;
	char *b = krealloc(s->buf, s->len + n + 1);
	if (!b)
		return false;
	s->buf = b;
	s->cap = s->len + n + 1;
	return true;
}

/* Appends program memory [from, to) (argv or environ strings). */
static void user_span(struct snap *s, uptr from, uptr to)
{
	size_t n = to > from ? to - from : 0;

	n = MIN(n, (size_t)65536);
	if (reserve(s, n) && n && copy_from_user(s->buf + s->len, (void *)from, n) == 0)
		s->len += n;
}

/* Appends core bytes (NULs included). */
static void put_bytes(struct snap *s, const char *b, size_t n)
{
	if (reserve(s, n)) {
		memcpy(s->buf + s->len, b, n);
		s->len += n;
	}
}

static void gen_maps(struct snap *s, struct proc *p)
{
	for (struct vma *v = p->mm ? p->mm->vmas : NULL; v; v = v->next) {
		sp(s, "%08lx-%08lx %c%c%c%c %08lx 00:00 0", v->start, v->end,
		   (v->prot & PROT_READ) ? 'r' : '-', (v->prot & PROT_WRITE) ? 'w' : '-',
		   (v->prot & PROT_EXEC) ? 'x' : '-', (v->flags & MAP_SHARED) ? 's' : 'p',
		   (uint64_t)((v->flags & MAP_ANONYMOUS) ? 0 : v->off));
		sp(s, v->name ? "%20s%s\n" : "\n", "", v->name ? v->name : "");
	}
}

static uint64_t vm_kb(struct proc *p)
{
	uint64_t t = 0;

	for (struct vma *v = p->mm ? p->mm->vmas : NULL; v; v = v->next)
		t += v->end - v->start;
	return t >> 10;
}

/* Linux's one-letter state: the caller runs; others run unless every
 * thread waits in the core. */
static char state_of(struct proc *p)
{
	if (p->state == PS_ZOMBIE)
		return 'Z';
	if (p->stopped)
		return 'T';
	for (struct thread *t = p->threads; t; t = t->next) {
		if (t == current || t->state == T_RUNNING)
			return 'R';
	}
	return 'S';
}

static const char *state_name(char c)
{
	return c == 'Z' ? "Z (zombie)" : c == 'T' ? "T (stopped)" : c == 'S' ? "S (sleeping)"
									      : "R (running)";
}

/* The signal mask /proc shows: the caller's, else the first thread's. */
static ksigset_t mask_of(struct proc *p)
{
	if (p == current->proc)
		return current->sigmask;
	return p->threads ? p->threads->sigmask : 0;
}

static void gen_status(struct snap *s, struct proc *p)
{
	const char *name = p->comm;

	sp(s, "Name:\t%.15s\nUmask:\t%04o\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\n", name,
	   p->umask, state_name(state_of(p)), p->pid, p->pid);
	sp(s, "PPid:\t%d\nTracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t%d\n", p->ppid,
	   p->fdt.cap);
	sp(s, "Groups:\t0\nVmSize:\t%8lu kB\nVmRSS:\t%8lu kB\nThreads:\t%d\n", vm_kb(p), vm_kb(p),
	   p->nthreads);
	sp(s, "SigQ:\t0/0\nSigPnd:\t%016lx\nShdPnd:\t%016lx\nSigBlk:\t%016lx\n", 0UL, p->pending.set,
	   mask_of(p));
	sp(s, "Cpus_allowed:\t1\nCpus_allowed_list:\t0\n");
}

static void gen_stat(struct snap *s, struct proc *p)
{
	const char *name = p->comm;

	sp(s, "%d (%.15s) %c %d %d %d 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 %d 0 0 %lu %lu", p->pid, name,
	   state_of(p), p->ppid, p->pgid, p->sid, p->nthreads, vm_kb(p) << 10, vm_kb(p) >> 2);
	sp(s, " 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
}

static void gen_meminfo(struct snap *s, struct proc *p)
{
	uint64_t total = mem_limit() >> 10, used = mem_used() >> 10;

	sp(s, "MemTotal:       %8lu kB\nMemFree:        %8lu kB\nMemAvailable:   %8lu kB\n", total,
	   total - used, total - used);
	sp(s, "Buffers:               0 kB\nCached:                0 kB\nSwapCached:            0 kB\n");
	sp(s, "SwapTotal:             0 kB\nSwapFree:              0 kB\nShmem:                 0 kB\n");
}

static void gen_cpuinfo(struct snap *s, struct proc *p)
{
	sp(s, "processor\t: 0\nvendor_id\t: NTO\nmodel name\t: NTO virtual CPU (%s)\n",
	   NTO_ARCH_NAME);
	sp(s, "cpu MHz\t\t: 1000.000\ncpu cores\t: 1\nflags\t\t: fpu sse sse2\nbogomips\t: 2000.00\n\n");
}

static void gen_uptime(struct snap *s, struct proc *p)
{
	int64_t ns = ktime_mono();

	sp(s, "%ld.%02ld 0.00\n", ns / 1000000000, (ns / 10000000) % 100);
}

static void gen_mounts(struct snap *s, struct proc *p)
{
	sp(s, "nto-image / tmpfs rw 0 0\ndevfs /dev devtmpfs rw 0 0\nproc /proc proc rw 0 0\n");
}

enum pkind { P_DIR, P_FILE, P_LINK };

struct pent {
	const char *name; /* relative to /proc, with "self/" standing for the pid dir */
	enum pkind kind;
	void (*gen)(struct snap *s, struct proc *p); /* p: the pid the path names */
};

/* The caller's argv is read from its memory; another process's memory is
 * never touched (docs/processes.md), so its cmdline is the copy the core
 * kept at its exec (at most 4 KiB) and its environ is empty. */
static void gen_cmdline(struct snap *s, struct proc *p)
{
	if (p == current->proc)
		user_span(s, p->arg_start, p->arg_end);
	else if (p->cmdline_len)
		put_bytes(s, p->cmdline, p->cmdline_len);
}

static void gen_environ(struct snap *s, struct proc *p)
{
	if (p == current->proc)
		user_span(s, p->env_start, p->env_end);
}

static void gen_comm(struct snap *s, struct proc *p)
{
	sp(s, "%.15s\n", p->comm);
}

static void gen_loadavg(struct snap *s, struct proc *p)
{
	sp(s, "0.00 0.00 0.00 1/%d %d\n", threads_alive(), current->proc->pid);
}

static void gen_version(struct snap *s, struct proc *p)
{
	sp(s, "Linux version 6.1.0-nto (NTO) #1 SMP NTO\n");
}

static const struct pent table[] = {
	{"", P_DIR, NULL},
	{"cpuinfo", P_FILE, gen_cpuinfo},
	{"meminfo", P_FILE, gen_meminfo},
	{"uptime", P_FILE, gen_uptime},
	{"loadavg", P_FILE, gen_loadavg},
	{"version", P_FILE, gen_version},
	{"mounts", P_FILE, gen_mounts},
	{"self", P_LINK, NULL},
	{"P", P_DIR, NULL},
	{"P/cmdline", P_FILE, gen_cmdline},
	{"P/environ", P_FILE, gen_environ},
	{"P/maps", P_FILE, gen_maps},
	{"P/status", P_FILE, gen_status},
	{"P/stat", P_FILE, gen_stat},
	{"P/comm", P_FILE, gen_comm},
	{"P/mounts", P_FILE, gen_mounts},
	{"P/exe", P_LINK, NULL},
	{"P/cwd", P_LINK, NULL},
	{"P/fd", P_DIR, NULL},
};

/* What a path under /proc names besides its table entry: the process of
 * "<pid>/..." (the caller for the rest) and the N of "<pid>/fd/N". */
struct ploc {
	struct proc *p;
	int fd; /* -1: none */
};

/* The open file descriptor fd of process p, or NULL. */
static struct file *proc_fd(const struct proc *p, int fd)
{
	return fd >= 0 && fd < p->fdt.cap ? p->fdt.files[fd] : NULL;
}

static struct file *loc_file(const struct ploc *loc)
{
	return proc_fd(loc->p, loc->fd);
}

/* Rewrites "<pid>/rest" to "P/rest" and fills loc. */
static int normalize(const char *rel, char *out, size_t cap, struct ploc *loc)
{
	char pid[16];
	size_t n = 0;
	const char *p = rel;

	loc->p = current->proc;
	loc->fd = -1;
	while (*p >= '0' && *p <= '9' && n < sizeof(pid) - 1)
		pid[n++] = *p++;
	if (n == 0 || (*p && *p != '/')) {
		kstrlcpy(out, rel, cap);
		return 0;
	}
	uint64_t v;
	if (parse_u64(pid, n, &v) < 0 || v > INT32_MAX || !(loc->p = proc_find((pid_t)v)))
		return -ENOENT;
	ksnprintf(out, cap, "P%s", p);
	if (strncmp(out, "P/fd/", 5) == 0) {
		if (parse_u64(out + 5, strlen(out + 5), &v) < 0 || v > 1 << 20 ||
		    !proc_fd(loc->p, (int)v))
			return -ENOENT;
		loc->fd = (int)v;
	}
	return 0;
}

static const struct pent *pfind(const char *rel, struct ploc *loc)
{
	char norm[64];

	if (strlen(rel) >= sizeof(norm) || normalize(rel, norm, sizeof(norm), loc) < 0)
		return NULL;
	if (loc->fd >= 0) {
		static const struct pent fdlink = {"P/fd/N", P_LINK, NULL};
		return &fdlink;
	}
	for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
		if (strcmp(table[i].name, norm) == 0)
			return &table[i];
	}
	return NULL;
}

/* The target of a /proc symlink. */
static int link_target(const struct pent *e, const struct ploc *loc, char *buf, size_t cap)
{
	struct proc *p = loc->p;

	if (strcmp(e->name, "self") == 0)
		return ksnprintf(buf, cap, "%d", current->proc->pid);
	if (strcmp(e->name, "P/exe") == 0)
		return p->exe ? ksnprintf(buf, cap, "%s", p->exe) : -ENOENT;
	if (strcmp(e->name, "P/cwd") == 0)
		return p->cwd ? ksnprintf(buf, cap, "%s", p->cwd) : -ENOENT;
	struct file *f = loc_file(loc);
	if (!f)
		return -ENOENT;
	if (f->path && strcmp(f->path, "pipe:") == 0)
		return ksnprintf(buf, cap, "pipe:[%lu]", (uint64_t)(uptr)f->priv >> 4);
	return ksnprintf(buf, cap, "%s", f->path ? f->path : "anon_inode:[unknown]");
}

static int p_walk(struct mount *m, const char *rel, bool follow, char *link, size_t cap,
		  size_t *consumed)
{
	char prefix[64];
	const char *p = rel;
	struct ploc loc;

	(void)m;
	/* Check each prefix for a link: "self" is one, and so are exe, cwd, fd/N. */
	while (*p) {
		while (*p && *p != '/')
			p++;
		size_t n = (size_t)(p - rel);
		if (n >= sizeof(prefix))
			return -ENOENT;
		memcpy(prefix, rel, n);
		prefix[n] = 0;
		const struct pent *e = pfind(prefix, &loc);
		if (!e)
			return *p ? -ENOENT : 0;
		if (e->kind == P_LINK && (*p || follow)) {
			/* fd links name open files; following them reopens by path. */
			/* Nor do links to files a path cannot reopen (the console,
			 * whose /dev/stdin name leads back here). */
			struct file *f = loc_file(&loc);
			if (f && ((f->path && f->path[0] != '/') || !f->ops->seekable))
				return 0;
			int r = link_target(e, &loc, link, cap);
			if (r < 0)
				return r;
			*consumed = n;
			return 1;
		}
		if (*p && e->kind != P_DIR)
			return -ENOTDIR;
		while (*p == '/')
			p++;
	}
	return 0;
}

static ssize_t pf_read(struct file *f, const struct iobuf *io, size_t n, int64_t *pos)
{
	struct snap *s = f->priv;

	if (!s)
		return -EISDIR;
	if (*pos < 0)
		return -EINVAL;
	if ((uint64_t)*pos >= s->len)
		return 0;
	n = MIN(n, s->len - (size_t)*pos);
	if (io_put(io, 0, s->buf + *pos, n) < 0)
		return -EFAULT;
	*pos += (int64_t)n;
	return (ssize_t)n;
}

static int pf_stat(struct file *f, struct kstat *st)
{
	kstat_fill(st, 4, 100, f->priv ? S_IFREG | 0444 : S_IFDIR | 0555, 0, f->priv ? 1 : 2, 0, 0,
		   0);
	return 0;
}

static bool emit_num(struct dir_ctx *ctx, int v, unsigned type)
{
	char b[16];
	int n = ksnprintf(b, sizeof(b), "%d", v);

	return ctx->emit(ctx, b, (size_t)n, (uint64_t)v + 1000, type);
}

/* Lists the fds of process p. */
static int fd_dir(struct proc *p, struct dir_ctx *ctx, int64_t *pos)
{
	struct fdtable *t = &p->fdt;

	for (; *pos < t->cap + 2; (*pos)++) {
		if (*pos < 2) {
			if (!ctx->emit(ctx, *pos ? ".." : ".", (size_t)(*pos + 1), 1, DT_DIR))
				return 0;
			continue;
		}
		if (t->files[*pos - 2] && !emit_num(ctx, (int)(*pos - 2), DT_LNK))
			return 0;
	}
	return 0;
}

#define PID_POS 1000 /* in /proc, directory position PID_POS + pid follows that pid */

/* Lists every pid's directory after the named entries, in pid order. */
static int pid_dirs(struct dir_ctx *ctx, int64_t *pos)
{
	for (;;) {
		pid_t after = (pid_t)MAX(*pos - PID_POS, (int64_t)0), next = 0;
		for (struct proc *p = procs; p; p = p->next) {
			if (p->pid > after && (!next || p->pid < next))
				next = p->pid;
		}
		if (!next || !emit_num(ctx, next, DT_DIR))
			return 0;
		*pos = PID_POS + next;
	}
}

static int pf_getdents(struct file *f, struct dir_ctx *ctx, int64_t *pos)
{
	const char *dir = f->path + strlen("/proc");
	char norm[64];
	struct ploc loc;

	if (f->priv)
		return -ENOTDIR;
	dir += *dir == '/';
	if (normalize(dir, norm, sizeof(norm), &loc) < 0)
		return -ENOENT;
	if (strcmp(norm, "P/fd") == 0)
		return fd_dir(loc.p, ctx, pos);
	size_t plen = strlen(norm);
	int64_t i = 0;
	for (size_t k = 0; k < ARRAY_SIZE(table) + 2; k++, i++) {
		if (i < *pos)
			continue;
		const char *name;
		unsigned type = DT_DIR;
		if (k == 0 || k == 1) {
			name = k ? ".." : ".";
		} else {
			const struct pent *e = &table[k - 2];
			size_t el = strlen(e->name);
			bool child = plen ? (strncmp(e->name, norm, plen) == 0 && e->name[plen] == '/' &&
					     !strchr(e->name + plen + 1, '/'))
					  : (el && !strchr(e->name, '/') && strcmp(e->name, "P") != 0);
			if (!child) {
				*pos = i + 1;
				continue;
			}
			name = plen ? e->name + plen + 1 : e->name;
			type = e->kind == P_DIR ? DT_DIR : e->kind == P_LINK ? DT_LNK : DT_REG;
		}
		if (!ctx->emit(ctx, name, strlen(name), (uint64_t)k + 1, type))
			return 0;
		*pos = i + 1;
	}
	if (plen)
		return 0;
	*pos = MAX(*pos, (int64_t)PID_POS);
	return pid_dirs(ctx, pos);
}

static void pf_release(struct file *f)
{
	struct snap *s = f->priv;

	if (s) {
		kfree(s->buf);
		kfree(s);
	}
}

static const struct file_ops proc_file_ops = {
	.read = pf_read,
	.stat = pf_stat,
	.getdents = pf_getdents,
	.release = pf_release,
	.seekable = true,
};

static int p_open(struct mount *m, const char *rel, int flags, mode_t mode, struct file **out)
{
	struct ploc loc;
	const struct pent *e = pfind(rel, &loc);
	struct snap *s = NULL;

	(void)m, (void)mode;
	if (!e)
		return (flags & O_CREAT) ? -EACCES : -ENOENT;
	if (e->kind == P_LINK && loc.fd >= 0) {
		/* An fd link that does not name a path (a pipe): share the open file. */
		struct file *f = loc_file(&loc);
		file_get(f);
		*out = f;
		return 0;
	}
	if (e->kind == P_LINK)
		return -ELOOP;
	if ((flags & O_ACCMODE) != O_RDONLY)
		return e->kind == P_DIR ? -EISDIR : -EACCES;
	if (e->kind == P_FILE) {
		s = kzalloc(sizeof(*s));
		if (!s)
			return -ENOMEM;
		e->gen(s, loc.p);
	} else if (flags & O_DIRECTORY && e->kind != P_DIR) {
		return -ENOTDIR;
	}
	*out = file_alloc(&proc_file_ops, s, (uint32_t)flags);
	return *out ? 0 : -ENOMEM;
}

static int p_stat(struct mount *m, const char *rel, struct kstat *st)
{
	struct ploc loc;
	const struct pent *e = pfind(rel, &loc);
	char buf[PATH_MAX];

	(void)m;
	if (!e)
		return -ENOENT;
	uint32_t mode = e->kind == P_DIR ? S_IFDIR | 0555 : e->kind == P_LINK ? S_IFLNK | 0777 : S_IFREG | 0444;
	int len = e->kind == P_LINK ? link_target(e, &loc, buf, sizeof(buf)) : 0;
	uint64_t ino = (uint64_t)(e - table) + 2 + (loc.fd >= 0 ? (uint64_t)loc.fd << 8 : 0);
	if (strncmp(e->name, "P", 1) == 0 && loc.p != current->proc)
		ino += (uint64_t)loc.p->pid << 32; /* each process's files are its own */
	kstat_fill(st, 4, ino, mode, len > 0 ? (uint64_t)len : 0, e->kind == P_DIR ? 2 : 1, 0, 0, 0);
	return 0;
}

static int p_readlink(struct mount *m, const char *rel, char *buf, size_t cap)
{
	struct ploc loc;
	const struct pent *e = pfind(rel, &loc);
	char tmp[PATH_MAX];

	(void)m;
	if (!e)
		return -ENOENT;
	if (e->kind != P_LINK)
		return -EINVAL;
	int n = link_target(e, &loc, tmp, sizeof(tmp));
	if (n < 0)
		return n;
	n = (int)MIN((size_t)n, cap);
	memcpy(buf, tmp, (size_t)n);
	return n;
}

static const struct fs_ops procfs_ops = {
	.walk = p_walk,
	.open = p_open,
	.stat = p_stat,
	.readlink = p_readlink,
};

int procfs_init(void)
{
	return vfs_mount("/proc", &procfs_ops, NULL, false);
}
