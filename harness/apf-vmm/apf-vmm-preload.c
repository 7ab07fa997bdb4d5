// SPDX-License-Identifier: GPL-2.0
/*
 * apf-vmm.so: loaded into QEMU (LD_PRELOAD, set by apf-vmm), it does what the
 * APF series (v2, v3 or v4: the one apf-vmm found in the host) asks of a VMM
 * and stock QEMU does not: before a vCPU runs for the first time, it tells KVM
 * which SDEI event carries that vCPU's page-not-present notifications and which
 * PPI its page-ready ones (KVM_ARM_ASYNC_PF_COMMAND SET_SDEI and SET_IRQ on the
 * vCPU fd).
 *
 * Why inside QEMU: KVM refuses every ioctl on a VM or vCPU fd from a process
 * other than the one that created the VM (kvm_vcpu_ioctl: kvm->mm !=
 * current->mm gives EIO), so a helper that takes QEMU's vCPU fds with
 * pidfd_getfd() cannot configure them. This library wraps ioctl(): it notes
 * the fds KVM_CREATE_VCPU returns, and on the first KVM_RUN of each it issues
 * the two commands, reads them back, and appends one line per vCPU to
 * $APF_VMM_LOG. A refusal is fatal: one line on stderr, QEMU exits with 4.
 *
 * Migration. Stock QEMU carries neither the APF control word nor the SDEI
 * state of the 2021 design, so after a migration the destination's KVM has
 * APF off while the guest believes it on. With $APF_VMM_SAVE (the source),
 * every time QEMU reads a vCPU's state from KVM for itself (KVM_GET_VCPU_EVENTS,
 * part of QEMU's kvm_arch_get_registers: what it does before it saves the
 * vCPUs into the migration stream, and rarely otherwise), the library reads
 * that vCPU's APF and SDEI state and the VM's SDEI registration records too,
 * and writes them to $APF_VMM_SAVE.<vcpu> (whole: written aside, renamed).
 * The last such read is the one at the switch-over, with the vCPUs stopped.
 * With $APF_VMM_LOAD (the destination, started with -incoming: its vCPUs first
 * run after the incoming state is loaded), the first KVM_RUN of each vCPU
 * writes them back first: the VM's records (once), the vCPU's events and
 * state, the event and the PPI, then the control word, which enables APF and
 * makes KVM send the guest a wake-all page-ready for the faults the source
 * left outstanding. A VMM would carry this in its migration stream; the
 * benchmark's two QEMUs run on one host, so a file serves.
 *
 * Environment (set by apf-vmm): APF_VMM_SERIES (2, 3 or 4: the version, whose
 * ioctl numbers the library uses), APF_VMM_SDEI, APF_VMM_IRQ (numbers),
 * APF_VMM_LOG (file; optional), APF_VMM_SAVE, APF_VMM_LOAD (file prefixes;
 * optional).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "apf-series.h"

#define MAX_FD 4096
/* KVM creates two events with the series (0x40400000, 0x40400001) */
#define MAX_EVENTS 8

/* per fd: 0 not a vCPU, 1 a vCPU not configured yet, 2 configured */
static _Atomic unsigned char vcpu_state[MAX_FD];
static _Atomic long vcpu_id[MAX_FD];
static _Atomic int vm_of[MAX_FD];	/* the VM fd a vCPU fd was created on */

/* what one vCPU carries across a migration (written and read by this library) */
struct apf_vmm_state {
	char magic[8];
	uint64_t vcpu;
	uint64_t apf_sdei;
	uint64_t apf_control;
	uint32_t apf_irq;
	uint32_t nr_kevents;
	uint32_t nr_vevents;
	uint32_t pad;
	struct sdei21_vcpu_state sdei_vcpu;
	struct sdei21_vcpu_event_state vevents[MAX_EVENTS];
	struct sdei21_kvm_event_state kevents[MAX_EVENTS];
};
static const char state_magic[8] = "apfvmm1";

/* the host's series version, from APF_VMM_SERIES when the library is loaded */
static struct apf_vmm_series series;

static pthread_mutex_t restore_lock = PTHREAD_MUTEX_INITIALIZER;
static int kevents_restored;

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

