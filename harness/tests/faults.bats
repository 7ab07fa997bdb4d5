#!/usr/bin/env bats
# The fault matrix (issue 18): each fault is injected on purpose into a real benchmark
# case (the lab, or natively where the KVM host is this machine), and the record must
# name it: its state and reason, the run goes on, resuming works, and nothing is left
# behind (QEMU, cgroups, mounts, temporary directories). Slow (each test boots the lab):
# `make faults`, not `make check`.
#
# Injection points: a profile and memory-cgroup profiles of the test's own
# (harness/bench --profile FILE --cgroups DIR), and harness/bench's test hook
# BENCH_FAULT (guest-panic, guest-hang, guest-reset, host-splat, swap-missing, lab-reset, and in post-copy qmp-error,
# qmp-hang, dst-dies, postcopy-notice; harness/bench --help).

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

# retried_once CASE REASON_ERE: the case's first attempt was recorded failed with a reason
# matching REASON_ERE, the retry ok; the attempt's logs are kept, the tables' footer counts
# one retried, and nothing is left
retried_once() {
	local r
	r=$(rec "$1")
	run cat "$r.attempt-1"
	assert_line state=failed
	assert_line --regexp "$2"
	run cat "$r"
	assert_line state=ok
	[ -d "$(dirname "$r")/../logs/$1.attempt-1" ]
	run "$TOP/harness/tables" "$(dirname "$(dirname "$r")")"
	assert_output --regexp 'Run +Cases +oom +timeout +failed +invalid +splat +retried'$'\n''[^ ]+ +1 +0 +0 +0 +0 +0 +1'
	nothing_left
}

@test "fault lab reset: the lab host resets without a word (the x86 lab's transient fault) -> the attempt kept, the case run again at once, counted retried" {
	BENCH_FAULT=lab-reset bench --profile "$(profile CASE_TIMEOUT=300)" --apf off
	assert_success
	retried_once s1-i1-apfoff-r1 '^reason=the case ended with status 125 and no record: the lab host reset without a message \(a triple fault or an emulator fault\) \(logs/s1-i1-apfoff-r1/lab.log\)$'
}

@test "fault guest reset: the guest resets without a word (as x86 lab guests did) -> the attempt kept, the case run again at once, counted retried" {
	BENCH_FAULT=guest-reset bench --profile "$(profile CASE_TIMEOUT=300)" --apf off
	assert_success
	retried_once s1-i1-apfoff-r1 '^reason=the guest ended with status 125 \(no status came back\): the guest reset without a message \(a triple fault or an emulator fault\); its console.s last line: .*\(guest\.log, guest/console\.log\)$'
}

