// SPDX-License-Identifier: GPL-2.0-only
/*
 * apf_probe: which version of the APF and SDEI series (if any) the kernel
 * implements, from what a guest observes over SMCCC and what the VMM's
 * ioctls answer. Capability numbers are never used: upstream reused all of
 * them (see apf_abi.h).
 *
 * Guest side, in an order that is harmless on every version:
 *  - vendor-hyp FEATURES: bit 2 is APF v3/v4, confirmed by 0x86000002
 *    VERSION; bit 1 is PTP upstream but APF in v2, told apart by calling
 *    0x86000001 with x1 = 5 (IRQ_ACK in v2, an invalid counter for PTP).
 *    Never x1 = 4 there: that is ENABLE in v2.
 *  - SDEI_VERSION: 1.0 vendor 0 (2021 design), 1.1 vendor 0x4b564d (v5),
 *    1.1 vendor 0x564bcaa9 (v6 or v7: only v7 answers FEATURES at
 *    0xC4000030 and has event 1). SDEI_EVENT_STATUS is never used: on the
 *    2021 design it dereferences NULL in the host once an event is registered.
 * VMM side: the APF and SDEI ioctl numbers differ per version; exactly one
 * answers GET_VERSION on a patched kernel, none on a stock one. SDEI v7 has
 * no ioctl but a firmware register for the PE state.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <kvm_util.h>
#include "processor.h"
#include "apf_abi.h"
#include "apf_caps.h"

struct probe_guest_out {
	uint64_t smccc_version;
	uint64_t features;
	uint64_t fn1_ack_a0;
	uint64_t fn2_a0, fn2_a1;
	uint64_t sdei_version;
	uint64_t sdei_features_30;
	uint64_t sdei_info_1;
};

static struct probe_guest_out probe_out;

static void probe_guest_code(void)
{
	struct arm_smccc_res res;

	smccc_hvc(APF_SMCCC_VERSION_FUNC_ID, 0, 0, 0, 0, 0, 0, 0, &res);
	probe_out.smccc_version = res.a0;
	smccc_hvc(APF_VENDOR_HYP_FEATURES_FUNC_ID, 0, 0, 0, 0, 0, 0, 0, &res);
	probe_out.features = res.a0;
	probe_out.fn1_ack_a0 = APF_SMCCC_RET_NOT_SUPPORTED;
	if (res.a0 != APF_SMCCC_RET_NOT_SUPPORTED && (res.a0 & BIT(1))) {
		smccc_hvc(APF_VENDOR_HYP_FUNC_ID(1), APF_FUNC_IRQ_ACK,
			  0, 0, 0, 0, 0, 0, &res);
		probe_out.fn1_ack_a0 = res.a0;
	}
	smccc_hvc(APF_VENDOR_HYP_FUNC_ID(2), APF_FUNC_VERSION, 0, 0, 0, 0, 0, 0, &res);
	probe_out.fn2_a0 = res.a0;
	probe_out.fn2_a1 = res.a1;
	smccc_hvc(APF_SDEI_VERSION, 0, 0, 0, 0, 0, 0, 0, &res);
	probe_out.sdei_version = res.a0;
	probe_out.sdei_features_30 = APF_SDEI_NOT_SUPPORTED;
	probe_out.sdei_info_1 = APF_SDEI_NOT_SUPPORTED;
	if (APF_SDEI_VERSION_MINOR(res.a0) == 1 && !(res.a0 >> 63)) {
		smccc_hvc(APF_SDEI_FEATURES, APF_SDEI_FEATURE_BIND_SLOTS,
			  0, 0, 0, 0, 0, 0, &res);
		probe_out.sdei_features_30 = res.a0;
		smccc_hvc(APF_SDEI_EVENT_GET_INFO, 1, APF_SDEI_INFO_TYPE,
			  0, 0, 0, 0, 0, &res);
		probe_out.sdei_info_1 = res.a0;
	}
	GUEST_DONE();
}

/* The series version whose ioctl answers GET_VERSION on the VM fd, else 0. */
static int probe_apf_ioctl(struct kvm_vm *vm)
{
	static const int nr[] = { [2] = 0xc9, [3] = 0xcd, [4] = 0xcf };
	struct apf_ioctl_cmd cmd;
	int v;

	for (v = 2; v <= 4; v++) {
		memset(&cmd, 0, sizeof(cmd));
		cmd.cmd = APF_CMD_GET_VERSION;
		if (!ioctl(vm->fd, APF_IOCTL(nr[v]), &cmd) &&
		    cmd.version == APF_VERSION_1_0)
			return v;
	}
	return 0;
}

