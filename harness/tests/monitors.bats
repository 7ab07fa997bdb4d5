#!/usr/bin/env bats
# The monitors (issue 15): the KVM host's sampler and its cleanup, the async PF trace
# paired by token, the latency distribution, the guest's sampler; harness/plots. Nothing
# here boots the lab.

load common
bats_require_minimum_version 1.5.0

setup() {
	common_setup
	W=$BATS_TEST_TMPDIR
}

# a sampler a broken test left running (a mutant) does not outlive the test
teardown() {
	for p in "$W/g/pid" "$W/pid"; do
		[ ! -f "$p" ] || sh -c ". '$TOP/harness/lib/common.sh'; kill_tree \"\$1\"" sh "$(cat "$p")" || :
	done
}

# ---- the monitors: the async PF trace, its latencies ----

@test "trace: not-present and ready paired by token from the monitor's marker; broadcast, unpaired and early events counted, never paired" {
	mkdir "$W/m"
	run -0 awk -v out="$W/m" -f "$TOP/harness/lib/kvmhost/apf-trace.awk" "$TOP/harness/tests/fixtures/monitor/trace"
	assert_output "$(printf '%s\n' host_apf_latency_n=2 host_apf_unpaired_not_present=2 host_apf_unpaired_ready=1 \
		host_apf_broadcast_ready=1 host_apf_reissued_not_present=0)"
	run cat "$W/m/apf-latency.tsv"
	assert_output "$(printf '# start_s token latency_us\n0.500010 0x1001 12000\n1.200000 0x2001 200')"
	run cat "$W/m/trace.tsv"
	assert_output "$(printf '%s\n' '# t_s kvm_async_pf_not_present kvm_async_pf_ready kvm_async_pf_completed kvm_try_async_get_page kvm_async_pf_repeated_fault' \
		'0 2 1 1 1 0' '1 1 1 0 1 1' '2 1 1 0 0 0' '3 0 1 0 0 0')"
}

@test "trace: busybox awk gives the same pairs as the host's awk" {
	command -v busybox >/dev/null || skip "no busybox on this host"
	mkdir "$W/a" "$W/b"
	awk -v out="$W/a" -f "$TOP/harness/lib/kvmhost/apf-trace.awk" "$TOP/harness/tests/fixtures/monitor/trace" >"$W/a/keys"
	busybox awk -v out="$W/b" -f "$TOP/harness/lib/kvmhost/apf-trace.awk" "$TOP/harness/tests/fixtures/monitor/trace" >"$W/b/keys"
	run -0 diff -r "$W/a" "$W/b"
}

@test "latency: nearest-rank percentiles, mean, sum and a power-of-two histogram with its empty buckets" {
	seq 1 100 | awk '{ print "0.0 0x" $1 " " $1 }' >"$W/lat"
	run -0 awk -v hist="$W/hist" -f "$TOP/harness/lib/kvmhost/apf-latency.awk" "$W/lat"
	assert_output "$(printf '%s\n' host_apf_latency_min_us=1 host_apf_latency_p50_us=50 host_apf_latency_p90_us=90 \
		host_apf_latency_p99_us=99 host_apf_latency_max_us=100 host_apf_latency_mean_us=51 host_apf_latency_sum_ms=5)"
	run cat "$W/hist"
	assert_output "$(printf '%s\n' '# lo_us hi_us count' '1 2 1' '2 4 2' '4 8 4' '8 16 8' '16 32 16' '32 64 32' '64 128 37')"
	printf '0.0 0x1 0\n0.0 0x2 3000\n' | awk -v hist="$W/h2" -f "$TOP/harness/lib/kvmhost/apf-latency.awk" >/dev/null
	run cat "$W/h2"
	assert_line '0 1 1'
	assert_line '2048 4096 1'
	assert_line '1024 2048 0'
}

@test "latency: unsorted or non-numeric input is refused with the line; no latency at all is a sum of 0" {
	printf '0.0 0x1 30\n0.0 0x2 20\n' >"$W/lat"
	run -2 awk -f "$TOP/harness/lib/kvmhost/apf-latency.awk" "$W/lat"
	assert_output 'apf-latency.awk: line 2: not sorted by latency'
	printf '0.0 0x1 3.5\n' >"$W/lat"
	run -2 awk -f "$TOP/harness/lib/kvmhost/apf-latency.awk" "$W/lat"
	assert_output 'apf-latency.awk: line 1: latency_us is not a whole number: 3.5'
	printf '# start_s token latency_us\n' >"$W/lat"
	run -0 awk -f "$TOP/harness/lib/kvmhost/apf-latency.awk" "$W/lat"
	assert_output 'host_apf_latency_sum_ms=0'
}

# ---- the monitors: the KVM host's sampler and its cleanup ----

