# shellcheck shell=sh
# Series intake and the lab kernel build (harness/series, harness/validate). Host only.
# Needs lib/common.sh. Sets SERIES_* variables for the caller.

# series_check_base BASE: debian-6.12, debian-6.1 or a git tree; bad usage otherwise.
series_check_base() {
	one_line --base "$1"
	case $1 in
	debian-6.12 | debian-6.1)
		[ -z "${SERIES_BASE_REV:-}" ] || usage_error "--rev: only for a git BASE, not $1"
		[ -f "/usr/src/linux-source-${1#debian-}.tar.xz" ] ||
			usage_error "--base $1: /usr/src/linux-source-${1#debian-}.tar.xz is missing (apt-get install linux-source-${1#debian-}, or harness/deps --validate)"
		;;
	debian-*) usage_error "--base $1: known Debian bases are debian-6.12 and debian-6.1" ;;
	'') usage_error "--base: an empty name" ;;
	*)
		[ -d "$1" ] || usage_error "--base $1: no such directory (a kernel git tree, debian-6.12 or debian-6.1)"
		git -C "$1" rev-parse --git-dir >/dev/null 2>&1 ||
			usage_error "--base $1: not a git tree"
		git -C "$1" rev-parse --verify -q "${SERIES_BASE_REV:-HEAD}^{commit}" >/dev/null 2>&1 ||
			usage_error "--base $1: no commit ${SERIES_BASE_REV:-HEAD} in it (--rev)"
		{ [ -f "$1/Makefile" ] && [ -f "$1/scripts/kconfig/merge_config.sh" ]; } ||
			usage_error "--base $1: not a kernel tree (no Makefile or scripts/kconfig/merge_config.sh)"
		;;
	esac
}

# series_check_source SERIES: an existing mbox or directory, or a message-id.
series_check_source() {
	one_line SERIES "$1"
	if [ -f "$1" ] || [ -d "$1" ]; then
		return 0
	fi
	[ ! -e "$1" ] || usage_error "SERIES $1: neither a file nor a directory"
	case $1 in
	*/*) usage_error "SERIES $1: no such file or directory" ;;
	*@*) ;;
	*) usage_error "SERIES $1: no such file or directory, and not a message-id (no '@')" ;;
	esac
}

series_check_name() {
	case $1 in
	'' | *[!A-Za-z0-9._-]* | [.-]*) usage_error "--name '$1': letters, digits, '.', '_' and '-', not starting with '.' or '-'" ;;
	esac
}

# series_default_name SERIES: the file name without its extension, made safe.
series_default_name() {
	_sn=${1%/}
	_sn=${_sn##*/}
	_sn=${_sn%.mbox}
	_sn=${_sn%.mbx}
	_sn=${_sn%.patch}
	_sn=$(printf '%s' "$_sn" | tr -c 'A-Za-z0-9._-' '_' | sed 's/^[._-]*//' | cut -c1-60)
	[ -n "$_sn" ] || _sn=series
	printf '%s\n' "$_sn"
}

