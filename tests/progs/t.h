/*
 * t.h - shared helpers for the NTO differential test programs.
 *
 * Header only: every test program is one .c file that includes this.
 * Output must be deterministic: print results, errno *names* and
 * relations, never pids, addresses, times, inode or device numbers.
 *
 *   CHECK(label, expr)     "label: <value>"  or "label: -1 ENAME"
 *   CHECK_OK(label, expr)  "label: ok"       or "label: -1 ENAME"
 *                          (use when the value itself is not deterministic,
 *                           e.g. an address; any result other than -1 is ok)
 *   CHECK_RC(label, expr)  for calls returning an error number (0 = success):
 *                          "label: 0" or "label: ENAME"
 *   YESNO(label, cond)     "label: yes" / "label: no"
 *   SAY(fmt, ...)          printf with a trailing newline
 *
 * errno is cleared before each checked expression.
 */
#ifndef NTO_TEST_T_H
#define NTO_TEST_T_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <sys/types.h>
#include <unistd.h>

/* Constants that musl's headers (no linux/ uapi headers) may lack. */
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif
#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif
#ifndef AT_EACCESS
#define AT_EACCESS 0x200
#endif
#ifndef ARCH_SET_GS
#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004
#endif
#ifndef SYS_faccessat2
#define SYS_faccessat2 439
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef SYS_statx
#define SYS_statx 332
#endif
#ifndef SYS_getcpu
#define SYS_getcpu 309
#endif

/* A pointer that is never mapped: the kernel must answer EFAULT. */
#define BADPTR ((void *)1)

/* errno -> its name ("ENOENT"); unknown values print as "E#<n>". */
static inline const char *errname(int e)
{
        static char buf[32];
        /* clang-format off */
#define E(x) {x, #x}
        static const struct {
                int num;
                const char *name;
        } names[] = {
                E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG),
                E(ENOEXEC), E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES),
                E(EFAULT), E(ENOTBLK), E(EBUSY), E(EEXIST), E(EXDEV), E(ENODEV),
                E(ENOTDIR), E(EISDIR), E(EINVAL), E(ENFILE), E(EMFILE), E(ENOTTY),
                E(ETXTBSY), E(EFBIG), E(ENOSPC), E(ESPIPE), E(EROFS), E(EMLINK),
                E(EPIPE), E(EDOM), E(ERANGE), E(EDEADLK), E(ENAMETOOLONG), E(ENOLCK),
                E(ENOSYS), E(ENOTEMPTY), E(ELOOP), E(ENOMSG), E(EIDRM), E(ENODATA),
                E(ETIME), E(EOVERFLOW), E(EILSEQ), E(ENOTSOCK), E(EDESTADDRREQ),
                E(EMSGSIZE), E(EOPNOTSUPP), E(EAFNOSUPPORT), E(EADDRINUSE),
                E(ECONNRESET), E(ENOTCONN), E(ETIMEDOUT), E(ECONNREFUSED),
                E(EALREADY), E(EINPROGRESS), E(ESTALE), E(EDQUOT), E(ECANCELED),
                E(EOWNERDEAD), E(ENOTRECOVERABLE), {0, "OK(errno=0)"},
        };
#undef E
        /* clang-format on */
        for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
                if (names[i].num == e)
                        return names[i].name;
        snprintf(buf, sizeof buf, "E#%d", e);
        return buf;
}

static inline void t_report(const char *label, long r, int e, int show_value)
{
        if (r == -1)
                printf("%s: -1 %s\n", label, errname(e));
        else if (show_value)
                printf("%s: %ld\n", label, r);
        else
                printf("%s: ok\n", label);
}

#define CHECK(label, expr)                                                                         \
        do {                                                                                       \
                errno = 0;                                                                         \
                long t_r_ = (long)(expr);                                                          \
                int t_e_ = errno;                                                                  \
                t_report((label), t_r_, t_e_, 1);                                                  \
        } while (0)

#define CHECK_OK(label, expr)                                                                      \
        do {                                                                                       \
                errno = 0;                                                                         \
                long t_r_ = (long)(expr);                                                          \
                int t_e_ = errno;                                                                  \
                t_report((label), t_r_, t_e_, 0);                                                  \
        } while (0)

#define CHECK_RC(label, expr)                                                                      \
        do {                                                                                       \
                int t_rc_ = (expr);                                                                \
                if (t_rc_ == 0)                                                                    \
                        printf("%s: 0\n", (label));                                                \
                else                                                                               \
                        printf("%s: %s\n", (label), errname(t_rc_));                               \
        } while (0)

#define YESNO(label, cond) printf("%s: %s\n", (label), (cond) ? "yes" : "no")
#define SAY(...)                                                                                   \
        do {                                                                                       \
                printf(__VA_ARGS__);                                                               \
                putchar('\n');                                                                     \
        } while (0)

/* Abort the test loudly when a setup step that must not fail fails. */
#define MUST(expr)                                                                                 \
        do {                                                                                       \
                errno = 0;                                                                         \
                if ((long)(expr) == -1) {                                                          \
                        printf("SETUP FAILED line %d: %s: %s\n", __LINE__, #expr, errname(errno)); \
                        fflush(stdout);                                                            \
                        exit(99);                                                                  \
                }                                                                                  \
        } while (0)

/* Write a whole string to a new file (O_TRUNC), for test setup. */
static inline void t_write_file(const char *path, const char *s)
{
        int fd;
        MUST(fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644));
        MUST(write(fd, s, strlen(s)));
        MUST(close(fd));
}