static int probe_sdei_ioctl(struct kvm_vm *vm)
{
	static const int nr[] = { [2] = 0xc8, [3] = 0xcc, [4] = 0xce };
	struct sdei21_cmd *cmd = calloc(1, sizeof(*cmd));
	struct sdei5_cmd cmd5 = { .cmd = SDEI5_CMD_GET_VERSION };
	int v, found = 0;

	TEST_ASSERT(cmd, "calloc");
	for (v = 2; v <= 4 && !found; v++) {
		memset(cmd, 0, sizeof(*cmd));
		cmd->cmd = SDEI21_CMD_GET_VERSION;
		if (!ioctl(vm->fd, SDEI21_IOCTL(nr[v]), cmd) &&
		    cmd->version == SDEI21_VERSION)
			found = v;
	}
	free(cmd);
	if (!found && !ioctl(vm->fd, SDEI5_IOCTL, &cmd5) &&
	    cmd5.version == SDEI5_VERSION)
		found = 5;
	return found;
}

static bool probe_sdei_fw_regs(struct kvm_vcpu *vcpu)
{
	uint64_t val = 0;
	struct kvm_one_reg reg = {
		.id = SDEI7_REG_PE_STATE,
		.addr = (uint64_t)&val,
	};

	return !ioctl(vcpu->fd, KVM_GET_ONE_REG, &reg);
}

