/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * model.h - the series model: the host side of the APF and SDEI series,
 * as each version intended it, implemented in the test's own VMM on a stock
 * kernel (6.4+, for the SMCCC filter).
 *
 * Linked into a second build of every test (build/arm64/tests-model/) with
 * -Wl,--wrap=ioctl,--wrap=close: every ioctl the test or the KVM selftests
 * library issues passes through model_ioctl(). The model
 *  - forwards the version's SMCCC function IDs (vendor-hyp FEATURES and
 *    the APF function, the SDEI range) to itself with the SMCCC filter
 *    (KVM_SMCCC_FILTER_FWD_TO_USER) and answers them per version;
 *  - delivers SDEI events at the next KVM_RUN by rewriting the vCPU's
 *    registers the way the series does (x0-x17, PC and PSTATE saved; the
 *    event number, argument, interrupted PC and PSTATE in x0-x3);
 *  - raises page-ready as a PPI with KVM_IRQ_LINE;
 *  - withholds the guest memory the test registers with userfaultfd
 *    (MISSING): the memslot is removed from KVM, so the guest's access
 *    exits to the model, which makes it an asynchronous page fault when the
 *    version's rules allow, and pages it in (and maps it) otherwise;
 *  - answers the version's VMM interfaces (APF and SDEI ioctls, v7's
 *    firmware registers) and hides what the version's base kernel lacked.
 *
 * It keeps its own table of each version's numbers (profiles.c), written
 * from the patches independently of the tests' apf_abi.h, so that a wrong
 * constant on either side shows as a failing test. The series' known bugs
 * (host oopses and hangs, off-by-ones) are not reproduced: the model is the
 * series as intended. Deliberate deviations (APF_MODEL_DEVIATE=name) break
 * one rule each, to prove that a named test notices.
 */
#ifndef APF_MODEL_H
#define APF_MODEL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <linux/kvm.h>

#define MODEL_MAX_VCPUS		16
#define MODEL_MAX_SLOTS		32
#define MODEL_PAGE_SIZE		4096UL

/* Requests handled at the next vCPU entry, in this order (as the series). */
#define MODEL_REQ_APF		(1U << 0)	/* KVM_REQ_ASYNC_PF: completions */
#define MODEL_REQ_SDEI		(1U << 1)	/* KVM_REQ_SDEI: event delivery */

struct model_vm;
struct model_vcpu;

/* An SMCCC call forwarded to the model: registers at the call, results. */
struct model_hvc {
	uint32_t fn;
	uint64_t x[6];		/* x0..x5 at the call; more via model_x() */
	uint64_t ret[4];	/* x0..x3 written back if has_result */
	bool has_result;
};

typedef void (*model_notifier_t)(struct model_vcpu *v, uint64_t num, int state);
#define MODEL_SDEI_NOTIFY_DELIVERED	0
#define MODEL_SDEI_NOTIFY_COMPLETED	1

/*
 * One SDEI design (2021, v5, v6, v7). Optional hooks are NULL. Numbers
 * that differ between versions of one design come from the profile.
 */
struct model_sdei_ops {
	const char *name;
	void (*vm_init)(struct model_vm *vm);
	void (*vcpu_init)(struct model_vcpu *v);
	void (*vm_free)(struct model_vm *vm);
	/* a forwarded SDEI function ID (the whole 0xC4000020..0xC400003F and 0xC4000050) */
	void (*hypercall)(struct model_vcpu *v, struct model_hvc *h);
	/* VMM interface; return -ENOTTY when @req is not this design's */
	long (*vm_ioctl)(struct model_vm *vm, unsigned long req, void *arg);
	long (*vcpu_ioctl)(struct model_vcpu *v, unsigned long req, void *arg);
	/* firmware registers; return -ENOTTY when @id is not this design's */
	int (*get_one_reg)(struct model_vcpu *v, uint64_t id, void *val);
	int (*set_one_reg)(struct model_vcpu *v, uint64_t id, const void *val);
	/* extra register ids for KVM_GET_REG_LIST; returns how many */
	int (*reg_list)(struct model_vcpu *v, uint64_t *ids, int max);
	/* MODEL_REQ_SDEI at entry */
	void (*deliver)(struct model_vcpu *v);
	/* in-kernel API the APF series uses (2021 design only) */
	int (*inject)(struct model_vcpu *v, uint64_t num, bool immediate);
	int (*cancel)(struct model_vcpu *v, uint64_t num);
	int (*register_notifier)(struct model_vm *vm, uint64_t num, model_notifier_t fn);
	bool (*handler_running)(struct model_vcpu *v);
};

