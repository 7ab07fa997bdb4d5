# shellcheck shell=sh
# Watching a QEMU process: stream its console file, enforce a timeout, print a heartbeat
# when the console is quiet. Runs on the host and inside the lab host (busybox).

now_s() {
	cut -d' ' -f1 /proc/uptime
}

elapsed_since() {
	awk -v a="$1" -v b="$(now_s)" 'BEGIN { printf "%.1f", b - a }'
}


# Set VAR to S.CC (now_s's format) in centiseconds. Builtins only: the watch loop runs
# inside emulated hosts, where every fork costs the guests beside it.
to_cs() {
	case $2 in
	*.*) _tc_f=${2#*.}00 ;;
	*) _tc_f=00 ;;
	esac
	_tc_f=${_tc_f%"${_tc_f#??}"}
	eval "$1=\$((\${2%.*} * 100 + 1\$_tc_f - 100))"
}

# watch_process PID CONSOLE T0 TIMEOUT LOG STREAM(0|1)
# Returns when PID has exited or was killed at the timeout. Sets WATCH_TIMED_OUT (0|1)
# and WATCH_FIRST_OUTPUT_S (seconds from T0 to the first "apf-lab: up" line).
# shellcheck disable=SC2034
watch_process() {
	WATCH_TIMED_OUT=0
	WATCH_FIRST_OUTPUT_S=""
	_wp_shown=0
	_wp_t0=0
	to_cs _wp_t0 "$3"
	_wp_quiet_since=$_wp_t0
	while :; do
		_wp_alive=1
		alive "$1" || _wp_alive=0
		read -r _wp_now _wp_idle </proc/uptime
		to_cs _wp_now "$_wp_now"
		_wp_size=$(wc -c <"$2" 2>/dev/null || echo 0)
		if [ "$_wp_size" -gt "$_wp_shown" ]; then
			[ "$6" = 1 ] && tail -c +$((_wp_shown + 1)) "$2" | head -c $((_wp_size - _wp_shown))
			_wp_shown=$_wp_size
			_wp_quiet_since=$_wp_now
			if [ -z "$WATCH_FIRST_OUTPUT_S" ] && grep -q '^apf-lab: up' "$2"; then
				_wp_el=$((_wp_now - _wp_t0))
				WATCH_FIRST_OUTPUT_S=$((_wp_el / 100)).$((_wp_el / 10 % 10))
			fi
		fi
		[ "$_wp_alive" = 1 ] || break
		if [ $((_wp_now - _wp_t0)) -ge $(($4 * 100)) ]; then
			WATCH_TIMED_OUT=1
			kill_tree "$1"
			break
		fi
		if [ $((_wp_now - _wp_quiet_since)) -ge 3000 ]; then
			log "still running: $(((_wp_now - _wp_t0) / 100))s of ${4}s (log: $5)"
			_wp_quiet_since=$_wp_now
		fi
		sleep 0.1
	done
}
