/* fsync/fdatasync/sync/syncfs: success cases and errors. */
#include "t.h"

int main(void)
{
        int fd, dfd, p[2];

        MUST(fd = open("sync.txt", O_RDWR | O_CREAT | O_TRUNC, 0644));
        MUST(write(fd, "durable\n", 8));
        CHECK("fsync file", fsync(fd));
        CHECK("fdatasync file", fdatasync(fd));
        CHECK("syncfs", syscall(SYS_syncfs, fd));
        MUST(close(fd));
        MUST(fd = open("sync.txt", O_RDONLY));
        CHECK("fsync O_RDONLY file", fsync(fd));
        MUST(close(fd));
        CHECK("fsync closed fd", fsync(fd));
        CHECK("fdatasync -1", fdatasync(-1));
        CHECK("syncfs -1", syscall(SYS_syncfs, -1));
        MUST(dfd = open(".", O_RDONLY | O_DIRECTORY));
        CHECK("fsync directory", fsync(dfd));
        MUST(close(dfd));
        MUST(pipe(p));
        CHECK("fsync pipe", fsync(p[0]));
        CHECK("fdatasync pipe", fdatasync(p[1]));
        MUST(close(p[0]));
        MUST(close(p[1]));
        MUST(fd = open("/dev/null", O_WRONLY));
        CHECK("fsync /dev/null", fsync(fd));
        MUST(close(fd));
        sync();
        SAY("sync returned");
        return 0;
}
