/*
 * A hostile host. Each input is a script: a sequence of program operations
 * on the host mount (/host) and the console (open, read, getdents, stat,
 * readlink, ...), and, for every host call the core makes while serving
 * them, a reply chosen by the input: the fake host's honest answer, or one
 * with a forged result, length, op, seq, magic or payload. The platform
 * rejects broken framing (hal.h); everything else must be rejected by the
 * core's checks by type, without crashing, over-reading, or returning a
 * value outside [-4095, huge].
 */
#include <nto/hal.h>
#include <nto/proc.h>
#include <nto/sys.h>

#include "fuzz_common.h"

static struct reader in;

/* The forged reply for one host call, driven by the input. */
static int hostile(void *ctx, const struct hc_msg *req, const void *data, size_t len,
		   struct hc_msg *resp, uint8_t *out)
{
	uint8_t c = (uint8_t)rd(&in, 1);
	size_t n;
	const uint8_t *p;

	test_host_default(req, data, len, resp, out);
	switch (c & 15) {
	case 8: /* a forged result */
		resp->ret = (int64_t)rd(&in, 8);
		break;
	case 9: /* a forged length over forged bytes */
		resp->len = (uint32_t)rd(&in, 4);
		n = MIN((size_t)resp->len, (size_t)HC_MAX_DATA);
		p = rd_bytes(&in, &n);
		memcpy(out, p, n);
		break;
	case 10:
		resp->op ^= (uint32_t)rd(&in, 1) | 1;
		break;
	case 11:
		resp->seq += rd(&in, 1) | 1;
		break;
	case 12: /* forged records that fit the capacity */
		n = (size_t)rd(&in, 2) % ((size_t)req->cap + 1);
		p = rd_bytes(&in, &n);
		memcpy(out, p, n);
		resp->len = (uint32_t)n;
		resp->ret = (int64_t)rd(&in, 1) - 8;
		if (c & 0x80)
			resp->ret = (int64_t)n;
		break;
	case 13:
		resp->magic ^= 1;
		break;
	case 14: /* result and length disagree */
		resp->ret = (int64_t)resp->len + (int64_t)(int8_t)rd(&in, 1);
		break;
	case 15: /* everything forged */
		resp->ret = (int64_t)rd(&in, 8);
		resp->len = (uint32_t)rd(&in, 4);
		n = MIN((size_t)resp->len, (size_t)HC_MAX_DATA);
		p = rd_bytes(&in, &n);
		memcpy(out, p, n);
		break;
	default: /* the honest answer */
		break;
	}
	return 1;
}

static const char *const paths[] = {
	"/host",	  "/host/hello.txt", "/host/sub",    "/host/sub/a",     "/host/link",
	"/host/abs",	  "/host/missing",   "/host/new",    "/host/sub/../hello.txt", "/dev/stdin",
	"/dev/tty",	  "/proc/self/fd/3", "/host/sub/b",  "/host/link/x",    "hello.txt",
	"/proc/self/fd/0",
};

static const char *pick_path(void)
{
	return paths[rd(&in, 1) % ARRAY_SIZE(paths)];
}

static int fds[8] = {-1, -1, -1, -1, -1, -1, -1, -1};

static long pick_fd(void)
{
	uint8_t b = (uint8_t)rd(&in, 1);

	if (b & 0x80)
		return b & 3; /* the console */
	return fds[b & 7];
}

static void check(long r, int op)
{
	if (r < -MAX_ERRNO) {
		dprintf(2, "op %d returned %ld, not a result or an errno\n", op, r);
		abort();
	}
	fuzz_check("hostcall");
}

static void run(void *arg)
{
	uptr buf = ualloc(70000), path = ualloc(PATH_MAX), st = ualloc(256);
	static const int flags[] = {O_RDONLY, O_RDWR, O_WRONLY | O_CREAT | O_TRUNC,
				    O_RDONLY | O_DIRECTORY, O_RDWR | O_APPEND, O_RDONLY | O_NOFOLLOW,
				    O_WRONLY | O_CREAT | O_EXCL, O_PATH};

	for (int steps = 0; in.n && steps < 64; steps++) {
		int op = (int)(rd(&in, 1) % 20);
		size_t n = (size_t)rd(&in, 2);
		long r = 0;
		strcpy((char *)path, pick_path());
		switch (op) {
		case 0: {
			r = SC3(NR_open, path, flags[rd(&in, 1) & 7], 0644);
			if (r >= 0)
				fds[r & 7] = (int)r;
			break;
		}
		case 1:
			r = SC3(NR_read, pick_fd(), buf, n);
			break;
		case 2:
			r = SC3(NR_getdents64, pick_fd(), buf, n);
			break;
		case 3:
			r = SC2(NR_stat, path, st);
			break;
		case 4:
			r = SC2(NR_lstat, path, st);
			break;
		case 5:
			r = SC3(NR_readlink, path, buf, n % 5000);
			break;
		case 6:
			r = SC2(NR_fstat, pick_fd(), st);
			break;
		case 7:
			r = SC1(NR_close, pick_fd());
			break;
		case 8:
			r = SC4(NR_pread64, pick_fd(), buf, n, (long)rd(&in, 4));
			break;
		case 9:
			r = SC3(NR_lseek, pick_fd(), (long)(int32_t)rd(&in, 4), rd(&in, 1) % 5);
			break;
		case 10:
			r = SC3(NR_write, pick_fd(), buf, n);
			break;
		case 11:
			r = SC3(NR_ioctl, pick_fd(), (rd(&in, 1) & 1) ? 0x5401 : 0x5413, st);
			break;
		case 12: {
			struct pollfd *p = (struct pollfd *)st;
			p->fd = (int)pick_fd();
			p->events = POLLIN | POLLOUT;
			r = SC3(NR_poll, st, 1, 0);
			break;
		}
		case 13:
			r = SC2(NR_mkdir, path, 0755);
			break;
		case 14:
			r = SC1(NR_unlink, path);
			break;
		case 15: {
			uptr to = ustr(pick_path());
			r = SC2(NR_rename, path, to);
			break;
		}
		case 16:
			r = SC4(NR_sendfile, 1, pick_fd(), 0, n);
			break;
		case 17:
			r = SC1(NR_chdir, path);
			break;
		case 18: {
			long fd = pick_fd();
			r = SC5(NR_mmap, 0, (n % 3 + 1) * PAGE_SIZE, PROT_READ, MAP_PRIVATE, fd);
			if (r > 0 && r < (long)TEST_USER_MAX)
				SC2(NR_munmap, r, (n % 3 + 1) * PAGE_SIZE);
			break;
		}
		case 19:
			r = SC3(NR_ftruncate, pick_fd(), (long)rd(&in, 2), 0);
			break;
		}
		check(r, op);
		fixture_scratch_reset();
		buf = ualloc(70000), path = ualloc(PATH_MAX), st = ualloc(256);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fixture_opts o = {.hostfs = true};

	test_platform_reset();
	if (fixture_boot(&o) < 0)
		abort();
	in.p = data;
	in.n = size;
	for (int i = 0; i < 8; i++)
		fds[i] = -1;
	test_host_set_hook(hostile, NULL);
	test_sleep_budget(10000);
	int how = test_catch(run, NULL);
	if (how != TEST_RETURNED && how != TEST_STUCK) {
		dprintf(2, "the host made the core end the program (outcome %d, status %d)\n", how,
		       test_exit_status);
		abort();
	}
	fuzz_check("hostcall");
	test_platform_reset();
	return 0;
}
