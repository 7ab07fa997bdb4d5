// SPDX-License-Identifier: GPL-2.0-only
/*
 * sdei - the SDEI virtualization series (never merged) as a guest sees it,
 * for each version: the 2021 design (v2, v3, v4), v5, v6 and v7.
 *
 * On a kernel without the series: SDEI_VERSION and every other SDEI
 * function ID answer NOT_SUPPORTED, then the rest is skipped.
 *
 * With the series, the expectations of every check come from the version's
 * patches (per version, below):
 *  - SDEI_VERSION, and the function IDs the version does not route to its
 *    SDEI code (SIGNAL and FEATURES on 2021, FEATURES at 0xC4000030 on v5
 *    and v6, at 0xC4000050 on v7, ROUTING_SET on v6 and v7, BIND/RELEASE);
 *  - the life cycle of the version's event (2021: 0x40400000, created by
 *    KVM, critical; v5: event 0 exposed by the VMM; v6, v7: event 0):
 *    resets, PE mask state at creation, FEATURES, GET_INFO, REGISTER,
 *    ENABLE, STATUS, ROUTING_SET, UNREGISTER, CONTEXT, COMPLETE and
 *    COMPLETE_AND_RESUME outside a handler (no result written), with the
 *    errors each version returns;
 *  - delivery to sdei_guest_entry: x0-x3 at entry, EL1h with DAIF masked,
 *    CONTEXT and STATUS in the handler, SPSR_EL1/ELR_EL1 at delivery, and
 *    the interrupted context (x0-x30, SP, q0-q31, FPSR, FPCR, NZCV) after
 *    COMPLETE; COMPLETE_AND_RESUME (v7: resume at x1; before: an IRQ
 *    exception at the interrupted context); UNREGISTER in a handler;
 *  - SDEI_EVENT_SIGNAL (v5-v7), including v7's pending semantics;
 *  - two vCPUs: a new PE is masked; private events are per vCPU;
 *    PRIVATE_RESET is VM-wide in the 2021 design and in v5.
 * Events are raised by the guest with SDEI_EVENT_SIGNAL (v5-v7); the 2021
 * design has no SIGNAL, and its INJECT_EVENT ioctl deadlocks the host for a
 * registered, enabled event (sdei_host_bugs), so there the VMM makes a
 * VMM-defined event pending with SET_KEVENT/SET_VEVENT, as a migration
 * destination restores one. STATUS is never called on a registered 2021
 * event: the host dereferences NULL (sdei_host_bugs).
 * The series' own bugs are named checks that fail on a real kernel: 2021
 * CONTEXT(18) accepted; 2021 and v5 write SPSR_EL1 with vcpu_write_sys_reg(),
 * which on a VHE host of those bases (before 6.8) only updates the stale
 * in-memory copy of a loaded register; v7 COMPLETE not delivering a pending
 * event; the handler's PSTATE keeping the interrupted BTYPE (every version,
 * checked on the 2021 design: a guarded entry point then takes a Branch
 * Target exception).
 */
#include "sdei_test.h"

#define NR_CHECKS	58

#define EV_BOGUS	0x00c00001ULL	/* bits 23:22 = 0b11: invalid in every version */
#define EV21_RAISED	0x40400002ULL	/* 2021: VMM-defined, critical, made pending */

static struct sdei_env env;

/* The event the guest registers: KVM's on 2021, event 0 from v5 on */
static uint64_t ev_main(void)
{
	return env.d == SDEI_D21 ? SDEI21_DEFAULT_EVENT : 0;
}

/* The event that gets delivered: 2021 needs one the guest did not register */
static uint64_t ev_raised(void)
{
	return env.d == SDEI_D21 ? EV21_RAISED : 0;
}

static const uint32_t sdei_ids[] = {
	0xC4000020, 0xC4000021, 0xC4000022, 0xC4000023, 0xC4000024, 0xC4000025,
	0xC4000026, 0xC4000027, 0xC4000028, 0xC4000029, 0xC400002A, 0xC400002B,
	0xC400002C, 0xC400002D, 0xC400002E, 0xC400002F, 0xC4000030, 0xC4000031,
	0xC4000032, 0xC4000050,
};

/* Function IDs each version leaves unimplemented (NOT_SUPPORTED) */
static const uint32_t unimpl_21[] = {
	0x84000020, 0xC400002D, 0xC400002E, 0xC400002F, 0xC4000030, 0xC4000050,
};

static const uint32_t unimpl_5[] = { 0x84000020, 0xC400002D, 0xC400002E, 0xC4000030 };

static const uint32_t unimpl_6[] = {
	0x84000020, 0xC400002A, 0xC400002D, 0xC400002E, 0xC4000030,
};

static const uint32_t unimpl_7[] = {
	0x84000020, 0xC400002A, 0xC400002D, 0xC400002E, 0xC4000050,
};

/* Call every ID of @ids; the check passes if all answer NOT_SUPPORTED */
static void check_not_supported(struct sdei_vc *v, const char *name, const uint32_t *ids,
				int n)
{
	char bad[256] = "";
	uint64_t r;
	int i, nbad = 0;

	for (i = 0; i < n; i++) {
		r = sdei_call(v, ids[i], 0, 0, 0, 0, 0);
		if (r == APF_SDEI_NOT_SUPPORTED)
			continue;
		nbad++;
		snprintf(bad + strlen(bad), sizeof(bad) - strlen(bad), " 0x%x->0x%lx",
			 ids[i], r);
	}
	sdei_result(&env, !nbad, name, "%d IDs answered:%s", nbad, bad);
}

