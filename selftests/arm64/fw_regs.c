// SPDX-License-Identifier: GPL-2.0-only
/*
 * fw_regs - the bitmapped firmware pseudo-registers (KVM_REG_ARM_STD_BMAP,
 * KVM_REG_ARM_STD_HYP_BMAP, KVM_REG_ARM_VENDOR_HYP_BMAP): reset values,
 * unknown bits rejected with EINVAL, hidden services answering
 * NOT_SUPPORTED to the guest, and EBUSY once a vCPU has run.
 *
 * SDEI v7 adds bit 1 of the standard bitmap (SDEI): it is set at reset and
 * gates the SDEI calls. The registers arrived in 5.19: on older kernels
 * (the bases of APF v2..v4 and SDEI v5/v6) the test skips.
 */
#include <errno.h>
#include <linux/arm-smccc.h>
#include <kvm_util.h>
#include "processor.h"
#include "apf_abi.h"
#include "apf_test.h"

enum {
	CALL_TRNG_VERSION,
	CALL_ARCH_FEAT_PV,
	CALL_PV_FEATURES,
	CALL_UID,
	CALL_FEATURES,
	CALL_PTP,
	CALL_SDEI_VERSION,
	NR_CALLS,
};

static const struct {
	uint32_t fn;
	uint64_t arg;
} calls[NR_CALLS] = {
	[CALL_TRNG_VERSION] = { ARM_SMCCC_TRNG_VERSION, 0 },
	[CALL_ARCH_FEAT_PV] = { ARM_SMCCC_ARCH_FEATURES_FUNC_ID, ARM_SMCCC_HV_PV_TIME_FEATURES },
	[CALL_PV_FEATURES] = { ARM_SMCCC_HV_PV_TIME_FEATURES, ARM_SMCCC_HV_PV_TIME_ST },
	[CALL_UID] = { APF_VENDOR_HYP_UID_FUNC_ID, 0 },
	[CALL_FEATURES] = { APF_VENDOR_HYP_FEATURES_FUNC_ID, 0 },
	[CALL_PTP] = { APF_VENDOR_HYP_PTP_FUNC_ID, APF_PTP_VIRT_COUNTER },
	[CALL_SDEI_VERSION] = { APF_SDEI_VERSION, 0 },
};

static void guest_code(void)
{
	struct arm_smccc_res res;
	int i;

	for (i = 0; i < NR_CALLS; i++) {
		smccc_hvc(calls[i].fn, calls[i].arg, 0, 0, 0, 0, 0, 0, &res);
		GUEST_SYNC_ARGS(i, res.a0, res.a1, 0, 0);
	}
	GUEST_DONE();
}

#define NSUP APF_SMCCC_RET_NOT_SUPPORTED
#define NR_CHECKS 12

static const uint64_t fw_regs[3] = { APF_FW_REG_STD, APF_FW_REG_STD_HYP, APF_FW_REG_VENDOR_HYP };
static const char *const fw_reg_names[3] = { "STD", "STD_HYP", "VENDOR_HYP" };
/* Bits implemented by 6.1 .. 6.14 (VENDOR_HYP_BMAP_2 of 6.15 is not tested); SDEI v7: STD bit 1 */
static uint64_t fw_reset[3] = { 0x1, 0x1, 0x3 };

/* Create a VM, write the three bitmaps, run the guest, collect a0 per call. */
static void run_with_bmaps(const uint64_t bmap[3], uint64_t a0[NR_CALLS])
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	struct ucall uc;
	int i;

	vm = vm_create_with_one_vcpu(&vcpu, guest_code);
	for (i = 0; i < 3; i++)
		vcpu_set_reg(vcpu, fw_regs[i], bmap[i]);
	for (i = 0; i < NR_CALLS; i++) {
		TEST_ASSERT_EQ(apf_run_to_sync(vcpu, &uc), (uint64_t)i);
		a0[i] = uc.args[2];
	}
	TEST_ASSERT_EQ(apf_run_to_ucall(vcpu, &uc), (uint64_t)UCALL_DONE);
	kvm_vm_free(vm);
}

