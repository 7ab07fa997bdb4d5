// SPDX-License-Identifier: GPL-2.0-only
/*
 * sdei_v6.c - SDEI virtualization v6 (2022-04-03, base 5.18-rc1), as the
 * patches implement it, without their bugs:
 *  - hypercalls are routed by owner: every standard-owner ID from VERSION
 *    (0xC4000020) to FEATURES (0xC4000050) reaches SDEI code; the ones it
 *    does not implement (ROUTING_SET, INTERRUPT_BIND/RELEASE, 0x30..0x3f
 *    but 0x31/0x32) answer NOT_SUPPORTED [02, 03/18];
 *  - VERSION 1.1, vendor 0x564BCAA9 (KVM's UID word 2) [16];
 *  - one event, exposed by KVM itself: 0 (private, normal, signaled); each
 *    vCPU has its own copy with entry point, argument, routing, state bits
 *    (registered, enabled, unregister-pending) and a count of pending
 *    instances. Event numbers are taken as 32-bit (unsigned int) [03, 04];
 *  - REGISTER: 0 or a virtual number, x4 0/1, else INVALID_PARAMETERS; a
 *    virtual number is not exposed: INVALID_PARAMETERS; registered or
 *    pending unregistration: DENIED [04];
 *  - ENABLE/DISABLE: unknown event, not registered or pending
 *    unregistration: DENIED [05]; CONTEXT: x1 >= 18 INVALID_PARAMETERS,
 *    no handler DENIED [06];
 *  - UNREGISTER / PRIVATE_RESET of a running event: PENDING, completed at
 *    COMPLETE; otherwise the pending instances are dropped [07, 11];
 *    SHARED_RESET does nothing; STATUS has RUNNING only while the handler
 *    runs [08]; GET_INFO: routing mode/affinity INVALID_PARAMETERS [09];
 *  - PE_MASK / PE_UNMASK always succeed (UNMASK requests nothing) [10];
 *  - SIGNAL of event 0: PE masked, not registered + enabled or pending
 *    unregistration: INVALID_PARAMETERS; every SIGNAL adds an instance [14];
 *  - FEATURES(0) = FEATURES(1) = 0, others INVALID_PARAMETERS [15];
 *  - delivery (not while masked, not over a running critical event, a
 *    normal one only when none runs) saves x0-x17, PC and PSTATE after
 *    pending PC adjustments, enters with x0-x3 = number, argument, PC,
 *    PSTATE, x4-x17 cleared, EL1h with DAIF masked; SPSR_EL1 is not
 *    written [12];
 *  - COMPLETE(_AND_RESUME) write no result, restore x0-x17, PC, PSTATE;
 *    the latter takes an IRQ exception (x1 ignored); a pending
 *    unregistration completes; another delivery is requested when
 *    instances remain [13];
 *  - no VMM interface (no migration); capability 214 [17].
 * Bugs of the patches that are NOT reproduced: the in-kernel "immediate"
 * injection returns with the vCPU lock held [12] (nothing calls it; the
 * model has no in-kernel user of it either).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

#define V6_VENDOR		0x564bcaa9ULL
#define TYPE_PRIVATE		0
#define PRIO_NORMAL		0
#define PRIO_CRITICAL		1

#define ST_REGISTERED		(1UL << 0)
#define ST_ENABLED		(1UL << 1)
#define ST_UNREGISTER_PENDING	(1UL << 2)

struct exposed {			/* kvm_sdei_exposed_event */
	uint32_t num;
	uint8_t type, signaled, priority;
};

/* The events KVM exposes (exposed_events[] in 03/18) */
static const struct exposed exposed_events[] = {
	{ .num = 0, .type = TYPE_PRIVATE, .signaled = 1, .priority = PRIO_NORMAL },
};
#define NR_EVENTS	(sizeof(exposed_events) / sizeof(exposed_events[0]))

struct event {				/* kvm_sdei_event */
	const struct exposed *exposed;
	uint8_t route_mode;
	uint64_t route_affinity, ep_address, ep_arg;
	unsigned long state;
	unsigned long event_count;
};

struct context {			/* kvm_sdei_vcpu_context */
	struct event *event;
	uint64_t regs[18];
	uint64_t pc, pstate;
};

struct s6_vcpu {
	struct event events[NR_EVENTS];
	bool masked;
	unsigned long critical_count, normal_count;
	struct context context[PRIO_CRITICAL + 1];
};