/* A: SDEI_VERSION and the unimplemented function IDs; false: stop here */
static bool group_version(struct sdei_vc *v)
{
	uint64_t ver = sdei_call1(v, APF_SDEI_VERSION, 0);

	if (env.abi->ver == SDEI_V_NONE) {
		sdei_expect(&env, "SDEI_VERSION is NOT_SUPPORTED (no SDEI)", ver,
			    APF_SDEI_NOT_SUPPORTED);
		check_not_supported(v, "every SDEI function ID answers NOT_SUPPORTED",
				    sdei_ids, ARRAY_SIZE(sdei_ids));
		return false;
	}
	if (env.d < 0) {
		sdei_skip(&env, "SDEI_VERSION is a version of the series", env.probe.sdei_why);
		sdei_skip(&env, "function IDs the version does not implement", env.probe.sdei_why);
		return false;
	}
	ksft_print_msg("SDEI_VERSION 0x%lx: %lu.%lu, vendor 0x%lx\n", ver,
		       APF_SDEI_VERSION_MAJOR(ver), APF_SDEI_VERSION_MINOR(ver),
		       APF_SDEI_VERSION_VENDOR(ver));
	sdei_expect(&env,
		    "SDEI_VERSION (2021: 1.0; v5: 1.1, vendor 0x4b564d; v6/v7: 1.1, vendor 0x564bcaa9)",
		    ver, env.abi->version);
	switch (env.d) {
	case SDEI_D21:
		check_not_supported(v,
				    "IDs not routed to SDEI answer NOT_SUPPORTED (2021: SMC32, BIND, RELEASE, SIGNAL, 0xC4000030, 0xC4000050)",
				    unimpl_21, ARRAY_SIZE(unimpl_21));
		break;
	case SDEI_D5:
		check_not_supported(v,
				    "IDs not routed to SDEI answer NOT_SUPPORTED (v5: SMC32, BIND, RELEASE, 0xC4000030)",
				    unimpl_5, ARRAY_SIZE(unimpl_5));
		break;
	case SDEI_D6:
		check_not_supported(v,
				    "IDs not implemented answer NOT_SUPPORTED (v6: SMC32, ROUTING_SET, BIND, RELEASE, 0xC4000030)",
				    unimpl_6, ARRAY_SIZE(unimpl_6));
		break;
	default:
		check_not_supported(v,
				    "IDs not implemented answer NOT_SUPPORTED (v7: SMC32, ROUTING_SET, BIND, RELEASE, 0xC4000050)",
				    unimpl_7, ARRAY_SIZE(unimpl_7));
	}
	return true;
}

