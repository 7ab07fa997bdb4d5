# shellcheck shell=sh
# Monitors of one benchmark case (mmtests-like time series; results/FORMAT.md,
# "monitors/<case>/"), on the KVM host, sourced by harness/kvmhost/bench-case after
# common.sh and case.sh (trace_dir):
#   monitor_start DIR CGROUP   once a second until monitor_stop: the case's memory cgroup,
#                              /proc/vmstat, /proc/pressure/memory into DIR/host.tsv; the
#                              async PF tracepoints this kernel has switched on
#   monitor_stop               ends the sampler (never outlives the case: at_exit too, and
#                              it ends by itself when bench-case is gone), turns the trace
#                              into DIR/trace.tsv, apf-latency.tsv and .hist; prints the
#                              record keys host_apf_* and host_monitor_*
#   monitor_guest_job JOB      JOB with the guest's sampler around it: the page-ready
#                              interrupts every 5 s into $RESULTS/apf-irqs.series
# Cheap on purpose: no process started a second on the KVM host (one awk for the case,
# fed a tick a second) nor in the guest (shell builtins, every 5 s), the trace read once
# at the end. What each costs is measured and recorded: the samplers' CPU time
# (host_monitor_cpu_ms; the guest's in apf-irqs.series) and the end's reading of the
# trace (host_monitor_post_ms).

MON_DIR="" MON_PID="" MON_EVENTS="" MON_TRACE=""

