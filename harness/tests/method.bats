#!/usr/bin/env bats
# The method (issue 15): the A/A control in the records and the tables, the interleaved
# order of harness/bench, the profile's method keys. Nothing here boots the lab.

load common
bats_require_minimum_version 1.5.0

setup() {
	common_setup
	T=$TOP/harness/tables
	W=$BATS_TEST_TMPDIR
}

# run_dir DIR [ORDER]: a measured x86_64 run directory (manifest) with no records yet
run_dir() {
	mkdir -p "$1/records"
	{
		printf 'format=apf-suite-results/1\nrun_id=%s\nsource=measured\nprofile=short\n' "$(basename "$1")"
		printf 'arch=x86_64\nhost=lab\nkernel=6.12.0-test\nqemu=10.0.2\n'
		[ -z "${2:-}" ] || printf 'order=%s\naa=yes\n' "$2"
	} >"$1/manifest"
}

# rec DIR S ARM R ELAPSED_MS: an ok record of scenario S (index 1) that proves its APF
# state on x86_64; ARM off, on or aa (the A/A control: a -APF record with aa=yes)
rec() {
	_apf=$3 _name=s$2-i1-apf$3-r$4
	[ "$3" != aa ] || { _apf=off _name=s$2-i1-apfoff-aa-r$4; }
	{
		printf 'scenario=%s\nindex=1\napf=%s\nrepeat=%s\n' "$2" "$_apf" "$4"
		[ "$3" != aa ] || echo "aa=yes"
		printf 'seq=%s\nstarted=2026-01-01T00:00:00Z\nstate=ok\napf_verified=yes\n' "$4"
		if [ "$_apf" = on ]; then
			printf 'guest_no_kvmapf=no\nguest_apf_enabled_cpus=0\nguest_apf_irqs=100\n'
		else
			printf 'guest_no_kvmapf=yes\nguest_apf_enabled_cpus=0\nguest_apf_irqs=0\n'
		fi
		printf 'elapsed_ms=%s\ncalc_count=%s\n' "$5" "$(($5 * 1000))"
	} >"$1/records/$_name.rec"
}

# ab_aa DIR "A values" "B values" "A/A values": records of scenario 2, repeats 1..n
ab_aa() {
	_r=0
	for v in $2; do _r=$((_r + 1)); rec "$1" 2 off "$_r" "$v"; done
	_r=0
	for v in $3; do _r=$((_r + 1)); rec "$1" 2 on "$_r" "$v"; done
	_r=0
	for v in $4; do _r=$((_r + 1)); rec "$1" 2 aa "$_r" "$v"; done
}

# ---- the A/A control in the tables ----

@test "A/A: the noise floor is shown under the A/B mean, with its change and Welch's p; not significant, no flag" {
	run_dir "$W/r" interleaved
	ab_aa "$W/r" "100000 110000 105000" "80000 82000 79000" "104000 101000 108000"
	run -0 "$T" --out "$W/o" "$W/r"
	# time: A/B, then A/A: -APF 105000 against the A/A arm's 104333.3, -0.63%, p 0.86
	assert_line --regexp '^    1  time \(ms\) +Amean +3/3 +105000 +80333\.3 +\* +-23\.5%\* +0\.0087$'
	assert_line --regexp '^ +A/A +3/3 +105000 +104333\.3 +\( +-0\.63%\) +0\.8603$'
	assert_line --partial 'A/A control: the rows "A/A" put -APF against a second -APF arm'
	refute_output --partial 'BROKEN METHOD'
	assert_line 'order: interleaved (per scenario, index and repeat the arms in turn, reversed on even repeats: drift hits every arm alike)'
	# the CSV has the A/A row: stat A/A, the A/A arm in the apf_on column
	run awk -F, '$7 == "time" && $9 == "A/A" { print $10, $11, $12, $13, $15 }' "$W/o/tables.csv"
	assert_output "105000 104333.333333333 3 3 no"
}

@test "A/A: a significant A/A difference is flagged as a broken method, in the row and under the table" {
	run_dir "$W/r" interleaved
	ab_aa "$W/r" "100000 101000 102000" "80000 82000 79000" "120000 121000 119000"
	run -0 "$T" --out "$W/o" "$W/r"
	assert_line --regexp '^ +A/A +3/3 +101000 +120000 +\* +\+18\.8%\* +<0\.0001 BROKEN METHOD$'
	assert_line --regexp '^BROKEN METHOD: the A/A control differs significantly \(Welch, 5%\) in \[2\] i1 time \(ms\) \(\+18\.8%, p <0\.0001\), \[2\] i1 calc'
	grep -q 'BROKEN METHOD' "$W/o/tables.md"
}

