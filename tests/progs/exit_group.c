/* Raw exit_group with a status above 255 is truncated to 8 bits; buffered stdio is lost. */
#include "t.h"

int main(void)
{
        SAY("flushed line");
        fflush(stdout);
        printf("unflushed line (lost on exit_group)\n");
        syscall(SYS_exit_group, 256 + 17);
        return 99;
}
