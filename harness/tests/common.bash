# Shared by the harness bats files: the tree's top, a private TMPDIR, no inherited lab
# settings, and the check that a command failed with one line and exit 2.

common_setup() {
	TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	export TMPDIR="$BATS_TEST_TMPDIR"
	unset KERNEL LAB LAB_ARCH || true
}

one_line_exit_2() {
	[ "$status" -eq 2 ] || { echo "status $status: $output"; return 1; }
	[ "${#lines[@]}" -eq 1 ] || { echo "expected one line, got: $output"; return 1; }
}

# Debian's bats-support and bats-assert (assert_output, refute_output, assert_failure...)
bats_load_library bats-support
bats_load_library bats-assert