@test "A/A: without A/A records there is no A/A row; an old run's order is 'not recorded'" {
	run_dir "$W/r"
	ab_aa "$W/r" "100000 101000 102000" "80000 82000 79000" ""
	run -0 "$T" --out "$W/o" "$W/r"
	refute_output --partial 'A/A'
	assert_line 'order: not recorded (r)'
}

@test "A/A: aa=yes on a +APF record, or an A/A record under a plain -APF name, is bad input naming file and line" {
	run_dir "$W/r"
	ab_aa "$W/r" "100000" "80000" ""
	printf 'aa=yes\n' >>"$W/r/records/s2-i1-apfon-r1.rec"
	run -2 "$T" --out "$W/o" "$W/r"
	assert_output "tables: $W/r/records/s2-i1-apfon-r1.rec:14: aa=yes with apf=on: the A/A control is aa=yes on a -APF record"
	[ ! -e "$W/o" ]
	run_dir "$W/q"
	ab_aa "$W/q" "100000" "80000" ""
	printf 'aa=yes\n' >>"$W/q/records/s2-i1-apfoff-r1.rec"
	run -2 "$T" --out "$W/o" "$W/q"
	assert_output "tables: $W/q/records/s2-i1-apfoff-r1.rec:1: contents say s2-i1-apfoff-aa-r1.rec, file name differs"
}

# ---- harness/bench: the order, the A/A arm, the profile's method keys ----

# fake_tree: a copy of the tree whose harness/lab is a fake: "run" appends the case's name
# and its apf and guest_append (from the case specification put to /work/case) to
# $W/order, and gives back an unavailable record
fake_tree() {
	tree=$W/tree
	mkdir -p "$tree"
	cp -R "$TOP/harness" "$TOP/cgroups" "$tree/"
	cat >"$tree/harness/lab" <<-'SH'
	#!/bin/sh
	case $1 in
	accel) echo lab; exit 0 ;;
	run) shift ;;
	*) exit 2 ;;
	esac
	while [ $# -gt 0 ]; do
		case $1 in
		--results) res=$2; shift 2 ;;
		--put) spec=${2%%:*}/case.kv; shift 2 ;;
		--quiet) shift ;;
		--) break ;;
		*) shift 2 ;;
		esac
	done
	echo "$(sed -n 's/^case=//p' "$spec") $(sed -n 's/^apf=//p' "$spec") $(sed -n 's/^guest_append=//p' "$spec")" >>"$FAKE_ORDER"
	mkdir -p "$res" || exit 125
	printf 'host_kernel=6.12.0-fake\nhost_qemu=7.2.0\nstate=%s\nreason=a fake case\napf_verified=no\n' "${FAKE_STATE:-unavailable}" >"$res/record.kv"
	SH
	chmod +x "$tree/harness/lab"
	export FAKE_ORDER=$W/order
}

@test "bench: interleaved by default: per repeat, scenario and index the arms in turn, reversed on even repeats; seq and started in each record, the order in the manifest" {
	fake_tree
	run -0 "$tree/harness/bench" --profile short --scenarios 1,2 --repeat 2 --aa --results "$W/res" --run-id r --no-tables
	run cat "$W/order"
	assert_output "$(printf '%s\n' 's1-i1-apfoff-r1 off no-kvmapf' 's1-i1-apfon-r1 on ' 's1-i1-apfoff-aa-r1 off no-kvmapf' \
		's2-i1-apfoff-r1 off no-kvmapf' 's2-i1-apfon-r1 on ' 's2-i1-apfoff-aa-r1 off no-kvmapf' \
		's1-i1-apfoff-aa-r2 off no-kvmapf' 's1-i1-apfon-r2 on ' 's1-i1-apfoff-r2 off no-kvmapf' \
		's2-i1-apfoff-aa-r2 off no-kvmapf' 's2-i1-apfon-r2 on ' 's2-i1-apfoff-r2 off no-kvmapf')"
	# each record's seq is its place in that order; the A/A records say aa=yes
	n=0
	while read -r c _; do
		n=$((n + 1))
		grep -qx "seq=$n" "$W/res/r/records/$c.rec" || { echo "$c: not seq=$n"; cat "$W/res/r/records/$c.rec"; return 1; }
		grep -Eqx 'started=20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z' "$W/res/r/records/$c.rec"
		case $c in
		*-aa-*)
			grep -qx 'aa=yes' "$W/res/r/records/$c.rec"
			grep -qx 'apf=off' "$W/res/r/records/$c.rec"
			;;
		*) run ! grep -q '^aa=' "$W/res/r/records/$c.rec" ;;
		esac
	done <"$W/order"
	[ "$n" = 12 ]
	grep -qx 'order=interleaved' "$W/res/r/manifest"
	grep -qx 'aa=yes' "$W/res/r/manifest"
	grep -qx 'monitors=yes' "$W/res/r/manifest"
}

