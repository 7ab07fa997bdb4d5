#!/usr/bin/env bats
# selftests/run and selftests/lab-check with fake tests: a host kernel that
# reports a bug during a test makes it FAIL with the lines; a fatal one, or a
# test that cannot be killed, stops the runner (exit 3) and lab-check goes on
# in a fresh lab boot; a host that stops answering costs the test's own
# timeout; a model deviation passes only if its named check fails. The
# native tests write fake splats into /dev/kmsg (root only); the last one
# boots the lab.

load common
bats_require_minimum_version 1.5.0

setup() {
	common_setup
	BIN=$BATS_TEST_TMPDIR/bin
	mkdir -p "$BIN/tests" "$BIN/tests-model"
	cp "$TOP/selftests/run" "$TOP/harness/lib/kernel-splat.patterns" "$BIN/"
	: >"$BIN/upstream.list"
}

need_kmsg() {
	if [ ! -w /dev/kmsg ] || ! dmesg -r >/dev/null 2>&1; then
		skip "needs root: writes fake splats into /dev/kmsg"
	fi
}

# fake_test NAME BODY: an executable shell script tests/NAME
fake_test() {
	printf '#!/bin/sh\n%s\n' "$2" >"$BIN/tests/$1"
	chmod +x "$BIN/tests/$1"
}

# every test of OUR_TESTS that the case does not set passes
fill_tests() {
	for t in vendor_hyp fw_regs smccc_fwd sdei sdei_vmm apf_smccc apf_ioctl apf_uffd sdei_host_bugs; do
		[ -e "$BIN/tests/$t" ] || fake_test "$t" 'echo "ok 1 fake"; exit 0'
	done
}

@test "run: a WARN in the kernel log while a test runs fails that test, with the lines; the next runs" {
	need_kmsg
	fake_test fw_regs "echo 'WARNING: CPU: 0 PID: 4242 at fake/apf-suite-test.c:1 fake_warn+0x0/0x4' >/dev/kmsg; exit 0"
	fill_tests
	run -1 "$BIN/run" -t vendor_hyp -t fw_regs -t smccc_fwd
	[[ "$output" == *"not ok 2 fw_regs # the host kernel reported a bug while it ran: WARNING: CPU: 0 PID:"* ]]
	[[ "$output" == *"#   kernel: "*"WARNING: CPU: 0 PID:"*"fake/apf-suite-test.c:1"* ]]
	[[ "$output" == *"ok 3 smccc_fwd"* ]]
	[[ "$output" == *"selftests: 2 passed, 1 failed, 0 skipped"* ]]
}

@test "run: an oops stops the runner: Bail out!, exit 3, the rest is not run" {
	need_kmsg
	fake_test fw_regs "echo 'Unable to handle kernel NULL pointer dereference at virtual address 0 (fake, apf-suite test)' >/dev/kmsg; exit 0"
	fill_tests
	run -3 "$BIN/run" -t vendor_hyp -t fw_regs -t smccc_fwd
	[[ "$output" == *"not ok 2 fw_regs # the host kernel reported a bug"* ]]
	[[ "$output" != *"smccc_fwd"* ]]
	[[ "$output" == *"Bail out! the host kernel broke down during test 2; tests 3..3 need a fresh host"* ]]
}

@test "run: a test that cannot be killed means a wedged host: TIMEOUT, Bail out!, exit 3, in bounded time" {
	# the test stops its parent, timeout(1): the kill never comes
	# shellcheck disable=SC2016 # expanded by the fake test
	fake_test fw_regs 'kill -STOP $PPID; sleep 100'
	fill_tests
	SECONDS=0
	SELFTESTS_KILL_GRACE=6 run -3 "$BIN/run" --timeout 2 -t fw_regs -t smccc_fwd
	[ "$SECONDS" -lt 20 ]
	[[ "$output" == *"not ok 1 fw_regs # TIMEOUT 2s: it could not be killed, the host is wedged"* ]]
	[[ "$output" == *"Bail out!"* ]]
	pkill -KILL -f "$BIN/tests/fw_regs" || true
	pkill -CONT -f "timeout -k 5 2" || true
}

