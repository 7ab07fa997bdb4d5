# shellcheck shell=sh
# The body of one benchmark case (harness/kvmhost/bench-case), on the KVM host: the guest
# job, APF verification, record lines. Sourced after common.sh and contract.sh (the
# console helpers).

# Append key=value to the case record ($rec).
# shellcheck disable=SC2154
kv() {
	printf '%s=%s\n' "$1" "$2" >>"$rec"
}

# End the case with a state and reason (the record says why), exit 0: a record was made.
finish() {
	dmesg 2>/dev/null | tail -n 200 >"${RESULTS:-.}/host-dmesg.log"
	kv state "$1"
	[ -n "$2" ] && kv reason "$2"
	grep -q '^apf_verified=' "$rec" || kv apf_verified no
	log "case: $1${2:+: $2}"
	exit 0
}

# series_guest_append APPEND SERIES: the kernel arguments of every guest of a case on a
# KVM host whose APF series is SERIES (host_apf_series: apf-v2, apf-v3, apf-v4 or none),
# from the case's own (APPEND). Every posted version of the series enters a guest's SDEI
# handler with the interrupted PSTATE.BTYPE kept: a guest kernel with BTI, whose SDEI
# entry has no landing pad, then takes a Branch Target exception at the handler's first
# instruction and hangs (the sdei selftest's BTYPE check fails on v4;
# harness/ARM64-APF.md, Limits). So with the series every guest, -APF and +APF alike,
# boots with BTI off (arm64.nobti), once.
series_guest_append() {
	case $2 in
	none | '') printf '%s\n' "$1" ;;
	*)
		case " $1 " in
		*" arm64.nobti "*) printf '%s\n' "$1" ;;
		*) printf '%s\n' "${1:+$1 }arm64.nobti" ;;
		esac
		;;
	esac
}

# qemu_segfault_line [KMSG_LINES]: the kernel log's last segfault of a QEMU thread after
# its first KMSG_LINES lines (all by default), without the timestamp; nothing if none.
# The kernel names the thread by its thread id, so not by QEMU's pid.
qemu_segfault_line() {
	dmesg 2>/dev/null | tail -n +$((${1:-0} + 1)) | grep -E 'qemu-system[^ ]*\[[0-9]+\]: segfault' |
		tail -n 1 | sed 's/^\[ *[0-9.]*\] *//' | cut -c 1-160
}

# mig_failure_why SRC DST KMSG_LINES: what made a post-copy migration fail, in words,
# from what the two guests' directories and the kernel log after its first KMSG_LINES
# lines show (empty when nothing does): a QEMU that crashed, a guest whose workload was over
# before the migration could start or end (a profile too short for the host), a QEMU
# that exited.
mig_failure_why() {
	_mf_seg=$(qemu_segfault_line "$3")
	_mf_done=""
	grep -q "^$LAB_MARK_EXIT" "$2/console" 2>/dev/null &&
		_mf_done="; the destination guest had finished its workload and powered off before the migration completed (dst-console.log)"
	if [ -n "$_mf_seg" ]; then
		echo "a QEMU crashed: $_mf_seg$_mf_done"
	elif grep -q "^$LAB_MARK_EXIT" "$1/console" 2>/dev/null; then
		echo "the source guest's workload was over before the migration started (src-console.log): the profile's workload is too short for this host"
	elif [ -n "$_mf_done" ]; then
		echo "${_mf_done#; }"
	else
		for _mf in "$1:source" "$2:destination"; do
			_mf_pid=$(cat "${_mf%:*}/qemu.pid" 2>/dev/null) || continue
			alive "$_mf_pid" || {
				echo "the ${_mf##*:} QEMU exited during the migration ($(basename "${_mf%:*}")-qemu.log)"
				return
			}
		done
	fi
}

qemu_version() {
	for _q in qemu-system-aarch64 qemu-system-x86_64; do
		command -v "$_q" >/dev/null 2>&1 || continue
		"$_q" --version 2>/dev/null | sed -n '1s/^QEMU emulator version //p'
		return
	done
	echo unknown
}

