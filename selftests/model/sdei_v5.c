// SPDX-License-Identifier: GPL-2.0-only
/*
 * sdei_v5.c - SDEI virtualization v5 (2022-03-22, base 5.17-rc7), as the
 * patches implement it, without their bugs:
 *  - the 19 SDEI IDs the series routes (0x20..0x2f, 0x31, 0x32 and FEATURES
 *    at 0xC4000050) reach SDEI code; every other forwarded ID falls through
 *    to PSCI, which answers NOT_SUPPORTED [02/22];
 *  - VERSION 1.1, vendor 0x4b564d [03];
 *  - no event exists until the VMM exposes it (KVM_ARM_SDEI_COMMAND 0xd0 on
 *    the VM fd); supported numbers: 0 and the "virtual" ones (bits 23:22 = 1,
 *    below 2^32) [02, 18];
 *  - per-VM exposed and registered events (entry point, argument and
 *    registered / enabled / unregister-pending bits per vCPU index), per-vCPU
 *    queued "vCPU events" with a count, critical before normal [02, 04];
 *  - SIGNAL (0xC400002F) of event 0 only, registered, enabled, not pending
 *    unregistration and the PE unmasked, else INVALID_PARAMETERS [15];
 *  - PE_MASK / PE_UNMASK always succeed; PRIVATE_RESET unregisters the
 *    private events of every vCPU, SHARED_RESET the shared ones [11, 12];
 *  - FEATURES(0) = FEATURES(1) = 0, others INVALID_PARAMETERS [13];
 *  - delivery saves x0-x17, PC and PSTATE after pending PC adjustments,
 *    enters the handler with x0-x3 = number, argument, PC, PSTATE, x4-x17
 *    cleared, EL1h with DAIF masked, and writes SPSR_EL1; it does not look
 *    at the PE mask (injection does) [14];
 *  - COMPLETE(_AND_RESUME) write no result; they restore x0-x17, PC and
 *    PSTATE, the latter with an IRQ exception (x1 ignored), finish a
 *    pending unregistration and request the next delivery [16];
 *  - the VM and vCPU ioctls (16-byte command with a user pointer to a state
 *    array): GET_VERSION, exposed / registered / vCPU events, vCPU state,
 *    INJECT_EVENT [18, 19]; capability 211 [20].
 * Bugs of the patches that are NOT reproduced: the first REGISTER stores
 * the affinity as routing mode [04]; COMPLETE reads the vCPU event after
 * freeing it [16]; the notifier pointer the VMM hands in with
 * SET_EXPOSED_EVENT is called by the host at delivery and completion [17]
 * (the model keeps the value, never calls it); COMPLETE of a pending
 * unregistration leaves the unregister-pending bit set, so the vCPU could
 * never register the event again when other vCPUs keep it registered [16].
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

#define V5_MAX_VCPUS		512
#define V5_MAX_EVENTS		128
#define V5_INVALID_EVENT	0xFFFFFFFFULL
#define V5_VENDOR		0x4b564dULL
#define TYPE_PRIVATE		0
#define TYPE_SHARED		1
#define PRIO_NORMAL		0
#define PRIO_CRITICAL		1

/* The uapi of v5, kvm_sdei_state.h (the model's own copy) */
struct v5_exposed_state {
	uint64_t num;
	uint8_t type, signaled, priority, pad[5];
	uint64_t notifier;
};

struct v5_registered_state {
	uint64_t num;
	uint8_t route_mode, pad[3];
	uint64_t route_affinity;
	uint64_t ep_address[V5_MAX_VCPUS];
	uint64_t ep_arg[V5_MAX_VCPUS];
	uint64_t registered[V5_MAX_VCPUS / 64];
	uint64_t enabled[V5_MAX_VCPUS / 64];
	uint64_t unregister_pending[V5_MAX_VCPUS / 64];
};

struct v5_vevent_state {
	uint64_t num;
	uint32_t event_count, pad;
};

struct v5_regs {
	uint64_t regs[18];
	uint64_t pc, pstate;
};

struct v5_vcpu_state {
	uint8_t masked, pad[7];
	uint64_t critical_num, normal_num;
	struct v5_regs critical_regs, normal_regs;
};

struct v5_cmd {
	uint32_t cmd;
	union {
		uint32_t version;
		uint32_t count;
	};
	union {
		uint64_t state;		/* user pointer to a state array */
		uint64_t num;
	};
};

_Static_assert(sizeof(struct v5_cmd) == 16, "v5 command");
_Static_assert(sizeof(struct v5_exposed_state) == 24, "v5 exposed event");
_Static_assert(sizeof(struct v5_registered_state) == 8408, "v5 registered event");
_Static_assert(sizeof(struct v5_vevent_state) == 16, "v5 vCPU event");
_Static_assert(sizeof(struct v5_vcpu_state) == 344, "v5 vCPU state");

