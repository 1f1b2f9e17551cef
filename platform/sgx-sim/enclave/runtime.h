/*
 * The sgx-sim enclave runtime's private interface: what enclave.c (entry,
 * handlers, the HAL over OCALLs) and remote.c (satellites and channels)
 * share. Not seen by the core.
 */
#ifndef SGXSIM_RUNTIME_H
#define SGXSIM_RUNTIME_H

#include <nto/hal.h>
#include <arch/sigframe.h>
#include "../sgxsim.h"

/* Everything here links within the one runtime image: no GOT. */
#pragma GCC visibility push(hidden)

#define SUD_ALLOW 0
#define SUD_BLOCK 1

/* A thread slot's control page (TCS + thread-local data, in SGX terms).
 * The rest of the page after it stages channel frames. */
struct tcs {
	volatile uint8_t selector; /* Syscall User Dispatch switch: first, see sgxsim.h */
	uint8_t pad[7];
	struct sgxsim_ocall_buf *ocall_buf; /* this thread's untrusted buffer */
	void (*ocall_fn)(struct sgxsim_ocall_buf *);
	uint64_t host_stack, host_fs;
	int64_t seen;      /* the host's wake count at our last wait */
	uint8_t *fpu;      /* the interrupted FPU state, in the host's signal frame */
	size_t fpu_size;   /* its bytes: the XSAVE fpstate's, or the FXSAVE area's */
	bool kick_pending; /* kick_regs wait for the trampoline's syscall */
	struct nto_regs kick_regs; /* the program's registers when a kick came */
	struct nto_regs start_regs;
	uint64_t start_tls;
};

_Static_assert(sizeof(struct tcs) <= 4096, "the frame staging area follows the TCS");
_Static_assert(4096 + SGXSIM_FRAME_MAX <= 0x10000, "frames must fit the control page");

static inline struct tcs *slot_tcs(uint64_t i)
{
	return (struct tcs *)SGXSIM_SLOT(i);
}

/* Which slot runs this code: every thread is on its own slot's stack. */
static inline uint64_t self_slot(void)
{
	uptr sp = (uptr)__builtin_frame_address(0);

	return (sp - SGXSIM_TCS) / SGXSIM_SLOT_SIZE;
}

static inline struct tcs *self(void)
{
	return slot_tcs(self_slot());
}

/* The calling slot's frame staging buffer (SGXSIM_FRAME_MAX bytes). */
static inline uint8_t *self_staging(void)
{
	return (uint8_t *)SGXSIM_SLOT(self_slot()) + 4096;
}

/* Top of the calling slot's stack. */
static inline uptr self_stack_top(void)
{
	return SGXSIM_SLOT(self_slot()) + SGXSIM_SLOT_SIZE;
}

static inline bool outside_enclave(uptr p, size_t n)
{
	return p + n >= p && (p + n <= SGXSIM_BASE || p >= SGXSIM_END);
}

static inline bool inside_enclave(uptr p, size_t n)
{
	return p + n >= p && p >= SGXSIM_BASE && p + n <= SGXSIM_END;
}

static inline bool in_user_range(uptr p, size_t n)
{
	return p + n >= p && p >= SGXSIM_USER_MIN && p + n <= SGXSIM_USER_MAX;
}

/* The channel protocol between the leader and a satellite thread. Every
 * message is one sealed frame: this header, then len bytes of payload. */
struct sat_hdr {
	uint32_t type, len;
	uint64_t a[3];
};

enum sat_type {
	/* leader -> satellite */
	SAT_RESUME = 1, /* a0 SAT_F_*; payload regs, TLS base, then the FPU state if SAT_F_FPU */
	SAT_READ,       /* a0 addr, a1 len, a2 1: page-sparse -> SAT_DATA */
	SAT_WRITE,      /* a0 addr; a1 0: payload is the bytes; else a page mask, payload the pages */
	SAT_MAP,        /* a0 addr, a1 len, a2 prot [| SAT_NOREPLY] -> SAT_RET */
	SAT_PROTECT,    /* as SAT_MAP */
	SAT_UNMAP,      /* a0 addr, a1 len -> SAT_RET */
	SAT_RESIDENT,   /* a0 addr, a1 pages -> SAT_DATA, one byte per page */
	SAT_PING,       /* -> SAT_RET: the first failure of a SAT_NOREPLY request, or 0 */
	SAT_GETFPU,     /* -> SAT_DATA: the thread's FPU state (HAL_FPU_SIZE bytes) */
	/* satellite -> leader */
	SAT_SYSCALL = 16, /* payload regs, then a1 bytes of the program's memory at a0; a2 more
			   * of it follow in SAT_DATA frames (an empty one: no more) */
	SAT_FAULT,        /* a0 signo, a1 si_code, a2 address; payload regs, FPU state */
	SAT_KICK,         /* payload regs, FPU state */
	SAT_DATA,         /* a0: page mask for a sparse read */
	SAT_RET,          /* a0 result */
};

