# shellcheck shell=sh
# harness/guest: options, the QEMU command line of a guest, start/wait/kill.

guest_parse_options() {
	_sub=$1
	shift
	G_DIR=""
	G_MEM=512
	G_SMP=1
	G_APPEND=""
	G_WITH=""
	G_QMP=""
	G_INCOMING=""
	G_WRAP=""
	G_TIMEOUT=300
	G_RESULTS=""
	G_QUIET=0
	G_WORKLOAD=""
	G_UEFI=0
	G_APF_VMM=0
	G_APF_SAVE=""
	G_APF_LOAD=""
	while [ $# -gt 0 ]; do
		case $1 in
		--dir | --mem | --smp | --append | --with | --qmp | --incoming | --wrap | --timeout | --results | --workload | --apf-save-state | --apf-load-state)
			opt_value "$@"
			case $1 in
			--dir) G_DIR=$2 ;;
			--mem) G_MEM=$2 ;;
			--smp) G_SMP=$2 ;;
			--append) G_APPEND=$2 ;;
			--with)
				case $2 in
				fio | stress-ng) G_WITH="$G_WITH $2" ;;
				*) usage_error "--with $2: known are fio and stress-ng" ;;
				esac
				;;
			--qmp) G_QMP=$2 ;;
			--incoming) G_INCOMING=$2 ;;
			--wrap) G_WRAP=$2 ;;
			--timeout) G_TIMEOUT=$2 ;;
			--results) G_RESULTS=$2 ;;
			--workload) G_WORKLOAD=$2 ;;
			--apf-save-state) G_APF_SAVE=$2 ;;
			--apf-load-state) G_APF_LOAD=$2 ;;
			esac
			shift 2
			;;
		--quiet) G_QUIET=1; shift ;;
		--uefi) G_UEFI=1; shift ;;
		--apf-vmm) G_APF_VMM=1; shift ;;
		--) shift; break ;;
		*) usage_error "$_sub: unknown option '$1' (the command goes after --)" ;;
		esac
	done
	for _v in "$G_MEM" "$G_SMP" "$G_TIMEOUT"; do
		is_uint "$_v" || usage_error "'$_v' is not a positive whole number"
		[ "$_v" -gt 0 ] || usage_error "'$_v' is not a positive whole number"
	done
	case $_sub in
	wait)
		[ -n "$G_DIR" ] || usage_error "wait needs --dir"
		[ $# -eq 0 ] || usage_error "wait takes no command"
		;;
	start)
		[ -n "$G_DIR" ] || usage_error "start needs --dir"
		;;
	esac
	if [ "$_sub" != wait ]; then
		[ $# -gt 0 ] || [ -n "$G_WORKLOAD" ] ||
			usage_error "$_sub: no command given (guest $_sub [OPTIONS] -- CMD..., or --workload NAME)"
		G_CMD=""
		for _a; do
			G_CMD="$G_CMD '$(printf '%s' "$_a" | sed "s/'/'\\\\''/g")'"
		done
	fi
	G_IMAGES=${LAB_GUEST_DIR:-/lab/guest}
	G_ARCH=${GUEST_ARCH:-$(uname -m)}
	case $G_ARCH in
	aarch64 | arm64) G_ARCH=arm64 ;;
	x86_64 | amd64) G_ARCH=x86_64 ;;
	*) usage_error "unsupported guest architecture '$G_ARCH'" ;;
	esac
	[ "$G_ARCH" = arm64 ] || [ "$G_UEFI$G_APF_VMM" = 00 ] ||
		usage_error "--uefi and --apf-vmm are for arm64 guests (the APF series), not $G_ARCH"
	[ "$G_APF_VMM" = 1 ] || [ -z "$G_APF_SAVE$G_APF_LOAD" ] ||
		usage_error "--apf-save-state and --apf-load-state need --apf-vmm"
}