enum {
	CMD_GET_VERSION, CMD_GET_EXPOSED_EVENT_COUNT, CMD_GET_EXPOSED_EVENT,
	CMD_SET_EXPOSED_EVENT, CMD_GET_REGISTERED_EVENT_COUNT, CMD_GET_REGISTERED_EVENT,
	CMD_SET_REGISTERED_EVENT, CMD_GET_VCPU_EVENT_COUNT, CMD_GET_VCPU_EVENT,
	CMD_SET_VCPU_EVENT, CMD_GET_VCPU_STATE, CMD_SET_VCPU_STATE, CMD_INJECT_EVENT,
};

struct exposed {			/* kvm_sdei_exposed_event */
	struct v5_exposed_state state;
	unsigned int registered_count;
	struct exposed *next;
};

struct registered {			/* kvm_sdei_registered_event */
	struct v5_registered_state state;
	struct exposed *exposed;
	unsigned int vcpu_event_count;
	struct registered *next;
};

struct vevent {				/* kvm_sdei_vcpu_event */
	struct v5_vevent_state state;
	struct registered *reg;
	struct vevent *next;
};

struct s5_vm {
	unsigned int exposed_count, registered_count;
	struct exposed *exposed;
	struct registered *registered;
};

struct s5_vcpu {
	struct v5_vcpu_state state;
	struct vevent *critical_event, *normal_event;	/* running */
	unsigned int critical_count, normal_count;
	struct vevent *critical_events, *normal_events;	/* queued and running */
};

#define SVM(vm)		((struct s5_vm *)(vm)->sdei)
#define SVCPU(v)	((struct s5_vcpu *)(v)->sdei)

/* kvm_sdei_is_supported(): the default event 0 or a virtual number */
static bool supported(uint64_t num)
{
	return num == 0 || (!(num >> 32) && ((num >> 22) & 3) == 1);
}

static bool is_shared(uint8_t type)
{
	return type == TYPE_SHARED;
}

static bool is_critical(uint8_t priority)
{
	return priority == PRIO_CRITICAL;
}

static int ev_index(struct model_vcpu *v, struct exposed *e)
{
	return is_shared(e->state.type) ? 0 : v->idx;
}

static bool bit(const uint64_t *map, int i)
{
	return map[i / 64] & (1ULL << (i % 64));
}

static void set_bit_(uint64_t *map, int i, bool on)
{
	if (on)
		map[i / 64] |= 1ULL << (i % 64);
	else
		map[i / 64] &= ~(1ULL << (i % 64));
}

static bool map_empty(const uint64_t *map)
{
	int i;

	for (i = 0; i < V5_MAX_VCPUS / 64; i++)
		if (map[i])
			return false;
	return true;
}

static struct exposed *find_exposed(struct model_vm *vm, uint64_t num)
{
	struct exposed *e;

	for (e = SVM(vm)->exposed; e; e = e->next)
		if (e->state.num == num)
			return e;
	return NULL;
}

static struct registered *find_registered(struct model_vm *vm, uint64_t num)
{
	struct registered *r;

	for (r = SVM(vm)->registered; r; r = r->next)
		if (r->state.num == num)
			return r;
	return NULL;
}

static void registered_append(struct model_vm *vm, struct registered *r)
{
	struct registered **pp;

	for (pp = &SVM(vm)->registered; *pp; pp = &(*pp)->next)
		;
	r->next = NULL;
	*pp = r;
	SVM(vm)->registered_count++;
	r->exposed->registered_count++;
}

static struct vevent *find_vevent(struct model_vcpu *v, uint64_t num)
{
	struct vevent *e;

	for (e = SVCPU(v)->critical_events; e; e = e->next)
		if (e->state.num == num)
			return e;
	for (e = SVCPU(v)->normal_events; e; e = e->next)
		if (e->state.num == num)
			return e;
	return NULL;
}

static void vevent_append(struct vevent **head, struct vevent *e)
{
	while (*head)
		head = &(*head)->next;
	e->next = NULL;
	*head = e;
}

/* remove_one_vcpu_event() */
static void remove_vevent(struct model_vcpu *v, struct vevent *e)
{
	struct s5_vcpu *s = SVCPU(v);
	struct vevent **pp;
	bool crit = is_critical(e->reg->exposed->state.priority);

	e->reg->vcpu_event_count--;
	if (crit)
		s->critical_count--;
	else
		s->normal_count--;
	for (pp = crit ? &s->critical_events : &s->normal_events; *pp; pp = &(*pp)->next)
		if (*pp == e) {
			*pp = e->next;
			break;
		}
	if (s->critical_event == e)
		s->critical_event = NULL;
	if (s->normal_event == e)
		s->normal_event = NULL;
	free(e);
}

