/*
 * Fuzzes tmpfs_mount_image (core/fs/tmpfs.c) with arbitrary root images, in a
 * fresh process each run, then walks whatever tree it accepted: every
 * directory listed, every file read, every symlink followed.
 */
#include <nto/proc.h>
#include <nto/vfs.h>

#include "fuzz_common.h"

struct walk_ctx {
	struct dir_ctx base;
	char names[64][NAME_MAX + 1];
	int n;
};

static bool collect(struct dir_ctx *c, const char *name, size_t len, uint64_t ino, unsigned type)
{
	struct walk_ctx *w = (struct walk_ctx *)c;

	if (w->n == 64)
		return false;
	if (len > NAME_MAX)
		abort(); /* a file system handed out a name longer than NAME_MAX */
	memcpy(w->names[w->n], name, len);
	w->names[w->n][len] = 0;
	w->n++;
	return true;
}

static int budget;

static void walk(const char *path, int depth)
{
	struct file *f;
	struct kstat st;
	static uint8_t buf[4096];

	if (--budget < 0 || depth > 8)
		return;
	if (vfs_stat(AT_FDCWD, path, 0, &st) < 0)
		return;
	vfs_stat(AT_FDCWD, path, VFS_FOLLOW, &st);
	if (vfs_open(AT_FDCWD, path, O_RDONLY, 0, &f) < 0)
		return;
	if (f->ops->stat(f, &st) == 0 && S_ISDIR(st.st_mode)) {
		struct walk_ctx *w = calloc(1, sizeof(*w));
		int64_t pos = 0;
		w->base.emit = collect;
		if (f->ops->getdents)
			f->ops->getdents(f, &w->base, &pos);
		for (int i = 0; i < w->n; i++) {
			char child[PATH_MAX];
			if (strcmp(w->names[i], ".") == 0 || strcmp(w->names[i], "..") == 0)
				continue;
			if (ksnprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") ? path : "",
				      w->names[i]) < (int)sizeof(child))
				walk(child, depth + 1);
		}
		free(w);
	} else {
		struct iobuf io = {buf, false, false};
		int64_t pos = 0;
		for (int i = 0; i < 4 && file_read(f, &io, sizeof(buf), &pos) > 0; i++)
			;
	}
	file_put(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int r;

	test_platform_reset();
	kheap_init(test_kheap_base(), TEST_KHEAP_SIZE);
	mem_set_limit(64UL << 20);
	if (proc_init_first() < 0)
		abort();
	r = tmpfs_mount_image(data, size);
	if (r == 0) {
		budget = 200;
		walk("/", 0);
		/* Writes copy image files on first touch. */
		struct file *f;
		if (vfs_open(AT_FDCWD, "/tmp/new", O_RDWR | O_CREAT, 0644, &f) == 0)
			file_put(f);
	} else if (r > 0 || r < -MAX_ERRNO) {
		dprintf(2, "tmpfs_mount_image returned %d\n", r);
		abort();
	}
	fuzz_check("tmpfs_mount_image");
	test_platform_reset();
	return 0;
}
