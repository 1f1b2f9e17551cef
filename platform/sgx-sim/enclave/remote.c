/*
 * Satellites: the enclaves that forked processes run in (docs/processes.md).
 *
 * An enclave cannot be copied, so a child process gets a new enclave built
 * from the same runtime: a satellite. The core runs only in the first
 * enclave (the leader); a satellite holds just its program's memory and
 * threads. Each satellite thread is paired with a slot in the leader over
 * a sealed channel: the satellite sends the program's events (a syscall, a
 * fault, a kick) with its registers; the leader's slot runs the core for
 * it, reaching the program's memory with requests the satellite serves
 * (read, write, map, protect), and finally resumes it with new registers.
 * So every syscall body runs unchanged, in one place, under one lock.
 *
 * Trust: both ends are the same measured runtime and share the channel key
 * (chan_crypto.h); the host only carries sealed frames. The leader is the
 * satellite's kernel, so the satellite obeys it, checking only that what
 * it is told to touch is program memory.
 */
#include <nto/hal.h>
#include <nto/kernel.h>
#include "chan_crypto.h"
#include "runtime.h"

#define MAX_ECHANS 1024

struct echan {
	int used;      /* 0 free, 1 taken (atomic) */
	int64_t handle; /* the host's name for its socket */
	bool broken;   /* a send or receive failed: the peer is gone */
	int64_t err;   /* satellite: the first failure of an unanswered request */
	struct chan_crypto cc;
};

struct hal_as {
	int64_t sat;    /* the host's name for the satellite */
	int first_chan; /* +1: the channel the fork filled memory over, for the first thread */
	int threads;    /* slots bound to it (atomic: threads leave without the core lock) */
	bool dead;      /* destroyed: freed when its last slot lets go */
};

/* Leader: a slot that serves a satellite thread. */
struct rslot {
	int chan; /* +1; 0: the slot's program runs here */
	bool tls_dirty;
	/* The FPU state stays in the satellite unless needed: ctx.fpu holds it
	 * when fpu_here, and goes back with the resume when fpu_dirty. */
	bool fpu_here, fpu_dirty;
	struct sat_ctx ctx;
	uptr pf_addr; /* program memory the satellite sent with this syscall */
	size_t pf_len;
	uint8_t *pf;  /* SAT_PREFETCH_MAX bytes (core heap), or NULL */
	struct hal_as *as;
};

static struct echan echans[MAX_ECHANS];
static struct rslot rslots[SGXSIM_MAX_THREADS];
bool rt_satellite;
static int sat_chan[SGXSIM_MAX_THREADS]; /* satellite: each slot's channel + 1 */

/* Leader: frames that need no answer wait in the slot's outbox and go out
 * with the next one that does (or a resume) in one host call, so the
 * satellite wakes once for a fault's fill or a read's data, not per frame. */
#define OUTBOX_MAX HC_MAX_DATA
struct outbox {
	int chan;
	size_t len;
	uint8_t *buf; /* OUTBOX_MAX bytes (core heap), or NULL: send at once */
};

static struct outbox outboxes[SGXSIM_MAX_THREADS];

static void broken(int ci);

static uint64_t next_seq(void)
{
	static uint64_t seq = 5ULL << 60;

	return __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED);
}

static int echan_new(int64_t handle, const uint8_t id[CHAN_ID_SIZE], bool leader)
{
	for (int i = 0; i < MAX_ECHANS; i++) {
		int zero = 0;
		if (!__atomic_compare_exchange_n(&echans[i].used, &zero, 1, false, __ATOMIC_ACQUIRE,
						 __ATOMIC_RELAXED))
			continue;
		echans[i].handle = handle;
		echans[i].broken = false;
		echans[i].err = 0;
		if (chan_crypto_init(&echans[i].cc, rt_mrenclave, id, leader) < 0) {
			__atomic_store_n(&echans[i].used, 0, __ATOMIC_RELEASE);
			return -ENOMEM;
		}
		return i;
	}
	return -EMFILE;
}

/* A channel failed: a forged, replayed or lost frame, or the peer is gone.
 * Said once per channel, on the leader (a satellite has no console). */
static void broken(int ci)
{
	if (!echans[ci].broken && !rt_satellite)
		klog("sgx-sim: a process's enclave channel failed (a forged, lost or "
		     "misordered frame, or the enclave is gone): ending the process");
	echans[ci].broken = true;
}

static void echan_free(int i)
{
	chan_crypto_wipe(&echans[i].cc);
	__atomic_store_n(&echans[i].used, 0, __ATOMIC_RELEASE);
}

/* Sends what waits in the calling slot's outbox. */
static int flush(void)
{
	struct outbox *o = &outboxes[self_slot()];
	struct hc_msg req = {.magic = HC_MAGIC, .op = SGXSIM_OP_CHAN_SENDV};
	struct hc_msg resp;

	if (!o->len)
		return 0;
	req.arg[0] = echans[o->chan].handle;
	req.len = (uint32_t)o->len;
	req.seq = next_seq();
	o->len = 0;
	if (hal_hostcall(&req, o->buf, req.len, &resp, NULL, 0) < 0 || resp.ret < 0) {
		broken(o->chan);
		return -EPIPE;
	}
	return 0;
}

