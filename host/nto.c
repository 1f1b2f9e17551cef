/*
 * nto: the host command. `nto run` packs a program (and a script's
 * interpreters) into the measured root image, writes the boot records and
 * hands both to a platform launcher; `nto measure` prints the measurement
 * that run would produce.
 *
 * Exit status: the program's own, or 2 for a usage error, 126 for a program
 * that cannot be run, 127 for one that does not exist, 1 for other failures
 * of nto itself.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <elf.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "image.h"
#include "launch.h"

#ifndef NTO_VERSION
#define NTO_VERSION "0.1.0"
#endif

#define EXIT_USAGE      2
#define EXIT_NOEXEC     126
#define EXIT_NOTFOUND   127
#define MAX_INTERP      4     /* levels of #! interpreters, as the Linux kernel allows */
#define MAX_STRING      65536 /* longest boot string the core accepts */
#define DEFAULT_ENCLAVE (1ULL << 30)

struct mountopt {
	const char *host;
	char guest[HC_MAX_PATH];
	bool ro;
};

struct addopt {
	const char *host;
	char guest[HC_MAX_PATH];
};

struct opts {
	const char *platform;
	struct mountopt mounts[BOOT_MAX_MOUNTS];
	int nmounts;
	struct addopt *adds;
	int nadds;
	const char **env;
	int nenv;
	char cwd[HC_MAX_PATH];
	uint64_t enclave_size;
	const char *accel; /* the VM platforms' QEMU accelerator: auto, tcg or kvm */
	bool strace, verbose, help;
	const char *program;    /* as typed */
	char exec[HC_MAX_PATH]; /* guest path of the program: /bin/<basename> */
	char **args;            /* after PROGRAM */
	int nargs;
};

/* Files to pack, with the host identity of each to merge repeats. */
struct pack {
	struct image_file *v;
	dev_t *dev;
	ino_t *ino;
	int n, cap;
};

struct buf {
	uint8_t *p;
	size_t n, cap;
	bool oom;
};

static const char usage_main[] =
	"usage: nto run [OPTIONS] PROGRAM [ARGS...]\n"
	"       nto measure [OPTIONS] PROGRAM\n"
	"       nto --help | --version\n"
	"\n"
	"Runs an unmodified static Linux program inside a TEE. `nto run --help` lists the\n"
	"options; `measure` prints the launch measurement (SHA-256 of the root image).\n";

static const char usage_run[] =
	"usage: nto run [OPTIONS] PROGRAM [ARGS...]\n"
	"       nto measure [OPTIONS] PROGRAM\n"
	"\n"
	"PROGRAM is a host file (found in PATH if it has no '/'). It is packed into the\n"
	"measured root image as /bin/<name>; a #! script's interpreters are packed at their\n"
	"own paths. Options stop at PROGRAM, so ARGS pass through untouched.\n"
	"\n"
	"  --platform NAME       sgx-sim (default), x86_64-vm, riscv64-vm (QEMU; one vCPU)\n"
	"  --mount H:G[:ro]      host directory H at guest path G, read-only with :ro\n"
	"  --add HOST:GUEST      also pack host file HOST into the image at GUEST\n"
	"  --env K=V             set K in the program's environment; nothing from the\n"
	"                        host environment is passed unless given here\n"
	"  --cwd DIR             guest working directory\n"
	"  --enclave-size SIZE   guest memory, e.g. 256M, 1G (default 1G; the image is\n"
	"                        added on top)\n"
	"  --strace              trace the program's system calls\n"
	"  --verbose             print the measurement and platform before launching\n"
	"  --accel auto|tcg|kvm  the VM platforms' QEMU accelerator (default auto: kvm\n"
	"                        only with /dev/kvm and hardware VMX or SVM, else tcg)\n"
	"\n"
	"The measurement depends only on the packed files' bytes, guest paths and modes;\n"
	"arguments, environment, mounts and the other options do not change it.\n";

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "nto: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'nto run --help'.\n");
	return EXIT_USAGE;
}

/* ---- option values ---- */

