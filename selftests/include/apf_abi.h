/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * apf_abi.h - what the tests expect of each version of the arm64 KVM
 * asynchronous page fault (APF) and SDEI virtualization series.
 *
 * Neither series was merged. Their numbers and behaviour changed from one
 * version to the next, so every expectation here is per version:
 *
 *   APF  v2 (Feb 2021, base 5.11)  + SDEI v2 (2021 design)
 *   APF  v3 (May 2021, base 5.13)  + SDEI v3 (2021 design)
 *   APF  v4 (Aug 2021, base 5.14)  + SDEI v4 (2021 design)
 *   SDEI v5 (Mar 2022, base 5.17), v6 (Apr 2022, 5.18), v7 (May 2022, 5.19),
 *   each on its own: no APF version was posted on the 2022 designs.
 *
 * Every value was read in the series' patch emails (kvmarm list archive);
 * selftests/SERIES.md says which patch holds which fact. The series model
 * (model/) keeps its own copy of these numbers on purpose: a wrong constant
 * on either side makes a test fail instead of agreeing with itself.
 *
 * Never detect these features with KVM_CHECK_EXTENSION: every capability
 * number the series used (187, 193, 199, 206, 211, 214, 217) has since been
 * given to another upstream capability, and APF reused the generic
 * KVM_CAP_ASYNC_PF (59) and KVM_CAP_ASYNC_PF_INT (183). lib/apf_probe.c
 * tells the versions apart by what a guest and the VMM observe.
 */
#ifndef SELFTEST_KVM_APF_ABI_H
#define SELFTEST_KVM_APF_ABI_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/ioctl.h>
#include <linux/kvm.h>

/* ---------------------------------------------------------------------- */
/* SMCCC (upstream, include/linux/arm-smccc.h)                            */
/* ---------------------------------------------------------------------- */
#define APF_SMCCC_VERSION_FUNC_ID		0x80000000U
#define APF_SMCCC_ARCH_FEATURES_FUNC_ID		0x80000001U
#define APF_SMCCC_ARCH_WORKAROUND_1		0x80008000U
#define APF_SMCCC_VERSION_1_1			0x10001U

#define APF_SMCCC_RET_SUCCESS			0UL
#define APF_SMCCC_RET_NOT_SUPPORTED		((unsigned long)-1L)
#define APF_SMCCC_RET_NOT_REQUIRED		((unsigned long)-2L)
#define APF_SMCCC_RET_INVALID_PARAMETER		((unsigned long)-3L)

/* Vendor hypervisor service (owner 6), upstream since 5.12 */
#define APF_VENDOR_HYP_FUNC_ID(n)		(0x86000000U | (n))
#define APF_VENDOR_HYP_UID_FUNC_ID		0x8600ff01U
#define APF_VENDOR_HYP_FEATURES_FUNC_ID		APF_VENDOR_HYP_FUNC_ID(0)
#define APF_VENDOR_HYP_PTP_FUNC_ID		APF_VENDOR_HYP_FUNC_ID(1)
#define APF_KVM_FUNC_FEATURES			0
#define APF_KVM_FUNC_PTP			1
#define APF_PTP_VIRT_COUNTER			0
#define APF_PTP_PHYS_COUNTER			1

/* UUID 28b46fb6-2ec5-11e9-a9ca-4b564d003a74, as returned in a0..a3 */
#define APF_KVM_UID_W0				0xb66fb428U
#define APF_KVM_UID_W1				0xe911c52eU
#define APF_KVM_UID_W2				0x564bcaa9U
#define APF_KVM_UID_W3				0x743a004dU

/* Firmware pseudo-registers (upstream since 5.19) */
#define APF_FW_FEAT_BMAP_REG(r)		(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | \
					 (0x0016ULL << KVM_REG_ARM_COPROC_SHIFT) | \
					 ((r) & 0xffff))
#define APF_FW_REG_STD			APF_FW_FEAT_BMAP_REG(0)	/* bit0 TRNG_V1_0 */
#define APF_FW_REG_STD_HYP		APF_FW_FEAT_BMAP_REG(1)	/* bit0 PV_TIME */
#define APF_FW_REG_VENDOR_HYP		APF_FW_FEAT_BMAP_REG(2)	/* bit0 FUNC_FEAT, bit1 PTP */