static bool needs_no_answer(uint32_t type, uint64_t a2)
{
	return type == SAT_WRITE ||
	       ((type == SAT_MAP || type == SAT_PROTECT || type == SAT_UNMAP) && (a2 & SAT_NOREPLY));
}

/* Leader: queues a sealed frame of len bytes (in the staging buffer) in
 * the outbox; sends it all now unless the frame needs no answer. */
static int queue_frame(int ci, size_t len, bool later)
{
	struct outbox *o = &outboxes[self_slot()];
	uint32_t n = (uint32_t)len;

	if (o->len && (o->chan != ci || o->len + sizeof(n) + len > OUTBOX_MAX) && flush() < 0)
		return -EPIPE;
	o->chan = ci;
	memcpy(o->buf + o->len, &n, sizeof(n));
	memcpy(o->buf + o->len + sizeof(n), self_staging(), len);
	o->len += sizeof(n) + len;
	return later ? 0 : flush();
}

/* Sends one message: a header, then p[0..n) (p may already be in place
 * in the staging buffer, right after the header). */
static int ch_send(int ci, uint32_t type, uint64_t a0, uint64_t a1, uint64_t a2, const void *p,
		   size_t n)
{
	struct echan *c = &echans[ci];
	uint8_t *st = self_staging();
	struct sat_hdr h = {type, (uint32_t)n, {a0, a1, a2}};
	size_t len = sizeof(h) + n;
	struct hc_msg req = {.magic = HC_MAGIC, .op = SGXSIM_OP_CHAN_SEND, .arg = {c->handle}};
	struct hc_msg resp;

	if (c->broken || len + CHAN_TAG_SIZE > SGXSIM_FRAME_MAX)
		return -EPIPE;
	memcpy(st, &h, sizeof(h));
	if (n && p != st + sizeof(h))
		memcpy(st + sizeof(h), p, n);
	req.len = (uint32_t)(len + CHAN_TAG_SIZE);
	req.seq = next_seq();
	if (chan_seal(&c->cc, st, len, st + len) < 0) {
		broken(ci);
		return -EPIPE;
	}
	struct outbox *o = &outboxes[self_slot()];
	if (!rt_satellite && !o->buf)
		o->buf = kmalloc(OUTBOX_MAX);
	if (!rt_satellite && o->buf)
		return queue_frame(ci, req.len, needs_no_answer(type, a2));
	if (hal_hostcall(&req, st, req.len, &resp, NULL, 0) < 0 || resp.ret < 0) {
		broken(ci);
		return -EPIPE;
	}
	return 0;
}

/* Receives one message into the staging buffer: its header in *h and its
 * payload at *payload (valid until the next send or receive). */
static int ch_recv(int ci, struct sat_hdr *h, const uint8_t **payload)
{
	struct echan *c = &echans[ci];
	uint8_t *st = self_staging();
	struct hc_msg req = {.magic = HC_MAGIC, .op = SGXSIM_OP_CHAN_RECV, .arg = {c->handle}};
	struct hc_msg resp;
	size_t n;

	if (c->broken || (!rt_satellite && flush() < 0))
		return -EPIPE;
	req.seq = next_seq();
	/* hal_hostcall copies the frame in before anything looks at it. */
	if (hal_hostcall(&req, NULL, 0, &resp, st, SGXSIM_FRAME_MAX) < 0 || resp.ret < 0)
		goto broken;
	n = resp.len;
	if (n < sizeof(*h) + CHAN_TAG_SIZE ||
	    chan_open(&c->cc, st, n - CHAN_TAG_SIZE, st + n - CHAN_TAG_SIZE) < 0)
		goto broken;
	memcpy(h, st, sizeof(*h));
	if (h->len != n - CHAN_TAG_SIZE - sizeof(*h))
		goto broken;
	*payload = st + sizeof(*h);
	return 0;
broken:
	broken(ci);
	return -EPIPE;
}

/* Receives a message that must be of type want (and carry len bytes, when
 * len is not -1). */
static int ch_expect(int ci, uint32_t want, long len, struct sat_hdr *h, const uint8_t **p)
{
	if (ch_recv(ci, h, p) < 0)
		return -EPIPE;
	if (h->type != want || (len >= 0 && h->len != (uint32_t)len)) {
		broken(ci);
		return -EPROTO;
	}
	return 0;
}

/* A request that the peer answers with SAT_RET. */
static int64_t ch_call(int ci, uint32_t type, uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct sat_hdr h;
	const uint8_t *p;

	if (ch_send(ci, type, a0, a1, a2, NULL, 0) < 0 || ch_expect(ci, SAT_RET, 0, &h, &p) < 0)
		return -EPIPE;
	return (int64_t)h.a[0];
}

/* ---- the leader's side ---- */

int remote_chan_of_self(void)
{
	return rslots[self_slot()].chan;
}

static int self_chan(void)
{
	return rslots[self_slot()].chan - 1;
}

