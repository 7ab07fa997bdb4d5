// SPDX-License-Identifier: GPL-2.0-only
/*
 * apf_ioctl - the VMM side of the arm64 async PF series:
 * KVM_ARM_ASYNC_PF_COMMAND (_IOWR(KVMIO, nr, 16 bytes), nr 0xc9 in v2, 0xcd
 * in v3, 0xcf in v4) with GET_VERSION on the VM fd and GET/SET of the SDEI
 * event, the IRQ and the control word on vCPU fds.
 *
 * Checked per version: only the version's number answers; VM and vCPU fd
 * rules; initial values; any INTID is stored; SET_CONTROL runs ENABLE and
 * turns any refusal into EIO (disabling a disabled vCPU, enabling before
 * the SDEI event and IRQ are set or without an in-kernel irqchip, enabling
 * twice); the flag bits 2..5 of the control word are stored as given; and a
 * migration round trip to a second VM, whose guest sees the migrated event
 * and INTID and gets the wake-all page-ready (reason 2, token ~0, PPI) that
 * the destination's SET_CONTROL queues.
 *
 * On a stock kernel no version's number is known to arm64 KVM (on x86 the
 * same nrs are Xen and XSAVE2 ioctls with another direction and size):
 * system, VM and vCPU fds answer EINVAL, and the generic async PF
 * capabilities are 0. Then the rest is skipped; capabilities are never
 * used to detect APF.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <kvm_util.h>
#include "processor.h"
#include "gic.h"
#include "vgic.h"
#include "apf_abi.h"
#include "apf_test.h"

#define TEST_PPI	21
#define FLAG_BITS	0x3cUL		/* bits 2..5: stored unchecked */

static uint64_t guest_fn, guest_sdei, guest_irq, guest_reason, guest_token, guest_intid;
static struct apf_ctrl_block *ctrl_gva;

/* The migrated guest: what the APF sub-functions and the control block say. */
static void guest_code(void)
{
	struct arm_smccc_res res;
	uint32_t fn = READ_ONCE(guest_fn);

	guest_reason = READ_ONCE(ctrl_gva->reason);
	guest_token = READ_ONCE(ctrl_gva->token);
	gic_init(GIC_V3, 1);
	gic_irq_enable(TEST_PPI);
	guest_intid = gic_get_and_ack_irq();
	if (guest_intid < 1020)
		gic_set_eoi(guest_intid);
	smccc_hvc(fn, APF_FUNC_SDEI, 0, 0, 0, 0, 0, 0, &res);
	guest_sdei = res.a1;
	smccc_hvc(fn, APF_FUNC_IRQ, 0, 0, 0, 0, 0, 0, &res);
	guest_irq = res.a1;
	GUEST_DONE();
}

static int cmd_ioctl(unsigned long nr, int fd, uint32_t cmd, uint64_t in, uint64_t *out)
{
	struct apf_ioctl_cmd c = { .cmd = cmd, .control = in };
	int r = ioctl(fd, nr, &c);

	if (out)
		*out = c.control;
	return r;
}

static struct kvm_vm *create_vm(struct kvm_vcpu **vcpu, uint64_t *ctrl_gpa, bool irqchip)
{
	struct kvm_vm *vm = vm_create_with_one_vcpu(vcpu, guest_code);
	vm_vaddr_t gva;

	if (irqchip)
		vgic_v3_setup(vm, 1, 64);
	gva = vm_vaddr_alloc_page(vm);
	ctrl_gva = (struct apf_ctrl_block *)gva;
	sync_global_to_guest(vm, ctrl_gva);
	*ctrl_gpa = addr_gva2gpa(vm, gva);
	return vm;
}

#define NR_ABSENT	4
#define NR_CHECKS	23