/* SMCCC filter (upstream since 6.4) */
#define APF_VM_SMCCC_CTRL		0
#define APF_VM_SMCCC_FILTER		0
#define APF_SMCCC_FILTER_HANDLE		0
#define APF_SMCCC_FILTER_DENY		1
#define APF_SMCCC_FILTER_FWD_TO_USER	2
#define APF_HYPERCALL_EXIT_SMC		(1U << 0)
#define APF_HYPERCALL_EXIT_16BIT	(1U << 1)

struct apf_smccc_filter {		/* == struct kvm_smccc_filter */
	uint32_t base;
	uint32_t nr_functions;
	uint8_t action;
	uint8_t pad[15];
};

/* ---------------------------------------------------------------------- */
/* APF: guest interface                                                   */
/* ---------------------------------------------------------------------- */

/* Sub-functions, passed in x1 to the APF vendor function (all versions) */
#define APF_FUNC_VERSION		0
#define APF_FUNC_SLOTS			1
#define APF_FUNC_SDEI			2
#define APF_FUNC_IRQ			3
#define APF_FUNC_ENABLE			4
#define APF_FUNC_IRQ_ACK		5

#define APF_VERSION_1_0			0x010000UL	/* major.minor.rev bytes */
#define APF_SLOTS			64		/* ASYNC_PF_PER_VCPU */

/*
 * ENABLE: data = (x3 << 32) | x2; bit 0 ENABLED, bit 1 SEND_ALWAYS (faults
 * at EL1 become asynchronous too), bits 2..5 stored unchecked, the rest is
 * the 64-byte aligned guest physical address of the control block.
 */
#define APF_CTRL_ENABLED		(1U << 0)
#define APF_CTRL_SEND_ALWAYS		(1U << 1)
#define APF_CTRL_ALIGN			64
#define APF_CTRL_FLAGS_MASK		(APF_CTRL_ALIGN - 1)

#define APF_REASON_PAGE_NOT_PRESENT	1
#define APF_REASON_PAGE_READY		2
#define APF_TOKEN_WAKE_ALL		0xffffffffU
/* token = (per-vCPU counter << 12) | vcpu_id: the first one of vCPU 0 is 0 */
#define APF_TOKEN_VCPU(t)		((t) & 0xfffU)

/* Shared control block, guest allocated; the host uses bytes 0..7 only */
struct apf_ctrl_block {
	uint32_t reason;	/* offset 0 */
	uint32_t token;		/* offset 4 */
	uint8_t pad[56];	/* offset 8 */
	uint32_t enabled;	/* offset 64, guest private */
};

/* ---------------------------------------------------------------------- */
/* APF: VMM interface                                                     */
/* ---------------------------------------------------------------------- */

/* KVM_ARM_ASYNC_PF_COMMAND: vCPU ioctl (GET_VERSION: VM ioctl) */
struct apf_ioctl_cmd {			/* == struct kvm_arm_async_pf_cmd */
	uint32_t cmd;
	uint32_t __pad;
	union {
		uint32_t version;
		uint64_t sdei;
		uint32_t irq;
		uint64_t control;
	};
};
_Static_assert(sizeof(struct apf_ioctl_cmd) == 16, "kvm_arm_async_pf_cmd is 16 bytes");

#define APF_IOCTL(nr)			_IOWR(KVMIO, nr, struct apf_ioctl_cmd)
#define APF_CMD_GET_VERSION		0
#define APF_CMD_GET_SDEI		1
#define APF_CMD_GET_IRQ			2
#define APF_CMD_GET_CONTROL		3
#define APF_CMD_SET_SDEI		4
#define APF_CMD_SET_IRQ			5
#define APF_CMD_SET_CONTROL		6
#define APF_CMD_NR			7

/* The generic capabilities APF v2..v4 turn on; shared with x86, informative only */
#define APF_CAP_ASYNC_PF		59
#define APF_CAP_ASYNC_PF_INT		183

