// SPDX-License-Identifier: GPL-2.0-only
/*
 * sdei_test - guest and host helpers shared by the SDEI selftests (sdei,
 * sdei_vmm, sdei_host_bugs); see include/sdei_test.h. The guest's assembly
 * helpers are in lib/sdei_test_asm.S.
 */
#include <stdarg.h>

#include "sdei_test.h"

/* Referenced by lib/sdei_test_asm.S */
uint64_t sdei_probe_xpat[32];
uint64_t sdei_probe_qpat[64] __aligned(16);
struct sdei_resume_log sdei_resume_log;
uint64_t sdei_entry_late;

/* Per vCPU: the host's command, the handler's log, the context probe */
static struct sdei_gcmd sdei_gcmd[SDEI_T_MAX_VCPUS];
static struct sdei_glog sdei_glog[SDEI_T_MAX_VCPUS];
static struct sdei_probe sdei_gprobe[SDEI_T_MAX_VCPUS];

/* ---------------------------------------------------------------------- */
/* Guest C code                                                           */
/* ---------------------------------------------------------------------- */
static uint64_t sdei_g_call(uint64_t fn, uint64_t x1, uint64_t x2)
{
	struct arm_smccc_res res;

	smccc_hvc(fn, x1, x2, 0, 0, 0, 0, 0, &res);
	return res.a0;
}

/*
 * sdei_guest_handler: record what the handler sees, make the calls the
 * command asks for, and finish the event the way it asks.
 */
static struct sdei_guest_completion
sdei_test_handler(uint64_t num, uint64_t arg, uint64_t pc, uint64_t pstate)
{
	uint32_t idx = guest_get_vcpuid();
	struct sdei_gcmd *c = &sdei_gcmd[idx];
	struct sdei_glog *l = &sdei_glog[idx];
	uint64_t n = l->count++;
	struct sdei_gent *e = &l->ent[n % SDEI_T_LOG];
	static const uint64_t ctx_idx[] = { 0, 1, 4, 17, 18 };
	unsigned int i;

	e->num = num;
	e->arg = arg;
	e->pc = pc;
	e->pstate = pstate;
	e->spsr = read_sysreg(spsr_el1);
	e->elr = read_sysreg(elr_el1);
	e->el = read_sysreg(currentel);
	e->daif = read_sysreg(daif);
	e->spsel = read_sysreg(spsel);
	e->late = READ_ONCE(sdei_entry_late);
	e->order_in = ++l->order;
	for (i = 0; i < ARRAY_SIZE(ctx_idx); i++)
		e->ctx[i] = sdei_g_call(APF_SDEI_EVENT_CONTEXT, ctx_idx[i], 0);
	e->status = c->h_status ? sdei_g_call(APF_SDEI_EVENT_STATUS, num, 0) : SDEI_NA;
	e->call_ret = SDEI_NA;
	if (!n && c->h_call_fn)
		e->call_ret = sdei_g_call(c->h_call_fn, c->h_call_x1, c->h_call_x2);
	if (!n && c->h_park)
		sdei_park(num, arg);
	e->order_out = ++l->order;

	return (struct sdei_guest_completion){ c->h_finish, c->h_finish_arg };
}

/* IRQ exceptions (COMPLETE_AND_RESUME before v7 ends in one) */
static void sdei_test_irq(struct ex_regs *regs)
{
	struct sdei_glog *l = &sdei_glog[guest_get_vcpuid()];

	l->irq_count++;
	l->irq_pc = regs->pc;
	l->irq_pstate = regs->pstate;
}

/*
 * Branch Target exceptions: a guarded entry point (sdei_bti_entry) reached
 * with PSTATE.BTYPE != 0. Recorded; the event then goes on at
 * sdei_guest_entry with BTYPE cleared, so that the other checks still run.
 */
