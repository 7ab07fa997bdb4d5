// SPDX-License-Identifier: GPL-2.0-only
/*
 * sdei21.c - the 2021 SDEI virtualization design (series v2, v3, v4: the
 * same hypercall code; the ioctl and capability numbers come from the
 * profile), as the patches implement it, without their bugs:
 *  - KVM creates event 0x40400000 in every VM (private, signaled, critical)
 *    and 0x40400001 when APF is applied; the VMM may add events;
 *  - only the 17 SDEI 1.0 SMC64 IDs reach SDEI code; SIGNAL, FEATURES and
 *    everything else fall through to PSCI, which answers NOT_SUPPORTED;
 *  - per-VM "KVM events" hold registrations (entry, argument, registered and
 *    enabled bits per vCPU) and a reference count of queued and running
 *    instances; per-vCPU lists queue the instances, critical before normal;
 *  - delivery saves x0-x17, PC and PSTATE, enters the handler at EL1h with
 *    DAIF masked and writes SPSR_EL1; COMPLETE(_AND_RESUME) restores, the
 *    latter with an IRQ exception at the restored context;
 *  - KVM_ARM_SDEI_COMMAND on VM and vCPU fds (8352-byte struct).
 * Bugs of the patches that are NOT reproduced: STATUS of a registered event
 * dereferences NULL; CONTEXT accepts index 18; the first REGISTER stores the
 * affinity as routing mode; SET_VCPU_STATE never validates normal_num; the
 * user-supplied notifier pointer is called by the host; the entry PC is not
 * adjusted for a pending PC increment.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

#define MAX_VCPUS		512
#define DEFAULT_EVENT		0x40400000ULL
#define ASYNC_PF_EVENT		0x40400001ULL
#define TYPE_PRIVATE		0
#define TYPE_SHARED		1
#define PRIO_NORMAL		0
#define PRIO_CRITICAL		1

/* The uapi of the 2021 design (model's own copy) */
struct m21_event_state {
	uint64_t num;
	uint8_t type, signaled, priority, pad[5];
	uint64_t notifier;
};

struct m21_kevent_state {
	uint64_t num;
	uint32_t refcount;
	uint8_t route_mode, pad[3];
	uint64_t route_affinity;
	uint64_t entries[MAX_VCPUS];
	uint64_t params[MAX_VCPUS];
	uint64_t registered[MAX_VCPUS / 64];
	uint64_t enabled[MAX_VCPUS / 64];
};

struct m21_vevent_state {
	uint64_t num;
	uint32_t refcount, pad;
};

struct m21_regs {
	uint64_t regs[18];
	uint64_t pc, pstate;
};

struct m21_vcpu_state {
	uint8_t masked, pad[7];
	uint64_t critical_num, normal_num;
	struct m21_regs critical_regs, normal_regs;
};

struct m21_cmd {
	uint32_t cmd, pad;
	union {
		uint32_t version;
		uint32_t count;
		uint64_t num;
		struct m21_event_state kse;
		struct m21_kevent_state kske;
		struct m21_vevent_state ksve;
		struct m21_vcpu_state ksv;
	};
};

enum {
	CMD_GET_VERSION, CMD_SET_EVENT, CMD_GET_KEVENT_COUNT, CMD_GET_KEVENT,
	CMD_SET_KEVENT, CMD_GET_VEVENT_COUNT, CMD_GET_VEVENT, CMD_SET_VEVENT,
	CMD_GET_VCPU_STATE, CMD_SET_VCPU_STATE, CMD_INJECT_EVENT,
};

struct event {				/* kvm_sdei_event */
	struct m21_event_state state;
	model_notifier_t notifier;	/* in-kernel users (APF) only */
	struct event *next;
};

struct kevent {				/* kvm_sdei_kvm_event */
	struct m21_kevent_state state;
	struct event *kse;
	struct kevent *next;
};

struct vevent {				/* kvm_sdei_vcpu_event */
	struct m21_vevent_state state;
	struct kevent *kske;
	struct vevent *next;
};

struct s21_vm {
	struct event *events;
	struct kevent *kevents;
};

struct s21_vcpu {
	struct m21_vcpu_state state;
	struct vevent *critical_event, *normal_event;	/* running */
	struct vevent *critical_events, *normal_events;	/* queued and running */
};

#define SVM(vm)		((struct s21_vm *)(vm)->sdei)
#define SVCPU(v)	((struct s21_vcpu *)(v)->sdei)

static bool valid_num(uint64_t num)
{
	return !(num >> 32) && ((num >> 22) & 3) == 1;
}