/* L: the life cycle of the main event, up to registered, enabled, unmasked */
static void group_lifecycle(struct sdei_vc *v)
{
	const char *no21 = "no SDEI_FEATURES in the 2021 design (SDEI 1.0)";
	uint64_t e = ev_main(), r, irqs, resumes, reg, en;
	uint32_t feat = env.abi->features_fn;

	sdei_check_call(v, "PRIVATE_RESET is SUCCESS", APF_SDEI_PRIVATE_RESET, 0, 0, 0, 0, 0);
	sdei_check_call(v, "SHARED_RESET is SUCCESS", APF_SDEI_SHARED_RESET, 0, 0, 0, 0, 0);
	sdei_check_call(v, "PE_MASK of a new PE (2021: DENIED, it starts masked; v5-v7: SUCCESS)",
			APF_SDEI_PE_MASK, 0, 0, 0, 0,
			SDEI_PER(&env, APF_SDEI_DENIED, 0, 0, 0));
	if (env.d == SDEI_D21) {
		sdei_skip(&env, "FEATURES(BIND_SLOTS) is 0", no21);
		sdei_skip(&env, "FEATURES(RELATIVE_MODE) is 0", no21);
		sdei_skip(&env, "FEATURES(2) is INVALID_PARAMETERS", no21);
	} else {
		sdei_check_call(v, "FEATURES(BIND_SLOTS) is 0", feat,
				APF_SDEI_FEATURE_BIND_SLOTS, 0, 0, 0, 0);
		sdei_check_call(v, "FEATURES(RELATIVE_MODE) is 0", feat,
				APF_SDEI_FEATURE_RELATIVE_MODE, 0, 0, 0, 0);
		sdei_check_call(v, "FEATURES(2) is INVALID_PARAMETERS", feat, 2, 0, 0, 0,
				APF_SDEI_INVALID_PARAMETERS);
	}
	sdei_check_call(v, "GET_INFO(TYPE) is PRIVATE", APF_SDEI_EVENT_GET_INFO, e,
			APF_SDEI_INFO_TYPE, 0, 0, APF_SDEI_TYPE_PRIVATE);
	sdei_check_call(v, "GET_INFO(SIGNALED) is 1", APF_SDEI_EVENT_GET_INFO, e,
			APF_SDEI_INFO_SIGNALED, 0, 0, 1);
	sdei_check_call(v, "GET_INFO(PRIORITY) (2021: CRITICAL; v5-v7: NORMAL)",
			APF_SDEI_EVENT_GET_INFO, e, APF_SDEI_INFO_PRIORITY, 0, 0,
			SDEI_PER(&env, APF_SDEI_PRIO_CRITICAL, APF_SDEI_PRIO_NORMAL,
				 APF_SDEI_PRIO_NORMAL, APF_SDEI_PRIO_NORMAL));
	sdei_check_call(v, "GET_INFO(ROUTING_MODE) of a private event is INVALID_PARAMETERS",
			APF_SDEI_EVENT_GET_INFO, e, APF_SDEI_INFO_ROUTING_MODE, 0, 0,
			APF_SDEI_INVALID_PARAMETERS);
	sdei_check_call(v, "GET_INFO(5), an unknown info, is INVALID_PARAMETERS",
			APF_SDEI_EVENT_GET_INFO, e, 5, 0, 0, APF_SDEI_INVALID_PARAMETERS);
	sdei_check_call(v, "GET_INFO of an invalid event number is INVALID_PARAMETERS",
			APF_SDEI_EVENT_GET_INFO, EV_BOGUS, APF_SDEI_INFO_TYPE, 0, 0,
			APF_SDEI_INVALID_PARAMETERS);
	sdei_check_call(v, "REGISTER of an event that does not exist is INVALID_PARAMETERS",
			APF_SDEI_EVENT_REGISTER,
			SDEI_PER(&env, 0x40400010, 0x40400010, 0x40400010, 2),
			(uint64_t)sdei_guest_entry, SDEI_ARG, APF_SDEI_RM_ANY,
			APF_SDEI_INVALID_PARAMETERS);
	sdei_check_call(v, "STATUS of an unregistered event is 0", APF_SDEI_EVENT_STATUS, e,
			0, 0, 0, 0);
	sdei_check_call(v, "ENABLE before REGISTER (2021: INVALID_PARAMETERS; v5-v7: DENIED)",
			APF_SDEI_EVENT_ENABLE, e, 0, 0, 0,
			SDEI_PER(&env, APF_SDEI_INVALID_PARAMETERS, APF_SDEI_DENIED,
				 APF_SDEI_DENIED, APF_SDEI_DENIED));
	sdei_check_call(v,
			"UNREGISTER before REGISTER (2021, v5: INVALID_PARAMETERS; v6, v7: DENIED)",
			APF_SDEI_EVENT_UNREGISTER, e, 0, 0, 0,
			SDEI_PER(&env, APF_SDEI_INVALID_PARAMETERS, APF_SDEI_INVALID_PARAMETERS,
				 APF_SDEI_DENIED, APF_SDEI_DENIED));
	sdei_check_call(v, "CONTEXT outside a handler is DENIED", APF_SDEI_EVENT_CONTEXT, 0,
			0, 0, 0, APF_SDEI_DENIED);

	r = sdei_call(v, APF_SDEI_EVENT_COMPLETE, SDEI_ARG, SDEI_ELR_MARK, 0, 0, 0);
	sdei_result(&env, r == APF_SDEI_EVENT_COMPLETE && v->cmd->res[1] == SDEI_ARG &&
		    v->cmd->res[2] == SDEI_ELR_MARK,
		    "COMPLETE outside a handler writes no result (x0 stays the function ID)",
		    "x0 0x%lx x1 0x%lx x2 0x%lx, expected 0x%x 0x%llx 0x%llx", r,
		    v->cmd->res[1], v->cmd->res[2], APF_SDEI_EVENT_COMPLETE, SDEI_ARG,
		    SDEI_ELR_MARK);
	r = sdei_call(v, APF_SDEI_EVENT_COMPLETE_AND_RESUME, (uint64_t)sdei_resume_stub, 0, 0,
		      0, 0);
	irqs = v->log->irq_count;
	resumes = v->resume->count;
	sdei_result(&env, r == APF_SDEI_EVENT_COMPLETE_AND_RESUME &&
		    v->cmd->res[1] == (uint64_t)sdei_resume_stub && !irqs && !resumes,
		    "COMPLETE_AND_RESUME outside a handler writes no result, resumes nothing",
		    "x0 0x%lx x1 0x%lx (expected 0x%x 0x%lx), IRQs %lu, resumes at x1 %lu", r,
		    v->cmd->res[1], APF_SDEI_EVENT_COMPLETE_AND_RESUME,
		    (uint64_t)sdei_resume_stub, irqs, resumes);

	reg = sdei_call(v, APF_SDEI_EVENT_REGISTER, e, (uint64_t)sdei_guest_entry, SDEI_ARG,
			APF_SDEI_RM_ANY, 0);
	sdei_expect(&env, "REGISTER is SUCCESS", reg, 0);
	sdei_check_call(v, "REGISTER twice is DENIED", APF_SDEI_EVENT_REGISTER, e,
			(uint64_t)sdei_guest_entry, SDEI_ARG, APF_SDEI_RM_ANY, APF_SDEI_DENIED);
	sdei_check_call(v, "REGISTER with routing mode 2 is INVALID_PARAMETERS",
			APF_SDEI_EVENT_REGISTER, e, (uint64_t)sdei_guest_entry, SDEI_ARG, 2,
			APF_SDEI_INVALID_PARAMETERS);
	en = sdei_call1(v, APF_SDEI_EVENT_ENABLE, e);
	sdei_expect(&env, "ENABLE is SUCCESS", en, 0);
	sdei_check_call(v, "ENABLE twice (2021: DENIED; v5-v7: SUCCESS)", APF_SDEI_EVENT_ENABLE,
			e, 0, 0, 0, SDEI_PER(&env, APF_SDEI_DENIED, 0, 0, 0));
	if (env.d == SDEI_D21)
		sdei_skip(&env, "STATUS of a registered, enabled event is REGISTERED|ENABLED",
			  "not run on 2021: the host dereferences NULL (sdei_host_bugs)");
	else
		sdei_check_call(v, "STATUS of a registered, enabled event is REGISTERED|ENABLED",
				APF_SDEI_EVENT_STATUS, e, 0, 0, 0,
				APF_SDEI_STATUS_REGISTERED | APF_SDEI_STATUS_ENABLED);
	sdei_check_call(v,
			"ROUTING_SET of a private event (2021: INVALID_PARAMETERS; v5: DENIED; v6, v7: NOT_SUPPORTED)",
			APF_SDEI_EVENT_ROUTING_SET, e, APF_SDEI_RM_ANY, 0, 0,
			SDEI_PER(&env, APF_SDEI_INVALID_PARAMETERS, APF_SDEI_DENIED,
				 APF_SDEI_NOT_SUPPORTED, APF_SDEI_NOT_SUPPORTED));
	sdei_check_call(v, "PE_UNMASK is SUCCESS", APF_SDEI_PE_UNMASK, 0, 0, 0, 0, 0);
	sdei_check_call(v, "PE_UNMASK twice (2021: DENIED; v5-v7: SUCCESS)", APF_SDEI_PE_UNMASK,
			0, 0, 0, 0, SDEI_PER(&env, APF_SDEI_DENIED, 0, 0, 0));
	/* The delivery checks need the event registered and enabled */
	sdei_prereq(&env, !reg && !en, "REGISTER 0x%lx, ENABLE 0x%lx", reg, en);
}