/* remove_one_registered_event(); the model also drops what still points at it */
static void remove_registered(struct model_vm *vm, struct registered *r)
{
	struct registered **pp;
	struct vevent *e, *en;
	int i;

	for (i = 0; i < vm->nr_vcpus; i++) {
		struct model_vcpu *v = vm->vcpus[i];

		if (!v || !v->sdei)
			continue;
		for (e = SVCPU(v)->critical_events; e; e = en) {
			en = e->next;
			if (e->reg == r)
				remove_vevent(v, e);
		}
		for (e = SVCPU(v)->normal_events; e; e = en) {
			en = e->next;
			if (e->reg == r)
				remove_vevent(v, e);
		}
	}
	SVM(vm)->registered_count--;
	r->exposed->registered_count--;
	for (pp = &SVM(vm)->registered; *pp; pp = &(*pp)->next)
		if (*pp == r) {
			*pp = r->next;
			break;
		}
	free(r);
}

/*
 * remove_all_vcpu_events() for one number: queued instances go, a running
 * one stays with a count of 1; returns true if one is running.
 */
static bool remove_vevents(struct model_vcpu *v, uint64_t num)
{
	struct s5_vcpu *s = SVCPU(v);
	struct vevent *e, *en;
	bool pending = false;

	for (e = s->critical_events; e; e = en) {
		en = e->next;
		if (e->state.num != num)
			continue;
		if (s->critical_event == e) {
			e->state.event_count = 1;
			pending = true;
		} else {
			remove_vevent(v, e);
		}
	}
	for (e = s->normal_events; e; e = en) {
		en = e->next;
		if (e->state.num != num)
			continue;
		if (s->normal_event == e) {
			e->state.event_count = 1;
			pending = true;
		} else {
			remove_vevent(v, e);
		}
	}
	return pending;
}

static void s5_vm_init(struct model_vm *vm)
{
	vm->sdei = calloc(1, sizeof(struct s5_vm));
	if (!vm->sdei)
		model_die("out of memory");
}

static void s5_vcpu_init(struct model_vcpu *v)
{
	struct s5_vcpu *s = calloc(1, sizeof(*s));

	if (!s)
		model_die("out of memory");
	s->state.masked = model_deviates("pe-starts-unmasked") ? 0 : 1;
	s->state.critical_num = model_deviates("idle-num-zero") ? 0 : V5_INVALID_EVENT;
	s->state.normal_num = model_deviates("idle-num-zero") ? 0 : V5_INVALID_EVENT;
	v->sdei = s;
}

static void s5_vm_free(struct model_vm *vm)
{
	struct exposed *e, *en;
	struct registered *r, *rn;
	struct vevent *ve, *ven;
	int i;

	if (!vm->sdei)
		return;
	for (i = 0; i < vm->nr_vcpus; i++) {
		struct s5_vcpu *s = vm->vcpus[i] ? SVCPU(vm->vcpus[i]) : NULL;

		if (!s)
			continue;
		for (ve = s->critical_events; ve; ve = ven) {
			ven = ve->next;
			free(ve);
		}
		for (ve = s->normal_events; ve; ve = ven) {
			ven = ve->next;
			free(ve);
		}
		s->critical_events = s->normal_events = NULL;
	}
	for (r = SVM(vm)->registered; r; r = rn) {
		rn = r->next;
		free(r);
	}
	for (e = SVM(vm)->exposed; e; e = en) {
		en = e->next;
		free(e);
	}
}

/* ---------------------------------------------------------------------- */
/* Hypercalls                                                             */
/* ---------------------------------------------------------------------- */

static uint64_t hc_version(void)
{
	uint64_t vendor = model_deviates("wrong-vendor") ? 0x564bcaa9ULL : V5_VENDOR;

	return (1ULL << 48) | (1ULL << 32) | vendor;
}

static uint64_t hc_register(struct model_vcpu *v, struct model_hvc *h)
{
	struct model_vm *vm = v->vm;
	uint64_t num = h->x[1], mode = h->x[4];
	struct registered *r;
	struct exposed *e;
	int index;

	if (!supported(num) || (mode != 0 && mode != 1))
		return MODEL_SDEI_INVALID_PARAMETERS;
	r = find_registered(vm, num);
	if (r) {
		index = ev_index(v, r->exposed);
		if (bit(r->state.registered, index) || bit(r->state.unregister_pending, index))
			return MODEL_SDEI_DENIED;
	} else {
		e = find_exposed(vm, num);
		if (!e)
			return MODEL_SDEI_INVALID_PARAMETERS;
		if (SVM(vm)->registered_count >= V5_MAX_EVENTS)
			return MODEL_SDEI_OUT_OF_RESOURCE;
		r = calloc(1, sizeof(*r));
		if (!r)
			return MODEL_SDEI_OUT_OF_RESOURCE;
		r->state.num = num;
		r->exposed = e;
		registered_append(vm, r);
		index = ev_index(v, e);
	}
	r->state.route_mode = mode;
	r->state.route_affinity = h->x[5];
	r->state.ep_address[index] = h->x[2];
	r->state.ep_arg[index] = h->x[3];
	set_bit_(r->state.registered, index, true);
	return MODEL_SDEI_SUCCESS;
}

