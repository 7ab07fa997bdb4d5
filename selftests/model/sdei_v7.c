// SPDX-License-Identifier: GPL-2.0-only
/*
 * sdei_v7.c - SDEI virtualization v7 (2022-05-27, base 5.19-rc1), as the
 * patches implement it, without their bugs:
 *  - function numbers 0x20..0x3f of the standard owner reach SDEI code
 *    when bit 1 (SDEI) of KVM_REG_ARM_STD_BMAP is set, else every one of
 *    them answers NOT_SUPPORTED (COMPLETE included: the gate writes x0);
 *    0xC4000050 belongs to TRNG, which does not know it: NOT_SUPPORTED
 *    [02, 03, 17/22];
 *  - VERSION 1.1, vendor 0x564BCAA9 [16]; FEATURES at 0xC4000030:
 *    0 and 1 answer 0, others INVALID_PARAMETERS [15];
 *  - two events per vCPU, 0 (software signaled) and 1 (async PF), both
 *    private, normal, signaled; a number >= 2 (taken as 32 bits) is
 *    INVALID_PARAMETERS; per vCPU bitmaps registered / enabled / running /
 *    pending, a handler (entry, argument) per event, one saved context, the
 *    PE mask (set at creation) [03, 17];
 *  - REGISTER: x4 bits other than bit 0 INVALID_PARAMETERS, registered or
 *    running DENIED [04]; ENABLE/DISABLE: not registered DENIED, ENABLE
 *    requests delivery of a pending event when unmasked [05]; CONTEXT: no
 *    handler running DENIED, x1 >= 18 INVALID_PARAMETERS [06];
 *    UNREGISTER clears registered and enabled at once, PENDING while the
 *    handler runs [07]; STATUS [08]; GET_INFO type 0, signaled 1,
 *    priority 0, routing INVALID_PARAMETERS [09];
 *  - PE_MASK / PE_UNMASK always succeed, UNMASK requests delivery when
 *    something is pending [10]; PRIVATE_RESET clears registered and
 *    enabled (running or not), SHARED_RESET does nothing [11];
 *  - SIGNAL of event 0 needs it registered only; the event becomes pending
 *    (repeats coalesce) and is delivered once enabled and unmasked [14];
 *  - delivery (unmasked, nothing running): the lowest pending and enabled
 *    event; x0-x17, PC, PSTATE saved after pending PC adjustments, x0-x3 =
 *    number, argument, PC, PSTATE, x4-x17 cleared, EL1h with DAIF masked;
 *    SPSR_EL1 not written [12];
 *  - COMPLETE writes no result and restores x0-x17, PC, PSTATE;
 *    COMPLETE_AND_RESUME restores x0-x17, resumes at x1 in EL1h with DAIF
 *    masked, ELR_EL1 = interrupted PC, SPSR_EL1 = interrupted PSTATE [13];
 *  - firmware registers: SDEI_EVENT_HANDLER_0..3 (128 bit, 2 and 3 read 0
 *    and ignore writes), REGISTERED / ENABLED / RUNNING / PENDING (writes
 *    masked to bits 0-1; a PENDING write requests delivery when unmasked),
 *    EVENT_CONTEXT (2048 bit: pc, pstate, x0-x17), PE_STATE (1 = masked; 0
 *    requests delivery when something is pending), all in
 *    KVM_GET_REG_LIST [19]; KVM_REG_ARM_STD_BMAP gains bit 1, reset 0x3,
 *    writable while the VM has not run [17, 18; 5.19 bitmap rules];
 *  - capability 217 [17].
 * Bugs of the patches that are NOT reproduced: the delivery loop spins
 * forever when the lowest pending event is disabled (find_next_bit() from
 * the same bit) [12]: the model delivers the lowest pending and enabled
 * event; COMPLETE does not request another delivery, so an event that
 * became pending during the handler waits for the next ENABLE, UNMASK or
 * register write [13]: the model requests it when one is pending, enabled
 * and the PE unmasked; ENABLE/DISABLE read the number as a signed int, so
 * numbers >= 0x80000000 pass the range check [06]: the model takes it as
 * unsigned, like every other call.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

#define NR_EVENTS		2	/* SW_SIGNALED, ASYNC_PF */
#define EVENTS_MASK		((1UL << NR_EVENTS) - 1)
#define V7_VENDOR		0x564bcaa9ULL