/*
 * Run the context probe of vCPU @v with an event raised at its event point:
 * SIGNAL from the probe itself (v5-v7), or (2021) the VMM makes
 * EV21_RAISED pending while the probe is parked.
 */
static bool run_probe(struct sdei_vm *s, struct sdei_vc *v)
{
	int r, err;

	if (env.stop)
		return false;
	r = sdei_run(v);
	if (env.d == SDEI_D21) {
		if (!sdei_prereq(&env, r == SDEI_RUN_PARKED, "the probe did not park"))
			return false;
		err = s21_raise(s, v->idx, EV21_RAISED, sdei_guest_entry, SDEI_ARG,
				1ULL << v->idx);
		if (!sdei_prereq(&env, !err, "SET_KEVENT/SET_VEVENT of 0x%llx: %s", EV21_RAISED,
				 strerror(-err)))
			return false;
		sdei_unpark(v);
		r = sdei_run(v);
	}
	return sdei_prereq(&env, r == SDEI_RUN_DONE, "the probe parked again");
}

static struct sdei_gcmd *probe_cmd(struct sdei_vc *v)
{
	if (env.stop)
		return v->cmd;
	if (env.d == SDEI_D21)
		return sdei_probe_cmd(v, SDEI_PROBE_PARK, 0, 0, 0);
	return sdei_probe_cmd(v, SDEI_PROBE_HVC, APF_SDEI_EVENT_SIGNAL, ev_main(), sdei_mpidr(v));
}

/* 2021: the raised event stays registered after COMPLETE: unregister it */
static void cleanup_raised(struct sdei_vc *v)
{
	if (env.d == SDEI_D21)
		sdei_setup_call(v, "UNREGISTER of the raised event", APF_SDEI_EVENT_UNREGISTER,
				EV21_RAISED, 0, 0, 0);
}

