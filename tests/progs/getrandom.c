/* getrandom: lengths, flags, two buffers differ; errors. */
#include "t.h"
#include <sys/random.h>

int main(void)
{
        unsigned char a[64], b[64], big[100000];

        CHECK("getrandom 64", getrandom(a, sizeof a, 0));
        CHECK("getrandom 64 again", getrandom(b, sizeof b, 0));
        YESNO("two buffers differ", memcmp(a, b, sizeof a) != 0);
        CHECK("GRND_NONBLOCK", getrandom(a, 16, GRND_NONBLOCK));
        CHECK("GRND_RANDOM", getrandom(a, 16, GRND_RANDOM));
        CHECK("GRND_RANDOM|GRND_NONBLOCK", getrandom(a, 16, GRND_RANDOM | GRND_NONBLOCK));
        CHECK("length 0", getrandom(a, 0, 0));
        CHECK("bad flags", syscall(SYS_getrandom, a, 16, 0x80));
        CHECK("GRND_INSECURE|GRND_RANDOM", syscall(SYS_getrandom, a, 16, 0x0004 | 0x0002));
        CHECK("GRND_INSECURE", syscall(SYS_getrandom, a, 16, 0x0004));
        CHECK("bad pointer", syscall(SYS_getrandom, BADPTR, 16, 0));
        long r = getrandom(big, sizeof big, 0);
        YESNO("large request returns > 0", r > 0);
        YESNO("large request <= size", r <= (long)sizeof big);
        /* A crude sanity check: all 256 byte values appear in 100000 bytes. */
        int seen[256] = {0}, distinct = 0;
        for (long i = 0; i < r; i++)
                seen[big[i]] = 1;
        for (int i = 0; i < 256; i++)
                distinct += seen[i];
        YESNO("bytes look random", r < 50000 || distinct == 256);
        return 0;
}
