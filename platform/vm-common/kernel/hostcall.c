/*
 * The VM platforms: host calls over virtio-console (virtio-mmio), polled. Each
 * call is framed in one dedicated region (hc_shared: the virtqueues, the
 * receive buffer and the request buffer; the only memory whose bytes the
 * host ever sees, and on SEV-SNP/TDX the range converted to shared): the
 * request header and payload go out from it, the reply comes back into its
 * receive buffer and is copied once into private memory, where it is
 * judged. QEMU connects the console to the launcher (`-chardev stdio`).
 */
#include <nto/kernel.h>
#include "vm_plat.h"
#include "virtio.h"

static struct {
	struct vio_shared vio;
	struct hc_msg hdr;
	uint8_t data[HC_MAX_DATA];
} hc_shared __attribute__((aligned(4096)));

void hostcall_init(void)
{
	int r = virtio_console_init(&hc_shared.vio);

	if (r < 0)
		vm_panic("no virtio-console for host calls (%d)", r);
}

int hal_hostcall(const struct hc_msg *req, const void *in, size_t in_len, struct hc_msg *resp,
		 void *out, size_t out_cap)
{
	struct hc_msg r;

	if (in_len > HC_MAX_DATA || out_cap > HC_MAX_DATA || req->len != in_len)
		return -EINVAL;
	hc_shared.hdr = *req;
	hc_shared.hdr.cap = (uint32_t)out_cap;
	if (in_len)
		memcpy(hc_shared.data, in, in_len);
	virtio_console_send(&hc_shared.vio, &hc_shared.hdr, sizeof(hc_shared.hdr) + in_len);
	if (req->op == HC_EXIT)
		return 0;
	/* The reply is copied out of the shared buffer once, then judged. */
	virtio_console_recv(&hc_shared.vio, &r, sizeof(r));
	if (r.magic != HC_MAGIC || r.op != req->op || r.seq != req->seq || r.len > out_cap ||
	    r.ret < -MAX_ERRNO)
		return -EIO; /* the stream is out of step now: nothing later is believed */
	if (r.len)
		virtio_console_recv(&hc_shared.vio, out, r.len);
	*resp = r;
	return 0;
}

int vm_host_clock(int clk, int64_t *ns)
{
	struct hc_msg req = {HC_MAGIC, HC_CLOCK, 0, 0, {clk, 0, 0, 0, 0}, 0, 0}, resp;
	static uint64_t seq = 3ULL << 61;

	req.seq = seq++;
	if (hal_hostcall(&req, NULL, 0, &resp, NULL, 0) < 0 || resp.ret < 0)
		return -EIO;
	*ns = resp.ret;
	return 0;
}

__noreturn void vm_host_exit(int status)
{
	struct hc_msg req = {HC_MAGIC, HC_EXIT, 0, 0, {status, 0, 0, 0, 0}, 0, 0}, resp;

	hal_hostcall(&req, NULL, 0, &resp, NULL, 0);
	vm_poweroff(status);
}
