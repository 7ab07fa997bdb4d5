#!/usr/bin/env bats
# Bad input, class by class, for every command that takes input: one line on stderr
# naming the file and line (or the option), prefixed with the command's name (never a
# raw dash, awk or mkdir message), exit 2, nothing on stdout, nothing created.
# harness/tables, testsuite-mem and selftests/run have their own files as well
# (tables.bats, behaviour.sh, selftests_runner.bats); here is one line of each class
# for each command, so that a class missing anywhere shows.

load common
bats_require_minimum_version 1.5.0

# testsuite-mem, built for this host (make check runs this file before the workloads layer)
setup_file() {
	make -s -C "$BATS_TEST_DIRNAME/../../workloads/testsuite-mem" build/host/testsuite-mem >&2
}

setup() {
	common_setup
	W=$BATS_TEST_TMPDIR/w
	mkdir -p "$W"
	cd "$W" || return 1
	: >"$W/a-file"
	mkdir "$W/a-dir"
	# selftests/run beside fake tests, as built (selftests_runner.bats does the same)
	SELFRUN=$BATS_TEST_TMPDIR/bin/run
	mkdir -p "$BATS_TEST_TMPDIR/bin/tests"
	cp "$TOP/selftests/run" "$TOP/harness/lib/kernel-splat.patterns" "$BATS_TEST_TMPDIR/bin/"
	: >"$BATS_TEST_TMPDIR/bin/upstream.list"
	for t in vendor_hyp fw_regs smccc_fwd sdei sdei_vmm apf_smccc apf_ioctl apf_uffd sdei_host_bugs; do
		printf '#!/bin/sh\necho "ok 1 fake"\n' >"$BATS_TEST_TMPDIR/bin/tests/$t"
		chmod +x "$BATS_TEST_TMPDIR/bin/tests/$t"
	done
}

# bad PROG CMD...: CMD fails as bad input: exit 2, one stderr line "PROG: ...", no
# stdout, and the scratch directory $W as it was.
bad() {
	local prog=$1 before after
	shift
	before=$(find "$W" | sort)
	run --separate-stderr "$@"
	[ "$status" -eq 2 ] || fail "status $status (want 2) for: $*: $stderr"
	[ "${#stderr_lines[@]}" -eq 1 ] || fail "not one line for: $*: $stderr"
	[[ "$stderr" == "$prog: "* ]] || fail "not a message of $prog for: $*: $stderr"
	[ -z "$output" ] || fail "stdout for: $*: $output"
	after=$(find "$W" | sort)
	[ "$before" = "$after" ] || fail "made something for: $*: $(diff <(echo "$before") <(echo "$after"))"
}

# profile SED: a copy of the lab profile changed by SED, its path on stdout
profile() {
	sed "$1" "$TOP/harness/profiles/lab.profile" >"$BATS_TEST_TMPDIR/p.profile"
	echo "$BATS_TEST_TMPDIR/p.profile"
}

NL='
'

@test "inputs: numbers with leading zeros (octal to the shell)" {
	B=$TOP/harness/bench
	bad bench "$B" --results "$W/r" --repeat 010
	bad bench "$B" --results "$W/r" --profile "$(profile 's/^CASE_TIMEOUT=.*/CASE_TIMEOUT=0600/')"
	bad bench "$B" --results "$W/r" --profile "$(profile 's/^CASE_TIMEOUT=.*/CASE_TIMEOUT=0900/')"
	assert_equal "$stderr" "bench: $BATS_TEST_TMPDIR/p.profile:18: CASE_TIMEOUT must be a positive whole number (no leading zero, at most 9 digits), not '0900'"
	bad lab "$TOP/harness/lab" run --timeout 0600 -- true
	bad lab "$TOP/harness/lab" bench 010
	LAB_TIMEOUT=0900 bad lab "$TOP/harness/lab" run -- true
	printf 'memory_max=0600M\n' >"$BATS_TEST_TMPDIR/c.conf"
	run -2 "$TOP/harness/kvmhost/cgroup" profile "$BATS_TEST_TMPDIR/c.conf"
	assert_output --partial "c.conf:1: bad value for memory_max: \"0600M\""
	printf 'run_id,name,result,duration_s,kernel,profile\nr1,t,pass,0600,k,p\nr2,t,pass,,k,p\n' >"$W/h.csv"
	bad history "$TOP/harness/history" changes "$W/h.csv"
	bad testsuite-mem "$TOP/workloads/testsuite-mem/build/host/testsuite-mem" --size 1M --times 0600
}

@test "inputs: numbers too large for the shell" {
	B=$TOP/harness/bench
	bad bench "$B" --results "$W/r" --repeat 99999999999999999999
	bad bench "$B" --results "$W/r" --profile "$(profile 's/^GUEST_MEM_MB=.*/GUEST_MEM_MB=99999999999999999999/')"
	bad lab "$TOP/harness/lab" run --mem 99999999999999999999 -- true
	bad lab "$TOP/harness/lab" bench 99999999999999999999
	bad testsuite-mem "$TOP/workloads/testsuite-mem/build/host/testsuite-mem" --size 99999999999999999999
}