static struct event *find_event(struct model_vm *vm, uint64_t num)
{
	struct event *e;

	for (e = SVM(vm)->events; e; e = e->next)
		if (e->state.num == num)
			return e;
	return NULL;
}

static struct kevent *find_kevent(struct model_vm *vm, uint64_t num)
{
	struct kevent *k;

	for (k = SVM(vm)->kevents; k; k = k->next)
		if (k->state.num == num)
			return k;
	return NULL;
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

	for (i = 0; i < MAX_VCPUS / 64; i++)
		if (map[i])
			return false;
	return true;
}

static int ev_index(struct model_vcpu *v, struct event *kse)
{
	return kse->state.type == TYPE_PRIVATE ? v->idx : 0;
}

static void list_append(struct vevent **head, struct vevent *e)
{
	while (*head)
		head = &(*head)->next;
	e->next = NULL;
	*head = e;
}

static void list_remove(struct vevent **head, struct vevent *e)
{
	for (; *head; head = &(*head)->next)
		if (*head == e) {
			*head = e->next;
			return;
		}
}

static void kevent_append(struct model_vm *vm, struct kevent *k)
{
	struct kevent **pp;

	for (pp = &SVM(vm)->kevents; *pp; pp = &(*pp)->next)
		;
	k->next = NULL;
	*pp = k;
}

static void add_event(struct model_vm *vm, uint64_t num)
{
	struct event *e = calloc(1, sizeof(*e)), **pp;

	if (!e)
		model_die("out of memory");
	e->state.num = num;
	e->state.type = TYPE_PRIVATE;
	e->state.signaled = 1;
	e->state.priority = PRIO_CRITICAL;
	for (pp = &SVM(vm)->events; *pp; pp = &(*pp)->next)
		;
	*pp = e;
}

static void s21_vm_init(struct model_vm *vm)
{
	vm->sdei = calloc(1, sizeof(struct s21_vm));
	if (!vm->sdei)
		model_die("out of memory");
	add_event(vm, DEFAULT_EVENT);
	if (vm->prof->apf)
		add_event(vm, ASYNC_PF_EVENT);
}

static void s21_vcpu_init(struct model_vcpu *v)
{
	v->sdei = calloc(1, sizeof(struct s21_vcpu));
	if (!v->sdei)
		model_die("out of memory");
	/* the PE starts masked */
	SVCPU(v)->state.masked = model_deviates("pe-starts-unmasked") ? 0 : 1;
}

static void s21_vm_free(struct model_vm *vm)
{
	struct event *e, *en;
	struct kevent *k, *kn;

	if (!vm->sdei)
		return;
	for (e = SVM(vm)->events; e; e = en) {
		en = e->next;
		free(e);
	}
	for (k = SVM(vm)->kevents; k; k = kn) {
		kn = k->next;
		free(k);
	}
}

/* kvm_sdei_remove_kvm_events() of the RESET calls */
static void remove_kevents(struct model_vm *vm, int type)
{
	struct kevent **pp = &SVM(vm)->kevents, *k;

	while ((k = *pp)) {
		if (k->kse->state.type == type && !k->state.refcount) {
			*pp = k->next;
			free(k);
		} else {
			pp = &k->next;
		}
	}
}

/* ---------------------------------------------------------------------- */
/* Hypercalls                                                             */
/* ---------------------------------------------------------------------- */

static uint64_t hc_register(struct model_vcpu *v, struct model_hvc *h)
{
	uint64_t num = h->x[1], mode = h->x[4];
	struct kevent *k;
	struct event *kse;
	int index;

	if (!valid_num(num) || (mode != 0 && mode != 1))
		return MODEL_SDEI_INVALID_PARAMETERS;
	k = find_kevent(v->vm, num);
	if (!k) {
		kse = find_event(v->vm, num);
		if (!kse)
			return MODEL_SDEI_INVALID_PARAMETERS;
		k = calloc(1, sizeof(*k));
		if (!k)
			return MODEL_SDEI_OUT_OF_RESOURCE;
		k->state.num = num;
		k->kse = kse;
		kevent_append(v->vm, k);
	}
	index = ev_index(v, k->kse);
	if (bit(k->state.registered, index))
		return MODEL_SDEI_DENIED;
	k->state.route_mode = mode;
	k->state.route_affinity = h->x[5];
	k->state.entries[index] = h->x[2];
	k->state.params[index] = h->x[3];
	set_bit_(k->state.registered, index, true);
	return MODEL_SDEI_SUCCESS;
}

