# shellcheck shell=sh
# harness/lab: accelerator choice, option parsing, booting the lab host, collecting results.

host_arch() {
	case $(uname -m) in
	aarch64 | arm64) echo arm64 ;;
	x86_64 | amd64) echo x86_64 ;;
	*) uname -m ;;
	esac
}

qemu_binary() {
	echo "qemu-system-$(lab_triple "$1")"
}

# Why the KVM here cannot run the suite's guests natively; nothing when it can: the device
# is there and accessible, it is hardware-assisted (on x86, kvm_intel or kvm_amd: a
# paravirtual KVM such as kvm_pvm boots only guest kernels built for it), and QEMU starts a
# VM on it. KVM_SYS_MODULE replaces /sys/module (for the tests).
kvm_unusable_reason() {
	[ -c /dev/kvm ] || { echo "no /dev/kvm"; return; }
	if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
		echo "/dev/kvm is not accessible"
		return
	fi
	_kr_sys=${KVM_SYS_MODULE:-/sys/module}
	if [ "$1" = x86_64 ] && [ ! -d "$_kr_sys/kvm_intel" ] && [ ! -d "$_kr_sys/kvm_amd" ]; then
		_kr_mods=""
		for _kr_m in "$_kr_sys"/kvm_*; do
			[ -d "$_kr_m" ] && _kr_mods="$_kr_mods ${_kr_m##*/}"
		done
		echo "its KVM is neither kvm_intel nor kvm_amd (loaded:${_kr_mods:- none})"
		return
	fi
	command -v "$(qemu_binary "$1")" >/dev/null 2>&1 || { echo "no $(qemu_binary "$1")"; return; }
	echo quit | timeout 20 "$(qemu_binary "$1")" -M none -accel kvm -display none \
		-monitor stdio >/dev/null 2>&1 || echo "QEMU cannot start a VM on /dev/kvm"
}

kvm_usable() {
	[ -z "$(kvm_unusable_reason "$1")" ]
}

# Like kvm-unit-tests: native when the host is LAB_ARCH with a usable KVM, else the lab.
lab_accel() {
	case ${LAB:-} in
	lab) echo lab ;;
	native)
		if [ "$(host_arch)" != "$LAB_ARCH" ] || ! kvm_usable "$LAB_ARCH"; then
			if [ "$(host_arch)" != "$LAB_ARCH" ]; then
				usage_error "LAB=native needs a $LAB_ARCH host with a usable /dev/kvm (this is a $(host_arch) host$([ -c /dev/kvm ] || echo ' without /dev/kvm'))"
			fi
			usage_error "LAB=native needs a $LAB_ARCH host with a usable /dev/kvm: $(kvm_unusable_reason "$LAB_ARCH")"
		fi
		echo native
		;;
	'')
		if [ "$(host_arch)" = "$LAB_ARCH" ] && kvm_usable "$LAB_ARCH"; then
			echo native
		else
			echo lab
		fi
		;;
	*) usage_error "LAB=$LAB: use native or lab" ;;
	esac
}

lab_parse_run_options() {
	RUN_TIMEOUT=${LAB_TIMEOUT:-600}
	RUN_PUTS=""
	RUN_RESULTS=""
	RUN_MEM=3072
	RUN_SMP=2
	RUN_SWAP=0
	RUN_SWAP_IOPS=""
	RUN_QUIET=0
	[ -z "${LAB_TIMEOUT:-}" ] || need_uint LAB_TIMEOUT "$LAB_TIMEOUT" 1
	while [ $# -gt 0 ]; do
		case $1 in
		--timeout | --put | --results | --mem | --smp | --swap | --swap-iops)
			opt_value "$@"
			[ "$1" = --put ] || opt_once "$1"
			case $1 in
			--timeout) need_uint --timeout "$2" 1; RUN_TIMEOUT=$2 ;;
			--put)
				lab_check_put "$2"
				RUN_PUTS="$RUN_PUTS