/* Firmware registers (the model's own copy of the v7 uapi) */
#define FW_REG(r)		(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_FW | ((r) & 0xffff))
#define FW_REG_128(r)		(KVM_REG_ARM64 | KVM_REG_SIZE_U128 | KVM_REG_ARM_FW | ((r) & 0xffff))
#define FW_REG_2048(r)		(KVM_REG_ARM64 | KVM_REG_SIZE_U2048 | KVM_REG_ARM_FW | ((r) & 0xffff))
#define REG_HANDLER(n)		FW_REG_128(4 + (n))
#define REG_REGISTERED		FW_REG(8)
#define REG_ENABLED		FW_REG(9)
#define REG_RUNNING		FW_REG(10)
#define REG_PENDING		FW_REG(11)
#define REG_CONTEXT		FW_REG_2048(12)
#define REG_PE_STATE		FW_REG(13)
#define REG_STD_BMAP		(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_FW_FEAT_BMAP | 0)
#define STD_BIT_TRNG		(1ULL << 0)
#define STD_BIT_SDEI		(1ULL << 1)

_Static_assert(REG_HANDLER(0) == 0x6040000000140004ULL, "v7 HANDLER_0");
_Static_assert(REG_CONTEXT == 0x608000000014000CULL, "v7 CONTEXT");
_Static_assert(REG_PE_STATE == 0x603000000014000DULL, "v7 PE_STATE");
_Static_assert(REG_STD_BMAP == 0x6030000000160000ULL, "STD_BMAP");

struct handler {			/* kvm_sdei_event_handler */
	uint64_t ep_addr, ep_arg;
};

struct ctxt {				/* kvm_sdei_event_context */
	uint64_t pc, pstate;
	uint64_t regs[18];
};

struct s7_vcpu {
	unsigned long registered, enabled, running, pending;
	struct handler handlers[NR_EVENTS];
	struct ctxt ctxt;
	bool masked;			/* KVM_ARM64_SDEI_MASKED */
};

struct s7_vm {
	uint64_t std_sdei;		/* bit 1 of the VM's KVM_REG_ARM_STD_BMAP */
};

#define SVM(vm)		((struct s7_vm *)(vm)->sdei)
#define SVCPU(v)	((struct s7_vcpu *)(v)->sdei)

static void s7_vm_init(struct model_vm *vm)
{
	vm->sdei = calloc(1, sizeof(struct s7_vm));
	if (!vm->sdei)
		model_die("out of memory");
	SVM(vm)->std_sdei = STD_BIT_SDEI;
}

static void s7_vcpu_init(struct model_vcpu *v)
{
	struct s7_vcpu *s = calloc(1, sizeof(*s));

	if (!s)
		model_die("out of memory");
	s->masked = !model_deviates("pe-starts-unmasked");
	v->sdei = s;
}

/* an event that can be delivered now */
static bool deliverable(struct s7_vcpu *s)
{
	return !s->masked && (s->pending & s->enabled & EVENTS_MASK);
}

/* ---------------------------------------------------------------------- */
/* Hypercalls                                                             */
/* ---------------------------------------------------------------------- */

static uint64_t hc_version(void)
{
	uint64_t vendor = model_deviates("wrong-vendor") ? 0x4b564dULL : V7_VENDOR;

	return (1ULL << 48) | (1ULL << 32) | vendor;
}

static uint64_t hc_register(struct model_vcpu *v, struct model_hvc *h)
{
	struct s7_vcpu *s = SVCPU(v);
	uint32_t num = h->x[1];

	if (num >= NR_EVENTS)
		return MODEL_SDEI_INVALID_PARAMETERS;
	if (h->x[4] & ~0x1UL)
		return MODEL_SDEI_INVALID_PARAMETERS;
	if ((s->registered | s->running) & (1UL << num))
		return MODEL_SDEI_DENIED;
	s->handlers[num].ep_addr = h->x[2];
	s->handlers[num].ep_arg = h->x[3];
	s->registered |= 1UL << num;
	return MODEL_SDEI_SUCCESS;
}

static uint64_t hc_enable(struct model_vcpu *v, struct model_hvc *h, bool enable)
{
	struct s7_vcpu *s = SVCPU(v);
	uint32_t num = h->x[1];

	if (num >= NR_EVENTS)
		return MODEL_SDEI_INVALID_PARAMETERS;
	if (!(s->registered & (1UL << num)))
		return MODEL_SDEI_DENIED;
	if (enable) {
		s->enabled |= 1UL << num;
		if (!s->masked && (s->pending & (1UL << num)))
			model_request(v, MODEL_REQ_SDEI);
	} else {
		s->enabled &= ~(1UL << num);
	}
	return MODEL_SDEI_SUCCESS;
}

