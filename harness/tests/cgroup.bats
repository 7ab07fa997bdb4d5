#!/usr/bin/env bats
# harness/kvmhost/cgroup and harness/lib/kvmhost/cgroup.sh: profiles, and cgroups under a fake cgroup root
# (CGROUP_ROOT=a plain directory: the lib then writes the files directly, as it does on
# a host without cgroup-tools); cgroup-tools command lines are checked with stubs.

# shellcheck disable=SC2154 # $stderr is set by bats' run --separate-stderr
bats_require_minimum_version 1.5.0

setup() {
	HARNESS=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
	CG=$HARNESS/kvmhost/cgroup
	PROFILES=$(cd "$HARNESS/../cgroups" && pwd)
	export CGROUP_ROOT=$BATS_TEST_TMPDIR/cg
	unset CGROUP_TOOLS CGROUP_ASSUME_MOUNT PROFILE_DIR
	PIDS=()
}

teardown() {
	local p
	for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
	return 0
}

# A fake cgroup2 root with the memory controller available.
fake_root() {
	mkdir -p "$CGROUP_ROOT"
	echo "cpuset cpu io memory hugetlb pids rdma misc" >"$CGROUP_ROOT/cgroup.controllers"
	: >"$CGROUP_ROOT/cgroup.subtree_control"
	: >"$CGROUP_ROOT/cgroup.procs"
}

# fake_cg NAME: what the kernel would make on mkdir (the lib creates only directories)
fake_cg() {
	local d=$CGROUP_ROOT/$1 f
	mkdir -p "$d"
	for f in cgroup.procs cgroup.subtree_control memory.events memory.stat; do : >"$d/$f"; done
	for f in memory.max memory.high memory.swap.max memory.zswap.max; do echo max >"$d/$f"; done
	for f in memory.low memory.min memory.oom.group memory.current memory.swap.current; do echo 0 >"$d/$f"; done
}

profile() { # profile NAME CONTENT -> path
	printf '%s\n' "$2" >"$BATS_TEST_TMPDIR/$1.conf"
	echo "$BATS_TEST_TMPDIR/$1.conf"
}

