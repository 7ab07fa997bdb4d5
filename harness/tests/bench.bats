#!/usr/bin/env bats
# harness/bench: profiles, argument errors, APF verification, record making, resume and
# cleanup. The end-to-end tests boot the lab with the short profile.

load common
bats_require_minimum_version 1.5.0

setup() {
	common_setup
	BENCH="$TOP/harness/bench"
	PROFILES="$TOP/harness/profiles"
}

load_profile() {
	sh -c ". '$TOP/harness/lib/common.sh'; . '$TOP/harness/lib/host/profile.sh'; profile_load '$1' && echo \"\$PROF_NAME \$PROF_GUEST_MEM_MB \$PROF_CGROUPS \$PROF_SWAP_IOPS.\""
}

bad_profile() {
	sed "$1" "$PROFILES/lab.profile" >"$BATS_TEST_TMPDIR/bad.profile"
	run load_profile "$BATS_TEST_TMPDIR/bad.profile"
}

@test "profiles: the shipped profiles load" {
	run load_profile "$PROFILES/lab.profile"
	[ "$status" -eq 0 ]
	[ "$output" = "lab 512 lab 100." ]
	run load_profile "$PROFILES/cover-letter.profile"
	[ "$output" = "cover-letter 4096 cover-letter cover-letter-tight 400." ]
	run load_profile "$PROFILES/short.profile"
	[ "$status" -eq 0 ]
}

@test "profiles: every cgroup a profile names exists in cgroups/" {
	for p in "$PROFILES"/*.profile; do
		for cg in $(sed -n 's/^CGROUPS=//p' "$p"); do
			[ -f "$TOP/cgroups/$cg.conf" ] || { echo "$p: cgroups/$cg.conf missing"; false; }
		done
	done
}

@test "profiles: unknown key, duplicate, bad value, missing key, code -> exit 2 with file:line" {
	bad_profile 's/^GUEST_SMP=1$/GUEST_CPUS=1/'
	one_line_exit_2
	[[ "$output" == *"bad.profile:"*"unknown key GUEST_CPUS"* ]]
	bad_profile '$aGUEST_SMP=2'
	one_line_exit_2
	[[ "$output" == *"GUEST_SMP given twice"* ]]
	bad_profile 's/^GUEST_MEM_MB=512$/GUEST_MEM_MB=lots/'
	one_line_exit_2
	[[ "$output" == *"bad.profile:"*": GUEST_MEM_MB must be a positive whole number (no leading zero, at most 9 digits), not 'lots'"* ]]
	bad_profile 's/^WORKLOAD_PERCENT=60$/WORKLOAD_PERCENT=150/'
	one_line_exit_2
	bad_profile '/^CASE_TIMEOUT=/d'
	one_line_exit_2
	[[ "$output" == *"missing key CASE_TIMEOUT"* ]]
	bad_profile 's/^PROFILE_DESCRIPTION=.*/PROFILE_DESCRIPTION=$(reboot)/'
	one_line_exit_2
	bad_profile 's/^SWAP_MB=.*/rm -rf \//'
	one_line_exit_2
	[[ "$output" == *"not KEY=value"* ]]
}

@test "bench: bad arguments are one line, exit 2" {
	run "$BENCH" --repeat 0
	one_line_exit_2
	run "$BENCH" --scenarios 1,4
	one_line_exit_2
	run "$BENCH" --guest-append "$(printf 'quiet\nstate=ok')"
	one_line_exit_2
	run "$BENCH" --apf maybe
	one_line_exit_2
	run "$BENCH" --profile nosuch
	one_line_exit_2
	run "$BENCH" --run-id ../escape
	one_line_exit_2
	run "$BENCH" --frobnicate
	one_line_exit_2
	run "$BENCH" --help
	[ "$status" -eq 0 ]
}

@test "bench: --cgroups and BENCH_FAULT are checked like every input: one line, exit 2, nothing made" {
	res=$BATS_TEST_TMPDIR/r
	run "$BENCH" --results "$res" --cgroups ''
	one_line_exit_2
	assert_output 'bench: --cgroups: an empty directory name'
	run "$BENCH" --results "$res" --cgroups "$BATS_TEST_TMPDIR/nosuch"
	one_line_exit_2
	assert_output "bench: --cgroups $BATS_TEST_TMPDIR/nosuch: no such directory"
	run "$BENCH" --results "$res" --cgroups "$TOP/cgroups" --cgroups "$TOP/cgroups"
	one_line_exit_2
	run "$BENCH" --results "$res" --cgroups "$(printf 'a\nb')"
	one_line_exit_2
	# the profile's cgroups must be in that directory, and valid there
	mkdir -p "$BATS_TEST_TMPDIR/cg"
	run "$BENCH" --results "$res" --profile short --cgroups "$BATS_TEST_TMPDIR/cg"
	one_line_exit_2
	assert_output --partial ": CGROUPS: no $BATS_TEST_TMPDIR/cg/short.conf"
	printf 'memory_max=060M\n' >"$BATS_TEST_TMPDIR/cg/short.conf"
	run "$BENCH" --results "$res" --profile short --cgroups "$BATS_TEST_TMPDIR/cg"
	one_line_exit_2
	assert_output --partial "short.conf:1: bad value for memory_max"
	BENCH_FAULT=meteor run "$BENCH" --results "$res"
	one_line_exit_2
	assert_output 'bench: BENCH_FAULT=meteor: use guest-panic, guest-hang, guest-reset, host-splat, swap-missing, lab-reset, qmp-error, qmp-hang, dst-dies or postcopy-notice'
	# a post-copy fault in a scenario that does not migrate would never be injected
	BENCH_FAULT=dst-dies run "$BENCH" --results "$res" --profile short --scenarios 1,3
	one_line_exit_2
	assert_output 'bench: BENCH_FAULT=dst-dies is injected in post-copy: scenario 1 does not migrate (--scenarios)'
	[ ! -e "$res" ]
}

# verify WANT DIR [ARCH [REC]]: apf_verify as bench-case calls it (default arch x86_64),
# with REC the case's record so far (the host's counts)
verify() {
	TOP=$TOP sh -c "rec='${4:-}'; . '$TOP/harness/lib/common.sh'; . '$TOP/harness/lib/contract.sh'; . '$TOP/harness/lib/kvmhost/case.sh'; apf_verify $1 '$2' ${3:-x86_64}"
}

