/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sdei_test.h - guest and host helpers shared by the SDEI selftests (sdei,
 * sdei_vmm, sdei_host_bugs), implemented in lib/sdei_test.c (the guest's
 * command loop, its SDEI event handler, the host's drivers) and
 * lib/sdei_test_asm.S (the guest's assembly helpers).
 *
 * The host drives each vCPU one command at a time: it writes a command into
 * guest memory, runs the vCPU until the guest reports that command done
 * (GUEST_SYNC with the command's sequence number) or parks on a software
 * breakpoint, checks the result, and only then writes the next one. The
 * guest never runs a step the host did not ask for.
 *
 * Events are handled the way the series expects a guest to: the registered
 * entry point is sdei_guest_entry (lib/sdei_entry.S), or sdei_entry_checked
 * (lib/sdei_test_asm.S), which also notices a handler started 4 bytes past
 * its entry point. The guest's handler records what it sees (registers,
 * CONTEXT, STATUS, the EL1 exception registers), makes the calls the
 * command asks for, and finishes the event with COMPLETE or
 * COMPLETE_AND_RESUME.
 *
 * Host-side changes of the SDEI state between guest steps are made while
 * the vCPU is parked on a BRK (a KVM_EXIT_DEBUG exit, with guest debug
 * enabled), never right after an MMIO exit such as a ucall: the 2021 design
 * saves the interrupted PC before KVM commits the pending PC increment of
 * an emulated MMIO access (see the "MMIO exit" checks of sdei_vmm).
 *
 * Also included by lib/sdei_test_asm.S: only the constants are outside
 * the __ASSEMBLY__ guards.
 */
#ifndef SELFTEST_KVM_SDEI_TEST_H
#define SELFTEST_KVM_SDEI_TEST_H

#ifndef __ASSEMBLY__
#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include <kvm_util.h>
#include "processor.h"
#include "apf_abi.h"
#include "apf_test.h"
#include "sdei_guest.h"
#endif /* __ASSEMBLY__ */

#define SDEI_T_MAX_VCPUS	2
#define SDEI_T_LOG		8		/* handler entries kept per command */
#define SDEI_PARK_IMM		0x5d0		/* BRK immediate of a park */
#define SDEI_STUB_BRK_IMM	0x5de1		/* sdei_guest_entry: COMPLETE returned */
#define SDEI_NA			0x5de1dead5de1deadULL	/* "not run" result */
#define SDEI_ARG		0x5de1a5a5c0ffee00ULL	/* event argument at REGISTER */
#define SDEI_SPSR_MARK		0x90000004ULL	/* SPSR_EL1 before an event (N, V, EL1t) */
#define SDEI_ELR_MARK		0x5de1e1e1e1e1e100ULL	/* ELR_EL1 before an event */
#define SDEI_NZCV		0x60000000ULL	/* flags at the event point (Z, C) */
#define SDEI_FPSR_PAT		0x0800001fULL	/* QC and the cumulative exception flags */
#define SDEI_FPCR_PAT		0x07000000ULL	/* AHP, DN, FZ */
#define SDEI_PSTATE_MASK	0xf00003dfULL	/* NZCV, DAIF, nRW, M[3:0] */
#define SDEI_EL1H		0x5ULL
#define SDEI_DAIF		0x3c0ULL
#define SDEI_PARK_X0		0x5de1000000000a0aULL
#define SDEI_PARK_X1		0x5de1000000000a1aULL

/* Offsets in struct sdei_probe, for lib/sdei_test_asm.S */
#define SDEI_PROBE_MODE		0
#define SDEI_PROBE_FN		8
#define SDEI_PROBE_A1		16
#define SDEI_PROBE_A2		24
#define SDEI_PROBE_SPSR		32
#define SDEI_PROBE_ELR		40
#define SDEI_PROBE_NZCV		48
#define SDEI_PROBE_DAIF		56
#define SDEI_PROBE_SPB		64
#define SDEI_PROBE_SPA		72
#define SDEI_PROBE_FPSR		80
#define SDEI_PROBE_FPCR		88
#define SDEI_PROBE_FPSR_O	96
#define SDEI_PROBE_FPCR_O	104
#define SDEI_PROBE_FPSR_S	112
#define SDEI_PROBE_FPCR_S	120
#define SDEI_PROBE_X		128
#define SDEI_PROBE_Q		384

#ifndef __ASSEMBLY__

/* Design index for per-version expectations: SDEI_PER(2021, v5, v6, v7) */
enum { SDEI_D21, SDEI_D5, SDEI_D6, SDEI_D7, SDEI_NR_DESIGNS };
#define SDEI_ON_21	BIT(SDEI_D21)
#define SDEI_ON_5	BIT(SDEI_D5)
#define SDEI_ON_6	BIT(SDEI_D6)
#define SDEI_ON_7	BIT(SDEI_D7)

/* ---------------------------------------------------------------------- */
/* Guest memory shared with the host                                      */
/* ---------------------------------------------------------------------- */
enum sdei_op {
	SDEI_OP_NOP,
	SDEI_OP_CALL,		/* smccc_hvc(fn, x[0..5]): res[0..3] */
	SDEI_OP_PROBE,		/* sdei_ctx_probe(): results in the vCPU's probe */
	SDEI_OP_PARK,		/* sdei_park(x[0], x[1]): res[0] */
	SDEI_OP_CALL_RET,	/* sdei_call_ret(fn, x[0]): res[0] */
};

struct sdei_gcmd {
	uint64_t seq;
	uint64_t op;
	uint64_t fn;
	uint64_t x[6];
	uint64_t res[4];
	/* what the event handler does during this command */
	uint64_t h_finish;	/* COMPLETE or COMPLETE_AND_RESUME */
	uint64_t h_finish_arg;	/* its x1 */
	uint64_t h_call_fn;	/* a call made at the first entry, 0: none */
	uint64_t h_call_x1, h_call_x2;
	uint64_t h_park;	/* park at the first entry */
	uint64_t h_status;	/* call STATUS (never on the 2021 design) */
};

struct sdei_gent {		/* one handler entry */
	uint64_t num, arg, pc, pstate;		/* x0..x3 */
	uint64_t spsr, elr, el, daif, spsel;	/* at entry */
	uint64_t ctx[5];			/* CONTEXT(0), (1), (4), (17), (18) */
	uint64_t status;
	uint64_t call_ret;
	uint64_t late;				/* sdei_entry_checked entered at +4 */
	uint64_t order_in, order_out;
};

struct sdei_glog {
	uint64_t count;			/* handler entries during the command */
	uint64_t order;
	struct sdei_gent ent[SDEI_T_LOG];
	uint64_t irq_count, irq_pc, irq_pstate;
	uint64_t bti_count, bti_pc, bti_spsr;	/* Branch Target exceptions */
};

#define SDEI_CTX_IDX_0		0
#define SDEI_CTX_IDX_1		1
#define SDEI_CTX_IDX_4		2
#define SDEI_CTX_IDX_17		3
#define SDEI_CTX_IDX_18		4

/* sdei_ctx_probe(): registers loaded with patterns around an event point */
enum { SDEI_PROBE_PARK, SDEI_PROBE_HVC };

struct sdei_probe {
	uint64_t mode;			/*   0 */
	uint64_t fn, a1, a2;		/*   8 */
	uint64_t spsr_mark;		/*  32 */
	uint64_t elr_mark;		/*  40 */
	uint64_t nzcv;			/*  48 */
	uint64_t daif;			/*  56 */
	uint64_t sp_before;		/*  64 */
	uint64_t sp_after;		/*  72 */
	uint64_t fpsr, fpcr;		/*  80 */
	uint64_t fpsr_orig, fpcr_orig;	/*  96 */
	uint64_t fpsr_set, fpcr_set;	/* 112: read back before the event */
	uint64_t x[31];			/* 128 */
	uint64_t __pad;
	uint64_t q[64];			/* 384 */
};

static_assert(offsetof(struct sdei_probe, x) == SDEI_PROBE_X, "probe layout");
static_assert(offsetof(struct sdei_probe, q) == SDEI_PROBE_Q, "probe layout");
static_assert(offsetof(struct sdei_probe, fpcr_orig) == SDEI_PROBE_FPCR_O, "probe layout");
static_assert(offsetof(struct sdei_probe, fpcr_set) == SDEI_PROBE_FPCR_S, "probe layout");

struct sdei_resume_log {	/* written by sdei_resume_stub */
	uint64_t count, elr, spsr, daif, el, spsel;
};

/* The pattern of x@i, and of 64-bit half @i of q0..q31, in the probe */
static inline uint64_t sdei_xpat(uint64_t i)
{
	return 0x5de1000000000000ULL | i << 32 | (0xc0de00U + i);
}

static inline uint64_t sdei_qpat(uint64_t i)
{
	return 0x9e00000000000000ULL | i << 40 | (0xf00d00U + i);
}

/* Guest memory referenced by lib/sdei_test_asm.S (lib/sdei_test.c) */
extern uint64_t sdei_probe_xpat[32];
extern uint64_t sdei_probe_qpat[64];
extern struct sdei_resume_log sdei_resume_log;
extern uint64_t sdei_entry_late;

/* ---------------------------------------------------------------------- */
/* Guest assembly (lib/sdei_test_asm.S)                                   */
/* ---------------------------------------------------------------------- */
void sdei_ctx_probe(struct sdei_probe *p);
uint64_t sdei_park(uint64_t x0, uint64_t x1);
uint64_t sdei_call_ret(uint64_t fn, uint64_t x1);
extern char sdei_probe_park_resume[], sdei_probe_hvc_resume[];
extern char sdei_park_ret[], sdei_resume_stub[], sdei_entry_checked[];
extern char sdei_bti_entry[];	/* alone on its page, for a guarded entry point */

/* ---------------------------------------------------------------------- */
/* Host: environment and checks                                           */
/* ---------------------------------------------------------------------- */
struct sdei_env {
	struct apf_probe probe;
	const struct sdei_abi *abi;
	int d;			/* SDEI_D21..SDEI_D7, -1: none or unknown */
	const char *stop;	/* the current group stopped: why */
	char stop_buf[256];
	bool prereq_failed;
};

static inline uint64_t sdei_per(const struct sdei_env *env, const uint64_t *v)
{
	return v[env->d];
}

#define SDEI_PER(env, d21, d5, d6, d7) \
	sdei_per(env, (const uint64_t[SDEI_NR_DESIGNS]) { d21, d5, d6, d7 })

/* Run the probe, print what it found, select the design. */
void sdei_env_init(struct sdei_env *env);

/* The interface of another design than the kernel's: skip, saying why */
const char *sdei_only(const struct sdei_env *env, unsigned int designs);

static inline void sdei_group(struct sdei_env *env)
{
	env->stop = NULL;
}

/* A step the following checks depend on failed: stop this group's guest */
__printf(3, 4) bool sdei_prereq(struct sdei_env *env, bool ok, const char *fmt, ...);

/*
 * Checks: these report to kselftest.h, whose counters are static, one set
 * per translation unit; they must be compiled into the test itself, with its
 * ksft_set_plan() and ksft_print_cnts(), so they stay inline here.
 */
static inline void sdei_skip(struct sdei_env *env, const char *name, const char *why)
{
	ksft_test_result_skip("%s: %s\n", name, env->stop ? env->stop : why);
}

static inline __printf(4, 5) void sdei_result(struct sdei_env *env, bool ok, const char *name,
					      const char *fmt, ...)
{
	va_list ap;

	if (env->stop) {
		ksft_test_result_skip("%s: %s\n", name, env->stop);
		return;
	}
	if (!ok) {
		printf("# %s: ", name);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
	}
	ksft_test_result(ok, "%s\n", name);
}

static inline void sdei_expect(struct sdei_env *env, const char *name, uint64_t seen,
			       uint64_t want)
{
	sdei_result(env, seen == want, name, "got 0x%lx (%ld), expected 0x%lx (%ld)",
		    seen, (long)seen, want, (long)want);
}

/* Expected ioctl result: 0 or -errno */
static inline void sdei_expect_err(struct sdei_env *env, const char *name, int seen, int want)
{
	sdei_result(env, seen == want, name, "got %d (%s), expected %d (%s)",
		    seen, seen ? strerror(-seen) : "success", want,
		    want ? strerror(-want) : "success");
}

static inline __noreturn void sdei_finish(struct sdei_env *env)
{
	ksft_print_cnts();
	if (env->prereq_failed || ksft_get_fail_cnt() || ksft_get_error_cnt())
		exit(KSFT_FAIL);
	if (ksft_get_pass_cnt())
		exit(KSFT_PASS);
	exit(KSFT_SKIP);
}

/* ---------------------------------------------------------------------- */
/* Host: VMs and vCPUs driven one command at a time                       */
/* ---------------------------------------------------------------------- */
struct sdei_vc {
	struct sdei_env *env;
	struct kvm_vcpu *vcpu;
	int idx;
	struct sdei_gcmd *cmd;
	struct sdei_glog *log;
	struct sdei_probe *probe;
	struct sdei_resume_log *resume;
	uint64_t *late;
	uint64_t seq;
	uint64_t sync_pc;	/* PC of the MMIO access of the last ucall */
	uint64_t repeats;	/* ucalls of a finished command seen again */
	bool allow_repeat;
	bool raw_sync;		/* leave the ucall's MMIO access to the next KVM_RUN */
	bool parked;
};

struct sdei_vm {
	struct kvm_vm *vm;
	struct sdei_vc vc[SDEI_T_MAX_VCPUS];
	int nr;
};

#define SDEI_REG_PC	ARM64_CORE_REG(regs.pc)
#define SDEI_REG_PSTATE	ARM64_CORE_REG(regs.pstate)
#define SDEI_PSR_BTYPE	(3UL << 10)
#define SDEI_PSR_BTYPE_J (1UL << 10)	/* BTYPE 01: after a BR to the instruction */
#define SDEI_PTE_GP	(1UL << 50)	/* stage 1: a guarded page (FEAT_BTI) */
#define SDEI_ESR_EC_BTI	0x0d		/* Branch Target exception */

uint64_t sdei_reg(struct sdei_vc *v, uint64_t id);
uint64_t sdei_mpidr(struct sdei_vc *v);

/* Create a VM whose vCPUs run the guest's command loop; it does not run yet. */
void sdei_vm_new(struct sdei_env *env, struct sdei_vm *s, int nr);
void sdei_vm_free(struct sdei_vm *s);

enum { SDEI_RUN_DONE, SDEI_RUN_PARKED };

/* Run until the current command is done, or the guest parks. */
int sdei_run(struct sdei_vc *v);
/* Resume a parked vCPU after its BRK. */
void sdei_unpark(struct sdei_vc *v);
/* Run a vCPU to its first report (before any command). */
bool sdei_start(struct sdei_vc *v);
/* Begin a new command: handlers finish with COMPLETE and make no calls. */
struct sdei_gcmd *sdei_cmd(struct sdei_vc *v, uint64_t op);
/* One SMCCC call by the guest; SDEI_NA if the group stopped. */
uint64_t sdei_call(struct sdei_vc *v, uint32_t fn, uint64_t x1, uint64_t x2, uint64_t x3,
		   uint64_t x4, uint64_t x5);

static inline uint64_t sdei_call1(struct sdei_vc *v, uint32_t fn, uint64_t x1)
{
	return sdei_call(v, fn, x1, 0, 0, 0, 0);
}

/* Call, then check the result (one check). */
static inline void sdei_check_call(struct sdei_vc *v, const char *name, uint32_t fn,
				   uint64_t x1, uint64_t x2, uint64_t x3, uint64_t x4,
				   uint64_t want)
{
	sdei_expect(v->env, name, sdei_call(v, fn, x1, x2, x3, x4, 0), want);
}

/* A setup call that must succeed (a prerequisite, not a check). */
bool sdei_setup_call(struct sdei_vc *v, const char *what, uint32_t fn, uint64_t x1,
		     uint64_t x2, uint64_t x3, uint64_t x4);
/* The guest registers @num with @entry and SDEI_ARG, enables it, unmasks. */
bool sdei_setup_event(struct sdei_vc *v, uint64_t num, void *entry);

/* Handler entry @i of the last command (NULL if there were fewer). */
static inline struct sdei_gent *sdei_ent(struct sdei_vc *v, uint64_t i)
{
	return i < v->log->count && i < SDEI_T_LOG ? &v->log->ent[i] : NULL;
}

/* Prepare the context probe: its event point is a park or an HVC. */
struct sdei_gcmd *sdei_probe_cmd(struct sdei_vc *v, int mode, uint64_t fn, uint64_t a1,
				 uint64_t a2);

/* The PC at which the probe's event interrupts it */
static inline uint64_t sdei_probe_pc(struct sdei_vc *v)
{
	return v->probe->mode == SDEI_PROBE_PARK ? (uint64_t)sdei_probe_park_resume :
						    (uint64_t)sdei_probe_hvc_resume;
}

/* The PSTATE the probe's event interrupts (masked with SDEI_PSTATE_MASK) */
static inline uint64_t sdei_probe_pstate(struct sdei_vc *v)
{
	return SDEI_NZCV | (v->probe->daif & SDEI_DAIF) | SDEI_EL1H;
}

/* x@from..x@to the probe should see after the event: bitmap of the differences */
uint64_t sdei_probe_xdiff(struct sdei_vc *v, int from, int to);
/* q0..q31: bitmap of the differences */
uint64_t sdei_probe_qdiff(struct sdei_vc *v);

/* ---------------------------------------------------------------------- */
/* Host: the 2021 design's KVM_ARM_SDEI_COMMAND (8352 bytes)              */
/* ---------------------------------------------------------------------- */
/* A zeroed command in a static buffer */
struct sdei21_cmd *s21_cmd(uint32_t cmd);
/* 0 or -errno */
int s21_ioctl(struct sdei_env *env, int fd, struct sdei21_cmd *c);
/* Make @num pending on vCPU @idx as a migration destination restores it */
int s21_raise(struct sdei_vm *s, int idx, uint64_t num, void *entry, uint64_t arg,
	      uint64_t mask);
/* SET_EVENT: a VMM-defined event; the notifier is always 0 */
int s21_set_event(struct sdei_env *env, struct kvm_vm *vm, uint64_t num, uint8_t type,
		  uint8_t prio);

/* ---------------------------------------------------------------------- */
/* Host: SDEI v5's KVM_ARM_SDEI_COMMAND (16 bytes, user pointers)         */
/* ---------------------------------------------------------------------- */
int s5_ioctl(int fd, uint32_t cmd, uint32_t count, uint64_t arg, uint32_t *out);
/* Expose one event (the notifier is always 0): 0 or -errno */
int s5_expose(struct kvm_vm *vm, uint64_t num, uint8_t type, uint8_t prio);

/* ---------------------------------------------------------------------- */
/* Host: SDEI v7's firmware registers                                     */
/* ---------------------------------------------------------------------- */
/* 0 or -errno */
int s7_get(struct kvm_vcpu *vcpu, uint64_t id, void *val);
int s7_set(struct kvm_vcpu *vcpu, uint64_t id, const void *val);
/* The value, or SDEI_NA if the register cannot be read */
uint64_t s7_get64(struct kvm_vcpu *vcpu, uint64_t id);

static inline int s7_set64(struct kvm_vcpu *vcpu, uint64_t id, uint64_t val)
{
	return s7_set(vcpu, id, &val);
}

/* All SDEI state of a v7 vCPU, in the order a destination writes it */
struct sdei7_state {
	struct sdei7_handler handler[4];
	uint64_t registered, enabled, running;
	struct sdei7_context ctx;
	uint64_t pending, pe_state;
};

int s7_save(struct kvm_vcpu *vcpu, struct sdei7_state *st);
int s7_restore(struct kvm_vcpu *vcpu, const struct sdei7_state *st);

#endif /* __ASSEMBLY__ */

#endif /* SELFTEST_KVM_SDEI_TEST_H */