int remote_copy_from(void *dst, uptr src, size_t n)
{
	int ci = self_chan();
	struct rslot *r = &rslots[self_slot()];

	size_t done = 0;

	/* What the syscall brought along serves the start of the range (a
	 * 64 KiB write's first 48 KiB); only the rest is asked for. */
	if (src >= r->pf_addr && src < r->pf_addr + r->pf_len && src + n >= src) {
		done = MIN(n, r->pf_addr + r->pf_len - src);
		memcpy(dst, r->pf + (src - r->pf_addr), done);
	}
	while (done < n) {
		size_t c = MIN(n - done, SAT_CHUNK);
		struct sat_hdr h;
		const uint8_t *p;
		if (ch_send(ci, SAT_READ, src + done, c, 0, NULL, 0) < 0 ||
		    ch_expect(ci, SAT_DATA, (long)c, &h, &p) < 0)
			return -EFAULT;
		memcpy((uint8_t *)dst + done, p, c);
		done += c;
	}
	return 0;
}

/* Changes to memory need no answer when the process has one thread: the
 * channel keeps order, so that thread sees them before it runs again. With
 * several threads, another one may look first (pthread_join reading a
 * cleared tid word, a thread retrying a page another one filled): then a
 * ping makes sure the change is in before the core goes on. */
static int settle(void)
{
	struct rslot *r = &rslots[self_slot()];

	if (__atomic_load_n(&r->as->threads, __ATOMIC_ACQUIRE) < 2)
		return 0;
	return ch_call(r->chan - 1, SAT_PING, 0, 0, 0) == 0 ? 0 : -EIO;
}

/* Writes need no answer: the core checked the range against its map. */
int remote_copy_to(uptr dst, const void *src, size_t n)
{
	int ci = self_chan();

	for (size_t done = 0; done < n;) {
		size_t c = MIN(n - done, SAT_CHUNK);
		if (ch_send(ci, SAT_WRITE, dst + done, 0, c, (const uint8_t *)src + done, c) < 0)
			return -EFAULT;
		done += c;
	}
	return settle() < 0 ? -EFAULT : 0;
}

/* The core has already charged a mapping against the TEE's budget, so the
 * satellite's host refusing one (or a protect, or an unmap) can only be
 * the host misbehaving: that breaks the channel and ends the process. So
 * none is answered, and a page fault or an exec costs no round trips for
 * them. */
int remote_mem(uint32_t sgx_op, uptr va, size_t len, int prot)
{
	uint32_t type = sgx_op == SGXSIM_OP_MMAP ? SAT_MAP
			: sgx_op == SGXSIM_OP_MPROTECT ? SAT_PROTECT
						       : SAT_UNMAP;

	if (ch_send(self_chan(), type, va, len, SAT_NOREPLY | (uint64_t)prot, NULL, 0) < 0 ||
	    settle() < 0)
		return -EIO;
	return 0;
}

/* Most syscalls never look at the FPU state, so it is fetched only when
 * the core asks (a signal frame, a new thread). */
void remote_fpu_save(void *dst)
{
	struct rslot *r = &rslots[self_slot()];
	struct sat_hdr h;
	const uint8_t *p;

	if (!r->fpu_here) {
		if (ch_send(r->chan - 1, SAT_GETFPU, 0, 0, 0, NULL, 0) < 0 ||
		    ch_expect(r->chan - 1, SAT_DATA, HAL_FPU_SIZE, &h, &p) < 0) {
			memset(dst, 0, HAL_FPU_SIZE); /* the channel is broken: the thread ends */
			return;
		}
		memcpy(r->ctx.fpu, p, HAL_FPU_SIZE);
		r->fpu_here = true;
	}
	memcpy(dst, r->ctx.fpu, HAL_FPU_SIZE);
}

void remote_fpu_restore(const void *src)
{
	struct rslot *r = &rslots[self_slot()];

	/* The satellite sanitises it on the way into the CPU. */
	memcpy(r->ctx.fpu, src, HAL_FPU_SIZE);
	r->fpu_here = r->fpu_dirty = true;
}

void remote_set_tls(uint64_t base)
{
	struct rslot *r = &rslots[self_slot()];

	r->ctx.tls = base;
	r->tls_dirty = true;
}

/* A new channel to satellite sat (a new thread there), keyed by a fresh id. */
static int open_chan(int64_t sat)
{
	uint8_t id[CHAN_ID_SIZE];
	int64_t id0, id1, h;
	int ci;

	if (hal_random(id, sizeof(id)) < 0)
		return -EAGAIN;
	memcpy(&id0, id, 8);
	memcpy(&id1, id + 8, 8);
	h = plat_call(SGXSIM_OP_CHAN_OPEN, sat, id0, id1);
	if (h < 0)
		return -EAGAIN;
	ci = echan_new(h, id, true);
	if (ci < 0)
		plat_call(SGXSIM_OP_CHAN_CLOSE, h, 0, 0);
	return ci;
}

static void close_chan(int ci)
{
	plat_call(SGXSIM_OP_CHAN_CLOSE, echans[ci].handle, 0, 0);
	echan_free(ci);
}

