/*
 * The virtual file system: one namespace of canonical absolute paths over a
 * mount table. Path resolution is done here; each file system implements
 * fs_ops on paths relative to its mount and file_ops on open files.
 */
#ifndef NTO_VFS_H
#define NTO_VFS_H

#include <nto/abi.h>

struct file;
struct mount;

/* A byte buffer that is either core memory or program memory. */
struct iobuf {
	uint8_t *p;
	bool user;   /* a program buffer: checked against the map, then copied */
	bool mapped; /* program memory the core itself made accessible (filemap):
		      * copied without the map check, never touched directly */
};

/* Copies n bytes from src into io at offset off (checked for user buffers). */
int io_put(const struct iobuf *io, size_t off, const void *src, size_t n);

/* Copies n bytes out of io at offset off into dst. */
int io_get(const struct iobuf *io, size_t off, void *dst, size_t n);

/* Callback that emits one directory entry; returns false when the buffer is full. */
struct dir_ctx {
	bool (*emit)(struct dir_ctx *ctx, const char *name, size_t namelen, uint64_t ino,
		     unsigned type);
};

struct file_ops {
	ssize_t (*read)(struct file *f, const struct iobuf *io, size_t n, int64_t *pos);
	ssize_t (*write)(struct file *f, const struct iobuf *io, size_t n, int64_t *pos);
	int (*stat)(struct file *f, struct kstat *st);
	/* Emits entries from *pos on, advancing *pos past each one emitted. */
	int (*getdents)(struct file *f, struct dir_ctx *ctx, int64_t *pos);
	int (*ioctl)(struct file *f, unsigned int cmd, uptr arg);
	/* Returns the POLL* bits that are ready now. */
	int (*poll)(struct file *f, int events);
	int (*truncate)(struct file *f, int64_t len);
	int (*sync)(struct file *f);
	void (*release)(struct file *f);
	/* The file's current canonical path (kmalloc'd), when it can move. */
	char *(*getpath)(struct file *f);
	bool seekable;
};

/* An open file description: shared by dup'd descriptors. */
struct file {
	int refs;
	uint32_t flags; /* O_ACCMODE | O_APPEND | O_NONBLOCK | ... status flags */
	int64_t pos;
	const struct file_ops *ops;
	void *priv;
	char *path; /* canonical guest path, for /proc and fchdir */
};

struct fs_ops {
	/* Resolves symlinks inside rel: returns 0 if none is met, or 1 with the
	 * link's target in link (NUL-terminated) and *consumed = length of the
	 * prefix of rel that named the link. follow: follow a final symlink. */
	int (*walk)(struct mount *m, const char *rel, bool follow, char *link, size_t linkcap,
		    size_t *consumed);
	int (*open)(struct mount *m, const char *rel, int flags, mode_t mode, struct file **out);
	int (*stat)(struct mount *m, const char *rel, struct kstat *st);
	int (*mkdir)(struct mount *m, const char *rel, mode_t mode);
	int (*unlink)(struct mount *m, const char *rel, bool dir);
	int (*rename)(struct mount *m, const char *from, const char *to, unsigned int flags);
	int (*symlink)(struct mount *m, const char *target, const char *rel);
	int (*readlink)(struct mount *m, const char *rel, char *buf, size_t cap);
	int (*chmod)(struct mount *m, const char *rel, mode_t mode);
	/* Times in ns; UTIME_OMIT leaves one alone. */
	int (*utimens)(struct mount *m, const char *rel, int64_t atime, int64_t mtime);
	int (*truncate)(struct mount *m, const char *rel, int64_t len);
	int (*link)(struct mount *m, const char *from, const char *to);
};

struct mount {
	char *path; /* canonical guest path of the mount point */
	size_t pathlen;
	const struct fs_ops *ops;
	void *priv;
	bool readonly;
	uint32_t dev; /* st_dev reported for its files */
};

/* A resolved location: a mount and a path relative to it ("" = its root). */
struct vpath {
	struct mount *m;
	char *abs; /* canonical absolute path (kmalloc'd) */
	const char *rel; /* points into abs */
	bool dir_only;   /* the path ended in '/': it must name a directory */
};

#define VFS_FOLLOW 1 /* follow a final symlink */

/* Resolves path (relative to dirfd, or cwd for AT_FDCWD) into out.
 * path is a core string. Caller frees with vpath_free. */
int vfs_resolve(int dirfd, const char *path, int flags, struct vpath *out);
void vpath_free(struct vpath *vp);

/* Adds a mount at canonical path `path`. */
int vfs_mount(const char *path, const struct fs_ops *ops, void *priv, bool ro);

/* Opens path as open(2) does; returns the new file. */
int vfs_open(int dirfd, const char *path, int flags, mode_t mode, struct file **out);

/* stat(2) on a path; flags: VFS_FOLLOW. */
int vfs_stat(int dirfd, const char *path, int flags, struct kstat *st);

/* The current canonical path of an open file (kmalloc'd), or NULL. */
char *file_path(struct file *f);

/* Allocates a file with one reference. */
struct file *file_alloc(const struct file_ops *ops, void *priv, uint32_t flags);
void file_get(struct file *f);
void file_put(struct file *f);

/* Reads/writes a file at *pos through its ops, honoring access mode. */
ssize_t file_read(struct file *f, const struct iobuf *io, size_t n, int64_t *pos);
ssize_t file_write(struct file *f, const struct iobuf *io, size_t n, int64_t *pos);

/* Reads exactly n bytes at off into core memory; -EIO on a short read. */
int kernel_read(struct file *f, void *buf, size_t n, int64_t off);

/* Canonicalizes path against base (both core strings) into out (PATH_MAX). */
int path_canon(const char *base, const char *path, char *out);

/* Splits canonical rel into parent and last component (in place copies). */
int path_split(const char *rel, char *parent, const char **last);

/* Common stat filling helpers. */
void kstat_fill(struct kstat *st, uint32_t dev, uint64_t ino, uint32_t mode, uint64_t size,
		uint64_t nlink, int64_t atime, int64_t mtime, int64_t ctime);

/* File systems. */
struct mount *vfs_root_mount(void);
/* Creates the directories on the way to canonical abs in the root tmpfs. */
int tmpfs_mkdir_p(const char *abs);
int tmpfs_mount_image(const uint8_t *image, size_t size);
int devfs_init(void);
int procfs_init(void);
int hostfs_mount(const char *guest, uint32_t host_id, bool ro);

/* The console: a file over a host handle (0, 1, 2). */
struct file *console_open(int handle, uint32_t flags);

/* A pipe pair: fds[0] read end, fds[1] write end. */
int pipe_create(struct file **rd, struct file **wr, uint32_t flags);

#endif