__attribute__((constructor)) static void series_from_env(void)
{
	const char *s = getenv("APF_VMM_SERIES");

	if (!s || strlen(s) != 1 || !apf_vmm_series_of(*s - '0', &series)) {
		fprintf(stderr, "apf-vmm.so: APF_VMM_SERIES='%s' is not 2, 3 or 4 (run QEMU under apf-vmm)\n",
			s ? s : "");
		_exit(2);
	}
}

static void log_line(const char *fmt, ...)
{
	const char *logf = getenv("APF_VMM_LOG");
	char line[320];
	va_list ap;
	int n, lfd;

	if (!logf || !*logf)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	lfd = open(logf, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (lfd < 0)
		return;
	if (write(lfd, line, (size_t)n) != n)
		n = -1;
	close(lfd);
}

/* one line per vCPU and migration side: what was carried */
static void log_state(const char *side, const struct apf_vmm_state *st)
{
	log_line("%s vcpu=%llu control=0x%llx sdei_event=0x%llx ppi_intid=%u sdei_masked=%u records=%u queued=%u critical=0x%llx normal=0x%llx\n",
		 side, (unsigned long long)st->vcpu, (unsigned long long)st->apf_control,
		 (unsigned long long)st->apf_sdei, st->apf_irq, st->sdei_vcpu.masked,
		 st->nr_kevents, st->nr_vevents,
		 (unsigned long long)st->sdei_vcpu.critical_num,
		 (unsigned long long)st->sdei_vcpu.normal_num);
}

static void fail(long id, const char *what, int err)
{
	fprintf(stderr, "apf-vmm: vCPU %ld: KVM_ARM_ASYNC_PF_COMMAND %s: %s (does the host kernel carry APF v%d?)\n",
		id, what, strerror(err), series.ver);
	_exit(4);
}

static void fail_sdei(long id, const char *what, int err)
{
	fprintf(stderr, "apf-vmm: vCPU %ld: restoring the migrated state: KVM_ARM_SDEI_COMMAND %s: %s\n",
		id, what, strerror(err));
	_exit(4);
}

/* one APF command on a vCPU fd; the 64-bit union comes back in *val */
static int apf_cmd(int fd, uint32_t cmd, uint64_t in, uint64_t *val)
{
	struct apf_ioctl_cmd c;

	memset(&c, 0, sizeof(c));
	c.cmd = cmd;
	if (cmd == APF_CMD_SET_IRQ)
		c.irq = (uint32_t)in;
	else
		c.sdei = in;
	if (raw_ioctl(fd, series.apf_ioctl, &c) < 0)
		return -1;
	if (val)
		*val = cmd == APF_CMD_GET_IRQ ? c.irq : c.sdei;
	return 0;
}

/*
 * One SDEI command: the kernel copies all 8352 bytes of the structure in (and
 * out on a successful GET), so it gets a whole one.
 */
static int sdei_cmd(int fd, struct sdei21_cmd *c, uint32_t cmd)
{
	c->cmd = cmd;
	return raw_ioctl(fd, series.sdei_ioctl, c) < 0 ? -1 : 0;
}

/*
 * Every record a GET command lists, into @out (@size bytes each): an invalid
 * number asks for the first, a number for the one after it. Both states start
 * with their event number, which the next call then asks after.
 */
static int get_all(int fd, struct sdei21_cmd *c, uint32_t cmd, void *out, size_t size,
		   uint32_t *nr)
{
	memset(c, 0, sizeof(*c));
	c->num = SDEI21_INVALID_NUM;
	while (!sdei_cmd(fd, c, cmd)) {
		if (*nr == MAX_EVENTS) {
			errno = E2BIG;
			return -1;
		}
		memcpy((char *)out + (size_t)(*nr)++ * size, &c->num, size);
	}
	return errno == ENOENT ? 0 : -1;
}

/* The source: this vCPU's APF and SDEI state and the VM's records, to the file */
static void save_state(int fd)
{
	const char *prefix = getenv("APF_VMM_SAVE");
	long id = atomic_load(&vcpu_id[fd]);
	int vm = atomic_load(&vm_of[fd]);
	struct apf_vmm_state *st;
	struct sdei21_cmd *c;
	char path[4096], tmp[4200];
	const char *what = NULL;
	uint64_t v;
	int out;

	if (!prefix || !*prefix)
		return;
	st = calloc(1, sizeof(*st));
	c = calloc(1, sizeof(*c));
	if (!st || !c) {
		what = "out of memory";
		goto out;
	}
	memcpy(st->magic, state_magic, sizeof(st->magic));
	st->vcpu = (uint64_t)id;
	if (apf_cmd(fd, APF_CMD_GET_SDEI, 0, &st->apf_sdei) ||
	    apf_cmd(fd, APF_CMD_GET_IRQ, 0, &v) ||
	    apf_cmd(fd, APF_CMD_GET_CONTROL, 0, &st->apf_control)) {
		what = "KVM_ARM_ASYNC_PF_COMMAND GET";
		goto out;
	}
	st->apf_irq = (uint32_t)v;
	if (get_all(vm, c, SDEI21_CMD_GET_KEVENT, st->kevents, sizeof(st->kevents[0]),
		    &st->nr_kevents)) {
		what = "KVM_ARM_SDEI_COMMAND GET_KEVENT (the VM's registration records)";
		goto out;
	}
	if (get_all(fd, c, SDEI21_CMD_GET_VEVENT, st->vevents, sizeof(st->vevents[0]),
		    &st->nr_vevents)) {
		what = "KVM_ARM_SDEI_COMMAND GET_VEVENT (the vCPU's queued events)";
		goto out;
	}
	memset(c, 0, sizeof(*c));
	if (sdei_cmd(fd, c, SDEI21_CMD_GET_VCPU_STATE))
 {
		what = "KVM_ARM_SDEI_COMMAND GET_VCPU_STATE";
		goto out;
	}
	st->sdei_vcpu = c->ksv_state;
	snprintf(path, sizeof(path), "%s.%ld", prefix, id);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0 || write(out, st, sizeof(*st)) != (ssize_t)sizeof(*st) || close(out) ||
	    rename(tmp, path)) {
		what = "writing the state file";
		if (out >= 0)
			unlink(tmp);
		goto out;
	}
	log_state("saved", st);
out:
	/* the source goes on: the destination will say it found no state */
	if (what) {
		fprintf(stderr, "apf-vmm: vCPU %ld: saving the APF/SDEI state for a migration: %s: %s\n",
			id, what, strerror(errno));
		log_line("save-failed vcpu=%ld %s: %s\n", id, what, strerror(errno));
	}
	free(c);
	free(st);
}

