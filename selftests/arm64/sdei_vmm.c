// SPDX-License-Identifier: GPL-2.0-only
/*
 * sdei_vmm - the VMM side of the SDEI virtualization series (never merged),
 * for each version: the 2021 design's KVM_ARM_SDEI_COMMAND (v2 0xc8, v3
 * 0xcc, v4 0xce; 8352 bytes), v5's KVM_ARM_SDEI_COMMAND (0xd0, 16 bytes,
 * user pointers) and v7's firmware registers. v6 has no VMM interface.
 *
 * Validated, with each version's expectations from its patches:
 *  - that the SDEI version the guest sees (SDEI_VERSION, FEATURES) is the
 *    one whose VMM interface answers (lib/apf_probe.c);
 *  - which interface the kernel has, and that the other versions' are absent
 *    (ioctls: EINVAL; v7 registers: ENOENT, and not in KVM_GET_REG_LIST);
 *  - 2021: commands on the wrong fd, the KVM event records (GET_KEVENT
 *    after REGISTER), SET_EVENT (EEXIST, EINVAL, a normal-priority event the
 *    guest sees), SET_KEVENT errors, INJECT_EVENT errors (EINVAL, ENOENT,
 *    EPERM), SET_VCPU_STATE validation, GET_VCPU_STATE of a new vCPU;
 *  - v5: events exist only once exposed, SET_EXPOSED_EVENT rules (no-op,
 *    EINVAL, EEXIST, ERANGE), the registered event state, INJECT_EVENT
 *    errors, GET_VCPU_STATE of a new vCPU;
 *  - v7: the SDEI bit of the standard firmware bitmap, the event and PE
 *    state registers;
 *  - injection by the VMM (v5 INJECT_EVENT, v7 PENDING), also right after
 *    an MMIO exit (the 2021 design enters the handler 4 bytes late there);
 *  - migration: an event pending in one VM delivered in a second one, and a
 *    handler running in the second VM moved to a third one, where CONTEXT
 *    and COMPLETE act on the migrated context;
 *  - critical events preempt normal ones (2021 and v5, which have both).
 * The 2021 design's INJECT_EVENT of a registered, enabled event takes the
 * vCPU's SDEI lock twice and hangs the host: it runs in sdei_host_bugs only.
 * Here the 2021 design gets its pending events the way a migration
 * destination restores them (SET_KEVENT, SET_VEVENT). Notifier fields are
 * always 0: the 2021 design and v5 call them as kernel function pointers.
 * The series' bugs are named checks: route_affinity stored as route_mode
 * (2021 and v5), SET_VCPU_STATE not checking normal_num (2021), and the
 * missing PC commit before delivery (2021).
 */
#include "sdei_test.h"

#define NR_CHECKS	50

#define EV_N		0x40400010ULL	/* 2021: a VMM-defined normal event */
#define EV_B6		0x40400020ULL	/* 2021: the event raised after an MMIO exit */
#define EV_NONE		0x40400030ULL	/* a valid number no version knows */
#define EV_CRIT5	0x40400000ULL	/* v5: a critical event exposed by the VMM */

static struct sdei_env env;

/* The event the checks register and raise */
static uint64_t ev_main(void)
{
	return env.d == SDEI_D21 ? SDEI21_DEFAULT_EVENT : 0;
}

/* ---------------------------------------------------------------------- */
/* X: which interfaces exist                                              */
/* ---------------------------------------------------------------------- */
static const uint64_t v7_regs[SDEI7_NR_REGS] = {
	SDEI7_REG_EVENT_HANDLER(0), SDEI7_REG_EVENT_HANDLER(1), SDEI7_REG_EVENT_HANDLER(2),
	SDEI7_REG_EVENT_HANDLER(3), SDEI7_REG_EVENT_REGISTERED, SDEI7_REG_EVENT_ENABLED,
	SDEI7_REG_EVENT_RUNNING, SDEI7_REG_EVENT_PENDING, SDEI7_REG_EVENT_CONTEXT,
	SDEI7_REG_PE_STATE,
};

static void group_interfaces(struct sdei_vm *s)
{
	static const int nr21[] = { 0xc8, 0xcc, 0xce };
	struct sdei_vc *v = &s->vc[0];
	struct kvm_reg_list *list;
	char why[192] = "";
	uint32_t ver = 0;
	uint64_t pe;
	int i, r, want, found = 0;
	bool ok = true;
	unsigned int j;

	for (i = 0; i < 3; i++) {
		unsigned long req = SDEI21_IOCTL(nr21[i]);
		struct sdei21_cmd *c = s21_cmd(SDEI21_CMD_GET_VERSION);
		bool own = env.d == SDEI_D21 && env.abi->ioctl == req;

		r = ioctl(s->vm->fd, req, c) ? -errno : 0;
		want = own ? 0 : -EINVAL;
		if (r != want || (own && c->version != SDEI21_VERSION)) {
			ok = false;
			snprintf(why + strlen(why), sizeof(why) - strlen(why),
				 " nr 0x%x: %d version 0x%x (expected %d);", nr21[i], r, c->version,
				 want);
		}
	}
	sdei_result(&env, ok,
		    "2021 KVM_ARM_SDEI_COMMAND (0xc8, 0xcc, 0xce): GET_VERSION 1.0.0 on the version's own number only",
		    "%s", why);

	r = s5_ioctl(s->vm->fd, SDEI5_CMD_GET_VERSION, 0, 0, &ver);
	want = env.d == SDEI_D5 ? 0 : -EINVAL;
	sdei_result(&env, r == want && (r || ver == SDEI5_VERSION),
		    "v5 KVM_ARM_SDEI_COMMAND (0xd0): GET_VERSION 1.0.0 on v5 only (elsewhere EINVAL)",
		    "%d, version 0x%x; expected %d", r, ver, want);

	r = s7_get(v->vcpu, SDEI7_REG_PE_STATE, &pe);
	want = env.d == SDEI_D7 ? 0 : -ENOENT;
	sdei_result(&env, r == want && (r || pe == 1),
		    "v7 firmware register SDEI_PE_STATE: 1 (masked) on a new vCPU on v7 only (elsewhere ENOENT)",
		    "%d, value 0x%lx; expected %d", r, r ? 0 : pe, want);

	list = vcpu_get_reg_list(v->vcpu);
	for (j = 0; j < list->n; j++)
		for (i = 0; i < SDEI7_NR_REGS; i++)
			found += list->reg[j] == v7_regs[i];
	free(list);
	want = env.d == SDEI_D7 ? SDEI7_NR_REGS : 0;
	sdei_result(&env, found == want,
		    "KVM_GET_REG_LIST lists the 10 SDEI registers on v7 only",
		    "%d of them listed, expected %d", found, want);
}

/* ---------------------------------------------------------------------- */
/* Checks that name their version: skipped on the others                  */
/* ---------------------------------------------------------------------- */
static void skip_names(const char * const *names, int n, const char *why)
{
	int i;

	for (i = 0; i < n; i++)
		sdei_skip(&env, names[i], why);
}

/* 2021 design */
enum {
	W_VCPU_CMD_ON_VM, W_VM_CMD_ON_VCPU, W_KEVENT_COUNT0, W_KEVENT_EMPTY, W_SET_EVENT_EEXIST,
	W_SET_EVENT_EINVAL, W_SET_EVENT_NORMAL, W_KEVENT, W_ROUTE_MODE, W_KEVENT_END,
	W_VCPU_STATE_NEW, W_INJECT_BAD, W_INJECT_DISABLED, W_INJECT_OTHER_VCPU,
	W_SET_KEVENT_ERRORS, W_SET_VCPU_STATE_CRIT, W_SET_VCPU_STATE_NORMAL, W_NR
};

