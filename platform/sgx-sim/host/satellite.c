/*
 * The untrusted side of satellites: the enclaves that forked processes run
 * in (docs/processes.md). The launcher of the first enclave (the leader)
 * asks a zygote process for a new host process per fork; that process
 * creates a fresh enclave from the same runtime and runs one host thread
 * per channel the leader opens to it. The launcher only moves sealed frames
 * between sockets: it can drop or delay them, not read or forge them.
 *
 * Sockets: leader <-> zygote (SEQPACKET; carries a control socket per new
 * satellite), leader <-> satellite control (SEQPACKET; new threads with
 * their channel socket, kicks; its end ends the satellite), and one
 * SEQPACKET socket per channel (a message is a sealed frame).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "host.h"

#define MAX_SATS  1024
#define MAX_CHANS 2048
#define ZYGOTE_FD 3
#ifndef SPIN_NS
#define SPIN_NS 20000
#endif

extern char **environ;

enum { CTL_THREAD = 1, CTL_KICK = 2 };

struct ctl_msg {
	uint32_t op;
	uint32_t cid; /* the channel's number within its satellite */
	uint8_t id[16];
};

struct hchan {
	int fd; /* -1: free */
	int sat;
	uint32_t cid;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct hchan chans[MAX_CHANS];
static bool chans_ready;
static int sat_ctl[MAX_SATS]; /* control socket + 1; 0: free */
static uint32_t sat_next_cid[MAX_SATS];
static int slot_chan[SGXSIM_MAX_THREADS]; /* channel + 1 a leader slot serves; 0: none */
static int zygote = -1;

/* Satellite side: which channel each slot serves, and parked slots. */
static uint32_t slot_cid[SGXSIM_MAX_THREADS];
static bool slot_used[SGXSIM_MAX_THREADS];
static int slot_next[SGXSIM_MAX_THREADS]; /* channel + 1 handed to a parked slot */
static pthread_cond_t park_cond = PTHREAD_COND_INITIALIZER;
static bool sat_side; /* this process is a satellite's launcher */
static uint8_t park_ids[SGXSIM_MAX_THREADS][16];

static void chans_init(void)
{
	if (chans_ready)
		return;
	for (int i = 0; i < MAX_CHANS; i++)
		chans[i].fd = -1;
	chans_ready = true;
}

/* Under lock. */
static int chan_add(int fd, int sat, uint32_t cid)
{
	chans_init();
	for (int i = 0; i < MAX_CHANS; i++) {
		if (chans[i].fd < 0) {
			chans[i] = (struct hchan){fd, sat, cid};
			return i;
		}
	}
	return -EMFILE;
}

static int chan_fd(int64_t h)
{
	int fd;

	if (h < 0 || h >= MAX_CHANS)
		return -1;
	pthread_mutex_lock(&lock);
	fd = chans_ready ? chans[h].fd : -1;
	pthread_mutex_unlock(&lock);
	return fd;
}

static int send_fd(int sock, const struct ctl_msg *m, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec iov = {(void *)m, sizeof(*m)};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};

	if (fd >= 0) {
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	for (;;) {
		ssize_t n = sendmsg(sock, &mh, MSG_NOSIGNAL);
		if (n == (ssize_t)sizeof(*m))
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		return -EPIPE;
	}
}

/* Receives one control message and the descriptor it may carry (*fd, or -1). */
static ssize_t recv_fd(int sock, struct ctl_msg *m, int *fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {m, sizeof(*m)};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf)};
	ssize_t n;

	*fd = -1;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); n > 0 && c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(c), sizeof(int));
	}
	if (n != (ssize_t)sizeof(*m) && *fd >= 0) {
		close(*fd);
		*fd = -1;
	}
	return n == (ssize_t)sizeof(*m) ? n : (n < 0 ? -1 : 0);
}


/* A hostile host, for the tests: NTO_SGXSIM_TAMPER=N flips a bit in the
 * Nth frame this launcher carries (counting from 1). The enclaves must
 * notice and end the process whose channel it was, and nothing else. */
