#!/usr/bin/env bats
# harness/tables: reference figures, statistics, robustness, plots.

bats_require_minimum_version 1.5.0

setup() {
	T="$BATS_TEST_DIRNAME/../tables"
	REF="$BATS_TEST_DIRNAME/../../results/reference/cover-letter-v2"
	FIX="$BATS_TEST_DIRNAME/fixtures/tables"
	OUT="$BATS_TEST_TMPDIR/out"
}

# csv_change FILE S I METRIC: change_pct of the mean row.
csv_change() {
	awk -F, -v s="$2" -v i="$3" -v m="$4" \
		'$5 == s && $6 == i && $7 == m && ($9 == "Amean" || $9 == "Hmean") { print $14 }' "$1"
}

# near A B TOL: |A - B| <= TOL
near() {
	awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; exit !(d <= t && -d <= t) }'
}

# kv KEY LINE: the value of KEY=... in a line of key=value words.
kv() {
	printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# ---- the published reference set ----

@test "reference set: recomputed percentages, one convention, in text and CSV" {
	run "$T" --out "$OUT" "$REF"
	[ "$status" -eq 0 ]
	for f in tables.txt tables.md tables.csv records.csv; do [ -s "$OUT/$f" ]; done
	# The convention is stated once, in the header.
	grep -Fq 'Output = change of +APF against -APF = (+APF - -APF) / -APF' "$OUT/tables.txt"
	grep -Fq 'Times: negative = +APF faster' "$OUT/tables.txt"
	# scenario index metric expected (rounded as displayed)
	while read -r s i m want off; do
		got=$(csv_change "$OUT/tables.csv" "$s" "$i" "$m")
		[ -n "$got" ] || { echo "no row $s $i $m"; return 1; }
		shown=$(awk -v c="$got" 'BEGIN { a = c < 0 ? -c : c; printf(a < 5 ? "%+.2f%%" : "%+.1f%%", c) }')
		[ "$shown" = "$want" ] || { echo "$s $i $m: $shown, want $want"; return 1; }
		# the row of the text table with this -APF value shows the same figure
		re=$(printf '%s' "$want" | sed 's/[.+]/\\&/g')
		grep -Eq "^ +$i  .* $off +[0-9.]+ +[*( ]*$re[*) ]" "$OUT/tables.txt" ||
			{ echo "$want not in the text row of $off"; return 1; }
	done <<-'EOF'
	1 1 time -2.81% 39477
	1 2 time -2.95% 51272
	2 1 time +110.4% 81442
	2 2 time +56.7% 122002
	2 1 calc +212.9% 7155198892
	2 2 calc +118.4% 11438214429
	2 1 rate +48.8% 87.86
	2 2 rate +39.4% 93.75
	3 1 time +173.8% 240635
	3 1 calc +352.5% 19722999876
	3 1 rate +65.2% 81.96
	3 1 mig_total_time_ms +9.2% 9576
	3 1 mig_downtime_ms -43.6% 78
	3 1 mig_setup_time_ms -24.2% 62
	3 1 mig_transferred_kbytes +35.7% 889007
	3 1 mig_throughput_mbps +24.0% 765.53
	3 1 mig_pages_per_second +114.9% 33684
	3 1 mig_postcopy_requests -38.0% 121
	EOF
	# Rates as well as totals: 7155198892 / 81.442 s = 87.86 M/s.
	grep -Eq '^ +1 +calc rate \(M/s\) +Hmean +1/1 +87\.86 +130\.69 ' "$OUT/tables.txt"
	# n=1 everywhere: no significance, and the table says so.
	grep -Fq 'no test (n=1)' "$OUT/tables.txt"
	[ "$(grep -c -F '*' "$OUT/tables.csv")" = 0 ]
	# stdout is the text layout
	[ "$output" = "$(cat "$OUT/tables.txt")" ]
}

@test "reference set: published vs recomputed names the differences" {
	run "$T" --format text --out "$OUT" "$REF"
	[ "$status" -eq 0 ]
	t=$OUT/tables.txt
	grep -Eq '^ +\[1\] +1 +time \(ms\) +\+0\.28% +-2\.81% +factor of ten .*opposite sign' "$t"
	grep -Eq '^ +\[1\] +2 +time \(ms\) +\+0\.29% +-2\.95% +factor of ten' "$t"
	grep -Eq '^ +\[2\] +1 +time \(ms\) +-110% +\+110\.4% +opposite sign$' "$t"
	grep -Eq '^ +\[2\] +2 +time \(ms\) +-57% +\+56\.7% +opposite sign$' "$t"
	grep -Eq '^ +\[2\] +2 +calc +\+119% +\+118\.4% +rounding \(118\.43 rounds to 118\)$' "$t"
	grep -Eq '^ +\[3\] +1 +time \(ms\) +\+174% +\+173\.8% +agrees$' "$t"
	grep -Eq '^ +\[3\] +1 +downtime \(ms\) +-43\.5% +-43\.6% +rounding' "$t"
	grep -Eq '^ +\[3\] +1 +setup \(ms\) +-24\.1% +-24\.2% +rounding' "$t"
	# the sign flip between [2] and [3]
	grep -Fq 'both sign conventions: opposite to the recomputed sign in [1] i1, [1] i2, [2] i1, [2] i2; the same sign in [3] i1' "$t"
	[ ! -e "$OUT/tables.md" ]
	[ ! -e "$OUT/tables.csv" ]
}

@test "reference set: Markdown and CSV formats on their own" {
	run "$T" --format md --out "$OUT" "$REF"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "# apf-suite: -APF vs +APF comparison tables" ]
	grep -Fq '| 1 | time (ms) | Amean | 1/1 | 39477 | 38367 | -2.81% | no test (n=1) |' "$OUT/tables.md"
	rm -r "$OUT"
	run "$T" --format csv --out "$OUT" "$REF"
	[ "$status" -eq 0 ]
	[ "${lines[0]%%,*}" = arch ]
	[ -s "$OUT/tables.csv" ]
	[ -s "$OUT/records.csv" ]
	[ ! -e "$OUT/tables.txt" ]
	grep -Fq 'store-global-state on' "$OUT/records.csv"
}

