// SPDX-License-Identifier: GPL-2.0-only
/*
 * smccc_fwd - forward the vendor-hyp function range used by the APF series
 * (0x86000002..0x8600003f) to userspace with the SMCCC filter (Linux 6.4+)
 * and emulate the APF VERSION/SLOTS sub-calls there: KVM_EXIT_HYPERCALL with
 * the function ID in hypercall.nr, flags 0 for HVC, arguments read and
 * results written with KVM_{GET,SET}_ONE_REG. Also: KVM keeps serving the
 * functions outside the filter, DENY answers NOT_SUPPORTED, overlapping
 * ranges are EEXIST and the filter is frozen (EBUSY) once a vCPU ran.
 */
#include <errno.h>
#include <kvm_util.h>
#include "processor.h"
#include "apf_abi.h"
#include "apf_test.h"

#define FWD_BASE	APF_VENDOR_HYP_FUNC_ID(2)
#define FWD_NR		62		/* 0x86000002 .. 0x8600003f */
#define EMU_MAGIC	0x5a5a0000UL

enum {
	ST_FWD_VERSION = 1,
	ST_FWD_SLOTS,
	ST_FWD_LAST,
	ST_FEATURES,
	ST_DENY,
};

static void guest_code(void)
{
	struct arm_smccc_res res;

	smccc_hvc(FWD_BASE, APF_FUNC_VERSION, 0x11, 0x22, 0, 0, 0, 0, &res);
	GUEST_SYNC_ARGS(ST_FWD_VERSION, res.a0, res.a1, res.a2, res.a3);
	smccc_hvc(FWD_BASE, APF_FUNC_SLOTS, 0, 0, 0, 0, 0, 0, &res);
	GUEST_SYNC_ARGS(ST_FWD_SLOTS, res.a0, res.a1, res.a2, res.a3);
	smccc_hvc(FWD_BASE + FWD_NR - 1, 7, 0, 0, 0, 0, 0, 0, &res);
	GUEST_SYNC_ARGS(ST_FWD_LAST, res.a0, res.a1, res.a2, res.a3);
	smccc_hvc(APF_VENDOR_HYP_FEATURES_FUNC_ID, 0, 0, 0, 0, 0, 0, 0, &res);
	GUEST_SYNC_ARGS(ST_FEATURES, res.a0, res.a1, res.a2, res.a3);
	smccc_hvc(APF_VENDOR_HYP_PTP_FUNC_ID, APF_PTP_VIRT_COUNTER, 0, 0, 0, 0, 0, 0, &res);
	GUEST_SYNC_ARGS(ST_DENY, res.a0, res.a1, res.a2, res.a3);
	GUEST_DONE();
}

static int set_filter(struct kvm_vm *vm, uint32_t base, uint32_t nr, uint8_t action)
{
	struct kvm_smccc_filter filter = {
		.base = base,
		.nr_functions = nr,
		.action = action,
	};

	return __kvm_device_attr_set(vm->fd, KVM_ARM_VM_SMCCC_CTRL,
				     KVM_ARM_VM_SMCCC_FILTER, &filter);
}

static uint64_t get_x(struct kvm_vcpu *vcpu, int n)
{
	uint64_t v;

	vcpu_get_reg(vcpu, ARM64_CORE_REG(regs.regs[n]), &v);
	return v;
}

/*
 * Userspace side of the forwarded APF calls: a VMM implementing APF in
 * userspace would answer VERSION and SLOTS like this.
 */
static void handle_hypercall(struct kvm_vcpu *vcpu, uint64_t *nr, uint64_t *flags,
			     uint64_t *x1)
{
	struct kvm_run *run = vcpu->run;
	uint64_t x0 = get_x(vcpu, 0);

	*nr = run->hypercall.nr;
	*flags = run->hypercall.flags;
	*x1 = get_x(vcpu, 1);
	TEST_ASSERT_EQ(x0, *nr);

	if (*nr == FWD_BASE && *x1 == APF_FUNC_VERSION) {
		vcpu_set_reg(vcpu, ARM64_CORE_REG(regs.regs[0]), APF_SMCCC_RET_SUCCESS);
		vcpu_set_reg(vcpu, ARM64_CORE_REG(regs.regs[1]), APF_VERSION_1_0);
		vcpu_set_reg(vcpu, ARM64_CORE_REG(regs.regs[2]), get_x(vcpu, 2) + EMU_MAGIC);
		vcpu_set_reg(vcpu, ARM64_CORE_REG(regs.regs[3]), get_x(vcpu, 3) + EMU_MAGIC);
	} else if (*nr == FWD_BASE && *x1 == APF_FUNC_SLOTS) {
		vcpu_set_reg(vcpu, ARM64_CORE_REG(regs.regs[0]), APF_SMCCC_RET_SUCCESS);
		vcpu_set_reg(vcpu, ARM64_CORE_REG(regs.regs[1]), APF_SLOTS);
	} else {
		vcpu_set_reg(vcpu, ARM64_CORE_REG(regs.regs[0]), APF_SMCCC_RET_NOT_SUPPORTED);
	}
}