static void maybe_tamper(uint8_t *data, uint32_t len)
{
	static long nth = -1, count;
	const char *e;

	if (nth < 0) {
		e = getenv("NTO_SGXSIM_TAMPER");
		nth = e ? atol(e) : 0;
	}
	if (nth && __atomic_add_fetch(&count, 1, __ATOMIC_RELAXED) == nth && len) {
		data[len / 2] ^= 0x10;
		fprintf(stderr, "nto: sgx-sim host: tampered with frame %ld\n", nth);
	}
}

static int64_t chan_send(int64_t h, const struct hc_msg *q, uint8_t *data)
{
	int fd = chan_fd(h);
	uint32_t len = q->len;

	if (fd < 0 || len > SGXSIM_FRAME_MAX)
		return -EBADF;
	maybe_tamper(data, len);
	for (;;) {
		ssize_t r = send(fd, data, len, MSG_NOSIGNAL);
		if (r == (ssize_t)len)
			return 0;
		if (r < 0 && errno == EINTR)
			continue; /* kicks land here too */
		return -EPIPE;
	}
}

/* Several frames, each after its length, each sent as its own message. */
static int64_t chan_sendv(int64_t h, const struct hc_msg *q, uint8_t *data)
{
	struct hc_msg one = *q;

	for (uint32_t off = 0; off < q->len;) {
		uint32_t n;
		if (q->len - off < sizeof(n))
			return -EINVAL;
		memcpy(&n, data + off, sizeof(n));
		off += sizeof(n);
		if (n > q->len - off)
			return -EINVAL;
		one.len = n;
		int64_t r = chan_send(h, &one, data + off);
		if (r < 0)
			return r;
		off += n;
	}
	return 0;
}

static int64_t chan_recv(int64_t h, const struct hc_msg *q, uint8_t *out, uint32_t *rlen)
{
	int fd = chan_fd(h);
	uint32_t cap = q->cap < SGXSIM_FRAME_MAX ? q->cap : SGXSIM_FRAME_MAX;
	ssize_t r;

	if (fd < 0)
		return -EBADF;
	/* A satellite waiting for its resume often gets it within
	 * microseconds: it polls a little before sleeping, as a wake-up costs
	 * more than that here. (The leader's side does not: its wait lasts as
	 * long as the program runs, and a spinning thread takes a CPU from the
	 * work it waits for.) */
	struct timespec t0, t1;
	int64_t spin = sat_side ? SPIN_NS : 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		r = recv(fd, out, cap, MSG_TRUNC | MSG_DONTWAIT);
		if (r >= 0 || (errno != EAGAIN && errno != EINTR))
			break;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if ((t1.tv_sec - t0.tv_sec) * 1000000000L + (t1.tv_nsec - t0.tv_nsec) >= spin) {
			do
				r = recv(fd, out, cap, MSG_TRUNC);
			while (r < 0 && errno == EINTR);
			break;
		}
		sched_yield();
	}
	if (r <= 0)
		return -EPIPE;
	if ((size_t)r > cap)
		return -EPROTO;
	*rlen = (uint32_t)r;
	return 0;
}

/* ---- the leader's launcher ---- */

/* The zygote is nto itself, started once on the first fork: a small
 * single-threaded process that can fork satellites cheaply at any time. */
static int start_zygote(void)
{
	int sv[2];
	posix_spawn_file_actions_t fa;
	char *argv[] = {"nto", "--sgxsim-zygote", NULL};
	pid_t pid;
	int r;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, sv[1], ZYGOTE_FD);
	r = posix_spawn(&pid, "/proc/self/exe", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(sv[1]);
	if (r) {
		close(sv[0]);
		return -r;
	}
	zygote = sv[0];
	return 0;
}

/* Takes the zygote's spare satellite (booted ahead of time: its control
 * socket is already waiting on the zygote's) and makes it the new one;
 * the token sent back asks the zygote for the next spare. */
static int64_t sat_spawn(void)
{
	struct ctl_msg m = {0};
	int s, r, ctl = -1;

	pthread_mutex_lock(&lock);
	r = zygote < 0 ? start_zygote() : 0;
	for (s = 0; r == 0 && s < MAX_SATS && sat_ctl[s]; s++)
		;
	if (r == 0 && s == MAX_SATS)
		r = -EAGAIN;
	if (r == 0 && (recv_fd(zygote, &m, &ctl) <= 0 || ctl < 0 || send_fd(zygote, &m, -1) < 0))
		r = -EAGAIN;
	if (r == 0) {
		sat_ctl[s] = ctl + 1;
		sat_next_cid[s] = 0;
	}
	pthread_mutex_unlock(&lock);
	return r < 0 ? r : s;
}