$2"
				;;
			--results)
				[ -n "$2" ] || usage_error "--results: an empty directory name"
				one_line --results "$2"
				[ ! -e "$2" ] || [ -d "$2" ] || usage_error "--results $2: not a directory"
				RUN_RESULTS=$2
				case $2 in -*) RUN_RESULTS=./$2 ;; esac
				;;
			--mem) need_uint --mem "$2" 128 1048576; RUN_MEM=$2 ;;
			--smp) need_uint --smp "$2" 1 64; RUN_SMP=$2 ;;
			--swap) need_uint --swap "$2" 0 1048576; RUN_SWAP=$2 ;;
			--swap-iops) need_uint --swap-iops "$2" 1; RUN_SWAP_IOPS=$2 ;;
			esac
			shift 2
			;;
		--quiet) RUN_QUIET=1; shift ;;
		--) shift; break ;;
		*) usage_error "run: unknown option '$1' (the command goes after --)" ;;
		esac
	done
	[ $# -gt 0 ] || usage_error "run: no command given (harness/lab run [OPTIONS] -- CMD...)"
	[ -n "$1" ] || usage_error "run: an empty command name"
	RUN_CMD=""
	for _a; do
		RUN_CMD="$RUN_CMD '$(printf '%s' "$_a" | sed "s/'/'\\\\''/g")'"
	done
}

# lab_check_put PATH[:DEST]: PATH exists (a file or a directory) and DEST, when given, is
# a path inside /work without . or .. components: nothing lands outside the job.
lab_check_put() {
	one_line --put "$1"
	_cp_src=${1%%:*}
	[ -n "$_cp_src" ] || usage_error "--put '$1': no source path"
	[ -e "$_cp_src" ] || usage_error "--put $1: no such file or directory"
	[ -f "$_cp_src" ] || [ -d "$_cp_src" ] || usage_error "--put $1: not a file or directory"
	case $1 in
	*:*)
		_cp_dst=${1#*:}
		case /$_cp_dst/ in
		//) usage_error "--put $1: an empty destination" ;;
		*/../* | */./*) usage_error "--put $1: the destination may not hold . or .. components" ;;
		esac
		case $_cp_dst in
		/work/?* | [!/]*) ;;
		*) usage_error "--put $1: the destination is a path inside /work" ;;
		esac
		;;
	esac
}

# Dependencies and images; with MODE native, the guest images unpacked for this host too.
lab_prepare() {
	"$1/harness/deps" --check --arch "$2" >/dev/null 2>&1 || "$1/harness/deps" --arch "$2" ||
		die "setting up dependencies failed"
	stage_root "$1" "$2"
	lab_select_kernel "$1" "$2"
	lab_build_system "$1" "$2"
	lab_build_guest "$1" "$2"
	if [ "${3:-}" = native ]; then
		LAB_GUEST_DIR=$(lab_native_guest_dir "$1" "$2")
		export LAB_GUEST_DIR
	fi
}

# Copy the --put paths into a directory.
stage_puts() {
	printf '%s\n' "$RUN_PUTS" | while IFS= read -r _p; do
		[ -n "$_p" ] || continue
		_src=${_p%%:*}
		case $_p in
		*:*) _dst=${_p#*:} ;;
		*) _dst=/work/${_src##*/} ;;
		esac
		_dst=${_dst#/work/}
		_dst=${_dst#/work}
		mkdir -p "$1/$(dirname -- "$_dst")"
		cp -a -- "$_src" "$1/$_dst"
	done
}

lab_qemu_cmd() {
	_arch=$1
	_tmp=$2
	_append="panic=-1 quiet $LAB_KEY_LEVEL=1"
	[ "$RUN_SWAP" -gt 0 ] && _append="$_append $LAB_KEY_SWAP=1"
	[ "$(lab_store_mode)" = disk ] && _append="$_append $LAB_KEY_STORE=system,guest"
	case $_arch in
	arm64)
		set -- qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 \
			-cpu "$(lab_cpu arm64)" -accel tcg -append "console=ttyAMA0 $_append" \
			-device virtio-serial-pci
		_blk=virtio-blk-pci
		;;
	x86_64)
		# no_timer_check: the kernel's boot-time check of the IO-APIC timer counts on
		# ticks arriving within a few ms; an emulated CPU on a loaded machine misses
		# them, and the kernel panics "IO-APIC + timer doesn't work!" (issue 18: the x86
		# lab's cases ended with no status; 1 in 6 at load 17)
		set -- qemu-system-x86_64 -M q35 -cpu "$(lab_cpu x86_64)" -accel tcg \
			-append "console=ttyS0 no_timer_check $_append" -device virtio-serial-pci
		_blk=virtio-blk-pci
		;;
	esac
	set -- "$@" -smp "$RUN_SMP" -m "$RUN_MEM" -nodefaults -display none -no-reboot \
		-chardev "file,id=con,path=$_tmp/console" -serial chardev:con \
		-chardev "file,id=res,path=$_tmp/results.tar" \
		-device "virtserialport,chardev=res,name=$LAB_RESULTS_PORT" \
		-kernel "$LAB_KERNEL" -initrd "$_tmp/initrd"
	if [ "$RUN_SWAP" -gt 0 ]; then
		truncate -s "${RUN_SWAP}M" "$_tmp/swap.img"
		set -- "$@" -drive "file=$_tmp/swap.img,format=raw,if=none,id=swap,cache=none,aio=threads${RUN_SWAP_IOPS:+,throttling.iops-total=$RUN_SWAP_IOPS}" \
			-device "$_blk,drive=swap,serial=$LAB_SERIAL_SWAP"
	fi
	if [ "$(lab_store_mode)" = disk ]; then
		set -- "$@" -drive "file=$LAB_SYSTEM_STORE.ext4,format=raw,if=none,id=store-system,readonly=on" \
			-device "$_blk,drive=store-system,serial=${LAB_SERIAL_STORE}system" \
			-drive "file=$LAB_GUEST_STORE.ext4,format=raw,if=none,id=store-guest,readonly=on" \
			-device "$_blk,drive=store-guest,serial=${LAB_SERIAL_STORE}guest"
	fi
	for _q; do
		printf "'%s' " "$(printf '%s' "$_q" | sed "s/'/'\\\\''/g")"
	done
}

