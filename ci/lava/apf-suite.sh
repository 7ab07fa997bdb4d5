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
                   /work/selftests) and the lab smoke test ($SUITE_DIR/bin/smoke,
                   default /suite), each when present
  --tap NAME=FILE  convert a TAP log; its tests are named NAME_<test>
  --records DIR    convert benchmark records (DIR/records/*.rec or DIR/*.rec): one
                   result per case, and elapsed_ms, calc_count, calc_rate as measurements
  --output DIR     where result.txt and the TAP logs go (default ./output)
  --print          print the result lines even when lava-test-case exists

Exit status: 0 (failed tests are results, not errors), 2 bad usage or input.
EOF
}

# The suite's messages and TAP reader, from the checkout this script runs in.
APF_PROG=apf-suite.sh
# shellcheck source=../../harness/lib/common.sh
. "$(dirname -- "$0")/../../harness/lib/common.sh" || exit 2
# shellcheck source=../../harness/lib/tap.sh
. "$(dirname -- "$0")/../../harness/lib/tap.sh" || exit 2

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
		opt_value "$@"
		[ "$1" != --output ] || opt_once "$1"
		one_line "$1" "$2"
		# a relative name starting with - is not an option of the tools it is given to
		_v=$2
		case $1:$2 in
		--tap:*=-*) _v=${2%%=*}=./${2#*=} ;;
		--records:-* | --output:-*) _v=./$2 ;;
		esac
		_o=$1
		shift 2
		set -- "$_o" "$_v" "$@"
		case $1 in
		--tap)
			case $2 in
			?*=?*) ;;
			*) usage_error "--tap $2: expected NAME=FILE" ;;
			esac
			[ -f "${2#*=}" ] || usage_error "--tap $2: no such file"
			case "$taps
" in
			*"
${2%%=*}="*) usage_error "--tap ${2%%=*}: the name given twice (its results would have the same names)" ;;
			esac
			taps="$taps
$2"
			;;
		--records)
			[ -d "$2" ] || usage_error "--records $2: no such directory"
			_rd=$2
			[ ! -d "$_rd/records" ] || _rd=$_rd/records
			_n=0
			for _rf in "$_rd"/*.rec; do [ ! -f "$_rf" ] || _n=1; done
			[ "$_n" = 1 ] || usage_error "--records $2: no records (*.rec) in $_rd"
			records="$records
$2"
			;;
		--output)
			[ -n "$2" ] || usage_error "--output: an empty directory name"
			[ ! -e "$2" ] || [ -d "$2" ] || usage_error "--output $2: not a directory"
			out=$2
			;;
		esac
		shift
		;;
	-h | --help) usage; exit 0 ;;
	*) usage_error "unknown argument '$1' (see --help)" ;;
	esac
	shift
done
[ -z "$taps" ] && [ -z "$records" ] && run=1
mkdir -p -- "$out" 2>/dev/null || usage_error "--output $out: cannot create the directory"
result=$out/result.txt
{ : >"$result"; } 2>/dev/null || usage_error "cannot write $result"

# TAP log -> result lines, read by the suite's one TAP reader (harness/lib/tap.sh: the
# same test names as harness/report and harness/history). LAVA wants names in
# [A-Za-z0-9._-]: PREFIX_<description>, a repeated name gets _2, _3...
tap_to_lava() {
	tap_tests "$2" "$1" | awk -F '\t' '
	{
		desc = substr($2, length($1) + 2)
		if (desc ~ /^#[0-9]+$/) desc = substr(desc, 2)
		name = $1 "_" desc
		gsub(/[^A-Za-z0-9._-]+/, "_", name); sub(/_+$/, "", name)
		if (seen[name]++) name = name "_" seen[name]
		if ($4 != "") printf "%s %s %s s\n", name, $3, $4
		else printf "%s %s\n", name, $3
	}'
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
	if [ -f "$suite/bin/smoke" ] && [ -c /dev/kvm ]; then
		echo "apf-suite: smoke: sh $suite/bin/smoke"
		mkdir -p "$out/smoke"
		RESULTS=$out/smoke sh "$suite/bin/smoke" >"$out/smoke.tap" 2>&1
		echo "apf-suite: smoke exit $?"
		taps="$taps
smoke=$out/smoke.tap"
		ran=1
	fi
	if [ "$ran" = 0 ]; then
		echo "apf-suite: nothing to run (no $sel/run, no $suite/bin/smoke with /dev/kvm)" >&2
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
