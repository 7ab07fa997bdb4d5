# shellcheck shell=sh
# QMP client for the harness: talks to QEMU's QMP unix socket with socat, parses replies
# with jq. Sourced after common.sh; runs under dash and busybox ash (no bash, no coreutils).
#
#   qmp_exec SOCKET COMMAND [ARGS-JSON] [COMMAND [ARGS-JSON]]...
#       One connection: qmp_capabilities, then every COMMAND (each with an "id"), all
#       replies awaited and matched by id. Prints each command's "return" value as one
#       compact JSON line, in command order. An ARGS-JSON is recognised by its leading "{".
#   qmp_wait_event SOCKET EVENT [TIMEOUT]
#       Connects and waits for the next asynchronous event named EVENT; prints it (one line).
#
# Return codes: 0 ok; 1 QEMU answered with an error (message "PROG: CMD: CLASS: DESC" on
# stderr) or closed the connection; 2 bad arguments; 3 cannot connect (missing, stale or
# refused socket); 124 timeout (QMP_TIMEOUT seconds, default 10, for the whole exchange).
# Environment: QMP_TIMEOUT (seconds, decimals allowed), QMP_EVENTS (file: asynchronous
# events seen on the connection are appended to it, one JSON per line).
# Needs: socat, jq, awk, mkfifo, mktemp, sleep with fractions, /proc/uptime (now_cs).

QMP_RC_ERROR=1
QMP_RC_USAGE=2
QMP_RC_CONNECT=3
QMP_RC_TIMEOUT=124

# Milliseconds since boot: the suite's clock (now_cs, common.sh), in ms.
qmp_now_ms() {
	now_cs
	echo $((NOW_CS * 10))
}

# qmp_seconds_to_ms VALUE: "10" -> 10000, "0.25" -> 250; non-zero for anything else.
qmp_seconds_to_ms() {
	case $1 in
	'' | .* | *.*.* | *[!0-9.]*) return 1 ;;
	*.*) _qs_i=${1%%.*} _qs_f=${1#*.} ;;
	*) _qs_i=$1 _qs_f= ;;
	esac
	_qs_f=${_qs_f}000
	_qs_f=${_qs_f%"${_qs_f#???}"}
	_qs_v=$_qs_i$_qs_f
	while :; do
		case $_qs_v in
		0?*) _qs_v=${_qs_v#0} ;;
		*) break ;;
		esac
	done
	echo "$_qs_v"
}

# Sleep MS milliseconds.
qmp_sleep_ms() {
	sleep "$(($1 / 1000)).$(printf '%03d' $(($1 % 1000)))"
}

# Check that $1 looks like a live socket before starting socat.
_qmp_check_socket() {
	if [ -z "$1" ]; then
		msg "no socket given"
		return $QMP_RC_USAGE
	elif [ ! -e "$1" ]; then
		msg "$1: no such socket (is QEMU running with -qmp unix:$1,server=on,wait=off?)"
		return $QMP_RC_CONNECT
	elif [ ! -S "$1" ]; then
		msg "$1: not a unix socket"
		return $QMP_RC_CONNECT
	fi
	return 0
}

# mawk (Debian's awk) reads a pipe in blocks unless -W interactive: the reader would
# wait for more than QEMU sends.
case $(awk -W version 2>/dev/null | head -n 1) in
*mawk*) _QMP_AWK_OPTS="-W interactive" ;;
*) _QMP_AWK_OPTS= ;;
esac