static void sdei_test_bti(struct ex_regs *regs)
{
	struct sdei_glog *l = &sdei_glog[guest_get_vcpuid()];

	l->bti_count++;
	l->bti_pc = regs->pc;
	l->bti_spsr = regs->pstate;
	regs->pc = (uint64_t)sdei_guest_entry;
	regs->pstate &= ~SDEI_PSR_BTYPE;
}

/* vCPU @idx: run the host's commands one at a time, each ended by GUEST_SYNC */
static void sdei_guest_main(uint64_t idx)
{
	struct sdei_gcmd *c = &sdei_gcmd[idx];
	struct arm_smccc_res res;
	uint64_t seq, i;

	for (i = 0; i < ARRAY_SIZE(sdei_probe_xpat); i++)
		sdei_probe_xpat[i] = sdei_xpat(i);
	for (i = 0; i < ARRAY_SIZE(sdei_probe_qpat); i++)
		sdei_probe_qpat[i] = sdei_qpat(i);
	sdei_guest_handler = sdei_test_handler;
	GUEST_SYNC(0);
	for (;;) {
		seq = READ_ONCE(c->seq);
		switch (READ_ONCE(c->op)) {
		case SDEI_OP_NOP:
			break;
		case SDEI_OP_CALL:
			smccc_hvc(c->fn, c->x[0], c->x[1], c->x[2], c->x[3], c->x[4], c->x[5], 0,
				  &res);
			c->res[0] = res.a0;
			c->res[1] = res.a1;
			c->res[2] = res.a2;
			c->res[3] = res.a3;
			break;
		case SDEI_OP_PROBE:
			sdei_ctx_probe(&sdei_gprobe[idx]);
			break;
		case SDEI_OP_PARK:
			c->res[0] = sdei_park(c->x[0], c->x[1]);
			break;
		case SDEI_OP_CALL_RET:
			c->res[0] = sdei_call_ret(c->fn, c->x[0]);
			break;
		default:
			GUEST_FAIL("unknown command %lu", c->op);
		}
		GUEST_SYNC(seq);
	}
}

/* ---------------------------------------------------------------------- */
/* Host: environment and checks                                           */
/* ---------------------------------------------------------------------- */
void sdei_env_init(struct sdei_env *env)
{
	memset(env, 0, sizeof(*env));
	apf_probe_run(&env->probe);
	ksft_print_msg("%s\n", apf_probe_describe(&env->probe));
	env->abi = env->probe.sdei;
	switch (env->abi->design) {
	case SDEI_DESIGN_2021:
		env->d = SDEI_D21;
		break;
	case SDEI_DESIGN_V5:
		env->d = SDEI_D5;
		break;
	case SDEI_DESIGN_V6:
		env->d = SDEI_D6;
		break;
	case SDEI_DESIGN_V7:
		env->d = SDEI_D7;
		break;
	default:
		env->d = -1;
	}
}

const char *sdei_only(const struct sdei_env *env, unsigned int designs)
{
	static char why[96];

	if (env->d >= 0 && (designs & BIT(env->d)))
		return NULL;
	snprintf(why, sizeof(why), "not in SDEI %s (%s)", env->abi->name,
		 designs == SDEI_ON_21 ? "2021 design only" :
		 designs == SDEI_ON_5 ? "v5 only" :
		 designs == SDEI_ON_7 ? "v7 only" : "not in this design");
	return why;
}

bool sdei_prereq(struct sdei_env *env, bool ok, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (env->stop || ok)
		return !env->stop;
	n = snprintf(env->stop_buf, sizeof(env->stop_buf), "prerequisite failed: ");
	va_start(ap, fmt);
	vsnprintf(env->stop_buf + n, sizeof(env->stop_buf) - n, fmt, ap);
	va_end(ap);
	ksft_print_msg("%s\n", env->stop_buf);
	env->stop = env->stop_buf;
	env->prereq_failed = true;
	return false;
}

/* ---------------------------------------------------------------------- */
/* Host: VMs and vCPUs driven one command at a time                       */
/* ---------------------------------------------------------------------- */
uint64_t sdei_reg(struct sdei_vc *v, uint64_t id)
{
	uint64_t val;

	vcpu_get_reg(v->vcpu, id, &val);
	return val;
}

