// SPDX-License-Identifier: GPL-2.0-only
/*
 * sdei - SDEI virtualization (DEN0054) as a guest sees it.
 *
 * On a kernel without SDEI virtualization (every upstream kernel so far):
 * SDEI_VERSION and every other SDEI function ID answer NOT_SUPPORTED, then
 * the rest is skipped.
 *
 * With the 2022 design (SDEI series v6/v7, SDEI 1.1, vendor "KVM"): version,
 * features, shared/private reset, PE unmask/mask, get_info, the register/
 * enable/disable/unregister life cycle with status, error codes for invalid
 * events and states, and delivery of the software-signaled event 0 to a guest
 * handler that reads its context and finishes with COMPLETE, then with
 * COMPLETE_AND_RESUME to the IRQ vector.
 * With the 2021 design (v2..v4, SDEI 1.0), events are exposed by the VMM via
 * KVM_ARM_SDEI_COMMAND, whose structures are only partly known: the steps
 * that need an event are skipped there (UNCONFIRMED).
 */
#include <kvm_util.h>
#include "processor.h"
#include "apf_abi.h"
#include "apf_test.h"

#define ARG_HANDLER	(~0UL - 1)	/* replaced by the handler address in the guest */
#define ARG_EVENT	(~0UL - 2)	/* replaced by the profile's event number */
#define ARG_BOGUS_EVENT	0x7ffffffUL
#define ANY		(~0UL - 3)	/* any result accepted, reported */

enum step_kind { STEP_CALL, STEP_SIGNAL, STEP_SIGNAL_RESUME };

struct sdei_step {
	enum step_kind kind;
	const char *name;
	uint32_t fn;
	uint64_t a1, a2, a3, a4;
	uint64_t expect;
	bool needs_event;	/* needs an event the guest can register */
	bool needs_1_1;		/* SDEI 1.1 function */
};

#define CALL(n, f, x1, x2, x3, x4, e, ev, v11) \
	{ STEP_CALL, n, f, x1, x2, x3, x4, e, ev, v11 }

