/*
 * The host-call protocol: the only conversation between the TEE and the
 * untrusted host. Shared, byte for byte, by the core, every platform's
 * transport and the host-call server (host/hostcall_server.c).
 * docs/hostcall.md is the prose version.
 *
 * A call is a request header plus up to HC_MAX_DATA payload bytes; the reply
 * is a header with the same op and seq, ret (a result or -errno) and up to
 * the payload capacity the request named. Handles are opaque numbers chosen
 * by the host; the core never receives a host pointer.
 */
#ifndef NTO_HOSTCALL_H
#define NTO_HOSTCALL_H

#include <nto/types.h>

#define HC_MAGIC    0x314f544eU /* "NTO1" little-endian */
#define HC_VERSION  1
#define HC_MAX_DATA (128 * 1024)
#define HC_MAX_PATH 4096

/* Console handles exist before any open. */
#define HC_STDIN  0
#define HC_STDOUT 1
#define HC_STDERR 2

enum hc_op {
	HC_NOP = 0,
	HC_READ,      /* a0 handle, a1 offset or -1, a2 count      -> data, ret n */
	HC_WRITE,     /* a0 handle, a1 offset or -1, data           -> ret n */
	HC_OPEN,      /* a0 mount, a1 open flags, a2 mode, data path -> ret handle, and
		       * a struct hc_stat of the file if the reply has room for it */
	HC_CLOSE,     /* a0 handle */
	HC_STAT,      /* a0 mount, a1 1=nofollow, data path          -> struct hc_stat */
	HC_FSTAT,     /* a0 handle                                   -> struct hc_stat */
	HC_GETDENTS,  /* a0 handle, a1 index to start at, a2 cap     -> hc_dirent records, ret count */
	HC_MKDIR,     /* a0 mount, a1 mode, data path */
	HC_UNLINK,    /* a0 mount, a1 1=rmdir, data path */
	HC_RENAME,    /* a0 mount, a1 flags, data "old\0new\0" */
	HC_SYMLINK,   /* a0 mount, data "target\0path\0" */
	HC_READLINK,  /* a0 mount, data path                         -> data target, ret len */
	HC_TRUNCATE,  /* a0 mount, a1 length, data path */
	HC_FTRUNCATE, /* a0 handle, a1 length */
	HC_FSYNC,     /* a0 handle */
	HC_CHMOD,     /* a0 mount, a1 mode, data path */
	HC_UTIMENS,   /* a0 mount, a1 atime ns or -1, a2 mtime ns or -1, a3 1=nofollow, data path */
	HC_CLOCK,     /* a0 clock id                                 -> ret ns */
	HC_TTY,       /* a0 handle, a1 HC_TTY_*                      -> data termios/winsize */
	HC_POLL,      /* a0 handle, a1 events, a2 timeout ms         -> ret revents */
	HC_EXIT,      /* a0 status; no reply */
	HC_LINK,      /* a0 mount, data "old\0new\0" */
	HC_FPATH,     /* a0 mount, a1 handle -> data: the handle's path in the mount now */
	HC_OP_COUNT,
	/* Platform-private ops (memory, threads) start here; the server hands
	 * them to the platform's own handler. */
	HC_PLATFORM = 0x1000,
};

#define HC_TTY_TCGETS  1
#define HC_TTY_WINSZ   2

struct hc_msg {
	uint32_t magic;
	uint32_t op;
	uint64_t seq;
	int64_t ret;
	int64_t arg[5];
	uint32_t len; /* payload bytes that follow */
	uint32_t cap; /* request: payload bytes the reply may carry */
};

/* File metadata as the host reports it (validated by the core by type). */
struct hc_stat {
	uint64_t ino, size, blocks, nlink;
	uint32_t mode, uid, gid, blksize;
	int64_t atime_ns, mtime_ns, ctime_ns;
};

/* One directory entry in a HC_GETDENTS reply; name follows, not NUL-terminated. */
struct hc_dirent {
	uint64_t ino;
	uint8_t type;
	uint8_t pad;
	uint16_t namelen;
	uint32_t pad2;
};

#endif