static uint64_t hc_enable(struct model_vcpu *v, struct model_hvc *h, bool enable)
{
	struct kevent *k;
	int index;

	if (!valid_num(h->x[1]))
		return MODEL_SDEI_INVALID_PARAMETERS;
	k = find_kevent(v->vm, h->x[1]);
	if (!k)
		return MODEL_SDEI_INVALID_PARAMETERS;
	if (k->state.refcount)
		return MODEL_SDEI_PENDING;
	index = ev_index(v, k->kse);
	if (!bit(k->state.registered, index))
		return MODEL_SDEI_DENIED;
	if (enable == bit(k->state.enabled, index))
		return MODEL_SDEI_DENIED;
	set_bit_(k->state.enabled, index, enable);
	return MODEL_SDEI_SUCCESS;
}

static uint64_t hc_context(struct model_vcpu *v, struct model_hvc *h)
{
	struct s21_vcpu *s = SVCPU(v);
	struct m21_regs *regs;

	if (h->x[1] >= 18)
		return MODEL_SDEI_INVALID_PARAMETERS;
	if (!s->critical_event && !s->normal_event)
		return MODEL_SDEI_DENIED;
	regs = s->critical_event ? &s->state.critical_regs : &s->state.normal_regs;
	return regs->regs[h->x[1]];
}

static uint64_t hc_unregister(struct model_vcpu *v, struct model_hvc *h)
{
	struct kevent *k, **pp;
	int index;

	if (!valid_num(h->x[1]))
		return MODEL_SDEI_INVALID_PARAMETERS;
	k = find_kevent(v->vm, h->x[1]);
	if (!k)
		return MODEL_SDEI_INVALID_PARAMETERS;
	if (k->state.refcount)
		return MODEL_SDEI_PENDING;
	index = ev_index(v, k->kse);
	if (!bit(k->state.registered, index))
		return MODEL_SDEI_DENIED;
	set_bit_(k->state.enabled, index, false);
	set_bit_(k->state.registered, index, false);
	if (map_empty(k->state.registered)) {
		for (pp = &SVM(v->vm)->kevents; *pp != k; pp = &(*pp)->next)
			;
		*pp = k->next;
		free(k);
	}
	return MODEL_SDEI_SUCCESS;
}

static uint64_t hc_status(struct model_vcpu *v, struct model_hvc *h)
{
	struct kevent *k;
	uint64_t ret = 0;
	int index;

	if (!valid_num(h->x[1]))
		return MODEL_SDEI_INVALID_PARAMETERS;
	k = find_kevent(v->vm, h->x[1]);
	if (!k)
		return 0;
	index = ev_index(v, k->kse);
	if (bit(k->state.registered, index))
		ret |= 1;
	if (bit(k->state.enabled, index))
		ret |= 2;
	if (k->state.refcount)
		ret |= 4;
	return ret;
}

static uint64_t hc_info(struct model_vcpu *v, struct model_hvc *h)
{
	struct kevent *k;
	struct event *kse;

	if (!valid_num(h->x[1]))
		return MODEL_SDEI_INVALID_PARAMETERS;
	k = find_kevent(v->vm, h->x[1]);
	kse = k ? k->kse : find_event(v->vm, h->x[1]);
	if (!kse)
		return MODEL_SDEI_INVALID_PARAMETERS;
	switch (h->x[2]) {
	case 0:
		return kse->state.type;
	case 1:
		return kse->state.signaled;
	case 2:
		return kse->state.priority;
	case 3:
	case 4:
		if (kse->state.type != TYPE_SHARED)
			return MODEL_SDEI_INVALID_PARAMETERS;
		if (h->x[2] == 3)
			return k ? k->state.route_mode : 0;
		return k ? k->state.route_affinity : 0;
	default:
		return MODEL_SDEI_INVALID_PARAMETERS;
	}
}

static uint64_t hc_route(struct model_vcpu *v, struct model_hvc *h)
{
	struct kevent *k;

	if (!valid_num(h->x[1]) || (h->x[2] != 0 && h->x[2] != 1))
		return MODEL_SDEI_INVALID_PARAMETERS;
	k = find_kevent(v->vm, h->x[1]);
	if (!k || k->kse->state.type != TYPE_SHARED)
		return MODEL_SDEI_INVALID_PARAMETERS;
	if (!bit(k->state.registered, 0) || bit(k->state.enabled, 0) || k->state.refcount)
		return MODEL_SDEI_DENIED;
	k->state.route_mode = h->x[2];
	k->state.route_affinity = h->x[3];
	return MODEL_SDEI_SUCCESS;
}

