/*
 * The ELF loader: static (ET_EXEC) and static-PIE (ET_DYN) programs. Every
 * header field is program input and is checked before use.
 */
#include <nto/hal.h>
#include <nto/kernel.h>
#include <nto/loader.h>
#include <nto/mm.h>
#include <nto/proc.h>

#define STACK_SIZE   (8UL << 20)
#define MAX_INTERP   4
#define HEAD_BYTES   1024

static int bad(const char **why, const char *reason)
{
	*why = reason;
	return -ENOEXEC;
}

static int check_segments(struct elf_info *in, uint64_t fsize, const char **why)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	int loads = 0;

	for (int i = 0; i < in->eh.e_phnum; i++) {
		const struct elf64_phdr *p = &in->ph[i];
		if (p->p_type == PT_INTERP) {
			if (p->p_filesz < 2 || p->p_filesz > PATH_MAX || p->p_offset > fsize ||
			    p->p_filesz > fsize - p->p_offset)
				return bad(why, "bad interpreter path");
			in->interp_off = p->p_offset;
			in->interp_len = p->p_filesz;
		}
		if (p->p_type == PT_PHDR)
			in->phdr_vaddr = p->p_vaddr;
		if (p->p_type != PT_LOAD)
			continue;
		if (p->p_filesz > p->p_memsz || p->p_offset > fsize || p->p_filesz > fsize - p->p_offset)
			return bad(why, "a segment lies outside the file");
		if (p->p_vaddr + p->p_memsz < p->p_vaddr || p->p_vaddr + p->p_memsz > (1ULL << 46))
			return bad(why, "a segment's address range is invalid");
		if ((p->p_vaddr & (PAGE_SIZE - 1)) != (p->p_offset & (PAGE_SIZE - 1)))
			return bad(why, "a segment is misaligned");
		lo = MIN(lo, ALIGN_DOWN(p->p_vaddr, PAGE_SIZE));
		hi = MAX(hi, ALIGN_UP(p->p_vaddr + p->p_memsz, PAGE_SIZE));
		loads++;
	}
	if (!loads)
		return bad(why, "no loadable segment");
	in->lo = lo;
	in->hi = hi;
	return 0;
}

int elf_check(const uint8_t *buf, size_t len, uint64_t fsize, struct elf_info *out,
	      const char **why)
{
	struct elf64_ehdr *eh = &out->eh;

	memset(out, 0, sizeof(*out));
	if (len < 4 || memcmp(buf, "\177ELF", 4) != 0)
		return bad(why, "not an ELF executable");
	if (len < sizeof(*eh))
		return bad(why, "truncated ELF header");
	memcpy(eh, buf, sizeof(*eh));
	if (eh->e_ident[4] != 2 || eh->e_ident[5] != 1 || eh->e_ident[6] != 1)
		return bad(why, "not a 64-bit little-endian ELF");
	if (eh->e_machine != NTO_ELF_MACHINE)
		return bad(why, "wrong machine type for this platform");
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return bad(why, "unsupported ELF type (not an executable)");
	if (eh->e_phentsize != sizeof(struct elf64_phdr) || eh->e_phnum == 0 ||
	    eh->e_phnum > ARRAY_SIZE(out->ph))
		return bad(why, "bad program header table");
	uint64_t phbytes = (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr);
	if (eh->e_phoff > fsize || phbytes > fsize - eh->e_phoff)
		return bad(why, "truncated program header table");
	if (eh->e_phoff > len || phbytes > len - eh->e_phoff)
		return bad(why, "program header table too far into the file");
	memcpy(out->ph, buf + eh->e_phoff, phbytes);
	return check_segments(out, fsize, why);
}

/* Reads n bytes at file offset off straight into program memory at va. */
static int read_to_user(struct file *f, uptr va, uint64_t n, uint64_t off)
{
	while (n) {
		struct iobuf io = {(uint8_t *)va, true, false};
		int64_t pos = (int64_t)off;
		ssize_t r = f->ops->read(f, &io, n, &pos);
		if (r <= 0)
			return r < 0 ? (int)r : -EIO;
		va += (uptr)r;
		off += (uint64_t)r;
		n -= (uint64_t)r;
	}
	return 0;
}

