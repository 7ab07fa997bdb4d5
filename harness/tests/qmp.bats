#!/usr/bin/env bats
# harness/kvmhost/qmp and harness/lib/kvmhost/qmp.sh against fake QMP servers (socat + fixtures/qmp/fake-qmp.sh).

# shellcheck disable=SC2154 # $stderr is set by bats' run --separate-stderr
bats_require_minimum_version 1.5.0
load fixtures/qmp/helpers

setup() {
	QMP=$HARNESS/kvmhost/qmp
	S=$BATS_TEST_TMPDIR/fake.sock
	unset QMP_TIMEOUT QMP_EVENTS
}

teardown() {
	stop_fakes
}

@test "qmp: prints the return value, drops interleaved events" {
	start_fake fake "$FIXTURES/basic"
	run --separate-stderr "$QMP" "$S" query-status
	[ "$status" -eq 0 ]
	[ "$output" = '{"status":"paused","running":false}' ]
	[ -z "$stderr" ]
	# qmp_capabilities went first, with an id
	run head -n 1 "$BATS_TEST_TMPDIR/fake.state/requests.log"
	[[ $output == '{"execute": "qmp_capabilities", "id": "'* ]]
}

@test "qmp: several commands on one connection, one line each, in order" {
	start_fake fake "$FIXTURES/basic"
	run --separate-stderr "$QMP" "$S" query-version query-status query-migrate
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[0]}" = '{"qemu":{"micro":2,"minor":0,"major":10},"package":"fake"}' ]
	[ "${lines[1]}" = '{"status":"paused","running":false}' ]
	[ "${lines[2]}" = '{}' ]
	run grep -c qmp_capabilities "$BATS_TEST_TMPDIR/fake.state/requests.log"
	[ "$output" = 1 ]
	# every request carries its own id
	run sh -c "sed -n 's/.*\"id\": *\"\([^\"]*\)\".*/\1/p' '$BATS_TEST_TMPDIR/fake.state/requests.log' | sort -u | wc -l"
	[ "$output" -eq 4 ]
}

@test "qmp: arguments are sent compacted under \"arguments\"" {
	start_fake fake "$FIXTURES/basic"
	run "$QMP" "$S" migrate-incoming '{ "uri" :
	   "unix:/tmp/x.sock" }'
	[ "$status" -eq 0 ]
	grep -q '"execute": "migrate-incoming", "arguments": {"uri":"unix:/tmp/x.sock"}, "id"' \
		"$BATS_TEST_TMPDIR/fake.state/requests.log"
}

@test "qmp: events are saved with --events" {
	start_fake fake "$FIXTURES/basic"
	run "$QMP" --events "$BATS_TEST_TMPDIR/ev" "$S" query-status query-version
	[ "$status" -eq 0 ]
	run jq -r .event "$BATS_TEST_TMPDIR/ev"
	[ "$output" = "STOP
RESUME
MIGRATION_PASS" ] || [ "$output" = "STOP
MIGRATION_PASS
RESUME" ]
}

@test "qmp: an error reply -> 'qmp: CMD: CLASS: DESC' and exit 1" {
	start_fake fake "$FIXTURES/basic"
	run --separate-stderr "$QMP" "$S" nosuch
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "$stderr" = "qmp: nosuch: CommandNotFound: The command nosuch has not been found" ]
}

@test "qmp: an error among several commands: the others still print, exit 1" {
	start_fake fake "$FIXTURES/basic"
	run --separate-stderr "$QMP" "$S" query-status migrate-set-capabilities \
		'{"capabilities":[{"capability":"postcopy-ram","state":true}]}' query-version
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 2 ]
	[[ $stderr == "qmp: migrate-set-capabilities: GenericError: Postcopy is not supported: "* ]]
}

@test "qmp: an error without id (unparsable request) is reported, not waited for" {
	start_fake fake "$FIXTURES/stray"
	run --separate-stderr "$QMP" --timeout 5 "$S" query-status
	[ "$status" -eq 1 ]
	[[ $stderr == *"GenericError: JSON parse error"* ]]
}

@test "qmp: a server that never answers -> exit 124 within the timeout" {
	start_fake fake "$FIXTURES/hang"
	t0=$(now_ms)
	run --separate-stderr "$QMP" --timeout 1 "$S" query-status
	t1=$(now_ms)
	[ "$status" -eq 124 ]
	[[ $stderr == "qmp: query-status: timed out after 1.000s"* ]]
	[ $((t1 - t0)) -ge 1000 ]
	[ $((t1 - t0)) -lt 3000 ]
}

@test "qmp: a server that never even greets -> 124 (QMP_TIMEOUT, decimals)" {
	start_fake fake "$FIXTURES/silent"
	t0=$(now_ms)
	QMP_TIMEOUT=0.5 run --separate-stderr "$QMP" "$S" query-status
	t1=$(now_ms)
	[ "$status" -eq 124 ]
	[[ $stderr == *"timed out after 0.500s"* ]]
	[ $((t1 - t0)) -lt 2500 ]
}