lab_new_log() {
	mkdir -p "$1/.cache/lab/logs"
	_n=$1/.cache/lab/logs/$(date +%Y%m%d-%H%M%S)-$$.log
	: >"$_n"
	echo "$_n"
}

lab_results_dir() {
	if [ -n "$RUN_RESULTS" ]; then
		mkdir -p -- "$RUN_RESULTS" 2>/dev/null || die "cannot create $RUN_RESULTS"
		CDPATH='' cd -- "$RUN_RESULTS" && pwd
	else
		rm -rf "$1/.cache/lab/results"
		mkdir -p "$1/.cache/lab/results"
		echo "$1/.cache/lab/results"
	fi
}

# lab_quiet_tail: quiet, a failed run shows the last lines of its log on stderr, and the
# console's first fatal line (_fatal), which those may not reach (the crash scrolls away
# under its report and QEMU's warnings)
lab_quiet_tail() {
	[ "$RUN_QUIET" = 1 ] || return 0
	tail -n 20 "$_log" >&2
	[ -z "$_fatal" ] || printf '%s\n' "$_fatal" >&2
}

# lab_keep_console: at exit, the console of a lab stopped by a signal goes to its log
lab_keep_console() {
	[ "$_lr_console_kept" = 1 ] || [ ! -f "$_tmp/console" ] || {
		cat "$_tmp/console"
		printf '\n--- stopped by a signal here ---\n'
	} >>"$_log"
}

