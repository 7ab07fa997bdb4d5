// SPDX-License-Identifier: GPL-2.0-only
/*
 * apf_uffd - arm64 asynchronous page faults end to end.
 *
 * Guest memory of a test slot is backed by userfaultfd; the host resolves a
 * missing page only after a delay, or all of them at a gate time. The guest
 * enables APF (the VMM set its SDEI event and PPI), registers the SDEI
 * event with the assembly entry point (lib/sdei_entry.S) and touches the
 * missing pages. A page-not-present is the SDEI event with reason 1 and a
 * token in the control block; the handler clears the block and finishes
 * with COMPLETE_AND_RESUME, which enters the IRQ vector at the interrupted
 * context (as the Linux guest then reschedules). A page-ready is the PPI
 * with reason 2 and the same token; the guest clears the block, acks with
 * IRQ_ACK and EOI, and retries the access.
 *
 * Scenarios, each in a new VM:
 *  EL0        4 pages touched at EL0: a not-present and a page-ready per
 *             page, tokens (n << 12) | vcpu_id from 0, latency measured;
 *  EL1        a page touched at EL1 without SEND_ALWAYS: synchronous;
 *  SEND_ALWAYS  the same with SEND_ALWAYS: asynchronous at EL1;
 *  64 slots   65 pages touched at EL0 by "tasks" (the IRQ handler moves on
 *             to the next page instead of waiting): 64 async PFs at most
 *             per vCPU, the 65th access is synchronous;
 *  2 vCPUs    each vCPU's token carries its id; notifications stay on it;
 *  PE masked  the SDEI event cannot be injected: the access waits for the
 *             page, and a page-ready still arrives for the unseen token.
 * The series' cancellation path (page-in done before its not-present was
 * delivered) needs the vCPU to leave KVM_RUN between the fault and the next
 * entry; neither a guest nor a VMM can arrange that, so it is not tested.
 *
 * On a kernel without APF the test proves the absence (FEATURES bit clear,
 * APF functions NOT_SUPPORTED, the APF ioctls rejected) and that the
 * userfaultfd set-up works, then skips.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/userfaultfd.h>

#include <kvm_util.h>
#include <userfaultfd_util.h>
#include "processor.h"
#include "gic.h"
#include "vgic.h"
#include "apf_abi.h"
#include "apf_test.h"
#include "sdei_guest.h"

#define TEST_SLOT	1
#define TEST_GPA	0xc0000000UL
#define TEST_GVA	0xc0000000UL
#define MAX_PAGES	65
#define MAX_VCPUS	2
#define APF_PPI		22
#define VTIMER_PPI	27		/* KVM's default virtual timer INTID */
#define DELAY_US	200000		/* page-in latency the host injects */
#define GATE_US		4000000		/* 64 slots: all pages arrive then */
#define WAIT_S		5		/* longest a guest waits for a page-ready */
#define ANY_TOKEN	0xfffffffeU

#define PTE_AP_EL0	(1UL << 6)	/* AP[1]: EL0 access */
#define PTE_AP_RO	(1UL << 7)	/* AP[2]: read-only */
#define CNTKCTL_EL0VCTEN (1UL << 1)

enum scenario { SC_EL0, SC_EL1, SC_SEND_ALWAYS, SC_SLOTS, SC_TWO_VCPUS, SC_MASKED, NR_SC };

struct scenario_desc {
	const char *name;
	int pages;		/* per vCPU */
	int vcpus;
	bool el1;		/* touch at EL1 instead of EL0 */
	bool send_always;
	bool unmask;		/* SDEI_PE_UNMASK: else the event cannot be injected */
	bool skip;		/* not-present: move on to the next page ("another task") */
	bool gate;		/* pages arrive at the gate time, not one delay each */
};

static const struct scenario_desc scenarios[NR_SC] = {
	[SC_EL0] = { "EL0", 4, 1, false, false, true, false, false },
	[SC_EL1] = { "EL1 without SEND_ALWAYS", 1, 1, true, false, true, false, false },
	[SC_SEND_ALWAYS] = { "EL1 with SEND_ALWAYS", 1, 1, true, true, true, false, false },
	[SC_SLOTS] = { "64 slots", 65, 1, false, false, true, true, true },
	[SC_TWO_VCPUS] = { "two vCPUs", 1, 2, false, false, true, false, false },
	[SC_MASKED] = { "PE masked", 1, 1, false, false, false, false, false },
};