# _mon_now_ms: the kernel's uptime in ms (busybox: no date +%N)
_mon_now_ms() {
	read -r _mn_up _mn_idle </proc/uptime
	_mn_s=${_mn_up%.*} _mn_c=${_mn_up#*.}
	echo $((_mn_s * 1000 + ${_mn_c#0} * 10))
}

# _mon_cpu_ms PID: the CPU time (user + system, its waited-for children included) of PID
# so far, in ms (USER_HZ is 100 on every Linux arch)
_mon_cpu_ms() {
	read -r _mc_stat <"/proc/$1/stat" 2>/dev/null || { echo 0; return; }
	# shellcheck disable=SC2086 # the fields after "(comm) "
	set -- ${_mc_stat##*) }
	shift 11
	echo $((($1 + $2 + $3 + $4) * 10))
}

# _mon_tick_init DIR: fd 3 a fifo nobody writes, so that "read -t 1 <&3" waits a second
# without starting a process (busybox sh; dash has no read -t: sleep 1 there)
_mon_tick_init() {
	_mon_tick=fork
	# shellcheck disable=SC3045 # the question: has this shell read -t?
	(read -t 0 _ </dev/null) 2>/dev/null
	[ $? = 2 ] && return 0
	mkfifo "$1/.tick" 2>/dev/null && exec 3<>"$1/.tick" && rm -f "$1/.tick" && _mon_tick=fifo
	return 0
}

_mon_wait_1s() {
	if [ "$_mon_tick" = fifo ]; then
		# shellcheck disable=SC3045 # only where the shell has it (_mon_tick_init)
		read -r -t 1 _ <&3
	else
		sleep 1
	fi
}

# _mon_loop PARENT: a tick a second (the uptime) while PARENT lives
_mon_loop() {
	while kill -0 "$1" 2>/dev/null; do
		read -r _ml_up _ </proc/uptime
		echo "$_ml_up"
		_mon_wait_1s
	done
}

monitor_start() {
	MON_DIR=$1
	mkdir -p "$MON_DIR" || { MON_DIR=""; return 0; }
	_ms_cg=${CGROUP_ROOT:-/sys/fs/cgroup}/$2
	set --
	for _ms_f in "$_ms_cg/memory.current" "$_ms_cg/memory.swap.current" "$_ms_cg/memory.events" \
		"$_ms_cg/memory.stat" "$_ms_cg/memory.pressure" /proc/vmstat /proc/pressure/memory; do
		[ -r "$_ms_f" ] && set -- "$@" "$_ms_f"
	done
	_ms_psi=no
	[ -r /proc/pressure/memory ] && _ms_psi=yes
	# every async PF event this kernel has (the names differ by arch and version)
	# (APF_TRACEFS: another tracefs, a fake one in the tests; "none": no tracing)
	MON_TRACE=${APF_TRACEFS:-$(trace_dir)} || MON_TRACE=""
	[ "$MON_TRACE" != none ] || MON_TRACE=""
	MON_EVENTS=""
	if [ -n "$MON_TRACE" ] && [ -d "$MON_TRACE/events/kvm" ]; then
		for _ms_e in "$MON_TRACE"/events/kvm/*async*; do
			[ -f "$_ms_e/enable" ] && echo 1 >"$_ms_e/enable" 2>/dev/null &&
				MON_EVENTS="$MON_EVENTS ${_ms_e##*/}"
		done
		# one clock for every CPU: the default (local) is per CPU, and a not-present traced on
		# one CPU and its ready on another would pair across two clocks (a latency below 0).
		# Setting it empties the buffer: trace_start has emptied it already.
		echo global >"$MON_TRACE/trace_clock" 2>/dev/null
		echo "apf-monitor start" >"$MON_TRACE/trace_marker" 2>/dev/null
	fi
	MON_EVENTS=${MON_EVENTS# }
	{
		echo "interval_s=1"
		echo "started=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
		echo "host_files=$*"
		echo "psi=$_ms_psi"
		echo "trace=$([ -n "$MON_TRACE" ] && echo "$MON_TRACE" || echo unavailable)"
		echo "trace_events=$MON_EVENTS"
		echo "trace_clock=$(sed -n 's/.*\[\(.*\)\].*/\1/p' "$MON_TRACE/trace_clock" 2>/dev/null)"
	} >"$MON_DIR/monitor.kv"
	awk -v header=1 -f "${TOP:?}/harness/lib/kvmhost/monitor-sample.awk" >"$MON_DIR/host.tsv"
	# (its own traps: the case's cleanups are the case's, never run by the sampler)
	(
		trap - EXIT INT TERM HUP
		# nor the case's other files: a pipe held open would keep its reader waiting
		exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
		_mon_tick_init "$MON_DIR"
		# (mawk reads a pipe by blocks unless told otherwise: the ticks would wait)
		_ms_i=""
		awk -W version 2>/dev/null | grep -q mawk && _ms_i="-W interactive"
		# shellcheck disable=SC2086 # no option, or one of two words
		_mon_loop "$$" | awk $_ms_i -v files="$*" -f "${TOP:?}/harness/lib/kvmhost/monitor-sample.awk"
	) >>"$MON_DIR/host.tsv" </dev/null 2>/dev/null &
	MON_PID=$!
	at_exit "monitor_stop"
	return 0
}

monitor_stop() {
	[ -n "$MON_DIR" ] || return 0
	_mx_dir=$MON_DIR
	MON_DIR=""
	if [ -n "$MON_PID" ]; then
		# the sampler's CPU time: its shell, and the tick loop and awk it still runs
		_mx_cpu=0
		for _mx_p in "$MON_PID" $(children_of "$MON_PID"); do
			_mx_cpu=$((_mx_cpu + $(_mon_cpu_ms "$_mx_p")))
		done
		{
			kill_tree "$MON_PID"
			wait "$MON_PID"
		} 2>/dev/null
		MON_PID=""
		echo "host_monitor_cpu_ms=$_mx_cpu"
		echo "host_monitor_samples=$(grep -vc '^#' "$_mx_dir/host.tsv")"
	fi
	[ -n "$MON_EVENTS" ] || return 0
	_mx_t0=$(_mon_now_ms)
	for _mx_e in $MON_EVENTS; do
		echo 0 >"$MON_TRACE/events/kvm/$_mx_e/enable" 2>/dev/null
	done
	echo "host_apf_trace_events=$MON_EVENTS"
	awk -v out="$_mx_dir" -f "${TOP:?}/harness/lib/kvmhost/apf-trace.awk" "$MON_TRACE/trace"
	sort -n -k3,3 "$_mx_dir/apf-latency.tsv" |
		awk -v hist="$_mx_dir/apf-latency.hist" -f "${TOP:?}/harness/lib/kvmhost/apf-latency.awk"
	echo "host_monitor_post_ms=$(($(_mon_now_ms) - _mx_t0))"
}

# The guest's sampler, in the guest's busybox sh, every 5 s: no process started (the tick
# is read -t on a fifo nobody writes), but busybox reads /proc/interrupts a byte a
# syscall (some 4500 on x86), and in the nested guest of the x86 lab a sample a second
# took 3-15% of the one vCPU the workload has. Lines "t_s irqs" (t since the job started,
# irqs the page-ready interrupts so far: the sum of the "HYP:" (x86) or "Asynchronous Page Fault" (arm64) line
# of /proc/interrupts, as apf_verify counts them), then "# cpu_ms N", the sampler's own
# CPU time (USER_HZ 100).
monitor_guest_job() {
	# shellcheck disable=SC2016 # for the guest's shell
	printf '%s\n' \
		'_apfmon() { exec 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-; mkfifo /tmp/.apfmon && exec 3<>/tmp/.apfmon && rm -f /tmp/.apfmon; read -r t0 _ </proc/uptime; t0=${t0%.*}${t0#*.}; while :; do read -r t _ </proc/uptime; t=${t%.*}${t#*.}; n=0; while read -r l; do case $l in HYP:* | *"Asynchronous Page Fault"*) for f in ${l#*:}; do case $f in *[!0-9]*) ;; *) n=$((n + f)) ;; esac; done ;; esac; done </proc/interrupts; t=$((t - t0)); echo "$((t / 100)).$((t % 100 / 10))$((t % 10)) $n"; read -t 5 _ <&3; done; }' \
		'(exec >"$RESULTS/apf-irqs.series" 2>/dev/null </dev/null; _apfmon) & _apfmon_pid=$!' \
		"$1" \
		'read -r _s <"/proc/$_apfmon_pid/stat"; set -- ${_s##*) }; shift 11; echo "# cpu_ms $((($1 + $2 + $3 + $4) * 10))" >>"$RESULTS/apf-irqs.series"; kill $_apfmon_pid; wait'
}
