/*
 * The HAL: the one contract between the NTO core and the platform below it.
 *
 * The core includes no platform header and contains no assembly; everything
 * it needs from below is declared here, and each platform (platform/<name>/)
 * implements every function. The contract also names the three entry points
 * the platform calls upward into the core (core_main, core_syscall,
 * core_fault). docs/hal.md explains each promise in prose.
 *
 * Trust: the platform is trusted (it runs inside the TEE); the host is not.
 * Every function that carries data from the host (hal_hostcall, the boot
 * blob) validates its framing before returning; the core validates meaning.
 */
#ifndef NTO_HAL_H
#define NTO_HAL_H

#include <nto/abi.h>
#include <nto/hostcall.h>

/* What the platform hands the core at boot. All pointers are TEE memory. */
struct hal_boot {
	const uint8_t *image;  /* the measured root image */
	size_t image_size;
	const uint8_t *args;   /* boot records (nto/bootargs.h), copied in, unvalidated */
	size_t args_size;
	uptr user_min;         /* program address range [user_min, user_max) */
	uptr user_max;
	uptr kheap_base;       /* address range reserved for the core's heap */
	size_t kheap_size;
	uint64_t mem_limit;    /* bytes of TEE memory the core may commit in all */
	uint8_t measurement[32]; /* SHA-256 of the image, computed inside the TEE */
	bool measured;         /* false if the platform could not measure */
};

/* ---- upward: entry points the platform calls ---- */

/* Boots the core: mounts the image, loads the program, enters it. */
__noreturn void core_main(const struct hal_boot *boot);

/* Serves the system call described by regs and stores its result in regs.
 * May rewrite regs entirely (execve, signal delivery). */
void core_syscall(struct nto_regs *regs);

/* Reports a synchronous fault of the program (signo with si_code and the
 * faulting address). Delivers a signal or ends the program; returns when
 * the program should resume from regs. */
void core_fault(struct nto_regs *regs, int signo, int code, uint64_t addr);

/* ---- downward: what every platform provides ---- */

/* Performs one host call: sends req and in_len bytes of in, and receives the
 * reply header into resp and at most out_cap bytes into out. Guarantees on
 * success: resp->op == req->op, resp->len <= out_cap, resp->ret is within
 * [-MAX_ERRNO, INT64_MAX]. Returns 0, or -EIO if the host broke the framing. */
int hal_hostcall(const struct hc_msg *req, const void *in, size_t in_len, struct hc_msg *resp,
		 void *out, size_t out_cap);

/* Commits fresh zeroed TEE memory at [va, va+len) with PROT_* prot.
 * va and len are page aligned and inside a range the core owns. -ENOMEM when
 * the TEE cannot back it. */
int hal_mem_map(uptr va, size_t len, int prot);

/* Changes the protection of committed memory. */
int hal_mem_protect(uptr va, size_t len, int prot);

/* Releases committed memory; the range reads as unmapped afterwards. */
int hal_mem_unmap(uptr va, size_t len);

/* Copies between core and program memory. The core has already checked the
 * range against its own map; these add what the hardware needs (SMAP, SUM)
 * and return -EFAULT if the access faults anyway. */
int hal_copy_from_user(void *dst, const void __user *src, size_t n);
int hal_copy_to_user(void __user *dst, const void *src, size_t n);

/* The floating-point state of the interrupted program thread, in the ISA's
 * user-visible signal-frame format. x86-64: Linux's fpstate, either the
 * 512-byte FXSAVE area or, where the platform has enabled XSAVE features
 * beyond SSE (AVX), the XSAVE area with Linux's software bytes
 * (FP_XSTATE_MAGIC1 at byte 464, FP_XSTATE_MAGIC2 after the area).
 * riscv64: struct __riscv_d_ext_state, f0-f31 then fcsr (always
 * HAL_FPU_SIZE bytes).
 * hal_fpu_save writes at most HAL_FPU_MAX bytes into dst (64-byte aligned
 * where it lands in the frame: the core's job) and returns how many;
 * hal_fpu_restore makes the thread resume with the n bytes at src, after
 * sanitising what the CPU would refuse; an fpstate it does not recognise
 * restores the first HAL_FPU_SIZE bytes and resets the rest, as Linux does.
 * The sizes are the ISA's (arch/abi.h). */
