/* pipe/pipe2 within one process: data, O_NONBLOCK, O_CLOEXEC, EOF, EPIPE. */
#include "t.h"

int main(void)
{
        int p[2], q[2];
        char buf[128];

        CHECK("pipe", pipe(p));
        YESNO("pipe fds are 3 and 4", p[0] == 3 && p[1] == 4);
        CHECK("write", write(p[1], "through the pipe", 16));
        CHECK("read", read(p[0], buf, sizeof buf));
        t_print_bytes("data", buf, 16);
        CHECK("write 3 small", write(p[1], "a", 1) + write(p[1], "b", 1) + write(p[1], "c", 1));
        CHECK("read coalesced", read(p[0], buf, sizeof buf));
        CHECK("read partial 2 of 5", (write(p[1], "12345", 5), read(p[0], buf, 2)));
        CHECK("read remaining", read(p[0], buf, sizeof buf));
        CHECK("write to read end", write(p[0], "x", 1));
        CHECK("read from write end", read(p[1], buf, 1));
        CHECK("F_GETFD without O_CLOEXEC", fcntl(p[0], F_GETFD));
        MUST(close(p[1]));
        CHECK("read after writer closed (EOF)", read(p[0], buf, sizeof buf));
        MUST(close(p[0]));

        CHECK("pipe2 O_CLOEXEC", pipe2(q, O_CLOEXEC));
        CHECK("F_GETFD read end", fcntl(q[0], F_GETFD));
        CHECK("F_GETFD write end", fcntl(q[1], F_GETFD));
        MUST(close(q[0]));
        MUST(close(q[1]));

        CHECK("pipe2 O_NONBLOCK", pipe2(q, O_NONBLOCK));
        CHECK("F_GETFL has O_NONBLOCK", (fcntl(q[0], F_GETFL) & O_NONBLOCK) != 0);
        CHECK("read empty nonblocking", read(q[0], buf, 1));
        /* Fill the pipe until it would block. */
        static char chunk[4096];
        long total = 0, r;
        while ((r = write(q[1], chunk, sizeof chunk)) > 0)
                total += r;
        SAY("fill stopped with: %s", errname(errno));
        YESNO("capacity at least 4096", total >= 4096);
        long cap = fcntl(q[1], 1032 /* F_GETPIPE_SZ */);
        YESNO("F_GETPIPE_SZ == bytes written", cap == total);
        CHECK("write 1 byte to full pipe", write(q[1], "x", 1));
        long drained = 0;
        while ((r = read(q[0], buf, sizeof buf)) > 0)
                drained += r;
        YESNO("drained everything", drained == total);
        MUST(close(q[0]));
        CHECK("pipe2 bad flags", pipe2(q, 0x1));
        CHECK("pipe bad pointer", raw_pipe(BADPTR));
        CHECK("pipe2 bad pointer", syscall(SYS_pipe2, BADPTR, 0));

        /* EPIPE with SIGPIPE ignored. */
        signal(SIGPIPE, SIG_IGN);
        MUST(close(q[1]));
        MUST(pipe(p));
        MUST(close(p[0]));
        CHECK("write with no reader (SIGPIPE ignored)", write(p[1], "x", 1));
        MUST(close(p[1]));

        /* Pipe with a large transfer in pieces. */
        MUST(pipe(p));
        long sent = 0, got = 0;
        for (int i = 0; i < 10; i++) {
                sent += write(p[1], chunk, 1000);
                got += read(p[0], buf, sizeof buf);
                got += read(p[0], buf, sizeof buf);
        }
        SAY("sent %ld, received so far %ld", sent, got);
        return 0;
}