static uint64_t hc_context(struct model_vcpu *v, struct model_hvc *h)
{
	struct s7_vcpu *s = SVCPU(v);
	uint32_t param = h->x[1];

	if (!s->running)
		return MODEL_SDEI_DENIED;
	if (param >= 18)
		return MODEL_SDEI_INVALID_PARAMETERS;
	return s->ctxt.regs[param];
}

static void hc_complete(struct model_vcpu *v, struct model_hvc *h, bool resume)
{
	struct s7_vcpu *s = SVCPU(v);
	struct ctxt *c = &s->ctxt;
	uint64_t pstate;
	int i;

	if (!(s->running & EVENTS_MASK))
		return;
	for (i = 0; i < 18; i++)
		model_set_x(v, i, c->regs[i]);
	if (resume && !model_deviates("resume-irq")) {
		model_reg_set(v, MODEL_REG_SPSR_EL1, c->pstate);
		model_reg_set(v, MODEL_REG_ELR_EL1, c->pc);
		pstate = model_sdei_entry_pstate(c->pstate);
		model_reg_set(v, MODEL_REG_PSTATE, pstate);
		model_reg_set(v, MODEL_REG_PC, h->x[1]);
	} else {
		model_reg_set(v, MODEL_REG_PSTATE, c->pstate);
		model_reg_set(v, MODEL_REG_PC, c->pc);
		if (resume)	/* the deviation: v5/v6's COMPLETE_AND_RESUME */
			model_inject_irq_exception(v);
	}
	/* one event runs at a time: the lowest running bit */
	s->running &= s->running - 1;
	if (deliverable(s))
		model_request(v, MODEL_REQ_SDEI);
}

static uint64_t hc_unregister(struct model_vcpu *v, struct model_hvc *h)
{
	struct s7_vcpu *s = SVCPU(v);
	uint32_t num = h->x[1];

	if (num >= NR_EVENTS)
		return MODEL_SDEI_INVALID_PARAMETERS;
	if (!(s->registered & (1UL << num)))
		return (s->running & (1UL << num)) ? MODEL_SDEI_PENDING : MODEL_SDEI_DENIED;
	s->enabled &= ~(1UL << num);
	s->registered &= ~(1UL << num);
	if (s->running & (1UL << num))
		return MODEL_SDEI_PENDING;
	return MODEL_SDEI_SUCCESS;
}

static uint64_t hc_status(struct model_vcpu *v, struct model_hvc *h)
{
	struct s7_vcpu *s = SVCPU(v);
	uint32_t num = h->x[1];
	uint64_t ret = 0;

	if (num >= NR_EVENTS)
		return MODEL_SDEI_INVALID_PARAMETERS;
	if (s->registered & (1UL << num))
		ret |= 1;
	if (s->enabled & (1UL << num))
		ret |= 2;
	if (s->running & (1UL << num))
		ret |= 4;
	return ret;
}

static uint64_t hc_info(struct model_hvc *h)
{
	uint32_t num = h->x[1], info = h->x[2];

	if (num >= NR_EVENTS)
		return MODEL_SDEI_INVALID_PARAMETERS;
	switch (info) {
	case 0:			/* private */
		return 0;
	case 1:			/* signaled */
		return 1;
	case 2:			/* normal */
		return 0;
	default:		/* routing: no shared events */
		return MODEL_SDEI_INVALID_PARAMETERS;
	}
}

static uint64_t hc_mask(struct model_vcpu *v, bool mask)
{
	struct s7_vcpu *s = SVCPU(v);

	s->masked = mask;
	if (!mask && s->pending)
		model_request(v, MODEL_REQ_SDEI);
	return MODEL_SDEI_SUCCESS;
}

static uint64_t hc_signal(struct model_vcpu *v, struct model_hvc *h)
{
	struct s7_vcpu *s = SVCPU(v);
	uint32_t num = h->x[1];

	if (num >= NR_EVENTS)
		return MODEL_SDEI_INVALID_PARAMETERS;
	if (num != 0 || !(s->registered & (1UL << num)))
		return MODEL_SDEI_INVALID_PARAMETERS;
	if (model_deviates("signal-v6-rules") &&
	    (s->masked || !(s->enabled & (1UL << num))))
		return MODEL_SDEI_INVALID_PARAMETERS;
	if (!(s->pending & (1UL << num))) {
		s->pending |= 1UL << num;
		if (!s->masked && (s->enabled & (1UL << num)))
			model_request(v, MODEL_REQ_SDEI);
	}
	return MODEL_SDEI_SUCCESS;
}

