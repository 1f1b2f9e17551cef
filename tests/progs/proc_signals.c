/* Signals between processes: a blocked signal sent by another process
 * stays pending (once, however often it was sent) until unblocked, then
 * the handler runs before sigprocmask returns; queued real-time signals
 * from sigqueue arrive in order with their values, si_code SI_QUEUE and the
 * sender's pid; a read on an empty pipe interrupted by a signal from
 * another process fails with EINTR without SA_RESTART and is restarted
 * with it; SIGPIPE/EPIPE once the reader process has exited (ignored,
 * handled, default: the writer dies); sigsuspend woken by another process;
 * a signal's default action kills a child blocked in read. */
//! multiproc: yes
//! timeout: 60
#include "proc.h"

static volatile sig_atomic_t hits;
static volatile int rt_vals[8], rt_codes[8], rt_pids[8], nrt;

static void on_sig(int s)
{
	(void)s;
	hits++;
}

static void on_rt(int s, siginfo_t *si, void *c)
{
	(void)s;
	(void)c;
	if (nrt < 8) {
		rt_vals[nrt] = si->si_value.sival_int;
		rt_codes[nrt] = si->si_code;
		rt_pids[nrt] = si->si_pid;
		nrt++;
	}
}

static void set_handler(int sig, void (*h)(int), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = h;
	sa.sa_flags = flags;
	MUST(sigaction(sig, &sa, NULL));
}

static void blocked_pending(void)
{
	int up[2], down[2];
	MUST(pipe(up));
	MUST(pipe(down));
	pid_t parent = getpid();
	pid_t c = t_fork();
	if (c == 0) {
		sigset_t m, p;
		struct sigaction sa;
		sigemptyset(&m);
		sigaddset(&m, SIGUSR1);
		sigaddset(&m, SIGRTMIN);
		sigprocmask(SIG_BLOCK, &m, NULL);
		hits = 0;
		set_handler(SIGUSR1, on_sig, 0);
		memset(&sa, 0, sizeof sa);
		sa.sa_sigaction = on_rt;
		sa.sa_flags = SA_SIGINFO;
		sigaction(SIGRTMIN, &sa, NULL);
		t_signal_fd(up[1]);
		t_await_fd(down[0]); /* the parent has sent everything */
		sigpending(&p);
		SAY("child: SIGUSR1 pending: %s, SIGRTMIN pending: %s, handler ran %d",
		    sigismember(&p, SIGUSR1) ? "yes" : "no", sigismember(&p, SIGRTMIN) ? "yes" : "no",
		    (int)hits);
		sigprocmask(SIG_UNBLOCK, &m, NULL);
		SAY("child: after unblocking, SIGUSR1 handler ran %d time(s)", (int)hits);
		SAY("child: %d SIGRTMIN deliveries:", nrt);
		for (int i = 0; i < nrt; i++)
			SAY("child:   value %d, si_code %s, si_pid == parent: %s", rt_vals[i],
			    cld_code(rt_codes[i]), rt_pids[i] == parent ? "yes" : "no");
		sigpending(&p);
		SAY("child: still pending: %s", sigismember(&p, SIGUSR1) ? "yes" : "no");
		t_exit(0);
	}
	t_await_fd(up[0]);
	int k1 = kill(c, SIGUSR1), k2 = kill(c, SIGUSR1);
	for (int i = 1; i <= 3; i++) {
		union sigval v = {.sival_int = 100 * i};
		MUST(sigqueue(c, SIGRTMIN, v));
	}
	t_signal_fd(down[1]);
	SAY("blocked-pending child: %s", t_status(t_wait(c)));
	SAY("  the two kills returned %d and %d", k1, k2);
	close(up[0]);
	close(up[1]);
	close(down[0]);
	close(down[1]);
}

