// SPDX-License-Identifier: GPL-2.0-only
/*
 * apf_smccc - the guest-visible interface of the arm64 async PF series:
 * the vendor-hyp function ASYNC_PF (function 1 in v2, 2 in v3/v4), its
 * sub-functions in x1 (VERSION, SLOTS, SDEI, IRQ, ENABLE, IRQ_ACK), and the
 * FEATURES bitmap that announces it.
 *
 * Checked per version: FEATURES and the function numbers; VERSION 1.0.0 and
 * 64 SLOTS; SDEI and IRQ read 0 until the VMM sets them; the order of
 * ENABLE's checks (a first disable is NOT_REQUIRED; the VMM's SDEI event
 * and IRQ must be set; the event must exist; the control block must be in
 * guest memory); a successful ENABLE queues a "wake all" page-ready (reason
 * 2, token ~0) before the next instruction and raises the VMM's PPI, which
 * IRQ_ACK lowers; enabling or disabling twice is NOT_REQUIRED; unknown
 * sub-functions are NOT_SUPPORTED; without an in-kernel irqchip ENABLE is
 * NOT_SUPPORTED.
 *
 * On a kernel without APF: the FEATURES bitmap lacks the APF bit and the
 * APF function numbers do not answer; the rest is skipped and the guest
 * stops there.
 */
#include <errno.h>
#include <sys/ioctl.h>
#include <kvm_util.h>
#include "processor.h"
#include "gic.h"
#include "vgic.h"
#include "apf_abi.h"
#include "apf_test.h"

#define TEST_PPI	20		/* any INTID is accepted; the series left it to the VMM */
#define BOGUS_EVENT	0x40400077UL	/* a valid number no VM has */
#define NO_MEMORY_GPA	0x7fff0000UL	/* outside every memslot */

enum {
	/* absence and numbering: every kernel */
	ST_FEATURES = 1,
	ST_FN2,
	ST_FN1_ACK,
	/* APF present */
	ST_VERSION,
	ST_SLOTS,
	ST_SDEI_UNSET,
	ST_IRQ_UNSET,
	ST_DISABLE_FIRST,
	ST_ENABLE_UNCONFIGURED,		/* host sets an SDEI event no VM has, and the IRQ */
	ST_ENABLE_NO_EVENT,		/* host sets the version's event */
	ST_SDEI,
	ST_IRQ,
	ST_ENABLE_NO_MEMORY,
	ST_ENABLE,
	ST_WAKE_ALL,
	ST_WAKE_ALL_PPI,
	ST_IRQ_ACK,
	ST_PPI_LOWERED,
	ST_ENABLE_TWICE,
	ST_DISABLE,
	ST_DISABLE_TWICE,
	ST_UNKNOWN_SUBFN,
	ST_DONE,
	/* the VM without an in-kernel irqchip */
	ST_NO_IRQCHIP,
};

#define NR_ABSENCE	3
#define NR_CHECKS	(NR_ABSENCE + (ST_DONE - ST_VERSION) + 1)

static uint32_t apf_fn;			/* the version's function ID, set by the host */
static uint64_t ctrl_gpa;		/* 64-byte aligned control block */
static struct apf_ctrl_block *ctrl_gva;

static void apf_call(uint64_t subfn, uint64_t data, struct arm_smccc_res *res)
{
	smccc_hvc(apf_fn, subfn, (uint32_t)data, data >> 32, 0, 0, 0, 0, res);
}

static void sync_res(uint64_t stage, struct arm_smccc_res *res)
{
	GUEST_SYNC_ARGS(stage, res->a0, res->a1, res->a2, res->a3);
}

