/*
 * Advisory locks: POSIX record locks (owned by the process), OFD locks
 * (owned by the open file description) and flock(2) locks (whole-file,
 * per open file description, a namespace of their own). Files are told
 * apart by (st_dev, st_ino), so two opens of one file share its locks.
 * One table serves every process: a POSIX lock's owner is its process.
 */
#include <nto/kernel.h>
#include <nto/lock.h>
#include <nto/mm.h>
#include <nto/proc.h>
#include <nto/sched.h>

#define LOCK_SH 1
#define LOCK_EX 2
#define LOCK_NB 4
#define LOCK_UN 8
#define OFFSET_MAX INT64_MAX

enum owner_kind { OWN_POSIX, OWN_OFD, OWN_FLOCK };

struct lockrec {
	uint64_t dev, ino;
	enum owner_kind kind;
	const void *owner; /* struct proc * or struct file * */
	int type;          /* F_RDLCK or F_WRLCK */
	int64_t start, end; /* inclusive */
	struct lockrec *next;
};

static struct lockrec *locks;

static int file_key(struct file *f, uint64_t *dev, uint64_t *ino)
{
	struct kstat st;

	if (!f->ops->stat || f->ops->stat(f, &st) < 0)
		return -EBADF;
	*dev = st.st_dev;
	*ino = st.st_ino;
	return 0;
}

static bool same_ns(enum owner_kind a, enum owner_kind b)
{
	return (a == OWN_FLOCK) == (b == OWN_FLOCK);
}

static const struct lockrec *conflict(uint64_t dev, uint64_t ino, enum owner_kind kind,
				      const void *owner, int type, int64_t start, int64_t end)
{
	for (struct lockrec *l = locks; l; l = l->next) {
		if (l->dev != dev || l->ino != ino || !same_ns(l->kind, kind))
			continue;
		if (l->owner == owner && l->kind == kind)
			continue;
		if (l->end < start || l->start > end)
			continue;
		if (l->type == F_WRLCK || type == F_WRLCK)
			return l;
	}
	return NULL;
}

static struct lockrec *rec_new(const struct lockrec *tmpl, int64_t start, int64_t end)
{
	struct lockrec *n = kmalloc(sizeof(*n));

	if (n) {
		*n = *tmpl;
		n->start = start;
		n->end = end;
		n->next = locks;
		locks = n;
	}
	return n;
}

/* Removes the owner's coverage of [start, end], splitting records. */
static int carve(const struct lockrec *key, int64_t start, int64_t end)
{
	for (struct lockrec **pp = &locks; *pp;) {
		struct lockrec *l = *pp;
		if (l->dev != key->dev || l->ino != key->ino || l->kind != key->kind ||
		    l->owner != key->owner || l->end < start || l->start > end) {
			pp = &l->next;
			continue;
		}
		if (l->start < start && l->end > end) {
			if (!rec_new(l, end + 1, l->end))
				return -ENOLCK;
			l->end = start - 1;
		} else if (l->start < start) {
			l->end = start - 1;
		} else if (l->end > end) {
			l->start = end + 1;
		} else {
			*pp = l->next;
			kfree(l);
			continue;
		}
		pp = &l->next;
	}
	sched_wake_all(); /* a waiter may fit now */
	return 0;
}

struct lockwait {
	const struct lockrec *key;
	int type;
	int64_t start, end;
};

static bool lock_free(void *arg)
{
	const struct lockwait *w = arg;
	const struct lockrec *k = w->key;

	return !conflict(k->dev, k->ino, k->kind, k->owner, w->type, w->start, w->end);
}

/* Waits (F_SETLKW, flock without LOCK_NB) until nobody else holds a
 * conflicting lock. The only thread of all could wait forever: it gets
 * EDEADLK instead. Deadlocks between processes are not detected. */
static int wait_lock(const struct lockrec *key, int type, int64_t start, int64_t end)
{
	struct lockwait w = {key, type, start, end};
	int r;

	if (threads_alive() == 1)
		return -EDEADLK;
	r = sched_wait(lock_free, &w, -1);
	return r == -EINTR ? -ERESTARTSYS : r;
}

static int set_lock(struct lockrec *key, int type, int64_t start, int64_t end, bool wait)
{
	if (type != F_UNLCK &&
	    conflict(key->dev, key->ino, key->kind, key->owner, type, start, end)) {
		int w = wait ? wait_lock(key, type, start, end) : -EAGAIN;
		if (w < 0)
			return w;
	}
	int r = carve(key, start, end);
	if (r < 0 || type == F_UNLCK)
		return r;
	key->type = type;
	return rec_new(key, start, end) ? 0 : -ENOLCK;
}