# The reader: splits what the server sends into replies (ours, matched by id), events and
# anything else. Writes the verdict to STATUS at the end: 0 all WANT replies (and the
# event, if EV is set) seen, 1 end of stream before that, 3 an error reply without id.
# shellcheck disable=SC2016 # awk program, not shell
_QMP_AWK='
BEGIN { got = 0; found = 0; stray = 0; idre = "\"id\": *\"" prefix "-[0-9]+\"" }
{
	sub(/\r$/, "")
	if ($0 ~ /^[ \t]*$/) next
	if ($0 ~ /^\{ *"QMP" *:/) next
	if ($0 ~ idre) {
		print > replies
		got++
		if (got >= want && ev == "") exit
		next
	}
	if ($0 ~ /"event": *"/) {
		if (evfile != "") { print >> evfile; fflush(evfile) }
		if (ev != "" && got >= want && $0 ~ ("\"event\": *\"" ev "\"")) {
			print > replies
			found = 1
			exit
		}
		next
	}
	if ($0 ~ /^\{ *"error" *:/) {
		print > replies
		stray = 1
		exit
	}
}
END {
	if (stray) st = 3
	else if (got >= want && (ev == "" || found)) st = 0
	else st = 1
	print st > status
	close(status)
}'

# _qmp_session DIR SOCKET NREPLIES EVENT TIMEOUT_MS LABEL
# DIR holds "req" (the lines to send). Replies end up in DIR/replies.
_qmp_session() {
	_qs_dir=$1 _qs_sock=$2 _qs_want=$3 _qs_ev=$4 _qs_tmo=$5 _qs_label=$6
	mkfifo "$_qs_dir/in" "$_qs_dir/out" || {
		msg "cannot create fifos in $_qs_dir"
		return $QMP_RC_ERROR
	}
	: >"$_qs_dir/replies"
	# fd 3 closed: bats waits for it (a background process holding it hangs the test)
	socat -t 1 - "UNIX-CONNECT:$_qs_sock" <"$_qs_dir/in" >"$_qs_dir/out" 2>"$_qs_dir/socat.err" 3>&- &
	_qs_spid=$!
	# shellcheck disable=SC2086 # options, split on purpose
	awk $_QMP_AWK_OPTS -v want="$_qs_want" -v ev="$_qs_ev" -v evfile="${QMP_EVENTS:-}" \
		-v prefix="$_qs_prefix" -v replies="$_qs_dir/replies" -v status="$_qs_dir/status" \
		"$_QMP_AWK" <"$_qs_dir/out" >/dev/null 2>"$_qs_dir/awk.err" 3>&- &
	_qs_apid=$!
	_qs_deadline=$(($(qmp_now_ms) + _qs_tmo))
	_qs_timedout=0
	# The writer stays open (so QEMU does not see EOF) until the reader has what it wants.
	{
		cat "$_qs_dir/req"
		_qs_step=10
		while [ ! -s "$_qs_dir/status" ]; do
			if [ "$(qmp_now_ms)" -ge "$_qs_deadline" ]; then
				_qs_timedout=1
				break
			fi
			qmp_sleep_ms "$_qs_step"
			[ "$_qs_step" -lt 100 ] && _qs_step=$((_qs_step * 2))
		done
	} >"$_qs_dir/in"
	kill -TERM "$_qs_spid" 2>/dev/null
	wait "$_qs_spid" 2>/dev/null
	_qs_src=$?
	if [ "$_qs_timedout" = 1 ]; then
		kill -TERM "$_qs_apid" 2>/dev/null
		wait "$_qs_apid" 2>/dev/null
		msg "$_qs_label: timed out after $((_qs_tmo / 1000)).$(printf %03d $((_qs_tmo % 1000)))s waiting for $_qs_sock (QMP_TIMEOUT)"
		return $QMP_RC_TIMEOUT
	fi
	wait "$_qs_apid"
	read -r _qs_st <"$_qs_dir/status"
	case $_qs_st in
	0 | 3) return 0 ;;
	esac
	# The stream ended before the replies came.
	if [ -s "$_qs_dir/socat.err" ] && grep -q -i -e refused -e 'no such file' -e 'connect(' "$_qs_dir/socat.err"; then
		msg "cannot connect to $_qs_sock: $(sed -n 's/.*E //p' "$_qs_dir/socat.err" | head -n 1) (stale socket? is QEMU still running?)"
		return $QMP_RC_CONNECT
	fi
	if [ "$_qs_src" -ne 0 ] && [ "$_qs_src" -ne 143 ]; then
		msg "$_qs_label: socat failed (exit $_qs_src): $(head -n 1 "$_qs_dir/socat.err")"
		return $QMP_RC_CONNECT
	fi
	msg "$_qs_label: $_qs_sock closed the connection before replying (did QEMU exit?)"
	return $QMP_RC_ERROR
}

_qmp_mktemp() {
	mktemp -d "${TMPDIR:-/tmp}/apf-qmp.XXXXXX" 2>/dev/null || {
		msg "cannot create a temporary directory"
		return 1
	}
}

_qmp_timeout_ms() {
	qmp_seconds_to_ms "${QMP_TIMEOUT:-10}" || {
		msg "QMP_TIMEOUT must be a number of seconds, not '${QMP_TIMEOUT}'"
		return $QMP_RC_USAGE
	}
}

qmp_exec() {
	[ $# -ge 2 ] || {
		msg "usage: qmp_exec SOCKET COMMAND [ARGS-JSON]..."
		return $QMP_RC_USAGE
	}
	_qe_sock=$1
	shift
	_qe_tmo=$(_qmp_timeout_ms) || return $QMP_RC_USAGE
	_qmp_check_socket "$_qe_sock" || return
	_qe_dir=$(_qmp_mktemp) || return $QMP_RC_ERROR
	_qs_prefix="apf$$"
	printf '{"execute": "qmp_capabilities", "id": "%s-0"}\n' "$_qs_prefix" >"$_qe_dir/req"
	_qe_n=0 _qe_names=
	while [ $# -gt 0 ]; do
		case $1 in
		'' | *[!A-Za-z0-9_-]*)
			msg "bad command name '$1'"
			rm -rf "$_qe_dir"
			return $QMP_RC_USAGE
			;;
		esac
		_qe_n=$((_qe_n + 1))
		_qe_cmd=$1
		_qe_names="$_qe_names $_qe_cmd"
		shift
		_qe_args=
		case ${1:-} in
		'{'*)
			if ! _qe_args=$(printf '%s\n' "$1" | jq -c -M -e 'if type == "object" then . else error("not an object") end' 2>/dev/null); then
				msg "$_qe_cmd: arguments are not a JSON object: $1"
				rm -rf "$_qe_dir"
				return $QMP_RC_USAGE
			fi
			shift
			;;
		esac
		if [ -n "$_qe_args" ]; then
			printf '{"execute": "%s", "arguments": %s, "id": "%s-%d"}\n' "$_qe_cmd" "$_qe_args" "$_qs_prefix" "$_qe_n"
		else
			printf '{"execute": "%s", "id": "%s-%d"}\n' "$_qe_cmd" "$_qs_prefix" "$_qe_n"
		fi >>"$_qe_dir/req"
	done
	_qe_label=${_qe_names# }
	_qe_rc=0
	_qmp_session "$_qe_dir" "$_qe_sock" $((_qe_n + 1)) "" "$_qe_tmo" "$_qe_label" || _qe_rc=$?
	if [ "$_qe_rc" -eq 0 ]; then
		# One line per command: "R<TAB>json" or "E<TAB>class<TAB>desc" or "M" (missing).
		jq -r -M -s --arg p "$_qs_prefix" --argjson n "$_qe_n" '
			def one($x):
				if $x == null then "M"
				elif ($x | has("error")) then
					"E\t\($x.error.class // "?")\t\($x.error.desc // "" | tostring | gsub("[\n\t]"; " "))"
				else "R\t\($x.return | tojson)" end;
			. as $all
			| ($all | map(select(has("id") | not) | select(has("error")))) as $stray
			| ($all | map(select(.id == "\($p)-0")) | .[0]) as $caps
			| if ($stray | length) > 0 then "S\t" + (one($stray[0]) | sub("^E\t"; ""))
			  elif $caps != null and ($caps | has("error")) then "C\t" + (one($caps) | sub("^E\t"; ""))
			  else range(1; $n + 1) as $i | one($all | map(select(.id == "\($p)-\($i)")) | .[0])
			  end' "$_qe_dir/replies" >"$_qe_dir/parsed" 2>"$_qe_dir/jq.err" || {
			msg "$_qe_label: cannot parse the reply: $(head -n 1 "$_qe_dir/jq.err")"
			_qe_rc=$QMP_RC_ERROR
		}
	fi
	if [ "$_qe_rc" -eq 0 ]; then
		# shellcheck disable=SC2086 # command names were validated: no blanks, no globs
		set -- $_qe_names
		while IFS="$(printf '\t')" read -r _qe_kind _qe_a _qe_b; do
			case $_qe_kind in
			R) printf '%s\n' "$_qe_a" ;;
			E)
				msg "$1: $_qe_a: $_qe_b"
				_qe_rc=$QMP_RC_ERROR
				;;
			S)
				msg "$_qe_label: $_qe_a: $_qe_b"
				_qe_rc=$QMP_RC_ERROR
				;;
			C)
				msg "qmp_capabilities: $_qe_a: $_qe_b"
				_qe_rc=$QMP_RC_ERROR
				;;
			*)
				msg "$1: no reply"
				_qe_rc=$QMP_RC_ERROR
				;;
			esac
			[ $# -gt 0 ] && shift
		done <"$_qe_dir/parsed"
	fi
	rm -rf "$_qe_dir"
	return "$_qe_rc"
}