/* EL0-accessible, one page per vCPU */
struct el0_data {
	uint64_t base, next, count, cur;
	uint64_t t_access[MAX_PAGES];
	uint64_t t_done[MAX_PAGES];
	uint64_t sum;
};

/* What each vCPU saw, read back by the host */
struct vlog {
	uint64_t nr_np, nr_rd, nr_wake_all, bogus, waits_timed_out;
	uint32_t np_token[MAX_PAGES + 1], rd_token[MAX_PAGES + 1];
	uint64_t np_page[MAX_PAGES + 1], np_pstate[MAX_PAGES + 1];
	uint64_t t_np[MAX_PAGES + 1], t_rd[MAX_PAGES + 1];
	uint64_t resumed;
};

/* Guest globals, set by the host */
static struct scenario_desc sc;
static uint32_t apf_fn;
static uint64_t sdei_event;
static uint64_t ctrl_gva[MAX_VCPUS], ctrl_gpa[MAX_VCPUS];
static uint64_t el0_data_gva[MAX_VCPUS], el0_stack_top[MAX_VCPUS];
static struct vlog vlog[MAX_VCPUS];
static uint64_t sdei_ready;		/* vCPUs done with SDEI set-up */

/*
 * EL0 code lives in its own section; the host maps those pages read-only
 * for EL0 and EL1 (AP=0b11), which keeps them executable at both levels.
 * Nothing here may call code or touch data outside EL0-mapped pages.
 */
extern char __start_apf_el0_text[], __stop_apf_el0_text[];

static void __attribute__((section("apf_el0_text"), __used__, __noinline__, aligned(4096)))
el0_touch_pages(struct el0_data *d)
{
	uint64_t i, t;

	for (i = d->next; i < d->count; i++) {
		volatile uint64_t *p = (volatile uint64_t *)(d->base + i * 4096UL);

		d->cur = i;
		asm volatile("isb; mrs %0, cntvct_el0" : "=r"(t));
		d->t_access[i] = t;
		d->sum += *p;		/* first access: stage-2 fault on a missing page */
		*p = i + 1;
		asm volatile("isb; mrs %0, cntvct_el0" : "=r"(t));
		d->t_done[i] = t;
		d->next = i + 1;
	}
	asm volatile("svc #0" ::: "memory");
	for (;;)
		;
}

