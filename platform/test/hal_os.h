/*
 * The test platform's window onto the real operating system. hal_os.c is the
 * only test-platform file that includes libc headers: nto's headers define
 * Linux ABI names (struct timespec, PROT_*, O_*) that would clash with glibc's,
 * so this interface uses nothing but stdint/stddef types.
 */
#ifndef NTO_TEST_HAL_OS_H
#define NTO_TEST_HAL_OS_H

#include <stddef.h>
#include <stdint.h>

/* Reserves [addr, addr+len) as inaccessible address space. addr 0 = anywhere.
 * Returns the base or 0. */
uint64_t os_reserve(uint64_t addr, uint64_t len);
/* Commits fresh zeroed memory with Linux PROT_* bits (MAP_FIXED over a reservation). */
int os_map(uint64_t va, uint64_t len, int prot);
int os_protect(uint64_t va, uint64_t len, int prot);
/* Returns a range to the inaccessible reservation, dropping its contents. */
int os_release(uint64_t va, uint64_t len);

int os_random(void *buf, size_t n);
/* Linux clock ids (0 = realtime, 1 = monotonic). */
int os_clock_ns(int clk, int64_t *ns);

void os_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void os_abort(void);

void *os_malloc(size_t n);
void os_free(void *p);

#endif
