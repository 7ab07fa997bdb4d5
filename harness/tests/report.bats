#!/usr/bin/env bats
# harness/report: the patch validation report from the layer logs of make check.

setup() {
	TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	FIX=$TOP/harness/tests/fixtures/ci
	R=$TOP/harness/report
	unset KERNEL KSRC
}

@test "report: stock kernel in the lab: kernel, KSRC, ABI profile none, capability absent" {
	run sh "$R" --check-dir "$FIX/check-stock"
	[ "$status" -eq 0 ]
	[[ "$output" == *"kernel:    6.12.95+deb12-cloud-arm64, in the lab (emulated aarch64 host)"* ]]
	[[ "$output" == *"KERNEL:    debian-6.12 (default)"* ]]
	[[ "$output" == *"KSRC:      Debian linux-source-6.12 (default"* ]]
	[[ "$output" == *"APF ABI:   profile none - no APF: FEATURES=0x3, 0x86000002 VERSION a0=0xffffffffffffffff"* ]]
	[[ "$output" == *"SDEI ABI:  profile none - no SDEI: SDEI_VERSION returned -1"* ]]
	[[ "$output" == *"APF ioctl: Invalid argument"* ]]
	[[ "$output" == *"capability: APF absent (stock kernel), SDEI absent (stock kernel)"* ]]
	[[ "$output" == *"verdict: PASS (15 passed, 7 skipped)"* ]]
}

@test "report: layer counts agree with harness/check's (closing line, else TAP)" {
	run sh "$R" --check-dir "$FIX/check-stock"
	[[ "$output" == *"workloads     3 passed,   0 failed,   1 skipped"* ]]
	[[ "$output" == *"selftests     1 passed,   0 failed,   3 skipped"* ]]
	[[ "$output" == *"bats          3 passed,   0 failed,   1 skipped"* ]]
	[[ "$output" == *"total:      15 passed, 0 failed, 7 skipped"* ]]
}

@test "report: skips are grouped by reason, with the tests" {
	run sh "$R" --check-dir "$FIX/check-stock"
	[[ "$output" == *"  no SDEI: SDEI_VERSION returned -1 (1): selftests/sdei"* ]]
	[[ "$output" == *"  APF not in the host kernel: FEATURES=0x3 lacks bit 2 (2): bench/bench s1-i1-apfon-r1, bench/bench s2-i1-apfon-r1"* ]]
	[[ "$output" == *"  not root (1): bats/cgroup: needs root"* ]]
	[[ "$output" == *"== failed"$'\n'"  none"* ]]
}

@test "report: patched kernel: KSRC from the environment, v4/2022 profiles, failures with reasons and logs" {
	KSRC=/src/linux-apf KERNEL=/src/linux-apf/arch/arm64/boot/Image run sh "$R" --check-dir "$FIX/check-patched"
	[ "$status" -eq 0 ]
	[[ "$output" == *"kernel:    6.12.0-apf-v4+, in the lab"* ]]
	[[ "$output" == *"KERNEL:    /src/linux-apf/arch/arm64/boot/Image"* ]]
	[[ "$output" == *"KSRC:      /src/linux-apf"* ]]
	[[ "$output" == *"ABI:       apf=v4 sdei=2022 (runner)"* ]]
	[[ "$output" == *"APF ABI:   profile v4 - FEATURES=0x7 bit 2"* ]]
	[[ "$output" == *"cap:       KVM_CAP_ARM_SDEI(v4)=1"* ]]
	[[ "$output" == *"capability: APF present (v4), SDEI present (2022)"* ]]
	[[ "$output" == *"  selftests/apf_smccc: exit=1 (log: $FIX/check-patched/selftests.log)"* ]]
	[[ "$output" == *"  selftests/apf_uffd: TIMEOUT 120s (log: "* ]]
	[[ "$output" == *"  bench/bench s2-i1-apfon-r1: invalid: guest saw no page-ready interrupt"* ]]
	[[ "$output" == *"  bats/report: names the kernel, KSRC and the ABI profile: (in test file harness/tests/report.bats, line 20)"* ]]
	[[ "$output" == *"selftests     3 passed,   2 failed,   0 skipped  <- see $FIX/check-patched/selftests.log"* ]]
	[[ "$output" == *"verdict: FAIL (4 failed)"* ]]
}