/* ---------------------------------------------------------------------- */
/* SDEI (DEN0054) function IDs, SMC64, owner 4                            */
/* ---------------------------------------------------------------------- */
#define APF_SDEI_FN(n)			(0xC4000020U + (n))
#define APF_SDEI_VERSION		APF_SDEI_FN(0x00)
#define APF_SDEI_EVENT_REGISTER		APF_SDEI_FN(0x01)
#define APF_SDEI_EVENT_ENABLE		APF_SDEI_FN(0x02)
#define APF_SDEI_EVENT_DISABLE		APF_SDEI_FN(0x03)
#define APF_SDEI_EVENT_CONTEXT		APF_SDEI_FN(0x04)
#define APF_SDEI_EVENT_COMPLETE		APF_SDEI_FN(0x05)
#define APF_SDEI_EVENT_COMPLETE_AND_RESUME APF_SDEI_FN(0x06)
#define APF_SDEI_EVENT_UNREGISTER	APF_SDEI_FN(0x07)
#define APF_SDEI_EVENT_STATUS		APF_SDEI_FN(0x08)
#define APF_SDEI_EVENT_GET_INFO		APF_SDEI_FN(0x09)
#define APF_SDEI_EVENT_ROUTING_SET	APF_SDEI_FN(0x0A)
#define APF_SDEI_PE_MASK		APF_SDEI_FN(0x0B)
#define APF_SDEI_PE_UNMASK		APF_SDEI_FN(0x0C)
#define APF_SDEI_INTERRUPT_BIND		APF_SDEI_FN(0x0D)
#define APF_SDEI_INTERRUPT_RELEASE	APF_SDEI_FN(0x0E)
#define APF_SDEI_EVENT_SIGNAL		APF_SDEI_FN(0x0F)	/* SDEI 1.1 */
#define APF_SDEI_FEATURES		APF_SDEI_FN(0x10)	/* SDEI 1.1: 0xC4000030 */
#define APF_SDEI_PRIVATE_RESET		APF_SDEI_FN(0x11)
#define APF_SDEI_SHARED_RESET		APF_SDEI_FN(0x12)
#define APF_SDEI_FEATURES_0X50		0xC4000050U	/* where SDEI v5 and v6 put FEATURES */

#define APF_SDEI_VERSION_MAJOR(v)	(((v) >> 48) & 0x7fff)
#define APF_SDEI_VERSION_MINOR(v)	(((v) >> 32) & 0xffff)
#define APF_SDEI_VERSION_VENDOR(v)	((v) & 0xffffffff)

/* SDEI return codes, as 64-bit register values */
#define APF_SDEI_SUCCESS		0UL
#define APF_SDEI_NOT_SUPPORTED		((unsigned long)-1L)
#define APF_SDEI_INVALID_PARAMETERS	((unsigned long)-2L)
#define APF_SDEI_DENIED			((unsigned long)-3L)
#define APF_SDEI_PENDING		((unsigned long)-5L)
#define APF_SDEI_OUT_OF_RESOURCE	((unsigned long)-10L)

#define APF_SDEI_RM_ANY			0
#define APF_SDEI_RM_PE			1
#define APF_SDEI_STATUS_REGISTERED	(1UL << 0)
#define APF_SDEI_STATUS_ENABLED		(1UL << 1)
#define APF_SDEI_STATUS_RUNNING		(1UL << 2)
#define APF_SDEI_EV_HANDLED		0
#define APF_SDEI_EV_FAILED		1
#define APF_SDEI_INFO_TYPE		0
#define APF_SDEI_INFO_SIGNALED		1
#define APF_SDEI_INFO_PRIORITY		2
#define APF_SDEI_INFO_ROUTING_MODE	3
#define APF_SDEI_INFO_ROUTING_AFF	4
#define APF_SDEI_TYPE_PRIVATE		0
#define APF_SDEI_TYPE_SHARED		1
#define APF_SDEI_PRIO_NORMAL		0
#define APF_SDEI_PRIO_CRITICAL		1
#define APF_SDEI_FEATURE_BIND_SLOTS	0
#define APF_SDEI_FEATURE_RELATIVE_MODE	1

/* ---------------------------------------------------------------------- */
/* SDEI: VMM interfaces                                                   */
/* ---------------------------------------------------------------------- */

