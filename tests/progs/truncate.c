/* truncate/ftruncate: extend with zeros, shrink, and errors. */
#include "t.h"

static void show(const char *p)
{
        char buf[64];
        struct stat st;
        MUST(stat(p, &st));
        int fd;
        MUST(fd = open(p, O_RDONLY));
        long n = read(fd, buf, sizeof buf);
        close(fd);
        SAY("  size %ld", (long)st.st_size);
        t_print_bytes("  data", buf, n);
}

int main(void)
{
        int fd, rfd;

        t_write_file("t.txt", "0123456789");
        CHECK("truncate to 4", truncate("t.txt", 4));
        show("t.txt");
        CHECK("truncate extend to 8", truncate("t.txt", 8));
        show("t.txt");
        CHECK("truncate same size", truncate("t.txt", 8));
        CHECK("truncate to 0", truncate("t.txt", 0));
        show("t.txt");
        CHECK("truncate negative", truncate("t.txt", -1));
        CHECK("truncate missing", truncate("missing", 0));
        MUST(mkdir("td", 0755));
        CHECK("truncate directory", truncate("td", 0));
        CHECK("truncate file/x", truncate("t.txt/x", 0));
        CHECK("truncate bad pointer", syscall(SYS_truncate, BADPTR, 0));
        CHECK("truncate empty", truncate("", 0));

        MUST(fd = open("f.txt", O_RDWR | O_CREAT | O_TRUNC, 0644));
        MUST(write(fd, "abcdefghij", 10));
        CHECK("ftruncate to 3", ftruncate(fd, 3));
        CHECK("offset unchanged by ftruncate", lseek(fd, 0, SEEK_CUR));
        CHECK("write at old offset", write(fd, "Z", 1));
        show("f.txt");
        CHECK("ftruncate extend to 20", ftruncate(fd, 20));
        show("f.txt");
        CHECK("ftruncate negative", ftruncate(fd, -5));
        CHECK("ftruncate bad fd", ftruncate(-1, 0));
        MUST(close(fd));
        CHECK("ftruncate closed fd", ftruncate(fd, 0));
        MUST(rfd = open("f.txt", O_RDONLY));
        CHECK("ftruncate O_RDONLY fd", ftruncate(rfd, 0));
        MUST(close(rfd));
        MUST(rfd = open("td", O_RDONLY));
        CHECK("ftruncate directory fd", ftruncate(rfd, 0));
        MUST(close(rfd));
        int p[2];
        MUST(pipe(p));
        CHECK("ftruncate pipe", ftruncate(p[1], 0));
        MUST(close(p[0]));
        MUST(close(p[1]));

        /* Extend a large amount (sparse) and shrink back. */
        MUST(fd = open("big.txt", O_RDWR | O_CREAT | O_TRUNC, 0644));
        CHECK("ftruncate 1 MiB", ftruncate(fd, 1 << 20));
        CHECK("SEEK_END", lseek(fd, 0, SEEK_END));
        char z[8] = "xxxxxxx";
        CHECK("pread in middle", pread(fd, z, 8, 500000));
        YESNO("zeros", memcmp(z, "\0\0\0\0\0\0\0\0", 8) == 0);
        CHECK("ftruncate back to 5", ftruncate(fd, 5));
        MUST(close(fd));
        return 0;
}