@test "report: selftests and lab tests listed by default, every test with --all" {
	run sh "$R" --check-dir "$FIX/check-stock"
	[[ "$output" == *"  skip selftests/smccc_fwd  # SMCCC filter (KVM_ARM_VM_SMCCC_CTRL/FILTER, Linux 6.4+) not supported by this kernel"* ]]
	[[ "$output" == *"  pass smoke/KVM initialised"* ]]
	[[ "$output" != *"  pass workloads/random fill"* ]]
	run sh "$R" --check-dir "$FIX/check-stock" --all
	[[ "$output" == *"  pass workloads/random fill"* ]]
	[[ "$output" == *"  pass bats/history: append, then changes (0.012 s)"* ]]
}

@test "report: native run takes the kernel from the runner; a layer that exited non-zero without a failure counts one" {
	mkdir -p "$BATS_TEST_TMPDIR/c"
	printf 'TAP version 13\n1..1\n# kernel 6.12.1-apf on aarch64\nok 1 vendor_hyp\nselftests: 1 passed, 0 failed, 0 skipped\n' >"$BATS_TEST_TMPDIR/c/selftests.log"
	echo 0 >"$BATS_TEST_TMPDIR/c/selftests.rc"
	printf 'Segmentation fault\n' >"$BATS_TEST_TMPDIR/c/workloads.log"
	echo 139 >"$BATS_TEST_TMPDIR/c/workloads.rc"
	printf 'ok 1 - x\n' >"$BATS_TEST_TMPDIR/c/smoke.log"
	echo 2 >"$BATS_TEST_TMPDIR/c/smoke.rc"
	run sh "$R" --check-dir "$BATS_TEST_TMPDIR/c"
	[ "$status" -eq 0 ]
	[[ "$output" == *"kernel:    6.12.1-apf, natively on this aarch64 host"* ]]
	[[ "$output" == *"APF ABI:   unknown"* ]]
	[[ "$output" == *"workloads   no results counted"* ]]
	[[ "$output" == *"smoke         1 passed,   1 failed,   0 skipped  exited 2 with no failure counted"* ]]
	[[ "$output" == *"verdict: FAIL (2 failed)"* ]]
}

@test "report: bad usage or no logs is one line, exit 2" {
	run sh "$R" --check-dir /nonexistent
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 1 ]
	run sh "$R" --check-dir "$BATS_TEST_TMPDIR"
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 1 ]
	run sh "$R" --frob
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 1 ]
}

@test "report: same output under dash and busybox sh" {
	command -v busybox >/dev/null || skip "no busybox"
	dash "$R" --check-dir "$FIX/check-patched" --all >"$BATS_TEST_TMPDIR/d"
	busybox sh "$R" --check-dir "$FIX/check-patched" --all >"$BATS_TEST_TMPDIR/b"
	diff -u "$BATS_TEST_TMPDIR/d" "$BATS_TEST_TMPDIR/b"
}

@test "check and report agree: a whole-layer SKIP (selftests with LAB_ARCH=x86_64) is one skip, not a failure" {
	d=$BATS_TEST_TMPDIR/c
	CHECK_DIR=$d CHECK_REPORT="sh $R --check-dir $d" run sh "$TOP/harness/check" \
		"selftests=echo '1..0 # SKIP the selftests are arm64 KVM tests (LAB_ARCH=x86_64)'" \
		"unit=printf 'TAP version 13\n1..1\nok 1 - a\n'"
	[ "$status" -eq 0 ]
	[ "$(cat "$d/selftests.rc")" = 0 ]
	[[ "$output" == *"selftests     0 passed,   0 failed,   1 skipped"* ]]
	[[ "$output" == *"the selftests are arm64 KVM tests (LAB_ARCH=x86_64) (1): selftests/(whole layer)"* ]]
	[[ "$output" == *"verdict: PASS (1 passed, 1 skipped)"* ]]
	[[ "$output" == *"# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:1 error:0"$'\n'"1 passed, 0 failed, 1 skipped" ]]
}