uint64_t sdei_mpidr(struct sdei_vc *v)
{
	return sdei_reg(v, KVM_ARM64_SYS_REG(SYS_MPIDR_EL1)) & 0xff00ffffffULL;
}

void sdei_vm_new(struct sdei_env *env, struct sdei_vm *s, int nr)
{
	struct kvm_guest_debug dbg = {
		.control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_SW_BP,
	};
	struct kvm_vcpu *vcpus[SDEI_T_MAX_VCPUS];
	int i;

	TEST_ASSERT(nr <= SDEI_T_MAX_VCPUS, "at most %d vCPUs", SDEI_T_MAX_VCPUS);
	memset(s, 0, sizeof(*s));
	s->vm = vm_create_with_vcpus(nr, sdei_guest_main, vcpus);
	s->nr = nr;
	vm_init_descriptor_tables(s->vm);
	vm_install_exception_handler(s->vm, VECTOR_IRQ_CURRENT, sdei_test_irq);
	vm_install_sync_handler(s->vm, VECTOR_SYNC_CURRENT, SDEI_ESR_EC_BTI, sdei_test_bti);
	for (i = 0; i < nr; i++) {
		struct sdei_vc *v = &s->vc[i];

		vcpu_init_descriptor_tables(vcpus[i]);
		vcpu_args_set(vcpus[i], 1, (uint64_t)i);
		vcpu_guest_debug_set(vcpus[i], &dbg);
		v->env = env;
		v->vcpu = vcpus[i];
		v->idx = i;
		v->cmd = addr_gva2hva(s->vm, (vm_vaddr_t)&sdei_gcmd[i]);
		v->log = addr_gva2hva(s->vm, (vm_vaddr_t)&sdei_glog[i]);
		v->probe = addr_gva2hva(s->vm, (vm_vaddr_t)&sdei_gprobe[i]);
		v->resume = addr_gva2hva(s->vm, (vm_vaddr_t)&sdei_resume_log);
		v->late = addr_gva2hva(s->vm, (vm_vaddr_t)&sdei_entry_late);
	}
}

void sdei_vm_free(struct sdei_vm *s)
{
	if (s->vm)
		kvm_vm_free(s->vm);
	s->vm = NULL;
}

/*
 * Run until the current command is done, or the guest parks. vcpu_run() and
 * get_ucall() complete the MMIO access of a ucall at once, with
 * vcpu_run_complete_io(); with raw_sync, the MMIO access of a command's
 * final ucall is left to the next KVM_RUN, as a VMM that simply re-enters
 * the guest leaves it.
 */
int sdei_run(struct sdei_vc *v)
{
	struct kvm_run *run = v->vcpu->run;
	struct ucall uc, *raw;
	uint64_t esr;
	int r;

	for (;;) {
		do {
			r = __vcpu_run(v->vcpu);
		} while (r == -1 && errno == EINTR);
		TEST_ASSERT(!r, KVM_IOCTL_ERROR(KVM_RUN, r));
		if (run->exit_reason == KVM_EXIT_DEBUG) {
			esr = run->debug.arch.hsr;
			TEST_ASSERT((esr & 0xffff) != SDEI_STUB_BRK_IMM,
				    "vCPU%d: COMPLETE returned to the event's entry point", v->idx);
			TEST_ASSERT(((esr >> 26) & 0x3f) == 0x3c && (esr & 0xffff) == SDEI_PARK_IMM,
				    "vCPU%d: unexpected debug exit, ESR 0x%lx, PC 0x%lx", v->idx,
				    esr, sdei_reg(v, SDEI_REG_PC));
			v->parked = true;
			return SDEI_RUN_PARKED;
		}
		v->sync_pc = sdei_reg(v, SDEI_REG_PC);
		raw = v->raw_sync ? ucall_arch_get_ucall(v->vcpu) : NULL;
		if (raw && raw->cmd == UCALL_SYNC && raw->args[1] == v->seq)
			return SDEI_RUN_DONE;
		assert_on_unhandled_exception(v->vcpu);
		switch (get_ucall(v->vcpu, &uc)) {
		case UCALL_SYNC:
			if (uc.args[1] == v->seq)
				return SDEI_RUN_DONE;
			TEST_ASSERT(v->allow_repeat && uc.args[1] + 1 == v->seq,
				    "vCPU%d: guest reported step %lu, expected %lu", v->idx,
				    uc.args[1], v->seq);
			v->repeats++;
			break;
		case UCALL_ABORT:
			REPORT_GUEST_ASSERT(uc);
			break;
		case UCALL_PRINTF:
			ksft_print_msg("guest: %s", uc.buffer);
			break;
		default:
			TEST_FAIL("vCPU%d: unexpected exit %s, ucall %lu", v->idx,
				  exit_reason_str(run->exit_reason), uc.cmd);
		}
	}
}

