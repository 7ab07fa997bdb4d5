/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMM's side of arm64 KVM async PF, as the APF series v2, v3 and v4 define
 * it ("KVM: arm64: Support async PF ioctl commands" and "KVM: arm64: Export
 * async PF capability" of "Support Asynchronous Page Fault", 2021-02-09,
 * 2021-05-07 and 2021-08-15), each with its partner SDEI series of the same
 * version and date. The series were never merged, so no uapi header has these:
 * they are facts of those versions, written down here (harness/ARM64-APF.md).
 *
 * What a VMM sees of the three is the same but for the ioctl numbers: the
 * command structures and numbers, KVM's SDEI event for page-not-present and the
 * SDEI state records match line for line in the patches (compared 2026-12-02).
 * The numbers come from the selftests' per-version tables (apf_abis[] and
 * sdei_abis[] in selftests/include/apf_abi.h), so the two cannot disagree.
 */
#ifndef APF_SERIES_H
#define APF_SERIES_H

/*
 * The command structure (struct apf_ioctl_cmd: a u32 command, 4 bytes of padding,
 * a 64-bit union at offset 8), the command numbers (APF_CMD_*: GET_VERSION on the
 * VM fd only, the others on a vCPU fd only) and the 2021 SDEI design's records.
 */
#include "../../selftests/include/apf_abi.h"

/* what GET_VERSION answers in every version: 1.0.0, one byte each */
#define APF_VMM_VERSION			((uint32_t)APF_VERSION_1_0)
/*
 * The SDEI event KVM adds to every VM when the APF series is applied (private,
 * critical; v2 13/17, v3 and v4 11/15). The page-not-present notification is
 * injected as the event the VMM sets with SET_SDEI; it must be one of the VM's.
 */
#define APF_VMM_SDEI_EVENT		((uint32_t)SDEI21_ASYNC_PF_EVENT)
/*
 * The page-ready interrupt: an INTID the VMM chooses (KVM accepts any value).
 * The guest maps it with ACPI GSI registration as a per-CPU, level-high
 * interrupt, so it must be a PPI (16..31) that no device of QEMU's "virt"
 * machine uses: virt takes 23 (PMU), 25 (GIC maintenance), 26..30 (timers).
 */
#define APF_VMM_DEFAULT_IRQ		20u

/*
 * One series version as the VMM meets it: APF vN's KVM_ARM_ASYNC_PF_COMMAND
 * (v2 0xC010AEC9, v3 0xC010AECD, v4 0xC010AECF, on the VM fd and the vCPU fds)
 * and SDEI vN's KVM_ARM_SDEI_COMMAND (v2 0xE0A0AEC8, v3 0xE0A0AECC, v4
 * 0xE0A0AECE: _IOWR(KVMIO, nr, 8352 bytes)), whose VM registration records
 * (GET/SET_KEVENT), vCPU events (GET/SET_VEVENT) and vCPU mask and contexts
 * (GET/SET_VCPU_STATE) are what a migration must carry.
 */
struct apf_vmm_series {
	int ver;			/* 2, 3 or 4 */
	unsigned long apf_ioctl;
	unsigned long sdei_ioctl;
};

/* the versions, newest first: the order apf-vmm asks a host in */
static const int apf_vmm_versions[] = { 4, 3, 2 };
#define APF_VMM_NR_VERSIONS	(sizeof(apf_vmm_versions) / sizeof(apf_vmm_versions[0]))

/* version @ver (2, 3 or 4); 0 when there is no such version */
static inline int apf_vmm_series_of(int ver, struct apf_vmm_series *s)
{
	static const enum apf_ver apf[] = { [2] = APF_V2, [3] = APF_V3, [4] = APF_V4 };
	static const enum sdei_ver sdei[] = { [2] = SDEI_V2, [3] = SDEI_V3, [4] = SDEI_V4 };

	if (ver < 2 || ver > 4)
		return 0;
	s->ver = ver;
	s->apf_ioctl = apf_abis[apf[ver]].ioctl;
	s->sdei_ioctl = sdei_abis[sdei[ver]].ioctl;
	return 1;
}

#endif
