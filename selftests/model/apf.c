// SPDX-License-Identifier: GPL-2.0-only
/*
 * apf.c - the host side of the arm64 async PF series (v2, v3, v4), as the
 * patches implement it (v3 and v4 share the code; v2 differs only in the
 * vendor-hyp function number, the FEATURES bit and the ioctl number, which
 * come from the profile):
 *  - the APF vendor-hyp function: VERSION, SLOTS, SDEI, IRQ, ENABLE, IRQ_ACK;
 *  - KVM_ARM_ASYNC_PF_COMMAND on the VM fd (GET_VERSION) and vCPU fds;
 *  - page-not-present: the control block gets token then reason 1, and the
 *    VMM's SDEI event is injected "immediately" through the 2021 SDEI
 *    design's in-kernel API;
 *  - page-ready: at the next entry, if the guest consumed the previous
 *    notification, the page is mapped, the block gets token then reason 2
 *    and the VMM's INTID is raised (level) until IRQ_ACK;
 *  - the generic async PF machinery: at most 64 outstanding per vCPU, a
 *    table of outstanding gfns, the wake-all queued by ENABLE.
 * The page-in itself is a thread that touches the withheld page (the test's
 * userfaultfd handler decides when it arrives), then queues the completion
 * and kicks the vCPU, as KVM's async PF worker does.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

#define APF_PER_VCPU		64
#define APF_ENABLED		(1ULL << 0)
#define APF_SEND_ALWAYS		(1ULL << 1)
#define REASON_NOT_PRESENT	1
#define REASON_READY		2
#define NO_GFN			(~0ULL)

enum { SUB_VERSION, SUB_SLOTS, SUB_SDEI, SUB_IRQ, SUB_ENABLE, SUB_IRQ_ACK };
enum { CMD_GET_VERSION, CMD_GET_SDEI, CMD_GET_IRQ, CMD_GET_CONTROL,
       CMD_SET_SDEI, CMD_SET_IRQ, CMD_SET_CONTROL };

struct apf_cmd {		/* struct kvm_arm_async_pf_cmd */
	uint32_t cmd;
	uint32_t pad;
	union {
		uint32_t version;
		uint64_t sdei;
		uint32_t irq;
		uint64_t control;
	};
};

struct apf_work {
	struct model_vcpu *v;
	struct apf_work *next;		/* queue (all outstanding) */
	struct apf_work *next_done;	/* done list */
	uint32_t token;
	uint64_t gpa;
	void *hva;
	bool wakeup_all;
	bool notpresent_injected;
	bool cancelled;			/* the queue was flushed while it ran */
};

struct model_apf {
	uint64_t control_block;
	bool send_user_only;
	uint64_t sdei_event_num;
	uint32_t irq;
	uint16_t id;
	bool notpresent_pending;
	uint32_t notpresent_token;
	bool pageready_pending;
	uint32_t *block;		/* reason at [0], token at [1]: the gfn->hva cache */
	int queued;
	struct apf_work *queue;
	struct apf_work *done_head, *done_tail;
	uint64_t gfns[APF_PER_VCPU];
};

void model_apf_vcpu_init(struct model_vcpu *v)
{
	struct model_apf *apf = calloc(1, sizeof(*apf));
	int i;

	if (!apf)
		model_die("out of memory");
	for (i = 0; i < APF_PER_VCPU; i++)
		apf->gfns[i] = NO_GFN;
	v->apf = apf;
}

/* kvm_async_pf_{add,find,remove,reset}_slot */
static void slot_add(struct model_apf *apf, uint64_t gfn)
{
	int i;

	for (i = 0; i < APF_PER_VCPU; i++)
		if (apf->gfns[i] == NO_GFN) {
			apf->gfns[i] = gfn;
			return;
		}
}

static bool slot_find(struct model_apf *apf, uint64_t gfn)
{
	int i;

	for (i = 0; i < APF_PER_VCPU; i++)
		if (apf->gfns[i] == gfn)
			return true;
	return false;
}

static void slot_remove(struct model_apf *apf, uint64_t gfn)
{
	int i;

	for (i = 0; i < APF_PER_VCPU; i++)
		if (apf->gfns[i] == gfn)
			apf->gfns[i] = NO_GFN;
}

static uint32_t block_read(struct model_apf *apf, int field)
{
	return __atomic_load_n(&apf->block[field], __ATOMIC_SEQ_CST);
}