int remote_bind(uint64_t slot, struct hal_as *as)
{
	struct rslot *r = &rslots[slot];
	int ci;

	if (as->first_chan) {
		ci = as->first_chan - 1;
		as->first_chan = 0;
	} else {
		ci = open_chan(as->sat);
		if (ci < 0)
			return -EAGAIN;
	}
	/* A new thread starts with its creator's FPU state, as clone gives
	 * (its FXSAVE area: what a satellite's thread carries). */
	if (remote_chan_of_self())
		remote_fpu_save(r->ctx.fpu);
	else
		local_fpu_save(r->ctx.fpu, HAL_FPU_SIZE);
	r->fpu_here = r->fpu_dirty = true;
	r->chan = ci + 1;
	r->as = as;
	__atomic_add_fetch(&as->threads, 1, __ATOMIC_ACQ_REL);
	plat_call(SGXSIM_OP_CHAN_BIND, (int64_t)slot, echans[ci].handle, 0);
	return 0;
}

void remote_unbind_slot(uint64_t slot)
{
	struct rslot *r = &rslots[slot];

	if (!r->chan)
		return;
	if (slot == self_slot())
		flush();
	plat_call(SGXSIM_OP_CHAN_BIND, (int64_t)slot, -1, 0);
	close_chan(r->chan - 1);
	r->chan = 0;
	if (__atomic_sub_fetch(&r->as->threads, 1, __ATOMIC_ACQ_REL) == 0 &&
	    __atomic_load_n(&r->as->dead, __ATOMIC_ACQUIRE))
		kfree(r->as);
	r->as = NULL;
}

/* The satellite is gone or broke the protocol: its thread cannot go on,
 * and neither can the process. */
static void lost(struct rslot *r)
{
	broken(r->chan - 1);
	core_fault(&r->ctx.regs, SIGKILL, 0, 0);
}

static bool fault_signal(uint64_t s)
{
	return s == SIGSEGV || s == SIGBUS || s == SIGFPE || s == SIGILL || s == SIGTRAP;
}

/* Keeps the memory a syscall's event brought along: the syscall's reads
 * of it need no round trip. Valid until the thread resumes. */
static int take_prefetch(struct rslot *r, const struct sat_hdr *h, const uint8_t *data)
{
	size_t n = h->len - sizeof(r->ctx.regs), more = h->a[2];
	struct sat_hdr d;
	const uint8_t *p;

	if (n != h->a[1] || n > SAT_PREFETCH_FIRST || more > SAT_PREFETCH_MAX - n ||
	    h->a[0] + n + more < h->a[0])
		return -EPROTO;
	if (!r->pf)
		r->pf = kmalloc(SAT_PREFETCH_MAX);
	if (r->pf)
		memcpy(r->pf, data, n);
	/* The rest comes in data frames, which must be taken either way. */
	while (more) {
		if (ch_recv(r->chan - 1, &d, &p) < 0 || d.type != SAT_DATA || d.len > more)
			return -EPROTO;
		if (!d.len)
			break; /* the satellite could not read it all */
		if (r->pf)
			memcpy(r->pf + n, p, d.len);
		n += d.len;
		more -= d.len;
	}
	if (r->pf) {
		r->pf_addr = h->a[0];
		r->pf_len = n;
	}
	return 0;
}

/* An event's payload is the registers, then the prefetch (a syscall) or
 * the FPU state (a fault or a kick). */
static bool event_ok(const struct sat_hdr *h)
{
	if (h->type == SAT_SYSCALL)
		return h->len >= sizeof(struct nto_regs);
	return h->len == sizeof(struct nto_regs) + HAL_FPU_SIZE;
}

/* Resumes the slot's satellite thread and serves its events, for ever. */
static __noreturn void remote_loop(void)
{
	struct rslot *r = &rslots[self_slot()];

	for (;;) {
		struct sat_hdr h;
		const uint8_t *p;
		int ci = r->chan - 1;
		uint64_t flags = (r->tls_dirty ? SAT_F_TLS : 0) | (r->fpu_dirty ? SAT_F_FPU : 0);
		size_t out = offsetof(struct sat_ctx, fpu) + (r->fpu_dirty ? HAL_FPU_SIZE : 0);
		if (ch_send(ci, SAT_RESUME, flags, 0, 0, &r->ctx, out) < 0 || ch_recv(ci, &h, &p) < 0 ||
		    !event_ok(&h)) {
			lost(r);
			continue;
		}
		r->tls_dirty = r->fpu_dirty = false;
		r->pf_len = 0;
		memcpy(&r->ctx.regs, p, sizeof(r->ctx.regs));
		r->fpu_here = h.type != SAT_SYSCALL;
		if (r->fpu_here)
			memcpy(r->ctx.fpu, p + sizeof(r->ctx.regs), HAL_FPU_SIZE);
		if (h.type == SAT_SYSCALL) {
			if (take_prefetch(r, &h, p + sizeof(r->ctx.regs)) < 0) {
				lost(r);
				continue;
			}
			core_syscall(&r->ctx.regs);
		}
		else if (h.type == SAT_KICK)
			core_kick(&r->ctx.regs);
		else if (h.type == SAT_FAULT && fault_signal(h.a[0]))
			core_fault(&r->ctx.regs, (int)h.a[0], (int)h.a[1], h.a[2]);
		else
			lost(r);
	}
}

