// SPDX-License-Identifier: GPL-2.0
/*
 * apf-vmm: run QEMU as the APF series (v2, v3 or v4) expects of a VMM
 * (harness/ARM64-APF.md).
 *
 *   apf-vmm --check
 *   apf-vmm [--sdei NUM] [--irq INTID] [--log FILE] [--save-state PREFIX]
 *           [--load-state PREFIX] -- QEMU [ARGS...]
 *
 * First it asks this host's KVM which APF series it carries: it creates a
 * scratch VM and sends it KVM_ARM_ASYNC_PF_COMMAND GET_VERSION with the number of
 * each version, newest first (v4 0xC010AECF, v3 0xC010AECD, v2 0xC010AEC9); the
 * one that answers 0 with version 0x10000 is the host's. --check prints it
 * ("apf-v4"). Then (not with --check) it runs QEMU with apf-vmm.so (the file
 * beside this one) preloaded: that library sets, on each vCPU before its first
 * KVM_RUN, the SDEI event of the page-not-present notifications (default
 * 0x40400001, the event KVM adds with the series) and the PPI of the page-ready
 * ones (default INTID 20).
 * With --save-state (a migration source) the library writes each vCPU's APF
 * and SDEI state to PREFIX.<vcpu> whenever QEMU reads the vCPU's state (so at
 * the switch-over); with --load-state (the destination) it writes them back
 * before the vCPU first runs (apf-vmm-preload.c, harness/ARM64-APF.md).
 *
 * The library speaks the host's version: its APF and SDEI ioctl numbers
 * (apf-series.h; the versions differ for a VMM in nothing else).
 *
 * Exit: --check 0 when the host has one of the versions; 4 with one line on
 * stderr when it has none (or /dev/kvm cannot be used); 2 on bad usage;
 * otherwise QEMU's status (exec), 127 when QEMU cannot be run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "apf-series.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: apf-vmm --check\n"
		   "       apf-vmm [--sdei NUM] [--irq INTID] [--log FILE] [--save-state PREFIX]\n"
		   "               [--load-state PREFIX] -- QEMU [ARGS...]\n"
		   "Runs QEMU with the APF VMM set-up of every vCPU (SDEI event, page-ready PPI)\n"
		   "of the host's APF series (v2, v3 or v4; --check prints it: apf-v4).\n"
		   "--save-state: a migration source writes each vCPU's APF and SDEI state to\n"
		   "PREFIX.<vcpu>; --load-state: a destination loads it before the vCPU runs.\n"
		   "Defaults: --sdei 0x%x, --irq %u. Exit 4 when the host kernel has no APF series.\n",
		APF_VMM_SDEI_EVENT, APF_VMM_DEFAULT_IRQ);
}

static int parse_number(const char *opt, const char *s, unsigned long long max,
			unsigned long long *out)
{
	char *end;

	errno = 0;
	if (!*s || *s == '-')
		goto bad;
	*out = strtoull(s, &end, 0);
	if (errno || *end || *out > max)
		goto bad;
	return 0;
bad:
	fprintf(stderr, "apf-vmm: %s: '%s' is not a valid number\n", opt, s);
	return -1;
}

/*
 * The APF series version (2, 3 or 4) whose GET_VERSION this host's KVM answers,
 * else 0 with one line said. A number another version would use is not this
 * version's: KVM fails it (-EINVAL, the VM ioctl's default), as a stock kernel
 * fails all three.
 */
static int host_series(void)
{
	char why[3 * 64] = "";
	size_t len = 0;
	unsigned int i;
	int kvm, vm, ver = 0;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		fprintf(stderr, "apf-vmm: /dev/kvm: %s\n", strerror(errno));
		return 0;
	}
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0) {
		fprintf(stderr, "apf-vmm: KVM_CREATE_VM: %s\n", strerror(errno));
		close(kvm);
		return 0;
	}
	for (i = 0; i < APF_VMM_NR_VERSIONS && !ver; i++) {
		struct apf_vmm_series s;
		struct apf_ioctl_cmd c;

		if (!apf_vmm_series_of(apf_vmm_versions[i], &s))
			continue;
		memset(&c, 0, sizeof(c));
		c.cmd = APF_CMD_GET_VERSION;
		if (ioctl(vm, s.apf_ioctl, &c) < 0)
			len += snprintf(why + len, sizeof(why) - len, "%sv%d 0x%lx: %s",
					len ? ", " : "", s.ver, s.apf_ioctl, strerror(errno));
		else if (c.version != APF_VMM_VERSION)
			len += snprintf(why + len, sizeof(why) - len, "%sv%d 0x%lx: version 0x%x, not 0x%x",
					len ? ", " : "", s.ver, s.apf_ioctl, c.version,
					APF_VMM_VERSION);
		else
			ver = s.ver;
		if (len >= sizeof(why))
			len = sizeof(why) - 1;
	}
	close(vm);
	close(kvm);
	if (!ver)
		fprintf(stderr, "apf-vmm: the host kernel has no APF series (v2, v3, v4): KVM_ARM_ASYNC_PF_COMMAND GET_VERSION on a VM: %s\n",
			why);
	return ver;
}

