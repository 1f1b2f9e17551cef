/*
 * Boot records: how the launcher tells the core what to run. They come from
 * the untrusted host, so the core parses them with bounds checks
 * (core/kernel/bootargs.c) and treats them as program input, never as
 * trusted configuration. A record is {u32 type, u32 len, len bytes}, each
 * padded to 8 bytes.
 */
#ifndef NTO_BOOTARGS_H
#define NTO_BOOTARGS_H

#include <nto/types.h>

enum boot_rec {
	BOOT_EXEC = 1, /* guest path of the program */
	BOOT_ARG,      /* one argv string */
	BOOT_ENV,      /* one "K=V" */
	BOOT_CWD,      /* guest working directory */
	BOOT_MOUNT,    /* u32 host mount id, u32 flags (BOOT_MOUNT_RO), guest path */
	BOOT_FLAGS,    /* u32 BOOT_F_* */
};

#define BOOT_MOUNT_RO 1
#define BOOT_F_STRACE  1
#define BOOT_F_VERBOSE 2

#define BOOT_MAX_ARGS   4096
#define BOOT_MAX_MOUNTS 16

struct boot_rec_hdr {
	uint32_t type;
	uint32_t len;
};

#endif
