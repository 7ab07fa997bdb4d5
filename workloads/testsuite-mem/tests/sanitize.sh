#!/bin/sh
# ASan+UBSan, TSan and valgrind runs on small sizes.  Usage: sanitize.sh BUILD_DIR
# Prints TAP; exit status 1 when any test failed.
set -u
B=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
fails=0
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
TSAN_OPTIONS=halt_on_error=1:exitcode=66
export ASAN_OPTIONS UBSAN_OPTIONS TSAN_OPTIONS

# clean EXPECTED_RC DESCRIPTION: the last run exited EXPECTED_RC with nothing on stderr.
clean() {
	[ "$rc" -eq "$1" ] && [ ! -s "$T/err" ]
	st=$?
	tap "$st" "$2"
	if [ "$st" -ne 0 ]; then
		fails=$((fails + 1))
		echo "# rc=$rc (expected $1)"
		diag "$T/err"
	fi
}

run "$B/asan/unit-tests"
grep -q '^not ok' "$T/out" && rc=1
clean 0 "ASan+UBSan: unit tests"

run "$B/asan/testsuite-mem" --size 8M --times 2 --calc --timeline --format kv
clean 0 "ASan+UBSan: --size 8M --times 2 --calc --timeline"

run "$B/asan/testsuite-mem" --size 3000001 --times 2 --repeat 2 --pattern random --timeline
clean 0 "ASan+UBSan: --pattern random, --repeat 2, odd size"

run "$B/asan/testsuite-mem" --percent 150
[ "$rc" -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ]
st=$?
tap "$st" "ASan+UBSan: bad input path exits 2 with one line"
[ "$st" -eq 0 ] || fails=$((fails + 1))

interrupt INT "$B/asan/testsuite-mem" --size 8M --times 1000000 --calc --pattern random --timeline --format kv
clean 130 "ASan+UBSan: SIGINT path frees everything"

# TSan's shadow memory layout can clash with a high mmap randomisation;
# setarch -R turns randomisation off for the run.
tsan() {
	run "$B/tsan/testsuite-mem" "$@"
	if grep -q 'unexpected memory mapping' "$T/err" && command -v setarch >/dev/null; then
		run setarch "$(uname -m)" -R "$B/tsan/testsuite-mem" "$@"
	fi
}

tsan --size 8M --times 3 --calc --format kv
clean 0 "TSan: --size 8M --times 3 --calc (two threads)"

tsan --size 4M --times 2 --repeat 2 --calc --pattern random --timeline --format kv
clean 0 "TSan: --pattern random --calc --timeline"

interrupt TERM "$B/tsan/testsuite-mem" --size 8M --times 1000000 --calc --format kv
if grep -q 'unexpected memory mapping' "$T/err" && command -v setarch >/dev/null; then
	interrupt TERM setarch "$(uname -m)" -R "$B/tsan/testsuite-mem" --size 8M --times 1000000 --calc --format kv
fi
clean 143 "TSan: SIGTERM with --calc"

if command -v valgrind >/dev/null; then
	vg() {
		run valgrind -q --error-exitcode=1 --leak-check=full "$@"
	}
	vg "$B/debug/testsuite-mem" --size 8M --times 2 --calc --timeline --format kv
	clean 0 "valgrind: --size 8M --times 2 --calc --timeline"
	vg "$B/debug/testsuite-mem" --size 2000001 --times 2 --repeat 2 --pattern random --timeline
	clean 0 "valgrind: --pattern random, --repeat 2, odd size"
	vg "$B/debug/testsuite-mem" --times 0 --size 1M
	[ "$rc" -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ]
	st=$?
	tap "$st" "valgrind: bad input path exits 2 with one line"
	[ "$st" -eq 0 ] || fails=$((fails + 1))
	vg "$B/host/unit-tests"
	grep -q '^not ok' "$T/out" && rc=1
	clean 0 "valgrind: unit tests"
else
	for what in "--size 8M --calc" "--pattern random" "bad input" "unit tests"; do
		tap_skip "valgrind: $what" "valgrind not installed"
	done
fi

tap_plan
[ "$fails" -eq 0 ]