/*
 * The destination, before the vCPU's first run: the source's state back into
 * KVM. Returns 1 when APF was enabled from it, 0 when there was none to load.
 */
static int restore_state(int fd)
{
	const char *prefix = getenv("APF_VMM_LOAD");
	long id = atomic_load(&vcpu_id[fd]);
	int vm = atomic_load(&vm_of[fd]);
	struct apf_vmm_state *st;
	struct sdei21_cmd *c;
	char path[4096];
	uint32_t i;
	int in, enabled = 0;

	if (!prefix || !*prefix)
		return 0;
	snprintf(path, sizeof(path), "%s.%ld", prefix, id);
	in = open(path, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		log_line("restored vcpu=%ld none: %s: %s\n", id, path, strerror(errno));
		return 0;
	}
	st = calloc(1, sizeof(*st));
	c = calloc(1, sizeof(*c));
	if (!st || !c || read(in, st, sizeof(*st)) != (ssize_t)sizeof(*st) ||
	    memcmp(st->magic, state_magic, sizeof(st->magic)) ||
	    st->nr_kevents > MAX_EVENTS || st->nr_vevents > MAX_EVENTS) {
		fprintf(stderr, "apf-vmm: vCPU %ld: %s is not a state file of this apf-vmm\n",
			id, path);
		_exit(4);
	}
	close(in);
	pthread_mutex_lock(&restore_lock);
	/* the VM's registration records, once: they hold every vCPU's entry point */
	if (!kevents_restored) {
		for (i = 0; i < st->nr_kevents; i++) {
			memset(c, 0, sizeof(*c));
			c->kske_state = st->kevents[i];
			if (sdei_cmd(vm, c, SDEI21_CMD_SET_KEVENT))
				fail_sdei(id, "SET_KEVENT", errno);
		}
		kevents_restored = 1;
	}
	pthread_mutex_unlock(&restore_lock);
	for (i = 0; i < st->nr_vevents; i++) {
		memset(c, 0, sizeof(*c));
		c->ksve_state = st->vevents[i];
		if (sdei_cmd(fd, c, SDEI21_CMD_SET_VEVENT))
			fail_sdei(id, "SET_VEVENT", errno);
	}
	memset(c, 0, sizeof(*c));
	c->ksv_state = st->sdei_vcpu;
	if (sdei_cmd(fd, c, SDEI21_CMD_SET_VCPU_STATE))
		fail_sdei(id, "SET_VCPU_STATE", errno);
	if (apf_cmd(fd, APF_CMD_SET_SDEI, st->apf_sdei, NULL))
		fail(id, "SET_SDEI", errno);
	if (apf_cmd(fd, APF_CMD_SET_IRQ, st->apf_irq, NULL))
		fail(id, "SET_IRQ", errno);
	/* SET_CONTROL runs the guest's ENABLE: only for a vCPU the guest enabled */
	if (st->apf_control & APF_CTRL_ENABLED) {
		if (apf_cmd(fd, APF_CMD_SET_CONTROL, st->apf_control, NULL))
			fail(id, "SET_CONTROL", errno);
		enabled = 1;
	}
	log_state("restored", st);
	free(c);
	free(st);
	return enabled;
}

