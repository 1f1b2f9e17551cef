/* Pipes and fds across processes: 10000 ping-pong round trips between
 * parent and child with every byte checked (messages of 1..64 bytes); a
 * blocking read woken by a writer process; poll, select, ppoll and pselect
 * on pipes whose other end is in another process (data, EOF/POLLHUP,
 * POLLERR when the reader left, POLLOUT once a reader drains a full pipe,
 * ppoll/pselect interrupted by the other process's signal); a file offset
 * shared by fork (parent and child take turns writing through one fd, in
 * the work dir and in /tmp); tmpfs visibility (a child's files in /tmp
 * are seen by the parent); dup2 onto stdin/stdout then exec. */
//! multiproc: yes
//! timeout: 60
#include "proc.h"
#include <poll.h>
#include <sys/select.h>

#define ROUNDS 10000

static void fill(unsigned char *b, int len, int round, int dir)
{
	for (int i = 0; i < len; i++)
		b[i] = (unsigned char)(round * 7 + i * 13 + dir * 101);
}

static void pingpong(void)
{
	int down[2], up[2];
	MUST(pipe(down));
	MUST(pipe(up));
	pid_t c = t_fork();
	if (c == 0) {
		unsigned char m[65], want[65];
		long bad = 0;
		close(down[1]);
		close(up[0]);
		for (int r = 0; r < ROUNDS; r++) {
			int len = 1 + r % 64;
			if (t_readn(down[0], m, len + 1) != len + 1 || m[0] != len)
				t_exit(2);
			fill(want, len, r, 0);
			if (memcmp(m + 1, want, len))
				bad++;
			m[0] = len;
			fill(m + 1, len, r, 1);
			t_writen(up[1], m, len + 1);
		}
		char ch;
		t_exit(read(down[0], &ch, 1) == 0 && bad == 0 ? 0 : 1);
	}
	close(down[0]);
	close(up[1]);
	unsigned char m[65], want[65];
	long bad = 0, bytes = 0;
	for (int r = 0; r < ROUNDS; r++) {
		int len = 1 + r % 64;
		m[0] = len;
		fill(m + 1, len, r, 0);
		t_writen(down[1], m, len + 1);
		if (t_readn(up[0], m, len + 1) != len + 1 || m[0] != len) {
			bad++;
			break;
		}
		fill(want, len, r, 1);
		bad += memcmp(m + 1, want, len) != 0;
		bytes += 2 * (len + 1);
	}
	close(down[1]);
	char ch;
	long eof = read(up[0], &ch, 1);
	SAY("ping-pong: %d round trips, %ld bytes, %ld bad replies, then read gave %ld", ROUNDS,
	    bytes, bad, eof);
	SAY("  child: %s", t_status(t_wait(c)));
	close(up[0]);
}

static void woken_read(void)
{
	int p[2];
	char buf[16];
	MUST(pipe(p));
	pid_t c = t_fork();
	if (c == 0) {
		close(p[0]);
		t_sleep_ms(50);
		t_writen(p[1], "wake", 4);
		t_sleep_ms(50);
		t_exit(0); /* closes the write end */
	}
	close(p[1]);
	long n = read(p[0], buf, sizeof buf);
	SAY("blocking read woken by the other process: %ld %.*s", n, n > 0 ? (int)n : 0, buf);
	n = read(p[0], buf, sizeof buf);
	SAY("next read, after the writer exited: %ld", n);
	SAY("  writer: %s", t_status(t_wait(c)));
	close(p[0]);
}

static const char *rev(short re)
{
	static char b[64];
	snprintf(b, sizeof b, "%s%s%s%s%s", re & POLLIN ? "IN " : "", re & POLLOUT ? "OUT " : "",
		 re & POLLHUP ? "HUP " : "", re & POLLERR ? "ERR " : "", re & POLLNVAL ? "NVAL " : "");
	return re ? b : "-";
}

static volatile sig_atomic_t hits;
static void on_usr1(int s)
{
	(void)s;
	hits++;
}