/* Normalizes an absolute guest path: collapses "//" and "/./"; refuses "..". */
static bool guest_path(const char *in, char out[HC_MAX_PATH])
{
	size_t o = 0;

	if (in[0] != '/')
		return false;
	for (const char *p = in; *p;) {
		while (*p == '/')
			p++;
		size_t n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.')) {
			p += n;
			continue;
		}
		if ((n == 2 && p[0] == '.' && p[1] == '.') || o + n + 2 > HC_MAX_PATH)
			return false;
		out[o++] = '/';
		memcpy(out + o, p, n);
		o += n;
		p += n;
	}
	out[o] = 0;
	return o > 0 && image_path_ok(out);
}

/* Splits "HOST:GUEST" at the last ':' that starts an absolute guest path. */
static bool split_spec(const char *spec, char *host, size_t hcap, char guest[HC_MAX_PATH])
{
	const char *c = NULL;

	for (const char *p = spec; (p = strchr(p, ':')); p++) {
		if (p[1] == '/')
			c = p;
	}
	if (!c || c == spec || (size_t)(c - spec) >= hcap)
		return false;
	memcpy(host, spec, (size_t)(c - spec));
	host[c - spec] = 0;
	return guest_path(c + 1, guest);
}

/* Parses 256M, 1G, 2048M, 1048576 (suffixes K, M, G, T are binary; "iB"/"B" allowed). */
static bool parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	if (s[0] < '0' || s[0] > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return false;
	switch (*end | 0x20) {
	case 'k':
		shift = 10;
		end++;
		break;
	case 'm':
		shift = 20;
		end++;
		break;
	case 'g':
		shift = 30;
		end++;
		break;
	case 't':
		shift = 40;
		end++;
		break;
	}
	if (shift && (!strcasecmp(end, "ib") || !strcasecmp(end, "b")))
		end += strlen(end);
	if (*end || v == 0 || v > (1ULL << 40) >> shift)
		return false;
	*out = ALIGN_UP((uint64_t)v << shift, 4096);
	return *out >= (1ULL << 20);
}

static void format_size(uint64_t n, char *out, size_t cap)
{
	static const char *unit[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
	int u = 0;

	while (u < 4 && n && n % 1024 == 0) {
		n /= 1024;
		u++;
	}
	snprintf(out, cap, "%llu %s", (unsigned long long)n, unit[u]);
}

/* ---- option parsing ---- */

static const char missing[] = "";

/* Returns the value of option `name` at argv[*i] ("--name V" or "--name=V"),
 * NULL if argv[*i] is another option, `missing` if the value is absent. */
static const char *optval(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);
	const char *a = argv[*i];

	if (strncmp(a, name, n) != 0)
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n] != 0)
		return NULL;
	if (*i + 1 >= argc)
		return missing;
	return argv[++*i];
}

static int opt_mount(struct opts *o, const char *v)
{
	struct mountopt *m = &o->mounts[o->nmounts];
	char host[PATH_MAX];
	char *spec = strdup(v);
	size_t n = strlen(v);
	int r = 0;

	if (!spec)
		return 1;
	if (o->nmounts >= BOOT_MAX_MOUNTS) {
		free(spec);
		return usage_error("too many --mount options (at most 16)%s", "");
	}
	m->ro = n > 3 && !strcmp(v + n - 3, ":ro");
	if (m->ro || (n > 3 && !strcmp(v + n - 3, ":rw")))
		spec[n - 3] = 0;
	if (!split_spec(spec, host, sizeof(host), m->guest) || !strcmp(m->guest, "/"))
		r = usage_error("--mount %s: expected HOST_DIR:/GUEST/PATH[:ro]", v);
	free(spec);
	if (r)
		return r;
	m->host = strdup(host);
	if (!m->host)
		return 1;
	o->nmounts++;
	return 0;
}

static int opt_add(struct opts *o, const char *v)
{
	struct addopt *a = &o->adds[o->nadds];
	char host[PATH_MAX];

	if (!split_spec(v, host, sizeof(host), a->guest))
		return usage_error("--add %s: expected HOST_FILE:/GUEST/PATH", v);
	a->host = strdup(host);
	if (!a->host)
		return 1;
	o->nadds++;
	return 0;
}

static int opt_env(struct opts *o, const char *v)
{
	const char *eq = strchr(v, '=');

	if (!eq || eq == v)
		return usage_error("--env %s: expected KEY=VALUE", v);
	if (strlen(v) > MAX_STRING)
		return usage_error("--env %.40s...: too long", v);
	o->env[o->nenv++] = v;
	return 0;
}