/* Every step reports, then waits for the host: a SKIP stops the guest. */
static void guest_code(void)
{
	uint64_t data = ctrl_gpa | APF_CTRL_ENABLED;
	struct arm_smccc_res res;
	uint32_t reason, token;
	unsigned int intid;
	int i, n = 0;

	smccc_hvc(APF_VENDOR_HYP_FEATURES_FUNC_ID, 0, 0, 0, 0, 0, 0, 0, &res);
	sync_res(ST_FEATURES, &res);
	/* only the read-only sub-functions: VERSION, SLOTS, SDEI, IRQ */
	for (i = APF_FUNC_VERSION; i <= APF_FUNC_IRQ; i++) {
		smccc_hvc(APF_VENDOR_HYP_FUNC_ID(2), i, 0, 0, 0, 0, 0, 0, &res);
		n += res.a0 != APF_SMCCC_RET_NOT_SUPPORTED;
	}
	GUEST_SYNC_ARGS(ST_FN2, n, 0, 0, 0);
	/* IRQ_ACK in v2, an invalid counter for PTP: never x1 = 4 (v2 ENABLE) */
	smccc_hvc(APF_VENDOR_HYP_FUNC_ID(1), APF_FUNC_IRQ_ACK, 0, 0, 0, 0, 0, 0, &res);
	sync_res(ST_FN1_ACK, &res);

	gic_init(GIC_V3, 1);
	gic_irq_enable(TEST_PPI);

	apf_call(APF_FUNC_VERSION, 0, &res);
	sync_res(ST_VERSION, &res);
	apf_call(APF_FUNC_SLOTS, 0, &res);
	sync_res(ST_SLOTS, &res);
	apf_call(APF_FUNC_SDEI, 0, &res);
	sync_res(ST_SDEI_UNSET, &res);
	apf_call(APF_FUNC_IRQ, 0, &res);
	sync_res(ST_IRQ_UNSET, &res);
	apf_call(APF_FUNC_ENABLE, 0, &res);
	sync_res(ST_DISABLE_FIRST, &res);
	apf_call(APF_FUNC_ENABLE, data, &res);
	sync_res(ST_ENABLE_UNCONFIGURED, &res);
	apf_call(APF_FUNC_ENABLE, data, &res);
	sync_res(ST_ENABLE_NO_EVENT, &res);
	apf_call(APF_FUNC_SDEI, 0, &res);
	sync_res(ST_SDEI, &res);
	apf_call(APF_FUNC_IRQ, 0, &res);
	sync_res(ST_IRQ, &res);
	apf_call(APF_FUNC_ENABLE, NO_MEMORY_GPA | APF_CTRL_ENABLED, &res);
	sync_res(ST_ENABLE_NO_MEMORY, &res);

	apf_call(APF_FUNC_ENABLE, data, &res);
	/* the wake-all is written before the instruction after ENABLE */
	reason = READ_ONCE(ctrl_gva->reason);
	token = READ_ONCE(ctrl_gva->token);
	sync_res(ST_ENABLE, &res);
	GUEST_SYNC_ARGS(ST_WAKE_ALL, reason, token, 0, 0);
	intid = gic_get_and_ack_irq();
	if (intid < 1020)
		gic_set_eoi(intid);
	GUEST_SYNC_ARGS(ST_WAKE_ALL_PPI, intid, 0, 0, 0);
	/* consume the notification as the Linux guest does, then acknowledge */
	WRITE_ONCE(ctrl_gva->token, 0);
	WRITE_ONCE(ctrl_gva->reason, 0);
	apf_call(APF_FUNC_IRQ_ACK, 0, &res);
	sync_res(ST_IRQ_ACK, &res);
	GUEST_SYNC_ARGS(ST_PPI_LOWERED, gic_get_and_ack_irq(), 0, 0, 0);
	apf_call(APF_FUNC_ENABLE, data, &res);
	sync_res(ST_ENABLE_TWICE, &res);
	apf_call(APF_FUNC_ENABLE, 0, &res);
	sync_res(ST_DISABLE, &res);
	apf_call(APF_FUNC_ENABLE, 0, &res);
	sync_res(ST_DISABLE_TWICE, &res);
	apf_call(0x1000, 0, &res);
	sync_res(ST_UNKNOWN_SUBFN, &res);
	GUEST_DONE();
}

/* Without an in-kernel irqchip (no vGIC), with the VMM's event and IRQ set */
static void guest_code_no_irqchip(void)
{
	struct arm_smccc_res res;

	apf_call(APF_FUNC_ENABLE, ctrl_gpa | APF_CTRL_ENABLED, &res);
	sync_res(ST_NO_IRQCHIP, &res);
	GUEST_DONE();
}

static int apf_vcpu_cmd(const struct apf_abi *abi, struct kvm_vcpu *vcpu, uint32_t cmd,
			uint64_t val)
{
	struct apf_ioctl_cmd c = { .cmd = cmd, .control = val };

	return ioctl(vcpu->fd, abi->ioctl, &c);
}