@test "inputs: empty lists and empty values (no run of nothing)" {
	B=$TOP/harness/bench
	bad bench "$B" --results "$W/r" --scenarios ''
	bad bench "$B" --results "$W/r" --scenarios 1,,3
	bad bench "$B" --results "$W/r" --apf ''
	bad bench "$B" --results "$W/r" --apf ,
	bad bench "$B" --results "$W/r" --profile "$(profile 's/^CGROUPS=.*/CGROUPS=/')"
	bad bench "$B" --results "$W/r" --run-id ''
	bad lab "$TOP/harness/lab" run --timeout '' -- true
	bad history "$TOP/harness/history" append "$W/h.csv" --run-id ''
	bad render "$TOP/ci/lava/render" --kernel-url '' --initrd-url x
	bad check "$TOP/harness/check" 'unit='
	bad lab "$TOP/harness/lab" run -- ''
	bad run "$SELFRUN" -t ''
	bad run "$SELFRUN" --upstream-only
	assert_equal "$stderr" 'run: no test to run (see -l and --help)'
}

@test "inputs: a line break where one line goes (it would add lines to a key=value file)" {
	B=$TOP/harness/bench
	bad bench "$B" --results "$W/r" --guest-append "quiet${NL}state=ok"
	bad bench "$B" --results "$W/r" --run-id "r1${NL}state=ok"
	KERNEL="debian-6.12${NL}state=ok" bad bench "$B" --results "$W/r"
	KERNEL="$W/a-file${NL}x" bad lab "$TOP/harness/lab" run -- true
	bad render "$TOP/ci/lava/render" --kernel-url "x${NL}y" --initrd-url x
	bad bench "$B" --results "$W/r" --guest-append "quiet$(printf '\r')"
	bad apf-suite.sh sh "$TOP/ci/lava/apf-suite.sh" --output "o${NL}p"
	bad history "$TOP/harness/history" append "h${NL}.csv"
}

@test "inputs: .. and paths that leave where they belong" {
	B=$TOP/harness/bench
	bad bench "$B" --results "$W/r" --profile "$(profile 's|^CGROUPS=.*|CGROUPS=../cgroups/lab|')"
	assert_equal "$stderr" "bench: $BATS_TEST_TMPDIR/p.profile:12: CGROUPS must be names of cgroups/NAME.conf (letters, digits, - and _), one space apart, not '../cgroups/lab'"
	bad bench "$B" --results "$W/r" --profile "../lab"
	bad bench "$B" --results "$W/r" --profile "$W/../x.profile"
	bad lab "$TOP/harness/lab" run --put "$W/a-file:../../etc/x" -- true
	bad lab "$TOP/harness/lab" run --put "$W/a-file:/etc/x" -- true
	bad lab "$TOP/harness/lab" run --put "$W/a-file:/work/../x" -- true
}

@test "inputs: duplicates: conflicting history rows, list items, options given twice" {
	H=$TOP/harness/history
	printf 'run_id,name,result,duration_s,kernel,profile\nr1,t,pass,,k,p\nr1,t,fail,,k,p\nr2,t,pass,,k,p\n' >"$W/h.csv"
	bad history "$H" changes "$W/h.csv"
	assert_equal "$stderr" "history: $W/h.csv:3: run \"r1\" has test \"t\" twice (first on line 2, as pass)"
	cp "$W/h.csv" "$W/h2.csv"
	bad history "$H" append "$W/h2.csv" --check-dir "$TOP/harness/tests/fixtures/ci/check-stock" --run-id n9
	cmp "$W/h.csv" "$W/h2.csv"
	B=$TOP/harness/bench
	bad bench "$B" --results "$W/r" --scenarios 2,2
	bad bench "$B" --results "$W/r" --apf on,on
	bad bench "$B" --results "$W/r" --profile "$(profile 's/^CGROUPS=.*/CGROUPS=lab lab/')"
	bad bench "$B" --results "$W/r" --repeat 1 --repeat 2
	bad lab "$TOP/harness/lab" run --timeout 5 --timeout 6 -- true
	bad history "$H" append "$W/n.csv" --run-id a --run-id b
	bad report "$TOP/harness/report" --check-dir "$W" --check-dir "$W"
	bad render "$TOP/ci/lava/render" --kernel-url a --kernel-url b --initrd-url c
	bad mkimages "$TOP/ci/lava/mkimages" --out "$W/o" --out "$W/p"
	bad apf-suite.sh sh "$TOP/ci/lava/apf-suite.sh" --output "$W/o" --output "$W/p"
	bad check "$TOP/harness/check" 'a=true' 'a=false'
	bad run "$SELFRUN" --model apf-v2 --model apf-v2
	assert_equal "$stderr" 'run: --model apf-v2: given twice (or with all)'
	bad run "$SELFRUN" --model all --model sdei-v7
	bad run "$SELFRUN" --timeout 5 --timeout 6
	bad apf-suite.sh sh "$TOP/ci/lava/apf-suite.sh" --tap "a=$W/a-file" --tap "a=$W/a-file"
	bad testsuite-mem "$TOP/workloads/testsuite-mem/build/host/testsuite-mem" --size 1M --size 2M
	bad tables "$TOP/harness/tables" --out "$W/o" --out "$W/p" "$TOP/results/reference/cover-letter-v2"
}

