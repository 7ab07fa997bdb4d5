// SPDX-License-Identifier: GPL-2.0-only
/*
 * apf_probe: decide which APF and SDEI ABI profile (if any) the kernel
 * implements, from what a guest observes over SMCCC and what the VM ioctl
 * returns. Capability numbers are deliberately not used (see apf_abi.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <kvm_util.h>
#include "processor.h"
#include "apf_abi.h"

struct probe_guest_out {
	uint64_t smccc_version;
	uint64_t features;
	uint64_t fn1_a0, fn1_a1;
	uint64_t fn2_a0, fn2_a1;
	uint64_t sdei_version;
	uint64_t sdei_features;
	uint64_t sdei_features_v6;
};

static struct probe_guest_out probe_out;

static void probe_guest_code(void)
{
	struct arm_smccc_res res;

	smccc_hvc(APF_SMCCC_VERSION_FUNC_ID, 0, 0, 0, 0, 0, 0, 0, &res);
	probe_out.smccc_version = res.a0;
	smccc_hvc(APF_VENDOR_HYP_FEATURES_FUNC_ID, 0, 0, 0, 0, 0, 0, 0, &res);
	probe_out.features = res.a0;
	/*
	 * x1 = APF_FUNC_VERSION (0). On a kernel with PTP, function 1 is PTP
	 * and x1 = 0 selects the virtual counter: a0 is then the upper half
	 * of the realtime clock in ns, never 0 after 1970 + 4.3 s.
	 */
	smccc_hvc(APF_VENDOR_HYP_FUNC_ID(1), APF_FUNC_VERSION, 0, 0, 0, 0, 0, 0, &res);
	probe_out.fn1_a0 = res.a0;
	probe_out.fn1_a1 = res.a1;
	smccc_hvc(APF_VENDOR_HYP_FUNC_ID(2), APF_FUNC_VERSION, 0, 0, 0, 0, 0, 0, &res);
	probe_out.fn2_a0 = res.a0;
	probe_out.fn2_a1 = res.a1;
	smccc_hvc(APF_SDEI_VERSION, 0, 0, 0, 0, 0, 0, 0, &res);
	probe_out.sdei_version = res.a0;
	smccc_hvc(APF_SDEI_FEATURES, APF_SDEI_FEATURE_BIND_SLOTS, 0, 0, 0, 0, 0, 0, &res);
	probe_out.sdei_features = res.a0;
	smccc_hvc(APF_SDEI_FEATURES_V6_BUG, APF_SDEI_FEATURE_BIND_SLOTS, 0, 0, 0, 0, 0, 0, &res);
	probe_out.sdei_features_v6 = res.a0;
	GUEST_DONE();
}

static const struct apf_abi_profile *apf_profile_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(apf_abi_profiles); i++)
		if (!strcmp(apf_abi_profiles[i].name, name))
			return &apf_abi_profiles[i];
	return NULL;
}

static const struct sdei_abi_profile *sdei_profile_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sdei_abi_profiles); i++)
		if (!strcmp(sdei_abi_profiles[i].name, name))
			return &sdei_abi_profiles[i];
	return NULL;
}

static void apf_select(struct apf_probe *p)
{
	const char *env = getenv("APF_ABI");

	if (env && *env && strcmp(env, "auto")) {
		p->apf = apf_profile_by_name(env);
		TEST_ASSERT(p->apf, "APF_ABI=%s: expected v2, v3, v4, none or auto", env);
		snprintf(p->apf_why, sizeof(p->apf_why), "forced by APF_ABI=%s", env);
		return;
	}

	if ((p->features & (1UL << 2)) && p->fn2_a0 == APF_SMCCC_RET_SUCCESS &&
	    p->fn2_a1 == APF_VERSION_1_0) {
		/* v3 and v4 share every number; report the later one */
		p->apf = &apf_abi_profiles[APF_ABI_V4];
		snprintf(p->apf_why, sizeof(p->apf_why),
			 "FEATURES=0x%lx bit 2 and 0x86000002 VERSION=0x%lx (v3/v4 numbering)",
			 p->features, p->fn2_a1);
	} else if ((p->features & (1UL << 1)) && p->fn1_a0 == APF_SMCCC_RET_SUCCESS &&
		   p->fn1_a1 == APF_VERSION_1_0) {
		p->apf = &apf_abi_profiles[APF_ABI_V2];
		snprintf(p->apf_why, sizeof(p->apf_why),
			 "FEATURES=0x%lx bit 1 and 0x86000001 VERSION=0x%lx (v2 numbering)",
			 p->features, p->fn1_a1);
	} else {
		p->apf = &apf_abi_profiles[APF_ABI_NONE];
		snprintf(p->apf_why, sizeof(p->apf_why),
			 "no APF: FEATURES=0x%lx, 0x86000002 VERSION a0=0x%lx",
			 p->features, p->fn2_a0);
	}
}