static void check_absent(struct kvm_vm *vm, struct kvm_vcpu *vcpu, const struct apf_probe *probe)
{
	static const int nrs[] = { 0xc9, 0xcd, 0xcf };
	int r, kvm_fd, i, j, bad;
	uint64_t v;

	bad = 0;
	for (i = 0; i < 3; i++) {
		r = cmd_ioctl(APF_IOCTL(nrs[i]), vm->fd, APF_CMD_GET_VERSION, 0, &v);
		bad += !(r == -1 && errno == EINVAL);
	}
	APF_CHECK(!bad, "VM fd: GET_VERSION with every version's number fails with EINVAL",
		  "%d unexpected", bad);
	bad = 0;
	for (i = 0; i < 3; i++)
		for (j = 0; j < APF_CMD_NR; j++) {
			r = cmd_ioctl(APF_IOCTL(nrs[i]), vcpu->fd, j, 0, &v);
			if (!(r == -1 && errno == EINVAL)) {
				ksft_print_msg("nr 0x%x cmd %d: r=%d errno=%d\n", nrs[i], j, r, errno);
				bad++;
			}
		}
	APF_CHECK(!bad, "vCPU fd: every command fails with EINVAL", "%d unexpected", bad);
	kvm_fd = open_kvm_dev_path_or_exit();
	bad = 0;
	for (i = 0; i < 3; i++) {
		r = cmd_ioctl(APF_IOCTL(nrs[i]), kvm_fd, APF_CMD_GET_VERSION, 0, &v);
		bad += !(r == -1 && errno == EINVAL);
	}
	APF_CHECK(!bad, "/dev/kvm fd: fails with EINVAL", "%d unexpected", bad);
	close(kvm_fd);
	APF_CHECK(!kvm_check_cap(APF_CAP_ASYNC_PF) && !kvm_check_cap(APF_CAP_ASYNC_PF_INT),
		  "generic KVM_CAP_ASYNC_PF(59)/_INT(183) are 0 on arm64",
		  "%u/%u", kvm_check_cap(APF_CAP_ASYNC_PF), kvm_check_cap(APF_CAP_ASYNC_PF_INT));
}