static uint64_t counter(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

static uint32_t cpu_index(void)
{
	return guest_get_vcpuid();
}

static void apf_hvc(uint64_t subfn, uint64_t data, struct arm_smccc_res *res)
{
	smccc_hvc(apf_fn, subfn, (uint32_t)data, data >> 32, 0, 0, 0, 0, res);
}

/* Consume one page-ready notification from the control block, then ack it. */
static uint32_t handle_page_ready(uint32_t cpu)
{
	struct apf_ctrl_block *cb = (struct apf_ctrl_block *)ctrl_gva[cpu];
	uint32_t reason = READ_ONCE(cb->reason), token = READ_ONCE(cb->token);
	struct vlog *l = &vlog[cpu];
	struct arm_smccc_res res;

	if (reason != APF_REASON_PAGE_READY) {
		l->bogus++;
		return ANY_TOKEN;
	}
	WRITE_ONCE(cb->token, 0);
	WRITE_ONCE(cb->reason, 0);
	if (token == APF_TOKEN_WAKE_ALL) {
		l->nr_wake_all++;
	} else if (l->nr_rd <= MAX_PAGES) {
		l->rd_token[l->nr_rd] = token;
		l->t_rd[l->nr_rd] = counter();
		l->nr_rd++;
	}
	apf_hvc(APF_FUNC_IRQ_ACK, 0, &res);
	GUEST_ASSERT_EQ(res.a0, APF_SMCCC_RET_SUCCESS);
	return token;
}

/*
 * Wait (interrupts masked, polling the GIC) for a page-ready of @token.
 * The virtual timer, armed at the deadline, ends a WFI that no page-ready
 * would end.
 */
static bool wait_page_ready(uint32_t cpu, uint32_t token, uint64_t max_ticks)
{
	uint64_t start = counter();
	unsigned int intid;
	bool found = false;
	uint32_t got;

	write_sysreg(start + max_ticks, cntv_cval_el0);
	write_sysreg(1, cntv_ctl_el0);		/* ENABLE, not masked */
	isb();
	for (;;) {
		intid = gic_get_and_ack_irq();
		if (intid == APF_PPI) {
			got = handle_page_ready(cpu);
			gic_set_eoi(intid);
			if (got == token || (token == ANY_TOKEN && got != ANY_TOKEN)) {
				found = true;
				break;
			}
		} else if (intid < 1020) {
			gic_set_eoi(intid);
		}
		if (counter() - start > max_ticks) {
			vlog[cpu].waits_timed_out++;
			break;
		}
		wfi();
	}
	write_sysreg(0, cntv_ctl_el0);
	isb();
	return found;
}

static uint64_t wait_ticks(void)
{
	return read_sysreg(cntfrq_el0) * WAIT_S;
}

/* The page-not-present handler, called by sdei_guest_entry. */
static struct sdei_guest_completion np_handler(uint64_t num, uint64_t arg, uint64_t pc,
					       uint64_t pstate)
{
	struct apf_ctrl_block *cb = (struct apf_ctrl_block *)ctrl_gva[arg];
	struct el0_data *d = (struct el0_data *)el0_data_gva[arg];
	uint32_t reason = READ_ONCE(cb->reason), token = READ_ONCE(cb->token);
	struct vlog *l = &vlog[arg];

	if (num == sdei_event && reason == APF_REASON_PAGE_NOT_PRESENT &&
	    l->nr_np <= MAX_PAGES) {
		l->np_token[l->nr_np] = token;
		l->np_page[l->nr_np] = d->cur;
		l->np_pstate[l->nr_np] = pstate;
		l->t_np[l->nr_np] = counter();
		l->nr_np++;
	} else {
		l->bogus++;
	}
	WRITE_ONCE(cb->token, 0);
	WRITE_ONCE(cb->reason, 0);
	WRITE_ONCE(l->resumed, 1);
	return (struct sdei_guest_completion){ APF_SDEI_EVENT_COMPLETE_AND_RESUME, 0 };
}

/*
 * The IRQ vector, from EL0 or EL1: either COMPLETE_AND_RESUME brought us
 * here after a page-not-present (play the scheduler: wait for that page,
 * or run "another task", the next page), or an interrupt is pending.
 */
static void guest_irq(struct ex_regs *regs)
{
	uint32_t cpu = cpu_index();
	struct vlog *l = &vlog[cpu];
	struct el0_data *d = (struct el0_data *)el0_data_gva[cpu];
	unsigned int intid;

	if (READ_ONCE(l->resumed)) {
		WRITE_ONCE(l->resumed, 0);
		if (!sc.skip) {
			wait_page_ready(cpu, l->nr_np ? l->np_token[l->nr_np - 1] : ANY_TOKEN,
					wait_ticks());
			return;
		}
		d->next = d->cur + 1;
		regs->pc = (uint64_t)el0_touch_pages;
		regs->regs[0] = (uint64_t)d;
		write_sysreg(el0_stack_top[cpu], sp_el0);
		return;
	}
	intid = gic_get_and_ack_irq();
	if (intid == APF_PPI) {
		handle_page_ready(cpu);
		gic_set_eoi(intid);
	} else if (intid < 1020) {
		gic_set_eoi(intid);
	}
}

static void __noreturn guest_finish(void)
{
	uint32_t cpu = cpu_index();
	struct vlog *l = &vlog[cpu];
	uint64_t start = counter(), target;
	struct arm_smccc_res res;

	/* the page-readys still due; with the PE masked, one for an unseen token */
	target = sc.unmask ? l->nr_np : 1;
	while (l->nr_rd < target && counter() - start < wait_ticks())
		wait_page_ready(cpu, ANY_TOKEN, wait_ticks() - (counter() - start));
	apf_hvc(APF_FUNC_ENABLE, 0, &res);
	GUEST_ASSERT_EQ(res.a0, APF_SMCCC_RET_SUCCESS);
	GUEST_DONE();
	for (;;)
		;
}

/* EL0 is done (svc #0): continue at EL1 in guest_finish(). */
static void guest_el0_svc(struct ex_regs *regs)
{
	regs->pc = (uint64_t)guest_finish;
	regs->pstate = 0x3c5;	/* EL1h, DAIF masked */
}

static void guest_code(uint64_t cpu)
{
	uint64_t data = ctrl_gpa[cpu] | APF_CTRL_ENABLED;
	struct el0_data *d = (struct el0_data *)el0_data_gva[cpu];
	struct arm_smccc_res res;
	uint64_t i, t;

	if (sc.send_always)
		data |= APF_CTRL_SEND_ALWAYS;
	gic_init(GIC_V3, sc.vcpus);
	gic_irq_enable(APF_PPI);
	gic_irq_enable(VTIMER_PPI);
	write_sysreg(read_sysreg(cntkctl_el1) | CNTKCTL_EL0VCTEN, cntkctl_el1);
	isb();

	sdei_guest_handler = np_handler;
	smccc_hvc(APF_SDEI_EVENT_REGISTER, sdei_event, (uint64_t)sdei_guest_entry, cpu,
		  APF_SDEI_RM_ANY, 0, 0, 0, &res);
	GUEST_ASSERT_EQ(res.a0, APF_SDEI_SUCCESS);
	smccc_hvc(APF_SDEI_EVENT_ENABLE, sdei_event, 0, 0, 0, 0, 0, 0, &res);
	GUEST_ASSERT_EQ(res.a0, APF_SDEI_SUCCESS);
	if (sc.unmask) {
		smccc_hvc(APF_SDEI_PE_UNMASK, 0, 0, 0, 0, 0, 0, 0, &res);
		GUEST_ASSERT_EQ(res.a0, APF_SDEI_SUCCESS);
	}
	/*
	 * In the 2021 design an event queued or running on any vCPU makes
	 * ENABLE of it answer PENDING on the others: no vCPU may fault before
	 * every vCPU has enabled the event.
	 */
	__atomic_add_fetch(&sdei_ready, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&sdei_ready, __ATOMIC_SEQ_CST) < sc.vcpus)
		cpu_relax();

	apf_hvc(APF_FUNC_ENABLE, data, &res);
	GUEST_ASSERT_EQ(res.a0, APF_SMCCC_RET_SUCCESS);
	/* ENABLE queues a wake-all (token ~0): consume it */
	wait_page_ready(cpu, APF_TOKEN_WAKE_ALL, wait_ticks() / WAIT_S);

	d->base = TEST_GVA + cpu * sc.pages * 4096UL;
	d->next = 0;
	d->count = sc.pages;
	if (sc.el1) {
		for (i = 0; i < d->count; i++) {
			volatile uint64_t *p = (volatile uint64_t *)(d->base + i * 4096UL);

			d->cur = i;
			d->t_access[i] = counter();
			d->sum += *p;
			*p = i + 1;
			d->t_done[i] = counter();
		}
		guest_finish();
	}

	/* Drop to EL0 with interrupts unmasked; back via svc -> guest_finish */
	t = PSR_MODE_EL0t;
	asm volatile("msr sp_el0, %0\n"
		     "msr elr_el1, %1\n"
		     "msr spsr_el1, %2\n"
		     "mov x0, %3\n"
		     "isb\n"
		     "eret"
		     :: "r"(el0_stack_top[cpu]), "r"((uint64_t)el0_touch_pages), "r"(t),
			"r"((uint64_t)d)
		     : "x0", "memory");
	GUEST_FAIL("eret to EL0 returned");
}