@test "bench: --order grouped runs every -APF case, then +APF, then the A/A arm" {
	fake_tree
	run -0 "$tree/harness/bench" --profile short --scenarios 1 --repeat 2 --aa --order grouped --results "$W/res" --run-id g --no-tables
	run cut -d' ' -f1 "$W/order"
	assert_output "$(printf '%s\n' s1-i1-apfoff-r1 s1-i1-apfoff-r2 s1-i1-apfon-r1 s1-i1-apfon-r2 s1-i1-apfoff-aa-r1 s1-i1-apfoff-aa-r2)"
	grep -qx 'order=grouped' "$W/res/g/manifest"
}

@test "bench: resuming keeps the seq going; a run is not resumed with another order or A/A setting" {
	fake_tree
	run -0 "$tree/harness/bench" --profile short --scenarios 1 --apf off --results "$W/res" --run-id r --no-tables
	run -0 "$tree/harness/bench" --profile short --scenarios 1 --results "$W/res" --run-id r --no-tables
	assert_output --partial 's1-i1-apfoff-r1: recorded already (unavailable), skipped'
	grep -qx 'seq=2' "$W/res/r/records/s1-i1-apfon-r1.rec"
	run -2 "$tree/harness/bench" --profile short --scenarios 1 --results "$W/res" --run-id r --no-tables --order grouped
	assert_output "bench: $W/res/r was made with order=interleaved, not grouped; use --new or another --run-id"
	run -2 "$tree/harness/bench" --profile short --scenarios 1 --results "$W/res" --run-id r --no-tables --aa
	assert_output "bench: $W/res/r was made with aa=no, not yes; use --new or another --run-id"
}

@test "bench: the profile's method keys (SCENARIOS, REPEAT per scenario, AA, ORDER) are the defaults; the options override them" {
	fake_tree
	sed 's/^CASE_TIMEOUT=.*/&\nSCENARIOS=1,2\nREPEAT=1:2,2:1\nAA=yes\nORDER=interleaved\nMONITORS=no/' \
		"$TOP/harness/profiles/short.profile" >"$W/m.profile"
	run -0 "$tree/harness/bench" --profile "$W/m.profile" --results "$W/res" --run-id p --no-tables
	run cut -d' ' -f1 "$W/order"
	assert_output "$(printf '%s\n' s1-i1-apfoff-r1 s1-i1-apfon-r1 s1-i1-apfoff-aa-r1 s2-i1-apfoff-r1 s2-i1-apfon-r1 s2-i1-apfoff-aa-r1 \
		s1-i1-apfoff-aa-r2 s1-i1-apfon-r2 s1-i1-apfoff-r2)"
	grep -qx 'monitors=no' "$W/res/p/manifest"
	rm "$W/order"
	run -0 "$tree/harness/bench" --profile "$W/m.profile" --scenarios 2 --repeat 1 --results "$W/res" --run-id q --no-tables
	run cut -d' ' -f1 "$W/order"
	assert_output "$(printf '%s\n' s2-i1-apfoff-r1 s2-i1-apfon-r1 s2-i1-apfoff-aa-r1)"
}

@test "bench: INDEXES runs a scenario on the first N of the profile's CGROUPS only; the others run them all" {
	fake_tree
	printf 'memory_max=150M\nmemory_high=\nmemory_swap_max=\n' >"$tree/cgroups/tight.conf"
	sed -e 's/^CGROUPS=.*/CGROUPS=lab tight/' -e 's/^CASE_TIMEOUT=.*/&\nINDEXES=3:1/' \
		"$TOP/harness/profiles/short.profile" >"$W/i.profile"
	run -0 "$tree/harness/bench" --profile "$W/i.profile" --results "$W/res" --run-id i --no-tables
	run cut -d' ' -f1 "$W/order"
	assert_output "$(printf '%s\n' s1-i1-apfoff-r1 s1-i1-apfon-r1 s1-i2-apfoff-r1 s1-i2-apfon-r1 \
		s2-i1-apfoff-r1 s2-i1-apfon-r1 s2-i2-apfoff-r1 s2-i2-apfon-r1 s3-i1-apfoff-r1 s3-i1-apfon-r1)"
	for bad in 'INDEXES=3:3' 'INDEXES=3:0' 'INDEXES=3' 'INDEXES=3:1,3:2' 'INDEXES=9:1'; do
		sed "s/^INDEXES=.*/$bad/" "$W/i.profile" >"$W/b.profile"
		run -2 "$tree/harness/bench" --profile "$W/b.profile" --results "$W/bad"
		one_line_exit_2
		assert_output --partial "$W/b.profile: INDEXES"
	done
	[ ! -e "$W/bad" ]
}