# ---- statistics, against hand computation ----

@test "stats: mean, stddev, CoeffVar, Hmean, min, max" {
	# {1,2,3}: mean 2; var = (1+0+1)/(3-1) = 1, sd 1; CoeffVar 1/2 = 50%;
	# Hmean = 3 / (1 + 1/2 + 1/3) = 3 / (11/6) = 18/11 = 1.636364
	run "$T" --stats summary 1 2 3
	[ "$status" -eq 0 ]
	[ "$(kv n "$output")" = 3 ]
	[ "$(kv amean "$output")" = 2 ]
	[ "$(kv stddev "$output")" = 1 ]
	[ "$(kv coeffvar "$output")" = 50 ]
	near "$(kv hmean "$output")" 1.636364 1e-6
	[ "$(kv min "$output")" = 1 ]
	[ "$(kv max "$output")" = 3 ]
	# {2,4,4,4,5,5,7,9}: mean 5, sum of squares 32, var 32/7, sd 2.138090
	run "$T" --stats summary 2 4 4 4 5 5 7 9
	near "$(kv stddev "$output")" 2.138090 1e-6
	near "$(kv coeffvar "$output")" 42.76180 1e-4
	# n=1: no spread
	run "$T" --stats summary 7
	[ "$(kv stddev "$output")" = - ]
	[ "$(kv amean "$output")" = 7 ]
	run "$T" --stats summary 1 x
	[ "$status" -eq 2 ]
}