# The guest initramfs for this run: image, kernel modules, the job, the tools asked for
# (with --with, or the --workload's own); fio is compressed, so it goes last (the kernel
# wants the uncompressed archives before it 4-byte aligned).
guest_initrd() {
	[ -f "$G_IMAGES/kernel" ] || usage_error "no guest image in $G_IMAGES (set LAB_GUEST_DIR)"
	[ -f "$G_IMAGES/initrd" ] ||
		usage_error "no guest image in $G_IMAGES (set LAB_GUEST_DIR)"
	rm -rf "$G_DIR/job"
	mkdir -p "$G_DIR/job/job"
	[ -n "$G_CMD" ] && printf 'cd /work\n%s\n' "$G_CMD" >"$G_DIR/job/job/run"
	(cd "$G_DIR/job" && find . -mindepth 1 | cpio -o -H newc 2>/dev/null) >"$G_DIR/job.cpio"
	set -- "$G_IMAGES/initrd"
	[ -f "$G_IMAGES/modules.cpio" ] && set -- "$@" "$G_IMAGES/modules.cpio"
	set -- "$@" "$G_DIR/job.cpio"
	case " $G_WITH $G_WORKLOAD " in
	*" stress-ng "*) set -- "$@" "$G_IMAGES/stress-ng.cpio" ;;
	esac
	case " $G_WITH $G_WORKLOAD " in
	*" fio "*) set -- "$@" "$G_IMAGES/fio.cpio.gz" ;;
	esac
	cat "$@" >"$G_DIR/initrd"
}

# virtio-serial-device (mmio) or virtio-serial-pci, as the image says its kernel can use.
guest_virtio_bus() {
	case $(cat "$G_IMAGES/virtio-bus" 2>/dev/null) in
	mmio) echo device ;;
	*) echo pci ;;
	esac
}

# The UEFI firmware of an arm64 --uefi guest (Debian's qemu-efi-aarch64, in the lab image)
# and the UEFI program it runs first, sdei-boot.efi (harness/apf-vmm), which adds the ACPI
# SDEI table QEMU cannot (no -acpitable on arm) and boots the guest kernel, given to it as
# the fw_cfg file opt/org.apf-suite/linux.
guest_uefi_files() {
	_fw=""
	for _f in "${GUEST_UEFI_FIRMWARE:-}" /usr/share/qemu-efi-aarch64/QEMU_EFI.fd; do
		[ -n "$_f" ] && [ -f "$_f" ] && { _fw=$_f; break; }
	done
	_shim=""
	for _f in "${GUEST_SDEI_BOOT:-}" "${TOP:?}/harness/kvmhost/sdei-boot.efi" \
		"$TOP/harness/apf-vmm/build/host/sdei-boot.efi"; do
		[ -n "$_f" ] && [ -f "$_f" ] && { _shim=$_f; break; }
	done
	[ -n "$_fw" ] || die "--uefi: no UEFI firmware (/usr/share/qemu-efi-aarch64/QEMU_EFI.fd, or GUEST_UEFI_FIRMWARE)"
	[ -n "$_shim" ] || die "--uefi: no sdei-boot.efi (make -C harness/apf-vmm, or GUEST_SDEI_BOOT)"
}

guest_level() {
	_l=$(lab_cmdline_get "$LAB_KEY_LEVEL")
	echo $((${_l:-0} + 1))
}