static int prot_of(uint32_t pf)
{
	return ((pf & PF_R) ? PROT_READ : 0) | ((pf & PF_W) ? PROT_WRITE : 0) |
	       ((pf & PF_X) ? PROT_EXEC : 0);
}

/* The page-aligned span a PT_LOAD segment occupies once loaded at bias. */
static void span(const struct elf64_phdr *p, uint64_t bias, uptr *start, uptr *end)
{
	*start = ALIGN_DOWN(p->p_vaddr + bias, PAGE_SIZE);
	*end = ALIGN_UP(p->p_vaddr + bias + p->p_memsz, PAGE_SIZE);
}

/* True when every PT_LOAD segment has pages of its own (in address order)
 * and a file offset that reaches back to its first page's start: then each
 * can be a mapping read from the file on demand. */
static bool segments_apart(const struct elf_info *in, uint64_t bias)
{
	uptr prev_end = 0;

	for (int i = 0; i < in->eh.e_phnum; i++) {
		const struct elf64_phdr *p = &in->ph[i];
		uptr start, end;
		if (p->p_type != PT_LOAD)
			continue;
		span(p, bias, &start, &end);
		if (start < prev_end || p->p_offset < (p->p_vaddr + bias) - start)
			return false;
		prev_end = end;
	}
	return true;
}

/* Each segment becomes a mapping whose pages are read from the file when
 * first touched: a program pays only for the pages it uses, and on
 * sgx-sim a forked child reads clean pages itself instead of receiving
 * them (docs/satellites.md). */
static int map_segments_lazy(struct file *f, struct elf_info *in, uint64_t bias,
			     const char *name)
{
	for (int i = 0; i < in->eh.e_phnum; i++) {
		const struct elf64_phdr *p = &in->ph[i];
		uptr start, end;
		if (p->p_type != PT_LOAD)
			continue;
		span(p, bias, &start, &end);
		int64_t off = (int64_t)(p->p_offset - ((p->p_vaddr + bias) - start));
		int r = vm_map_lazy(current->proc->mm, start, end - start, prot_of(p->p_flags),
				    MAP_PRIVATE, name, f, off, (int64_t)(p->p_offset + p->p_filesz));
		if (r < 0)
			return r;
	}
	return 0;
}

static int map_segments(struct file *f, struct elf_info *in, uint64_t bias, const char *name)
{
	struct mm *mm = current->proc->mm;
	uptr mapped_end = 0;
	int r;

	if (segments_apart(in, bias))
		return map_segments_lazy(f, in, bias, name);

	for (int i = 0; i < in->eh.e_phnum; i++) {
		const struct elf64_phdr *p = &in->ph[i];
		if (p->p_type != PT_LOAD)
			continue;
		uptr start, end;
		span(p, bias, &start, &end);
		/* Segments may share a page; never remap one already filled. */
		uptr from = MAX(start, mapped_end);
		if (end > from) {
			r = vm_map_fixed(mm, from, end - from, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE, name, (int64_t)p->p_offset);
			if (r < 0)
				return r;
			mapped_end = end;
		}
		r = read_to_user(f, p->p_vaddr + bias, p->p_filesz, p->p_offset);
		if (r < 0)
			return r;
	}
	for (int i = 0; i < in->eh.e_phnum; i++) {
		const struct elf64_phdr *p = &in->ph[i];
		if (p->p_type != PT_LOAD)
			continue;
		uptr start, end;
		span(p, bias, &start, &end);
		r = vm_protect(mm, start, end - start, prot_of(p->p_flags));
		if (r < 0)
			return r;
	}
	return 0;
}

struct stack_builder {
	uint8_t *buf; /* mirrors [top - size, top) of the program stack */
	size_t size, used;
	uptr top;
};

