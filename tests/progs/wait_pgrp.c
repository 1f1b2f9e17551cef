/* Waiting with no children (ECHILD in every form) and process groups of a
 * lone process: setpgid(0, 0) makes it a group leader, after which setsid
 * is refused. */
#include "t.h"
#include <sys/wait.h>

int main(void)
{
	siginfo_t si;
	int st;

	CHECK("wait", wait(&st));
	CHECK("waitpid WNOHANG", waitpid(-1, &st, WNOHANG));
	CHECK("waitpid bad options", waitpid(-1, &st, 0x4000));
	CHECK("waitid P_ALL WEXITED", waitid(P_ALL, 0, &si, WEXITED));
	CHECK("waitid no event", waitid(P_ALL, 0, &si, 0));
	CHECK("setpgid(0, 0)", setpgid(0, 0));
	YESNO("group leader now", getpgrp() == getpid());
	YESNO("getpgid(0) == getpgrp()", getpgid(0) == getpgrp());
	CHECK("setsid as a group leader", setsid());
	CHECK("setpgid negative", setpgid(0, -1));
	CHECK("setpgid unknown pid", setpgid(999999, 0));
	return 0;
}