static uint64_t hc_enable(struct model_vcpu *v, struct model_hvc *h, bool enable)
{
	struct registered *r;
	int index;

	if (!supported(h->x[1]))
		return MODEL_SDEI_INVALID_PARAMETERS;
	r = find_registered(v->vm, h->x[1]);
	if (!r)
		return MODEL_SDEI_DENIED;
	index = ev_index(v, r->exposed);
	if (!bit(r->state.registered, index) || bit(r->state.unregister_pending, index))
		return MODEL_SDEI_DENIED;
	set_bit_(r->state.enabled, index, enable);
	return MODEL_SDEI_SUCCESS;
}

static uint64_t hc_context(struct model_vcpu *v, struct model_hvc *h)
{
	struct s5_vcpu *s = SVCPU(v);
	struct v5_regs *regs;

	if (!s->critical_event && !s->normal_event)
		return MODEL_SDEI_DENIED;
	regs = s->critical_event ? &s->state.critical_regs : &s->state.normal_regs;
	if (h->x[1] < 18)
		return regs->regs[h->x[1]];
	return MODEL_SDEI_INVALID_PARAMETERS;
}

/* unregister_one_event(): @v NULL for every vCPU (the RESET calls) */
static uint64_t unregister_one(struct model_vm *vm, struct model_vcpu *v, struct registered *r)
{
	struct exposed *e = r->exposed;
	uint64_t ret = MODEL_SDEI_SUCCESS;
	int i, index;

	for (i = 0; i < vm->nr_vcpus; i++) {
		struct model_vcpu *vp = vm->vcpus[i];
		bool pending = false;

		if (!vp || !vp->sdei)
			continue;
		if (!is_shared(e->state.type) && v && v != vp)
			continue;
		if (r->vcpu_event_count > 0)
			pending = remove_vevents(vp, r->state.num);
		if (pending)
			ret = MODEL_SDEI_PENDING;
		if (is_shared(e->state.type))
			continue;
		index = ev_index(vp, e);
		if (pending) {
			set_bit_(r->state.unregister_pending, index, true);
		} else {
			set_bit_(r->state.enabled, index, false);
			set_bit_(r->state.registered, index, false);
		}
	}
	if (is_shared(e->state.type)) {
		if (ret == MODEL_SDEI_PENDING) {
			set_bit_(r->state.unregister_pending, 0, true);
		} else {
			set_bit_(r->state.enabled, 0, false);
			set_bit_(r->state.registered, 0, false);
		}
	}
	if (map_empty(r->state.registered))
		remove_registered(vm, r);
	return ret;
}

static uint64_t hc_unregister(struct model_vcpu *v, struct model_hvc *h)
{
	struct registered *r;
	int index;

	if (!supported(h->x[1]))
		return MODEL_SDEI_INVALID_PARAMETERS;
	r = find_registered(v->vm, h->x[1]);
	if (!r)
		return MODEL_SDEI_INVALID_PARAMETERS;
	index = ev_index(v, r->exposed);
	if (!bit(r->state.registered, index))
		return MODEL_SDEI_DENIED;
	if (bit(r->state.unregister_pending, index))
		return MODEL_SDEI_PENDING;
	return unregister_one(v->vm, v, r);
}

static uint64_t hc_status(struct model_vcpu *v, struct model_hvc *h)
{
	struct registered *r;
	uint64_t ret = 0;
	int index;

	if (!supported(h->x[1]))
		return MODEL_SDEI_INVALID_PARAMETERS;
	r = find_registered(v->vm, h->x[1]);
	if (!r)
		return 0;
	index = ev_index(v, r->exposed);
	if (bit(r->state.registered, index))
		ret |= 1;
	if (bit(r->state.enabled, index))
		ret |= 2;
	if (r->vcpu_event_count > 0)
		ret |= 4;
	return ret;
}

static uint64_t hc_info(struct model_vcpu *v, struct model_hvc *h)
{
	struct registered *r;
	struct exposed *e;

	if (!supported(h->x[1]))
		return MODEL_SDEI_INVALID_PARAMETERS;
	r = find_registered(v->vm, h->x[1]);
	e = r ? r->exposed : find_exposed(v->vm, h->x[1]);
	if (!e)
		return MODEL_SDEI_INVALID_PARAMETERS;
	switch (h->x[2]) {
	case 0:
		return e->state.type;
	case 1:
		return e->state.signaled;
	case 2:
		return e->state.priority;
	case 3:
	case 4:
		if (!is_shared(e->state.type))
			return MODEL_SDEI_INVALID_PARAMETERS;
		if (!r || !bit(r->state.registered, ev_index(v, e)))
			return MODEL_SDEI_DENIED;
		return h->x[2] == 3 ? r->state.route_mode : r->state.route_affinity;
	default:
		return MODEL_SDEI_INVALID_PARAMETERS;
	}
}

