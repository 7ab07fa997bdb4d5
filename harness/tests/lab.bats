#!/usr/bin/env bats
# harness/lab and harness/deps: argument errors, cache logic, exit-code mapping,
# results channel, timeout handling and cleanup. The boot tests use the real lab.

load common
bats_require_minimum_version 1.5.0

setup() {
	common_setup
	LABCMD="$TOP/harness/lab"
}

# Fails the test when a process still names the test's directory (a lab QEMU, its
# watcher) or something is left in it.
no_lab_process_left() {
	local left
	if left=$(pgrep -af "$BATS_TEST_TMPDIR"); then
		fail "processes left: $left"
		return 1
	fi
	if [ -n "$(ls -A "$BATS_TEST_TMPDIR")" ]; then
		fail "files left: $(ls -A "$BATS_TEST_TMPDIR")"
		return 1
	fi
}

@test "lab: the lab host's QEMU gets -cpu from LAB_CPU, else the architecture's default" {
	q() {
		sh -c ". '$TOP/harness/lib/common.sh'; . '$TOP/harness/lib/contract.sh'
			. '$TOP/harness/lib/host/lab-run.sh'; . '$TOP/harness/lib/host/lab-cpu.sh'
			lab_store_mode() { echo initrd; }
			RUN_SWAP=0 RUN_SMP=1 RUN_MEM=512 LAB_KERNEL=/k; lab_qemu_cmd $1 /t"
	}
	run -0 q arm64
	assert_output --partial "'-cpu' 'max,pauth-impdef=on' "
	LAB_CPU=max,pauth-impdef=on,lpa2=off run -0 q arm64
	assert_output --partial "'-cpu' 'max,pauth-impdef=on,lpa2=off' "
	run -0 q x86_64
	assert_output --partial "'-cpu' 'EPYC,+svm,+npt' "
}

@test "lab: the no-lab-process-left check notices a process and a file left behind" {
	sh -c 'sleep 30' "$BATS_TEST_TMPDIR/fake-qemu" &
	local pid=$!
	run no_lab_process_left
	kill "$pid"
	assert_failure
	assert_output --partial "processes left: $pid "
	wait "$pid" || true
	: >"$BATS_TEST_TMPDIR/left-over"
	run no_lab_process_left
	assert_failure
	assert_output --partial 'files left: left-over'
	rm "$BATS_TEST_TMPDIR/left-over"
	no_lab_process_left
}

@test "lab: no command is one line, exit 2" {
	run "$LABCMD"
	one_line_exit_2
	assert_output 'lab: no command given (build, run, smoke, workloads, bench, accel; see --help)'
}

@test "lab: --help exits 0" {
	run "$LABCMD" --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"Exit status of run"* ]]
}

@test "lab: unknown command is one line, exit 2" {
	run "$LABCMD" frobnicate
	one_line_exit_2
}

@test "lab run: missing command, bad numbers, missing --put path, unknown option" {
	run "$LABCMD" run
	one_line_exit_2
	run "$LABCMD" run --timeout abc -- true
	one_line_exit_2
	run "$LABCMD" run --timeout 0 -- true
	one_line_exit_2
	run "$LABCMD" run --mem 1G -- true
	one_line_exit_2
	run "$LABCMD" run --put /nonexistent/file -- true
	one_line_exit_2
	run "$LABCMD" run --bogus -- true
	one_line_exit_2
	run "$LABCMD" run --timeout
	one_line_exit_2
}

@test "lab: bad LAB, LAB_ARCH and KERNEL values are one line, exit 2" {
	LAB=sometimes run "$LABCMD" run -- true
	one_line_exit_2
	LAB_ARCH=sparc run "$LABCMD" run -- true
	one_line_exit_2
	KERNEL=/nonexistent/Image run "$LABCMD" run -- true
	one_line_exit_2
	KERNEL=debian-5.10 run "$LABCMD" run -- true
	one_line_exit_2
}

@test "lab: LAB=native without a fitting KVM is a clear error, exit 2" {
	if [ "$(uname -m)" = aarch64 ] && [ -w /dev/kvm ]; then
		skip "this host is arm64 with KVM: native is possible"
	fi
	LAB=native run "$LABCMD" run -- true
	one_line_exit_2
	[[ "$output" == *"LAB=native needs a arm64 host with a usable /dev/kvm"* ]]
}