struct model_profile {
	const char *name;		/* apf-v4, sdei-v7, ... */
	int apf;			/* 0 (none), 2, 3, 4 */
	int sdei;			/* 2..7 */
	int base_minor;			/* the series' base: Linux 5.<base_minor> */
	/* APF */
	uint32_t apf_fn;		/* vendor-hyp function ID of APF */
	uint64_t apf_features;		/* vendor-hyp FEATURES bitmap */
	unsigned long apf_ioctl;	/* KVM_ARM_ASYNC_PF_COMMAND */
	uint64_t apf_sdei_event;	/* KVM's event for page-not-present (2021) */
	/* SDEI */
	const struct model_sdei_ops *sdei_ops;
	unsigned long sdei_ioctl;	/* KVM_ARM_SDEI_COMMAND, 0: none */
	long sdei_cap;			/* KVM_CAP_ARM_SDEI of this version */
};

struct model_slot {
	bool used;
	uint32_t slot;
	uint32_t flags;
	uint64_t gpa, size, hva;
	/* withheld: removed from KVM; pages mapped back one by one */
	bool withheld;
	uint8_t *mapped;		/* per page: mapped back into KVM */
	uint32_t *page_slot;		/* per page: the model's 1-page memslot */
};

struct model_vm {
	int fd;
	const struct model_profile *prof;
	pthread_mutex_t lock;		/* everything below, and all vCPU state */
	struct model_vcpu *vcpus[MODEL_MAX_VCPUS];
	int nr_vcpus;
	bool vgic;			/* an in-kernel irqchip exists */
	bool ran;			/* a vCPU has entered the guest */
	struct model_slot slots[MODEL_MAX_SLOTS];
	uint32_t next_page_slot;
	void *sdei;			/* design state */
};

struct model_vcpu {
	struct model_vm *vm;
	int fd;
	uint32_t id;			/* KVM_CREATE_VCPU argument (vcpu_id) */
	int idx;			/* creation order (vcpu_idx) */
	struct kvm_run *run;
	pthread_mutex_t run_lock;	/* vCPU ioctls wait for KVM_RUN, as in KVM */
	pthread_t thread;		/* the thread in KVM_RUN, for kicks */
	bool have_thread;
	atomic_int kicked;
	unsigned int requests;		/* MODEL_REQ_* */
	void *sdei;			/* design state */
	struct model_apf *apf;		/* APF state (apf.c) */
};

/* core.c */
uint64_t model_reg_get(struct model_vcpu *v, uint64_t id);
void model_reg_set(struct model_vcpu *v, uint64_t id, uint64_t val);
uint64_t model_x(struct model_vcpu *v, int n);
void model_set_x(struct model_vcpu *v, int n, uint64_t val);
void model_request(struct model_vcpu *v, unsigned int req);
void model_kick(struct model_vcpu *v);
void model_inject_irq_exception(struct model_vcpu *v);
int model_irq_line(struct model_vcpu *v, uint32_t intid, int level);
void *model_gpa_to_hva(struct model_vm *vm, uint64_t gpa, uint64_t len);
bool model_page_resident(struct model_slot *s, uint64_t gpa);
void model_map_page(struct model_vm *vm, struct model_slot *s, uint64_t gpa);
void model_page_in(struct model_vm *vm, struct model_slot *s, uint64_t gpa);
int model_real_ioctl(int fd, unsigned long req, void *arg);
bool model_deviates(const char *name);
uint64_t model_sdei_entry_pstate(uint64_t interrupted);
void model_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void model_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ONE_REG ids of the registers the model reads and writes */
#define MODEL_CORE_REG(off)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
				 ((off) / sizeof(__u32)))