/* SAT_RESUME's flags: load the TLS base; the FPU state follows. */
#define SAT_F_TLS 1
#define SAT_F_FPU 2

/* In a memory request's a2: answer nothing now, report a failure at the next ping. */
#define SAT_NOREPLY (1ULL << 32)
/* With SAT_NOREPLY: a failure is kept for the next ping (a fork's maps)
 * instead of breaking the channel. */
#define SAT_STICKY (1ULL << 33)

/* A program thread's user context as it crosses a channel. */
struct sat_ctx {
	struct nto_regs regs;
	uint64_t tls;
	uint8_t fpu[HAL_FPU_SIZE];
};

/* Program memory a syscall will read, sent along with it (see remote.c):
 * at most this much, the first part in the syscall's own frame. */
#define SAT_PREFETCH_MAX   (128UL << 10)
#define SAT_PREFETCH_FIRST (48UL << 10)

#define SAT_CHUNK_PAGES 14 /* pages per data message: the frame limit */
#define SAT_CHUNK (SAT_CHUNK_PAGES * 4096UL)
_Static_assert(sizeof(struct sat_hdr) + SAT_CHUNK + 16 <= SGXSIM_FRAME_MAX, "chunk too big");

/* The runtime's measurement (MRENCLAVE), which channel keys depend on. */
extern uint8_t rt_mrenclave[32];

/* enclave.c */

/* One platform OCALL without data. */
int64_t plat_call(uint32_t op, int64_t a0, int64_t a1, int64_t a2);

/* Registers the enclave's handlers with the host and arms this thread. */
int rt_arm(void);

/* Checks the per-thread part of an ECALL and takes it into slot t. */
bool take_thread_fields(struct tcs *t, const struct sgxsim_ecall *e);

void from_mcontext(const struct sigcontext64 *m, struct nto_regs *r);
void to_mcontext(const struct nto_regs *r, struct sigcontext64 *m);

/* The local (this enclave's own) memory and FPU operations. */
int local_mem(uint32_t op, uptr va, size_t len, int prot);
/* The interrupted thread's fpstate into dst: the XSAVE one if it fits cap
 * (HAL_FPU_SIZE: the FXSAVE area only); returns its size. */
size_t local_fpu_save(void *dst, size_t cap);
void local_fpu_restore(const void *src, size_t n);

/* switch.S */
__noreturn void sgxsim_enter_user(const struct nto_regs *r);
/* Runs fn on a fresh stack at sp (the slot's top): for loops that never return. */
__noreturn void sgxsim_restart(void (*fn)(void), uptr sp);
void sgxsim_set_gs(uint64_t base);
long sgxsim_probe_copy(void *dst, const void *src, size_t n);
extern const char sgxsim_probe_start[], sgxsim_probe_end[], sgxsim_probe_fixup[];

/* remote.c: the leader's side */

/* The channel (+1) the calling slot's thread is served over, 0 if its
 * program runs in this enclave. */
int remote_chan_of_self(void);

int remote_copy_from(void *dst, uptr src, size_t n);
int remote_copy_to(uptr dst, const void *src, size_t n);
int remote_mem(uint32_t sgx_op, uptr va, size_t len, int prot);
void remote_fpu_save(void *dst);
void remote_fpu_restore(const void *src);
void remote_set_tls(uint64_t base);

/* Binds slot to a channel of address space as before the slot starts:
 * 0 or -EAGAIN. Call under the core lock. */
int remote_bind(uint64_t slot, struct hal_as *as);

/* Runs the calling slot's remote thread from its start registers. */
__noreturn void remote_run(void);

/* Resumes the calling slot's remote thread with regs. */
__noreturn void remote_enter_user(const struct nto_regs *regs);

/* Slot's remote thread has ended (or never started): close its channel. */
void remote_unbind_slot(uint64_t slot);

/* remote.c: the satellite's side */

/* True in a satellite enclave (the core never runs there). */
extern bool rt_satellite;

/* A satellite thread's first entry. */
__noreturn void sat_thread_entry(const struct sgxsim_ecall *e);

/* Sends a program event (SAT_SYSCALL, _FAULT, _KICK) to the leader and
 * applies the registers it sends back to uc. */
void sat_event(uint32_t type, struct ucontext64 *uc, uint64_t a0, uint64_t a1, uint64_t a2,
	       uint64_t nr);

#pragma GCC visibility pop

#endif