/* Pushes bytes onto the top area of the stack image; returns their address. */
static uptr push_bytes(struct stack_builder *s, const void *p, size_t n)
{
	if (s->used + n > s->size)
		return 0;
	s->used += n;
	memcpy(s->buf + s->size - s->used, p, n);
	return s->top - s->used;
}

static int count(const char *const *v)
{
	int n = 0;

	while (v && v[n])
		n++;
	return n;
}

static int build_stack(const struct elf_info *in, uint64_t bias, uint64_t base,
		       const char *execfn, const char *const *argv, const char *const *envp,
		       uptr *sp_out)
{
	struct stack_builder s = {0};
	int argc = count(argv), envc = count(envp), r = -E2BIG;
	uptr *ptrs;
	uint8_t rnd[16];

	s.size = 256 * 1024;
	s.top = current->proc->mm->stack_top;
	s.buf = kmalloc(s.size);
	ptrs = kmalloc(sizeof(uptr) * (size_t)(argc + envc + 2));
	if (!s.buf || !ptrs) {
		r = -ENOMEM;
		goto out;
	}
	uptr fn = push_bytes(&s, execfn, strlen(execfn) + 1);
	for (int i = envc - 1; i >= 0; i--)
		ptrs[argc + 1 + i] = push_bytes(&s, envp[i], strlen(envp[i]) + 1);
	current->proc->env_end = s.top - 0;
	for (int i = argc - 1; i >= 0; i--)
		ptrs[i] = push_bytes(&s, argv[i], strlen(argv[i]) + 1);
	current->proc->arg_start = argc ? ptrs[0] : s.top;
	current->proc->arg_end = envc ? ptrs[argc + 1] : fn;
	current->proc->env_start = envc ? ptrs[argc + 1] : fn;
	current->proc->env_end = fn;
	proc_set_cmdline(current->proc, argv);
	uptr plat = push_bytes(&s, NTO_ARCH_NAME, sizeof(NTO_ARCH_NAME));
	hal_random(rnd, sizeof(rnd));
	uptr rand = push_bytes(&s, rnd, sizeof(rnd));
	if (!fn || !plat || !rand)
		goto out;
	for (int i = 0; i < argc + 1 + envc; i++) {
		if (i != argc && !ptrs[i])
			goto out; /* a string that did not fit: E2BIG, not a hole in argv */
	}
	uint64_t auxv[] = {
		AT_PHDR,   in->phdr_vaddr ? in->phdr_vaddr + bias : in->lo + bias + in->eh.e_phoff,
		AT_PHENT,  sizeof(struct elf64_phdr),
		AT_PHNUM,  in->eh.e_phnum,
		AT_PAGESZ, PAGE_SIZE,
		AT_BASE,   base,
		AT_FLAGS,  0,
		AT_ENTRY,  in->eh.e_entry + bias,
		AT_UID,    0, AT_EUID, 0, AT_GID, 0, AT_EGID, 0,
		AT_SECURE, 0,
		AT_RANDOM, rand,
		AT_HWCAP,  NTO_HWCAP,
		AT_HWCAP2, 0,
		AT_CLKTCK, 100,
		AT_PLATFORM, plat,
		AT_EXECFN, fn,
		AT_NULL,   0,
	};
	size_t vec = sizeof(uint64_t) * (size_t)(1 + argc + 1 + envc + 1) + sizeof(auxv);
	/* The final stack pointer must be 16-byte aligned at argc. */
	s.used = ALIGN_UP(s.used + vec, 16) - vec;
	if (s.used + vec > s.size)
		goto out;
	push_bytes(&s, auxv, sizeof(auxv));
	uint64_t zero = 0, n = (uint64_t)argc;
	push_bytes(&s, &zero, 8);
	for (int i = envc - 1; i >= 0; i--)
		push_bytes(&s, &ptrs[argc + 1 + i], 8);
	push_bytes(&s, &zero, 8);
	for (int i = argc - 1; i >= 0; i--)
		push_bytes(&s, &ptrs[i], 8);
	uptr sp = push_bytes(&s, &n, 8);
	r = copy_to_user((void *)sp, s.buf + s.size - s.used, s.used);
	*sp_out = sp;
out:
	kfree(s.buf);
	kfree(ptrs);
	return r;
}