# arm_guest_dir NAME CMDLINE IRQ_BEFORE IRQ_AFTER DMESG NOTPRESENT PAGEREADY: an arm64
# guest's results with the series' interrupt line and its handlers' function trace
arm_guest_dir() {
	d=$BATS_TEST_TMPDIR/$1
	mkdir -p "$d"
	printf 'console=ttyAMA0 acpi=force %s\n' "$2" >"$d/cmdline"
	printf '           CPU0\n 11:  90  GICv3  27 Level  arch_timer\n 13:  %s  GICv3  20 Level  Asynchronous Page Fault\n' "$3" >"$d/irq.before"
	printf '           CPU0\n 11:  99  GICv3  27 Level  arch_timer\n 13:  %s  GICv3  20 Level  Asynchronous Page Fault\n' "$4" >"$d/irq.after"
	printf '%s\n' "$5" >"$d/dmesg"
	: >"$d/apf-handlers.trace"
	for _ in $(seq "$6"); do
		echo ' testsuite-mem-80 [000] d.h1 12.5: kvm_async_pf_sdei_handler <-sdei_event_handler' >>"$d/apf-handlers.trace"
	done
	for _ in $(seq "$7"); do
		echo ' <idle>-0 [000] d.h1 12.7: kvm_async_pf_irq_handler <-handle_percpu_devid_irq' >>"$d/apf-handlers.trace"
	done
	echo "$d"
}

guest_dir() {
	d=$BATS_TEST_TMPDIR/$1
	mkdir -p "$d"
	printf 'console=ttyS0 panic=-1 %s\n' "$2" >"$d/cmdline"
	printf '           CPU0\n  1:  9  IO-APIC  1-edge  i8042\nHYP:  %s  Hypervisor callback interrupts\n' "$3" >"$d/irq.before"
	printf '           CPU0\n  1:  9  IO-APIC  1-edge  i8042\nHYP:  %s  Hypervisor callback interrupts\n' "$4" >"$d/irq.after"
	printf '%s\n' "$5" >"$d/dmesg"
	echo "$d"
}

@test "APF verification: +APF with page-ready interrupts during the run is verified" {
	d=$(guest_dir on-ok "" 10 8181 "booting")
	run verify on "$d"
	[[ "$output" == *"guest_apf_irqs=8171"* ]]
	[[ "$output" == *"apf_verified=yes"* ]]
}

@test "APF verification: +APF asked but the guest booted with no-kvmapf is rejected" {
	d=$(guest_dir on-wrong no-kvmapf 0 0 "booting")
	run verify on "$d"
	[[ "$output" == *"apf_verified=no"* ]]
	[[ "$output" == *"no-kvmapf=yes"* ]]
}

@test "APF verification: +APF without any notification is rejected" {
	d=$(guest_dir on-silent "" 5 5 "booting")
	run verify on "$d"
	[[ "$output" == *"apf_verified=no"* ]]
}

@test "APF verification: -APF is verified only with no-kvmapf and no notifications" {
	d=$(guest_dir off-ok no-kvmapf 0 0 "booting")
	run verify off "$d"
	[[ "$output" == *"apf_verified=yes"* ]]
	d=$(guest_dir off-leak no-kvmapf 0 12 "booting")
	run verify off "$d"
	[[ "$output" == *"apf_verified=no"* ]]
	d=$(guest_dir off-nocmd "" 0 0 "booting")
	run verify off "$d"
	[[ "$output" == *"apf_verified=no"* ]]
}

@test "APF verification: arm64 +APF needs APF enabled, both notifications and the host's agreeing counts" {
	rec=$BATS_TEST_TMPDIR/rec
	printf 'host_apf_notpresent=30\nhost_apf_pageready=33\n' >"$rec"
	d=$(arm_guest_dir arm-on "" 1 26 "Async PF enabled on CPU0" 24 25)
	run verify on "$d" aarch64 "$rec"
	assert_line 'guest_apf_enabled_cpus=1'
	assert_line 'guest_apf_irqs=25'
	assert_line 'guest_apf_notpresent=24'
	assert_line 'guest_apf_pageready_handled=25'
	assert_line 'apf_verified=yes'
	assert_line 'apf_evidence=+APF asked: no-kvmapf=no, APF enabled on 1 CPUs, 25 page-ready interrupts during the run, 24 page-not-present notifications (host sent 30 page-not-present, 33 page-ready in the case)'
	# on x86 the guest's HYP interrupts are the evidence: the arm64 line is not
	run verify on "$d" x86_64 "$rec"
	assert_line 'apf_verified=yes'
	# "enabled" alone is not APF: no page-not-present notification during the run
	d=$(arm_guest_dir arm-np0 "" 1 26 "Async PF enabled on CPU0" 0 25)
	run verify on "$d" aarch64 "$rec"
	assert_line 'apf_verified=no'
	assert_line --partial ': +APF on arm64 without page-not-present notifications during the run (guest_apf_notpresent=0)'
	# no page-ready interrupt during the run
	d=$(arm_guest_dir arm-pr0 "" 1 1 "Async PF enabled on CPU0" 24 0)
	run verify on "$d" aarch64 "$rec"
	assert_line 'apf_verified=no'
	assert_line --partial 'without page-ready interrupts during the run (guest_apf_irqs=0)'
	# the guest saw more than the host sent: the counts disagree
	printf 'host_apf_notpresent=10\nhost_apf_pageready=33\n' >"$rec"
	d=$(arm_guest_dir arm-more "" 1 26 "Async PF enabled on CPU0" 24 25)
	run verify on "$d" aarch64 "$rec"
	assert_line 'apf_verified=no'
	assert_line --partial ': the guest received 24 page-not-present notifications, the host sent 10'
	# no host counts (a host without the kprobes)
	run verify on "$d" aarch64 "$BATS_TEST_TMPDIR/none"
	assert_line 'apf_verified=no'
	# -APF: no-kvmapf, nothing enabled, no notification of either kind
	d=$(arm_guest_dir arm-off no-kvmapf 0 0 "booting" 0 0)
	run verify off "$d" aarch64 "$rec"
	assert_line 'apf_verified=yes'
	assert_line 'guest_apf_notpresent=0'
	d=$(arm_guest_dir arm-off-np no-kvmapf 0 0 "booting" 3 0)
	run verify off "$d" aarch64 "$rec"
	assert_line 'apf_verified=no'
	assert_line --partial ': -APF but the guest received 3 page-not-present notifications'
	d=$(arm_guest_dir arm-off-en no-kvmapf 0 0 "Async PF enabled on CPU0" 0 0)
	run verify off "$d" aarch64 "$rec"
	assert_line 'apf_verified=no'
	assert_line --partial ': -APF but the guest enabled APF on 1 CPUs'
}

