#!/usr/bin/env bats
# harness/kvmhost/migrate and harness/lib/kvmhost/migrate.sh: the state machine alone, the record fields,
# whole runs against fake QMP servers, and one real post-copy migration with QEMU.

# shellcheck disable=SC2154 # $stderr is set by bats' run --separate-stderr
bats_require_minimum_version 1.5.0
load fixtures/qmp/helpers

setup() {
	MIG=$HARNESS/kvmhost/migrate
	SRC=$BATS_TEST_TMPDIR/src.sock
	DST=$BATS_TEST_TMPDIR/dst.sock
	URI=unix:$BATS_TEST_TMPDIR/mig.sock
	OUT=$BATS_TEST_TMPDIR/out.rec
	unset QMP_TIMEOUT QMP_EVENTS
}

teardown() {
	stop_fakes
	local f
	for f in "$BATS_TEST_TMPDIR"/qemu-*.pid; do
		[ -f "$f" ] && kill -KILL "$(cat "$f")" 2>/dev/null
	done
	return 0
}

# decide STATUS ELAPSED TIMEOUT AFTER REQUESTED
decide() {
	sh -c '. "$1/lib/kvmhost/migrate.sh"; shift; mig_decide "$@"' sh "$HARNESS" "$@"
}

# field KEY [FILE]: the value of KEY in a record
field() {
	sed -n "s/^$1=//p" "${2:-$OUT}"
}

@test "mig_decide: the state machine, step by step" {
	# status elapsed timeout after requested -> action
	while read -r st el to af rq want; do
		run decide "$st" "$el" "$to" "$af" "$rq"
		[ "$output" = "$want" ] || {
			echo "mig_decide $st $el $to $af $rq -> $output, expected $want"
			return 1
		}
	done <<'TABLE'
none 10 1000 0 0 wait
setup 0 1000 0 0 start-postcopy
setup 0 1000 0 1 wait
active 50 1000 100 0 wait
active 150 1000 100 0 start-postcopy
active 150 1000 100 1 wait
pre-switchover 150 1000 100 0 start-postcopy
postcopy-active 500 1000 0 1 wait
postcopy-active 999 1000 0 1 wait
postcopy-active 1000 1000 0 1 timeout
active 5000 1000 0 1 timeout
completed 0 1000 0 1 completed
completed 5000 1000 0 1 completed
failed 10 1000 0 1 failed
failed 5000 1000 0 1 failed
cancelled 10 1000 0 1 failed
cancelling 10 1000 0 1 failed
postcopy-paused 10 1000 0 1 failed
postcopy-recover 10 1000 0 1 failed
something-new 10 1000 0 1 wait
TABLE
}

@test "mig_decide: a replayed sequence of query-migrate replies" {
	# what the loop sees with --postcopy-after 300, polling every 100 ms, 2 s limit
	local req=0 el=0 st actions=""
	for st in setup active active active postcopy-active postcopy-active completed; do
		a=$(decide "$st" "$el" 2000 300 "$req")
		[ "$a" = start-postcopy ] && req=1
		actions="$actions $a"
		el=$((el + 100))
	done
	[ "$actions" = " wait wait wait start-postcopy wait wait completed" ]
}

