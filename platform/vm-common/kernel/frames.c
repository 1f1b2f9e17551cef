/*
 * The VM platforms: physical frames. RAM ranges from the boot information
 * (the device tree, the PVH memory map) are handed out by a bump pointer,
 * and freed frames go on a list threaded through the frames themselves
 * (reached through the direct map). A frame that copy-on-write fork shares
 * counts its extra owners, so frame_free only drops a share until the last
 * owner lets it go.
 */
#include <nto/kernel.h>
#include "vm_plat.h"

struct range {
	uint64_t next, end;
};
static struct range ranges[64];
static int nranges, cur;
static uint64_t free_list, total;

/* Extra owners of each frame below 4 GiB (all RAM the VMs use: their
 * direct maps end there): 0 for a frame with one owner. */
#define SHARE_FRAMES (1UL << 20)
static uint16_t share[SHARE_FRAMES];

void frames_add(uint64_t pa, uint64_t len)
{
	if (nranges == (int)ARRAY_SIZE(ranges) || !len)
		return;
	ranges[nranges++] = (struct range){pa, pa + len};
	total += len;
}

uint64_t frames_total(void)
{
	return total;
}

uint64_t frame_alloc(void)
{
	uint64_t pa;

	if (free_list) {
		pa = free_list;
		free_list = *(uint64_t *)phys_to_virt(pa);
	} else {
		while (cur < nranges && ranges[cur].next >= ranges[cur].end)
			cur++;
		if (cur == nranges)
			return 0;
		pa = ranges[cur].next;
		ranges[cur].next += PAGE_SIZE;
	}
	memset(phys_to_virt(pa), 0, PAGE_SIZE);
	return pa;
}

void frame_free(uint64_t pa)
{
	if ((pa >> 12) < SHARE_FRAMES && share[pa >> 12]) {
		share[pa >> 12]--; /* another address space still maps it */
		return;
	}
	*(uint64_t *)phys_to_virt(pa) = free_list;
	free_list = pa;
}

bool frame_share(uint64_t pa)
{
	if ((pa >> 12) >= SHARE_FRAMES || share[pa >> 12] == UINT16_MAX)
		return false;
	share[pa >> 12]++;
	return true;
}

bool frame_shared(uint64_t pa)
{
	return (pa >> 12) < SHARE_FRAMES && share[pa >> 12];
}
