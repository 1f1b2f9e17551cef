/* sgx-sim's launcher, shared between its files (host side, untrusted). */
#ifndef SGXSIM_HOST_H
#define SGXSIM_HOST_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../sgxsim.h"

/* launch.c */
extern uint64_t sgxsim_runtime_entry;
extern pid_t sgxsim_host_tid[SGXSIM_MAX_THREADS];
extern uint8_t sgxsim_mrenclave[32];
extern __thread int sgxsim_my_slot; /* the slot the calling host thread enters */

/* Maps fresh anonymous memory at addr (MAP_FIXED). */
void *sgxsim_map_fixed(uint64_t addr, size_t len, int prot);

/* Reserves ELRANGE and EADDs the runtime; 0 or -1 with errno. */
int sgxsim_create_enclave(void);

/* Computes MRENCLAVE (once per process; forks inherit it). */
void sgxsim_measure_runtime(void);

/* Allocates the untrusted buffers of one enclave thread's ECALL block. */
struct sgxsim_ecall *sgxsim_thread_block(uint64_t magic, uint64_t slot);

/* Arms the calling host thread for slot (SUD, alternate stack). */
int64_t sgxsim_arm_thread(uint64_t slot);

/* Enters the enclave on slot with e; never returns. */
__attribute__((noreturn)) void sgxsim_enter(struct sgxsim_ecall *e, uint64_t slot);

/* Lets kicks reach the calling host thread again (see launch.c). */
void sgxsim_unblock_kicks(void);

/* satellite.c */

/* Serves the satellite and channel operations (op >= SGXSIM_OP_SAT_SPAWN)
 * for the OCALL in b; returns the reply's ret and sets *rlen to the bytes
 * of reply data. */
int64_t sgxsim_sat_op(const struct hc_msg *q, struct sgxsim_ocall_buf *b, uint32_t *rlen);

/* Routes a kick for slot to a satellite thread when the slot serves one:
 * true if it did. */
bool sgxsim_kick_remote(uint64_t slot);

/* The zygote's main loop (nto --sgxsim-zygote): forks satellites. */
int sgxsim_zygote_main(int fd);

#endif
