/*
 * The VM platforms: a minimal virtio-mmio (version 2) driver for one
 * virtio-console, polled. The same code on every ISA: where the transports
 * are and how to order memory against the device come from vm_plat.h. Both virtqueues, their rings and every data
 * buffer live in the one region handed in by the caller (the shared
 * buffer): the device is never given any other guest address.
 */
#include <nto/kernel.h>
#include "vm_plat.h"
#include "virtio.h"

#define R_MAGIC      0x000
#define R_VERSION    0x004
#define R_DEVICE_ID  0x008
#define R_DEV_FEAT   0x010
#define R_DEV_FEAT_SEL 0x014
#define R_DRV_FEAT   0x020
#define R_DRV_FEAT_SEL 0x024
#define R_QUEUE_SEL  0x030
#define R_QUEUE_MAX  0x034
#define R_QUEUE_NUM  0x038
#define R_QUEUE_READY 0x044
#define R_QUEUE_NOTIFY 0x050
#define R_STATUS     0x070
#define R_DESC_LO    0x080
#define R_DESC_HI    0x084
#define R_AVAIL_LO   0x090
#define R_AVAIL_HI   0x094
#define R_USED_LO    0x0a0
#define R_USED_HI    0x0a4

#define ST_ACK 1
#define ST_DRIVER 2
#define ST_DRIVER_OK 4
#define ST_FEATURES_OK 8

#define DESC_F_WRITE 2
#define DEV_CONSOLE 3

static volatile uint8_t *mmio;
static struct vq q_rx, q_tx;
static uint32_t rx_pos, rx_len; /* what of sh->rx is received and not yet taken */

static uint32_t rd(uint32_t off)
{
	return *(volatile uint32_t *)(mmio + off);
}

static void wr(uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(mmio + off) = v;
}

static void setup_queue(uint32_t idx, struct vq *q)
{
	wr(R_QUEUE_SEL, idx);
	q->idx = idx;
	wr(R_QUEUE_NUM, VQ_SIZE);
	wr(R_DESC_LO, (uint32_t)kva_to_pa(q->ring->desc));
	wr(R_DESC_HI, (uint32_t)(kva_to_pa(q->ring->desc) >> 32));
	wr(R_AVAIL_LO, (uint32_t)kva_to_pa(&q->ring->avail));
	wr(R_AVAIL_HI, (uint32_t)(kva_to_pa(&q->ring->avail) >> 32));
	wr(R_USED_LO, (uint32_t)kva_to_pa(&q->ring->used));
	wr(R_USED_HI, (uint32_t)(kva_to_pa(&q->ring->used) >> 32));
	wr(R_QUEUE_READY, 1);
}

/* Offers buffer [p, p+len) on q (device-writable if write) and rings. */
static void offer(struct vq *q, void *p, uint32_t len, bool write)
{
	struct vq_ring *r = q->ring;
	uint16_t slot = r->avail.idx % VQ_SIZE;

	r->desc[slot] = (struct vq_desc){kva_to_pa(p), len, write ? DESC_F_WRITE : 0, 0};
	r->avail.ring[slot] = slot;
	vm_dma_fence();
	r->avail.idx++;
	vm_dma_fence();
	wr(R_QUEUE_NOTIFY, q->idx);
}

/* Waits for the device to hand back the next buffer of q; returns its length. */
static uint32_t take(struct vq *q)
{
	volatile struct vq_ring *r = q->ring;
	uint32_t len;

	while (r->used.idx == q->last_used)
		vm_cpu_relax();
	vm_dma_fence();
	len = r->used.ring[q->last_used % VQ_SIZE].len;
	q->last_used++;
	return len;
}

int virtio_console_init(struct vio_shared *sh)
{
	for (int i = 0; i < VIRTIO_MMIO_SLOTS; i++) {
		volatile uint8_t *m = phys_to_virt(VIRTIO_MMIO_BASE + (uint64_t)i * VIRTIO_MMIO_STRIDE);
		if (*(volatile uint32_t *)m == 0x74726976 &&
		    *(volatile uint32_t *)(m + R_VERSION) == 2 &&
		    *(volatile uint32_t *)(m + R_DEVICE_ID) == DEV_CONSOLE) {
			mmio = m;
			break;
		}
	}
	if (!mmio)
		return -ENODEV;
	wr(R_STATUS, 0);
	wr(R_STATUS, ST_ACK | ST_DRIVER);
	wr(R_DEV_FEAT_SEL, 1);
	if (!(rd(R_DEV_FEAT) & 1)) /* VIRTIO_F_VERSION_1 */
		return -ENODEV;
	wr(R_DRV_FEAT_SEL, 1);
	wr(R_DRV_FEAT, 1);
	wr(R_DRV_FEAT_SEL, 0);
	wr(R_DRV_FEAT, 0); /* no MULTIPORT: port 0 only, open once DRIVER_OK */
	wr(R_STATUS, ST_ACK | ST_DRIVER | ST_FEATURES_OK);
	if (!(rd(R_STATUS) & ST_FEATURES_OK))
		return -ENODEV;
	q_rx.ring = &sh->rx_ring;
	q_tx.ring = &sh->tx_ring;
	wr(R_QUEUE_SEL, 0);
	if (rd(R_QUEUE_MAX) < VQ_SIZE)
		return -ENODEV;
	setup_queue(0, &q_rx);
	setup_queue(1, &q_tx);
	wr(R_STATUS, ST_ACK | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK);
	offer(&q_rx, sh->rx, sizeof(sh->rx), true);
	return 0;
}

void virtio_console_send(struct vio_shared *sh, const void *p, size_t n)
{
	(void)sh;
	offer(&q_tx, (void *)p, (uint32_t)n, false);
	take(&q_tx);
}

void virtio_console_recv(struct vio_shared *sh, void *dst, size_t n)
{
	uint8_t *d = dst;

	while (n) {
		if (rx_pos == rx_len) {
			uint32_t len = take(&q_rx);
			rx_len = MIN(len, (uint32_t)sizeof(sh->rx)); /* the device's word, bounded */
			rx_pos = 0;
			if (!rx_len) {
				offer(&q_rx, sh->rx, sizeof(sh->rx), true);
				continue;
			}
		}
		size_t c = MIN(n, (size_t)(rx_len - rx_pos));
		memcpy(d, sh->rx + rx_pos, c);
		rx_pos += (uint32_t)c;
		d += c;
		n -= c;
		if (rx_pos == rx_len)
			offer(&q_rx, sh->rx, sizeof(sh->rx), true);
	}
}
