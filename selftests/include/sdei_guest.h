/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sdei_guest.h - the guest side of SDEI event handling for the selftests.
 *
 * KVM (every version of the SDEI series) saves and restores only x0-x17,
 * PC and PSTATE around an event; x18-x30, SP and the FP/SIMD state belong
 * to the handler. A C function registered as the event's entry point would
 * return through a clobbered x30 and corrupt the interrupted code, so the
 * address registered with SDEI_EVENT_REGISTER is sdei_guest_entry (an
 * assembly stub, lib/sdei_entry.S) that saves the rest, calls
 * sdei_guest_handler, restores, and finishes the event with the SDEI call
 * the handler asked for.
 */
#ifndef SELFTEST_KVM_SDEI_GUEST_H
#define SELFTEST_KVM_SDEI_GUEST_H

#include <stdint.h>

/* How the handler wants the event finished: an SDEI function and its x1. */
struct sdei_guest_completion {
	uint64_t fn;	/* SDEI_EVENT_COMPLETE or SDEI_EVENT_COMPLETE_AND_RESUME */
	uint64_t arg;	/* COMPLETE: status; COMPLETE_AND_RESUME: resume address (v7) */
};

/* x0..x3 at entry: event number, its argument, interrupted PC and PSTATE */
typedef struct sdei_guest_completion (*sdei_guest_handler_t)(uint64_t num, uint64_t arg,
							      uint64_t pc, uint64_t pstate);

/* The entry point to register. */
extern char sdei_guest_entry[];

/* The handler sdei_guest_entry calls; set it before the event can arrive. */
extern sdei_guest_handler_t sdei_guest_handler;

#endif /* SELFTEST_KVM_SDEI_GUEST_H */
