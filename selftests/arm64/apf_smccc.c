// SPDX-License-Identifier: GPL-2.0-only
/*
 * apf_smccc - the guest-visible APF hypercall interface of the arm64 async
 * PF series (vendor-hyp function ASYNC_PF, sub-function in x1): VERSION,
 * SLOTS, SDEI, IRQ, ENABLE (needs SDEI/IRQ configured by the VMM first,
 * enabling twice is NOT_REQUIRED), disable, IRQ_ACK, unknown sub-functions.
 *
 * On a kernel without APF: the FEATURES bitmap lacks the APF bit and the
 * APF function IDs answer NOT_SUPPORTED; the rest is skipped.
 *
 * UNCONFIRMED (patched-kernel path, no kernel to run it on): the value of
 * SDEI/IRQ before the VMM configured them, IRQ_ACK with nothing pending, and
 * the "wake all" page-ready notification (token ~0) that ENABLE queues.
 */
#include <errno.h>
#include <sys/ioctl.h>
#include <kvm_util.h>
#include "processor.h"
#include "vgic.h"
#include "apf_abi.h"
#include "apf_test.h"

#define APF_TEST_PPI	17	/* UNCONFIRMED: the PPI the series' QEMU used is unknown */

enum {
	ST_ABSENT_FEATURES = 100,
	ST_ABSENT_FN2,
	ST_ABSENT_FN1,
	ST_VERSION = 0,
	ST_SLOTS,
	ST_SDEI_UNSET,
	ST_ENABLE_UNCONFIGURED,	/* host configures SDEI + IRQ after this one */
	ST_SDEI,
	ST_IRQ,
	ST_ENABLE,
	ST_WAKE_ALL,
	ST_IRQ_ACK,
	ST_ENABLE_TWICE,
	ST_DISABLE,
	ST_DISABLE_TWICE,
	ST_UNKNOWN_SUBFN,
	NR_PATCHED,
};

static uint32_t apf_fn;			/* profile function ID, set by the host */
static uint64_t ctrl_gpa;		/* 64-byte aligned control block */
static struct apf_ctrl_block *ctrl_gva;

static void apf_call(uint64_t subfn, uint64_t x2, uint64_t x3, struct arm_smccc_res *res)
{
	smccc_hvc(apf_fn, subfn, x2, x3, 0, 0, 0, 0, res);
}

static void guest_code(uint64_t present)
{
	struct arm_smccc_res res;
	uint64_t data, n = 0;
	int i;

	smccc_hvc(APF_VENDOR_HYP_FEATURES_FUNC_ID, 0, 0, 0, 0, 0, 0, 0, &res);
	GUEST_SYNC_ARGS(ST_ABSENT_FEATURES, res.a0, 0, 0, 0);
	for (i = 0; i <= APF_FUNC_IRQ_ACK; i++) {
		smccc_hvc(APF_VENDOR_HYP_FUNC_ID(2), i, 0, 0, 0, 0, 0, 0, &res);
		n += res.a0 != APF_SMCCC_RET_NOT_SUPPORTED;
	}
	GUEST_SYNC_ARGS(ST_ABSENT_FN2, n, 0, 0, 0);
	smccc_hvc(APF_VENDOR_HYP_FUNC_ID(1), APF_FUNC_VERSION, 0, 0, 0, 0, 0, 0, &res);
	GUEST_SYNC_ARGS(ST_ABSENT_FN1, res.a0, res.a1, 0, 0);
	if (!present)
		GUEST_DONE();

	data = ctrl_gpa | APF_CTRL_ENABLED;

	apf_call(APF_FUNC_VERSION, 0, 0, &res);
	GUEST_SYNC_ARGS(ST_VERSION, res.a0, res.a1, 0, 0);
	apf_call(APF_FUNC_SLOTS, 0, 0, &res);
	GUEST_SYNC_ARGS(ST_SLOTS, res.a0, res.a1, 0, 0);
	apf_call(APF_FUNC_SDEI, 0, 0, &res);
	GUEST_SYNC_ARGS(ST_SDEI_UNSET, res.a0, res.a1, 0, 0);
	apf_call(APF_FUNC_ENABLE, (uint32_t)data, data >> 32, &res);
	GUEST_SYNC_ARGS(ST_ENABLE_UNCONFIGURED, res.a0, res.a1, 0, 0);
	apf_call(APF_FUNC_SDEI, 0, 0, &res);
	GUEST_SYNC_ARGS(ST_SDEI, res.a0, res.a1, 0, 0);
	apf_call(APF_FUNC_IRQ, 0, 0, &res);
	GUEST_SYNC_ARGS(ST_IRQ, res.a0, res.a1, 0, 0);
	apf_call(APF_FUNC_ENABLE, (uint32_t)data, data >> 32, &res);
	GUEST_SYNC_ARGS(ST_ENABLE, res.a0, res.a1, 0, 0);
	/* ENABLE queues a "wake all" page-ready: reason 2, token ~0 (UNCONFIRMED) */
	GUEST_SYNC_ARGS(ST_WAKE_ALL, READ_ONCE(ctrl_gva->reason), READ_ONCE(ctrl_gva->token), 0, 0);
	WRITE_ONCE(ctrl_gva->token, 0);
	WRITE_ONCE(ctrl_gva->reason, 0);
	apf_call(APF_FUNC_IRQ_ACK, 0, 0, &res);
	GUEST_SYNC_ARGS(ST_IRQ_ACK, res.a0, res.a1, 0, 0);
	apf_call(APF_FUNC_ENABLE, (uint32_t)data, data >> 32, &res);
	GUEST_SYNC_ARGS(ST_ENABLE_TWICE, res.a0, res.a1, 0, 0);
	apf_call(APF_FUNC_ENABLE, 0, 0, &res);
	GUEST_SYNC_ARGS(ST_DISABLE, res.a0, res.a1, 0, 0);
	apf_call(APF_FUNC_ENABLE, 0, 0, &res);
	GUEST_SYNC_ARGS(ST_DISABLE_TWICE, res.a0, res.a1, 0, 0);
	apf_call(0x1000, 0, 0, &res);
	GUEST_SYNC_ARGS(ST_UNKNOWN_SUBFN, res.a0, res.a1, 0, 0);
	GUEST_DONE();
}