@test "lab accel: picks the lab on a host that is not arm64 with KVM" {
	if [ "$(uname -m)" = aarch64 ] && [ -w /dev/kvm ]; then
		skip "this host is arm64 with KVM"
	fi
	run "$LABCMD" accel
	[ "$status" -eq 0 ]
	[ "$output" = lab ]
	LAB=lab run "$LABCMD" accel
	[ "$output" = lab ]
}

@test "deps: warm cache does no network work and takes seconds" {
	"$TOP/harness/deps" --check >/dev/null || skip "dependencies not installed yet"
	start=$(date +%s)
	run "$TOP/harness/deps"
	[ "$status" -eq 0 ]
	[[ "$output" == *"all set"* ]]
	[ $(($(date +%s) - start)) -lt 10 ]
	run "$TOP/harness/deps" --bogus
	one_line_exit_2
}

@test "image keys: same inputs same key, a changed input a new key" {
	. "$TOP/harness/lib/common.sh"
	. "$TOP/harness/lib/host/image.sh"
	printf 'a\n' >"$BATS_TEST_TMPDIR/in"
	k1=$(inputs_key "$BATS_TEST_TMPDIR/in" literal)
	k2=$(inputs_key "$BATS_TEST_TMPDIR/in" literal)
	[ "$k1" = "$k2" ]
	printf 'b\n' >"$BATS_TEST_TMPDIR/in"
	k3=$(inputs_key "$BATS_TEST_TMPDIR/in" literal)
	[ "$k1" != "$k3" ]
	k4=$(inputs_key "$BATS_TEST_TMPDIR/in" other)
	[ "$k3" != "$k4" ]
	rm -f "$BATS_TEST_TMPDIR/in"
}

@test "stores: large files move to the store as links, what /init needs stays; disk and cpio hold them" {
	. "$TOP/harness/lib/common.sh"
	. "$TOP/harness/lib/host/image.sh"
	img=$BATS_TEST_TMPDIR/img
	st=$BATS_TEST_TMPDIR/st
	mkdir -p "$img/bin" "$img/usr/bin" "$img/lib/modules" "$img/lab/guest"
	head -c 300000 /dev/urandom >"$img/usr/bin/big"
	head -c 300000 /dev/urandom >"$img/bin/busybox"
	head -c 300000 /dev/urandom >"$img/lib/modules/virtio_blk.ko"
	head -c 300000 /dev/urandom >"$img/lab/guest/kernel"
	echo small >"$img/usr/bin/small"
	sum=$(cat "$img/usr/bin/big" "$img/lab/guest/kernel" | sha256sum)
	split_store "$img" "$st" system
	[ "$(readlink "$img/usr/bin/big")" = /store/system/usr/bin/big ]
	[ "$(readlink "$img/lab/guest/kernel")" = /store/system/lab/guest/kernel ]
	for f in bin/busybox lib/modules/virtio_blk.ko usr/bin/small; do
		[ -f "$img/$f" ] || fail "$f is not a file"
		[ ! -L "$img/$f" ] || fail "$f is a link"
	done
	[ "$(cat "$st/store/system/usr/bin/big" "$st/store/system/lab/guest/kernel" | sha256sum)" = "$sum" ]
	make_store "$st" system "$BATS_TEST_TMPDIR/out"
	debugfs -R 'cat /usr/bin/big' "$BATS_TEST_TMPDIR/out.ext4" 2>/dev/null >"$BATS_TEST_TMPDIR/big.ext4"
	cmp "$BATS_TEST_TMPDIR/big.ext4" "$st/store/system/usr/bin/big"
	[ "$(/sbin/e2label "$BATS_TEST_TMPDIR/out.ext4")" = apf-system ]
	cpio -t --quiet <"$BATS_TEST_TMPDIR/out.cpio" | grep -qx store/system/lab/guest/kernel
	rm -rf "$img" "$st" "$BATS_TEST_TMPDIR"/out.* "$BATS_TEST_TMPDIR/big.ext4"
}