@test "host counts: a kprobe counts its function's calls, a kretprobe those that returned 0 (not injected, cancelled)" {
	T=$BATS_TEST_TMPDIR/tracing
	mkdir -p "$T/events/kvm/kvm_async_pf_ready" "$T/per_cpu/cpu0"
	for n in notpresent pageready notpresent_not_injected notpresent_cancelled; do
		mkdir -p "$T/events/apf_suite/$n"
		echo 1 >"$T/events/apf_suite/$n/enable"
	done
	: >"$T/kprobe_events"
	printf 'entries: 9\noverrun: 0\n' >"$T/per_cpu/cpu0/stats"
	cat >"$T/trace" <<-'EOF'
	# tracer: nop
	 qemu-system-aar-301 [001] d..1. 10.100001: notpresent: (kvm_arch_async_page_not_present+0x0/0x1a0)
	 qemu-system-aar-301 [001] d..1. 10.100002: notpresent_not_injected: (kvm_setup_async_pf+0x1c4/0x230 <- kvm_arch_async_page_not_present) ret=1
	 qemu-system-aar-301 [001] d..1. 10.200001: notpresent: (kvm_arch_async_page_not_present+0x0/0x1a0)
	 qemu-system-aar-301 [001] d..1. 10.200002: notpresent_not_injected: (kvm_setup_async_pf+0x1c4/0x230 <- kvm_arch_async_page_not_present) ret=0
	 qemu-system-aar-301 [001] d..1. 10.300001: notpresent: (kvm_arch_async_page_not_present+0x0/0x1a0)
	 qemu-system-aar-301 [001] d..1. 10.300002: notpresent_not_injected: (kvm_setup_async_pf+0x1c4/0x230 <- kvm_arch_async_page_not_present) ret=1
	 qemu-system-aar-301 [001] d..1. 10.400001: notpresent_cancelled: (kvm_arch_async_page_present+0x60/0x1f0 <- kvm_sdei_cancel) ret=0
	 qemu-system-aar-301 [001] d..1. 10.400002: pageready: (kvm_arch_async_page_present+0x0/0x1f0)
	 qemu-system-aar-301 [001] d..1. 10.500001: notpresent_cancelled: (kvm_arch_async_page_present+0x60/0x1f0 <- kvm_sdei_cancel) ret=-2
	 qemu-system-aar-301 [001] d..1. 10.500002: pageready: (kvm_arch_async_page_present+0x0/0x1f0)
	 qemu-system-aar-301 [001] d..1. 10.600001: notpresent_cancelled: (kvm_arch_async_page_present+0x60/0x1f0 <- kvm_sdei_cancel) ret=10
	EOF
	run -0 sh -c ". '$TOP/harness/lib/common.sh'; . '$TOP/harness/lib/contract.sh'; . '$TOP/harness/lib/kvmhost/case.sh'; trace_dir() { echo '$T'; }; APF_EVENTS=''; trace_counts"
	assert_line host_apf_notpresent=3
	assert_line host_apf_pageready=2
	assert_line host_apf_notpresent_not_injected=1
	assert_line host_apf_notpresent_cancelled=1
	# each probe switched off and removed
	run -0 cat "$T/events/apf_suite/notpresent_cancelled/enable"
	assert_output 0
	run -0 grep -c '^-:apf_suite/' "$T/kprobe_events"
	assert_output 4
}

@test "guest arguments: with the APF series every guest boots without BTI (once); without it, as asked" {
	ga() { sh -c ". '$TOP/harness/lib/common.sh'; . '$TOP/harness/lib/contract.sh'; . '$TOP/harness/lib/kvmhost/case.sh'; series_guest_append '$1' '$2'"; }
	run -0 ga '' apf-v4
	[ "$output" = "arm64.nobti" ]
	run -0 ga 'no-kvmapf quiet' apf-v4
	[ "$output" = "no-kvmapf quiet arm64.nobti" ]
	run -0 ga 'no-kvmapf arm64.nobti' apf-v4
	[ "$output" = "no-kvmapf arm64.nobti" ]
	run -0 ga 'no-kvmapf' none
	[ "$output" = "no-kvmapf" ]
	run -0 ga '' none
	[ "$output" = "" ]
}

@test "workload keys: the kv summary becomes record keys, the timeline its own file" {
	d=$BATS_TEST_TMPDIR/wl
	mkdir -p "$d"
	printf 'timeline 1 0.5 100.25\ntimeline 2 100.8 90.5\nelapsed_ms=191\nbytes_written=4096\npasses=2\ncalc_count=10\ncalc_rate=52\nstatus=complete\nseed=1\nmem_cpu_ms=120\ncalc_cpu_ms=70\n' >"$d/out.kv"
	run sh -c ". '$TOP/harness/lib/common.sh'; . '$TOP/harness/lib/contract.sh'; . '$TOP/harness/lib/kvmhost/case.sh'; workload_keys '$d/out.kv'"
	[ "$status" -eq 0 ]
	[[ "$output" == *"elapsed_ms=191"* ]]
	[[ "$output" == *"guest_status=complete"* ]]
	assert_line mem_cpu_ms=120
	assert_line calc_cpu_ms=70
	[[ "$output" != *"timeline"* ]]
	[ "$(cat "$d/timeline")" = "$(printf '1 0.5 100.25\n2 100.8 90.5')" ]
}

