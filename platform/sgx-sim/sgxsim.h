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
#define SGXSIM_TCS        0xF0F000000UL  /* thread control page: stacks, selector */
#define SGXSIM_STACK_SIZE (1UL << 20)
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
	SGXSIM_OP_SLEEP,                  /* a0 ns */
	SGXSIM_OP_ARM,                    /* a0 SIGSYS handler, a1 fault handler, a2 selector */
};

/* The untrusted buffer an OCALL goes through: request, then reply. */
struct sgxsim_ocall_buf {
	struct hc_msg req;
	uint8_t req_data[HC_MAX_DATA];
	struct hc_msg resp;
	uint8_t resp_data[HC_MAX_DATA];
};

/* What the launcher passes to enclave_start (all of it untrusted). */
struct sgxsim_ecall {
	uint64_t magic;
	struct sgxsim_ocall_buf *ocall_buf;   /* must lie outside the enclave */
	void (*ocall_fn)(struct sgxsim_ocall_buf *); /* untrusted code to run an OCALL */
	uint64_t host_stack;                  /* top of the stack OCALLs run on */
	uint64_t host_fs;                     /* the host thread's FS base */
	const uint8_t *boot;                  /* boot records, copied in */
	uint64_t boot_size;
	uint64_t image_size;                  /* the image is at SGXSIM_IMAGE_BASE */
	uint64_t mem_limit;
};

#define SGXSIM_ECALL_MAGIC 0x4c4c414345535447ULL

/* The trusted control page at SGXSIM_TCS. */
struct sgxsim_tcs {
	volatile uint8_t selector; /* Syscall User Dispatch switch */
	uint8_t pad[7];
	uint64_t host_fs;
};

#endif
