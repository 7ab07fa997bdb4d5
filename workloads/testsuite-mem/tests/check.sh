#!/bin/sh
# Runs every test suite, shows its TAP output, counts the results and ends
# with "testsuite-mem: N passed, N failed, N skipped".  Usage: check.sh BUILD_DIR
set -u
B=$1
D=$(dirname "$0")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
passed=0
failed=0
skipped=0

# suite NAME CMD...: a suite that crashes, exits non-zero without a failed
# test, or reports fewer tests than it planned counts one more failure.
suite() {
	name=$1
	shift
	echo "# --- $name"
	rc=0
	"$@" >"$T/tap" 2>&1 || rc=$?
	cat "$T/tap"
	p=$(grep -E '^ok [0-9]+' "$T/tap" | grep -vc '# SKIP')
	s=$(grep -E '^ok [0-9]+' "$T/tap" | grep -c '# SKIP')
	f=$(grep -cE '^not ok [0-9]+' "$T/tap")
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$T/tap" | tail -n 1)
	if [ -z "$plan" ] || [ "$plan" -ne $((p + s + f)) ] || { [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; }; then
		echo "# $name: exit status $rc, plan '${plan:-none}', $((p + s + f)) results"
		f=$((f + 1))
	fi
	passed=$((passed + p))
	skipped=$((skipped + s))
	failed=$((failed + f))
}

suite unit "$B/host/unit-tests"
suite behaviour sh "$D/behaviour.sh" "$B/host/testsuite-mem"
suite sanitizers sh "$D/sanitize.sh" "$B"
suite cross sh "$D/cross.sh" "$B"

echo "testsuite-mem: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
