# shellcheck shell=sh
# Progress of a long run (harness/bench): what the case is, the time since the run
# started and an estimate of the time left for the whole run. Sourced after common.sh;
# host only.
#
# The estimate is the mean wall time of the cases that ended ok so far times the cases
# still to run: a case a fault ended (a lab host that crashed at 57 s of a 6-minute case)
# says nothing of how long a case takes. Cases done in this invocation count; so do those
# of an earlier invocation of the same run (their records keep `case_wall_s` and
# `state`), so a resumed run estimates from its first case on. Before any case has
# ended ok there is only the profile's bound: each case ends within its timeout plus
# the lab's margin, and that is what is printed, as a bound.

# progress_init TODO BOUND_S RECORD...: TODO cases are to run, each within BOUND_S
# seconds; the records name the cases already done.
progress_init() {
	_pg_todo=$1 _pg_bound=$2
	shift 2
	_pg_k=0 _pg_n=0 _pg_sum=0
	now_cs
	_pg_t0=$NOW_CS
	for _pg_r in "$@"; do
		[ "$(kv_get "$_pg_r" state 2>/dev/null)" = ok ] || continue
		_pg_w=$(kv_get "$_pg_r" case_wall_s 2>/dev/null) || continue
		case $_pg_w in '' | *[!0-9]*) continue ;; esac
		_pg_n=$((_pg_n + 1))
		_pg_sum=$((_pg_sum + _pg_w))
	done
}

# fmt_s S: 45s, 12m05s, 2h03m
fmt_s() {
	if [ "$1" -ge 3600 ]; then
		printf '%dh%02dm\n' $(($1 / 3600)) $(($1 % 3600 / 60))
	elif [ "$1" -ge 60 ]; then
		printf '%dm%02ds\n' $(($1 / 60)) $(($1 % 60))
	else
		printf '%ds\n' "$1"
	fi
}

# progress_left LEFT: the estimate for LEFT more cases, in words
progress_left() {
	if [ "$1" -eq 0 ]; then
		echo "nothing left"
	elif [ "$_pg_n" -gt 0 ]; then
		_pg_l=$(($1 * _pg_sum / _pg_n))
		echo "about $(fmt_s "$_pg_l") left (ends ~$(date -d "@$(($(date +%s) + _pg_l))" +%H:%M 2>/dev/null || echo ?), $1 case$([ "$1" -gt 1 ] && echo s) at $(fmt_s $((_pg_sum / _pg_n))) each)"
	else
		echo "time left known after the first case that ends ok (at most $(fmt_s $(($1 * _pg_bound))) by the case timeouts)"
	fi
}

# progress_begin WHAT: one line before a case: [k/TODO] WHAT; elapsed; estimate
progress_begin() {
	_pg_k=$((_pg_k + 1))
	now_cs
	_pg_c0=$NOW_CS
	log "[$_pg_k/$_pg_todo] $1; run time $(fmt_s $(((NOW_CS - _pg_t0) / 100))), $(progress_left $((_pg_todo - _pg_k + 1)))"
}

# progress_end: the case begun last has ended; sets PG_WALL_S to its wall time (whole
# seconds), its record's case_wall_s
progress_end() {
	now_cs
	PG_WALL_S=$(((NOW_CS - _pg_c0 + 50) / 100))
}

# progress_count STATE: the case's record says STATE; an ok case joins the mean
progress_count() {
	[ "$1" = ok ] || return 0
	_pg_n=$((_pg_n + 1))
	_pg_sum=$((_pg_sum + PG_WALL_S))
}

# progress_again: the case begun last runs once more (an automatic retry): it keeps its
# place [k/TODO] (its attempt, ended by a fault, never joined the mean)
progress_again() {
	_pg_k=$((_pg_k - 1))
}

# progress_summary: the line after a case, also the estimate for the rest
progress_summary() {
	now_cs
	echo "run time $(fmt_s $(((NOW_CS - _pg_t0) / 100))), $(progress_left $((_pg_todo - _pg_k)))"
}