# series_collect SERIES DIR: the series' mails, one a file, in order, into DIR
# (0001, 0002, ...; a cover letter without a diff is kept as DIR/cover). Bad input: not
# a mail, no patch at all, a message-id that cannot be fetched.
series_collect() {
	_src=$1 _dst=$2
	mkdir -p "$_dst/split"
	if [ -d "$_src" ]; then
		_n=0
		for _f in "$_src"/*; do
			case $_f in *.patch | *.eml | *.mbox | *.mbx) ;; *) continue ;; esac
			[ -f "$_f" ] || continue
			_n=$((_n + 1))
			_series_split "$_f" "$_dst/split" "$_n"
		done
		[ "$_n" -gt 0 ] || usage_error "SERIES $_src: no *.patch, *.eml, *.mbox or *.mbx file in the directory"
	elif [ -f "$_src" ]; then
		_series_split "$_src" "$_dst/split" 1
	else
		_series_fetch "$_src" "$_dst/b4"
		_f=$(find "$_dst/b4" -name '*.mbx' | head -n 1)
		[ -n "$_f" ] || usage_error "SERIES $_src: b4 fetched no series"
		_series_split "$_f" "$_dst/split" 1
	fi
	# cover letter (no diff) vs patches; git mailinfo decodes the body first, since list
	# archives keep mails as sent, some of them in base64 or quoted-printable
	_k=0
	for _m in "$_dst"/split/*; do
		git mailinfo "$_dst/msg" "$_dst/patch" <"$_m" >/dev/null 2>&1 || : >"$_dst/patch"
		if grep -q '^diff --git \|^--- ' "$_dst/patch"; then
			_k=$((_k + 1))
			mv "$_m" "$_dst/$(printf '%04d' "$_k")"
		elif [ ! -f "$_dst/cover" ]; then
			mv "$_m" "$_dst/cover"
		else
			usage_error "SERIES $_src: two mails without a diff ($(_series_header "$_dst/cover" subject), $(_series_header "$_m" subject))"
		fi
	done
	rmdir "$_dst/split"
	rm -f "$_dst/msg" "$_dst/patch"
	[ "$_k" -gt 0 ] || usage_error "SERIES $_src: no patch in it (no mail with a diff)"
	SERIES_NPATCHES=$_k
}

# _series_split FILE DIR N: the mails of FILE as DIR/N-0001...; not a mail is bad input.
# The first mail's header block is read to its end: a mail kept by a list archive has tens
# of Received: lines before its Subject:.
_series_split() {
	awk 'NR == 1 && /^From / { next } /^$/ { exit } /^Subject: / { found = 1; exit }
		END { exit !found }' "$1" ||
		usage_error "$1:1: not a mail (no Subject: header in its first header block; git format-patch or an mbox)"
	_ss=$(printf '%04d' "$3")
	git mailsplit -b -o"$2" "$1" >/dev/null 2>&1 || usage_error "$1:1: git mailsplit cannot read it as an mbox"
	for _sm in "$2"/[0-9][0-9][0-9][0-9]; do
		[ -f "$_sm" ] || continue
		mv "$_sm" "$2/$_ss-${_sm##*/}"
	done
}

# _series_fetch MSGID DIR: b4 am into DIR, or bad input saying why.
_series_fetch() {
	command -v b4 >/dev/null 2>&1 ||
		usage_error "SERIES $1: a message-id needs b4 (apt-get install b4, or harness/deps --validate)"
	mkdir -p "$2"
	if ! timeout 120 b4 -q am -o "$2" "$1" >"$2.log" 2>&1; then
		usage_error "SERIES $1: b4 could not fetch the series (no network access to the mailing-list archive here?): give an mbox file or a directory of patches; b4 said: $(tail -n 1 "$2.log")"
	fi
}

# _series_header FILE NAME: a mail header's value (first line only), NAME case-insensitive.
_series_header() {
	awk -v h="$2" 'BEGIN { h = tolower(h) ":" }
		/^$/ { exit } { k = tolower($1) } k == h { sub(/^[^:]*:[ \t]*/, ""); v = $0; getline n
		while (n ~ /^[ \t]/) { sub(/^[ \t]+/, " ", n); v = v n; if ((getline n) <= 0) break }
		print v; exit }' "$1"
}

# series_meta DIR: SERIES_SUBJECT, SERIES_VERSION, SERIES_MSGID from the cover letter, or
# the first patch.
series_meta() {
	_mf=$1/cover
	[ -f "$_mf" ] || _mf=$1/0001
	_subj=$(_series_header "$_mf" subject)
	SERIES_VERSION=$(printf '%s\n' "$_subj" | sed -n 's/^\[[^]]*[^A-Za-z0-9]\([vV][0-9][0-9]*\)[^]]*\].*/\1/p' | tr V v)
	[ -n "$SERIES_VERSION" ] || SERIES_VERSION=v1
	SERIES_SUBJECT=$(printf '%s\n' "$_subj" | sed 's/^\[[^]]*\][ \t]*//')
	SERIES_MSGID=$(_series_header "$_mf" message-id | tr -d '<> ')
}

