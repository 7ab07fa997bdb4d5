# shellcheck shell=sh
# Debian package handling for harness/deps: host package checks and installs, and the
# target-architecture packages the lab images are made of, resolved and extracted by
# mmdebstrap into .cache/stage/<arch> with their versions in a lock file.

dpkg_arch() {
	case $1 in
	arm64) echo arm64 ;;
	x86_64) echo amd64 ;;
	*) usage_error "unknown arch '$1'" ;;
	esac
}

# Package names of a list file: first field, comments and blank lines dropped.
list_packages() {
	sed -e 's/#.*//' "$1" | awk 'NF { print $1 }'
}

list_backports() {
	sed -e 's/#.*//' "$1" | awk '$2 == "bpo" { print $1 }'
}

pkg_installed() {
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

# Host packages from the list that are missing (or too old: backports ones must come
# from backports, i.e. QEMU 10).
host_missing() {
	_bpo=$(list_backports "$1")
	for _p in $(list_packages "$1"); do
		if ! pkg_installed "$_p"; then
			echo "$_p"
			continue
		fi
		case " $(echo "$_bpo" | tr "\n" " ") " in
		*" $_p "*)
			_v=$(dpkg-query -W -f='${Version}' "$_p")
			dpkg --compare-versions "$_v" ge 1:10 || echo "$_p"
			;;
		esac
	done
}

apt_prepare() {
	_changed=0
	if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
		log "enabling bookworm-backports"
		cat >/etc/apt/sources.list.d/apf-suite-backports.sources <<'EOF'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
		_changed=1
	fi
	for _a in $1; do
		_da=$(dpkg_arch "$_a")
		[ "$_da" = "$(dpkg --print-architecture)" ] && continue
		if ! dpkg --print-foreign-architectures | grep -qx "$_da"; then
			log "adding dpkg architecture $_da"
			dpkg --add-architecture "$_da"
			_changed=1
		fi
	done
	log "apt-get update"
	apt-get update -q >/dev/null || die "apt-get update failed"
	: "$_changed"
}

host_install() {
	_list=$1
	shift
	_bpo=$(list_backports "$_list")
	_plain=""
	_back=""
	for _p; do
		case " $(echo "$_bpo" | tr "\n" " ") " in
		*" $_p "*) _back="$_back $_p" ;;
		*) _plain="$_plain $_p" ;;
		esac
	done
	export DEBIAN_FRONTEND=noninteractive
	# The .debs are deleted once installed: about 1 GB that a small CI disk needs
	# for the lab images (apt keeps them by default).
	_keep="-o APT::Keep-Downloaded-Packages=false"
	if [ -n "$_plain" ]; then
		log "installing:$_plain"
		# shellcheck disable=SC2086
		apt-get install -y -q --no-install-recommends $_keep $_plain >/dev/null || die "apt-get install failed:$_plain"
	fi
	if [ -n "$_back" ]; then
		log "installing from bookworm-backports:$_back"
		# shellcheck disable=SC2086
		apt-get install -y -q --no-install-recommends $_keep -t bookworm-backports $_back >/dev/null ||
			die "apt-get install -t bookworm-backports failed:$_back"
	fi
}

debs_dir() {
	echo "$1/.cache/debs/$2"
}

# What the cache must hold for an arch: the list file's content and the kernel choice.
debs_wanted() {
	list_packages "$1/harness/deps.d/$2.list"
	[ ! -f "$1/harness/deps.d/$2.pref" ] || cat "$1/harness/deps.d/$2.pref"
	echo "kernels: $KERNEL_SERIES"
}

KERNEL_SERIES="6.12 6.1"

# Complete when the stamp matches what the lists ask for and the staging tree is there.
debs_complete() {
	_d=$(debs_dir "$1" "$2")
	[ -f "$_d/.complete" ] || return 1
	[ "$(cat "$_d/.complete")" = "$(debs_wanted "$1" "$2")" ] || return 1
	# a cache staged before the lock file existed is staged again
	[ -f "$_d/lock" ] && [ -d "$1/.cache/stage/$2/root/usr" ]
}

# The newest linux-image-cloud-<arch> package of a kernel series (6.12 or 6.1).
kernel_package() {
	_da=$1
	_series=$2
	apt-cache madison "linux-image-cloud-$_da:$_da" 2>/dev/null |
		awk -F'|' '{ gsub(/ /, "", $2); print $2 }' |
		while read -r _v; do
			case $_v in "$_series".*) echo "$_v" ;; esac
		done | sort -V | tail -n 1 | while read -r _v; do
		apt-cache show "linux-image-cloud-$_da:$_da=$_v" |
			sed -n 's/^Depends: \(linux-image-[^ ,]*\).*/\1/p' | head -n 1
	done
}