static uint64_t hc_route(struct model_vcpu *v, struct model_hvc *h)
{
	struct registered *r;

	if (!supported(h->x[1]) || (h->x[2] != 0 && h->x[2] != 1))
		return MODEL_SDEI_INVALID_PARAMETERS;
	r = find_registered(v->vm, h->x[1]);
	if (!r)
		return MODEL_SDEI_INVALID_PARAMETERS;
	if (!is_shared(r->exposed->state.type))
		return MODEL_SDEI_DENIED;
	if (!bit(r->state.registered, 0) || bit(r->state.enabled, 0) || r->vcpu_event_count)
		return MODEL_SDEI_DENIED;
	r->state.route_mode = h->x[2];
	r->state.route_affinity = h->x[3];
	return MODEL_SDEI_SUCCESS;
}

/* do_inject_event() */
static int do_inject(struct model_vcpu *v, struct registered *r, bool immediate)
{
	struct s5_vcpu *s = SVCPU(v);
	bool crit = is_critical(r->exposed->state.priority);
	struct vevent *e;

	if (immediate && (s->critical_count + (crit ? 0 : s->normal_count)) > 0)
		return -ENOSPC;
	e = find_vevent(v, r->state.num);
	if (e) {
		e->state.event_count++;
		model_request(v, MODEL_REQ_SDEI);
		return 0;
	}
	if (s->critical_count + s->normal_count >= V5_MAX_EVENTS)
		return -ERANGE;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->state.num = r->state.num;
	e->state.event_count = 1;
	e->reg = r;
	r->vcpu_event_count++;
	if (crit) {
		vevent_append(&s->critical_events, e);
		s->critical_count++;
	} else {
		vevent_append(&s->normal_events, e);
		s->normal_count++;
	}
	model_request(v, MODEL_REQ_SDEI);
	return 0;
}

/* registered, enabled, not pending unregistration, PE unmasked */
static bool injectable(struct model_vcpu *v, struct registered *r)
{
	int index = ev_index(v, r->exposed);

	return bit(r->state.registered, index) && bit(r->state.enabled, index) &&
	       !bit(r->state.unregister_pending, index);
}

static uint64_t hc_signal(struct model_vcpu *v, struct model_hvc *h)
{
	struct registered *r;
	int index;

	if (h->x[1] != 0)
		return MODEL_SDEI_INVALID_PARAMETERS;
	r = find_registered(v->vm, 0);
	if (!r)
		return MODEL_SDEI_INVALID_PARAMETERS;
	if (model_deviates("signal-v7-rules")) {
		/* v7: registration is enough; a disabled or masked event stays pending */
		index = ev_index(v, r->exposed);
		if (!bit(r->state.registered, index))
			return MODEL_SDEI_INVALID_PARAMETERS;
		return do_inject(v, r, false) ? MODEL_SDEI_INVALID_PARAMETERS : MODEL_SDEI_SUCCESS;
	}
	if (!injectable(v, r) || SVCPU(v)->state.masked)
		return MODEL_SDEI_INVALID_PARAMETERS;
	if (do_inject(v, r, false))
		return MODEL_SDEI_INVALID_PARAMETERS;
	return MODEL_SDEI_SUCCESS;
}

static uint64_t hc_reset(struct model_vcpu *v, bool private)
{
	struct registered *r, *rn;
	uint64_t ret = MODEL_SDEI_SUCCESS, x;

	for (r = SVM(v->vm)->registered; r; r = rn) {
		rn = r->next;
		if (private == is_shared(r->exposed->state.type))
			continue;
		x = unregister_one(v->vm, NULL, r);
		if (x != MODEL_SDEI_SUCCESS)
			ret = x;
	}
	return ret;
}

static uint64_t hc_features(struct model_hvc *h)
{
	return h->x[1] <= 1 ? 0 : MODEL_SDEI_INVALID_PARAMETERS;
}

