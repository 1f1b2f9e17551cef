/* statx: mask, type, size, mode, nlink; AT_EMPTY_PATH; errors. Raw syscall. */
#include "t.h"

struct t_statx_ts {
        int64_t tv_sec;
        uint32_t tv_nsec;
        int32_t pad;
};
struct t_statx {
        uint32_t stx_mask, stx_blksize;
        uint64_t stx_attributes;
        uint32_t stx_nlink, stx_uid, stx_gid;
        uint16_t stx_mode, pad1;
        uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
        struct t_statx_ts stx_atime, stx_btime, stx_ctime, stx_mtime;
        uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
        uint64_t spare[14];
};

#define T_STATX_TYPE        0x1U
#define T_STATX_MODE        0x2U
#define T_STATX_NLINK       0x4U
#define T_STATX_SIZE        0x200U
#define T_STATX_BASIC_STATS 0x7ffU

static void show(const char *label, long r, struct t_statx *x)
{
        if (r != 0) {
                SAY("%s: -1 %s", label, errname(errno));
                return;
        }
        const unsigned want = T_STATX_TYPE | T_STATX_MODE | T_STATX_NLINK | T_STATX_SIZE;
        SAY("%s: basic mask present %s type %s size %ld mode %03o nlink %u", label,
            (x->stx_mask & want) == want ? "yes" : "no", t_type(x->stx_mode),
            S_ISREG(x->stx_mode) ? (long)x->stx_size : -1L, x->stx_mode & 0777,
            S_ISREG(x->stx_mode) ? x->stx_nlink : 0);
}

static long sx(int dfd, const char *p, int flags, unsigned mask, struct t_statx *x)
{
        memset(x, 0, sizeof *x);
        errno = 0;
        return syscall(SYS_statx, dfd, p, flags, mask, x);
}

int main(void)
{
        struct t_statx x;
        struct stat st;
        int fd;
        long r;

        umask(022);
        t_write_file("x.txt", "statx contents\n");
        MUST(chmod("x.txt", 0604));
        MUST(mkdir("xd", 0710));

        r = sx(AT_FDCWD, "x.txt", 0, T_STATX_BASIC_STATS, &x);
        show("statx x.txt", r, &x);
        MUST(stat("x.txt", &st));
        YESNO("statx ino == stat ino", r == 0 && x.stx_ino == (uint64_t)st.st_ino);
        YESNO("statx mtime == stat mtime", r == 0 && x.stx_mtime.tv_sec == (int64_t)st.st_mtime);
        r = sx(AT_FDCWD, "xd", 0, T_STATX_BASIC_STATS, &x);
        show("statx xd", r, &x);
        MUST(fd = open("x.txt", O_RDONLY));
        r = sx(fd, "", AT_EMPTY_PATH, T_STATX_BASIC_STATS, &x);
        show("statx fd AT_EMPTY_PATH", r, &x);
        r = sx(AT_FDCWD, "x.txt", 0, T_STATX_SIZE, &x);
        SAY("statx mask SIZE only: r %ld size %ld", r, (long)x.stx_size);
        r = sx(AT_FDCWD, "x.txt", 0, 0, &x);
        SAY("statx mask 0: r %ld", r);

        r = sx(AT_FDCWD, "missing", 0, T_STATX_BASIC_STATS, &x);
        show("statx missing", r, &x);
        r = sx(AT_FDCWD, "x.txt/y", 0, T_STATX_BASIC_STATS, &x);
        show("statx file/y", r, &x);
        r = sx(-5, "x.txt", 0, T_STATX_BASIC_STATS, &x);
        show("statx bad dirfd", r, &x);
        r = sx(fd, "", 0, T_STATX_BASIC_STATS, &x);
        show("statx empty path no flag", r, &x);
        r = sx(AT_FDCWD, "x.txt", 0x7f000000, T_STATX_BASIC_STATS, &x);
        show("statx bad flags", r, &x);
        r = sx(AT_FDCWD, "x.txt", 0, 0x80000000U, &x);
        show("statx reserved mask bit", r, &x);
        CHECK("statx bad buf",
              syscall(SYS_statx, AT_FDCWD, "x.txt", 0, T_STATX_BASIC_STATS, BADPTR));
        CHECK("statx bad path", syscall(SYS_statx, AT_FDCWD, BADPTR, 0, T_STATX_BASIC_STATS, &x));
        MUST(close(fd));
        return 0;
}