static const char * const w_names[W_NR] = {
	"2021: a vCPU command (GET_VEVENT_COUNT) on the VM fd is EINVAL",
	"2021: a VM command (GET_VERSION) on a vCPU fd is EINVAL",
	"2021: GET_KEVENT_COUNT is 0 before any REGISTER",
	"2021: GET_KEVENT without records is ENOENT",
	"2021: SET_EVENT of KVM's event 0x40400000 is EEXIST",
	"2021: SET_EVENT with an invalid number, type or priority is EINVAL",
	"2021: SET_EVENT creates a normal-priority event; GET_INFO(PRIORITY) in the guest is NORMAL",
	"2021: GET_KEVENT after REGISTER: one record, with the entry point, argument and registered bit of vCPU0",
	"2021: GET_KEVENT route_mode is the registered routing mode (2021 bug: route_affinity stored)",
	"2021: GET_KEVENT after the last record is ENOENT",
	"2021: GET_VCPU_STATE of a new vCPU: masked, no handler running",
	"2021: INJECT_EVENT of an invalid number is EINVAL, of an event nobody registered ENOENT",
	"2021: INJECT_EVENT of a registered event not enabled is EPERM",
	"2021: INJECT_EVENT on a vCPU that did not register the private event is EPERM",
	"2021: SET_KEVENT of no event ENOENT, of an event with a record EEXIST, bad routing mode EINVAL",
	"2021: SET_VCPU_STATE with a critical_num that has no vCPU event is EINVAL",
	"2021: SET_VCPU_STATE with a normal_num that has no vCPU event is EINVAL (2021 bug: normal_num not checked)",
};

/* v5 */
enum {
	F_UNEXPOSED, F_EXPOSE_NONE, F_EXPOSE_EINVAL, F_EXPOSED, F_EXPOSE_EEXIST, F_EXPOSE_ERANGE,
	F_GUEST_SEES, F_REGISTERED, F_ROUTE_MODE, F_WRONG_FD, F_VCPU_STATE_NEW, F_INJECT_ERRORS,
	F_INJECT_MASKED, F_NR
};

static const char * const f_names[F_NR] = {
	"v5: before the VMM exposes event 0, the guest's REGISTER is INVALID_PARAMETERS",
	"v5: no events are exposed at first; SET_EXPOSED_EVENT with count 0 is a no-op",
	"v5: SET_EXPOSED_EVENT with an invalid number, type, priority or a duplicate is EINVAL",
	"v5: exposed events read back with their properties",
	"v5: re-exposing an event with other properties is EEXIST, with the same ones SUCCESS",
	"v5: more than 128 exposed events is ERANGE",
	"v5: the guest sees the exposed priority (0x40400000: CRITICAL)",
	"v5: GET_REGISTERED_EVENT after REGISTER: entry point, argument, registered bit of vCPU0",
	"v5: GET_REGISTERED_EVENT route_mode is the registered routing mode (v5 bug: route_affinity stored)",
	"v5: a vCPU command on the VM fd and a VM command on a vCPU fd are EINVAL",
	"v5: GET_VCPU_STATE of a new vCPU: masked, no handler running",
	"v5: INJECT_EVENT of an invalid number EINVAL, unregistered ENOENT, not enabled EPERM",
	"v5: INJECT_EVENT while the PE is masked is EPERM",
};

/* v7 */
enum { R_BMAP_RESET, R_BMAP_CLEARED, R_EVENT_REGS, R_PE_STATE, R_BITMAP_WRITE, R_NR };

static const char * const r_names[R_NR] = {
	"v7: KVM_REG_ARM_STD_BMAP is 0x3 at reset (bit 1: SDEI)",
	"v7: with the SDEI bit cleared before the first run, SDEI_VERSION is NOT_SUPPORTED",
	"v7: REGISTERED, ENABLED, HANDLER_0 after REGISTER and ENABLE; RUNNING, PENDING, HANDLER_2/3 are 0",
	"v7: SDEI_PE_STATE follows PE_UNMASK (0) and PE_MASK (1)",
	"v7: bitmap register writes keep bits 0-1 only",
};

/* Injection and migration (2021, v5, v7) */
enum {
	C_INJECT, C_MMIO_ENTRY, C_MMIO_REPEAT, C_MIG_PENDING, C_MIG_IDLE, C_MIG_RUNNING,
	C_MIG_CONTEXT, C_MIG_COMPLETE, C_NR
};

static const char * const c_names[C_NR] = {
	"VMM injection (v5: INJECT_EVENT; v7: PENDING register) is delivered",
	"VMM injection right after an MMIO exit: handler at its entry point, x2 = the instruction after the access (2021 bug: missing PC commit)",
	"VMM injection right after an MMIO exit: the MMIO access is not repeated after COMPLETE (2021 bug: missing PC commit)",
	"migration: an event pending in one VM is delivered in a second VM, to the source's entry point and argument",
	"migration: after COMPLETE in the second VM, its SDEI state has nothing pending or running",
	"migration: the second VM's SDEI state shows its running handler and the interrupted context",
	"migration: in a third VM given that state, CONTEXT returns the interrupted x0, x1",
	"migration: COMPLETE in the third VM resumes the interrupted code of the second",
};

/* Priorities (2021, v5) */
enum { P_PREEMPT, P_WAIT, P_NR };

static const char * const p_names[P_NR] = {
	"a critical event preempts a running normal handler",
	"a normal event raised during a critical handler waits until it completes",
};

/* ---------------------------------------------------------------------- */
/* Design-specific state access                                           */
/* ---------------------------------------------------------------------- */
static int s21_vm_cmd(struct kvm_vm *vm, struct sdei21_cmd *c)
{
	return s21_ioctl(&env, vm->fd, c);
}

static int s21_vcpu_cmd(struct sdei_vc *v, struct sdei21_cmd *c)
{
	return s21_ioctl(&env, v->vcpu->fd, c);
}

static int s21_inject(struct sdei_vc *v, uint64_t num)
{
	struct sdei21_cmd *c = s21_cmd(SDEI21_CMD_INJECT_EVENT);

	c->num = num;
	return s21_vcpu_cmd(v, c);
}

/* The KVM event record of @num (GET_KEVENT walks the records) */
static int s21_find_kevent(struct kvm_vm *vm, uint64_t num, struct sdei21_kvm_event_state *out)
{
	uint64_t cur = SDEI21_INVALID_NUM;
	struct sdei21_cmd *c;
	int i, r;

	for (i = 0; i < 8; i++) {
		c = s21_cmd(SDEI21_CMD_GET_KEVENT);
		c->kske_state.num = cur;
		r = s21_vm_cmd(vm, c);
		if (r)
			return r;
		if (c->kske_state.num == num) {
			*out = c->kske_state;
			return 0;
		}
		cur = c->kske_state.num;
	}
	return -ENOENT;
}

static int s21_vcpu_state(struct sdei_vc *v, struct sdei21_vcpu_state *out)
{
	struct sdei21_cmd *c = s21_cmd(SDEI21_CMD_GET_VCPU_STATE);
	int r = s21_vcpu_cmd(v, c);

	*out = c->ksv_state;
	return r;
}

static int s21_set_vcpu_state(struct sdei_vc *v, const struct sdei21_vcpu_state *st)
{
	struct sdei21_cmd *c = s21_cmd(SDEI21_CMD_SET_VCPU_STATE);

	c->ksv_state = *st;
	return s21_vcpu_cmd(v, c);
}

