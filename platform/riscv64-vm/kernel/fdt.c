/*
 * riscv64-vm: what the kernel reads from the flattened device tree
 * (Devicetree Specification v0.4, chapter 5) that OpenSBI passes in a1:
 * RAM (/memory reg), the initrd (/chosen linux,initrd-start/-end), the
 * command line (/chosen bootargs) and the timer's rate (/cpus
 * timebase-frequency). The tree comes from outside the TEE's trust (QEMU
 * builds it), so every offset and length is checked against the header's
 * size before it is read.
 */
#include <nto/kernel.h>
#include "rv.h"

#define FDT_MAGIC      0xd00dfeed
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP        4
#define FDT_END        9
#define FDT_MAX_SIZE   (1 << 20)
#define FDT_MAX_DEPTH  16

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A property value of 1 or 2 big-endian cells. */
static uint64_t cells(const uint8_t *p, uint32_t n)
{
	return n == 2 ? (uint64_t)be32(p) << 32 | be32(p + 4) : be32(p);
}

uint32_t fdt_size(const void *fdt)
{
	const uint8_t *h = fdt;

	return be32(h) == FDT_MAGIC ? be32(h + 4) : 0;
}

struct walk {
	const uint8_t *base, *strings;
	uint32_t struct_off, struct_end, strings_size;
};

/* Whether the name of a child of the root is node, with or without a
 * unit address ("memory@80000000"). */
static bool is_node(const char *name, const char *node)
{
	size_t n = strlen(node);

	return !strncmp(name, node, n) && (name[n] == 0 || name[n] == '@');
}

static void prop(const char *node, const char *name, const uint8_t *v, uint32_t len,
		 uint32_t acells, uint32_t scells, struct fdt_info *out)
{
	if (is_node(node, "memory") && !strcmp(name, "reg") && len >= 4 * (acells + scells) &&
	    !out->ram_size) {
		out->ram_base = cells(v, acells);
		out->ram_size = cells(v + 4 * acells, scells);
	} else if (is_node(node, "chosen") && !strcmp(name, "linux,initrd-start") &&
		   (len == 4 || len == 8)) {
		out->initrd_start = cells(v, len / 4);
	} else if (is_node(node, "chosen") && !strcmp(name, "linux,initrd-end") &&
		   (len == 4 || len == 8)) {
		out->initrd_end = cells(v, len / 4);
	} else if (is_node(node, "chosen") && !strcmp(name, "bootargs") && len) {
		kstrlcpy(out->bootargs, (const char *)v, MIN(sizeof(out->bootargs), (size_t)len));
	} else if (is_node(node, "cpus") && !strcmp(name, "timebase-frequency") &&
		   (len == 4 || len == 8)) {
		out->timebase = cells(v, len / 4);
	}
}

bool fdt_parse(const void *fdt, struct fdt_info *out)
{
	const uint8_t *h = fdt;
	uint32_t size = fdt_size(fdt), acells = 2, scells = 2, depth = 0;
	const char *path[FDT_MAX_DEPTH] = {""};

	memset(out, 0, sizeof(*out));
	if (size < 40 || size > FDT_MAX_SIZE)
		return false;
	uint32_t so = be32(h + 8), ss = be32(h + 36), stro = be32(h + 12), strs = be32(h + 32);
	if (so > size || ss > size - so || stro > size || strs > size - stro || (so & 3))
		return false;
	for (uint32_t off = so; off + 4 <= so + ss;) {
		uint32_t tok = be32(h + off);
		off += 4;
		if (tok == FDT_BEGIN_NODE) {
			const char *name = (const char *)h + off;
			size_t n = strnlen(name, so + ss - off);
			if (off + n >= so + ss || ++depth >= FDT_MAX_DEPTH)
				return false;
			path[depth] = name;
			off = ALIGN_UP(off + (uint32_t)n + 1, 4);
		} else if (tok == FDT_END_NODE) {
			if (!depth--)
				return false;
		} else if (tok == FDT_PROP) {
			if (off + 8 > so + ss)
				return false;
			uint32_t len = be32(h + off), nameoff = be32(h + off + 4);
			const uint8_t *v = h + off + 8;
			off += 8;
			if (len > so + ss - off || nameoff >= strs)
				return false;
			const char *name = (const char *)h + stro + nameoff;
			if (strnlen(name, strs - nameoff) == strs - nameoff)
				return false;
			if (depth == 1 && !strcmp(name, "#address-cells") && len == 4)
				acells = be32(v);
			else if (depth == 1 && !strcmp(name, "#size-cells") && len == 4)
				scells = be32(v);
			else if (depth == 2)
				prop(path[2], name, v, len, acells, scells, out);
			if (acells < 1 || acells > 2 || scells < 1 || scells > 2)
				return false;
			off = ALIGN_UP(off + len, 4);
		} else if (tok == FDT_END) {
			return out->ram_size != 0;
		} else if (tok != FDT_NOP) {
			return false;
		}
	}
	return false;
}