# Boot the lab host with the command; sets WATCH_FIRST_OUTPUT_S (boot to first output).
lab_run() {
	_top=$1
	if [ "$2" = native ]; then
		lab_run_native "$_top"
		return
	fi
	make_tmpdir _tmp lab
	_res=$(lab_results_dir "$_top")
	mkdir -p "$_tmp/job/job" "$_tmp/job/work"
	stage_puts "$_tmp/job/work"
	printf 'cd /work\n%s\n' "$RUN_CMD" >"$_tmp/job/job/run"
	lab_initrd "$_top" "$_tmp/job" "$(lab_store_mode)" >"$_tmp/initrd"
	_log=$(lab_new_log "$_top")
	eval "set -- $(lab_qemu_cmd "$LAB_ARCH" "$_tmp")"
	log "booting the $LAB_ARCH lab ($LAB_KERNEL_ID, timeout ${RUN_TIMEOUT}s, log $_log)"
	now_cs
	_t0=$NOW_CS
	: >"$_tmp/console"
	# a lab stopped by a signal keeps its console in the log too (run after QEMU is
	# killed: cleanups run newest first)
	_lr_console_kept=0
	at_exit lab_keep_console
	"$@" </dev/null >"$_tmp/qemu.out" 2>&1 &
	_qpid=$!
	at_exit "kill_tree $_qpid"
	# A lab host whose kernel reported a fatal splat (a stall, a lockup, an oops) has
	# nothing left to measure: its run fails whatever it returns. It gets the grace
	# period to end or to print the rest of its report, then it is stopped, instead of
	# holding the run until the timeout (an x86 lab host's CPU 0 stalled and held its case
	# 12 minutes, until the run was stopped by hand).
	WATCH_FATAL_PATTERNS=$_top/harness/lib/kernel-splat.patterns
	# shellcheck disable=SC2034 # read by watch_process (lib/watch.sh)
	WATCH_FATAL_GRACE=${LAB_FATAL_GRACE:-120}
	watch_process "$_qpid" "$_tmp/console" "$_t0" "$RUN_TIMEOUT" "$_log" $((1 - RUN_QUIET))
	_status=0
	wait "$_qpid" || _status=$?
	_lr_console_kept=1
	cat "$_tmp/console" >>"$_log"
	if [ -s "$_tmp/qemu.out" ]; then
		printf '\n--- qemu ---\n' >>"$_log"
		cat "$_tmp/qemu.out" >>"$_log"
	fi
	_fatal=$(console_fatal_line "$_tmp/console" "$WATCH_FATAL_PATTERNS") || _fatal=""
	if [ "$WATCH_TIMED_OUT" = 1 ]; then
		lab_quiet_tail
		log "TIMEOUT after ${RUN_TIMEOUT}s: the lab was killed (log: $_log)"
		return 124
	fi
	if [ -n "$WATCH_STOP" ]; then
		lab_quiet_tail
		log "lab stopped: $WATCH_STOP (log: $_log)"
		return 125
	fi
	rm -f "$_res/$LAB_SPLAT_FILE"
	if [ -s "$_tmp/results.tar" ]; then
		tar -xf "$_tmp/results.tar" -C "$_res" 2>>"$_log" || true
	fi
	if [ ! -f "$_res/$LAB_STATUS_FILE" ]; then
		lab_quiet_tail
		# a clean power-off says so on the console, a crash with one of the fatal lines of
		# lib/kernel-splat.patterns; a reset (-no-reboot: QEMU exits 0) says nothing
		if reset_silent "$_status" "$_tmp/console" "$WATCH_FATAL_PATTERNS"; then
			log "lab failure: the lab host returned no status: $LAB_RESET_SILENT (log: $_log)"
		else
			log "lab failure: the lab host returned no status${_fatal:+ (its kernel crashed)} (qemu exit $_status; log: $_log)"
		fi
		return 125
	fi
	_rc=$(cat "$_res/$LAB_STATUS_FILE")
	rm -f "$_res/$LAB_STATUS_FILE" "$_res/$LAB_TIMES_FILE"
	if [ -s "$_res/$LAB_SPLAT_FILE" ]; then
		log "the lab host's kernel reported a bug during the run: $(head -n 1 "$_res/$LAB_SPLAT_FILE") ($_res/$LAB_SPLAT_FILE)"
		[ "$_rc" = 0 ] && _rc=1
	fi
	log "exit $_rc after $(elapsed_s "$_t0") s, first output at ${WATCH_FIRST_OUTPUT_S:-?} s (results: $_res, log: $_log)"
	return "$_rc"
}

