# shellcheck shell=sh
# Memory cgroups (cgroup v2 only) for the benchmark: create one from a profile, run a
# command in it, read its counters, destroy it. Sourced after common.sh; dash and ash.
#
#   cg_check                      is cgroup v2 with the memory controller usable at CGROUP_ROOT?
#   cg_profile_parse FILE         validate a profile; prints "memory.FILE VALUE" lines
#   cg_create NAME [PROFILE-FILE] create NAME (nested names a/b allowed), apply the profile
#   cg_exec NAME CMD [ARG]...     replaces the shell: runs CMD inside NAME
#   cg_stats NAME [PREFIX]        prints PREFIX* key=value lines (default prefix memcg_)
#   cg_destroy NAME               kills what is left in NAME, removes it; idempotent
#
# Settings are applied with cgroup-tools (cgcreate/cgset/cgexec/cgdelete) when they are
# installed and CGROUP_ROOT is a cgroup2 mount point; otherwise (no cgroup-tools, or a
# CGROUP_ROOT that is a plain directory, as in the tests) the cgroup files are written
# directly, and a message says so. Environment: CGROUP_ROOT (default /sys/fs/cgroup),
# CGROUP_TOOLS=no (never use cgroup-tools).
# Return codes: 0 ok, 1 failure, 2 bad profile/name or no usable cgroup v2.

: "${CGROUP_ROOT:=/sys/fs/cgroup}"

# Profile keys -> cgroup files.
_CG_KEYS="memory_max memory_high memory_low memory_min memory_swap_max memory_zswap_max memory_oom_group"