/* D: delivery, COMPLETE, COMPLETE_AND_RESUME, UNREGISTER in a handler */
static void group_delivery(struct sdei_vm *s, struct sdei_vc *v)
{
	uint64_t num = ev_raised(), x0, x1, spsr_want, n, want;
	struct sdei_gent none = { 0 }, *e;
	struct sdei_gcmd *c;
	bool ok;

	/* S1: COMPLETE */
	c = probe_cmd(v);
	run_probe(s, v);
	e = sdei_ent(v, 0) ? : &none;
	n = env.stop ? 0 : v->log->count;
	sdei_result(&env, n == 1 && e->num == num && e->arg == SDEI_ARG,
		    "event delivered once to its entry point, x0 = event number, x1 = argument",
		    "%lu entries, x0 0x%lx x1 0x%lx, expected 1, 0x%lx 0x%llx", n, e->num, e->arg,
		    num, SDEI_ARG);
	sdei_result(&env, e->pc == sdei_probe_pc(v) &&
		    (e->pstate & SDEI_PSTATE_MASK) == sdei_probe_pstate(v),
		    "x2, x3 at entry are the interrupted PC and PSTATE",
		    "x2 0x%lx x3 0x%lx, expected 0x%lx 0x%lx (mask 0x%llx)", e->pc, e->pstate,
		    sdei_probe_pc(v), sdei_probe_pstate(v), SDEI_PSTATE_MASK);
	sdei_result(&env, e->el == 4 && e->spsel == 1 && (e->daif & SDEI_DAIF) == SDEI_DAIF,
		    "the handler runs at EL1h with DAIF masked",
		    "CurrentEL 0x%lx SPSel %lu DAIF 0x%lx", e->el, e->spsel, e->daif);
	x0 = v->probe->mode == SDEI_PROBE_PARK ? sdei_xpat(0) : 0;
	x1 = v->probe->mode == SDEI_PROBE_PARK ? sdei_xpat(1) : 0;
	sdei_result(&env, e->ctx[SDEI_CTX_IDX_0] == x0 && e->ctx[SDEI_CTX_IDX_1] == x1 &&
		    e->ctx[SDEI_CTX_IDX_4] == sdei_xpat(4) &&
		    e->ctx[SDEI_CTX_IDX_17] == sdei_xpat(17),
		    "CONTEXT(0, 1, 4, 17) in the handler: the interrupted x0, x1, x4, x17",
		    "0x%lx 0x%lx 0x%lx 0x%lx, expected 0x%lx 0x%lx 0x%lx 0x%lx",
		    e->ctx[0], e->ctx[1], e->ctx[2], e->ctx[3], x0, x1, sdei_xpat(4),
		    sdei_xpat(17));
	sdei_expect(&env,
		    "CONTEXT(18) in a handler is INVALID_PARAMETERS (2021 bug: index 18 accepted)",
		    e->ctx[SDEI_CTX_IDX_18], APF_SDEI_INVALID_PARAMETERS);
	if (env.d == SDEI_D21)
		sdei_skip(&env, "STATUS in the handler is REGISTERED|ENABLED|RUNNING",
			  "not run on 2021: the host dereferences NULL (sdei_host_bugs)");
	else
		sdei_expect(&env, "STATUS in the handler is REGISTERED|ENABLED|RUNNING",
			    e->status, APF_SDEI_STATUS_REGISTERED | APF_SDEI_STATUS_ENABLED |
			    APF_SDEI_STATUS_RUNNING);
	spsr_want = env.d == SDEI_D21 || env.d == SDEI_D5 ? e->pstate : SDEI_SPSR_MARK;
	sdei_result(&env, e->spsr == spsr_want && v->log->count,
		    "SPSR_EL1 at entry (2021, v5: the interrupted PSTATE; v6, v7: untouched) (2021, v5 bug: lost on VHE hosts)",
		    "0x%lx, expected 0x%lx", e->spsr, spsr_want);
	sdei_expect(&env, "ELR_EL1 is untouched by the delivery", e->elr, SDEI_ELR_MARK);
	want = sdei_probe_xdiff(v, 0, 17);
	sdei_result(&env, !want, "COMPLETE restores x0-x17 and resumes the interrupted code",
		    "registers that differ (bitmap): 0x%lx", want);
	want = sdei_probe_xdiff(v, 18, 30);
	sdei_result(&env, !want && v->probe->sp_before == v->probe->sp_after,
		    "x18-x30 and SP survive the event (the entry point saves them)",
		    "registers that differ (bitmap) 0x%lx, SP 0x%lx then 0x%lx", want,
		    v->probe->sp_before, v->probe->sp_after);
	want = sdei_probe_qdiff(v);
	sdei_result(&env, !want && v->probe->fpsr == v->probe->fpsr_set &&
		    v->probe->fpcr == v->probe->fpcr_set,
		    "q0-q31, FPSR and FPCR survive the event",
		    "q registers that differ (bitmap) 0x%lx, FPSR 0x%lx/0x%lx FPCR 0x%lx/0x%lx",
		    want, v->probe->fpsr, v->probe->fpsr_set, v->probe->fpcr,
		    v->probe->fpcr_set);
	cleanup_raised(v);

	/* S2: COMPLETE_AND_RESUME to sdei_resume_stub */
	c = probe_cmd(v);
	c->h_finish = APF_SDEI_EVENT_COMPLETE_AND_RESUME;
	c->h_finish_arg = (uint64_t)sdei_resume_stub;
	run_probe(s, v);
	if (env.d == SDEI_D7) {
		ok = v->resume->count == 1 && !v->log->irq_count;
		sdei_result(&env, ok,
			    "COMPLETE_AND_RESUME (v7: resumes at x1; before: IRQ exception, x1 ignored) (v5 bug: the IRQ exception is dropped)",
			    "resumed at x1 %lu times, IRQ exceptions %lu, expected 1, 0",
			    v->resume->count, v->log->irq_count);
		ok = v->resume->elr == sdei_probe_pc(v) &&
		     (v->resume->spsr & SDEI_PSTATE_MASK) == sdei_probe_pstate(v) &&
		     v->resume->daif == SDEI_DAIF && v->resume->el == 4 && v->resume->spsel == 1;
		sdei_result(&env, ok,
			    "COMPLETE_AND_RESUME: ELR_EL1, SPSR_EL1 = interrupted PC, PSTATE; at EL1h, DAIF masked",
			    "ELR 0x%lx SPSR 0x%lx DAIF 0x%lx CurrentEL 0x%lx SPSel %lu, expected ELR 0x%lx SPSR 0x%lx",
			    v->resume->elr, v->resume->spsr, v->resume->daif, v->resume->el,
			    v->resume->spsel, sdei_probe_pc(v), sdei_probe_pstate(v));
	} else {
		ok = v->log->irq_count == 1 && !v->resume->count;
		sdei_result(&env, ok,
			    "COMPLETE_AND_RESUME (v7: resumes at x1; before: IRQ exception, x1 ignored) (v5 bug: the IRQ exception is dropped)",
			    "IRQ exceptions %lu, resumed at x1 %lu times, expected 1, 0",
			    v->log->irq_count, v->resume->count);
		ok = v->log->irq_pc == sdei_probe_pc(v) &&
		     (v->log->irq_pstate & SDEI_PSTATE_MASK) == sdei_probe_pstate(v);
		sdei_result(&env, ok,
			    "COMPLETE_AND_RESUME: ELR_EL1, SPSR_EL1 = interrupted PC, PSTATE; at EL1h, DAIF masked",
			    "IRQ vector (VBAR_EL1 + 0x280) saw ELR 0x%lx SPSR 0x%lx, expected 0x%lx 0x%lx",
			    v->log->irq_pc, v->log->irq_pstate, sdei_probe_pc(v),
			    sdei_probe_pstate(v));
	}
	want = sdei_probe_xdiff(v, 0, 30);
	sdei_result(&env, !want && v->probe->sp_before == v->probe->sp_after,
		    "COMPLETE_AND_RESUME: the interrupted code then continues with x0-x30 and SP",
		    "registers that differ (bitmap) 0x%lx, SP 0x%lx then 0x%lx", want,
		    v->probe->sp_before, v->probe->sp_after);
	cleanup_raised(v);

	/* S3: UNREGISTER in the handler */
	c = probe_cmd(v);
	c->h_call_fn = APF_SDEI_EVENT_UNREGISTER;
	c->h_call_x1 = num;
	run_probe(s, v);
	e = sdei_ent(v, 0) ? : &none;
	sdei_expect(&env, "UNREGISTER of the running event is PENDING", e->call_ret,
		    APF_SDEI_PENDING);
	sdei_check_call(v,
			"REGISTER after COMPLETE (2021: DENIED, no deferred unregistration; v5-v7: SUCCESS)",
			APF_SDEI_EVENT_REGISTER, num, (uint64_t)sdei_guest_entry, SDEI_ARG,
			APF_SDEI_RM_ANY, SDEI_PER(&env, APF_SDEI_DENIED, 0, 0, 0));
	if (env.d == SDEI_D21)
		cleanup_raised(v);
	else
		sdei_setup_call(v, "ENABLE", APF_SDEI_EVENT_ENABLE, num, 0, 0, 0);
}

