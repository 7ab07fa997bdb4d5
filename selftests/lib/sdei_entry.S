/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sdei_guest_entry: SDEI event entry point for selftest guests.
 *
 * Entered by KVM at EL1h with DAIF masked, x0 = event number, x1 = its
 * argument, x2 = interrupted PC, x3 = interrupted PSTATE, and x0-x17 of the
 * interrupted context saved by KVM. Everything else the interrupted context
 * owns is saved on the EL1 stack: x18-x30, q0-q31, FPSR and FPCR. SP itself
 * is given back as found. Then sdei_guest_handler(x0..x3) runs and returns
 * {fn, arg} in x0/x1: the SDEI call that finishes the event. COMPLETE and
 * COMPLETE_AND_RESUME do not return; KVM restores x0-x17, PC and PSTATE.
 */
#define GPR_BYTES	(14 * 8)		/* x18..x30, padded to 16 */
#define FP_OFFSET	GPR_BYTES
#define FP_BYTES	(32 * 16 + 16)		/* q0..q31, fpsr, fpcr */
#define FRAME_BYTES	(GPR_BYTES + FP_BYTES)

	.text
	.global	sdei_guest_entry
	.type	sdei_guest_entry, %function
	.balign	16
sdei_guest_entry:
	sub	sp, sp, #FRAME_BYTES
	stp	x18, x19, [sp, #0]
	stp	x20, x21, [sp, #16]
	stp	x22, x23, [sp, #32]
	stp	x24, x25, [sp, #48]
	stp	x26, x27, [sp, #64]
	stp	x28, x29, [sp, #80]
	str	x30, [sp, #96]
	add	x9, sp, #FP_OFFSET
	stp	q0, q1, [x9, #0]
	stp	q2, q3, [x9, #32]
	stp	q4, q5, [x9, #64]
	stp	q6, q7, [x9, #96]
	stp	q8, q9, [x9, #128]
	stp	q10, q11, [x9, #160]
	stp	q12, q13, [x9, #192]
	stp	q14, q15, [x9, #224]
	stp	q16, q17, [x9, #256]
	stp	q18, q19, [x9, #288]
	stp	q20, q21, [x9, #320]
	stp	q22, q23, [x9, #352]
	stp	q24, q25, [x9, #384]
	stp	q26, q27, [x9, #416]
	stp	q28, q29, [x9, #448]
	stp	q30, q31, [x9, #480]
	mrs	x10, fpsr
	mrs	x11, fpcr
	add	x12, x9, #512
	stp	x10, x11, [x12]

	mov	x29, #0				/* end of the frame chain */
	adrp	x9, sdei_guest_handler
	ldr	x9, [x9, :lo12:sdei_guest_handler]
	cbz	x9, 1f
	blr	x9
	mov	x16, x0				/* x16/x17 are restored by KVM */
	mov	x17, x1
	b	2f
1:	movz	x16, #0x0025			/* no handler: COMPLETE(FAILED) */
	movk	x16, #0xc400, lsl #16
	mov	x17, #1
2:
	add	x9, sp, #FP_OFFSET
	add	x12, x9, #512
	ldp	x10, x11, [x12]
	msr	fpsr, x10
	msr	fpcr, x11
	ldp	q0, q1, [x9, #0]
	ldp	q2, q3, [x9, #32]
	ldp	q4, q5, [x9, #64]
	ldp	q6, q7, [x9, #96]
	ldp	q8, q9, [x9, #128]
	ldp	q10, q11, [x9, #160]
	ldp	q12, q13, [x9, #192]
	ldp	q14, q15, [x9, #224]
	ldp	q16, q17, [x9, #256]
	ldp	q18, q19, [x9, #288]
	ldp	q20, q21, [x9, #320]
	ldp	q22, q23, [x9, #352]
	ldp	q24, q25, [x9, #384]
	ldp	q26, q27, [x9, #416]
	ldp	q28, q29, [x9, #448]
	ldp	q30, q31, [x9, #480]
	ldp	x18, x19, [sp, #0]
	ldp	x20, x21, [sp, #16]
	ldp	x22, x23, [sp, #32]
	ldp	x24, x25, [sp, #48]
	ldp	x26, x27, [sp, #64]
	ldp	x28, x29, [sp, #80]
	ldr	x30, [sp, #96]
	add	sp, sp, #FRAME_BYTES
	mov	x0, x16
	mov	x1, x17
	hvc	#0
	/* COMPLETE(_AND_RESUME) returned: the host did not take it */
	brk	#0x5de1
	.size	sdei_guest_entry, . - sdei_guest_entry
