/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest assembly helpers of the SDEI selftests (include/sdei_test.h).
 *
 * sdei_ctx_probe: load x0-x30, q0-q31, FPSR, FPCR and NZCV with patterns,
 * SPSR_EL1/ELR_EL1 with markers, then reach the event point: a park (BRK:
 * the host raises the event and resumes at sdei_probe_park_resume) or an
 * HVC (e.g. SDEI_EVENT_SIGNAL; the event interrupts sdei_probe_hvc_resume).
 * Everything is stored back into the probe after the event point.
 *
 * sdei_park: BRK; the host resumes at sdei_park_ret, which returns x0.
 * sdei_call_ret: HVC, then return x0 (COMPLETE in a migrated handler
 * resumes the source's sdei_park_ret and returns to this caller).
 * sdei_resume_stub: a COMPLETE_AND_RESUME resume address that records
 * ELR_EL1, SPSR_EL1, DAIF, CurrentEL and SPSel, then returns with ERET.
 * sdei_entry_checked: an entry point that counts entries 4 bytes late.
 */
#ifndef __ASSEMBLY__
#define __ASSEMBLY__
#endif
#include "sdei_test.h"

	.text
	.global	sdei_ctx_probe
	.type	sdei_ctx_probe, %function
	.balign	16
sdei_ctx_probe:
	stp	x29, x30, [sp, #-96]!
	mov	x29, sp
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	stp	d8, d9, [sp, #-80]!
	stp	d10, d11, [sp, #16]
	stp	d12, d13, [sp, #32]
	stp	d14, d15, [sp, #48]
	stp	x0, x18, [sp, #64]
	mov	x9, sp
	str	x9, [x0, #SDEI_PROBE_SPB]
	mrs	x9, fpsr
	str	x9, [x0, #SDEI_PROBE_FPSR_O]
	mrs	x9, fpcr
	str	x9, [x0, #SDEI_PROBE_FPCR_O]
	ldr	x9, [x0, #SDEI_PROBE_SPSR]
	msr	spsr_el1, x9
	ldr	x9, [x0, #SDEI_PROBE_ELR]
	msr	elr_el1, x9
	mrs	x9, daif
	str	x9, [x0, #SDEI_PROBE_DAIF]
	adrp	x10, sdei_probe_qpat
	add	x10, x10, :lo12:sdei_probe_qpat
	ldp	q0, q1, [x10, #0]
	ldp	q2, q3, [x10, #32]
	ldp	q4, q5, [x10, #64]
	ldp	q6, q7, [x10, #96]
	ldp	q8, q9, [x10, #128]
	ldp	q10, q11, [x10, #160]
	ldp	q12, q13, [x10, #192]
	ldp	q14, q15, [x10, #224]
	ldp	q16, q17, [x10, #256]
	ldp	q18, q19, [x10, #288]
	ldp	q20, q21, [x10, #320]
	ldp	q22, q23, [x10, #352]
	ldp	q24, q25, [x10, #384]
	ldp	q26, q27, [x10, #416]
	ldp	q28, q29, [x10, #448]
	ldp	q30, q31, [x10, #480]
	movz	x9, #0x001f	/* SDEI_FPSR_PAT */
	movk	x9, #0x0800, lsl #16
	msr	fpsr, x9
	movz	x9, #0x0700, lsl #16	/* SDEI_FPCR_PAT */
	msr	fpcr, x9
	mrs	x9, fpsr
	str	x9, [x0, #SDEI_PROBE_FPSR_S]
	mrs	x9, fpcr
	str	x9, [x0, #SDEI_PROBE_FPCR_S]
	ldr	x9, [x0, #SDEI_PROBE_NZCV]
	msr	nzcv, x9
	ldr	x9, [x0, #SDEI_PROBE_MODE]
	cbnz	x9, 1f
	adrp	x30, sdei_probe_xpat
	add	x30, x30, :lo12:sdei_probe_xpat
	ldp	x0, x1, [x30, #0]
	ldp	x2, x3, [x30, #16]
	ldp	x4, x5, [x30, #32]
	ldp	x6, x7, [x30, #48]
	ldp	x8, x9, [x30, #64]
	ldp	x10, x11, [x30, #80]
	ldp	x12, x13, [x30, #96]
	ldp	x14, x15, [x30, #112]
	ldp	x16, x17, [x30, #128]
	ldp	x18, x19, [x30, #144]
	ldp	x20, x21, [x30, #160]
	ldp	x22, x23, [x30, #176]
	ldp	x24, x25, [x30, #192]
	ldp	x26, x27, [x30, #208]
	ldp	x28, x29, [x30, #224]
	ldr	x30, [x30, #240]
	brk	#SDEI_PARK_IMM
	.global	sdei_probe_park_resume
sdei_probe_park_resume:
	b	2f
1:	ldr	x1, [x0, #SDEI_PROBE_A1]
	ldr	x2, [x0, #SDEI_PROBE_A2]
	ldr	x0, [x0, #SDEI_PROBE_FN]
	adrp	x30, sdei_probe_xpat
	add	x30, x30, :lo12:sdei_probe_xpat
	ldr	x3, [x30, #24]
	ldp	x4, x5, [x30, #32]
	ldp	x6, x7, [x30, #48]
	ldp	x8, x9, [x30, #64]
	ldp	x10, x11, [x30, #80]
	ldp	x12, x13, [x30, #96]
	ldp	x14, x15, [x30, #112]
	ldp	x16, x17, [x30, #128]
	ldp	x18, x19, [x30, #144]
	ldp	x20, x21, [x30, #160]
	ldp	x22, x23, [x30, #176]
	ldp	x24, x25, [x30, #192]
	ldp	x26, x27, [x30, #208]
	ldp	x28, x29, [x30, #224]
	ldr	x30, [x30, #240]
	hvc	#0
	.global	sdei_probe_hvc_resume
sdei_probe_hvc_resume:
2:	stp	x0, x1, [sp, #-16]!
	ldr	x0, [sp, #80]
	stp	x2, x3, [x0, #SDEI_PROBE_X + 16]
	stp	x4, x5, [x0, #SDEI_PROBE_X + 32]
	stp	x6, x7, [x0, #SDEI_PROBE_X + 48]
	stp	x8, x9, [x0, #SDEI_PROBE_X + 64]
	stp	x10, x11, [x0, #SDEI_PROBE_X + 80]
	stp	x12, x13, [x0, #SDEI_PROBE_X + 96]
	stp	x14, x15, [x0, #SDEI_PROBE_X + 112]
	stp	x16, x17, [x0, #SDEI_PROBE_X + 128]
	stp	x18, x19, [x0, #SDEI_PROBE_X + 144]
	stp	x20, x21, [x0, #SDEI_PROBE_X + 160]
	stp	x22, x23, [x0, #SDEI_PROBE_X + 176]
	stp	x24, x25, [x0, #SDEI_PROBE_X + 192]
	stp	x26, x27, [x0, #SDEI_PROBE_X + 208]
	stp	x28, x29, [x0, #SDEI_PROBE_X + 224]
	str	x30, [x0, #SDEI_PROBE_X + 240]
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x0, #SDEI_PROBE_X]
	mov	x9, sp
	str	x9, [x0, #SDEI_PROBE_SPA]
	mrs	x9, fpsr
	str	x9, [x0, #SDEI_PROBE_FPSR]
	mrs	x9, fpcr
	str	x9, [x0, #SDEI_PROBE_FPCR]
	add	x10, x0, #SDEI_PROBE_Q
	stp	q0, q1, [x10, #0]
	stp	q2, q3, [x10, #32]
	stp	q4, q5, [x10, #64]
	stp	q6, q7, [x10, #96]
	stp	q8, q9, [x10, #128]
	stp	q10, q11, [x10, #160]
	stp	q12, q13, [x10, #192]
	stp	q14, q15, [x10, #224]
	stp	q16, q17, [x10, #256]
	stp	q18, q19, [x10, #288]
	stp	q20, q21, [x10, #320]
	stp	q22, q23, [x10, #352]
	stp	q24, q25, [x10, #384]
	stp	q26, q27, [x10, #416]
	stp	q28, q29, [x10, #448]
	stp	q30, q31, [x10, #480]
	ldr	x9, [x0, #SDEI_PROBE_FPSR_O]
	msr	fpsr, x9
	ldr	x9, [x0, #SDEI_PROBE_FPCR_O]
	msr	fpcr, x9
	ldp	x0, x18, [sp, #64]
	ldp	d10, d11, [sp, #16]
	ldp	d12, d13, [sp, #32]
	ldp	d14, d15, [sp, #48]
	ldp	d8, d9, [sp], #80
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #96
	ret
	.size	sdei_ctx_probe, . - sdei_ctx_probe

	.global	sdei_park
	.type	sdei_park, %function
	.balign	16
sdei_park:
	brk	#SDEI_PARK_IMM
	.global	sdei_park_ret
sdei_park_ret:
	ret
	.size	sdei_park, . - sdei_park

	.global	sdei_call_ret
	.type	sdei_call_ret, %function
	.balign	16
sdei_call_ret:
	hvc	#0
	ret
	.size	sdei_call_ret, . - sdei_call_ret

	.global	sdei_resume_stub
	.type	sdei_resume_stub, %function
	.balign	16
sdei_resume_stub:
	stp	x0, x1, [sp, #-16]!
	adrp	x0, sdei_resume_log
	add	x0, x0, :lo12:sdei_resume_log
	ldr	x1, [x0]
	add	x1, x1, #1
	str	x1, [x0]
	mrs	x1, elr_el1
	str	x1, [x0, #8]
	mrs	x1, spsr_el1
	str	x1, [x0, #16]
	mrs	x1, daif
	str	x1, [x0, #24]
	mrs	x1, currentel
	str	x1, [x0, #32]
	mrs	x1, spsel
	str	x1, [x0, #40]
	ldp	x0, x1, [sp], #16
	eret
	.size	sdei_resume_stub, . - sdei_resume_stub

/*
 * sdei_bti_entry: an SDEI entry point alone on its page, which the host
 * makes a guarded page (BTI). Its first instruction is no landing pad, like
 * a BTI kernel's SDEI entry: a handler entered with PSTATE.BTYPE != 0 takes
 * a Branch Target exception here.
 */
	.pushsection .text.sdei_bti, "ax"
	.balign	4096
	.global	sdei_bti_entry
	.type	sdei_bti_entry, %function
sdei_bti_entry:
	b	sdei_guest_entry
	.size	sdei_bti_entry, . - sdei_bti_entry
	.balign	4096
	.popsection

	.global	sdei_entry_checked
	.type	sdei_entry_checked, %function
	.balign	16
sdei_entry_checked:
	b	sdei_guest_entry
	adrp	x9, sdei_entry_late
	ldr	x10, [x9, :lo12:sdei_entry_late]
	add	x10, x10, #1
	str	x10, [x9, :lo12:sdei_entry_late]
	b	sdei_guest_entry
	.size	sdei_entry_checked, . - sdei_entry_checked