/* ---------------------------------------------------------------------- */
/* Host                                                                   */
/* ---------------------------------------------------------------------- */

static pthread_mutex_t host_lock = PTHREAD_MUTEX_INITIALIZER;
static struct timespec host_first_fault;
static int host_faults;
static bool host_gate;

static uint64_t ts_us(const struct timespec *t)
{
	return t->tv_sec * 1000000UL + t->tv_nsec / 1000;
}

static int uffd_delayed_copy(int uffd_mode, int uffd, struct uffd_msg *msg)
{
	static uint8_t page[4096] __attribute__((aligned(4096)));
	struct uffdio_copy copy = {
		.dst = msg->arg.pagefault.address & ~4095UL,
		.src = (uint64_t)page,
		.len = sizeof(page),
	};
	struct timespec now;
	uint64_t gate;

	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&host_lock);
	if (!host_faults++)
		host_first_fault = now;
	gate = ts_us(&host_first_fault) + GATE_US;
	pthread_mutex_unlock(&host_lock);
	if (host_gate) {
		if (ts_us(&now) < gate)
			usleep(gate - ts_us(&now));
	} else {
		usleep(DELAY_US);
	}
	if (ioctl(uffd, UFFDIO_COPY, &copy) && errno != EEXIST)
		return -errno;
	return 0;
}