static int s5_vm_cmd(struct kvm_vm *vm, uint32_t cmd, uint32_t count, const void *p,
		     uint32_t *out)
{
	return s5_ioctl(vm->fd, cmd, count, (uint64_t)p, out);
}

static int s5_vcpu_cmd(struct sdei_vc *v, uint32_t cmd, uint32_t count, const void *p,
		       uint32_t *out)
{
	return s5_ioctl(v->vcpu->fd, cmd, count, (uint64_t)p, out);
}

static int s5_inject(struct sdei_vc *v, uint64_t num)
{
	return s5_ioctl(v->vcpu->fd, SDEI5_CMD_INJECT_EVENT, 0, num, NULL);
}

/* The whole SDEI state of a VM with one vCPU, for migration */
static struct {
	struct sdei21_kvm_event_state kske;
	struct sdei21_vcpu_event_state ksve;
	uint32_t nr_vevents;
	struct sdei5_exposed_event ex[4];
	struct sdei5_registered_event reg[2];
	struct sdei5_vcpu_event ve[2];
	uint32_t nr_ex, nr_reg, nr_ve;
	struct sdei21_vcpu_state vs;	/* 2021 and v5 */
	struct sdei7_state st7;
} mig;

static int save_state(struct sdei_vm *s)
{
	struct sdei_vc *v = &s->vc[0];
	struct sdei21_cmd *c;
	int r;

	memset(&mig, 0, sizeof(mig));
	switch (env.d) {
	case SDEI_D21:
		r = s21_find_kevent(s->vm, ev_main(), &mig.kske);
		if (r)
			return r;
		c = s21_cmd(SDEI21_CMD_GET_VEVENT_COUNT);
		r = s21_vcpu_cmd(v, c);
		mig.nr_vevents = c->count;
		if (!r && mig.nr_vevents) {
			c = s21_cmd(SDEI21_CMD_GET_VEVENT);
			c->ksve_state.num = SDEI21_INVALID_NUM;
			r = s21_vcpu_cmd(v, c);
			mig.ksve = c->ksve_state;
		}
		return r ? r : s21_vcpu_state(v, &mig.vs);
	case SDEI_D5:
		r = s5_vm_cmd(s->vm, SDEI5_CMD_GET_EXPOSED_EVENT_COUNT, 0, NULL, &mig.nr_ex);
		if (!r && mig.nr_ex > ARRAY_SIZE(mig.ex))
			return -E2BIG;
		r = r ? r : s5_vm_cmd(s->vm, SDEI5_CMD_GET_EXPOSED_EVENT, mig.nr_ex, mig.ex, NULL);
		r = r ? r : s5_vm_cmd(s->vm, SDEI5_CMD_GET_REGISTERED_EVENT_COUNT, 0, NULL,
				      &mig.nr_reg);
		if (!r && mig.nr_reg > ARRAY_SIZE(mig.reg))
			return -E2BIG;
		r = r ? r : s5_vm_cmd(s->vm, SDEI5_CMD_GET_REGISTERED_EVENT, mig.nr_reg, mig.reg,
				      NULL);
		r = r ? r : s5_vcpu_cmd(v, SDEI5_CMD_GET_VCPU_EVENT_COUNT, 0, NULL, &mig.nr_ve);
		if (!r && mig.nr_ve > ARRAY_SIZE(mig.ve))
			return -E2BIG;
		r = r ? r : s5_vcpu_cmd(v, SDEI5_CMD_GET_VCPU_EVENT, mig.nr_ve, mig.ve, NULL);
		return r ? r : s5_vcpu_cmd(v, SDEI5_CMD_GET_VCPU_STATE, 0, &mig.vs, NULL);
	default:
		return s7_save(v->vcpu, &mig.st7);
	}
}

/* Write the saved state into @s, as a migration destination does */
static int restore_state(struct sdei_vm *s)
{
	struct sdei_vc *v = &s->vc[0];
	struct sdei21_cmd *c;
	int r;

	switch (env.d) {
	case SDEI_D21:
		c = s21_cmd(SDEI21_CMD_SET_KEVENT);
		c->kske_state = mig.kske;
		r = s21_vm_cmd(s->vm, c);
		if (!r && mig.nr_vevents) {
			c = s21_cmd(SDEI21_CMD_SET_VEVENT);
			c->ksve_state = mig.ksve;
			r = s21_vcpu_cmd(v, c);
		}
		return r ? r : s21_set_vcpu_state(v, &mig.vs);
	case SDEI_D5:
		r = s5_vm_cmd(s->vm, SDEI5_CMD_SET_EXPOSED_EVENT, mig.nr_ex, mig.ex, NULL);
		r = r ? r : s5_vm_cmd(s->vm, SDEI5_CMD_SET_REGISTERED_EVENT, mig.nr_reg, mig.reg,
				      NULL);
		r = r ? r : s5_vcpu_cmd(v, SDEI5_CMD_SET_VCPU_EVENT, mig.nr_ve, mig.ve, NULL);
		return r ? r : s5_vcpu_cmd(v, SDEI5_CMD_SET_VCPU_STATE, 0, &mig.vs, NULL);
	default:
		return s7_restore(v->vcpu, &mig.st7);
	}
}

/* The saved state shows the main event running, interrupted in sdei_park */
static bool saved_running(char *why, size_t len)
{
	const struct sdei21_vcpu_regs *regs;
	uint64_t pc, x0, x1;
	bool ok;

	switch (env.d) {
	case SDEI_D21:
		regs = &mig.vs.critical_regs;
		ok = mig.kske.refcount == 1 && mig.nr_vevents == 1 &&
		     mig.ksve.num == ev_main() && mig.ksve.refcount == 1 &&
		     mig.vs.critical_num == ev_main();
		snprintf(why, len,
			 "record refcount %u, %u vCPU events (0x%lx refcount %u), critical_num 0x%lx",
			 mig.kske.refcount, mig.nr_vevents, mig.ksve.num, mig.ksve.refcount,
			 mig.vs.critical_num);
		break;
	case SDEI_D5:
		regs = &mig.vs.normal_regs;
		ok = mig.nr_ve == 1 && mig.ve[0].num == 0 && mig.ve[0].event_count == 1 &&
		     mig.vs.normal_num == 0 && mig.vs.critical_num == SDEI5_INVALID_EVENT;
		snprintf(why, len,
			 "%u vCPU events (0x%lx count %u), normal_num 0x%lx critical_num 0x%lx",
			 mig.nr_ve, mig.ve[0].num, mig.ve[0].event_count, mig.vs.normal_num,
			 mig.vs.critical_num);
		break;
	default:
		regs = NULL;
		ok = mig.st7.running == 1 && !mig.st7.pending;
		snprintf(why, len, "RUNNING 0x%lx PENDING 0x%lx", mig.st7.running,
			 mig.st7.pending);
	}
	if (regs) {
		pc = regs->pc;
		x0 = regs->regs[0];
		x1 = regs->regs[1];
	} else {
		pc = mig.st7.ctx.pc;
		x0 = mig.st7.ctx.regs[0];
		x1 = mig.st7.ctx.regs[1];
	}
	ok &= pc == (uint64_t)sdei_park_ret && x0 == SDEI_PARK_X0 && x1 == SDEI_PARK_X1;
	snprintf(why + strlen(why), len - strlen(why),
		 "; context PC 0x%lx x0 0x%lx x1 0x%lx, expected 0x%lx 0x%llx 0x%llx", pc, x0, x1,
		 (uint64_t)sdei_park_ret, SDEI_PARK_X0, SDEI_PARK_X1);
	return ok;
}

