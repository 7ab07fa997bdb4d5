// SPDX-License-Identifier: GPL-2.0-only
/*
 * vendor_hyp - KVM's SMCCC services as a guest sees them: SMCCC_VERSION,
 * SMCCC_ARCH_FEATURES, the vendor hypervisor UID and FEATURES bitmap, and the
 * PTP service (virtual and physical counter, invalid counter id).
 *
 * The guest issues each call and reports a0..a3 with GUEST_SYNC_ARGS; the
 * host checks the values, one TAP line per check.
 *
 * On a kernel with APF v2 (base 5.11) vendor-hyp function 1 is APF, not
 * PTP (which arrived in 5.12): FEATURES is then FEATURES + APF, and the
 * guest does not issue the PTP calls.
 */
#include <kvm_util.h>
#include "processor.h"
#include "apf_abi.h"
#include "apf_test.h"

enum {
	ST_VERSION = 1,
	ST_ARCH_FEAT_WA1,
	ST_ARCH_FEAT_PV_TIME,
	ST_ARCH_FEAT_UNKNOWN,
	ST_UID,
	ST_FEATURES,
	ST_PTP_VIRT,
	ST_PTP_PHYS,
	ST_PTP_BAD,
};

static uint64_t cnt_before, cnt_after;

static void guest_report(uint64_t stage, uint32_t fn, uint64_t arg)
{
	struct arm_smccc_res res;

	smccc_hvc(fn, arg, 0, 0, 0, 0, 0, 0, &res);
	GUEST_SYNC_ARGS(stage, res.a0, res.a1, res.a2, res.a3);
}

static void guest_ptp(uint64_t stage, uint64_t counter)
{
	struct arm_smccc_res res;

	isb();
	cnt_before = counter == APF_PTP_PHYS_COUNTER ?
		     read_sysreg(cntpct_el0) : read_sysreg(cntvct_el0);
	smccc_hvc(APF_VENDOR_HYP_PTP_FUNC_ID, counter, 0, 0, 0, 0, 0, 0, &res);
	isb();
	cnt_after = counter == APF_PTP_PHYS_COUNTER ?
		    read_sysreg(cntpct_el0) : read_sysreg(cntvct_el0);
	GUEST_SYNC_ARGS(stage, res.a0, res.a1, res.a2, res.a3);
}

static void guest_code(uint64_t has_ptp)
{
	guest_report(ST_VERSION, APF_SMCCC_VERSION_FUNC_ID, 0);
	guest_report(ST_ARCH_FEAT_WA1, APF_SMCCC_ARCH_FEATURES_FUNC_ID,
		     APF_SMCCC_ARCH_WORKAROUND_1);
	guest_report(ST_ARCH_FEAT_PV_TIME, APF_SMCCC_ARCH_FEATURES_FUNC_ID,
		     0xC5000020 /* ARM_SMCCC_HV_PV_TIME_FEATURES */);
	guest_report(ST_ARCH_FEAT_UNKNOWN, APF_SMCCC_ARCH_FEATURES_FUNC_ID,
		     0x8000ff00);
	guest_report(ST_UID, APF_VENDOR_HYP_UID_FUNC_ID, 0);
	guest_report(ST_FEATURES, APF_VENDOR_HYP_FEATURES_FUNC_ID, 0);
	if (has_ptp) {
		guest_ptp(ST_PTP_VIRT, APF_PTP_VIRT_COUNTER);
		guest_ptp(ST_PTP_PHYS, APF_PTP_PHYS_COUNTER);
		guest_report(ST_PTP_BAD, APF_VENDOR_HYP_PTP_FUNC_ID, 2);
	}
	GUEST_DONE();
}

#define NR_CHECKS 9

static void check_ptp(struct kvm_vm *vm, struct ucall *uc, const char *name,
		      bool *ptp_ok)
{
	uint64_t a0 = uc->args[2], a1 = uc->args[3];
	uint64_t cycles = (uc->args[4] << 32) | (uc->args[5] & 0xffffffff);

	sync_global_from_guest(vm, cnt_before);
	sync_global_from_guest(vm, cnt_after);

	if (a0 == APF_SMCCC_RET_NOT_SUPPORTED) {
		/* KVM only serves PTP when the host clocksource is the arch counter */
		*ptp_ok = false;
		ksft_test_result_skip("%s: host clocksource is not the arch counter (a0=-1)\n",
				      name);
		return;
	}
	*ptp_ok = true;
	ksft_print_msg("%s: realtime %lu ns, counter %lu (guest read %lu..%lu)\n",
		       name, (a0 << 32) | (a1 & 0xffffffff), cycles,
		       cnt_before, cnt_after);
	APF_CHECK(!(a0 >> 31) && cycles >= cnt_before && cycles <= cnt_after,
		  name, "a0=0x%lx counter %lu not within guest reads %lu..%lu",
		  a0, cycles, cnt_before, cnt_after);
}

