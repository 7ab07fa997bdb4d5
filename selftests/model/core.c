// SPDX-License-Identifier: GPL-2.0-only
/*
 * core.c - the series model's VMM side: ioctl interposition, VM and vCPU
 * tracking, the KVM_RUN loop, registers, withheld memory and kicks.
 * See model.h for what the model is.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/userfaultfd.h>

#include "model.h"

#define KICK_SIGNAL	SIGUSR2

int compat_ioctl(int fd, unsigned long request, void *arg);
int __real_close(int fd);
int __wrap_ioctl(int fd, unsigned long request, ...);
int __wrap_close(int fd);

static const struct model_profile *profile;
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct model_vm *vms[64];
static const char *deviation;

void model_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("# model: ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	fflush(stdout);
	va_end(ap);
}

void model_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("# model: FATAL: ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	fflush(stdout);
	va_end(ap);
	exit(1);
}

int model_real_ioctl(int fd, unsigned long req, void *arg)
{
	return compat_ioctl(fd, req, arg);
}

bool model_deviates(const char *name)
{
	return deviation && !strcmp(deviation, name);
}

static void kick_handler(int sig)
{
	(void)sig;	/* only interrupts KVM_RUN */
}

/*
 * Chosen by APF_MODEL (a profile name). A model build without it is a
 * mistake of the caller: refuse rather than pretend to be a plain test.
 * A kernel without the SMCCC filter (< 6.4) cannot host the model: SKIP.
 */
__attribute__((constructor)) static void model_init(void)
{
	const char *name = getenv("APF_MODEL");
	struct kvm_device_attr attr = {
		.group = KVM_ARM_VM_SMCCC_CTRL,
		.attr = KVM_ARM_VM_SMCCC_FILTER,
	};
	struct sigaction sa;
	char what[32];
	int kvm, vm;

	if (!name || !*name) {
		printf("# model: APF_MODEL is not set: this binary is the series-model build; "
		       "run it with APF_MODEL=<%s> or use the plain build\n", model_profile_names());
		exit(2);
	}
	profile = model_profile_find(name);
	if (!profile) {
		printf("# model: APF_MODEL=%s: no such profile (%s)\n", name, model_profile_names());
		exit(2);
	}
	deviation = getenv("APF_MODEL_DEVIATE");
	if (deviation && !*deviation)
		deviation = NULL;
	if (deviation && !model_deviation_known(profile, deviation)) {
		printf("# model: APF_MODEL_DEVIATE=%s: not a deviation of %s (%s)\n",
		       deviation, profile->name, model_deviation_names(profile));
		exit(2);
	}

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		printf("1..0 # SKIP series model: /dev/kvm: %s\n", strerror(errno));
		exit(4);
	}
	vm = compat_ioctl(kvm, KVM_CREATE_VM, NULL);
	if (vm < 0 || compat_ioctl(vm, KVM_HAS_DEVICE_ATTR, &attr)) {
		printf("1..0 # SKIP series model: the kernel has no SMCCC filter "
		       "(KVM_ARM_VM_SMCCC_FILTER, Linux 6.4+) to forward the series' calls\n");
		exit(4);
	}
	__real_close(vm);
	__real_close(kvm);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kick_handler;	/* no SA_RESTART: KVM_RUN must return */
	sigemptyset(&sa.sa_mask);
	sigaction(KICK_SIGNAL, &sa, NULL);

	if (profile->apf)
		snprintf(what, sizeof(what), "APF v%d + SDEI v%d", profile->apf, profile->sdei);
	else
		snprintf(what, sizeof(what), "SDEI v%d", profile->sdei);
	model_log("series model %s: the host side of %s as the series intended "
		  "(its known bugs are not reproduced)%s%s", profile->name, what,
		  deviation ? "; DEVIATION: " : "", deviation ? deviation : "");
}

/* ---------------------------------------------------------------------- */
/* Registry                                                               */
/* ---------------------------------------------------------------------- */

static struct model_vm *find_vm(int fd)
{
	unsigned int i;

	for (i = 0; i < sizeof(vms) / sizeof(vms[0]); i++)
		if (vms[i] && vms[i]->fd == fd)
			return vms[i];
	return NULL;
}

