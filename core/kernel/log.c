/* The core's own messages go to the host's stderr through host calls. */
#include <nto/hal.h>
#include <nto/hostcall_core.h>
#include <nto/kernel.h>

bool g_strace;
bool g_verbose;

static void vlog(const char *fmt, va_list ap)
{
	char buf[512];
	int n = kvsnprintf(buf + 5, sizeof(buf) - 6, fmt, ap);
	int64_t a[4] = {HC_STDERR, -1, 0, 0};

	memcpy(buf, "nto: ", 5);
	n = MIN(n, (int)sizeof(buf) - 7) + 5;
	buf[n++] = '\n';
	hc_call(HC_WRITE, a, buf, (size_t)n, NULL, 0, NULL);
}

void klog(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void kverbose(const char *fmt, ...)
{
	va_list ap;

	if (!g_verbose)
		return;
	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void kpanic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	klog("core panic:");
	vlog(fmt, ap);
	va_end(ap);
	hal_exit(70);
}