@test "inputs: directories where files are expected, and files where directories are" {
	B=$TOP/harness/bench
	mkdir "$W/d.profile"
	bad bench "$B" --results "$W/r" --profile "$W/d.profile"
	bad bench "$B" --results "$W/a-file"
	bad lab "$TOP/harness/lab" run --results "$W/a-file" -- true
	KERNEL=$W/a-dir bad lab "$TOP/harness/lab" run -- true
	bad history "$TOP/harness/history" changes "$W/a-dir"
	bad history "$TOP/harness/history" append "$W/h.csv" --check-dir "$W/a-file"
	bad report "$TOP/harness/report" --check-dir "$W/a-file"
	bad render "$TOP/ci/lava/render" --kernel-url a --initrd-url b --template "$W/a-dir"
	bad mkimages "$TOP/ci/lava/mkimages" --out "$W/a-file"
	bad apf-suite.sh sh "$TOP/ci/lava/apf-suite.sh" --output "$W/a-file"
	bad apf-suite.sh sh "$TOP/ci/lava/apf-suite.sh" --tap "x=$W/a-dir"
	bad collect "$TOP/ci/github/collect" "$W/a-file"
	bad tables "$TOP/harness/tables" --out "$W/a-file" "$TOP/results/reference/cover-letter-v2"
}

@test "inputs: output directories that are empty or lie inside the input" {
	cp -r "$TOP/results/reference/cover-letter-v2" "$W/run"
	rm -rf "$W/run/tables"
	bad tables "$TOP/harness/tables" --out '' "$W/run"
	bad tables "$TOP/harness/tables" --out "$W/run" "$W/run"
	bad tables "$TOP/harness/tables" --out "$W/run/records" "$W/run"
	bad bench "$TOP/harness/bench" --results ''
	bad lab "$TOP/harness/lab" run --results '' -- true
	bad history "$TOP/harness/history" append "$W/h.csv" --check-dir ''
	bad report "$TOP/harness/report" --check-dir ''
	bad mkimages "$TOP/ci/lava/mkimages" --out ''
	bad apf-suite.sh sh "$TOP/ci/lava/apf-suite.sh" --output ''
	bad apf-suite.sh sh "$TOP/ci/lava/apf-suite.sh" --records "$W/a-dir"
	bad collect "$TOP/ci/github/collect" ''
	bad collect "$TOP/ci/github/collect" "$TOP/results/x"
	CHECK_DIR='' bad check "$TOP/harness/check" 'a=true'
}

@test "inputs: names starting with -: options unless after --" {
	bad bench "$TOP/harness/bench" --results "$W/r" --run-id -r1
	bad history "$TOP/harness/history" append -h.csv --check-dir "$TOP/harness/tests/fixtures/ci/check-stock"
	bad history "$TOP/harness/history" append "$W/h.csv" --check-dir "$TOP/harness/tests/fixtures/ci/check-stock" --run-id -r1
	bad collect "$TOP/ci/github/collect" -o
	bad tables "$TOP/harness/tables" --out "$W/o" -run
	# after --, a name
	run "$TOP/harness/history" append -- -h.csv --check-dir "$TOP/harness/tests/fixtures/ci/check-stock" --run-id r1
	assert_success
	[ -s "$W/-h.csv" ]
	cp -r "$TOP/results/reference/cover-letter-v2" "$W/-run"
	run "$TOP/harness/tables" --format text --out "$W/o" -- -run
	assert_success
	assert_line --index 0 'apf-suite: -APF vs +APF comparison tables'
}

@test "inputs: usage errors are one line, never a usage text or a shell's message" {
	bad lab "$TOP/harness/lab"
	bad lab "$TOP/harness/lab" frob
	bad check "$TOP/harness/check"
	bad history "$TOP/harness/history"
	bad report "$TOP/harness/report" --frob
	bad bench "$TOP/harness/bench" --frob
	bad probe-kvm "$TOP/ci/github/probe-kvm" extra
	bad collect "$TOP/ci/github/collect" a b
	bad render "$TOP/ci/lava/render"
	bad mkimages "$TOP/ci/lava/mkimages" --frob
	bad apf-suite.sh sh "$TOP/ci/lava/apf-suite.sh" --frob
	bad yaml2json "$TOP/ci/yaml2json" "$W/nosuch.yaml"
	bad apfstat "$TOP/harness/tables" --stats frob
	bad apfstat "$TOP/harness/tables" --stats welch 1 2 -- x
	bad apfstat "$TOP/harness/tables" --stats summary 0x10 inf
	LAB_ARCH=riscv bad lab "$TOP/harness/lab" run -- true
	LAB=maybe bad bench "$TOP/harness/bench" --results "$W/r"
	LAB_CPU='max lpa2=off' bad lab "$TOP/harness/lab" run -- true
	LAB_CPU='' bad bench "$TOP/harness/bench" --results "$W/r"
	LAB_CPU='max;reboot' bad bench "$TOP/harness/bench" --results "$W/r"
}
