// SPDX-License-Identifier: GPL-2.0-only
/*
 * apf_uffd - arm64 asynchronous page faults end to end.
 *
 * Guest memory of a test slot is backed by userfaultfd; the host resolves
 * each missing page only after a delay. The guest enables APF (SDEI event
 * for page-not-present, PPI for page-ready, 64-byte control block, user-mode
 * only) and runs code at EL0 that touches the missing pages. For each page
 * the guest must receive:
 *   1. the SDEI event: control block reason 1 (PAGE_NOT_PRESENT) + token T;
 *      the handler clears the block and resumes at the IRQ vector (as the
 *      Linux guest reschedules instead of retrying the access),
 *   2. the PPI: reason 2 (PAGE_READY), the same token T; the guest clears
 *      the block and acks with the IRQ_ACK hypercall, then retries the access.
 * Measured: counter ticks from the EL0 access to the page-not-present
 * notification, and from there to page-ready, per page.
 *
 * On a kernel without APF (every upstream kernel so far) the test proves the
 * absence (FEATURES bit clear, APF function NOT_SUPPORTED, KVM_ARM_ASYNC_PF_
 * COMMAND rejected) and that the userfaultfd set-up works, then skips.
 *
 * UNCONFIRMED (no patched kernel was available to run this path):
 *  - the PPI number (17 here; the series' QEMU value is unknown),
 *  - that the SDEI event needs no VMM set-up beyond SET_SDEI in the 2022
 *    SDEI design (event 1) - for the 2021 design the event is normally
 *    created with KVM_ARM_SDEI_COMMAND, whose structures are not known here,
 *  - the "wake all" page-ready (token ~0) queued by ENABLE, handled if seen,
 *  - COMPLETE_AND_RESUME entering the IRQ vector for the interrupted EL0.
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

#define TEST_SLOT	1
#define TEST_GPA	0xc0000000UL
#define TEST_GVA	0xc0000000UL
#define TEST_PAGES	4
#define APF_PPI		17		/* UNCONFIRMED */
#define UFFD_DELAY_US	200000		/* page-in latency the host injects */

#define PTE_AP_EL0	(1UL << 6)	/* AP[1]: EL0 access */
#define PTE_AP_RO	(1UL << 7)	/* AP[2]: read-only */
#define CNTKCTL_EL0VCTEN (1UL << 1)
#define PSR_EL0t	0x0UL

/* Written by EL0 (EL0-accessible page) */
struct el0_data {
	uint64_t t_access[TEST_PAGES];
	uint64_t t_done[TEST_PAGES];
	uint64_t sum;
};

/* Written by EL1, read back by the host */
static uint32_t apf_fn;
static uint64_t sdei_event, ctrl_gpa, ctrl_gva, el0_data_gva, el0_stack_top;
static uint64_t wait_token, nr_not_present, nr_ready, nr_wake_all, bogus;
static uint64_t np_token[TEST_PAGES], rd_token[TEST_PAGES];
static uint64_t t_np[TEST_PAGES], t_rd[TEST_PAGES];

/*
 * EL0 code lives in its own section; the host maps those pages read-only
 * for EL0 and EL1 (AP=0b11), which keeps them executable at both levels.
 * Nothing here may call code or touch data outside EL0-mapped pages.
 */
extern char __start_apf_el0_text[], __stop_apf_el0_text[];