static uint64_t hc_reset(struct model_vcpu *v, bool private)
{
	if (private) {
		SVCPU(v)->registered &= ~EVENTS_MASK;
		SVCPU(v)->enabled &= ~EVENTS_MASK;
	}
	return MODEL_SDEI_SUCCESS;
}

static void s7_hypercall(struct model_vcpu *v, struct model_hvc *h)
{
	uint32_t features_fn = model_deviates("features-wrong-id") ? 0xC4000050 : 0xC4000030;
	uint64_t r;

	h->ret[1] = h->ret[2] = h->ret[3] = 0;
	/* kvm_hvc_call_allowed(): the SDEI range follows STD_BMAP bit 1 */
	if (h->fn <= 0xC400003F && !SVM(v->vm)->std_sdei && !model_deviates("std-bmap-no-gate")) {
		h->ret[0] = MODEL_SMCCC_NOT_SUPPORTED;
		return;
	}
	if (h->fn == features_fn) {
		h->ret[0] = (uint32_t)h->x[1] <= 1 ? 0 : MODEL_SDEI_INVALID_PARAMETERS;
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
		hc_complete(v, h, h->fn == 0xC4000026);
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
		r = hc_info(h);
		break;
	case 0xC400002B:
		r = hc_mask(v, true);
		break;
	case 0xC400002C:
		r = hc_mask(v, false);
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
	default:	/* ROUTING_SET, INTERRUPT_BIND/RELEASE, unallocated; 0x50: TRNG */
		r = MODEL_SDEI_NOT_SUPPORTED;
	}
	h->ret[0] = r;
}

/* ---------------------------------------------------------------------- */
/* Delivery                                                               */
/* ---------------------------------------------------------------------- */

static void s7_deliver(struct model_vcpu *v)
{
	struct s7_vcpu *s = SVCPU(v);
	struct ctxt *c = &s->ctxt;
	unsigned long ready;
	uint64_t pstate;
	unsigned int num;
	int i;

	if (s->masked || s->running)
		return;
	/* the lowest pending and enabled event (the series spins on a disabled one) */
	ready = s->pending & s->enabled & EVENTS_MASK;
	if (!ready)
		return;
	num = __builtin_ctzl(ready);

	c->pc = model_reg_get(v, MODEL_REG_PC);
	c->pstate = model_reg_get(v, MODEL_REG_PSTATE);
	for (i = 0; i < 18; i++)
		c->regs[i] = model_x(v, i);

	for (i = 4; i < 18; i++)
		model_set_x(v, i, 0);
	model_set_x(v, 0, num);
	model_set_x(v, 1, s->handlers[num].ep_arg ^ (model_deviates("wrong-event-arg") ? 1 : 0));
	model_set_x(v, 2, c->pc);
	model_set_x(v, 3, c->pstate);
	pstate = model_sdei_entry_pstate(c->pstate);
	if (model_deviates("spsr-written"))
		model_reg_set(v, MODEL_REG_SPSR_EL1, c->pstate);
	model_reg_set(v, MODEL_REG_PSTATE, pstate);
	model_reg_set(v, MODEL_REG_PC, s->handlers[num].ep_addr);

	s->pending &= ~(1UL << num);
	s->running |= 1UL << num;
}

/* ---------------------------------------------------------------------- */
/* Firmware registers                                                     */
/* ---------------------------------------------------------------------- */

static const uint64_t sdei_regs[] = {
	REG_HANDLER(0), REG_HANDLER(1), REG_HANDLER(2), REG_HANDLER(3),
	REG_REGISTERED, REG_ENABLED, REG_RUNNING, REG_PENDING,
	REG_CONTEXT, REG_PE_STATE,
};

static unsigned long *bitmap_of(struct s7_vcpu *s, uint64_t id)
{
	switch (id) {
	case REG_REGISTERED:
		return &s->registered;
	case REG_ENABLED:
		return &s->enabled;
	case REG_RUNNING:
		return &s->running;
	case REG_PENDING:
		return &s->pending;
	}
	return NULL;
}

/* KVM's own STD_BMAP (bit 0, TRNG) */
static int real_std_bmap(struct model_vcpu *v, unsigned long req, uint64_t *val)
{
	struct kvm_one_reg reg = { .id = REG_STD_BMAP, .addr = (uint64_t)val };

	if (model_real_ioctl(v->fd, req, &reg))
		return -errno;
	return 0;
}

