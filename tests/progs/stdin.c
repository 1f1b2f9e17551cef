/* Reads stdin to EOF (the harness feeds the same bytes to both runs); writes stderr. */
//! stdin: line one\nline two\n\nlast line without newline
//! stderr: compare
#include "t.h"

int main(void)
{
        char buf[4096];
        long n = 0, r;
        struct stat st;

        CHECK("fstat stdin", fstat(0, &st));
        while ((r = read(0, buf + n, sizeof buf - n)) > 0)
                n += r;
        SAY("last read: %ld", r);
        SAY("bytes: %ld", n);
        CHECK("read at EOF again", read(0, buf, 1));
        int lines = 0;
        for (long i = 0; i < n; i++)
                lines += buf[i] == '\n';
        SAY("newlines: %d", lines);
        /* Print lines in reverse order. */
        long end = n;
        for (long i = n - 1; i >= -1; i--) {
                if (i == -1 || buf[i] == '\n') {
                        if (end > i + 1 || (i >= 0 && end != n))
                                printf("rev: [%.*s]\n", (int)(end - i - 1), buf + i + 1);
                        end = i;
                }
        }
        CHECK("write to stdin (read-only end)", write(0, "x", 1) >= 0 ? 0 : -1);
        fprintf(stderr, "this goes to stderr\n");
        CHECK("write(2)", write(2, "raw stderr\n", 11));
        CHECK("close stdin", close(0));
        CHECK("read closed stdin", read(0, buf, 1));
        return 0;
}