static int opt_cwd(struct opts *o, const char *v)
{
	if (!strcmp(v, "/")) {
		strcpy(o->cwd, "/");
		return 0;
	}
	if (!guest_path(v, o->cwd))
		return usage_error("--cwd %s: expected an absolute guest path", v);
	return 0;
}

/* Handles one option with a value; returns 0, an exit status, or -1 if not one. */
static int opt_valued(struct opts *o, int argc, char **argv, int *i)
{
	static const char *names[] = {"--platform", "--mount",        "--env",  "--cwd",
				      "--add",      "--enclave-size", "--accel"};

	for (size_t k = 0; k < ARRAY_SIZE(names); k++) {
		const char *v = optval(argc, argv, i, names[k]);
		if (!v)
			continue;
		if (v == missing)
			return usage_error("option %s needs a value", names[k]);
		switch (k) {
		case 0:
			o->platform = v;
			return 0;
		case 1:
			return opt_mount(o, v);
		case 2:
			return opt_env(o, v);
		case 3:
			return opt_cwd(o, v);
		case 4:
			return opt_add(o, v);
		case 6:
			if (strcmp(v, "auto") && strcmp(v, "tcg") && strcmp(v, "kvm"))
				return usage_error("--accel %s: expected auto, tcg or kvm", v);
			o->accel = v;
			return 0;
		default:
			if (!parse_size(v, &o->enclave_size))
				return usage_error("--enclave-size %s: expected a size such as "
						   "256M or 1G (at least 1M)",
						   v);
			return 0;
		}
	}
	return -1;
}

/* Parses options up to PROGRAM. Returns 0 or an exit status. */
static int parse_opts(int argc, char **argv, struct opts *o)
{
	int i;

	o->platform = "sgx-sim";
	o->enclave_size = DEFAULT_ENCLAVE;
	o->accel = "auto";
	o->adds = calloc((size_t)argc + 1, sizeof(*o->adds));
	o->env = calloc((size_t)argc + 1, sizeof(*o->env));
	if (!o->adds || !o->env)
		return 1;
	for (i = 0; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i];
		int r;
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			o->help = true;
			return 0;
		}
		if (!strcmp(a, "--strace") || !strcmp(a, "--verbose")) {
			*(a[2] == 's' ? &o->strace : &o->verbose) = true;
			continue;
		}
		r = opt_valued(o, argc, argv, &i);
		if (r >= 0) {
			if (r)
				return r;
			continue;
		}
		return usage_error("unknown option '%s'", a);
	}
	if (i >= argc)
		return usage_error("missing PROGRAM%s", "");
	o->program = argv[i];
	o->args = argv + i + 1;
	o->nargs = argc - i - 1;
	return 0;
}

static int check_platform(const char *p)
{
	/* The VM platforms run one vCPU under TCG (docs/platform-x86_64-vm.md,
	 * docs/platform-riscv64-vm.md). */
	if (!strcmp(p, "sgx-sim") || !strcmp(p, "x86_64-vm") || !strcmp(p, "riscv64-vm"))
		return 0;
	fprintf(stderr, "nto: unknown platform '%s' (available: sgx-sim, x86_64-vm, riscv64-vm)\n",
		p);
	return EXIT_USAGE;
}

/* ---- finding the program ---- */

/* Checks that path is a regular readable file, as a shell would before exec. */
static int check_runnable(const char *shown, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "nto: %s: %s\n", shown, strerror(errno));
		return errno == ENOENT || errno == ENOTDIR ? EXIT_NOTFOUND : EXIT_NOEXEC;
	}
	if (S_ISDIR(st.st_mode)) {
		fprintf(stderr, "nto: %s: Is a directory\n", shown);
		return EXIT_NOEXEC;
	}
	if (!S_ISREG(st.st_mode)) {
		fprintf(stderr, "nto: %s: not a regular file\n", shown);
		return EXIT_NOEXEC;
	}
	if (access(path, R_OK) < 0) {
		fprintf(stderr, "nto: %s: %s\n", shown, strerror(errno));
		return EXIT_NOEXEC;
	}
	return 0;
}

