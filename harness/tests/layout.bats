#!/usr/bin/env bats
# The layout of harness/ by where the code runs (harness/LAB.md): the KVM host never
# sources host-only code, image code sources nothing, and the lab's contract strings
# live in lib/contract.sh only.

load common

setup() {
	common_setup
	H=$TOP/harness
}

# The files that a shell script sources ('. "$TOP/harness/lib/x.sh"'), one a line.
sourced_by() {
	sed -n 's/^[[:space:]]*\. "\$TOP\/\(harness\/[^"]*\)".*/\1/p; s/^[[:space:]]*\. "\([^"$]*\)".*/\1/p' "$1"
}

@test "layout: nothing on the KVM host sources host-only code" {
	for f in "$H"/kvmhost/* "$H"/lib/*.sh "$H"/lib/kvmhost/*.sh; do
		case $f in *.sh) ;; *) head -n 1 "$f" | grep -q '^#!/bin/sh' || continue ;; esac
		run sourced_by "$f"
		refute_output --partial 'lib/host/'
		run grep -n 'lib/host/' "$f"
		assert_failure
	done
}

@test "layout: the shared libraries source nothing of a level" {
	for f in "$H"/lib/*.sh; do
		run grep -nE '^[[:space:]]*\. ' "$f"
		assert_failure
	done
}

@test "layout: image code sources nothing" {
	for f in "$H"/image/*; do
		run grep -nE '^[[:space:]]*(\.|source)[[:space:]]' "$f"
		assert_failure
	done
}

@test "layout: every KVM-host command and image script is a POSIX sh script, executable" {
	for f in "$H"/kvmhost/* "$H"/image/*; do
		[ -x "$f" ] || fail "$f is not executable"
		run head -n 1 "$f"
		assert_output '#!/bin/sh'
	done
}

@test "layout: the suite layer packs the KVM-host part only, /suite/bin is harness/kvmhost" {
	run grep -n 'tar -cf - harness/kvmhost $_shared harness/lib/kvmhost cgroups' "$H/lib/host/lab-images.sh"
	assert_success
	run grep -n '_shared="harness/lib/\*.sh harness/lib/\*.awk harness/lib/kernel-splat.patterns"' "$H/lib/host/lab-images.sh"
	assert_success
	run grep -n 'ln -s harness/kvmhost "$_img/suite/bin"' "$H/lib/host/lab-images.sh"
	assert_success
}

@test "contract: its strings are defined in lib/contract.sh only, and each is in LAB.md" {
	# every LAB_* value of contract.sh is documented
	for v in $(sed -n "s/^LAB_[A-Z_]*=\([^ \$\"']*\).*/\1/p" "$H/lib/contract.sh"); do
		grep -qF -- "$v" "$H/LAB.md" || fail "$v is not in harness/LAB.md"
	done
	# and spelled nowhere else in the code (comments aside)
	for s in 'apf-lab:' apf.results apf-swap apf-store- apf.level= apf.swap= apf.store= apf.workload= .lab.kv; do
		run sh -c 'grep -rnIF -e "$1" "$2"/harness "$2"/ci | grep -v "^[^:]*:[0-9]*:[[:space:]]*#" |
			grep -vE "^$2/harness/(lib/contract.sh|LAB.md|tests/)|\.(yaml|md):"' sh "$s" "$TOP"
		assert_output ''
	done
}

@test "contract: lab_cmdline_get reads one key of the kernel command line" {
	printf 'console=ttyAMA0 panic=-1 apf.level=2 apf.store=system,guest no-kvmapf\n' >"$BATS_TEST_TMPDIR/cmdline"
	run sh -c '. "$1"; lab_cmdline_get "$LAB_KEY_STORE" "$2"; lab_cmdline_get "$LAB_KEY_LEVEL" "$2"' \
		sh "$H/lib/contract.sh" "$BATS_TEST_TMPDIR/cmdline"
	assert_output "$(printf 'system,guest\n2')"
	run sh -c '. "$1"; lab_cmdline_get "$LAB_KEY_SWAP" "$2"' sh "$H/lib/contract.sh" "$BATS_TEST_TMPDIR/cmdline"
	assert_failure
	assert_output ''
}

@test "tests: no assertion that cannot fail ('! cmd' or 'a && b' before a test's last line)" {
	run awk -f "$TOP/harness/tests/can-fail.awk" "$TOP"/harness/tests/*.bats
	assert_success
	assert_output ''
}

@test "tests: the can-fail check finds such lines, and only those" {
	# (printf: bats would take a line starting with the test keyword for a test of its own)
	printf '%s\n' 'helper() {' '	! pgrep -f sleeper' '	true' '}' \
		'@test "sample" {' '	[ -f a ] && [ ! -L a ]' '	x=$(cd b && pwd)' '	(cd c && eval d)' \
		"	run sh -c 'e && f'" '	[ -f g ] || fail "x && y"' '	! grep -q h i' '}' \
		>"$BATS_TEST_TMPDIR/sample.bats"
	run awk -f "$TOP/harness/tests/can-fail.awk" "$BATS_TEST_TMPDIR/sample.bats"
	assert_output "$BATS_TEST_TMPDIR/sample.bats:2: ! pgrep -f sleeper
$BATS_TEST_TMPDIR/sample.bats:6: [ -f a ] && [ ! -L a ]"
}
