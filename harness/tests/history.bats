#!/usr/bin/env bats
# harness/history: CSV history of test results per run, and the changes between runs.

setup() {
	TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	FIX=$TOP/harness/tests/fixtures/ci
	H=$TOP/harness/history
	CSV=$BATS_TEST_TMPDIR/history.csv
	HEADER='run_id,name,result,duration_s,kernel,profile'
}

@test "history: append writes the header and one line per test" {
	run sh "$H" append "$CSV" --check-dir "$FIX/check-stock" --run-id n1
	[ "$status" -eq 0 ]
	[ "$(head -n 1 "$CSV")" = "$HEADER" ]
	[ "$(tail -n +2 "$CSV" | wc -l)" -eq 22 ]
	grep -qxF 'n1,selftests/sdei,skip,,6.12.95+deb12-cloud-arm64,apf=none sdei=none' "$CSV"
	grep -qxF 'n1,smoke/KVM initialised,pass,,6.12.95+deb12-cloud-arm64,apf=none sdei=none' "$CSV"
	# a known duration (bats timing) in seconds
	grep -qxF 'n1,bats/cgroup: needs root,skip,,6.12.95+deb12-cloud-arm64,apf=none sdei=none' "$CSV"
	grep -qF ',pass,0.040,' "$CSV"
}

@test "history: names with commas and quotes are quoted per RFC 4180" {
	sh "$H" append "$CSV" --check-dir "$FIX/check-stock" --run-id n1
	grep -qxF 'n1,"bats/tables: records with commas, ""quotes"" in names",pass,0.007,6.12.95+deb12-cloud-arm64,apf=none sdei=none' "$CSV"
	grep -qxF 'n1,"bats/history: append, then changes",pass,0.012,6.12.95+deb12-cloud-arm64,apf=none sdei=none' "$CSV"
}

@test "history: a second run appends; kernel and ABI profile come from its logs" {
	sh "$H" append "$CSV" --check-dir "$FIX/check-stock" --run-id n1
	run sh "$H" append "$CSV" --check-dir "$FIX/check-patched" --run-id n2
	[ "$status" -eq 0 ]
	[ "$(grep -c "^$HEADER\$" "$CSV")" -eq 1 ]
	grep -qxF 'n2,selftests/apf_uffd,fail,,6.12.0-apf-v4+,apf=v4 sdei=2022' "$CSV"
	grep -qxF 'n2,"selftests/upstream/demand_paging_test, -u MISSING",pass,,6.12.0-apf-v4+,apf=v4 sdei=2022' "$CSV"
}

@test "history: changes between the last two runs, regressions first" {
	sh "$H" append "$CSV" --check-dir "$FIX/check-stock" --run-id n1
	sh "$H" append "$CSV" --check-dir "$FIX/check-patched" --run-id n2
	run sh "$H" changes "$CSV"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "changes from n1 to n2:" ]
	[ "${lines[1]}" = "pass->fail bats/report: names the kernel, KSRC and the ABI profile" ]
	[[ "$output" == *$'\n'"skip->fail selftests/apf_smccc"$'\n'* ]]
	[[ "$output" == *$'\n'"none->fail selftests/apf_uffd"$'\n'* ]]
	[[ "$output" == *$'\n'"skip->pass selftests/sdei"$'\n'* ]]
	[[ "$output" == *$'\n'"none->pass selftests/upstream/demand_paging_test, -u MISSING"$'\n'* ]]
	[ "${lines[${#lines[@]}-1]}" = "8 changed, 16 unchanged" ]
}

@test "history: changes between named runs; gone tests; fail->pass" {
	sh "$H" append "$CSV" --check-dir "$FIX/check-stock" --run-id n1
	sh "$H" append "$CSV" --check-dir "$FIX/check-patched" --run-id n2
	sh "$H" append "$CSV" --check-dir "$FIX/check-stock" --run-id n3
	run sh "$H" changes "$CSV" n2 n3
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "changes from n2 to n3:" ]
	[[ "$output" == *$'\n'"fail->none selftests/apf_uffd"$'\n'* ]]
	[[ "$output" == *$'\n'"fail->pass bats/report: names the kernel, KSRC and the ABI profile"$'\n'* ]]
	[[ "$output" == *$'\n'"pass->skip selftests/sdei"$'\n'* ]]
	run sh "$H" changes "$CSV" n1 n3
	[ "${lines[1]}" = "0 changed, 22 unchanged" ]
}