@test "native guest images: kernel, initramfs and tool layers are real files" {
	"$TOP/harness/deps" --check >/dev/null || skip "dependencies not installed yet"
	run sh -c '. "$1/harness/lib/common.sh"; . "$1/harness/lib/watch.sh"; . "$1/harness/lib/host/image.sh"
		. "$1/harness/lib/host/lab-images.sh"; . "$1/harness/lib/host/lab-run.sh"
		LAB_ARCH=arm64; lab_prepare "$1" arm64 >/dev/null 2>&1 && lab_native_guest_dir "$1" arm64' sh "$TOP"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	for f in kernel initrd modules.cpio stress-ng.cpio fio.cpio.gz virtio-bus; do
		[ -f "$output/$f" ] && [ ! -L "$output/$f" ] || { echo "$output/$f"; ls -la "$output"; false; }
	done
	file "$output/kernel" | grep -q 'ARM64 boot executable'
}

@test "clock: uptime to centiseconds and back under dash and busybox ash" {
	for sh in dash "busybox sh"; do
		run $sh -c '. "$1/harness/lib/common.sh"; export APF_UPTIME=$2/uptime
			for v in 0.05 1.00 12.34 123.4 7 10392.72 8.09; do echo "$v 1.00" >"$APF_UPTIME"; now_cs; printf "%s " "$NOW_CS"; done
			cs_to_s 1039272; cs_to_s 5' sh "$TOP" "$BATS_TEST_TMPDIR"
		[ "$output" = "5 100 1234 12340 700 1039272 809 10392.72"$'\n'"0.05" ] || { echo "$sh: $output"; false; }
	done
}

@test "watch_process: a fatal splat on the console stops the process after the grace period, naming it; without patterns only the timeout does, under dash and busybox ash" {
	local c=$BATS_TEST_TMPDIR/console sh
	cat >"$BATS_TEST_TMPDIR/w.sh" <<'EOS'
APF_PROG=lab
. "$1/harness/lib/common.sh"; . "$1/harness/lib/contract.sh"; . "$1/harness/lib/watch.sh"
: >"$2"
# the splat on the line of a userspace print that had no newline yet (seen in the lab)
sh -c 'printf "apf-lab: up at 2.39 s (6.12, aarch64)[   96.437191] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:\r\n" >>"$1"; exec sleep 30' sh "$2" &
pid=$!
[ "$3" = no ] || { WATCH_FATAL_PATTERNS=$1/harness/lib/kernel-splat.patterns; WATCH_FATAL_GRACE=1; }
now_cs
watch_process "$pid" "$2" "$NOW_CS" 3 log 0
kill -0 "$pid" 2>/dev/null && echo "still running"
echo "timed out: $WATCH_TIMED_OUT"
echo "stop: $WATCH_STOP"
EOS
	for sh in dash "busybox sh"; do
		SECONDS=0
		run $sh "$BATS_TEST_TMPDIR/w.sh" "$TOP" "$c"
		assert_success
		assert_line 'timed out: 0'
		assert_line 'stop: its kernel reported "rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:" and had not ended 1s later'
		refute_line 'still running'
		[ "$SECONDS" -lt 3 ]
		run $sh "$BATS_TEST_TMPDIR/w.sh" "$TOP" "$c" no
		assert_success
		assert_line 'timed out: 1'
		assert_line 'stop: '
		refute_line 'still running'
	done
	rm -f "$c" "$BATS_TEST_TMPDIR/w.sh"
}

@test "console_fatal_line: the first crash line of a console, far above QEMU's warnings; none on a clean console, under dash and busybox ash" {
	local c=$BATS_TEST_TMPDIR/console p=$TOP/harness/lib/kernel-splat.patterns sh
	for sh in dash "busybox sh"; do
		{
			printf 'apf-lab: up at 3.78 s\r\n'
			printf '[  121.760878] Kernel panic - not syncing: corrupted stack end detected inside scheduler\r\n'
			printf '[  121.769017]  __schedule+0xbf1/0xc00\r\n'
			printf '[  121.790000] Kernel panic - not syncing: a second one\r\n'
			printf '\n--- qemu ---\n'
			for _ in $(seq 30); do echo "qemu-system-x86_64: warning: TCG doesn't support requested feature: CPUID.0DH:EAX.xsavec [bit 1]"; done
		} >"$c"
		run $sh -c '. "$1/harness/lib/contract.sh"; console_fatal_line "$2" "$3"' sh "$TOP" "$c" "$p"
		assert_success
		assert_output '[  121.760878] Kernel panic - not syncing: corrupted stack end detected inside scheduler'
		printf 'apf-lab: up at 3.78 s\r\n[    9.1] reboot: Power down\r\n' >"$c"
		run $sh -c '. "$1/harness/lib/contract.sh"; console_fatal_line "$2" "$3"' sh "$TOP" "$c" "$p"
		assert_failure
		assert_output ''
	done
}

