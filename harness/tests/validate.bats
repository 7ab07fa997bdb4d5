#!/usr/bin/env bats
# Validating a kernel patch series (issue 14): the provenance a run's manifest records,
# series intake (harness/series), the lab kernel's config check, and the
# baseline-vs-candidate report (harness/validate).

load common
bats_require_minimum_version 1.5.0

setup() {
	common_setup
	FIX="$BATS_TEST_DIRNAME/fixtures/series"
	RUN=$BATS_TEST_TMPDIR/run
}

# provenance TOPDIR ARCH KERNEL PROFILE: provenance_kv's lines, into $RUN (a new directory)
provenance() {
	rm -rf "$RUN"
	mkdir -p "$RUN"
	sh -c ". '$TOP/harness/lib/common.sh'; . '$TOP/harness/lib/host/provenance.sh'; provenance_kv \"\$@\"" sh "$@" "$RUN"
}

# a suite checkout of its own: a git tree with the scenarios and a profile
fake_top() {
	F=$BATS_TEST_TMPDIR/top
	mkdir -p "$F/harness/profiles"
	cp "$TOP/harness/profiles/scenarios" "$TOP/harness/profiles/short.profile" "$F/harness/profiles/"
	git -C "$F" init -q
	git -C "$F" add -A
	git -C "$F" -c user.name=t -c user.email=t@t commit -qm top
}

@test "provenance: the suite's revision and whether the tree was dirty; the profile's contents and hash" {
	fake_top
	run provenance "$F" arm64 debian-6.12 "$F/harness/profiles/short.profile"
	assert_success
	assert_line "suite_revision=$(git -C "$F" rev-parse HEAD)"
	assert_line suite_dirty=no
	assert_line profile_file=harness/profiles/short.profile
	assert_line "profile_sha256=$(sha256sum <"$F/harness/profiles/short.profile" | cut -d' ' -f1)"
	assert_line "scenarios_sha256=$(sha256sum <"$F/harness/profiles/scenarios" | cut -d' ' -f1)"
	cmp "$RUN/profile.txt" "$F/harness/profiles/short.profile"
	echo '# changed' >>"$F/harness/profiles/short.profile"
	run provenance "$F" arm64 debian-6.12 "$F/harness/profiles/short.profile"
	assert_line suite_dirty=yes
	rm -rf "$F/.git"
	run provenance "$F" arm64 debian-6.12 "$F/harness/profiles/short.profile"
	assert_line 'suite_revision=unknown (not a git checkout)'
}

@test "provenance: a Debian kernel: its Image and config hashes, its package, no series; the lab's package versions" {
	fake_top
	k=$F/.cache/stage/arm64/kernel-6.12/boot
	mkdir -p "$k" "$F/.cache/debs/arm64"
	echo image >"$k/vmlinuz-6.12.95+deb12-cloud-arm64"
	echo config >"$k/config-6.12.95+deb12-cloud-arm64"
	printf 'busybox-static 1:1.35.0-4\nlinux-image-6.12.95+deb12-cloud-arm64 6.12.95-1~bpo12+1\n' >"$F/.cache/debs/arm64/lock"
	run provenance "$F" arm64 debian-6.12 "$F/harness/profiles/short.profile"
	assert_success
	assert_line series_profile=none
	assert_line "kernel_image_sha256=$(echo image | sha256sum | cut -d' ' -f1)"
	assert_line "kernel_config_sha256=$(echo config | sha256sum | cut -d' ' -f1)"
	assert_line 'kernel_package=linux-image-6.12.95+deb12-cloud-arm64 6.12.95-1~bpo12+1'
	assert_line "lab_packages_sha256=$(sha256sum <"$F/.cache/debs/arm64/lock" | cut -d' ' -f1)"
	cmp "$RUN/packages.lock" "$F/.cache/debs/arm64/lock"
	assert_line --regexp '^host_packages=.*gcc-aarch64-linux-gnu [0-9]'
}

@test "provenance: an Image built by harness/series carries its series, base and build; another Image is unknown" {
	fake_top
	d=$BATS_TEST_TMPDIR/k
	mkdir -p "$d"
	echo image >"$d/Image"
	cat >"$d/kernel.kv" <<-KV
	kernel_release=6.12.117-apf-vendor-hyp
	kernel_image=$d/Image
	kernel_image_sha256=$(echo image | sha256sum | cut -d' ' -f1)
	kernel_config_sha256=abc
	kernel_build_s=612
	kernel_base=debian-6.12
	kernel_base_commit=1234
	series_name=vendor-hyp
	series_subject=KVM: arm64: a vendor hypervisor function
	series_version=v2
	series_message_id=1@example.org
	KV
	run provenance "$F" arm64 "$d/Image" "$F/harness/profiles/short.profile"
	assert_success
	assert_line 'series_profile=vendor-hyp v2'
	assert_line 'series_message_id=1@example.org'
	assert_line 'series_subject=KVM: arm64: a vendor hypervisor function'
	assert_line kernel_release=6.12.117-apf-vendor-hyp
	assert_line kernel_config_sha256=abc
	assert_line kernel_build_s=612
	assert_line kernel_base_commit=1234
	# one key once: the Image's hash is measured, not copied
	[ "$(printf '%s\n' "$output" | grep -c '^kernel_image_sha256=')" -eq 1 ]
	# a kernel.kv of another Image is not believed
	echo other >"$d/Image"
	run provenance "$F" arm64 "$d/Image" "$F/harness/profiles/short.profile"
	assert_line series_profile=unknown
	refute_line --partial series_subject=
}
