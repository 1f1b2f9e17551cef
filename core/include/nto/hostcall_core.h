/* The core's side of the host-call protocol: typed helpers over hal_hostcall. */
#ifndef NTO_HOSTCALL_CORE_H
#define NTO_HOSTCALL_CORE_H

#include <nto/hostcall.h>

/* Sends op with up to 4 arguments and a payload; receives up to out_cap bytes
 * into out and their count into *out_len (may be NULL). Returns the host's
 * result (>= 0) or -errno; -EIO if the host broke the protocol. */
int64_t hc_call(uint32_t op, const int64_t a[4], const void *in, size_t in_len, void *out,
		size_t out_cap, size_t *out_len);

/* Sends op with a path payload (NUL included) and up to 4 arguments. */
int64_t hc_path(uint32_t op, const int64_t a[4], const char *path);

#endif