@test "mig_fields: all FORMAT.md keys from a QEMU 10.0 reply, units converted" {
	R=$FIXTURES/replies
	run sh -c '. "$1/lib/kvmhost/migrate.sh"; mig_fields "$2" "$3" completed' sh "$HARNESS" \
		"$R/lab-src-completed.json" "$R/lab-dst-completed.json"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >"$OUT"
	for k in mig_status mig_total_time_ms mig_downtime_ms mig_setup_time_ms \
		mig_transferred_kbytes mig_throughput_mbps mig_remaining_kbytes mig_total_kbytes \
		mig_duplicate_pages mig_skipped_pages mig_normal_pages mig_normal_kbytes \
		mig_dirty_sync_count mig_page_size_kbytes mig_multifd_kbytes mig_pages_per_second \
		mig_postcopy_requests mig_postcopy_blocktime_ms; do
		grep -q "^$k=" "$OUT" || {
			echo "missing $k"
			return 1
		}
	done
	[ "$(field mig_status)" = completed ]
	[ "$(field mig_total_time_ms)" = 3650 ]
	[ "$(field mig_downtime_ms)" = 53 ]
	[ "$(field mig_transferred_kbytes)" = 137216 ]
	[ "$(field mig_throughput_mbps)" = 296.123 ]
	[ "$(field mig_total_kbytes)" = 524992 ]
	[ "$(field mig_skipped_pages)" = 0 ]
	[ "$(field mig_normal_kbytes)" = 131072 ]
	[ "$(field mig_page_size_kbytes)" = 4 ]
	[ "$(field mig_pages_per_second)" = 13010 ]
	[ "$(field mig_postcopy_requests)" = 23 ]
	[ "$(field mig_postcopy_kbytes)" = 132096 ]
	[ "$(field mig_postcopy_blocktime_ms)" = 967 ]
	[ "$(field mig_postcopy_vcpu_blocktime_ms)" = "967 12" ]
	# FORMAT.md syntax: key=value, keys [a-z0-9_]+, each once
	run ! grep -v '^[a-z0-9_][a-z0-9_]*=' "$OUT"
	[ "$(cut -d= -f1 "$OUT" | sort | uniq -d)" = "" ]
}

@test "mig_fields: skipped pages from QEMUs that still report them; real 10.0.2 reply" {
	R=$FIXTURES/replies
	run sh -c '. "$1/lib/kvmhost/migrate.sh"; mig_fields "$2" "" completed' sh "$HARNESS" "$R/old-qemu-src-skipped.json"
	printf '%s\n' "$output" >"$OUT"
	[ "$(field mig_skipped_pages)" = 7 ]
	run ! grep -q mig_postcopy_blocktime_ms "$OUT"
	run sh -c '. "$1/lib/kvmhost/migrate.sh"; mig_fields "$2" "$3" completed' sh "$HARNESS" \
		"$R/qemu-10.0.2-src-idle64m.json" "$R/qemu-10.0.2-dst-idle64m.json"
	printf '%s\n' "$output" >"$OUT"
	[ "$(field mig_total_kbytes)" = 66056 ]
	[ "$(field mig_throughput_mbps)" = 201.487 ]
	[ "$(field mig_postcopy_blocktime_ms)" = 0 ]
	[ "$(field mig_postcopy_vcpu_blocktime_ms)" = 0 ]
}

@test "mig_fields: a failed migration keeps QEMU's error-desc" {
	run sh -c '. "$1/lib/kvmhost/migrate.sh"; mig_fields "$2" "" failed' sh "$HARNESS" "$FIXTURES/replies/src-failed.json"
	printf '%s\n' "$output" >"$OUT"
	[ "$(field mig_status)" = failed ]
	[ "$(field mig_error_desc)" = "Unable to write to socket: Broken pipe" ]
	[ "$(field mig_total_time_ms)" = 812 ]
	run ! grep -q mig_skipped_pages "$OUT"
}

@test "migrate: completed (fake QEMUs): QMP sequence, exit 0, record and raw replies" {
	start_fake src "$FIXTURES/mig-src-completed"
	start_fake dst "$FIXTURES/mig-dst"
	run --separate-stderr "$MIG" --src "$SRC" --dst "$DST" --uri "$URI" --poll 20 \
		--out "$OUT" --raw "$BATS_TEST_TMPDIR/raw"
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(field mig_status)" = completed ]
	[ "$(field mig_postcopy_requests)" = 23 ]
	[ "$(field mig_postcopy_blocktime_ms)" = 967 ]
	[ "$(field mig_dst_status)" = completed ]
	[ "$(field mig_postcopy)" = yes ]
	[ -n "$(field mig_postcopy_start_ms)" ]
	jq -e '.status == "completed"' "$BATS_TEST_TMPDIR/raw/src-query-migrate.json"
	jq -e '."postcopy-blocktime" == 967' "$BATS_TEST_TMPDIR/raw/dst-query-migrate.json"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/raw/src-progress.jsonl")" -eq 5 ]
	# the destination: both capabilities, then migrate-incoming with the URI
	d=$BATS_TEST_TMPDIR/dst.state/requests.log
	grep -q '"migrate-set-capabilities", "arguments": {"capabilities":\[{"capability":"postcopy-ram","state":true},{"capability":"postcopy-blocktime","state":true}\]}' "$d"
	grep -q "\"migrate-incoming\", \"arguments\": {\"uri\":\"$URI\"}" "$d"
	# the source: capabilities, migrate and migrate-start-postcopy, then polls
	s=$BATS_TEST_TMPDIR/src.state/requests.log
	run sh -c "sed -n 's/.*\"execute\": \"\([^\"]*\)\".*/\1/p' '$s' | grep -v qmp_capabilities | uniq"
	[ "$output" = "migrate-set-capabilities
migrate
migrate-start-postcopy
query-migrate" ]
	run ! grep -q migrate_cancel "$s"
}

