#!/bin/sh
# Behaviour tests of the testsuite-mem binary.  Usage: behaviour.sh BINARY
# Prints TAP; exit status 1 when any test failed.
set -u
BIN=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
fails=0

check() { # STATUS DESCRIPTION
	tap "$1" "$2"
	if [ "$1" -ne 0 ]; then
		fails=$((fails + 1))
		echo "# rc=$rc"
		diag "$T/out"
		diag "$T/err"
	fi
}

# bad_cmd DESCRIPTION CMD...: exit 2, one stderr line naming the program, no stdout.
bad_cmd() {
	desc=$1
	shift
	run "$@"
	lines=$(wc -l <"$T/err")
	[ "$rc" -eq 2 ] && [ "$lines" -eq 1 ] && [ ! -s "$T/out" ] &&
		grep -q '^testsuite-mem: ' "$T/err"
	check $? "bad input exits 2 with one stderr line: $desc"
}

bad_input() { # DESCRIPTION ARGS...
	desc=$1
	shift
	bad_cmd "$desc" "$BIN" "$@"
}

mem_total=$(($(sed -n 's/^MemTotal:[[:space:]]*\([0-9]*\) kB$/\1/p' /proc/meminfo) * 1024))

bad_input "no arguments"
bad_input "--percent 0" --percent 0
bad_input "--percent 150" --percent 150
bad_input "--percent abc" --percent abc
bad_input "--percent 5x" --percent 5x
bad_input "--percent overflow" --percent 99999999999999999999999
bad_input "--times -1" --percent 5 --times -1
bad_input "--times 0" --percent 5 --times 0
bad_input "--times 3.5" --percent 5 --times 3.5
bad_input "--repeat 0" --size 1M --repeat 0
bad_input "--size 12X" --size 12X
bad_input "--size overflow" --size 99999999999999999999G
bad_input "--seed abc" --size 1M --seed abc
bad_input "--pattern zigzag" --size 1M --pattern zigzag
bad_input "--format json" --size 1M --format json
bad_input "unknown option --frobnicate" --size 1M --frobnicate
bad_input "missing value of --percent" --percent
bad_input "missing value of --times" --size 1M --times
bad_input "--percent with --size" --percent 5 --size 1M
bad_input "stray argument" --size 1M stray
bad_input "--times 0600 (a leading zero)" --size 1M --times 0600
bad_input "--size 010M (a leading zero)" --size 010M
bad_input "--percent '' (empty)" --percent ''
bad_input "--size given twice" --size 1M --size 2M
bad_input "--calc given twice" --size 1M --calc --calc
bad_input "-- is not an option" --size 1M --
bad_input "--size MemTotal+1 bytes" --size $((mem_total + 1))
# Under a 256 MiB address-space limit mmap of 512 MiB fails.
# shellcheck disable=SC2016
bad_cmd "allocation failure (ulimit -v)" sh -c 'ulimit -v 262144 && exec "$0" --size 512M' "$BIN"
grep -q 'cannot allocate the buffer' "$T/err"
check $? "allocation failure message names the buffer"

run "$BIN" --help
grep -q '^Usage: testsuite-mem' "$T/out" && [ "$rc" -eq 0 ] && [ ! -s "$T/err" ]
check $? "--help prints usage and exits 0"

run "$BIN" --percent 5 --times 2 --calc --format kv
buf=$(kv buffer_bytes)
avail=$(kv mem_available_bytes)
count=$(kv calc_count)
rate=$(kv calc_rate)
ms=$(kv elapsed_ms)
[ "$rc" -eq 0 ] && [ "$(kv status)" = complete ] && [ ! -s "$T/err" ]
check $? "--percent 5 --times 2 --calc --format kv completes"
[ "$buf" -eq $((avail * 5 / 100)) ]
check $? "buffer_bytes is 5% of mem_available_bytes"
[ "$(kv bytes_written)" -eq $((buf * 2)) ] && [ "$(kv passes)" -eq 2 ]
check $? "bytes_written = buffer_bytes x 2, passes=2"
[ "$count" -gt 0 ] && [ "$ms" -gt 0 ]
check $? "calc_count and elapsed_ms are positive"
# calc_rate ~= calc_count / elapsed seconds, within 2% plus 1 ms of rounding.
diff=$((rate * ms - count * 1000))
[ "$diff" -lt 0 ] && diff=$((-diff))
[ "$diff" -le $((count * 1000 / 50 + rate)) ]
check $? "calc_rate ~= calc_count / elapsed ($rate vs $count in $ms ms)"
# Each thread reports its own CPU time: both ran, and neither used more than the wall time.
calc_cpu=$(kv calc_cpu_ms)
mem_cpu=$(kv mem_cpu_ms)
[ "$calc_cpu" -gt 0 ] && [ "$mem_cpu" -gt 0 ] && [ "$calc_cpu" -le $((ms + 10)) ] &&
	[ "$mem_cpu" -le $((ms + 10)) ]