@test "reset_silent: a QEMU that exited 0 with no power-off and no fatal line was reset, under dash and busybox ash" {
	local c=$BATS_TEST_TMPDIR/console p=$TOP/harness/lib/kernel-splat.patterns sh
	for sh in dash "busybox sh"; do
		printf 'apf-lab: up at 15.87 s\r\n' >"$c"
		run $sh -c '. "$1/harness/lib/contract.sh"; reset_silent 0 "$2" "$3"' sh "$TOP" "$c" "$p"
		assert_success
		run $sh -c '. "$1/harness/lib/contract.sh"; reset_silent 1 "$2" "$3"' sh "$TOP" "$c" "$p"
		assert_failure
		run $sh -c '. "$1/harness/lib/contract.sh"; reset_silent "" "$2" "$3"' sh "$TOP" "$c" "$p"
		assert_failure
		printf '[   9.1] reboot: Power down\r\n' >>"$c"
		run $sh -c '. "$1/harness/lib/contract.sh"; reset_silent 0 "$2" "$3"' sh "$TOP" "$c" "$p"
		assert_failure
		printf 'apf-lab: up\n[   3.2] Kernel panic - not syncing: Fatal exception\n' >"$c"
		run $sh -c '. "$1/harness/lib/contract.sh"; reset_silent 0 "$2" "$3"' sh "$TOP" "$c" "$p"
		assert_failure
	done
}

@test "guest: bad options are one line, exit 2" {
	run "$TOP/harness/kvmhost/guest" run --with bogus -- true
	one_line_exit_2
	[[ "$output" == *"known are fio and stress-ng"* ]]
	run "$TOP/harness/kvmhost/guest" run --mem 0 -- true
	one_line_exit_2
	run "$TOP/harness/kvmhost/guest" run --with fio
	one_line_exit_2
	run "$TOP/harness/kvmhost/guest" wait
	one_line_exit_2
	run "$TOP/harness/kvmhost/guest" run --apf-save-state /tmp/x -- true
	one_line_exit_2
	[[ "$output" == *"need --apf-vmm"* ]]
}

@test "lab accel: an x86 KVM that is neither kvm_intel nor kvm_amd is not used natively" {
	[ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ] || skip "no accessible /dev/kvm here"
	mkdir -p "$BATS_TEST_TMPDIR/mod/kvm" "$BATS_TEST_TMPDIR/mod/kvm_pvm"
	KVM_SYS_MODULE=$BATS_TEST_TMPDIR/mod LAB=native LAB_ARCH=x86_64 run "$LABCMD" accel
	[ "$(uname -m)" = x86_64 ] || { one_line_exit_2; return; }
	one_line_exit_2
	[[ "$output" == *"neither kvm_intel nor kvm_amd (loaded: kvm_pvm)"* ]]
	KVM_SYS_MODULE=$BATS_TEST_TMPDIR/mod LAB_ARCH=x86_64 run "$LABCMD" accel
	[ "$output" = lab ]
	rm -rf "$BATS_TEST_TMPDIR/mod"
}

@test "lab bench: a bad number of boots is one line, exit 2" {
	run "$LABCMD" bench 0
	one_line_exit_2
	run "$LABCMD" bench 3 4
	one_line_exit_2
}

@test "deps cache: complete only when the stamp matches the package list and the packages are staged" {
	. "$TOP/harness/lib/common.sh"
	. "$TOP/harness/lib/host/debs.sh"
	fake=$BATS_TEST_TMPDIR/top
	mkdir -p "$fake/harness/deps.d" "$fake/.cache/debs/arm64" "$fake/.cache/stage/arm64/root/usr"
	printf 'busybox-static\n# comment\nqemu-system-arm\n' >"$fake/harness/deps.d/arm64.list"
	run debs_complete "$fake" arm64
	assert_failure
	debs_wanted "$fake" arm64 >"$fake/.cache/debs/arm64/.complete"
	# a cache staged before the lock file existed is not complete
	run debs_complete "$fake" arm64
	assert_failure
	: >"$fake/.cache/debs/arm64/lock"
	run debs_complete "$fake" arm64
	assert_success
	echo jq >>"$fake/harness/deps.d/arm64.list"
	run debs_complete "$fake" arm64
	assert_failure
	rm -rf "$fake"
}