/* Looks a bare name up in PATH like a shell: the first executable regular file wins. */
static int path_lookup(const char *name, char *out, size_t cap)
{
	const char *path = getenv("PATH");
	bool denied = false;

	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = path;; p++) {
		size_t n = strcspn(p, ":");
		struct stat st;
		/* an empty PATH entry means the current directory */
		int w = snprintf(out, cap, "%.*s%s%s", (int)n, p, n ? "/" : "", name);
		if (w > 0 && (size_t)w < cap && stat(out, &st) == 0 && S_ISREG(st.st_mode)) {
			if (access(out, X_OK) == 0)
				return 0;
			denied = true;
		}
		p += n;
		if (!*p)
			break;
	}
	fprintf(stderr, "nto: %s: %s\n", name, denied ? strerror(EACCES) : strerror(ENOENT));
	return denied ? EXIT_NOEXEC : EXIT_NOTFOUND;
}

static int find_program(const char *prog, char *out, size_t cap)
{
	int r;

	if (!prog[0]) {
		fprintf(stderr, "nto: '': No such file or directory\n");
		return EXIT_NOTFOUND;
	}
	if (strchr(prog, '/')) {
		if (strlen(prog) >= cap)
			return usage_error("%s: path too long", prog);
		strcpy(out, prog);
	} else {
		r = path_lookup(prog, out, cap);
		if (r)
			return r;
	}
	return check_runnable(prog, out);
}

/* ---- the file list ---- */

/* Says why a host file cannot be packed; err is stat's errno, or 0 if stat worked. */
static const char *not_regular(const struct stat *st, int err)
{
	if (err)
		return strerror(err);
	if (S_ISDIR(st->st_mode))
		return "Is a directory (use --mount for directories)";
	return "not a regular file";
}

/* Adds a regular host file at guest; the same host file twice at one path is merged. */
/* Makes room for one more file in the pack. */
static int pack_grow(struct pack *pk)
{
	if (pk->n < pk->cap)
		return 0;
	int cap = pk->cap ? 2 * pk->cap : 16;
	void *v = realloc(pk->v, (size_t)cap * sizeof(*pk->v));
	void *d = v ? realloc(pk->dev, (size_t)cap * sizeof(*pk->dev)) : NULL;
	void *in = d ? realloc(pk->ino, (size_t)cap * sizeof(*pk->ino)) : NULL;
	if (v)
		pk->v = v;
	if (d)
		pk->dev = d;
	if (!in)
		return -ENOMEM;
	pk->ino = in;
	pk->cap = cap;
	return 0;
}

static int pack_add(struct pack *pk, const char *guest, const char *host)
{
	struct stat st = {0};
	char *g, *h;

	errno = 0;
	if (stat(host, &st) < 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "nto: %s: %s\n", host, not_regular(&st, errno));
		return EXIT_USAGE;
	}
	for (int i = 0; i < pk->n; i++) {
		if (strcmp(pk->v[i].guest, guest) != 0)
			continue;
		if (pk->dev[i] == st.st_dev && pk->ino[i] == st.st_ino)
			return 0;
		fprintf(stderr, "nto: two files for guest path %s: %s and %s\n", guest,
			pk->v[i].host, host);
		return EXIT_USAGE;
	}
	if (pack_grow(pk) < 0)
		return 1;
	g = strdup(guest);
	h = strdup(host);
	if (!g || !h) {
		free(g);
		free(h);
		return 1;
	}
	pk->v[pk->n] =
		(struct image_file){.guest = g, .host = h, .mode = S_IFREG | (st.st_mode & 07777)};
	pk->dev[pk->n] = st.st_dev;
	pk->ino[pk->n++] = st.st_ino;
	return 0;
}

static void pack_free(struct pack *pk)
{
	for (int i = 0; i < pk->n; i++) {
		free((char *)pk->v[i].guest);
		free((char *)pk->v[i].host);
	}
	free(pk->v);
	free(pk->dev);
	free(pk->ino);
}

