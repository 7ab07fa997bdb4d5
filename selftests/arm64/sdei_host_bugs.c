// SPDX-License-Identifier: GPL-2.0-only
/*
 * sdei_host_bugs - the SDEI series' bugs that crash or hang the host, each
 * run in a fresh VM, and only when APF_HOST_HAZARDS=1 says that the machine
 * is disposable (the lab sets it). Otherwise each check is skipped, naming
 * the bug. Every check expects what the series intended, so on a kernel
 * with the bug it fails (or the host dies), and on a fixed host or the
 * series model it passes:
 *  - 2021 design (v2, v3, v4): SDEI_EVENT_STATUS of an event a vCPU has
 *    registered dereferences an event pointer it never set (NULL): the host
 *    oopses while holding the VM's SDEI lock, then wedges;
 *  - 2021 design: KVM_ARM_SDEI_COMMAND INJECT_EVENT on the vCPU fd holds the
 *    vCPU's SDEI spinlock, and kvm_sdei_inject() takes it again once the
 *    event is registered and enabled there: the host deadlocks;
 *  - v7: the delivery loop does not advance past a pending event that is
 *    not enabled: SDEI_EVENT_SIGNAL(0) while the event is disabled, then
 *    PE_UNMASK (which requests a delivery), spins in the host forever.
 * Each check takes the host down, so the runner runs them one per process
 * (`sdei_host_bugs N` runs check N only), and the lab one per boot.
 */
#include "sdei_test.h"

#define NR_CHECKS	3

static struct sdei_env env;

static const char * const names[NR_CHECKS] = {
	"2021: STATUS of an event a vCPU registered is REGISTERED (2021 bug: the host dereferences NULL)",
	"2021: INJECT_EVENT of a registered, enabled event is delivered (2021 bug: the vCPU SDEI lock is taken twice, host deadlock)",
	"v7: SIGNAL of a disabled event, then PE_UNMASK delivers nothing; ENABLE delivers it (v7 bug: the delivery loop spins in the host)",
};

static const char * const hazards[NR_CHECKS] = {
	"a NULL dereference in the host's STATUS handler (oops, then the host wedges)",
	"a spinlock taken twice by the INJECT_EVENT ioctl (the host deadlocks)",
	"an endless loop in the host's event delivery",
};

static const unsigned int designs[NR_CHECKS] = { SDEI_ON_21, SDEI_ON_21, SDEI_ON_7 };

static void status_of_registered(void)
{
	struct sdei_vm s;
	struct sdei_vc *v = &s.vc[0];

	sdei_vm_new(&env, &s, 1);
	sdei_start(v);
	sdei_setup_call(v, "REGISTER", APF_SDEI_EVENT_REGISTER, SDEI21_DEFAULT_EVENT,
			(uint64_t)sdei_guest_entry, SDEI_ARG, APF_SDEI_RM_ANY);
	sdei_check_call(v, names[0], APF_SDEI_EVENT_STATUS, SDEI21_DEFAULT_EVENT, 0, 0, 0,
			APF_SDEI_STATUS_REGISTERED);
	sdei_vm_free(&s);
}

static void inject_registered(void)
{
	struct sdei21_cmd *c;
	struct sdei_vm s;
	struct sdei_vc *v = &s.vc[0];
	uint64_t n = 0;
	int r = 0;

	sdei_vm_new(&env, &s, 1);
	sdei_start(v);
	sdei_setup_event(v, SDEI21_DEFAULT_EVENT, sdei_guest_entry);
	sdei_cmd(v, SDEI_OP_PARK);
	if (!env.stop && sdei_prereq(&env, sdei_run(v) == SDEI_RUN_PARKED, "no park")) {
		c = s21_cmd(SDEI21_CMD_INJECT_EVENT);
		c->num = SDEI21_DEFAULT_EVENT;
		r = s21_ioctl(&env, v->vcpu->fd, c);
		sdei_unpark(v);
		sdei_prereq(&env, sdei_run(v) == SDEI_RUN_DONE, "parked again");
		n = v->log->count;
	}
	sdei_result(&env, !r && n == 1, names[1], "INJECT_EVENT %d, %lu deliveries", r, n);
	sdei_vm_free(&s);
}

static void signal_disabled_unmask(void)
{
	struct sdei_vm s;
	struct sdei_vc *v = &s.vc[0];
	uint64_t sig, unmask, n1 = 0, en, n2 = 0;

	sdei_vm_new(&env, &s, 1);
	sdei_start(v);
	sdei_setup_call(v, "REGISTER", APF_SDEI_EVENT_REGISTER, 0, (uint64_t)sdei_guest_entry,
			SDEI_ARG, APF_SDEI_RM_ANY);
	sig = sdei_call(v, APF_SDEI_EVENT_SIGNAL, 0, env.stop ? 0 : sdei_mpidr(v), 0, 0, 0);
	unmask = sdei_call1(v, APF_SDEI_PE_UNMASK, 0);
	n1 = env.stop ? 0 : v->log->count;
	en = sdei_call1(v, APF_SDEI_EVENT_ENABLE, 0);
	n2 = env.stop ? 0 : v->log->count;
	sdei_result(&env, !sig && !unmask && !n1 && !en && n2 == 1, names[2],
		    "SIGNAL 0x%lx, PE_UNMASK 0x%lx (%lu deliveries), ENABLE 0x%lx (%lu deliveries)",
		    sig, unmask, n1, en, n2);
	sdei_vm_free(&s);
}

int main(int argc, char *argv[])
{
	void (*const checks[NR_CHECKS])(void) = {
		status_of_registered, inject_registered, signal_disabled_unmask,
	};
	char why[256];
	const char *na;
	int i, only = 0;

	if (argc > 1) {
		only = atoi(argv[1]);
		if (argc > 2 || only < 1 || only > NR_CHECKS) {
			fprintf(stderr, "usage: %s [1..%d]: run only that check\n", argv[0], NR_CHECKS);
			return 2;
		}
	}
	ksft_print_header();
	ksft_set_plan(only ? 1 : NR_CHECKS);
	sdei_env_init(&env);
	if (env.d < 0)
		apf_skip_rest(only ? 1 : NR_CHECKS, env.probe.sdei_why);

	for (i = 0; i < NR_CHECKS; i++) {
		if (only && i != only - 1)
			continue;
		sdei_group(&env);
		na = sdei_only(&env, designs[i]);
		if (na) {
			sdei_skip(&env, names[i], na);
			continue;
		}
		if (!apf_host_hazards_allowed()) {
			snprintf(why, sizeof(why),
				 "not run: on SDEI %s this is %s; set APF_HOST_HAZARDS=1 on a disposable host",
				 env.abi->name, hazards[i]);
			sdei_skip(&env, names[i], why);
			continue;
		}
		ksft_print_msg("running a check known to crash or hang SDEI %s hosts: %s\n",
			       env.abi->name, hazards[i]);
		checks[i]();
	}
	sdei_finish(&env);
}