/* A child blocked reading an empty pipe, hit by SIGUSR1 from the parent. */
static void interrupted_read(int restart)
{
	int data[2], up[2], res[2];
	MUST(pipe(data));
	MUST(pipe(up));
	MUST(pipe(res));
	pid_t c = t_fork();
	if (c == 0) {
		char buf[16];
		hits = 0;
		set_handler(SIGUSR1, on_sig, restart ? SA_RESTART : 0);
		close(data[1]);
		t_signal_fd(up[1]);
		errno = 0;
		long n = read(data[0], buf, sizeof buf);
		int e = errno;
		long out[2] = {n, e};
		t_writen(res[1], out, sizeof out);
		SAY("child (%s): read returned %ld %s, data %.*s, handler ran: %s",
		    restart ? "SA_RESTART" : "no SA_RESTART", n, n < 0 ? errname(e) : "",
		    n > 0 ? (int)n : 0, buf, hits ? "yes" : "no");
		t_exit(0);
	}
	close(data[0]);
	close(res[1]);
	t_await_fd(up[0]);
	t_sleep_ms(100); /* let it block in read */
	/* Resend until the read has reported (a signal that lands before the
	 * read only runs the handler); with SA_RESTART, send 3 then write. */
	long out[2];
	if (restart) {
		for (int i = 0; i < 3; i++) {
			kill(c, SIGUSR1);
			t_sleep_ms(30);
		}
		t_writen(data[1], "payload", 7);
		MUST(t_readn(res[0], out, sizeof out));
	} else {
		for (;;) {
			kill(c, SIGUSR1);
			struct timespec ts = {0, 50 * 1000000L};
			fd_set r;
			FD_ZERO(&r);
			FD_SET(res[0], &r);
			if (pselect(res[0] + 1, &r, NULL, NULL, &ts, NULL) > 0)
				break;
		}
		MUST(t_readn(res[0], out, sizeof out));
	}
	SAY("interrupted read (%s): %s", restart ? "SA_RESTART" : "no SA_RESTART",
	    t_status(t_wait(c)));
	close(data[1]);
	close(res[0]);
	close(up[0]);
	close(up[1]);
}

static void sigpipe_cases(void)
{
	int p[2];
	char buf[8];

	/* The reader process reads once and exits. */
	MUST(pipe(p));
	pid_t c = t_fork();
	if (c == 0) {
		close(p[1]);
		long n = t_readn(p[0], buf, 5);
		t_exit(n == 5 && memcmp(buf, "hello", 5) == 0 ? 0 : 1);
	}
	close(p[0]);
	CHECK("write to the reader process", write(p[1], "hello", 5));
	SAY("reader: %s", t_status(t_wait(c)));

	signal(SIGPIPE, SIG_IGN);
	CHECK("write after the reader exited, SIGPIPE ignored", write(p[1], "x", 1));
	hits = 0;
	set_handler(SIGPIPE, on_sig, 0);
	CHECK("write after the reader exited, SIGPIPE handled", write(p[1], "x", 1));
	SAY("  SIGPIPE handler ran: %s", hits ? "yes" : "no");

	/* A writer child with the default action dies of SIGPIPE. */
	c = t_fork();
	if (c == 0) {
		signal(SIGPIPE, SIG_DFL);
		write(p[1], "x", 1);
		t_exit(1);
	}
	SAY("writer child with SIGPIPE default: %s", t_status(t_wait(c)));
	close(p[1]);

	/* The reader exits while the writer is blocked on a full pipe. */
	MUST(pipe(p));
	c = t_fork();
	if (c == 0) {
		close(p[0]);
		signal(SIGPIPE, SIG_IGN);
		static char big[256 * 1024];
		long total = 0, n;
		while ((n = write(p[1], big, sizeof big)) > 0)
			total += n;
		SAY("blocked writer: write returned %ld %s after the reader left", n,
		    n < 0 ? errname(errno) : "");
		t_exit(0);
	}
	close(p[1]);
	t_sleep_ms(100);
	int r = read(p[0], buf, 1); /* the reader takes a byte, then leaves */
	close(p[0]);
	SAY("blocked writer: %s (the reader took %d byte first)", t_status(t_wait(c)), r);
	signal(SIGPIPE, SIG_DFL);
}

static void sigsuspend_woken(void)
{
	sigset_t m, old;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR2);
	sigprocmask(SIG_BLOCK, &m, &old);
	hits = 0;
	set_handler(SIGUSR2, on_sig, 0);
	pid_t parent = getpid();
	pid_t c = t_fork();
	if (c == 0) {
		t_sleep_ms(50);
		kill(parent, SIGUSR2);
		t_exit(0);
	}
	int r = sigsuspend(&old);
	SAY("sigsuspend woken by the child: %d %s, handler ran %d", r, errname(errno), (int)hits);
	SAY("  sender: %s", t_status(t_wait(c)));
	sigprocmask(SIG_SETMASK, &old, NULL);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOFBF, 1 << 14);
	blocked_pending();
	interrupted_read(0);
	interrupted_read(1);
	sigpipe_cases();
	sigsuspend_woken();

	/* default actions on a child blocked in read */
	int sigs[] = {SIGTERM, SIGHUP, SIGQUIT};
	for (int i = 0; i < 3; i++) {
		int p[2];
		MUST(pipe(p));
		pid_t c = t_fork();
		if (c == 0) {
			char ch;
			close(p[1]);
			read(p[0], &ch, 1);
			t_exit(0);
		}
		close(p[0]);
		t_sleep_ms(20);
		kill(c, sigs[i]);
		SAY("%s to a reader: %s", signame(sigs[i]), t_status(t_wait(c)));
		close(p[1]);
	}
	return 0;
}