static void configure(int fd)
{
	uint64_t sdei = env_number("APF_VMM_SDEI", APF_VMM_SDEI_EVENT);
	uint64_t irq = env_number("APF_VMM_IRQ", APF_VMM_DEFAULT_IRQ);
	long id = atomic_load(&vcpu_id[fd]);
	uint64_t got_sdei, got_irq;

	/* a migrated vCPU gets the source's values, the control word included */
	if (restore_state(fd))
		return;
	if (apf_cmd(fd, APF_CMD_SET_SDEI, sdei, NULL))
		fail(id, "SET_SDEI", errno);
	if (apf_cmd(fd, APF_CMD_SET_IRQ, irq, NULL))
		fail(id, "SET_IRQ", errno);
	if (apf_cmd(fd, APF_CMD_GET_SDEI, 0, &got_sdei))
		fail(id, "GET_SDEI", errno);
	if (apf_cmd(fd, APF_CMD_GET_IRQ, 0, &got_irq))
		fail(id, "GET_IRQ", errno);
	if (got_sdei != sdei || got_irq != (uint32_t)irq) {
		fprintf(stderr, "apf-vmm: vCPU %ld: KVM reads back SDEI event 0x%llx and INTID %u, not 0x%llx and %u\n",
			id, (unsigned long long)got_sdei, (unsigned)got_irq,
			(unsigned long long)sdei, (unsigned)irq);
		_exit(4);
	}
	log_line("vcpu=%ld sdei_event=0x%llx ppi_intid=%u\n", id,
		 (unsigned long long)got_sdei, (unsigned)got_irq);
}

int ioctl(int fd, unsigned long req, ...)
{
	/*
	 * The kernel takes the request as 32 bits; QEMU passes it as an int, so a
	 * request with bit 31 set (_IOR, _IOWR: KVM_GET_VCPU_EVENTS) arrives
	 * sign-extended. Compare the 32 bits the kernel sees.
	 */
	unsigned int nr = (unsigned int)req;
	va_list ap;
	void *arg;
	long r;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);

	if (nr == KVM_RUN && fd >= 0 && fd < MAX_FD) {
		unsigned char want = 1;

		/* the first KVM_RUN of this vCPU: configure it first, once */
		if (atomic_compare_exchange_strong(&vcpu_state[fd], &want, 2))
			configure(fd);
	}
	r = raw_ioctl(fd, req, arg);
	if (nr == KVM_CREATE_VCPU && r >= 0 && r < MAX_FD) {
		atomic_store(&vcpu_id[r], (long)(unsigned long)arg);
		atomic_store(&vm_of[r], fd);
		atomic_store(&vcpu_state[r], 1);
	}
	/* QEMU read the vCPU's state: the source of a migration saves ours too */
	if (nr == KVM_GET_VCPU_EVENTS && r == 0 && fd >= 0 && fd < MAX_FD &&
	    atomic_load(&vcpu_state[fd]) == 2)
		save_state(fd);
	return (int)r;
}
