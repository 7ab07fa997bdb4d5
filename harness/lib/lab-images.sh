# shellcheck shell=sh
# The lab's images, as layers of newc cpio concatenated at boot:
#   system  busybox, init, QEMU + socat + jq + cgroup-tools with their libraries, the
#           kernel modules the lab host needs, the guest kernel (per lab kernel)
#   guest   the guest initramfs (busybox, init, testsuite-mem, stress-ng, fio)
#   suite   the harness scripts (rebuilt each run: small)
# Requires image.sh and common.sh.

lab_triple() {
	case $1 in
	arm64) echo aarch64 ;;
	x86_64) echo x86_64 ;;
	esac
}

# Select the lab kernel: KERNEL unset / debian-6.12 / debian-6.1 / a path. Sets
# LAB_KERNEL (file), LAB_KERNEL_ID (name for caches and manifests), LAB_KROOT (unpacked
# package with modules, empty for a user kernel).
lab_select_kernel() {
	_arch=$2
	_stage=$1/.cache/stage/$_arch
	case ${KERNEL:-debian-6.12} in
	debian-6.12 | debian-6.1)
		_series=${KERNEL:-debian-6.12}
		_series=${_series#debian-}
		LAB_KROOT=$_stage/kernel-$_series
		LAB_KERNEL=$(find "$LAB_KROOT/boot" -name 'vmlinuz-*' 2>/dev/null | head -n 1)
		[ -n "$LAB_KERNEL" ] || die "no kernel in $LAB_KROOT (run harness/deps)"
		LAB_KERNEL_ID=${LAB_KERNEL##*/vmlinuz-}
		;;
	debian-*)
		usage_error "KERNEL=${KERNEL}: known Debian kernels are debian-6.12 and debian-6.1"
		;;
	*)
		[ -f "$KERNEL" ] || usage_error "KERNEL=$KERNEL: no such file"
		LAB_KERNEL=$(CDPATH='' cd -- "$(dirname -- "$KERNEL")" && pwd)/${KERNEL##*/}
		LAB_KROOT=""
		LAB_KERNEL_ID=custom-$(inputs_key "$LAB_KERNEL")
		;;
	esac
}

# Modules for the lab host and its guests (those built in are simply not found).
lab_modules() {
	case $1 in
	arm64) echo "virtio_pci virtio_mmio virtio_console virtio_blk zram" ;;
	x86_64) echo "virtio_pci virtio_console virtio_blk zram irqbypass kvm kvm-amd" ;;
	esac
}

# The nested guests need only what brings their results back.
lab_guest_modules() {
	echo "virtio_pci virtio_console"
}

lab_lab_tools() {
	_t=$(lab_triple "$1")
	echo "/usr/bin/qemu-system-$_t /usr/bin/socat /usr/bin/jq /usr/bin/cgcreate /usr/bin/cgset \
/usr/bin/cgexec /usr/bin/cgdelete /usr/bin/cgget /usr/bin/cgclassify"
}

lab_guest_tools() {
	echo "/usr/bin/stress-ng"
}