static struct model_vcpu *find_vcpu(int fd)
{
	unsigned int i;
	int j;

	for (i = 0; i < sizeof(vms) / sizeof(vms[0]); i++) {
		if (!vms[i])
			continue;
		for (j = 0; j < vms[i]->nr_vcpus; j++)
			if (vms[i]->vcpus[j] && vms[i]->vcpus[j]->fd == fd)
				return vms[i]->vcpus[j];
	}
	return NULL;
}

static void vm_forget(struct model_vm *vm)
{
	unsigned int i;
	int j;

	for (i = 0; i < sizeof(vms) / sizeof(vms[0]); i++)
		if (vms[i] == vm)
			vms[i] = NULL;
	if (profile->sdei_ops->vm_free)
		profile->sdei_ops->vm_free(vm);
	for (j = 0; j < vm->nr_vcpus; j++) {
		if (!vm->vcpus[j])
			continue;
		if (vm->vcpus[j]->run)
			munmap(vm->vcpus[j]->run, sizeof(struct kvm_run));
		free(vm->vcpus[j]->sdei);
		free(vm->vcpus[j]->apf);
		free(vm->vcpus[j]);
	}
	for (i = 0; i < MODEL_MAX_SLOTS; i++) {
		free(vm->slots[i].mapped);
		free(vm->slots[i].page_slot);
	}
	free(vm->sdei);
	free(vm);
}

/* The forwarded SMCCC ranges: vendor-hyp FEATURES + APF, the SDEI IDs. */
static void install_filter(struct model_vm *vm)
{
	struct kvm_smccc_filter f[4];
	int i, n = 0;

	if (profile->apf) {
		f[n++] = (struct kvm_smccc_filter){ 0x86000000, 1, KVM_SMCCC_FILTER_FWD_TO_USER };
		f[n++] = (struct kvm_smccc_filter){ profile->apf_fn, 1,
						    KVM_SMCCC_FILTER_FWD_TO_USER };
	}
	f[n++] = (struct kvm_smccc_filter){ 0xC4000020, 32, KVM_SMCCC_FILTER_FWD_TO_USER };
	f[n++] = (struct kvm_smccc_filter){ 0xC4000050, 1, KVM_SMCCC_FILTER_FWD_TO_USER };
	for (i = 0; i < n; i++) {
		struct kvm_device_attr attr = {
			.group = KVM_ARM_VM_SMCCC_CTRL,
			.attr = KVM_ARM_VM_SMCCC_FILTER,
			.addr = (uint64_t)&f[i],
		};

		if (compat_ioctl(vm->fd, KVM_SET_DEVICE_ATTR, &attr))
			model_die("SMCCC filter 0x%x+%u: %s", f[i].base, f[i].nr_functions,
				  strerror(errno));
	}
}

static void vm_new(int fd)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_ARM_NISV_TO_USER };
	struct model_vm *vm = calloc(1, sizeof(*vm));
	struct model_vm *stale;
	unsigned int i;

	if (!vm)
		model_die("out of memory");
	pthread_mutex_lock(&registry_lock);
	stale = find_vm(fd);
	if (stale)
		vm_forget(stale);
	vm->fd = fd;
	vm->prof = profile;
	vm->next_page_slot = 32000;
	pthread_mutex_init(&vm->lock, NULL);
	for (i = 0; i < sizeof(vms) / sizeof(vms[0]) && vms[i]; i++)
		;
	if (i == sizeof(vms) / sizeof(vms[0]))
		model_die("too many VMs");
	vms[i] = vm;
	pthread_mutex_unlock(&registry_lock);

	/* accesses to withheld memory by instructions without syndrome (ldp/stp) */
	if (compat_ioctl(fd, KVM_ENABLE_CAP, &cap))
		model_die("KVM_CAP_ARM_NISV_TO_USER: %s", strerror(errno));
	install_filter(vm);
	profile->sdei_ops->vm_init(vm);
}