# The command the guest runs around the workload command line WL (the case
# specification's workload=): interrupts before and after, the CPU line of /proc/stat
# before and after (guest_cpu_keys), WL, dmesg, the command line;
# with a lockdep kernel, /proc/lockdep_stats before and after (guest_lockdep_keys).
# A guest kernel with the arm64 APF series also counts the calls of its two async PF
# handlers during WL (function tracer; apf_verify): page-not-present (the SDEI event) and
# page-ready (the PPI). Elsewhere the functions do not exist and nothing is counted. The
# trace is read before the tracer is switched off: switching it empties the buffer.
workload_job() {
	# shellcheck disable=SC2016
	printf '%s\n' 't=/sys/kernel/tracing; mount -t tracefs none $t 2>/dev/null; if [ -f $t/set_ftrace_filter ] && echo "'"$GUEST_APF_HANDLERS"'" >$t/set_ftrace_filter 2>/dev/null; then echo 4096 >$t/buffer_size_kb; echo function >$t/current_tracer; : >$t/trace; fi; cat /proc/interrupts >"$RESULTS/irq.before"; head -n 1 /proc/stat >"$RESULTS/stat.before"; cat /proc/lockdep_stats >"$RESULTS/lockdep.before" 2>/dev/null; '"$1"' >"$RESULTS/out.kv" 2>"$RESULTS/err"; echo $? >"$RESULTS/wl.rc"; head -n 1 /proc/stat >"$RESULTS/stat.after"; cat /proc/interrupts >"$RESULTS/irq.after"; cat /proc/lockdep_stats >"$RESULTS/lockdep.after" 2>/dev/null; if [ "$(cat $t/current_tracer 2>/dev/null)" = function ]; then echo 0 >$t/tracing_on; cat $t/trace >"$RESULTS/apf-handlers.trace"; echo nop >$t/current_tracer; echo 1 >$t/tracing_on; fi; dmesg >"$RESULTS/dmesg"; cat /proc/cmdline >"$RESULTS/cmdline"'
}

# The guest's async PF handlers of the arm64 series (arch/arm64/kernel/kvm.c of APF v4
# 14/15): the SDEI handler of page-not-present, the interrupt handler of page-ready.
GUEST_APF_HANDLERS="kvm_async_pf_sdei_handler kvm_async_pf_irq_handler"

host_vm_counters() {
	awk '$1 == "pswpin" || $1 == "pswpout" || $1 == "pgmajfault" { printf "%s=%s ", $1, $2 }' /proc/vmstat
}

host_vm_delta() {
	for _a in $2; do
		_k=${_a%%=*}
		_before=$(echo "$1" | tr ' ' '\n' | sed -n "s/^$_k=//p")
		echo "host_$_k=$((${_a#*=} - ${_before:-0}))"
	done
}

wait_for_line() {
	_wl_n=0
	while [ $_wl_n -lt $(($3 * 10)) ]; do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		_wl_n=$((_wl_n + 1))
	done
	return 1
}

guest_kill_dir() {
	[ -f "$1/qemu.pid" ] && kill_tree "$(cat "$1/qemu.pid")"
	return 0
}

# The workload's numbers as record keys, and its per-pass timeline next to it.
workload_keys() {
	[ -f "$1" ] || return 0
	sed -n 's/^timeline //p' "$1" >"${1%/*}/timeline"
	awk -F= '
		$1 == "elapsed_ms" || $1 == "bytes_written" || $1 == "passes" || $1 == "calc_count" || $1 == "calc_rate" || $1 == "mem_cpu_ms" || $1 == "calc_cpu_ms" { print; next }
		$1 == "buffer_bytes" || $1 == "mem_available_bytes" || $1 == "status" || $1 == "seed" || $1 == "pattern" { print "guest_" $0 }
	' "$1"
}

# Sum of one /proc/interrupts line's per-CPU counts, the line picked by a regex.
irq_count() {
	awk -v re="$2" '$0 ~ re { for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) s += $i; found = 1 }
		END { print found ? s + 0 : 0 }' "$1" 2>/dev/null || echo 0
}