@test "migrate: --postcopy-after waits, then switches while polling" {
	start_fake src "$FIXTURES/mig-src-postcopy-after"
	start_fake dst "$FIXTURES/mig-dst"
	run --separate-stderr "$MIG" --src "$SRC" --dst "$DST" --uri "$URI" --poll 50 \
		--postcopy-after 150 --bandwidth 1048576 --out "$OUT"
	echo "$stderr"
	[ "$status" -eq 0 ]
	s=$BATS_TEST_TMPDIR/src.state/requests.log
	grep -q '"migrate-set-parameters", "arguments": {"max-bandwidth":1048576,"max-postcopy-bandwidth":1048576}' "$s"
	run sh -c "sed -n 's/.*\"execute\": \"\([^\"]*\)\".*/\1/p' '$s' | grep -v qmp_capabilities | uniq"
	[ "${lines[2]}" = migrate ]
	[ "${lines[3]}" = query-migrate ]
	[ "${lines[4]}" = migrate-start-postcopy ]
	[ "${lines[5]}" = query-migrate ]
	ms=$(sed -n 's/.*migrate-start-postcopy after \([0-9]*\) ms.*/\1/p' <<<"$stderr")
	[ "$ms" -ge 150 ]
}

@test "migrate: failed -> exit 1 with QEMU's error-desc, record written" {
	start_fake src "$FIXTURES/mig-src-failed"
	start_fake dst "$FIXTURES/mig-dst"
	run --separate-stderr "$MIG" --src "$SRC" --dst "$DST" --uri "$URI" --poll 20 --out "$OUT"
	[ "$status" -eq 1 ]
	[[ $stderr == *"migration failed (source status 'failed': Unable to write to socket: Broken pipe)"* ]]
	[ "$(field mig_status)" = failed ]
	[ "$(field mig_error_desc)" = "Unable to write to socket: Broken pipe" ]
	[ "$(field mig_failure)" = "the source's migration status became 'failed'" ]
}

@test "migrate: timeout -> migrate_cancel, exit 124, mig_status=timeout" {
	start_fake src "$FIXTURES/mig-src-timeout"
	start_fake dst "$FIXTURES/mig-dst"
	t0=$(now_ms)
	run --separate-stderr "$MIG" --src "$SRC" --dst "$DST" --uri "$URI" --poll 50 --timeout 1 --out "$OUT"
	t1=$(now_ms)
	[ "$status" -eq 124 ]
	[ $((t1 - t0)) -ge 1000 ]
	[ $((t1 - t0)) -lt 5000 ]
	[[ $stderr == *"timeout: status 'active' after"* ]]
	grep -q '"execute": "migrate_cancel"' "$BATS_TEST_TMPDIR/src.state/requests.log"
	[ "$(field mig_status)" = timeout ]
}

@test "migrate: a QEMU that stops answering QMP -> the overall timeout still holds" {
	start_fake src "$FIXTURES/hang"
	start_fake dst "$FIXTURES/mig-dst"
	t0=$(now_ms)
	QMP_TIMEOUT=0.5 run --separate-stderr "$MIG" --src "$SRC" --dst "$DST" --uri "$URI" --timeout 1
	[ "$status" -ne 0 ]
	[ $(($(now_ms) - t0)) -lt 5000 ]
}