@test "profiles: the shipped ones are valid" {
	run -0 "$CG" profile lab
	[ "$output" = "memory.max 160M" ]
	run -0 "$CG" profile cover-letter
	[ "$output" = "memory.max 1792M" ]
	run -0 "$CG" profile cover-letter-tight
	[ "$output" = "memory.max 1536M" ]
	run -0 "$CG" profile none
	[ "$output" = "memory.max max
memory.high max
memory.swap.max max" ]
	run -0 "$CG" profile "$PROFILES/lab.conf"
	# cover-letter says its limit is our choice
	grep -qi "our choice" "$PROFILES/cover-letter.conf"
}

@test "profiles: every key, comments, blank lines, empty values, CRLF" {
	p=$(profile all "# a comment

memory_max=1G
memory_high=900m
memory_min=
memory_swap_max=max
memory_zswap_max=64M
memory_oom_group=1
   # indented comment")
	printf 'memory_low=1k\r\n' >>"$p"
	run -0 "$CG" profile "$p"
	[ "$output" = "memory.max 1G
memory.high 900m
memory.swap.max max
memory.zswap.max 64M
memory.oom.group 1
memory.low 1k" ]
}

@test "profiles: unknown key -> exit 2 naming the file and line" {
	p=$(profile badkey "# x
memory_max=200M
memory_limit=100M")
	run --separate-stderr "$CG" profile "$p"
	[ "$status" -eq 2 ]
	[[ $stderr == "$p:3: unknown key \"memory_limit\""* ]]
	[ -z "$output" ]
}

@test "profiles: bad values -> exit 2 naming the file and line" {
	for v in 200Q -5 1.5G "200 M" ' 200M' unlimited; do
		p=$(profile badval "memory_max=$v")
		run --separate-stderr "$CG" profile "$p"
		[ "$status" -eq 2 ]
		[[ $stderr == "$p:1: "* ]] || {
			echo "value '$v': $stderr"
			return 1
		}
	done
	p=$(profile badoom "memory_oom_group=yes")
	run --separate-stderr "$CG" profile "$p"
	[ "$status" -eq 2 ]
	[[ $stderr == "$p:1: bad value for memory_oom_group: \"yes\" (expected 0 or 1)" ]]
}

@test "profiles: malformed lines, duplicates, missing file -> exit 2" {
	p=$(profile noeq "memory_max")
	run --separate-stderr "$CG" profile "$p"
	[ "$status" -eq 2 ]
	[[ $stderr == "$p:1: not a key=value line"* ]]
	p=$(profile spaces "memory_max = 200M")
	run --separate-stderr "$CG" profile "$p"
	[ "$status" -eq 2 ]
	[[ $stderr == "$p:1: bad key"* ]]
	p=$(profile dup "memory_max=1G
memory_max=2G")
	run --separate-stderr "$CG" profile "$p"
	[ "$status" -eq 2 ]
	[[ $stderr == "$p:2: duplicate key \"memory_max\" (first on line 1)" ]]
	run --separate-stderr "$CG" profile no-such-profile
	[ "$status" -eq 2 ]
	[[ $stderr == *"cgroups/no-such-profile.conf: no such profile file" ]]
	# a bad profile stops create before anything is touched
	fake_root
	run "$CG" create bench "$p"
	[ "$status" -eq 2 ]
	[ ! -e "$CGROUP_ROOT/bench" ]
}

@test "cgroup v1 or hybrid host -> exit 2 with a clear message" {
	mkdir -p "$CGROUP_ROOT/memory" # a v1 layout: no cgroup.controllers
	run --separate-stderr "$CG" create bench lab
	[ "$status" -eq 2 ]
	[[ $stderr == *"$CGROUP_ROOT is not a cgroup v2 hierarchy"*"needs cgroup v2"* ]]
	run "$CG" check
	[ "$status" -eq 2 ]
	# this very host, if it has no cgroup2 at /sys/fs/cgroup
	if [ ! -f /sys/fs/cgroup/cgroup.controllers ]; then
		CGROUP_ROOT=/sys/fs/cgroup run --separate-stderr "$CG" check
		[ "$status" -eq 2 ]
		[[ $stderr == *"cgroup v1/hybrid layout"* ]]
	fi
}

@test "cgroup v2 without the memory controller -> exit 2" {
	mkdir -p "$CGROUP_ROOT"
	echo "cpu io pids" >"$CGROUP_ROOT/cgroup.controllers"
	run --separate-stderr "$CG" check
	[ "$status" -eq 2 ]
	[[ $stderr == *"has no memory controller"* ]]
	fake_root
	run -0 "$CG" check
}

@test "create: applies the profile by writing the files (fake root), says so" {
	fake_root
	fake_cg bench
	p=$(profile p "memory_max=200M
memory_high=150M
memory_swap_max=
memory_oom_group=1")
	run --separate-stderr "$CG" create bench "$p"
	[ "$status" -eq 0 ]
	[[ $stderr == *"writing the cgroup files directly"* ]]
	[ "$(cat "$CGROUP_ROOT/cgroup.subtree_control")" = "+memory" ]
	[ "$(cat "$CGROUP_ROOT/bench/memory.max")" = 200M ]
	[ "$(cat "$CGROUP_ROOT/bench/memory.high")" = 150M ]
	[ "$(cat "$CGROUP_ROOT/bench/memory.swap.max")" = max ] # empty value: left alone
	[ "$(cat "$CGROUP_ROOT/bench/memory.oom.group")" = 1 ]
	# again: idempotent
	run -0 "$CG" create bench lab
	[ "$(cat "$CGROUP_ROOT/bench/memory.max")" = 160M ]
}

@test "create: nested names enable memory at every level; no profile is fine" {
	fake_root
	fake_cg apf/dst
	run -0 "$CG" create apf/dst lab
	[ "$(cat "$CGROUP_ROOT/cgroup.subtree_control")" = "+memory" ]
	[ "$(cat "$CGROUP_ROOT/apf/cgroup.subtree_control")" = "+memory" ]
	[ "$(cat "$CGROUP_ROOT/apf/dst/memory.max")" = 160M ]
	run -0 "$CG" create plain
	[ -d "$CGROUP_ROOT/plain" ]
}

@test "create: a setting this kernel lacks (no swap accounting) -> exit 1" {
	fake_root
	fake_cg bench
	rm "$CGROUP_ROOT/bench/memory.swap.max"
	p=$(profile swap "memory_swap_max=0")
	run --separate-stderr "$CG" create bench "$p"
	[ "$status" -eq 1 ]
	[[ $stderr == *"bench/memory.swap.max does not exist"* ]]
}

@test "bad cgroup names -> exit 2" {
	fake_root
	for n in "" /abs ../up a/../b "sp ace" 'st*r' a/ a//b .; do
		run "$CG" create "$n" lab
		[ "$status" -eq 2 ] || {
			echo "name '$n' accepted"
			return 1
		}
	done
	run "$CG" destroy ../x
	[ "$status" -eq 2 ]
}

@test "exec: the command runs with its pid in cgroup.procs (dash and busybox sh)" {
	fake_root
	fake_cg bench
	run -0 --separate-stderr "$CG" exec bench sh -c 'echo "pid=$$"'
	[ "$output" = "pid=$(cat "$CGROUP_ROOT/bench/cgroup.procs")" ]
	if command -v busybox >/dev/null; then
		run -0 --separate-stderr busybox sh "$CG" exec bench sh -c 'echo "pid=$$"'
		[ "$output" = "pid=$(cat "$CGROUP_ROOT/bench/cgroup.procs")" ]
	fi
	run "$CG" exec nosuch true
	[ "$status" -eq 1 ]
	run "$CG" exec bench
	[ "$status" -eq 2 ]
}

@test "stats: memcg_* lines from the cgroup files; --prefix" {
	fake_root
	fake_cg bench
	d=$CGROUP_ROOT/bench
	echo 209715200 >"$d/memory.max"
	echo 209711104 >"$d/memory.current"
	echo 209715200 >"$d/memory.peak"
	echo 488636416 >"$d/memory.swap.current"
	printf 'low 0\nhigh 0\nmax 902\noom 0\noom_kill 0\noom_group_kill 0\n' >"$d/memory.events"
	printf 'high 0\nmax 0\nfail 0\n' >"$d/memory.swap.events"
	printf 'anon 180000000\nfile 20000000\npgfault 500000\npgmajfault 10111\nworkingset_refault_anon 9000\nworkingset_refault_file 12\nthp_fault_alloc 0\n' >"$d/memory.stat"
	printf 'some avg10=1.00 avg60=0.50 avg300=0.10 total=1234567\nfull avg10=0.90 avg60=0.40 avg300=0.10 total=1000000\n' >"$d/memory.pressure"
	run -0 --separate-stderr "$CG" stats bench
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/s"
	v() { sed -n "s/^$1=//p" "$BATS_TEST_TMPDIR/s"; }
	[ "$(v memcg_cgroup)" = bench ]
	[ "$(v memcg_current_bytes)" = 209711104 ]
	[ "$(v memcg_peak_bytes)" = 209715200 ]
	[ "$(v memcg_swap_current_bytes)" = 488636416 ]
	[ "$(v memcg_limit_max)" = 209715200 ]
	[ "$(v memcg_limit_swap_max)" = max ]
	[ "$(v memcg_events_max)" = 902 ]
	[ "$(v memcg_events_oom_kill)" = 0 ]
	[ "$(v memcg_events_low)" = 0 ]
	[ "$(v memcg_swap_events_fail)" = 0 ]
	[ "$(v memcg_pgmajfault)" = 10111 ]
	[ "$(v memcg_workingset_refault_anon)" = 9000 ]
	[ "$(v memcg_anon_bytes)" = 180000000 ]
	[ "$(v memcg_pressure_some_total_us)" = 1234567 ]
	[ "$(v memcg_pressure_full_total_us)" = 1000000 ]
	run ! grep -q thp_fault_alloc "$BATS_TEST_TMPDIR/s"
	run ! grep -v '^[a-z0-9_]*=' "$BATS_TEST_TMPDIR/s"
	# no memory.peak (kernel < 5.19): simply absent
	rm "$d/memory.peak"
	run -0 "$CG" stats bench --prefix memcg_dst_
	[[ $output == *"memcg_dst_events_max=902"* ]]
	[[ $output != *peak* ]]
	run "$CG" stats bench --prefix BAD
	[ "$status" -eq 2 ]
	run "$CG" stats nosuch
	[ "$status" -eq 1 ]
}

@test "destroy: kills what is left (nested too), removes the cgroup, idempotent" {
	fake_root
	fake_cg apf/dst
	fake_cg apf/src
	sleep 300 >/dev/null 2>&1 3>&- &
	PIDS+=($!)
	echo $! >"$CGROUP_ROOT/apf/dst/cgroup.procs"
	sleep 300 >/dev/null 2>&1 3>&- &
	PIDS+=($!)
	echo $! >"$CGROUP_ROOT/apf/src/cgroup.procs"
	run --separate-stderr "$CG" destroy apf
	[ "$status" -eq 0 ]
	[[ $stderr == *"killing ${PIDS[0]} ${PIDS[1]}"* ]] || [[ $stderr == *"killing ${PIDS[1]} ${PIDS[0]}"* ]]
	[ ! -e "$CGROUP_ROOT/apf" ]
	# both sleeps are dead (zombies at most, until this shell reaps them)
	for p in "${PIDS[@]}"; do
		st=$(ps -o stat= -p "$p" || true)
		[ -z "$st" ] || [[ $st == Z* ]]
	done
	run --separate-stderr "$CG" destroy apf
	[ "$status" -eq 0 ]
	[[ $stderr == *"not present"* ]]
	[ -d "$CGROUP_ROOT" ] # the root itself is never touched
}

@test "cgroup-tools: the command lines used when installed (stubs)" {
	fake_root
	fake_cg bench
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	for t in cgcreate cgset cgexec cgdelete; do
		cat >"$BATS_TEST_TMPDIR/bin/$t" <<STUB
#!/bin/sh
echo "$t \$*" >>"$BATS_TEST_TMPDIR/tools.log"
case $t in
cgexec) shift 2; exec "\$@" ;;
cgdelete) rm -rf "$CGROUP_ROOT/\${2#memory:}" ;;
esac
STUB
		chmod +x "$BATS_TEST_TMPDIR/bin/$t"
	done
	export PATH=$BATS_TEST_TMPDIR/bin:$PATH CGROUP_ASSUME_MOUNT=1
	p=$(profile p "memory_max=200M
memory_high=150M")
	run -0 --separate-stderr "$CG" create bench "$p"
	[[ $stderr != *"directly"* ]]
	run -0 "$CG" exec bench echo hello
	[ "$output" = hello ]
	run -0 "$CG" destroy bench
	run cat "$BATS_TEST_TMPDIR/tools.log"
	[ "$output" = "cgcreate -g memory:bench
cgset -r memory.max=200M -r memory.high=150M bench
cgexec -g memory:bench echo hello
cgdelete -r memory:bench" ]
	# CGROUP_TOOLS=no: the files, even with the tools there
	fake_cg bench
	CGROUP_TOOLS=no run -0 --separate-stderr "$CG" create bench "$p"
	[[ $stderr == *"CGROUP_TOOLS=no: writing the cgroup files directly"* ]]
}