static void vcpu_new(struct model_vm *vm, int fd, uint32_t id)
{
	struct model_vcpu *v = calloc(1, sizeof(*v));

	if (!v)
		model_die("out of memory");
	v->run = mmap(NULL, sizeof(struct kvm_run), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (v->run == MAP_FAILED)
		model_die("cannot map kvm_run of vCPU %u", id);
	v->vm = vm;
	v->fd = fd;
	v->id = id;
	pthread_mutex_init(&v->run_lock, NULL);
	pthread_mutex_lock(&vm->lock);
	if (vm->nr_vcpus == MODEL_MAX_VCPUS)
		model_die("too many vCPUs");
	v->idx = vm->nr_vcpus;
	vm->vcpus[vm->nr_vcpus++] = v;
	profile->sdei_ops->vcpu_init(v);
	if (profile->apf)
		model_apf_vcpu_init(v);
	pthread_mutex_unlock(&vm->lock);
}

int __wrap_close(int fd)
{
	struct model_vm *vm;

	pthread_mutex_lock(&registry_lock);
	vm = find_vm(fd);
	if (vm)
		vm_forget(vm);
	pthread_mutex_unlock(&registry_lock);
	return __real_close(fd);
}

/* ---------------------------------------------------------------------- */
/* Registers and guest memory                                             */
/* ---------------------------------------------------------------------- */

uint64_t model_reg_get(struct model_vcpu *v, uint64_t id)
{
	uint64_t val = 0;
	struct kvm_one_reg reg = { .id = id, .addr = (uint64_t)&val };

	if (compat_ioctl(v->fd, KVM_GET_ONE_REG, &reg))
		model_die("KVM_GET_ONE_REG 0x%lx: %s", id, strerror(errno));
	return val;
}

void model_reg_set(struct model_vcpu *v, uint64_t id, uint64_t val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uint64_t)&val };

	if (model_deviates("clobber-x5") && id == MODEL_REG_X(5))
		val ^= 0x5a5a;
	if (compat_ioctl(v->fd, KVM_SET_ONE_REG, &reg))
		model_die("KVM_SET_ONE_REG 0x%lx: %s", id, strerror(errno));
}

uint64_t model_x(struct model_vcpu *v, int n)
{
	return model_reg_get(v, MODEL_REG_X(n));
}

void model_set_x(struct model_vcpu *v, int n, uint64_t val)
{
	model_reg_set(v, MODEL_REG_X(n), val);
}

void *model_gpa_to_hva(struct model_vm *vm, uint64_t gpa, uint64_t len)
{
	int i;

	for (i = 0; i < MODEL_MAX_SLOTS; i++) {
		struct model_slot *s = &vm->slots[i];

		if (s->used && gpa >= s->gpa && gpa + len <= s->gpa + s->size)
			return (void *)(s->hva + (gpa - s->gpa));
	}
	return NULL;
}

/*
 * The PSTATE an SDEI handler starts with, from the interrupted one: EL1h,
 * AArch64, DAIF masked, the rest kept as every version of the series keeps
 * it, except BTYPE: like an exception entry (and firmware's SDEI dispatch),
 * the handler's first instruction must not be checked as a branch target.
 * The series keeps BTYPE too (deviation keeps-btype), which a BTI guest
 * does not survive when the event interrupted a branch to a guarded page.
 */
uint64_t model_sdei_entry_pstate(uint64_t interrupted)
{
	uint64_t keep = ~(MODEL_PSR_MODE_MASK | MODEL_PSR_MODE32);

	if (!model_deviates("keeps-btype"))
		keep &= ~MODEL_PSR_BTYPE;
	return (interrupted & keep) | MODEL_PSR_DAIF | MODEL_PSR_MODE_EL1h;
}

/*
 * An IRQ exception taken at the current context, as KVM's
 * enter_exception64() does it: ELR/SPSR = PC/PSTATE, the vector of the
 * current mode, EL1h with DAIF masked, NZCV kept, PAN set unless
 * SCTLR_EL1.SPAN.
 */