static void polling(void)
{
	int p[2], go[2];
	struct pollfd pf;
	MUST(pipe(p));
	MUST(pipe(go));
	pid_t c = t_fork();
	if (c == 0) {
		close(p[0]);
		close(go[1]);
		t_await_fd(go[0]); /* write when told to */
		t_sleep_ms(30);
		t_writen(p[1], "abc", 3);
		t_await_fd(go[0]);
		t_sleep_ms(30);
		t_exit(0); /* the write end closes */
	}
	close(p[1]);
	close(go[0]);
	pf = (struct pollfd){p[0], POLLIN, 0};
	int r0 = poll(&pf, 1, 0);
	short e0 = pf.revents;
	t_signal_fd(go[1]);
	int r1 = poll(&pf, 1, 10000);
	short e1 = pf.revents;
	char buf[8];
	long n = read(p[0], buf, sizeof buf);
	t_signal_fd(go[1]);
	int r2 = poll(&pf, 1, 10000);
	short e2 = pf.revents;
	SAY("poll, nothing yet: %d %s", r0, rev(e0));
	SAY("poll, the child writes: %d %s", r1, rev(e1));
	SAY("  read %ld", n);
	SAY("poll, the child exits: %d %s", r2, rev(e2));
	SAY("  child: %s", t_status(t_wait(c)));
	close(p[0]);
	close(go[1]);

	/* select and pselect: the same with the other process writing */
	MUST(pipe(p));
	c = t_fork();
	if (c == 0) {
		close(p[0]);
		t_sleep_ms(30);
		t_writen(p[1], "x", 1);
		t_exit(0);
	}
	close(p[1]);
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	struct timeval tv = {10, 0};
	int s1 = select(p[0] + 1, &rs, NULL, NULL, &tv);
	int set1 = FD_ISSET(p[0], &rs);
	read(p[0], buf, 1);
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	struct timespec ts = {10, 0};
	int s2 = pselect(p[0] + 1, &rs, NULL, NULL, &ts, NULL); /* EOF once it exits */
	int set2 = FD_ISSET(p[0], &rs);
	SAY("select, the child writes: %d, fd set: %s", s1, set1 ? "yes" : "no");
	SAY("pselect, the child exits: %d, fd set: %s, read gives %ld", s2, set2 ? "yes" : "no",
	    (long)read(p[0], buf, 1));
	SAY("  child: %s", t_status(t_wait(c)));
	close(p[0]);

	/* POLLERR on the write end once the reader process has gone; POLLOUT
	 * returns when a reader process drains a full pipe. */
	MUST(pipe(p));
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	static char big[1 << 16];
	long filled = 0, w;
	while ((w = write(p[1], big, sizeof big)) > 0)
		filled += w;
	pf = (struct pollfd){p[1], POLLOUT, 0};
	int f0 = poll(&pf, 1, 0);
	short fe0 = pf.revents;
	MUST(pipe(go));
	c = t_fork();
	if (c == 0) {
		close(p[1]);
		close(go[1]);
		t_sleep_ms(30);
		long got = t_readn(p[0], big, sizeof big);
		t_await_fd(go[0]); /* stay until the parent has polled */
		t_exit(got == sizeof big ? 0 : 1);
	}
	close(p[0]);
	close(go[0]);
	int f1 = poll(&pf, 1, 10000);
	short fe1 = pf.revents;
	t_signal_fd(go[1]);
	close(go[1]);
	int st = t_wait(c);
	int f2 = poll(&pf, 1, 10000);
	short fe2 = pf.revents;
	SAY("full pipe (%ld bytes): poll POLLOUT: %d %s", filled, f0, rev(fe0));
	SAY("  a reader process drains it: %d %s", f1, rev(fe1));
	SAY("  the reader exits (%s): %d %s", t_status(st), f2, rev(fe2));
	close(p[1]);

	/* ppoll and pselect with SIGUSR1 unblocked only while waiting: the
	 * other process's signal interrupts them. */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	sigset_t blk, during;
	sigemptyset(&blk);
	sigaddset(&blk, SIGUSR1);
	sigprocmask(SIG_BLOCK, &blk, &during);
	MUST(pipe(p));
	pid_t parent = getpid();
	for (int k = 0; k < 2; k++) {
		hits = 0;
		c = t_fork();
		if (c == 0) {
			t_sleep_ms(30);
			kill(parent, SIGUSR1);
			t_exit(0);
		}
		int r;
		errno = 0;
		if (k == 0) {
			pf = (struct pollfd){p[0], POLLIN, 0};
			struct timespec t10 = {10, 0};
			r = ppoll(&pf, 1, &t10, &during);
		} else {
			FD_ZERO(&rs);
			FD_SET(p[0], &rs);
			struct timespec t10 = {10, 0};
			r = pselect(p[0] + 1, &rs, NULL, NULL, &t10, &during);
		}
		int e = errno;
		sigset_t now;
		sigprocmask(SIG_BLOCK, NULL, &now);
		SAY("%s interrupted by the other process: %d %s, handler ran %d, mask restored: %s",
		    k ? "pselect" : "ppoll", r, errname(e), (int)hits,
		    sigismember(&now, SIGUSR1) ? "yes" : "no");
		SAY("  sender: %s", t_status(t_wait(c)));
	}
	sigprocmask(SIG_SETMASK, &during, NULL);
	close(p[0]);
	close(p[1]);
}

static void show_file(const char *label, const char *path)
{
	char buf[512];
	long n = t_slurp(path, buf, sizeof buf);
	t_print_bytes(label, buf, n);
}