#define HAL_FPU_SIZE NTO_FPU_SIZE
#define HAL_FPU_MAX  NTO_FPU_MAX
size_t hal_fpu_save(void *dst);
void hal_fpu_restore(const void *src, size_t n);

/* Sets the current thread's TLS base (FS base on x86-64, tp on RISC-V). */
void hal_set_tls(uint64_t base);

/* Fills buf with n bytes from the TEE's hardware random source. */
int hal_random(void *buf, size_t n);

/* Reads clock clk (CLOCK_REALTIME or CLOCK_MONOTONIC) in nanoseconds.
 * The host may be the source: the core keeps monotonic time monotonic. */
int hal_clock_ns(int clk, int64_t *ns);

/* ---- threads (each a TCS on SGX, a vCPU context on the VM platforms) ---- */

/* Makes some thread enter the core (a kick or a wake) once the monotonic
 * clock passes deadline_ns; 0 cancels. One deadline at a time: a new call
 * replaces the last. */
void hal_timer_arm(int64_t deadline_ns);

/* Gives the CPU to another thread for a moment (the core lock is busy). */
void hal_yield(void);

/* Number of CPUs the program's threads may run on (at least 1). */
int hal_cpu_count(void);

/* Records cookie as the calling thread's identity (returned by hal_thread_self). */
void hal_thread_set_self(void *cookie);

/* The cookie of the calling thread. */
void *hal_thread_self(void);

/* ---- address spaces (one per process) ----
 *
 * The first process runs in the boot address space, named NULL. fork makes
 * new ones. Memory functions (hal_mem_*, hal_copy_*_user, hal_set_tls,
 * hal_fpu_*) always act on the address space of the calling thread, so the
 * core must only ever touch the memory of `current`'s process; the one
 * cross-address-space operation is hal_as_fork. On the VM platforms an
 * address space is a page table; on sgx-sim it is another enclave (a
 * "satellite", docs/processes.md) reached over a sealed channel. */
struct hal_as;

/* One mapped range to carry into a forked address space. */
struct hal_region {
	uptr start, end; /* page aligned */
	int prot;        /* PROT_* of the range, in the parent and the child */
};

/* Creates a new address space holding a copy of the calling thread's
 * regions r[0..n) (contents and protections; a region without PROT_READ
 * may arrive zeroed). Nothing else is mapped in it. -ENOMEM or -EAGAIN when
 * the TEE cannot make one. May take milliseconds; called under the core
 * lock. */
int hal_as_fork(const struct hal_region *r, size_t n, struct hal_as **out);

/* Ends address space as (never NULL) once its last thread has left the
 * program for good: the platform frees it. */
void hal_as_destroy(struct hal_as *as);

/* Starts a new thread in address space as (NULL: the boot one) that enters
 * the program with regs and TLS base tls; hal_thread_self() returns cookie
 * on it. -EAGAIN when no thread is free. */
int hal_thread_start(struct hal_as *as, const struct nto_regs *regs, uint64_t tls,
		     void *cookie);

/* Ends the calling thread (not the TEE); its context may be reused. */
__noreturn void hal_thread_exit(void);

/* Blocks the calling thread until hal_thread_wake names it, or timeout_ns
 * (< 0: none) passes. A wake that came after the thread's previous wait
 * returned is not lost. May return early: the core re-checks its condition. */
void hal_thread_wait(int64_t timeout_ns);

/* Wakes thread cookie from hal_thread_wait (or makes its next wait return). */
void hal_thread_wake(void *cookie);

/* Makes a thread that runs program code enter the core soon (core_kick). */
void hal_thread_kick(void *cookie);

/* The platform calls this when hal_thread_kick interrupted program code. */
void core_kick(struct nto_regs *regs);

/* Transfers control to the program with regs; never returns. */
__noreturn void hal_enter_user(const struct nto_regs *regs);

/* Ends the TEE with status; never returns. */
__noreturn void hal_exit(int status);

#endif