/*
 * B: the handler's PSTATE.BTYPE. An event that interrupts the guest just
 * after an indirect branch (BTYPE != 0: the host took a stage 2 fault on the
 * fetch of the branch target) must not hand that BTYPE to the handler: its
 * first instruction would be checked as a branch target and, on a guarded
 * page without a landing pad (a BTI kernel's SDEI entry), fault. Exception
 * entry clears BTYPE; so does firmware's SDEI dispatch. The VMM sets BTYPE
 * 01 in the parked vCPU's PSTATE and raises the event at sdei_bti_entry,
 * alone on a page made guarded. 2021 design only: its VMM raises an event
 * at a parked vCPU (v5 and v7 build the handler's PSTATE the same way, read
 * in their patches, but are not exercised here).
 */
static const char *btype_name =
	"the handler starts with PSTATE.BTYPE = 0, the interrupted BTYPE 01 not kept (2021 bug: kept, a Branch Target exception at a guarded entry point)";

static void group_btype(struct sdei_vm *s, struct sdei_vc *v)
{
	uint64_t pfr1, pstate = 0, n;
	int err;

	if (env.d != SDEI_D21) {
		sdei_skip(&env, btype_name,
			  "exercised on the 2021 design only (its VMM raises an event at a parked vCPU)");
		return;
	}
	if (env.stop) {
		sdei_skip(&env, btype_name, env.stop);
		return;
	}
	vcpu_get_reg(v->vcpu, KVM_ARM64_SYS_REG(SYS_ID_AA64PFR1_EL1), &pfr1);
	if (!(pfr1 & 0xf)) {
		sdei_skip(&env, btype_name, "the vCPU has no FEAT_BTI (ID_AA64PFR1_EL1.BT is 0)");
		return;
	}
	if (s->vm->page_size != 4096) {
		sdei_skip(&env, btype_name,
			  "the guest's pages are not 4 KiB: sdei_bti_entry is not alone on its page");
		return;
	}
	*virt_get_pte_hva(s->vm, (vm_vaddr_t)sdei_bti_entry) |= SDEI_PTE_GP;

	sdei_cmd(v, SDEI_OP_PARK);
	if (!sdei_prereq(&env, sdei_run(v) == SDEI_RUN_PARKED, "the guest did not park")) {
		sdei_skip(&env, btype_name, env.stop);
		return;
	}
	pstate = sdei_reg(v, SDEI_REG_PSTATE);
	vcpu_set_reg(v->vcpu, SDEI_REG_PSTATE, (pstate & ~SDEI_PSR_BTYPE) | SDEI_PSR_BTYPE_J);
	pstate = sdei_reg(v, SDEI_REG_PSTATE);
	err = s21_raise(s, v->idx, EV21_RAISED, sdei_bti_entry, SDEI_ARG, 1ULL << v->idx);
	sdei_prereq(&env, !err, "SET_KEVENT/SET_VEVENT of 0x%llx: %s", EV21_RAISED, strerror(-err));
	if (!env.stop) {
		sdei_unpark(v);
		sdei_prereq(&env, sdei_run(v) == SDEI_RUN_DONE, "the guest parked again");
	}
	if (env.stop) {
		sdei_skip(&env, btype_name, env.stop);
		return;
	}
	if ((pstate & SDEI_PSR_BTYPE) != SDEI_PSR_BTYPE_J) {
		sdei_skip(&env, btype_name, "KVM did not keep the BTYPE the VMM wrote into PSTATE");
		cleanup_raised(v);
		return;
	}
	n = v->log->count;
	sdei_result(&env, n == 1 && !v->log->bti_count, btype_name,
		    "%lu deliveries, %lu Branch Target exceptions (at 0x%lx, SPSR 0x%lx; entry point 0x%lx); the interrupted PSTATE 0x%lx",
		    n, v->log->bti_count, v->log->bti_pc, v->log->bti_spsr,
		    (uint64_t)sdei_bti_entry, pstate);
	cleanup_raised(v);
}