static uint64_t hc_mask(struct model_vcpu *v, bool mask)
{
	if (mask == SVCPU(v)->state.masked)
		return MODEL_SDEI_DENIED;
	SVCPU(v)->state.masked = mask;
	return MODEL_SDEI_SUCCESS;
}

static void hc_complete(struct model_vcpu *v, bool resume)
{
	struct s21_vcpu *s = SVCPU(v);
	struct vevent *e;
	struct m21_regs *regs;
	model_notifier_t fn;
	int i;

	if (s->critical_event) {
		e = s->critical_event;
		regs = &s->state.critical_regs;
		s->critical_event = NULL;
		s->state.critical_num = 0;
	} else if (s->normal_event) {
		e = s->normal_event;
		regs = &s->state.normal_regs;
		s->normal_event = NULL;
		s->state.normal_num = 0;
	} else {
		return;		/* DENIED, but COMPLETE writes no result */
	}
	for (i = 0; i < 18; i++)
		model_set_x(v, i, regs->regs[i]);
	model_reg_set(v, MODEL_REG_PSTATE, regs->pstate);
	model_reg_set(v, MODEL_REG_PC, regs->pc);
	if (resume && !model_deviates("resume-no-irq"))
		model_inject_irq_exception(v);

	fn = e->kske->kse->notifier;
	if (fn)
		fn(v, e->kske->kse->state.num, MODEL_SDEI_NOTIFY_COMPLETED);
	e->state.refcount--;
	e->kske->state.refcount--;
	if (!e->state.refcount) {
		list_remove(e->kske->kse->state.priority == PRIO_CRITICAL ?
			    &s->critical_events : &s->normal_events, e);
		free(e);
	}
	if (s->critical_events || s->normal_events)
		model_request(v, MODEL_REQ_SDEI);
}

static void s21_hypercall(struct model_vcpu *v, struct model_hvc *h)
{
	uint64_t r;

	switch (h->fn) {
	case 0xC4000020:	/* VERSION 1.0, vendor 0 */
		r = 1ULL << 48;
		if (model_deviates("sdei-vendor"))
			r |= 0x4b564d;
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
		r = hc_mask(v, true);
		break;
	case 0xC400002C:
		r = hc_mask(v, false);
		break;
	case 0xC4000031:
		remove_kevents(v->vm, TYPE_PRIVATE);
		r = MODEL_SDEI_SUCCESS;
		break;
	case 0xC4000032:
		remove_kevents(v->vm, TYPE_SHARED);
		r = MODEL_SDEI_SUCCESS;
		break;
	default:		/* INTERRUPT_BIND/RELEASE; the rest falls through to PSCI */
		r = MODEL_SDEI_NOT_SUPPORTED;
	}
	h->ret[0] = r;
	h->ret[1] = h->ret[2] = h->ret[3] = 0;
}

/* ---------------------------------------------------------------------- */
/* Delivery, injection, cancellation                                      */
/* ---------------------------------------------------------------------- */