static bool uffd_available(char *why, size_t len)
{
	struct uffdio_api api = { .api = UFFD_API };
	int fd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	if (fd < 0) {
		snprintf(why, len, "userfaultfd: %s", strerror(errno));
		return false;
	}
	if (ioctl(fd, UFFDIO_API, &api)) {
		snprintf(why, len, "UFFDIO_API: %s", strerror(errno));
		close(fd);
		return false;
	}
	close(fd);
	return true;
}

static void set_pte_bits(struct kvm_vm *vm, uint64_t gva, uint64_t bits)
{
	*virt_get_pte_hva(vm, gva) |= bits;
}

static void *vcpu_thread(void *arg)
{
	struct kvm_vcpu *vcpu = arg;
	struct ucall uc;

	TEST_ASSERT_EQ(apf_run_to_ucall(vcpu, &uc), (uint64_t)UCALL_DONE);
	return NULL;
}

struct result {
	struct vlog log[MAX_VCPUS];
	struct el0_data el0[MAX_VCPUS];
	int faults;
	uint64_t freq;
};

static void run_scenario(const struct apf_abi *abi, enum scenario id, struct result *res)
{
	struct kvm_vcpu *vcpus[MAX_VCPUS];
	pthread_t threads[MAX_VCPUS];
	struct uffd_desc *uffd;
	struct apf_ioctl_cmd cmd;
	struct kvm_vm *vm;
	uint64_t gva, p, pages;
	void *hva;
	int i;

	sc = scenarios[id];
	pages = sc.pages * sc.vcpus;
	host_faults = 0;
	host_gate = sc.gate;

	vm = vm_create_with_vcpus(sc.vcpus, guest_code, vcpus);
	vgic_v3_setup(vm, sc.vcpus, 64);
	vm_init_descriptor_tables(vm);
	for (i = 0; i < sc.vcpus; i++)
		vcpu_init_descriptor_tables(vcpus[i]);
	vm_install_sync_handler(vm, VECTOR_SYNC_LOWER_64, ESR_EC_SVC64, guest_el0_svc);
	vm_install_exception_handler(vm, VECTOR_IRQ_LOWER_64, guest_irq);
	vm_install_exception_handler(vm, VECTOR_IRQ_CURRENT, guest_irq);

	/* The uffd-backed test pages, mapped for EL0 */
	vm_userspace_mem_region_add(vm, VM_MEM_SRC_ANONYMOUS, TEST_GPA, TEST_SLOT,
				    pages * 4096 / vm->page_size, 0);
	virt_map(vm, TEST_GVA, TEST_GPA, pages * 4096 / vm->page_size);
	for (p = 0; p < pages; p++)
		set_pte_bits(vm, TEST_GVA + p * 4096UL, PTE_AP_EL0);
	hva = addr_gpa2hva(vm, TEST_GPA);
	TEST_ASSERT(!madvise(hva, pages * 4096, MADV_DONTNEED), "madvise");
	uffd = uffd_setup_demand_paging(UFFDIO_REGISTER_MODE_MISSING, 0, hva,
					pages * 4096, 1, uffd_delayed_copy);

	/* EL0 code (read-only for EL0 and EL1); per vCPU data, stack, control block */
	for (p = (uint64_t)__start_apf_el0_text & ~(vm->page_size - 1);
	     p < (uint64_t)__stop_apf_el0_text; p += vm->page_size)
		set_pte_bits(vm, p, PTE_AP_EL0 | PTE_AP_RO);
	for (i = 0; i < sc.vcpus; i++) {
		gva = vm_vaddr_alloc_page(vm);
		set_pte_bits(vm, gva, PTE_AP_EL0);
		el0_data_gva[i] = gva;
		gva = vm_vaddr_alloc_page(vm);
		set_pte_bits(vm, gva, PTE_AP_EL0);
		el0_stack_top[i] = gva + vm->page_size;
		gva = vm_vaddr_alloc_page(vm);
		ctrl_gva[i] = gva;
		ctrl_gpa[i] = addr_gva2gpa(vm, gva);
		vcpu_args_set(vcpus[i], 1, (uint64_t)i);

		/* the VMM's part: the SDEI event and the PPI of this vCPU */
		cmd = (struct apf_ioctl_cmd){ .cmd = APF_CMD_SET_SDEI, .sdei = abi->sdei_event };
		TEST_ASSERT(!ioctl(vcpus[i]->fd, abi->ioctl, &cmd), "SET_SDEI: %s",
			    strerror(errno));
		cmd = (struct apf_ioctl_cmd){ .cmd = APF_CMD_SET_IRQ, .irq = APF_PPI };
		TEST_ASSERT(!ioctl(vcpus[i]->fd, abi->ioctl, &cmd), "SET_IRQ: %s",
			    strerror(errno));
	}
	memset(vlog, 0, sizeof(vlog));
	sdei_ready = 0;
	sync_global_to_guest(vm, sdei_ready);
	apf_fn = abi->func_id;
	sdei_event = abi->sdei_event;
	sync_global_to_guest(vm, sc);
	sync_global_to_guest(vm, apf_fn);
	sync_global_to_guest(vm, sdei_event);
	sync_global_to_guest(vm, ctrl_gva);
	sync_global_to_guest(vm, ctrl_gpa);
	sync_global_to_guest(vm, el0_data_gva);
	sync_global_to_guest(vm, el0_stack_top);
	sync_global_to_guest(vm, vlog);

	for (i = 0; i < sc.vcpus; i++)
		pthread_create(&threads[i], NULL, vcpu_thread, vcpus[i]);
	for (i = 0; i < sc.vcpus; i++)
		pthread_join(threads[i], NULL);
	uffd_stop_demand_paging(uffd);

	sync_global_from_guest(vm, vlog);
	memcpy(res->log, vlog, sizeof(vlog));
	for (i = 0; i < sc.vcpus; i++)
		memcpy(&res->el0[i], addr_gva2hva(vm, el0_data_gva[i]), sizeof(res->el0[i]));
	res->faults = host_faults;
	res->freq = read_sysreg(cntfrq_el0);
	kvm_vm_free(vm);
}