/* Turns a struct flock into an inclusive [start, end] range. */
static int range_of(struct file *f, const struct flock *fl, int64_t *start, int64_t *end)
{
	int64_t base;
	struct kstat st;

	switch (fl->l_whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = f->pos;
		break;
	case SEEK_END:
		if (f->ops->stat(f, &st) < 0)
			return -EBADF;
		base = st.st_size;
		break;
	default:
		return -EINVAL;
	}
	*start = base + fl->l_start;
	if (fl->l_len > 0) {
		*end = *start + fl->l_len - 1;
	} else if (fl->l_len < 0) {
		*end = *start - 1;
		*start += fl->l_len;
	} else {
		*end = OFFSET_MAX;
	}
	return *start < 0 ? -EINVAL : 0;
}

int lock_fcntl(struct file *f, int cmd, void __user *arg)
{
	bool ofd = cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
	struct lockrec key = {0};
	struct flock fl;
	int64_t start, end;
	int r;

	if (copy_from_user(&fl, arg, sizeof(fl)) < 0)
		return -EFAULT;
	if (fl.l_type != F_RDLCK && fl.l_type != F_WRLCK && fl.l_type != F_UNLCK)
		return -EINVAL;
	if (ofd && fl.l_pid != 0)
		return -EINVAL;
	r = range_of(f, &fl, &start, &end);
	if (r < 0)
		return r;
	r = file_key(f, &key.dev, &key.ino);
	if (r < 0)
		return r;
	key.kind = ofd ? OWN_OFD : OWN_POSIX;
	key.owner = ofd ? (const void *)f : (const void *)current->proc;
	if (cmd == F_GETLK || cmd == F_OFD_GETLK) {
		const struct lockrec *l = conflict(key.dev, key.ino, key.kind, key.owner,
						   fl.l_type == F_UNLCK ? F_WRLCK : fl.l_type, start, end);
		if (!l) {
			fl.l_type = F_UNLCK;
		} else {
			fl.l_type = (int16_t)l->type;
			fl.l_whence = SEEK_SET;
			fl.l_start = l->start;
			fl.l_len = l->end == OFFSET_MAX ? 0 : l->end - l->start + 1;
			fl.l_pid = l->kind == OWN_POSIX ? ((const struct proc *)l->owner)->pid : -1;
		}
		return copy_to_user(arg, &fl, sizeof(fl));
	}
	int acc = f->flags & O_ACCMODE;
	if ((fl.l_type == F_RDLCK && acc == O_WRONLY) || (fl.l_type == F_WRLCK && acc == O_RDONLY))
		return -EBADF;
	return set_lock(&key, fl.l_type, start, end, cmd == F_SETLKW || cmd == F_OFD_SETLKW);
}

int lock_flock(struct file *f, int op)
{
	struct lockrec key = {0};
	int how = op & ~LOCK_NB;
	int r;

	if (how != LOCK_SH && how != LOCK_EX && how != LOCK_UN)
		return -EINVAL;
	r = file_key(f, &key.dev, &key.ino);
	if (r < 0)
		return r;
	key.kind = OWN_FLOCK;
	key.owner = f;
	if (how == LOCK_UN)
		return carve(&key, 0, OFFSET_MAX);
	r = set_lock(&key, how == LOCK_EX ? F_WRLCK : F_RDLCK, 0, OFFSET_MAX, !(op & LOCK_NB));
	return r == -EAGAIN ? -EAGAIN : r;
}

/* Drops every record matching kind and owner (and the file, if given). */
static void drop(enum owner_kind kind, const void *owner, const uint64_t *dev, const uint64_t *ino)
{
	for (struct lockrec **pp = &locks; *pp;) {
		struct lockrec *l = *pp;
		if (l->kind == kind && l->owner == owner && (!dev || (l->dev == *dev && l->ino == *ino))) {
			*pp = l->next;
			kfree(l);
			sched_wake_all(); /* a waiter may fit now */
			continue;
		}
		pp = &l->next;
	}
}

void lock_on_close(struct file *f)
{
	uint64_t dev, ino;

	/* POSIX: closing any descriptor of a file drops the process's locks on it. */
	if (locks && file_key(f, &dev, &ino) == 0)
		drop(OWN_POSIX, current->proc, &dev, &ino);
}

void lock_on_release(struct file *f)
{
	if (!locks)
		return;
	drop(OWN_OFD, f, NULL, NULL);
	drop(OWN_FLOCK, f, NULL, NULL);
}
