# shellcheck shell=sh
# The lab's images, as layers of newc cpio concatenated at boot:
#   system  busybox, init, QEMU + socat + jq + cgroup-tools with their libraries, the
#           kernel modules the lab host needs, the guest kernel (per lab kernel)
#   guest   the guest initramfs (busybox, init, testsuite-mem), stress-ng and fio layers
#   suite   the harness scripts (rebuilt each run: small)
# The large files of the system and guest layers live in stores (see split_store): disks
# mounted at /store/system and /store/guest, or more cpio layers when the kernel cannot.
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
	case $1 in
	arm64) echo "virtio_mmio virtio_pci virtio_console" ;;
	*) echo "virtio_pci virtio_console" ;;
	esac
}

# The bus of the nested guests' results port. On arm64 virt, virtio-mmio: enumerating PCI
# costs a nested guest about a second of its boot (measured in the lab).
lab_guest_virtio_bus() {
	if [ "$1" = arm64 ] && { [ -f "$2/lib/modules/virtio_mmio.ko" ] ||
		grep -qx 'CONFIG_VIRTIO_MMIO=y' "$LAB_KROOT"/boot/config-* 2>/dev/null; }; then
		echo mmio
	else
		echo pci
	fi
}

lab_lab_tools() {
	_t=$(lab_triple "$1")
	echo "/usr/bin/qemu-system-$_t /usr/bin/socat /usr/bin/jq /usr/bin/cgcreate /usr/bin/cgset \
/usr/bin/cgexec /usr/bin/cgdelete /usr/bin/cgget /usr/bin/cgclassify"
}

# The images' /init: image/init with the contract's names (lib/contract.sh) in front of
# it, as its header says: image code sources nothing at run time.
lab_image_init() {
	{
		echo '#!/bin/sh'
		grep -v '^#' "$1/harness/lib/contract.sh"
		sed 1d "$1/harness/image/init"
	} >"$2"
	chmod +x "$2"
}

# The build key of an image of ARCH: the staged packages' versions, what goes into every
# image (/init, the contract) and the code that builds them, and the extra inputs given.
lab_image_key() {
	_ik_top=$1
	_ik_arch=$2
	shift 2
	inputs_key "$_ik_top/.cache/debs/$_ik_arch/lock" "$_ik_top/harness/image/init" \
		"$_ik_top/harness/lib/contract.sh" "$_ik_top/harness/lib/host/image.sh" \
		"$_ik_top/harness/lib/host/lab-images.sh" "$@"
}