int main(void)
{
	static const int nrs[] = { 0xc9, 0xcd, 0xcf };
	const struct apf_abi *abi;
	struct apf_probe probe;
	struct kvm_vcpu *vcpu, *vcpu2;
	struct kvm_vm *vm, *vm2;
	uint64_t v, gpa, gpa2, sdei, irq, ctrl;
	unsigned long nr;
	int r, i, bad;
	bool ok;

	ksft_print_header();
	ksft_set_plan(NR_CHECKS);

	apf_probe_run(&probe);
	ksft_print_msg("%s\n", apf_probe_describe(&probe));
	abi = probe.apf;
	vm = create_vm(&vcpu, &gpa, true);

	if (abi->ver == APF_V_NONE) {
		check_absent(vm, vcpu, &probe);
		kvm_vm_free(vm);
		apf_skip_rest(NR_CHECKS, probe.apf_why);
	}
	nr = abi->ioctl;
	ksft_print_msg("KVM_ARM_ASYNC_PF_COMMAND of APF %s = 0x%lx\n", abi->name, nr);

	APF_CHECK(probe.consistent, "guest and VMM agree on the version", "%s",
		  apf_probe_describe(&probe));
	bad = 0;
	for (i = 0; i < 3; i++) {
		if (APF_IOCTL(nrs[i]) == nr)
			continue;
		r = cmd_ioctl(APF_IOCTL(nrs[i]), vm->fd, APF_CMD_GET_VERSION, 0, &v);
		bad += !(r == -1 && errno == EINVAL);
	}
	APF_CHECK(!bad, "the other versions' ioctl numbers fail with EINVAL", "%d answered", bad);

	/* VM fd */
	r = cmd_ioctl(nr, vm->fd, APF_CMD_GET_VERSION, 0, &v);
	APF_CHECK(!r && (uint32_t)v == APF_VERSION_1_0, "VM fd: GET_VERSION is 1.0.0",
		  "r=%d errno=%d version 0x%lx", r, errno, v);
	bad = 0;
	for (i = APF_CMD_GET_SDEI; i < APF_CMD_NR; i++) {
		r = cmd_ioctl(nr, vm->fd, i, 0, &v);
		bad += !(r == -1 && errno == EINVAL);
	}
	APF_CHECK(!bad, "VM fd: the vCPU commands are EINVAL", "%d unexpected", bad);
	r = cmd_ioctl(nr, vm->fd, 0x100, 0, &v);
	APF_CHECK(r == -1 && errno == EINVAL, "VM fd: unknown command is EINVAL",
		  "r=%d errno=%d", r, errno);

	/* vCPU fd */
	r = cmd_ioctl(nr, vcpu->fd, APF_CMD_GET_VERSION, 0, &v);
	APF_CHECK(r == -1 && errno == EINVAL, "vCPU fd: GET_VERSION is EINVAL",
		  "r=%d errno=%d", r, errno);
	r = cmd_ioctl(nr, vcpu->fd, 0x100, 0, &v);
	APF_CHECK(r == -1 && errno == EINVAL, "vCPU fd: unknown command is EINVAL",
		  "r=%d errno=%d", r, errno);
	ok = !cmd_ioctl(nr, vcpu->fd, APF_CMD_GET_SDEI, 0, &sdei) && !sdei;
	ok &= !cmd_ioctl(nr, vcpu->fd, APF_CMD_GET_IRQ, 0, &irq) && !(uint32_t)irq;
	ok &= !cmd_ioctl(nr, vcpu->fd, APF_CMD_GET_CONTROL, 0, &ctrl) && !ctrl;
	APF_CHECK(ok, "a new vCPU has SDEI, IRQ and CONTROL 0",
		  "sdei 0x%lx irq %u control 0x%lx", sdei, (uint32_t)irq, ctrl);
	r = cmd_ioctl(nr, vcpu->fd, APF_CMD_SET_CONTROL, 0, NULL);
	APF_CHECK(r == -1 && errno == EIO, "SET_CONTROL(0) on a disabled vCPU is EIO",
		  "r=%d errno=%d", r, errno);
	r = cmd_ioctl(nr, vcpu->fd, APF_CMD_SET_CONTROL, gpa | APF_CTRL_ENABLED, NULL);
	APF_CHECK(r == -1 && errno == EIO, "SET_CONTROL before SET_SDEI/SET_IRQ is EIO",
		  "r=%d errno=%d", r, errno);

	r = cmd_ioctl(nr, vcpu->fd, APF_CMD_SET_SDEI, abi->sdei_event, NULL);
	ok = !r && !cmd_ioctl(nr, vcpu->fd, APF_CMD_GET_SDEI, 0, &sdei) && sdei == abi->sdei_event;
	APF_CHECK(ok, "SET_SDEI, GET_SDEI returns it", "r=%d 0x%lx", r, sdei);
	r = cmd_ioctl(nr, vcpu->fd, APF_CMD_SET_IRQ, 5000, NULL);
	ok = !r && !cmd_ioctl(nr, vcpu->fd, APF_CMD_GET_IRQ, 0, &irq) && (uint32_t)irq == 5000;
	APF_CHECK(ok, "SET_IRQ stores any value (5000), GET_IRQ returns it",
		  "r=%d errno=%d irq %u", r, errno, (uint32_t)irq);
	r = cmd_ioctl(nr, vcpu->fd, APF_CMD_SET_IRQ, TEST_PPI, NULL);
	ok = !r && !cmd_ioctl(nr, vcpu->fd, APF_CMD_GET_IRQ, 0, &irq) && (uint32_t)irq == TEST_PPI;
	APF_CHECK(ok, "SET_IRQ of a PPI, GET_IRQ returns it", "r=%d irq %u", r, (uint32_t)irq);

	r = cmd_ioctl(nr, vcpu->fd, APF_CMD_SET_CONTROL, gpa | FLAG_BITS | APF_CTRL_ENABLED, NULL);
	APF_CHECK(!r, "SET_CONTROL enables APF", "r=%d errno=%d", r, errno);
	r = cmd_ioctl(nr, vcpu->fd, APF_CMD_GET_CONTROL, 0, &ctrl);
	APF_CHECK(!r && ctrl == (gpa | FLAG_BITS | APF_CTRL_ENABLED),
		  "GET_CONTROL returns it, flag bits 2..5 included", "r=%d 0x%lx", r, ctrl);
	r = cmd_ioctl(nr, vcpu->fd, APF_CMD_SET_CONTROL, gpa | APF_CTRL_ENABLED, NULL);
	APF_CHECK(r == -1 && errno == EIO, "SET_CONTROL enabling an enabled vCPU is EIO",
		  "r=%d errno=%d", r, errno);

	/* Migrate SDEI, IRQ and control word to a second VM, and run it */
	vm2 = create_vm(&vcpu2, &gpa2, true);
	TEST_ASSERT_EQ(gpa, gpa2);
	ok = !cmd_ioctl(nr, vcpu2->fd, APF_CMD_GET_CONTROL, 0, &v) && !v;
	APF_CHECK(ok, "destination starts disabled", "0x%lx", v);
	ok = !cmd_ioctl(nr, vcpu2->fd, APF_CMD_SET_SDEI, sdei, NULL) &&
	     !cmd_ioctl(nr, vcpu2->fd, APF_CMD_SET_IRQ, irq, NULL) &&
	     !cmd_ioctl(nr, vcpu2->fd, APF_CMD_SET_CONTROL, ctrl, NULL);
	APF_CHECK(ok, "restore SDEI, IRQ, CONTROL on the destination", "errno=%d", errno);
	ok = !cmd_ioctl(nr, vcpu2->fd, APF_CMD_GET_SDEI, 0, &v) && v == sdei;
	ok &= !cmd_ioctl(nr, vcpu2->fd, APF_CMD_GET_IRQ, 0, &v) && (uint32_t)v == (uint32_t)irq;
	ok &= !cmd_ioctl(nr, vcpu2->fd, APF_CMD_GET_CONTROL, 0, &v) && v == ctrl;
	APF_CHECK(ok, "destination state equals the source", "last 0x%lx", v);

	guest_fn = abi->func_id;
	sync_global_to_guest(vm2, guest_fn);
	vcpu_run(vcpu2);
	TEST_ASSERT_EQ(get_ucall(vcpu2, NULL), (uint64_t)UCALL_DONE);
	sync_global_from_guest(vm2, guest_sdei);
	sync_global_from_guest(vm2, guest_irq);
	sync_global_from_guest(vm2, guest_reason);
	sync_global_from_guest(vm2, guest_token);
	sync_global_from_guest(vm2, guest_intid);
	APF_CHECK(guest_sdei == sdei && guest_irq == (uint32_t)irq,
		  "the destination guest sees the migrated SDEI event and INTID",
		  "sdei 0x%lx irq %lu", guest_sdei, guest_irq);
	APF_CHECK(guest_reason == APF_REASON_PAGE_READY && guest_token == APF_TOKEN_WAKE_ALL,
		  "the destination guest finds a wake-all page-ready in its block",
		  "reason %lu token 0x%lx", guest_reason, guest_token);
	APF_CHECK(guest_intid == TEST_PPI, "the destination's wake-all raises the PPI",
		  "acknowledged INTID %lu", guest_intid);
	kvm_vm_free(vm2);
	kvm_vm_free(vm);

	/* Without an in-kernel irqchip: SET_CONTROL refuses */
	vm = create_vm(&vcpu, &gpa, false);
	ok = !cmd_ioctl(nr, vcpu->fd, APF_CMD_SET_SDEI, abi->sdei_event, NULL) &&
	     !cmd_ioctl(nr, vcpu->fd, APF_CMD_SET_IRQ, TEST_PPI, NULL);
	r = cmd_ioctl(nr, vcpu->fd, APF_CMD_SET_CONTROL, gpa | APF_CTRL_ENABLED, NULL);
	APF_CHECK(ok && r == -1 && errno == EIO, "SET_CONTROL without an in-kernel irqchip is EIO",
		  "set-up %d, r=%d errno=%d", ok, r, errno);
	kvm_vm_free(vm);
	apf_finish();
}