/* Print "label: <bytes>" with non-printable bytes escaped. */
static inline void t_print_bytes(const char *label, const void *p, long n)
{
        const unsigned char *b = p;
        printf("%s: \"", label);
        for (long i = 0; i < n; i++) {
                if (b[i] >= 32 && b[i] < 127 && b[i] != '"' && b[i] != '\\')
                        putchar(b[i]);
                else
                        printf("\\x%02x", b[i]);
        }
        printf("\" (%ld bytes)\n", n);
}

static inline const char *t_type(mode_t m)
{
        if (S_ISREG(m))
                return "reg";
        if (S_ISDIR(m))
                return "dir";
        if (S_ISLNK(m))
                return "lnk";
        if (S_ISFIFO(m))
                return "fifo";
        if (S_ISCHR(m))
                return "chr";
        if (S_ISBLK(m))
                return "blk";
        if (S_ISSOCK(m))
                return "sock";
        return "?";
}

/* Raw calls that skip the libc's own checks. x86-64 has the legacy
 * numbers (open, stat, pipe, ...); asm-generic ISAs such as riscv64 have
 * only the *at forms, which the same label then exercises. Native runs and
 * nto runs take the same path, so the outputs still compare. */
static inline long raw_access(const void *p, long mode)
{
#ifdef SYS_access
        return syscall(SYS_access, p, mode);
#else
        return syscall(SYS_faccessat, AT_FDCWD, p, mode, 0);
#endif
}

static inline long raw_chmod(const void *p, long mode)
{
#ifdef SYS_chmod
        return syscall(SYS_chmod, p, mode);
#else
        return syscall(SYS_fchmodat, AT_FDCWD, p, mode, 0);
#endif
}

static inline long raw_link(const void *a, const void *b)
{
#ifdef SYS_link
        return syscall(SYS_link, a, b);
#else
        return syscall(SYS_linkat, AT_FDCWD, a, AT_FDCWD, b, 0);
#endif
}

static inline long raw_mkdir(const void *p, long mode)
{
#ifdef SYS_mkdir
        return syscall(SYS_mkdir, p, mode);
#else
        return syscall(SYS_mkdirat, AT_FDCWD, p, mode);
#endif
}

static inline long raw_rmdir(const void *p)
{
#ifdef SYS_rmdir
        return syscall(SYS_rmdir, p);
#else
        return syscall(SYS_unlinkat, AT_FDCWD, p, AT_REMOVEDIR);
#endif
}

static inline long raw_unlink(const void *p)
{
#ifdef SYS_unlink
        return syscall(SYS_unlink, p);
#else
        return syscall(SYS_unlinkat, AT_FDCWD, p, 0);
#endif
}

static inline long raw_open(const void *p, long flags)
{
#ifdef SYS_open
        return syscall(SYS_open, p, flags);
#else
        return syscall(SYS_openat, AT_FDCWD, p, flags, 0);
#endif
}

static inline long raw_pipe(void *fds)
{
#ifdef SYS_pipe
        return syscall(SYS_pipe, fds);
#else
        return syscall(SYS_pipe2, fds, 0);
#endif
}

static inline long raw_readlink(const void *p, void *buf, long n)
{
#ifdef SYS_readlink
        return syscall(SYS_readlink, p, buf, n);
#else
        return syscall(SYS_readlinkat, AT_FDCWD, p, buf, n);
#endif
}

static inline long raw_rename(const void *a, const void *b)
{
#ifdef SYS_rename
        return syscall(SYS_rename, a, b);
#else
        return syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, 0);
#endif
}

static inline long raw_stat(const void *p, void *st)
{
#ifdef SYS_stat
        return syscall(SYS_stat, p, st);
#else
        return syscall(SYS_newfstatat, AT_FDCWD, p, st, 0);
#endif
}

static inline long raw_lstat(const void *p, void *st)
{
#ifdef SYS_lstat
        return syscall(SYS_lstat, p, st);
#else
        return syscall(SYS_newfstatat, AT_FDCWD, p, st, AT_SYMLINK_NOFOLLOW);
#endif
}

/* poll with a timeout in ms (ppoll's timespec where there is no poll). */
static inline long raw_poll(void *fds, long n, long ms)
{
#ifdef SYS_poll
        return syscall(SYS_poll, fds, n, ms);
#else
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
        return syscall(SYS_ppoll, fds, n, ms < 0 ? NULL : &ts, NULL, 8);
#endif
}

/* select with a timeval the kernel updates (pselect6's timespec, copied
 * back, where there is no select). */
static inline long raw_select(long n, void *r, void *w, void *e, struct timeval *tv)
{
#ifdef SYS_select
        return syscall(SYS_select, n, r, w, e, tv);
#else
        struct timespec ts, *tp = NULL;
        long ret;
        if (tv) {
                ts.tv_sec = tv->tv_sec;
                ts.tv_nsec = tv->tv_usec * 1000L;
                tp = &ts;
        }
        ret = syscall(SYS_pselect6, n, r, w, e, tp, NULL);
        if (tv) {
                tv->tv_sec = ts.tv_sec;
                tv->tv_usec = ts.tv_nsec / 1000;
        }
        return ret;
#endif
}

/* time(NULL) as the kernel answers it (clock_gettime where there is no time). */
static inline long raw_time(void)
{
#ifdef SYS_time
        return syscall(SYS_time, NULL);
#else
        struct timespec ts;
        long r = syscall(SYS_clock_gettime, CLOCK_REALTIME, &ts);
        return r < 0 ? r : (long)ts.tv_sec;
#endif
}

#endif
