# shellcheck shell=sh
# The lab host's CPU: QEMU's -cpu for the emulated KVM host (harness/LAB.md). LAB_CPU
# chooses another model or other properties, e.g. for a kernel that hangs on the default:
# arm64 Linux 5.11 stops before its first console line on QEMU 7.2's "max", which has
# FEAT_LPA2 (LAB_CPU=max,pauth-impdef=on,lpa2=off boots it; 5.14 boots on "max").

# lab_cpu_default ARCH: the lab's -cpu value for ARCH (arm64, x86_64) without LAB_CPU.
lab_cpu_default() {
	case $1 in
	arm64) echo "max,pauth-impdef=on" ;;
	x86_64) echo "EPYC,+svm,+npt" ;;
	esac
}

# lab_cpu ARCH: the -cpu value of the lab of ARCH: LAB_CPU, else the default.
lab_cpu() {
	if [ -n "${LAB_CPU:-}" ]; then
		echo "$LAB_CPU"
	else
		lab_cpu_default "$1"
	fi
}

# lab_check_cpu: LAB_CPU, when set, must be one word of QEMU's -cpu syntax; else bad usage.
lab_check_cpu() {
	[ -n "${LAB_CPU+set}" ] || return 0
	case $LAB_CPU in
	'' | *[!A-Za-z0-9,=_.+-]*)
		usage_error "LAB_CPU='$LAB_CPU': not a QEMU -cpu value (one word, e.g. max,pauth-impdef=on,lpa2=off)"
		;;
	esac
}