/* Parses "#!interp [arg]" from the head of a script. */
static int parse_shebang(char *head, size_t len, char **interp, char **arg)
{
	char *end = memchr(head, '\n', len);
	char *p = head + 2;

	if (!end)
		return -ENOEXEC;
	*end = 0;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return -ENOEXEC;
	*interp = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	*arg = NULL;
	if (*p) {
		*p++ = 0;
		while (*p == ' ' || *p == '\t')
			p++;
		char *e = p + strlen(p);
		while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			*--e = 0;
		if (*p)
			*arg = p;
	}
	return 0;
}

/* Where static-PIE programs go: two thirds up the user range, as Linux does. */
static uptr et_dyn_base(const struct mm *mm)
{
	return ALIGN_DOWN(mm->user_min + (mm->user_max - mm->user_min) / 3 * 2, 2UL << 20);
}

/* A dynamically linked program's interpreter (its ld.so), opened and
 * checked before the point of no return. */
struct interp {
	struct file *f;
	struct elf_info info;
};

static int open_interp(struct file *f, const struct elf_info *in, struct interp *ip,
		       const char **why)
{
	char path[PATH_MAX + 1];
	uint8_t head[HEAD_BYTES];
	struct kstat st;
	int r;

	if (kernel_read(f, path, in->interp_len, (int64_t)in->interp_off) < 0)
		return bad(why, "cannot read the interpreter path");
	path[in->interp_len] = 0;
	if (strnlen(path, in->interp_len) != in->interp_len - 1 || path[0] != '/')
		return bad(why, "bad interpreter path");
	r = vfs_open(AT_FDCWD, path, O_RDONLY, 0, &ip->f);
	if (r < 0) {
		*why = "the program's interpreter (its ld.so) is not in the image";
		return r;
	}
	r = ip->f->ops->stat(ip->f, &st);
	size_t len = MIN((uint64_t)HEAD_BYTES, (uint64_t)st.st_size);
	if (r == 0)
		r = kernel_read(ip->f, head, len, 0);
	if (r == 0)
		r = elf_check(head, len, (uint64_t)st.st_size, &ip->info, why);
	if (r == 0 && (ip->info.eh.e_type != ET_DYN || ip->info.interp_len))
		r = bad(why, "the interpreter is not a static shared object");
	if (r < 0) {
		file_put(ip->f);
		ip->f = NULL;
	}
	return r;
}

/* Maps the interpreter somewhere free; returns its load bias in *base. */
static int map_interp(struct interp *ip, uint64_t *base)
{
	struct mm *mm = current->proc->mm;
	uptr at = vm_find_free(mm, ip->info.hi - ip->info.lo, 0);

	if (!at)
		return -ENOMEM;
	*base = at - ip->info.lo;
	return map_segments(ip->f, &ip->info, *base, "ld.so");
}

static int load_elf(struct file *f, const uint8_t *head, size_t len, uint64_t fsize,
		    const char *path, const char *const *argv, const char *const *envp,
		    struct nto_regs *regs, const char **why, void (*teardown)(void), bool *gone)
{
	struct elf_info *in = kmalloc(sizeof(*in));
	struct mm *mm = current->proc->mm;
	uint64_t bias = 0;
	uptr sp = 0;
	int r;

