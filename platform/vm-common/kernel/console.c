/*
 * The VM platforms: the kernel's own diagnostics (formatted onto the
 * platform's debug console, vm_dbg_puts), the fatal report, and the
 * kernel command line's words.
 */
#include <nto/kernel.h>
#include "vm_plat.h"

static void dbg_vprintf(const char *prefix, const char *fmt, va_list ap)
{
	char buf[256];
	int n = kvsnprintf(buf, sizeof(buf), fmt, ap);

	vm_dbg_puts(prefix, strlen(prefix));
	vm_dbg_puts(buf, MIN((size_t)n, sizeof(buf) - 1));
}

void dbg_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dbg_vprintf("", fmt, ap);
	va_end(ap);
}

__noreturn void vm_panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dbg_vprintf(VM_NAME ": panic: ", fmt, ap);
	va_end(ap);
	vm_dbg_puts("\n", 1);
	vm_poweroff(70);
}

bool vm_has_word(const char *s, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = s; *p; p++)
		if ((p == s || p[-1] == ' ') && !strncmp(p, w, n) && (p[n] == ' ' || !p[n]))
			return true;
	return false;
}