static void hc_complete(struct model_vcpu *v, bool resume)
{
	struct s5_vcpu *s = SVCPU(v);
	struct registered *r;
	struct v5_regs *regs;
	struct vevent *e;
	int i, index;

	if (s->critical_event) {
		e = s->critical_event;
		regs = &s->state.critical_regs;
		s->critical_event = NULL;
		s->state.critical_num = V5_INVALID_EVENT;
	} else if (s->normal_event) {
		e = s->normal_event;
		regs = &s->state.normal_regs;
		s->normal_event = NULL;
		s->state.normal_num = V5_INVALID_EVENT;
	} else {
		return;		/* DENIED, but COMPLETE writes no result */
	}
	for (i = 0; i < 18; i++)
		model_set_x(v, i, regs->regs[i]);
	model_reg_set(v, MODEL_REG_PSTATE, regs->pstate);
	model_reg_set(v, MODEL_REG_PC, regs->pc);
	if (resume && !model_deviates("resume-no-irq"))
		model_inject_irq_exception(v);

	r = e->reg;
	if (!--e->state.event_count)
		remove_vevent(v, e);
	index = ev_index(v, r->exposed);
	if (bit(r->state.unregister_pending, index)) {
		set_bit_(r->state.unregister_pending, index, false);
		set_bit_(r->state.enabled, index, false);
		set_bit_(r->state.registered, index, false);
		if (map_empty(r->state.registered))
			remove_registered(v->vm, r);
	}
	if (s->critical_count + s->normal_count > 0)
		model_request(v, MODEL_REQ_SDEI);
}

/* The IDs kvm_hvc_call_handler() routes to kvm_sdei_hypercall() [02/22] */
static bool routed(uint32_t fn)
{
	return (fn >= 0xC4000020 && fn <= 0xC400002F) || fn == 0xC4000031 ||
	       fn == 0xC4000032 || fn == 0xC4000050;
}

static void s5_hypercall(struct model_vcpu *v, struct model_hvc *h)
{
	uint32_t features_fn = model_deviates("features-wrong-id") ? 0xC4000030 : 0xC4000050;
	uint64_t r;

	h->ret[1] = h->ret[2] = h->ret[3] = 0;
	if (h->fn == features_fn) {
		h->ret[0] = hc_features(h);
		return;
	}
	if (!routed(h->fn) || h->fn == 0xC4000050) {
		h->ret[0] = MODEL_SMCCC_NOT_SUPPORTED;	/* PSCI: not a PSCI function */
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
	case 0xC400002A:
		r = hc_route(v, h);
		break;
	case 0xC400002B:
	case 0xC400002C:
		SVCPU(v)->state.masked = h->fn == 0xC400002B;
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
	default:		/* INTERRUPT_BIND, INTERRUPT_RELEASE */
		r = MODEL_SDEI_NOT_SUPPORTED;
	}
	h->ret[0] = r;
}

/* ---------------------------------------------------------------------- */
/* Delivery                                                               */
/* ---------------------------------------------------------------------- */

static void s5_deliver(struct model_vcpu *v)
{
	struct s5_vcpu *s = SVCPU(v);
	struct registered *r;
	struct v5_regs *regs;
	struct vevent *e;
	uint64_t pstate;
	int i, index;

	if (s->critical_event)
		return;
	e = s->critical_events;
	if (!e && !s->normal_event)
		e = s->normal_events;
	if (!e)
		return;
	r = e->reg;
	if (is_critical(r->exposed->state.priority)) {
		s->critical_event = e;
		s->state.critical_num = e->state.num;
		regs = &s->state.critical_regs;
	} else {
		s->normal_event = e;
		s->state.normal_num = e->state.num;
		regs = &s->state.normal_regs;
	}
	for (i = 0; i < 18; i++)
		regs->regs[i] = model_x(v, i);
	regs->pc = model_reg_get(v, MODEL_REG_PC);
	regs->pstate = model_reg_get(v, MODEL_REG_PSTATE);

	for (i = 4; i < 18; i++)
		model_set_x(v, i, 0);
	index = ev_index(v, r->exposed);
	model_set_x(v, 0, r->state.num);
	model_set_x(v, 1, r->state.ep_arg[index] ^ (model_deviates("wrong-event-arg") ? 1 : 0));
	model_set_x(v, 2, regs->pc);
	model_set_x(v, 3, regs->pstate);
	pstate = model_sdei_entry_pstate(regs->pstate);
	if (!model_deviates("no-spsr"))
		model_reg_set(v, MODEL_REG_SPSR_EL1, regs->pstate);
	model_reg_set(v, MODEL_REG_PSTATE, pstate);
	model_reg_set(v, MODEL_REG_PC, r->state.ep_address[index]);
}

/* ---------------------------------------------------------------------- */
/* KVM_ARM_SDEI_COMMAND                                                   */
/* ---------------------------------------------------------------------- */

static void *user_ptr(struct v5_cmd *cmd)
{
	return (void *)(uintptr_t)cmd->state;
}

/* GET_EXPOSED_EVENT: @count entries, zeros past the last event */
static long get_exposed(struct model_vm *vm, struct v5_cmd *cmd)
{
	struct v5_exposed_state *out = user_ptr(cmd);
	struct exposed *e;
	unsigned int i = 0;

	if (!cmd->count)
		return 0;
	if (!out)
		return -EFAULT;
	memset(out, 0, sizeof(*out) * cmd->count);
	for (e = SVM(vm)->exposed; e && i < cmd->count; e = e->next)
		out[i++] = e->state;
	return 0;
}