__noreturn void remote_run(void)
{
	struct rslot *r = &rslots[self_slot()];
	struct tcs *t = self();

	r->ctx.regs = t->start_regs;
	r->ctx.tls = t->start_tls;
	r->tls_dirty = true; /* and fpu_dirty, from remote_bind */
	remote_loop();
}

__noreturn void remote_enter_user(const struct nto_regs *regs)
{
	rslots[self_slot()].ctx.regs = *regs;
	sgxsim_restart(remote_loop, self_stack_top());
}

/* Fork: the parent's pages reach the child through the leader, which
 * reads them locally (the parent is pid 1's) or from the parent's own
 * satellite. Only pages the parent touched travel, and of those only the
 * ones that are not all zeros. */

struct fork_src {
	int chan; /* the parent's channel, or -1: its memory is here */
	uint8_t *resident; /* SAT_CHUNK bytes: one per page */
};

static bool zero_page(const uint8_t *p)
{
	const uint64_t *w = (const uint64_t *)p;

	for (size_t i = 0; i < 4096 / 8; i++) {
		if (w[i])
			return false;
	}
	return true;
}

/* Which of the pages at va the parent touched, into src->resident. */
static int parent_resident(struct fork_src *src, uptr va, size_t pages)
{
	struct hc_msg req = {.magic = HC_MAGIC, .op = SGXSIM_OP_RESIDENT,
			     .arg = {(int64_t)va, (int64_t)pages}};
	struct hc_msg resp;
	struct sat_hdr h;
	const uint8_t *p;

	if (src->chan >= 0) {
		if (ch_send(src->chan, SAT_RESIDENT, va, pages, 0, NULL, 0) < 0 ||
		    ch_expect(src->chan, SAT_DATA, (long)pages, &h, &p) < 0)
			return -EIO;
		memcpy(src->resident, p, pages);
		return 0;
	}
	req.seq = next_seq();
	if (hal_hostcall(&req, NULL, 0, &resp, src->resident, pages) < 0 || resp.ret < 0 ||
	    resp.len != pages)
		return -EIO;
	return 0;
}

/* Gathers the non-zero pages of the chunk at va (the ones in *mask) as a
 * payload in the staging buffer, where the next ch_send finds it in place;
 * returns their bytes and narrows *mask to them. */
static long parent_pages(struct fork_src *src, uptr va, uint64_t *mask)
{
	uint8_t *buf = self_staging() + sizeof(struct sat_hdr);
	struct sat_hdr h;
	const uint8_t *p;
	long n = 0;

	if (src->chan >= 0) {
		/* The parent's answer lands exactly where the child's write goes. */
		if (ch_send(src->chan, SAT_READ, va, SAT_CHUNK, *mask, NULL, 0) < 0 ||
		    ch_expect(src->chan, SAT_DATA, -1, &h, &p) < 0 ||
		    h.len != __builtin_popcountll(h.a[0]) * 4096UL || (h.a[0] & ~*mask))
			return -EIO;
		*mask = h.a[0];
		return h.len;
	}
	for (int i = 0; i < SAT_CHUNK_PAGES; i++) {
		const uint8_t *pg = (const uint8_t *)(va + i * 4096UL);
		if (!(*mask & (1ULL << i)))
			continue;
		if (zero_page(pg)) {
			*mask &= ~(1ULL << i);
			continue;
		}
		memcpy(buf + n, pg, 4096);
		n += 4096;
	}
	return n;
}

/* Copies one readable region's contents, a chunk of pages at a time. */
static int copy_region(struct fork_src *src, int child, uptr start, uptr end)
{
	for (uptr va = start; va < end;) {
		size_t pages = MIN((end - va) / 4096, SAT_CHUNK);
		if (parent_resident(src, va, pages) < 0)
			return -EIO;
		for (size_t i = 0; i < pages; i += SAT_CHUNK_PAGES) {
			uint64_t mask = 0;
			for (size_t j = 0; j < SAT_CHUNK_PAGES && i + j < pages; j++)
				mask |= (uint64_t)(src->resident[i + j] & 1) << j;
			if (!mask)
				continue;
			uptr at = va + i * 4096;
			long n = parent_pages(src, at, &mask);
			if (n < 0 || (mask && ch_send(child, SAT_WRITE, at, mask, 0,
						      self_staging() + sizeof(struct sat_hdr),
						      (size_t)n) < 0))
				return -EIO;
		}
		va += pages * 4096;
	}
	return 0;
}

/* Nothing the child is sent here is answered until the final ping, which
 * reports the first failure: a fork costs one round trip, not one a region. */
static int fill_child(struct fork_src *src, int child, const struct hal_region *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = r[i].end - r[i].start;
		if (ch_send(child, SAT_MAP, r[i].start, len,
			    SAT_NOREPLY | SAT_STICKY | PROT_READ | PROT_WRITE, NULL, 0) < 0)
			return -EIO;
		if ((r[i].prot & PROT_READ) && copy_region(src, child, r[i].start, r[i].end) < 0)
			return -EIO;
		if (r[i].prot != (PROT_READ | PROT_WRITE) &&
		    ch_send(child, SAT_PROTECT, r[i].start, len, SAT_NOREPLY | (uint64_t)r[i].prot,
			    NULL, 0) < 0)
			return -EIO;
	}
	int64_t e = ch_call(child, SAT_PING, 0, 0, 0);
	return e == 0 ? 0 : e == -ENOMEM ? -ENOMEM : -EIO;
}