static const struct sdei_step steps[] = {
	CALL("FEATURES(BIND_SLOTS) is 0", APF_SDEI_FEATURES, APF_SDEI_FEATURE_BIND_SLOTS,
	     0, 0, 0, 0, false, true),
	CALL("FEATURES(RELATIVE_MODE) is 0", APF_SDEI_FEATURES, APF_SDEI_FEATURE_RELATIVE_MODE,
	     0, 0, 0, 0, false, true),
	CALL("SHARED_RESET", APF_SDEI_SHARED_RESET, 0, 0, 0, 0, APF_SDEI_SUCCESS, false, false),
	CALL("PRIVATE_RESET", APF_SDEI_PRIVATE_RESET, 0, 0, 0, 0, APF_SDEI_SUCCESS, false, false),
	CALL("PE_UNMASK", APF_SDEI_PE_UNMASK, 0, 0, 0, 0, ANY, false, false),
	CALL("GET_INFO(TYPE) is PRIVATE", APF_SDEI_EVENT_GET_INFO, ARG_EVENT, APF_SDEI_INFO_TYPE,
	     0, 0, APF_SDEI_TYPE_PRIVATE, true, false),
	CALL("GET_INFO(SIGNALED) is 1", APF_SDEI_EVENT_GET_INFO, ARG_EVENT, APF_SDEI_INFO_SIGNALED,
	     0, 0, 1, true, true),
	CALL("GET_INFO(PRIORITY) is NORMAL", APF_SDEI_EVENT_GET_INFO, ARG_EVENT,
	     APF_SDEI_INFO_PRIORITY, 0, 0, APF_SDEI_PRIO_NORMAL, true, true),
	CALL("GET_INFO(bad info) is INVALID_PARAMETERS", APF_SDEI_EVENT_GET_INFO, ARG_EVENT, 99,
	     0, 0, APF_SDEI_INVALID_PARAMETERS, true, false),
	CALL("REGISTER(bogus event) is INVALID_PARAMETERS", APF_SDEI_EVENT_REGISTER,
	     ARG_BOGUS_EVENT, ARG_HANDLER, 0, APF_SDEI_RM_ANY, APF_SDEI_INVALID_PARAMETERS,
	     false, false),
	CALL("STATUS(bogus event) is INVALID_PARAMETERS", APF_SDEI_EVENT_STATUS,
	     ARG_BOGUS_EVENT, 0, 0, 0, APF_SDEI_INVALID_PARAMETERS, false, false),
	CALL("ENABLE(unregistered) is DENIED", APF_SDEI_EVENT_ENABLE, ARG_EVENT, 0, 0, 0,
	     APF_SDEI_DENIED, true, false),
	CALL("UNREGISTER(unregistered) is DENIED", APF_SDEI_EVENT_UNREGISTER, ARG_EVENT, 0, 0, 0,
	     APF_SDEI_DENIED, true, false),
	CALL("REGISTER", APF_SDEI_EVENT_REGISTER, ARG_EVENT, ARG_HANDLER, 0x1234,
	     APF_SDEI_RM_ANY, APF_SDEI_SUCCESS, true, false),
	CALL("REGISTER twice is DENIED", APF_SDEI_EVENT_REGISTER, ARG_EVENT, ARG_HANDLER, 0x1234,
	     APF_SDEI_RM_ANY, APF_SDEI_DENIED, true, false),
	CALL("STATUS is REGISTERED", APF_SDEI_EVENT_STATUS, ARG_EVENT, 0, 0, 0,
	     APF_SDEI_STATUS_REGISTERED, true, false),
	CALL("ENABLE", APF_SDEI_EVENT_ENABLE, ARG_EVENT, 0, 0, 0, APF_SDEI_SUCCESS, true, false),
	CALL("STATUS is REGISTERED|ENABLED", APF_SDEI_EVENT_STATUS, ARG_EVENT, 0, 0, 0,
	     APF_SDEI_STATUS_REGISTERED | APF_SDEI_STATUS_ENABLED, true, false),
	CALL("COMPLETE outside a handler is DENIED", APF_SDEI_EVENT_COMPLETE, APF_SDEI_EV_HANDLED,
	     0, 0, 0, APF_SDEI_DENIED, false, false),
	CALL("CONTEXT outside a handler is DENIED", APF_SDEI_EVENT_CONTEXT, 0, 0, 0, 0,
	     APF_SDEI_DENIED, false, false),
	{ STEP_SIGNAL, "SIGNAL(0) runs the handler, COMPLETE returns", APF_SDEI_EVENT_SIGNAL,
	  ARG_EVENT, 0, 0, 0, APF_SDEI_SUCCESS, true, true },
	{ STEP_SIGNAL_RESUME, "SIGNAL(0), COMPLETE_AND_RESUME to the IRQ vector",
	  APF_SDEI_EVENT_SIGNAL, ARG_EVENT, 0, 0, 0, APF_SDEI_SUCCESS, true, true },
	CALL("PE_MASK", APF_SDEI_PE_MASK, 0, 0, 0, 0, ANY, false, false),
	CALL("DISABLE", APF_SDEI_EVENT_DISABLE, ARG_EVENT, 0, 0, 0, APF_SDEI_SUCCESS, true, false),
	CALL("UNREGISTER", APF_SDEI_EVENT_UNREGISTER, ARG_EVENT, 0, 0, 0, APF_SDEI_SUCCESS,
	     true, false),
	CALL("STATUS is 0 after UNREGISTER", APF_SDEI_EVENT_STATUS, ARG_EVENT, 0, 0, 0, 0,
	     true, false),
	CALL("REGISTER again", APF_SDEI_EVENT_REGISTER, ARG_EVENT, ARG_HANDLER, 0, APF_SDEI_RM_ANY,
	     APF_SDEI_SUCCESS, true, false),
	CALL("PRIVATE_RESET unregisters", APF_SDEI_PRIVATE_RESET, 0, 0, 0, 0, APF_SDEI_SUCCESS,
	     true, false),
	CALL("STATUS is 0 after PRIVATE_RESET", APF_SDEI_EVENT_STATUS, ARG_EVENT, 0, 0, 0, 0,
	     true, false),
};

