# shellcheck shell=sh
# Provenance of a measured run (results/FORMAT.md, "Provenance"): the suite's revision,
# the profile, the kernel, QEMU and the packages, as key=value lines for run.kv and the
# manifest. Host only; needs lib/common.sh.

# provenance_kv TOP ARCH KERNEL PROFILE_FILE RUN_DIR: prints the keys; copies the profile
# (RUN_DIR/profile.txt) and the lab's package versions (RUN_DIR/packages.lock) beside them.
provenance_kv() {
	_pv_top=$1 _pv_arch=$2 _pv_kernel=$3 _pv_prof=$4 _pv_dir=$5
	# the suite
	if _pv_rev=$(git -C "$_pv_top" rev-parse --verify -q HEAD 2>/dev/null); then
		echo "suite_revision=$_pv_rev"
		if [ -n "$(git -C "$_pv_top" status --porcelain 2>/dev/null | head -n 1)" ]; then
			echo "suite_dirty=yes"
		else
			echo "suite_dirty=no"
		fi
	else
		echo "suite_revision=unknown (not a git checkout)"
		echo "suite_dirty=unknown"
	fi
	# the benchmark profile: its contents beside the manifest, and their hash
	cp "$_pv_prof" "$_pv_dir/profile.txt"
	echo "profile_file=$(_pv_rel "$_pv_top" "$_pv_prof")"
	echo "profile_sha256=$(_pv_sha "$_pv_prof")"
	echo "scenarios_sha256=$(_pv_sha "$_pv_top/harness/profiles/scenarios")"
	# the kernel
	case $_pv_kernel in
	debian-*)
		_pv_kroot=$_pv_top/.cache/stage/$_pv_arch/kernel-${_pv_kernel#debian-}
		_pv_img=$(find "$_pv_kroot/boot" -name 'vmlinuz-*' 2>/dev/null | head -n 1)
		_pv_cfg=$(find "$_pv_kroot/boot" -name 'config-*' 2>/dev/null | head -n 1)
		echo "series_profile=none"
		[ -z "$_pv_img" ] || echo "kernel_image_sha256=$(_pv_sha "$_pv_img")"
		[ -z "$_pv_cfg" ] || echo "kernel_config_sha256=$(_pv_sha "$_pv_cfg")"
		_pv_pkg=$(awk -v s="${_pv_kernel#debian-}" '$1 ~ "^linux-image-" s && $1 !~ /-dbg$/ { print $1 " " $2; exit }' \
			"$_pv_top/.cache/debs/$_pv_arch/lock" 2>/dev/null) || _pv_pkg="" # no lock file (yet)
		[ -z "$_pv_pkg" ] || echo "kernel_package=$_pv_pkg"
		;;
	*)
		if [ -f "$_pv_kernel" ]; then
			echo "kernel_image_sha256=$(_pv_sha "$_pv_kernel")"
			_pv_kv=$(dirname -- "$_pv_kernel")/kernel.kv
			if [ -f "$_pv_kv" ] && [ "$(kv_get "$_pv_kv" kernel_image_sha256)" = "$(_pv_sha "$_pv_kernel")" ]; then
				# built by harness/series: its build record, the series and the base
				grep -E '^(kernel_(release|config_sha256|config_fragments|build_s|build_kind|build_jobs|build_ccache|toolchain|base|base_desc|base_commit|tree_commit)|series_[a-z0-9_]+)=' "$_pv_kv"
				if _pv_sn=$(kv_get "$_pv_kv" series_name); then
					echo "series_profile=$_pv_sn $(kv_get "$_pv_kv" series_version)"
				else
					echo "series_profile=none"
				fi
			else
				echo "series_profile=unknown"
			fi
		else
			echo "series_profile=unknown"
		fi
		;;
	esac
	# QEMU of this machine (the lab's emulator) and the package versions
	_pv_q=qemu-system-aarch64
	[ "$_pv_arch" = x86_64 ] && _pv_q=qemu-system-x86_64
	if command -v "$_pv_q" >/dev/null 2>&1; then
		echo "lab_emulator=$("$_pv_q" --version | head -n 1)"
	fi
	echo "host_packages=$(for _pv_p in qemu-system-arm qemu-system-x86 gcc-aarch64-linux-gnu busybox-static mmdebstrap; do
		_pv_v=$(dpkg-query -W -f='${Version}' "$_pv_p" 2>/dev/null) && printf '%s %s, ' "$_pv_p" "$_pv_v"
	done | sed 's/, $//')"
	if [ -f "$_pv_top/.cache/debs/$_pv_arch/lock" ]; then
		cp "$_pv_top/.cache/debs/$_pv_arch/lock" "$_pv_dir/packages.lock"
		echo "lab_packages_sha256=$(_pv_sha "$_pv_dir/packages.lock")"
	fi
}

_pv_sha() { sha256sum <"$1" | cut -d' ' -f1; }

# _pv_rel TOP FILE: FILE relative to TOP when inside it.
_pv_rel() {
	_pv_t=$(CDPATH='' cd -- "$1" && pwd -P)
	_pv_abs=$(CDPATH='' cd -- "$(dirname -- "$2")" && pwd -P)/${2##*/}
	case $_pv_abs in
	"$_pv_t"/*) printf '%s\n' "${_pv_abs#"$_pv_t"/}" ;;
	*) printf '%s\n' "$_pv_abs" ;;
	esac
}