/* Reads the interpreter path of a #! script into out; returns 1 if it is one, 0 if not. */
static int shebang(const char *host, char *out, size_t cap)
{
	char line[256]; /* the kernel reads no more of a #! line than this */
	ssize_t n;
	int fd = open(host, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0; /* the packer reports it */
	n = read(fd, line, sizeof(line) - 1);
	close(fd);
	if (n < 2 || line[0] != '#' || line[1] != '!')
		return 0;
	line[n] = 0;
	char *p = line + 2 + strspn(line + 2, " \t");
	size_t len = strcspn(p, " \t\n");
	if (len >= cap)
		len = cap - 1;
	memcpy(out, p, len);
	out[len] = 0;
	return 1;
}

/* Packs host at guest and, for a script, its interpreter chain at the interpreters' own paths. */
/* True if host is an ELF program that names an interpreter (dynamically linked). */
static bool is_dynamic(const char *host)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	bool dyn = false;
	int fd = open(host, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	if (pread(fd, &eh, sizeof(eh), 0) == sizeof(eh) && !memcmp(eh.e_ident, ELFMAG, SELFMAG) &&
	    eh.e_ident[EI_CLASS] == ELFCLASS64 && eh.e_phentsize == sizeof(ph)) {
		for (int i = 0; i < eh.e_phnum && i < 64 && !dyn; i++) {
			if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + (uint64_t)i * sizeof(ph))) !=
			    sizeof(ph))
				break;
			dyn = ph.p_type == PT_INTERP;
		}
	}
	close(fd);
	return dyn;
}

/* Packs a dynamic program's loader and libraries at their host paths, as
 * ldd (the host's own loader) finds them. They are part of the image, so
 * they are measured like the program. */
static int pack_libraries(struct pack *pk, const char *shown, const char *host)
{
	int fds[2], r = 0, st;
	char line[HC_MAX_PATH + 64];
	pid_t pid;
	FILE *in;

	if (pipe(fds) < 0)
		return 1;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		execl("/usr/bin/ldd", "ldd", host, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	in = fdopen(fds[0], "r");
	while (in && fgets(line, sizeof(line), in)) {
		/* "	libc.so.6 => /lib/.../libc.so.6 (0x...)" or "	/lib64/ld-linux... (0x...)" */
		char *p = strstr(line, "=> ");
		p = p ? p + 3 : line + strspn(line, " \t");
		if (*p != '/')
			continue;
		p[strcspn(p, " \t\n")] = 0;
		if (!r)
			r = pack_add(pk, p, p);
	}
	if (in)
		fclose(in);
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "nto: %s: cannot list its libraries (ldd failed)\n", shown);
		return EXIT_NOEXEC;
	}
	return r;
}

static int pack_exec(struct pack *pk, const char *shown, const char *guest, const char *host,
		     int depth)
{
	char interp[HC_MAX_PATH], ig[HC_MAX_PATH];
	struct stat st;
	int r = pack_add(pk, guest, host);

	if (!r && is_dynamic(host))
		return pack_libraries(pk, shown, host);
	if (r || !shebang(host, interp, sizeof(interp)))
		return r;
	if (depth >= MAX_INTERP) {
		fprintf(stderr, "nto: %s: too many levels of #! interpreters\n", shown);
		return EXIT_NOEXEC;
	}
	if (!interp[0] || !guest_path(interp, ig)) {
		fprintf(stderr, "nto: %s: bad interpreter '%s': must be an absolute path\n", shown,
			interp);
		return EXIT_NOEXEC;
	}
	errno = 0;
	if (stat(interp, &st) < 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "nto: %s: bad interpreter %s: %s\n", shown, interp,
			not_regular(&st, errno));
		return EXIT_NOEXEC;
	}
	return pack_exec(pk, shown, ig, interp, depth + 1);
}

/* The identity the program runs with inside the TEE (root, as in a
 * container), so that tools which print user names find them. Packed
 * unless the user adds their own; fixed bytes, so measurements stay stable. */
static const char etc_passwd[] = "root:x:0:0:root:/root:/bin/sh\n";
static const char etc_group[] = "root:x:0:\n";

static int pack_default(struct pack *pk, const char *guest, const char *text)
{
	for (int i = 0; i < pk->n; i++) {
		if (strcmp(pk->v[i].guest, guest) == 0)
			return 0;
	}
	if (pack_grow(pk) < 0)
		return 1;
	char *g = strdup(guest);
	if (!g)
		return 1;
	pk->v[pk->n] = (struct image_file){.guest = g, .mode = S_IFREG | 0644, .data = text,
					   .len = strlen(text)};
	pk->dev[pk->n] = 0;
	pk->ino[pk->n++] = 0;
	return 0;
}

