/* Advisory file locks (core/fs/lock.c). */
#ifndef NTO_LOCK_H
#define NTO_LOCK_H

#include <nto/vfs.h>

/* fcntl's F_GETLK/F_SETLK/F_SETLKW and their F_OFD_ forms on f. */
int lock_fcntl(struct file *f, int cmd, void __user *arg);

/* flock(2) on f. */
int lock_flock(struct file *f, int op);

/* A descriptor of f is being closed: drop the process's POSIX locks on it. */
void lock_on_close(struct file *f);

/* The open file description f is going away: drop its OFD and flock locks. */
void lock_on_release(struct file *f);

#endif