@test "bench: bad method values are one line naming the option or the profile's key, exit 2, nothing made" {
	fake_tree
	run -2 "$tree/harness/bench" --profile short --order sideways --results "$W/res"
	assert_output "bench: --order 'sideways': use interleaved or grouped"
	run -2 "$tree/harness/bench" --profile short --aa --apf on --results "$W/res"
	assert_output "bench: --aa: the A/A control is -APF against -APF: it needs --apf with off"
	run -2 "$tree/harness/bench" --profile short --aa --aa --results "$W/res"
	for bad in 'AA=maybe' 'REPEAT=1:0' 'REPEAT=x' 'ORDER=random' 'MONITORS=1' 'SCENARIOS=1,9'; do
		sed "s/^CASE_TIMEOUT=.*/&\n$bad/" "$TOP/harness/profiles/short.profile" >"$W/b.profile"
		run -2 "$tree/harness/bench" --profile "$W/b.profile" --results "$W/res"
		one_line_exit_2
		assert_output --partial "$W/b.profile"
	done
	[ ! -e "$W/res" ]
	[ ! -e "$W/order" ]
}

@test "bench: the significance profile runs [2] 10 times and [1], [3] 5 times per arm, -APF +APF A/A interleaved, monitors on" {
	fake_tree
	run -0 "$tree/harness/bench" --profile significance --results "$W/res" --run-id s --no-tables
	run -0 sh -c "awk '{ split(\$1, p, \"-\"); n[p[1] \"-\" p[3] (p[4] == \"aa\" ? \"-aa\" : \"\")]++ } END { for (k in n) print k, n[k] }' '$W/order' | sort"
	assert_output "$(printf '%s\n' 's1-apfoff 5' 's1-apfoff-aa 5' 's1-apfon 5' 's2-apfoff 10' 's2-apfoff-aa 10' 's2-apfon 10' \
		's3-apfoff 5' 's3-apfoff-aa 5' 's3-apfon 5')"
	run head -n 3 "$W/order"
	assert_output "$(printf '%s\n' 's1-i1-apfoff-r1 off no-kvmapf' 's1-i1-apfon-r1 on ' 's1-i1-apfoff-aa-r1 off no-kvmapf')"
	grep -qx 'monitors=yes' "$W/res/s/manifest"
	grep -qx 'profile=significance' "$W/res/s/manifest"
}

@test "bench: the cover-letter profile runs the published table's cases: [1] and [2] at index 1 and 2, [3] at index 1, -APF and +APF once each" {
	fake_tree
	run -0 "$tree/harness/bench" --profile cover-letter --results "$W/res" --run-id c --no-tables
	run cut -d' ' -f1 "$W/order"
	assert_output "$(printf '%s\n' s1-i1-apfoff-r1 s1-i1-apfon-r1 s1-i2-apfoff-r1 s1-i2-apfon-r1 \
		s2-i1-apfoff-r1 s2-i1-apfon-r1 s2-i2-apfoff-r1 s2-i2-apfon-r1 s3-i1-apfoff-r1 s3-i1-apfon-r1)"
	grep -qx 'profile=cover-letter' "$W/res/c/manifest"
}

@test "bench: a run that ends with failed cases says how many and how to run them again; run again, it says nothing" {
	fake_tree
	FAKE_STATE=failed run -0 "$tree/harness/bench" --profile short --scenarios 1 --results "$W/res" --run-id f --no-tables
	assert_line "[bench] 2 cases of the run ended failed, timeout or oom (their records say why); to run them again: the same command with --run-id f --retry-failed"
	run -0 "$tree/harness/bench" --profile short --scenarios 1 --results "$W/res" --run-id f --no-tables --retry-failed
	refute_output --partial "to run them again"
	refute_output --partial "to run it again"
}
