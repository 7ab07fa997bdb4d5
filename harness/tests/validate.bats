#!/usr/bin/env bats
# Validating a kernel patch series (issue 14): the provenance a run's manifest records,
# series intake (harness/series), the lab kernel's config check, and the
# baseline-vs-candidate report (harness/validate).

load common
bats_require_minimum_version 1.5.0

# A small kernel tree for the series tests: the files the fixture series touch, and what
# harness/series needs to take a tree as a kernel tree, from Debian's linux-source-6.12
# (as a git tree of its own, the user's tree of the tests).
setup_file() {
	l=$BATS_FILE_TMPDIR/linux
	mkdir -p "$l"
	tar -xJf /usr/src/linux-source-6.12.tar.xz -C "$l" --strip-components=1 \
		linux-source-6.12/Makefile linux-source-6.12/scripts/kconfig/merge_config.sh \
		linux-source-6.12/include/linux/arm-smccc.h linux-source-6.12/arch/arm64/include/uapi/asm/kvm.h \
		linux-source-6.12/arch/arm64/kvm/hypercalls.c linux-source-6.12/arch/arm64/kvm/Kconfig
	git -C "$l" init -q
	git -C "$l" add -A
	git -C "$l" -c user.name=t -c user.email=t@t commit -qm "linux-source-6.12, six files"
}