/* The SDEI state of @s has nothing pending or running */
static bool state_idle(struct sdei_vm *s, char *why, size_t len)
{
	static struct sdei21_kvm_event_state idle_k;
	struct sdei21_kvm_event_state *k = &idle_k;
	struct sdei_vc *v = &s->vc[0];
	struct sdei21_vcpu_state vs;
	struct sdei21_cmd *c;
	uint32_t n = ~0U;
	uint64_t run, pend;
	int r;

	switch (env.d) {
	case SDEI_D21:
		r = s21_find_kevent(s->vm, ev_main(), k);
		c = s21_cmd(SDEI21_CMD_GET_VEVENT_COUNT);
		r = r ? r : s21_vcpu_cmd(v, c);
		n = c->count;
		r = r ? r : s21_vcpu_state(v, &vs);
		snprintf(why, len, "%d: record refcount %u, %u vCPU events, critical_num 0x%lx", r,
			 k->refcount, n, vs.critical_num);
		return !r && !k->refcount && !n && vs.critical_num == SDEI21_INVALID_NUM;
	case SDEI_D5:
		r = s5_vcpu_cmd(v, SDEI5_CMD_GET_VCPU_EVENT_COUNT, 0, NULL, &n);
		r = r ? r : s5_vcpu_cmd(v, SDEI5_CMD_GET_VCPU_STATE, 0, &vs, NULL);
		snprintf(why, len, "%d: %u vCPU events, normal_num 0x%lx critical_num 0x%lx", r, n,
			 vs.normal_num, vs.critical_num);
		return !r && !n && vs.normal_num == SDEI5_INVALID_EVENT &&
		       vs.critical_num == SDEI5_INVALID_EVENT;
	default:
		run = s7_get64(v->vcpu, SDEI7_REG_EVENT_RUNNING);
		pend = s7_get64(v->vcpu, SDEI7_REG_EVENT_PENDING);
		snprintf(why, len, "RUNNING 0x%lx PENDING 0x%lx", run, pend);
		return !run && !pend;
	}
}

/* Make the main event pending on vCPU0 by the version's VMM injection */
static int inject_main(struct sdei_vm *s)
{
	struct sdei_vc *v = &s->vc[0];
	uint64_t pend;

	if (env.d == SDEI_D5)
		return s5_inject(v, 0);
	pend = s7_get64(v->vcpu, SDEI7_REG_EVENT_PENDING);
	return s7_set64(v->vcpu, SDEI7_REG_EVENT_PENDING, pend | 1);
}

/* ---------------------------------------------------------------------- */
/* W: the 2021 design                                                     */
/* ---------------------------------------------------------------------- */
static void group_2021(struct sdei_vm *s)
{
	struct sdei_vc *v0 = &s->vc[0], *v1 = &s->vc[1];
	struct sdei21_kvm_event_state *k = &mig.kske;
	struct sdei21_vcpu_state vs;
	struct sdei21_cmd *c;
	uint64_t prio;
	uint32_t count;
	int r, r2, r3;
	bool ok;

	c = s21_cmd(SDEI21_CMD_GET_VEVENT_COUNT);
	sdei_expect_err(&env, w_names[W_VCPU_CMD_ON_VM], s21_vm_cmd(s->vm, c), -EINVAL);
	c = s21_cmd(SDEI21_CMD_GET_VERSION);
	sdei_expect_err(&env, w_names[W_VM_CMD_ON_VCPU], s21_vcpu_cmd(v0, c), -EINVAL);
	c = s21_cmd(SDEI21_CMD_GET_KEVENT_COUNT);
	c->count = 99;
	r = s21_vm_cmd(s->vm, c);
	sdei_result(&env, !r && !c->count, w_names[W_KEVENT_COUNT0], "%d, count %u", r,
		    c->count);
	c = s21_cmd(SDEI21_CMD_GET_KEVENT);
	sdei_expect_err(&env, w_names[W_KEVENT_EMPTY], s21_vm_cmd(s->vm, c), -ENOENT);
	sdei_expect_err(&env, w_names[W_SET_EVENT_EEXIST],
			s21_set_event(&env, s->vm, SDEI21_DEFAULT_EVENT, APF_SDEI_TYPE_PRIVATE,
				      APF_SDEI_PRIO_CRITICAL), -EEXIST);
	r = s21_set_event(&env, s->vm, 0x1, APF_SDEI_TYPE_PRIVATE, APF_SDEI_PRIO_NORMAL);
	r2 = s21_set_event(&env, s->vm, EV_N, 2, APF_SDEI_PRIO_NORMAL);
	r3 = s21_set_event(&env, s->vm, EV_N, APF_SDEI_TYPE_PRIVATE, 2);
	sdei_result(&env, r == -EINVAL && r2 == -EINVAL && r3 == -EINVAL,
		    w_names[W_SET_EVENT_EINVAL], "number %d, type %d, priority %d (expected %d)",
		    r, r2, r3, -EINVAL);
	r = s21_set_event(&env, s->vm, EV_N, APF_SDEI_TYPE_PRIVATE, APF_SDEI_PRIO_NORMAL);
	r2 = s21_set_event(&env, s->vm, EV_B6, APF_SDEI_TYPE_PRIVATE, APF_SDEI_PRIO_CRITICAL);
	sdei_start(v0);
	prio = sdei_call(v0, APF_SDEI_EVENT_GET_INFO, EV_N, APF_SDEI_INFO_PRIORITY, 0, 0, 0);
	sdei_result(&env, !r && !r2 && prio == APF_SDEI_PRIO_NORMAL,
		    w_names[W_SET_EVENT_NORMAL], "SET_EVENT %d, %d; GET_INFO(PRIORITY) 0x%lx",
		    r, r2, prio);

	/* REGISTER with routing mode ANY and affinity 1 */
	prio = sdei_call(v0, APF_SDEI_EVENT_REGISTER, ev_main(), (uint64_t)sdei_entry_checked,
			 SDEI_ARG, APF_SDEI_RM_ANY, 1);
	sdei_prereq(&env, !prio, "REGISTER returned 0x%lx", prio);
	c = s21_cmd(SDEI21_CMD_GET_KEVENT_COUNT);
	r = env.stop ? 0 : s21_vm_cmd(s->vm, c);
	count = c->count;
	r2 = env.stop ? 0 : s21_find_kevent(s->vm, ev_main(), k);
	sdei_result(&env, !r && !r2 && count == 1 && k->num == ev_main() &&
		    k->entries[0] == (uint64_t)sdei_entry_checked && k->params[0] == SDEI_ARG &&
		    k->registered[0] == 1 && !k->enabled[0] && !k->refcount,
		    w_names[W_KEVENT],
		    "%d/%d: %u records; num 0x%lx entry 0x%lx arg 0x%lx registered 0x%lx enabled 0x%lx refcount %u",
		    r, r2, count, k->num, k->entries[0], k->params[0], k->registered[0],
		    k->enabled[0], k->refcount);
	sdei_result(&env, !r2 && k->route_mode == APF_SDEI_RM_ANY && k->route_affinity == 1,
		    w_names[W_ROUTE_MODE], "route_mode %u route_affinity 0x%lx, expected 0, 0x1",
		    k->route_mode, k->route_affinity);
	c = s21_cmd(SDEI21_CMD_GET_KEVENT);
	c->kske_state.num = ev_main();
	sdei_expect_err(&env, w_names[W_KEVENT_END], s21_vm_cmd(s->vm, c), -ENOENT);

	r = s21_vcpu_state(v1, &vs);
	sdei_result(&env, !r && vs.masked == 1 && vs.critical_num == SDEI21_INVALID_NUM &&
		    vs.normal_num == SDEI21_INVALID_NUM, w_names[W_VCPU_STATE_NEW],
		    "%d: masked %u critical_num 0x%lx normal_num 0x%lx", r, vs.masked,
		    vs.critical_num, vs.normal_num);
	r = s21_inject(v0, 0x1);
	r2 = s21_inject(v0, EV_N);
	sdei_result(&env, r == -EINVAL && r2 == -ENOENT, w_names[W_INJECT_BAD],
		    "invalid number %d, unregistered %d", r, r2);
	sdei_expect_err(&env, w_names[W_INJECT_DISABLED], s21_inject(v0, ev_main()), -EPERM);
	sdei_expect_err(&env, w_names[W_INJECT_OTHER_VCPU], s21_inject(v1, ev_main()), -EPERM);

	c = s21_cmd(SDEI21_CMD_SET_KEVENT);
	c->kske_state.num = EV_NONE;
	r = s21_vm_cmd(s->vm, c);
	c = s21_cmd(SDEI21_CMD_SET_KEVENT);
	c->kske_state.num = ev_main();
	r2 = s21_vm_cmd(s->vm, c);
	c = s21_cmd(SDEI21_CMD_SET_KEVENT);
	c->kske_state.num = EV_B6;
	c->kske_state.route_mode = 2;
	r3 = s21_vm_cmd(s->vm, c);
	sdei_result(&env, r == -ENOENT && r2 == -EEXIST && r3 == -EINVAL,
		    w_names[W_SET_KEVENT_ERRORS], "%d, %d, %d; expected %d, %d, %d", r, r2, r3,
		    -ENOENT, -EEXIST, -EINVAL);

	/* On vCPU1, which never runs: a bad state there harms nothing else */
	memset(&vs, 0, sizeof(vs));
	vs.masked = 1;
	vs.critical_num = ev_main();
	sdei_expect_err(&env, w_names[W_SET_VCPU_STATE_CRIT], s21_set_vcpu_state(v1, &vs),
			-EINVAL);
	vs.critical_num = SDEI21_INVALID_NUM;
	vs.normal_num = EV_N;
	sdei_expect_err(&env, w_names[W_SET_VCPU_STATE_NORMAL], s21_set_vcpu_state(v1, &vs),
			-EINVAL);

	ok = sdei_setup_call(v0, "ENABLE", APF_SDEI_EVENT_ENABLE, ev_main(), 0, 0, 0);
	if (ok)
		sdei_call1(v0, APF_SDEI_PE_UNMASK, 0);
}

