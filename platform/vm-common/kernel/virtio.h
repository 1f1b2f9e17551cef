/* The VM platforms: the virtio-console transport's shared structures (virtio.c). */
#ifndef VM_VIRTIO_H
#define VM_VIRTIO_H

#include <nto/types.h>

#define VQ_SIZE 8

struct vq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

struct vq_ring {
	struct vq_desc desc[VQ_SIZE] __attribute__((aligned(16)));
	struct {
		uint16_t flags, idx, ring[VQ_SIZE], used_event;
	} avail __attribute__((aligned(2)));
	struct {
		uint16_t flags, idx;
		struct {
			uint32_t id, len;
		} ring[VQ_SIZE];
		uint16_t avail_event;
	} used __attribute__((aligned(4)));
};

struct vq {
	struct vq_ring *ring;
	uint32_t idx;       /* the queue's number */
	uint16_t last_used; /* used.idx already consumed */
};

/* Everything the device may read or write: the rings and the receive
 * buffer (the transmit data is in the host-call buffer beside it). */
struct vio_shared {
	struct vq_ring rx_ring, tx_ring;
	uint8_t rx[16384];
};

/* Finds the virtio-console on virtio-mmio and starts it with its queues in
 * sh; -ENODEV if there is none (or it is not version 2). */
int virtio_console_init(struct vio_shared *sh);
/* Sends n bytes at p (inside the shared region) and waits until the device
 * has taken them. */
void virtio_console_send(struct vio_shared *sh, const void *p, size_t n);
/* Receives exactly n bytes into dst (copied out of the shared receive buffer). */
void virtio_console_recv(struct vio_shared *sh, void *dst, size_t n);

#endif
