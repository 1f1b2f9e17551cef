/*
 * The VM platforms' launcher (untrusted host side), shared by x86_64-vm and
 * riscv64-vm: packs the image and the boot records into an initrd
 * (platform/vm-common/initrd.h), starts QEMU on the kernel (the platform
 * says how: vm_launch.h), and serves the guest's host calls that arrive on
 * the VM's virtio-console (QEMU's stdio chardev = two pipes to this
 * process) with host/hostcall_server.c. Every frame from the guest is
 * checked for size before it is read; the server checks the rest.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vm_launch.h"
#include "../initrd.h"

#define EXIT_VM_FAILED 70
#define VM_PIPE_SIZE (1 << 20) /* Linux's default pipe-max-size */
#define VM_PIPE_MIN  ((int)sizeof(struct hc_msg) + HC_MAX_DATA)

static int write_all(int fd, const void *buf, size_t n)
{
	const uint8_t *p = buf;

	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int read_all(int fd, void *buf, size_t n)
{
	uint8_t *p = buf;

	while (n) {
		ssize_t r = read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Writes the initrd to an unlinked temporary file; returns its fd. */
static int make_initrd(const struct nto_launch *l)
{
	char path[] = "/tmp/nto-vm-XXXXXX";
	struct vm_initrd h = {.magic = VM_INITRD_MAGIC};
	static const uint8_t zero[4096];
	int fd = mkstemp(path);

	if (fd < 0)
		return -1;
	unlink(path);
	h.image_off = 4096;
	h.image_size = l->image_size;
	h.boot_off = (h.image_off + l->image_size + 7) & ~7ULL;
	h.boot_size = l->boot_size;
	h.mem_limit = l->enclave_size;
	if (write_all(fd, &h, sizeof(h)) < 0 || write_all(fd, zero, 4096 - sizeof(h)) < 0 ||
	    write_all(fd, l->image, l->image_size) < 0 ||
	    write_all(fd, zero, h.boot_off - h.image_off - l->image_size) < 0 ||
	    write_all(fd, l->boot, l->boot_size) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void find_kernel(const struct vm_platform *p, const struct nto_launch *l, char *out,
			size_t cap)
{
	const char *env = getenv(p->kernel_env);

	if (env)
		snprintf(out, cap, "%s", env);
	else
		snprintf(out, cap, "%s/%s/kernel.elf", l->self_dir, p->name);
}

struct forward {
	int fd;
	char start; /* 0: forward everything; else drop the bytes before it */
};

/* The kernel's own diagnostics (the debug console) reach nto's stderr
 * through a pipe and this thread, so they never share a file offset with
 * nto's lines. What the firmware prints before the kernel starts (OpenSBI's
 * banner on riscv64-vm) is dropped: the kernel's first byte is `start`. */
static void *forward_debugcon(void *arg)
{
	struct forward *f = arg;
	bool on = !f->start;
	char buf[4096];
	ssize_t n;

	while ((n = read(f->fd, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR)) {
		char *p = buf;
		if (n > 0 && !on) {
			p = memchr(buf, f->start, (size_t)n);
			if (!p)
				continue;
			on = true;
			p++;
		}
		if (n > 0 && write_all(2, p, (size_t)(buf + n - p)) < 0)
			break;
	}
	close(f->fd);
	return NULL;
}

static __attribute__((noreturn)) void exec_qemu(const struct vm_platform *p,
						const struct nto_launch *l, const char *kernel,
						int initrd_fd, int to_guest, int from_guest,
						int dbg_fd)
{
	char initrd[64], mem[32], dbg[96];
	uint64_t mib = (l->enclave_size + l->image_size + l->boot_size) / (1 << 20) + 64;
	struct vm_qemu_args a = {kernel, initrd, dbg, mem, p->can_kvm ? vm_accel(l->accel) : "tcg",
				 l->verbose};

	snprintf(initrd, sizeof(initrd), "/proc/self/fd/%d", initrd_fd);
	snprintf(dbg, sizeof(dbg), "file,id=dbg,path=/proc/self/fd/%d", dbg_fd);
	snprintf(mem, sizeof(mem), "%lluM", (unsigned long long)(mib > 3000 ? 3000 : mib));
	if (dup2(to_guest, 0) < 0 || dup2(from_guest, 1) < 0)
		_exit(127);
	p->exec_qemu(&a);
	fprintf(stderr, "nto: cannot run QEMU for %s: %s\n", p->name, strerror(errno));
	_exit(127);
}

/* Serves host calls until the guest exits or the VM stops. Returns the
 * guest's status, or -1 if the stream ended without HC_EXIT. */
static int serve(struct hc_server *s, int in, int out)
{
	static uint8_t req_data[HC_MAX_DATA], resp_data[HC_MAX_DATA];
	struct hc_msg req, resp;
	int status;

	for (;;) {
		if (read_all(in, &req, sizeof(req)) < 0)
			return -1;
		if (req.magic != HC_MAGIC || req.len > HC_MAX_DATA || req.cap > HC_MAX_DATA) {
			fprintf(stderr, "nto: the VM broke the host-call framing\n");
			return -1;
		}
		if (req.len && read_all(in, req_data, req.len) < 0)
			return -1;
		if (hc_serve(s, &req, req_data, &resp, resp_data, &status) == 1)
			return status;
		if (resp.len > req.cap)
			resp.len = 0;
		if (write_all(out, &resp, sizeof(resp)) < 0 ||
		    (resp.len && write_all(out, resp_data, resp.len) < 0))
			return -1;
	}
}

int vm_launch(const struct vm_platform *p, const struct nto_launch *l)
{
	int to_guest[2], from_guest[2], dbg[2], initrd, status = -1, ws;
	struct forward fw = {-1, p->dbg_start};
	pthread_t fwd;
	bool fwd_ok;
	char kernel[PATH_MAX];
	pid_t pid;

	find_kernel(p, l, kernel, sizeof(kernel));
	if (access(kernel, R_OK) < 0) {
		fprintf(stderr, "nto: %s kernel %s: %s\n", p->name, kernel, strerror(errno));
		return EXIT_VM_FAILED;
	}
	if (l->verbose)
		fprintf(stderr, "nto: %s under QEMU, accelerator %s\n", p->name,
			p->can_kvm ? vm_accel(l->accel) : "tcg");
	initrd = make_initrd(l);
	if (initrd < 0 || pipe2(to_guest, O_CLOEXEC) < 0 || pipe2(from_guest, O_CLOEXEC) < 0 ||
	    pipe2(dbg, O_CLOEXEC) < 0) {
		fprintf(stderr, "nto: %s: %s\n", p->name, strerror(errno));
		return EXIT_VM_FAILED;
	}
	/* QEMU's virtconsole drops what the chardev does not take at once
	 * (EAGAIN), so the pipe from the guest must hold a whole request: the
	 * guest sends one at a time and waits for its reply. */
	if (fcntl(from_guest[1], F_SETPIPE_SZ, VM_PIPE_SIZE) < VM_PIPE_MIN) {
		fprintf(stderr, "nto: %s: cannot size the host-call pipe: %s\n", p->name,
			strerror(errno));
		return EXIT_VM_FAILED;
	}
	signal(SIGPIPE, SIG_IGN);
	pid = fork();
	if (pid == 0) {
		close(to_guest[1]);
		close(from_guest[0]);
		/* F_DUPFD: copies that survive exec, above the stdio fds */
		exec_qemu(p, l, kernel, fcntl(initrd, F_DUPFD, 10), to_guest[0], from_guest[1],
			  fcntl(dbg[1], F_DUPFD, 10));
	}
	close(dbg[1]);
	fw.fd = dbg[0];
	fwd_ok = pthread_create(&fwd, NULL, forward_debugcon, &fw) == 0;
	if (!fwd_ok)
		close(dbg[0]);
	close(to_guest[0]);
	close(from_guest[1]);
	close(initrd);
	if (pid > 0)
		status = serve(l->server, from_guest[0], to_guest[1]);
	close(to_guest[1]);
	close(from_guest[0]);
	if (pid > 0) {
		if (status >= 0)
			kill(pid, SIGKILL); /* the guest is done: no need to wait for its power-off */
		while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
			;
	}
	if (fwd_ok)
		pthread_join(fwd, NULL);
	if (status < 0) {
		fprintf(stderr, "nto: the %s guest stopped without an exit status\n", p->name);
		return EXIT_VM_FAILED;
	}
	return status;
}
