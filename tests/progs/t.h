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

#endif
