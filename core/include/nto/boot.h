/* Parsing the launcher's boot records (nto/bootargs.h). */
#ifndef NTO_BOOT_H
#define NTO_BOOT_H

#include <nto/bootargs.h>

struct boot_mount {
	const char *guest;
	uint32_t host_id;
	bool ro;
};

struct boot_config {
	const char *exec;
	const char **argv; /* NULL-terminated */
	const char **envp;
	const char *cwd;
	struct boot_mount mounts[BOOT_MAX_MOUNTS];
	int nmounts;
	uint32_t flags;
};

/* Parses records from blob[0..len) into cfg (strings are copied into the
 * core heap). -EINVAL for any malformed record. */
int boot_parse(const uint8_t *blob, size_t len, struct boot_config *cfg);

#endif