static int64_t sat_kill(int64_t s)
{
	if (s < 0 || s >= MAX_SATS)
		return -EINVAL;
	pthread_mutex_lock(&lock);
	if (sat_ctl[s])
		close(sat_ctl[s] - 1); /* the satellite ends when it sees this */
	sat_ctl[s] = 0;
	pthread_mutex_unlock(&lock);
	return 0;
}

static int64_t chan_open(int64_t s, int64_t id0, int64_t id1)
{
	struct ctl_msg m = {.op = CTL_THREAD};
	int sv[2], h = -EINVAL;

	memcpy(m.id, &id0, 8);
	memcpy(m.id + 8, &id1, 8);
	if (s < 0 || s >= MAX_SATS)
		return -EINVAL;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	pthread_mutex_lock(&lock);
	if (sat_ctl[s]) {
		m.cid = sat_next_cid[s]++;
		h = chan_add(sv[0], (int)s, m.cid);
		if (h >= 0 && send_fd(sat_ctl[s] - 1, &m, sv[1]) < 0) {
			chans[h].fd = -1;
			h = -EPIPE;
		}
	}
	pthread_mutex_unlock(&lock);
	close(sv[1]);
	if (h < 0)
		close(sv[0]);
	return h;
}

static int64_t chan_close(int64_t h)
{
	if (h < 0 || h >= MAX_CHANS)
		return -EINVAL;
	pthread_mutex_lock(&lock);
	if (chans_ready && chans[h].fd >= 0) {
		close(chans[h].fd);
		chans[h].fd = -1;
	}
	for (int i = 0; i < SGXSIM_MAX_THREADS; i++) {
		if (slot_chan[i] == h + 1)
			slot_chan[i] = 0;
	}
	pthread_mutex_unlock(&lock);
	return 0;
}

static int64_t chan_bind(int64_t slot, int64_t h)
{
	if (slot < 0 || slot >= SGXSIM_MAX_THREADS || h < -1 || h >= MAX_CHANS)
		return -EINVAL;
	pthread_mutex_lock(&lock);
	slot_chan[slot] = (int)h + 1;
	pthread_mutex_unlock(&lock);
	return 0;
}

bool sgxsim_kick_remote(uint64_t slot)
{
	struct ctl_msg m = {.op = CTL_KICK};
	bool remote = false;

	pthread_mutex_lock(&lock);
	if (slot < SGXSIM_MAX_THREADS && slot_chan[slot]) {
		struct hchan *c = &chans[slot_chan[slot] - 1];
		remote = true;
		m.cid = c->cid;
		if (c->fd >= 0 && sat_ctl[c->sat])
			send_fd(sat_ctl[c->sat] - 1, &m, -1);
	}
	pthread_mutex_unlock(&lock);
	return remote;
}

/* Which of [addr, addr + pages) the program has touched: untouched pages
 * read as zeros, so a fork need not carry them. */
static int64_t resident(uint64_t addr, uint64_t pages, uint8_t *out, uint32_t cap, uint32_t *rlen)
{
	if (pages > cap || addr < SGXSIM_USER_MIN || addr + pages * 4096 > SGXSIM_USER_MAX ||
	    addr + pages * 4096 < addr)
		return -EINVAL;
	if (mincore((void *)addr, pages * 4096, out) < 0)
		return -errno;
	for (uint64_t i = 0; i < pages; i++)
		out[i] &= 1;
	*rlen = (uint32_t)pages;
	return (int64_t)pages;
}

/* ---- a satellite's launcher ---- */

static void *sat_thread(void *arg);

