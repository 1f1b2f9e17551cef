/* Fuzzes boot_parse (core/kernel/bootargs.c) with arbitrary boot records. */
#include <nto/boot.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct boot_config cfg;
	int r;

	test_platform_reset();
	kheap_init(test_kheap_base(), TEST_KHEAP_SIZE);
	mem_set_limit(64UL << 20);
	r = boot_parse(data, size, &cfg);
	if (r == 0) {
		/* What the parser promises a successful caller. */
		if (!cfg.exec || !cfg.argv || !cfg.argv[0] || !cfg.envp)
			abort();
		int n = 0;
		while (cfg.argv[n])
			strlen(cfg.argv[n++]);
		if (n > BOOT_MAX_ARGS)
			abort();
		for (n = 0; cfg.envp[n]; n++)
			strlen(cfg.envp[n]);
		if (cfg.nmounts < 0 || cfg.nmounts > BOOT_MAX_MOUNTS)
			abort();
		for (int i = 0; i < cfg.nmounts; i++)
			if (!cfg.mounts[i].guest || cfg.mounts[i].guest[0] != '/')
				abort();
		if (cfg.cwd)
			strlen(cfg.cwd);
	} else if (r != -EINVAL && r != -ENOMEM) {
		abort();
	}
	fuzz_check("boot_parse");
	test_platform_reset();
	return 0;
}