#define NR_STEPS ARRAY_SIZE(steps)
#define NR_CHECKS (2 + NR_STEPS)

/* Guest state, written by the handlers, read back by the host */
static uint64_t event_num;		/* set by the host */
static uint32_t features_fn = APF_SDEI_FEATURES;	/* v6 used FN(0x30) */
static uint64_t resume_mode;
static uint64_t h_count, h_num, h_arg, h_pc, h_status, h_ctx[4], irq_count;

static void sdei_handler(uint64_t num, uint64_t arg, uint64_t pc, uint64_t pstate)
{
	struct arm_smccc_res res;
	int i;

	h_num = num;
	h_arg = arg;
	h_pc = pc;
	smccc_hvc(APF_SDEI_EVENT_STATUS, num, 0, 0, 0, 0, 0, 0, &res);
	h_status = res.a0;
	for (i = 0; i < 4; i++) {
		smccc_hvc(APF_SDEI_EVENT_CONTEXT, i, 0, 0, 0, 0, 0, 0, &res);
		h_ctx[i] = res.a0;
	}
	h_count++;
	if (resume_mode)
		smccc_hvc(APF_SDEI_EVENT_COMPLETE_AND_RESUME,
			  read_sysreg(vbar_el1) + 0x280, 0, 0, 0, 0, 0, 0, &res);
	else
		smccc_hvc(APF_SDEI_EVENT_COMPLETE, APF_SDEI_EV_HANDLED, 0, 0, 0, 0, 0, 0, &res);
	GUEST_FAIL("SDEI COMPLETE returned 0x%lx", res.a0);
}

static void guest_irq_handler(struct ex_regs *regs)
{
	irq_count++;
}

static uint64_t subst(uint64_t v)
{
	if (v == ARG_HANDLER)
		return (uint64_t)sdei_handler;
	if (v == ARG_EVENT)
		return event_num;
	return v;
}

static void guest_code(uint64_t nr_steps)
{
	struct arm_smccc_res res;
	uint64_t i, before;
	uint32_t fn;

	/* Absence checks first: version, then every other SDEI function ID */
	smccc_hvc(APF_SDEI_VERSION, 0, 0, 0, 0, 0, 0, 0, &res);
	GUEST_SYNC_ARGS(100, res.a0, res.a1, 0, 0);
	before = 0;
	for (fn = APF_SDEI_EVENT_REGISTER; fn <= APF_SDEI_SHARED_RESET; fn++) {
		if (fn == APF_SDEI_EVENT_COMPLETE || fn == APF_SDEI_EVENT_COMPLETE_AND_RESUME)
			continue;	/* never returns in a handler; DENIED is tested below */
		smccc_hvc(fn, 0, 0, 0, 0, 0, 0, 0, &res);
		if (res.a0 != APF_SDEI_NOT_SUPPORTED)
			before++;
	}
	GUEST_SYNC_ARGS(101, before, 0, 0, 0);

	for (i = 0; i < nr_steps; i++) {
		const struct sdei_step *s = &steps[i];

		resume_mode = s->kind == STEP_SIGNAL_RESUME;
		before = h_count;
		fn = s->fn == APF_SDEI_FEATURES ? features_fn : s->fn;
		smccc_hvc(fn, subst(s->a1), subst(s->a2), subst(s->a3), subst(s->a4),
			  0, 0, 0, &res);
		GUEST_SYNC_ARGS(i, res.a0, h_count - before, irq_count, 0);
	}
	GUEST_DONE();
}