/* Parks the calling satellite thread's slot until a new channel comes. */
static int64_t thread_park(int64_t old, uint8_t *out, uint32_t *rlen)
{
	int slot = sgxsim_my_slot;
	int h;

	sgxsim_unblock_kicks();
	chan_close(old);
	pthread_mutex_lock(&lock);
	slot_next[slot] = 0;
	slot_used[slot] = false; /* parked: a new channel may take it */
	while (!slot_next[slot])
		pthread_cond_wait(&park_cond, &lock);
	h = slot_next[slot] - 1;
	slot_cid[slot] = chans[h].cid;
	memcpy(out, park_ids[slot], 16);
	pthread_mutex_unlock(&lock);
	*rlen = 16;
	return h;
}

struct sat_start {
	int slot, chan;
	uint8_t id[16];
};


/* Maps st's slot and starts the host thread that enters the enclave there
 * (it frees st). A satellite that cannot start a thread cannot go on. */
static void start_host_thread(struct sat_start *st)
{
	pthread_attr_t at;
	pthread_t t;

	if (sgxsim_map_fixed(SGXSIM_SLOT(st->slot), SGXSIM_SLOT_SIZE, PROT_READ | PROT_WRITE) ==
	    MAP_FAILED)
		_exit(125);
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&at, 256 * 1024);
	if (pthread_create(&t, &at, sat_thread, st))
		_exit(125);
	pthread_attr_destroy(&at);
}

/* A channel for a new thread: a parked slot takes it, or a new host thread. */
static void sat_new_thread(const struct ctl_msg *m, int fd)
{
	struct sat_start *st = malloc(sizeof(*st));
	int h, slot = -1;
	bool fresh = false;

	pthread_mutex_lock(&lock);
	h = chan_add(fd, 0, m->cid);
	for (int i = 0; h >= 0 && i < SGXSIM_MAX_THREADS; i++) {
		if (sgxsim_host_tid[i] && !slot_used[i]) {
			slot = i;
			slot_used[i] = true;
			memcpy(park_ids[i], m->id, 16);
			slot_next[i] = h + 1;
			pthread_cond_broadcast(&park_cond);
			break;
		}
	}
	for (int i = 0; h >= 0 && slot < 0 && i < SGXSIM_MAX_THREADS; i++) {
		if (!sgxsim_host_tid[i] && !slot_used[i]) {
			slot = i;
			slot_used[i] = true;
			slot_cid[i] = m->cid;
			sgxsim_host_tid[i] = -1; /* taken; the thread sets its tid */
			fresh = true;
			break;
		}
	}
	pthread_mutex_unlock(&lock);
	if (h < 0 || slot < 0 || !st) {
		close(fd);
		free(st);
		return;
	}
	if (!fresh) { /* handed to a parked thread */
		free(st);
		return;
	}
	*st = (struct sat_start){slot, h, {0}};
	memcpy(st->id, m->id, 16);
	start_host_thread(st);
}

static void *sat_thread(void *arg)
{
	struct sat_start st = *(struct sat_start *)arg;
	struct sgxsim_ecall *e = sgxsim_thread_block(SGXSIM_SAT_MAGIC, (uint64_t)st.slot);

	free(arg);
	if (!e || sgxsim_arm_thread((uint64_t)st.slot) < 0)
		_exit(125);
	e->chan = st.chan;
	memcpy(e->chan_id, st.id, 16);
	sgxsim_enter(e, (uint64_t)st.slot);
}

static void sat_kick(uint32_t cid)
{
	pthread_mutex_lock(&lock);
	for (int i = 0; i < SGXSIM_MAX_THREADS; i++) {
		if (slot_used[i] && slot_cid[i] == cid && sgxsim_host_tid[i] > 0)
			syscall(SYS_tgkill, getpid(), sgxsim_host_tid[i], SIGSGXSIM_KICK);
	}
	pthread_mutex_unlock(&lock);
}

/* Spares boot at idle priority (see sgxsim_zygote_main); a satellite
 * runs at the normal one from its first thread on, threads it starts
 * after that inherit it. */
static void run_normally(void)
{
	struct sched_param sp = {0};

	sched_setscheduler(0, SCHED_OTHER, &sp);
	for (int i = 0; i < SGXSIM_MAX_THREADS; i++) {
		if (sgxsim_host_tid[i] > 0)
			sched_setscheduler(sgxsim_host_tid[i], SCHED_OTHER, &sp);
	}
}

