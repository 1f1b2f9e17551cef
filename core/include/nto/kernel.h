/* Core-wide services: logging, panics, the heap. */
#ifndef NTO_KERNEL_H
#define NTO_KERNEL_H

#include <nto/abi.h>
#include <nto/errno.h>
#include <nto/lib.h>

/* Writes "nto: <message>\n" to the host's stderr. */
void klog(const char *fmt, ...) printf_like(1, 2);

/* Like klog, only when the user asked for --verbose. */
void kverbose(const char *fmt, ...) printf_like(1, 2);

/* Reports a broken kernel invariant and ends the TEE with status 70.
 * Never used for bad program or host input. */
__noreturn void kpanic(const char *fmt, ...) printf_like(1, 2);

#define KASSERT(c)                                                                                 \
	do {                                                                                       \
		if (!(c))                                                                          \
			kpanic("assertion failed: %s (%s:%d)", #c, __FILE__, __LINE__);            \
	} while (0)

/* Sets up the heap over the platform's reserved range [base, base+size). */
void kheap_init(uptr base, size_t size);

/* Allocates n bytes (16-byte aligned); NULL when TEE memory runs out. */
void *kmalloc(size_t n);

/* kmalloc, zero-filled. */
void *kzalloc(size_t n);

/* Frees a kmalloc'd block; NULL is fine. */
void kfree(void *p);

/* Resizes a block like realloc; on failure the old block stays valid. */
void *krealloc(void *p, size_t n);

/* Copies a NUL-terminated string into a new heap block. */
char *kstrdup(const char *s);

/* Accounts n bytes of TEE memory against the enclave limit: -ENOMEM if over. */
int mem_charge(uint64_t n);

/* Returns n bytes to the TEE memory budget. */
void mem_uncharge(uint64_t n);

/* Sets the TEE memory budget (bytes). */
void mem_set_limit(uint64_t limit);

/* Bytes of TEE memory currently committed and the limit. */
uint64_t mem_used(void);
uint64_t mem_limit(void);

/* Global switches from the boot records. */
extern bool g_strace;
extern bool g_verbose;



/* Wall-clock and monotonic time in ns (host-sourced, checked for sanity). */
int64_t ktime_real(void);
int64_t ktime_mono(void);

#endif