# fake_host: a fake memory cgroup $W/cg/apf-bench and a fake tracefs $W/tr (the fixture
# trace, the events' enable files), and $W/mon.sh: sources the KVM host's libraries and
# runs its arguments as shell code, under busybox sh when MON_SH=busybox
fake_host() {
	mkdir -p "$W/cg/apf-bench" "$W/tr"
	echo 1000 >"$W/cg/apf-bench/memory.current"
	printf 'low 0\nhigh 0\nmax 7\noom 0\noom_kill 0\n' >"$W/cg/apf-bench/memory.events"
	printf 'anon 0\npgmajfault 42\nworkingset_refault_anon 9\n' >"$W/cg/apf-bench/memory.stat"
	for e in kvm_async_pf_not_present kvm_async_pf_ready kvm_async_pf_completed kvm_try_async_get_page kvm_async_pf_repeated_fault; do
		mkdir -p "$W/tr/events/kvm/$e"
		echo 0 >"$W/tr/events/kvm/$e/enable"
	done
	mkdir -p "$W/tr/events/kvm/kvm_exit"
	echo 0 >"$W/tr/events/kvm/kvm_exit/enable"
	cp "$TOP/harness/tests/fixtures/monitor/trace" "$W/tr/trace"
	cat >"$W/mon.sh" <<-SH
	APF_PROG=test TOP='$TOP' CGROUP_ROOT='$W/cg' APF_TRACEFS=\${APF_TRACEFS:-'$W/tr'}
	. "\$TOP/harness/lib/common.sh"
	. "\$TOP/harness/lib/kvmhost/case.sh"
	. "\$TOP/harness/lib/kvmhost/monitor.sh"
	install_traps
	eval "\$1"
	SH
}

# gone PID: PID and every process it started have ended (waits up to 3 s)
gone() {
	for _ in $(seq 30); do
		kill -0 "$1" 2>/dev/null || { [ -z "$(ps -o pid= --ppid "$1")" ] && return 0; }
		sleep 0.1
	done
	ps -o pid,ppid,args --ppid "$1" -p "$1"
	return 1
}