#define NR_CHECKS (3 + NR_PATCHED)

static int apf_vcpu_cmd(struct kvm_vcpu *vcpu, uint32_t cmd, uint64_t val)
{
	struct apf_ioctl_cmd c = { .cmd = cmd, .control = val };

	return ioctl(vcpu->fd, APF_IOCTL_COMMAND, &c);
}

int main(void)
{
	const struct apf_abi_profile *prof;
	struct apf_probe probe;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	struct ucall uc;
	uint64_t st, a0, a1, sdei_num;
	vm_vaddr_t gva;
	int r;

	ksft_print_header();
	ksft_set_plan(NR_CHECKS);

	apf_probe_run(&probe);
	ksft_print_msg("%s\n", apf_probe_describe(&probe));
	prof = probe.apf;

	vm = vm_create_with_one_vcpu(&vcpu, guest_code);
	if (prof->id != APF_ABI_NONE) {
		/* APF needs an in-kernel irqchip for the page-ready PPI */
		vgic_v3_setup(vm, 1, 64);
		gva = vm_vaddr_alloc_page(vm);
		ctrl_gva = (struct apf_ctrl_block *)gva;
		ctrl_gpa = addr_gva2gpa(vm, gva);
		TEST_ASSERT(!(ctrl_gpa & APF_CTRL_FLAGS_MASK), "control block not aligned");
		apf_fn = prof->func_id;
		sync_global_to_guest(vm, ctrl_gva);
		sync_global_to_guest(vm, ctrl_gpa);
		sync_global_to_guest(vm, apf_fn);
	}
	vcpu_args_set(vcpu, 1, (uint64_t)(prof->id != APF_ABI_NONE));

	/* Absence checks, also meaningful with APF: they pin the numbering */
	TEST_ASSERT_EQ(apf_run_to_sync(vcpu, &uc), ST_ABSENT_FEATURES);
	a0 = uc.args[2];
	if (prof->id == APF_ABI_NONE || prof->func_num != 2)
		APF_CHECK(!(a0 & BIT(2)), "FEATURES bit 2 (APF v3/v4) is clear", "a0=0x%lx", a0);
	else
		APF_CHECK(a0 & BIT(2), "FEATURES bit 2 (APF v3/v4) is set", "a0=0x%lx", a0);

	TEST_ASSERT_EQ(apf_run_to_sync(vcpu, &uc), ST_ABSENT_FN2);
	a0 = uc.args[2];
	if (prof->id == APF_ABI_NONE || prof->func_num != 2)
		APF_CHECK(a0 == 0, "0x86000002 sub-functions 0..5 are NOT_SUPPORTED",
			  "%lu answered", a0);
	else
		APF_CHECK(a0 == 6, "0x86000002 sub-functions 0..5 answer", "%lu answered", a0);

	TEST_ASSERT_EQ(apf_run_to_sync(vcpu, &uc), ST_ABSENT_FN1);
	a0 = uc.args[2];
	a1 = uc.args[3];
	if (prof->id == APF_ABI_NONE || prof->func_num != 1)
		APF_CHECK(!(a0 == 0 && a1 == APF_VERSION_1_0),
			  "0x86000001 (PTP upstream) does not answer APF VERSION",
			  "a0=0x%lx a1=0x%lx", a0, a1);
	else
		APF_CHECK(a0 == 0 && a1 == APF_VERSION_1_0, "0x86000001 is APF (v2)",
			  "a0=0x%lx a1=0x%lx", a0, a1);

	if (prof->id == APF_ABI_NONE) {
		TEST_ASSERT_EQ(apf_run_to_ucall(vcpu, &uc), (uint64_t)UCALL_DONE);
		kvm_vm_free(vm);
		apf_skip_rest(NR_CHECKS, probe.apf_why);
	}

	sdei_num = prof->sdei_event;
	while ((st = apf_run_to_ucall(vcpu, &uc)) == UCALL_SYNC) {
		st = uc.args[1];
		a0 = uc.args[2];
		a1 = uc.args[3];
		switch (st) {
		case ST_VERSION:
			APF_CHECK(a0 == 0 && a1 == prof->version, "VERSION is 1.0.0",
				  "a0=0x%lx a1=0x%lx", a0, a1);
			break;
		case ST_SLOTS:
			APF_CHECK(a0 == 0 && a1 == prof->slots, "SLOTS", "a0=0x%lx a1=%lu", a0, a1);
			break;
		case ST_SDEI_UNSET:
			ksft_test_result_pass("SDEI before configuration (a0=0x%lx a1=0x%lx, UNCONFIRMED value)\n",
					      a0, a1);
			break;
		case ST_ENABLE_UNCONFIGURED:
			APF_CHECK(a0 == APF_SMCCC_RET_INVALID_PARAMETER,
				  "ENABLE before the VMM set SDEI/IRQ is INVALID_PARAMETER",
				  "a0=0x%lx", a0);
			r = apf_vcpu_cmd(vcpu, APF_CMD_SET_SDEI, sdei_num);
			TEST_ASSERT(!r, "SET_SDEI: %s", strerror(errno));
			r = apf_vcpu_cmd(vcpu, APF_CMD_SET_IRQ, APF_TEST_PPI);
			TEST_ASSERT(!r, "SET_IRQ: %s", strerror(errno));
			break;
		case ST_SDEI:
			APF_CHECK(a0 == 0 && a1 == sdei_num, "SDEI returns the VMM's event",
				  "a0=0x%lx a1=0x%lx", a0, a1);
			break;
		case ST_IRQ:
			APF_CHECK(a0 == 0 && a1 == APF_TEST_PPI, "IRQ returns the VMM's PPI",
				  "a0=0x%lx a1=%lu", a0, a1);
			break;
		case ST_ENABLE:
			APF_CHECK(a0 == 0, "ENABLE (64-byte aligned block, ENABLED)", "a0=0x%lx", a0);
			break;
		case ST_WAKE_ALL:
			APF_CHECK(a0 == APF_REASON_PAGE_READY && a1 == APF_TOKEN_WAKE_ALL,
				  "ENABLE queues page-ready 'wake all' (UNCONFIRMED)",
				  "reason %lu token 0x%lx", a0, a1);
			break;
		case ST_IRQ_ACK:
			APF_CHECK(a0 == 0, "IRQ_ACK", "a0=0x%lx", a0);
			break;
		case ST_ENABLE_TWICE:
			APF_CHECK(a0 == APF_SMCCC_RET_NOT_REQUIRED, "ENABLE twice is NOT_REQUIRED",
				  "a0=0x%lx", a0);
			break;
		case ST_DISABLE:
			APF_CHECK(a0 == 0, "disable", "a0=0x%lx", a0);
			break;
		case ST_DISABLE_TWICE:
			APF_CHECK(a0 == APF_SMCCC_RET_NOT_REQUIRED, "disable twice is NOT_REQUIRED",
				  "a0=0x%lx", a0);
			break;
		case ST_UNKNOWN_SUBFN:
			APF_CHECK(a0 == APF_SMCCC_RET_NOT_SUPPORTED,
				  "unknown sub-function is NOT_SUPPORTED", "a0=0x%lx", a0);
			break;
		default:
			TEST_FAIL("unexpected stage %lu", st);
		}
	}
	TEST_ASSERT(st == UCALL_DONE, "unexpected ucall %lu", st);
	kvm_vm_free(vm);
	apf_finish();
}