int hal_as_fork(const struct hal_region *r, size_t n, struct hal_as **out)
{
	struct fork_src src = {.chan = self_chan()};
	struct hal_as *as = kzalloc(sizeof(*as));
	int child = -1, err = -ENOMEM;

	src.resident = kmalloc(SAT_CHUNK);
	if (!as || !src.resident)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		if (!in_user_range(r[i].start, r[i].end - r[i].start) || (r[i].start & 4095) ||
		    (r[i].end & 4095) || r[i].end <= r[i].start) {
			err = -EINVAL;
			goto fail;
		}
	}
	err = -EAGAIN;
	as->sat = plat_call(SGXSIM_OP_SAT_SPAWN, 0, 0, 0);
	if (as->sat < 0)
		goto fail;
	child = open_chan(as->sat);
	if (child < 0 || (err = fill_child(&src, child, r, n)) < 0)
		goto fail;
	as->first_chan = child + 1;
	kfree(src.resident);
	*out = as;
	return 0;
fail:
	if (child >= 0)
		close_chan(child);
	if (as && as->sat >= 0)
		plat_call(SGXSIM_OP_SAT_KILL, as->sat, 0, 0);
	kfree(as);
	kfree(src.resident);
	return err == -EIO ? -ENOMEM : err;
}

/* Called by the process's last thread before it leaves its slot: the
 * record goes when that slot unbinds (remote_unbind_slot). */
void hal_as_destroy(struct hal_as *as)
{
	if (as->first_chan)
		close_chan(as->first_chan - 1);
	plat_call(SGXSIM_OP_SAT_KILL, as->sat, 0, 0);
	__atomic_store_n(&as->dead, true, __ATOMIC_RELEASE);
	if (__atomic_load_n(&as->threads, __ATOMIC_ACQUIRE) == 0)
		kfree(as);
}

/* ---- the satellite's side ---- */

/* The bytes from a chunk's start to the end of the last page in mask. */
static size_t mask_span(uint64_t mask)
{
	return mask ? (64 - (size_t)__builtin_clzll(mask)) * 4096 : 0;
}

static int sat_self_chan(void)
{
	return sat_chan[self_slot()] - 1;
}

/* Program memory only: the leader is trusted, but a confused request
 * must not reach the runtime. */
static void sat_read(int ci, const struct sat_hdr *h)
{
	uptr va = h->a[0];
	size_t len = h->a[1];
	uint8_t *dst = self_staging() + sizeof(struct sat_hdr);
	uint64_t mask = 0;
	size_t n = 0;

	if (len > SAT_CHUNK || h->a[2] >> SAT_CHUNK_PAGES ||
	    !in_user_range(va, h->a[2] ? mask_span(h->a[2]) : len)) {
		echans[ci].broken = true;
		return;
	}
	if (!h->a[2]) {
		memcpy(dst, (const void *)va, len);
		ch_send(ci, SAT_DATA, 0, 0, 0, dst, len);
		return;
	}
	for (size_t i = 0; i < len / 4096; i++) {
		const uint8_t *pg = (const uint8_t *)(va + i * 4096);
		if (!(h->a[2] & (1ULL << i)) || zero_page(pg))
			continue;
		memcpy(dst + n, pg, 4096);
		n += 4096;
		mask |= 1ULL << i;
	}
	ch_send(ci, SAT_DATA, mask, 0, 0, dst, n);
}

static void sat_write(int ci, const struct sat_hdr *h, const uint8_t *p)
{
	uptr va = h->a[0];
	uint64_t mask = h->a[1];
	size_t n = 0;

	if (!mask) {
		if (h->len != h->a[2] || !in_user_range(va, h->len))
			echans[ci].broken = true;
		else
			memcpy((void *)va, p, h->len);
		return;
	}
	if (h->len != __builtin_popcountll(mask) * 4096UL || mask >> SAT_CHUNK_PAGES ||
	    !in_user_range(va, mask_span(mask))) {
		echans[ci].broken = true;
		return;
	}
	for (int i = 0; i < SAT_CHUNK_PAGES; i++) {
		if (mask & (1ULL << i)) {
			memcpy((void *)(va + i * 4096UL), p + n, 4096);
			n += 4096;
		}
	}
}

static void sat_resident(int ci, const struct sat_hdr *h)
{
	uint8_t *dst = self_staging() + sizeof(struct sat_hdr);
	struct hc_msg req = {.magic = HC_MAGIC, .op = SGXSIM_OP_RESIDENT,
			     .arg = {(int64_t)h->a[0], (int64_t)h->a[1]}};
	struct hc_msg resp;
	size_t pages = h->a[1];

	if (pages > SAT_CHUNK || !in_user_range(h->a[0], pages * 4096)) {
		echans[ci].broken = true;
		return;
	}
	req.seq = next_seq();
	if (hal_hostcall(&req, NULL, 0, &resp, dst, pages) < 0 || resp.ret < 0 ||
	    resp.len != pages)
		memset(dst, 1, pages); /* unknown: send every page */
	ch_send(ci, SAT_DATA, 0, 0, 0, dst, pages);
}