void model_inject_irq_exception(struct model_vcpu *v)
{
	uint64_t pc = model_reg_get(v, MODEL_REG_PC);
	uint64_t pstate = model_reg_get(v, MODEL_REG_PSTATE);
	uint64_t vbar = model_reg_get(v, MODEL_REG_VBAR_EL1);
	uint64_t sctlr = model_reg_get(v, MODEL_REG_SCTLR_EL1);
	uint64_t offset, next;

	if (pstate & MODEL_PSR_MODE32)
		offset = 0x600;
	else if ((pstate & MODEL_PSR_MODE_MASK) == MODEL_PSR_MODE_EL0t)
		offset = 0x400;
	else if ((pstate & MODEL_PSR_MODE_MASK) == MODEL_PSR_MODE_EL1t)
		offset = 0x000;
	else
		offset = 0x200;
	offset += 0x80;		/* IRQ */

	next = (pstate & MODEL_PSR_NZCV) | MODEL_PSR_DAIF | MODEL_PSR_MODE_EL1h;
	if ((pstate & MODEL_PSR_PAN) || !(sctlr & (1UL << 23)))
		next |= MODEL_PSR_PAN;
	model_reg_set(v, MODEL_REG_ELR_EL1, pc);
	model_reg_set(v, MODEL_REG_SPSR_EL1, pstate);
	model_reg_set(v, MODEL_REG_PSTATE, next);
	model_reg_set(v, MODEL_REG_PC, vbar + offset);
}

/* kvm_vgic_inject_irq(): a PPI of this vCPU, or an SPI. */
int model_irq_line(struct model_vcpu *v, uint32_t intid, int level)
{
	struct kvm_irq_level irq;

	if (intid < 16 || intid > 1019)
		return -EINVAL;
	if (intid < 32)
		irq.irq = (KVM_ARM_IRQ_TYPE_PPI << KVM_ARM_IRQ_TYPE_SHIFT) |
			  ((v->idx & KVM_ARM_IRQ_VCPU_MASK) << KVM_ARM_IRQ_VCPU_SHIFT) | intid;
	else
		irq.irq = (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | intid;
	irq.level = level;
	if (compat_ioctl(v->vm->fd, KVM_IRQ_LINE, &irq))
		return -errno;
	return 0;
}

void model_request(struct model_vcpu *v, unsigned int req)
{
	v->requests |= req;
}

/*
 * Make a vCPU that may be blocked in KVM_RUN (WFI) come back to the model:
 * immediate_exit covers the window before it enters KVM_RUN, the signal
 * the time inside. Called with the VM lock held, after the request is set.
 */
void model_kick(struct model_vcpu *v)
{
	atomic_store(&v->kicked, 1);
	v->run->immediate_exit = 1;
	if (v->have_thread)
		pthread_kill(v->thread, KICK_SIGNAL);
}

/* ---------------------------------------------------------------------- */
/* Memory slots and withheld memory                                       */
/* ---------------------------------------------------------------------- */

static struct model_slot *slot_by_id(struct model_vm *vm, uint32_t id)
{
	int i;

	for (i = 0; i < MODEL_MAX_SLOTS; i++)
		if (vm->slots[i].used && vm->slots[i].slot == id)
			return &vm->slots[i];
	return NULL;
}

static struct model_slot *slot_by_gpa(struct model_vm *vm, uint64_t gpa)
{
	int i;

	for (i = 0; i < MODEL_MAX_SLOTS; i++) {
		struct model_slot *s = &vm->slots[i];

		if (s->used && gpa >= s->gpa && gpa < s->gpa + s->size)
			return s;
	}
	return NULL;
}

static int set_region(struct model_vm *vm, uint32_t slot, uint32_t flags,
		      uint64_t gpa, uint64_t size, uint64_t hva)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = hva,
	};

	return compat_ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &r);
}