# Did the guest run with APF as asked? Its evidence (the guest's own: no-kvmapf on its
# command line, "Async PF enabled on CPU<n>" in its log, its async PF interrupts in
# /proc/interrupts: "Asynchronous Page Fault" on arm64, "HYP: Hypervisor callback
# interrupts" on x86) judged by the one rule, harness/lib/apf-evidence.awk, which
# harness/tables applies again. apf_verify WANT DIR ARCH prints the evidence keys,
# apf_verified=yes|no and apf_evidence= (what was seen; when not verified, why not).
apf_verify() {
	_want=$1
	_d=$2
	_cpus=$(grep -c 'Async PF enabled on CPU' "$_d/dmesg" 2>/dev/null)
	_irqs=$(($(irq_count "$_d/irq.after" 'Asynchronous Page Fault|^ *HYP:') -
		$(irq_count "$_d/irq.before" 'Asynchronous Page Fault|^ *HYP:')))
	_nokvmapf=no
	grep -qw no-kvmapf "$_d/cmdline" 2>/dev/null && _nokvmapf=yes
	# arm64 with the series: the guest's page-not-present notifications (its SDEI handler's
	# calls) and the host's counts of what it sent (host_trace_counts, already in $rec)
	_np=""
	if [ -f "$_d/apf-handlers.trace" ]; then
		_np=$(grep -c ' kvm_async_pf_sdei_handler' "$_d/apf-handlers.trace")
		echo "guest_apf_notpresent=$_np"
		echo "guest_apf_pageready_handled=$(grep -c ' kvm_async_pf_irq_handler' "$_d/apf-handlers.trace")"
	fi
	_hnp=$(kv_get "${rec:-/dev/null}" host_apf_notpresent 2>/dev/null) || _hnp=""
	_hpr=$(kv_get "${rec:-/dev/null}" host_apf_pageready 2>/dev/null) || _hpr=""
	_hcx=$(kv_get "${rec:-/dev/null}" host_apf_notpresent_cancelled 2>/dev/null) || _hcx=""
	_hni=$(kv_get "${rec:-/dev/null}" host_apf_notpresent_not_injected 2>/dev/null) || _hni=""
	echo "guest_apf_enabled_cpus=${_cpus:-0}"
	echo "guest_apf_irqs=$_irqs"
	echo "guest_no_kvmapf=$_nokvmapf"
	_why=$(awk -v apf_evidence_cli=1 -v arch="$3" -v apf="$_want" -v nokvmapf="$_nokvmapf" \
		-v cpus="${_cpus:-0}" -v irqs="$_irqs" -v np="$_np" -v hnp="$_hnp" -v hpr="$_hpr" \
		-v hcx="$_hcx" -v hni="$_hni" \
		-f "${TOP:?}/harness/lib/apf-evidence.awk") ||
		_why="the APF evidence rule could not be applied"
	_sign=+
	[ "$_want" = on ] || _sign=-
	_seen="${_sign}APF asked: no-kvmapf=$_nokvmapf, APF enabled on ${_cpus:-0} CPUs, $_irqs page-ready interrupts during the run"
	[ -n "$_np" ] && _seen="$_seen, $_np page-not-present notifications (host sent ${_hnp:-?} page-not-present${_hcx:+, $_hcx of them cancelled undelivered}${_hni:+, $_hni not injected}, ${_hpr:-?} page-ready in the case)"
	if [ -z "$_why" ]; then
		echo "apf_verified=yes"
		echo "apf_evidence=$_seen"
	else
		echo "apf_verified=no"
		echo "apf_evidence=$_seen: $_why"
	fi
}

# Host-side async PF tracepoints (x86 upstream; arm64 with the APF series if it adds
# them): enable and clear before the run, count after. Prints nothing to record when
# tracefs or the events are missing, except host_trace=unavailable.
APF_EVENTS="kvm_async_pf_not_present kvm_async_pf_ready kvm_try_async_get_page kvm_async_pf_completed"

trace_dir() {
	for _td in /sys/kernel/tracing /sys/kernel/debug/tracing; do
		[ -f "$_td/trace" ] && { echo "$_td"; return 0; }
	done
	mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
	[ -f /sys/kernel/tracing/trace ] && echo /sys/kernel/tracing
}