@test "stats: Welch t, degrees of freedom, p and significance" {
	# A={1,2,3} B={4,5,6}: var 1 each, se^2 = 1/3 + 1/3, t = -3/sqrt(2/3) = -3.674235;
	# df = (2/3)^2 / ((1/3)^2/2 * 2) = 4. Student t, 4 df, closed form:
	# F(t) = 1/2 + 3/8 * x * (1 - t^2/(12 (1 + t^2/4))), x = t / sqrt(1 + t^2/4);
	# t^2 = 13.5: x = 1.756620, 1 - 13.5/52.5 = 0.742857, p = 1 - 0.75*x*0.742857 = 0.021312
	run "$T" --stats welch 1 2 3 -- 4 5 6
	[ "$status" -eq 0 ]
	near "$(kv t "$output")" -3.674235 1e-6
	near "$(kv df "$output")" 4 1e-9
	near "$(kv p "$output")" 0.021312 1e-6
	[ "$(kv significant "$output")" = yes ]
	# A={1,3} B={5,7}: var 2 each, se^2 = 2, t = -4/sqrt(2) = -2.828427, df = 4/(1+1) = 2;
	# 2 df: p = 1 - |t|/sqrt(2 + t^2) = 1 - 2.828427/sqrt(10) = 0.105573 -> not significant
	run "$T" --stats welch 1 3 -- 5 7
	near "$(kv t "$output")" -2.828427 1e-6
	near "$(kv df "$output")" 2 1e-9
	near "$(kv p "$output")" 0.105573 1e-6
	[ "$(kv significant "$output")" = no ]
	# A={1,2,3} (var 1) B={2,4,6,8} (var 20/3): se^2 = 1/3 + 5/3 = 2, t = -3/sqrt(2) = -2.121320;
	# df = 4 / ((1/3)^2/2 + (5/3)^2/3) = 4 / (53/54) = 216/53 = 4.075472.
	# p lies below the 4-df value (closed form above: 0.101192) and above the 5-df value
	run "$T" --stats welch 1 2 3 -- 2 4 6 8
	near "$(kv t "$output")" -2.121320 1e-6
	near "$(kv df "$output")" 4.075472 1e-6
	awk -v p="$(kv p "$output")" 'BEGIN { exit !(p > 0.09 && p < 0.101192) }'
	# Lab fixture x86 [1]: {1000,1100,1200} vs {800,850,900}: se^2 = 10000/3 + 2500/3,
	# t = 250 / sqrt(4166.67) = 3.872983, df = 4166.67^2 / (3333.33^2/2 + 833.33^2/2) = 50/17
	run "$T" --stats welch 1000 1100 1200 -- 800 850 900
	near "$(kv t "$output")" 3.872983 1e-6
	near "$(kv df "$output")" 2.941176 1e-6
	# 1 df is the Cauchy distribution: p(|T| > 1) = 1 - 2/pi * atan(1) = 0.5
	run "$T" --stats pvalue 1 1
	near "$(kv p "$output")" 0.5 1e-9
	run "$T" --stats pvalue 2 10
	near "$(kv p "$output")" 0.0733880 1e-6
}

@test "stats: equal samples, zero variance and n=1 do not divide by zero" {
	run "$T" --stats welch 5 5 -- 5 5
	[ "$status" -eq 0 ]
	[ "$(kv t "$output")" = 0 ]
	[ "$(kv p "$output")" = 1 ]
	[ "$(kv significant "$output")" = no ]
	[ "$(kv df "$output")" = - ]
	# no spread on either side but different means: the difference is certain
	run "$T" --stats welch 5 5 -- 6 6
	[ "$(kv p "$output")" = 0 ]
	[ "$(kv significant "$output")" = yes ]
	# spread on one side only: df = n - 1 of that side
	run "$T" --stats welch 5 5 5 -- 6 7 8
	near "$(kv df "$output")" 2 1e-9
	run "$T" --stats welch 5 -- 6 7
	[ "$(kv significant "$output")" = untested ]
	[ "$(kv p "$output")" = - ]
}

# ---- repeated runs, unavailable +APF, two arches ----

