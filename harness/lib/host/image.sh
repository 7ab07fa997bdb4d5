# shellcheck shell=sh
# Building initramfs images from the cached Debian packages: unpack them into a staging
# tree, copy binaries with their ELF library closure, write newc cpio archives. Images are
# keyed by a hash of their inputs, so they are rebuilt only when an input changes.

# Unpack every cached .deb of an arch (kernels apart) into .cache/stage/<arch>/root.
stage_root() {
	_top=$1
	_arch=$2
	_debs=$_top/.cache/debs/$_arch
	_stage=$_top/.cache/stage/$_arch
	_want=$(cat "$_debs/packages" "$_debs/kernels" 2>/dev/null) ||
		usage_error "no cached $_arch packages: run 'harness/deps --arch $_arch' first"
	if [ -f "$_stage/.unpacked" ] && [ "$(cat "$_stage/.unpacked")" = "$_want" ]; then
		return 0
	fi
	log "unpacking $(wc -l <"$_debs/packages") $_arch packages into $_stage"
	rm -rf "$_stage"
	mkdir -p "$_stage/root"
	for _deb in "$_debs"/*.deb; do
		case ${_deb##*/} in
		linux-image-*) continue ;;
		esac
		dpkg-deb -x "$_deb" "$_stage/root" || die "cannot unpack $_deb"
	done
	while read -r _series _pkg; do
		mkdir -p "$_stage/kernel-$_series"
		dpkg-deb -x "$_debs/${_pkg}"_*.deb "$_stage/kernel-$_series" ||
			die "cannot unpack kernel package $_pkg"
	done <"$_debs/kernels"
	printf '%s\n' "$_want" >"$_stage/.unpacked"
}