# series_prepare_base BASE WORK: the scratch tree for BASE (made once, reused): SERIES_TREE,
# SERIES_BASE_ID, SERIES_BASE_COMMIT, SERIES_BASE_DESC. A Debian base becomes a git
# repository of the unpacked tarball; a git base a --shared clone (the user's tree is read
# only: its objects, never its work tree).
series_prepare_base() {
	_b=$1 _w=$2
	mkdir -p "$_w/trees"
	case $_b in
	debian-*)
		_v=${_b#debian-}
		SERIES_BASE_ID=$_b
		SERIES_TREE=$_w/trees/$_b
		SERIES_BASE_DESC="linux-source-$_v $(dpkg-query -W -f='${Version}' "linux-source-$_v" 2>/dev/null || echo '(version unknown)')"
		if ! git -C "$SERIES_TREE" rev-parse -q --verify refs/tags/apf-base >/dev/null 2>&1; then
			log "unpacking /usr/src/linux-source-$_v.tar.xz into $SERIES_TREE (once)"
			rm -rf "$SERIES_TREE.new"
			mkdir -p "$SERIES_TREE.new"
			at_exit "rm -rf '$SERIES_TREE.new'"
			tar -xJf "/usr/src/linux-source-$_v.tar.xz" -C "$SERIES_TREE.new" --strip-components=1 ||
				die "cannot unpack /usr/src/linux-source-$_v.tar.xz"
			_series_git "$SERIES_TREE.new" init -q
			_series_git "$SERIES_TREE.new" add -A -f .
			# dated as the tarball, so that the base commit (and a baseline build's
			# timestamp) is the same wherever this package version is unpacked
			_d="@$(stat -c %Y "/usr/src/linux-source-$_v.tar.xz") +0000"
			(
				export GIT_AUTHOR_DATE="$_d" GIT_COMMITTER_DATE="$_d"
				_series_git "$SERIES_TREE.new" commit -q -m "$SERIES_BASE_DESC"
			) || die "cannot commit the base tree"
			_series_git "$SERIES_TREE.new" tag apf-base
			rm -rf "$SERIES_TREE"
			mv "$SERIES_TREE.new" "$SERIES_TREE"
		fi
		;;
	*)
		_abs=$(CDPATH='' cd -- "$_b" && pwd -P)
		SERIES_BASE_COMMIT=$(git -C "$_abs" rev-parse --verify "${SERIES_BASE_REV:-HEAD}^{commit}")
		SERIES_BASE_ID=git-$(printf '%s' "$_abs" | sha256sum | cut -c1-12)
		SERIES_TREE=$_w/trees/$SERIES_BASE_ID
		SERIES_BASE_DESC="$_abs $(git -C "$_abs" describe --tags --always "$SERIES_BASE_COMMIT" 2>/dev/null || echo "$SERIES_BASE_COMMIT")"
		if [ ! -d "$SERIES_TREE/.git" ]; then
			rm -rf "$SERIES_TREE"
			git clone -q --shared --no-checkout "$_abs" "$SERIES_TREE" || die "cannot clone $_abs"
		fi
		_series_git "$SERIES_TREE" tag -f apf-base "$SERIES_BASE_COMMIT" >/dev/null
		;;
	esac
	SERIES_BASE_COMMIT=$(git -C "$SERIES_TREE" rev-parse 'apf-base^{commit}')
	_series_checkout "$SERIES_TREE" apf-base
}

# git with a fixed identity (commits of the scratch tree only).
_series_git() {
	_sg=$1
	shift
	GIT_AUTHOR_NAME=apf-suite GIT_AUTHOR_EMAIL=apf-suite@localhost \
		GIT_COMMITTER_NAME=apf-suite GIT_COMMITTER_EMAIL=apf-suite@localhost \
		git -C "$_sg" -c core.autocrlf=false -c gc.auto=0 "$@"
}

# _series_checkout TREE REF: REF checked out, the tree clean (an interrupted git am ended).
_series_checkout() {
	[ ! -d "$1/.git/rebase-apply" ] || _series_git "$1" am --abort >/dev/null 2>&1 || rm -rf "$1/.git/rebase-apply"
	_series_git "$1" checkout -q -f --detach "$2" || die "cannot check out $2 in $1"
	_series_git "$1" clean -q -f -d || die "cannot clean $1"
}

