/* x86-64-only system calls. */
#include <nto/hal.h>
#include <nto/kernel.h>
#include <nto/mm.h>
#include <nto/proc.h>
#include <nto/sys.h>

long sys_arch_prctl(int code, uptr addr)
{
	switch (code) {
	case ARCH_SET_FS:
		if (addr >= (1ULL << 47))
			return -EPERM;
		current->tls = addr;
		hal_set_tls(addr);
		return 0;
	case ARCH_GET_FS:
		return copy_to_user((void *)addr, &current->tls, sizeof(current->tls));
	case ARCH_GET_GS: {
		uint64_t gs = 0; /* programs never get a GS base of their own */
		return copy_to_user((void *)addr, &gs, sizeof(gs));
	}
	case ARCH_SET_GS:
		return -EPERM; /* GS belongs to the platform */
	default:
		return -EINVAL;
	}
}