static uint64_t to_us(const struct result *r, uint64_t ticks)
{
	return ticks * 1000000UL / r->freq;
}

static void check_el0(const struct result *r)
{
	const struct vlog *l = &r->log[0];
	uint64_t i, rd_sum = 0;
	bool ok;

	APF_CHECK(r->faults >= 4, "EL0: every page arrived through userfaultfd",
		  "%d faults for 4 pages", r->faults);
	APF_CHECK(l->nr_wake_all == 1, "EL0: ENABLE's wake-all arrived once",
		  "%lu wake-all", l->nr_wake_all);
	APF_CHECK(l->nr_np == 4, "EL0: a page-not-present (SDEI, reason 1) per page",
		  "%lu of 4", l->nr_np);
	APF_CHECK(l->nr_rd == 4, "EL0: a page-ready (PPI, reason 2) per page, acked",
		  "%lu of 4 (%lu waits timed out)", l->nr_rd, l->waits_timed_out);
	ok = l->nr_np == 4;
	for (i = 0; ok && i < 4; i++)
		ok = l->np_token[i] == i << 12;
	APF_CHECK(ok, "EL0: tokens are (n << 12) | vcpu_id, the first one 0",
		  "tokens 0x%x 0x%x 0x%x 0x%x", l->np_token[0], l->np_token[1],
		  l->np_token[2], l->np_token[3]);
	ok = l->nr_rd == l->nr_np;
	for (i = 0; ok && i < l->nr_rd; i++)
		ok = l->np_token[i] == l->rd_token[i];
	APF_CHECK(ok, "EL0: page-ready carries the token of page-not-present",
		  "first not-present 0x%x, page-ready 0x%x", l->np_token[0], l->rd_token[0]);
	ok = l->nr_np == 4;
	for (i = 0; ok && i < 4; i++)
		ok = l->np_page[i] == i && (l->np_pstate[i] & PSR_MODE_MASK) == PSR_MODE_EL0t;
	APF_CHECK(ok, "EL0: each event interrupts EL0 at its page's access",
		  "page %lu pstate 0x%lx", l->np_page[0], l->np_pstate[0]);
	for (i = 0; i < l->nr_rd && i < l->nr_np; i++) {
		rd_sum += l->t_rd[i] - l->t_np[i];
		ksft_print_msg("EL0 page %lu: not-present %lu us after the access, "
			       "page-ready %lu us later\n", i,
			       to_us(r, l->t_np[i] - r->el0[0].t_access[i]),
			       to_us(r, l->t_rd[i] - l->t_np[i]));
	}
	APF_CHECK(l->nr_rd && to_us(r, rd_sum / l->nr_rd) >= DELAY_US / 2,
		  "EL0: page-ready comes after the host's page-in delay",
		  "mean %lu us, delay %d us", l->nr_rd ? to_us(r, rd_sum / l->nr_rd) : 0,
		  DELAY_US);
	APF_CHECK(!l->bogus, "EL0: no bogus notification", "%lu", l->bogus);
}