@test "repeated runs: Amean, Stddev, CoeffVar, Min, Max and mmtests marks" {
	run "$T" --out "$OUT" "$FIX/lab-x86"
	[ "$status" -eq 0 ]
	t=$OUT/tables.txt
	grep -Eq '^ +1 +time \(ms\) +Amean +3/3 +1100 +850 +\* +-22\.7%\* +0\.0316$' "$t"
	grep -Eq '^ +Stddev +100 +50 ' "$t"
	grep -Eq '^ +CoeffVar +9\.09 +5\.88 ' "$t"
	grep -Eq '^ +Min +1000 +800 ' "$t"
	grep -Eq '^ +Max +1200 +900 ' "$t"
	# not significant: in parentheses
	grep -Eq '^ +1 +time \(ms\) +Amean +2/2 +124700 +124600 +\( +-0\.08%\) ' "$t"
	# the rate uses the harmonic mean
	grep -Eq '^ +1 +calc rate \(M/s\) +Hmean +2/2 ' "$t"
	# identical migration samples: p = 1, nothing divided by zero
	grep -Eq '^ +1 +total time \(ms\) +Amean +2/2 +3630 +3630 +\( +\+0\.00%\) +1\.0000$' "$t"
	# the invalid run is listed, not tabulated
	grep -Fq 'Not tabulated: 1 record (invalid 1)' "$t"
	grep -Fq "s1-i1-apfon-r4.rec: invalid: guest dmesg lacks 'Async PF enabled on CPU'" "$t"
}

@test "unavailable +APF shows the reason, never a number" {
	run "$T" --out "$OUT" "$FIX/lab-arm64"
	[ "$status" -eq 0 ]
	line=$(grep -E '^ +1 +time \(ms\) +Amean' "$OUT/tables.txt")
	case $line in
	*"3/0"*"12  unavailable: host kernel has no APF"*) ;;
	*) echo "$line"; return 1 ;;
	esac
	# nothing after the reason: no Output, no p
	[ "${line##*NOT_SUPPORTED)}" = "" ]
	awk -F, '$9 == "Amean" || $9 == "Hmean" { if ($11 !~ /^unavailable: / || $14 != "") exit 1 }' "$OUT/tables.csv"
	grep -Fq 'Not tabulated: 7 records (unavailable 6, timeout 1)' "$OUT/tables.txt"
	grep -Fq 's2-i1-apfoff-r3.rec: timeout: workload exceeded 600 s' "$OUT/tables.txt"
}

@test "arm64 and x86_64 side by side, in arch order" {
	run "$T" --out "$OUT" "$FIX/lab-x86" "$FIX/lab-arm64"
	[ "$status" -eq 0 ]
	a=$(grep -n '^=== arm64: lab-arm64 (measured, profile lab) ===$' "$OUT/tables.txt" | cut -d: -f1)
	x=$(grep -n '^=== x86_64: lab-x86 (measured, profile lab) ===$' "$OUT/tables.txt" | cut -d: -f1)
	[ -n "$a" ]
	[ -n "$x" ]
	[ "$a" -lt "$x" ]
	grep -q '^arm64,measured,lab-arm64,lab,1,1,time,' "$OUT/tables.csv"
	grep -q '^x86_64,measured,lab-x86,lab,1,1,time,' "$OUT/tables.csv"
}

@test "default output directory; several directories need --out" {
	cp -r "$FIX/lab-x86" "$BATS_TEST_TMPDIR/run"
	run "$T" "$BATS_TEST_TMPDIR/run"
	[ "$status" -eq 0 ]
	[ -s "$BATS_TEST_TMPDIR/run/tables/tables.txt" ]
	run --separate-stderr "$T" "$FIX/lab-x86" "$FIX/lab-arm64"
	[ "$status" -eq 2 ]
	[ "$stderr" = "tables: several run directories: give --out DIR" ]
}

# ---- robustness: one error line naming file and line, exit 2, no output ----