# Resolve a path inside a staging root, following symlinks (absolute ones relative to the
# root). Prints the root-relative path of the target.
root_resolve() {
	_rr_root=$1
	_rr_path=$2
	_rr_n=0
	while [ -L "$_rr_root$_rr_path" ] && [ $_rr_n -lt 16 ]; do
		_rr_l=$(readlink "$_rr_root$_rr_path")
		case $_rr_l in
		/*) _rr_path=$_rr_l ;;
		*) _rr_path=${_rr_path%/*}/$_rr_l ;;
		esac
		_rr_n=$((_rr_n + 1))
	done
	printf '%s\n' "$_rr_path"
}

# Library search directories of a staging root for an arch.
lib_dirs() {
	case $1 in
	arm64) _t=aarch64-linux-gnu ;;
	x86_64) _t=x86_64-linux-gnu ;;
	esac
	echo "/lib/$_t /usr/lib/$_t /lib /usr/lib /usr/lib/$_t/ceph /usr/lib/$_t/pulseaudio"
}

# Copy root-relative paths (binaries) from a staging root into an image tree together
# with every shared library they need, recursively, and the ELF interpreter.
copy_with_libs() {
	_cw_root=$1
	_cw_img=$2
	_cw_arch=$3
	shift 3
	_cw_dirs=$(lib_dirs "$_cw_arch")
	_cw_queue="$*"
	_cw_seen=" "
	while [ -n "$_cw_queue" ]; do
		# shellcheck disable=SC2086
		set -- $_cw_queue
		_cw_f=$1
		shift
		_cw_queue="$*"
		case $_cw_seen in *" $_cw_f "*) continue ;; esac
		_cw_seen="$_cw_seen$_cw_f "
		_cw_real=$(root_resolve "$_cw_root" "$_cw_f")
		[ -f "$_cw_root$_cw_real" ] || die "missing in $_cw_arch packages: $_cw_f"
		mkdir -p "$_cw_img${_cw_f%/*}"
		cp "$_cw_root$_cw_real" "$_cw_img$_cw_f"
		_cw_interp=$(readelf -l "$_cw_root$_cw_real" 2>/dev/null |
			sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
		[ -n "$_cw_interp" ] && _cw_queue="$_cw_queue $_cw_interp"
		for _cw_lib in $(readelf -d "$_cw_root$_cw_real" 2>/dev/null |
			sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			_cw_found=""
			for _cw_d in $_cw_dirs; do
				if [ -e "$_cw_root$_cw_d/$_cw_lib" ]; then
					_cw_found=$_cw_d/$_cw_lib
					break
				fi
			done
			[ -n "$_cw_found" ] || die "$_cw_f needs $_cw_lib, not found in the $_cw_arch packages"
			_cw_queue="$_cw_queue $_cw_found"
		done
	done
}

# Write a newc cpio archive of a directory, owned by root, in a stable order.
make_cpio() {
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --quiet) >"$2.tmp" ||
		die "cpio failed for $1"
	mv "$2.tmp" "$2"
}

# Hash of the content of the given files and strings (a build key).
inputs_key() {
	for _ik in "$@"; do
		if [ -f "$_ik" ]; then
			sha256sum <"$_ik"
		elif [ -d "$_ik" ]; then
			(cd "$_ik" && find . -type f | LC_ALL=C sort | xargs -r sha256sum)
		else
			printf '%s\n' "$_ik"
		fi
	done | sha256sum | cut -c1-16
}

# Install busybox and its applet links into an image tree.
install_busybox() {
	mkdir -p "$2/bin" "$2/sbin" "$2/usr/bin" "$2/usr/sbin"
	cp "$1/bin/busybox" "$2/bin/busybox"
	ln -sf busybox "$2/bin/sh"
}

# Decompress kernel modules and their dependencies (read with modinfo: the package has
# no modules.dep) into an image tree, with the order to load them in.
install_modules() {
	_im_kroot=$1
	_im_img=$2
	shift 2
	mkdir -p "$_im_img/lib/modules"
	touch "$_im_img/lib/modules/load-order"
	for _im_m in "$@"; do
		_im_f=$(find "$_im_kroot/lib/modules" -name "$_im_m.ko*" -o -name "$(echo "$_im_m" | tr _ -).ko*" | head -n 1)
		[ -n "$_im_f" ] || continue
		grep -qx "$_im_m.ko" "$_im_img/lib/modules/load-order" && continue
		# shellcheck disable=SC2046
		(install_modules "$_im_kroot" "$_im_img" $(modinfo -F depends "$_im_f" | tr "," " "))
		case $_im_f in
		*.xz) xz -dc "$_im_f" >"$_im_img/lib/modules/$_im_m.ko" ;;
		*) cp "$_im_f" "$_im_img/lib/modules/$_im_m.ko" ;;
		esac
		echo "$_im_m.ko" >>"$_im_img/lib/modules/load-order"
	done
}

# Move the large files of an image tree into STOREROOT/store/NAME, leaving absolute
# symlinks to /store/NAME/<path> behind: the initramfs stays small (the kernel unpacks every
# byte of it, under emulation, at each boot) and the store is read from a disk only as far
# as it is used. What /init needs before the store is mounted (busybox, modules) stays.
split_store() {
	_ss_img=$1
	_ss_store=$2/store/$3
	mkdir -p "$_ss_store"
	(cd "$_ss_img" && find . -type f -size +256k ! -path ./bin/busybox ! -path './lib/modules/*') |
		while IFS= read -r _ss_f; do
			_ss_f=${_ss_f#./}
			mkdir -p "$_ss_store/${_ss_f%/*}"
			mv "$_ss_img/$_ss_f" "$_ss_store/$_ss_f"
			ln -s "/store/$3/$_ss_f" "$_ss_img/$_ss_f"
		done
}

# Write STOREROOT/store/NAME as OUT.ext4, a read-only disk that /init mounts at
# /store/NAME, and as OUT.cpio, the same files for kernels that cannot mount the disk.
make_store() {
	_ms_dir=$1/store/$2
	_ms_kb=$(du -sk "$_ms_dir" | cut -f1)
	rm -f "$3.ext4.tmp"
	mke2fs -q -F -t ext4 -O ^has_journal -L "apf-$2" -E root_owner=0:0 -d "$_ms_dir" \
		"$3.ext4.tmp" "$((_ms_kb + _ms_kb / 8 + 4096))k" >/dev/null || die "mke2fs failed for $_ms_dir"
	make_cpio "$1" "$3.cpio"
	mv "$3.ext4.tmp" "$3.ext4"
}