static void check_el1(const struct result *r)
{
	const struct vlog *l = &r->log[0];
	uint64_t lat = to_us(r, r->el0[0].t_done[0] - r->el0[0].t_access[0]);

	APF_CHECK(!l->nr_np && !l->nr_rd && !l->bogus,
		  "EL1 without SEND_ALWAYS: no notification", "%lu not-present, %lu page-ready",
		  l->nr_np, l->nr_rd);
	APF_CHECK(lat >= DELAY_US / 2, "EL1 without SEND_ALWAYS: the access waits for the page",
		  "%lu us, delay %d us", lat, DELAY_US);
}

static void check_send_always(const struct result *r)
{
	const struct vlog *l = &r->log[0];

	APF_CHECK(l->nr_np == 1 && (l->np_pstate[0] & PSR_MODE_MASK) == PSR_MODE_EL1h,
		  "EL1 with SEND_ALWAYS: page-not-present interrupts EL1",
		  "%lu not-present, pstate 0x%lx", l->nr_np, l->np_pstate[0]);
	APF_CHECK(l->nr_rd == 1 && l->rd_token[0] == l->np_token[0] &&
		  r->el0[0].t_done[0] > r->el0[0].t_access[0],
		  "EL1 with SEND_ALWAYS: page-ready with its token, then the access completes",
		  "%lu page-ready, tokens 0x%x/0x%x", l->nr_rd, l->np_token[0], l->rd_token[0]);
}

static void check_slots(const struct result *r)
{
	const struct vlog *l = &r->log[0];
	uint64_t lat = to_us(r, r->el0[0].t_done[64] - r->el0[0].t_access[64]);
	uint64_t i, j, matched = 0, pages_ok = l->nr_np == 64;

	for (i = 0; pages_ok && i < 64; i++)
		pages_ok = l->np_page[i] == i;
	APF_CHECK(l->nr_np == 64 && pages_ok,
		  "64 slots: 64 page-not-present for pages 0..63, no more",
		  "%lu not-present", l->nr_np);
	APF_CHECK(l->nr_np == 64 && lat >= 100000,
		  "64 slots: the 65th access is synchronous",
		  "%lu not-present, the 65th access took %lu us", l->nr_np, lat);
	for (i = 0; i < l->nr_rd; i++)
		for (j = 0; j < l->nr_np; j++)
			if (l->rd_token[i] == l->np_token[j]) {
				matched++;
				break;
			}
	APF_CHECK(l->nr_rd == l->nr_np && matched == l->nr_rd && !l->bogus,
		  "64 slots: a page-ready for each async PF, with its token",
		  "%lu page-ready, %lu matched, %lu bogus", l->nr_rd, matched, l->bogus);
}

