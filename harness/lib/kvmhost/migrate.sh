# shellcheck shell=sh
# Post-copy migration between two QEMU processes on one host, driven over QMP.
# Sourced after common.sh and qmp.sh; runs under dash and busybox ash.
#
#   mig_decide STATUS ELAPSED_MS TIMEOUT_MS POSTCOPY_AFTER_MS POSTCOPY_REQUESTED
#       The state machine, one step: given the source's query-migrate status, prints what
#       to do next: wait | start-postcopy | completed | failed | timeout.
#   mig_fields SRC_JSON DST_JSON STATUS
#       Prints the mig_* key=value lines (results/FORMAT.md) from the final query-migrate
#       replies (files holding the "return" objects; DST_JSON may be missing or empty).
#   mig_run   (reads MIG_* variables, see below) runs the whole migration.
#
# mig_run inputs: MIG_SRC MIG_DST (QMP sockets), MIG_URI (unix:PATH), MIG_TIMEOUT_MS,
# MIG_POLL_MS, MIG_POSTCOPY_AFTER_MS, MIG_BANDWIDTH (bytes/s, optional), MIG_OUT (file,
# optional: stdout), MIG_RAW (directory, optional), MIG_START_FILE (optional: set up,
# then migrate once it exists), MIG_FAULT (test hook: qmp-error).
# mig_run returns 0 completed, 1 failed (QEMU's error-desc on stderr), 124 timeout.

MIG_RC_FAILED=1
MIG_RC_TIMEOUT=124

mig_decide() {
	_md_status=$1 _md_elapsed=$2 _md_timeout=$3 _md_after=$4 _md_requested=$5
	case $_md_status in
	completed)
		echo completed
		return 0
		;;
	failed | cancelled | cancelling | postcopy-paused | postcopy-recover-setup | postcopy-recover)
		# postcopy-paused and the recovery states need an operator (migrate-recover):
		# the guest is stuck, so for the benchmark the run has failed.
		echo failed
		return 0
		;;
	esac
	if [ "$_md_elapsed" -ge "$_md_timeout" ]; then
		echo timeout
		return 0
	fi
	if [ "$_md_requested" = 0 ] && [ "$_md_elapsed" -ge "$_md_after" ]; then
		case $_md_status in
		setup | active | pre-switchover | device | wait-unplug)
			echo start-postcopy
			return 0
			;;
		esac
	fi
	echo wait
}