@test "monitor: a sample a second of the memory cgroup and /proc, the async PF events on, then off, the trace turned into latencies" {
	fake_host
	run -0 sh "$W/mon.sh" 'monitor_start "$2/m" apf-bench; echo "pid $MON_PID"; sleep 3.5; monitor_stop' "$W"
	pid=$(echo "$output" | sed -n 's/^pid //p')
	gone "$pid"
	assert_line --regexp '^host_monitor_cpu_ms=[0-9]+$'
	assert_line --regexp '^host_monitor_samples=[2-6]$'
	assert_line 'host_apf_trace_events=kvm_async_pf_completed kvm_async_pf_not_present kvm_async_pf_ready kvm_async_pf_repeated_fault kvm_try_async_get_page'
	assert_line host_apf_latency_n=2
	assert_line host_apf_latency_p50_us=200
	assert_line host_apf_latency_p90_us=12000
	assert_line --regexp '^host_monitor_post_ms=[0-9]+$'
	# the events this monitor switched on are off again; others were never touched
	run cat "$W"/tr/events/kvm/*/enable
	assert_output "$(printf '0\n%.0s' 1 2 3 4 5 6)"
	# host.tsv: the header, then samples: t, the cgroup's files, /proc/vmstat's counters
	run sed -n 1p "$W/m/host.tsv"
	assert_output --regexp '^# t_s memcg_current_bytes memcg_swap_bytes memcg_events_high memcg_events_max '
	run sed -n 2p "$W/m/host.tsv"
	assert_output --regexp '^0\.00 1000 - 0 7 0 42 9 [0-9]+ [0-9]+ [0-9]+ '
	run sed -n 3p "$W/m/host.tsv"
	assert_output --regexp '^[12]\.[0-9]{2} 1000 '
	grep -qx 'trace_events=kvm_async_pf_completed kvm_async_pf_not_present kvm_async_pf_ready kvm_async_pf_repeated_fault kvm_try_async_get_page' "$W/m/monitor.kv"
	[ "$(cat "$W/tr/trace_marker")" = "apf-monitor start" ]
	[ -s "$W/m/apf-latency.hist" ]
	[ -s "$W/m/trace.tsv" ]
}

@test "monitor: a case that ends without monitor_stop (finish, exit) leaves no sampler: the exit cleanup stops it" {
	fake_host
	run -0 sh "$W/mon.sh" 'monitor_start "$2/m" apf-bench; echo "pid $MON_PID"; sleep 1.2; exit 0' "$W"
	gone "$(echo "$output" | sed -n 's/^pid //p')"
	run cat "$W"/tr/events/kvm/kvm_async_pf_ready/enable
	assert_output 0
}

@test "monitor: a case killed outright (SIGKILL: no cleanup runs) leaves no sampler: it ends with its case" {
	fake_host
	sh "$W/mon.sh" 'monitor_start "$2/m" apf-bench; echo "$MON_PID" >"$2/pid"; kill -KILL $$' "$W" || :
	pid=$(cat "$W/pid")
	gone "$pid"
}

@test "monitor: under busybox sh, and with no tracefs: the samples, no trace keys, trace=unavailable" {
	command -v busybox >/dev/null || skip "no busybox on this host"
	fake_host
	run -0 env APF_TRACEFS=none busybox sh "$W/mon.sh" 'monitor_start "$2/m" apf-bench; echo "pid $MON_PID"; sleep 1.5; monitor_stop' "$W"
	gone "$(echo "$output" | sed -n 's/^pid //p')"
	refute_line --partial host_apf_
	assert_line --regexp '^host_monitor_samples=[1-3]$'
	grep -qx 'trace=unavailable' "$W/m/monitor.kv"
}


# ---- harness/plots ----

# plot_run DIR: a run directory with the monitors of two cases, -APF and +APF
plot_run() {
	for c in s2-i1-apfoff-r1 s2-i1-apfon-r1; do
		m=$1/monitors/$c
		mkdir -p "$m" "$1/records"
		awk -v header=1 -f "$TOP/harness/lib/kvmhost/monitor-sample.awk" >"$m/host.tsv"
		printf '0.00 1048576 0 0 1 0 0 0 0 0 10 0.00 0.00 0 0 0 0\n1.00 2097152 1048576 0 2 0 5 1 100 50 20 1.50 1.00 10 5 10 5\n2.00 2097152 1048576 0 3 0 9 2 300 50 40 2.50 2.00 20 10 20 10\n' >>"$m/host.tsv"
		awk -v out="$m" -f "$TOP/harness/lib/kvmhost/apf-trace.awk" "$TOP/harness/tests/fixtures/monitor/trace" >/dev/null
		sort -n -k3,3 "$m/apf-latency.tsv" | awk -v hist="$m/apf-latency.hist" -f "$TOP/harness/lib/kvmhost/apf-latency.awk" >/dev/null
		printf '0.00 0\n1.00 10\n2.00 30\n# cpu_ms 10\n' >"$m/guest.tsv"
		printf 'interval_s=1\nguest_offset_s=0.5\n' >"$m/monitor.kv"
		printf '1 57.269 1000.5\n2 1100 800\n' >"$1/records/$c.timeline"
	done
}

@test "plots: the monitors' rates: the difference to the sample before over the time between them" {
	plot_run "$W/r"
	run -0 awk -v kind=host -f "$TOP/harness/tables.d/monitors.awk" "$W/r/monitors/s2-i1-apfon-r1/host.tsv"
	assert_output "$(printf '%s\n' '0.00 1 0 ? ? ? 0.00 0.00' '1.00 2 1 100 50 10 1.50 1.00' '2.00 2 1 200 0 20 2.50 2.00')"
	run -0 awk -v kind=guest -v offset=0.5 -f "$TOP/harness/tables.d/monitors.awk" "$W/r/monitors/s2-i1-apfon-r1/guest.tsv"
	assert_output "$(printf '%s\n' '1.50 10' '2.50 20')"
	run -0 awk -v kind=passes -v offset=0.5 -f "$TOP/harness/tables.d/monitors.awk" "$W/r/records/s2-i1-apfon-r1.timeline"
	assert_output "$(printf '%s\n' '0.557 pass_1' '1.600 pass_2' '2.400 end')"
}

@test "plots: a timeline PNG per case and the latency histogram -APF vs +APF" {
	command -v gnuplot >/dev/null || skip "no gnuplot (Debian: gnuplot-nox)"
	plot_run "$W/r"
	run -0 "$TOP/harness/plots" "$W/r"
	assert_output "[plots] 3 plots in $W/r/plots"
	for f in s2-i1-apfoff-r1 s2-i1-apfon-r1 latency; do
		[ "$(head -c 4 "$W/r/plots/$f.png" | tail -c 3)" = PNG ] || { echo "$f.png is no PNG"; return 1; }
	done
}

@test "plots: a malformed monitor file is one line naming file and line, exit 2, nothing drawn" {
	plot_run "$W/r"
	echo '3.00 1 2' >>"$W/r/monitors/s2-i1-apfon-r1/host.tsv"
	run -2 "$TOP/harness/plots" "$W/r"
	assert_output "plots: $W/r/monitors/s2-i1-apfon-r1/host.tsv:5: want 17 columns, not 3"
	[ ! -e "$W/r/plots" ]
	run -2 "$TOP/harness/plots" "$W/nosuch"
	assert_output "plots: $W/nosuch: no such run directory"
	mkdir "$W/q"
	run -2 "$TOP/harness/plots" "$W/q"
	assert_output "plots: $W/q/monitors: none (a run made with --no-monitors, or before the monitors)"
}

@test "monitor: the guest's sampler runs beside the job, in busybox sh, and ends with it: samples, its CPU time, no process left" {
	command -v busybox >/dev/null || skip "no busybox on this host"
	mkdir "$W/g"
	job=$(sh -c ". '$TOP/harness/lib/common.sh'; . '$TOP/harness/lib/kvmhost/monitor.sh'; monitor_guest_job 'echo job >\"\$RESULTS/out\"; sleep 1; echo \$_apfmon_pid >\"\$RESULTS/pid\"'")
	# (into a file: a sampler left running would hold a pipe of run open)
	RESULTS=$W/g busybox sh -c "$job" >"$W/g/log" 2>&1
	[ "$(cat "$W/g/out")" = job ]
	run cat "$W/g/apf-irqs.series"
	assert_line --regexp '^0\.[0-9]{2} [0-9]+$'
	assert_line --regexp '^# cpu_ms [0-9]+$'
	[ "${#lines[@]}" -eq 2 ]
	# the sampler (its pid, as the job saw it) is gone
	run kill -0 "$(cat "$W/g/pid")"
	assert_failure
}

# ---- harness/passes ----

# passes_run DIR: a run with one case whose monitors are simple to add up: the guest's
# clock 5 s behind the host's, passes 1 and 2 at host 5 s and 15 s, ended at 25 s
passes_run() {
	local m=$1/monitors/s3-i1-apfon-r1 t
	mkdir -p "$m" "$1/records"
	printf '1 0 10000\n2 10000 10000\n' >"$1/records/s3-i1-apfon-r1.timeline"
	printf 'interval_s=1\nguest_offset_s=5\n' >"$m/monitor.kv"
	# async PFs: 10 a second in pass 1, 20 in pass 2, 1 after
	{
		echo '# t_s kvm_async_pf_not_present kvm_async_pf_ready'
		for t in $(seq 0 29); do
			if [ "$t" -lt 5 ]; then echo "$t 0 0"
			elif [ "$t" -lt 15 ]; then echo "$t 10 10"
			elif [ "$t" -lt 25 ]; then echo "$t 20 20"
			else echo "$t 1 1"; fi
		done
	} >"$m/trace.tsv"
	# the guest told of none in pass 1, 150 in pass 2, 10 after
	printf '0.00 0\n10.00 0\n20.00 150\n30.00 160\n# cpu_ms 10\n' >"$m/guest.tsv"
	printf '# start_s token latency_us\n6.0 0x1 1000000\n16.0 0x2 2500000\n17.0 0x3 500000\n30.0 0x4 100000\n' |
		xz >"$m/apf-latency.tsv.xz"
}

@test "passes: each pass's async PFs, notifications and wait, on the host's clock; xz latencies; bad input named" {
	passes_run "$W/r"
	run -0 "$TOP/harness/passes" "$W/r"
	assert_line "== s3-i1-apfon-r1 (the guest's times + 5 s)"
	assert_line --regexp '^before +0\.0 +5\.0 +0 +0 +0\.0$'
	assert_line --regexp '^1 +5\.0 +10\.0 +100 +0 +1\.0$'
	assert_line --regexp '^2 +15\.0 +10\.0 +200 +150 +3\.0$'
	assert_line --regexp '^after +25\.0 +- +5 +10 +0\.1$'
	# no offset recorded: the guest's times are taken as the host's, and the header says so
	sed -i 's/^guest_offset_s=.*/guest_offset_s=/' "$W/r/monitors/s3-i1-apfon-r1/monitor.kv"
	run -0 "$TOP/harness/passes" "$W/r" s3-i1-apfon-r1
	assert_line --partial "guest_offset_s not recorded"
	assert_line --regexp '^1 +0\.0 +10\.0 +50 +0 +1\.0$'
	# bad input: one line naming file and line, exit 2
	echo '30 1' >>"$W/r/monitors/s3-i1-apfon-r1/trace.tsv"
	run -2 "$TOP/harness/passes" "$W/r"
	assert_output "passes: $W/r/monitors/s3-i1-apfon-r1/trace.tsv:32: want 3 columns, not 2"
	run -2 "$TOP/harness/passes" "$W/r" s9-i1-apfon-r1
	assert_output "passes: s9-i1-apfon-r1: no monitors/s9-i1-apfon-r1 in $W/r"
	run -2 "$TOP/harness/passes" "$W/nosuch"
	assert_output "passes: $W/nosuch/monitors: none (not a run directory, or a run made with --no-monitors)"
}