#define NR_CHECKS 10

int main(void)
{
	uint64_t nr = 0, flags = 0, x1 = 0, cmd, st;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	struct ucall uc;
	int r, hc_exits = 0;

	ksft_print_header();

	vm = vm_create_with_one_vcpu(&vcpu, guest_code);
	if (__kvm_has_device_attr(vm->fd, KVM_ARM_VM_SMCCC_CTRL, KVM_ARM_VM_SMCCC_FILTER)) {
		kvm_vm_free(vm);
		ksft_exit_skip("SMCCC filter (KVM_ARM_VM_SMCCC_CTRL/FILTER, Linux 6.4+) not supported by this kernel\n");
	}
	ksft_set_plan(NR_CHECKS);

	r = set_filter(vm, FWD_BASE, FWD_NR, KVM_SMCCC_FILTER_FWD_TO_USER);
	APF_CHECK(!r, "forward 0x86000002..0x8600003f to userspace", "r=%d errno=%d", r, errno);
	r = set_filter(vm, APF_VENDOR_HYP_PTP_FUNC_ID, 1, KVM_SMCCC_FILTER_DENY);
	APF_CHECK(!r, "deny 0x86000001 (PTP)", "r=%d errno=%d", r, errno);
	r = set_filter(vm, FWD_BASE + 10, 1, KVM_SMCCC_FILTER_DENY);
	APF_CHECK(r == -1 && errno == EEXIST, "overlapping range is EEXIST",
		  "r=%d errno=%d", r, errno);

	for (;;) {
		vcpu_run(vcpu);
		if (vcpu->run->exit_reason == KVM_EXIT_HYPERCALL) {
			handle_hypercall(vcpu, &nr, &flags, &x1);
			hc_exits++;
			continue;
		}
		cmd = get_ucall(vcpu, &uc);
		if (cmd == UCALL_ABORT)
			REPORT_GUEST_ASSERT(uc);
		if (cmd == UCALL_DONE)
			break;
		TEST_ASSERT(cmd == UCALL_SYNC, "unexpected ucall %lu", cmd);
		st = uc.args[1];
		switch (st) {
		case ST_FWD_VERSION:
			APF_CHECK(hc_exits == 1 && nr == FWD_BASE && flags == 0 &&
				  x1 == APF_FUNC_VERSION,
				  "KVM_EXIT_HYPERCALL: nr 0x86000002, flags 0 (HVC), x1 = VERSION",
				  "exits %d nr 0x%lx flags 0x%lx x1 %lu", hc_exits, nr, flags, x1);
			APF_CHECK(uc.args[2] == 0 && uc.args[3] == APF_VERSION_1_0 &&
				  uc.args[4] == 0x11 + EMU_MAGIC && uc.args[5] == 0x22 + EMU_MAGIC,
				  "results written with SET_ONE_REG reach the guest (x0..x3)",
				  "a0..a3 = 0x%lx 0x%lx 0x%lx 0x%lx", uc.args[2], uc.args[3],
				  uc.args[4], uc.args[5]);
			break;
		case ST_FWD_SLOTS:
			APF_CHECK(uc.args[2] == 0 && uc.args[3] == APF_SLOTS,
				  "emulated SLOTS", "a0 0x%lx a1 %lu", uc.args[2], uc.args[3]);
			break;
		case ST_FWD_LAST:
			APF_CHECK(hc_exits == 3 && nr == FWD_BASE + FWD_NR - 1 && x1 == 7 &&
				  uc.args[2] == APF_SMCCC_RET_NOT_SUPPORTED,
				  "last function of the range (0x8600003f) is forwarded",
				  "exits %d nr 0x%lx x1 %lu a0 0x%lx", hc_exits, nr, x1, uc.args[2]);
			break;
		case ST_FEATURES:
			APF_CHECK(hc_exits == 3 && (uc.args[2] & 3) == 3,
				  "FEATURES (outside the filter) still served by KVM",
				  "exits %d a0 0x%lx", hc_exits, uc.args[2]);
			break;
		case ST_DENY:
			APF_CHECK(hc_exits == 3 && uc.args[2] == APF_SMCCC_RET_NOT_SUPPORTED,
				  "denied PTP answers NOT_SUPPORTED",
				  "exits %d a0 0x%lx", hc_exits, uc.args[2]);
			break;
		default:
			TEST_FAIL("unexpected stage %lu", st);
		}
	}

	r = set_filter(vm, APF_VENDOR_HYP_FUNC_ID(0x40), 1, KVM_SMCCC_FILTER_FWD_TO_USER);
	APF_CHECK(r == -1 && errno == EBUSY, "filter changes after a vCPU ran are EBUSY",
		  "r=%d errno=%d", r, errno);
	kvm_vm_free(vm);
	apf_finish();
}