@test "guest splat: the first bug the guest's kernel reported and survived, with the function a lockdep report names; nothing on a clean log" {
	d=$BATS_TEST_TMPDIR/gs
	mkdir -p "$d"
	gs() { sh -c ". '$TOP/harness/lib/common.sh'; . '$TOP/harness/lib/contract.sh'; . '$TOP/harness/lib/kvmhost/case.sh'; guest_splat '$1' '$TOP/harness/lib/kernel-splat.patterns'"; }
	# the report every arm64 +APF guest of the v4 series printed (its first lines)
	printf '%s\r\n' '[    1.0] Async PF enabled on CPU0' '[  301.5] ' '[  301.6] ================================' \
		'[  301.6] WARNING: inconsistent lock state' '[  301.6] 5.14.2 #1 Tainted: G L' \
		'[  301.6] inconsistent {INITIAL USE} -> {IN-NMI} usage.' '[  301.6] init/176 [HC1[1]:SC0[0]:HE1:SE1] takes:' \
		'[  301.6] fffffbffeffde018 (&table->lock){-.-.}-{2:2}, at: kvm_async_pf_sdei_handler+0x68/0x1e4' \
		'[  302.0] WARNING: CPU: 0 PID: 1 at mm/x.c:1 later+0x1/0x2' >"$d/dmesg"
	run -0 gs "$d/dmesg"
	assert_output "WARNING: inconsistent lock state (at kvm_async_pf_sdei_handler+0x68/0x1e4)"
	# a WARNING names its place itself: its line alone
	printf '%s\n' '[ 1.0] boot' '[ 2.0] WARNING: CPU: 0 PID: 1 at mm/x.c:1 f+0x1/0x2' '[ 2.1] Modules linked in:' >"$d/dmesg"
	run -0 gs "$d/dmesg"
	assert_output "WARNING: CPU: 0 PID: 1 at mm/x.c:1 f+0x1/0x2"
	printf '%s\n' '[ 1.0] boot' '[ 2.0] Async PF enabled on CPU0' >"$d/dmesg"
	run -0 gs "$d/dmesg"
	assert_output ""
	run -0 gs "$d/none"
	assert_output ""
}

@test "guest lockdep: debug_locks before and after the workload become record keys; nothing without lockdep" {
	d=$BATS_TEST_TMPDIR/ld
	mkdir -p "$d"
	keys() { sh -c ". '$TOP/harness/lib/common.sh'; . '$TOP/harness/lib/contract.sh'; . '$TOP/harness/lib/kvmhost/case.sh'; guest_lockdep_keys '$1'"; }
	printf ' lock-classes:                         1234 [max: 8192]\n debug_locks:                            1\n' >"$d/lockdep.before"
	printf ' lock-classes:                         1301 [max: 8192]\n debug_locks:                            0\n' >"$d/lockdep.after"
	run -0 keys "$d"
	assert_output "$(printf 'guest_debug_locks_before=1\nguest_debug_locks_after=0')"
	# a kernel without lockdep: the guest's cat left empty files
	: >"$d/lockdep.before"
	: >"$d/lockdep.after"
	run -0 keys "$d"
	assert_output ""
}

@test "guest cpu: where the guest's CPU time went during the workload, per /proc/stat field, in ms; nothing from a missing or foreign line" {
	d=$BATS_TEST_TMPDIR/gc
	mkdir -p "$d"
	keys() { sh -c ". '$TOP/harness/lib/common.sh'; . '$TOP/harness/lib/contract.sh'; . '$TOP/harness/lib/kvmhost/case.sh'; guest_cpu_keys '$1'"; }
	echo 'cpu  100 0 200 3000 5 7 9 0 0 0' >"$d/stat.before"
	echo 'cpu  6100 1 1200 3400 5 307 19 2 0 0' >"$d/stat.after"
	run -0 keys "$d"
	assert_output "$(printf 'guest_cpu_%s\n' user_ms=60000 nice_ms=10 system_ms=10000 idle_ms=4000 iowait_ms=0 irq_ms=3000 softirq_ms=100 steal_ms=20)"
	# a guest that could not read /proc/stat afterwards, or a line that is not the cpu line
	: >"$d/stat.after"
	run -0 keys "$d"
	assert_output ""
	echo 'cpu0 6100 1 1200 3400 5 307 19 2 0 0' >"$d/stat.after"
	run -0 keys "$d"
	assert_output ""
	rm "$d/stat.before"
	run -0 keys "$d"
	assert_output ""
}

@test "stuck guest: per vCPU its PC, named across the guest's KASLR offset, interrupts masked, halted, moving" {
	d=$BATS_TEST_TMPDIR/st
	mkdir -p "$d"
	summary() { sh -c "TOP='$TOP'; . '$TOP/harness/lib/common.sh'; . '$TOP/harness/lib/contract.sh'; . '$TOP/harness/lib/kvmhost/stuck.sh'; STUCK_KALLSYMS='$d/kallsyms' stuck_vcpu_summary '$1'" <"$2"; }
	# the host's kallsyms: its _text at ffff800010000000; the guest's at ffff800012340000
	printf '%s\n' 'ffff800010000000 T _text' 'ffff800010010000 T do_idle' 'ffff800010010400 t cpu_do_idle' \
		'ffff800010020000 T kvm_async_pf_task_wait' 'ffff800010030000 T _etext' 'ffff800011000000 d a_datum' \
		'ffff800008000000 t a_module_function	[amod]' >"$d/kallsyms"
	# arm64: cpu0 spins in one place, IRQs masked (PSTATE.I); cpu1 moves, unmasked once
	printf '%s\n' 'sample 1' '' 'CPU#0' 'PC=ffff800012360044 X00=0000000000000000 X01=0000000000000001' \
		'PSTATE=600003c5 -ZC- EL1h    FPCR=00000000' 'CPU#1' 'PC=ffff800012350404 X00=0' 'PSTATE=60000345 -ZC- EL1h' \
		'sample 2' 'CPU#0' 'PC=ffff800012360044 X00=0' 'PSTATE=600003c5 -ZC- EL1h' 'CPU#1' 'PC=ffff800012350400 X00=0' \
		'PSTATE=600003c5 -ZC- EL1h' >"$d/arm64"
	run -0 summary ffff800012340000 "$d/arm64"
	assert_output "$(printf '%s\n' 'cpu0: ffff800012360044 (kvm_async_pf_task_wait+0x44) in 2 of 2 samples, IRQs masked in 2' \
		'cpu1: moving, 2 distinct PCs in 2 samples: ffff800012350404 (cpu_do_idle+0x4) x1 ffff800012350400 (cpu_do_idle+0x0) x1, IRQs masked in 1')"
	# the guest's build unknown: PCs only
	run -0 summary "" "$d/arm64"
	assert_line 'cpu0: ffff800012360044 in 2 of 2 samples, IRQs masked in 2'
	# a PC outside the kernel's text (data, a module) has no name
	printf '%s\n' 'sample 1' 'CPU#0' 'PC=ffff800013340000 X00=0' 'PSTATE=60000345 -ZC- EL1h' >"$d/data"
	run -0 summary ffff800012340000 "$d/data"
	assert_output 'cpu0: ffff800013340000 in 1 of 1 samples'
	# x86: RFLAGS.IF clear is masked; HLT=1 halted
	printf '%s\n' 'sample 1' 'CPU#0' 'RAX=0000000000000000 RBX=0000000000000000' \
		'RIP=ffff800012350410 RFL=00000246 [---Z-P-] CPL=0 II=0 A20=1 SMM=0 HLT=1' 'CPU#1' \
		'RIP=ffff800012360000 RFL=00000046 [---Z-P-] CPL=0 II=0 A20=1 SMM=0 HLT=0' >"$d/x86"
	run -0 summary ffff800012340000 "$d/x86"
	assert_output "$(printf '%s\n' 'cpu0: ffff800012350410 (cpu_do_idle+0x10) in 1 of 1 samples, halted in 1' \
		'cpu1: ffff800012360000 (kvm_async_pf_task_wait+0x0) in 1 of 1 samples, IRQs masked in 1')"
	# QMP did not answer: no vCPU line at all
	printf '%s\n' 'sample 1' 'qmp: cannot connect' >"$d/none"
	run -0 summary "" "$d/none"
	assert_output ''
}

