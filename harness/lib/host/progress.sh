# shellcheck shell=sh
# Progress of a long run (harness/bench): what the case is, the time since the run
# started and an estimate of the time left for the whole run. Sourced after common.sh;
# host only.
#
# The estimate comes from the cases that ended ok so far: a case a fault ended (a lab
# host that crashed at 57 s of a 6-minute case) says nothing of how long a case takes.
# A case's wall time is its own part (booting, setting up, collecting: wall time less
# the workload's elapsed_ms) plus its workload, which runs the scenario's rounds ([3]
# runs S3_REPEAT of them: with 5, a [3] case takes about five [2] cases' workload): so
# the time left is, for the cases to run, their number times the mean own part plus
# their rounds times the mean time of a round. Cases done in this invocation count; so
# do those of an earlier invocation of the same run (their records keep `case_wall_s`,
# `elapsed_ms`, `scenario` and `state`), so a resumed run estimates from its first case
# on. Before any case has ended ok there is only the profile's bound: each case ends
# within its timeout plus the lab's margin, and that is what is printed, as a bound.

# progress_init TODO BOUND_S [--rounds MAP] RECORD...: TODO cases are to run, each
# within BOUND_S seconds; MAP gives the workload's rounds per scenario ("1:1 2:1 3:5";
# a scenario not in it, or no MAP: 1); the records name the cases already done.
progress_init() {
	_pg_todo=$1 _pg_bound=$2
	shift 2
	_pg_map=""
	if [ "${1:-}" = --rounds ]; then
		_pg_map=$2
		shift 2
	fi
	_pg_k=0 _pg_n=0 _pg_own=0 _pg_wl=0 _pg_rounds=0 _pg_q="" _pg_cur=1
	now_cs
	_pg_t0=$NOW_CS
	for _pg_r in "$@"; do
		[ "$(kv_get "$_pg_r" state 2>/dev/null)" = ok ] || continue
		_pg_w=$(kv_get "$_pg_r" case_wall_s 2>/dev/null) || continue
		case $_pg_w in '' | *[!0-9]*) continue ;; esac
		_pg_e=$(kv_get "$_pg_r" elapsed_ms 2>/dev/null) || _pg_e=0
		case $_pg_e in '' | *[!0-9]*) _pg_e=0 ;; esac
		_pg_add "$_pg_w" "$_pg_e" "$(progress_rounds_of "$(kv_get "$_pg_r" scenario 2>/dev/null || :)")"
	done
}

# progress_rounds_of S: the workload's rounds of scenario S, by the map
progress_rounds_of() {
	for _pg_m in $_pg_map; do
		[ "${_pg_m%%:*}" = "$1" ] && { echo "${_pg_m#*:}"; return 0; }
	done
	echo 1
}

# progress_queue S...: the scenarios of the cases to run, in their order (for their rounds)
progress_queue() {
	_pg_q=""
	for _pg_s; do
		_pg_q="$_pg_q $(progress_rounds_of "$_pg_s")"
	done
}

# _pg_add WALL_S ELAPSED_MS ROUNDS: an ok case joins the means
_pg_add() {
	_pg_n=$((_pg_n + 1))
	_pg_e=$(($2 / 1000))
	[ "$_pg_e" -le "$1" ] || _pg_e=$1
	_pg_own=$((_pg_own + $1 - _pg_e))
	_pg_wl=$((_pg_wl + _pg_e))
	_pg_rounds=$((_pg_rounds + $3))
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

# progress_left LEFT: the estimate for LEFT more cases, in words; their rounds are those
# of the queue (progress_queue), else one each
progress_left() {
	if [ "$1" -eq 0 ]; then
		echo "nothing left"
	elif [ "$_pg_n" -gt 0 ]; then
		_pg_rl=0 _pg_j=0 _pg_same=1
		for _pg_x in $_pg_q; do
			[ "$_pg_j" -lt "$1" ] || break
			_pg_j=$((_pg_j + 1))
			_pg_rl=$((_pg_rl + _pg_x))
		done
		_pg_rl=$((_pg_rl + $1 - _pg_j))
		# every case, done or to run, of one round each: the mean case says it all
		[ "$_pg_rl" -eq "$1" ] && [ "$_pg_rounds" -eq "$_pg_n" ] || _pg_same=0
		_pg_l=$(($1 * _pg_own / _pg_n + _pg_rl * _pg_wl / _pg_rounds))
		printf 'about %s left (ends ~%s, ' "$(fmt_s "$_pg_l")" "$(date -d "@$(($(date +%s) + _pg_l))" +%H:%M 2>/dev/null || echo ?)"
		if [ "$_pg_same" = 1 ]; then
			echo "$1 case$([ "$1" -gt 1 ] && echo s) at $(fmt_s $(((_pg_own + _pg_wl) / _pg_n))) each)"
		else
			echo "$1 case$([ "$1" -gt 1 ] && echo s) of $_pg_rl workload round$([ "$_pg_rl" -gt 1 ] && echo s): $(fmt_s $((_pg_own / _pg_n))) a case and $(fmt_s $((_pg_wl / _pg_rounds))) a round)"
		fi
	else
		echo "time left known after the first case that ends ok (at most $(fmt_s $(($1 * _pg_bound))) by the case timeouts)"
	fi
}

# progress_begin WHAT: one line before a case: [k/TODO] WHAT; elapsed; estimate (the
# case takes its rounds off the queue)
progress_begin() {
	_pg_k=$((_pg_k + 1))
	now_cs
	_pg_c0=$NOW_CS
	log "[$_pg_k/$_pg_todo] $1; run time $(fmt_s $(((NOW_CS - _pg_t0) / 100))), $(progress_left $((_pg_todo - _pg_k + 1)))"
	_pg_cur=1
	# shellcheck disable=SC2086 # numbers, split on purpose
	set -- $_pg_q
	[ $# -eq 0 ] || { _pg_cur=$1; shift; _pg_q="$*"; }
}

# progress_end: the case begun last has ended; sets PG_WALL_S to its wall time (whole
# seconds), its record's case_wall_s
progress_end() {
	now_cs
	PG_WALL_S=$(((NOW_CS - _pg_c0 + 50) / 100))
}

# progress_count STATE [ELAPSED_MS]: the case's record says STATE (and the workload's
# elapsed_ms); an ok case joins the means
progress_count() {
	[ "$1" = ok ] || return 0
	_pg_e=${2:-0}
	case $_pg_e in '' | *[!0-9]*) _pg_e=0 ;; esac
	_pg_add "$PG_WALL_S" "$_pg_e" "$_pg_cur"
}

# progress_again: the case begun last runs once more (an automatic retry): it keeps its
# place [k/TODO] and its rounds (its attempt, ended by a fault, never joined the means)
progress_again() {
	_pg_k=$((_pg_k - 1))
	_pg_q="$_pg_cur $_pg_q"
}

# progress_summary: the line after a case, also the estimate for the rest
progress_summary() {
	now_cs
	echo "run time $(fmt_s $(((NOW_CS - _pg_t0) / 100))), $(progress_left $((_pg_todo - _pg_k)))"
}