# series_apply TREE PATCHDIR SERIES NAME: git am every patch on apf-base; the result is
# refs/apf/NAME. A patch that does not apply is bad input naming it and its hunk.
series_apply() {
	_t=$1 _p=$2 _s=$3 _nm=$4
	series_meta "$_p"
	_series_checkout "$_t" apf-base
	_k=0
	for _m in "$_p"/[0-9][0-9][0-9][0-9]; do
		_k=$((_k + 1))
		# the patch's own date as the commit's: the same series on the same base is the
		# same commit, and so the same build timestamp (series_build), on any machine
		if ! _series_git "$_t" am -q --committer-date-is-author-date "$_m" >"$_p/am.log" 2>&1; then
			_why=$(_series_am_failure "$_p/am.log" "$_m")
			_series_checkout "$_t" apf-base # git am ended, the base back
			usage_error "SERIES $_s: patch $_k/$SERIES_NPATCHES \"$(_series_header "$_m" subject | sed 's/^\[[^]]*\][ \t]*//')\" does not apply to $SERIES_BASE_ID: $_why"
		fi
	done
	_series_git "$_t" update-ref "refs/apf/$_nm" HEAD
	SERIES_COMMIT=$(git -C "$_t" rev-parse HEAD)
	SERIES_SHA256=$(cat "$_p"/[0-9][0-9][0-9][0-9] | sha256sum | cut -d' ' -f1)
	log "applied $SERIES_NPATCHES patch(es) of \"$SERIES_SUBJECT\" ($SERIES_VERSION) on $SERIES_BASE_ID: $SERIES_COMMIT"
	# the options the series adds: "+config X" in a Kconfig file, with a prompt
	awk '/^diff --git / { kc = ($3 ~ /Kconfig/) ; sym = "" ; next }
		kc && /^\+[ \t]*(menu)?config[ \t]+[A-Z0-9_]+[ \t]*$/ { sub(/^\+[ \t]*(menu)?config[ \t]+/, ""); sub(/[ \t]*$/, ""); sym = $0; next }
		kc && sym != "" && /^\+[ \t]*(bool|tristate)[ \t]+"/ { print "CONFIG_" sym "=y"; sym = "" }
		!/^\+/ { sym = "" }' "$_p"/[0-9][0-9][0-9][0-9] >"$_p/series.config"
	SERIES_CONFIG=$_p/series.config
	_series_checkout "$_t" "refs/apf/$_nm"
}