@test "stuck guest: the guest's kernel text address is used only when it runs this host's very build" {
	d=$BATS_TEST_TMPDIR/sh
	mkdir -p "$d"
	names() { sh -c "TOP='$TOP'; . '$TOP/harness/lib/common.sh'; . '$TOP/harness/lib/contract.sh'; . '$TOP/harness/lib/kvmhost/stuck.sh'; stuck_host_names '$1'"; }
	printf 'apf-lab: up at 3.70 s\napf-lab: kernel text ffff800012340000 %s\nrest\n' "$(uname -rv)" >"$d/same"
	run -0 names "$d/same"
	if grep -q -v '^0\{16\} ' /proc/kallsyms; then
		assert_output ffff800012340000
	else
		assert_output ''
	fi
	printf 'apf-lab: kernel text ffff800012340000 0.0.0-other #1 SMP\n' >"$d/other"
	run -0 names "$d/other"
	assert_output ''
	: >"$d/silent"
	run -0 names "$d/silent"
	assert_output ''
	# the guest job's line prints the mark, its _text and its build
	run -0 sh -c "TOP='$TOP'; . '$TOP/harness/lib/contract.sh'; . '$TOP/harness/lib/kvmhost/stuck.sh'; sh -c \"\$(stuck_text_job)\""
	assert_output --regexp "^apf-lab: kernel text [0-9a-f]* $(uname -r) "
}


@test "migration failure: the reason names a QEMU crash, a workload too short for the host, or a QEMU that exited" {
	d=$BATS_TEST_TMPDIR/m
	mkdir -p "$d/bin" "$d/src" "$d/dst"
	printf '#!/bin/sh\ncat "%s/kmsg"\n' "$d" >"$d/bin/dmesg"
	chmod +x "$d/bin/dmesg"
	printf '[ 1.0] old: qemu-system-x86[5]: segfault at 0 ip 1 sp 2 error 6\n[ 2.0] boot\n' >"$d/kmsg"
	: >"$d/src/console"
	: >"$d/dst/console"
	sleep 0 &
	dead=$!
	wait "$dead"
	echo "$dead" >"$d/src/qemu.pid"
	echo "$$" >"$d/dst/qemu.pid"
	why() { PATH=$d/bin:$PATH sh -c ". '$TOP/harness/lib/common.sh'; . '$TOP/harness/lib/contract.sh'; . '$TOP/harness/lib/kvmhost/case.sh'; mig_failure_why '$d/src' '$d/dst' $1"; }
	# a crash before the migration (line 1) is not this migration's
	run why 1
	assert_output "the source QEMU exited during the migration (src-qemu.log)"
	echo "[ 9.0] qemu-system-x86[711]: segfault at 55a6 ip 55a3 sp 7f00 error 6 in qemu-system-x86_64[76178a,55a3+679000]" >>"$d/kmsg"
	echo "apf-lab: exit 0" >"$d/dst/console"
	run why 2
	assert_output "a QEMU crashed: qemu-system-x86[711]: segfault at 55a6 ip 55a3 sp 7f00 error 6 in qemu-system-x86_64[76178a,55a3+679000]; the destination guest had finished its workload and powered off before the migration completed (dst-console.log)"
	run why 3
	assert_output "the destination guest had finished its workload and powered off before the migration completed (dst-console.log)"
	echo "apf-lab: exit 0" >"$d/src/console"
	run why 3
	assert_output "the source guest's workload was over before the migration started (src-console.log): the profile's workload is too short for this host"
}

@test "machine share: the other work's share of the machine during a case, from /proc/stat and the shell's waited children; under dash and busybox ash" {
	cat >"$BATS_TEST_TMPDIR/m.sh" <<'EOS'
APF_PROG=bench
. "$1/harness/lib/common.sh"; . "$1/harness/lib/host/machine-share.sh"
export APF_PROC=$2
mkdir -p "$2/$$"
# busy = user nice system irq softirq steal (idle and iowait left out)
echo "cpu  1000 0 500 9000 300 0 0 0 0 0" >"$2/stat"
echo "$$ (sh) S 1 2 3 0 -1 0 0 0 0 0 5 5 100 50 20 0" >"$2/$$/stat"
s0=$(machine_snap); echo "snap $s0"
# 10 s on 2 CPUs (2000 ticks of capacity): the machine 1600 ticks busier, the case 1200
echo "cpu  2200 0 900 9400 300 0 0 0 0 0" >"$2/stat"
echo "$$ (sh) S 1 2 3 0 -1 0 0 0 0 0 5 5 1000 350 20 0" >"$2/$$/stat"
s1=$(machine_snap); echo "snap $s1"
machine_other_pct "$s0" "$s1" 1000 2
# the case alone: nothing else ran
machine_other_pct "1000 10" "2000 1010" 1000 2
EOS
	for sh in dash "busybox sh"; do
		rm -rf "$BATS_TEST_TMPDIR/proc"
		run $sh "$BATS_TEST_TMPDIR/m.sh" "$TOP" "$BATS_TEST_TMPDIR/proc"
		assert_success
		assert_line 'snap 1500 160'
		assert_line 'snap 3100 1360'
		assert_line --index 2 20
		assert_line --index 3 0
	done
	rm -rf "$BATS_TEST_TMPDIR/proc" "$BATS_TEST_TMPDIR/m.sh"
}