#define MODEL_REG_X(n)		MODEL_CORE_REG(offsetof(struct kvm_regs, regs.regs[n]))
#define MODEL_REG_PC		MODEL_CORE_REG(offsetof(struct kvm_regs, regs.pc))
#define MODEL_REG_PSTATE	MODEL_CORE_REG(offsetof(struct kvm_regs, regs.pstate))
#define MODEL_REG_ELR_EL1	MODEL_CORE_REG(offsetof(struct kvm_regs, elr_el1))
#define MODEL_REG_SPSR_EL1	MODEL_CORE_REG(offsetof(struct kvm_regs, spsr[KVM_SPSR_EL1]))
#define MODEL_SYS_REG(op0, op1, crn, crm, op2) \
	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM64_SYSREG | \
	 ((uint64_t)(op0) << KVM_REG_ARM64_SYSREG_OP0_SHIFT) | \
	 ((uint64_t)(op1) << KVM_REG_ARM64_SYSREG_OP1_SHIFT) | \
	 ((uint64_t)(crn) << KVM_REG_ARM64_SYSREG_CRN_SHIFT) | \
	 ((uint64_t)(crm) << KVM_REG_ARM64_SYSREG_CRM_SHIFT) | \
	 ((uint64_t)(op2) << KVM_REG_ARM64_SYSREG_OP2_SHIFT))
#define MODEL_REG_VBAR_EL1	MODEL_SYS_REG(3, 0, 12, 0, 0)
#define MODEL_REG_SCTLR_EL1	MODEL_SYS_REG(3, 0, 1, 0, 0)

/* PSTATE */
#define MODEL_PSR_MODE_MASK	0x0000000fUL
#define MODEL_PSR_MODE_EL0t	0x0UL
#define MODEL_PSR_MODE_EL1t	0x4UL
#define MODEL_PSR_MODE_EL1h	0x5UL
#define MODEL_PSR_MODE32	0x00000010UL
#define MODEL_PSR_F		0x00000040UL
#define MODEL_PSR_I		0x00000080UL
#define MODEL_PSR_A		0x00000100UL
#define MODEL_PSR_D		0x00000200UL
#define MODEL_PSR_DAIF		(MODEL_PSR_D | MODEL_PSR_A | MODEL_PSR_I | MODEL_PSR_F)
#define MODEL_PSR_BTYPE		0x00000c00UL
#define MODEL_PSR_PAN		0x00400000UL
#define MODEL_PSR_NZCV		0xf0000000UL

/* SMCCC / SDEI status values */
#define MODEL_SMCCC_SUCCESS		0UL
#define MODEL_SMCCC_NOT_SUPPORTED	((uint64_t)-1L)
#define MODEL_SMCCC_NOT_REQUIRED	((uint64_t)-2L)
#define MODEL_SMCCC_INVALID_PARAMETER	((uint64_t)-3L)
#define MODEL_SDEI_SUCCESS		0UL
#define MODEL_SDEI_NOT_SUPPORTED	((uint64_t)-1L)
#define MODEL_SDEI_INVALID_PARAMETERS	((uint64_t)-2L)
#define MODEL_SDEI_DENIED		((uint64_t)-3L)
#define MODEL_SDEI_PENDING		((uint64_t)-5L)
#define MODEL_SDEI_OUT_OF_RESOURCE	((uint64_t)-10L)

/* apf.c: the APF host side (APF v2..v4, on the 2021 SDEI design) */
void model_apf_vcpu_init(struct model_vcpu *v);
bool model_apf_hypercall(struct model_vcpu *v, struct model_hvc *h);
long model_apf_vm_ioctl(struct model_vm *vm, unsigned long req, void *arg);
long model_apf_vcpu_ioctl(struct model_vcpu *v, unsigned long req, void *arg);
void model_apf_check_completion(struct model_vcpu *v);
/* a guest access to a withheld page: true if it became an async PF */
bool model_apf_try_async(struct model_vcpu *v, struct model_slot *s, uint64_t gpa, bool write);

/* the SDEI designs */
extern const struct model_sdei_ops model_sdei_2021;
extern const struct model_sdei_ops model_sdei_v5;
extern const struct model_sdei_ops model_sdei_v6;
extern const struct model_sdei_ops model_sdei_v7;

/* profiles.c */
const struct model_profile *model_profile_find(const char *name);
const char *model_profile_names(void);
bool model_deviation_known(const struct model_profile *p, const char *name);
const char *model_deviation_names(const struct model_profile *p);

#endif /* APF_MODEL_H */
