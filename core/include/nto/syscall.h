/* System-call dispatch: one table per ISA, bodies shared. */
#ifndef NTO_SYSCALL_H
#define NTO_SYSCALL_H

#include <nto/abi.h>

typedef long (*syscall_fn)(long, long, long, long, long, long);

/* How strace prints an argument: one letter per argument. */
/* d: int, u: unsigned, x: hex, o: octal, s: string, p: pointer, f: fd */
struct syscall_desc {
	syscall_fn fn;
	const char *name;
	const char *args;
	/* Bit i: argument i's C type is 32 bits wide and the ISA's calling
	 * convention wants it in canonical form (RV64: sign-extended from bit
	 * 31, signed or not); the dispatcher narrows it, as Linux's
	 * SYSCALL_DEFINE casts do. 0 where the callee ignores the upper half
	 * anyway (x86-64). */
	uint8_t int32;
};

/* The ISA's table, indexed by syscall number; holes have fn == NULL. */
extern const struct syscall_desc syscall_table[];
extern const size_t syscall_table_size;

/* Runs syscall nr with args and returns its result (-errno on failure). */
long syscall_dispatch(uint64_t nr, const long args[6]);

#define SYSCALL_FN(f) ((syscall_fn)(void (*)(void))(f))

#endif