guest_start() {
	mkdir -p "$G_DIR"
	rm -f "$G_DIR/console" "$G_DIR/results.tar" "$G_DIR/pid" "$G_DIR/qemu.pid" "$G_DIR/qemu.out" \
		"$G_DIR/qemu.rc" "$G_DIR/apf-vmm.log" "$G_DIR/qmp.path"
	guest_initrd
	_append="panic=-1 quiet $LAB_KEY_LEVEL=$(guest_level) $G_APPEND${G_WORKLOAD:+ $LAB_KEY_WORKLOAD=$G_WORKLOAD}"
	case $G_ARCH in
	arm64)
		if [ "$G_UEFI" = 1 ]; then
			# UEFI and ACPI, plus the SDEI table QEMU's virt machine lacks: what the APF
			# series' guest needs to find SDEI and map its PPI (harness/ARM64-APF.md)
			guest_uefi_files
			set -- qemu-system-aarch64 -M virt,gic-version=3 -cpu host -bios "$_fw" \
				-kernel "$_shim" -fw_cfg "name=opt/org.apf-suite/linux,file=$G_IMAGES/kernel" \
				-append "console=ttyAMA0 acpi=force $_append"
		else
			set -- qemu-system-aarch64 -M virt,gic-version=3 -cpu host -kernel "$G_IMAGES/kernel" \
				-append "console=ttyAMA0 $_append"
		fi
		# a migration carries the APF and SDEI state through apf-vmm (stock QEMU does not)
		[ "$G_APF_VMM" = 1 ] && set -- apf-vmm --log "$G_DIR/apf-vmm.log" \
			${G_APF_SAVE:+--save-state "$G_APF_SAVE"} ${G_APF_LOAD:+--load-state "$G_APF_LOAD"} -- "$@"
		;;
	x86_64)
		# no_timer_check: as the x86 lab host (its command line: lab-run.sh on the host), a guest of a slow
		# (nested, emulated) host misses the boot-time timer check's ticks and panics
		set -- qemu-system-x86_64 -M q35 -cpu host -L /usr/share/seabios -L /usr/share/qemu \
			-kernel "$G_IMAGES/kernel" -append "console=ttyS0 no_timer_check $_append"
		;;
	esac
	set -- "$@" -accel kvm -smp "$G_SMP" -m "$G_MEM" -nodefaults -display none -no-reboot \
		-chardev "file,id=con,path=$G_DIR/console" -serial chardev:con \
		-device "virtio-serial-$(guest_virtio_bus)" -chardev "file,id=res,path=$G_DIR/results.tar" \
		-device "virtserialport,chardev=res,name=$LAB_RESULTS_PORT" \
		-initrd "$G_DIR/initrd" -pidfile "$G_DIR/pid" -name "guest,debug-threads=on"
	# the QMP socket, also for "guest wait" of a guest that does not end (stuck.sh)
	if [ -n "$G_QMP" ]; then
		set -- "$@" -qmp "unix:$G_QMP,server=on,wait=off"
		echo "$G_QMP" >"$G_DIR/qmp.path"
	fi
	[ -n "$G_INCOMING" ] && set -- "$@" -incoming "$G_INCOMING"
	now_cs
	echo "$NOW_CS" >"$G_DIR/t0"
	: >"$G_DIR/console"
	# Not -daemonize: QEMU's messages after start-up (a crash, a KVM error) would be lost.
	# The shell around QEMU writes its exit status: a guest that returns no status and whose
	# QEMU exited 0 (-no-reboot) was reset (reset_silent, lib/contract.sh).
	# shellcheck disable=SC2086,SC2016
	$G_WRAP sh -c '"$@"; echo $? >"$0"' "$G_DIR/qemu.rc" "$@" >"$G_DIR/qemu.out" 2>&1 </dev/null &
	_bg=$!
	_n=0
	until [ -s "$G_DIR/pid" ] && { [ -z "$G_QMP" ] || [ -S "$G_QMP" ]; }; do
		if ! alive "$_bg" || [ $_n -ge 600 ]; then
			log "QEMU did not start: $(tail -n 3 "$G_DIR/qemu.out" | tr '\n' ' ')"
			kill_tree "$_bg"
			exit 125
		fi
		sleep 0.1
		_n=$((_n + 1))
	done
	# QEMU removes its -pidfile when it exits: a guest that is done before "guest wait"
	# (a fast x86 guest after a post-copy migration) would look never started
	cat "$G_DIR/pid" >"$G_DIR/qemu.pid"
	log "guest started (pid $(cat "$G_DIR/qemu.pid"), console $G_DIR/console)"
}