/* S: SDEI_EVENT_SIGNAL (v5-v7); v7 keeps signaled events pending */
static void group_signal(struct sdei_vm *s, struct sdei_vc *v)
{
	const char *no21 = "no SDEI_EVENT_SIGNAL in the 2021 design";
	uint64_t e = ev_main(), mpidr, r1, r2, n;
	struct sdei_gent none = { 0 }, *ent;
	struct sdei_gcmd *c;

	if (env.d == SDEI_D21) {
		sdei_skip(&env,
			  "SIGNAL in the event's own handler: delivered again right after COMPLETE (v7 bug: COMPLETE requests no delivery)",
			  no21);
		sdei_skip(&env, "SIGNAL of an event other than 0 is INVALID_PARAMETERS", no21);
		sdei_skip(&env,
			  "SIGNAL of a disabled event (v5, v6: INVALID_PARAMETERS; v7: SUCCESS, pending)",
			  no21);
		sdei_skip(&env, "ENABLE delivers an event signaled while disabled (v7 only)", no21);
		sdei_skip(&env,
			  "SIGNAL twice while masked (v5, v6: INVALID_PARAMETERS; v7: SUCCESS, pending)",
			  no21);
		sdei_skip(&env,
			  "PE_UNMASK delivers the events signaled while masked once (v7 only)",
			  no21);
		return;
	}
	mpidr = env.stop ? 0 : sdei_mpidr(v);

	/* The handler signals its own event once */
	c = probe_cmd(v);
	c->h_call_fn = APF_SDEI_EVENT_SIGNAL;
	c->h_call_x1 = e;
	c->h_call_x2 = mpidr;
	run_probe(s, v);
	ent = sdei_ent(v, 0) ? : &none;
	n = env.stop ? 0 : v->log->count;
	sdei_result(&env, n == 2 && !ent->call_ret,
		    "SIGNAL in the event's own handler: delivered again right after COMPLETE (v7 bug: COMPLETE requests no delivery)",
		    "SIGNAL in the handler 0x%lx, %lu deliveries before the guest went on, expected 0, 2",
		    ent->call_ret, n);
	/* v7: a pending event left behind is delivered here */
	sdei_call1(v, APF_SDEI_PE_UNMASK, 0);

	sdei_check_call(v, "SIGNAL of an event other than 0 is INVALID_PARAMETERS",
			APF_SDEI_EVENT_SIGNAL, 1, mpidr, 0, 0, APF_SDEI_INVALID_PARAMETERS);

	/* Signaled while disabled: v7 keeps it pending until ENABLE */
	sdei_setup_call(v, "DISABLE", APF_SDEI_EVENT_DISABLE, e, 0, 0, 0);
	r1 = sdei_call(v, APF_SDEI_EVENT_SIGNAL, e, mpidr, 0, 0, 0);
	n = env.stop ? 0 : v->log->count;
	sdei_result(&env, r1 == SDEI_PER(&env, 0, APF_SDEI_INVALID_PARAMETERS,
					 APF_SDEI_INVALID_PARAMETERS, 0) && !n,
		    "SIGNAL of a disabled event (v5, v6: INVALID_PARAMETERS; v7: SUCCESS, pending)",
		    "0x%lx and %lu deliveries", r1, n);
	r1 = sdei_call1(v, APF_SDEI_EVENT_ENABLE, e);
	n = env.stop ? 0 : v->log->count;
	sdei_result(&env, !r1 && n == SDEI_PER(&env, 0, 0, 0, 1),
		    "ENABLE delivers an event signaled while disabled (v7 only)",
		    "ENABLE 0x%lx, %lu deliveries, expected %lu", r1, n,
		    SDEI_PER(&env, 0, 0, 0, 1));

	/* Signaled twice while masked: v7 delivers it once at PE_UNMASK */
	sdei_setup_call(v, "PE_MASK", APF_SDEI_PE_MASK, 0, 0, 0, 0);
	r1 = sdei_call(v, APF_SDEI_EVENT_SIGNAL, e, mpidr, 0, 0, 0);
	n = env.stop ? 0 : v->log->count;
	r2 = sdei_call(v, APF_SDEI_EVENT_SIGNAL, e, mpidr, 0, 0, 0);
	n += env.stop ? 0 : v->log->count;
	sdei_result(&env, r1 == SDEI_PER(&env, 0, APF_SDEI_INVALID_PARAMETERS,
					 APF_SDEI_INVALID_PARAMETERS, 0) && r2 == r1 && !n,
		    "SIGNAL twice while masked (v5, v6: INVALID_PARAMETERS; v7: SUCCESS, pending)",
		    "0x%lx, 0x%lx and %lu deliveries", r1, r2, n);
	r1 = sdei_call1(v, APF_SDEI_PE_UNMASK, 0);
	n = env.stop ? 0 : v->log->count;
	sdei_result(&env, !r1 && n == SDEI_PER(&env, 0, 0, 0, 1),
		    "PE_UNMASK delivers the events signaled while masked once (v7 only)",
		    "PE_UNMASK 0x%lx, %lu deliveries, expected %lu", r1, n,
		    SDEI_PER(&env, 0, 0, 0, 1));
}