/* Parent and child write in turns through one fd with a shared offset. */
static void shared_offset(const char *path)
{
	int fd, a[2], b[2];
	MUST(fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644));
	MUST(pipe(a));
	MUST(pipe(b));
	MUST(write(fd, "P0\n", 3));
	pid_t c = t_fork();
	if (c == 0) {
		char line[8];
		for (int i = 1; i <= 4; i++) {
			t_await_fd(a[0]);
			int n = snprintf(line, sizeof line, "C%d\n", i);
			if (write(fd, line, n) != n)
				t_exit(1);
			t_signal_fd(b[1]);
		}
		t_exit(0);
	}
	char line[8];
	long offs[4];
	for (int i = 1; i <= 4; i++) {
		t_signal_fd(a[1]);
		t_await_fd(b[0]);
		offs[i - 1] = lseek(fd, 0, SEEK_CUR); /* moved by the child's write */
		int n = snprintf(line, sizeof line, "P%d\n", i);
		MUST(write(fd, line, n));
	}
	int st = t_wait(c);
	SAY("shared offset in %s: child %s, offsets seen after the child's writes: %ld %ld %ld %ld",
	    strncmp(path, "/tmp", 4) ? "the work dir" : "/tmp", t_status(st), offs[0], offs[1],
	    offs[2], offs[3]);
	/* A child's lseek moves the parent's offset too. */
	c = t_fork();
	if (c == 0)
		t_exit(lseek(fd, 3, SEEK_SET) == 3 ? 0 : 1);
	t_wait(c);
	SAY("  after the child's lseek(3): parent at %ld", (long)lseek(fd, 0, SEEK_CUR));
	/* A separate open in the child has its own offset (writes at 0). */
	c = t_fork();
	if (c == 0) {
		int fd2 = open(path, O_WRONLY);
		t_exit(fd2 >= 0 && write(fd2, "XX", 2) == 2 ? 0 : 1);
	}
	t_wait(c);
	SAY("  the parent's offset after the child's own open and write: %ld",
	    (long)lseek(fd, 0, SEEK_CUR));
	close(fd);
	show_file("  file", path);
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
}

static void tmpfs_visibility(void)
{
	char dir[] = "/tmp/nto-proc-pipes.XXXXXX", path[64], path2[64], sub[64];
	if (!mkdtemp(dir))
		SETUP_FAIL("mkdtemp");
	snprintf(path, sizeof path, "%s/from-child", dir);
	snprintf(path2, sizeof path2, "%s/renamed", dir);
	snprintf(sub, sizeof sub, "%s/subdir", dir);
	pid_t c = t_fork();
	if (c == 0) {
		t_write_file(path, "written by the child\n");
		if (mkdir(sub, 0700) < 0)
			t_exit(2);
		t_write_file(path2, "to be renamed\n");
		char p3[80];
		snprintf(p3, sizeof p3, "%s/moved", sub);
		t_exit(rename(path2, p3) < 0 ? 3 : 0);
	}
	SAY("tmpfs writer: %s", t_status(t_wait(c)));
	show_file("  parent reads the child's /tmp file", path);
	struct stat sb;
	char moved[80];
	snprintf(moved, sizeof moved, "%s/moved", sub);
	CHECK("  stat the child's renamed file (size)", stat(moved, &sb) == 0 ? sb.st_size : -1);
	CHECK("  stat the old name", stat(path2, &sb));
	CHECK("  stat the child's dir (mode)", stat(sub, &sb) == 0 ? (long)(sb.st_mode & 0777) : -1);
	/* and the other way round: the parent deletes, the child sees it gone */
	unlink(path);
	c = t_fork();
	if (c == 0)
		t_exit(access(path, F_OK) == 0 ? 1 : errno == ENOENT ? 0 : 2);
	SAY("  child after the parent's unlink: %s", t_status(t_wait(c)));
	unlink(moved);
	rmdir(sub);
	CHECK("  rmdir the temp dir", rmdir(dir));
}

static void dup2_exec(char *self)
{
	int in[2], out[2];
	MUST(pipe(in));
	MUST(pipe(out));
	pid_t c = t_fork();
	if (c == 0) {
		MUST(dup2(in[0], 0));
		MUST(dup2(out[1], 1));
		MUST(dup2(out[1], 2));
		t_close_fds_except(-1, -1);
		char *args[] = {self, "upper", NULL};
		execv("/proc/self/exe", args);
		t_exit(127);
	}
	close(in[0]);
	close(out[1]);
	const char *text = "through a pipe onto stdin,\nand back from stdout\n";
	t_writen(in[1], text, strlen(text));
	close(in[1]);
	char buf[512];
	long n = t_readn(out[0], buf, sizeof buf);
	close(out[0]);
	SAY("dup2 + exec: child %s", t_status(t_wait(c)));
	t_print_bytes("  its stdout and stderr", buf, n);
}

static int upper(void)
{
	char buf[256];
	long n, total = 0;
	while ((n = read(0, buf, sizeof buf)) > 0) {
		for (long i = 0; i < n; i++)
			if (buf[i] >= 'a' && buf[i] <= 'z')
				buf[i] -= 32;
		t_writen(1, buf, n);
		total += n;
	}
	fprintf(stderr, "[%ld bytes on stderr's fd 2]\n", total);
	return 5;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "upper") == 0)
		return upper();
	setvbuf(stdout, NULL, _IOFBF, 1 << 14);
	pingpong();
	woken_read();
	polling();
	shared_offset("shared.txt");
	char tmpf[] = "/tmp/nto-proc-shared.XXXXXX";
	int fd = mkstemp(tmpf);
	if (fd < 0)
		SETUP_FAIL("mkstemp");
	close(fd);
	shared_offset(tmpf);
	unlink(tmpf);
	tmpfs_visibility();
	dup2_exec(argv[0]);
	return 0;
}