#define SVCPU(v)	((struct s6_vcpu *)(v)->sdei)

/* kvm_sdei_is_supported(): 0 or a virtual number, as 32 bits */
static bool supported(uint32_t num)
{
	return num == 0 || ((num >> 22) & 3) == 1;
}

static bool is_critical(const struct event *e)
{
	return e->exposed->priority == PRIO_CRITICAL;
}

static struct event *find_event(struct model_vcpu *v, uint32_t num)
{
	unsigned int i;

	for (i = 0; i < NR_EVENTS; i++)
		if (SVCPU(v)->events[i].exposed->num == num)
			return &SVCPU(v)->events[i];
	return NULL;
}

static struct context *event_context(struct model_vcpu *v, struct event *e)
{
	return &SVCPU(v)->context[is_critical(e) ? PRIO_CRITICAL : PRIO_NORMAL];
}

/* the running context: critical first */
static struct context *running_context(struct model_vcpu *v)
{
	struct s6_vcpu *s = SVCPU(v);

	if (s->context[PRIO_CRITICAL].event)
		return &s->context[PRIO_CRITICAL];
	if (s->context[PRIO_NORMAL].event)
		return &s->context[PRIO_NORMAL];
	return NULL;
}

static void drop_instances(struct model_vcpu *v, struct event *e)
{
	if (is_critical(e))
		SVCPU(v)->critical_count -= e->event_count;
	else
		SVCPU(v)->normal_count -= e->event_count;
	e->event_count = 0;
}

static void s6_vm_init(struct model_vm *vm)
{
	vm->sdei = NULL;	/* all state is per vCPU */
}

static void s6_vcpu_init(struct model_vcpu *v)
{
	struct s6_vcpu *s = calloc(1, sizeof(*s));
	unsigned int i;

	if (!s)
		model_die("out of memory");
	for (i = 0; i < NR_EVENTS; i++)
		s->events[i].exposed = &exposed_events[i];
	s->masked = !model_deviates("pe-starts-unmasked");
	v->sdei = s;
}

/* ---------------------------------------------------------------------- */
/* Hypercalls                                                             */
/* ---------------------------------------------------------------------- */

/* reset_event(): 0, or -EAGAIN / -EBUSY when it has to wait for COMPLETE */
static int reset_event(struct model_vcpu *v, struct event *e)
{
	if (e->state & ST_UNREGISTER_PENDING)
		return -EAGAIN;
	if (event_context(v, e)->event == e) {
		e->state |= ST_UNREGISTER_PENDING;
		return -EBUSY;
	}
	drop_instances(v, e);
	e->state &= ~(ST_ENABLED | ST_REGISTERED);
	return 0;
}

static uint64_t hc_version(void)
{
	uint64_t vendor = model_deviates("wrong-vendor") ? 0x4b564dULL : V6_VENDOR;

	return (1ULL << 48) | (1ULL << 32) | vendor;
}

static uint64_t hc_register(struct model_vcpu *v, struct model_hvc *h)
{
	uint32_t num = h->x[1];
	uint64_t mode = h->x[4];
	struct event *e;

	if (!supported(num) || (mode != 0 && mode != 1))
		return MODEL_SDEI_INVALID_PARAMETERS;
	e = find_event(v, num);
	if (!e)
		return MODEL_SDEI_INVALID_PARAMETERS;
	if (e->state & (ST_REGISTERED | ST_UNREGISTER_PENDING))
		return MODEL_SDEI_DENIED;
	e->route_mode = mode;
	e->route_affinity = h->x[5];
	e->ep_address = h->x[2];
	e->ep_arg = h->x[3];
	e->state |= ST_REGISTERED;
	return MODEL_SDEI_SUCCESS;
}

static uint64_t hc_enable(struct model_vcpu *v, struct model_hvc *h, bool enable)
{
	uint32_t num = h->x[1];
	struct event *e;

	if (!supported(num))
		return MODEL_SDEI_INVALID_PARAMETERS;
	e = find_event(v, num);
	if (!e)
		return MODEL_SDEI_DENIED;
	if (!(e->state & ST_REGISTERED) || (e->state & ST_UNREGISTER_PENDING))
		return MODEL_SDEI_DENIED;
	if (enable)
		e->state |= ST_ENABLED;
	else
		e->state &= ~ST_ENABLED;
	return MODEL_SDEI_SUCCESS;
}