/*
 * 2021 design (SDEI v2..v4): KVM_ARM_SDEI_COMMAND on VM and vCPU fds. The
 * kernel copies the whole struct kvm_sdei_cmd (8352 bytes) in, and out on
 * successful GETs, so the buffer must have that size.
 */
#define SDEI21_MAX_VCPUS		512
#define SDEI21_DEFAULT_EVENT		0x40400000ULL	/* created with every VM */
#define SDEI21_ASYNC_PF_EVENT		0x40400001ULL	/* also, when APF is applied */
#define SDEI21_INVALID_NUM		0ULL	/* critical_num/normal_num: no handler */

struct sdei21_event_state {		/* struct kvm_sdei_event_state */
	uint64_t num;
	uint8_t type;
	uint8_t signaled;
	uint8_t priority;
	uint8_t __pad[5];
	uint64_t notifier;	/* called by the host as a kernel function: always 0 */
};

struct sdei21_kvm_event_state {		/* struct kvm_sdei_kvm_event_state */
	uint64_t num;
	uint32_t refcount;
	uint8_t route_mode;
	uint8_t __pad[3];
	uint64_t route_affinity;
	uint64_t entries[SDEI21_MAX_VCPUS];
	uint64_t params[SDEI21_MAX_VCPUS];
	uint64_t registered[SDEI21_MAX_VCPUS / 64];
	uint64_t enabled[SDEI21_MAX_VCPUS / 64];
};

struct sdei21_vcpu_event_state {	/* struct kvm_sdei_vcpu_event_state */
	uint64_t num;
	uint32_t refcount;
	uint32_t __pad;
};

struct sdei21_vcpu_regs {		/* struct kvm_sdei_vcpu_regs */
	uint64_t regs[18];
	uint64_t pc;
	uint64_t pstate;
};

struct sdei21_vcpu_state {		/* struct kvm_sdei_vcpu_state */
	uint8_t masked;
	uint8_t __pad[7];
	uint64_t critical_num;
	uint64_t normal_num;
	struct sdei21_vcpu_regs critical_regs;
	struct sdei21_vcpu_regs normal_regs;
};

struct sdei21_cmd {			/* struct kvm_sdei_cmd */
	uint32_t cmd;
	uint32_t __pad;
	union {
		uint32_t version;
		uint32_t count;
		uint64_t num;
		struct sdei21_event_state kse_state;
		struct sdei21_kvm_event_state kske_state;
		struct sdei21_vcpu_event_state ksve_state;
		struct sdei21_vcpu_state ksv_state;
	};
};
_Static_assert(sizeof(struct sdei21_cmd) == 8352, "2021 kvm_sdei_cmd is 8352 bytes");

#define SDEI21_IOCTL(nr)		_IOWR(KVMIO, nr, struct sdei21_cmd)
/* VM fd */
#define SDEI21_CMD_GET_VERSION		0
#define SDEI21_CMD_SET_EVENT		1
#define SDEI21_CMD_GET_KEVENT_COUNT	2
#define SDEI21_CMD_GET_KEVENT		3
#define SDEI21_CMD_SET_KEVENT		4
/* vCPU fd */
#define SDEI21_CMD_GET_VEVENT_COUNT	5
#define SDEI21_CMD_GET_VEVENT		6
#define SDEI21_CMD_SET_VEVENT		7
#define SDEI21_CMD_GET_VCPU_STATE	8
#define SDEI21_CMD_SET_VCPU_STATE	9
#define SDEI21_CMD_INJECT_EVENT		10
#define SDEI21_VERSION			0x10000U	/* GET_VERSION: 1.0.0 */

/* SDEI v5: KVM_ARM_SDEI_COMMAND = _IOWR(KVMIO, 0xd0, 16 bytes) */
struct sdei5_cmd {
	uint32_t cmd;
	union {
		uint32_t version;
		uint32_t count;
	};
	union {
		uint64_t state_ptr;	/* user pointer to an array of states */
		uint64_t num;
	};
};
_Static_assert(sizeof(struct sdei5_cmd) == 16, "v5 kvm_sdei_cmd is 16 bytes");