# bad SETUP-COMMANDS EXPECTED-STDERR-PATTERN: break a copy of the reference
# set with SETUP, run, expect exit 2, one stderr line, no output files.
bad() {
	d=$BATS_TEST_TMPDIR/d
	rm -rf "$d" "$OUT"
	cp -r "$REF" "$d"
	rm -rf "$d/tables"
	(cd "$d" && eval "$1")
	run --separate-stderr "$T" --out "$OUT" "$d"
	[ "$status" -eq 2 ] || { echo "status $status: $stderr"; return 1; }
	[ "${#stderr_lines[@]}" -eq 1 ] || { echo "$stderr"; return 1; }
	case $stderr in
	"tables: $d/"$2) ;;
	*) echo "stderr: $stderr"; echo "want: tables: $d/$2"; return 1 ;;
	esac
	[ -z "$output" ]
	[ ! -e "$OUT" ]
}

@test "robustness: missing directory and missing manifest" {
	run --separate-stderr "$T" --out "$OUT" "$BATS_TEST_TMPDIR/nosuch"
	[ "$status" -eq 2 ]
	[ "$stderr" = "tables: $BATS_TEST_TMPDIR/nosuch: no such run directory" ]
	[ ! -e "$OUT" ]
	bad 'rm manifest' 'manifest: missing manifest'
}

@test "robustness: empty, truncated and incomplete records" {
	bad ': >records/s1-i1-apfon-r1.rec' 'records/s1-i1-apfon-r1.rec:1: empty file'
	bad 'printf "scenario=1\nindex=1\napf=on\nrepe" >records/s1-i1-apfon-r1.rec' \
		'records/s1-i1-apfon-r1.rec:4: truncated (no newline at end of file)'
	bad 'printf "scenario=1\nindex=1\napf=on\n" >records/s1-i1-apfon-r1.rec' \
		"records/s1-i1-apfon-r1.rec:3: missing key 'repeat' *"
	bad 'sed -i /^elapsed_ms/d records/s2-i1-apfoff-r1.rec' \
		"records/s2-i1-apfoff-r1.rec:7: missing key 'elapsed_ms' *"
	bad 'printf "# only a comment\n" >manifest' "manifest:1: missing key *"
}

@test "robustness: malformed line, non-numeric field, duplicate key" {
	bad 'echo "this is junk" >>records/s1-i1-apfon-r1.rec' \
		'records/s1-i1-apfon-r1.rec:8: malformed line *'
	bad 'echo "elapsed_ms =5" >>records/s1-i1-apfon-r1.rec' \
		'records/s1-i1-apfon-r1.rec:8: malformed line *'
	bad 'sed -i s/=38367/=38,367/ records/s1-i1-apfon-r1.rec' \
		"records/s1-i1-apfon-r1.rec:7: non-numeric value for 'elapsed_ms': '38,367'"
	bad 'sed -i s/^mig_downtime_ms=44/mig_downtime_ms=44ms/ records/s3-i1-apfon-r1.rec' \
		"records/s3-i1-apfon-r1.rec:10: non-numeric value for 'mig_downtime_ms': '44ms'"
	bad 'echo "elapsed_ms=1" >>records/s1-i1-apfon-r1.rec' \
		"records/s1-i1-apfon-r1.rec:8: duplicate key 'elapsed_ms' (first on line 7)"
	bad 'echo "arch=x86_64" >>manifest' "manifest:*: duplicate key 'arch' *"
	bad 'sed -i s/^state=ok/state=fine/ records/s1-i1-apfon-r1.rec' \
		"records/s1-i1-apfon-r1.rec:5: unknown state 'fine'"
	bad 'sed -i s/^state=ok/state=invalid/ records/s1-i1-apfon-r1.rec' \
		"records/s1-i1-apfon-r1.rec:7: missing key 'reason' *"
	bad 'sed -i s/^scenario=1/scenario=2/ records/s1-i1-apfon-r1.rec' \
		'records/s1-i1-apfon-r1.rec:1: contents say s2-i1-apfon-r1.rec, file name differs'
	bad 'echo calc_rate=5 >>records/s2-i1-apfon-r1.rec' \
		'records/s2-i1-apfon-r1.rec:9: calc_rate 5 disagrees *'
	bad 'sed -i "s,^apf_verified=n/a,apf_verified=no," records/s1-i1-apfon-r1.rec' \
		"records/s1-i1-apfon-r1.rec:6: state=ok but apf_verified=no *"
	bad 'sed -i "s|^format=.*|format=apf-suite-results/2|" manifest' "manifest:3: unknown format *"
}

