/* Allocate and touch 1 MiB chunks until malloc fails, then report.
 * Natively the harness runs this under RLIMIT_AS = 512 MiB; under nto
 * the enclave's memory limit must make malloc fail with ENOMEM.
 * Only the exit status and the ": ok" suffix are compared. Touching the
 * whole 1 GiB default enclave takes ~6 s on riscv64-vm under TCG (every
 * page is zeroed at its first touch), more on a loaded machine: 60 s. */
//! compare: memhog
//! timeout: 60
#include "t.h"

#define CHUNK      (1 << 20)
#define MAX_CHUNKS (64 * 1024) /* 64 GiB: give up well before that */

static void *chunks[MAX_CHUNKS];

int main(void)
{
        SAY("memhog start");
        fflush(stdout);
        long n = 0;
        for (;;) {
                if (n == MAX_CHUNKS) {
                        SAY("malloc never failed after %ld MiB: FAIL", n);
                        return 1;
                }
                errno = 0;
                char *p = malloc(CHUNK);
                if (!p)
                        break;
                for (long i = 0; i < CHUNK; i += 4096)
                        p[i] = (char)i;
                chunks[n++] = p;
        }
        int e = errno;
        for (long i = 0; i < n; i++)
                free(chunks[i]);
        SAY("malloc failed after %ld MiB: %s", n, e == ENOMEM ? "ok" : errname(e));
        return 0;
}