/* Starts a host thread into the new enclave before any channel exists:
 * it arms the enclave and parks, so a fork finds a satellite ready to go. */
static void sat_prestart(void)
{
	struct sat_start *st = malloc(sizeof(*st));

	if (!st)
		_exit(125);
	*st = (struct sat_start){0, -1, {0}};
	slot_used[0] = true;
	sgxsim_host_tid[0] = -1;
	start_host_thread(st);
}

/* A satellite: a fresh enclave, then the control loop until the leader
 * closes the control socket (the process's end). */
static __attribute__((noreturn)) void sat_main(int ctl)
{
	signal(SIGCHLD, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	sat_side = true;
	if (sgxsim_create_enclave() < 0)
		_exit(125);
	sat_prestart();
	for (bool taken = false;; taken = true) {
		struct ctl_msg m;
		int fd;
		if (recv_fd(ctl, &m, &fd) <= 0)
			_exit(0);
		if (!taken)
			run_normally();
		if (m.op == CTL_THREAD && fd >= 0)
			sat_new_thread(&m, fd);
		else if (m.op == CTL_KICK)
			sat_kick(m.cid);
		else if (fd >= 0)
			close(fd);
	}
}

/* Forks a satellite that boots at once and waits for its leader; returns
 * the leader's end of its control socket. */
static int make_spare(int zfd)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		close(zfd);
		close(sv[0]);
		sat_main(sv[1]);
	}
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		return -1;
	}
	return sv[0];
}

int sgxsim_zygote_main(int fd)
{
	int spare;

	signal(SIGCHLD, SIG_IGN); /* satellites are reaped by the kernel */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	unsetenv("NTO_SGXSIM_TAMPER"); /* the tests' hostile host is the leader's */
	/* Making spares is background work: at idle priority it never takes a
	 * CPU from the programs (a wake of the zygote would otherwise preempt
	 * the forking thread for the length of a host fork). */
	struct sched_param sp = {0};
	sched_setscheduler(0, SCHED_IDLE, &sp);
	sgxsim_measure_runtime(); /* once, for every satellite */
	/* One spare always waits in the socket; each token takes it and asks
	 * for the next, which then boots while the fork that took it goes on. */
	for (;;) {
		struct ctl_msg m = {0};
		int junk;
		spare = make_spare(fd);
		if (spare < 0 || send_fd(fd, &m, spare) < 0)
			_exit(1);
		close(spare);
		if (recv_fd(fd, &m, &junk) <= 0)
			_exit(0);
		if (junk >= 0)
			close(junk);
	}
}

int64_t sgxsim_sat_op(const struct hc_msg *q, struct sgxsim_ocall_buf *b, uint32_t *rlen)
{
	switch (q->op) {
	case SGXSIM_OP_SAT_SPAWN:
		return sat_spawn();
	case SGXSIM_OP_SAT_KILL:
		return sat_kill(q->arg[0]);
	case SGXSIM_OP_CHAN_OPEN:
		return chan_open(q->arg[0], q->arg[1], q->arg[2]);
	case SGXSIM_OP_CHAN_SEND:
		return q->len > HC_MAX_DATA ? -EINVAL : chan_send(q->arg[0], q, b->req_data);
	case SGXSIM_OP_CHAN_SENDV:
		return q->len > HC_MAX_DATA ? -EINVAL : chan_sendv(q->arg[0], q, b->req_data);
	case SGXSIM_OP_CHAN_RECV:
		return chan_recv(q->arg[0], q, b->resp_data, rlen);
	case SGXSIM_OP_CHAN_CLOSE:
		return chan_close(q->arg[0]);
	case SGXSIM_OP_CHAN_BIND:
		return chan_bind(q->arg[0], q->arg[1]);
	case SGXSIM_OP_RESIDENT:
		return resident((uint64_t)q->arg[0], (uint64_t)q->arg[1], b->resp_data,
				q->cap < HC_MAX_DATA ? q->cap : HC_MAX_DATA, rlen);
	case SGXSIM_OP_THREAD_PARK:
		return q->cap < 16 ? -EINVAL : thread_park(q->arg[0], b->resp_data, rlen);
	default:
		return -ENOSYS;
	}
}