@test "progress: before the first ok case a bound from the profile, then the mean of the cases that ended ok; a resumed run counts its ok records" {
	up=$BATS_TEST_TMPDIR/uptime
	echo "100.00 0" >"$up"
	printf 'state=ok\ncase_wall_s=100\n' >"$BATS_TEST_TMPDIR/a.rec"
	printf 'state=ok\ncase_wall_s=200\n' >"$BATS_TEST_TMPDIR/b.rec"
	printf 'state=ok\n' >"$BATS_TEST_TMPDIR/c.rec"
	# a case a fault ended early says nothing of how long a case takes
	printf 'state=failed\ncase_wall_s=20\n' >"$BATS_TEST_TMPDIR/d.rec"
	cat >"$BATS_TEST_TMPDIR/p.sh" <<EOF
APF_PROG=bench APF_UPTIME=$up
. '$TOP/harness/lib/common.sh'; . '$TOP/harness/lib/host/progress.sh'
progress_init 3 900
progress_begin "case one"
echo "160.00 0" >$up; progress_end; echo "wall \$PG_WALL_S"; progress_count ok
progress_summary
echo "400.00 0" >$up
progress_begin "case two"
echo "410.00 0" >$up; progress_end; progress_count failed
progress_begin "case three"
progress_init 4 900 $BATS_TEST_TMPDIR/a.rec $BATS_TEST_TMPDIR/b.rec $BATS_TEST_TMPDIR/c.rec $BATS_TEST_TMPDIR/d.rec
progress_begin "resumed"
EOF
	run sh "$BATS_TEST_TMPDIR/p.sh"
	assert_success
	assert_line "[bench] [1/3] case one; run time 0s, time left known after the first case that ends ok (at most 45m00s by the case timeouts)"
	assert_line "wall 60"
	assert_line --regexp '^run time 1m00s, about 2m00s left \(ends ~[0-9?:]+, 2 cases at 1m00s each\)$'
	assert_line --regexp '^\[bench\] \[2/3\] case two; run time 5m00s, about 2m00s left \(ends ~[0-9?:]+, 2 cases at 1m00s each\)$'
	# case two failed after 10 s: the mean is still case one's
	assert_line --regexp '^\[bench\] \[3/3\] case three; run time 5m10s, about 1m00s left \(ends ~[0-9?:]+, 1 case at 1m00s each\)$'
	assert_line --regexp '^\[bench\] \[1/4\] resumed; run time 0s, about 10m00s left \(ends ~[0-9?:]+, 4 cases at 2m30s each\)$'
}

@test "progress: a case's own time and its workload's rounds are estimated apart: a [3] of 5 rounds counts five workloads" {
	up=$BATS_TEST_TMPDIR/uptime
	echo "100.00 0" >"$up"
	printf 'state=ok\nscenario=3\ncase_wall_s=520\nelapsed_ms=500000\n' >"$BATS_TEST_TMPDIR/e.rec"
	cat >"$BATS_TEST_TMPDIR/p.sh" <<EOF
APF_PROG=bench APF_UPTIME=$up
. '$TOP/harness/lib/common.sh'; . '$TOP/harness/lib/host/progress.sh'
progress_init 3 900 --rounds "1:1 2:1 3:5"
progress_queue 2 3 3
progress_begin "case one"
echo "160.00 0" >$up; progress_end; progress_count ok 40000
progress_summary
progress_begin "case two"
echo "170.00 0" >$up; progress_end; progress_count failed
progress_again
progress_begin "case two again"
progress_init 1 900 --rounds "1:1 2:1 3:5" $BATS_TEST_TMPDIR/e.rec
progress_queue 1
progress_begin "resumed"
EOF
	run sh "$BATS_TEST_TMPDIR/p.sh"
	assert_success
	# case one: 20 s its own, 40 s its one round; two [3] cases to go: 2 x 20 + 10 x 40
	assert_line --regexp '^run time 1m00s, about 7m20s left \(ends ~[0-9?:]+, 2 cases of 10 workload rounds: 20s a case and 40s a round\)$'
	# a retried [3] case keeps its five rounds
	assert_line --regexp '^\[bench\] \[2/3\] case two again; run time 1m10s, about 7m20s left \(ends ~[0-9?:]+, 2 cases of 10 workload rounds: 20s a case and 40s a round\)$'
	# a resumed run: its [3] record, 5 rounds of 100 s; one case of one round to go
	assert_line --regexp '^\[bench\] \[1/1\] resumed; run time 0s, about 2m00s left \(ends ~[0-9?:]+, 1 case of 1 workload round: 20s a case and 1m40s a round\)$'
}

@test "progress: a case run again after a fault keeps its place, and its cut-short attempt leaves the estimate" {
	up=$BATS_TEST_TMPDIR/uptime
	echo "100.00 0" >"$up"
	cat >"$BATS_TEST_TMPDIR/p.sh" <<EOF
APF_PROG=bench APF_UPTIME=$up
. '$TOP/harness/lib/common.sh'; . '$TOP/harness/lib/host/progress.sh'
progress_init 3 900
progress_begin "case one"
echo "160.00 0" >$up; progress_end; progress_count ok
progress_begin "case two"
echo "180.00 0" >$up; progress_end; echo "wall \$PG_WALL_S"; progress_count failed
progress_again
progress_begin "case two again"
EOF
	run sh "$BATS_TEST_TMPDIR/p.sh"
	assert_success
	assert_line "wall 20"
	assert_line --regexp '^\[bench\] \[2/3\] case two again; run time 1m20s, about 2m00s left \(ends ~[0-9?:]+, 2 cases at 1m00s each\)$'
}

