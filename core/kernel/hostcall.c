/* Typed host calls. The platform checked the framing; results are checked here by type. */
#include <nto/hal.h>
#include <nto/hostcall_core.h>
#include <nto/kernel.h>

static uint64_t next_seq = 1;

int64_t hc_call(uint32_t op, const int64_t a[4], const void *in, size_t in_len, void *out,
		size_t out_cap, size_t *out_len)
{
	struct hc_msg req = {0}, resp = {0};
	int r;

	if (in_len > HC_MAX_DATA || out_cap > HC_MAX_DATA)
		return -EINVAL;
	req.magic = HC_MAGIC;
	req.op = op;
	req.seq = __atomic_fetch_add(&next_seq, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < 4 && a; i++)
		req.arg[i] = a[i];
	req.len = (uint32_t)in_len;
	req.cap = (uint32_t)out_cap;
	r = hal_hostcall(&req, in, in_len, &resp, out, out_cap);
	if (r < 0)
		return r;
	if (out_len)
		*out_len = resp.len;
	return resp.ret;
}

int64_t hc_path(uint32_t op, const int64_t a[4], const char *path)
{
	return hc_call(op, a, path, strlen(path) + 1, NULL, 0, NULL);
}