@test "run: a test over its timeout is killed and reported, the next runs" {
	fake_test fw_regs 'sleep 100'
	fill_tests
	run -1 "$BIN/run" --timeout 2 -t fw_regs -t smccc_fwd
	[[ "$output" == *"not ok 1 fw_regs # TIMEOUT 2s"* ]]
	[[ "$output" == *"ok 2 smccc_fwd"* ]]
}

@test "run: a model deviation passes only if its named check fails" {
	printf 'apf-v4 wrong-token apf_uffd the token of page-not-present\napf-v4 no-ppi apf_uffd a page-ready per page\n' >"$BIN/deviations.list"
	cat >"$BIN/tests-model/apf_uffd" <<'EOF'
#!/bin/sh
[ "$APF_MODEL" = apf-v4 ] || exit 9
case $APF_MODEL_DEVIATE in
wrong-token) echo "not ok 6 EL0: page-ready carries the token of page-not-present"; exit 1 ;;
*) echo "ok 1 fine"; exit 0 ;;
esac
EOF
	chmod +x "$BIN/tests-model/apf_uffd"
	run -1 "$BIN/run" --deviations -t deviation/apf-v4/wrong-token -t deviation/apf-v4/no-ppi
	[[ "$output" == *"ok 1 deviation/apf-v4/wrong-token # caught: 6 EL0: page-ready carries the token"* ]]
	[[ "$output" == *"not ok 2 deviation/apf-v4/no-ppi # NOT caught by 'a page-ready per page' (exit 0)"* ]]
}

@test "run: a test excluded in upstream.list is a SKIP with its reason, never dropped" {
	mkdir -p "$BIN/upstream/aarch64"
	printf '#!/bin/sh\necho "ok 1 fake"\n' >"$BIN/upstream/aarch64/hypercalls"
	chmod +x "$BIN/upstream/aarch64/hypercalls"
	printf 'run aarch64/hypercalls\nexclude aarch64/vgic_init EIO in the nested lab host, 120 s\n' >"$BIN/upstream.list"
	run -0 "$BIN/run" --upstream-only -l
	assert_line "2 upstream/aarch64/vgic_init (skip: excluded in upstream.list: EIO in the nested lab host, 120 s)"
	run -0 "$BIN/run" --upstream-only
	assert_line "ok 1 upstream/aarch64/hypercalls"
	assert_line "ok 2 upstream/aarch64/vgic_init # SKIP excluded in upstream.list: EIO in the nested lab host, 120 s"
	assert_line "selftests: 1 passed, 0 failed, 1 skipped"
	printf 'exclude aarch64/vgic_init\n' >"$BIN/upstream.list"
	run -2 "$BIN/run" --upstream-only
	assert_output --partial "upstream.list:1: expected: exclude <path> <reason>"
}

@test "run: a slow upstream test is a SKIP saying so, and runs with --slow" {
	mkdir -p "$BIN/upstream"
	printf '#!/bin/sh\necho "ok 1 fake"\n' >"$BIN/upstream/dirty_log_test"
	chmod +x "$BIN/upstream/dirty_log_test"
	printf 'run slow timeout=300 dirty_log_test -i 3\n' >"$BIN/upstream.list"
	run -0 "$BIN/run" --upstream-only
	assert_line "ok 1 upstream/dirty_log_test # SKIP slow (up to 300 s in the lab): run with --slow (make selftests-slow)"
	run -0 "$BIN/run" --upstream-only --slow -l
	assert_line "1 upstream/dirty_log_test -i 3 (timeout 300s)"
	run -0 "$BIN/run" --upstream-only --slow
	assert_line "ok 1 upstream/dirty_log_test"
	assert_line "selftests: 1 passed, 0 failed, 0 skipped"
}