static void block_write(struct model_apf *apf, int field, uint32_t val)
{
	__atomic_store_n(&apf->block[field], val, __ATOMIC_SEQ_CST);
}

#define REASON	0
#define TOKEN	1

static void work_unqueue(struct model_apf *apf, struct apf_work *w)
{
	struct apf_work **pp;

	for (pp = &apf->queue; *pp; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			break;
		}
}

static void done_push(struct model_apf *apf, struct apf_work *w)
{
	w->next_done = NULL;
	if (apf->done_tail)
		apf->done_tail->next_done = w;
	else
		apf->done_head = w;
	apf->done_tail = w;
}

/* kvm_arch_async_page_present_queued() */
static void present_queued(struct model_vcpu *v)
{
	model_request(v, MODEL_REQ_APF);
	if (!v->apf->pageready_pending)
		model_kick(v);
}

/* kvm_async_pf_wakeup_all(): only if no completion is waiting already */
static void wakeup_all(struct model_vcpu *v)
{
	struct model_apf *apf = v->apf;
	struct apf_work *w;

	if (apf->done_head || model_deviates("no-wake-all"))
		return;
	w = calloc(1, sizeof(*w));
	if (!w)
		model_die("out of memory");
	w->v = v;
	w->wakeup_all = true;
	done_push(apf, w);
	apf->queued++;
	present_queued(v);
}

/* kvm_clear_async_pf_completion_queue(), on disable */
static void clear_completion_queue(struct model_apf *apf)
{
	struct apf_work *w, *next;

	for (w = apf->queue; w; w = next) {
		next = w->next;
		w->cancelled = true;	/* the page-in thread frees it */
	}
	apf->queue = NULL;
	for (w = apf->done_head; w; w = next) {
		next = w->next_done;
		if (!w->cancelled)
			free(w);
	}
	apf->done_head = apf->done_tail = NULL;
	apf->queued = 0;
}

/* The async PF worker: page the memory in, then queue the completion. */
static void *page_in_thread(void *arg)
{
	struct apf_work *w = arg;
	struct model_vcpu *v = w->v;

	(void)*(volatile uint8_t *)w->hva;	/* waits for the test's uffd handler */
	pthread_mutex_lock(&v->vm->lock);
	if (w->cancelled) {
		free(w);
	} else {
		done_push(v->apf, w);
		present_queued(v);
	}
	pthread_mutex_unlock(&v->vm->lock);
	return NULL;
}

static void notifier(struct model_vcpu *v, uint64_t num, int state)
{
	struct model_apf *apf = v->apf;

	if (num != apf->sdei_event_num)
		return;
	if (state == MODEL_SDEI_NOTIFY_DELIVERED && apf->notpresent_pending) {
		apf->notpresent_token = 0;
		apf->notpresent_pending = false;
	}
}

/* kvm_arch_async_enable(): the hypercall's and SET_CONTROL's logic */
static uint64_t apf_enable(struct model_vcpu *v, uint64_t data)
{
	struct model_apf *apf = v->apf;
	const struct model_sdei_ops *sdei = v->vm->prof->sdei_ops;
	uint64_t gpa = data & ~0x3fULL;
	bool enabled = apf->control_block & APF_ENABLED;
	bool enable = data & APF_ENABLED;

	if (!v->vm->vgic && !model_deviates("irqchip-ignored"))
		return MODEL_SMCCC_NOT_SUPPORTED;
	if (enable == enabled)
		return MODEL_SMCCC_NOT_REQUIRED;
	if (!enable) {
		clear_completion_queue(apf);
		apf->control_block = data;
		return MODEL_SMCCC_SUCCESS;
	}
	if (!apf->sdei_event_num || !apf->irq)
		return MODEL_SMCCC_INVALID_PARAMETER;
	if (sdei->register_notifier(v->vm, apf->sdei_event_num, notifier))
		return MODEL_SMCCC_NOT_SUPPORTED;
	/* kvm_gfn_to_hva_cache_init() over reason and token */
	apf->block = model_gpa_to_hva(v->vm, gpa, 8);
	if (!apf->block)
		return MODEL_SMCCC_NOT_SUPPORTED;
	memset(apf->gfns, 0xff, sizeof(apf->gfns));
	apf->send_user_only = !(data & APF_SEND_ALWAYS);
	wakeup_all(v);
	apf->control_block = data;
	return MODEL_SMCCC_SUCCESS;
}