# Build (or reuse) the system layer. Sets LAB_SYSTEM_CPIO and LAB_SYSTEM_STORE.
lab_build_system() {
	_top=$1
	_arch=$2
	_root=$_top/.cache/stage/$_arch/root
	_key=$(lab_image_key "$_top" "$_arch" "$LAB_KERNEL")
	LAB_SYSTEM_CPIO=$_top/.cache/lab/$_arch/system-$LAB_KERNEL_ID-$_key.cpio
	LAB_SYSTEM_STORE=${LAB_SYSTEM_CPIO%.cpio}-store
	[ -f "$LAB_SYSTEM_CPIO" ] && return 0
	log "building the $_arch lab-host image (kernel $LAB_KERNEL_ID)"
	_img=""
	make_tmpdir _img system
	install_busybox "$_root" "$_img"
	lab_image_init "$_top" "$_img/init"
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
		install_modules "$LAB_KROOT" "$_mods" $(lab_guest_modules "$_arch")
		make_cpio "$_mods" "$_img/lab/guest/modules.cpio"
		lab_guest_virtio_bus "$_arch" "$_mods" >"$_img/lab/guest/virtio-bus"
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
	if [ "$_arch" = arm64 ] && [ -f "$_root/usr/share/qemu-efi-aarch64/QEMU_EFI.fd" ]; then
		# UEFI for the nested guests of a host with the APF series (guest --uefi)
		mkdir -p "$_img/usr/share/qemu-efi-aarch64"
		cp "$_root/usr/share/qemu-efi-aarch64/QEMU_EFI.fd" "$_img/usr/share/qemu-efi-aarch64/"
	fi
	mkdir -p "${LAB_SYSTEM_CPIO%/*}"
	rm -f "${LAB_SYSTEM_CPIO%/*}/system-$LAB_KERNEL_ID-"*
	_store=""
	make_tmpdir _store system-store
	split_store "$_img" "$_store" system
	make_store "$_store" system "$LAB_SYSTEM_STORE"
	make_cpio "$_img" "$LAB_SYSTEM_CPIO"
	rm -rf "$_img" "$_store"
	log "lab-host image: $LAB_SYSTEM_CPIO ($(du -m "$LAB_SYSTEM_CPIO" | cut -f1) MB, store $(du -m "$LAB_SYSTEM_STORE.ext4" | cut -f1) MB)"
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

# Build (or reuse) the guest initramfs and the layer carrying it. Sets LAB_GUEST_LAYER
# and LAB_GUEST_STORE. The guest initramfs (/lab/guest/initrd) is only busybox, init and
# testsuite-mem: the nested kernel unpacks every byte of it at each boot. stress-ng and fio
# come with their libraries as extra archives (/lab/guest/<tool>.cpio[.gz]) that a guest
# carries only when it runs them; fio's closure (ceph, gluster, ICU) is compressed.
lab_build_guest() {
	_top=$1
	_arch=$2
	_root=$_top/.cache/stage/$_arch/root
	_wl=$(lab_workload_binary "$_top" "$_arch")
	_key=$(lab_image_key "$_top" "$_arch" "${_wl:-no-workload}" "$_top/harness/image/apf-workload")
	_dir=$_top/.cache/lab/$_arch
	LAB_GUEST_LAYER=$_dir/guest-layer-$_key.cpio
	LAB_GUEST_STORE=${LAB_GUEST_LAYER%.cpio}-store
	[ -f "$LAB_GUEST_LAYER" ] && return 0
	log "building the $_arch guest image"
	_img=""
	make_tmpdir _img guest
	install_busybox "$_root" "$_img/base"
	lab_image_init "$_top" "$_img/base/init"
	mkdir -p "$_img/base/etc" "$_img/base/usr/bin"
	echo 'root:x:0:0:root:/root:/bin/sh' >"$_img/base/etc/passwd"
	echo 'root:x:0:' >"$_img/base/etc/group"
	[ -n "$_wl" ] && cp "$_wl" "$_img/base/usr/bin/testsuite-mem"
	cp "$_top/harness/image/apf-workload" "$_img/base/usr/bin/apf-workload"
	copy_with_libs "$_root" "$_img/stress-ng" "$_arch" /usr/bin/stress-ng
	copy_with_libs "$_root" "$_img/fio" "$_arch" /usr/bin/fio
	mkdir -p "$_dir" "$_img/layer/lab/guest"
	rm -rf "$_dir"/guest-* "$_dir"/native-guest-*
	make_cpio "$_img/base" "$_img/layer/lab/guest/initrd"
	make_cpio "$_img/stress-ng" "$_img/layer/lab/guest/stress-ng.cpio"
	make_cpio "$_img/fio" "$_img/fio.cpio"
	gzip -1 -c "$_img/fio.cpio" >"$_img/layer/lab/guest/fio.cpio.gz"
	log "guest image: initramfs $(du -m "$_img/layer/lab/guest/initrd" | cut -f1) MB, stress-ng $(du -m "$_img/layer/lab/guest/stress-ng.cpio" | cut -f1) MB, fio $(du -m "$_img/layer/lab/guest/fio.cpio.gz" | cut -f1) MB"
	split_store "$_img/layer" "$_img/store" guest
	make_store "$_img/store" guest "$LAB_GUEST_STORE"
	make_cpio "$_img/layer" "$LAB_GUEST_LAYER"
	rm -rf "$_img"
}

# Where the lab host finds its stores: on disks when its kernel can mount them (a Debian
# kernel: the image carries its virtio_blk module), else in the initramfs.
lab_store_mode() {
	if [ -n "$LAB_KROOT" ]; then echo disk; else echo initrd; fi
}

# Run CMD with each of the system and guest layers on its stdin, in boot order, with their
# stores when MODE is initrd.
lab_each_layer() {
	_el_mode=$1
	shift
	for _el in "$LAB_SYSTEM_CPIO" "$LAB_SYSTEM_STORE.cpio" "$LAB_GUEST_LAYER" "$LAB_GUEST_STORE.cpio"; do
		case $_el in
		*-store.cpio) [ "$_el_mode" = initrd ] || continue ;;
		esac
		"$@" <"$_el" || return 1
	done
}

# lab_initrd TOP JOBDIR MODE: the lab host's initramfs on stdout: the system and guest
# layers (with their stores when MODE is initrd), the suite layer, the job (JOBDIR holds
# job/run and work/).
lab_initrd() {
	lab_build_suite "$1" "$2.suite.cpio" "$LAB_ARCH"
	make_cpio "$2" "$2.job.cpio"
	lab_each_layer "$3" cat
	cat "$2.suite.cpio" "$2.job.cpio"
	rm -f "$2.suite.cpio" "$2.job.cpio"
}

# The suite layer: the KVM-host part of the tree under /suite, laid out as in the
# repository (harness/kvmhost, the shared and KVM-host libraries, cgroups/), with the KVM
# probe beside the commands and /suite/bin a link to harness/kvmhost: the commands are on
# the lab host's PATH (harness/LAB.md) as they are on this machine's when native.
lab_build_suite() {
	_top=$1
	_out=$2
	make -s -C "$_top/harness/probe" ARCH_TARGET="$3" >&2 || die "building the KVM probe failed"
	make -s -C "$_top/harness/apf-vmm" ARCH_TARGET="$3" >&2 || die "building apf-vmm failed"
	_img=""
	make_tmpdir _img suite
	mkdir -p "$_img/suite"
	_shared="harness/lib/*.sh harness/lib/*.awk harness/lib/kernel-splat.patterns"
	# shellcheck disable=SC2086 # the shared files, globbed
	(cd "$_top" && tar -cf - harness/kvmhost $_shared harness/lib/kvmhost cgroups) |
		(cd "$_img/suite" && tar -xf -)
	cp "$_top/harness/probe/build/$3/kvm-cap" "$_img/suite/harness/kvmhost/kvm-cap"
	for _f in apf-vmm apf-vmm.so sdei-boot.efi; do
		[ -f "$_top/harness/apf-vmm/build/$3/$_f" ] || continue
		cp "$_top/harness/apf-vmm/build/$3/$_f" "$_img/suite/harness/kvmhost/$_f"
	done
	ln -s harness/kvmhost "$_img/suite/bin"
	make_cpio "$_img" "$_out"
	rm -rf "$_img"
}