static void set_vmm_config(const struct apf_abi *abi, struct kvm_vcpu *vcpu, uint64_t event)
{
	TEST_ASSERT(!apf_vcpu_cmd(abi, vcpu, APF_CMD_SET_SDEI, event),
		    "SET_SDEI: %s", strerror(errno));
	TEST_ASSERT(!apf_vcpu_cmd(abi, vcpu, APF_CMD_SET_IRQ, TEST_PPI),
		    "SET_IRQ: %s", strerror(errno));
}

static struct kvm_vm *create_vm(struct kvm_vcpu **vcpu, void *code, bool irqchip,
				const struct apf_abi *abi)
{
	struct kvm_vm *vm = vm_create_with_one_vcpu(vcpu, code);
	vm_vaddr_t gva;

	if (irqchip)
		vgic_v3_setup(vm, 1, 64);
	gva = vm_vaddr_alloc_page(vm);
	ctrl_gva = (struct apf_ctrl_block *)gva;
	ctrl_gpa = addr_gva2gpa(vm, gva);
	TEST_ASSERT(!(ctrl_gpa & APF_CTRL_FLAGS_MASK), "control block not 64-byte aligned");
	apf_fn = abi->func_id;
	sync_global_to_guest(vm, ctrl_gva);
	sync_global_to_guest(vm, ctrl_gpa);
	sync_global_to_guest(vm, apf_fn);
	return vm;
}

static void check_absence(const struct apf_probe *probe, struct kvm_vcpu *vcpu, struct ucall *uc)
{
	const struct apf_abi *abi = probe->apf;
	uint64_t a0;

	TEST_ASSERT_EQ(apf_run_to_sync(vcpu, uc), ST_FEATURES);
	a0 = uc->args[2];
	if (abi->ver == APF_V_NONE)
		APF_CHECK(a0 != APF_SMCCC_RET_NOT_SUPPORTED && !(a0 & BIT(2)),
			  "FEATURES bitmap has no APF v3/v4 bit", "a0=0x%lx", a0);
	else
		APF_CHECK(a0 == abi->features, "FEATURES bitmap is the version's",
			  "a0=0x%lx, APF %s has 0x%lx", a0, abi->name, abi->features);

	TEST_ASSERT_EQ(apf_run_to_sync(vcpu, uc), ST_FN2);
	a0 = uc->args[2];
	if (abi->func_id == APF_VENDOR_HYP_FUNC_ID(2))
		APF_CHECK(a0 == 4, "0x86000002 is APF: VERSION..IRQ answer",
			  "%lu of 4 answered", a0);
	else
		APF_CHECK(a0 == 0, "0x86000002 does not answer (no APF v3/v4)",
			  "%lu of 4 answered", a0);

	TEST_ASSERT_EQ(apf_run_to_sync(vcpu, uc), ST_FN1_ACK);
	a0 = uc->args[2];
	if (abi->ver == APF_V2)
		APF_CHECK(a0 == APF_SMCCC_RET_SUCCESS, "0x86000001 is APF (v2): IRQ_ACK is SUCCESS",
			  "a0=0x%lx", a0);
	else
		APF_CHECK(a0 == APF_SMCCC_RET_NOT_SUPPORTED,
			  "0x86000001 with x1=5 is NOT_SUPPORTED (PTP upstream, not APF v2)",
			  "a0=0x%lx", a0);
}

static void check_ret(struct ucall *uc, uint64_t a0, uint64_t a1, const char *name)
{
	APF_CHECK(uc->args[2] == a0 && uc->args[3] == a1 && !uc->args[4] && !uc->args[5],
		  name, "a0..a3 = 0x%lx 0x%lx 0x%lx 0x%lx, expected 0x%lx 0x%lx 0 0",
		  uc->args[2], uc->args[3], uc->args[4], uc->args[5], a0, a1);
}