void sdei_unpark(struct sdei_vc *v)
{
	TEST_ASSERT(v->parked, "vCPU%d is not parked", v->idx);
	vcpu_set_reg(v->vcpu, SDEI_REG_PC, sdei_reg(v, SDEI_REG_PC) + 4);
	v->parked = false;
}

bool sdei_start(struct sdei_vc *v)
{
	if (v->env->stop)
		return false;
	v->seq = 0;
	TEST_ASSERT(sdei_run(v) == SDEI_RUN_DONE, "vCPU%d parked before its first step", v->idx);
	return true;
}

struct sdei_gcmd *sdei_cmd(struct sdei_vc *v, uint64_t op)
{
	struct sdei_gcmd *c = v->cmd;

	memset(c, 0, sizeof(*c));
	c->seq = ++v->seq;
	c->op = op;
	c->h_finish = APF_SDEI_EVENT_COMPLETE;
	c->h_finish_arg = APF_SDEI_EV_HANDLED;
	c->h_status = v->env->d != SDEI_D21;
	v->log->count = 0;
	v->log->irq_count = 0;
	v->log->bti_count = 0;
	v->resume->count = 0;
	*v->late = 0;
	return c;
}

uint64_t sdei_call(struct sdei_vc *v, uint32_t fn, uint64_t x1, uint64_t x2, uint64_t x3,
		   uint64_t x4, uint64_t x5)
{
	struct sdei_gcmd *c;

	if (v->env->stop)
		return SDEI_NA;
	c = sdei_cmd(v, SDEI_OP_CALL);
	c->fn = fn;
	c->x[0] = x1;
	c->x[1] = x2;
	c->x[2] = x3;
	c->x[3] = x4;
	c->x[4] = x5;
	TEST_ASSERT(sdei_run(v) == SDEI_RUN_DONE, "vCPU%d parked in call 0x%x", v->idx, fn);
	return c->res[0];
}

bool sdei_setup_call(struct sdei_vc *v, const char *what, uint32_t fn, uint64_t x1,
		     uint64_t x2, uint64_t x3, uint64_t x4)
{
	uint64_t r = sdei_call(v, fn, x1, x2, x3, x4, 0);

	return sdei_prereq(v->env, r == 0, "%s returned 0x%lx", what, r);
}

bool sdei_setup_event(struct sdei_vc *v, uint64_t num, void *entry)
{
	return sdei_setup_call(v, "REGISTER", APF_SDEI_EVENT_REGISTER, num, (uint64_t)entry,
			       SDEI_ARG, APF_SDEI_RM_ANY) &&
	       sdei_setup_call(v, "ENABLE", APF_SDEI_EVENT_ENABLE, num, 0, 0, 0) &&
	       sdei_call1(v, APF_SDEI_PE_UNMASK, 0) != SDEI_NA;
}

