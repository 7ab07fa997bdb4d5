# shellcheck shell=sh
# Shared helpers of the shell test scripts (sourced, POSIX sh).
# rc, stop_tenths and the files in $T are read by the callers.
# shellcheck disable=SC2034
# Tests print TAP: "ok N - what", "not ok N - what", "ok N - what # SKIP why".

tap_n=0

tap() { # STATUS DESCRIPTION: STATUS 0 is a pass
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
	fi
}

tap_skip() { # DESCRIPTION REASON
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

tap_plan() {
	echo "1..$tap_n"
}

diag() { # shows a file's contents as TAP comments
	sed 's/^/# /' "$1"
}

# run CMD...: runs CMD with stdout in $T/out and stderr in $T/err; sets rc.
run() {
	rc=0
	"$@" >"$T/out" 2>"$T/err" || rc=$?
}

# kv KEY: value of KEY=... in $T/out.
kv() {
	sed -n "s/^$1=//p" "$T/out"
}

# wait_handlers PID: until PID has handlers for SIGINT and SIGTERM (5 s max).
wait_handlers() {
	i=0
	while [ "$i" -lt 50 ] && kill -0 "$1" 2>/dev/null; do
		mask=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null)
		if [ -n "$mask" ]; then
			low=${mask#"${mask%????}"}
			[ $((0x$low & 0x4002)) -eq 16386 ] && return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# wait_exit PID: waits up to 10 s for PID to end, kills it after; sets rc.
wait_exit() {
	i=0
	while kill -0 "$1" 2>/dev/null && [ "$i" -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$1" 2>/dev/null; then
		kill -9 "$1" 2>/dev/null
		echo "# pid $1 did not stop within 10 s"
	fi
	rc=0
	wait "$1" || rc=$?
}

# interrupt SIGNAL CMD...: starts CMD, waits for its handlers and a moment
# of work, sends SIGNAL; sets rc and the exit delay in tenths (stop_tenths).
interrupt() {
	sig=$1
	shift
	"$@" >"$T/out" 2>"$T/err" &
	pid=$!
	wait_handlers "$pid" || echo "# no SIGINT/SIGTERM handlers seen in /proc/$pid/status"
	sleep 0.3
	kill -s "$sig" "$pid"
	wait_exit "$pid"
	stop_tenths=$i
}