/* KVM_SET_USER_MEMORY_REGION(2) of the test: track it; deletions of withheld slots are ours. */
static int memslot_ioctl(struct model_vm *vm, unsigned long req, void *arg)
{
	struct kvm_userspace_memory_region2 *r2 = arg;
	struct kvm_userspace_memory_region *r1 = arg;
	uint32_t slot = req == KVM_SET_USER_MEMORY_REGION ? r1->slot : r2->slot;
	uint32_t flags = req == KVM_SET_USER_MEMORY_REGION ? r1->flags : r2->flags;
	uint64_t gpa = req == KVM_SET_USER_MEMORY_REGION ? r1->guest_phys_addr : r2->guest_phys_addr;
	uint64_t size = req == KVM_SET_USER_MEMORY_REGION ? r1->memory_size : r2->memory_size;
	uint64_t hva = req == KVM_SET_USER_MEMORY_REGION ? r1->userspace_addr : r2->userspace_addr;
	struct model_slot *s;
	uint64_t i;
	int ret = 0, k;

	pthread_mutex_lock(&vm->lock);
	s = slot_by_id(vm, slot);
	if (s && s->withheld) {
		if (size)
			model_die("slot %u is withheld by the model; it cannot be changed", slot);
		for (i = 0; i < s->size / MODEL_PAGE_SIZE; i++)
			if (s->mapped[i])
				set_region(vm, s->page_slot[i], 0, s->gpa + i * MODEL_PAGE_SIZE, 0, 0);
		free(s->mapped);
		free(s->page_slot);
		memset(s, 0, sizeof(*s));
		pthread_mutex_unlock(&vm->lock);
		return 0;
	}
	ret = compat_ioctl(vm->fd, req, arg);
	if (!ret) {
		if (!size) {
			if (s)
				memset(s, 0, sizeof(*s));
		} else {
			if (!s) {
				for (k = 0; k < MODEL_MAX_SLOTS && vm->slots[k].used; k++)
					;
				if (k == MODEL_MAX_SLOTS)
					model_die("too many memslots");
				s = &vm->slots[k];
			}
			*s = (struct model_slot){ .used = true, .slot = slot, .flags = flags,
						  .gpa = gpa, .size = size, .hva = hva };
		}
	}
	pthread_mutex_unlock(&vm->lock);
	return ret;
}

/*
 * UFFDIO_REGISTER (MISSING) over a whole memslot: from now on the model
 * withholds it. The slot leaves KVM; guest accesses exit to the model.
 */
static void uffd_registered(struct uffdio_register *reg)
{
	unsigned int i;
	int k;

	if (!(reg->mode & UFFDIO_REGISTER_MODE_MISSING))
		return;
	pthread_mutex_lock(&registry_lock);
	for (i = 0; i < sizeof(vms) / sizeof(vms[0]); i++) {
		struct model_vm *vm = vms[i];

		if (!vm)
			continue;
		pthread_mutex_lock(&vm->lock);
		for (k = 0; k < MODEL_MAX_SLOTS; k++) {
			struct model_slot *s = &vm->slots[k];
			uint64_t pages;

			if (!s->used || s->withheld || s->hva < reg->range.start ||
			    s->hva + s->size > reg->range.start + reg->range.len)
				continue;
			if (set_region(vm, s->slot, s->flags, s->gpa, 0, 0))
				model_die("cannot remove slot %u to withhold it: %s", s->slot,
					  strerror(errno));
			pages = s->size / MODEL_PAGE_SIZE;
			s->withheld = true;
			s->mapped = calloc(pages, 1);
			s->page_slot = calloc(pages, sizeof(*s->page_slot));
			if (!s->mapped || !s->page_slot)
				model_die("out of memory");
			model_log("withholding slot %u (gpa 0x%lx, %lu pages): accesses go "
				  "through the model", s->slot, s->gpa, pages);
		}
		pthread_mutex_unlock(&vm->lock);
	}
	pthread_mutex_unlock(&registry_lock);
}

bool model_page_resident(struct model_slot *s, uint64_t gpa)
{
	unsigned char vec = 0;
	uint64_t hva = s->hva + ((gpa - s->gpa) & ~(MODEL_PAGE_SIZE - 1));

	return !mincore((void *)hva, MODEL_PAGE_SIZE, &vec) && (vec & 1);
}

/* Map one page of a withheld slot back into KVM (the page is resident). */
void model_map_page(struct model_vm *vm, struct model_slot *s, uint64_t gpa)
{
	uint64_t i = (gpa - s->gpa) / MODEL_PAGE_SIZE;

	if (!s->withheld || s->mapped[i])
		return;
	s->page_slot[i] = vm->next_page_slot++;
	if (set_region(vm, s->page_slot[i], s->flags, s->gpa + i * MODEL_PAGE_SIZE,
		       MODEL_PAGE_SIZE, s->hva + i * MODEL_PAGE_SIZE))
		model_die("cannot map gpa 0x%lx: %s", gpa, strerror(errno));
	s->mapped[i] = 1;
}

