#!/bin/sh
# The arm64 unit tests under qemu-aarch64 user mode, when both exist.
# Usage: cross.sh BUILD_DIR.  Prints TAP.
set -u
B=$1
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
qemu=$(command -v qemu-aarch64 || command -v qemu-aarch64-static || true)
st=0
if [ ! -x "$B/arm64/unit-tests" ]; then
	tap_skip "arm64 unit tests under qemu-aarch64" "aarch64-linux-gnu-gcc not installed"
elif [ -z "$qemu" ]; then
	tap_skip "arm64 unit tests under qemu-aarch64" "qemu-aarch64 not installed (qemu-user-static)"
else
	out=$("$qemu" "$B/arm64/unit-tests" 2>&1)
	st=$?
	if [ "$st" -eq 0 ] && echo "$out" | grep -q '^not ok'; then
		st=1
	fi
	tap "$st" "arm64 unit tests under $(basename "$qemu")"
	[ "$st" -eq 0 ] || echo "$out" | grep '^not ok' | sed 's/^/# /'
fi
tap_plan
[ "$st" -eq 0 ]