@test "lab build: a second build reuses the images" {
	"$TOP/harness/deps" --check >/dev/null || skip "dependencies not installed yet"
	"$LABCMD" build >/dev/null 2>&1
	run "$LABCMD" build
	[ "$status" -eq 0 ]
	[[ "$output" != *"building"* ]]
}

@test "lab run: exit status and results come back; stdout is the console" {
	run "$LABCMD" run --quiet --results "$BATS_TEST_TMPDIR/res" -- \
		sh -c 'echo from-the-lab >"$RESULTS/out"; uname -m >"$RESULTS/arch"; exit 3'
	[ "$status" -eq 3 ] || { echo "$output"; false; }
	[ "$(cat "$BATS_TEST_TMPDIR/res/out")" = from-the-lab ]
	[ "$(cat "$BATS_TEST_TMPDIR/res/arch")" = aarch64 ]
	[ ! -e "$BATS_TEST_TMPDIR/res/.rc" ]
	rm -rf "$BATS_TEST_TMPDIR/res"
	no_lab_process_left
}

@test "lab run: false exits non-zero, --put files arrive" {
	printf 'payload\n' >"$BATS_TEST_TMPDIR/payload.txt"
	run "$LABCMD" run --put "$BATS_TEST_TMPDIR/payload.txt" -- sh -c 'grep -q payload /work/payload.txt && false'
	[ "$status" -eq 1 ]
	rm -f "$BATS_TEST_TMPDIR/payload.txt"
	no_lab_process_left
}

@test "lab run: a hanging command is killed at the timeout, TIMEOUT and the log named" {
	run "$LABCMD" run --quiet --timeout 15 -- sleep 600
	[ "$status" -eq 124 ]
	[[ "$output" == *"TIMEOUT after 15s"* ]]
	[[ "$output" == *"log: "*".log)"* ]]
	no_lab_process_left
}

@test "lab run: a lab host whose kernel reports a fatal splat is stopped after the grace period, naming it (exit 125)" {
	LAB_FATAL_GRACE=5 run "$LABCMD" run --quiet --timeout 600 -- \
		sh -c 'echo "<0>watchdog: BUG: soft lockup - CPU#0 stuck for 99s! [lab-test]" >/dev/kmsg; sleep 600'
	[ "$status" -eq 125 ] || { echo "$output"; false; }
	assert_output --regexp 'lab stopped: its kernel reported "watchdog: BUG: soft lockup - CPU#0 stuck for 99s! \[lab-test\]" and had not ended 5s later \(log: .*\.log\)'
	no_lab_process_left
}

# traps_group_signal SHELL SIG STATUS: a script under install_traps, in a process group of
# its own, with two cleanups (a 1 s one, then the removal of a directory); SIG reaches the
# whole group twice, 0.3 s apart, as a terminal's Ctrl-C and then a parent stopping its
# child do: every cleanup still runs, and the script exits STATUS.
traps_group_signal() {
	local d=$BATS_TEST_TMPDIR/made-$1-$2 pid pgid rc
	mkdir -p "$d"
	# (env: a command started with & ignores SIGINT, and a shell cannot trap what it
	# started with ignored)
	setsid env --default-signal=INT "$1" -c '. "$1/harness/lib/common.sh"; install_traps
		at_exit "rm -rf '"'"'$2'"'"'"; at_exit "sleep 1"
		: >"$2.up"; while :; do sleep 0.1; done' sh "$TOP" "$d" 3>&- &
	pid=$!
	for _ in $(seq 100); do
		[ -e "$d.up" ] && break
		sleep 0.05
	done
	pgid=$(ps -o pgid= -p "$pid" | tr -d ' ')
	[ "$pgid" = "$pid" ] || fail "the script is not its own process group ($pgid, $pid)"
	kill "-$2" -- "-$pgid"
	sleep 0.3
	kill "-$2" -- "-$pgid"
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL -- "-$pgid"
		fail "$1: still running 10 s after SIG$2"
	fi
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" = "$3" ] || fail "$1: exit $rc after SIG$2 twice, not $3"
	[ ! -e "$d" ] || fail "$1: SIG$2 twice to the group cut the cleanups short: $d is left"
}