check $? "calc_cpu_ms and mem_cpu_ms are each within the wall time ($calc_cpu, $mem_cpu of $ms ms)"
# On one CPU the two threads share it: their CPU times add up to no more than the wall time
# (what a wall clock in place of a thread CPU clock would break).
run taskset -c 0 "$BIN" --percent 5 --times 2 --calc --format kv
ms=$(kv elapsed_ms)
calc_cpu=$(kv calc_cpu_ms)
mem_cpu=$(kv mem_cpu_ms)
[ "$rc" -eq 0 ] && [ "$calc_cpu" -gt 0 ] && [ "$mem_cpu" -gt 0 ] &&
	[ $((calc_cpu + mem_cpu)) -le $((ms + 20)) ]
check $? "on one CPU calc_cpu_ms + mem_cpu_ms <= elapsed_ms ($calc_cpu + $mem_cpu of $ms ms)"
bad_keys=
for key in elapsed_ms bytes_written passes calc_count calc_rate buffer_bytes \
	mem_available_bytes seed pattern status mem_cpu_ms calc_cpu_ms; do
	[ "$(grep -c "^$key=" "$T/out")" -eq 1 ] || bad_keys="$bad_keys $key"
done
[ -z "$bad_keys" ] || echo "# keys missing or repeated:$bad_keys"
[ -z "$bad_keys" ]
check $? "kv output has each required key once"

run "$BIN" --size 8M --times 3 --repeat 2 --format kv
[ "$rc" -eq 0 ] && [ "$(kv buffer_bytes)" -eq 8388608 ] &&
	[ "$(kv bytes_written)" -eq $((8388608 * 6)) ] && [ "$(kv passes)" -eq 6 ] &&
	[ "$(kv calc_count)" -eq 0 ] && [ "$(kv calc_rate)" -eq 0 ] &&
	[ "$(kv calc_cpu_ms)" -eq 0 ] && [ "$(kv seed)" -eq 1 ] && [ "$(kv pattern)" = seq ] && [ "$(kv status)" = complete ]
check $? "--size 8M --times 3 --repeat 2: 6 passes, no calc, defaults"

run "$BIN" --size 1000001 --times 2 --pattern random --seed 99 --format kv
[ "$rc" -eq 0 ] && [ "$(kv bytes_written)" -eq 2000002 ] && [ "$(kv pattern)" = random ] &&
	[ "$(kv seed)" -eq 99 ]
check $? "--pattern random on a size that is not a page multiple"

run "$BIN" --size 4M --times 2 --repeat 2 --timeline --format kv
awk 'NR <= 4 && !($1 == "timeline" && $2 == NR && NF == 4 && $3 ~ /^[0-9]+\.[0-9][0-9][0-9]$/ && $4 ~ /^[0-9]+\.[0-9][0-9][0-9]$/) { bad = 1 }
	NR == 5 && $0 != "status=complete" { bad = 1 }
	NR > 5 && /^timeline/ { bad = 1 }
	END { exit bad || NR < 5 }' "$T/out" && [ "$rc" -eq 0 ]
check $? "--timeline: 4 lines 'timeline <pass> <start_ms> <pass_ms>' before the summary"

run "$BIN" --size 2M --calc --timeline
[ "$rc" -eq 0 ] && grep -q '^testsuite-mem: complete' "$T/out" && grep -q 'elapsed:' "$T/out" &&
	grep -q 'pass 1:' "$T/out"
check $? "text output by default"

interrupt INT "$BIN" --size 64M --times 1000000 --calc --format kv
[ "$rc" -eq 130 ] && [ "$(kv status)" = interrupted ] && [ ! -s "$T/err" ] &&
	[ "$(kv bytes_written)" -lt $((67108864 * 1000000)) ] && [ "$stop_tenths" -le 20 ]
check $? "SIGINT: exit 130, status=interrupted, stopped within 2 s"

interrupt TERM "$BIN" --size 64M --times 1000000 --pattern random --timeline --format kv
[ "$rc" -eq 143 ] && [ "$(kv status)" = interrupted ] && [ ! -s "$T/err" ] &&
	[ "$(grep -c '^timeline ' "$T/out")" -eq "$(kv passes)" ] && [ "$stop_tenths" -le 20 ]
check $? "SIGTERM: exit 143, status=interrupted, timeline of the passes done"

tap_plan
[ "$fails" -eq 0 ]