static void sat_mem(int ci, const struct sat_hdr *h)
{
	uint32_t op = h->type == SAT_MAP       ? SGXSIM_OP_MMAP
		      : h->type == SAT_PROTECT ? SGXSIM_OP_MPROTECT
					       : SGXSIM_OP_MUNMAP;
	int64_t r = -EINVAL;

	if (in_user_range(h->a[0], h->a[1]))
		r = plat_call(op, (int64_t)h->a[0], (int64_t)h->a[1], (int64_t)(h->a[2] & 7));
	if (!(h->a[2] & SAT_NOREPLY))
		ch_send(ci, SAT_RET, (uint64_t)r, 0, 0, NULL, 0);
	else if (r < 0 && !(h->a[2] & SAT_STICKY))
		echans[ci].broken = true; /* see remote_mem */
	else if (r < 0 && !echans[ci].err)
		echans[ci].err = r;
}

/* Serves the leader's requests until it resumes the thread: 0 with the
 * context in *ctx, or -EPIPE when the channel is gone (the thread ended). */
static int sat_serve(struct sat_ctx *ctx, uint64_t *flags)
{
	int ci = sat_self_chan();

	for (;;) {
		struct sat_hdr h;
		const uint8_t *p;
		if (ch_recv(ci, &h, &p) < 0)
			return -EPIPE;
		switch (h.type) {
		case SAT_RESUME: {
			size_t want = offsetof(struct sat_ctx, fpu) +
				      ((h.a[0] & SAT_F_FPU) ? HAL_FPU_SIZE : 0);
			if (h.len != want)
				return -EPIPE;
			memcpy(ctx, p, want);
			*flags = h.a[0];
			return 0;
		}
		case SAT_GETFPU:
			local_fpu_save(self_staging() + sizeof(struct sat_hdr), HAL_FPU_SIZE);
			ch_send(ci, SAT_DATA, 0, 0, 0, self_staging() + sizeof(struct sat_hdr),
				HAL_FPU_SIZE);
			break;
		case SAT_READ:
			sat_read(ci, &h);
			break;
		case SAT_WRITE:
			sat_write(ci, &h, p);
			break;
		case SAT_MAP:
		case SAT_PROTECT:
		case SAT_UNMAP:
			sat_mem(ci, &h);
			break;
		case SAT_RESIDENT:
			sat_resident(ci, &h);
			break;
		case SAT_PING:
			ch_send(ci, SAT_RET, (uint64_t)echans[ci].err, 0, 0, NULL, 0);
			echans[ci].err = 0;
			break;
		default:
			echans[ci].broken = true;
		}
		if (echans[ci].broken)
			return -EPIPE;
	}
}

#define MXCSR_OFF   24
#define MXCSR_VALID 0xffbfU

/* Loads a thread's first FPU state (no signal frame to put it in yet). */
static void load_fpu(uint8_t *fx)
{
	uint32_t mxcsr;

	memcpy(&mxcsr, fx + MXCSR_OFF, sizeof(mxcsr));
	mxcsr &= MXCSR_VALID;
	memcpy(fx + MXCSR_OFF, &mxcsr, sizeof(mxcsr));
	memset(fx + 28, 0, 4); /* MXCSR_MASK is the CPU's to say */
	__asm__ volatile("fxrstor64 %0" ::"m"(*(uint8_t(*)[512])fx));
}

static __noreturn void sat_park(void);

/* Waits for the leader to start the slot's thread, then enters the program. */
static __noreturn void sat_start(void)
{
	static __attribute__((aligned(16))) struct sat_ctx ctxs[SGXSIM_MAX_THREADS];
	struct sat_ctx *ctx = &ctxs[self_slot()];
	uint64_t flags;

	if (sat_serve(ctx, &flags) < 0)
		sat_park();
	if (flags & SAT_F_FPU)
		load_fpu(ctx->fpu);
	if (flags & SAT_F_TLS)
		__asm__ volatile("wrfsbase %0" ::"r"(ctx->tls) : "memory");
	sgxsim_enter_user(&ctx->regs);
}

/* The slot's thread is over (the leader closed its channel): wait, in the
 * host, for the next thread this slot is to run. */
static __noreturn void sat_park(void)
{
	struct hc_msg req = {.magic = HC_MAGIC, .op = SGXSIM_OP_THREAD_PARK};
	struct hc_msg resp;
	uint8_t id[CHAN_ID_SIZE];
	int old = sat_self_chan(), ci;

	req.arg[0] = -1;
	if (old >= 0) {
		req.arg[0] = echans[old].handle;
		echan_free(old);
	}
	sat_chan[self_slot()] = 0;
	for (;;) {
		req.seq = next_seq();
		if (hal_hostcall(&req, NULL, 0, &resp, id, sizeof(id)) < 0 || resp.ret < 0 ||
		    resp.len != sizeof(id))
			hal_exit(125);
		ci = echan_new(resp.ret, id, false);
		if (ci >= 0)
			break;
		req.arg[0] = resp.ret;
	}
	sat_chan[self_slot()] = ci + 1;
	sgxsim_restart(sat_start, self_stack_top());
}