#define SDEI5_IOCTL			_IOWR(KVMIO, 0xd0, struct sdei5_cmd)
#define SDEI5_CMD_GET_VERSION			0	/* VM fd */
#define SDEI5_CMD_GET_EXPOSED_EVENT_COUNT	1
#define SDEI5_CMD_GET_EXPOSED_EVENT		2
#define SDEI5_CMD_SET_EXPOSED_EVENT		3
#define SDEI5_CMD_GET_REGISTERED_EVENT_COUNT	4
#define SDEI5_CMD_GET_REGISTERED_EVENT		5
#define SDEI5_CMD_SET_REGISTERED_EVENT		6
#define SDEI5_CMD_GET_VCPU_EVENT_COUNT		7	/* vCPU fd */
#define SDEI5_CMD_GET_VCPU_EVENT		8
#define SDEI5_CMD_SET_VCPU_EVENT		9
#define SDEI5_CMD_GET_VCPU_STATE		10
#define SDEI5_CMD_SET_VCPU_STATE		11
#define SDEI5_CMD_INJECT_EVENT			12
#define SDEI5_VERSION				0x10000U
#define SDEI5_MAX_EVENTS			128

struct sdei5_exposed_event {	/* struct kvm_sdei_exposed_event_state */
	uint64_t num;
	uint8_t type;
	uint8_t signaled;
	uint8_t priority;
	uint8_t __pad[5];
	uint64_t notifier;	/* called by the host as a kernel function: always 0 */
};
_Static_assert(sizeof(struct sdei5_exposed_event) == 24, "v5 exposed event is 24 bytes");

#define SDEI5_DEFAULT_EVENT		0ULL		/* the software-signaled event */
#define SDEI5_INVALID_EVENT		0xffffffffULL	/* critical_num/normal_num: none */

struct sdei5_registered_event {	/* struct kvm_sdei_registered_event_state */
	uint64_t num;
	uint8_t route_mode;
	uint8_t __pad[7];
	uint64_t route_affinity;
	uint64_t ep_address[SDEI21_MAX_VCPUS];
	uint64_t ep_arg[SDEI21_MAX_VCPUS];
	uint64_t registered[SDEI21_MAX_VCPUS / 64];
	uint64_t enabled[SDEI21_MAX_VCPUS / 64];
	uint64_t unregister_pending[SDEI21_MAX_VCPUS / 64];
};
_Static_assert(sizeof(struct sdei5_registered_event) == 8408, "v5 registered event is 8408 bytes");

struct sdei5_vcpu_event {	/* struct kvm_sdei_vcpu_event_state */
	uint64_t num;
	uint32_t event_count;
	uint32_t __pad;
};

/* v5's struct kvm_sdei_vcpu_state has the layout of struct sdei21_vcpu_state */

/* SDEI v7: firmware pseudo-registers */
#define SDEI7_STD_BIT_SDEI		1	/* bit of KVM_REG_ARM_STD_BMAP */
#define SDEI7_FW_REG(r)			(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | \
					 KVM_REG_ARM_FW | ((r) & 0xffff))
#define SDEI7_FW_REG_128(r)		(KVM_REG_ARM64 | KVM_REG_SIZE_U128 | \
					 KVM_REG_ARM_FW | ((r) & 0xffff))
#define SDEI7_FW_REG_2048(r)		(KVM_REG_ARM64 | KVM_REG_SIZE_U2048 | \
					 KVM_REG_ARM_FW | ((r) & 0xffff))
#define SDEI7_REG_EVENT_HANDLER(n)	SDEI7_FW_REG_128(4 + (n))	/* n = 0..3 */
#define SDEI7_REG_EVENT_REGISTERED	SDEI7_FW_REG(8)
#define SDEI7_REG_EVENT_ENABLED		SDEI7_FW_REG(9)
#define SDEI7_REG_EVENT_RUNNING		SDEI7_FW_REG(10)
#define SDEI7_REG_EVENT_PENDING		SDEI7_FW_REG(11)
#define SDEI7_REG_EVENT_CONTEXT		SDEI7_FW_REG_2048(12)
#define SDEI7_REG_PE_STATE		SDEI7_FW_REG(13)
#define SDEI7_NR_REGS			10	/* HANDLER_0..3, four bitmaps, CONTEXT, PE_STATE */
#define SDEI7_NR_EVENTS			2	/* 0: software signaled, 1: async PF */
#define SDEI7_EVENT_SW_SIGNALED		0
#define SDEI7_EVENT_ASYNC_PF		1