/* Collects every file of the image: the program, its interpreters, each --add. */
static int collect(struct opts *o, const char *host, struct pack *pk)
{
	const char *base = strrchr(host, '/');
	int r;

	base = base ? base + 1 : host;
	if (snprintf(o->exec, sizeof(o->exec), "/bin/%s", base) >= (int)sizeof(o->exec))
		return usage_error("%s: name too long", host);
	r = pack_exec(pk, o->program, o->exec, host, 0);
	for (int i = 0; i < o->nadds && !r; i++)
		r = pack_add(pk, o->adds[i].guest, o->adds[i].host);
	if (!r)
		r = pack_default(pk, "/etc/passwd", etc_passwd);
	if (!r)
		r = pack_default(pk, "/etc/group", etc_group);
	return r;
}

/* Builds the image for o into *img and its hex measurement into hex. */
static int make_image(struct opts *o, uint8_t **img, size_t *len, char hex[65], bool measure)
{
	char host[PATH_MAX];
	struct pack pk = {0};
	uint8_t digest[32];
	int r = find_program(o->program, host, sizeof(host));

	if (!r)
		r = collect(o, host, &pk);
	if (!r) {
		int e = image_build(pk.v, pk.n, img, len);
		if (e < 0)
			fprintf(stderr, "nto: cannot build the image: %s\n", strerror(-e));
		r = e < 0 ? 1 : 0;
	}
	pack_free(&pk);
	if (r)
		return r;
	/* A run is measured inside the TEE; the host hashes only to show it. */
	hex[0] = 0;
	if (!measure)
		return 0;
	if (image_measure(*img, *len, digest) < 0) {
		fprintf(stderr, "nto: SHA-256 failed\n");
		free(*img);
		return 1;
	}
	image_hex(digest, hex);
	return 0;
}

/* ---- boot records ---- */

static void rec(struct buf *b, uint32_t type, const void *a, size_t alen, const void *c,
		size_t clen)
{
	size_t len = alen + clen, need = sizeof(struct boot_rec_hdr) + ALIGN_UP(len, 8);
	struct boot_rec_hdr h = {.type = type, .len = (uint32_t)len};

	if (b->n + need > b->cap) {
		size_t cap = (b->n + need) * 2;
		uint8_t *p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, &h, sizeof(h));
	memcpy(b->p + b->n + sizeof(h), a, alen);
	if (clen)
		memcpy(b->p + b->n + sizeof(h) + alen, c, clen);
	memset(b->p + b->n + sizeof(h) + len, 0, need - sizeof(h) - len);
	b->n += need;
}

static void rec_str(struct buf *b, uint32_t type, const char *s)
{
	rec(b, type, s, strlen(s), NULL, 0);
}

static int check_strings(const struct opts *o)
{
	if (o->nargs + 1 > BOOT_MAX_ARGS || o->nenv > BOOT_MAX_ARGS)
		return usage_error("too many arguments or --env options (at most 4096)%s", "");
	if (strlen(o->program) > MAX_STRING)
		return usage_error("program name too long%s", "");
	for (int i = 0; i < o->nargs; i++) {
		if (strlen(o->args[i]) > MAX_STRING)
			return usage_error("argument %.40s...: too long (at most 64 KiB)",
					   o->args[i]);
	}
	return 0;
}

static int make_boot(const struct opts *o, const int *ids, struct buf *b)
{
	uint32_t flags = (o->strace ? BOOT_F_STRACE : 0) | (o->verbose ? BOOT_F_VERBOSE : 0);

	rec_str(b, BOOT_EXEC, o->exec);
	rec_str(b, BOOT_ARG, o->program);
	for (int i = 0; i < o->nargs; i++)
		rec_str(b, BOOT_ARG, o->args[i]);
	for (int i = 0; i < o->nenv; i++)
		rec_str(b, BOOT_ENV, o->env[i]);
	if (o->cwd[0])
		rec_str(b, BOOT_CWD, o->cwd);
	for (int i = 0; i < o->nmounts; i++) {
		uint32_t m[2] = {(uint32_t)ids[i], o->mounts[i].ro ? BOOT_MOUNT_RO : 0};
		rec(b, BOOT_MOUNT, m, sizeof(m), o->mounts[i].guest, strlen(o->mounts[i].guest));
	}
	rec(b, BOOT_FLAGS, &flags, sizeof(flags), NULL, 0);
	return b->oom ? 1 : 0;
}

/* ---- commands ---- */