/* T: two vCPUs */
static void group_two_vcpus(void)
{
	struct sdei_vm s2;
	struct sdei_vc *v0, *v1;
	uint64_t e = ev_main(), r, r2, n0, n1;
	struct sdei_gent none = { 0 }, *ent;
	int i, err;

	sdei_group(&env);
	sdei_vm_new(&env, &s2, 2);
	v0 = &s2.vc[0];
	v1 = &s2.vc[1];
	if (env.d == SDEI_D5)
		sdei_prereq(&env, !s5_expose(s2.vm, 0, APF_SDEI_TYPE_PRIVATE,
					     APF_SDEI_PRIO_NORMAL), "expose event 0");
	sdei_start(v0);
	sdei_start(v1);

	sdei_setup_call(v0, "REGISTER on vCPU0", APF_SDEI_EVENT_REGISTER, e,
			(uint64_t)sdei_guest_entry, SDEI_ARG, APF_SDEI_RM_ANY);
	if (env.d == SDEI_D21) {
		sdei_skip(&env, "a new PE is masked: SIGNAL is not delivered before PE_UNMASK",
			  "no SDEI_EVENT_SIGNAL in the 2021 design (PE_MASK of a new PE is DENIED)");
	} else {
		sdei_setup_call(v0, "ENABLE on vCPU0", APF_SDEI_EVENT_ENABLE, e, 0, 0, 0);
		r = sdei_call(v0, APF_SDEI_EVENT_SIGNAL, e, env.stop ? 0 : sdei_mpidr(v0), 0, 0,
			      0);
		n0 = env.stop ? 0 : v0->log->count;
		r2 = sdei_call1(v0, APF_SDEI_PE_UNMASK, 0);
		n1 = env.stop ? 0 : v0->log->count;
		sdei_result(&env, r == SDEI_PER(&env, 0, APF_SDEI_INVALID_PARAMETERS,
						APF_SDEI_INVALID_PARAMETERS, 0) &&
			    !n0 && !r2 && n1 == SDEI_PER(&env, 0, 0, 0, 1),
			    "a new PE is masked: SIGNAL is not delivered before PE_UNMASK (v5, v6: INVALID_PARAMETERS; v7: pending until PE_UNMASK)",
			    "SIGNAL 0x%lx (%lu deliveries), PE_UNMASK 0x%lx (%lu deliveries)", r,
			    n0, r2, n1);
	}
	sdei_check_call(v1,
			"a private event registered on vCPU0 is not on vCPU1: ENABLE there is DENIED",
			APF_SDEI_EVENT_ENABLE, e, 0, 0, 0, APF_SDEI_DENIED);
	sdei_check_call(v1, "vCPU1 registers the same private event for itself",
			APF_SDEI_EVENT_REGISTER, e, (uint64_t)sdei_guest_entry, SDEI_ARG,
			APF_SDEI_RM_ANY, 0);
	sdei_setup_call(v1, "PRIVATE_RESET on vCPU1", APF_SDEI_PRIVATE_RESET, 0, 0, 0, 0);
	sdei_check_call(v0,
			"PRIVATE_RESET on vCPU1 (2021, v5: unregisters vCPU0 too, VM-wide; v6, v7: only vCPU1) (v5 bug: PRIVATE and SHARED reset swapped)",
			APF_SDEI_EVENT_UNREGISTER, e, 0, 0, 0,
			SDEI_PER(&env, APF_SDEI_INVALID_PARAMETERS, APF_SDEI_INVALID_PARAMETERS,
				 0, 0));

	/* Nothing is registered now; raise the event for vCPU0 only */
	if (env.d == SDEI_D21) {
		sdei_cmd(v0, SDEI_OP_PARK);
		if (!env.stop && sdei_run(v0) == SDEI_RUN_PARKED) {
			err = s21_raise(&s2, 0, e, sdei_guest_entry, SDEI_ARG, 3);
			if (sdei_prereq(&env, !err, "SET_KEVENT/SET_VEVENT: %s", strerror(-err))) {
				sdei_unpark(v0);
				sdei_prereq(&env, sdei_run(v0) == SDEI_RUN_DONE, "vCPU0 parked");
			}
		} else {
			sdei_prereq(&env, false, "vCPU0 did not park");
		}
	} else {
		for (i = 0; i < 2; i++)
			sdei_setup_event(&s2.vc[i], e, sdei_guest_entry);
		sdei_call(v0, APF_SDEI_EVENT_SIGNAL, e, env.stop ? 0 : sdei_mpidr(v0), 0, 0, 0);
	}
	n0 = env.stop ? 0 : v0->log->count;
	ent = sdei_ent(v0, 0) ? : &none;
	r = sdei_call(v1, APF_SDEI_PE_UNMASK, 0, 0, 0, 0, 0);
	n1 = env.stop ? 0 : v1->log->count;
	sdei_result(&env, n0 == 1 && ent->num == e && !n1 && r != SDEI_NA,
		    "an event raised for vCPU0 is delivered on vCPU0, not on vCPU1",
		    "vCPU0: %lu deliveries (event 0x%lx), vCPU1: %lu", n0, ent->num, n1);
	sdei_vm_free(&s2);
}

int main(void)
{
	struct sdei_vm s;
	struct sdei_vc *v;
	int err = 0;

	ksft_print_header();
	ksft_set_plan(NR_CHECKS);
	sdei_env_init(&env);

	sdei_vm_new(&env, &s, 1);
	v = &s.vc[0];
	sdei_start(v);
	if (!group_version(v)) {
		sdei_vm_free(&s);
		apf_skip_rest(NR_CHECKS, env.probe.sdei_why);
	}

	/* The events the guest needs, before it runs a step that uses them */
	if (env.d == SDEI_D21)
		err = s21_set_event(&env, s.vm, EV21_RAISED, APF_SDEI_TYPE_PRIVATE,
				    APF_SDEI_PRIO_CRITICAL);
	else if (env.d == SDEI_D5)
		err = s5_expose(s.vm, 0, APF_SDEI_TYPE_PRIVATE, APF_SDEI_PRIO_NORMAL);
	sdei_prereq(&env, !err, "the VMM could not create/expose the test event: %s",
		    strerror(-err));

	group_lifecycle(v);
	group_delivery(&s, v);
	group_signal(&s, v);
	group_btype(&s, v);
	sdei_vm_free(&s);

	group_two_vcpus();

	TEST_ASSERT(ksft_test_num() == NR_CHECKS, "ran %u checks, planned %u",
		    ksft_test_num(), NR_CHECKS);
	sdei_finish(&env);
}
