/*
 * x86_64-vm launcher (untrusted host side): packs the image and the boot
 * records into an initrd (platform/x86_64-vm/initrd.h), starts QEMU on the
 * kernel with TCG, and serves the guest's host calls that arrive on the
 * VM's virtio-console (QEMU's stdio chardev = two pipes to this process) with
 * host/hostcall_server.c. Every frame from the guest is checked for size
 * before it is read; the server checks the rest.
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

#include "../../../host/launch.h"
#include "../initrd.h"

#define EXIT_VM_FAILED 70
#define X86VM_PIPE_SIZE (1 << 20) /* Linux's default pipe-max-size */
#define X86VM_PIPE_MIN  ((int)sizeof(struct hc_msg) + HC_MAX_DATA)

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
	char path[] = "/tmp/nto-x86vm-XXXXXX";
	struct x86vm_initrd h = {.magic = X86VM_INITRD_MAGIC};
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

static void find_kernel(const struct nto_launch *l, char *out, size_t cap)
{
	const char *env = getenv("NTO_X86VM_KERNEL");

	if (env)
		snprintf(out, cap, "%s", env);
	else
		snprintf(out, cap, "%s/x86_64-vm/kernel.elf", l->self_dir);
}

/* The kernel's own diagnostics (isa-debugcon) reach nto's stderr through a
 * pipe and this thread, so they never share a file offset with nto's lines. */
static void *forward_debugcon(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		if (n > 0 && write_all(2, buf, (size_t)n) < 0)
			break;
	close(fd);
	return NULL;
}

static __attribute__((noreturn)) void exec_qemu(const struct nto_launch *l, const char *kernel,
						int initrd_fd, int to_guest, int from_guest,
						int dbg_fd)
{
	char initrd[64], mem[32], dbg[96];
	uint64_t mib = (l->enclave_size + l->image_size + l->boot_size) / (1 << 20) + 64;

	snprintf(initrd, sizeof(initrd), "/proc/self/fd/%d", initrd_fd);
	snprintf(dbg, sizeof(dbg), "file,id=dbg,path=/proc/self/fd/%d", dbg_fd);
	snprintf(mem, sizeof(mem), "%lluM", (unsigned long long)(mib > 3000 ? 3000 : mib));
	if (dup2(to_guest, 0) < 0 || dup2(from_guest, 1) < 0)
		_exit(127);
	const char *argv[] = {"qemu-system-x86_64", "-machine", "microvm", "-accel", vm_accel(l->accel),
			      "-cpu", "max", "-m", mem, "-no-reboot", "-nodefaults",
			      "-display", "none", "-kernel", kernel, "-initrd", initrd,
			      "-append", l->verbose ? "verbose" : "quiet",
			      "-device", "isa-debug-exit,iobase=0xf4,iosize=1",
			      "-chardev", "stdio,id=hc,signal=off",
			      "-global", "virtio-mmio.force-legacy=false",
			      "-device", "virtio-serial-device,max_ports=1",
			      "-device", "virtconsole,chardev=hc",
			      "-chardev", dbg,
			      "-device", "isa-debugcon,iobase=0xe9,chardev=dbg", NULL};
	execvp(argv[0], (char **)argv);
	fprintf(stderr, "nto: cannot run qemu-system-x86_64: %s\n", strerror(errno));
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

int x86vm_launch(const struct nto_launch *l)
{
	int to_guest[2], from_guest[2], dbg[2], initrd, status = -1, ws;
	pthread_t fwd;
	bool fwd_ok;
	char kernel[PATH_MAX];
	pid_t pid;

	find_kernel(l, kernel, sizeof(kernel));
	if (access(kernel, R_OK) < 0) {
		fprintf(stderr, "nto: x86_64-vm kernel %s: %s\n", kernel, strerror(errno));
		return EXIT_VM_FAILED;
	}
	if (l->verbose)
		fprintf(stderr, "nto: x86_64-vm under QEMU, accelerator %s\n", vm_accel(l->accel));
	initrd = make_initrd(l);
	if (initrd < 0 || pipe2(to_guest, O_CLOEXEC) < 0 || pipe2(from_guest, O_CLOEXEC) < 0 ||
	    pipe2(dbg, O_CLOEXEC) < 0) {
		fprintf(stderr, "nto: x86_64-vm: %s\n", strerror(errno));
		return EXIT_VM_FAILED;
	}
	/* QEMU's virtconsole drops what the chardev does not take at once
	 * (EAGAIN), so the pipe from the guest must hold a whole request: the
	 * guest sends one at a time and waits for its reply. */
	if (fcntl(from_guest[1], F_SETPIPE_SZ, X86VM_PIPE_SIZE) < X86VM_PIPE_MIN) {
		fprintf(stderr, "nto: x86_64-vm: cannot size the host-call pipe: %s\n",
			strerror(errno));
		return EXIT_VM_FAILED;
	}
	signal(SIGPIPE, SIG_IGN);
	pid = fork();
	if (pid == 0) {
		close(to_guest[1]);
		close(from_guest[0]);
		/* F_DUPFD: copies that survive exec, above the stdio fds */
		exec_qemu(l, kernel, fcntl(initrd, F_DUPFD, 10), to_guest[0], from_guest[1],
			  fcntl(dbg[1], F_DUPFD, 10));
	}
	close(dbg[1]);
	fwd_ok = pthread_create(&fwd, NULL, forward_debugcon, (void *)(intptr_t)dbg[0]) == 0;
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
		fprintf(stderr, "nto: the x86_64-vm guest stopped without an exit status\n");
		return EXIT_VM_FAILED;
	}
	return status;
}
