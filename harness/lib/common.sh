# shellcheck shell=sh
# Shared helpers for every level of the suite: messages, errors, one cleanup registry
# that runs on exit, Ctrl-C and TERM, the clock and the key=value reader. Sourced; runs
# under dash and busybox ash.
#
# Messages, all on stderr and prefixed with APF_PROG (the script's name by default):
#   log TEXT          "[prog] TEXT": progress
#   msg TEXT          "prog: TEXT": what a library reports before it returns an error code
#   warn TEXT         "prog: warning: TEXT"
#   usage_error TEXT  "prog: TEXT", exit 2: bad usage or bad input (one line, nothing made)
#   die TEXT          "prog: error: TEXT", exit 1: a failure of the tool or its environment

: "${APF_PROG:=${0##*/}}"

log() { printf '[%s] %s\n' "$APF_PROG" "$*" >&2; }
msg() { printf '%s: %s\n' "$APF_PROG" "$*" >&2; }
warn() { printf '%s: warning: %s\n' "$APF_PROG" "$*" >&2; }

usage_error() {
	# one line, whatever the input echoed in it holds: a line break shows as \n
	case $* in
	*'
'*) msg "$(printf '%s' "$*" | awk 'BEGIN { ORS = "" } NR > 1 { print "\\n" } { print }')" ;;
	*) msg "$*" ;;
	esac
	exit 2
}

die() {
	printf '%s: error: %s\n' "$APF_PROG" "$*" >&2
	exit 1
}

# The option loop of every command, one shape:
#   while [ $# -gt 0 ]; do
#   	case $1 in
#   	--name) opt_value "$@"; opt_once "$1"; name=$2; shift ;;  (or --a | --b) with a case on $1 inside)
#   	--flag) flag=1 ;;
#   	-h | --help) usage; exit 0 ;;
#   	--) shift; break ;;
#   	*) usage_error "unknown option '$1' (see --help)" ;;
#   	esac
#   	shift
#   done
# opt_value "$@": bad usage unless the option $1 has a value.
opt_value() {
	[ $# -ge 2 ] || usage_error "$1 needs a value (see --help)"
}

# opt_once OPTION: bad usage when OPTION was given before on this command line. An option
# that takes one value is given once (README, "Usage"); those that add to a list (--put,
# -t, --model, --tap, --records) do not call this.
_apf_opts_seen=' '
opt_once() {
	case $_apf_opts_seen in
	*" $1 "*) usage_error "$1 given twice (each option takes one value)" ;;
	esac
	_apf_opts_seen="$_apf_opts_seen$1 "
}