@test "run: --start skips the earlier tests, keeping their numbers" {
	fill_tests
	run -0 "$BIN/run" --start 2 -t vendor_hyp -t fw_regs -t smccc_fwd
	[[ "$output" == *"1..3"* ]]
	[[ "$output" != *"vendor_hyp"* ]]
	[[ "$output" == *"ok 2 fw_regs"* ]]
	[[ "$output" == *"ok 3 smccc_fwd"* ]]
}

@test "run: bad options are one line and exit 2, and nothing is made" {
	fill_tests
	for args in "--timeout 0600" "--timeout 0" "--timeout x" "--timeout 9999999" "--start 0" \
		"--start 99" "--model bogus" "--frob" "--timeout" "--timeout 5 --timeout 6" \
		"--timeout=5 --timeout 6" "--start 1 --start 2" "-t nosuch" "-t vendor_hyp -t nosuch" \
		"-t a;b" "--list $BIN" "--upstream-only" "--model-only apf-v4"; do
		# shellcheck disable=SC2086
		run -2 "$BIN/run" $args
		one_line_exit_2
	done
	run -2 "$BIN/run" -t ''
	one_line_exit_2
	assert_output "run: -t '': a test name as -l prints it"
	run -2 "$BIN/run" --list ''
	one_line_exit_2
	run -2 "$BIN/run" -t "$(printf 'a\nb')"
	one_line_exit_2
	run -2 "$BIN/run" --upstream-only
	assert_output 'run: no test to run (see -l and --help)'
	run -2 "$BIN/run" -t vendor_hyp -t nosuch
	assert_output 'run: -t nosuch: no such test among those selected (see -l)'
	# nothing was made beside the binaries: no logs, no plan
	[ ! -e "$BIN/logs" ]
	run -0 "$BIN/run" -t vendor_hyp -t sdei_host_bugs -l
	assert_output "$(printf '1 vendor_hyp (timeout 120s)\n2 sdei_host_bugs/1 1 (timeout 30s)\n3 sdei_host_bugs/2 2 (timeout 30s)\n4 sdei_host_bugs/3 3 (timeout 30s)')"
}

@test "lab-check: an oops and a host that stops answering each cost one boot; the rest runs on a fresh host" {
	[ -e "$TOP/.cache/lab" ] || skip "the lab is not built here (make deps; harness/lab smoke)"
	fake_test vendor_hyp 'echo "ok 1 fake"'
	fake_test fw_regs "echo 'Unable to handle kernel paging request (fake, apf-suite test)' >/dev/kmsg; exit 0"
	# freezes the runner in the lab host: from outside, the host stops answering
	# shellcheck disable=SC2016 # expanded by the fake test
	fake_test smccc_fwd 'kill -STOP $(ps -o pid,args | awk "/[s]h \/work\/selftests\/run/ { print \$1 }"); sleep 100'
	fill_tests
	SECONDS=0
	BUILD=$BIN LAB_CHECK_GRACE=5 run -1 "$TOP/selftests/lab-check" -- --timeout 5 -t vendor_hyp -t fw_regs -t smccc_fwd -t sdei
	echo "$output"
	[[ "$output" == *"ok 1 vendor_hyp"* ]]
	[[ "$output" == *"not ok 2 fw_regs # the host kernel reported a bug"* ]]
	[[ "$output" == *"not ok 3 smccc_fwd # TIMEOUT: its deadline passed with no word from the lab host"* ]]
	[[ "$output" == *"ok 4 sdei"* ]]
	[[ "$output" == *"selftests: 2 passed, 2 failed, 0 skipped"* ]]
	# three boots; the stuck step cost its 5 s + 15 s + 5 s, not the lab's timeout
	[ "$SECONDS" -lt 150 ]
	run ! pgrep -f "$BATS_TEST_TMPDIR"
}