# wait_set_up: up to 10 s for migrate (stderr in $BATS_TEST_TMPDIR/err) to say both sides
# are set up and it waits for its --start-file
wait_set_up() {
	for _ in $(seq 100); do
		grep -q 'ready: migrating when' "$BATS_TEST_TMPDIR/err" && return 0
		sleep 0.1
	done
}

@test "migrate: --start-file sets both sides up first and migrates only once the file appears" {
	start_fake src "$FIXTURES/mig-src-completed"
	start_fake dst "$FIXTURES/mig-dst"
	go=$BATS_TEST_TMPDIR/go
	"$MIG" --src "$SRC" --dst "$DST" --uri "$URI" --poll 20 --timeout 30 --start-file "$go" --out "$OUT" \
		2>"$BATS_TEST_TMPDIR/err" 3>&- &
	pid=$!
	echo "$pid" >"$BATS_TEST_TMPDIR/qemu-migrate.pid"
	wait_set_up
	# (time enough for a migrate that did not wait to send its command, under load too)
	sleep 5
	kill -0 "$pid"
	# set up: capabilities on both sides, the destination listening; no migrate yet
	grep -q '"execute": "migrate-incoming"' "$BATS_TEST_TMPDIR/dst.state/requests.log"
	grep -q 'postcopy-ram' "$BATS_TEST_TMPDIR/src.state/requests.log"
	run grep '"execute": "migrate"' "$BATS_TEST_TMPDIR/src.state/requests.log"
	[ "$status" -ne 0 ]
	: >"$go"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" = 0 ] || { echo "migrate exited $rc: $(cat "$BATS_TEST_TMPDIR/err")"; false; }
	grep -q '"execute": "migrate"' "$BATS_TEST_TMPDIR/src.state/requests.log"
	[ "$(field mig_status)" = completed ]
}

@test "migrate: stopped (TERM) while it waits, it leaves no temporary directory" {
	start_fake src "$FIXTURES/mig-src-completed"
	start_fake dst "$FIXTURES/mig-dst"
	mkdir -p "$BATS_TEST_TMPDIR/tmp"
	TMPDIR=$BATS_TEST_TMPDIR/tmp "$MIG" --src "$SRC" --dst "$DST" --uri "$URI" --timeout 30 \
		--start-file "$BATS_TEST_TMPDIR/never" 2>"$BATS_TEST_TMPDIR/err" 3>&- &
	pid=$!
	echo "$pid" >"$BATS_TEST_TMPDIR/qemu-migrate.pid"
	wait_set_up
	[ -n "$(ls -A "$BATS_TEST_TMPDIR/tmp")" ]
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" = 143 ]
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/tmp")" ] || { ls -la "$BATS_TEST_TMPDIR/tmp"; false; }
}

@test "migrate: --start-file that never appears -> exit 1 at the timeout, no migration" {
	start_fake src "$FIXTURES/mig-src-completed"
	start_fake dst "$FIXTURES/mig-dst"
	run --separate-stderr "$MIG" --src "$SRC" --dst "$DST" --uri "$URI" --timeout 1 --start-file "$BATS_TEST_TMPDIR/never"
	[ "$status" -eq 1 ]
	[[ $stderr == *"never did not appear within 1000 ms: no migration"* ]]
	run grep '"execute": "migrate"' "$BATS_TEST_TMPDIR/src.state/requests.log"
	[ "$status" -ne 0 ]
}

@test "migrate: QMP stops answering in post-copy -> failed after 3 polls without reply, not at the overall timeout" {
	start_fake src "$FIXTURES/mig-src-qmp-hang"
	start_fake dst "$FIXTURES/mig-dst"
	t0=$(now_ms)
	QMP_TIMEOUT=0.5 run --separate-stderr "$MIG" --src "$SRC" --dst "$DST" --uri "$URI" --poll 20 --timeout 20 --out "$OUT"
	[ "$status" -eq 1 ]
	# three polls of 0.5 s, not the 20 s of the migration's own deadline
	t=$(($(now_ms) - t0))
	[ "$t" -lt 15000 ] || { echo "${t} ms"; false; }
	[ "$(field mig_status)" = failed ]
	[ "$(field mig_failure)" = "the source's QMP monitor stopped answering: no reply to query-migrate within 0.5 s, 3 times in a row (last status 'postcopy-active')" ]
	[ "$(field mig_postcopy)" = yes ]
}