guest_kill() {
	[ -f "$1/qemu.pid" ] && kill_tree "$(cat "$1/qemu.pid")"
	return 0
}

# guest_stuck: what the guest of guest_wait (_pid, _res) was doing at its timeout, into
# _res/stuck.txt, one line per vCPU into _res/stuck.vcpus (stuck.sh)
guest_stuck() {
	log "the guest has not ended after ${G_TIMEOUT}s: taking where it was ($_res/stuck.txt)"
	guest_stuck_evidence "$_pid" "$(cat "$G_DIR/qmp.path" 2>/dev/null)" "$G_DIR/console" \
		"$_res/stuck.txt" "$_res/stuck.vcpus"
}

guest_wait() {
	[ -f "$G_DIR/qemu.pid" ] || usage_error "no guest was started in $G_DIR"
	_pid=$(cat "$G_DIR/qemu.pid")
	_res=${G_RESULTS:-${RESULTS:-.}/guest}
	mkdir -p "$_res"
	# a guest that does not end: where it was, before it is killed
	# shellcheck disable=SC2034 # read by watch_process (watch.sh)
	WATCH_BEFORE_KILL=guest_stuck
	watch_process "$_pid" "$G_DIR/console" "$(cat "$G_DIR/t0")" "$G_TIMEOUT" \
		"$G_DIR/console" $((1 - G_QUIET))
	# QEMU was started by "guest start", maybe another process: give it a moment to exit
	_n=0
	while alive "$_pid" && [ $_n -lt 50 ]; do
		sleep 0.1
		_n=$((_n + 1))
	done
	cp "$G_DIR/console" "$_res/console.log" 2>/dev/null || true
	cp "$G_DIR/qemu.out" "$_res/qemu.log" 2>/dev/null || true
	[ -f "$G_DIR/apf-vmm.log" ] && cp "$G_DIR/apf-vmm.log" "$_res/apf-vmm.log"
	# the shell around QEMU writes its status just after QEMU exits
	_n=0
	while [ ! -f "$G_DIR/qemu.rc" ] && ! alive "$_pid" && [ $_n -lt 20 ]; do
		sleep 0.1
		_n=$((_n + 1))
	done
	[ -f "$G_DIR/qemu.rc" ] && cp "$G_DIR/qemu.rc" "$_res/qemu.rc"
	if [ "$WATCH_TIMED_OUT" = 1 ]; then
		log "TIMEOUT after ${G_TIMEOUT}s: the guest was killed (console: $_res/console.log)"
		return 124
	fi
	[ -s "$G_DIR/results.tar" ] && tar -xf "$G_DIR/results.tar" -C "$_res" 2>/dev/null
	if [ ! -f "$_res/$LAB_STATUS_FILE" ]; then
		if reset_silent "$(cat "$G_DIR/qemu.rc" 2>/dev/null)" "$G_DIR/console" "$TOP/harness/lib/kernel-splat.patterns"; then
			log "guest failure: no status came back: $GUEST_RESET_SILENT (console: $_res/console.log)"
		else
			log "guest failure: no status came back (console: $_res/console.log)"
		fi
		return 125
	fi
	_rc=$(cat "$_res/$LAB_STATUS_FILE")
	# the timings, for the scripts that measure boots (harness/LAB.md, guest.kv)
	_exit_s=$(elapsed_s "$(cat "$G_DIR/t0")")
	{
		echo "rc=$_rc"
		echo "first_output_s=$WATCH_FIRST_OUTPUT_S"
		echo "exit_s=$_exit_s"
		echo "up_s=$(kv_get "$_res/$LAB_TIMES_FILE" up_s)"
		echo "kernel=$(kv_get "$_res/$LAB_TIMES_FILE" kernel)"
	} >"$_res/guest.kv"
	rm -f "$_res/$LAB_STATUS_FILE" "$_res/$LAB_TIMES_FILE"
	log "guest exit $_rc after $_exit_s s, first output at ${WATCH_FIRST_OUTPUT_S:-?} s"
	return "$_rc"
}
