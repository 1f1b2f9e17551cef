/*
 * The root image builder: packs host files into the measured, read-only
 * file tree of nto/image.h. Its SHA-256 is the launch measurement, so the
 * output depends only on the packed files' bytes, guest paths and modes.
 */
#ifndef HOST_IMAGE_H
#define HOST_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One file to pack. */
struct image_file {
	const char *guest; /* absolute, normalized guest path ("/bin/sh"); not "/" */
	const char *host;  /* S_IFREG: host file whose bytes are packed (symlinks followed);
			      S_IFLNK: host symlink whose target is packed; S_IFDIR: ignored, may be
			      NULL */
	uint32_t mode;     /* S_IFREG, S_IFDIR or S_IFLNK | permission bits (07777) */
	const void *data;  /* S_IFREG only: if set, these len bytes are packed instead of host */
	size_t len;
};

/*
 * Builds an image of n files into a new malloc'd buffer (*out, *outlen; the
 * caller frees it). Parent directories are added as S_IFDIR|0755 unless
 * listed. Guest paths must be unique. The output is deterministic: no
 * timestamps, owners or host paths enter it. Returns 0 or -errno (-EINVAL bad
 * path or mode, -EEXIST duplicate guest path, -ENOTDIR a file used as a
 * parent, -E2BIG too many entries, or a host I/O error, which is also
 * reported on stderr with the host path).
 */
int image_build(const struct image_file *files, int n, uint8_t **out, size_t *outlen);

/* SHA-256 of the whole image (the launch measurement). Returns 0 or -EIO. */
int image_measure(const uint8_t *img, size_t n, uint8_t out[32]);

/* Formats a 32-byte digest as 64 lowercase hex digits plus NUL. */
void image_hex(const uint8_t digest[32], char out[65]);

/* True if path is absolute and normalized: no empty, "." or ".." parts, no
 * trailing '/', not "/" itself, shorter than HC_MAX_PATH. */
bool image_path_ok(const char *path);

#endif