static int s7_get_one_reg(struct model_vcpu *v, uint64_t id, void *val)
{
	struct s7_vcpu *s = SVCPU(v);
	unsigned long *map = bitmap_of(s, id);
	struct handler handler = { 0 };
	uint64_t x;
	int r;

	if (id == REG_STD_BMAP) {
		r = real_std_bmap(v, KVM_GET_ONE_REG, &x);
		if (r)
			return r;
		x = (x & ~STD_BIT_SDEI) | SVM(v->vm)->std_sdei;
		memcpy(val, &x, sizeof(x));
		return 0;
	}
	if (map) {
		x = *map;
		memcpy(val, &x, sizeof(x));
		return 0;
	}
	switch (id) {
	case REG_HANDLER(0):
	case REG_HANDLER(1):
	case REG_HANDLER(2):
	case REG_HANDLER(3):
		if (id - REG_HANDLER(0) < NR_EVENTS)
			handler = s->handlers[id - REG_HANDLER(0)];
		memcpy(val, &handler, sizeof(handler));
		return 0;
	case REG_CONTEXT:
		/* pc, pstate, x0-x17: the first 160 of 256 bytes */
		if (model_deviates("context-regs-first")) {
			memcpy(val, s->ctxt.regs, sizeof(s->ctxt.regs));
			memcpy((uint8_t *)val + sizeof(s->ctxt.regs), &s->ctxt, 16);
		} else {
			memcpy(val, &s->ctxt, sizeof(s->ctxt));
		}
		return 0;
	case REG_PE_STATE:
		x = s->masked ? 1 : 0;
		memcpy(val, &x, sizeof(x));
		return 0;
	}
	return -ENOTTY;
}

static int set_std_bmap(struct model_vcpu *v, uint64_t val)
{
	uint64_t cur;
	int r;

	if (val & ~(STD_BIT_TRNG | STD_BIT_SDEI))
		return -EINVAL;
	r = real_std_bmap(v, KVM_GET_ONE_REG, &cur);
	if (r)
		return r;
	cur = (cur & ~STD_BIT_SDEI) | SVM(v->vm)->std_sdei;
	if (v->vm->ran && val != cur)
		return -EBUSY;
	cur = val & STD_BIT_TRNG;
	r = real_std_bmap(v, KVM_SET_ONE_REG, &cur);
	if (r)
		return r;
	SVM(v->vm)->std_sdei = val & STD_BIT_SDEI;
	return 0;
}

static int s7_set_one_reg(struct model_vcpu *v, uint64_t id, const void *val)
{
	struct s7_vcpu *s = SVCPU(v);
	unsigned long *map = bitmap_of(s, id);
	uint64_t x;

	if (id == REG_STD_BMAP) {
		memcpy(&x, val, sizeof(x));
		return set_std_bmap(v, x);
	}
	if (map) {
		memcpy(&x, val, sizeof(x));
		*map = x & EVENTS_MASK;
		if (map == &s->pending && !s->masked && s->pending &&
		    !model_deviates("pending-write-no-delivery"))
			model_request(v, MODEL_REQ_SDEI);
		return 0;
	}
	switch (id) {
	case REG_HANDLER(0):
	case REG_HANDLER(1):
	case REG_HANDLER(2):
	case REG_HANDLER(3):
		if (id - REG_HANDLER(0) < NR_EVENTS)
			memcpy(&s->handlers[id - REG_HANDLER(0)], val, sizeof(struct handler));
		return 0;
	case REG_CONTEXT:
		if (model_deviates("context-regs-first")) {
			memcpy(s->ctxt.regs, val, sizeof(s->ctxt.regs));
			memcpy(&s->ctxt, (const uint8_t *)val + sizeof(s->ctxt.regs), 16);
		} else {
			memcpy(&s->ctxt, val, sizeof(s->ctxt));
		}
		return 0;
	case REG_PE_STATE:
		memcpy(&x, val, sizeof(x));
		s->masked = x != 0;
		if (!s->masked && s->pending)
			model_request(v, MODEL_REQ_SDEI);
		return 0;
	}
	return -ENOTTY;
}

static int s7_reg_list(struct model_vcpu *v, uint64_t *ids, int max)
{
	int i, n = sizeof(sdei_regs) / sizeof(sdei_regs[0]);

	if (model_deviates("reg-list-no-sdei"))
		return 0;
	for (i = 0; i < n && i < max; i++)
		ids[i] = sdei_regs[i];
	return i;
}

const struct model_sdei_ops model_sdei_v7 = {
	.name = "v7",
	.vm_init = s7_vm_init,
	.vcpu_init = s7_vcpu_init,
	.hypercall = s7_hypercall,
	.get_one_reg = s7_get_one_reg,
	.set_one_reg = s7_set_one_reg,
	.reg_list = s7_reg_list,
	.deliver = s7_deliver,
};