int main(void)
{
	const struct apf_abi *abi;
	struct apf_probe probe;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	struct ucall uc;
	uint64_t st, a0;

	ksft_print_header();
	ksft_set_plan(NR_CHECKS);

	apf_probe_run(&probe);
	ksft_print_msg("%s\n", apf_probe_describe(&probe));
	abi = probe.apf;

	vm = create_vm(&vcpu, guest_code, true, abi);
	check_absence(&probe, vcpu, &uc);
	if (abi->ver == APF_V_NONE) {
		kvm_vm_free(vm);
		apf_skip_rest(NR_CHECKS, probe.apf_why);
	}

	while ((st = apf_run_to_ucall(vcpu, &uc)) == UCALL_SYNC) {
		st = uc.args[1];
		a0 = uc.args[2];
		switch (st) {
		case ST_VERSION:
			check_ret(&uc, 0, APF_VERSION_1_0, "VERSION is 1.0.0");
			break;
		case ST_SLOTS:
			check_ret(&uc, 0, APF_SLOTS, "SLOTS is 64");
			break;
		case ST_SDEI_UNSET:
			check_ret(&uc, 0, 0, "SDEI is 0 before the VMM sets it");
			break;
		case ST_IRQ_UNSET:
			check_ret(&uc, 0, 0, "IRQ is 0 before the VMM sets it");
			break;
		case ST_DISABLE_FIRST:
			check_ret(&uc, APF_SMCCC_RET_NOT_REQUIRED, 0,
				  "disable before any enable is NOT_REQUIRED");
			break;
		case ST_ENABLE_UNCONFIGURED:
			check_ret(&uc, APF_SMCCC_RET_INVALID_PARAMETER, 0,
				  "ENABLE before the VMM set SDEI/IRQ is INVALID_PARAMETER");
			set_vmm_config(abi, vcpu, BOGUS_EVENT);
			break;
		case ST_ENABLE_NO_EVENT:
			check_ret(&uc, APF_SMCCC_RET_NOT_SUPPORTED, 0,
				  "ENABLE with an SDEI event the VM lacks is NOT_SUPPORTED");
			set_vmm_config(abi, vcpu, abi->sdei_event);
			break;
		case ST_SDEI:
			check_ret(&uc, 0, abi->sdei_event, "SDEI returns the VMM's event");
			break;
		case ST_IRQ:
			check_ret(&uc, 0, TEST_PPI, "IRQ returns the VMM's INTID");
			break;
		case ST_ENABLE_NO_MEMORY:
			check_ret(&uc, APF_SMCCC_RET_NOT_SUPPORTED, 0,
				  "ENABLE with the control block outside guest memory is NOT_SUPPORTED");
			break;
		case ST_ENABLE:
			check_ret(&uc, 0, 0, "ENABLE (64-byte aligned block, ENABLED)");
			break;
		case ST_WAKE_ALL:
			APF_CHECK(a0 == APF_REASON_PAGE_READY && uc.args[3] == APF_TOKEN_WAKE_ALL,
				  "ENABLE queues a wake-all page-ready (reason 2, token ~0)",
				  "reason %lu token 0x%lx", a0, uc.args[3]);
			break;
		case ST_WAKE_ALL_PPI:
			APF_CHECK(a0 == TEST_PPI, "the wake-all raises the VMM's PPI",
				  "acknowledged INTID %lu, expected %d", a0, TEST_PPI);
			break;
		case ST_IRQ_ACK:
			check_ret(&uc, 0, 0, "IRQ_ACK of the pending page-ready");
			break;
		case ST_PPI_LOWERED:
			APF_CHECK(a0 == 1023, "IRQ_ACK lowers the PPI (nothing pending after)",
				  "acknowledged INTID %lu", a0);
			break;
		case ST_ENABLE_TWICE:
			check_ret(&uc, APF_SMCCC_RET_NOT_REQUIRED, 0, "ENABLE twice is NOT_REQUIRED");
			break;
		case ST_DISABLE:
			check_ret(&uc, 0, 0, "disable");
			break;
		case ST_DISABLE_TWICE:
			check_ret(&uc, APF_SMCCC_RET_NOT_REQUIRED, 0, "disable twice is NOT_REQUIRED");
			break;
		case ST_UNKNOWN_SUBFN:
			check_ret(&uc, APF_SMCCC_RET_NOT_SUPPORTED, 0,
				  "unknown sub-function is NOT_SUPPORTED");
			break;
		default:
			TEST_FAIL("unexpected stage %lu", st);
		}
	}
	TEST_ASSERT(st == UCALL_DONE, "unexpected ucall %lu", st);
	kvm_vm_free(vm);

	vm = create_vm(&vcpu, guest_code_no_irqchip, false, abi);
	set_vmm_config(abi, vcpu, abi->sdei_event);
	TEST_ASSERT_EQ(apf_run_to_sync(vcpu, &uc), ST_NO_IRQCHIP);
	check_ret(&uc, APF_SMCCC_RET_NOT_SUPPORTED, 0,
		  "ENABLE without an in-kernel irqchip is NOT_SUPPORTED");
	TEST_ASSERT_EQ(apf_run_to_ucall(vcpu, &uc), (uint64_t)UCALL_DONE);
	kvm_vm_free(vm);
	apf_finish();
}
