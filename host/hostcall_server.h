/*
 * The host-call server: answers the guest's host calls (nto/hostcall.h)
 * against the real host file system and console.
 *
 * Everything in a request comes from the untrusted guest, so each field is
 * checked before use; file access is confined beneath the mounted host
 * directories with openat2(RESOLVE_BENEATH). Errors come back as -errno in
 * resp->ret: -EINVAL for a malformed request, -EBADF for a handle not in this
 * server's table, -ENODEV for an unknown mount id, -EROFS for a change on a
 * read-only mount, -ENOSYS for an unknown op (platform-private ops,
 * HC_PLATFORM and up, are the platform's to handle before calling hc_serve).
 *
 * Host-side policy worth knowing: new files, directories and chmod never get
 * setuid/setgid bits on the host, and the nto process's umask still applies
 * to files the guest creates.
 */
#ifndef HOST_HOSTCALL_SERVER_H
#define HOST_HOSTCALL_SERVER_H

#include <stdbool.h>

#include "nto_compat.h"

/* Open handles per server, including the console handles 0, 1 and 2. */
#define HC_SERVER_MAX_HANDLES 4096

struct hc_server;

/* Creates a server whose handles 0, 1, 2 are the host's stdin, stdout and
 * stderr. Returns NULL if out of memory. */
struct hc_server *hc_server_new(void);

/* Closes every handle and mount the server opened (never the host's 0..2) and frees it. */
void hc_server_free(struct hc_server *s);

/*
 * Adds a mount of host_dir (must be a directory); ro makes it read-only.
 * Returns its id (>= 0: what the guest sends as arg[0] and what BOOT_MOUNT
 * carries) or -errno (-ENOSPC past BOOT_MAX_MOUNTS). Add every mount before
 * the first hc_serve.
 */
int hc_server_add_mount(struct hc_server *s, const char *host_dir, bool ro);

/*
 * Serves one request. req and its req->len payload bytes at in come from the
 * untrusted guest; they are copied before they are checked, so they may sit
 * in memory the guest can still change, and resp/out may alias req/in.
 * Writes the reply header to resp (magic, op, seq, ret = result or -errno,
 * len = payload bytes) and up to req->cap bytes to out. Returns 0, or 1 for
 * HC_EXIT: then *exit_status is the guest's status (0..255) and no reply
 * needs to be sent. Safe to call from several threads at once; a call may
 * block as long as the host operation does (a console read, a poll).
 */
int hc_serve(struct hc_server *s, const struct hc_msg *req, const void *in, struct hc_msg *resp,
	     void *out, int *exit_status);

#endif
