# shellcheck shell=sh
# Debian package handling for harness/deps: host package checks and installs, and the
# download of target-architecture packages (with their dependency closure) into a cache.

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
	if [ -n "$_plain" ]; then
		log "installing:$_plain"
		# shellcheck disable=SC2086
		apt-get install -y -q --no-install-recommends $_plain >/dev/null || die "apt-get install failed:$_plain"
	fi
	if [ -n "$_back" ]; then
		log "installing from bookworm-backports:$_back"
		# shellcheck disable=SC2086
		apt-get install -y -q --no-install-recommends -t bookworm-backports $_back >/dev/null ||
			die "apt-get install -t bookworm-backports failed:$_back"
	fi
}

debs_dir() {
	echo "$1/.cache/debs/$2"
}

# What the cache must hold for an arch: the list file's content and the kernel choice.
debs_wanted() {
	list_packages "$1/harness/deps.d/$2.list"
	echo "kernels: $KERNEL_SERIES"
}

KERNEL_SERIES="6.12 6.1"

debs_complete() {
	_d=$(debs_dir "$1" "$2")
	[ -f "$_d/.complete" ] || return 1
	[ "$(cat "$_d/.complete")" = "$(debs_wanted "$1" "$2")" ]
}

# Dependency closure of the roots for one dpkg architecture, as downloadable names.
debs_closure() {
	_da=$1
	shift
	_native=$(dpkg --print-architecture)
	_q=""
	for _p; do _q="$_q $_p:$_da"; done
	# shellcheck disable=SC2086
	apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
		--no-replaces --no-enhances $_q 2>/dev/null |
		awk -v da="$_da" -v native="$_native" '
			/^[ <]/ { next }
			{
				n = split($1, f, ":")
				if (n == 2 && f[2] == da) print f[1]
				else if (n == 1 && da == native) print f[1]
			}' | sort -u
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

debs_download() {
	_top=$1
	_arch=$2
	_da=$(dpkg_arch "$_arch")
	_d=$(debs_dir "$_top" "$_arch")
	mkdir -p "$_d"
	rm -f "$_d/.complete"
	# shellcheck disable=SC2046
	_pkgs=$(debs_closure "$_da" $(list_packages "$_top/harness/deps.d/$_arch.list"))
	[ -n "$_pkgs" ] || die "could not resolve the $_arch package closure (apt lists for $_da missing?)"
	: >"$_d/kernels"
	for _s in $KERNEL_SERIES; do
		_k=$(kernel_package "$_da" "$_s")
		[ -n "$_k" ] || die "no linux-image-cloud-$_da kernel of series $_s in the apt lists"
		echo "$_s $_k" >>"$_d/kernels"
		_pkgs="$_pkgs $_k"
	done
	_get=""
	for _p in $_pkgs; do
		set -- "$_d/${_p}"_*.deb
		[ -e "$1" ] || _get="$_get $_p:$_da"
	done
	if [ -n "$_get" ]; then
		log "downloading $(echo "$_get" | wc -w) $_arch packages into $_d"
		# shellcheck disable=SC2086
		(cd "$_d" && apt-get download -q -o APT::Sandbox::User=root $_get >/dev/null) ||
			die "apt-get download failed for $_arch"
	fi
	echo "$_pkgs" | tr ' ' '\n' | sed '/^$/d' | sort -u >"$_d/packages"
	debs_wanted "$_top" "$_arch" >"$_d/.complete"
	log "$_arch: $(wc -l <"$_d/packages") packages cached"
}