# _series_am_failure LOG PATCH: where git am failed, in words: the file and the hunk.
_series_am_failure() {
	_file=$(sed -n 's/^error: patch failed: \(.*\):\([0-9][0-9]*\)$/\1/p' "$1" | head -n 1)
	_line=$(sed -n 's/^error: patch failed: \(.*\):\([0-9][0-9]*\)$/\2/p' "$1" | head -n 1)
	if [ -n "$_file" ]; then
		_hunk=$(awk -v f="$_file" -v l="$_line" '
			/^diff --git / { cur = $3; sub(/^a\//, "", cur); next }
			cur == f && /^@@ -/ { s = $2; sub(/^-/, "", s); sub(/,.*/, "", s); if (s + 0 == l + 0) { print; exit } }' "$2")
		printf 'hunk %s of %s (line %s) fails\n' "${_hunk:-at line $_line}" "$_file" "$_line"
		return
	fi
	_e=$(grep -m 1 '^error: ' "$1" | sed 's/^error: //')
	[ -n "$_e" ] || _e=$(grep -v '^hint:' "$1" | head -n 1)
	printf '%s\n' "${_e:-git am failed}"
}

# series_fragments_check CONFIG WORKTREE FRAGMENT...: every option a fragment sets is so
# in CONFIG; where fragments disagree the last one's value is wanted, as merge_config.sh
# gives it. Lines after "# optional:" in a fragment (up to a "# required:" line) may be
# missing where the tree does not define the symbol or cannot set it. Bad input naming
# each option that did not survive, with its fragment and line.
series_fragments_check() {
	_cfg=$1 _tr=$2
	shift 2
	find "$_tr" -name 'Kconfig*' -type f -exec awk '$1 == "config" || $1 == "menuconfig" { print $2 }' {} + |
		sort -u >"$_cfg.symbols"
	_bad=$(awk -v cfg="$_cfg" -v syms="$_cfg.symbols" -v top="$TOP/" '
		BEGIN {
			while ((getline l < cfg) > 0) {
				if (l ~ /^CONFIG_[A-Za-z0-9_]+=/) { k = l; sub(/=.*/, "", k); v = l; sub(/^[^=]*=/, "", v); have[k] = v }
				else if (l ~ /^# CONFIG_[A-Za-z0-9_]+ is not set$/) { k = l; sub(/^# /, "", k); sub(/ .*/, "", k); have[k] = "n" }
			}
			while ((getline l < syms) > 0) defined["CONFIG_" l] = 1
		}
		FNR == 1 { opt = 0; f = FILENAME; sub("^" top, "", f) }
		/^# optional:/ { opt = 1; next }
		/^# required:/ { opt = 0; next }
		{ k = ""; w = "" }
		/^CONFIG_[A-Za-z0-9_]+=/ { k = $0; sub(/=.*/, "", k); w = $0; sub(/^[^=]*=/, "", w) }
		/^# CONFIG_[A-Za-z0-9_]+ is not set$/ { k = $2; w = "n" }
		k == "" { next }
		{
			if (!(k in want)) order[++nk] = k
			want[k] = w; where[k] = f ":" FNR; optional[k] = opt
		}
		END {
			for (i = 1; i <= nk; i++) {
				k = order[i]
				got = (k in have) ? have[k] : "n"
				if (got == want[k] || optional[k]) continue
				printf "%s%s: %s=%s is %s after olddefconfig%s", n++ ? "; " : "", where[k], k, want[k],
					(k in have) ? got : "not set", (k in defined) ? "" : " (no such option in this tree)"
			}
		}' "$@")
	rm -f "$_cfg.symbols"
	[ -z "$_bad" ] || usage_error "config options that did not survive: $_bad"
}

# series_build WORK NAME TMP: configure and build the tree's checked-out commit into an
# Image in WORK/kernels/BASE_ID/NAME/, with kernel.kv. Sets SERIES_KDIR.
series_build() {
	_w=$1 _nm=$2 _tp=$3
	_o=$_w/build/$SERIES_BASE_ID
	SERIES_KDIR=$_w/kernels/$SERIES_BASE_ID/$_nm
	mkdir -p "$_o" "$SERIES_KDIR"
	_cross=${CROSS_COMPILE-}
	if [ -z "$_cross" ] && [ "$(uname -m)" != aarch64 ]; then
		_cross=aarch64-linux-gnu-
	fi
	command -v "${_cross}gcc" >/dev/null 2>&1 || die "no ${_cross}gcc (apt-get install gcc-aarch64-linux-gnu, or harness/deps)"
	_cc="${_cross}gcc"
	if command -v ccache >/dev/null 2>&1; then
		_cc="ccache $_cc"
		CCACHE_DIR=${CCACHE_DIR:-$_w/ccache}
		CCACHE_BASEDIR=$_w
		CCACHE_NOHASHDIR=1
		export CCACHE_DIR CCACHE_BASEDIR CCACHE_NOHASHDIR
		ccache -z >/dev/null 2>&1 || true
	else
		warn "no ccache: every build is a cold build (apt-get install ccache, or harness/deps --validate)"
	fi
	_frags="$TOP/harness/kconfig/lab.config $TOP/selftests/config"
	if [ -n "${SERIES_CONFIG:-}" ] && [ -s "$SERIES_CONFIG" ]; then
		cp "$SERIES_CONFIG" "$SERIES_KDIR/series.config"
		_frags="$_frags $SERIES_KDIR/series.config"
	else
		rm -f "$SERIES_KDIR/series.config"
	fi
	# the user's fragments (--config) last, so that they override the suite's; each kept
	# beside the Image as user-N.config
	rm -f "$SERIES_KDIR"/user-[0-9]*.config
	_i=0
	for _uf in ${SERIES_USER_CONFIGS:-}; do
		_i=$((_i + 1))
		cp "$_uf" "$SERIES_KDIR/user-$_i.config"
		_frags="$_frags $SERIES_KDIR/user-$_i.config"
	done
	_log=$SERIES_KDIR/build.log
	_jobs=${JOBS:-$(nproc)}
	_release_suffix=-apf-$_nm
	# the build's recorded time and identity from the tree, not the clock: a rebuild of the
	# same series, base and config is the same Image (the same hash, one kernel in tables)
	_stamp=$(git -C "$SERIES_TREE" log -1 --format=%cd --date=rfc HEAD)
	set -- ARCH=arm64 CROSS_COMPILE="$_cross" CC="$_cc" LOCALVERSION="$_release_suffix" \
		KBUILD_BUILD_TIMESTAMP="$_stamp" KBUILD_BUILD_USER=apf-suite KBUILD_BUILD_HOST=lab \
		KBUILD_BUILD_VERSION=1
	log "configuring $SERIES_BASE_ID/$_nm (allnoconfig + $(echo "$_frags" | sed "s|$TOP/||g; s|$_w/||g"))"
	# shellcheck disable=SC2086 # the fragments are paths without spaces
	if ! (cd "$SERIES_TREE" && ARCH=arm64 CROSS_COMPILE="$_cross" \
		scripts/kconfig/merge_config.sh -n -O "$_o" $_frags) >"$_log" 2>&1 ||
		! make -s -C "$SERIES_TREE" O="$_o" "$@" olddefconfig >>"$_log" 2>&1; then
		die "configuring the kernel failed, see $_log"
	fi
	# shellcheck disable=SC2086
	series_fragments_check "$_o/.config" "$SERIES_TREE" $_frags
	# cold: nothing built in the build directory yet; else an incremental rebuild
	_kind=cold
	[ ! -f "$_o/vmlinux" ] || _kind=incremental
	# the built-in initramfs carries the build timestamp as its files' mtime, but make
	# remakes it only when its contents change: a build after another series' in this
	# build directory would keep that one's time, and so be another Image than a cold build
	rm -f "$_o/usr/initramfs_data.cpio"
	log "building $SERIES_BASE_ID/$_nm: nice -n 19 make -j$_jobs Image (log $_log)"
	_t0=$(date +%s)
	if ! nice -n 19 make -C "$SERIES_TREE" O="$_o" "$@" -j"$_jobs" Image >>"$_log" 2>&1; then
		tail -n 20 "$_log" >&2
		die "the kernel build failed, see $_log"
	fi
	_t1=$(date +%s)
	cp "$_o/arch/arm64/boot/Image" "$SERIES_KDIR/Image"
	cp "$_o/.config" "$SERIES_KDIR/config"
	_ccs=''
	if command -v ccache >/dev/null 2>&1; then
		_ccs=$(ccache --print-stats 2>/dev/null | awk -F'\t' '
			$1 ~ /_cache_hit$/ { h += $2 } $1 == "cache_miss" { m += $2 }
			END { if (h + m > 0) printf "hits %d, misses %d", h, m }')
	fi
	{
		echo "kernel_release=$(cat "$_o/include/config/kernel.release")"
		echo "kernel_image=$SERIES_KDIR/Image"
		echo "kernel_image_sha256=$(sha256sum <"$SERIES_KDIR/Image" | cut -d' ' -f1)"
		echo "kernel_config_sha256=$(sha256sum <"$SERIES_KDIR/config" | cut -d' ' -f1)"
		echo "kernel_config_fragments=$(for f in $_frags; do printf '%s:%s ' "$(echo "$f" | sed "s|$TOP/||; s|$_w/||")" "$(sha256sum <"$f" | cut -c1-12)"; done | sed 's/ $//')"
		echo "kernel_build_s=$((_t1 - _t0))"
		echo "kernel_build_kind=$_kind"
		echo "kernel_build_jobs=$_jobs"
		echo "kernel_build_ccache=${_ccs:-not used}"
		echo "kernel_toolchain=$("${_cross}gcc" --version | head -n 1)"
		echo "kernel_base=$SERIES_BASE_ID"
		echo "kernel_base_desc=$SERIES_BASE_DESC"
		echo "kernel_base_commit=$SERIES_BASE_COMMIT"
		echo "kernel_tree_commit=$(git -C "$SERIES_TREE" rev-parse HEAD)"
		[ -z "${SERIES_SUBJECT:-}" ] || series_kv "$_nm"
	} | tr -d '\r' >"$SERIES_KDIR/kernel.kv.tmp"
	mv "$SERIES_KDIR/kernel.kv.tmp" "$SERIES_KDIR/kernel.kv"
	log "built $(kv_get "$SERIES_KDIR/kernel.kv" kernel_release) in $((_t1 - _t0)) s ($_kind; ccache: ${_ccs:-not used}): $SERIES_KDIR/Image"
}

# series_kv NAME: the applied series' keys (results/FORMAT.md, kernel.kv).
series_kv() {
	echo "series_name=$1"
	echo "series_subject=$SERIES_SUBJECT"
	echo "series_version=$SERIES_VERSION"
	echo "series_message_id=${SERIES_MSGID:-none}"
	echo "series_patches=$SERIES_NPATCHES"
	echo "series_sha256=$SERIES_SHA256"
	echo "series_options=$(sed 's/=.*//' "$SERIES_CONFIG" | tr '\n' ' ' | sed 's/ $//')"
}
