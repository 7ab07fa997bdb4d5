# shellcheck shell=sh
# What a guest that has not ended was doing, taken at its timeout before it is killed
# (harness/guest wait): a kernel developer's first questions about a hang.
# - Where each vCPU was: QEMU's "info registers" over QMP, sampled STUCK_SAMPLES times a
#   second apart, summed up per vCPU as its PC, whether it had interrupts masked, and
#   whether it moved between samples (spinning in one place, idle, or running).
# - Where the guest QEMU's threads were on this KVM host: their kernel stacks (is a vCPU
#   thread in KVM_RUN, asleep in KVM on a fault or a halt, or in QEMU itself).
# The guest's PCs get names when its kernel is this host's very build (the arm64 lab of
# the APF series boots one Image as both): from the host's /proc/kallsyms, moved by the
# guest's KASLR offset, which the guest's job prints first (stuck_text_job).
# Sourced after common.sh and contract.sh; runs under busybox sh.

STUCK_SAMPLES=3

# stuck_text_job: the shell line, for the guest's job, that prints LAB_MARK_TEXT (its
# kernel's _text and build)
stuck_text_job() {
	# shellcheck disable=SC2016 # for the guest's shell
	printf '%s\n' 'echo "'"$LAB_MARK_TEXT"' $(grep -m 1 " _text$" /proc/kallsyms | cut -d " " -f 1) $(uname -rv)"'
}

# stuck_host_names CONSOLE: prints the guest's _text address when its kernel is this
# host's build (LAB_MARK_TEXT on CONSOLE, same "uname -rv") and the host's kallsyms
# can be read; nothing otherwise
stuck_host_names() {
	_sh_line=$(grep -a -m 1 "^$LAB_MARK_TEXT [0-9a-f]\{16\} " "$1" 2>/dev/null | tr -d '\r')
	[ -n "$_sh_line" ] || return 0
	_sh_rest=${_sh_line#"$LAB_MARK_TEXT" }
	[ "${_sh_rest#* }" = "$(uname -rv)" ] || return 0
	_sh_text=${_sh_rest%% *}
	# kallsyms shows zeros to a reader without CAP_SYSLOG
	grep -q -v '^0\{16\} ' /proc/kallsyms 2>/dev/null && echo "$_sh_text"
}

# stuck_vcpu_summary: per vCPU, from "info registers -a" samples on stdin (each sample
# begins with a line "sample N"), one line: "cpuN: PC[ (name)] in K of S samples" or "cpuN:
# moving, P distinct PCs in S samples: PC[ (name)] xK...", then ", IRQs masked in M" and
# ", halted in H" when so (stuck.awk). GUEST_TEXT (the guest's _text, or empty) and the
# host's /proc/kallsyms name the PCs.
stuck_vcpu_summary() {
	awk -v gtext="$1" -v ksyms="${STUCK_KALLSYMS:-/proc/kallsyms}" -f "$TOP/harness/lib/kvmhost/stuck.awk"
}

# stuck_thread_times PID: per thread of PID, "TID UTIME STIME GUEST_TIME" in ticks
# (/proc/PID/task/TID/stat fields 14, 15 and 43; after "(comm) ", which may hold blanks,
# they are the 12th, 13th and 41st)
stuck_thread_times() {
	for _st_t in /proc/"$1"/task/*; do
		read -r _st_s <"$_st_t/stat" 2>/dev/null || continue
		# shellcheck disable=SC2086 # the fields, split
		set -- ${_st_s##*) }
		[ $# -ge 41 ] || continue
		_st_u=${12} _st_k=${13}
		shift 40
		echo "${_st_t##*/} $_st_u $_st_k $1"
	done
}