static void s21_deliver(struct model_vcpu *v)
{
	struct s21_vcpu *s = SVCPU(v);
	struct m21_regs *regs;
	struct vevent *e;
	struct kevent *k;
	uint64_t pstate;
	int i, index;

	if (s->critical_event)
		return;
	e = s->critical_events;
	if (!e && !s->normal_event)
		e = s->normal_events;
	if (!e)
		return;
	k = e->kske;
	if (k->kse->state.priority == PRIO_CRITICAL) {
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
	index = ev_index(v, k->kse);
	model_set_x(v, 0, k->state.num);
	model_set_x(v, 1, k->state.params[index] ^ (model_deviates("wrong-event-arg") ? 1 : 0));
	model_set_x(v, 2, regs->pc);
	model_set_x(v, 3, regs->pstate);
	pstate = model_sdei_entry_pstate(regs->pstate);
	if (!model_deviates("no-spsr"))
		model_reg_set(v, MODEL_REG_SPSR_EL1, regs->pstate);
	model_reg_set(v, MODEL_REG_PSTATE, pstate);
	model_reg_set(v, MODEL_REG_PC, k->state.entries[index]);
	if (k->kse->notifier)
		k->kse->notifier(v, k->kse->state.num, MODEL_SDEI_NOTIFY_DELIVERED);
}

/* kvm_sdei_inject() */
static int s21_inject(struct model_vcpu *v, uint64_t num, bool immediate)
{
	struct s21_vcpu *s = SVCPU(v);
	struct vevent *e;
	struct kevent *k;
	int index;

	if (!valid_num(num))
		return -EINVAL;
	k = find_kevent(v->vm, num);
	if (!k)
		return -ENOENT;
	index = ev_index(v, k->kse);
	if (!bit(k->state.registered, index) || !bit(k->state.enabled, index))
		return -EPERM;
	if (s->state.masked)
		return -EPERM;
	if (immediate) {
		if (k->kse->state.priority == PRIO_CRITICAL && s->critical_events)
			return -ENOSPC;
		if (k->kse->state.priority == PRIO_NORMAL &&
		    (s->critical_events || s->normal_events))
			return -ENOSPC;
	}
	e = find_vevent(v, num);
	if (e) {
		k->state.refcount++;
		e->state.refcount++;
		model_request(v, MODEL_REQ_SDEI);
		return 0;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	k->state.refcount++;
	e->state.num = num;
	e->state.refcount = 1;
	e->kske = k;
	list_append(k->kse->state.priority == PRIO_CRITICAL ? &s->critical_events :
		    &s->normal_events, e);
	model_request(v, MODEL_REQ_SDEI);
	return 0;
}

/* kvm_sdei_cancel() */
static int s21_cancel(struct model_vcpu *v, uint64_t num)
{
	struct s21_vcpu *s = SVCPU(v);
	struct vevent *e = find_vevent(v, num);

	if (!e)
		return -EINVAL;
	if (e->state.refcount <= 1 && (s->critical_event == e || s->normal_event == e))
		return -EINPROGRESS;
	e->kske->state.refcount--;
	e->state.refcount--;
	if (!e->state.refcount) {
		list_remove(e->kske->kse->state.priority == PRIO_CRITICAL ?
			    &s->critical_events : &s->normal_events, e);
		free(e);
	}
	return 0;
}

static int s21_register_notifier(struct model_vm *vm, uint64_t num, model_notifier_t fn)
{
	struct event *e = find_event(vm, num);

	if (!e)
		return -EINVAL;
	e->notifier = fn;
	return 0;
}

static bool s21_handler_running(struct model_vcpu *v)
{
	return SVCPU(v)->critical_event || SVCPU(v)->normal_event;
}

/* ---------------------------------------------------------------------- */
/* KVM_ARM_SDEI_COMMAND                                                   */
/* ---------------------------------------------------------------------- */

static long set_event(struct model_vm *vm, struct m21_event_state *st)
{
	struct event *e, **pp;

	if (!valid_num(st->num) || st->type > TYPE_SHARED || st->priority > PRIO_CRITICAL)
		return -EINVAL;
	if (find_event(vm, st->num))
		return -EEXIST;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->state = *st;		/* the notifier value is kept, never called */
	for (pp = &SVM(vm)->events; *pp; pp = &(*pp)->next)
		;
	*pp = e;
	return 0;
}

/* The first KVM event for an invalid number, else the one after @st->num. */
static long get_kevent(struct model_vm *vm, struct m21_kevent_state *st)
{
	struct kevent *k;

	if (!valid_num(st->num)) {
		k = SVM(vm)->kevents;
	} else {
		k = find_kevent(vm, st->num);
		k = k ? k->next : NULL;
	}
	if (!k)
		return -ENOENT;
	*st = k->state;
	return 0;
}

static long set_kevent(struct model_vm *vm, struct m21_kevent_state *st)
{
	struct event *kse;
	struct kevent *k;

	if (!valid_num(st->num) || st->route_mode > 1)
		return -EINVAL;
	kse = find_event(vm, st->num);
	if (!kse)
		return -ENOENT;
	if (find_kevent(vm, st->num))
		return -EEXIST;
	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	k->state = *st;
	k->kse = kse;
	kevent_append(vm, k);
	return 0;
}

static long s21_vm_ioctl(struct model_vm *vm, unsigned long req, void *arg)
{
	struct m21_cmd *cmd;
	struct kevent *k;
	bool copy = false;
	long ret = 0;

	if (req != vm->prof->sdei_ioctl)
		return -ENOTTY;
	cmd = malloc(sizeof(*cmd));
	if (!cmd)
		return -ENOMEM;
	memcpy(cmd, arg, sizeof(*cmd));
	switch (cmd->cmd) {
	case CMD_GET_VERSION:
		copy = true;
		cmd->version = 1 << 16;
		break;
	case CMD_SET_EVENT:
		ret = set_event(vm, &cmd->kse);
		break;
	case CMD_GET_KEVENT_COUNT:
		copy = true;
		cmd->count = 0;
		for (k = SVM(vm)->kevents; k; k = k->next)
			cmd->count++;
		break;
	case CMD_GET_KEVENT:
		copy = true;
		ret = get_kevent(vm, &cmd->kske);
		break;
	case CMD_SET_KEVENT:
		ret = set_kevent(vm, &cmd->kske);
		break;
	default:
		ret = -EINVAL;
	}
	if (!ret && copy)
		memcpy(arg, cmd, sizeof(*cmd));
	free(cmd);
	return ret;
}

static struct vevent *next_vevent(struct model_vcpu *v, uint64_t num)
{
	struct vevent *e = find_vevent(v, num);

	if (!e)
		return NULL;
	if (e->next)
		return e->next;
	if (e->kske->kse->state.priority == PRIO_CRITICAL)
		return SVCPU(v)->normal_events;
	return NULL;
}

static long s21_vcpu_ioctl(struct model_vcpu *v, unsigned long req, void *arg)
{
	struct s21_vcpu *s = SVCPU(v);
	struct vevent *e;
	struct kevent *k;
	struct m21_cmd *cmd;
	bool copy = false;
	long ret = 0;

	if (req != v->vm->prof->sdei_ioctl)
		return -ENOTTY;
	cmd = malloc(sizeof(*cmd));
	if (!cmd)
		return -ENOMEM;
	memcpy(cmd, arg, sizeof(*cmd));
	switch (cmd->cmd) {
	case CMD_GET_VEVENT_COUNT:
		copy = true;
		cmd->count = 0;
		for (e = s->critical_events; e; e = e->next)
			cmd->count++;
		for (e = s->normal_events; e; e = e->next)
			cmd->count++;
		break;
	case CMD_GET_VEVENT:
		copy = true;
		if (!valid_num(cmd->ksve.num))
			e = s->critical_events ? s->critical_events : s->normal_events;
		else
			e = next_vevent(v, cmd->ksve.num);
		if (!e)
			ret = -ENOENT;
		else
			cmd->ksve = e->state;
		break;
	case CMD_SET_VEVENT:
		if (!valid_num(cmd->ksve.num)) {
			ret = -EINVAL;
			break;
		}
		k = find_kevent(v->vm, cmd->ksve.num);
		if (!k) {
			ret = -ENOENT;
			break;
		}
		if (find_vevent(v, cmd->ksve.num)) {
			ret = -EEXIST;
			break;
		}
		e = calloc(1, sizeof(*e));
		if (!e) {
			ret = -ENOMEM;
			break;
		}
		e->state = cmd->ksve;
		e->kske = k;
		list_append(k->kse->state.priority == PRIO_CRITICAL ? &s->critical_events :
			    &s->normal_events, e);
		model_request(v, MODEL_REQ_SDEI);
		break;
	case CMD_GET_VCPU_STATE:
		copy = true;
		cmd->ksv = s->state;
		break;
	case CMD_SET_VCPU_STATE: {
		struct vevent *crit = NULL, *norm = NULL;

		if (valid_num(cmd->ksv.critical_num)) {
			crit = find_vevent(v, cmd->ksv.critical_num);
			if (!crit) {
				ret = -EINVAL;
				break;
			}
		}
		if (valid_num(cmd->ksv.normal_num)) {
			norm = find_vevent(v, cmd->ksv.normal_num);
			if (!norm) {
				ret = -EINVAL;
				break;
			}
		}
		s->state = cmd->ksv;
		s->critical_event = crit;
		s->normal_event = norm;
		break;
	}
	case CMD_INJECT_EVENT:
		ret = s21_inject(v, cmd->num, false);
		break;
	default:
		ret = -EINVAL;
	}
	if (!ret && copy)
		memcpy(arg, cmd, sizeof(*cmd));
	free(cmd);
	return ret;
}

const struct model_sdei_ops model_sdei_2021 = {
	.name = "2021",
	.vm_init = s21_vm_init,
	.vcpu_init = s21_vcpu_init,
	.vm_free = s21_vm_free,
	.hypercall = s21_hypercall,
	.vm_ioctl = s21_vm_ioctl,
	.vcpu_ioctl = s21_vcpu_ioctl,
	.deliver = s21_deliver,
	.inject = s21_inject,
	.cancel = s21_cancel,
	.register_notifier = s21_register_notifier,
	.handler_running = s21_handler_running,
};