/* Bring a page in from the vCPU thread, as KVM's synchronous stage-2 fault does. */
void model_page_in(struct model_vm *vm, struct model_slot *s, uint64_t gpa)
{
	volatile uint8_t *p = (uint8_t *)(s->hva + ((gpa - s->gpa) & ~(MODEL_PAGE_SIZE - 1)));

	pthread_mutex_unlock(&vm->lock);
	(void)*p;		/* userfaultfd: waits for the test's handler */
	pthread_mutex_lock(&vm->lock);
}

static bool withheld_fault(struct model_vcpu *v, uint64_t gpa, bool write)
{
	struct model_vm *vm = v->vm;
	struct model_slot *s = slot_by_gpa(vm, gpa);

	if (!s || !s->withheld)
		return false;
	if (s->mapped[(gpa - s->gpa) / MODEL_PAGE_SIZE])
		return true;	/* raced with a mapping: retry */
	if (vm->prof->apf && model_apf_try_async(v, s, gpa, write))
		return true;
	model_page_in(vm, s, gpa);
	model_map_page(vm, s, gpa);
	return true;
}

/* ---------------------------------------------------------------------- */
/* Hypercalls                                                             */
/* ---------------------------------------------------------------------- */

static void hypercall(struct model_vcpu *v)
{
	struct model_hvc h = { .fn = (uint32_t)v->run->hypercall.nr, .has_result = true };
	int i;

	for (i = 0; i < 6; i++)
		h.x[i] = model_x(v, i);
	h.ret[0] = MODEL_SMCCC_NOT_SUPPORTED;
	if (h.fn >= 0xC4000020 && h.fn <= 0xC4000050)
		profile->sdei_ops->hypercall(v, &h);
	else if (!profile->apf || !model_apf_hypercall(v, &h))
		model_die("forwarded function 0x%x has no handler", h.fn);
	if (h.has_result)
		for (i = 0; i < 4; i++)
			model_set_x(v, i, h.ret[i]);
}

/* ---------------------------------------------------------------------- */
/* KVM_RUN                                                                */
/* ---------------------------------------------------------------------- */

/*
 * The registers the model changes at entry must not be followed by KVM's
 * completion of an MMIO exit the test handled (it increments the PC): run
 * that completion first, with immediate_exit, as the series' v5..v7 commit
 * pending PC adjustments before delivering an event.
 */
static void commit_pending_io(struct model_vcpu *v)
{
	uint8_t saved = v->run->immediate_exit;

	if (v->run->exit_reason != KVM_EXIT_MMIO)
		return;
	v->run->immediate_exit = 1;
	if (compat_ioctl(v->fd, KVM_RUN, NULL) != -1 || errno != EINTR)
		model_die("completing the MMIO exit did not return EINTR");
	v->run->immediate_exit = saved;
	v->run->exit_reason = KVM_EXIT_INTR;
}

static void process_requests(struct model_vcpu *v)
{
	unsigned int req = v->requests;

	if (!req)
		return;
	commit_pending_io(v);
	v->requests = 0;
	if ((req & MODEL_REQ_APF) && v->vm->prof->apf)
		model_apf_check_completion(v);
	if (req & MODEL_REQ_SDEI)
		profile->sdei_ops->deliver(v);
}

/* Returns true if the exit was the model's and the vCPU must re-enter. */
static bool handle_exit(struct model_vcpu *v)
{
	struct kvm_run *run = v->run;

	switch (run->exit_reason) {
	case KVM_EXIT_HYPERCALL:
		hypercall(v);
		return true;
	case KVM_EXIT_MMIO:
		if (!withheld_fault(v, run->mmio.phys_addr, run->mmio.is_write))
			return false;
		run->exit_reason = KVM_EXIT_UNKNOWN;	/* retry, no MMIO completion */
		return true;
	case KVM_EXIT_ARM_NISV:
		if (!withheld_fault(v, run->arm_nisv.fault_ipa,
				    run->arm_nisv.esr_iss & (1UL << 6)))
			return false;
		run->exit_reason = KVM_EXIT_UNKNOWN;
		return true;
	default:
		return false;
	}
}