# jq program: the final replies -> "key<TAB>value" lines, absent fields left out.
# shellcheck disable=SC2016 # jq program, not shell
_MIG_JQ='
def kb: if . == null then null else (. / 1024 | round) end;
def r3: if . == null then null else (. * 1000 | round) / 1000 end;
(.[0] // {}) as $s | (.[1] // {}) as $d | ($s.ram // null) as $ram |
[
  ["mig_total_time_ms", $s["total-time"]],
  ["mig_downtime_ms", $s.downtime],
  ["mig_setup_time_ms", $s["setup-time"]],
  ["mig_transferred_kbytes", ($ram.transferred | kb)],
  ["mig_throughput_mbps", ($ram.mbps | r3)],
  ["mig_remaining_kbytes", ($ram.remaining | kb)],
  ["mig_total_kbytes", ($ram.total | kb)],
  ["mig_duplicate_pages", $ram.duplicate],
  ["mig_skipped_pages", (if $ram == null then null else ($ram.skipped // 0) end)],
  ["mig_normal_pages", $ram.normal],
  ["mig_normal_kbytes", ($ram["normal-bytes"] | kb)],
  ["mig_dirty_sync_count", $ram["dirty-sync-count"]],
  ["mig_page_size_kbytes", ($ram["page-size"] | kb)],
  ["mig_multifd_kbytes", ($ram["multifd-bytes"] | kb)],
  ["mig_pages_per_second", $ram["pages-per-second"]],
  ["mig_postcopy_requests", $ram["postcopy-requests"]],
  ["mig_precopy_kbytes", ($ram["precopy-bytes"] | kb)],
  ["mig_downtime_kbytes", ($ram["downtime-bytes"] | kb)],
  ["mig_postcopy_kbytes", ($ram["postcopy-bytes"] | kb)],
  ["mig_postcopy_blocktime_ms", $d["postcopy-blocktime"]],
  ["mig_postcopy_vcpu_blocktime_ms",
     (if ($d["postcopy-vcpu-blocktime"] | type) == "array"
      then ($d["postcopy-vcpu-blocktime"] | map(tostring) | join(" ")) else null end)],
  ["mig_postcopy_latency_ns", $d["postcopy-latency"]],
  ["mig_dst_status", $d.status],
  ["mig_error_desc", (($s["error-desc"] // $d["error-desc"]) | if . == null then null
     else tostring | gsub("[\n\r]"; " ") end)]
][] | select(.[1] != null) | "\(.[0])=\(.[1])"'

mig_fields() {
	_mf_src=$1 _mf_dst=$2 _mf_status=$3
	printf 'mig_status=%s\n' "$_mf_status"
	{
		if [ -s "$_mf_src" ]; then cat "$_mf_src"; else echo null; fi
		if [ -n "$_mf_dst" ] && [ -s "$_mf_dst" ]; then cat "$_mf_dst"; else echo null; fi
	} | jq -r -M -s "$_MIG_JQ"
}

# _mig_qmp WHAT SOCKET COMMAND [ARGS]: qmp_exec with a message naming the side on failure.
_mig_qmp() {
	_mq_what=$1
	shift
	qmp_exec "$@" && return 0
	_mq_rc=$?
	msg "$_mq_what: QMP $2 on $1 failed (exit $_mq_rc)"
	return "$_mq_rc"
}

_mig_set_cap() { # SOCKET CAPABILITY
	qmp_exec "$1" migrate-set-capabilities \
		"{\"capabilities\": [{\"capability\": \"$2\", \"state\": true}]}" >/dev/null
}

# The source's query-migrate of each poll. The test hook (MIG_FAULT=qmp-error): once in
# post-copy, it carries an argument QEMU refuses, so that QEMU answers each with an error.
_mig_poll_src() {
	if [ "${MIG_FAULT:-}" = qmp-error ] && [ "$_mr_seen_pc" = yes ]; then
		qmp_exec "$MIG_SRC" query-migrate '{"apf-fault": "MIG_FAULT=qmp-error"}'
	else
		qmp_exec "$MIG_SRC" query-migrate
	fi
}

mig_run() {
	_mr_tmp=$(mktemp -d "${TMPDIR:-/tmp}/apf-mig.XXXXXX") || {
		msg "cannot create a temporary directory"
		return 1
	}
	# also when migrate is stopped (a signal, a caller that gives up): its traps run this
	at_exit "rm -rf '$_mr_tmp'"
	_mr_rc=0
	_mig_run_in "$_mr_tmp" || _mr_rc=$?
	rm -rf "$_mr_tmp"
	return "$_mr_rc"
}

_mig_run_in() {
	_mr_dir=$1
	_mr_final=fail
	if [ -n "${MIG_RAW:-}" ]; then
		mkdir -p "$MIG_RAW" || {
			msg "cannot create $MIG_RAW"
			return 1
		}
		: >"$MIG_RAW/src-progress.jsonl"
	fi

	# The set-up's QMP exchanges may wait three times QMP_TIMEOUT: they now run while the
	# source guest boots (MIG_START_FILE), and a loaded emulated lab host took more than
	# 10 s to answer one (issue 18); the polls below keep QMP_TIMEOUT.
	_mr_qt=${QMP_TIMEOUT:-10}
	_mr_qt3=$(($(qmp_seconds_to_ms "$_mr_qt") * 3))
	QMP_TIMEOUT=$((_mr_qt3 / 1000)).$(printf '%03d' $((_mr_qt3 % 1000)))

	# 1. capabilities: postcopy-ram on both sides (required), postcopy-blocktime on the
	#    destination (required: it is what we measure) and on the source (if accepted).
	log "destination $MIG_DST: capabilities postcopy-ram, postcopy-blocktime"
	_mig_qmp destination "$MIG_DST" migrate-set-capabilities \
		'{"capabilities": [{"capability": "postcopy-ram", "state": true}, {"capability": "postcopy-blocktime", "state": true}]}' \
		>/dev/null || return 1
	log "source $MIG_SRC: capability postcopy-ram"
	_mig_set_cap "$MIG_SRC" postcopy-ram || {
		msg "source: cannot enable postcopy-ram"
		return 1
	}
	_mig_set_cap "$MIG_SRC" postcopy-blocktime 2>"$_mr_dir/cap.err" ||
		log "source does not accept postcopy-blocktime ($(cat "$_mr_dir/cap.err")): continuing"
	if [ -n "${MIG_BANDWIDTH:-}" ]; then
		log "source: max-bandwidth and max-postcopy-bandwidth $MIG_BANDWIDTH bytes/s"
		_mig_qmp source "$MIG_SRC" migrate-set-parameters \
			"{\"max-bandwidth\": $MIG_BANDWIDTH, \"max-postcopy-bandwidth\": $MIG_BANDWIDTH}" >/dev/null || return 1
	fi

	# 2. the destination listens, the source connects
	_mr_uri_json=$(printf '%s' "$MIG_URI" | jq -R -c .) || return 1
	log "destination: migrate-incoming $MIG_URI"
	_mig_qmp destination "$MIG_DST" migrate-incoming "{\"uri\": $_mr_uri_json}" >/dev/null || return 1
	# With MIG_START_FILE, all of the above is done before the guest needs migrating: only
	# the migrate command stands between the word to go (the file appears) and the
	# migration. Each QMP exchange costs seconds in the emulated lab host: done after the
	# guest was up, they let a short workload end before the migration began (issue 18).
	if [ -n "${MIG_START_FILE:-}" ]; then
		log "ready: migrating when $MIG_START_FILE appears"
		_mr_w=0
		until [ -e "$MIG_START_FILE" ]; do
			if [ "$_mr_w" -ge "$MIG_TIMEOUT_MS" ]; then
				msg "$MIG_START_FILE did not appear within $MIG_TIMEOUT_MS ms: no migration"
				return 1
			fi
			qmp_sleep_ms 100
			_mr_w=$((_mr_w + 100))
		done
	fi
	QMP_TIMEOUT=$_mr_qt
	_mr_requested=0 _mr_seen_pc=no _mr_pc_ms='' _mr_status=none _mr_qfail=0 _mr_why=''
	_mr_t0=$(qmp_now_ms)
	if [ "$MIG_POSTCOPY_AFTER_MS" -eq 0 ]; then
		# "immediately": on the same connection, or a small guest finishes in pre-copy first
		log "source: migrate $MIG_URI + migrate-start-postcopy"
		_mig_qmp source "$MIG_SRC" migrate "{\"uri\": $_mr_uri_json}" migrate-start-postcopy >/dev/null || {
			qmp_exec "$MIG_SRC" migrate_cancel >/dev/null 2>&1
			return 1
		}
		_mr_requested=1
	else
		log "source: migrate $MIG_URI"
		_mig_qmp source "$MIG_SRC" migrate "{\"uri\": $_mr_uri_json}" >/dev/null || return 1
	fi

	# 3. poll the source until a terminal state or the deadline
	: >"$_mr_dir/src.json"
	_mr_qtmo=0
	while :; do
		_mr_elapsed=$(($(qmp_now_ms) - _mr_t0))
		if _mig_poll_src >"$_mr_dir/reply" 2>"$_mr_dir/reply.err"; then
			cp "$_mr_dir/reply" "$_mr_dir/src.json"
			[ -n "${MIG_RAW:-}" ] && cat "$_mr_dir/reply" >>"$MIG_RAW/src-progress.jsonl"
			_mr_status=$(jq -r '.status // "none"' "$_mr_dir/reply") || _mr_status=none
			_mr_qfail=0 _mr_qtmo=0
		else
			_mr_qrc=$?
			cat "$_mr_dir/reply.err" >&2
			_mr_qerr=$(sed -n '1s/^[^:]*: //p' "$_mr_dir/reply.err")
			# One slow reply is tolerated (a loaded host); a monitor that has not answered
			# three polls in a row (3 x QMP_TIMEOUT) has stopped: waiting for the overall
			# deadline (the case's timeout) would only hide it. An error reply three times
			# in a row, or a source that is gone, fails the migration too.
			if [ "$_mr_qrc" -eq "$QMP_RC_TIMEOUT" ]; then
				_mr_qtmo=$((_mr_qtmo + 1)) _mr_qfail=0
				if [ "$_mr_qtmo" -ge 3 ]; then
					_mr_why="the source's QMP monitor stopped answering: no reply to query-migrate within ${QMP_TIMEOUT:-10} s, 3 times in a row (last status '$_mr_status')"
					msg "$_mr_why: giving up"
					_mr_status=failed
				fi
			else
				_mr_qfail=$((_mr_qfail + 1)) _mr_qtmo=0
				if [ "$_mr_qfail" -ge 3 ]; then
					_mr_why="the source's QMP failed query-migrate 3 times in a row (last status '$_mr_status'): $_mr_qerr"
					msg "$_mr_why: giving up"
					_mr_status=failed
				fi
			fi
		fi
		if [ "$_mr_status" = postcopy-active ] && [ "$_mr_seen_pc" = no ]; then
			_mr_seen_pc=yes
			_mr_pc_ms=$_mr_elapsed
			log "source: postcopy-active after $_mr_elapsed ms"
		fi
		_mr_elapsed=$(($(qmp_now_ms) - _mr_t0))
		_mr_action=$(mig_decide "$_mr_status" "$_mr_elapsed" "$MIG_TIMEOUT_MS" "$MIG_POSTCOPY_AFTER_MS" "$_mr_requested")
		case $_mr_action in
		completed | failed | timeout) break ;;
		start-postcopy)
			log "source: migrate-start-postcopy after $_mr_elapsed ms (status $_mr_status)"
			_mr_requested=1
			if ! qmp_exec "$MIG_SRC" migrate-start-postcopy >/dev/null 2>"$_mr_dir/reply.err"; then
				cat "$_mr_dir/reply.err" >&2
				_mr_why="migrate-start-postcopy failed: $(sed -n '1s/^[^:]*: //p' "$_mr_dir/reply.err")"
				msg "source: migrate-start-postcopy failed: cancelling"
				qmp_exec "$MIG_SRC" migrate_cancel >/dev/null
				_mr_action=failed
				break
			fi
			continue
			;;
		esac
		qmp_sleep_ms "$MIG_POLL_MS"
	done
	_mr_wall=$(($(qmp_now_ms) - _mr_t0))

	case $_mr_action in
	timeout)
		msg "timeout: status '$_mr_status' after $_mr_wall ms (limit $MIG_TIMEOUT_MS ms): migrate_cancel"
		qmp_exec "$MIG_SRC" migrate_cancel >/dev/null ||
			msg "migrate_cancel failed (a post-copy migration cannot always be cancelled: the guest may be lost)"
		qmp_exec "$MIG_SRC" query-migrate >"$_mr_dir/reply" 2>/dev/null && cp "$_mr_dir/reply" "$_mr_dir/src.json"
		_mr_final=timeout
		_mr_why="no end within $MIG_TIMEOUT_MS ms (source status '$_mr_status')"
		;;
	completed) _mr_final=completed ;;
	*) _mr_final=failed ;;
	esac

	# 4. the destination's view (post-copy blocktime is measured there); after a
	#    completion, wait (bounded) until the destination has finished loading too.
	: >"$_mr_dir/dst.json"
	_mr_dwait=0
	while :; do
		if qmp_exec "$MIG_DST" query-migrate >"$_mr_dir/reply" 2>"$_mr_dir/reply.err"; then
			cp "$_mr_dir/reply" "$_mr_dir/dst.json"
			_mr_dstatus=$(jq -r '.status // "none"' "$_mr_dir/reply")
		else
			msg "destination: query-migrate failed: $(head -n 1 "$_mr_dir/reply.err")"
			_mr_dstatus=unknown
			break
		fi
		[ "$_mr_final" = completed ] || break
		case $_mr_dstatus in
		completed | failed | cancelled) break ;;
		esac
		_mr_dwait=$((_mr_dwait + MIG_POLL_MS))
		if [ "$_mr_dwait" -ge 10000 ]; then
			msg "destination still '$_mr_dstatus' 10 s after the source completed"
			break
		fi
		qmp_sleep_ms "$MIG_POLL_MS"
	done
	if [ "$_mr_final" = completed ] && [ "$_mr_dstatus" = failed ]; then
		msg "the source completed but the destination failed"
		_mr_final=failed
		_mr_why="the source completed but the destination's status is failed"
	fi

	# 5. the record, with why a migration that did not complete failed, in words
	[ "$_mr_final" != completed ] && [ -z "$_mr_why" ] &&
		_mr_why="the source's migration status became '$_mr_status'"
	if [ -n "${MIG_RAW:-}" ]; then
		cp "$_mr_dir/src.json" "$MIG_RAW/src-query-migrate.json"
		cp "$_mr_dir/dst.json" "$MIG_RAW/dst-query-migrate.json"
	fi
	{
		mig_fields "$_mr_dir/src.json" "$_mr_dir/dst.json" "$_mr_final" || return 1
		# did post-copy really run? (a small guest can finish before the switch)
		_mr_pcb=$(jq -r '.ram["postcopy-bytes"] // 0' "$_mr_dir/src.json" 2>/dev/null) || _mr_pcb=0
		case $_mr_pcb in
		'' | 0 | null) ;;
		*) _mr_seen_pc=yes ;;
		esac
		echo "mig_postcopy=$_mr_seen_pc"
		[ -n "$_mr_pc_ms" ] && echo "mig_postcopy_start_ms=$_mr_pc_ms"
		echo "mig_wall_ms=$_mr_wall"
		[ -z "$_mr_why" ] || echo "mig_failure=$_mr_why"
	} >"$_mr_dir/out"
	if [ -n "${MIG_OUT:-}" ]; then
		if ! { cp "$_mr_dir/out" "$MIG_OUT.tmp.$$" && mv -f "$MIG_OUT.tmp.$$" "$MIG_OUT"; }; then
			msg "cannot write $MIG_OUT"
			return 1
		fi
	else
		cat "$_mr_dir/out"
	fi

	case $_mr_final in
	completed)
		log "completed in $_mr_wall ms"
		return 0
		;;
	timeout) return $MIG_RC_TIMEOUT ;;
	esac
	_mr_desc=$(sed -n 's/^mig_error_desc=//p' "$_mr_dir/out")
	msg "migration failed (source status '$_mr_status'${_mr_desc:+: $_mr_desc})"
	return $MIG_RC_FAILED
}
