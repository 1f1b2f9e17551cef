/*
 * The VM platforms: physical frames. RAM ranges from the boot information
 * (the device tree, the PVH memory map) are handed out by a bump pointer,
 * and freed frames go on a list threaded through the frames themselves
 * (reached through the direct map). Used by riscv64-vm; x86_64-vm keeps
 * its own copy in its mm.c until its copy-on-write work (which counts
 * sharers per frame) lands here too.
 */
#include <nto/kernel.h>
#include "vm_plat.h"

struct range {
	uint64_t next, end;
};
static struct range ranges[64];
static int nranges, cur;
static uint64_t free_list, total;

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
	*(uint64_t *)phys_to_virt(pa) = free_list;
	free_list = pa;
}
