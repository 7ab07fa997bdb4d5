// SPDX-License-Identifier: GPL-2.0-only
/*
 * wrap_ioctl: the plain (non-model) build's ioctl interposer: every ioctl
 * goes through compat_ioctl() (lib/compat_ioctl.c).
 */
#include <stdarg.h>

int compat_ioctl(int fd, unsigned long request, void *arg);
int __wrap_ioctl(int fd, unsigned long request, ...);

int __wrap_ioctl(int fd, unsigned long request, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	return compat_ioctl(fd, request, arg);
}