# opt_given OPTION: was OPTION given (to opt_once)?
opt_given() {
	case $_apf_opts_seen in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

# Cleanup registry: each entry is a shell command, run newest first.
_apf_cleanups=""
_apf_cleaned=0

at_exit() {
	_apf_cleanups="$*
$_apf_cleanups"
}

run_cleanups() {
	[ "$_apf_cleaned" = 1 ] && return 0
	_apf_cleaned=1
	_apf_list=$_apf_cleanups
	_apf_cleanups=""
	printf '%s\n' "$_apf_list" | while IFS= read -r _apf_c; do
		if [ -n "$_apf_c" ]; then
			eval "$_apf_c" >/dev/null 2>&1 || true
		fi
	done
	return 0
}

# install_traps [STOP]: on exit, and on INT/TERM/HUP (then exit 130/143/129), run the
# function STOP if given, then the cleanups. While they run, further signals are ignored:
# a terminal's Ctrl-C (or timeout(1)) signals every process of the group at once, and a
# parent that stops its child signals it again; the second signal would run the trap
# again, which finds the cleanups taken and exits, leaving the rest of them (a QEMU, a
# temporary directory) undone.
# shellcheck disable=SC2120 # (STOP is optional)
install_traps() {
	_apf_stop=${1:-:}
	# shellcheck disable=SC2154
	trap '_apf_rc=$?; stop_and_clean; exit $_apf_rc' EXIT
	trap 'stop_and_clean; trap - EXIT; exit 130' INT
	trap 'stop_and_clean; trap - EXIT; exit 143' TERM
	trap 'stop_and_clean; trap - EXIT; exit 129' HUP
}

stop_and_clean() {
	trap '' INT TERM HUP
	$_apf_stop
	run_cleanups
}

# Children of a process, from /proc (busybox has no pgrep).
children_of() {
	cat /proc/[0-9]*/stat 2>/dev/null |
		awk -v p="$1" '{ pid = $1; sub(/.*\) /, ""); if ($2 == p) print pid }'
}

# Kill a process and what it started, then wait for it to go.
kill_tree() {
	for _kt_child in $(children_of "$1"); do
		(kill_tree "$_kt_child")
	done
	kill -TERM "$1" 2>/dev/null || return 0
	_kt_i=0
	while kill -0 "$1" 2>/dev/null && [ $_kt_i -lt 20 ]; do
		sleep 0.1
		_kt_i=$((_kt_i + 1))
	done
	kill -KILL "$1" 2>/dev/null || true
}

# descendants_of PID: every process PID started, and what they started, whatever their
# process group (timeout(1) makes its own).
descendants_of() {
	for _do_c in $(children_of "$1"); do
		echo "$_do_c"
		descendants_of "$_do_c"
	done
}

# stop_tree PID GRACE_S: TERM the process and all its descendants at once, so that every
# level's traps clean up what it made (the level above waits for its child, not the
# other way round), wait up to GRACE_S seconds for them all to go, then KILL what is left.
# Safe under set -e (a process may be gone before it is signalled).
stop_tree() {
	_st_all="$1 $(descendants_of "$1" | tr '\n' ' ')"
	# shellcheck disable=SC2086 # pids, one word each
	kill -TERM $_st_all 2>/dev/null || :
	_st_i=0
	while [ $_st_i -lt $(($2 * 10)) ]; do
		_st_left=""
		for _st_p in $_st_all; do
			alive "$_st_p" && _st_left="$_st_left $_st_p"
		done
		[ -n "$_st_left" ] || return 0
		sleep 0.1
		_st_i=$((_st_i + 1))
	done
	# shellcheck disable=SC2086
	kill -KILL $_st_left 2>/dev/null || :
	return 0
}

# Create a temporary directory removed by the cleanup registry; stores its path in the
# variable named by $1 (a command substitution would register the cleanup in a subshell).
make_tmpdir() {
	_mt_dir=$(mktemp -d "${TMPDIR:-/tmp}/apf-${2:-tmp}.XXXXXX") || die "cannot create a temporary directory"
	at_exit "rm -rf '$_mt_dir'"
	eval "$1=\$_mt_dir"
}

# is_uint V: V is a whole number written plainly, as a user would mean it: digits only,
# no leading zero (the shell's arithmetic reads 0600 as octal, and 0900 not at all) and at
# most 9 digits (far inside what shell arithmetic and test(1) hold).
is_uint() {
	case $1 in
	'' | *[!0-9]* | 0?*) return 1 ;;
	esac
	[ ${#1} -le 9 ]
}

# need_uint WHAT V [MIN [MAX]]: bad usage unless V is a plain whole number (is_uint)
# from MIN (default 0) to MAX; WHAT names the option or key in the message.
need_uint() {
	case $2 in
	'') usage_error "$1: empty, want a whole number" ;;
	*[!0-9]*) usage_error "$1: '$2' is not a whole number" ;;
	0?*) usage_error "$1: '$2' has a leading zero (the shell would read it as octal)" ;;
	esac
	[ ${#2} -le 9 ] || usage_error "$1: '$2' is too large"
	[ "$2" -ge "${3:-0}" ] || usage_error "$1: '$2' is below ${3:-0}"
	[ -z "${4:-}" ] || [ "$2" -le "$4" ] || usage_error "$1: '$2' is above $4"
}

# one_line WHAT V: bad usage when V holds a line break (it would add lines to a
# key=value file, the suite's one syntax), a carriage return or a tab.
one_line() {
	case $2 in
	*'
'* | *'	'* | *"$(printf '\r')"*) usage_error "$1: one line without tabs, please" ;;
	esac
}

# Is a process alive? (a zombie or a dead one is not: it only waits to be reaped)
alive() {
	kill -0 "$1" 2>/dev/null || return 1
	{ read -r _al_s <"/proc/$1/stat"; } 2>/dev/null || return 1
	_al_s=${_al_s##*) }
	case $_al_s in
	Z* | X*) return 1 ;;
	esac
	return 0
}

# kv_get FILE KEY: the value of KEY in a key=value file (the suite's one syntax, as in
# results/FORMAT.md: one key=value a line, no spaces around "=", "#" comments, the value
# to the end of the line). Status 1, nothing printed, when the key or the file is absent.
kv_get() {
	[ -f "$1" ] || return 1
	awk -v k="$2" 'index($0, k "=") == 1 { v = substr($0, length(k) + 2); sub(/\r$/, "", v); print v; found = 1; exit }
		END { exit !found }' "$1"
}

# The suite's one clock: now_cs sets NOW_CS to the centiseconds since boot
# (/proc/uptime). Builtins only, as the watch loop runs it inside emulated hosts, where a
# fork is dear; whole numbers, which the shell subtracts. cs_to_s CS prints "S.CC".
# APF_UPTIME replaces /proc/uptime (for the tests).
now_cs() {
	read -r _nc_up _nc_idle <"${APF_UPTIME:-/proc/uptime}"
	_nc_f=${_nc_up#*.}00
	case $_nc_up in *.*) ;; *) _nc_f=00 ;; esac
	_nc_f=${_nc_f%"${_nc_f#??}"}
	# "1$_nc_f - 100": a fraction such as 05 is not read as octal
	NOW_CS=$((${_nc_up%.*} * 100 + 1$_nc_f - 100))
}

cs_to_s() {
	printf '%d.%02d\n' $(($1 / 100)) $(($1 % 100))
}

# elapsed_s T0: seconds ("S.CC") since T0, a now_cs value.
elapsed_s() {
	now_cs
	cs_to_s $((NOW_CS - $1))
}