static int vcpu_run(struct model_vcpu *v)
{
	struct model_vm *vm = v->vm;
	int r, err;

	pthread_mutex_lock(&v->run_lock);
	v->thread = pthread_self();
	v->have_thread = true;
	for (;;) {
		pthread_mutex_lock(&vm->lock);
		if (!v->run->immediate_exit || atomic_load(&v->kicked))
			process_requests(v);
		vm->ran = true;
		pthread_mutex_unlock(&vm->lock);

		r = compat_ioctl(v->fd, KVM_RUN, NULL);
		err = errno;
		if (r == -1 && err == EINTR) {
			if (atomic_load(&v->kicked)) {
				v->run->immediate_exit = 0;
				atomic_store(&v->kicked, 0);
				continue;
			}
			break;
		}
		if (r)
			break;
		pthread_mutex_lock(&vm->lock);
		if (!handle_exit(v)) {
			pthread_mutex_unlock(&vm->lock);
			break;
		}
		pthread_mutex_unlock(&vm->lock);
	}
	v->have_thread = false;
	pthread_mutex_unlock(&v->run_lock);
	errno = err;
	return r;
}

/* ---------------------------------------------------------------------- */
/* Registers the version's base kernel did not have                       */
/* ---------------------------------------------------------------------- */

/* The firmware feature bitmaps arrived in 5.19 (only SDEI v7 is that new). */
static bool reg_hidden(uint64_t id)
{
	return profile->base_minor < 19 &&
	       (id & ~0xffffULL) == (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_FW_FEAT_BMAP);
}

static int one_reg_ioctl(struct model_vcpu *v, unsigned long req, struct kvm_one_reg *reg)
{
	int r = -ENOTTY;

	if (reg_hidden(reg->id)) {
		errno = ENOENT;
		return -1;
	}
	pthread_mutex_lock(&v->run_lock);
	pthread_mutex_lock(&v->vm->lock);
	if (req == KVM_GET_ONE_REG && profile->sdei_ops->get_one_reg)
		r = profile->sdei_ops->get_one_reg(v, reg->id, (void *)reg->addr);
	if (req == KVM_SET_ONE_REG && profile->sdei_ops->set_one_reg)
		r = profile->sdei_ops->set_one_reg(v, reg->id, (const void *)reg->addr);
	pthread_mutex_unlock(&v->vm->lock);
	pthread_mutex_unlock(&v->run_lock);
	if (r == -ENOTTY)
		return compat_ioctl(v->fd, req, reg);
	if (r < 0) {
		errno = -r;
		return -1;
	}
	return 0;
}

