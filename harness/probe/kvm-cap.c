// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-cap: print KVM_CHECK_EXTENSION results for capability numbers, one
 * "cap_<n>=<value>" line each. Used by the benchmark to ask the KVM host whether
 * it has async PF (KVM_CAP_ASYNC_PF 59, KVM_CAP_ASYNC_PF_INT 183).
 * Exit: 0, 2 on bad arguments, 4 when /dev/kvm cannot be opened.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

int main(int argc, char **argv)
{
	int fd, i;

	if (argc < 2) {
		fprintf(stderr, "usage: kvm-cap CAP_NUMBER...\n");
		return 2;
	}
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "kvm-cap: /dev/kvm: %s\n", strerror(errno));
		return 4;
	}
	for (i = 1; i < argc; i++) {
		char *end;
		long cap = strtol(argv[i], &end, 10);
		int r;

		if (*argv[i] == '\0' || *end != '\0' || cap < 0) {
			fprintf(stderr, "kvm-cap: not a capability number: %s\n", argv[i]);
			close(fd);
			return 2;
		}
		r = ioctl(fd, KVM_CHECK_EXTENSION, cap);
		printf("cap_%ld=%d\n", cap, r < 0 ? 0 : r);
	}
	close(fd);
	return 0;
}
