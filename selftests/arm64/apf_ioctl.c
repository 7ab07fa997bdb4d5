// SPDX-License-Identifier: GPL-2.0-only
/*
 * apf_ioctl - the VMM side of the arm64 async PF series:
 * KVM_ARM_ASYNC_PF_COMMAND (_IOWR(KVMIO, 0xcf, 16 bytes)) with its GET/SET
 * commands, the VM vs vCPU fd rules, unknown commands, and a migration round
 * trip of SDEI event, PPI and control block from one VM to a second one.
 *
 * On a stock kernel the ioctl number is unknown to arm64 KVM (on x86 the same
 * nr 0xcf is KVM_GET_XSAVE2 with another direction and size): system, VM and
 * vCPU fds answer EINVAL (checked against 6.1 and 6.12's kvm_arch_*_ioctl
 * defaults), and the generic async PF capabilities are 0. Then the rest is
 * skipped; capabilities are never used to *detect* APF.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <kvm_util.h>
#include "processor.h"
#include "vgic.h"
#include "apf_abi.h"
#include "apf_test.h"

#define APF_TEST_PPI	17	/* UNCONFIRMED: the series' QEMU value is unknown */

static uint64_t guest_sdei, guest_irq;

static void guest_code(void)
{
	struct arm_smccc_res res;
	uint32_t fn = READ_ONCE(guest_sdei);	/* function ID passed in guest_sdei */

	smccc_hvc(fn, APF_FUNC_SDEI, 0, 0, 0, 0, 0, 0, &res);
	guest_sdei = res.a1;
	smccc_hvc(fn, APF_FUNC_IRQ, 0, 0, 0, 0, 0, 0, &res);
	guest_irq = res.a1;
	GUEST_DONE();
}

static int cmd_ioctl(int fd, uint32_t cmd, uint64_t in, uint64_t *out)
{
	struct apf_ioctl_cmd c = { .cmd = cmd, .control = in };
	int r = ioctl(fd, APF_IOCTL_COMMAND, &c);

	if (out)
		*out = c.control;
	return r;
}

static struct kvm_vm *create_vm(struct kvm_vcpu **vcpu, uint64_t *ctrl_gpa)
{
	struct kvm_vm *vm = vm_create_with_one_vcpu(vcpu, guest_code);
	vm_vaddr_t gva;

	vgic_v3_setup(vm, 1, 64);
	gva = vm_vaddr_alloc_page(vm);
	*ctrl_gpa = addr_gva2gpa(vm, gva);
	return vm;
}

#define NR_CHECKS 15