@test "install_traps: a second signal to the whole group while the cleanups run does not cut them short (dash, busybox ash)" {
	traps_group_signal dash TERM 143
	traps_group_signal dash INT 130
	ln -s "$(command -v busybox)" "$BATS_TEST_TMPDIR/ash"
	traps_group_signal "$BATS_TEST_TMPDIR/ash" TERM 143
	traps_group_signal "$BATS_TEST_TMPDIR/ash" HUP 129
}

@test "lab run: TERM while running kills QEMU and cleans up, exit 143; the log keeps the console" {
	"$LABCMD" run -- sleep 600 >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
	pid=$!
	for _ in $(seq 600); do
		grep -q "^apf-lab: up" "$BATS_TEST_TMPDIR/out" && break
		sleep 0.2
	done
	grep -q "^apf-lab: up" "$BATS_TEST_TMPDIR/out"
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 143 ]
	log=$(sed -n 's/^\[lab\] booting .*, log \(.*\))$/\1/p' "$BATS_TEST_TMPDIR/out")
	rm -f "$BATS_TEST_TMPDIR/out"
	run cat "$log"
	assert_line --regexp '^apf-lab: up'
	assert_line '--- stopped by a signal here ---'
	sleep 0.5
	no_lab_process_left
}

@test "deps: the staged packages' versions are in a lock file, one 'name version' a line" {
	"$TOP/harness/deps" --check >/dev/null || skip "dependencies not installed yet"
	lock=$TOP/.cache/debs/arm64/lock
	run grep -c . "$lock"
	assert_success
	[ "$output" -gt 100 ]
	run grep -vE '^[a-z0-9][a-z0-9.+-]* [0-9][A-Za-z0-9.+~:-]*$' "$lock"
	assert_failure
	for p in busybox-static qemu-system-arm socat jq stress-ng fio; do
		grep -q "^$p " "$lock" || fail "$p is not in $lock"
	done
	grep -q '^linux-image-6\.12\.' "$lock"
	[ -x "$TOP/.cache/stage/arm64/root/usr/bin/qemu-system-aarch64" ]
}

@test "kernel-splat.patterns: a WARN, lockdep, BUG or oops is a splat; a boot's notices are not" {
	sed -e '/^#/d' -e '/^$/d' -e 's/^fatal //' "$TOP/harness/lib/kernel-splat.patterns" >"$BATS_TEST_TMPDIR/p"
	for line in \
		"[    5.1] WARNING: CPU: 1 PID: 312 at arch/arm64/kvm/sdei.c:77 kvm_sdei_hypercall+0x1c/0x40" \
		"[    5.1] WARNING: bad unlock balance detected!" \
		"[    5.1] WARNING: suspicious RCU usage" \
		"[    5.1] ------------[ cut here ]------------" \
		"[    5.1] BUG: sleeping function called from invalid context at mm/slab.h:494" \
		"[    5.1] Unable to handle kernel NULL pointer dereference at virtual address 0000000000000000"; do
		printf '%s\n' "$line" | grep -q -E -f "$BATS_TEST_TMPDIR/p" || fail "not a splat: $line"
	done
	for line in \
		"[    0.0] Speculative Return Stack Overflow: WARNING: See https://kernel.org/doc/html/latest/admin-guide/hw-vuln/srso.html for mitigation options." \
		"[    0.0] Spectre V2 : WARNING: Unprivileged eBPF is enabled with eIBRS on, data leaks possible via Spectre v2 BHB attacks!" \
		"[    0.2] kvm [1]: Hyp mode initialized successfully"; do
		run grep -q -E -f "$BATS_TEST_TMPDIR/p" <<<"$line"
		assert_failure
	done
}