# The host's apt sources that name bookworm, for mmdebstrap (so a mirror or proxy
# configured here is used for the target packages too).
apt_sources() {
	for _f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
		[ -f "$_f" ] && grep -qs '^[^#]*bookworm' "$_f" && echo "$_f"
	done
	return 0
}

# The target packages of an arch with their dependencies, as apt resolves them, extracted
# by mmdebstrap --variant=extract (no maintainer scripts run) into .cache/stage/<arch>/root;
# their .debs kept in .cache/debs/<arch>/ and the versions apt chose in
# .cache/debs/<arch>/lock (one "name version" a line). The kernels (no closure: their files only) are downloaded beside them and listed
# in .cache/debs/<arch>/kernels as "series package".
debs_download() {
	_top=$1
	_arch=$2
	_da=$(dpkg_arch "$_arch")
	_d=$(debs_dir "$_top" "$_arch")
	_stage=$_top/.cache/stage/$_arch
	# a cache of the layout before mmdebstrap had a file named kernels here
	[ -d "$_d/kernels" ] || rm -f "$_d/kernels"
	mkdir -p "$_d/kernels"
	rm -f "$_d/.complete"
	_sources=$(apt_sources)
	[ -n "$_sources" ] || die "no bookworm apt sources in /etc/apt to download the $_arch packages from"
	_include=$(list_packages "$_top/harness/deps.d/$_arch.list" | tr '\n' ',')
	log "$_arch: resolving and extracting ${_include%,} with their dependencies (mmdebstrap)"
	rm -rf "$_stage"
	mkdir -p "$_stage"
	# deps.d/<arch>.pref: apt preferences for the target packages (which come from backports)
	_pref=$_top/harness/deps.d/$_arch.pref
	# shellcheck disable=SC2016 # $1 is mmdebstrap's: the chroot
	set -- --setup-hook='mkdir -p "$1"/etc/apt/preferences.d/'
	[ -f "$_pref" ] && set -- "$@" --setup-hook="upload $_pref /etc/apt/preferences.d/apf-suite.pref"
	# exactly the .debs apt chose end up in $_d: the lock is made from them
	rm -f "$_d"/*.deb
	# shellcheck disable=SC2086 # one word a source file
	mmdebstrap --quiet --variant=extract --architectures="$_da" --include="${_include%,}" "$@" \
		--extract-hook="sync-out /var/cache/apt/archives $_d" \
		bookworm "$_stage/root" $_sources >"$_stage/mmdebstrap.log" 2>&1 ||
		die "mmdebstrap failed for $_arch (log: $_stage/mmdebstrap.log)"
	# the .debs live in $_d, not twice in the staging tree
	rm -rf "$_d/partial" "$_stage/root/var/cache/apt"
	# shellcheck disable=SC2016 # dpkg-deb's format, not the shell's
	for _deb in "$_d"/*.deb; do
		dpkg-deb --show --showformat='${Package} ${Version}\n' "$_deb"
	done | sort >"$_d/lock"
	: >"$_d/kernels/list"
	for _s in $KERNEL_SERIES; do
		_k=$(kernel_package "$_da" "$_s")
		[ -n "$_k" ] || die "no linux-image-cloud-$_da kernel of series $_s in the apt lists"
		echo "$_s $_k" >>"$_d/kernels/list"
		set -- "$_d/kernels/${_k}"_*.deb
		if [ ! -e "$1" ]; then
			log "downloading $_k"
			(cd "$_d/kernels" && apt-get download -q -o APT::Sandbox::User=root "$_k:$_da" >/dev/null) ||
				die "apt-get download failed for $_k"
		fi
		set -- "$_d/kernels/${_k}"_*.deb
		mkdir -p "$_stage/kernel-$_s"
		dpkg-deb -x "$1" "$_stage/kernel-$_s" || die "cannot unpack $1"
		# shellcheck disable=SC2016 # dpkg-deb's format, not the shell's
		dpkg-deb --show --showformat='${Package} ${Version}\n' "$1" >>"$_d/lock"
	done
	debs_wanted "$_top" "$_arch" >"$_d/.complete"
	log "$_arch: $(wc -l <"$_d/lock") packages ($_d/lock), staged in $_stage"
}