int main(void)
{
	const struct apf_abi_profile *prof;
	struct apf_probe probe;
	struct kvm_vcpu *vcpu, *vcpu2;
	struct kvm_vm *vm, *vm2;
	uint64_t v, gpa, gpa2, sdei, irq, ctrl;
	int r, kvm_fd, i, bad;
	bool ok;

	ksft_print_header();
	ksft_set_plan(NR_CHECKS);

	apf_probe_run(&probe);
	ksft_print_msg("%s\n", apf_probe_describe(&probe));
	prof = probe.apf;
	ksft_print_msg("KVM_ARM_ASYNC_PF_COMMAND = 0x%lx\n", (unsigned long)APF_IOCTL_COMMAND);

	vm = create_vm(&vcpu, &gpa);

	if (!prof->has_ioctl) {
		r = cmd_ioctl(vm->fd, APF_CMD_GET_VERSION, 0, &v);
		APF_CHECK(r == -1 && errno == EINVAL, "VM fd: GET_VERSION fails with EINVAL (absent)",
			  "r=%d errno=%d (%s)", r, errno, strerror(errno));
		bad = 0;
		for (i = 0; i < APF_CMD_NR; i++) {
			r = cmd_ioctl(vcpu->fd, i, 0, &v);
			if (!(r == -1 && errno == EINVAL)) {
				ksft_print_msg("vCPU fd cmd %d: r=%d errno=%d\n", i, r, errno);
				bad++;
			}
		}
		APF_CHECK(!bad, "vCPU fd: every command fails with EINVAL (absent)", "%d unexpected", bad);
		kvm_fd = open_kvm_dev_path_or_exit();
		r = cmd_ioctl(kvm_fd, APF_CMD_GET_VERSION, 0, &v);
		APF_CHECK(r == -1 && errno == EINVAL, "/dev/kvm fd: fails with EINVAL (absent)",
			  "r=%d errno=%d", r, errno);
		close(kvm_fd);
		APF_CHECK(!kvm_check_cap(APF_CAP_ASYNC_PF) && !kvm_check_cap(APF_CAP_ASYNC_PF_INT),
			  "generic KVM_CAP_ASYNC_PF(59)/_INT(183) are 0 on arm64 (absent)",
			  "%u/%u", kvm_check_cap(APF_CAP_ASYNC_PF),
			  kvm_check_cap(APF_CAP_ASYNC_PF_INT));
		kvm_vm_free(vm);
		apf_skip_rest(NR_CHECKS, probe.apf_why);
	}

	/* 1..4: version and fd rules */
	r = cmd_ioctl(vm->fd, APF_CMD_GET_VERSION, 0, &v);
	APF_CHECK(!r && (uint32_t)v == APF_VERSION_1_0, "VM fd: GET_VERSION is 1.0.0",
		  "r=%d errno=%d version 0x%lx", r, errno, v);
	bad = 0;
	for (i = APF_CMD_GET_SDEI; i < APF_CMD_NR; i++) {
		r = cmd_ioctl(vm->fd, i, 0, &v);
		bad += !(r == -1 && errno == EINVAL);
	}
	APF_CHECK(!bad, "VM fd: vCPU commands are EINVAL", "%d unexpected", bad);
	r = cmd_ioctl(vm->fd, 0x100, 0, &v);
	APF_CHECK(r == -1 && errno == EINVAL, "VM fd: unknown command is EINVAL",
		  "r=%d errno=%d", r, errno);
	r = cmd_ioctl(vcpu->fd, 0x100, 0, &v);
	APF_CHECK(r == -1 && errno == EINVAL, "vCPU fd: unknown command is EINVAL",
		  "r=%d errno=%d", r, errno);

	/* 5..10: every GET/SET on the vCPU fd */
	r = cmd_ioctl(vcpu->fd, APF_CMD_SET_SDEI, prof->sdei_event, NULL);
	APF_CHECK(!r, "SET_SDEI", "r=%d errno=%d", r, errno);
	r = cmd_ioctl(vcpu->fd, APF_CMD_GET_SDEI, 0, &sdei);
	APF_CHECK(!r && sdei == prof->sdei_event, "GET_SDEI returns it", "r=%d 0x%lx", r, sdei);
	r = cmd_ioctl(vcpu->fd, APF_CMD_SET_IRQ, APF_TEST_PPI, NULL);
	APF_CHECK(!r, "SET_IRQ", "r=%d errno=%d", r, errno);
	r = cmd_ioctl(vcpu->fd, APF_CMD_GET_IRQ, 0, &irq);
	APF_CHECK(!r && (uint32_t)irq == APF_TEST_PPI, "GET_IRQ returns it", "r=%d %lu", r, irq);
	r = cmd_ioctl(vcpu->fd, APF_CMD_SET_CONTROL, gpa | APF_CTRL_ENABLED, NULL);
	APF_CHECK(!r, "SET_CONTROL enables APF", "r=%d errno=%d", r, errno);
	r = cmd_ioctl(vcpu->fd, APF_CMD_GET_CONTROL, 0, &ctrl);
	APF_CHECK(!r && ctrl == (gpa | APF_CTRL_ENABLED), "GET_CONTROL returns it",
		  "r=%d 0x%lx", r, ctrl);
	/* Same state again: the hypercall path says NOT_REQUIRED, mapped to EIO */
	r = cmd_ioctl(vcpu->fd, APF_CMD_SET_CONTROL, gpa | APF_CTRL_ENABLED, NULL);
	APF_CHECK(r == -1 && errno == EIO, "SET_CONTROL to the current state is EIO",
		  "r=%d errno=%d", r, errno);

	/* 12..16: migrate SDEI, IRQ and control block to a second VM */
	vm2 = create_vm(&vcpu2, &gpa2);
	TEST_ASSERT_EQ(gpa, gpa2);
	r = cmd_ioctl(vcpu2->fd, APF_CMD_GET_CONTROL, 0, &v);
	APF_CHECK(!r && v == 0, "destination starts disabled", "r=%d 0x%lx", r, v);
	ok = !cmd_ioctl(vcpu2->fd, APF_CMD_SET_SDEI, sdei, NULL) &&
	     !cmd_ioctl(vcpu2->fd, APF_CMD_SET_IRQ, irq, NULL) &&
	     !cmd_ioctl(vcpu2->fd, APF_CMD_SET_CONTROL, ctrl, NULL);
	APF_CHECK(ok, "restore SDEI, IRQ, CONTROL on the destination", "errno=%d", errno);
	ok = !cmd_ioctl(vcpu2->fd, APF_CMD_GET_SDEI, 0, &v) && v == sdei;
	ok &= !cmd_ioctl(vcpu2->fd, APF_CMD_GET_IRQ, 0, &v) && (uint32_t)v == (uint32_t)irq;
	ok &= !cmd_ioctl(vcpu2->fd, APF_CMD_GET_CONTROL, 0, &v) && v == ctrl;
	APF_CHECK(ok, "destination state equals the source", "last 0x%lx", v);

	guest_sdei = prof->func_id;
	sync_global_to_guest(vm2, guest_sdei);
	vcpu_run(vcpu2);
	TEST_ASSERT_EQ(get_ucall(vcpu2, NULL), (uint64_t)UCALL_DONE);
	sync_global_from_guest(vm2, guest_sdei);
	sync_global_from_guest(vm2, guest_irq);
	APF_CHECK(guest_sdei == sdei && guest_irq == (uint32_t)irq,
		  "the destination guest sees the migrated SDEI event and PPI",
		  "sdei 0x%lx irq %lu", guest_sdei, guest_irq);

	kvm_vm_free(vm2);
	kvm_vm_free(vm);
	apf_finish();
}