/* kvm_arch_can_dequeue_async_page_present() */
static bool can_dequeue(struct model_vcpu *v)
{
	struct model_apf *apf = v->apf;
	uint32_t reason, token;

	if (!(apf->control_block & APF_ENABLED))
		return true;
	if (apf->pageready_pending)
		goto fail;
	reason = block_read(apf, REASON);
	token = block_read(apf, TOKEN);
	/* page-in done before its not-present was delivered: cancel it */
	if (apf->notpresent_pending) {
		if (!apf->done_head)
			goto fail;
		if (reason == REASON_NOT_PRESENT && apf->done_head->token == apf->notpresent_token &&
		    token == apf->notpresent_token) {
			model_request(v, MODEL_REQ_APF);
			return true;
		}
	}
	if (reason || token)
		goto fail;
	return true;
fail:
	model_request(v, MODEL_REQ_APF);
	return false;
}

/* kvm_arch_async_page_ready(): map the page now that it is in */
static void page_ready(struct model_vcpu *v, struct apf_work *w)
{
	struct model_slot *s;
	int i;

	if (w->wakeup_all)
		return;
	for (i = 0; i < MODEL_MAX_SLOTS; i++) {
		s = &v->vm->slots[i];
		if (s->used && w->gpa >= s->gpa && w->gpa < s->gpa + s->size) {
			model_map_page(v->vm, s, w->gpa);
			return;
		}
	}
}

/* kvm_arch_async_page_present(): page-ready, or cancel the undelivered not-present */
static void page_present(struct model_vcpu *v, struct apf_work *w)
{
	struct model_apf *apf = v->apf;
	const struct model_sdei_ops *sdei = v->vm->prof->sdei_ops;
	uint32_t token = w->token;

	if (w->wakeup_all) {
		token = ~0U;
	} else {
		slot_remove(apf, w->gpa / MODEL_PAGE_SIZE);
		if (apf->notpresent_pending && apf->notpresent_token == w->token &&
		    !sdei->cancel(v, apf->sdei_event_num)) {
			apf->notpresent_pending = false;
			apf->notpresent_token = 0;
			goto done;
		}
	}
	if (model_deviates("wrong-token") && !w->wakeup_all)
		token ^= 0x1000;
	block_write(apf, TOKEN, token);
	block_write(apf, REASON, REASON_READY);
	apf->pageready_pending = true;
	if (!model_deviates("no-ppi"))
		model_irq_line(v, apf->irq, 1);
	return;
done:
	block_write(apf, REASON, 0);
	block_write(apf, TOKEN, 0);
}

/* kvm_check_async_pf_completion() */
void model_apf_check_completion(struct model_vcpu *v)
{
	struct model_apf *apf = v->apf;
	struct apf_work *w;

	while (apf->done_head && can_dequeue(v)) {
		w = apf->done_head;
		apf->done_head = w->next_done;
		if (!apf->done_head)
			apf->done_tail = NULL;
		page_ready(v, w);
		page_present(v, w);
		work_unqueue(apf, w);
		apf->queued--;
		free(w);
	}
}

/* kvm_arch_async_not_present_allowed() */
static bool not_present_allowed(struct model_vcpu *v)
{
	struct model_apf *apf = v->apf;
	uint64_t mode;

	if (!(apf->control_block & APF_ENABLED))
		return false;
	mode = model_reg_get(v, MODEL_REG_PSTATE) & MODEL_PSR_MODE_MASK;
	if (apf->send_user_only && mode != MODEL_PSR_MODE_EL0t && !model_deviates("el1-async"))
		return false;
	if (!v->vm->vgic)
		return false;
	if (v->vm->prof->sdei_ops->handler_running(v))
		return false;
	return !block_read(apf, REASON) && !block_read(apf, TOKEN);
}

/* kvm_arch_async_page_not_present() */
static bool page_not_present(struct model_vcpu *v, struct apf_work *w)
{
	struct model_apf *apf = v->apf;

	slot_add(apf, w->gpa / MODEL_PAGE_SIZE);
	block_write(apf, TOKEN, w->token);
	block_write(apf, REASON, REASON_NOT_PRESENT);
	apf->notpresent_pending = true;
	apf->notpresent_token = w->token;
	return !v->vm->prof->sdei_ops->inject(v, apf->sdei_event_num, true);
}