@test "bench: interrupted run resumes, records are kept, nothing is left behind" {
	res=$BATS_TEST_TMPDIR/results
	"$BENCH" --profile short --scenarios 1 --apf off,on --results "$res" --no-tables \
		>"$BATS_TEST_TMPDIR/first.log" 2>&1 3>&- &
	pid=$!
	# stop it while the first case is running
	for _ in $(seq 300); do
		pgrep -f "$BATS_TEST_TMPDIR.*initrd" >/dev/null && break
		sleep 0.2
	done
	sleep 2
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 143 ]
	sleep 0.5
	run pgrep -f "$BATS_TEST_TMPDIR.*initrd"
	assert_failure
	run_dir=$(ls -d "$res"/*/)
	[ -f "$run_dir/run.kv" ]
	[ ! -e "$run_dir/manifest" ]
	[ -z "$(ls "$run_dir/records")" ]
	run "$BENCH" --profile short --scenarios 1 --apf off,on --results "$res" --no-tables --tap
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[[ "$output" == *"resuming $res/"* ]]
	[ "$(ls -d "$res"/*/ | wc -l)" -eq 1 ]
	[ -f "$run_dir/records/s1-i1-apfoff-r1.rec" ]
	grep -qx 'state=ok' "$run_dir/records/s1-i1-apfoff-r1.rec"
	grep -q '^memcg_events_max=' "$run_dir/records/s1-i1-apfoff-r1.rec"
	grep -qx 'complete=yes' "$run_dir/manifest"
	grep -qx 'profile=short' "$run_dir/manifest"
	grep -q '^kernel=6\.' "$run_dir/manifest"
	grep -q '^qemu=[0-9]' "$run_dir/manifest"
	# provenance (results/FORMAT.md): the suite, the profile, the kernel, the packages
	grep -Eq '^suite_revision=[0-9a-f]{40}$' "$run_dir/manifest"
	grep -Eq '^suite_dirty=(yes|no)$' "$run_dir/manifest"
	cmp "$run_dir/profile.txt" "$TOP/harness/profiles/short.profile"
	grep -qx 'series_profile=none' "$run_dir/manifest"
	grep -Eq '^kernel_image_sha256=[0-9a-f]{64}$' "$run_dir/manifest"
	[[ "$output" == *"ok 1 - bench s1-i1-apfoff-r1"* ]]
	run "$BENCH" --profile short --scenarios 1 --apf off --results "$res" --run-id "$(basename "$run_dir")" --no-tables
	[[ "$output" == *"s1-i1-apfoff-r1: recorded already (ok), skipped"* ]]
	run pgrep -f "$BATS_TEST_TMPDIR.*initrd"
	assert_failure
	[ -z "$(find "$BATS_TEST_TMPDIR" -maxdepth 1 -name 'apf-*')" ]
}