@test "migrate: QMP answers query-migrate with errors in post-copy -> failed, naming QEMU's error" {
	start_fake src "$FIXTURES/mig-src-qmp-error"
	start_fake dst "$FIXTURES/mig-dst"
	run --separate-stderr "$MIG" --src "$SRC" --dst "$DST" --uri "$URI" --poll 20 --timeout 600 --out "$OUT"
	[ "$status" -eq 1 ]
	[ "$(field mig_status)" = failed ]
	[ "$(field mig_failure)" = "the source's QMP failed query-migrate 3 times in a row (last status 'postcopy-active'): query-migrate: GenericError: Parameter 'apf-fault' is unexpected" ]
}

@test "migrate: the destination refuses post-copy -> exit 1, nothing sent to the source" {
	start_fake src "$FIXTURES/mig-src-completed"
	start_fake dst "$FIXTURES/mig-dst-nocap"
	run --separate-stderr "$MIG" --src "$SRC" --dst "$DST" --uri "$URI"
	[ "$status" -eq 1 ]
	[[ $stderr == *"migrate: migrate-set-capabilities: GenericError: Postcopy is not supported: Userfaultfd not available"* ]]
	[ ! -s "$BATS_TEST_TMPDIR/src.state/requests.log" ]
}

@test "migrate: a source without postcopy-blocktime is fine" {
	start_fake src "$FIXTURES/mig-src-noblocktime"
	start_fake dst "$FIXTURES/mig-dst"
	run --separate-stderr "$MIG" --src "$SRC" --dst "$DST" --uri "$URI" --poll 20
	[ "$status" -eq 0 ]
	[[ $stderr == *"source does not accept postcopy-blocktime"* ]]
	[[ $output == *"mig_status=completed"* ]]
}

@test "migrate: migrate-start-postcopy refused -> exit 1 and the migration is cancelled" {
	start_fake src "$FIXTURES/mig-src-nostart"
	start_fake dst "$FIXTURES/mig-dst"
	run --separate-stderr "$MIG" --src "$SRC" --dst "$DST" --uri "$URI" --poll 20 --postcopy-after 10
	[ "$status" -eq 1 ]
	[[ $stderr == *"Enable postcopy with migrate_set_capability"* ]]
	grep -q '"execute": "migrate_cancel"' "$BATS_TEST_TMPDIR/src.state/requests.log"
}

@test "migrate: bad arguments -> exit 2" {
	start_fake src "$FIXTURES/mig-src-completed"
	start_fake dst "$FIXTURES/mig-dst"
	run "$MIG" --dst "$DST" --uri "$URI"
	[ "$status" -eq 2 ]
	run "$MIG" --src "$SRC" --dst "$DST" --uri "tcp:localhost:4444"
	[ "$status" -eq 2 ]
	run "$MIG" --src "$SRC" --dst "$SRC" --uri "$URI"
	[ "$status" -eq 2 ]
	run "$MIG" --src "$SRC" --dst "$DST" --uri "$URI" --poll 0
	[ "$status" -eq 2 ]
	run "$MIG" --src "$SRC" --dst "$DST" --uri "$URI" --timeout -3
	[ "$status" -eq 2 ]
	run "$MIG" --src "$SRC" --dst "$DST" --uri "$URI" --postcopy-after soon
	[ "$status" -eq 2 ]
	run "$MIG" --src "$SRC" --dst "$DST" --uri "$URI" --bandwidth 10M
	[ "$status" -eq 2 ]
	run "$MIG" --src "$SRC" --dst "$BATS_TEST_TMPDIR/none.sock" --uri "$URI"
	[ "$status" -eq 2 ]
	run "$MIG" --src "$SRC" --dst "$DST" --uri "$URI" --out /nonexistent/dir/x.rec
	[ "$status" -eq 2 ]
	run "$MIG" --src "$SRC" --dst "$DST" --uri "$URI" --frobnicate 1
	[ "$status" -eq 2 ]
	run "$MIG" --help
	[ "$status" -eq 0 ]
	[ ! -s "$BATS_TEST_TMPDIR/src.state/requests.log" ]
}