/* kvm_setup_async_pf() */
static bool setup_async_pf(struct model_vcpu *v, struct model_slot *s, uint64_t gpa)
{
	struct model_apf *apf = v->apf;
	struct apf_work *w;
	pthread_attr_t attr;
	pthread_t t;

	if (apf->queued >= APF_PER_VCPU && !model_deviates("no-slot-limit"))
		return false;
	w = calloc(1, sizeof(*w));
	if (!w)
		model_die("out of memory");
	w->v = v;
	w->gpa = gpa & ~(MODEL_PAGE_SIZE - 1);
	w->hva = (void *)(s->hva + (w->gpa - s->gpa));
	w->token = ((uint32_t)apf->id++ << 12) | v->id;
	w->next = apf->queue;
	apf->queue = w;
	apf->queued++;
	w->notpresent_injected = page_not_present(v, w);

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, page_in_thread, w))
		model_die("cannot start a page-in thread");
	pthread_attr_destroy(&attr);
	return true;
}

/* try_async_pf() in the stage-2 fault path */
bool model_apf_try_async(struct model_vcpu *v, struct model_slot *s, uint64_t gpa, bool write)
{
	uint64_t gfn = gpa / MODEL_PAGE_SIZE;

	(void)write;
	if (model_page_resident(s, gpa)) {
		model_map_page(v->vm, s, gpa);
		return true;
	}
	if (!not_present_allowed(v))
		return false;
	/* already outstanding: back to the guest, which faults again */
	return slot_find(v->apf, gfn) || setup_async_pf(v, s, gpa);
}

bool model_apf_hypercall(struct model_vcpu *v, struct model_hvc *h)
{
	const struct model_profile *p = v->vm->prof;
	struct model_apf *apf = v->apf;

	if (h->fn == 0x86000000) {	/* vendor-hyp FEATURES */
		h->ret[0] = p->apf_features;
		return true;
	}
	if (h->fn != p->apf_fn)
		return false;
	h->ret[0] = MODEL_SMCCC_SUCCESS;
	switch ((uint32_t)h->x[1]) {
	case SUB_VERSION:
		h->ret[1] = model_deviates("wrong-version") ? 0x010001 : 0x010000;
		break;
	case SUB_SLOTS:
		h->ret[1] = APF_PER_VCPU;
		break;
	case SUB_SDEI:
		h->ret[1] = apf->sdei_event_num;
		break;
	case SUB_IRQ:
		h->ret[1] = apf->irq;
		break;
	case SUB_ENABLE:
		h->ret[0] = apf_enable(v, (h->x[3] << 32) | h->x[2]);
		break;
	case SUB_IRQ_ACK:
		if (!apf->pageready_pending)
			break;
		model_irq_line(v, apf->irq, 0);
		apf->pageready_pending = false;
		model_apf_check_completion(v);
		break;
	default:
		h->ret[0] = MODEL_SMCCC_NOT_SUPPORTED;
	}
	return true;
}

long model_apf_vm_ioctl(struct model_vm *vm, unsigned long req, void *arg)
{
	struct apf_cmd cmd;

	if (req != vm->prof->apf_ioctl)
		return -ENOTTY;
	memcpy(&cmd, arg, sizeof(cmd));
	if (cmd.cmd != CMD_GET_VERSION)
		return -EINVAL;
	cmd.version = 0x010000;
	memcpy(arg, &cmd, sizeof(cmd));
	return 0;
}

long model_apf_vcpu_ioctl(struct model_vcpu *v, unsigned long req, void *arg)
{
	struct model_apf *apf = v->apf;
	struct apf_cmd cmd;

	if (req != v->vm->prof->apf_ioctl)
		return -ENOTTY;
	memcpy(&cmd, arg, sizeof(cmd));
	switch (cmd.cmd) {
	case CMD_GET_SDEI:
		cmd.sdei = apf->sdei_event_num;
		break;
	case CMD_GET_IRQ:
		cmd.irq = apf->irq;
		break;
	case CMD_GET_CONTROL:
		cmd.control = apf->control_block;
		break;
	case CMD_SET_SDEI:
		apf->sdei_event_num = cmd.sdei;
		break;
	case CMD_SET_IRQ:
		apf->irq = cmd.irq;
		break;
	case CMD_SET_CONTROL:
		if (apf_enable(v, cmd.control) != MODEL_SMCCC_SUCCESS &&
		    !model_deviates("ioctl-no-eio"))
			return -EIO;
		break;
	default:
		return -EINVAL;
	}
	memcpy(arg, &cmd, sizeof(cmd));
	return 0;
}