struct sdei_gcmd *sdei_probe_cmd(struct sdei_vc *v, int mode, uint64_t fn, uint64_t a1,
				 uint64_t a2)
{
	struct sdei_gcmd *c = sdei_cmd(v, SDEI_OP_PROBE);
	struct sdei_probe *p = v->probe;

	memset(p, 0, sizeof(*p));
	p->mode = mode;
	p->fn = fn;
	p->a1 = a1;
	p->a2 = a2;
	p->spsr_mark = SDEI_SPSR_MARK;
	p->elr_mark = SDEI_ELR_MARK;
	p->nzcv = SDEI_NZCV;
	return c;
}

uint64_t sdei_probe_xdiff(struct sdei_vc *v, int from, int to)
{
	struct sdei_probe *p = v->probe;
	uint64_t diff = 0, want;
	int i;

	for (i = from; i <= to; i++) {
		want = sdei_xpat(i);
		if (p->mode == SDEI_PROBE_HVC && i < 4)
			want = 0;	/* x0 = SUCCESS, x1..x3 = 0 after the HVC */
		if (p->x[i] != want)
			diff |= 1ULL << i;
	}
	return diff;
}

uint64_t sdei_probe_qdiff(struct sdei_vc *v)
{
	uint64_t diff = 0;
	int i;

	for (i = 0; i < 32; i++)
		if (v->probe->q[2 * i] != sdei_qpat(2 * i) ||
		    v->probe->q[2 * i + 1] != sdei_qpat(2 * i + 1))
			diff |= 1ULL << i;
	return diff;
}

/* ---------------------------------------------------------------------- */
/* Host: the 2021 design's KVM_ARM_SDEI_COMMAND (8352 bytes)              */
/* ---------------------------------------------------------------------- */
static struct sdei21_cmd sdei21_buf;

struct sdei21_cmd *s21_cmd(uint32_t cmd)
{
	memset(&sdei21_buf, 0, sizeof(sdei21_buf));
	sdei21_buf.cmd = cmd;
	return &sdei21_buf;
}

int s21_ioctl(struct sdei_env *env, int fd, struct sdei21_cmd *c)
{
	return ioctl(fd, env->abi->ioctl, c) ? -errno : 0;
}

/*
 * Make @num pending on vCPU @idx the way a migration destination restores
 * it: a KVM event record registered and enabled on the vCPUs of @mask with
 * @entry and @arg and one pending instance (SET_KEVENT), and the vCPU event
 * (SET_VEVENT). The record must not exist yet. Returns 0 or -errno.
 */
int s21_raise(struct sdei_vm *s, int idx, uint64_t num, void *entry, uint64_t arg,
	      uint64_t mask)
{
	struct sdei_env *env = s->vc[idx].env;
	struct sdei21_cmd *c = s21_cmd(SDEI21_CMD_SET_KEVENT);
	int i, r;

	c->kske_state.num = num;
	c->kske_state.refcount = 1;
	c->kske_state.route_mode = APF_SDEI_RM_ANY;
	for (i = 0; i < s->nr; i++) {
		if (!(mask & (1ULL << i)))
			continue;
		c->kske_state.entries[i] = (uint64_t)entry;
		c->kske_state.params[i] = arg;
		c->kske_state.registered[0] |= 1ULL << i;
		c->kske_state.enabled[0] |= 1ULL << i;
	}
	r = s21_ioctl(env, s->vm->fd, c);
	if (r)
		return r;
	c = s21_cmd(SDEI21_CMD_SET_VEVENT);
	c->ksve_state.num = num;
	c->ksve_state.refcount = 1;
	return s21_ioctl(env, s->vc[idx].vcpu->fd, c);
}

int s21_set_event(struct sdei_env *env, struct kvm_vm *vm, uint64_t num, uint8_t type,
		  uint8_t prio)
{
	struct sdei21_cmd *c = s21_cmd(SDEI21_CMD_SET_EVENT);

	c->kse_state.num = num;
	c->kse_state.type = type;
	c->kse_state.signaled = 1;
	c->kse_state.priority = prio;
	c->kse_state.notifier = 0;
	return s21_ioctl(env, vm->fd, c);
}

