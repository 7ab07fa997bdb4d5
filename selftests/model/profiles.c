// SPDX-License-Identifier: GPL-2.0-only
/*
 * profiles.c - the model's own table of each series version's numbers, and
 * its deliberate deviations.
 *
 * These numbers were entered from the patches, separately from the tests'
 * include/apf_abi.h; keep it that way (do not include that header here).
 */
#include <stdio.h>
#include <string.h>

#include "model.h"

#define APF_IOCTL_NR(nr)	_IOC(_IOC_READ | _IOC_WRITE, KVMIO, nr, 16)
#define SDEI21_IOCTL_NR(nr)	_IOC(_IOC_READ | _IOC_WRITE, KVMIO, nr, 8352)

static const struct model_profile profiles[] = {
	{
		.name = "apf-v2", .apf = 2, .sdei = 2, .base_minor = 11,
		.apf_fn = 0x86000001, .apf_features = 0x3,	/* FEATURES, ASYNC_PF; no PTP */
		.apf_ioctl = APF_IOCTL_NR(0xc9), .apf_sdei_event = 0x40400001,
		.sdei_ops = &model_sdei_2021, .sdei_ioctl = SDEI21_IOCTL_NR(0xc8),
		.sdei_cap = 193,
	},
	{
		.name = "apf-v3", .apf = 3, .sdei = 3, .base_minor = 13,
		.apf_fn = 0x86000002, .apf_features = 0x7,	/* FEATURES, PTP, ASYNC_PF */
		.apf_ioctl = APF_IOCTL_NR(0xcd), .apf_sdei_event = 0x40400001,
		.sdei_ops = &model_sdei_2021, .sdei_ioctl = SDEI21_IOCTL_NR(0xcc),
		.sdei_cap = 199,
	},
	{
		.name = "apf-v4", .apf = 4, .sdei = 4, .base_minor = 14,
		.apf_fn = 0x86000002, .apf_features = 0x7,
		.apf_ioctl = APF_IOCTL_NR(0xcf), .apf_sdei_event = 0x40400001,
		.sdei_ops = &model_sdei_2021, .sdei_ioctl = SDEI21_IOCTL_NR(0xce),
		.sdei_cap = 206,
	},
	/* SDEI v5, v6, v7: no APF was posted on them */
	{
		.name = "sdei-v5", .apf = 0, .sdei = 5, .base_minor = 17,
		.sdei_ops = &model_sdei_v5,
		.sdei_ioctl = _IOC(_IOC_READ | _IOC_WRITE, KVMIO, 0xd0, 16),
		.sdei_cap = 211,
	},
	{
		.name = "sdei-v6", .apf = 0, .sdei = 6, .base_minor = 18,
		.sdei_ops = &model_sdei_v6,	/* no VMM interface */
		.sdei_cap = 214,
	},
	{
		.name = "sdei-v7", .apf = 0, .sdei = 7, .base_minor = 19,
		.sdei_ops = &model_sdei_v7,	/* firmware registers, STD_BMAP bit 1 */
		.sdei_cap = 217,
	},
};

/* Where a deviation applies */
#define ON_ALL		0xffU
#define ON_APF		0x01U	/* the APF profiles */
#define ON_2021		0x02U	/* the 2021 SDEI design */
#define ON_V5		0x04U
#define ON_V6		0x08U
#define ON_V7		0x10U

