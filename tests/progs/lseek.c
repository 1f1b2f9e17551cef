/* lseek: SEEK_SET/CUR/END, holes, and error paths. */
#include "t.h"

int main(void)
{
        int fd, p[2];
        char buf[16];

        MUST(fd = open("lseek.txt", O_RDWR | O_CREAT | O_TRUNC, 0644));
        MUST(write(fd, "abcdefghij", 10));
        CHECK("SEEK_SET 3", lseek(fd, 3, SEEK_SET));
        CHECK("read 2", read(fd, buf, 2));
        t_print_bytes("at 3", buf, 2);
        CHECK("SEEK_CUR +2", lseek(fd, 2, SEEK_CUR));
        CHECK("SEEK_CUR -4", lseek(fd, -4, SEEK_CUR));
        CHECK("SEEK_CUR 0", lseek(fd, 0, SEEK_CUR));
        CHECK("SEEK_END 0", lseek(fd, 0, SEEK_END));
        CHECK("SEEK_END -3", lseek(fd, -3, SEEK_END));
        CHECK("read at END-3", read(fd, buf, 10));
        CHECK("SEEK_END +5 (past EOF)", lseek(fd, 5, SEEK_END));
        CHECK("write past EOF", write(fd, "X", 1));
        CHECK("new size", lseek(fd, 0, SEEK_END));
        MUST(lseek(fd, 10, SEEK_SET));
        CHECK("read hole", read(fd, buf, 6));
        t_print_bytes("hole", buf, 6);

        CHECK("SEEK_SET negative", lseek(fd, -1, SEEK_SET));
        CHECK("offset kept after EINVAL", lseek(fd, 0, SEEK_CUR));
        CHECK("SEEK_CUR to negative", lseek(fd, -1000, SEEK_CUR));
        CHECK("SEEK_END to negative", lseek(fd, -1000, SEEK_END));
        CHECK("bad whence 42", lseek(fd, 0, 42));
        CHECK("SEEK_DATA at 0", lseek(fd, 0, SEEK_DATA));
        CHECK("SEEK_DATA past EOF", lseek(fd, 100, SEEK_DATA));
        CHECK("SEEK_HOLE past EOF", lseek(fd, 100, SEEK_HOLE));
        MUST(close(fd));
        CHECK("lseek closed fd", lseek(fd, 0, SEEK_SET));
        CHECK("lseek fd -1", lseek(-1, 0, SEEK_SET));

        MUST(pipe(p));
        CHECK("lseek pipe read end", lseek(p[0], 0, SEEK_CUR));
        CHECK("lseek pipe write end", lseek(p[1], 0, SEEK_SET));
        MUST(close(p[0]));
        MUST(close(p[1]));

        /* Directory offsets: SEEK_SET 0 is always valid. */
        MUST(fd = open(".", O_RDONLY | O_DIRECTORY));
        CHECK("lseek dir SEEK_SET 0", lseek(fd, 0, SEEK_SET));
        MUST(close(fd));

        /* Two opens have independent offsets. */
        int a, b;
        MUST(a = open("lseek.txt", O_RDONLY));
        MUST(b = open("lseek.txt", O_RDONLY));
        MUST(lseek(a, 5, SEEK_SET));
        CHECK("independent offset", lseek(b, 0, SEEK_CUR));
        MUST(close(a));
        MUST(close(b));
        return 0;
}