/* the directory of this program, for apf-vmm.so beside it */
static int self_dir(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	char *slash;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long long sdei = APF_VMM_SDEI_EVENT, irq = APF_VMM_DEFAULT_IRQ;
	const char *logf = NULL, *save = NULL, *load = NULL;
	char dir[PATH_MAX], lib[PATH_MAX + 16], num[32];
	const char *old;
	char *preload;
	int check = 0, have_sdei = 0, have_irq = 0, i, ver;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--")) {
			i++;
			break;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--check")) {
			check = 1;
		} else if (!strcmp(a, "--save-state") || !strcmp(a, "--load-state")) {
			const char **p = a[2] == 's' ? &save : &load;

			if (i + 1 >= argc || !*argv[i + 1]) {
				fprintf(stderr, "apf-vmm: %s needs a file prefix\n", a);
				return 2;
			}
			if (*p) {
				fprintf(stderr, "apf-vmm: %s given twice\n", a);
				return 2;
			}
			*p = argv[++i];
		} else if (!strcmp(a, "--sdei") || !strcmp(a, "--irq") || !strcmp(a, "--log")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "apf-vmm: %s needs a value\n", a);
				return 2;
			}
			if (!strcmp(a, "--log")) {
				if (logf) {
					fprintf(stderr, "apf-vmm: --log given twice\n");
					return 2;
				}
				logf = argv[++i];
			} else if (!strcmp(a, "--sdei")) {
				if (have_sdei++) {
					fprintf(stderr, "apf-vmm: --sdei given twice\n");
					return 2;
				}
				if (parse_number(a, argv[++i], 0xffffffffULL, &sdei))
					return 2;
			} else {
				if (have_irq++) {
					fprintf(stderr, "apf-vmm: --irq given twice\n");
					return 2;
				}
				if (parse_number(a, argv[++i], 1019, &irq))
					return 2;
				if (irq < 16 || irq > 31) {
					fprintf(stderr, "apf-vmm: --irq: %llu is not a PPI (16..31)\n", irq);
					return 2;
				}
			}
		} else {
			fprintf(stderr, "apf-vmm: unknown option '%s' (QEMU's command goes after --)\n", a);
			return 2;
		}
	}
	if (check) {
		if (i < argc) {
			fprintf(stderr, "apf-vmm: --check takes no command\n");
			return 2;
		}
		ver = host_series();
		if (!ver)
			return 4;
		printf("apf-v%d\n", ver);
		return 0;
	}
	if (i >= argc) {
		fprintf(stderr, "apf-vmm: no QEMU command given (apf-vmm [OPTIONS] -- QEMU ARGS...)\n");
		return 2;
	}
	ver = host_series();
	if (!ver)
		return 4;
	if (self_dir(dir, sizeof(dir))) {
		fprintf(stderr, "apf-vmm: cannot find its own directory (/proc/self/exe)\n");
		return 4;
	}
	snprintf(lib, sizeof(lib), "%s/apf-vmm.so", dir);
	if (access(lib, R_OK)) {
		fprintf(stderr, "apf-vmm: %s: %s\n", lib, strerror(errno));
		return 4;
	}
	old = getenv("LD_PRELOAD");
	if (old && *old) {
		preload = malloc(strlen(lib) + strlen(old) + 2);
		if (!preload)
			return 4;
		sprintf(preload, "%s:%s", lib, old);
	} else {
		preload = lib;
	}
	snprintf(num, sizeof(num), "%d", ver);
	setenv("APF_VMM_SERIES", num, 1);
	snprintf(num, sizeof(num), "0x%llx", sdei);
	setenv("APF_VMM_SDEI", num, 1);
	snprintf(num, sizeof(num), "%llu", irq);
	setenv("APF_VMM_IRQ", num, 1);
	if (logf)
		setenv("APF_VMM_LOG", logf, 1);
	else
		unsetenv("APF_VMM_LOG");
	if (save)
		setenv("APF_VMM_SAVE", save, 1);
	else
		unsetenv("APF_VMM_SAVE");
	if (load)
		setenv("APF_VMM_LOAD", load, 1);
	else
		unsetenv("APF_VMM_LOAD");
	setenv("LD_PRELOAD", preload, 1);
	execvp(argv[i], argv + i);
	fprintf(stderr, "apf-vmm: %s: %s\n", argv[i], strerror(errno));
	return 127;
}