/* ---------------------------------------------------------------------- */
/* F: SDEI v5                                                             */
/* ---------------------------------------------------------------------- */
static void group_v5(struct sdei_vm *s)
{
	static struct sdei5_exposed_event ex[SDEI5_MAX_EVENTS];
	static struct sdei5_registered_event reg;
	struct sdei_vc *v = &s->vc[0], *v1 = &s->vc[1];
	struct sdei21_vcpu_state vs;
	uint32_t n = ~0U, n2 = ~0U;
	int r, r2, r3, r4, i;
	uint64_t ret;
	bool ok;

	sdei_start(v);
	sdei_check_call(v, f_names[F_UNEXPOSED], APF_SDEI_EVENT_REGISTER, 0,
			(uint64_t)sdei_entry_checked, SDEI_ARG, APF_SDEI_RM_ANY,
			APF_SDEI_INVALID_PARAMETERS);
	r = s5_vm_cmd(s->vm, SDEI5_CMD_GET_EXPOSED_EVENT_COUNT, 0, NULL, &n);
	r2 = s5_vm_cmd(s->vm, SDEI5_CMD_SET_EXPOSED_EVENT, 0, ex, NULL);
	r3 = s5_vm_cmd(s->vm, SDEI5_CMD_GET_EXPOSED_EVENT_COUNT, 0, NULL, &n2);
	sdei_result(&env, !r && !n && !r2 && !r3 && !n2, f_names[F_EXPOSE_NONE],
		    "count %d/%u, SET with count 0 %d, count %d/%u", r, n, r2, r3, n2);

	memset(ex, 0, sizeof(ex));
	ex[0] = (struct sdei5_exposed_event){ .num = 0x1, .signaled = 1 };
	r = s5_vm_cmd(s->vm, SDEI5_CMD_SET_EXPOSED_EVENT, 1, ex, NULL);
	ex[0] = (struct sdei5_exposed_event){ .num = 0, .type = 2, .signaled = 1 };
	r2 = s5_vm_cmd(s->vm, SDEI5_CMD_SET_EXPOSED_EVENT, 1, ex, NULL);
	ex[0] = (struct sdei5_exposed_event){ .num = 0, .priority = 2, .signaled = 1 };
	r3 = s5_vm_cmd(s->vm, SDEI5_CMD_SET_EXPOSED_EVENT, 1, ex, NULL);
	ex[0] = (struct sdei5_exposed_event){ .num = 0, .signaled = 1 };
	ex[1] = ex[0];
	r4 = s5_vm_cmd(s->vm, SDEI5_CMD_SET_EXPOSED_EVENT, 2, ex, NULL);
	sdei_result(&env, r == -EINVAL && r2 == -EINVAL && r3 == -EINVAL && r4 == -EINVAL,
		    f_names[F_EXPOSE_EINVAL], "number %d, type %d, priority %d, duplicate %d",
		    r, r2, r3, r4);

	ex[0] = (struct sdei5_exposed_event){ .num = 0, .type = APF_SDEI_TYPE_PRIVATE,
		.signaled = 1, .priority = APF_SDEI_PRIO_NORMAL };
	ex[1] = (struct sdei5_exposed_event){ .num = EV_CRIT5, .type = APF_SDEI_TYPE_PRIVATE,
		.signaled = 1, .priority = APF_SDEI_PRIO_CRITICAL };
	r = s5_vm_cmd(s->vm, SDEI5_CMD_SET_EXPOSED_EVENT, 2, ex, NULL);
	r2 = s5_vm_cmd(s->vm, SDEI5_CMD_GET_EXPOSED_EVENT_COUNT, 0, NULL, &n);
	memset(ex, 0xff, 2 * sizeof(ex[0]));
	r3 = s5_vm_cmd(s->vm, SDEI5_CMD_GET_EXPOSED_EVENT, 2, ex, NULL);
	ok = !r && !r2 && !r3 && n == 2 && !ex[0].num && ex[0].type == APF_SDEI_TYPE_PRIVATE &&
	     ex[0].signaled == 1 && ex[0].priority == APF_SDEI_PRIO_NORMAL && !ex[0].notifier &&
	     ex[1].num == EV_CRIT5 && ex[1].priority == APF_SDEI_PRIO_CRITICAL;
	sdei_prereq(&env, !r, "SET_EXPOSED_EVENT of events 0 and 0x%llx: %s", EV_CRIT5,
		    strerror(-r));
	sdei_result(&env, ok, f_names[F_EXPOSED],
		    "SET %d, count %d/%u, GET %d: 0x%lx/%u/%u/%u, 0x%lx/%u", r, r2, n, r3,
		    ex[0].num, ex[0].type, ex[0].signaled, ex[0].priority, ex[1].num,
		    ex[1].priority);

	memset(ex, 0, sizeof(ex));
	ex[0] = (struct sdei5_exposed_event){ .num = 0, .type = APF_SDEI_TYPE_PRIVATE,
		.signaled = 1, .priority = APF_SDEI_PRIO_CRITICAL };
	r = s5_vm_cmd(s->vm, SDEI5_CMD_SET_EXPOSED_EVENT, 1, ex, NULL);
	ex[0].priority = APF_SDEI_PRIO_NORMAL;
	r2 = s5_vm_cmd(s->vm, SDEI5_CMD_SET_EXPOSED_EVENT, 1, ex, NULL);
	sdei_result(&env, r == -EEXIST && !r2, f_names[F_EXPOSE_EEXIST],
		    "other properties %d, same properties %d", r, r2);
	for (i = 0; i < SDEI5_MAX_EVENTS - 1; i++)
		ex[i] = (struct sdei5_exposed_event){ .num = 0x40400100 + i, .signaled = 1 };
	sdei_expect_err(&env, f_names[F_EXPOSE_ERANGE],
			s5_vm_cmd(s->vm, SDEI5_CMD_SET_EXPOSED_EVENT, SDEI5_MAX_EVENTS - 1, ex,
				  NULL), -ERANGE);
	sdei_check_call(v, f_names[F_GUEST_SEES], APF_SDEI_EVENT_GET_INFO, EV_CRIT5,
			APF_SDEI_INFO_PRIORITY, 0, 0, APF_SDEI_PRIO_CRITICAL);

	/* REGISTER with routing mode ANY and affinity 1 */
	ret = sdei_call(v, APF_SDEI_EVENT_REGISTER, 0, (uint64_t)sdei_entry_checked, SDEI_ARG,
			APF_SDEI_RM_ANY, 1);
	sdei_prereq(&env, !ret, "REGISTER returned 0x%lx", ret);
	r = s5_vm_cmd(s->vm, SDEI5_CMD_GET_REGISTERED_EVENT_COUNT, 0, NULL, &n);
	memset(&reg, 0xff, sizeof(reg));
	r2 = s5_vm_cmd(s->vm, SDEI5_CMD_GET_REGISTERED_EVENT, 1, &reg, NULL);
	ok = !r && !r2 && n == 1 && !reg.num && reg.ep_arg[0] == SDEI_ARG &&
	     reg.ep_address[0] == (uint64_t)sdei_entry_checked && reg.registered[0] == 1 &&
	     !reg.enabled[0];
	sdei_result(&env, ok, f_names[F_REGISTERED],
		    "%d/%d: %u events; num 0x%lx entry 0x%lx arg 0x%lx registered 0x%lx enabled 0x%lx",
		    r, r2, n, reg.num, reg.ep_address[0], reg.ep_arg[0], reg.registered[0],
		    reg.enabled[0]);
	sdei_result(&env, !r2 && reg.route_mode == APF_SDEI_RM_ANY,
		    f_names[F_ROUTE_MODE], "route_mode %u route_affinity 0x%lx, expected 0",
		    reg.route_mode, reg.route_affinity);
	r = s5_vm_cmd(s->vm, SDEI5_CMD_GET_VCPU_EVENT_COUNT, 0, NULL, &n);
	r2 = s5_vcpu_cmd(v, SDEI5_CMD_GET_VERSION, 0, NULL, &n);
	sdei_result(&env, r == -EINVAL && r2 == -EINVAL, f_names[F_WRONG_FD],
		    "vCPU command on the VM fd %d, VM command on a vCPU fd %d", r, r2);
	memset(&vs, 0xff, sizeof(vs));
	r = s5_vcpu_cmd(v1, SDEI5_CMD_GET_VCPU_STATE, 0, &vs, NULL);
	sdei_result(&env, !r && vs.masked == 1 && vs.critical_num == SDEI5_INVALID_EVENT &&
		    vs.normal_num == SDEI5_INVALID_EVENT, f_names[F_VCPU_STATE_NEW],
		    "%d: masked %u critical_num 0x%lx normal_num 0x%lx", r, vs.masked,
		    vs.critical_num, vs.normal_num);
	r = s5_inject(v, 0x1);
	r2 = s5_inject(v, EV_CRIT5);
	r3 = s5_inject(v, 0);
	sdei_result(&env, r == -EINVAL && r2 == -ENOENT && r3 == -EPERM,
		    f_names[F_INJECT_ERRORS], "%d, %d, %d; expected %d, %d, %d", r, r2, r3,
		    -EINVAL, -ENOENT, -EPERM);
	sdei_setup_call(v, "ENABLE", APF_SDEI_EVENT_ENABLE, 0, 0, 0, 0);
	sdei_expect_err(&env, f_names[F_INJECT_MASKED], env.stop ? 0 : s5_inject(v, 0), -EPERM);
	sdei_setup_call(v, "PE_UNMASK", APF_SDEI_PE_UNMASK, 0, 0, 0, 0);
}