@test "history: reads quoted fields with line breaks and doubled quotes" {
	printf '%s\r\nr1,"a ""b"", c",pass,1.5,k,p\r\nr1,"multi\nline",skip,,k,p\r\nr2,"a ""b"", c",fail,,k,p\r\n' "$HEADER" >"$CSV"
	run sh "$H" changes "$CSV"
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = 'pass->fail a "b", c' ]
	[ "${lines[2]}" = 'skip->none multi line' ]
}

@test "history: bad input is one line on stderr, exit 2" {
	bad() {
		run sh "$H" "$@"
		[ "$status" -eq 2 ] || { echo "status $status for: $*"; return 1; }
		[ "${#lines[@]}" -eq 1 ] || { echo "not one line for: $*: $output"; return 1; }
	}
	bad
	bad frobnicate "$CSV"
	bad append
	bad append "$CSV" --check-dir /nonexistent
	bad append "$CSV" --check-dir "$BATS_TEST_TMPDIR"
	bad append "$CSV" --check-dir "$FIX/check-stock" --run-id 'bad id'
	bad append "$CSV" --check-dir "$FIX/check-stock" --bogus
	bad changes "$BATS_TEST_TMPDIR/none.csv"
	sh "$H" append "$CSV" --check-dir "$FIX/check-stock" --run-id n1
	bad append "$CSV" --check-dir "$FIX/check-stock" --run-id n1
	bad changes "$CSV"
	bad changes "$CSV" n1
	bad changes "$CSV" n1 n9
	printf 'a,b,c\n' >"$BATS_TEST_TMPDIR/h1.csv"
	bad changes "$BATS_TEST_TMPDIR/h1.csv"
	printf '%s\nr1,x,maybe,,k,p\nr2,x,pass,,k,p\n' "$HEADER" >"$BATS_TEST_TMPDIR/h2.csv"
	bad changes "$BATS_TEST_TMPDIR/h2.csv"
	printf '%s\nr1,x,pass,,k\nr2,x,pass,,k,p\n' "$HEADER" >"$BATS_TEST_TMPDIR/h3.csv"
	bad changes "$BATS_TEST_TMPDIR/h3.csv"
	printf '%s\nr1,"x,pass,,k,p\nr2,x,pass,,k,p\n' "$HEADER" >"$BATS_TEST_TMPDIR/h4.csv"
	bad changes "$BATS_TEST_TMPDIR/h4.csv"
	printf '%s\nr1,"x"y,pass,,k,p\nr2,x,pass,,k,p\n' "$HEADER" >"$BATS_TEST_TMPDIR/h5.csv"
	bad changes "$BATS_TEST_TMPDIR/h5.csv"
	printf '%s\nr1,x,pass,soon,k,p\nr2,x,pass,,k,p\n' "$HEADER" >"$BATS_TEST_TMPDIR/h6.csv"
	bad changes "$BATS_TEST_TMPDIR/h6.csv"
	# a malformed history is not appended to
	cp "$BATS_TEST_TMPDIR/h2.csv" "$BATS_TEST_TMPDIR/h7.csv"
	bad append "$BATS_TEST_TMPDIR/h7.csv" --check-dir "$FIX/check-stock" --run-id n5
	cmp "$BATS_TEST_TMPDIR/h2.csv" "$BATS_TEST_TMPDIR/h7.csv"
}

@test "history: runs under dash and busybox sh alike" {
	command -v busybox >/dev/null || skip "no busybox"
	dash "$H" append "$BATS_TEST_TMPDIR/d.csv" --check-dir "$FIX/check-patched" --run-id x 2>/dev/null
	busybox sh "$H" append "$BATS_TEST_TMPDIR/b.csv" --check-dir "$FIX/check-patched" --run-id x 2>/dev/null
	cmp "$BATS_TEST_TMPDIR/d.csv" "$BATS_TEST_TMPDIR/b.csv"
}