static long set_exposed(struct model_vm *vm, struct v5_cmd *cmd)
{
	struct v5_exposed_state *in = user_ptr(cmd);
	struct exposed *e, **pp;
	unsigned int i, j;

	if (!cmd->count)
		return 0;
	if (SVM(vm)->exposed_count + cmd->count > V5_MAX_EVENTS)
		return -ERANGE;
	if (!in)
		return -EFAULT;
	for (i = 0; i < cmd->count; i++) {
		if (!supported(in[i].num) || in[i].type > TYPE_SHARED ||
		    in[i].priority > PRIO_CRITICAL)
			return -EINVAL;
		e = find_exposed(vm, in[i].num);
		if (e && (in[i].type != e->state.type || in[i].signaled != e->state.signaled ||
			  in[i].priority != e->state.priority))
			return -EEXIST;
		for (j = 0; j < cmd->count; j++)
			if (i != j && in[i].num == in[j].num)
				return -EINVAL;
	}
	for (i = 0; i < cmd->count; i++) {
		e = find_exposed(vm, in[i].num);
		if (e) {
			e->state = in[i];	/* the notifier may change; it is never called */
			continue;
		}
		e = calloc(1, sizeof(*e));
		if (!e)
			return -ENOMEM;
		e->state = in[i];
		SVM(vm)->exposed_count++;
		for (pp = &SVM(vm)->exposed; *pp; pp = &(*pp)->next)
			;
		*pp = e;
	}
	return 0;
}

static long get_registered(struct model_vm *vm, struct v5_cmd *cmd)
{
	struct v5_registered_state *out = user_ptr(cmd);
	struct registered *r;
	unsigned int i = 0;

	if (!cmd->count)
		return 0;
	if (!out)
		return -EFAULT;
	memset(out, 0, sizeof(*out) * cmd->count);
	for (r = SVM(vm)->registered; r && i < cmd->count; r = r->next)
		out[i++] = r->state;
	return 0;
}

static long set_registered(struct model_vm *vm, struct v5_cmd *cmd)
{
	struct v5_registered_state *in = user_ptr(cmd);
	struct registered *r;
	unsigned int i, j;

	if (!cmd->count)
		return 0;
	if (SVM(vm)->registered_count + cmd->count > V5_MAX_EVENTS)
		return -ERANGE;
	if (!in)
		return -EFAULT;
	for (i = 0; i < cmd->count; i++) {
		if (!supported(in[i].num) || in[i].route_mode > 1)
			return -EINVAL;
		if (!find_exposed(vm, in[i].num))
			return -ENOENT;
		if (find_registered(vm, in[i].num))
			return -EEXIST;
		for (j = 0; j < cmd->count; j++)
			if (i != j && in[i].num == in[j].num)
				return -EINVAL;
	}
	for (i = 0; i < cmd->count; i++) {
		r = calloc(1, sizeof(*r));
		if (!r)
			return -ENOMEM;
		r->state = in[i];
		r->exposed = find_exposed(vm, in[i].num);
		registered_append(vm, r);
	}
	return 0;
}

static long s5_vm_ioctl(struct model_vm *vm, unsigned long req, void *arg)
{
	struct v5_cmd cmd;
	long ret = 0;

	if (req != vm->prof->sdei_ioctl)
		return -ENOTTY;
	if (!arg)
		return -EFAULT;
	memcpy(&cmd, arg, sizeof(cmd));
	switch (cmd.cmd) {
	case CMD_GET_VERSION:
		cmd.version = model_deviates("ioctl-version") ? 0x10001 : 1 << 16;
		memcpy(arg, &cmd, sizeof(cmd));
		break;
	case CMD_GET_EXPOSED_EVENT_COUNT:
		cmd.count = SVM(vm)->exposed_count;
		memcpy(arg, &cmd, sizeof(cmd));
		break;
	case CMD_GET_EXPOSED_EVENT:
		ret = get_exposed(vm, &cmd);
		break;
	case CMD_SET_EXPOSED_EVENT:
		ret = set_exposed(vm, &cmd);
		break;
	case CMD_GET_REGISTERED_EVENT_COUNT:
		cmd.count = SVM(vm)->registered_count;
		memcpy(arg, &cmd, sizeof(cmd));
		break;
	case CMD_GET_REGISTERED_EVENT:
		ret = get_registered(vm, &cmd);
		break;
	case CMD_SET_REGISTERED_EVENT:
		ret = set_registered(vm, &cmd);
		break;
	default:
		ret = -EINVAL;
	}
	return ret;
}

static long get_vevents(struct model_vcpu *v, struct v5_cmd *cmd)
{
	struct v5_vevent_state *out = user_ptr(cmd);
	struct vevent *e;
	unsigned int i = 0;

	if (!cmd->count)
		return 0;
	if (!out)
		return -EFAULT;
	memset(out, 0, sizeof(*out) * cmd->count);
	for (e = SVCPU(v)->critical_events; e && i < cmd->count; e = e->next)
		out[i++] = e->state;
	for (e = SVCPU(v)->normal_events; e && i < cmd->count; e = e->next)
		out[i++] = e->state;
	return 0;
}