/* ---------------------------------------------------------------------- */
/* R: SDEI v7                                                             */
/* ---------------------------------------------------------------------- */
static void group_v7(struct sdei_vm *s)
{
	struct sdei_vc *v = &s->vc[0];
	struct sdei7_handler h[4];
	struct sdei_vm s2;
	uint64_t bmap, reg, en, run, pend, pe[3], r0;
	int r, i;
	bool ok;

	bmap = s7_get64(v->vcpu, APF_FW_REG_STD);
	sdei_expect(&env, r_names[R_BMAP_RESET], bmap, 0x3);

	/* A second VM whose bitmap lacks SDEI: its guest gets NOT_SUPPORTED */
	sdei_vm_new(&env, &s2, 1);
	r = s7_set64(s2.vc[0].vcpu, APF_FW_REG_STD, bmap & ~BIT(SDEI7_STD_BIT_SDEI));
	sdei_start(&s2.vc[0]);
	r0 = r ? SDEI_NA : sdei_call1(&s2.vc[0], APF_SDEI_VERSION, 0);
	sdei_result(&env, !r && r0 == APF_SDEI_NOT_SUPPORTED, r_names[R_BMAP_CLEARED],
		    "writing 0x%lx: %d; SDEI_VERSION 0x%lx", bmap & ~BIT(SDEI7_STD_BIT_SDEI), r,
		    r0);
	sdei_vm_free(&s2);

	sdei_start(v);
	sdei_setup_call(v, "REGISTER", APF_SDEI_EVENT_REGISTER, 0, (uint64_t)sdei_entry_checked,
			SDEI_ARG, APF_SDEI_RM_ANY);
	sdei_setup_call(v, "ENABLE", APF_SDEI_EVENT_ENABLE, 0, 0, 0, 0);
	reg = s7_get64(v->vcpu, SDEI7_REG_EVENT_REGISTERED);
	en = s7_get64(v->vcpu, SDEI7_REG_EVENT_ENABLED);
	run = s7_get64(v->vcpu, SDEI7_REG_EVENT_RUNNING);
	pend = s7_get64(v->vcpu, SDEI7_REG_EVENT_PENDING);
	memset(h, 0xff, sizeof(h));
	r = 0;
	for (i = 0; i < 4; i++)
		r = r ? r : s7_get(v->vcpu, SDEI7_REG_EVENT_HANDLER(i), &h[i]);
	ok = !r && reg == 1 && en == 1 && !run && !pend &&
	     h[0].ep_addr == (uint64_t)sdei_entry_checked && h[0].ep_arg == SDEI_ARG &&
	     !h[2].ep_addr && !h[2].ep_arg && !h[3].ep_addr && !h[3].ep_arg;
	sdei_result(&env, ok, r_names[R_EVENT_REGS],
		    "%d: REGISTERED 0x%lx ENABLED 0x%lx RUNNING 0x%lx PENDING 0x%lx HANDLER_0 0x%lx/0x%lx HANDLER_2 0x%lx HANDLER_3 0x%lx",
		    r, reg, en, run, pend, h[0].ep_addr, h[0].ep_arg, h[2].ep_addr, h[3].ep_addr);

	pe[0] = s7_get64(v->vcpu, SDEI7_REG_PE_STATE);
	sdei_call1(v, APF_SDEI_PE_UNMASK, 0);
	pe[1] = s7_get64(v->vcpu, SDEI7_REG_PE_STATE);
	sdei_call1(v, APF_SDEI_PE_MASK, 0);
	pe[2] = s7_get64(v->vcpu, SDEI7_REG_PE_STATE);
	sdei_result(&env, pe[0] == 1 && !pe[1] && pe[2] == 1, r_names[R_PE_STATE],
		    "new 0x%lx, after PE_UNMASK 0x%lx, after PE_MASK 0x%lx", pe[0], pe[1], pe[2]);
	sdei_setup_call(v, "PE_UNMASK", APF_SDEI_PE_UNMASK, 0, 0, 0, 0);

	/* Not PENDING: unmasked, writing it would request a delivery */
	r = s7_set64(v->vcpu, SDEI7_REG_EVENT_ENABLED, en | 0xfc);
	en = s7_get64(v->vcpu, SDEI7_REG_EVENT_ENABLED);
	sdei_result(&env, !r && en == 1, r_names[R_BITMAP_WRITE],
		    "writing 0xfd to ENABLED: %d, reads 0x%lx", r, en);
}