# shellcheck disable=SC2016 # awk program, not shell
_CG_PARSE_AWK='
BEGIN { n = split(keys, k, " "); for (i = 1; i <= n; i++) known[k[i]] = 1; bad = 0 }
function fail(msg) { printf "%s:%d: %s\n", file, FNR, msg > "/dev/stderr"; bad = 1; exit 2 }
{
	line = $0
	sub(/\r$/, "", line)
	sub(/[ \t]+$/, "", line)
	if (line ~ /^[ \t]*(#|$)/) next
	eq = index(line, "=")
	if (eq == 0) { fail("not a key=value line: \"" line "\""); next }
	key = substr(line, 1, eq - 1); val = substr(line, eq + 1)
	if (key !~ /^[a-z0-9_]+$/) { fail("bad key \"" key "\" (no spaces around =)"); next }
	if (!(key in known)) { fail("unknown key \"" key "\" (known: " keys ")"); next }
	if (key in seen) { fail("duplicate key \"" key "\" (first on line " seen[key] ")"); next }
	seen[key] = FNR
	if (val == "") next
	if (key == "memory_oom_group") {
		if (val !~ /^[01]$/) { fail("bad value for " key ": \"" val "\" (expected 0 or 1)"); next }
	} else if (val != "max" && (val !~ /^(0|[1-9][0-9]*)[KkMmGgTt]?$/ || length(val) - (val ~ /[^0-9]$/) > 15)) {
		# no leading zero: the kernel reads memory sizes with base 0, 0600M as octal
		fail("bad value for " key ": \"" val "\" (expected bytes with an optional K/M/G/T suffix, no leading zero, at most 15 digits, or max)")
		next
	}
	f = key; sub(/^memory_/, "memory.", f); gsub(/_/, ".", f)
	out[++nout] = f " " val
}
END {
	if (bad) exit 2
	for (i = 1; i <= nout; i++) print out[i]
}'

cg_profile_parse() {
	if [ ! -f "$1" ] || [ ! -r "$1" ]; then
		msg "$1: no such profile file"
		return 2
	fi
	awk -v file="$1" -v keys="$_CG_KEYS" "$_CG_PARSE_AWK" <"$1"
}

# cg_profile_path NAME-OR-FILE [PROFILE-DIR]: a name is looked up as DIR/NAME.conf.
cg_profile_path() {
	case $1 in
	*/* | *.conf) echo "$1" ;;
	*) echo "${2:-cgroups}/$1.conf" ;;
	esac
}

_cg_check_name() {
	case $1 in
	'' | /* | */ | *//* | *[!A-Za-z0-9_./-]* | . | .. | ./* | ../* | */./* | */../* | */. | */..)
		msg "bad cgroup name '$1' (letters, digits, _ . - and / for nesting)"
		return 2
		;;
	esac
	return 0
}

# Is $1 the mount point of a cgroup2 file system?
_cg_is_mount() {
	# test hook: treat a plain directory as the cgroup2 mount (to exercise cgroup-tools stubs)
	[ "${CGROUP_ASSUME_MOUNT:-}" = 1 ] && return 0
	awk -v p="$1" '$2 == p && $3 == "cgroup2" { f = 1 } END { exit !f }' /proc/mounts 2>/dev/null
}

cg_check() {
	if [ ! -d "$CGROUP_ROOT" ]; then
		msg "CGROUP_ROOT=$CGROUP_ROOT: no such directory (mount cgroup2 there: mount -t cgroup2 none $CGROUP_ROOT)"
		return 2
	fi
	if [ ! -f "$CGROUP_ROOT/cgroup.controllers" ]; then
		_cc_v2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts 2>/dev/null)
		_cc_v1=$(awk '$3 == "cgroup" && $4 ~ /(^|,)memory(,|$)/ { print $2; exit }' /proc/mounts 2>/dev/null)
		msg "$CGROUP_ROOT is not a cgroup v2 hierarchy: this host has a cgroup v1/hybrid layout${_cc_v1:+ (memory controller on v1 at $_cc_v1)}${_cc_v2:+, cgroup2 at $_cc_v2}; the harness needs cgroup v2 with the memory controller (boot with systemd.unified_cgroup_hierarchy=1, or mount -t cgroup2 none DIR on a host whose memory controller is not bound to v1, and set CGROUP_ROOT=DIR)"
		return 2
	fi
	if ! grep -qw memory "$CGROUP_ROOT/cgroup.controllers"; then
		msg "cgroup v2 at $CGROUP_ROOT has no memory controller (cgroup.controllers: $(cat "$CGROUP_ROOT/cgroup.controllers")); it is bound to a v1 hierarchy or disabled (cgroup_disable=memory)"
		return 2
	fi
	return 0
}

# Decide once how to apply settings: "tools" or "files".
_cg_mode=
_cg_pick_mode() {
	[ -n "$_cg_mode" ] && return 0
	if [ "${CGROUP_TOOLS:-}" = no ]; then
		_cg_mode=files
		log "CGROUP_TOOLS=no: writing the cgroup files directly"
	elif ! command -v cgcreate >/dev/null 2>&1 || ! command -v cgset >/dev/null 2>&1 ||
		! command -v cgexec >/dev/null 2>&1 || ! command -v cgdelete >/dev/null 2>&1; then
		_cg_mode=files
		log "cgroup-tools (cgcreate/cgset/cgexec/cgdelete) not found: writing the cgroup files directly"
	elif ! _cg_is_mount "$CGROUP_ROOT"; then
		_cg_mode=files
		log "CGROUP_ROOT=$CGROUP_ROOT is not a cgroup2 mount point (cgroup-tools would not find it): writing the cgroup files directly"
	else
		_cg_mode=tools
	fi
}

# Enable the memory controller for the children of directory $1.
_cg_enable_memory() {
	grep -qw memory "$1/cgroup.subtree_control" 2>/dev/null && return 0
	printf '+memory\n' >"$1/cgroup.subtree_control" 2>/dev/null || {
		msg "cannot enable the memory controller in $1/cgroup.subtree_control (processes in a non-root cgroup? not root?)"
		return 1
	}
}

cg_create() {
	_cg_check_name "$1" || return 2
	_cr_name=$1 _cr_prof=${2:-}
	_cr_set=''
	if [ -n "$_cr_prof" ]; then
		_cr_set=$(cg_profile_parse "$_cr_prof") || return 2
	fi
	cg_check || return 2
	_cg_pick_mode
	# memory controller for every level down to NAME's parent
	_cr_path=$CGROUP_ROOT
	_cr_rest=$_cr_name
	while :; do
		_cg_enable_memory "$_cr_path" || return 1
		case $_cr_rest in
		*/*) ;;
		*) break ;;
		esac
		_cr_path=$_cr_path/${_cr_rest%%/*}
		_cr_rest=${_cr_rest#*/}
		if [ ! -d "$_cr_path" ]; then
			mkdir "$_cr_path" || {
				msg "cannot create $_cr_path"
				return 1
			}
		fi
	done
	_cr_dir=$CGROUP_ROOT/$_cr_name
	if [ "$_cg_mode" = tools ]; then
		cgcreate -g "memory:$_cr_name" || {
			msg "cgcreate -g memory:$_cr_name failed"
			return 1
		}
	else
		[ -d "$_cr_dir" ] || mkdir "$_cr_dir" || {
			msg "cannot create $_cr_dir"
			return 1
		}
	fi
	[ -n "$_cr_set" ] || return 0
	# every file must exist (e.g. memory.swap.max needs swap accounting)
	_cr_args=''
	_cr_old_ifs=$IFS
	IFS='
'
	for _cr_l in $_cr_set; do
		_cr_f=${_cr_l%% *} _cr_v=${_cr_l#* }
		if [ ! -e "$_cr_dir/$_cr_f" ]; then
			IFS=$_cr_old_ifs
			msg "$_cr_dir/$_cr_f does not exist: this kernel cannot apply $_cr_f=$_cr_v from $_cr_prof"
			return 1
		fi
		if [ "$_cg_mode" = files ]; then
			printf '%s\n' "$_cr_v" >"$_cr_dir/$_cr_f" || {
				IFS=$_cr_old_ifs
				msg "cannot write $_cr_v to $_cr_dir/$_cr_f"
				return 1
			}
		else
			_cr_args="$_cr_args -r $_cr_f=$_cr_v"
		fi
	done
	IFS=$_cr_old_ifs
	if [ "$_cg_mode" = tools ]; then
		# shellcheck disable=SC2086 # -r FILE=VALUE pairs, validated: no blanks or globs
		cgset $_cr_args "$_cr_name" || {
			msg "cgset$_cr_args $_cr_name failed"
			return 1
		}
	fi
	return 0
}

_cg_exists() {
	_cg_check_name "$1" || return 2
	[ -d "$CGROUP_ROOT/$1" ] || {
		msg "no cgroup $1 under $CGROUP_ROOT (create it first)"
		return 1
	}
}

cg_exec() {
	_cg_exists "$1" || return
	_ce_name=$1
	shift
	[ $# -gt 0 ] || {
		msg "exec: no command"
		return 2
	}
	_cg_pick_mode
	if [ "$_cg_mode" = tools ]; then
		exec cgexec -g "memory:$_ce_name" "$@"
	fi
	# a fresh sh moves itself ($$ is its own pid), then becomes CMD
	# shellcheck disable=SC2016 # for the inner sh
	exec sh -c 'printf "%s\n" "$$" >"$1/cgroup.procs" || exit 126; shift; exec "$@"' sh \
		"$CGROUP_ROOT/$_ce_name" "$@"
}

cg_stats() {
	_cg_exists "$1" || return
	_cs_dir=$CGROUP_ROOT/$1 _cs_p=${2:-memcg_}
	printf '%scgroup=%s\n' "$_cs_p" "$1"
	for _cs_f in current peak swap.current swap.peak max high swap.max; do
		[ -r "$_cs_dir/memory.$_cs_f" ] || continue
		read -r _cs_v <"$_cs_dir/memory.$_cs_f" || continue
		case $_cs_f in
		max | high | swap.max) _cs_k=limit_$_cs_f ;;
		*) _cs_k=${_cs_f}_bytes ;;
		esac
		_cs_k=$(printf '%s' "$_cs_k" | tr . _)
		printf '%s%s=%s\n' "$_cs_p" "$_cs_k" "$_cs_v"
	done
	[ -r "$_cs_dir/memory.events" ] &&
		awk -v p="${_cs_p}events_" 'NF == 2 { print p $1 "=" $2 }' "$_cs_dir/memory.events"
	[ -r "$_cs_dir/memory.swap.events" ] &&
		awk -v p="${_cs_p}swap_events_" 'NF == 2 { print p $1 "=" $2 }' "$_cs_dir/memory.swap.events"
	[ -r "$_cs_dir/memory.stat" ] && awk -v p="$_cs_p" '
		BEGIN {
			n = split("pgfault pgmajfault workingset_refault_anon workingset_refault_file " \
				"workingset_activate_anon workingset_activate_file pswpin pswpout zswpin zswpout", c, " ")
			for (i = 1; i <= n; i++) count[c[i]] = 1
			n = split("anon file kernel shmem swapcached zswap zswapped", b, " ")
			for (i = 1; i <= n; i++) bytes[b[i]] = 1
		}
		NF == 2 && ($1 in count) { print p $1 "=" $2 }
		NF == 2 && ($1 in bytes) { print p $1 "_bytes=" $2 }' "$_cs_dir/memory.stat"
	[ -r "$_cs_dir/memory.pressure" ] && awk -v p="${_cs_p}pressure_" '
		($1 == "some" || $1 == "full") {
			for (i = 2; i <= NF; i++) if ($i ~ /^total=/) { sub(/^total=/, "", $i); print p $1 "_total_us=" $i }
		}' "$_cs_dir/memory.pressure"
	return 0
}