static uint64_t hc_context(struct model_vcpu *v, struct model_hvc *h)
{
	struct context *c = running_context(v);

	if (!c)
		return MODEL_SDEI_DENIED;
	if (h->x[1] < 18)
		return c->regs[h->x[1]];
	return MODEL_SDEI_INVALID_PARAMETERS;
}

static uint64_t hc_unregister(struct model_vcpu *v, struct model_hvc *h)
{
	uint32_t num = h->x[1];
	struct event *e;

	if (!supported(num))
		return MODEL_SDEI_INVALID_PARAMETERS;
	e = find_event(v, num);
	if (!e)
		return MODEL_SDEI_INVALID_PARAMETERS;
	if (!(e->state & ST_REGISTERED))
		return MODEL_SDEI_DENIED;
	if (reset_event(v, e))
		return MODEL_SDEI_PENDING;
	return MODEL_SDEI_SUCCESS;
}

static uint64_t hc_status(struct model_vcpu *v, struct model_hvc *h)
{
	uint32_t num = h->x[1];
	struct event *e;
	uint64_t ret = 0;

	if (!supported(num))
		return MODEL_SDEI_INVALID_PARAMETERS;
	e = find_event(v, num);
	if (!e)
		return 0;
	if (e->state & ST_REGISTERED)
		ret |= 1;
	if (e->state & ST_ENABLED)
		ret |= 2;
	if (event_context(v, e)->event == e)
		ret |= 4;
	return ret;
}

static uint64_t hc_info(struct model_vcpu *v, struct model_hvc *h)
{
	uint32_t num = h->x[1];
	struct event *e;

	if (!supported(num))
		return MODEL_SDEI_INVALID_PARAMETERS;
	e = find_event(v, num);
	if (!e)
		return MODEL_SDEI_INVALID_PARAMETERS;
	switch (h->x[2]) {
	case 0:
		return e->exposed->type;
	case 1:
		return e->exposed->signaled;
	case 2:
		return e->exposed->priority;
	default:		/* routing mode and affinity: no shared events */
		return MODEL_SDEI_INVALID_PARAMETERS;
	}
}

/* inject_event() */
static int inject_event(struct model_vcpu *v, struct event *e)
{
	if (!(e->state & ST_REGISTERED) || !(e->state & ST_ENABLED))
		return -ENOENT;
	if (e->state & ST_UNREGISTER_PENDING)
		return -EAGAIN;
	if (model_deviates("signal-coalesces") && e->event_count)
		return 0;	/* absorbed by the queued or running instance */
	e->event_count++;
	if (is_critical(e))
		SVCPU(v)->critical_count++;
	else
		SVCPU(v)->normal_count++;
	model_request(v, MODEL_REQ_SDEI);
	return 0;
}

static uint64_t hc_signal(struct model_vcpu *v, struct model_hvc *h)
{
	uint32_t num = h->x[1];
	struct event *e;

	if (num != 0)
		return MODEL_SDEI_INVALID_PARAMETERS;
	if (SVCPU(v)->masked)
		return MODEL_SDEI_INVALID_PARAMETERS;
	e = find_event(v, num);
	if (!e || inject_event(v, e))
		return MODEL_SDEI_INVALID_PARAMETERS;
	return MODEL_SDEI_SUCCESS;
}

static uint64_t hc_reset(struct model_vcpu *v, bool private)
{
	uint64_t ret = MODEL_SDEI_SUCCESS;
	unsigned int i;

	if (!private)
		return ret;	/* no shared events */
	for (i = 0; i < NR_EVENTS; i++) {
		struct event *e = &SVCPU(v)->events[i];

		if (!(e->state & ST_REGISTERED))
			continue;
		if (reset_event(v, e))
			ret = MODEL_SDEI_PENDING;
	}
	return ret;
}

static void hc_complete(struct model_vcpu *v, bool resume)
{
	struct s6_vcpu *s = SVCPU(v);
	struct context *c = running_context(v);
	struct event *e;
	int i;

	if (!c)
		return;		/* DENIED, but COMPLETE writes no result */
	for (i = 0; i < 18; i++)
		model_set_x(v, i, c->regs[i]);
	model_reg_set(v, MODEL_REG_PSTATE, c->pstate);
	model_reg_set(v, MODEL_REG_PC, c->pc);
	if (resume && !model_deviates("resume-no-irq"))
		model_inject_irq_exception(v);

	e = c->event;
	c->event = NULL;
	e->event_count--;
	if (is_critical(e))
		s->critical_count--;
	else
		s->normal_count--;
	if (e->state & ST_UNREGISTER_PENDING) {
		drop_instances(v, e);
		e->state &= ~(ST_ENABLED | ST_REGISTERED | ST_UNREGISTER_PENDING);
	}
	if (s->critical_count > 0 || s->normal_count > 0)
		model_request(v, MODEL_REQ_SDEI);
}

