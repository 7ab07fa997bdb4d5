// SPDX-License-Identifier: GPL-2.0-only
/*
 * compat_ioctl: let the KVM selftests library of a >= 6.8 tree run on older
 * kernels (e.g. Debian bookworm's 6.1, or the 5.11-5.19 bases of the APF and
 * SDEI series).
 *
 * Since 6.8 the library only uses KVM_SET_USER_MEMORY_REGION2 and skips every
 * test when KVM_CAP_USER_MEMORY2 is missing. Every ioctl of a test goes
 * through compat_ioctl() (lib/wrap_ioctl.c, or the series model, is linked
 * with -Wl,--wrap=ioctl): on kernels without the capability it answers 1 for
 * it and turns KVM_SET_USER_MEMORY_REGION2 into KVM_SET_USER_MEMORY_REGION,
 * as long as no guest_memfd is involved (none of our tests uses one). On
 * kernels that have the capability, every ioctl goes through untouched.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>

int __real_ioctl(int fd, unsigned long request, void *arg);
int compat_ioctl(int fd, unsigned long request, void *arg);

static int compat_active;	/* 1: kernel lacks KVM_CAP_USER_MEMORY2 */

int compat_ioctl(int fd, unsigned long request, void *arg)
{
	struct kvm_userspace_memory_region2 *r2;
	struct kvm_userspace_memory_region r1;
	int ret;

	if (request == KVM_CHECK_EXTENSION && (long)arg == KVM_CAP_USER_MEMORY2) {
		ret = __real_ioctl(fd, request, arg);
		if (ret == 0) {
			if (!compat_active)
				printf("# compat: kernel lacks KVM_SET_USER_MEMORY_REGION2 (< 6.8), "
				       "using KVM_SET_USER_MEMORY_REGION\n");
			compat_active = 1;
			return 1;
		}
		return ret;
	}

	if (request == KVM_SET_USER_MEMORY_REGION2 && compat_active) {
		r2 = arg;
		if (r2->flags & KVM_MEM_GUEST_MEMFD) {
			errno = EINVAL;
			return -1;
		}
		r1.slot = r2->slot;
		r1.flags = r2->flags;
		r1.guest_phys_addr = r2->guest_phys_addr;
		r1.memory_size = r2->memory_size;
		r1.userspace_addr = r2->userspace_addr;
		return __real_ioctl(fd, KVM_SET_USER_MEMORY_REGION, &r1);
	}

	return __real_ioctl(fd, request, arg);
}
