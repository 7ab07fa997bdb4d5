# shellcheck shell=sh
# Watching a QEMU process: stream its console file, examine what arrives (watch_chunk),
# enforce a timeout, print a heartbeat when the console is quiet. Runs on the host and
# inside the lab host (busybox). Sourced after common.sh and contract.sh.

# watch_chunk CONSOLE FROM TO ELAPSED_CS: the one place where each new piece of the
# console (bytes FROM+1..TO, arrived ELAPSED_CS after T0) is examined: streamed when
# asked, the up marker timed. A console marker of harness/LAB.md that the level below
# must act on is read here; to stop the process, set WATCH_STOP to the reason.
watch_chunk() {
	[ "$_wp_stream" = 1 ] && tail -c +$(($2 + 1)) "$1" | head -c $(($3 - $2))
	if [ -z "$WATCH_FIRST_OUTPUT_S" ] && grep -q "^$LAB_MARK_UP" "$1"; then
		WATCH_FIRST_OUTPUT_S=$(cs_to_s "$4")
	fi
	# the first fatal splat, when the caller watches for them (WATCH_FATAL_PATTERNS)
	if [ -n "${WATCH_FATAL_PATTERNS:-}" ] && [ -z "$WATCH_FATAL" ]; then
		WATCH_FATAL=$(console_fatal_line "$1" "$WATCH_FATAL_PATTERNS" | console_untimed)
		_wp_fatal_cs=$4
	fi
	return 0
}

# watch_process PID CONSOLE T0 TIMEOUT LOG STREAM(0|1)
# T0: a now_cs value. Returns when PID has exited or was killed: at the timeout
# (WATCH_TIMED_OUT=1) or because watch_chunk set WATCH_STOP. Sets WATCH_FIRST_OUTPUT_S
# (seconds from T0 to the up marker). With WATCH_FATAL_PATTERNS set (a patterns file), a
# fatal line on the console (WATCH_FATAL, its text) stops the process WATCH_FATAL_GRACE
# seconds later, WATCH_STOP naming it. With WATCH_BEFORE_KILL set (a command), it is run
# at the timeout before the process is killed.
# shellcheck disable=SC2034
watch_process() {
	WATCH_TIMED_OUT=0
	WATCH_FIRST_OUTPUT_S=""
	WATCH_STOP=""
	WATCH_FATAL=""
	_wp_stream=$6
	_wp_shown=0
	_wp_t0=$3
	_wp_quiet_since=$_wp_t0
	while :; do
		_wp_alive=1
		alive "$1" || _wp_alive=0
		now_cs
		_wp_now=$NOW_CS
		_wp_size=$(wc -c <"$2" 2>/dev/null || echo 0)
		if [ "$_wp_size" -gt "$_wp_shown" ]; then
			watch_chunk "$2" "$_wp_shown" "$_wp_size" $((_wp_now - _wp_t0))
			_wp_shown=$_wp_size
			_wp_quiet_since=$_wp_now
		fi
		[ "$_wp_alive" = 1 ] || break
		if [ -n "$WATCH_FATAL" ] && [ -z "$WATCH_STOP" ] &&
			[ $((_wp_now - _wp_t0 - _wp_fatal_cs)) -ge $((${WATCH_FATAL_GRACE:-120} * 100)) ]; then
			WATCH_STOP="its kernel reported \"$WATCH_FATAL\" and had not ended ${WATCH_FATAL_GRACE:-120}s later"
		fi
		if [ -n "$WATCH_STOP" ]; then
			kill_tree "$1"
			break
		fi
		if [ $((_wp_now - _wp_t0)) -ge $(($4 * 100)) ]; then
			WATCH_TIMED_OUT=1
			# what the caller wants to see of a process that did not end, before it goes
			[ -z "${WATCH_BEFORE_KILL:-}" ] || eval "$WATCH_BEFORE_KILL"
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