# Build (or reuse) the system layer. Sets LAB_SYSTEM_CPIO.
lab_build_system() {
	_top=$1
	_arch=$2
	_root=$_top/.cache/stage/$_arch/root
	_key=$(inputs_key "$_top/.cache/stage/$_arch/.unpacked" "$_top/harness/lab.d/init" \
		"$_top/harness/lib/image.sh" "$_top/harness/lib/lab-images.sh" "$LAB_KERNEL")
	LAB_SYSTEM_CPIO=$_top/.cache/lab/$_arch/system-$LAB_KERNEL_ID-$_key.cpio
	[ -f "$LAB_SYSTEM_CPIO" ] && return 0
	log "building the $_arch lab-host image (kernel $LAB_KERNEL_ID)"
	_img=""
	make_tmpdir _img system
	install_busybox "$_root" "$_img"
	cp "$_top/harness/lab.d/init" "$_img/init"
	# shellcheck disable=SC2046
	copy_with_libs "$_root" "$_img" "$_arch" $(lab_lab_tools "$_arch")
	mkdir -p "$_img/etc" "$_img/lab/guest" "$_img/var/run"
	echo 'root:x:0:0:root:/root:/bin/sh' >"$_img/etc/passwd"
	echo 'root:x:0:' >"$_img/etc/group"
	if [ -n "$LAB_KROOT" ]; then
		# shellcheck disable=SC2046
		install_modules "$LAB_KROOT" "$_img" $(lab_modules "$_arch")
		mkdir -p "$_img/lab/guest"
		_mods=""
		make_tmpdir _mods modules
		# shellcheck disable=SC2046
		install_modules "$LAB_KROOT" "$_mods" $(lab_guest_modules)
		make_cpio "$_mods" "$_img/lab/guest/modules.cpio"
		rm -rf "$_mods"
	fi
	cp "$LAB_KERNEL" "$_img/lab/guest/kernel"
	if [ "$_arch" = x86_64 ]; then
		# firmware for the nested x86 guests: SeaBIOS and QEMU's option ROMs
		mkdir -p "$_img/usr/share/seabios" "$_img/usr/share/qemu"
		for _f in "$_root"/usr/share/seabios/* "$_root"/usr/share/qemu/*.bin "$_root"/usr/share/qemu/*.rom; do
			[ -e "$_f" ] || [ -L "$_f" ] || continue
			_rel=${_f#"$_root"}
			_real=$(root_resolve "$_root" "$_rel")
			if [ -f "$_root$_real" ]; then cp "$_root$_real" "$_img$_rel"; fi
		done
	fi
	mkdir -p "${LAB_SYSTEM_CPIO%/*}"
	rm -f "${LAB_SYSTEM_CPIO%/*}/system-$LAB_KERNEL_ID-"*.cpio
	make_cpio "$_img" "$LAB_SYSTEM_CPIO"
	rm -rf "$_img"
	log "lab-host image: $LAB_SYSTEM_CPIO ($(du -m "$LAB_SYSTEM_CPIO" | cut -f1) MB)"
}

# The static testsuite-mem for an arch, built by its own Makefile.
lab_workload_binary() {
	_bin=$1/workloads/testsuite-mem/build/$2/testsuite-mem
	if [ -f "$1/workloads/testsuite-mem/Makefile" ]; then
		make -s -C "$1/workloads/testsuite-mem" static ARCH_TARGET="$2" >&2 ||
			die "building testsuite-mem for $2 failed"
	fi
	[ -f "$_bin" ] && echo "$_bin"
	return 0
}

# Build (or reuse) the guest initramfs and the layer carrying it. Sets LAB_GUEST_CPIO
# (the guest initramfs) and LAB_GUEST_LAYER (it at /lab/guest/initrd, and fio with the
# libraries the base lacks at /lab/guest/fio.cpio.gz: fio's closure (ceph, gluster, ICU) is
# larger than everything else together, so guests carry it only when they run fio).
lab_build_guest() {
	_top=$1
	_arch=$2
	_root=$_top/.cache/stage/$_arch/root
	_wl=$(lab_workload_binary "$_top" "$_arch")
	_key=$(inputs_key "$_top/.cache/stage/$_arch/.unpacked" "$_top/harness/lab.d/init" \
		"$_top/harness/lib/image.sh" "$_top/harness/lib/lab-images.sh" "${_wl:-no-workload}" \
		"$_top/harness/lab.d/apf-workload")
	_dir=$_top/.cache/lab/$_arch
	LAB_GUEST_CPIO=$_dir/guest-$_key.cpio
	LAB_GUEST_LAYER=$_dir/guest-layer-$_key.cpio
	[ -f "$LAB_GUEST_LAYER" ] && return 0
	log "building the $_arch guest image"
	_img=""
	make_tmpdir _img guest
	install_busybox "$_root" "$_img/base"
	cp "$_top/harness/lab.d/init" "$_img/base/init"
	# shellcheck disable=SC2046
	copy_with_libs "$_root" "$_img/base" "$_arch" $(lab_guest_tools)
	mkdir -p "$_img/base/etc" "$_img/base/usr/bin"
	echo 'root:x:0:0:root:/root:/bin/sh' >"$_img/base/etc/passwd"
	echo 'root:x:0:' >"$_img/base/etc/group"
	[ -n "$_wl" ] && cp "$_wl" "$_img/base/usr/bin/testsuite-mem"
	cp "$_top/harness/lab.d/apf-workload" "$_img/base/usr/bin/apf-workload"
	copy_with_libs "$_root" "$_img/fio" "$_arch" /usr/bin/fio
	(cd "$_img/fio" && find . -type f) | while read -r _f; do
		[ -e "$_img/base/$_f" ] && rm -f "$_img/fio/$_f"
	done
	mkdir -p "$_dir" "$_img/layer/lab/guest"
	rm -f "$_dir"/guest-*.cpio
	make_cpio "$_img/base" "$_img/layer/lab/guest/initrd"
	make_cpio "$_img/fio" "$_img/fio.cpio"
	gzip -1 -c "$_img/fio.cpio" >"$_img/layer/lab/guest/fio.cpio.gz"
	make_cpio "$_img/layer" "$LAB_GUEST_LAYER"
	cp "$_img/layer/lab/guest/initrd" "$LAB_GUEST_CPIO"
	cp "$_img/layer/lab/guest/fio.cpio.gz" "$_dir/guest-fio-$_key.cpio.gz"
	rm -rf "$_img"
	log "guest image: $LAB_GUEST_CPIO ($(du -m "$LAB_GUEST_CPIO" | cut -f1) MB, fio layer $(du -m "$_dir/guest-fio-$_key.cpio.gz" | cut -f1) MB)"
}

# The suite layer: harness scripts and cgroup profiles under /suite, commands in /suite/bin.
lab_build_suite() {
	_top=$1
	_out=$2
	make -s -C "$_top/harness/probe" ARCH_TARGET="$3" >&2 || die "building the KVM probe failed"
	_img=""
	make_tmpdir _img suite
	mkdir -p "$_img/suite/bin"
	(cd "$_top" && tar -cf - --exclude=tests --exclude=build --exclude='*.bats' harness cgroups) |
		(cd "$_img/suite" && tar -xf -)
	for _c in guest qmp migrate cgroup; do
		[ -f "$_img/suite/harness/$_c" ] || continue
		printf '#!/bin/sh\nexec /suite/harness/%s "$@"\n' "$_c" >"$_img/suite/bin/$_c"
		chmod +x "$_img/suite/bin/$_c"
	done
	cp "$_top/harness/probe/build/$3/kvm-cap" "$_img/suite/bin/kvm-cap"
	make_cpio "$_img" "$_out"
	rm -rf "$_img"
}
