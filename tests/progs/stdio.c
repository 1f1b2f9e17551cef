/* libc stdio on files: fopen modes, fgets, fseek/ftell, ungetc, fscanf, errors. */
#include "t.h"

int main(void)
{
        FILE *f = fopen("stdio.txt", "w+");
        YESNO("fopen w+", f != NULL);
        for (int i = 0; i < 5; i++)
                fprintf(f, "line %d: %s\n", i, i % 2 ? "odd" : "even");
        SAY("ftell after writes: %ld", ftell(f));
        rewind(f);
        char line[64];
        while (fgets(line, sizeof line, f))
                printf("read: %s", line);
        YESNO("feof", feof(f) != 0);
        CHECK("fseek 8 SEEK_SET", fseek(f, 8, SEEK_SET));
        int c = fgetc(f);
        SAY("char at 8: %c", c);
        ungetc('X', f);
        SAY("after ungetc: %c", fgetc(f));
        CHECK("fseek -4 SEEK_END", fseek(f, -4, SEEK_END));
        SAY("tail: %s", fgets(line, sizeof line, f));
        YESNO("fclose", fclose(f) == 0);

        f = fopen("stdio.txt", "a");
        fputs("appended\n", f);
        fclose(f);
        f = fopen("stdio.txt", "r");
        int n, count = 0;
        char word[16];
        while (fscanf(f, "line %d: %15s\n", &n, word) == 2)
                count++;
        SAY("fscanf parsed %d records", count);
        fclose(f);

        f = fopen("missing/nope.txt", "r");
        SAY("fopen missing: %s", f ? "opened?!" : errname(errno));
        f = fopen("stdio.txt", "r");
        YESNO("fputs on read-only stream fails", fputs("x", f) == EOF || fflush(f) == EOF);
        YESNO("ferror set", ferror(f) != 0);
        fclose(f);

        /* Big buffered write through setvbuf. */
        f = fopen("big_stdio.txt", "w");
        static char vbuf[1 << 16];
        setvbuf(f, vbuf, _IOFBF, sizeof vbuf);
        for (int i = 0; i < 20000; i++)
                fprintf(f, "%05d\n", i);
        fclose(f);
        struct stat st;
        MUST(stat("big_stdio.txt", &st));
        SAY("big file size: %ld", (long)st.st_size);

        f = fopen("bin.dat", "wb");
        unsigned int vals[4] = {0xdeadbeef, 1, 2, 3};
        SAY("fwrite: %zu", fwrite(vals, sizeof vals[0], 4, f));
        fclose(f);
        f = fopen("bin.dat", "rb");
        unsigned int back[4] = {0};
        size_t got = fread(back, sizeof back[0], 4, f);
        SAY("fread: %zu first %x last %u", got, back[0], back[3]);
        SAY("fread at EOF: %zu", fread(back, 1, 1, f));
        fclose(f);
        return 0;
}