@test "bench x86 lab: a +APF run configured wrong (guest has no-kvmapf) is recorded invalid" {
	res=$BATS_TEST_TMPDIR/results
	LAB=lab LAB_ARCH=x86_64 run "$BENCH" --profile short --scenarios 1 --apf on \
		--guest-append no-kvmapf --results "$res" --no-tables --tap
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	rec=$(ls "$res"/*/records/s1-i1-apfon-r1.rec)
	[[ "$output" == *"not ok 1 - bench s1-i1-apfon-r1"$'\n'"# invalid: +APF asked: no-kvmapf=yes"* ]] ||
		{ echo "$output"; false; }
	# (the whole record is shown when one of its lines is not as expected)
	run cat "$rec"
	assert_line 'state=invalid'
	assert_line 'apf_verified=no'
	assert_line --regexp '^reason=\+APF asked: no-kvmapf=yes.*: \+APF but the guest booted with no-kvmapf$'
	assert_line 'host_cap_async_pf=1'
	# a run that did not prove its APF state has no figures to tabulate
	refute_line --regexp '^(elapsed_ms|calc_count|calc_rate|bytes_written|passes)='
	[ ! -e "${rec%.rec}.timeline" ]
	grep -qx 'guest_append=no-kvmapf' "$(dirname "$rec")/../manifest"
}

@test "bench: the case specification is resolved on the host from the profile and the scenarios table" {
	run sh -c ". '$TOP/harness/lib/common.sh'; . '$TOP/harness/lib/host/profile.sh'
		profile_load '$PROFILES/lab.profile'
		scenario_row 1 '$PROFILES/scenarios'; scenario_row 3 '$PROFILES/scenarios'
		scenario_row 4 '$PROFILES/scenarios' || echo none"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'no 1 no\nyes 3 yes\nnone')" ]
}

# A copy of the tree whose harness/lab is a fake: "run" puts $FAKE_RECORD as the case's
# record.kv into its --results and, with FAKE_FILL=DIR, fills DIR's disk to the last byte
# (dd until ENOSPC), as if the results disk filled up while the case ran.
fake_lab_tree() {
	tree=$BATS_TEST_TMPDIR/tree
	mkdir -p "$tree"
	cp -R "$TOP/harness" "$TOP/cgroups" "$tree/"
	cat >"$tree/harness/lab" <<-'EOF'
	#!/bin/sh
	case $1 in
	accel) echo lab; exit 0 ;;
	run) shift ;;
	*) exit 2 ;;
	esac
	while [ $# -gt 0 ]; do
		case $1 in
		--results) res=$2; shift 2 ;;
		--quiet) shift ;;
		--) break ;;
		*) shift 2 ;;
		esac
	done
	if [ -n "${FAKE_LAB_PANIC:-}" ]; then
		# the lab host's kernel panics at boot: its console, then no status
		printf '%s\n' '[    0.024000] ..MP-BIOS bug: 8254 timer not connected to IO-APIC' "[    0.048000] Kernel panic - not syncing: IO-APIC + timer doesn't work!  Boot with apic=debug" '[    0.048000] Call Trace:'
		echo '[lab] lab failure: the lab host returned no status (qemu exit 0; log: x)'
		exit 125
	fi
	mkdir -p "$res" && cp "$FAKE_RECORD" "$res/record.kv" || exit 125
	[ -z "${FAKE_FILL:-}" ] || dd if=/dev/zero of="$FAKE_FILL/filler" bs=4096 2>/dev/null
	exit 0
	EOF
	chmod +x "$tree/harness/lab"
	printf 'host_kernel=6.12.0-fake\nhost_qemu=7.2.0\nstate=unavailable\nreason=a fake case\napf_verified=no\n' >"$BATS_TEST_TMPDIR/fake.rec"
	export FAKE_RECORD=$BATS_TEST_TMPDIR/fake.rec
}

@test "bench: the results disk fills up while a record is written: the record is absent, never half; resuming writes it whole" {
	[ "$(id -u)" = 0 ] || skip "needs root: mounts a small tmpfs as the results disk"
	fake_lab_tree
	full=$BATS_TEST_TMPDIR/full
	mkdir -p "$full"
	mount -t tmpfs -o size=1m tmpfs "$full"
	res=$full/results
	# the first case is recorded; the disk fills up while the second runs
	run "$tree/harness/bench" --profile short --scenarios 1 --apf off --results "$res" --run-id full --no-tables
	assert_success
	run_dir=$res/full/
	FAKE_FILL=$full run "$tree/harness/bench" --profile short --scenarios 1 --apf off,on --results "$res" --run-id full --no-tables
	assert_failure 1
	assert_line --regexp "^bench: error: cannot write ${run_dir}records/s1-i1-apfon-r1.rec \(is the disk full\?\): nothing half-written is left; resume the run once there is room$"
	# absent, not half: no record and no temporary file of it; the first one is untouched
	run ls -A "$run_dir/records"
	assert_output 's1-i1-apfoff-r1.rec'
	run cat "$run_dir/records/s1-i1-apfoff-r1.rec"
	assert_line state=unavailable
	run find "$BATS_TEST_TMPDIR" -maxdepth 1 -name 'apf-*'
	assert_output ''
	# room again: resuming runs the case again and writes its record whole
	rm -f "$full/filler"
	run "$tree/harness/bench" --profile short --scenarios 1 --apf off,on --results "$res" --run-id full --no-tables
	assert_success
	assert_output --partial "s1-i1-apfoff-r1: recorded already (unavailable), skipped"
	run cat "$run_dir/records/s1-i1-apfon-r1.rec"
	assert_output --regexp "^$(printf 'scenario=1\nindex=1\napf=on\nrepeat=1\nseq=2')"$'\n''started=[0-9T:Z-]+'$'\n'"$(cat "$FAKE_RECORD")"$'\n''case_wall_s=[0-9]+'$'\n'"harness_cpus=$(getconf _NPROCESSORS_ONLN)"$'\n''harness_other_cpu_pct=[0-9]+$'
	grep -qx complete=yes "$run_dir/manifest"
	run ls -A "$run_dir/records"
	assert_output "$(printf 's1-i1-apfoff-r1.rec\ns1-i1-apfon-r1.rec')"
}

@test "bench: resuming a run skips a case recorded failed by a silent reset; only the attempt that reset is run again at once" {
	. "$TOP/harness/lib/contract.sh"
	fake_lab_tree
	res=$BATS_TEST_TMPDIR/results
	run "$tree/harness/bench" --profile short --scenarios 1 --apf off --results "$res" --run-id r --no-tables
	assert_success
	# its record as a silent reset (attempt and retry) leaves it
	rec=$res/r/records/s1-i1-apfoff-r1.rec
	sed -i -e 's/^state=.*/state=failed/' -e "s/^reason=.*/reason=the case ended with status 125 and no record: $LAB_RESET_SILENT (logs\/s1-i1-apfoff-r1\/lab.log)/" "$rec"
	cp "$rec" "$BATS_TEST_TMPDIR/before"
	run "$tree/harness/bench" --profile short --scenarios 1 --apf off,on --results "$res" --run-id r --no-tables
	assert_success
	assert_line "[bench] s1-i1-apfoff-r1: recorded already (failed), skipped"
	refute_output --partial "running it again once"
	cmp "$rec" "$BATS_TEST_TMPDIR/before"
	run ls -A "$res/r/records"
	assert_output "$(printf 's1-i1-apfoff-r1.rec\ns1-i1-apfon-r1.rec')"
}

@test "bench: a lab host that crashed with no record: the reason quotes its kernel's crash line" {
	fake_lab_tree
	res=$BATS_TEST_TMPDIR/results
	FAKE_LAB_PANIC=1 run "$tree/harness/bench" --profile short --scenarios 1 --apf off --results "$res" --run-id p --no-tables
	assert_success
	run cat "$res/p/records/s1-i1-apfoff-r1.rec"
	assert_line state=failed
	assert_line "reason=the case ended with status 125 and no record: the lab host's kernel crashed: Kernel panic - not syncing: IO-APIC + timer doesn't work!  Boot with apic=debug (logs/s1-i1-apfoff-r1/lab.log)"
}

teardown() {
	if mountpoint -q "$BATS_TEST_TMPDIR/full" 2>/dev/null; then
		umount "$BATS_TEST_TMPDIR/full"
	fi
	return 0
}

@test "host splats: the series' known bugs are named, any other report is not" {
	judge() { awk -v patterns="$TOP/harness/lib/kernel-splat.patterns" \
		-v known="$TOP/harness/lib/series-splats.known" -f "$TOP/harness/lib/host/splats.awk" "$1"; }
	log=$BATS_TEST_DIRNAME/fixtures/splats/series-v4.log
	run judge "$log"
	assert_success
	assert_output "known sdei-alloc-under-spinlock
known apf-enable-without-srcu"
	# the same first line from another caller is not the known bug
	sed 's/kvm_sdei_hypercall+/kvm_vcpu_ioctl_foo+/' "$log" >"$BATS_TEST_TMPDIR/other.log"
	run judge "$BATS_TEST_TMPDIR/other.log"
	assert_line 'unknown BUG: sleeping function called from invalid context at mm/page_alloc.c:5169'
	assert_line 'known apf-enable-without-srcu'
	# a fatal report is never known, whatever its call trace
	{ cat "$log"; echo '[  300.000000] Unable to handle kernel NULL pointer dereference at virtual address 0'; echo '[  300.000001]  kvm_arch_async_enable+0x98/0x1ac'; } >"$BATS_TEST_TMPDIR/fatal.log"
	run judge "$BATS_TEST_TMPDIR/fatal.log"
	assert_line 'unknown Unable to handle kernel NULL pointer dereference at virtual address 0'
	# the injection of a page-not-present notification: the same allocation under the lock
	{ echo '[  478.482640] BUG: sleeping function called from invalid context at include/linux/sched/mm.h:201'
		echo '[  478.489305]  kvm_sdei_inject+0x224/0x2b0'
		echo '[  478.489353]  kvm_arch_async_page_not_present+0xb0/0x1a0'
		echo '[  479.482640] BUG: sleeping function called from invalid context at include/linux/sched/mm.h:201'
		echo '[  479.487353] in_atomic(): 1, irqs_disabled(): 0, non_block: 0, pid: 330'; } >"$BATS_TEST_TMPDIR/inject.log"
	run judge "$BATS_TEST_TMPDIR/inject.log"
	assert_output "known sdei-alloc-under-spinlock
known sdei-alloc-under-spinlock (cut off)"
	# a last report cut off before its call trace, with no earlier one like it, is unknown
	tail -n 2 "$BATS_TEST_TMPDIR/inject.log" >"$BATS_TEST_TMPDIR/cut.log"
	run judge "$BATS_TEST_TMPDIR/cut.log"
	assert_output 'unknown BUG: sleeping function called from invalid context at include/linux/sched/mm.h:201'
}
