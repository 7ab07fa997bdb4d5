// SPDX-License-Identifier: GPL-2.0-only
/*
 * apf_caps: the KVM vendor hypervisor functions a FEATURES bitmap advertises
 * (apf_caps.h). The probe prints them as the capability vendor_hyp_functions,
 * so that a kernel's new function shows as a new capability, not a failure.
 */
#include <stdio.h>

#include "apf_caps.h"

const char *apf_vendor_functions(uint64_t features, int apf_version, char *buf, size_t len)
{
	size_t n = 0;
	int bit, w;

	if (!len)
		return buf;
	buf[0] = '\0';
	if (features == UINT64_MAX) {
		snprintf(buf, len, "none");
		return buf;
	}
	for (bit = 0; bit < 64 && n < len; bit++) {
		const char *sep = n ? " " : "";

		if (!(features & ((uint64_t)1 << bit)))
			continue;
		if (bit == 0)
			w = snprintf(buf + n, len - n, "%sFEATURES", sep);
		else if (bit == 1)
			w = snprintf(buf + n, len - n, "%s%s", sep, apf_version == 2 ? "APF" : "PTP");
		else if (bit == 2 && (apf_version == 3 || apf_version == 4))
			w = snprintf(buf + n, len - n, "%sAPF", sep);
		else
			w = snprintf(buf + n, len - n, "%sfn%d", sep, bit);
		if (w < 0)
			break;
		n += (size_t)w;
	}
	return buf;
}