__noreturn void sat_thread_entry(const struct sgxsim_ecall *e)
{
	static int init; /* 0, 1 while the first thread arms, 2 after */
	struct tcs *t = self();
	int zero = 0, ci;

	if (e->slot != self_slot() || !take_thread_fields(t, e))
		for (;;)
			__asm__ volatile("pause");
	if (__atomic_compare_exchange_n(&init, &zero, 1, false, __ATOMIC_ACQUIRE,
					__ATOMIC_RELAXED)) {
		rt_satellite = true;
		memcpy(rt_mrenclave, e->mrenclave, sizeof(rt_mrenclave));
		if (rt_arm() < 0)
			hal_exit(125);
		__atomic_store_n(&init, 2, __ATOMIC_RELEASE);
	}
	while (__atomic_load_n(&init, __ATOMIC_ACQUIRE) != 2)
		__asm__ volatile("pause");
	sgxsim_set_gs(SGXSIM_SLOT(self_slot()));
	t->selector = SUD_BLOCK;
	if (e->chan < 0) /* a spare thread, started ahead of any fork */
		sat_park();
	ci = echan_new(e->chan, e->chan_id, false);
	if (ci < 0)
		hal_exit(125);
	sat_chan[self_slot()] = ci + 1;
	sat_start();
}

/* The program memory a syscall is sure to read first (what it writes, or
 * the path it names): sending it with the syscall saves the leader a
 * round trip. Only an optimisation: a wrong guess costs bytes, not
 * correctness. x86-64 numbers; other syscalls send nothing. */
static size_t prefetch_of(const struct nto_regs *r, uptr *addr)
{
	uint64_t nr = r->orig_rax;

	switch (nr) {
	case 1:  /* write */
	case 18: /* pwrite64 */
	case 44: /* sendto */
		*addr = r->rsi;
		return MIN(r->rdx, SAT_PREFETCH_MAX);
	case 2:  /* open */
	case 4:  /* stat */
	case 6:  /* lstat */
	case 21: /* access */
	case 59: /* execve */
	case 80: /* chdir */
	case 83: /* mkdir */
	case 87: /* unlink */
	case 89: /* readlink */
		*addr = r->rdi;
		break;
	case 257: /* openat */
	case 262: /* newfstatat */
	case 263: /* unlinkat */
	case 267: /* readlinkat */
	case 269: /* faccessat */
	case 439: /* faccessat2 */
		*addr = r->rsi;
		break;
	default:
		return 0;
	}
	/* A path: up to the end of its page, as the core reads strings. */
	return 4096 - (*addr & 4095);
}

/* The rest of a syscall's prefetch, in data frames; an empty frame ends it
 * early if a page cannot be read (the core then asks for it, and faults). */
static int send_rest(uptr at, size_t left)
{
	uint8_t *buf = self_staging() + sizeof(struct sat_hdr);

	while (left) {
		size_t c = MIN(left, SAT_CHUNK);
		if (sgxsim_probe_copy(buf, (const void *)at, c) < 0)
			return ch_send(sat_self_chan(), SAT_DATA, 0, 0, 0, NULL, 0);
		if (ch_send(sat_self_chan(), SAT_DATA, 0, 0, 0, buf, c) < 0)
			return -EPIPE;
		at += c;
		left -= c;
	}
	return 0;
}

void sat_event(uint32_t type, struct ucontext64 *uc, uint64_t a0, uint64_t a1, uint64_t a2,
	       uint64_t nr)
{
	uint8_t *st = self_staging() + sizeof(struct sat_hdr);
	struct sat_ctx ctx;
	uint64_t flags;
	size_t n = 0;

	from_mcontext(&uc->uc_mcontext, &ctx.regs);
	ctx.regs.orig_rax = nr;
	memcpy(st, &ctx.regs, sizeof(ctx.regs));
	size_t total = 0, rest = 0;
	uptr at = 0;
	if (type == SAT_SYSCALL) {
		total = prefetch_of(&ctx.regs, &at);
		if (!in_user_range(at, total))
			total = 0;
		n = MIN(total, SAT_PREFETCH_FIRST);
		if (n && sgxsim_probe_copy(st + sizeof(ctx.regs), (const void *)at, n) < 0)
			total = n = 0;
		a0 = at;
		a1 = n;
		a2 = rest = total - n;
	} else {
		/* A signal is likely to be delivered: its frame needs the FPU state. */
		local_fpu_save(st + sizeof(ctx.regs), HAL_FPU_SIZE);
		n = HAL_FPU_SIZE;
	}
	if (ch_send(sat_self_chan(), type, a0, a1, a2, st, sizeof(ctx.regs) + n) < 0 ||
	    send_rest(at + n, rest) < 0 || sat_serve(&ctx, &flags) < 0)
		sat_park();
	to_mcontext(&ctx.regs, &uc->uc_mcontext);
	if (flags & SAT_F_FPU)
		local_fpu_restore(ctx.fpu, HAL_FPU_SIZE);
	if (flags & SAT_F_TLS)
		__asm__ volatile("wrfsbase %0" ::"r"(ctx.tls) : "memory");
}