static void select_forced(struct apf_probe *p, const char *env)
{
	static const struct {
		const char *name;
		enum apf_ver apf;
		enum sdei_ver sdei;
	} forced[] = {
		{ "none", APF_V_NONE, SDEI_V_NONE },
		{ "apf-v2", APF_V2, SDEI_V2 }, { "apf-v3", APF_V3, SDEI_V3 },
		{ "apf-v4", APF_V4, SDEI_V4 },
		{ "sdei-v2", APF_V_NONE, SDEI_V2 }, { "sdei-v3", APF_V_NONE, SDEI_V3 },
		{ "sdei-v4", APF_V_NONE, SDEI_V4 }, { "sdei-v5", APF_V_NONE, SDEI_V5 },
		{ "sdei-v6", APF_V_NONE, SDEI_V6 }, { "sdei-v7", APF_V_NONE, SDEI_V7 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(forced); i++) {
		if (strcmp(forced[i].name, env))
			continue;
		p->apf = &apf_abis[forced[i].apf];
		p->sdei = &sdei_abis[forced[i].sdei];
		snprintf(p->name, sizeof(p->name), "%s", env);
		snprintf(p->apf_why, sizeof(p->apf_why), "forced by APF_PROFILE=%s", env);
		snprintf(p->sdei_why, sizeof(p->sdei_why), "forced by APF_PROFILE=%s", env);
		p->consistent = true;
		return;
	}
	TEST_FAIL("APF_PROFILE=%s: expected none, apf-v2..apf-v4 or sdei-v2..sdei-v7", env);
}

static void select_apf(struct apf_probe *p)
{
	bool v34 = p->features != APF_SMCCC_RET_NOT_SUPPORTED &&
		   (p->features & BIT(2)) && p->fn2_a0 == APF_SMCCC_RET_SUCCESS &&
		   p->fn2_a1 == APF_VERSION_1_0;
	bool v2 = p->features != APF_SMCCC_RET_NOT_SUPPORTED &&
		  (p->features & BIT(1)) && p->fn1_ack_a0 == APF_SMCCC_RET_SUCCESS;
	int vmm = p->apf_ioctl_ver;

	if (!v34 && !v2 && !vmm) {
		p->apf = &apf_abis[APF_V_NONE];
		snprintf(p->apf_why, sizeof(p->apf_why),
			 "no APF: FEATURES=0x%lx, 0x86000002 VERSION a0=0x%lx, no APF ioctl answers",
			 p->features, p->fn2_a0);
		return;
	}
	if ((v34 && (vmm == 3 || vmm == 4)) || (v2 && vmm == 2)) {
		p->apf = &apf_abis[APF_V2 + vmm - 2];
		snprintf(p->apf_why, sizeof(p->apf_why),
			 "guest: FEATURES=0x%lx, function %s answers; VMM: ioctl nr 0x%x answers",
			 p->features, v2 ? "0x86000001 (IRQ_ACK)" : "0x86000002 (VERSION)",
			 (unsigned int)(p->apf->ioctl & 0xff));
		return;
	}
	/* Guest and VMM disagree: report it, keep the guest's numbering */
	p->consistent = false;
	p->apf = &apf_abis[v2 ? APF_V2 : v34 ? APF_V4 : APF_V2 + vmm - 2];
	snprintf(p->apf_why, sizeof(p->apf_why),
		 "INCONSISTENT: guest sees %s (FEATURES=0x%lx), VMM ioctl version %d",
		 v2 ? "APF v2" : v34 ? "APF v3/v4" : "no APF", p->features, vmm);
}

static void select_sdei(struct apf_probe *p)
{
	uint64_t v = p->sdei_version;
	int vmm = p->sdei_ioctl_ver;
	enum sdei_ver guess;
	const char *seen;

	if (v == APF_SDEI_NOT_SUPPORTED) {
		p->sdei = &sdei_abis[SDEI_V_NONE];
		snprintf(p->sdei_why, sizeof(p->sdei_why), "no SDEI: SDEI_VERSION is NOT_SUPPORTED%s",
			 vmm || p->sdei_fw_regs ? " (INCONSISTENT: a VMM interface answers)" : "");
		p->consistent &= !vmm && !p->sdei_fw_regs;
		return;
	}
	if (v == sdei_abis[SDEI_V2].version) {
		guess = vmm >= 2 && vmm <= 4 ? SDEI_V2 + vmm - 2 : SDEI_V4;
		seen = "1.0, 2021 design";
		p->consistent &= vmm >= 2 && vmm <= 4;
	} else if (v == sdei_abis[SDEI_V5].version) {
		guess = SDEI_V5;
		seen = "1.1 vendor 0x4b564d";
		p->consistent &= vmm == 5;
	} else if (v == sdei_abis[SDEI_V6].version) {
		guess = p->sdei_features_30 == 0 || p->sdei_info_1 == 0 ? SDEI_V7 : SDEI_V6;
		seen = guess == SDEI_V7 ? "1.1 vendor 0x564bcaa9, FEATURES at 0x30" :
					  "1.1 vendor 0x564bcaa9, no FEATURES at 0x30";
		p->consistent &= !vmm && p->sdei_fw_regs == (guess == SDEI_V7);
	} else {
		p->sdei = &sdei_abis[SDEI_V_UNKNOWN];
		snprintf(p->sdei_why, sizeof(p->sdei_why),
			 "SDEI_VERSION=0x%lx matches no version of the series", v);
		return;
	}
	p->sdei = &sdei_abis[guess];
	snprintf(p->sdei_why, sizeof(p->sdei_why),
		 "SDEI_VERSION=0x%lx (%s); VMM: %s%s", v, seen,
		 vmm ? (vmm == 5 ? "v5 ioctl answers" : "2021 ioctl answers") :
		 p->sdei_fw_regs ? "v7 firmware registers" : "no interface",
		 p->consistent ? "" : " (INCONSISTENT)");
}

void apf_probe_run(struct apf_probe *p)
{
	const char *env = getenv("APF_PROFILE");
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
	p->apf_ioctl_ver = probe_apf_ioctl(vm);
	p->sdei_ioctl_ver = probe_sdei_ioctl(vm);
	p->sdei_fw_regs = probe_sdei_fw_regs(vcpu);
	kvm_vm_free(vm);

	p->smccc_version = probe_out.smccc_version;
	p->features = probe_out.features;
	p->fn1_ack_a0 = probe_out.fn1_ack_a0;
	p->fn2_a0 = probe_out.fn2_a0;
	p->fn2_a1 = probe_out.fn2_a1;
	p->sdei_version = probe_out.sdei_version;
	p->sdei_features_30 = probe_out.sdei_features_30;
	p->sdei_info_1 = probe_out.sdei_info_1;

	if (env && *env && strcmp(env, "auto")) {
		select_forced(p, env);
		return;
	}
	p->consistent = true;
	select_apf(p);
	select_sdei(p);
	if (p->apf->ver != APF_V_NONE) {
		/* APF vN was posted on SDEI vN only */
		if (p->sdei->design != SDEI_DESIGN_2021 ||
		    p->sdei->ver - SDEI_V2 != p->apf->ver - APF_V2) {
			p->consistent = false;
			snprintf(p->name, sizeof(p->name), "apf-%s?", p->apf->name);
		} else {
			snprintf(p->name, sizeof(p->name), "apf-%s", p->apf->name);
		}
	} else if (p->sdei->ver != SDEI_V_NONE) {
		snprintf(p->name, sizeof(p->name), "sdei-%s", p->sdei->name);
	} else {
		snprintf(p->name, sizeof(p->name), "none");
	}
}

const char *apf_probe_describe(const struct apf_probe *p)
{
	static char buf[640];

	snprintf(buf, sizeof(buf), "series profile %s%s: APF %s (%s); SDEI %s (%s)",
		 p->name, p->consistent ? "" : " (guest and VMM disagree)",
		 p->apf->name, p->apf_why, p->sdei->name, p->sdei_why);
	return buf;
}

const char *apf_probe_vendor_functions(const struct apf_probe *p)
{
	static char buf[512];
	int apf = p->apf->ver == APF_V_NONE ? 0 : 2 + (int)(p->apf->ver - APF_V2);

	return apf_vendor_functions(p->features, apf, buf, sizeof(buf));
}

bool apf_host_hazards_allowed(void)
{
	const char *env = getenv("APF_HOST_HAZARDS");

	return env && !strcmp(env, "1");
}