int main(void)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	struct ucall uc;
	struct apf_probe probe;
	uint64_t st, a0, allowed;
	bool ptp_ok = false, has_ptp;
	int i;

	ksft_print_header();
	ksft_set_plan(NR_CHECKS);

	apf_probe_run(&probe);
	ksft_print_msg("%s\n", apf_probe_describe(&probe));
	/* a capability, not a check: a function the suite does not know shows as fnN */
	ksft_print_msg("cap: vendor_hyp_functions=%s\n", apf_probe_vendor_functions(&probe));

	vm = vm_create_with_one_vcpu(&vcpu, guest_code);
	has_ptp = probe.apf->ver != APF_V2;
	vcpu_args_set(vcpu, 1, (uint64_t)has_ptp);

	while ((st = apf_run_to_ucall(vcpu, &uc)) == UCALL_SYNC) {
		st = uc.args[1];
		a0 = uc.args[2];
		switch (st) {
		case ST_VERSION:
			APF_CHECK(a0 >= APF_SMCCC_VERSION_1_1 && a0 < 0x20000,
				  "SMCCC_VERSION is 1.x, x >= 1", "a0=0x%lx", a0);
			break;
		case ST_ARCH_FEAT_WA1:
			APF_CHECK(a0 == 0 || a0 == 1 || a0 == APF_SMCCC_RET_NOT_SUPPORTED,
				  "ARCH_FEATURES(WORKAROUND_1) is 0, 1 or NOT_SUPPORTED",
				  "a0=0x%lx", a0);
			break;
		case ST_ARCH_FEAT_PV_TIME:
			APF_CHECK(a0 == APF_SMCCC_RET_SUCCESS,
				  "ARCH_FEATURES(PV_TIME_FEATURES) is SUCCESS", "a0=0x%lx", a0);
			break;
		case ST_ARCH_FEAT_UNKNOWN:
			APF_CHECK(a0 == APF_SMCCC_RET_NOT_SUPPORTED,
				  "ARCH_FEATURES(unknown function) is NOT_SUPPORTED",
				  "a0=0x%lx", a0);
			break;
		case ST_UID:
			APF_CHECK(uc.args[2] == APF_KVM_UID_W0 && uc.args[3] == APF_KVM_UID_W1 &&
				  uc.args[4] == APF_KVM_UID_W2 && uc.args[5] == APF_KVM_UID_W3,
				  "vendor hyp UID is KVM's 28b46fb6-2ec5-11e9-a9ca-4b564d003a74",
				  "got %08lx %08lx %08lx %08lx", uc.args[2], uc.args[3],
				  uc.args[4], uc.args[5]);
			break;
		case ST_FEATURES:
			if (probe.apf->ver != APF_V_NONE) {
				APF_CHECK(a0 == probe.apf->features,
					  "FEATURES bitmap is APF's version's",
					  "a0=0x%lx, APF %s has 0x%lx", a0, probe.apf->name,
					  probe.apf->features);
				break;
			}
			/*
			 * FEATURES and PTP, and not APF v3/v4's bit 2 (the probe found
			 * no APF); any other bit is a function this suite does not know:
			 * a new capability of the kernel (cap: vendor_hyp_functions).
			 */
			allowed = ~(1UL << 2);
			APF_CHECK((a0 & 3) == 3 && !(a0 & ~allowed),
				  "FEATURES bitmap has FEATURES+PTP and not APF's bit 2",
				  "a0=0x%lx (%s)", a0, apf_probe_vendor_functions(&probe));
			break;
		case ST_PTP_VIRT:
			check_ptp(vm, &uc, "PTP virtual counter", &ptp_ok);
			break;
		case ST_PTP_PHYS:
			check_ptp(vm, &uc, "PTP physical counter", &ptp_ok);
			break;
		case ST_PTP_BAD:
			APF_CHECK(a0 == APF_SMCCC_RET_NOT_SUPPORTED,
				  "PTP with an invalid counter id is NOT_SUPPORTED",
				  "a0=0x%lx", a0);
			break;
		default:
			TEST_FAIL("unexpected stage %lu", st);
		}
	}
	TEST_ASSERT(st == UCALL_DONE, "unexpected ucall %lu", st);
	for (i = 0; !has_ptp && i < 3; i++)
		ksft_test_result_skip("PTP: vendor-hyp function 1 is APF in APF v2 (5.11 base, no PTP)\n");

	kvm_vm_free(vm);
	apf_finish();
}