# The arm64 series adds no tracepoint of its own: its host functions that send the two
# notifications are counted with kprobes (APF v4 07/15 and 08/15), when they exist.
# NAME:FUNCTION counts the function's calls. NAME:FUNCTION:TYPE is a kretprobe that
# counts the calls that returned 0 (the return value read as TYPE): a page-not-present
# whose SDEI injection KVM refused (kvm_arch_async_page_not_present returns whether it
# injected: false when the guest has the event unregistered, disabled or masked, runs a
# handler, or has another critical event queued; SDEI v4 18/21), and one whose queued
# event KVM took back undelivered because the page was ready first (kvm_sdei_cancel
# returns 0 when it cancelled; APF v4 08/15). Calls minus both is what a guest can take.
HOST_APF_KPROBES="notpresent:kvm_arch_async_page_not_present pageready:kvm_arch_async_page_present notpresent_not_injected:kvm_arch_async_page_not_present:u8 notpresent_cancelled:kvm_sdei_cancel:s32"

# _kprobe_fields ENTRY: an entry of HOST_APF_KPROBES into _kn (name), _kf (function) and
# _kt (the return value's type of a kretprobe; empty for a kprobe).
_kprobe_fields() {
	_kn=${1%%:*}
	_kf=${1#*:}
	_kt=${_kf#*:}
	_kf=${_kf%%:*}
	[ "$_kt" != "$_kf" ] || _kt=''
}

trace_start() {
	_t=$(trace_dir) || return 0
	[ -n "$_t" ] || return 0
	echo 16384 >"$_t/buffer_size_kb" 2>/dev/null
	for _e in $APF_EVENTS; do
		[ -f "$_t/events/kvm/$_e/enable" ] && echo 1 >"$_t/events/kvm/$_e/enable"
	done
	for _k in $HOST_APF_KPROBES; do
		_kprobe_fields "$_k"
		grep -q " $_kf\$" /proc/kallsyms 2>/dev/null || continue
		echo "-:apf_suite/$_kn" 2>/dev/null >>"$_t/kprobe_events"
		if [ -z "$_kt" ]; then
			_kd="p:apf_suite/$_kn $_kf"
		else
			_kd="r:apf_suite/$_kn $_kf ret=\$retval:$_kt"
		fi
		echo "$_kd" 2>/dev/null >>"$_t/kprobe_events" &&
			echo 1 >"$_t/events/apf_suite/$_kn/enable"
	done
	: >"$_t/trace"
	return 0
}

trace_counts() {
	_t=$(trace_dir)
	if [ -z "$_t" ] || [ ! -d "$_t/events/kvm/kvm_async_pf_ready" ]; then
		echo "host_trace=unavailable"
	else
		for _e in $APF_EVENTS; do
			[ -d "$_t/events/kvm/$_e" ] || continue
			echo "host_trace_$_e=$(grep -c " $_e:" "$_t/trace")"
			echo 0 >"$_t/events/kvm/$_e/enable"
		done
	fi
	[ -n "$_t" ] || return 0
	for _k in $HOST_APF_KPROBES; do
		_kprobe_fields "$_k"
		[ -d "$_t/events/apf_suite/$_kn" ] || continue
		if [ -z "$_kt" ]; then
			echo "host_apf_$_kn=$(grep -c " $_kn: (" "$_t/trace")"
		else
			echo "host_apf_$_kn=$(grep " $_kn: (" "$_t/trace" | grep -c ' ret=0$')"
		fi
		echo 0 >"$_t/events/apf_suite/$_kn/enable"
		echo "-:apf_suite/$_kn" 2>/dev/null >>"$_t/kprobe_events"
	done
	_lost=$(awk '/entries-in-buffer/ { print 0 } /overrun:/ { sub(/.*overrun: /, ""); print $1 + 0 }' \
		"$_t/per_cpu/cpu0/stats" 2>/dev/null | tail -n 1)
	echo "host_trace_overrun=${_lost:-0}"
}

# The last non-empty line of a guest's console, or "(none)".
console_last_line() {
	_cl=$(grep -v '^[[:space:]]*$' "$1" 2>/dev/null | tail -n 1 | console_clean)
	echo "${_cl:-(none)}"
}

# Where the guest's CPU time went while the workload ran: the "cpu" line of its /proc/stat
# before and after (DIR/stat.before, .after), as guest_cpu_<field>_ms= for user, nice,
# system, idle, iowait, irq, softirq and steal (in USER_HZ ticks, 100 a second, times
# 10); nothing when either line is missing or not a cpu line. The workload's threads
# (mem_cpu_ms, calc_cpu_ms) are in user and system; the rest is the guest's other work:
# interrupts (the async PF page-ready handler among them), idle, and the kernel's threads.
guest_cpu_keys() {
	[ -f "$1/stat.before" ] && [ -f "$1/stat.after" ] || return 0
	awk '$1 != "cpu" || NF < 9 { exit 1 }
		FNR == NR { for (i = 2; i <= 9; i++) b[i] = $i; next }
		{ split("user nice system idle iowait irq softirq steal", name)
		  for (i = 2; i <= 9; i++) printf "guest_cpu_%s_ms=%d\n", name[i - 1], ($i - b[i]) * 10 }
	' "$1/stat.before" "$1/stat.after" 2>/dev/null || true
}

# The guest kernel's lockdep (a debug kernel, CONFIG_PROVE_LOCKING): debug_locks of its
# /proc/lockdep_stats before and after the workload (DIR/lockdep.before, .after), as
# guest_debug_locks_before= and _after= (1 on, 0 off); nothing without lockdep. Lockdep
# turns itself off at its first report, and its cost goes with it: an arm64 v4 guest of a
# +APF case reports at its first page-not-present and runs the rest cheaper than a -APF
# guest, which never reports (harness/tables says so under the tables).
guest_lockdep_keys() {
	for _gl in before after; do
		_gl_v=$(sed -n 's/^ *debug_locks: *\([01]\) *$/\1/p' "$1/lockdep.$_gl" 2>/dev/null)
		[ -z "$_gl_v" ] || echo "guest_debug_locks_$_gl=$_gl_v"
	done
}

# Did the guest's kernel report a bug and go on? DMESG PATTERNS (lib/kernel-splat.patterns):
# the first line of the guest's log that any pattern matches (a WARNING, a lockdep report,
# a BUG), cleaned as console lines are, with the function a lockdep report names ("at: F")
# within its next 10 lines; nothing when there is none. Such a report does not
# fail the case (the KVM host measured it as it ran), but the record names it: a guest
# kernel that WARNs under async PF is a finding about the series' guest side.
guest_splat() {
	[ -f "$1" ] && [ -f "$2" ] || return 0
	tr -d '\r' <"$1" | awk 'NR == FNR { if ($0 !~ /^(#|$)/) { sub(/^fatal /, ""); p[++n] = $0 }; next }
		first != "" { if (++k > 10) exit; if ($0 ~ /, at: /) { sub(/.*, at: /, ""); first = first " (at " $0 ")"; exit } next }
		{ for (i = 1; i <= n; i++) if ($0 ~ p[i]) { first = $0; next } }
		END { if (first != "") print first }' "$2" - | console_clean
}

# Did the guest's kernel crash? CONSOLE PATTERNS (lib/kernel-splat.patterns): the first
# line of the console that reports a fatal bug (console_fatal_line, lib/contract.sh) and,
# when it is another line, the panic; nothing when there is none.
console_crash() {
	[ -f "$1" ] && [ -f "$2" ] || return 0
	_cc_first=$(console_fatal_line "$1" "$2" | console_clean)
	[ -n "$_cc_first" ] || return 0
	_cc_panic=$(tr -d '\r' <"$1" | grep 'Kernel panic' | head -n 1 | console_clean)
	if [ -n "$_cc_panic" ] && [ "$_cc_panic" != "$_cc_first" ]; then
		echo "$_cc_first; $_cc_panic"
	else
		echo "$_cc_first"
	fi
}
