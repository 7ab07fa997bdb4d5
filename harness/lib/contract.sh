# shellcheck shell=sh disable=SC2034
# The lab's contract (harness/LAB.md): every name and marker that crosses between the
# levels (L0 the host, L1 the KVM host, L2 a guest), defined here once. Sourced by host
# and KVM-host code; the image build puts this file in front of image/init, which sources
# nothing. Busybox-safe.

# Console markers: lines that /init and jobs print on the console, read by the level
# below as the console arrives (lib/watch.sh: watch_chunk). Every marker starts with
# LAB_MARK, at the start of a line.
LAB_MARK='apf-lab:'
LAB_MARK_UP="$LAB_MARK up"       # "apf-lab: up at UPTIME s (RELEASE, MACHINE)": /init is up
LAB_MARK_EXIT="$LAB_MARK exit"   # "apf-lab: exit RC": the job ended with RC
LAB_MARK_SPLAT="$LAB_MARK kernel splat:" # "apf-lab: kernel splat: LINE": the level's kernel reported a bug
LAB_MARK_TEXT="$LAB_MARK kernel text" # "apf-lab: kernel text ADDR RELEASE VERSION": a benchmark guest's _text, its build

# The hostname /init gives a level: LAB_HOSTNAME<level> (apf-l1 the lab host, apf-l2 a guest).
LAB_HOSTNAME=apf-l

# Kernel command-line keys that the level below sets for /init.
LAB_KEY_LEVEL=apf.level          # 1 the lab host, 2 its guests (absent: natively)
LAB_KEY_SWAP=apf.swap            # 1: swap on the disk with serial LAB_SERIAL_SWAP
LAB_KEY_STORE=apf.store          # store names, comma-separated: mount them read-only
LAB_KEY_WORKLOAD=apf.workload    # with no /job/run: run apf-workload NAME

# Devices, by name or serial.
LAB_RESULTS_PORT=apf.results     # virtio-serial port: /results comes back as a tar stream
LAB_SERIAL_SWAP=apf-swap         # virtio-blk serial of the swap disk
LAB_SERIAL_STORE=apf-store-      # virtio-blk serial prefix of a store disk (+ NAME)

# Files. /job/run is the job, run in /work with RESULTS=/results; in /results:
LAB_STATUS_FILE=.rc              # the job's exit status
LAB_TIMES_FILE=.lab.kv           # what /init measured: up_s, kernel, machine
LAB_SPLAT_FILE=kernel-splats.log # the level's kernel log from its first splat on, if any
# harness/lab's words for a lab host that vanished: no status, no power-off, no panic line
# (QEMU runs it with -no-reboot, so a reset ends QEMU with status 0); harness/bench retries
LAB_RESET_SILENT="the lab host reset without a message (a triple fault or an emulator fault)"
# the same of a guest of the benchmark (harness/guest: its QEMU, also -no-reboot, exited 0)
GUEST_RESET_SILENT="the guest reset without a message (a triple fault or an emulator fault)"
# The kernel log lines that are splats (grep -E, "fatal " prefix stripped), in the suite layer
LAB_SPLAT_PATTERNS=/suite/harness/lib/kernel-splat.patterns

# reset_silent STATUS CONSOLE PATTERNS: true when a QEMU run with -no-reboot whose machine
# returned no status ended as a reset ends it: exit status 0, no power-off line and no
# fatal line of PATTERNS (lib/kernel-splat.patterns, "fatal " lines) on its console
reset_silent() {
	[ "$1" = 0 ] || return 1
	! grep -q 'reboot: Power down' "$2" || return 1
	[ -z "$(console_fatal_line "$2" "$3")" ]
}

# console_untimed: console lines on stdin as a message quotes them, from the kernel's
# timestamp on and without it. The kernel may print on the line of a userspace print that
# had no newline yet ("apf-lab: up at 2.39 s (...)[    2.607286] watchdog: BUG: ...").
console_untimed() {
	sed 's/^.*\[ *[0-9][0-9]*\.[0-9][0-9]*\] //'
}

# console_clean: console lines on stdin fit for a record's reason: no carriage return or
# tab, no kernel timestamp, at most 200 characters each.
console_clean() {
	tr -d '\r' | tr '\t' ' ' | console_untimed | cut -c 1-200
}

# console_fatal_line CONSOLE PATTERNS: the first fatal line of PATTERNS on CONSOLE (carriage
# returns dropped), or nothing: the crash a failure message names (the lab host's panic
# may be far above the console's last lines, under QEMU's own warnings)
console_fatal_line() {
	tr -d '\r' <"$1" | grep -m 1 -E "$(sed -n 's/^fatal //p' "$2")"
}

# lab_cmdline_get KEY [FILE]: the value of KEY=VALUE on the kernel command line
# (default /proc/cmdline); status 1 when the key is absent.
lab_cmdline_get() {
	{ read -r _lc_line <"${2:-/proc/cmdline}"; } 2>/dev/null || return 1
	for _lc_w in $_lc_line; do
		case $_lc_w in
		"$1"=*)
			printf '%s\n' "${_lc_w#*=}"
			return 0
			;;
		esac
	done
	return 1
}