@test "qmp: a server that hangs up -> exit 1, says so" {
	start_fake fake "$FIXTURES/close"
	run --separate-stderr "$QMP" --timeout 5 "$S" query-status
	[ "$status" -eq 1 ]
	[[ $stderr == *"closed the connection before replying"* ]]
}

@test "qmp: missing socket, stale socket, not a socket -> exit 3 with a clear message" {
	run --separate-stderr "$QMP" "$BATS_TEST_TMPDIR/nope.sock" query-status
	[ "$status" -eq 3 ]
	[[ $stderr == *"nope.sock: no such socket"* ]]

	# a stale socket: its listener was killed, the file is left behind
	socat "UNIX-LISTEN:$BATS_TEST_TMPDIR/stale.sock" /dev/null </dev/null >/dev/null 2>&1 3>&- &
	pid=$!
	for _ in $(seq 100); do [ -S "$BATS_TEST_TMPDIR/stale.sock" ] && break; sleep 0.05; done
	kill -KILL "$pid"
	wait "$pid" || true
	[ -S "$BATS_TEST_TMPDIR/stale.sock" ]
	t0=$(now_ms)
	run --separate-stderr "$QMP" "$BATS_TEST_TMPDIR/stale.sock" query-status
	[ "$status" -eq 3 ]
	[[ $stderr == *"cannot connect to $BATS_TEST_TMPDIR/stale.sock"*"refused"* ]]
	[ $(($(now_ms) - t0)) -lt 2000 ]

	touch "$BATS_TEST_TMPDIR/file"
	run --separate-stderr "$QMP" "$BATS_TEST_TMPDIR/file" query-status
	[ "$status" -eq 3 ]
	[[ $stderr == *"not a unix socket"* ]]
}

@test "qmp: bad arguments -> exit 2" {
	start_fake fake "$FIXTURES/basic"
	run "$QMP" "$S"
	[ "$status" -eq 2 ]
	run "$QMP" "$S" '{"a":1}'
	[ "$status" -eq 2 ]
	run --separate-stderr "$QMP" "$S" migrate '{"uri": '
	[ "$status" -eq 2 ]
	[[ $stderr == *"arguments are not a JSON object"* ]]
	run "$QMP" "$S" migrate '["x"]'
	[ "$status" -eq 2 ]
	run "$QMP" "$S" 'bad name'
	[ "$status" -eq 2 ]
	run "$QMP" --timeout abc "$S" query-status
	[ "$status" -eq 2 ]
	run "$QMP" --bogus "$S" query-status
	[ "$status" -eq 2 ]
	# nothing was sent for any of these
	[ ! -s "$BATS_TEST_TMPDIR/fake.state/requests.log" ]
}

@test "qmp --wait-event: prints the event, skips the others" {
	start_fake fake "$FIXTURES/events"
	run --separate-stderr "$QMP" --wait-event MIGRATION --timeout 5 "$S"
	[ "$status" -eq 0 ]
	[ "$(jq -r .data.status <<<"$output")" = completed ]
	run --separate-stderr "$QMP" --wait-event SHUTDOWN --timeout 1 "$S"
	[ "$status" -eq 124 ]
}

@test "qmp: works under busybox sh and dash" {
	command -v busybox >/dev/null || skip "no busybox"
	start_fake fake "$FIXTURES/basic"
	run busybox sh "$QMP" "$S" query-status nosuch
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = '{"status":"paused","running":false}' ]
	command -v dash >/dev/null || skip "no dash"
	run dash "$QMP" "$S" query-version
	[ "$status" -eq 0 ]
}

@test "qmp.sh: qmp_seconds_to_ms and qmp_now_ms" {
	run sh -c ". '$HARNESS/lib/kvmhost/qmp.sh'; qmp_seconds_to_ms 10; qmp_seconds_to_ms 0.5; qmp_seconds_to_ms 1.25; qmp_seconds_to_ms 007; qmp_seconds_to_ms 0"
	[ "$output" = "10000
500
1250
7000
0" ]
	for bad in '' abc 1.2.3 .5 -1 1e3; do
		run sh -c ". '$HARNESS/lib/kvmhost/qmp.sh'; qmp_seconds_to_ms '$bad'"
		[ "$status" -ne 0 ]
	done
	run sh -c ". '$HARNESS/lib/common.sh'; . '$HARNESS/lib/kvmhost/qmp.sh'; a=\$(qmp_now_ms); sleep 0.3; b=\$(qmp_now_ms); echo \$((b - a))"
	[ "$output" -ge 280 ]
	[ "$output" -lt 1000 ]
}

@test "qmp: leaves no process and no temporary directory behind" {
	start_fake fake "$FIXTURES/hang"
	export TMPDIR=$BATS_TEST_TMPDIR/tmp
	mkdir -p "$TMPDIR"
	run "$QMP" --timeout 0.3 "$S" query-status
	[ "$status" -eq 124 ]
	stop_fakes
	start_fake fake "$FIXTURES/basic"
	run "$QMP" "$S" query-status
	[ "$status" -eq 0 ]
	[ -z "$(ls -A "$TMPDIR")" ]
	run pgrep -f "UNIX-CONNECT:$S"
	[ "$status" -ne 0 ]
}