@test "check and report agree: a layer that exits non-zero with nothing failed counts one failure in both" {
	d=$BATS_TEST_TMPDIR/c
	CHECK_DIR=$d CHECK_REPORT="sh $R --check-dir $d" run sh "$TOP/harness/check" "unit=echo 'ok 1 - a'; exit 3"
	[ "$status" -eq 1 ]
	[ "$(cat "$d/unit.rc")" = 3 ]
	[[ "$output" == *"unit          1 passed,   1 failed,   0 skipped  exited 3 with no failure counted"* ]]
	[[ "$output" == *"verdict: FAIL (1 failed)"* ]]
	[[ "$output" == *"unit: exited 3 with no failure counted"* ]]
	[[ "$output" == *"1 passed, 1 failed, 0 skipped" ]]
}

# A df on PATH that prints, as POSIX df -Pk does, AVAIL_KB kilobytes available.
fake_df() {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	printf '#!/bin/sh\necho "Filesystem 1024-blocks Used Available Capacity Mounted on"\necho "/dev/vda 100000000 1 %s 1%%%% /"\n' "$1" >"$BATS_TEST_TMPDIR/bin/df"
	chmod +x "$BATS_TEST_TMPDIR/bin/df"
}

@test "check: a layer after which the disk is full says so in the summary, with the free space" {
	d=$BATS_TEST_TMPDIR/c
	fake_df 20480
	PATH=$BATS_TEST_TMPDIR/bin:$PATH CHECK_DIR=$d run sh "$TOP/harness/check" "unit=echo 'not ok 1 - tar: No space left on device'"
	[ "$status" -eq 1 ]
	[[ "$output" == *"20 MB free on the disk of $TOP"* ]]
	[[ "$output" == *"unit: the disk of $TOP is full after this layer (20 MB free; df -h $TOP)"* ]]
}

@test "check: with room on the disk, the summary has no disk line" {
	d=$BATS_TEST_TMPDIR/c
	fake_df 99000000
	PATH=$BATS_TEST_TMPDIR/bin:$PATH CHECK_DIR=$d run sh "$TOP/harness/check" "unit=echo 'ok 1 - a'"
	[ "$status" -eq 0 ]
	[[ "$output" == *"disk: 96679 MB free on the disk of $TOP"* ]]
	[[ "$output" != *"is full"* ]]
}

@test "check: the summary gives each layer's wall time" {
	d=$BATS_TEST_TMPDIR/c
	CHECK_DIR=$d run sh "$TOP/harness/check" "quick=echo 'ok 1 - a'" "slow=sleep 2; echo 'ok 1 - b'"
	[ "$status" -eq 0 ]
	[[ "$output" == *"  quick: 1 passed, 0 failed, 0 skipped in 0s"* ]]
	[[ "$output" =~ "  slow: 1 passed, 0 failed, 0 skipped in "[23]"s" ]]
}

@test "check: the summary names a layer's three slowest tests from bats' TAP timing (both forms), none without timing" {
	d=$BATS_TEST_TMPDIR/c
	tap='ok 1 a medium test # in 2400 ms\nok 2 the slowest in 61500ms\nok 3 quick # in 3 ms\nok 4 skipped # skip why\nnot ok 5 broken # in 9000 ms\n'
	CHECK_DIR=$d run sh "$TOP/harness/check" "timed=printf '$tap'" "untimed=echo 'ok 1 - a'"
	[ "$status" -eq 1 ]
	[[ "$output" == *$'\n'"    slowest: timed/the slowest (62 s); timed/broken (9 s); timed/a medium test (2 s)"$'\n'* ]]
	[ "$(grep -c 'slowest:' <<<"$output")" -eq 1 ]
	# the timing is no failure reason and no part of a name
	run sh -c ". '$TOP/harness/lib/common.sh'; . '$TOP/harness/lib/tap.sh'; tap_tests '$d/timed.log' timed"
	[[ "$output" == *$'timed\ttimed/broken\tfail\t9.000\t\t5'* ]]
	[[ "$output" == *$'timed\ttimed/quick\tpass\t0.003\t\t3'* ]]
}