static long set_vevents(struct model_vcpu *v, struct v5_cmd *cmd)
{
	struct v5_vevent_state *in = user_ptr(cmd);
	struct s5_vcpu *s = SVCPU(v);
	unsigned int count, i, j;
	struct registered *r;
	struct vevent *e;

	if (!cmd->count)
		return 0;
	if (!in)
		return -EFAULT;
	count = s->critical_count + s->normal_count;
	for (i = 0; i < cmd->count; i++) {
		if (!supported(in[i].num))
			return -EINVAL;
		if (!find_exposed(v->vm, in[i].num) || !find_registered(v->vm, in[i].num))
			return -ENOENT;
		if (find_vevent(v, in[i].num))
			continue;
		for (j = 0; j < cmd->count; j++)
			if (j != i && in[j].num == in[i].num)
				break;
		if (j >= cmd->count || i < j)
			count++;
	}
	if (count > V5_MAX_EVENTS)
		return -ERANGE;
	for (i = 0; i < cmd->count; i++) {
		e = find_vevent(v, in[i].num);
		if (e) {
			e->state.event_count += in[i].event_count;
			continue;
		}
		e = calloc(1, sizeof(*e));
		if (!e)
			return -ENOMEM;
		r = find_registered(v->vm, in[i].num);
		e->state = in[i];
		e->reg = r;
		r->vcpu_event_count++;
		if (is_critical(r->exposed->state.priority)) {
			vevent_append(&s->critical_events, e);
			s->critical_count++;
		} else {
			vevent_append(&s->normal_events, e);
			s->normal_count++;
		}
	}
	return 0;
}

static long set_vcpu_state(struct model_vcpu *v, struct v5_cmd *cmd)
{
	struct v5_vcpu_state *in = user_ptr(cmd);
	struct s5_vcpu *s = SVCPU(v);
	struct vevent *crit = NULL, *norm = NULL;

	if (!in)
		return -EFAULT;
	if (supported(in->critical_num)) {
		crit = find_vevent(v, in->critical_num);
		if (!crit)
			return -EINVAL;
	}
	if (supported(in->normal_num)) {
		norm = find_vevent(v, in->normal_num);
		if (!norm)
			return -EINVAL;
	}
	s->state = *in;
	s->critical_event = crit;
	s->normal_event = norm;
	if (!crit && !norm && s->critical_count + s->normal_count > 0)
		model_request(v, MODEL_REQ_SDEI);
	return 0;
}

static long inject_ioctl(struct model_vcpu *v, uint64_t num)
{
	struct registered *r;

	if (!supported(num))
		return -EINVAL;
	r = find_registered(v->vm, num);
	if (!r)
		return -ENOENT;
	if (!injectable(v, r) || SVCPU(v)->state.masked)
		return -EPERM;
	return do_inject(v, r, false);
}

static long s5_vcpu_ioctl(struct model_vcpu *v, unsigned long req, void *arg)
{
	struct s5_vcpu *s = SVCPU(v);
	struct v5_cmd cmd;
	long ret = 0;

	if (req != v->vm->prof->sdei_ioctl)
		return -ENOTTY;
	if (!arg)
		return -EFAULT;
	memcpy(&cmd, arg, sizeof(cmd));
	switch (cmd.cmd) {
	case CMD_GET_VCPU_EVENT_COUNT:
		cmd.count = s->critical_count + s->normal_count;
		memcpy(arg, &cmd, sizeof(cmd));
		break;
	case CMD_GET_VCPU_EVENT:
		ret = get_vevents(v, &cmd);
		break;
	case CMD_SET_VCPU_EVENT:
		ret = set_vevents(v, &cmd);
		break;
	case CMD_GET_VCPU_STATE:
		if (!user_ptr(&cmd))
			return -EFAULT;
		memcpy(user_ptr(&cmd), &s->state, sizeof(s->state));
		break;
	case CMD_SET_VCPU_STATE:
		ret = set_vcpu_state(v, &cmd);
		break;
	case CMD_INJECT_EVENT:
		ret = inject_ioctl(v, cmd.num);
		break;
	default:
		ret = -EINVAL;
	}
	return ret;
}

const struct model_sdei_ops model_sdei_v5 = {
	.name = "v5",
	.vm_init = s5_vm_init,
	.vcpu_init = s5_vcpu_init,
	.vm_free = s5_vm_free,
	.hypercall = s5_hypercall,
	.vm_ioctl = s5_vm_ioctl,
	.vcpu_ioctl = s5_vcpu_ioctl,
	.deliver = s5_deliver,
};
