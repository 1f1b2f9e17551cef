/*
 * The root image: a read-only, measured file tree the program runs from.
 * Built by the host tool (host/image.c), checked and mounted by the core
 * (core/fs/imagefs.c). Its SHA-256 is the launch measurement.
 *
 * Layout: header, entry table (sorted by path), string table, then file
 * data, each file aligned to 4096 bytes. All integers little-endian.
 */
#ifndef NTO_IMAGE_H
#define NTO_IMAGE_H

#include <nto/types.h>

#define IMG_MAGIC   "NTOIMG1"
#define IMG_VERSION 1
#define IMG_MAX_ENTRIES 65536
#define IMG_DATA_ALIGN 4096

struct img_header {
	char magic[8];
	uint32_t version;
	uint32_t count;     /* entries */
	uint64_t table_off; /* struct img_entry[count] */
	uint64_t str_off;   /* string table */
	uint64_t str_size;
	uint64_t total_size;
};

struct img_entry {
	uint32_t path_off; /* into the string table; absolute, normalized */
	uint32_t path_len;
	uint32_t mode;     /* S_IF* | permission bits */
	uint32_t reserved;
	uint64_t data_off; /* from the start of the image */
	uint64_t size;     /* file bytes, or symlink target length */
};

#endif
