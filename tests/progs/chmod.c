/* chmod/fchmod/fchmodat: modes read back; errors. */
#include "t.h"

static void mode(const char *p)
{
        struct stat st;
        if (stat(p, &st) == 0)
                SAY("  %s: %04o", p, (unsigned)(st.st_mode & 07777));
        else
                SAY("  %s: %s", p, errname(errno));
}

int main(void)
{
        int fd, dfd;

        umask(022);
        t_write_file("m.txt", "mode test");
        mode("m.txt");
        static const mode_t modes[] = {0600, 0640, 0444, 0755, 0700, 0000, 0777, 0604};
        for (unsigned i = 0; i < sizeof modes / sizeof modes[0]; i++) {
                char label[32];
                snprintf(label, sizeof label, "chmod %04o", (unsigned)modes[i]);
                CHECK(label, chmod("m.txt", modes[i]));
                mode("m.txt");
        }
        CHECK("chmod with setgid+sticky", chmod("m.txt", 03755));
        mode("m.txt");
        CHECK("chmod 0644", chmod("m.txt", 0644));
        CHECK("chmod missing", chmod("missing", 0644));
        CHECK("chmod file/x", chmod("m.txt/x", 0644));
        CHECK("chmod empty", chmod("", 0644));
        CHECK("chmod bad pointer", raw_chmod(BADPTR, 0644));

        MUST(fd = open("m.txt", O_RDONLY));
        CHECK("fchmod 0400 on O_RDONLY fd", fchmod(fd, 0400));
        mode("m.txt");
        CHECK("fchmod -1", fchmod(-1, 0644));
        MUST(close(fd));
        CHECK("fchmod closed fd", fchmod(fd, 0644));

        MUST(mkdir("md", 0755));
        CHECK("chmod dir 0710", chmod("md", 0710));
        mode("md");
        MUST(dfd = open("md", O_RDONLY | O_DIRECTORY));
        t_write_file("md/inner", "x");
        CHECK("fchmodat dfd inner 0611", fchmodat(dfd, "inner", 0611, 0));
        mode("md/inner");
        CHECK("fchmodat raw (3 args)", syscall(SYS_fchmodat, dfd, "inner", 0620));
        mode("md/inner");
        CHECK("fchmodat bad dirfd", fchmodat(-1, "inner", 0600, 0));
        CHECK("fchmodat missing", fchmodat(dfd, "nope", 0600, 0));
        CHECK("fchmod dir fd", fchmod(dfd, 0750));
        mode("md");
        MUST(close(dfd));

        /* Mode changes do not affect already-open descriptors. */
        MUST(chmod("m.txt", 0644));
        MUST(fd = open("m.txt", O_WRONLY | O_APPEND));
        MUST(chmod("m.txt", 0444));
        CHECK("write through fd opened before chmod 0444", write(fd, "!", 1));
        MUST(close(fd));
        mode("m.txt");
        return 0;
}
