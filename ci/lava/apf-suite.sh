#!/bin/sh
# LAVA test script of apf-suite (ci/lava/apf-suite.yaml runs it on the device).
# Runs the suite's TAP-producing tests on the device (or takes TAP logs and benchmark
# records made elsewhere) and turns them into LAVA result lines, one per test:
#   <name> <pass|fail|skip> [<measurement> <units>]
# sent with lava-test-case when it exists, else printed; always kept in
# OUTPUT/result.txt. POSIX sh: runs under dash and busybox ash.

usage() {
	cat <<'EOF'
usage: apf-suite.sh [--run] [--tap NAME=FILE]... [--records DIR]... [--output DIR]

  --run            run the tests here (the default when no input is given):
                   the selftests runner ($SELFTESTS_DIR/run $RUN_ARGS, default dir
                   /work/selftests) and the lab smoke test ($SUITE_DIR/harness/lab.d/smoke,
                   default /suite), each when present
  --tap NAME=FILE  convert a TAP log; its tests are named NAME_<test>
  --records DIR    convert benchmark records (DIR/records/*.rec or DIR/*.rec): one
                   result per case, and elapsed_ms, calc_count, calc_rate as measurements
  --output DIR     where result.txt and the TAP logs go (default ./output)
  --print          print the result lines even when lava-test-case exists

Exit status: 0 (failed tests are results, not errors), 2 bad usage or input.
EOF
}

die2() {
	echo "apf-suite.sh: $*" >&2
	exit 2
}

run=0
print=0
taps=""
records=""
out=./output
while [ $# -gt 0 ]; do
	case $1 in
	--run) run=1 ;;
	--print) print=1 ;;
	--tap | --records | --output)
		[ $# -ge 2 ] || die2 "$1 needs a value"
		case $1 in
		--tap)
			case $2 in
			?*=?*) ;;
			*) die2 "--tap $2: expected NAME=FILE" ;;
			esac
			[ -f "${2#*=}" ] || die2 "--tap $2: no such file"
			taps="$taps
$2"
			;;
		--records)
			[ -d "$2" ] || die2 "--records $2: no such directory"
			records="$records
$2"
			;;
		--output) out=$2 ;;
		esac
		shift
		;;
	-h | --help) usage; exit 0 ;;
	*) die2 "unknown argument '$1' (see --help)" ;;
	esac
	shift
done
[ -z "$taps" ] && [ -z "$records" ] && run=1
mkdir -p "$out" || die2 "cannot create $out"
result=$out/result.txt
: >"$result" || die2 "cannot write $result"

# TAP log -> result lines. Only top-level test lines count ("# ok" lines are a
# sub-test's own output). The name is PREFIX_<description>, without the number, the
# directive and a bats timing suffix, in [A-Za-z0-9._-]; for smoke and bench the
# description is cut at ": " or " (" (the tail there is a measured detail).
tap_to_lava() {
	awk -v prefix="$1" '
	function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
	/^(not )?ok [0-9]+/ {
		ok = ($0 !~ /^not /)
		rest = ok ? substr($0, 4) : substr($0, 8)
		num = rest; sub(/[^0-9].*$/, "", num)
		sub(/^[0-9]+/, "", rest); rest = trim(rest); sub(/^- */, "", rest)
		desc = rest; dir = ""
		if (substr(rest, 1, 1) == "#") { desc = ""; dir = substr(rest, 2) }
		else if ((i = index(rest, " #")) > 0) { desc = substr(rest, 1, i - 1); dir = substr(rest, i + 2) }
		dir = trim(dir); ms = ""
		if (match(desc, / in [0-9]+ms$/)) { ms = substr(desc, RSTART + 4, RLENGTH - 6); desc = substr(desc, 1, RSTART - 1) }
		else if (match(dir, / in [0-9]+ms$/)) { ms = substr(dir, RSTART + 4, RLENGTH - 6); dir = substr(dir, 1, RSTART - 1) }
		desc = trim(desc)
		if (prefix == "smoke" || prefix == "bench") {
			i = index(desc, ": "); j = index(desc, " (")
			if (j > 0 && (i == 0 || j < i)) i = j
			if (i > 0) desc = substr(desc, 1, i - 1)
		}
		if (desc == "") desc = num
		name = prefix "_" desc
		gsub(/[^A-Za-z0-9._-]+/, "_", name); sub(/_+$/, "", name)
		if (seen[name]++) name = name "_" seen[name]
		up = toupper(dir)
		if (up ~ /^SKIP/) res = "skip"
		else if (up ~ /^TODO/) res = ok ? "pass" : "skip"
		else res = ok ? "pass" : "fail"
		if (ms != "") printf "%s %s %.3f s\n", name, res, ms / 1000
		else printf "%s %s\n", name, res
	}' "$2"
}

