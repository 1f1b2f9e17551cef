/* umask: returns the old mask, masks file and directory creation modes. */
#include "t.h"

static void mode(const char *p)
{
        struct stat st;
        MUST(stat(p, &st));
        SAY("  %s: %03o", p, (unsigned)(st.st_mode & 0777));
}

int main(void)
{
        int fd;

        mode_t initial = umask(022);
        SAY("initial umask: %03o", (unsigned)initial);
        SAY("umask(027) returns previous: %03o", (unsigned)umask(027));
        SAY("umask(0) returns previous: %03o", (unsigned)umask(0));
        SAY("umask(07777) returns previous: %03o", (unsigned)umask(07777));
        SAY("umask(022) returns masked previous: %03o", (unsigned)umask(022));
        SAY("raw umask returns previous: %03lo", syscall(SYS_umask, 022));

        static const mode_t masks[] = {0, 022, 027, 077, 0777, 0111};
        for (unsigned i = 0; i < sizeof masks / sizeof masks[0]; i++) {
                char f[32], d[32];
                umask(masks[i]);
                snprintf(f, sizeof f, "file_%03o", (unsigned)masks[i]);
                snprintf(d, sizeof d, "dir_%03o", (unsigned)masks[i]);
                MUST(fd = open(f, O_WRONLY | O_CREAT | O_EXCL, 0777));
                MUST(close(fd));
                MUST(mkdir(d, 0777));
                SAY("umask %03o:", (unsigned)masks[i]);
                mode(f);
                mode(d);
                MUST(chmod(d, 0755));
        }
        umask(077);
        MUST(fd = open("chmod_ignores_umask", O_WRONLY | O_CREAT, 0600));
        MUST(fchmod(fd, 0666));
        MUST(close(fd));
        mode("chmod_ignores_umask");
        umask(022);
        MUST(fd = open("mknod_like", O_WRONLY | O_CREAT, 0666));
        MUST(close(fd));
        mode("mknod_like");
        return 0;
}