# The KVM host's kernel log, natively: the records of /dev/kmsg (KMSG_SOURCE: a file in
# its format instead, for the tests), read without waiting for new ones.
kmsg_read() {
	dd if="${KMSG_SOURCE:-/dev/kmsg}" iflag=nonblock bs=16384 2>/dev/null
	return 0
}

# kmsg_seq: the sequence number of the kernel log's newest record; nothing when the log
# cannot be read (not root, with dmesg_restrict).
kmsg_seq() {
	[ -r "${KMSG_SOURCE:-/dev/kmsg}" ] || return 0
	kmsg_read | awk -F '[,;]' '/^[0-9]/ { s = $2 } END { print s + 0 }'
}

# kmsg_splats SEQ PATTERNS OUT: the kernel's own records after SEQ, as dmesg prints them,
# from the first that is a splat (PATTERNS: lib/kernel-splat.patterns) on (at most 400
# lines), into OUT, as the lab host's /init does for its own log; no OUT when none is.
# The kernel's own: facility 0 (a priority below 8); what a program writes to /dev/kmsg
# (facility user, as a test on this machine may) is not the kernel reporting a bug.
kmsg_splats() {
	kmsg_read | awk -v s="$1" '/^[0-9]/ {
		n = index($0, ";"); split(substr($0, 1, n - 1), h, ",")
		if (h[2] + 0 > s && h[1] + 0 < 8) printf "[%5d.%06d] %s\n", h[3] / 1000000, h[3] % 1000000, substr($0, n + 1)
	}' >"$3.all"
	sed -e '/^#/d' -e '/^$/d' -e 's/^fatal //' "$2" >"$3.patterns"
	_ks_first=$(grep -n -E -f "$3.patterns" "$3.all" | head -n 1 | cut -d: -f1)
	[ -z "$_ks_first" ] || tail -n +"$_ks_first" "$3.all" | head -n 400 >"$3"
	rm -f "$3.all" "$3.patterns"
}

# Native: run the command here, with the same environment the lab host gives it
# (harness/LAB.md): cwd as /work, RESULTS, the KVM-host commands on PATH. A kernel splat
# in this host's log while it runs fails the run, as the lab host's does (lab_run).
lab_run_native() {
	_top=$1
	make -s -C "$_top/harness/probe" ARCH_TARGET=host >&2 || die "building the KVM probe failed"
	make -s -C "$_top/harness/apf-vmm" ARCH_TARGET=host >&2 || die "building apf-vmm failed"
	make_tmpdir _tmp native
	_res=$(lab_results_dir "$_top")
	stage_puts "$_tmp"
	_log=$(lab_new_log "$_top")
	log "running natively (timeout ${RUN_TIMEOUT}s, log $_log)"
	rm -f "$_res/$LAB_SPLAT_FILE"
	_kseq=$(kmsg_seq)
	[ -n "$_kseq" ] ||
		warn "cannot read this host's kernel log (${KMSG_SOURCE:-/dev/kmsg}): its kernel splats during the run go unnoticed"
	now_cs
	_t0=$NOW_CS
	(
		cd "$_tmp" || exit 125
		export RESULTS="$_res" PATH="$_top/harness/kvmhost:$_top/harness/probe/build/host:$_top/harness/apf-vmm/build/host:$PATH"
		_c=0
		eval "timeout -k 5 $RUN_TIMEOUT $RUN_CMD" </dev/null || _c=$?
		echo "$_c" >"$_tmp/$LAB_STATUS_FILE"
	) 2>&1 | tee "$_log"
	_rc=$(cat "$_tmp/$LAB_STATUS_FILE" 2>/dev/null || echo 125)
	if [ -n "$_kseq" ]; then
		kmsg_splats "$_kseq" "$_top/harness/lib/kernel-splat.patterns" "$_res/$LAB_SPLAT_FILE"
		if [ -s "$_res/$LAB_SPLAT_FILE" ]; then
			log "this host's kernel reported a bug during the run: $(head -n 1 "$_res/$LAB_SPLAT_FILE") ($_res/$LAB_SPLAT_FILE)"
			[ "$_rc" = 0 ] && _rc=1
		fi
	fi
	if [ "$_rc" = 124 ]; then
		log "TIMEOUT after ${RUN_TIMEOUT}s (log: $_log)"
	else
		log "exit $_rc after $(elapsed_s "$_t0") s (results: $_res, log: $_log)"
	fi
	return "$_rc"
}