@test "lab run: a kernel splat during the job fails the run; the lines are in kernel-splats.log" {
	[ -e "$TOP/.cache/lab" ] || skip "the lab is not built here (make deps; harness/lab smoke)"
	run -1 "$LABCMD" run --timeout 300 --results "$BATS_TEST_TMPDIR/res" -- \
		sh -c 'echo "WARNING: CPU: 0 PID: 1 at fake/apf-suite-test.c:1 fake_warn" >/dev/kmsg; exit 0'
	[[ "$output" == *"the lab host's kernel reported a bug during the run: "*"WARNING: CPU: 0 PID: 1 at fake/apf-suite-test.c:1"* ]]
	grep -q "fake/apf-suite-test.c:1" "$BATS_TEST_TMPDIR/res/kernel-splats.log"
	run -0 "$LABCMD" run --timeout 300 --results "$BATS_TEST_TMPDIR/res2" -- true
	[ ! -e "$BATS_TEST_TMPDIR/res2/kernel-splats.log" ]
}

# native_run RESULTS SCRIPT: lab_run_native of harness/lab (a run on this machine as the
# KVM host) of the job "sh SCRIPT", its kernel log read from KMSG_SOURCE
native_run() {
	printf '%s\n' "$2" >"$BATS_TEST_TMPDIR/job.sh"
	sh -c 'set -eu; TOP=$1; . "$TOP/harness/lib/common.sh"; . "$TOP/harness/lib/contract.sh"
		. "$TOP/harness/lib/host/lab-run.sh"; install_traps
		RUN_RESULTS=$2 RUN_TIMEOUT=60 RUN_PUTS="" RUN_CMD="'"'"'sh'"'"' '"'"'$3'"'"'"
		lab_run_native "$TOP"' sh "$TOP" "$1" "$BATS_TEST_TMPDIR/job.sh"
}

@test "native: a kernel splat in this host's log while the command runs fails the run with it, as in the lab (a fake /dev/kmsg)" {
	export KMSG_SOURCE=$BATS_TEST_TMPDIR/kmsg
	# before the run: a splat that is not the run's, and a boot notice
	printf '%s\n' '6,100,1000000,-;an old line' \
		'4,101,2000000,-;WARNING: CPU: 0 PID: 1 at old.c:1 before_the_run' \
		'4,102,2500000,-;Speculative Return Stack Overflow: WARNING: See https://example/srso.html' >"$KMSG_SOURCE"
	res=$BATS_TEST_TMPDIR/res
	# a run during which the kernel reports nothing: it passes, no splat file; a line a
	# program wrote to /dev/kmsg (facility user: priority 12) is not the kernel's
	run native_run "$res" "printf '%s\n' '6,103,3000000,-;kvm: a harmless line' '12,104,3100000,-;WARNING: CPU: 0 PID: 7 at user.c:1 written_by_a_program' >>'$KMSG_SOURCE'"
	assert_success
	[ ! -e "$res/kernel-splats.log" ]
	# a WARN (with a continuation line, as /dev/kmsg has them) during the run: exit 1 with it
	run native_run "$res" "printf '%s\n' '6,105,4000000,-;kvm: before it' '4,106,4500123,-;WARNING: CPU: 1 PID: 42 at arch/arm64/kvm/mmu.c:1 kvm_fault+0x1/0x2' ' SUBSYSTEM=fake' '4,107,4600000,-;Call trace:' >>'$KMSG_SOURCE'"
	assert_failure 1
	assert_output --partial "this host's kernel reported a bug during the run: [    4.500123] WARNING: CPU: 1 PID: 42 at arch/arm64/kvm/mmu.c:1 kvm_fault+0x1/0x2"
	run cat "$res/kernel-splats.log"
	assert_line --index 0 '[    4.500123] WARNING: CPU: 1 PID: 42 at arch/arm64/kvm/mmu.c:1 kvm_fault+0x1/0x2'
	assert_line --index 1 '[    4.600000] Call trace:'
	refute_output --partial before_the_run
	refute_output --partial SUBSYSTEM
	# a command that failed keeps its own status
	run native_run "$res" "printf '%s\n' '0,108,5000000,-;Kernel panic - not syncing: fake' >>'$KMSG_SOURCE'; exit 3"
	assert_failure 3
	grep -q 'Kernel panic - not syncing: fake' "$res/kernel-splats.log"
	# the next clean run in the same results directory has none
	run native_run "$res" "true"
	assert_success
	[ ! -e "$res/kernel-splats.log" ]
	rm -f "$BATS_TEST_TMPDIR/job.sh"
	run find "$BATS_TEST_TMPDIR" -maxdepth 1 -name 'apf-*'
	assert_output ''
}
