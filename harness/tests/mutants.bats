#!/usr/bin/env bats
# harness/mutants (make mutants) itself: it can fail, and its list is checked.

load common
bats_require_minimum_version 1.5.0

setup() {
	common_setup
	M=$TOP/harness/mutants
	L=$BATS_TEST_TMPDIR/list
}

# list_of TEST...: a list of one mutant of render.awk's header comment, with test TEST
mutant_list() {
	printf '%s\n' 'mutant comment' 'what a word of a comment' 'file harness/tables.d/render.awk' \
		'old # Renders the comparison tables' 'new # Renders the XYZZY tables' "test $1" >"$L"
}

@test "mutants: a mutant its test does not notice is NOT caught, and the target fails" {
	mutant_list true
	run -1 "$M" --list "$L"
	assert_line --regexp '^not ok 1 - comment \(a word of a comment\): NOT caught: .true. passed'
	assert_line --regexp '^mutants: caught 0/1 = 0% in [0-9.]+ s'
}

@test "mutants: a mutant its test notices is caught, with the test's failure named" {
	mutant_list "grep -c XYZZY harness/tables.d/render.awk | grep -qx 0 || { echo 'not ok 1 - the comment is intact'; exit 1; }"
	run -0 "$M" --list "$L"
	assert_line --regexp '^ok 1 - comment \(a word of a comment\): caught by .*: the comment is intact$'
	assert_line --regexp '^mutants: caught 1/1 = 100% in [0-9.]+ s'
	# and the tree itself was not touched
	run grep -c XYZZY "$TOP/harness/tables.d/render.awk"
	assert_output 0
}

@test "mutants: a test that fails on the unbroken tree judges nothing" {
	mutant_list false
	run -1 "$M" --list "$L"
	assert_line --partial '# baseline 1 FAILS unbroken'
	assert_line 'mutants: a test fails on the unbroken tree: no mutant can be judged'
}

@test "mutants: a list that no longer fits the code, or is malformed, is one line, exit 2" {
	printf '%s\n' 'mutant gone' 'what x' 'file harness/tables.d/render.awk' 'old no such text' 'new y' 'test true' >"$L"
	run -2 "$M" --list "$L"
	assert_output "mutants: $L:1: mutant gone: its old text is 0 times in harness/tables.d/render.awk, not once"
	printf '%s\n' 'mutant twice' 'what x' 'file harness/tables.d/render.awk' 'old (' 'new y' 'test true' >"$L"
	run -2 "$M" --list "$L"
	assert_output --regexp "^mutants: $L:1: mutant twice: its old text is [0-9]+ times in harness/tables.d/render.awk, not once$"
	printf '%s\n' 'mutant a' 'what x' 'old y' 'new z' 'test true' >"$L"
	run -2 "$M" --list "$L"
	assert_output "mutants: $L:1: mutant a: no file"
	printf '%s\n' 'mutant a' 'bogus x' >"$L"
	run -2 "$M" --list "$L"
	assert_output "mutants: $L:2: unknown key \"bogus\""
	run -2 "$M" -t nosuch
	assert_output --partial "-t nosuch: no such mutant"
	run -2 "$M" --timeout 0600
	run -2 "$M" --list "$BATS_TEST_TMPDIR"
	assert_output "mutants: --list $BATS_TEST_TMPDIR: not a regular file"
}

@test "mutants: the shipped list fits the code; every mutant has a test; the lab part is counted" {
	run -0 awk '/^mutant /{ n++ } /^(test|labtest|selftest) /{ t++ } /^deviations$/{ d++ } END { print n, t, d }' "$TOP/harness/mutants.list"
	read -r n t d <<<"$output"
	[ "$n" -ge 20 ]
	[ "$n" = "$t" ]
	[ "$d" = 1 ]
	# (each old text once: the check runs before anything else; --no-lab -t of one host
	# mutant is enough to run it over the whole list)
	run "$M" --no-lab -t sign-convention
	assert_success
	assert_line --regexp '^mutants: caught 1/1 = 100% in '
}

@test "mutants: what needs the lab is not silently left out: --no-lab counts it as not run and fails" {
	printf '%s\n' 'mutant lab-one' 'what x' 'file harness/tables.d/render.awk' \
		'old # Renders the comparison tables' 'new # Renders the XYZZY tables' 'selftest -t vendor_hyp' \
		'' 'mutant lab-two' 'what y' 'file harness/tables.d/render.awk' \
		'old # Renders the comparison tables' 'new # Renders the XYZZY tables' \
		'labtest bats harness/tests/faults.bats -f nothing' '' 'deviations' >"$L"
	run -1 "$M" --no-lab --list "$L"
	assert_line '# lab-one: not run (--no-lab)'
	assert_line '# lab-two: not run (--no-lab)'
	assert_line '# deviations: not run (--no-lab)'
	assert_line --regexp '^mutants: caught 0/0 = 0% in [0-9.]+ s \(in the lab: 0\.00 s\); not run \(--no-lab\): 3$'
}
