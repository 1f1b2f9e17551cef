/* Choosing QEMU's accelerator for the VM platforms. */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "launch.h"

/* True if /proc/cpuinfo's flags name vmx or svm: the host CPU virtualises
 * in hardware. A /dev/kvm without them is a software hypervisor (kvm_pvm on
 * these machines) under which ring 3's syscall does not reach ring 0. */
static bool hardware_virt(void)
{
	char line[8192];
	bool yes = false;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (!f)
		return false;
	while (!yes && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5))
			continue;
		for (char *t = strtok(line, " \t\n"); t && !yes; t = strtok(NULL, " \t\n"))
			yes = !strcmp(t, "vmx") || !strcmp(t, "svm");
	}
	fclose(f);
	return yes;
}

const char *vm_accel(const char *want)
{
	int fd;

	if (want && strcmp(want, "auto"))
		return want;
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return "tcg";
	close(fd);
	return hardware_virt() ? "kvm" : "tcg";
}
