/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * apf_abi.h - arm64 KVM asynchronous page fault (APF) and SDEI
 * virtualization ABI constants, with ABI profiles.
 *
 * The APF series (Gavin Shan, v2..v4, 2021, not merged) and the SDEI
 * virtualization series (2021 design v2..v4, 2022 design v5..v7, not merged)
 * changed numbers between versions, so every constant lives in a profile and
 * the tests select a profile by option/environment (APF_ABI, SDEI_ABI) or by
 * probing what the kernel reports (FEATURES bitmap + function responses,
 * SDEI_VERSION, ioctl responses).
 *
 * NEVER probe these features with KVM_CHECK_EXTENSION: the capability numbers
 * of the SDEI series (187, 199, 206, 211, 217) have all been reused upstream
 * (187 == KVM_CAP_STEAL_TIME returns 1 on a stock arm64 kernel), and APF v2..v4
 * reused the generic KVM_CAP_ASYNC_PF(59)/KVM_CAP_ASYNC_PF_INT(183).
 *
 * Source of every value: the project's reference/apf-abi.md. Values marked
 * UNCONFIRMED there are marked UNCONFIRMED here.
 */
#ifndef SELFTEST_KVM_APF_ABI_H
#define SELFTEST_KVM_APF_ABI_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/ioctl.h>
#include <linux/kvm.h>

/* ---------------------------------------------------------------------- */
/* SMCCC (upstream, include/linux/arm-smccc.h)                             */
/* ---------------------------------------------------------------------- */
#define APF_SMCCC_VERSION_FUNC_ID		0x80000000U
#define APF_SMCCC_ARCH_FEATURES_FUNC_ID		0x80000001U
#define APF_SMCCC_ARCH_WORKAROUND_1		0x80008000U
#define APF_SMCCC_VERSION_1_1			0x10001U

#define APF_SMCCC_RET_SUCCESS			0UL
#define APF_SMCCC_RET_NOT_SUPPORTED		((unsigned long)-1L)
#define APF_SMCCC_RET_NOT_REQUIRED		((unsigned long)-2L)
#define APF_SMCCC_RET_INVALID_PARAMETER		((unsigned long)-3L)

/* Vendor hypervisor service (owner 6), upstream since v5.12 */
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

/* Firmware pseudo-registers (upstream since v5.19) */
#define APF_FW_FEAT_BMAP_REG(r)		(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | \
					 (0x0016ULL << KVM_REG_ARM_COPROC_SHIFT) | \
					 ((r) & 0xffff))
#define APF_FW_REG_STD			APF_FW_FEAT_BMAP_REG(0)	/* bit0 TRNG_V1_0 */
#define APF_FW_REG_STD_HYP		APF_FW_FEAT_BMAP_REG(1)	/* bit0 PV_TIME */
#define APF_FW_REG_VENDOR_HYP		APF_FW_FEAT_BMAP_REG(2)	/* bit0 FUNC_FEAT, bit1 PTP */

/* SMCCC filter (upstream since v6.4) */
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
/* APF (Gavin Shan's series)                                               */
/* ---------------------------------------------------------------------- */

/* Sub-functions, passed in x1 to the APF vendor function (all versions) */
#define APF_FUNC_VERSION		0
#define APF_FUNC_SLOTS			1
#define APF_FUNC_SDEI			2
#define APF_FUNC_IRQ			3
#define APF_FUNC_ENABLE			4
#define APF_FUNC_IRQ_ACK		5

#define APF_VERSION_1_0			0x010000UL	/* major.minor.rev bytes */
#define APF_SLOTS			64		/* ASYNC_PF_PER_VCPU on arm64 (v2) */

/* ENABLE argument: x2 = (u32)(gpa | flags), x3 = gpa >> 32 */
#define APF_CTRL_ENABLED		(1U << 0)
#define APF_CTRL_SEND_ALWAYS		(1U << 1)
#define APF_CTRL_ALIGN			64
#define APF_CTRL_FLAGS_MASK		(APF_CTRL_ALIGN - 1)

#define APF_REASON_PAGE_NOT_PRESENT	1
#define APF_REASON_PAGE_READY		2
#define APF_TOKEN_WAKE_ALL		0xffffffffU

/* Shared control block, guest allocated, 64-byte aligned */
struct apf_ctrl_block {
	uint32_t reason;	/* offset 0 */
	uint32_t token;		/* offset 4 */
	uint8_t pad[56];	/* offset 8 */
	uint32_t enabled;	/* offset 64, guest private */
};

/* KVM_ARM_ASYNC_PF_COMMAND, vCPU ioctl (GET_VERSION: VM ioctl) */
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

#define APF_IOCTL_COMMAND		_IOWR(KVMIO, 0xcf, struct apf_ioctl_cmd)
#define APF_CMD_GET_VERSION		0
#define APF_CMD_GET_SDEI		1
#define APF_CMD_GET_IRQ			2
#define APF_CMD_GET_CONTROL		3
#define APF_CMD_SET_SDEI		4
#define APF_CMD_SET_IRQ			5
#define APF_CMD_SET_CONTROL		6
#define APF_CMD_NR			7

/* The generic capabilities v2..v4 report; shared with x86, informative only */
#define APF_CAP_ASYNC_PF		59
#define APF_CAP_ASYNC_PF_INT		183

