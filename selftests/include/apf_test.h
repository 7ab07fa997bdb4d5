/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * apf_test.h - small helpers shared by the apf-suite selftests, on top of
 * kselftest.h and the KVM selftests library.
 */
#ifndef SELFTEST_KVM_APF_TEST_H
#define SELFTEST_KVM_APF_TEST_H

#include <stdlib.h>
#include <kselftest.h>
#include <kvm_util.h>
#include <ucall_common.h>

/* Report one sub-test; on failure print the details as a diagnostic. */
#define APF_CHECK(cond, name, fmt, ...) do {				\
	if (!(cond))							\
		ksft_print_msg("%s: " fmt "\n", name, ##__VA_ARGS__);	\
	ksft_test_result(cond, "%s\n", name);				\
} while (0)

/* Run the vCPU to its next ucall; guest assertions abort the test. */
static inline uint64_t apf_run_to_ucall(struct kvm_vcpu *vcpu, struct ucall *uc)
{
	uint64_t cmd;

	vcpu_run(vcpu);
	cmd = get_ucall(vcpu, uc);
	if (cmd == UCALL_ABORT)
		REPORT_GUEST_ASSERT(*uc);
	if (cmd == UCALL_PRINTF) {
		ksft_print_msg("guest: %s", uc->buffer);
		return apf_run_to_ucall(vcpu, uc);
	}
	return cmd;
}

/* Run to the next GUEST_SYNC_ARGS(stage, a, b, c, d); returns uc->args[1]. */
static inline uint64_t apf_run_to_sync(struct kvm_vcpu *vcpu, struct ucall *uc)
{
	uint64_t cmd = apf_run_to_ucall(vcpu, uc);

	TEST_ASSERT(cmd == UCALL_SYNC, "expected UCALL_SYNC, got %lu (exit %s)",
		    cmd, exit_reason_str(vcpu->run->exit_reason));
	return uc->args[1];
}

/*
 * The feature under test is absent: report every sub-test not run yet as
 * skipped with @reason and exit KSFT_SKIP (or KSFT_FAIL if an absence check
 * failed before).
 */
static inline __noreturn void apf_skip_rest(unsigned int planned, const char *reason)
{
	while (ksft_test_num() < planned)
		ksft_test_result_skip("%s\n", reason);
	ksft_print_msg("SKIP: %s\n", reason);
	ksft_print_cnts();
	exit(ksft_get_fail_cnt() ? KSFT_FAIL : KSFT_SKIP);
}

/* Exit with the kselftest convention: fail if any sub-test failed. */
static inline __noreturn void apf_finish(void)
{
	ksft_print_cnts();
	exit(ksft_get_fail_cnt() || ksft_get_error_cnt() ? KSFT_FAIL : KSFT_PASS);
}

#endif /* SELFTEST_KVM_APF_TEST_H */
