/*
 * x86_64-vm: host calls, first transport. Each call is framed in one
 * dedicated buffer (hc_shared: the only memory whose bytes the host ever
 * sees; on SEV-SNP/TDX it is the page range converted to shared) and moved
 * through the 16550 UART at 0x3f8, which QEMU connects to the launcher
 * (`-chardev stdio`): request header + payload out, reply header + payload
 * back. The reply is copied out of the buffer once and judged on the copy.
 * virtio-console over the same buffer comes next (docs/platform-x86_64-vm.md).
 */
#include <nto/kernel.h>
#include "x86.h"

#define COM1 0x3f8

static struct {
	struct hc_msg hdr;
	uint8_t data[HC_MAX_DATA];
} hc_shared __attribute__((aligned(4096)));

bool hostcall_up;

void hostcall_init(void)
{
	outb(COM1 + 1, 0x00); /* no UART interrupts: the kernel polls */
	outb(COM1 + 3, 0x80); /* DLAB */
	outb(COM1 + 0, 0x01); /* 115200 baud (QEMU ignores it) */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03); /* 8N1 */
	/* FIFOs on and cleared, trigger level 14: QEMU moves as many bytes
	 * from the host per main-loop turn as the trigger level (1 by default:
	 * a turn per byte, ~2 ms per host call instead of ~0.1 ms). */
	outb(COM1 + 2, 0xc7);
	outb(COM1 + 4, 0x03); /* DTR, RTS */
}

static void send(const void *buf, size_t n)
{
	const uint8_t *p = buf;

	for (size_t i = 0; i < n; i++) {
		while (!(inb(COM1 + 5) & 0x20))
			__asm__ volatile("pause");
		outb(COM1, p[i]);
	}
}

static void recv(void *buf, size_t n)
{
	uint8_t *p = buf;

	for (size_t i = 0; i < n; i++) {
		while (!(inb(COM1 + 5) & 0x01))
			__asm__ volatile("pause");
		p[i] = inb(COM1);
	}
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
	send(&hc_shared, sizeof(hc_shared.hdr) + in_len);
	if (req->op == HC_EXIT)
		return 0;
	recv(&hc_shared.hdr, sizeof(hc_shared.hdr));
	r = hc_shared.hdr; /* copy the header in once, then judge only the copy */
	if (r.magic != HC_MAGIC || r.op != req->op || r.seq != req->seq || r.len > out_cap ||
	    r.ret < -MAX_ERRNO)
		return -EIO; /* the stream is out of step now: nothing later is believed */
	if (r.len) {
		recv(hc_shared.data, r.len);
		memcpy(out, hc_shared.data, r.len);
	}
	*resp = r;
	hostcall_up = true;
	return 0;
}