/* ---------------------------------------------------------------------- */
/* SDEI (DEN0054) function IDs, SMC64, owner 4                             */
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
#define APF_SDEI_FEATURES		APF_SDEI_FN(0x10)	/* SDEI 1.1 */
#define APF_SDEI_FEATURES_V6_BUG	APF_SDEI_FN(0x30)	/* 2022 v6 only */
#define APF_SDEI_PRIVATE_RESET		APF_SDEI_FN(0x11)
#define APF_SDEI_SHARED_RESET		APF_SDEI_FN(0x12)

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
/* Profiles                                                                */
/* ---------------------------------------------------------------------- */
enum apf_abi_id {
	APF_ABI_NONE = 0,	/* feature absent (stock kernel) */
	APF_ABI_V2,		/* Feb 2021, v5.11-rc6 base */
	APF_ABI_V3,		/* May 2021, v5.13-rc1 base */
	APF_ABI_V4,		/* Aug 2021, v5.14-rc5 base; same numbers as v3 */
};

enum sdei_abi_id {
	SDEI_ABI_NONE = 0,
	SDEI_ABI_2021,		/* v2..v4: events 0x4040000x, ioctl managed, SDEI 1.0 */
	SDEI_ABI_2022,		/* v6/v7: events 0/1, SDEI 1.1, vendor "KVM" */
};

struct apf_abi_profile {
	enum apf_abi_id id;
	const char *name;
	uint32_t func_num;	/* vendor-hyp function number == FEATURES bit */
	uint32_t func_id;	/* APF_VENDOR_HYP_FUNC_ID(func_num) */
	uint64_t version;	/* expected APF_FUNC_VERSION result */
	uint32_t slots;		/* expected APF_FUNC_SLOTS result */
	uint64_t sdei_event;	/* SDEI event of page-not-present notifications */
	bool has_ioctl;		/* KVM_ARM_ASYNC_PF_COMMAND */
};

struct sdei_abi_profile {
	enum sdei_abi_id id;
	const char *name;
	uint32_t major, minor;	/* SDEI_VERSION */
	uint32_t vendor;	/* SDEI_VERSION vendor field; 0: not checked */
	uint32_t features_fn;	/* 0: no SDEI_FEATURES */
	bool has_signal;	/* SDEI_EVENT_SIGNAL (1.1) */
	uint64_t sw_event;	/* software-signaled event, ~0: none */
	uint64_t apf_event;	/* event used by APF page-not-present */
	uint64_t default_event;	/* event exposed by default (2021 design) */
	bool ioctl_managed;	/* 2021: VMM must expose events via ioctl */
};

#define APF_SDEI_2021_DEFAULT_NUM	0x40400000ULL
#define APF_SDEI_2021_ASYNC_PF_NUM	0x40400001ULL
#define APF_SDEI_2022_SW_SIGNALED	0ULL
#define APF_SDEI_2022_ASYNC_PF		1ULL	/* UNCONFIRMED: no APF respin on 2022 SDEI found */
#define APF_SDEI_2022_VENDOR_KVM	0x4b564dU
#define APF_SDEI_NO_EVENT		(~0ULL)

static const struct apf_abi_profile apf_abi_profiles[] = {
	{ APF_ABI_NONE, "none", 0, 0, 0, 0, 0, false },
	{ APF_ABI_V2, "v2", 1, APF_VENDOR_HYP_FUNC_ID(1), APF_VERSION_1_0,
	  APF_SLOTS, APF_SDEI_2021_ASYNC_PF_NUM, true },
	{ APF_ABI_V3, "v3", 2, APF_VENDOR_HYP_FUNC_ID(2), APF_VERSION_1_0,
	  APF_SLOTS, APF_SDEI_2021_ASYNC_PF_NUM, true },
	{ APF_ABI_V4, "v4", 2, APF_VENDOR_HYP_FUNC_ID(2), APF_VERSION_1_0,
	  APF_SLOTS, APF_SDEI_2021_ASYNC_PF_NUM, true },
};

static const struct sdei_abi_profile sdei_abi_profiles[] = {
	{ SDEI_ABI_NONE, "none", 0, 0, 0, 0, false, APF_SDEI_NO_EVENT,
	  APF_SDEI_NO_EVENT, APF_SDEI_NO_EVENT, false },
	{ SDEI_ABI_2021, "2021", 1, 0, 0, 0, false, APF_SDEI_NO_EVENT,
	  APF_SDEI_2021_ASYNC_PF_NUM, APF_SDEI_2021_DEFAULT_NUM, true },
	{ SDEI_ABI_2022, "2022", 1, 1, APF_SDEI_2022_VENDOR_KVM,
	  APF_SDEI_FEATURES, true, APF_SDEI_2022_SW_SIGNALED,
	  APF_SDEI_2022_ASYNC_PF, APF_SDEI_NO_EVENT, false },
};

/* ---------------------------------------------------------------------- */
/* Probe (lib/apf_probe.c)                                                 */
/* ---------------------------------------------------------------------- */
struct apf_probe {
	/* raw guest observations */
	uint64_t smccc_version;
	uint64_t features;		/* vendor FEATURES a0 */
	uint64_t fn1_a0, fn1_a1;	/* 0x86000001, x1 = APF_FUNC_VERSION */
	uint64_t fn2_a0, fn2_a1;	/* 0x86000002, x1 = APF_FUNC_VERSION */
	uint64_t sdei_version;
	uint64_t sdei_features;		/* at 0xC4000030 */
	uint64_t sdei_features_v6;	/* at 0xC4000050 */
	/* host observations */
	int ioctl_vm_ret, ioctl_vm_errno;
	uint32_t ioctl_version;
	/* verdicts */
	const struct apf_abi_profile *apf;
	const struct sdei_abi_profile *sdei;
	char apf_why[160];
	char sdei_why[160];
};

/*
 * Run the probe guest and select profiles. APF_ABI / SDEI_ABI from the
 * environment (v2|v3|v4|none|auto, 2021|2022|none|auto) force a profile;
 * "auto" (default) uses the probe.
 */
void apf_probe_run(struct apf_probe *p);
const char *apf_probe_describe(const struct apf_probe *p);

#endif /* SELFTEST_KVM_APF_ABI_H */