@test "robustness: zero records, mixed profiles, same directory twice" {
	bad 'rm records/*' 'records: no records (zero repeats)'
	bad 'rm -r records' 'records: no records (zero repeats)'
	e=$BATS_TEST_TMPDIR/e
	cp -r "$REF" "$e"
	sed -i 's/^profile=.*/profile=lab/' "$e/manifest"
	run --separate-stderr "$T" --out "$OUT" "$REF" "$e"
	[ "$status" -eq 2 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	case $stderr in "tables: $e/manifest:6: profile 'lab' differs from 'cover-letter' in "*) ;; *) echo "$stderr"; return 1 ;; esac
	[ ! -e "$OUT" ]
	run --separate-stderr "$T" --out "$OUT" "$REF" "$REF/"
	[ "$status" -eq 2 ]
	case $stderr in *": run directory given twice") ;; *) echo "$stderr"; return 1 ;; esac
}

@test "robustness: an existing output directory keeps only finished files" {
	mkdir -p "$OUT"
	d=$BATS_TEST_TMPDIR/d
	cp -r "$REF" "$d"
	echo junk >>"$d/records/s2-i2-apfon-r1.rec"
	run --separate-stderr "$T" --out "$OUT" "$d"
	[ "$status" -eq 2 ]
	[ -d "$OUT" ]
	[ -z "$(ls -A "$OUT")" ]
}

@test "robustness: usage errors" {
	run --separate-stderr "$T" --format xml "$REF"
	[ "$status" -eq 2 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	run --separate-stderr "$T" --bogus "$REF"
	[ "$status" -eq 2 ]
	[ "$stderr" = "tables: unknown option: --bogus (see --help)" ]
	run --separate-stderr "$T"
	[ "$status" -eq 2 ]
	run "$T" --help
	[ "$status" -eq 0 ]
	[ "${lines[0]%% *}" = usage: ]
}

@test "robustness: TERM while plotting removes temporary files and the new directory" {
	gp=$BATS_TEST_TMPDIR/slow-gnuplot
	printf '#!/bin/sh\n[ "$1" = -e ] && exit 0\ntouch "$MARK"\nsleep 1\n' >"$gp"
	chmod +x "$gp"
	MARK=$BATS_TEST_TMPDIR/mark GNUPLOT=$gp "$T" --plots --out "$OUT" "$FIX/lab-x86" >/dev/null 2>&1 &
	pid=$!
	n=0
	while [ ! -e "$BATS_TEST_TMPDIR/mark" ] && [ "$n" -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
	[ -d "$OUT" ]
	ls -A "$OUT" | grep -q '^\.tables-tmp\.'
	kill -TERM "$pid"
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 143 ]
	[ ! -e "$OUT" ]
}

# ---- plots ----

@test "plots: SVG and PNG bars and the scenario 3 timeline" {
	command -v gnuplot >/dev/null || skip "gnuplot not installed"
	run "$T" --plots --out "$OUT" "$FIX/lab-x86" "$FIX/lab-arm64"
	[ "$status" -eq 0 ]
	for p in s1-time s2-time s2-rate s3-time s3-rate s3-timeline; do
		[ -s "$OUT/$p.svg" ] && [ -s "$OUT/$p.png" ] || { echo "$p missing"; return 1; }
		grep -q '<svg' "$OUT/$p.svg"
		[ "$(head -c 4 "$OUT/$p.png" | tail -c 3)" = PNG ]
	done
	[ -z "$(ls -A "$OUT" | grep '^\.')" ]
}

@test "plots: skipped with a message without timelines or without gnuplot" {
	command -v gnuplot >/dev/null || skip "gnuplot not installed"
	run --separate-stderr "$T" --plots --out "$OUT" "$REF"
	[ "$status" -eq 0 ]
	[ -s "$OUT/s2-rate.svg" ]
	[ ! -e "$OUT/s3-timeline.svg" ]
	case $stderr in *"no timeline data"*"timeline plot skipped") ;; *) echo "$stderr"; return 1 ;; esac
	rm -r "$OUT"
	GNUPLOT=$BATS_TEST_TMPDIR/no-gnuplot run --separate-stderr "$T" --plots --out "$OUT" "$REF"
	[ "$status" -eq 0 ]
	case $stderr in *"not found: plots skipped") ;; *) echo "$stderr"; return 1 ;; esac
	[ -s "$OUT/tables.txt" ]
	[ -z "$(ls "$OUT" | grep -E 'svg|png')" ]
}