struct sdei7_handler {		/* SDEI_EVENT_HANDLER_n, 128 bits */
	uint64_t ep_addr;
	uint64_t ep_arg;
};

struct sdei7_context {		/* SDEI_EVENT_CONTEXT, 2048 bits; the kernel uses 160 bytes */
	uint64_t pc;
	uint64_t pstate;
	uint64_t regs[18];
	uint64_t __unused[12];
};
_Static_assert(sizeof(struct sdei7_context) == 256, "v7 context register is 2048 bits");

/* ---------------------------------------------------------------------- */
/* Per-version expectations                                               */
/* ---------------------------------------------------------------------- */
enum apf_ver { APF_V_NONE, APF_V2, APF_V3, APF_V4 };

enum sdei_ver {
	SDEI_V_NONE, SDEI_V2, SDEI_V3, SDEI_V4, SDEI_V5, SDEI_V6, SDEI_V7,
	SDEI_V_UNKNOWN,		/* answers SDEI_VERSION, matches no version */
};

enum sdei_design {
	SDEI_DESIGN_NONE,
	SDEI_DESIGN_2021,	/* v2..v4: events created by KVM, critical, ioctl */
	SDEI_DESIGN_V5,		/* events exposed by the VMM, ioctl 0xd0 */
	SDEI_DESIGN_V6,		/* event 0 only, no VMM interface */
	SDEI_DESIGN_V7,		/* events 0 and 1, firmware registers */
};

struct apf_abi {
	enum apf_ver ver;
	const char *name;
	uint32_t func_id;	/* the APF vendor-hyp function */
	uint64_t features;	/* vendor-hyp FEATURES (0x86000000) a0 */
	unsigned long ioctl;	/* KVM_ARM_ASYNC_PF_COMMAND */
	uint64_t sdei_event;	/* KVM's SDEI event for page-not-present */
};

struct sdei_abi {
	enum sdei_ver ver;
	enum sdei_design design;
	const char *name;
	uint64_t version;	/* SDEI_VERSION a0 */
	uint32_t features_fn;	/* 0: SDEI_FEATURES is not implemented */
	bool has_signal;	/* SDEI_EVENT_SIGNAL */
	unsigned long ioctl;	/* KVM_ARM_SDEI_COMMAND, 0: none */
	bool has_fw_regs;	/* v7 event state as firmware registers */
	bool resume_to_x1;	/* COMPLETE_AND_RESUME resumes at x1 (v7), else IRQ */
	bool sets_spsr;		/* delivery writes SPSR_EL1 (2021, v5) */
	uint64_t event;		/* event the tests register and deliver */
	uint8_t event_priority;	/* its priority */
	bool vmm_exposes;	/* the VMM must expose events first (v5) */
};

/* Linux version a series version was posted against (for fallbacks/skips) */
struct series_base {
	int major, minor;
};

static const struct apf_abi apf_abis[] = {
	[APF_V_NONE] = { APF_V_NONE, "none", 0, 0, 0, 0 },
	[APF_V2] = { APF_V2, "v2", APF_VENDOR_HYP_FUNC_ID(1), 0x3,
		     APF_IOCTL(0xc9), SDEI21_ASYNC_PF_EVENT },
	[APF_V3] = { APF_V3, "v3", APF_VENDOR_HYP_FUNC_ID(2), 0x7,
		     APF_IOCTL(0xcd), SDEI21_ASYNC_PF_EVENT },
	[APF_V4] = { APF_V4, "v4", APF_VENDOR_HYP_FUNC_ID(2), 0x7,
		     APF_IOCTL(0xcf), SDEI21_ASYNC_PF_EVENT },
};

