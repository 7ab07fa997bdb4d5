#!/usr/bin/env bats
# harness/lab and harness/deps: argument errors, cache logic, exit-code mapping,
# results channel, timeout handling and cleanup. The boot tests use the real lab.

load common

setup() {
	common_setup
	LABCMD="$TOP/harness/lab"
}

no_lab_process_left() {
	! pgrep -f "$BATS_TEST_TMPDIR" >/dev/null
	[ -z "$(ls -A "$BATS_TEST_TMPDIR")" ] || { ls -la "$BATS_TEST_TMPDIR"; return 1; }
}

@test "lab: no command prints usage and exits 2" {
	run "$LABCMD"
	[ "$status" -eq 2 ]
	[[ "$output" == *"usage: harness/lab"* ]]
}

@test "lab: --help exits 0" {
	run "$LABCMD" --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"Exit status of run"* ]]
}

@test "lab: unknown command is one line, exit 2" {
	run "$LABCMD" frobnicate
	one_line_exit_2
}

@test "lab run: missing command, bad numbers, missing --put path, unknown option" {
	run "$LABCMD" run
	one_line_exit_2
	run "$LABCMD" run --timeout abc -- true
	one_line_exit_2
	run "$LABCMD" run --timeout 0 -- true
	one_line_exit_2
	run "$LABCMD" run --mem 1G -- true
	one_line_exit_2
	run "$LABCMD" run --put /nonexistent/file -- true
	one_line_exit_2
	run "$LABCMD" run --bogus -- true
	one_line_exit_2
	run "$LABCMD" run --timeout
	one_line_exit_2
}

@test "lab: bad LAB, LAB_ARCH and KERNEL values are one line, exit 2" {
	LAB=sometimes run "$LABCMD" run -- true
	one_line_exit_2
	LAB_ARCH=sparc run "$LABCMD" run -- true
	one_line_exit_2
	KERNEL=/nonexistent/Image run "$LABCMD" run -- true
	one_line_exit_2
	KERNEL=debian-5.10 run "$LABCMD" run -- true
	one_line_exit_2
}

@test "lab: LAB=native without a fitting KVM is a clear error, exit 2" {
	if [ "$(uname -m)" = aarch64 ] && [ -w /dev/kvm ]; then
		skip "this host is arm64 with KVM: native is possible"
	fi
	LAB=native run "$LABCMD" run -- true
	one_line_exit_2
	[[ "$output" == *"LAB=native needs a arm64 host with a usable /dev/kvm"* ]]
}

@test "lab accel: picks the lab on a host that is not arm64 with KVM" {
	if [ "$(uname -m)" = aarch64 ] && [ -w /dev/kvm ]; then
		skip "this host is arm64 with KVM"
	fi
	run "$LABCMD" accel
	[ "$status" -eq 0 ]
	[ "$output" = lab ]
	LAB=lab run "$LABCMD" accel
	[ "$output" = lab ]
}

@test "deps: warm cache does no network work and takes seconds" {
	"$TOP/harness/deps" --check >/dev/null || skip "dependencies not installed yet"
	start=$(date +%s)
	run "$TOP/harness/deps"
	[ "$status" -eq 0 ]
	[[ "$output" == *"all set"* ]]
	[ $(($(date +%s) - start)) -lt 10 ]
	run "$TOP/harness/deps" --bogus
	one_line_exit_2
}

@test "image keys: same inputs same key, a changed input a new key" {
	. "$TOP/harness/lib/common.sh"
	. "$TOP/harness/lib/image.sh"
	printf 'a\n' >"$BATS_TEST_TMPDIR/in"
	k1=$(inputs_key "$BATS_TEST_TMPDIR/in" literal)
	k2=$(inputs_key "$BATS_TEST_TMPDIR/in" literal)
	[ "$k1" = "$k2" ]
	printf 'b\n' >"$BATS_TEST_TMPDIR/in"
	k3=$(inputs_key "$BATS_TEST_TMPDIR/in" literal)
	[ "$k1" != "$k3" ]
	k4=$(inputs_key "$BATS_TEST_TMPDIR/in" other)
	[ "$k3" != "$k4" ]
	rm -f "$BATS_TEST_TMPDIR/in"
}

@test "deps cache: complete only when the stamp matches the package list" {
	. "$TOP/harness/lib/common.sh"
	. "$TOP/harness/lib/debs.sh"
	fake=$BATS_TEST_TMPDIR/top
	mkdir -p "$fake/harness/deps.d" "$fake/.cache/debs/arm64"
	printf 'busybox-static\n# comment\nqemu-system-arm\n' >"$fake/harness/deps.d/arm64.list"
	! debs_complete "$fake" arm64
	debs_wanted "$fake" arm64 >"$fake/.cache/debs/arm64/.complete"
	debs_complete "$fake" arm64
	echo jq >>"$fake/harness/deps.d/arm64.list"
	! debs_complete "$fake" arm64
	rm -rf "$fake"
}

@test "lab build: a second build reuses the images" {
	"$TOP/harness/deps" --check >/dev/null || skip "dependencies not installed yet"
	"$LABCMD" build >/dev/null 2>&1
	run "$LABCMD" build
	[ "$status" -eq 0 ]
	[[ "$output" != *"building"* ]]
}

@test "lab run: exit status and results come back; stdout is the console" {
	run "$LABCMD" run --quiet --results "$BATS_TEST_TMPDIR/res" -- \
		sh -c 'echo from-the-lab >"$RESULTS/out"; uname -m >"$RESULTS/arch"; exit 3'
	[ "$status" -eq 3 ] || { echo "$output"; false; }
	[ "$(cat "$BATS_TEST_TMPDIR/res/out")" = from-the-lab ]
	[ "$(cat "$BATS_TEST_TMPDIR/res/arch")" = aarch64 ]
	[ ! -e "$BATS_TEST_TMPDIR/res/.rc" ]
	rm -rf "$BATS_TEST_TMPDIR/res"
	no_lab_process_left
}

@test "lab run: false exits non-zero, --put files arrive" {
	printf 'payload\n' >"$BATS_TEST_TMPDIR/payload.txt"
	run "$LABCMD" run --put "$BATS_TEST_TMPDIR/payload.txt" -- sh -c 'grep -q payload /work/payload.txt && false'
	[ "$status" -eq 1 ]
	rm -f "$BATS_TEST_TMPDIR/payload.txt"
	no_lab_process_left
}

@test "lab run: a hanging command is killed at the timeout, TIMEOUT and the log named" {
	run "$LABCMD" run --quiet --timeout 15 -- sleep 600
	[ "$status" -eq 124 ]
	[[ "$output" == *"TIMEOUT after 15s"* ]]
	[[ "$output" == *"log: "*".log)"* ]]
	no_lab_process_left
}

@test "lab run: TERM while running kills QEMU and cleans up, exit 143" {
	"$LABCMD" run --quiet -- sleep 600 >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
	pid=$!
	for _ in $(seq 100); do
		pgrep -f "$BATS_TEST_TMPDIR.*initrd" >/dev/null && break
		sleep 0.2
	done
	pgrep -f "$BATS_TEST_TMPDIR.*initrd" >/dev/null
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 143 ]
	rm -f "$BATS_TEST_TMPDIR/out"
	sleep 0.5
	no_lab_process_left
}