# qmp_wait_event SOCKET EVENT [TIMEOUT-SECONDS]: print the next EVENT seen on a fresh
# connection (events sent before the connection was made are not seen).
qmp_wait_event() {
	[ $# -ge 2 ] || {
		msg "usage: qmp_wait_event SOCKET EVENT [TIMEOUT]"
		return $QMP_RC_USAGE
	}
	case $2 in
	'' | *[!A-Z0-9_]*)
		msg "bad event name '$2'"
		return $QMP_RC_USAGE
		;;
	esac
	_qw_tmo=$(qmp_seconds_to_ms "${3:-${QMP_TIMEOUT:-10}}") || {
		msg "bad timeout '${3:-$QMP_TIMEOUT}'"
		return $QMP_RC_USAGE
	}
	_qmp_check_socket "$1" || return
	_qw_dir=$(_qmp_mktemp) || return $QMP_RC_ERROR
	_qs_prefix="apf$$"
	printf '{"execute": "qmp_capabilities", "id": "%s-0"}\n' "$_qs_prefix" >"$_qw_dir/req"
	_qw_rc=0
	_qmp_session "$_qw_dir" "$1" 1 "$2" "$_qw_tmo" "wait for $2" || _qw_rc=$?
	if [ "$_qw_rc" -eq 0 ]; then
		if ! jq -c -M -s 'map(select(has("event"))) | .[0] // error("no event")' "$_qw_dir/replies" 2>/dev/null; then
			msg "wait for $2: $(jq -r -s '.[] | select(has("error")) | "\(.error.class): \(.error.desc)"' "$_qw_dir/replies" 2>/dev/null | head -n 1)"
			_qw_rc=$QMP_RC_ERROR
		fi
	fi
	rm -rf "$_qw_dir"
	return "$_qw_rc"
}