static void sdei_select(struct apf_probe *p)
{
	const char *env = getenv("SDEI_ABI");
	uint64_t v = p->sdei_version;

	if (env && *env && strcmp(env, "auto")) {
		p->sdei = sdei_profile_by_name(env);
		TEST_ASSERT(p->sdei, "SDEI_ABI=%s: expected 2021, 2022, none or auto", env);
		snprintf(p->sdei_why, sizeof(p->sdei_why), "forced by SDEI_ABI=%s", env);
		return;
	}

	if (v == APF_SDEI_NOT_SUPPORTED || (v >> 63)) {
		p->sdei = &sdei_abi_profiles[SDEI_ABI_NONE];
		snprintf(p->sdei_why, sizeof(p->sdei_why),
			 "no SDEI: SDEI_VERSION returned %ld", (long)v);
	} else if (APF_SDEI_VERSION_MAJOR(v) == 1 && APF_SDEI_VERSION_MINOR(v) == 0) {
		p->sdei = &sdei_abi_profiles[SDEI_ABI_2021];
		snprintf(p->sdei_why, sizeof(p->sdei_why),
			 "SDEI_VERSION=0x%lx (1.0: 2021 design)", v);
	} else if (APF_SDEI_VERSION_MAJOR(v) == 1 && APF_SDEI_VERSION_MINOR(v) == 1) {
		p->sdei = &sdei_abi_profiles[SDEI_ABI_2022];
		snprintf(p->sdei_why, sizeof(p->sdei_why),
			 "SDEI_VERSION=0x%lx (1.1: 2022 design%s)", v,
			 p->sdei_features == APF_SDEI_NOT_SUPPORTED &&
			 p->sdei_features_v6 != APF_SDEI_NOT_SUPPORTED ?
			 ", v6 FEATURES id" : "");
	} else {
		p->sdei = &sdei_abi_profiles[SDEI_ABI_NONE];
		snprintf(p->sdei_why, sizeof(p->sdei_why),
			 "unknown SDEI_VERSION 0x%lx: no profile", v);
	}
}

void apf_probe_run(struct apf_probe *p)
{
	struct apf_ioctl_cmd cmd = { .cmd = APF_CMD_GET_VERSION };
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	struct ucall uc;

	memset(p, 0, sizeof(*p));
	vm = vm_create_with_one_vcpu(&vcpu, probe_guest_code);
	vcpu_run(vcpu);
	switch (get_ucall(vcpu, &uc)) {
	case UCALL_DONE:
		break;
	case UCALL_ABORT:
		REPORT_GUEST_ASSERT(uc);
		break;
	default:
		TEST_FAIL("probe guest: unexpected ucall %lu", uc.cmd);
	}
	sync_global_from_guest(vm, probe_out);

	p->ioctl_vm_ret = ioctl(vm->fd, APF_IOCTL_COMMAND, &cmd);
	p->ioctl_vm_errno = p->ioctl_vm_ret ? errno : 0;
	p->ioctl_version = cmd.version;
	kvm_vm_free(vm);

	p->smccc_version = probe_out.smccc_version;
	p->features = probe_out.features;
	p->fn1_a0 = probe_out.fn1_a0;
	p->fn1_a1 = probe_out.fn1_a1;
	p->fn2_a0 = probe_out.fn2_a0;
	p->fn2_a1 = probe_out.fn2_a1;
	p->sdei_version = probe_out.sdei_version;
	p->sdei_features = probe_out.sdei_features;
	p->sdei_features_v6 = probe_out.sdei_features_v6;

	apf_select(p);
	sdei_select(p);
}

const char *apf_probe_describe(const struct apf_probe *p)
{
	static char buf[512];

	snprintf(buf, sizeof(buf),
		 "APF profile %s (%s); SDEI profile %s (%s); APF ioctl on VM fd: %s",
		 p->apf->name, p->apf_why, p->sdei->name, p->sdei_why,
		 p->ioctl_vm_ret ? strerror(p->ioctl_vm_errno) : "ok");
	return buf;
}
