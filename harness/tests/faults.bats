#!/usr/bin/env bats
# The fault matrix (issue 18): each fault is injected on purpose into a real benchmark
# case (the lab, or natively where the KVM host is this machine), and the record must
# name it: its state and reason, the run goes on, resuming works, and nothing is left
# behind (QEMU, cgroups, mounts, temporary directories). Slow (each test boots the lab):
# `make faults`, not `make check`.
#
# Injection points: a profile and memory-cgroup profiles of the test's own
# (harness/bench --profile FILE --cgroups DIR), and harness/bench's test hook
# BENCH_FAULT (guest-panic, guest-hang, host-splat, swap-missing; harness/bench --help).

load common

# Every test is bounded: the case's own timeout (the profile's CASE_TIMEOUT, the lab's
# CASE_TIMEOUT + 300 s), and bats' (seconds).
export BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-900}

setup() {
	common_setup
	BENCH=$TOP/harness/bench
	RES=$BATS_TEST_TMPDIR/results
	CG=$BATS_TEST_TMPDIR/cgroups
	mkdir -p "$CG"
	cp "$TOP/cgroups/short.conf" "$CG/short.conf"
}

# profile KEY=VALUE...: the short profile with these keys changed, as the test's own file
profile() {
	local p=$BATS_TEST_TMPDIR/faults.profile kv
	cp "$TOP/harness/profiles/short.profile" "$p"
	for kv in "$@"; do
		sed -i "s|^${kv%%=*}=.*|$kv|" "$p"
	done
	echo "$p"
}

# bench ARGS...: one case of scenario 1 (with --apf off,on two), in the test's results
bench() {
	run "$BENCH" --scenarios 1 --results "$RES" --cgroups "$CG" --no-tables --tap "$@"
}

# rec CASE: the record of CASE in the one run directory
rec() {
	ls "$RES"/*/records/"$1".rec
}

# Nothing of the run is left: no QEMU (the lab's, natively the guest's: their files are
# in the test's TMPDIR), no temporary directory, no mount under TMPDIR, no cgroup.
nothing_left() {
	run pgrep -f "$BATS_TEST_TMPDIR"
	assert_failure
	run find "$BATS_TEST_TMPDIR" -maxdepth 1 -name 'apf-*'
	assert_output ''
	run grep -F "$BATS_TEST_TMPDIR" /proc/mounts
	assert_failure
	[ ! -e /sys/fs/cgroup/apf-bench ]
}

@test "fault oom: QEMU OOM-killed in a memory cgroup too small for it (60M, no swap) -> oom with the memcg counters" {
	printf 'memory_max=60M\nmemory_high=\nmemory_swap_max=0\n' >"$CG/tiny.conf"
	p=$(profile CGROUPS=tiny CASE_TIMEOUT=300)
	bench --profile "$p" --apf off,on
	# the run goes on past the oom case and completes
	assert_success
	assert_output --partial "not ok 1 - bench s1-i1-apfoff-r1"
	assert_output --partial "# oom: the guest's QEMU was OOM-killed in its memory cgroup"
	assert_output --partial "bench s1-i1-apfon-r1"
	r=$(rec s1-i1-apfoff-r1)
	run cat "$r"
	assert_line state=oom
	assert_line apf_verified=no
	assert_line --regexp '^memcg_events_oom_kill=[1-9][0-9]*$'
	assert_line --regexp '^reason=the guest.s QEMU was OOM-killed in its memory cgroup: memcg_events_oom_kill=[1-9][0-9]*, memcg_events_oom_group_kill=[0-9]+, memcg_events_max=[0-9]+, memory.max 62914560, swap peak [0-9]+ bytes of the KVM host.s [1-9][0-9]* kB \(guest/console.log\)$'
	assert_line host_cgroup_profile=tiny
	refute_line --regexp '^(elapsed_ms|calc_count)='
	rec s1-i1-apfon-r1
	grep -qx complete=yes "$RES"/*/manifest
	# resuming skips it; --retry-failed would run it again
	bench --profile "$p" --apf off --run-id "$(basename "$(dirname "$(dirname "$r")")")"
	assert_success
	assert_output --partial "s1-i1-apfoff-r1: recorded already (oom), skipped"
	nothing_left
}