/* ---------------------------------------------------------------------- */
/* C: injection and migration                                             */
/* ---------------------------------------------------------------------- */
static void check_one_delivery(const char *name, struct sdei_vc *v, uint64_t num)
{
	struct sdei_gent none = { 0 }, *e = sdei_ent(v, 0) ? : &none;
	uint64_t n = env.stop ? 0 : v->log->count;

	sdei_result(&env, n == 1 && e->num == num && e->arg == SDEI_ARG && !e->late, name,
		    "%lu deliveries, x0 0x%lx x1 0x%lx, entered late %lu; expected 1, 0x%lx 0x%llx",
		    n, e->num, e->arg, e->late, num, SDEI_ARG);
}

/* Park vCPU @v (a step that ends on a BRK); false if it could not */
static bool park_guest(struct sdei_vc *v)
{
	struct sdei_gcmd *c;

	if (env.stop)
		return false;
	c = sdei_cmd(v, SDEI_OP_PARK);
	c->x[0] = SDEI_PARK_X0;
	c->x[1] = SDEI_PARK_X1;
	return sdei_prereq(&env, sdei_run(v) == SDEI_RUN_PARKED,
			   "the guest did not stop at its BRK");
}

static bool unpark_done(struct sdei_vc *v)
{
	if (env.stop)
		return false;
	sdei_unpark(v);
	return sdei_prereq(&env, sdei_run(v) == SDEI_RUN_DONE, "the guest parked again");
}

static void group_inject(struct sdei_vm *a)
{
	struct sdei_vc *v = &a->vc[0];
	struct sdei_gent none = { 0 }, *e;
	uint64_t pc = 0;
	int r;

	/* C1: while parked */
	if (env.d == SDEI_D21) {
		sdei_skip(&env, c_names[C_INJECT],
			  "not run on 2021: INJECT_EVENT of a registered, enabled event deadlocks the host (sdei_host_bugs)");
	} else if (park_guest(v)) {
		r = inject_main(a);
		if (sdei_prereq(&env, !r, "injection: %s", strerror(-r)))
			unpark_done(v);
		check_one_delivery(c_names[C_INJECT], v, ev_main());
	} else {
		sdei_skip(&env, c_names[C_INJECT], env.stop);
	}

	/* C2, C3: right after the ucall that ended the last step, MMIO pending */
	if (!env.stop) {
		v->raw_sync = true;
		sdei_call1(v, APF_SDEI_VERSION, 0);
		v->raw_sync = false;
		pc = v->sync_pc;
		r = env.d == SDEI_D21 ?
		    s21_raise(a, 0, EV_B6, sdei_entry_checked, SDEI_ARG, 1) : inject_main(a);
		sdei_prereq(&env, !r, "injection: %s", strerror(-r));
	}
	if (!env.stop) {
		sdei_cmd(v, SDEI_OP_NOP);
		v->allow_repeat = true;
		v->repeats = 0;
		sdei_prereq(&env, sdei_run(v) == SDEI_RUN_DONE, "the guest parked");
		v->allow_repeat = false;
	}
	e = sdei_ent(v, 0) ? : &none;
	sdei_result(&env, v->log->count == 1 && !e->late && e->pc == pc + 4,
		    c_names[C_MMIO_ENTRY],
		    "%lu deliveries, entered 4 bytes late %lu times, x2 0x%lx; MMIO access at 0x%lx, expected x2 0x%lx",
		    v->log->count, e->late, e->pc, pc, pc + 4);
	sdei_result(&env, !v->repeats, c_names[C_MMIO_REPEAT],
		    "the ucall was reported %lu more times", v->repeats);
}

static void group_migration(struct sdei_vm *a)
{
	struct sdei_vm b, c;
	struct sdei_gcmd *cmd;
	struct sdei_gent none = { 0 }, *e;
	char why[256] = "";
	uint64_t x0, x1;
	bool ok;
	int r;

	/* The source's event becomes pending (2021: in the saved state only) */
	if (env.d != SDEI_D21 && park_guest(&a->vc[0])) {
		r = inject_main(a);
		sdei_prereq(&env, !r, "injection: %s", strerror(-r));
	}
	r = env.stop ? 0 : save_state(a);
	sdei_prereq(&env, !r, "saving the source's SDEI state: %s", strerror(-r));
	if (env.d == SDEI_D21 && !env.stop) {
		mig.kske.refcount = 1;
		mig.nr_vevents = 1;
		mig.ksve.num = ev_main();
		mig.ksve.refcount = 1;
	}

	/* B: parked, then given the state; its handler parks too */
	sdei_vm_new(&env, &b, 1);
	sdei_start(&b.vc[0]);
	if (park_guest(&b.vc[0])) {
		r = restore_state(&b);
		sdei_prereq(&env, !r, "restoring the SDEI state: %s", strerror(-r));
	}
	if (!env.stop) {
		b.vc[0].cmd->h_park = 1;
		sdei_unpark(&b.vc[0]);
		sdei_prereq(&env, sdei_run(&b.vc[0]) == SDEI_RUN_PARKED,
			    "no handler parked in the second VM");
	}
	e = sdei_ent(&b.vc[0], 0) ? : &none;
	sdei_result(&env, b.vc[0].log->count == 1 && e->num == ev_main() && e->arg == SDEI_ARG &&
		    e->pc == (uint64_t)sdei_park_ret && !e->late, c_names[C_MIG_PENDING],
		    "%lu deliveries, x0 0x%lx x1 0x%lx x2 0x%lx late %lu", b.vc[0].log->count,
		    e->num, e->arg, e->pc, e->late);
	r = env.stop ? 0 : save_state(&b);
	sdei_prereq(&env, !r, "saving the second VM's SDEI state: %s", strerror(-r));
	ok = !env.stop && saved_running(why, sizeof(why));
	sdei_result(&env, ok, c_names[C_MIG_RUNNING], "%s", why);
	if (unpark_done(&b.vc[0])) {
		ok = state_idle(&b, why, sizeof(why)) && b.vc[0].cmd->res[0] == SDEI_PARK_X0;
		sdei_result(&env, ok, c_names[C_MIG_IDLE], "%s; the park returned 0x%lx", why,
			    b.vc[0].cmd->res[0]);
	} else {
		sdei_skip(&env, c_names[C_MIG_IDLE], env.stop);
	}
	sdei_vm_free(&b);

	/* C: given the running handler's state before its first run */
	sdei_vm_new(&env, &c, 1);
	r = env.stop ? 0 : restore_state(&c);
	sdei_prereq(&env, !r, "restoring the running handler: %s", strerror(-r));
	sdei_start(&c.vc[0]);
	x0 = sdei_call1(&c.vc[0], APF_SDEI_EVENT_CONTEXT, 0);
	x1 = sdei_call1(&c.vc[0], APF_SDEI_EVENT_CONTEXT, 1);
	sdei_result(&env, x0 == SDEI_PARK_X0 && x1 == SDEI_PARK_X1, c_names[C_MIG_CONTEXT],
		    "CONTEXT(0) 0x%lx, CONTEXT(1) 0x%lx, expected 0x%llx 0x%llx", x0, x1,
		    SDEI_PARK_X0, SDEI_PARK_X1);
	if (!env.stop) {
		cmd = sdei_cmd(&c.vc[0], SDEI_OP_CALL_RET);
		cmd->fn = APF_SDEI_EVENT_COMPLETE;
		cmd->x[0] = APF_SDEI_EV_HANDLED;
		sdei_prereq(&env, sdei_run(&c.vc[0]) == SDEI_RUN_DONE, "the guest parked");
	}
	ok = !env.stop && c.vc[0].cmd->res[0] == SDEI_PARK_X0 &&
	     state_idle(&c, why, sizeof(why));
	sdei_result(&env, ok, c_names[C_MIG_COMPLETE],
		    "COMPLETE returned 0x%lx to the third VM's caller (expected 0x%llx, from the second VM's sdei_park); %s",
		    c.vc[0].cmd->res[0], SDEI_PARK_X0, why);
	sdei_vm_free(&c);
}