static void s6_hypercall(struct model_vcpu *v, struct model_hvc *h)
{
	uint32_t features_fn = model_deviates("features-wrong-id") ? 0xC4000030 : 0xC4000050;
	uint64_t r;

	h->ret[1] = h->ret[2] = h->ret[3] = 0;
	if (h->fn == features_fn) {
		h->ret[0] = h->x[1] <= 1 ? 0 : MODEL_SDEI_INVALID_PARAMETERS;
		return;
	}
	switch (h->fn) {
	case 0xC4000020:
		r = hc_version();
		break;
	case 0xC4000021:
		r = hc_register(v, h);
		break;
	case 0xC4000022:
		r = hc_enable(v, h, true);
		break;
	case 0xC4000023:
		r = hc_enable(v, h, false);
		break;
	case 0xC4000024:
		r = hc_context(v, h);
		break;
	case 0xC4000025:
	case 0xC4000026:
		hc_complete(v, h->fn == 0xC4000026);
		h->has_result = model_deviates("complete-writes-x0");
		r = MODEL_SDEI_SUCCESS;
		break;
	case 0xC4000027:
		r = hc_unregister(v, h);
		break;
	case 0xC4000028:
		r = hc_status(v, h);
		break;
	case 0xC4000029:
		r = hc_info(v, h);
		break;
	case 0xC400002B:
	case 0xC400002C:
		SVCPU(v)->masked = h->fn == 0xC400002B;
		r = MODEL_SDEI_SUCCESS;
		break;
	case 0xC400002F:
		r = hc_signal(v, h);
		break;
	case 0xC4000031:
		r = hc_reset(v, true);
		break;
	case 0xC4000032:
		r = hc_reset(v, false);
		break;
	default:	/* ROUTING_SET, INTERRUPT_BIND/RELEASE, unallocated */
		r = MODEL_SDEI_NOT_SUPPORTED;
	}
	h->ret[0] = r;
}

/* ---------------------------------------------------------------------- */
/* Delivery                                                               */
/* ---------------------------------------------------------------------- */

static void s6_deliver(struct model_vcpu *v)
{
	struct s6_vcpu *s = SVCPU(v);
	struct event *selected = NULL, *e;
	struct context *c;
	uint64_t pstate;
	unsigned int i;

	if (s->masked || s->context[PRIO_CRITICAL].event)
		return;
	for (i = 0; i < NR_EVENTS; i++) {
		e = &s->events[i];
		if (!e->event_count)
			continue;
		if (s->context[PRIO_NORMAL].event && !is_critical(e))
			continue;
		if (is_critical(e)) {
			selected = e;
			break;
		}
		if (!selected)
			selected = e;
	}
	if (!selected)
		return;

	e = selected;
	c = event_context(v, e);
	c->event = e;
	c->pc = model_reg_get(v, MODEL_REG_PC);
	c->pstate = model_reg_get(v, MODEL_REG_PSTATE);
	for (i = 0; i < 18; i++)
		c->regs[i] = model_x(v, i);

	for (i = 4; i < 18; i++)
		model_set_x(v, i, 0);
	model_set_x(v, 0, e->exposed->num);
	model_set_x(v, 1, e->ep_arg ^ (model_deviates("wrong-event-arg") ? 1 : 0));
	model_set_x(v, 2, c->pc);
	model_set_x(v, 3, c->pstate);
	pstate = model_sdei_entry_pstate(c->pstate);
	if (model_deviates("spsr-written"))
		model_reg_set(v, MODEL_REG_SPSR_EL1, c->pstate);
	model_reg_set(v, MODEL_REG_PSTATE, pstate);
	model_reg_set(v, MODEL_REG_PC, e->ep_address);
}

const struct model_sdei_ops model_sdei_v6 = {
	.name = "v6",
	.vm_init = s6_vm_init,
	.vcpu_init = s6_vcpu_init,
	.hypercall = s6_hypercall,
	.deliver = s6_deliver,
};