static void __attribute__((section("apf_el0_text"), __used__, __noinline__, aligned(4096)))
el0_touch_pages(uint64_t base, struct el0_data *d)
{
	int i;

	for (i = 0; i < TEST_PAGES; i++) {
		volatile uint64_t *p = (volatile uint64_t *)(base + i * 4096UL);
		uint64_t t;

		asm volatile("isb; mrs %0, cntvct_el0" : "=r"(t));
		d->t_access[i] = t;
		d->sum += *p;		/* first access: stage-2 fault on a missing page */
		*p = i + 1;
		asm volatile("isb; mrs %0, cntvct_el0" : "=r"(t));
		d->t_done[i] = t;
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

static void apf_hvc(uint64_t subfn, uint64_t x2, uint64_t x3, struct arm_smccc_res *res)
{
	smccc_hvc(apf_fn, subfn, x2, x3, 0, 0, 0, 0, res);
}

/* Consume one page-ready notification from the control block, then ack it. */
static uint32_t handle_page_ready(void)
{
	struct apf_ctrl_block *cb = (struct apf_ctrl_block *)ctrl_gva;
	struct arm_smccc_res res;
	uint32_t reason = READ_ONCE(cb->reason), token = READ_ONCE(cb->token);

	if (reason != APF_REASON_PAGE_READY) {
		bogus++;
		return 0;
	}
	WRITE_ONCE(cb->token, 0);
	WRITE_ONCE(cb->reason, 0);
	if (token == APF_TOKEN_WAKE_ALL) {
		nr_wake_all++;
	} else if (nr_ready < TEST_PAGES) {
		rd_token[nr_ready] = token;
		t_rd[nr_ready] = counter();
		nr_ready++;
	}
	apf_hvc(APF_FUNC_IRQ_ACK, 0, 0, &res);
	GUEST_ASSERT_EQ(res.a0, APF_SMCCC_RET_SUCCESS);
	return token;
}

/* Wait (interrupts masked, polling the GIC) for the page-ready PPI of @token. */
static void wait_page_ready(uint32_t token, uint64_t max_ticks)
{
	uint64_t start = counter();
	unsigned int intid;

	for (;;) {
		intid = gic_get_and_ack_irq();
		if (intid == APF_PPI) {
			uint32_t got = handle_page_ready();

			gic_set_eoi(intid);
			if (got == token || got == APF_TOKEN_WAKE_ALL)
				return;
		} else if (intid < 1020) {
			gic_set_eoi(intid);
		}
		if (max_ticks && counter() - start > max_ticks)
			return;
		wfi();
	}
}

/*
 * Entered by COMPLETE_AND_RESUME at the "IRQ from lower EL" vector: the
 * faulting EL0 context is in ELR/SPSR. Play the scheduler: wait until the
 * page is ready, then return to retry the access.
 */
static void guest_irq_lower(struct ex_regs *regs)
{
	uint32_t token = READ_ONCE(wait_token);

	if (token) {
		wait_page_ready(token, 0);
		WRITE_ONCE(wait_token, 0);
	} else {
		wait_page_ready(APF_TOKEN_WAKE_ALL, 1);
	}
}

static void sdei_handler(uint64_t num, uint64_t arg, uint64_t pc, uint64_t pstate)
{
	struct apf_ctrl_block *cb = (struct apf_ctrl_block *)ctrl_gva;
	struct arm_smccc_res res;
	uint32_t reason = READ_ONCE(cb->reason), token = READ_ONCE(cb->token);

	if (reason == APF_REASON_PAGE_NOT_PRESENT && nr_not_present < TEST_PAGES) {
		np_token[nr_not_present] = token;
		t_np[nr_not_present] = counter();
		nr_not_present++;
		WRITE_ONCE(wait_token, token);
	} else {
		bogus++;
	}
	WRITE_ONCE(cb->token, 0);
	WRITE_ONCE(cb->reason, 0);
	/* Resume at the IRQ vector for an exception from lower EL (AArch64) */
	smccc_hvc(APF_SDEI_EVENT_COMPLETE_AND_RESUME, read_sysreg(vbar_el1) + 0x480,
		  0, 0, 0, 0, 0, 0, &res);
	GUEST_FAIL("COMPLETE_AND_RESUME returned 0x%lx", res.a0);
}

/* EL0 is done (svc #0): continue at EL1 in el1_after_el0(). */
static void __noreturn el1_after_el0(void)
{
	struct el0_data *d = (struct el0_data *)el0_data_gva;
	struct arm_smccc_res res;
	int i;

	apf_hvc(APF_FUNC_ENABLE, 0, 0, &res);
	GUEST_ASSERT_EQ(res.a0, APF_SMCCC_RET_SUCCESS);
	for (i = 0; i < TEST_PAGES; i++)
		GUEST_SYNC_ARGS(10 + i, d->t_access[i], d->t_done[i], t_np[i], t_rd[i]);
	GUEST_DONE();
	for (;;)
		;
}

static void guest_el0_svc(struct ex_regs *regs)
{
	regs->pc = (uint64_t)el1_after_el0;
	regs->pstate = 0x3c5;	/* EL1h, DAIF masked */
}

static void guest_code(void)
{
	struct arm_smccc_res res;
	uint64_t data = ctrl_gpa | APF_CTRL_ENABLED;	/* user-mode only: no SEND_ALWAYS */

	gic_init(GIC_V3, 1);
	gic_irq_enable(APF_PPI);
	write_sysreg(read_sysreg(cntkctl_el1) | CNTKCTL_EL0VCTEN, cntkctl_el1);
	isb();

	smccc_hvc(APF_SDEI_EVENT_REGISTER, sdei_event, (uint64_t)sdei_handler, 0,
		  APF_SDEI_RM_ANY, 0, 0, 0, &res);
	GUEST_ASSERT_EQ(res.a0, APF_SDEI_SUCCESS);
	smccc_hvc(APF_SDEI_EVENT_ENABLE, sdei_event, 0, 0, 0, 0, 0, 0, &res);
	GUEST_ASSERT_EQ(res.a0, APF_SDEI_SUCCESS);
	smccc_hvc(APF_SDEI_PE_UNMASK, 0, 0, 0, 0, 0, 0, 0, &res);

	apf_hvc(APF_FUNC_ENABLE, (uint32_t)data, data >> 32, &res);
	GUEST_ASSERT_EQ(res.a0, APF_SMCCC_RET_SUCCESS);
	/* ENABLE wakes everything up (token ~0); consume it if it comes */
	wait_page_ready(APF_TOKEN_WAKE_ALL, 100000);
	GUEST_SYNC_ARGS(1, nr_wake_all, bogus, 0, 0);

	/* Drop to EL0 with interrupts unmasked; back via svc -> el1_after_el0 */
	asm volatile("msr sp_el0, %0\n"
		     "msr elr_el1, %1\n"
		     "msr spsr_el1, %2\n"
		     "mov x0, %3\n"
		     "mov x1, %4\n"
		     "isb\n"
		     "eret"
		     :: "r"(el0_stack_top), "r"((uint64_t)el0_touch_pages), "r"(PSR_EL0t),
			"r"(TEST_GVA), "r"(el0_data_gva)
		     : "x0", "x1", "memory");
	GUEST_FAIL("eret to EL0 returned");
}

/* Host side */

static struct timespec host_fault_ts[TEST_PAGES];
static int host_faults;

static int uffd_delayed_copy(int uffd_mode, int uffd, struct uffd_msg *msg)
{
	static uint8_t page[4096] __attribute__((aligned(4096)));
	uint64_t addr = msg->arg.pagefault.address & ~4095UL;
	struct uffdio_copy copy = {
		.dst = addr,
		.src = (uint64_t)page,
		.len = sizeof(page),
	};

	if (host_faults < TEST_PAGES)
		clock_gettime(CLOCK_MONOTONIC, &host_fault_ts[host_faults]);
	host_faults++;
	/* the library's reader thread already slept UFFD_DELAY_US */
	if (ioctl(uffd, UFFDIO_COPY, &copy) && errno != EEXIST)
		return -errno;
	return 0;
}

static void set_pte_bits(struct kvm_vm *vm, uint64_t gva, uint64_t bits)
{
	*virt_get_pte_hva(vm, gva) |= bits;
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

#define NR_CHECKS 9

int main(void)
{
	const struct apf_abi_profile *prof;
	const struct sdei_abi_profile *sprof;
	struct apf_probe probe;
	struct uffd_desc *uffd;
	struct apf_ioctl_cmd cmd;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	struct ucall uc;
	uint64_t gva, p, freq, np_lat_max = 0, rd_lat_sum = 0, st;
	char why[128];
	void *hva;
	bool ok;
	int i, r;

	ksft_print_header();
	ksft_set_plan(NR_CHECKS);

	apf_probe_run(&probe);
	ksft_print_msg("%s\n", apf_probe_describe(&probe));
	prof = probe.apf;
	sprof = probe.sdei;

	if (prof->id == APF_ABI_NONE) {
		APF_CHECK(!(probe.features & BIT(2)) && probe.fn2_a0 == APF_SMCCC_RET_NOT_SUPPORTED,
			  "absent: FEATURES lacks APF, 0x86000002 is NOT_SUPPORTED",
			  "FEATURES 0x%lx a0 0x%lx", probe.features, probe.fn2_a0);
		APF_CHECK(probe.ioctl_vm_ret == -1 && probe.ioctl_vm_errno == EINVAL,
			  "absent: KVM_ARM_ASYNC_PF_COMMAND fails with EINVAL",
			  "r=%d errno=%d", probe.ioctl_vm_ret, probe.ioctl_vm_errno);
		ok = uffd_available(why, sizeof(why));
		if (ok)
			ksft_test_result_pass("userfaultfd is usable for the APF test\n");
		else
			ksft_test_result_skip("%s\n", why);
		apf_skip_rest(NR_CHECKS, probe.apf_why);
	}
	if (sprof->id == SDEI_ABI_NONE)
		ksft_exit_fail_msg("APF profile %s without SDEI: page-not-present cannot be delivered\n",
				   prof->name);
	TEST_REQUIRE(uffd_available(why, sizeof(why)));

	vm = vm_create_with_one_vcpu(&vcpu, guest_code);
	vgic_v3_setup(vm, 1, 64);
	vm_init_descriptor_tables(vm);
	vcpu_init_descriptor_tables(vcpu);
	vm_install_sync_handler(vm, VECTOR_SYNC_LOWER_64, ESR_EC_SVC64, guest_el0_svc);
	vm_install_exception_handler(vm, VECTOR_IRQ_LOWER_64, guest_irq_lower);

	/* The uffd-backed test pages, mapped for EL0 */
	vm_userspace_mem_region_add(vm, VM_MEM_SRC_ANONYMOUS, TEST_GPA, TEST_SLOT,
				    TEST_PAGES * 4096 / vm->page_size, 0);
	virt_map(vm, TEST_GVA, TEST_GPA, TEST_PAGES * 4096 / vm->page_size);
	for (i = 0; i < TEST_PAGES; i++)
		set_pte_bits(vm, TEST_GVA + i * 4096UL, PTE_AP_EL0);
	hva = addr_gpa2hva(vm, TEST_GPA);
	TEST_ASSERT(!madvise(hva, TEST_PAGES * 4096, MADV_DONTNEED), "madvise");
	uffd = uffd_setup_demand_paging(UFFDIO_REGISTER_MODE_MISSING, UFFD_DELAY_US, hva,
					TEST_PAGES * 4096, 1, uffd_delayed_copy);

	/* EL0 code (read-only for EL0 and EL1), data and stack pages */
	for (p = (uint64_t)__start_apf_el0_text & ~(vm->page_size - 1);
	     p < (uint64_t)__stop_apf_el0_text; p += vm->page_size)
		set_pte_bits(vm, p, PTE_AP_EL0 | PTE_AP_RO);
	gva = vm_vaddr_alloc_page(vm);
	set_pte_bits(vm, gva, PTE_AP_EL0);
	el0_data_gva = gva;
	gva = vm_vaddr_alloc_page(vm);
	set_pte_bits(vm, gva, PTE_AP_EL0);
	el0_stack_top = gva + vm->page_size;

	gva = vm_vaddr_alloc_page(vm);
	ctrl_gva = gva;
	ctrl_gpa = addr_gva2gpa(vm, gva);
	apf_fn = prof->func_id;
	sdei_event = sprof->id == SDEI_ABI_2022 ? sprof->apf_event : prof->sdei_event;
	sync_global_to_guest(vm, apf_fn);
	sync_global_to_guest(vm, sdei_event);
	sync_global_to_guest(vm, ctrl_gva);
	sync_global_to_guest(vm, ctrl_gpa);
	sync_global_to_guest(vm, el0_data_gva);
	sync_global_to_guest(vm, el0_stack_top);

	/* VMM configuration of APF (vCPU ioctls) */
	cmd = (struct apf_ioctl_cmd){ .cmd = APF_CMD_SET_SDEI, .sdei = sdei_event };
	r = ioctl(vcpu->fd, APF_IOCTL_COMMAND, &cmd);
	APF_CHECK(!r, "VMM: SET_SDEI", "errno %d", errno);
	cmd = (struct apf_ioctl_cmd){ .cmd = APF_CMD_SET_IRQ, .irq = APF_PPI };
	r = ioctl(vcpu->fd, APF_IOCTL_COMMAND, &cmd);
	APF_CHECK(!r, "VMM: SET_IRQ", "errno %d", errno);

	st = apf_run_to_sync(vcpu, &uc);
	TEST_ASSERT_EQ(st, 1);
	ksft_test_result_pass("guest enabled APF (wake-all seen %lu, bogus %lu)\n",
			      uc.args[2], uc.args[3]);

	freq = read_sysreg(cntfrq_el0);
	for (i = 0; i < TEST_PAGES; i++) {
		TEST_ASSERT_EQ(apf_run_to_sync(vcpu, &uc), (uint64_t)(10 + i));
		ksft_print_msg("page %d: access %lu, not-present +%lu ticks, ready +%lu ticks, done +%lu ticks\n",
			       i, uc.args[2], uc.args[4] - uc.args[2], uc.args[5] - uc.args[4],
			       uc.args[3] - uc.args[2]);
		if (uc.args[4] - uc.args[2] > np_lat_max)
			np_lat_max = uc.args[4] - uc.args[2];
		rd_lat_sum += uc.args[5] - uc.args[4];
	}
	TEST_ASSERT_EQ(apf_run_to_ucall(vcpu, &uc), (uint64_t)UCALL_DONE);
	uffd_stop_demand_paging(uffd);

	sync_global_from_guest(vm, nr_not_present);
	sync_global_from_guest(vm, nr_ready);
	sync_global_from_guest(vm, np_token);
	sync_global_from_guest(vm, rd_token);
	sync_global_from_guest(vm, bogus);

	APF_CHECK(host_faults >= TEST_PAGES, "host resolved every page through userfaultfd",
		  "%d faults", host_faults);
	APF_CHECK(nr_not_present == TEST_PAGES, "page-not-present (SDEI, reason 1) per page",
		  "%lu of %d", nr_not_present, TEST_PAGES);
	APF_CHECK(nr_ready == TEST_PAGES, "page-ready (PPI, reason 2) per page, acked",
		  "%lu of %d", nr_ready, TEST_PAGES);
	ok = nr_ready == nr_not_present;
	for (i = 0; ok && i < (int)nr_ready; i++)
		ok = np_token[i] == rd_token[i] && np_token[i];
	APF_CHECK(ok, "page-ready carries the token of page-not-present", "tokens differ");
	APF_CHECK(!bogus, "no bogus notification", "%lu", bogus);
	APF_CHECK(rd_lat_sum / TEST_PAGES >= freq * (UFFD_DELAY_US / 2) / 1000000,
		  "page-ready comes after the host's page-in delay",
		  "mean %lu ticks, freq %lu", rd_lat_sum / TEST_PAGES, freq);
	ksft_print_msg("latency: page-not-present max %lu ns, page-ready mean %lu us\n",
		       np_lat_max * 1000000000UL / freq,
		       rd_lat_sum / TEST_PAGES * 1000000UL / freq);

	kvm_vm_free(vm);
	apf_finish();
}