static const struct sdei_abi sdei_abis[] = {
	[SDEI_V_NONE] = { SDEI_V_NONE, SDEI_DESIGN_NONE, "none" },
	[SDEI_V2] = { SDEI_V2, SDEI_DESIGN_2021, "v2", 0x0001000000000000ULL, 0, false,
		      SDEI21_IOCTL(0xc8), false, false, true,
		      SDEI21_DEFAULT_EVENT, APF_SDEI_PRIO_CRITICAL, false },
	[SDEI_V3] = { SDEI_V3, SDEI_DESIGN_2021, "v3", 0x0001000000000000ULL, 0, false,
		      SDEI21_IOCTL(0xcc), false, false, true,
		      SDEI21_DEFAULT_EVENT, APF_SDEI_PRIO_CRITICAL, false },
	[SDEI_V4] = { SDEI_V4, SDEI_DESIGN_2021, "v4", 0x0001000000000000ULL, 0, false,
		      SDEI21_IOCTL(0xce), false, false, true,
		      SDEI21_DEFAULT_EVENT, APF_SDEI_PRIO_CRITICAL, false },
	[SDEI_V5] = { SDEI_V5, SDEI_DESIGN_V5, "v5", 0x00010001004B564DULL,
		      APF_SDEI_FEATURES_0X50, true, SDEI5_IOCTL, false, false, true,
		      0, APF_SDEI_PRIO_NORMAL, true },
	[SDEI_V6] = { SDEI_V6, SDEI_DESIGN_V6, "v6", 0x00010001564BCAA9ULL,
		      APF_SDEI_FEATURES_0X50, true, 0, false, false, false,
		      0, APF_SDEI_PRIO_NORMAL, false },
	[SDEI_V7] = { SDEI_V7, SDEI_DESIGN_V7, "v7", 0x00010001564BCAA9ULL,
		      APF_SDEI_FEATURES, true, 0, true, true, false,
		      0, APF_SDEI_PRIO_NORMAL, false },
	[SDEI_V_UNKNOWN] = { SDEI_V_UNKNOWN, SDEI_DESIGN_NONE, "unknown" },
};

static const struct series_base sdei_bases[] = {
	[SDEI_V_NONE] = { 0, 0 },
	[SDEI_V2] = { 5, 11 }, [SDEI_V3] = { 5, 13 }, [SDEI_V4] = { 5, 14 },
	[SDEI_V5] = { 5, 17 }, [SDEI_V6] = { 5, 18 }, [SDEI_V7] = { 5, 19 },
	[SDEI_V_UNKNOWN] = { 0, 0 },
};

/* ---------------------------------------------------------------------- */
/* Probe (lib/apf_probe.c)                                                */
/* ---------------------------------------------------------------------- */
struct apf_probe {
	/* what the guest saw */
	uint64_t smccc_version;
	uint64_t features;		/* vendor FEATURES a0 */
	uint64_t fn1_ack_a0;		/* 0x86000001, x1 = 5 (v2 IRQ_ACK; PTP: bad id) */
	uint64_t fn2_a0, fn2_a1;	/* 0x86000002, x1 = 0 (v3/v4 VERSION) */
	uint64_t sdei_version;
	uint64_t sdei_features_30;	/* FEATURES(0) at 0xC4000030 */
	uint64_t sdei_info_1;		/* GET_INFO(1, TYPE): v7 has event 1 */
	/* what the VMM saw: the version whose ioctl number answered, else 0 */
	int apf_ioctl_ver;		/* 2, 3 or 4 */
	int sdei_ioctl_ver;		/* 2, 3, 4 (2021 ioctls) or 5 */
	bool sdei_fw_regs;		/* v7 PE state register readable */
	/* verdicts */
	const struct apf_abi *apf;
	const struct sdei_abi *sdei;
	char name[16];			/* profile: none, apf-v4, sdei-v7, ... */
	char apf_why[192];
	char sdei_why[192];
	bool consistent;		/* guest and VMM observations agree */
};

/*
 * Run the probe guest and the VMM probes, then select the versions.
 * APF_PROFILE in the environment (none, apf-v2..apf-v4, sdei-v2..sdei-v7)
 * forces them instead.
 */
void apf_probe_run(struct apf_probe *p);
const char *apf_probe_describe(const struct apf_probe *p);
/* "cap: vendor_hyp_functions=..." (apf_caps.h): what FEATURES advertises, by name */
const char *apf_probe_vendor_functions(const struct apf_probe *p);

/* True if a check known to crash or hang this version's host may run. */
bool apf_host_hazards_allowed(void);

#endif /* SELFTEST_KVM_APF_ABI_H */
