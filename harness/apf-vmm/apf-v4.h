/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMM's side of arm64 KVM async PF, as the APF v4 series defines it
 * ("[PATCH v4 10/15] KVM: arm64: Support async PF ioctl commands" and
 * "[PATCH v4 11/15] KVM: arm64: Export async PF capability" of "Support
 * Asynchronous Page Fault", 2021-08-15, paired with SDEI v4). The series was
 * never merged, so no uapi header has these: they are facts of that version,
 * written down here (harness/ARM64-APF.md). Other versions use other ioctl
 * numbers (v2 0xc9, v3 0xcd): this helper speaks v4 only.
 */
#ifndef APF_V4_H
#define APF_V4_H

/*
 * The command structure (struct apf_ioctl_cmd: a u32 command, 4 bytes of padding,
 * a 64-bit union at offset 8) and the command numbers (APF_CMD_*: GET_VERSION on
 * the VM fd only, the others on a vCPU fd only) are those the selftests use.
 */
#include "../../selftests/include/apf_abi.h"

/* _IOWR(KVMIO, 0xcf, 16 bytes) = 0xC010AECF, on the VM fd and on the vCPU fds */
#define APF_V4_IOCTL			APF_IOCTL(0xcf)
_Static_assert(APF_V4_IOCTL == 0xC010AECFu, "APF v4 ioctl is 0xC010AECF");
/* what GET_VERSION answers: 1.0.0, one byte each */
#define APF_V4_VERSION			((uint32_t)APF_VERSION_1_0)
/*
 * The SDEI event KVM adds to every VM when the APF series is applied (private,
 * critical; "[PATCH v4 11/15]"). The page-not-present notification is injected
 * as the event the VMM sets with SET_SDEI; it must be one of the VM's events.
 */
#define APF_V4_SDEI_EVENT		0x40400001u
/*
 * The page-ready interrupt: an INTID the VMM chooses (KVM accepts any value).
 * The guest maps it with ACPI GSI registration as a per-CPU, level-high
 * interrupt, so it must be a PPI (16..31) that no device of QEMU's "virt"
 * machine uses: virt takes 23 (PMU), 25 (GIC maintenance), 26..30 (timers).
 */
#define APF_V4_DEFAULT_IRQ		20u

/*
 * The 2021 SDEI design's VMM interface (SDEI v2..v4: the same code, other
 * ioctl numbers; v4's is 0xce, _IOWR(KVMIO, 0xce, 8352 bytes) = 0xE0A0AECE). Its
 * structures are those the selftests use (selftests/include/apf_abi.h): the
 * VM's registration records (GET/SET_KEVENT), a vCPU's queued or running
 * events (GET/SET_VEVENT) and its mask and interrupted contexts
 * (GET/SET_VCPU_STATE), what a migration must carry (harness/ARM64-APF.md).
 */
#define APF_V4_SDEI_IOCTL		SDEI21_IOCTL(0xce)

#endif