# ---- portability ----

@test "dash and busybox ash give the same tables" {
	run "$T" --out "$OUT" "$FIX/lab-x86" "$FIX/lab-arm64"
	[ "$status" -eq 0 ]
	for sh in dash "busybox sh"; do
		command -v "${sh%% *}" >/dev/null || continue
		rm -rf "$OUT.2"
		$sh "$T" --out "$OUT.2" "$FIX/lab-x86" "$FIX/lab-arm64" >/dev/null
		for f in tables.txt tables.md tables.csv records.csv; do
			cmp "$OUT/$f" "$OUT.2/$f"
		done
	done
}

@test "a fresh copy builds the statistics tool on demand" {
	mkdir -p "$BATS_TEST_TMPDIR/h/lib" "$BATS_TEST_TMPDIR/h/profiles"
	cp "$T" "$BATS_TEST_TMPDIR/h/"
	cp "$BATS_TEST_DIRNAME/../lib/common.sh" "$BATS_TEST_TMPDIR/h/lib/"
	cp "$BATS_TEST_DIRNAME/../profiles/scenarios" "$BATS_TEST_TMPDIR/h/profiles/"
	mkdir "$BATS_TEST_TMPDIR/h/tables.d"
	cp "$BATS_TEST_DIRNAME"/../tables.d/*.awk "$BATS_TEST_DIRNAME"/../tables.d/*.c \
		"$BATS_TEST_DIRNAME"/../tables.d/*.sh "$BATS_TEST_DIRNAME"/../tables.d/Makefile \
		"$BATS_TEST_TMPDIR/h/tables.d/"
	run "$BATS_TEST_TMPDIR/h/tables" --out "$OUT" "$REF"
	[ "$status" -eq 0 ]
	[ -x "$BATS_TEST_TMPDIR/h/tables.d/build/apfstat" ]
}

@test "scripts pass shellcheck" {
	command -v shellcheck >/dev/null || skip "shellcheck not installed"
	shellcheck "$T" "$BATS_TEST_DIRNAME/../tables.d/plots.sh"
}

@test "robustness: a malformed timeline stops the plots with file and line" {
	command -v gnuplot >/dev/null || skip "gnuplot not installed"
	cp -r "$FIX/lab-x86" "$BATS_TEST_TMPDIR/run"
	printf '1 0 300\n2 300 fast\n' >"$BATS_TEST_TMPDIR/run/records/s3-i1-apfon-r2.timeline"
	run --separate-stderr "$T" --plots --out "$OUT" "$BATS_TEST_TMPDIR/run"
	[ "$status" -eq 2 ]
	[ "$stderr" = "tables: $BATS_TEST_TMPDIR/run/records/s3-i1-apfon-r2.timeline:2: want \"pass start_ms pass_ms\"" ]
	[ ! -e "$OUT" ]
}