/* ---------------------------------------------------------------------- */
/* Host: SDEI v5's KVM_ARM_SDEI_COMMAND (16 bytes, user pointers)         */
/* ---------------------------------------------------------------------- */
int s5_ioctl(int fd, uint32_t cmd, uint32_t count, uint64_t arg, uint32_t *out)
{
	struct sdei5_cmd c = { .cmd = cmd, .count = count, .num = arg };
	int r = ioctl(fd, SDEI5_IOCTL, &c) ? -errno : 0;

	if (out)
		*out = c.count;
	return r;
}

int s5_expose(struct kvm_vm *vm, uint64_t num, uint8_t type, uint8_t prio)
{
	struct sdei5_exposed_event ev = {
		.num = num, .type = type, .signaled = 1, .priority = prio, .notifier = 0,
	};

	return s5_ioctl(vm->fd, SDEI5_CMD_SET_EXPOSED_EVENT, 1, (uint64_t)&ev, NULL);
}

/* ---------------------------------------------------------------------- */
/* Host: SDEI v7's firmware registers                                     */
/* ---------------------------------------------------------------------- */
int s7_get(struct kvm_vcpu *vcpu, uint64_t id, void *val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uint64_t)val };

	return ioctl(vcpu->fd, KVM_GET_ONE_REG, &reg) ? -errno : 0;
}

int s7_set(struct kvm_vcpu *vcpu, uint64_t id, const void *val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uint64_t)val };

	return ioctl(vcpu->fd, KVM_SET_ONE_REG, &reg) ? -errno : 0;
}

uint64_t s7_get64(struct kvm_vcpu *vcpu, uint64_t id)
{
	uint64_t val = SDEI_NA;

	return s7_get(vcpu, id, &val) ? SDEI_NA : val;
}

int s7_save(struct kvm_vcpu *vcpu, struct sdei7_state *st)
{
	int i, r = 0;

	for (i = 0; i < 4; i++)
		r = r ? r : s7_get(vcpu, SDEI7_REG_EVENT_HANDLER(i), &st->handler[i]);
	r = r ? r : s7_get(vcpu, SDEI7_REG_EVENT_REGISTERED, &st->registered);
	r = r ? r : s7_get(vcpu, SDEI7_REG_EVENT_ENABLED, &st->enabled);
	r = r ? r : s7_get(vcpu, SDEI7_REG_EVENT_RUNNING, &st->running);
	r = r ? r : s7_get(vcpu, SDEI7_REG_EVENT_CONTEXT, &st->ctx);
	r = r ? r : s7_get(vcpu, SDEI7_REG_EVENT_PENDING, &st->pending);
	return r ? r : s7_get(vcpu, SDEI7_REG_PE_STATE, &st->pe_state);
}

/*
 * Enabled before pending, and the PE state last: writing PENDING or
 * unmasking requests a delivery, and v7's delivery loop never gets past a
 * pending event that is not enabled (see sdei_host_bugs).
 */
int s7_restore(struct kvm_vcpu *vcpu, const struct sdei7_state *st)
{
	int i, r = 0;

	for (i = 0; i < 4; i++)
		r = r ? r : s7_set(vcpu, SDEI7_REG_EVENT_HANDLER(i), &st->handler[i]);
	r = r ? r : s7_set(vcpu, SDEI7_REG_EVENT_REGISTERED, &st->registered);
	r = r ? r : s7_set(vcpu, SDEI7_REG_EVENT_ENABLED, &st->enabled);
	r = r ? r : s7_set(vcpu, SDEI7_REG_EVENT_RUNNING, &st->running);
	r = r ? r : s7_set(vcpu, SDEI7_REG_EVENT_CONTEXT, &st->ctx);
	r = r ? r : s7_set(vcpu, SDEI7_REG_EVENT_PENDING, &st->pending);
	return r ? r : s7_set(vcpu, SDEI7_REG_PE_STATE, &st->pe_state);
}