int main(void)
{
	uint64_t a0[NR_CALLS], val, bmap[3], sdei_hidden, extra;
	struct apf_probe probe;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	struct ucall uc;
	bool ok, v7;
	int i, r, err;

	ksft_print_header();
	ksft_set_plan(NR_CHECKS);

	apf_probe_run(&probe);
	ksft_print_msg("%s\n", apf_probe_describe(&probe));
	v7 = probe.sdei->ver == SDEI_V7;
	if (v7)
		fw_reset[0] |= BIT(SDEI7_STD_BIT_SDEI);

	vm = vm_create_with_one_vcpu(&vcpu, guest_code);
	for (i = 0; i < 3; i++) {
		r = __vcpu_get_reg(vcpu, fw_regs[i], &val);
		if (r && i == 0) {
			err = errno;
			kvm_vm_free(vm);
			ksft_exit_skip("firmware pseudo-registers not supported (KVM < 5.19?): %s\n",
				       strerror(err));
		}
		/*
		 * VENDOR_HYP may have bits of functions this suite does not know
		 * (not APF's bit 2): a new capability, reported, not a failure.
		 */
		extra = i == 2 && !r ? val & ~fw_reset[i] & ~BIT(2) : 0;
		if (extra)
			ksft_print_msg("cap: vendor_hyp_bmap=0x%lx\n", val);
		APF_CHECK(!r && (val & ~extra) == fw_reset[i], fw_reg_names[i],
			  "reset value 0x%lx, expected 0x%lx (r=%d)", val, fw_reset[i], r);
	}

	ok = true;
	for (i = 0; i < 3; i++) {
		uint64_t bad[] = { fw_reset[i] | (fw_reset[i] + 1), fw_reset[i] | BIT(63) };
		int j;

		for (j = 0; j < 2; j++) {
			r = __vcpu_set_reg(vcpu, fw_regs[i], bad[j]);
			if (!(r == -1 && errno == EINVAL)) {
				ksft_print_msg("%s = 0x%lx: r=%d errno=%d, expected EINVAL\n",
					       fw_reg_names[i], bad[j], r, errno);
				ok = false;
			}
		}
	}
	ksft_test_result(ok, "unknown feature bits are rejected with EINVAL\n");

	ok = true;
	for (i = 0; i < 3; i++) {
		vcpu_set_reg(vcpu, fw_regs[i], 0);
		vcpu_get_reg(vcpu, fw_regs[i], &val);
		ok &= val == 0;
		vcpu_set_reg(vcpu, fw_regs[i], fw_reset[i]);
		vcpu_get_reg(vcpu, fw_regs[i], &val);
		ok &= val == fw_reset[i];
	}
	ksft_test_result(ok, "features can be cleared and set again before the VM runs\n");

	/* Hide TRNG (and SDEI on v7), PV time and PTP; keep FUNC_FEAT */
	bmap[0] = 0;
	bmap[1] = 0;
	bmap[2] = BIT(0);
	run_with_bmaps(bmap, a0);
	sdei_hidden = a0[CALL_SDEI_VERSION];
	APF_CHECK(a0[CALL_TRNG_VERSION] == NSUP, "hidden TRNG: TRNG_VERSION is NOT_SUPPORTED",
		  "a0=0x%lx", a0[CALL_TRNG_VERSION]);
	APF_CHECK(a0[CALL_ARCH_FEAT_PV] == NSUP && a0[CALL_PV_FEATURES] == NSUP,
		  "hidden PV_TIME: ARCH_FEATURES and PV_TIME_FEATURES are NOT_SUPPORTED",
		  "a0=0x%lx,0x%lx", a0[CALL_ARCH_FEAT_PV], a0[CALL_PV_FEATURES]);
	APF_CHECK(a0[CALL_FEATURES] == BIT(0) && a0[CALL_PTP] == NSUP,
		  "hidden PTP: FEATURES bit 1 clear and PTP is NOT_SUPPORTED",
		  "FEATURES=0x%lx PTP a0=0x%lx", a0[CALL_FEATURES], a0[CALL_PTP]);

	/* Hide the whole vendor service */
	bmap[2] = 0;
	run_with_bmaps(bmap, a0);
	APF_CHECK(a0[CALL_UID] == NSUP && a0[CALL_FEATURES] == NSUP,
		  "hidden FUNC_FEAT: vendor UID and FEATURES are NOT_SUPPORTED",
		  "UID a0=0x%lx FEATURES a0=0x%lx", a0[CALL_UID], a0[CALL_FEATURES]);

	/* Everything on (reset values) */
	run_with_bmaps(fw_reset, a0);
	APF_CHECK(a0[CALL_TRNG_VERSION] != NSUP && a0[CALL_ARCH_FEAT_PV] == 0 &&
		  a0[CALL_UID] == APF_KVM_UID_W0 &&
		  (a0[CALL_FEATURES] & 3) == 3,
		  "enabled services answer",
		  "TRNG 0x%lx ARCH_FEAT(PV) 0x%lx PV_FEAT 0x%lx UID0 0x%lx FEATURES 0x%lx",
		  a0[CALL_TRNG_VERSION], a0[CALL_ARCH_FEAT_PV], a0[CALL_PV_FEATURES],
		  a0[CALL_UID], a0[CALL_FEATURES]);
	if (v7)
		APF_CHECK(sdei_hidden == NSUP && a0[CALL_SDEI_VERSION] == probe.sdei->version,
			  "STD bit 1 (SDEI v7) gates SDEI: SDEI_VERSION only when set",
			  "cleared: 0x%lx, set: 0x%lx", sdei_hidden, a0[CALL_SDEI_VERSION]);
	else
		APF_CHECK(sdei_hidden == a0[CALL_SDEI_VERSION],
			  "SDEI does not depend on the STD bitmap (no SDEI v7)",
			  "cleared: 0x%lx, set: 0x%lx", sdei_hidden, a0[CALL_SDEI_VERSION]);

	/* After the first KVM_RUN the bitmaps are frozen */
	apf_run_to_sync(vcpu, &uc);
	ok = true;
	for (i = 0; i < 3; i++) {
		r = __vcpu_set_reg(vcpu, fw_regs[i], 0);
		if (!(r == -1 && errno == EBUSY)) {
			ksft_print_msg("%s = 0 after run: r=%d errno=%d, expected EBUSY\n",
				       fw_reg_names[i], r, errno);
			ok = false;
		}
		/* rewriting the current value is accepted */
		r = __vcpu_set_reg(vcpu, fw_regs[i], fw_reset[i]);
		if (r) {
			ksft_print_msg("%s rewrite of 0x%lx after run: r=%d errno=%d\n",
				       fw_reg_names[i], fw_reset[i], r, errno);
			ok = false;
		}
	}
	ksft_test_result(ok, "changes after a vCPU ran fail with EBUSY\n");
	kvm_vm_free(vm);

	apf_finish();
}
