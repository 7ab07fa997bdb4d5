# shellcheck shell=sh
# Watching a QEMU process: stream its console file, enforce a timeout, print a heartbeat
# when the console is quiet. Runs on the host and inside the lab host (busybox).

now_s() {
	cut -d' ' -f1 /proc/uptime
}

elapsed_since() {
	awk -v a="$1" -v b="$(now_s)" 'BEGIN { printf "%.1f", b - a }'
}


# watch_process PID CONSOLE T0 TIMEOUT LOG STREAM(0|1)
# Returns when PID has exited or was killed at the timeout. Sets WATCH_TIMED_OUT (0|1)
# and WATCH_FIRST_OUTPUT_S (seconds from T0 to the first "apf-lab: up" line).
# shellcheck disable=SC2034
watch_process() {
	WATCH_TIMED_OUT=0
	WATCH_FIRST_OUTPUT_S=""
	_wp_shown=0
	_wp_quiet_since=$3
	while :; do
		_wp_alive=1
		alive "$1" || _wp_alive=0
		_wp_size=$(wc -c <"$2" 2>/dev/null || echo 0)
		if [ "$_wp_size" -gt "$_wp_shown" ]; then
			[ "$6" = 1 ] && tail -c +$((_wp_shown + 1)) "$2" | head -c $((_wp_size - _wp_shown))
			_wp_shown=$_wp_size
			_wp_quiet_since=$(now_s)
			if [ -z "$WATCH_FIRST_OUTPUT_S" ] && grep -q '^apf-lab: up' "$2"; then
				WATCH_FIRST_OUTPUT_S=$(elapsed_since "$3")
			fi
		fi
		[ "$_wp_alive" = 1 ] || break
		_wp_el=$(elapsed_since "$3")
		if [ "${_wp_el%.*}" -ge "$4" ]; then
			WATCH_TIMED_OUT=1
			kill_tree "$1"
			break
		fi
		if [ "$(elapsed_since "$_wp_quiet_since" | cut -d. -f1)" -ge 30 ]; then
			log "still running: ${_wp_el%.*}s of ${4}s (log: $5)"
			_wp_quiet_since=$(now_s)
		fi
		sleep 0.1
	done
}
