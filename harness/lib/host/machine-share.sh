# shellcheck shell=sh
# The share of the machine that other work took while a benchmark case ran (harness/bench).
# In the lab every figure is emulated time on this machine's CPUs: whatever else runs
# on them slows the case down, and that is the largest source of spread the suite has
# measured (issue 15: CoeffVar of [2]'s calc rate 42-50% on a machine shared with other
# jobs, 2-4% on a quiet one). So each record says how much of the machine was busy with
# something other than the case. Sourced after common.sh; host only.
#
# The case is this shell's child (harness/lab run, and what it starts): once it has been
# waited for, its CPU time is in this shell's cutime+cstime. The machine's busy time is
# /proc/stat's first line without idle and iowait. Other work = busy - the case - this
# shell, in clock ticks, over the CPUs times the wall time. APF_PROC: another /proc (tests).

# machine_snap: "BUSY SELF" in clock ticks: the machine's busy time, and this shell's
# own and its waited children's
machine_snap() {
	_ms_p=${APF_PROC:-/proc}
	_ms_busy=$(awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' "$_ms_p/stat")
	# fields after "pid (comm) ": utime stime cutime cstime are the 12th to the 15th
	_ms_self=$(sed 's/^.*) //' "$_ms_p/$$/stat" | awk '{ print $12 + $13 + $14 + $15 }')
	echo "${_ms_busy:-0} ${_ms_self:-0}"
}

# machine_other_pct SNAP0 SNAP1 WALL_CS NCPU: the percentage (integer) of the machine's
# capacity (NCPU CPUs for WALL_CS centiseconds) that went to other work between the snaps
machine_other_pct() {
	echo "$1 $2 $3 $4" | awk '{
		other = ($3 - $1) - ($4 - $2)
		cap = $5 * $6 * '"$(getconf CLK_TCK 2>/dev/null || echo 100)"' / 100
		if (other < 0) other = 0
		p = cap > 0 ? 100 * other / cap : 0
		printf "%d\n", (p > 100 ? 100 : p + 0.5)
	}'
}