# Live pids in NAME and below (a pid listed but gone does not count: fake roots).
_cg_pids() {
	find "$1" -name cgroup.procs -type f 2>/dev/null | while IFS= read -r _cp_f; do
		while IFS= read -r _cp_p; do
			[ -n "$_cp_p" ] && [ "$_cp_p" != "$$" ] && alive "$_cp_p" && echo "$_cp_p"
		done <"$_cp_f"
	done
}

cg_destroy() {
	_cg_check_name "$1" || return 2
	_cd_dir=$CGROUP_ROOT/$1
	if [ ! -d "$_cd_dir" ]; then
		log "cgroup $1: not present, nothing to destroy"
		return 0
	fi
	_cd_i=0
	while :; do
		_cd_pids=$(_cg_pids "$_cd_dir")
		[ -z "$_cd_pids" ] && break
		if [ "$_cd_i" -ge 50 ]; then
			msg "cgroup $1: processes still alive after 5 s: $(printf "%s" "$_cd_pids" | tr "\n" " ")"
			return 1
		fi
		[ "$_cd_i" = 0 ] && log "cgroup $1: killing $(printf "%s" "$_cd_pids" | tr "\n" " ")"
		if [ -f "$_cd_dir/cgroup.kill" ] && _cg_is_mount "$CGROUP_ROOT"; then
			printf '1\n' >"$_cd_dir/cgroup.kill" 2>/dev/null
		fi
		for _cd_p in $_cd_pids; do kill -KILL "$_cd_p" 2>/dev/null; done
		_cd_i=$((_cd_i + 1))
		sleep 0.1
	done
	_cg_pick_mode
	if [ "$_cg_mode" = tools ]; then
		cgdelete -r "memory:$1" 2>/dev/null
		[ -d "$_cd_dir" ] || return 0
	fi
	# deepest first; a plain-directory root (tests) has regular files to remove first
	_cd_real=0
	_cg_is_mount "$CGROUP_ROOT" && _cd_real=1
	find "$_cd_dir" -depth -type d | while IFS= read -r _cd_d; do
		if [ "$_cd_real" = 0 ]; then
			for _cd_f in "$_cd_d"/* "$_cd_d"/.[!.]*; do
				[ -f "$_cd_f" ] && rm -f "$_cd_f"
			done
		fi
		rmdir "$_cd_d" 2>/dev/null || msg "cannot remove $_cd_d"
	done
	[ ! -d "$_cd_dir" ] || return 1
	return 0
}