# Native runs boot their guests from the same images, unpacked from the lab layers.
lab_native_guest_dir() {
	_ng=$1/.cache/lab/$2/native-guest-$(basename "$LAB_GUEST_LAYER" .cpio)-$LAB_KERNEL_ID
	if [ ! -f "$_ng/kernel" ]; then
		rm -rf "$_ng"
		mkdir -p "$_ng"
		# one archive at a time: cpio -i stops at the end of the first
		(cd "$_ng" && lab_each_layer initrd cpio -id --quiet 'lab/guest/*' 'store/*') ||
			die "cannot unpack the guest images into $_ng"
		for _f in "$_ng"/lab/guest/*; do
			if [ -L "$_f" ]; then
				mv "$_ng$(readlink "$_f")" "$_ng/${_f##*/}"
			else
				mv "$_f" "$_ng/"
			fi
		done
		rm -rf "$_ng/lab" "$_ng/store"
	fi
	echo "$_ng"
}

# Run one of the KVM-host check commands (TAP) in the lab host or natively: the same
# command line both ways, found on the PATH (harness/kvmhost).
lab_script() {
	lab_parse_run_options --timeout "$3" -- "$4"
	lab_run "$1" "$2"
}

# The values of KEY in a key=value file, in order, and their median.
kv_values() {
	sed -n "s/^$2=//p" "$1" 2>/dev/null | tr '\n' ' '
}
kv_median() {
	sed -n "s/^$2=//p" "$1" 2>/dev/null | sort -n |
		awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Lab boot time, and nested guest boot times N times each (harness/kvmhost/boot-times).
lab_bench() {
	lab_parse_run_options --timeout 600 --quiet -- boot-times "$3"
	make_tmpdir RUN_RESULTS boot-times
	_rc=0
	now_cs
	_t0=$NOW_CS
	lab_run "$1" "$2" || _rc=$?
	_whole=$(elapsed_s "$_t0")
	_kv=$RUN_RESULTS/boot-times.kv
	echo "lab boot to first output: ${WATCH_FIRST_OUTPUT_S:-n/a} s"
	echo "nested guest, bare (busybox initramfs, -nic none, no other device), QEMU launch to exit:"
	echo "  median $(kv_median "$_kv" recipe_exit_s) s of: $(kv_values "$_kv" recipe_exit_s)"
	echo "nested guest of the suite (results port), QEMU launch to first output / to exit with results:"
	echo "  median $(kv_median "$_kv" suite_first_output_s) / $(kv_median "$_kv" suite_exit_s) s; first output: $(kv_values "$_kv" suite_first_output_s)(the first is the lab's first guest: QEMU and the kernel read from disk)"
	echo "nested guest kernel's own clock at its first output: median $(kv_median "$_kv" suite_guest_clock_s) s (it starts at the kernel's time_init, not at QEMU launch)"
	echo "whole run (lab boot, $((${3:-3} * 2)) nested boots, shut down): $_whole s"
	return "$_rc"
}