@test "fault guest hang: the guest's job never ends -> timeout at the case's timeout, naming the console's last line and where the vCPUs were" {
	BENCH_FAULT=guest-hang bench --profile "$(profile CASE_TIMEOUT=20)" --apf off
	assert_success
	r=$(rec s1-i1-apfoff-r1)
	run cat "$r"
	assert_line state=timeout
	# its job asleep, the guest idles: its vCPU's PC in the kernel's idle code, named from
	# the lab host's kallsyms (the lab boots one kernel build as host and guest)
	assert_line --regexp "^reason=the guest did not finish within 20s; its console's last line: apf-fault: the job hangs; where its vCPUs were: cpu0: (moving, .*)?[0-9a-f]{16} \([A-Za-z0-9_.]+\+0x[0-9a-f]+\) .*\(guest/console\.log, guest/stuck\.txt\)$"
	run cat "$(dirname "$r")/../logs/s1-i1-apfoff-r1/guest/stuck.txt"
	assert_line --regexp '^# \(harness/lib/kvmhost/stuck\.sh\); guest _text: [0-9a-f]{16}$'
	assert_line 'sample 3'
	assert_line --regexp '^ ?(PC|RIP)=[0-9a-f]{16} '
	assert_line --regexp '^cpu0 thread [0-9]+$'
	# the lab host's side: the vCPU thread, and a kernel stack
	assert_line --regexp '^thread [0-9]+ \(CPU 0/KVM\) state [A-Z] wchan .*, CPU over the samples [0-9]+ ms, in the guest [0-9]+ ms$'
	assert_line --regexp '^\[<0>\] [A-Za-z0-9_.]+\+0x'
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

# The post-copy faults: one case of scenario 3, its migration's bandwidth limited so that
# post-copy lasts (tens of seconds) for a fault to land in it.
pc_profile() {
	profile CASE_TIMEOUT=600 MIGRATE_BANDWIDTH=16000000 "$@"
}

bench3() {
	run "$BENCH" --scenarios 3 --results "$RES" --cgroups "$CG" --no-tables --tap "$@"
}

# resumes RUN_DIR ARGS...: harness/bench run again on RUN_DIR skips its recorded cases
resumes() {
	local d=$1
	shift
	bench3 --run-id "$(basename "$d")" "$@"
	assert_success
	assert_output --partial "resuming $d"
	assert_output --partial "recorded already"
}

@test "fault QMP error: QEMU answers query-migrate with errors in post-copy -> failed, naming QEMU's error" {
	p=$(pc_profile)
	BENCH_FAULT=qmp-error bench3 --profile "$p" --apf off
	assert_success
	r=$(rec s3-i1-apfoff-r1)
	run cat "$r"
	assert_line state=failed
	# the fault landed in post-copy, and the reason quotes QEMU's error reply
	assert_line mig_postcopy=yes
	assert_line --regexp "^reason=the post-copy migration failed: the source's QMP failed query-migrate 3 times in a row \(last status 'postcopy-active'\): query-migrate: GenericError: [^()]*apf-fault[^()]* \(exit 1, migrate.log\)$"
	refute_line --regexp '^(elapsed_ms|calc_count)='
	grep -qx fault=qmp-error "$RES"/*/manifest
	BENCH_FAULT=qmp-error resumes "$(dirname "$(dirname "$r")")" --profile "$p" --apf off
	nothing_left
}

@test "fault QMP hang: the source's QMP monitor stops answering in post-copy -> failed after 3 unanswered polls, not at the case's timeout" {
	p=$(pc_profile)
	t0=$SECONDS
	BENCH_FAULT=qmp-hang bench3 --profile "$p" --apf off
	assert_success
	r=$(rec s3-i1-apfoff-r1)
	run cat "$r"
	assert_line state=failed
	assert_line mig_postcopy=yes
	assert_line --regexp "^reason=the post-copy migration failed: the source's QMP monitor stopped answering: no reply to query-migrate within 10 s, 3 times in a row \(last status 'postcopy-active'\) \(exit 1, migrate.log\)$"
	# the harness gave up on the monitor (3 x 10 s), it did not wait for the 600 s timeout
	w=$(sed -n 's/^mig_wall_ms=//p' "$r")
	[ "$w" -lt 200000 ] || fail "the migration ran ${w} ms: the harness waited for its deadline"
	BENCH_FAULT=qmp-hang resumes "$(dirname "$(dirname "$r")")" --profile "$p" --apf off
	nothing_left
}

@test "fault destination dies: the destination QEMU is killed in post-copy -> failed, naming it; the run goes on" {
	p=$(pc_profile)
	BENCH_FAULT=dst-dies bench3 --profile "$p" --apf off,on
	assert_success
	r=$(rec s3-i1-apfoff-r1)
	run cat "$r"
	assert_line state=failed
	assert_line mig_postcopy=yes
	assert_line --regexp "^reason=the post-copy migration failed: the source's migration status became '(postcopy-paused|failed)' \(exit 1, migrate.log; the destination QEMU exited during the migration \(dst-qemu.log\)\)$"
	refute_line --regexp '^(elapsed_ms|calc_count)='
	# the run went on to the next case and completed
	rec s3-i1-apfon-r1
	grep -qx complete=yes "$RES"/*/manifest
	BENCH_FAULT=dst-dies resumes "$(dirname "$(dirname "$r")")" --profile "$p" --apf off,on
	nothing_left
}

# signal_in_postcopy SIG STATUS [group]: harness/bench gets SIG while its case is in
# post-copy (with "group", every process of its process group does, as from timeout(1)
# or a terminal's Ctrl-C): it stops within a minute with STATUS, no record of the case,
# nothing left; the same command then resumes the run and records the case.
signal_in_postcopy() {
	local sig=$1 want=$2 group=${3:-} p pid i rc d
	p=$(pc_profile)
	# a command started with & ignores SIGINT (POSIX, without job control), and a shell
	# cannot trap a signal ignored at its start: restore it, as a terminal's Ctrl-C finds it
	# (setsid: a process group of its own, whose id is its pid)
	BENCH_FAULT=postcopy-notice setsid env --default-signal=INT "$BENCH" --scenarios 3 --results "$RES" --cgroups "$CG" --no-tables \
		--profile "$p" --apf off >"$BATS_TEST_TMPDIR/bench.out" 2>&1 3>&- &
	pid=$!
	for i in $(seq 1200); do
		grep -qs 'apf-fault: post-copy active' "$BATS_TEST_TMPDIR"/apf-lab.*/console && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.5
	done
	grep -qs 'apf-fault: post-copy active' "$BATS_TEST_TMPDIR"/apf-lab.*/console ||
		fail "the case never reached post-copy: $(cat "$BATS_TEST_TMPDIR/bench.out")"
	if [ "$group" = group ]; then
		kill "-$sig" -- "-$pid"
	else
		kill "-$sig" "$pid"
	fi
	for i in $(seq 120); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.5
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid"
		fail "harness/bench still ran 60 s after SIG$sig"
	fi
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" = "$want" ] || fail "harness/bench exited $rc after SIG$sig, not $want: $(cat "$BATS_TEST_TMPDIR/bench.out")"
	run cat "$BATS_TEST_TMPDIR/bench.out"
	assert_line --partial "stopping the case running (s3-i1-apfoff-r1): it is not recorded"
	# no record, whole or half, of the interrupted case; the run is not complete
	d=$(ls -d "$RES"/*/)
	d=${d%/}
	run ls -A "$d/records"
	assert_output ''
	run grep -x complete=yes "$d/run.kv" "$d/manifest"
	assert_failure
	nothing_left
	# the same command resumes the run and records the case, whole: it ran again, its
	# migration to the end (whether the guest then finishes in time is the host's load)
	BENCH_FAULT=postcopy-notice bench3 --profile "$p" --apf off
	assert_success
	assert_output --partial "resuming $d"
	run cat "$d/records/s3-i1-apfoff-r1.rec"
	assert_line --regexp '^state=(ok|timeout)$'
	assert_line mig_status=completed
	assert_line --regexp '^case_wall_s=[0-9]+$'
	# the guest's clock on the monitor's: the source printed the up marker, the
	# destination wrote guest.kv (it was empty, and the plots of [3] were off by the boot)
	run cat "$d/monitors/s3-i1-apfoff-r1/monitor.kv"
	assert_line --regexp '^guest_offset_s=[0-9]+\.[0-9]+$'
	grep -qx complete=yes "$d/manifest"
	nothing_left
}

@test "fault SIGINT in post-copy: harness/bench stops at once, exit 130, no record, nothing left; the run resumes" {
	signal_in_postcopy INT 130
}

@test "fault SIGTERM in post-copy: harness/bench stops at once, exit 143, no record, nothing left; the run resumes" {
	signal_in_postcopy TERM 143
}

@test "fault SIGTERM to the whole process group in post-copy (timeout(1), kill -- -PGID): exit 143, no record, nothing left; the run resumes" {
	signal_in_postcopy TERM 143 group
}