# Benchmark records -> result lines: <case> pass|skip|fail, and for ok cases
# <case>_elapsed_ms, <case>_calc_count, <case>_calc_rate with their values.
records_to_lava() {
	_rd=$1
	[ -d "$_rd/records" ] && _rd=$_rd/records
	for _rf in "$_rd"/*.rec; do
		[ -f "$_rf" ] || continue
		_case=${_rf##*/}
		_case=${_case%.rec}
		awk -v name="bench_$_case" '
		{ sub(/\r$/, "") }
		/^#/ || !/=/ { next }
		{ k = $0; sub(/=.*/, "", k); v = substr($0, length(k) + 2); kv[k] = v }
		function num(s) { return s ~ /^-?[0-9]+(\.[0-9]+)?$/ }
		END {
			gsub(/[^A-Za-z0-9._-]+/, "_", name)
			st = kv["state"]
			if (st == "ok") {
				print name " pass"
				if (num(kv["elapsed_ms"])) print name "_elapsed_ms pass " kv["elapsed_ms"] " ms"
				if (num(kv["calc_count"])) print name "_calc_count pass " kv["calc_count"] " count"
				if (num(kv["calc_rate"])) print name "_calc_rate pass " kv["calc_rate"] " count/s"
				else if (num(kv["calc_count"]) && num(kv["elapsed_ms"]) && kv["elapsed_ms"] > 0)
					printf "%s_calc_rate pass %.3f count/s\n", name, kv["calc_count"] * 1000 / kv["elapsed_ms"]
			} else if (st == "unavailable") print name " skip"
			else print name " fail"
		}' "$_rf"
	done
}

if [ "$run" = 1 ]; then
	sel=${SELFTESTS_DIR:-/work/selftests}
	suite=${SUITE_DIR:-/suite}
	ran=0
	if [ -f "$sel/run" ]; then
		echo "apf-suite: selftests: sh $sel/run ${RUN_ARGS:-}"
		# shellcheck disable=SC2086 # RUN_ARGS is a list of options
		RESULTS=${RESULTS:-$out} sh "$sel/run" ${RUN_ARGS:-} >"$out/selftests.tap" 2>&1
		echo "apf-suite: selftests exit $?"
		taps="$taps
selftests=$out/selftests.tap"
		ran=1
	fi
	if [ -f "$suite/harness/lab.d/smoke" ] && [ -c /dev/kvm ]; then
		echo "apf-suite: smoke: sh $suite/harness/lab.d/smoke"
		mkdir -p "$out/smoke"
		RESULTS=$out/smoke sh "$suite/harness/lab.d/smoke" >"$out/smoke.tap" 2>&1
		echo "apf-suite: smoke exit $?"
		taps="$taps
smoke=$out/smoke.tap"
		ran=1
	fi
	if [ "$ran" = 0 ]; then
		echo "apf-suite: nothing to run (no $sel/run, no $suite/harness/lab.d/smoke with /dev/kvm)" >&2
		echo "apf-suite_run skip" >>"$result"
	fi
fi

printf '%s\n' "$taps" | while IFS= read -r t; do
	[ -n "$t" ] || continue
	tap_to_lava "${t%%=*}" "${t#*=}" >>"$result"
done
printf '%s\n' "$records" | while IFS= read -r r; do
	[ -n "$r" ] || continue
	records_to_lava "$r" >>"$result"
done

have_ltc=0
[ "$print" = 0 ] && command -v lava-test-case >/dev/null 2>&1 && have_ltc=1
while read -r name res meas units; do
	[ -n "$name" ] || continue
	if [ "$have_ltc" = 1 ]; then
		if [ -n "$meas" ]; then
			lava-test-case "$name" --result "$res" --measurement "$meas" --units "$units"
		else
			lava-test-case "$name" --result "$res"
		fi
	else
		echo "$name $res${meas:+ $meas}${units:+ $units}"
	fi
done <"$result"
exit 0
