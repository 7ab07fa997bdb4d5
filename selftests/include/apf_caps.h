/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * apf_caps: the KVM vendor hypervisor functions a FEATURES bitmap advertises,
 * by name. Pure C, no KVM: the harness tests it natively.
 */
#ifndef APF_CAPS_H
#define APF_CAPS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Writes the functions of FEATURES (vendor-hyp function 0x86000000's a0) into
 * BUF, space-separated: FEATURES, PTP, APF (bit 1 with APF v2, bit 2 with
 * APF v3/v4: apf_version 2, 3, 4; 0 none) and fnN for any other bit N, a
 * function the suite does not know (a new capability of the kernel).
 * FEATURES = NOT_SUPPORTED (all ones) is "none". Returns BUF.
 */
const char *apf_vendor_functions(uint64_t features, int apf_version, char *buf, size_t len);

#endif
