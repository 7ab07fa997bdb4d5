# shellcheck shell=sh
# Building initramfs images from the staged Debian packages: copy binaries with their ELF
# library closure (lddtree), write newc cpio archives. Images are
# keyed by a hash of their inputs, so they are rebuilt only when an input changes.

# The staging tree of an arch (.cache/stage/<arch>: root/ and kernel-<series>/), made by
# harness/deps with mmdebstrap; its package versions are .cache/debs/<arch>/lock.
stage_root() {
	if [ ! -d "$1/.cache/stage/$2/root/usr" ] || [ ! -f "$1/.cache/debs/$2/lock" ]; then
		usage_error "no staged $2 packages: run 'harness/deps --arch $2' first"
	fi
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

# Copy root-relative paths (binaries) from a staging root into an image tree together with
# every shared library they need and the ELF interpreter: Debian's lddtree (pax-utils),
# which reads the root's own ld.so.conf and RUNPATHs. It is a python3 script: run by
# Debian's python3, which has its elftools (a python3 earlier on PATH may not).
copy_with_libs() {
	_cw_root=$1
	_cw_img=$2
	shift 3
	for _cw_f; do
		[ -e "$_cw_root$_cw_f" ] || die "missing in the staged packages: $_cw_f"
	done
	/usr/bin/python3 /usr/bin/lddtree --root "$_cw_root" --copy-to-tree "$_cw_img" "$@" >/dev/null ||
		die "lddtree could not copy $* with their libraries from $_cw_root"
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
	command -v modinfo >/dev/null 2>&1 ||
		die "modinfo (Debian package kmod) is missing: module dependencies cannot be resolved"
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
