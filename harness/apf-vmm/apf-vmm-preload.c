// SPDX-License-Identifier: GPL-2.0
/*
 * apf-vmm.so: loaded into QEMU (LD_PRELOAD, set by apf-vmm), it does what the
 * APF v4 series asks of a VMM and stock QEMU does not: before a vCPU runs for
 * the first time, it tells KVM which SDEI event carries that vCPU's
 * page-not-present notifications and which PPI its page-ready ones
 * (KVM_ARM_ASYNC_PF_COMMAND SET_SDEI and SET_IRQ on the vCPU fd).
 *
 * Why inside QEMU: KVM refuses every ioctl on a VM or vCPU fd from a process
 * other than the one that created the VM (kvm_vcpu_ioctl: kvm->mm !=
 * current->mm gives EIO), so a helper that takes QEMU's vCPU fds with
 * pidfd_getfd() cannot configure them. This library wraps ioctl(): it notes
 * the fds KVM_CREATE_VCPU returns, and on the first KVM_RUN of each it issues
 * the two commands, reads them back, and appends one line per vCPU to
 * $APF_VMM_LOG. A refusal is fatal: one line on stderr, QEMU exits with 4.
 *
 * Environment (set by apf-vmm): APF_VMM_SDEI, APF_VMM_IRQ (numbers),
 * APF_VMM_LOG (file; optional).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "apf-v4.h"

#define MAX_FD 4096

/* per fd: 0 not a vCPU, 1 a vCPU not configured yet, 2 configured */
static _Atomic unsigned char vcpu_state[MAX_FD];
static _Atomic long vcpu_id[MAX_FD];

static long raw_ioctl(int fd, unsigned long req, void *arg)
{
	return syscall(SYS_ioctl, fd, req, arg);
}

static uint64_t env_number(const char *name, uint64_t def)
{
	const char *s = getenv(name);
	char *end;
	unsigned long long v;

	if (!s || !*s)
		return def;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end) {
		fprintf(stderr, "apf-vmm: %s='%s' is not a number\n", name, s);
		_exit(2);
	}
	return v;
}

static void fail(long id, const char *what, int err)
{
	fprintf(stderr, "apf-vmm: vCPU %ld: KVM_ARM_ASYNC_PF_COMMAND %s: %s (does the host kernel carry APF v4?)\n",
		id, what, strerror(err));
	_exit(4);
}

static void configure(int fd)
{
	uint64_t sdei = env_number("APF_VMM_SDEI", APF_V4_SDEI_EVENT);
	uint64_t irq = env_number("APF_VMM_IRQ", APF_V4_DEFAULT_IRQ);
	const char *logf = getenv("APF_VMM_LOG");
	long id = atomic_load(&vcpu_id[fd]);
	struct apf_v4_cmd c;
	uint64_t got_sdei;
	uint32_t got_irq;

	memset(&c, 0, sizeof(c));
	c.cmd = APF_V4_SET_SDEI;
	c.sdei = sdei;
	if (raw_ioctl(fd, APF_V4_IOCTL, &c) < 0)
		fail(id, "SET_SDEI", errno);
	memset(&c, 0, sizeof(c));
	c.cmd = APF_V4_SET_IRQ;
	c.irq = (uint32_t)irq;
	if (raw_ioctl(fd, APF_V4_IOCTL, &c) < 0)
		fail(id, "SET_IRQ", errno);
	memset(&c, 0, sizeof(c));
	c.cmd = APF_V4_GET_SDEI;
	if (raw_ioctl(fd, APF_V4_IOCTL, &c) < 0)
		fail(id, "GET_SDEI", errno);
	got_sdei = c.sdei;
	memset(&c, 0, sizeof(c));
	c.cmd = APF_V4_GET_IRQ;
	if (raw_ioctl(fd, APF_V4_IOCTL, &c) < 0)
		fail(id, "GET_IRQ", errno);
	got_irq = c.irq;
	if (got_sdei != sdei || got_irq != (uint32_t)irq) {
		fprintf(stderr, "apf-vmm: vCPU %ld: KVM reads back SDEI event 0x%llx and INTID %u, not 0x%llx and %u\n",
			id, (unsigned long long)got_sdei, got_irq,
			(unsigned long long)sdei, (unsigned)irq);
		_exit(4);
	}
	if (logf && *logf) {
		char line[160];
		int lfd = open(logf, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		int n = snprintf(line, sizeof(line),
				 "vcpu=%ld sdei_event=0x%llx ppi_intid=%u\n", id,
				 (unsigned long long)got_sdei, got_irq);

		if (lfd >= 0) {
			if (n > 0 && write(lfd, line, (size_t)n) != n)
				n = -1;
			close(lfd);
		}
	}
}

int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;
	long r;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);

	if (req == KVM_RUN && fd >= 0 && fd < MAX_FD) {
		unsigned char want = 1;

		/* the first KVM_RUN of this vCPU: configure it first, once */
		if (atomic_compare_exchange_strong(&vcpu_state[fd], &want, 2))
			configure(fd);
	}
	r = raw_ioctl(fd, req, arg);
	if (req == KVM_CREATE_VCPU && r >= 0 && r < MAX_FD) {
		atomic_store(&vcpu_id[r], (long)(unsigned long)arg);
		atomic_store(&vcpu_state[r], 1);
	}
	return (int)r;
}