	if (!in)
		return -ENOMEM;
	r = elf_check(head, len, fsize, in, why);
	if (r < 0)
		goto out;
	if (in->eh.e_type == ET_DYN)
		bias = et_dyn_base(mm) - in->lo;
	if (in->lo + bias < mm->user_min || in->hi + bias > mm->mmap_top) {
		r = bad(why, "the program's addresses are outside the TEE's user range");
		goto out;
	}
	struct interp ip = {0};
	uint64_t base = 0, entry = in->eh.e_entry + bias;
	if (in->interp_len) {
		r = open_interp(f, in, &ip, why);
		if (r < 0)
			goto out;
	}
	/* Past this point the old image is gone: failures end the process. */
	if (teardown)
		teardown();
	*gone = true;
	r = map_segments(f, in, bias, path);
	if (r == 0 && ip.f) {
		r = map_interp(&ip, &base);
		entry = ip.info.eh.e_entry + base;
	}
	if (ip.f)
		file_put(ip.f);
	if (r == 0)
		r = vm_map_fixed(mm, mm->stack_top - STACK_SIZE, STACK_SIZE,
				 PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK,
				 "[stack]", 0);
	if (r == 0)
		r = build_stack(in, bias, base, path, argv, envp, &sp);
	if (r < 0) {
		*why = r == -ENOMEM ? "out of TEE memory while loading" : "cannot load segments";
		goto out;
	}
	mm->brk_start = mm->brk = in->hi + bias;
	regs_start(regs, entry, sp);
out:
	kfree(in);
	return r;
}

int exec_program(const char *path, const char *const *argv, const char *const *envp,
		 struct nto_regs *regs, const char **why, void (*teardown)(void), bool *gone)
{
	const char **args = NULL;
	char cur[PATH_MAX];
	uint8_t *head = kmalloc(HEAD_BYTES);
	int r = -ENOMEM;

	*why = NULL;
	*gone = false;
	if (!head)
		return r;
	kstrlcpy(cur, path, sizeof(cur));
	for (int depth = 0;; depth++) {
		struct file *f;
		struct kstat st;
		r = vfs_open(AT_FDCWD, cur, O_RDONLY, 0, &f);
		if (r < 0)
			break;
		r = f->ops->stat(f, &st);
		if (r == 0 && !S_ISREG(st.st_mode))
			r = -EACCES;
		if (r == 0 && !(st.st_mode & 0111))
			r = -EACCES;
		size_t len = MIN((uint64_t)HEAD_BYTES, (uint64_t)st.st_size);
		if (r == 0)
			r = kernel_read(f, head, len, 0);
		if (r == 0 && len >= 2 && head[0] == '#' && head[1] == '!') {
			char *interp, *arg;
			file_put(f);
			int n = 0, argc = count(argv);
			if (depth >= MAX_INTERP || parse_shebang((char *)head, len, &interp, &arg) < 0) {
				r = bad(why, "bad #! line");
				break;
			}
			const char **na = kmalloc(sizeof(char *) * (size_t)(argc + 4));
			if (!na) {
				r = -ENOMEM;
				break;
			}
			na[n++] = kstrdup(interp);
			if (arg)
				na[n++] = kstrdup(arg);
			na[n++] = kstrdup(cur);
			for (int i = 1; i < argc; i++)
				na[n++] = argv[i];
			na[n] = NULL;
			kfree(args);
			argv = args = na;
			kstrlcpy(cur, interp, sizeof(cur));
			continue;
		}
		if (r == 0)
			r = load_elf(f, head, len, (uint64_t)st.st_size, cur, argv, envp, regs, why,
				     teardown, gone);
		if (r == 0) {
			/* exe names the file itself (as /proc/self/exe must, or
			 * exec'ing it twice would loop); comm keeps the name given. */
			const char *base = strrchr(cur, '/');
			char *real = file_path(f);
			kfree(current->proc->exe);
			current->proc->exe = real ? real : kstrdup(cur);
			memset(current->proc->comm, 0, sizeof(current->proc->comm));
			kstrlcpy(current->proc->comm, base ? base + 1 : cur, sizeof(current->proc->comm));
		}
		file_put(f);
		break;
	}
	kfree(head);
	kfree(args);
	return r;
}