static const struct {
	const char *name;
	unsigned int on;
	const char *what;
} deviations[] = {
	{ "clobber-x5", ON_ALL, "every write of x5 by the model is corrupted (context restore)" },
	{ "wrong-token", ON_APF, "page-ready carries another token than page-not-present" },
	{ "no-wake-all", ON_APF, "ENABLE queues no wake-all page-ready" },
	{ "no-ppi", ON_APF, "page-ready is written but its interrupt never raised" },
	{ "wrong-version", ON_APF, "the APF VERSION sub-function answers 1.0.1" },
	{ "el1-async", ON_APF, "faults at EL1 become async without SEND_ALWAYS" },
	{ "no-slot-limit", ON_APF, "more than 64 async PFs outstanding per vCPU" },
	{ "ioctl-no-eio", ON_APF, "SET_CONTROL reports success when ENABLE fails" },
	{ "irqchip-ignored", ON_APF, "ENABLE succeeds without an in-kernel irqchip" },
	{ "sdei-vendor", ON_2021, "SDEI_VERSION reports a vendor" },
	{ "no-spsr", ON_2021 | ON_V5, "delivery leaves SPSR_EL1 alone" },
	{ "complete-writes-x0", ON_2021 | ON_V5 | ON_V6 | ON_V7, "COMPLETE writes a result into x0" },
	{ "wrong-event-arg", ON_2021 | ON_V5 | ON_V6 | ON_V7,
	  "the handler gets another argument than registered" },
	{ "resume-no-irq", ON_2021 | ON_V5 | ON_V6,
	  "COMPLETE_AND_RESUME resumes without the IRQ exception" },
	{ "pe-starts-unmasked", ON_2021 | ON_V5 | ON_V6 | ON_V7, "a new vCPU's PE starts unmasked" },
	{ "wrong-vendor", ON_V5 | ON_V6 | ON_V7,
	  "SDEI_VERSION reports the vendor of another 2022 version (v5 0x564BCAA9, v6/v7 0x4B564D)" },
	{ "features-wrong-id", ON_V5 | ON_V6 | ON_V7,
	  "SDEI_FEATURES answered at the other versions' ID (v5/v6 0xC4000030, v7 0xC4000050)" },
	{ "spsr-written", ON_V6 | ON_V7, "delivery writes SPSR_EL1 (as v5 does)" },
	{ "ioctl-version", ON_V5, "KVM_SDEI_CMD_GET_VERSION answers 1.0.1" },
	{ "signal-v7-rules", ON_V5, "SIGNAL needs only a registration (v7's rule)" },
	{ "signal-coalesces", ON_V6,
	  "a SIGNAL is absorbed while an instance of the event is queued or running" },
	{ "signal-v6-rules", ON_V7, "SIGNAL of a disabled event or on a masked PE fails (v5/v6's rule)" },
	{ "resume-irq", ON_V7,
	  "COMPLETE_AND_RESUME of v5/v6: x1 ignored, IRQ exception at the interrupted context" },
	{ "reg-list-no-sdei", ON_V7, "KVM_GET_REG_LIST lacks the SDEI firmware registers" },
	{ "std-bmap-no-gate", ON_V7, "STD_BMAP bit 1 cleared does not turn the SDEI calls off" },
	{ "context-regs-first", ON_V7, "SDEI_EVENT_CONTEXT holds x0-x17 before pc and pstate" },
	{ "pending-write-no-delivery", ON_V7, "a write of SDEI_EVENT_PENDING requests no delivery" },
	{ "keeps-btype", ON_2021 | ON_V5 | ON_V6 | ON_V7,
	  "the handler starts with the interrupted PSTATE.BTYPE (as the series delivers)" },
	{ "idle-num-zero", ON_V5, "the vCPU state names event 0, not 0xFFFFFFFF, when no handler runs" },
};

static unsigned int profile_bits(const struct model_profile *p)
{
	unsigned int bits = 0x80 | (p->apf ? ON_APF : 0);

	if (p->sdei_ops == &model_sdei_2021)
		bits |= ON_2021;
	else if (p->sdei_ops == &model_sdei_v5)
		bits |= ON_V5;
	else if (p->sdei_ops == &model_sdei_v6)
		bits |= ON_V6;
	else if (p->sdei_ops == &model_sdei_v7)
		bits |= ON_V7;
	return bits;
}

const struct model_profile *model_profile_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		if (!strcmp(profiles[i].name, name))
			return &profiles[i];
	return NULL;
}

const char *model_profile_names(void)
{
	static char buf[128];
	unsigned int i;

	buf[0] = 0;
	for (i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s",
			 i ? "|" : "", profiles[i].name);
	return buf;
}

bool model_deviation_known(const struct model_profile *p, const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(deviations) / sizeof(deviations[0]); i++)
		if (!strcmp(deviations[i].name, name) && (deviations[i].on & profile_bits(p)))
			return true;
	return false;
}

const char *model_deviation_names(const struct model_profile *p)
{
	static char buf[512];
	unsigned int i;

	buf[0] = 0;
	for (i = 0; i < sizeof(deviations) / sizeof(deviations[0]); i++)
		if (deviations[i].on & profile_bits(p))
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s",
				 buf[0] ? " " : "", deviations[i].name);
	return buf;
}