setup() {
	common_setup
	FIX="$BATS_TEST_DIRNAME/fixtures/series"
	SERIES="$TOP/harness/series"
	LINUX=$BATS_FILE_TMPDIR/linux
	WORK=$BATS_TEST_TMPDIR/work
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

# ---- series intake (harness/series) ----

# the user's tree as it was: HEAD, no change, no new ref or worktree
tree_state() {
	git -C "$LINUX" rev-parse HEAD
	git -C "$LINUX" status --porcelain
	git -C "$LINUX" for-each-ref
	ls "$LINUX/.git"
}

@test "series: an mbox with a cover letter applies on a git tree; its subject, version, Message-ID and new option; the user's tree untouched" {
	before=$(tree_state)
	run --separate-stderr "$SERIES" --base "$LINUX" --work "$WORK" --apply-only "$FIX/vendor-hyp-host-release.mbox"
	assert_success
	assert_line series_name=vendor-hyp-host-release
	assert_line 'series_subject=KVM: arm64: A HOST_RELEASE vendor hypervisor service'
	assert_line series_version=v2
	assert_line series_message_id=20261130090000.0-vendor-hyp@apf-suite.example
	assert_line series_patches=2
	assert_line series_options=CONFIG_KVM_HOST_RELEASE_HVC
	assert_line "kernel_base_commit=$(git -C "$LINUX" rev-parse HEAD)"
	[ "$(tree_state)" = "$before" ]
	# the scratch tree holds the series on top of the base, checked out
	t=$(ls -d "$WORK"/trees/git-*)
	run git -C "$t" log --format=%s "$(git -C "$LINUX" rev-parse HEAD)..refs/apf/vendor-hyp-host-release"
	assert_output 'KVM: arm64: Offer the HOST_RELEASE vendor hypervisor service
KVM: arm64: Define the HOST_RELEASE vendor hypervisor service'
	grep -q 'KVM_HOST_RELEASE_HVC' "$t/arch/arm64/kvm/Kconfig"
	run grep -c HOST_RELEASE "$LINUX/arch/arm64/kvm/hypercalls.c"
	assert_output 0
}

@test "series: a directory of patches applies; no cover letter: the first patch's subject, v1" {
	run --separate-stderr "$SERIES" --base "$LINUX" --work "$WORK" --apply-only "$FIX/pv-time-regression"
	assert_success
	assert_line series_name=pv-time-regression
	assert_line 'series_subject=KVM: arm64: Drop the PV_TIME_FEATURES case of SMCCC_ARCH_FEATURES'
	assert_line series_version=v1
	assert_line series_message_id=20261130093000.1-pv-time@apf-suite.example
	assert_line series_patches=1
	assert_line series_options=
}

@test "series: the same series on the same base is the same commit, applied at another time in another work directory (a rebuild is the same Image)" {
	run -0 --separate-stderr "$SERIES" --base "$LINUX" --work "$WORK" --apply-only "$FIX/vendor-hyp-host-release.mbox"
	first=$(printf '%s\n' "$output" | grep '^kernel_tree_commit=')
	sleep 1.1
	run -0 --separate-stderr "$SERIES" --base "$LINUX" --work "$WORK-2" --apply-only "$FIX/vendor-hyp-host-release.mbox"
	assert_line "$first"
	# and the commits are dated as the mails, which the build takes as its timestamp
	t=$(ls -d "$WORK-2"/trees/git-*)
	run -0 git -C "$t" log -2 --format=%ad --date=unix refs/apf/vendor-hyp-host-release
	ad=$output
	run -0 git -C "$t" log -2 --format=%cd --date=unix refs/apf/vendor-hyp-host-release
	assert_output "$ad"
}

@test "series: a patch that does not apply: exit 2, one line naming the patch and the failing hunk; the scratch tree back at the base" {
	cp -r "$FIX/pv-time-regression" "$BATS_TEST_TMPDIR/broken"
	p=$(ls "$BATS_TEST_TMPDIR"/broken/*.patch)
	# a context line of the only hunk that the base does not have
	sed -i 's/^ \t\t\tbreak;$/ \t\t\tbreak; \/* changed *\//' "$p"
	run --separate-stderr "$SERIES" --base "$LINUX" --work "$WORK" --apply-only "$BATS_TEST_TMPDIR/broken"
	[ "$status" -eq 2 ]
	[ "${#stderr_lines[@]}" -eq 1 ] || fail "$stderr"
	[ -z "$output" ]
	assert_equal "$stderr" "series: SERIES $BATS_TEST_TMPDIR/broken: patch 1/1 \"KVM: arm64: Drop the PV_TIME_FEATURES case of SMCCC_ARCH_FEATURES\" does not apply to git-$(printf '%s' "$(cd "$LINUX" && pwd -P)" | sha256sum | cut -c1-12): hunk @@ -338,11 +338,6 @@ int kvm_smccc_call_handler(struct kvm_vcpu *vcpu) of arch/arm64/kvm/hypercalls.c (line 338) fails"
	t=$(ls -d "$WORK"/trees/git-*)
	[ ! -e "$t/.git/rebase-apply" ]
	assert_equal "$(git -C "$t" rev-parse HEAD)" "$(git -C "$LINUX" rev-parse HEAD)"
	run git -C "$t" status --porcelain
	assert_output ''
	# and a patch of a file the base does not have
	sed -i 's|arch/arm64/kvm/hypercalls.c|arch/arm64/kvm/nosuch.c|g' "$p"
	run --separate-stderr "$SERIES" --base "$LINUX" --work "$WORK" --apply-only "$BATS_TEST_TMPDIR/broken"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *'patch 1/1 "KVM: arm64: Drop the PV_TIME_FEATURES case of SMCCC_ARCH_FEATURES" does not apply to git-'*': arch/arm64/kvm/nosuch.c: does not exist in index' ]] || fail "$stderr"
}

@test "series: bad input is one line, exit 2, nothing made: no such series, not a mail, no patch, bad base" {
	mkdir -p "$BATS_TEST_TMPDIR/empty" "$BATS_TEST_TMPDIR/cover-only"
	echo 'not a mail' >"$BATS_TEST_TMPDIR/notmail.mbox"
	sed -n '1,/^-- $/p' "$FIX/vendor-hyp-host-release.mbox" >"$BATS_TEST_TMPDIR/cover-only/0000.patch"
	while IFS='|' read -r args want; do
		eval "set -- $args"
		run --separate-stderr "$SERIES" --work "$WORK" --apply-only "$@"
		[ "$status" -eq 2 ] || fail "$args: status $status $stderr"
		[ "${#stderr_lines[@]}" -eq 1 ] || fail "$args: $stderr"
		[[ "$stderr" == "series: "$want ]] || fail "$args: '$stderr', want 'series: $want'"
	done <<-EOF
	--base "$LINUX" "$BATS_TEST_TMPDIR/nosuch/x.mbox"|SERIES $BATS_TEST_TMPDIR/nosuch/x.mbox: no such file or directory
	--base "$LINUX" nosuch|SERIES nosuch: no such file or directory, and not a message-id (no '@')
	--base "$LINUX" "$BATS_TEST_TMPDIR/notmail.mbox"|$BATS_TEST_TMPDIR/notmail.mbox:1: not a mail (no Subject: header in its first header block; git format-patch or an mbox)
	--base "$LINUX" --config "$BATS_TEST_TMPDIR/nosuch.config" "$FIX/pv-time-regression"|--config $BATS_TEST_TMPDIR/nosuch.config: no such readable file
	--base "$LINUX" --config "$BATS_TEST_TMPDIR/notmail.mbox" "$FIX/pv-time-regression"|--config $BATS_TEST_TMPDIR/notmail.mbox:1: not a config fragment (no CONFIG_X=... or '# CONFIG_X is not set' line)
	--base "$LINUX" "$BATS_TEST_TMPDIR/empty"|SERIES $BATS_TEST_TMPDIR/empty: no *.patch, *.eml, *.mbox or *.mbx file in the directory
	--base "$LINUX" "$BATS_TEST_TMPDIR/cover-only"|SERIES $BATS_TEST_TMPDIR/cover-only: no patch in it (no mail with a diff)
	--base "$BATS_TEST_TMPDIR/nosuch" "$FIX/pv-time-regression"|--base $BATS_TEST_TMPDIR/nosuch: no such directory (a kernel git tree, debian-6.12 or debian-6.1)
	--base "$BATS_TEST_TMPDIR" "$FIX/pv-time-regression"|--base $BATS_TEST_TMPDIR: not a git tree
	--base debian-6.3 "$FIX/pv-time-regression"|--base debian-6.3: known Debian bases are debian-6.12 and debian-6.1
	--base "$LINUX" --base "$LINUX" "$FIX/pv-time-regression"|--base given twice (each option takes one value)
	--base "$LINUX" --name ../x "$FIX/pv-time-regression"|--name '../x': letters, digits, '.', '_' and '-', not starting with '.' or '-'
	--base "$LINUX" "$FIX/pv-time-regression" "$FIX/pv-time-regression"|one SERIES at most (see --help)
	--base "$LINUX" --bogus|unknown option '--bogus' (see --help)
	--base "$LINUX" -- -x.mbox|SERIES -x.mbox: no such file or directory, and not a message-id (no '@')
	--base|--base needs a value (see --help)
	EOF
	[ ! -e "$WORK" ]
}

@test "series: mails as a list archive keeps them: tens of header lines before the Subject:, a patch in base64" {
	p=$(ls "$FIX"/pv-time-regression/*.patch)
	m=$BATS_TEST_TMPDIR/archive
	mkdir -p "$m"
	{
		echo 'From mboxrd@z Thu Jan  1 00:00:00 1970'
		i=0
		while [ $i -lt 45 ]; do
			printf 'Received: from relay%d.example (relay%d.example [192.0.2.%d])\n\tby list.example; Mon, 30 Nov 2026 09:30:00 +0000\n' $i $i $i
			i=$((i + 1))
		done
		# the patch's own headers, a folded Subject: with its second line
		awk '/^$/ { exit } /^[ \t]/ { if (keep) print; next }
			{ keep = /^(From|Date|Subject|Message-I[Dd]): / } keep' "$p"
		printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset="utf-8"\nContent-Transfer-Encoding: base64\n\n'
		sed '1,/^$/d' "$p" | base64
	} >"$m/0001.eml"
	run grep -c '^diff --git' "$m/0001.eml"
	assert_output 0
	run --separate-stderr "$SERIES" --base "$LINUX" --work "$WORK" --apply-only "$m"
	assert_success
	assert_line series_patches=1
	assert_line 'series_subject=KVM: arm64: Drop the PV_TIME_FEATURES case of SMCCC_ARCH_FEATURES'
	# the decoded patch is what was applied
	t=$(ls -d "$WORK"/trees/git-*)
	run git -C "$t" diff --name-only "$(git -C "$LINUX" rev-parse HEAD)" refs/apf/archive
	assert_output arch/arm64/kvm/hypercalls.c
}

@test "series: a message-id is fetched with b4, and where it cannot be the message says so" {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	# a b4 that cannot reach the archive, as here
	printf '#!/bin/sh\necho "Grabbing thread from lore.kernel.org/all/x" >&2\necho "That message-id is not known." >&2\nexit 1\n' >"$BATS_TEST_TMPDIR/bin/b4"
	chmod +x "$BATS_TEST_TMPDIR/bin/b4"
	PATH=$BATS_TEST_TMPDIR/bin:$PATH run --separate-stderr "$SERIES" --base "$LINUX" --work "$WORK" --apply-only 20261130090000.0-vendor-hyp@apf-suite.example
	[ "$status" -eq 2 ]
	assert_equal "$stderr" "series: SERIES 20261130090000.0-vendor-hyp@apf-suite.example: b4 could not fetch the series (no network access to the mailing-list archive here?): give an mbox file or a directory of patches; b4 said: That message-id is not known."
	# a b4 that fetches: the series as b4 am writes it, an .mbx
	printf '#!/bin/sh\nwhile [ "$1" != -o ]; do shift; done\ncp "%s" "$2/v2_20261130_dev.mbx"\n' "$FIX/vendor-hyp-host-release.mbox" >"$BATS_TEST_TMPDIR/bin/b4"
	PATH=$BATS_TEST_TMPDIR/bin:$PATH run --separate-stderr "$SERIES" --base "$LINUX" --work "$WORK" --apply-only --name vh 20261130090000.0-vendor-hyp@apf-suite.example
	assert_success
	assert_line series_patches=2
	assert_line series_version=v2
}

@test "series: a config fragment option that did not survive olddefconfig is bad input, each named with its fragment and line" {
	d=$BATS_TEST_TMPDIR/cfg
	mkdir -p "$d/tree/arch"
	printf 'config FOO\n\tbool "foo"\nconfig BAR\n\tbool\nmenuconfig BAZ\n\tbool "baz"\n' >"$d/tree/arch/Kconfig"
	printf 'CONFIG_FOO=y\n# CONFIG_BAZ is not set\n' >"$d/.config"
	printf '# lab\nCONFIG_FOO=y\nCONFIG_BAR=y\n# optional: the series options\nCONFIG_APF=y\n# required: from here\nCONFIG_QUX=y\n# CONFIG_BAZ is not set\n' >"$d/frag.config"
	check() {
		sh -c ". '$TOP/harness/lib/common.sh'; . '$TOP/harness/lib/host/series.sh'; APF_PROG=series; TOP=$d; series_fragments_check \"\$@\"" sh "$@"
	}
	run --separate-stderr check "$d/.config" "$d/tree" "$d/frag.config"
	[ "$status" -eq 2 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	assert_equal "$stderr" "series: config options that did not survive: frag.config:3: CONFIG_BAR=y is not set after olddefconfig; frag.config:7: CONFIG_QUX=y is not set after olddefconfig (no such option in this tree)"
	# all there: nothing said
	printf 'CONFIG_FOO=y\nCONFIG_BAR=y\nCONFIG_QUX=y\n' >"$d/.config"
	run --separate-stderr check "$d/.config" "$d/tree" "$d/frag.config"
	assert_success
	assert_equal "$stderr" ''
	# a value other than the fragment's
	printf 'CONFIG_FOO=m\nCONFIG_BAR=y\nCONFIG_QUX=y\n' >"$d/.config"
	run --separate-stderr check "$d/.config" "$d/tree" "$d/frag.config"
	[ "$status" -eq 2 ]
	assert_equal "$stderr" "series: config options that did not survive: frag.config:2: CONFIG_FOO=y is m after olddefconfig"
	# a later fragment (--config) overrides an earlier one's value: the last is wanted
	printf '# CONFIG_FOO is not set\nCONFIG_BAR=y\n' >"$d/user.config"
	printf '# CONFIG_FOO is not set\nCONFIG_BAR=y\nCONFIG_QUX=y\n' >"$d/.config"
	run --separate-stderr check "$d/.config" "$d/tree" "$d/frag.config" "$d/user.config"
	assert_success
	printf 'CONFIG_FOO=y\nCONFIG_BAR=y\nCONFIG_QUX=y\n' >"$d/.config"
	run --separate-stderr check "$d/.config" "$d/tree" "$d/frag.config" "$d/user.config"
	[ "$status" -eq 2 ]
	assert_equal "$stderr" "series: config options that did not survive: user.config:1: CONFIG_FOO=n is y after olddefconfig"
}

# ---- the probe's capability: vendor-hyp functions by name ----

@test "probe: the vendor-hyp functions FEATURES advertises, by name; one the suite does not know is fnN, a new capability" {
	cat >"$BATS_TEST_TMPDIR/t.c" <<-'C'
	#include <stdio.h>
	#include <stdlib.h>
	#include "apf_caps.h"
	int main(int argc, char **argv)
	{
		char buf[512];
		size_t len = argc > 3 ? strtoul(argv[3], NULL, 0) : sizeof(buf);

		(void)argc;
		printf("[%s]\n", apf_vendor_functions(strtoull(argv[1], NULL, 0), atoi(argv[2]), buf, len));
		return 0;
	}
	C
	gcc -std=c11 -Wall -Wextra -Werror -I"$TOP/selftests/include" -o "$BATS_TEST_TMPDIR/t" \
		"$BATS_TEST_TMPDIR/t.c" "$TOP/selftests/lib/apf_caps.c"
	while read -r features apf want; do
		run "$BATS_TEST_TMPDIR/t" "$features" "$apf"
		assert_output "[$want]"
	done <<-'EOF'
	0x3 0 FEATURES PTP
	0x103 0 FEATURES PTP fn8
	0x7 0 FEATURES PTP fn2
	0x3 2 FEATURES APF
	0x7 4 FEATURES PTP APF
	0x7 3 FEATURES PTP APF
	0x8000000000000001 0 FEATURES fn63
	0xffffffffffffffff 0 none
	0x0 0
	EOF
	# a short buffer is cut, never overrun
	run "$BATS_TEST_TMPDIR/t" 0x103 0 10
	assert_output '[FEATURES ]'
}

# ---- the baseline-vs-candidate report (harness/validate --compare) ----

@test "validate: the report names pass->fail first with the failed check, new splats and new capabilities; a regression is exit 1" {
	V=$BATS_TEST_DIRNAME/fixtures/validate
	run --separate-stderr "$TOP/harness/validate" --compare "$V/base" "$V/candidate"
	[ "$status" -eq 1 ]
	assert_output "== tests whose state changed (baseline -> candidate)
  pass->fail selftests/vendor_hyp: ARCH_FEATURES(PV_TIME_FEATURES) is SUCCESS
  pass->fail selftests/fw_regs: the host kernel reported a bug while it ran: WARNING: CPU: 0 PID: 71 at arch/arm64/kvm/hypercalls.c:140 kvm_hvc
  skip->pass selftests/smccc_fwd
== new kernel splats (the candidate's, not the baseline's)
  fw_regs: WARNING: CPU: 0 PID: 71 at arch/arm64/kvm/hypercalls.c:140 kvm_hvc
== new capabilities (the selftests' probe: candidate against baseline)
  vendor_hyp_functions: FEATURES PTP -> FEATURES PTP fn8
verdict: REGRESSION (2 test(s) pass->fail, 1 new kernel splat(s))"
}

@test "validate: a new capability alone is no regression; the same run twice changes nothing" {
	V=$BATS_TEST_DIRNAME/fixtures/validate
	run --separate-stderr "$TOP/harness/validate" --compare "$V/base" "$V/capability"
	assert_success
	assert_line '  vendor_hyp_functions: FEATURES PTP -> FEATURES PTP fn8'
	assert_line 'verdict: no regression (1 new capability)'
	run --separate-stderr "$TOP/harness/validate" --compare "$V/base" "$V/base"
	assert_success
	[ "$(printf '%s\n' "$output" | grep -c '^  none$')" -eq 3 ]
	assert_line 'verdict: no regression (0 new capabilities)'
}

@test "validate: bad usage is one line, exit 2, nothing made" {
	V=$BATS_TEST_DIRNAME/fixtures/validate
	mkdir -p "$BATS_TEST_TMPDIR/nolog"
	while IFS='|' read -r args want; do
		eval "set -- $args"
		run --separate-stderr "$TOP/harness/validate" --work "$WORK" "$@"
		[ "$status" -eq 2 ] || fail "$args: status $status $stderr"
		[ "${#stderr_lines[@]}" -eq 1 ] || fail "$args: $stderr"
		assert_equal "$stderr" "validate: $want"
	done <<-EOF
	--compare "$V/base"|--compare needs two check directories (see --help)
	--compare "$V/base" "$BATS_TEST_TMPDIR/nosuch"|--compare: $BATS_TEST_TMPDIR/nosuch: no such directory
	--compare "$V/base" "$BATS_TEST_TMPDIR/nolog"|--compare: $BATS_TEST_TMPDIR/nolog: no layer log (*.log) in it
	|give one SERIES (see --help)
	--base nosuch-base "$FIX/pv-time-regression"|--base nosuch-base: no such directory (a kernel git tree, debian-6.12 or debian-6.1)
	--base "$LINUX" "$BATS_TEST_TMPDIR/nosuch.mbox"|SERIES $BATS_TEST_TMPDIR/nosuch.mbox: no such file or directory
	--bogus|unknown option '--bogus' (see --help)
	EOF
	[ ! -e "$WORK" ]
}

@test "validate: a series that does not apply is exit 2 naming the patch and hunk, before any build" {
	cp -r "$FIX/pv-time-regression" "$BATS_TEST_TMPDIR/broken"
	sed -i 's/^ \t\t\tbreak;$/ \t\t\tbreak; \/* changed *\//' "$BATS_TEST_TMPDIR"/broken/*.patch
	run --separate-stderr "$TOP/harness/validate" --base "$LINUX" --work "$WORK" "$BATS_TEST_TMPDIR/broken"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *'patch 1/1 "KVM: arm64: Drop the PV_TIME_FEATURES case of SMCCC_ARCH_FEATURES" does not apply to git-'*': hunk @@ -338,11 +338,6 @@ int kvm_smccc_call_handler(struct kvm_vcpu *vcpu) of arch/arm64/kvm/hypercalls.c (line 338) fails' ]] || fail "$stderr"
	[ ! -e "$WORK/build" ]
	[ ! -e "$WORK/kernels" ]
	[ ! -e "$WORK/runs" ]
}

# a copy of the suite whose series, check and bench commands are stand-ins that give the
# fixture logs and runs: harness/validate's own steps, the report and the exit status
stub_suite() {
	S=$BATS_TEST_TMPDIR/suite
	mkdir -p "$S/selftests"
	cp -r "$TOP/harness" "$S/"
	printf 'all:\n\t@:\n' >"$S/selftests/Makefile"
	V=$BATS_TEST_DIRNAME/fixtures/validate
	T=$BATS_TEST_DIRNAME/fixtures/tables
	cat >"$S/harness/series" <<-EOF
	#!/bin/sh
	work= apply=0 series=
	while [ \$# -gt 0 ]; do
		case \$1 in --work) work=\$2; shift ;; --base) shift ;; --apply-only) apply=1 ;; *) series=\$1 ;; esac
		shift
	done
	if [ "\$apply" = 1 ]; then
		printf 'series_name=fix\nseries_subject=KVM: arm64: a fixture\nseries_version=v3\nseries_message_id=1@fix\nseries_patches=2\nseries_options=CONFIG_FIX\nkernel_base=debian-6.12\n'
		exit 0
	fi
	name=base
	[ -z "\$series" ] || name=cand
	k=\$work/kernels/debian-6.12/\$name
	mkdir -p "\$k"
	echo image >"\$k/Image"
	printf 'kernel_release=6.12.117-apf-%s\nkernel_image_sha256=%s\nkernel_config_sha256=c0ffee\nkernel_build_s=7\nkernel_build_kind=cold\nkernel_build_ccache=hits 1, misses 2\nkernel_base_desc=linux-source-6.12 (fixture)\nkernel_base_commit=abcdef0123456789\n' "\${k##*/}" "\$(printf %s "\${k##*/}" | sha256sum | cut -c1-64)" >"\$k/kernel.kv"
	echo "\$k"
	EOF
	cat >"$S/harness/check" <<-EOF
	#!/bin/sh
	mkdir -p "\$CHECK_DIR"
	case \$KERNEL in */base/*) cp "$V"/base/* "\$CHECK_DIR/" ;; *) cp "$V"/candidate/* "\$CHECK_DIR/" ;; esac
	tail -n 1 "\$CHECK_DIR/selftests.log"
	EOF
	cat >"$S/harness/bench" <<-EOF
	#!/bin/sh
	while [ \$# -gt 0 ]; do
		case \$1 in --results) res=\$2; shift ;; --run-id) id=\$2; shift ;; esac
		shift
	done
	case \$KERNEL in */base/*) from=kernel-base ;; *) from=kernel-candidate ;; esac
	mkdir -p "\$res"
	cp -r "$T/\$from" "\$res/\$id"
	sed -i "s/^run_id=.*/run_id=\$id/" "\$res/\$id/manifest"
	EOF
	chmod +x "$S/harness/series" "$S/harness/check" "$S/harness/bench"
}

@test "validate: the whole chain (stand-in builds and lab runs): the steps in order, timed; the report with the series, both kernels, the changes, the benchmark; exit 1 on a regression" {
	stub_suite
	run --separate-stderr "$S/harness/validate" --base debian-6.12 --work "$WORK" --out "$BATS_TEST_TMPDIR/out" --bench short "$FIX/pv-time-regression"
	[ "$status" -eq 1 ] || fail "status $status: $stderr"
	o=$BATS_TEST_TMPDIR/out
	cmp <(printf '%s\n' "$output") "$o/report.txt"
	assert_line '== validation of a series on debian-6.12'
	assert_line 'series:    "KVM: arm64: a fixture" v3, 2 patch(es), Message-ID <1@fix>'
	assert_line '           new config options: CONFIG_FIX'
	assert_line 'base:      linux-source-6.12 (fixture), commit abcdef012345'
	assert_line --regexp '^  base: +6\.12\.117-apf-base \(Image [0-9a-f]{12}, config c0ffee\): 7 s, cold \(ccache: hits 1, misses 2\)$'
	assert_line --regexp '^  candidate: 6\.12\.117-apf-cand \(Image [0-9a-f]{12}, config c0ffee\): 7 s, cold'
	assert_line --regexp '^  candidate: +selftests: 1 passed, 2 failed, 0 skipped$'
	assert_line '  pass->fail selftests/vendor_hyp: ARCH_FEATURES(PV_TIME_FEATURES) is SUCCESS'
	assert_line '  vendor_hyp_functions: FEATURES PTP -> FEATURES PTP fn8'
	assert_line '== benchmark (profile short): the candidate against the baseline (all tables: '"$o"'/tables/)'
	assert_line --regexp '^ +1 +time \(ms\) Amean +-APF +2/2 +105 +205 +\* +\+95\.2%\* '
	assert_line 'verdict: REGRESSION (2 test(s) pass->fail, 1 new kernel splat(s))'
	# every step timed, in order
	run cut -d= -f1 "$o/times.kv"
	assert_output 'build_base_s
build_candidate_s
selftests_build_s
selftests_base_s
selftests_candidate_s
bench_base_s
bench_candidate_s
total_s'
	for f in series.kv base.kernel.kv candidate.kernel.kv base/check/selftests.log candidate/check/selftests.log; do
		[ -s "$o/$f" ] || fail "$f: missing or empty"
	done
}

@test "validate: no regression is exit 0; --bench-args needs --bench; an unknown profile is bad usage" {
	stub_suite
	sed -i "s|cp \"$V\"/candidate/\\*|cp \"$V\"/capability/*|" "$S/harness/check"
	run --separate-stderr "$S/harness/validate" --base debian-6.12 --work "$WORK" --out "$BATS_TEST_TMPDIR/out" "$FIX/pv-time-regression"
	assert_success
	assert_line 'verdict: no regression (1 new capability)'
	refute_line --partial '== benchmark'
	run --separate-stderr "$S/harness/validate" --work "$WORK" --bench-args '--repeat 2' "$FIX/pv-time-regression"
	[ "$status" -eq 2 ]
	assert_equal "$stderr" 'validate: --bench-args needs --bench PROFILE'
	run --separate-stderr "$S/harness/validate" --work "$WORK" --bench nosuch "$FIX/pv-time-regression"
	[ "$status" -eq 2 ]
	assert_equal "$stderr" "validate: --bench nosuch: no such profile ($S/harness/profiles/nosuch.profile)"
}

@test "series, validate: --help is exit 0 and names every option" {
	run "$SERIES" --help
	assert_success
	for o in --base --rev --work --config --name --apply-only; do assert_output --partial -- "$o"; done
	run "$TOP/harness/validate" --help
	assert_success
	for o in --base --work --out --run-args --bench --bench-args --compare; do assert_output --partial -- "$o"; done
}

@test "series: --rev takes another commit of a git base than HEAD; a commit it lacks, or --rev with a Debian base, is bad usage" {
	u=$BATS_TEST_TMPDIR/user
	git clone -q "$LINUX" "$u"
	sed -i 's/^\t\tcase ARM_SMCCC_HV_PV_TIME_FEATURES:$/\t\tcase ARM_SMCCC_HV_PV_TIME_FEATURES: \/* moved *\//' "$u/arch/arm64/kvm/hypercalls.c"
	git -C "$u" -c user.name=t -c user.email=t@t commit -qam "a later change"
	run --separate-stderr "$SERIES" --base "$u" --work "$WORK" --apply-only "$FIX/pv-time-regression"
	[ "$status" -eq 2 ]
	run --separate-stderr "$SERIES" --base "$u" --rev HEAD~1 --work "$WORK" --apply-only "$FIX/pv-time-regression"
	assert_success
	assert_line "kernel_base_commit=$(git -C "$u" rev-parse HEAD~1)"
	run --separate-stderr "$SERIES" --base "$u" --rev nosuch --work "$WORK" --apply-only "$FIX/pv-time-regression"
	[ "$status" -eq 2 ]
	assert_equal "$stderr" "series: --base $u: no commit nosuch in it (--rev)"
	run --separate-stderr "$SERIES" --base debian-6.12 --rev HEAD --work "$WORK" --apply-only "$FIX/pv-time-regression"
	[ "$status" -eq 2 ]
	assert_equal "$stderr" "series: --rev: only for a git BASE, not debian-6.12"
}
