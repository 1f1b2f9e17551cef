/*
 * sgx-sim: the contract between the untrusted launcher (host/) and the
 * trusted enclave runtime (enclave/). On SGX hardware this is the
 * ECALL/OCALL interface: EENTER lands in enclave_start, EEXIT leaves
 * through the OCALL bridge, and AEX + exception handling replace the
 * signal handlers the simulator registers (docs/platform-sgx-sim.md).
 */
#ifndef NTO_SGXSIM_H
#define NTO_SGXSIM_H

#include <nto/hostcall.h>

/* ELRANGE: one contiguous range holds the core, the image and the program. */
#define SGXSIM_BASE       0x10000UL
#define SGXSIM_END        0x1000000000UL /* 64 GiB */
#define SGXSIM_CORE_BASE  0xF00000000UL  /* the enclave ELF is linked here */
#define SGXSIM_TCS        0xF01000000UL  /* thread slots: control page + core stack each */
#define SGXSIM_STACK_SIZE (256UL << 10) /* the core never needs more than a few tens of KiB */
#define SGXSIM_SLOT_SIZE  (0x10000UL + SGXSIM_STACK_SIZE)
#define SGXSIM_MAX_THREADS 256 /* slots end below SGXSIM_BOOT_COPY */
#define SGXSIM_BOOT_COPY  0xF08000000UL  /* the boot records, copied in */
#define SGXSIM_HEAP_BASE  0xF10000000UL
#define SGXSIM_HEAP_SIZE  0x70000000UL   /* 1.75 GiB of core heap addresses */
#define SGXSIM_IMAGE_BASE 0xF80000000UL
#define SGXSIM_IMAGE_MAX  0x80000000UL   /* 2 GiB */
#define SGXSIM_USER_MIN   0x10000UL
#define SGXSIM_USER_MAX   SGXSIM_CORE_BASE

/* Platform-private host calls (served by the launcher, not hc_serve). */
enum sgxsim_op {
	SGXSIM_OP_MMAP = HC_PLATFORM + 1, /* a0 addr, a1 len, a2 prot */
	SGXSIM_OP_MPROTECT,               /* a0 addr, a1 len, a2 prot */
	SGXSIM_OP_MUNMAP,                 /* a0 addr, a1 len */
	SGXSIM_OP_ARM,           /* a0 SIGSYS handler, a1 fault handler, a2 kick handler */
	SGXSIM_OP_THREAD_START,  /* a0 slot: a new host thread enters the enclave there */
	SGXSIM_OP_WAIT,          /* a0 slot, a1 last seen count, a2 timeout ns -> ret count */
	SGXSIM_OP_WAKE,          /* a0 slot: bump its count and wake it */
	SGXSIM_OP_KICK,          /* a0 slot: signal its host thread (SIGSGXSIM_KICK) */
	SGXSIM_OP_CPUS,          /* -> ret CPUs online */
	SGXSIM_OP_YIELD,         /* sched_yield on the host */
	SGXSIM_OP_TIMER,         /* a0 monotonic deadline ns (0: cancel): then wake and kick */
	/* Satellites: the enclaves of forked processes (docs/processes.md). */
	SGXSIM_OP_SAT_SPAWN,     /* -> ret a new satellite's handle */
	SGXSIM_OP_SAT_KILL,      /* a0 satellite: end it */
	SGXSIM_OP_CHAN_OPEN,     /* a0 satellite, a1 a2 channel id: a new thread there -> channel */
	SGXSIM_OP_CHAN_SEND,     /* a0 channel; the data is one sealed frame */
	SGXSIM_OP_CHAN_RECV,     /* a0 channel -> the next sealed frame */
	SGXSIM_OP_CHAN_CLOSE,    /* a0 channel */
	SGXSIM_OP_CHAN_BIND,     /* a0 slot, a1 channel or -1: the slot's kicks go to its thread */
	SGXSIM_OP_RESIDENT,      /* a0 addr, a1 pages -> one byte per page, 1 if it was touched */
	SGXSIM_OP_THREAD_PARK,   /* satellite: a0 old channel; -> a new channel, its id as data */
	SGXSIM_OP_CHAN_SENDV,    /* a0 channel; the data is frames, each after its 4-byte length */
};

/* A satellite thread's entry carries its channel and the sealing inputs. */
#define SGXSIM_SAT_MAGIC 0x4554494c4c455453ULL

/* Frames on a channel: a sealed message of at most this many bytes. It is
 * staged in the thread's control page (after struct tcs), so it fits there. */
#define SGXSIM_FRAME_MAX (0x10000UL - 4096)

/* The host signal that interrupts a thread running program code. */
#define SIGSGXSIM_KICK 12 /* SIGUSR2: the program's own signals never reach the host */

/* The untrusted buffer an OCALL goes through: request, then reply. */
struct sgxsim_ocall_buf {
	struct hc_msg req;
	uint8_t req_data[HC_MAX_DATA];
	struct hc_msg resp;
	uint8_t resp_data[HC_MAX_DATA];
};

/* What the launcher passes to enclave_start (all of it untrusted). The first
 * thread comes with SGXSIM_ECALL_MAGIC; later ones with SGXSIM_THREAD_MAGIC,
 * and then only the per-thread fields and slot are used. */
struct sgxsim_ecall {
	uint64_t magic;
	uint64_t slot;
	struct sgxsim_ocall_buf *ocall_buf;   /* must lie outside the enclave */
	void (*ocall_fn)(struct sgxsim_ocall_buf *); /* untrusted code to run an OCALL */
	uint64_t host_stack;                  /* top of the stack OCALLs run on */
	uint64_t host_fs;                     /* the host thread's FS base */
	const uint8_t *boot;                  /* boot records, copied in */
	uint64_t boot_size;
	uint64_t image_size;                  /* the image is at SGXSIM_IMAGE_BASE */
	uint64_t mem_limit;
	/* SGXSIM_SAT_MAGIC only: */
	int64_t chan;                         /* the thread's channel to the leader */
	uint8_t chan_id[16];
	uint8_t mrenclave[32]; /* the runtime's measurement: the CPU's part, played by the launcher */
};

#define SGXSIM_ECALL_MAGIC  0x4c4c414345535447ULL
#define SGXSIM_THREAD_MAGIC 0x4441455248545347ULL

/* A thread slot's state (enclave-side). */
enum { SLOT_UNUSED, SLOT_STARTING, SLOT_RUNNING, SLOT_PARKED };

/* The address of slot i's control page; its core stack follows it. */
#define SGXSIM_SLOT(i) (SGXSIM_TCS + (uint64_t)(i)*SGXSIM_SLOT_SIZE)

/* Syscall User Dispatch's selector byte sits first in each control page,
 * so the launcher can arm a host thread without knowing the rest. */

#endif