static int add_mounts(const struct opts *o, struct hc_server *s, int *ids)
{
	for (int i = 0; i < o->nmounts; i++) {
		struct stat st;
		ids[i] = hc_server_add_mount(s, o->mounts[i].host, o->mounts[i].ro);
		if (ids[i] < 0) {
			bool nodir = stat(o->mounts[i].host, &st) == 0 && !S_ISDIR(st.st_mode);
			fprintf(stderr, "nto: --mount %s: %s\n", o->mounts[i].host,
				nodir ? "Not a directory" : strerror(-ids[i]));
			return EXIT_USAGE;
		}
	}
	return 0;
}

static void self_dir(char *out, size_t cap)
{
	ssize_t n = readlink("/proc/self/exe", out, cap - 1);
	char *slash;

	if (n <= 0) {
		snprintf(out, cap, ".");
		return;
	}
	out[n] = 0;
	slash = strrchr(out, '/');
	if (slash)
		*(slash == out ? slash + 1 : slash) = 0;
}

/* Lets the guest keep as many host files open as this user may. */
static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int launch(const struct opts *o, const uint8_t *img, size_t len, const char *hex)
{
	struct hc_server *s = hc_server_new();
	int ids[BOOT_MAX_MOUNTS];
	struct buf b = {0};
	char dir[PATH_MAX], size[32];
	int r;

	if (!s)
		return 1;
	r = add_mounts(o, s, ids);
	if (!r)
		r = make_boot(o, ids, &b);
	if (!r) {
		struct nto_launch l = {.image = img,
				       .image_size = len,
				       .boot = b.p,
				       .boot_size = b.n,
				       .server = s,
				       .enclave_size = o->enclave_size,
				       .verbose = o->verbose,
				       .accel = o->accel,
				       .self_dir = dir};
		self_dir(dir, sizeof(dir));
		format_size(o->enclave_size, size, sizeof(size));
		if (o->verbose) {
			fprintf(stderr, "nto: measurement %s\n", hex);
			fprintf(stderr, "nto: platform %s, enclave %s\n", o->platform, size);
		}
		raise_nofile();
		if (!strcmp(o->platform, "x86_64-vm"))
			r = x86vm_launch(&l);
		else if (!strcmp(o->platform, "riscv64-vm"))
			r = rvvm_launch(&l);
		else
			r = sgxsim_launch(&l);
	}
	free(b.p);
	hc_server_free(s);
	return r;
}

static void opts_free(struct opts *o)
{
	for (int i = 0; i < o->nmounts; i++)
		free((char *)o->mounts[i].host);
	for (int i = 0; i < o->nadds; i++)
		free((char *)o->adds[i].host);
	free(o->adds);
	free(o->env);
}

static int cmd(int argc, char **argv, bool run)
{
	struct opts *o = calloc(1, sizeof(*o));
	uint8_t *img = NULL;
	size_t len = 0;
	char hex[65];
	int r;

	if (!o)
		return 1;
	r = parse_opts(argc, argv, o);
	if (!r && o->help)
		fputs(usage_run, stdout);
	if (!r && !o->help)
		r = check_platform(o->platform);
	if (!r && !o->help)
		r = check_strings(o);
	if (!r && !o->help)
		r = make_image(o, &img, &len, hex, !run || o->verbose);
	if (!r && !o->help && !run)
		printf("%s\n", hex);
	if (!r && !o->help && run)
		r = launch(o, img, len, hex);
	free(img);
	opts_free(o);
	free(o);
	return r;
}

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : NULL;

	if (!c) {
		fputs(usage_main, stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(c, "--help") || !strcmp(c, "-h") || !strcmp(c, "help")) {
		fputs(usage_main, stdout);
		return 0;
	}
	if (!strcmp(c, "--version") || !strcmp(c, "-V")) {
		printf("nto %s\n", NTO_VERSION);
		return 0;
	}
	if (!strcmp(c, "--sgxsim-zygote")) /* internal: sgx-sim's satellite factory */
		return sgxsim_zygote_main(3);
	if (!strcmp(c, "run") || !strcmp(c, "measure"))
		return cmd(argc - 2, argv + 2, c[0] == 'r');
	fprintf(stderr, "nto: unknown command '%s'\n%s", c, usage_main);
	return EXIT_USAGE;
}