static int reg_list_ioctl(struct model_vcpu *v, struct kvm_reg_list *user)
{
	struct kvm_reg_list probe = { .n = 0 };
	struct kvm_reg_list *all;
	uint64_t n, out = 0, i;
	int extra = 0;

	if (compat_ioctl(v->fd, KVM_GET_REG_LIST, &probe) == 0 || errno != E2BIG)
		return compat_ioctl(v->fd, KVM_GET_REG_LIST, user);
	all = calloc(1, sizeof(*all) + (probe.n + 64) * sizeof(uint64_t));
	if (!all)
		model_die("out of memory");
	all->n = probe.n;
	if (compat_ioctl(v->fd, KVM_GET_REG_LIST, all))
		model_die("KVM_GET_REG_LIST: %s", strerror(errno));
	for (i = 0; i < all->n; i++)
		if (!reg_hidden(all->reg[i]))
			all->reg[out++] = all->reg[i];
	if (profile->sdei_ops->reg_list) {
		pthread_mutex_lock(&v->vm->lock);
		extra = profile->sdei_ops->reg_list(v, (uint64_t *)&all->reg[out], 64);
		pthread_mutex_unlock(&v->vm->lock);
	}
	n = out + extra;
	if (user->n < n) {
		user->n = n;
		free(all);
		errno = E2BIG;
		return -1;
	}
	user->n = n;
	memcpy(user->reg, all->reg, n * sizeof(uint64_t));
	free(all);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* The interposer                                                         */
/* ---------------------------------------------------------------------- */

static long check_extension(long cap)
{
	if (profile->apf && (cap == 59 || cap == 183))	/* KVM_CAP_ASYNC_PF(_INT) */
		return 1;
	if (cap == profile->sdei_cap)
		return 1;
	return -ENOTTY;
}

static int ret_errno(long r)
{
	if (r < 0) {
		errno = -r;
		return -1;
	}
	return r;
}

int __wrap_ioctl(int fd, unsigned long req, ...)
{
	struct model_vcpu *v;
	struct model_vm *vm;
	va_list ap;
	void *arg;
	long r;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);

	switch (req) {
	case KVM_CREATE_VM:
		r = compat_ioctl(fd, req, arg);
		if (r >= 0)
			vm_new(r);
		return r;
	case KVM_CREATE_VCPU:
		pthread_mutex_lock(&registry_lock);
		vm = find_vm(fd);
		pthread_mutex_unlock(&registry_lock);
		r = compat_ioctl(fd, req, arg);
		if (r >= 0 && vm)
			vcpu_new(vm, r, (uint32_t)(long)arg);
		return r;
	case KVM_CHECK_EXTENSION:
		r = check_extension((long)arg);
		return r == -ENOTTY ? compat_ioctl(fd, req, arg) : r;
	case UFFDIO_REGISTER:
		r = compat_ioctl(fd, req, arg);
		if (!r)
			uffd_registered(arg);
		return r;
	case KVM_SET_USER_MEMORY_REGION:
	case KVM_SET_USER_MEMORY_REGION2:
		vm = find_vm(fd);
		return vm ? memslot_ioctl(vm, req, arg) : compat_ioctl(fd, req, arg);
	case KVM_CREATE_DEVICE:
		r = compat_ioctl(fd, req, arg);
		vm = find_vm(fd);
		if (!r && vm && (((struct kvm_create_device *)arg)->type == KVM_DEV_TYPE_ARM_VGIC_V3 ||
				 ((struct kvm_create_device *)arg)->type == KVM_DEV_TYPE_ARM_VGIC_V2) &&
		    !(((struct kvm_create_device *)arg)->flags & KVM_CREATE_DEVICE_TEST))
			vm->vgic = true;
		return r;
	}

	vm = find_vm(fd);
	if (vm) {
		if (profile->apf) {
			r = model_apf_vm_ioctl(vm, req, arg);
			if (r != -ENOTTY)
				return ret_errno(r);
		}
		if (profile->sdei_ops->vm_ioctl) {
			pthread_mutex_lock(&vm->lock);
			r = profile->sdei_ops->vm_ioctl(vm, req, arg);
			pthread_mutex_unlock(&vm->lock);
			if (r != -ENOTTY)
				return ret_errno(r);
		}
		return compat_ioctl(fd, req, arg);
	}

	v = find_vcpu(fd);
	if (!v)
		return compat_ioctl(fd, req, arg);
	switch (req) {
	case KVM_RUN:
		return vcpu_run(v);
	case KVM_GET_ONE_REG:
	case KVM_SET_ONE_REG:
		return one_reg_ioctl(v, req, arg);
	case KVM_GET_REG_LIST:
		return reg_list_ioctl(v, arg);
	}
	if (profile->apf) {
		pthread_mutex_lock(&v->run_lock);
		pthread_mutex_lock(&v->vm->lock);
		r = model_apf_vcpu_ioctl(v, req, arg);
		pthread_mutex_unlock(&v->vm->lock);
		pthread_mutex_unlock(&v->run_lock);
		if (r != -ENOTTY)
			return ret_errno(r);
	}
	if (profile->sdei_ops->vcpu_ioctl) {
		pthread_mutex_lock(&v->run_lock);
		pthread_mutex_lock(&v->vm->lock);
		r = profile->sdei_ops->vcpu_ioctl(v, req, arg);
		pthread_mutex_unlock(&v->vm->lock);
		pthread_mutex_unlock(&v->run_lock);
		if (r != -ENOTTY)
			return ret_errno(r);
	}
	return compat_ioctl(fd, req, arg);
}