@test "migrate: runs under busybox sh (as in the lab host)" {
	command -v busybox >/dev/null || skip "no busybox"
	start_fake src "$FIXTURES/mig-src-completed"
	start_fake dst "$FIXTURES/mig-dst"
	run --separate-stderr busybox sh "$MIG" --src "$SRC" --dst "$DST" --uri "$URI" --poll 20 --out "$OUT"
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ "$(field mig_status)" = completed ]
	[ "$(field mig_postcopy_blocktime_ms)" = 967 ]
}

# bats test_tags=qemu
@test "migrate: a real post-copy migration between two QEMUs" {
	local qemu="" machine=() accel
	if command -v qemu-system-x86_64 >/dev/null; then
		qemu="qemu-system-x86_64"
	elif command -v qemu-system-aarch64 >/dev/null; then
		# no firmware: the vCPU spins on an empty RAM, enough to migrate
		qemu="qemu-system-aarch64" machine=(-M virt -cpu max)
	else
		skip "no qemu-system-x86_64 or qemu-system-aarch64"
	fi
	# KVM if /dev/kvm is usable (QEMU falls back to the next -accel otherwise), else TCG
	accel=(-accel tcg)
	if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then accel=(-accel kvm -accel tcg); fi
	local common=("${machine[@]}" "${accel[@]}" -nodefaults -m 64 -display none -daemonize)
	"$qemu" "${common[@]}" -qmp "unix:$SRC,server=on,wait=off" \
		-pidfile "$BATS_TEST_TMPDIR/qemu-src.pid" </dev/null >"$BATS_TEST_TMPDIR/qemu-src.log" 2>&1 3>&-
	"$qemu" "${common[@]}" -qmp "unix:$DST,server=on,wait=off" -incoming defer \
		-pidfile "$BATS_TEST_TMPDIR/qemu-dst.pid" </dev/null >"$BATS_TEST_TMPDIR/qemu-dst.log" 2>&1 3>&-
	# 2 MB/s: the few hundred KB that are not zero pages cannot all go before
	# migrate-start-postcopy (unlimited, a loaded host sometimes finished in pre-copy)
	run --separate-stderr "$MIG" --src "$SRC" --dst "$DST" --uri "$URI" --timeout 60 \
		--bandwidth 2000000 --out "$OUT" --raw "$BATS_TEST_TMPDIR/raw"
	echo "$stderr"
	cat "$OUT"
	[ "$status" -eq 0 ]
	[ "$(field mig_status)" = completed ]
	[ "$(field mig_dst_status)" = completed ]
	# post-copy really ran (migrate-start-postcopy went with migrate)
	[ "$(field mig_postcopy)" = yes ]
	[ "$(field mig_postcopy_kbytes)" -gt 0 ]
	[ "$(field mig_total_kbytes)" -ge 65536 ]
	[ "$(field mig_page_size_kbytes)" = 4 ]
	for k in mig_total_time_ms mig_downtime_ms mig_setup_time_ms mig_transferred_kbytes \
		mig_throughput_mbps mig_remaining_kbytes mig_duplicate_pages mig_skipped_pages \
		mig_normal_pages mig_normal_kbytes mig_dirty_sync_count mig_multifd_kbytes \
		mig_pages_per_second mig_postcopy_requests mig_postcopy_blocktime_ms; do
		[ -n "$(field "$k")" ] || {
			echo "missing $k"
			return 1
		}
	done
	# the guest now runs on the destination
	run "$HARNESS/kvmhost/qmp" "$DST" query-status
	[ "$(jq -r .status <<<"$output")" = running ]
	run "$HARNESS/kvmhost/qmp" "$SRC" query-status
	[ "$(jq -r .status <<<"$output")" = postmigrate ]
}