@test "fault swap full: a swap disk too small for the pressure (16 MB) -> oom, the swap peak at the disk's size" {
	p=$(profile SWAP_MB=16 CASE_TIMEOUT=300)
	bench --profile "$p" --apf off
	assert_success
	r=$(rec s1-i1-apfoff-r1)
	run cat "$r"
	assert_line state=oom
	assert_line --regexp '^reason=the guest.s QEMU was OOM-killed in its memory cgroup: .*memory.max 125829120, swap peak [1-9][0-9]* bytes of the KVM host.s 16380 kB \(guest/console.log\)$'
	# the swap was full: its peak within 1 MB of the disk's size
	peak=$(sed -n 's/^memcg_swap_peak_bytes=//p' "$r")
	[ "$peak" -gt $(((16380 - 1024) * 1024)) ] || fail "swap peak $peak bytes: the swap was not full"
	# the reason gives that peak, not what is left in use after the kill
	assert_line --partial "swap peak $peak bytes of the KVM host"
	nothing_left
}

@test "fault swap missing: no swap on the KVM host (swapoff) -> failed, naming it, before any guest runs" {
	BENCH_FAULT=swap-missing bench --profile "$(profile CASE_TIMEOUT=300)" --apf off
	assert_success
	r=$(rec s1-i1-apfoff-r1)
	run cat "$r"
	assert_line state=failed
	assert_line 'reason=the KVM host has no swap (/proc/swaps lists none; the profile asks for 512 MB)'
	assert_line host_swap_total_kb=0
	refute_line --partial memcg_
	grep -qx fault=swap-missing "$RES"/*/manifest
	nothing_left
}

@test "fault guest panic: the guest's kernel crashes -> failed, naming the console's crash line" {
	BENCH_FAULT=guest-panic bench --profile "$(profile CASE_TIMEOUT=300)" --apf off
	assert_success
	r=$(rec s1-i1-apfoff-r1)
	run cat "$r"
	assert_line state=failed
	assert_line --regexp "^reason=the guest's kernel crashed: .*Kernel panic - not syncing: .* \(guest/console.log\)$"
	refute_line --regexp '^(elapsed_ms|calc_count)='
	grep -q 'sysrq' "$(dirname "$r")/../logs/s1-i1-apfoff-r1/guest/console.log"
	nothing_left
}

@test "fault guest hang: the guest's job never ends -> timeout at the case's timeout, naming the console's last line" {
	BENCH_FAULT=guest-hang bench --profile "$(profile CASE_TIMEOUT=20)" --apf off
	assert_success
	r=$(rec s1-i1-apfoff-r1)
	run cat "$r"
	assert_line state=timeout
	assert_line "reason=the guest did not finish within 20s; its console's last line: apf-fault: the job hangs (guest/console.log)"
	nothing_left
}

@test "fault host splat: the KVM host's kernel WARNs during a case -> failed with the splat, never tabulated" {
	BENCH_FAULT=host-splat bench --profile "$(profile CASE_TIMEOUT=300)" --apf off,on
	assert_success
	r=$(rec s1-i1-apfoff-r1)
	run cat "$r"
	assert_line state=failed
	assert_line --regexp '^kernel_splat=WARNING: CPU: [0-9]+ PID: [0-9]+ at harness/kvmhost/bench-case:1 apf_fault_injected \(BENCH_FAULT=host-splat\)$'
	assert_line --regexp "^reason=the KVM host's kernel reported a bug during the case: WARNING: .* apf_fault_injected \(BENCH_FAULT=host-splat\) \(logs/s1-i1-apfoff-r1/kernel-splats.log; the case itself ended ok\)$"
	# the case ran to its end (its counters are kept), but its figures are gone
	assert_line --regexp '^memcg_events_max='
	refute_line --regexp '^(elapsed_ms|calc_count|calc_rate|bytes_written|passes)='
	[ ! -e "${r%.rec}.timeline" ]
	grep -q apf_fault_injected "$(dirname "$r")/../logs/s1-i1-apfoff-r1/kernel-splats.log"
	# the tables never show its numbers
	run "$TOP/harness/tables" --out "$BATS_TEST_TMPDIR/tables" "$(dirname "$(dirname "$r")")"
	assert_success
	assert_output --partial "Not tabulated: 2 records (failed 1, unavailable 1)"
	assert_output --regexp 'time \(ms\) +Amean +0/0 +unavailable: no run to tabulate \(failed: the KVM host'
	nothing_left
}