static void check_two_vcpus(const struct result *r)
{
	const struct vlog *a = &r->log[0], *b = &r->log[1];

	APF_CHECK(a->nr_np == 1 && b->nr_np == 1,
		  "two vCPUs: each vCPU gets its own page-not-present",
		  "%lu and %lu", a->nr_np, b->nr_np);
	APF_CHECK(a->np_token[0] == 0 && b->np_token[0] == 1,
		  "two vCPUs: tokens carry the vCPU id (first ones 0x0 and 0x1)",
		  "0x%x and 0x%x", a->np_token[0], b->np_token[0]);
	APF_CHECK(a->nr_rd == 1 && b->nr_rd == 1 && a->rd_token[0] == a->np_token[0] &&
		  b->rd_token[0] == b->np_token[0] && !a->bogus && !b->bogus,
		  "two vCPUs: page-ready on the faulting vCPU, with its token",
		  "vCPU0 %lu page-ready 0x%x, vCPU1 %lu page-ready 0x%x", a->nr_rd,
		  a->rd_token[0], b->nr_rd, b->rd_token[0]);
}

static void check_masked(const struct result *r)
{
	const struct vlog *l = &r->log[0];
	uint64_t lat = to_us(r, r->el0[0].t_done[0] - r->el0[0].t_access[0]);

	APF_CHECK(!l->nr_np && !l->bogus, "PE masked: no page-not-present is delivered",
		  "%lu not-present, %lu bogus", l->nr_np, l->bogus);
	APF_CHECK(lat >= DELAY_US / 2, "PE masked: the access waits for the page",
		  "%lu us, delay %d us", lat, DELAY_US);
	APF_CHECK(l->nr_rd == 1 && l->rd_token[0] == 0,
		  "PE masked: a page-ready still arrives, for the refused token 0x0",
		  "%lu page-ready, token 0x%x", l->nr_rd, l->rd_token[0]);
}

#define NR_ABSENCE	3
#define NR_CHECKS	(9 + 2 + 2 + 3 + 3 + 3)

int main(void)
{
	static struct result res;
	const struct apf_abi *abi;
	struct apf_probe probe;
	char why[128];

	ksft_print_header();
	ksft_set_plan(NR_CHECKS);

	apf_probe_run(&probe);
	ksft_print_msg("%s\n", apf_probe_describe(&probe));
	abi = probe.apf;

	if (abi->ver == APF_V_NONE) {
		APF_CHECK(!(probe.features & BIT(2)) &&
			  probe.fn2_a0 == APF_SMCCC_RET_NOT_SUPPORTED,
			  "absent: FEATURES lacks APF, 0x86000002 is NOT_SUPPORTED",
			  "FEATURES 0x%lx a0 0x%lx", probe.features, probe.fn2_a0);
		APF_CHECK(!probe.apf_ioctl_ver, "absent: no KVM_ARM_ASYNC_PF_COMMAND answers",
			  "version %d answered", probe.apf_ioctl_ver);
		if (uffd_available(why, sizeof(why)))
			ksft_test_result_pass("userfaultfd is usable for the APF test\n");
		else
			ksft_test_result_skip("%s\n", why);
		apf_skip_rest(NR_CHECKS, probe.apf_why);
	}
	if (!uffd_available(why, sizeof(why)))
		apf_skip_rest(NR_CHECKS, why);

	run_scenario(abi, SC_EL0, &res);
	check_el0(&res);
	run_scenario(abi, SC_EL1, &res);
	check_el1(&res);
	run_scenario(abi, SC_SEND_ALWAYS, &res);
	check_send_always(&res);
	run_scenario(abi, SC_SLOTS, &res);
	check_slots(&res);
	run_scenario(abi, SC_TWO_VCPUS, &res);
	check_two_vcpus(&res);
	run_scenario(abi, SC_MASKED, &res);
	check_masked(&res);
	apf_finish();
}