# guest_stuck_evidence QEMU_PID QMP_SOCKET CONSOLE OUT SUMMARY: the evidence into OUT
# (text), its one line per vCPU into SUMMARY; what could not be taken is said in OUT
guest_stuck_evidence() {
	_ge_pid=$1 _ge_qmp=$2 _ge_out=$4 _ge_sum=$5
	_ge_text=$(stuck_host_names "$3")
	_ge_tx=$_ge_text
	[ -n "$_ge_tx" ] || _ge_tx="not known (its kernel is not the build of this host, or it did not say)"
	: >"$_ge_sum"
	stuck_thread_times "$_ge_pid" >"$_ge_out.t0"
	if [ -n "$_ge_qmp" ] && [ -S "$_ge_qmp" ]; then
		_ge_i=1
		while [ "$_ge_i" -le "$STUCK_SAMPLES" ]; do
			echo "sample $_ge_i"
			"$TOP/harness/kvmhost/qmp" --timeout 10 "$_ge_qmp" human-monitor-command \
				'{"command-line":"info registers -a"}' 2>&1 | jq -r '.' 2>&1
			_ge_i=$((_ge_i + 1))
			[ "$_ge_i" -gt "$STUCK_SAMPLES" ] || sleep 1
		done >"$_ge_out.regs"
		stuck_vcpu_summary "$_ge_text" <"$_ge_out.regs" >"$_ge_sum"
	fi
	stuck_thread_times "$_ge_pid" >"$_ge_out.t1"
	{
		echo "# a guest that had not ended at its timeout: what it was doing before it was killed"
		echo "# (harness/lib/kvmhost/stuck.sh); guest _text: $_ge_tx"
		echo
		echo "## where its vCPUs were: QEMU's info registers -a, $STUCK_SAMPLES samples a second apart"
		if [ -f "$_ge_out.regs" ]; then
			cat "$_ge_sum"
			echo "### the samples"
			cat "$_ge_out.regs"
			echo "## the vCPUs' threads (QMP query-cpus-fast)"
			"$TOP/harness/kvmhost/qmp" --timeout 10 "$_ge_qmp" query-cpus-fast 2>&1 |
				jq -r '.[] | "cpu\(.["cpu-index"]) thread \(.["thread-id"])"' 2>&1
		else
			echo "not taken: the guest has no QMP socket"
		fi
		echo "## the guest QEMU's threads on this KVM host: state, wait channel, CPU time over the samples (all, and in the guest), kernel stack"
		for _ge_t in /proc/"$_ge_pid"/task/*; do
			[ -d "$_ge_t" ] || continue
			read -r _ge_st <"$_ge_t/stat" 2>/dev/null || continue
			# "pid (comm) state ...": the comm may hold blanks
			_ge_state=${_ge_st##*) }
			_ge_cpu=$(stuck_cpu_delta "${_ge_t##*/}" "$_ge_out.t0" "$_ge_out.t1")
			echo "thread ${_ge_t##*/} ($(cat "$_ge_t/comm" 2>/dev/null)) state ${_ge_state%% *} wchan $(cat "$_ge_t/wchan" 2>/dev/null || echo ?)${_ge_cpu:+, $_ge_cpu}"
			cat "$_ge_t/stack" 2>/dev/null || echo "  (no kernel stack: $_ge_t/stack cannot be read)"
		done
	} >"$_ge_out"
	rm -f "$_ge_out.regs" "$_ge_out.t0" "$_ge_out.t1"
	return 0
}

# stuck_cpu_delta TID BEFORE AFTER: the CPU time thread TID took between two
# stuck_thread_times, in ms (USER_HZ is 100 on every Linux arch): in all (user and system
# time, scaled to the scheduler's runtime) and in the guest (counted by ticks: the two do
# not subtract exactly)
stuck_cpu_delta() {
	awk -v t="$1" 'FNR == NR { if ($1 == t) { u = $2; k = $3; g = $4; got = 1 }; next }
		$1 == t && got { printf "CPU over the samples %d ms, in the guest %d ms", ($2 + $3 - u - k) * 10, ($4 - g) * 10; exit }' "$2" "$3" 2>/dev/null
}

# stuck_reason VCPUS: for a timeout's reason, the vCPU lines of VCPUS and where to look
stuck_reason() {
	_sr=$(sed 's/$/;/' "$1" 2>/dev/null | tr '\n' ' ' | sed 's/; *$//')
	echo "where its vCPUs were: ${_sr:-not known} (guest/console.log, guest/stuck.txt)"
}
