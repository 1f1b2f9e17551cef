/* getrandom: the TEE's own hardware randomness, never the host's. */
#include <nto/hal.h>
#include <nto/kernel.h>
#include <nto/mm.h>
#include <nto/sys.h>

long sys_getrandom(void __user *ubuf, size_t n, unsigned int flags)
{
	uint8_t buf[256];
	size_t done = 0;

	if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if ((flags & GRND_RANDOM) && (flags & GRND_INSECURE))
		return -EINVAL;
	n = MIN(n, (size_t)33554431);
	while (done < n) {
		size_t chunk = MIN(n - done, sizeof(buf));
		if (hal_random(buf, chunk) < 0)
			return done ? (long)done : -EIO;
		if (copy_to_user((void *)((uptr)ubuf + done), buf, chunk) < 0)
			return done ? (long)done : -EFAULT;
		done += chunk;
	}
	return (long)done;
}