int main(void)
{
	struct apf_probe probe;
	const struct sdei_abi_profile *prof;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	struct ucall uc;
	uint64_t v, nfail, a0, ran, irqs, last_irqs = 0;
	unsigned int i;
	bool ok;

	ksft_print_header();
	ksft_set_plan(NR_CHECKS);

	apf_probe_run(&probe);
	ksft_print_msg("%s\n", apf_probe_describe(&probe));
	prof = probe.sdei;

	vm = vm_create_with_one_vcpu(&vcpu, guest_code);
	vm_init_descriptor_tables(vm);
	vcpu_init_descriptor_tables(vcpu);
	vm_install_exception_handler(vm, VECTOR_IRQ_CURRENT, guest_irq_handler);
	event_num = prof->id == SDEI_ABI_2022 ? prof->sw_event : prof->default_event;
	sync_global_to_guest(vm, event_num);
	if (probe.sdei_features == APF_SDEI_NOT_SUPPORTED &&
	    probe.sdei_features_v6 != APF_SDEI_NOT_SUPPORTED) {
		features_fn = APF_SDEI_FEATURES_V6_BUG;
		sync_global_to_guest(vm, features_fn);
	}
	vcpu_args_set(vcpu, 1, prof->id == SDEI_ABI_NONE ? 0UL : (uint64_t)NR_STEPS);

	TEST_ASSERT_EQ(apf_run_to_sync(vcpu, &uc), 100);
	v = uc.args[2];
	if (prof->id == SDEI_ABI_NONE) {
		APF_CHECK(v == APF_SDEI_NOT_SUPPORTED, "SDEI_VERSION is NOT_SUPPORTED (absent)",
			  "a0=0x%lx", v);
	} else {
		ksft_print_msg("SDEI_VERSION 0x%lx: %lu.%lu vendor 0x%lx\n", v,
			       APF_SDEI_VERSION_MAJOR(v), APF_SDEI_VERSION_MINOR(v),
			       APF_SDEI_VERSION_VENDOR(v));
		APF_CHECK(APF_SDEI_VERSION_MAJOR(v) == prof->major &&
			  APF_SDEI_VERSION_MINOR(v) == prof->minor &&
			  (!prof->vendor || APF_SDEI_VERSION_VENDOR(v) == prof->vendor),
			  "SDEI_VERSION matches the profile", "0x%lx, profile %s", v, prof->name);
	}

	TEST_ASSERT_EQ(apf_run_to_sync(vcpu, &uc), 101);
	nfail = uc.args[2];
	if (prof->id == SDEI_ABI_NONE) {
		APF_CHECK(nfail == 0, "all SDEI function IDs are NOT_SUPPORTED (absent)",
			  "%lu functions answered", nfail);
		kvm_vm_free(vm);
		apf_skip_rest(NR_CHECKS, probe.sdei_why);
	}
	ksft_test_result_pass("SDEI functions answer (%lu of 16 not NOT_SUPPORTED)\n", nfail);

	for (i = 0; i < NR_STEPS; i++) {
		const struct sdei_step *s = &steps[i];

		TEST_ASSERT_EQ(apf_run_to_sync(vcpu, &uc), i);
		a0 = uc.args[2];
		ran = uc.args[3];
		irqs = uc.args[4];

		if ((s->needs_1_1 && prof->minor < 1) ||
		    (s->needs_event && prof->ioctl_managed)) {
			ksft_test_result_skip("%s: not in the %s profile / needs VMM-created events (UNCONFIRMED ABI)\n",
					      s->name, prof->name);
			continue;
		}
		if (s->kind == STEP_CALL) {
			if (s->expect == ANY) {
				ksft_test_result_pass("%s (a0=0x%lx)\n", s->name, a0);
				continue;
			}
			APF_CHECK(a0 == s->expect, s->name, "a0=0x%lx expected 0x%lx", a0, s->expect);
			continue;
		}

		sync_global_from_guest(vm, h_num);
		sync_global_from_guest(vm, h_arg);
		sync_global_from_guest(vm, h_status);
		ok = a0 == APF_SDEI_SUCCESS && ran == 1 && h_num == event_num &&
		     h_arg == 0x1234 && (h_status & APF_SDEI_STATUS_RUNNING);
		if (s->kind == STEP_SIGNAL_RESUME)
			ok &= irqs == last_irqs + 1;
		APF_CHECK(ok, s->name,
			  "a0=0x%lx handler runs %lu num 0x%lx arg 0x%lx status 0x%lx irqs %lu",
			  a0, ran, h_num, h_arg, h_status, irqs);
		last_irqs = irqs;
	}
	TEST_ASSERT_EQ(apf_run_to_ucall(vcpu, &uc), (uint64_t)UCALL_DONE);
	kvm_vm_free(vm);
	apf_finish();
}