/* ---------------------------------------------------------------------- */
/* P: critical and normal priority (2021, v5)                             */
/* ---------------------------------------------------------------------- */
static int raise_prio(struct sdei_vm *s, bool critical)
{
	struct sdei_vc *v = &s->vc[0];

	if (env.d == SDEI_D21)
		return s21_raise(s, 0, critical ? SDEI21_DEFAULT_EVENT : EV_N,
				 sdei_entry_checked, SDEI_ARG, 1);
	return s5_inject(v, critical ? EV_CRIT5 : 0);
}

/* Raise @first while parked; its handler parks; raise @second, run to the end */
static void prio_run(struct sdei_vm *s, bool first_critical)
{
	struct sdei_vc *v = &s->vc[0];
	int r;

	if (!park_guest(v))
		return;
	r = raise_prio(s, first_critical);
	if (!sdei_prereq(&env, !r, "raising the first event: %s", strerror(-r)))
		return;
	v->cmd->h_park = 1;
	sdei_unpark(v);
	if (!sdei_prereq(&env, sdei_run(v) == SDEI_RUN_PARKED, "no handler parked"))
		return;
	r = raise_prio(s, !first_critical);
	if (sdei_prereq(&env, !r, "raising the second event: %s", strerror(-r)))
		unpark_done(v);
}

static void group_priority(void)
{
	uint64_t crit = env.d == SDEI_D21 ? SDEI21_DEFAULT_EVENT : EV_CRIT5;
	uint64_t norm = env.d == SDEI_D21 ? EV_N : 0;
	struct sdei_gent none = { 0 }, *e0, *e1;
	struct sdei_vc *v;
	struct sdei_vm s;
	int r = 0;

	sdei_vm_new(&env, &s, 1);
	v = &s.vc[0];
	if (env.d == SDEI_D21) {
		r = s21_set_event(&env, s.vm, EV_N, APF_SDEI_TYPE_PRIVATE, APF_SDEI_PRIO_NORMAL);
	} else {
		r = s5_expose(s.vm, 0, APF_SDEI_TYPE_PRIVATE, APF_SDEI_PRIO_NORMAL);
		r = r ? r : s5_expose(s.vm, EV_CRIT5, APF_SDEI_TYPE_PRIVATE,
				      APF_SDEI_PRIO_CRITICAL);
	}
	sdei_prereq(&env, !r, "creating the events: %s", strerror(-r));
	sdei_start(v);
	if (env.d == SDEI_D5 && sdei_setup_event(v, 0, sdei_entry_checked))
		sdei_setup_event(v, EV_CRIT5, sdei_entry_checked);

	prio_run(&s, false);
	e0 = sdei_ent(v, 0) ? : &none;
	e1 = sdei_ent(v, 1) ? : &none;
	sdei_result(&env, v->log->count == 2 && e0->num == norm && e1->num == crit &&
		    e0->order_in < e1->order_in && e1->order_out < e0->order_out,
		    p_names[P_PREEMPT],
		    "%lu deliveries: 0x%lx (in %lu, out %lu), 0x%lx (in %lu, out %lu)",
		    v->log->count, e0->num, e0->order_in, e0->order_out, e1->num, e1->order_in,
		    e1->order_out);
	if (env.d == SDEI_D21) {
		/* The records restored for both events must go before the next raise */
		sdei_setup_call(v, "UNREGISTER", APF_SDEI_EVENT_UNREGISTER, crit, 0, 0, 0);
		sdei_setup_call(v, "UNREGISTER", APF_SDEI_EVENT_UNREGISTER, norm, 0, 0, 0);
	}

	prio_run(&s, true);
	e0 = sdei_ent(v, 0) ? : &none;
	e1 = sdei_ent(v, 1) ? : &none;
	sdei_result(&env, v->log->count == 2 && e0->num == crit && e1->num == norm &&
		    e0->order_out < e1->order_in, p_names[P_WAIT],
		    "%lu deliveries: 0x%lx (in %lu, out %lu), 0x%lx (in %lu, out %lu)",
		    v->log->count, e0->num, e0->order_in, e0->order_out, e1->num, e1->order_in,
		    e1->order_out);
	sdei_vm_free(&s);
}

int main(void)
{
	struct sdei_vm a;
	const char *why;

	ksft_print_header();
	ksft_set_plan(NR_CHECKS);
	sdei_env_init(&env);
	sdei_result(&env, env.probe.consistent, "guest and VMM agree on the SDEI version",
		    "%s", apf_probe_describe(&env.probe));

	sdei_vm_new(&env, &a, 2);
	group_interfaces(&a);
	if (env.d < 0 || env.d == SDEI_D6) {
		sdei_vm_free(&a);
		apf_skip_rest(NR_CHECKS, env.d == SDEI_D6 ?
			      "SDEI v6 has no VMM interface (no injection, no migration)" :
			      env.probe.sdei_why);
	}

	sdei_group(&env);
	why = sdei_only(&env, SDEI_ON_21);
	if (why)
		skip_names(w_names, W_NR, why);
	else
		group_2021(&a);
	why = sdei_only(&env, SDEI_ON_5);
	if (why)
		skip_names(f_names, F_NR, why);
	else
		group_v5(&a);
	why = sdei_only(&env, SDEI_ON_7);
	if (why)
		skip_names(r_names, R_NR, why);
	else
		group_v7(&a);

	group_inject(&a);
	group_migration(&a);
	sdei_vm_free(&a);

	sdei_group(&env);
	why = sdei_only(&env, SDEI_ON_21 | SDEI_ON_5);
	if (why)
		skip_names(p_names, P_NR, "v6 and v7 have normal-priority events only");
	else
		group_priority();

	TEST_ASSERT(ksft_test_num() == NR_CHECKS, "ran %u checks, planned %u",
		    ksft_test_num(), NR_CHECKS);
	sdei_finish(&env);
}
