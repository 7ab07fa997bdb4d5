#!/usr/bin/env bats
# CI files: the GitHub Actions workflow and the LAVA job/test definition parse with a
# real YAML parser (libyaml via Perl YAML::XS) and have the expected structure (jq);
# the LAVA test script turns TAP and benchmark records into LAVA result lines.

bats_load_library bats-support
bats_load_library bats-assert

setup() {
	TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	FIX=$TOP/harness/tests/fixtures/ci
	WF=$TOP/ci/github/nightly.yml
	JOB=$TOP/ci/lava/apf-suite-qemu.yaml
	TESTDEF=$TOP/ci/lava/apf-suite.yaml
}

# JSON of a YAML file, or fail with the parser's message.
json() {
	"$TOP/ci/yaml2json" "$1"
}

# jq -e over a YAML file: passes when the filter yields true.
yq_true() {
	local file=$1
	shift
	json "$file" | jq -e "$@" >/dev/null
}

@test "ci: yaml2json has a real YAML parser (YAML::XS) and rejects broken YAML" {
	perl -MYAML::XS -MJSON::PP -e 1
	printf 'a: [1, 2\nb: c\n' >"$BATS_TEST_TMPDIR/bad.yaml"
	run "$TOP/ci/yaml2json" "$BATS_TEST_TMPDIR/bad.yaml"
	[ "$status" -eq 1 ]
	[[ "$output" == *"bad.yaml"* ]]
	run "$TOP/ci/yaml2json"
	[ "$status" -eq 2 ]
}

@test "workflow: parses; nightly schedule and workflow_dispatch" {
	json "$WF" >/dev/null
	yq_true "$WF" '.on.schedule | type == "array" and length > 0 and all(.[]; .cron | test("^[0-9*/,-]+( [0-9*/,-]+){4}$"))'
	yq_true "$WF" '.on | has("workflow_dispatch")'
}

@test "workflow: an ubuntu-24.04-arm job and an ubuntu-24.04 job, with timeouts, in Debian 12" {
	yq_true "$WF" '[.jobs[]."runs-on"] | index("ubuntu-24.04-arm") != null and index("ubuntu-24.04") != null'
	yq_true "$WF" 'all(.jobs[]; has("runs-on") and (."timeout-minutes" | type == "number"))'
	yq_true "$WF" 'all(.jobs[]; .container.image == "debian:12")'
}

@test "workflow: every step has run or uses (not both), every uses is pinned to a version" {
	yq_true "$WF" 'all(.jobs[].steps[]; (has("run") or has("uses")) and ((has("run") and has("uses")) | not))'
	yq_true "$WF" 'all(.jobs[].steps[] | select(has("uses")); .uses | test("^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@v?[0-9]"))'
}

@test "workflow: every job but mutants, faults and validate runs make check, make bench on the schedule only, and uploads artifacts always" {
	local sel='select(.key != "mutants" and .key != "faults" and .key != "validate")'
	yq_true "$WF" "[.jobs | to_entries[] | $sel] | length == 2"
	yq_true "$WF" "all(.jobs | to_entries[] | $sel | .value; any(.steps[]; (.run // \"\") | test(\"^make check\")))"
	yq_true "$WF" "all(.jobs | to_entries[] | $sel | .value; any(.steps[]; ((.run // \"\") | test(\"^make bench\")) and (.if | test(\"schedule\"))))"
	yq_true "$WF" "all(.jobs | to_entries[] | $sel | .value; any(.steps[]; (.uses // \"\" | startswith(\"actions/upload-artifact@\")) and (.if | test(\"always\")) and (.with.path | test(\"ci-artifacts\"))))"
	yq_true "$WF" "all(.jobs | to_entries[] | $sel | .value; any(.steps[]; (.run // \"\") | test(\"ci/github/collect\")))"
}

@test "workflow: a faults job runs make faults on the schedule (or when asked), and keeps its log" {
	yq_true "$WF" '.jobs.faults | (.if | test("schedule") and test("inputs.faults"))'
	yq_true "$WF" '.on.workflow_dispatch.inputs.faults.type == "boolean"'
	yq_true "$WF" '.jobs.faults | any(.steps[]; (.run // "") | test("(^|\n)make faults"))'
	yq_true "$WF" '.jobs.faults | any(.steps[]; (.uses // "" | startswith("actions/upload-artifact@")) and (.if | test("always")) and (.with.path == "faults.log"))'
}

@test "make: faults is its own target, in make help, and make bats (make check) leaves faults.bats out" {
	run make -s -C "$TOP" help
	assert_line --regexp '^make faults '
	run make -s -C "$TOP" -n bats
	assert_success
	assert_output --partial 'harness/tests/tables.bats'
	refute_output --partial 'faults.bats'
	run make -s -C "$TOP" -n faults
	assert_line --regexp '^bats --formatter tap( --timing)? harness/tests/faults\.bats$'
}

@test "workflow: a mutants job runs make mutants on the schedule (or when asked), and keeps its log" {
	yq_true "$WF" '.jobs.mutants | (.if | test("schedule") and test("inputs.mutants"))'
	yq_true "$WF" '.on.workflow_dispatch.inputs.mutants.type == "boolean"'
	yq_true "$WF" '.jobs.mutants | any(.steps[]; (.run // "") | test("(^|\n)make mutants"))'
	yq_true "$WF" '.jobs.mutants | any(.steps[]; (.uses // "" | startswith("actions/upload-artifact@")) and (.if | test("always")) and (.with.path == "mutants.log"))'
}

@test "workflow: the arm64 job probes /dev/kvm and runs natively or in the lab accordingly" {
	yq_true "$WF" '[.jobs[] | select(."runs-on" == "ubuntu-24.04-arm")] | length == 1'
	yq_true "$WF" '.jobs[] | select(."runs-on" == "ubuntu-24.04-arm") | any(.steps[]; .id == "probe" and (.run | test("/dev/kvm")) and (.run | test("ci/github/probe-kvm")))'
	yq_true "$WF" '.jobs[] | select(."runs-on" == "ubuntu-24.04-arm") | any(.steps[]; (.run // "") | test("^make check LAB=\\$\\{\\{ *steps.probe.outputs.lab *\\}\\}"))'
	yq_true "$WF" '.jobs[] | select(."runs-on" == "ubuntu-24.04") | any(.steps[]; (.run // "") | test("^make check LAB=lab"))'
	yq_true "$WF" '.jobs[] | select(."runs-on" == "ubuntu-24.04-arm") | .container.options | test("--privileged|--device")'
}

@test "workflow: .cache/debs is cached, keyed on harness/deps.d/*" {
	yq_true "$WF" 'all(.jobs[]; any(.steps[]; (.uses // "" | startswith("actions/cache@")) and .with.path == ".cache/debs" and (.with.key | contains("hashFiles('"'"'harness/deps.d/*'"'"')"))))'
}

@test "workflow: the scripts it calls exist and are executable" {
	for s in $(json "$WF" | jq -r '.jobs[].steps[].run // empty' | grep -oE '(ci|harness)/[A-Za-z0-9_/.-]+' | grep -v '^harness/tests/fixtures/' | sort -u); do
		[ -x "$TOP/$s" ] || { echo "missing or not executable: $s"; return 1; }
	done
}

@test "probe-kvm: prints lab=native|lab with a reason and writes GITHUB_OUTPUT" {
	export GITHUB_OUTPUT=$BATS_TEST_TMPDIR/out
	run sh "$TOP/ci/github/probe-kvm"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == lab=native || "${lines[0]}" == lab=lab ]]
	[[ "${lines[1]}" == "probe: "* ]]
	grep -qxE 'lab=(native|lab)' "$GITHUB_OUTPUT"
}

@test "LAVA job: qemu arm64 virt with virtualization=on and gic-version=3, cpu max" {
	yq_true "$JOB" '.device_type == "qemu" and (.job_name | length > 0)'
	yq_true "$JOB" '.context.arch == "arm64"'
	yq_true "$JOB" '.context.machine | split(",") | (.[0] == "virt") and index("virtualization=on") != null and index("gic-version=3") != null'
	yq_true "$JOB" '.context.cpu | test("^max(,|$)")'
}

@test "LAVA job: actions deploy, boot, test in order, each with a timeout; job timeout" {
	yq_true "$JOB" '[.actions[] | keys[0]] == ["deploy", "boot", "test"]'
	yq_true "$JOB" 'all(.actions[]; to_entries[0].value.timeout | (has("minutes") or has("seconds") or has("hours")))'
	yq_true "$JOB" '.timeouts.job.minutes > 0 and .timeouts.action.minutes > 0'
	yq_true "$JOB" '.actions[0].deploy | .to == "tmpfs" and (.images.kernel.image_arg | contains("{kernel}")) and (.images.initrd.image_arg | contains("{initrd}"))'
	yq_true "$JOB" '.actions[1].boot | .method == "qemu" and (.prompts | length > 0)'
}

@test "LAVA job: the test action runs our test definition" {
	yq_true "$JOB" '.actions[2].test.definitions | length > 0 and all(.[]; .path == "ci/lava/apf-suite.yaml" and .from == "git" and (.name | length > 0))'
	[ -f "$TOP/$(json "$JOB" | jq -r '.actions[2].test.definitions[0].path')" ]
}

@test "LAVA job: render fills every field and the result still parses" {
	run "$TOP/ci/lava/render" --kernel-url https://example.org/apf/kernel --initrd-url https://example.org/apf/initrd.cpio.gz \
		--repo https://example.org/apf-suite.git --ref main
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/job.yaml"
	run grep -v '^ *#' "$BATS_TEST_TMPDIR/job.yaml"
	assert_success
	refute_output --regexp '@[A-Z_]*@'
	yq_true "$BATS_TEST_TMPDIR/job.yaml" '.actions[0].deploy.images.kernel.url == "https://example.org/apf/kernel"'
	yq_true "$BATS_TEST_TMPDIR/job.yaml" '.actions[2].test.definitions[0].repository == "https://example.org/apf-suite.git"'
	run "$TOP/ci/lava/render" --kernel-url x
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 1 ]
}

@test "LAVA test definition: metadata and run steps calling ci/lava/apf-suite.sh" {
	yq_true "$TESTDEF" '.metadata.name == "apf-suite" and .metadata.format == "Lava-Test Test Definition 1.0" and (.metadata.description | length > 0)'
	yq_true "$TESTDEF" '.run.steps | type == "array" and length > 0 and any(.[]; test("ci/lava/apf-suite.sh"))'
	yq_true "$TESTDEF" '.params | has("RUN_ARGS") and has("SELFTESTS_DIR")'
	[ -x "$TOP/ci/lava/apf-suite.sh" ]
}

@test "LAVA script: result lines for a TAP log, a bats log and benchmark records" {
	cd "$BATS_TEST_TMPDIR"
	run sh "$TOP/ci/lava/apf-suite.sh" --print --tap "selftests=$FIX/lava/selftests.tap" \
		--tap "bats=$FIX/lava/bats.tap" --records "$FIX/lava/run1" --output out
	[ "$status" -eq 0 ]
	diff -u "$FIX/lava/expected-result.txt" out/result.txt
	[ "$output" = "$(cat "$FIX/lava/expected-result.txt")" ]
	# every line: name, result, optional measurement and units
	run grep -vE '^[A-Za-z0-9._-]+ (pass|fail|skip)( -?[0-9.]+ [A-Za-z/]+)?$' out/result.txt
	refute_output
}

@test "LAVA script: same lines under busybox sh and dash" {
	command -v busybox >/dev/null || skip "no busybox"
	cd "$BATS_TEST_TMPDIR"
	busybox sh "$TOP/ci/lava/apf-suite.sh" --print --tap "selftests=$FIX/lava/selftests.tap" \
		--tap "bats=$FIX/lava/bats.tap" --records "$FIX/lava/run1" --output bb >/dev/null
	dash "$TOP/ci/lava/apf-suite.sh" --print --tap "selftests=$FIX/lava/selftests.tap" \
		--tap "bats=$FIX/lava/bats.tap" --records "$FIX/lava/run1" --output da >/dev/null
	diff -u "$FIX/lava/expected-result.txt" bb/result.txt
	diff -u "$FIX/lava/expected-result.txt" da/result.txt
}

@test "LAVA script: calls lava-test-case when it exists, with measurement and units" {
	cd "$BATS_TEST_TMPDIR"
	mkdir bin
	printf '#!/bin/sh\necho "$*" >>"%s/calls"\n' "$BATS_TEST_TMPDIR" >bin/lava-test-case
	chmod +x bin/lava-test-case
	PATH=$BATS_TEST_TMPDIR/bin:$PATH run sh "$TOP/ci/lava/apf-suite.sh" --records "$FIX/lava/run1" --output out
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	grep -qx 'bench_s2-i1-apfon-r1_calc_rate --result pass --measurement 582000000 --units count/s' calls
	grep -qx 'bench_s1-i1-apfon-r1 --result skip' calls
	grep -qx 'bench_s3-i1-apfon-r1 --result fail' calls
	[ "$(wc -l <calls)" -eq "$(wc -l <out/result.txt)" ]
}

@test "LAVA script: bad usage is one line, exit 2" {
	run sh "$TOP/ci/lava/apf-suite.sh" --tap nofile
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 1 ]
	run sh "$TOP/ci/lava/apf-suite.sh" --records /nonexistent
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 1 ]
}

@test "workflow: a validate job runs make validate with a fixture series on the schedule (or when asked), checks the new capability, keeps the report" {
	yq_true "$WF" '.jobs.validate | (.if | test("schedule") and test("inputs.validate"))'
	yq_true "$WF" '.on.workflow_dispatch.inputs.validate.type == "boolean"'
	yq_true "$WF" '.jobs.validate | any(.steps[]; (.run // "") | test("(^|\n)make validate SERIES=harness/tests/fixtures/series/[^ ]+ BASE=debian-6.12"))'
	yq_true "$WF" '.jobs.validate | any(.steps[]; (.run // "") | test("grep -q .vendor_hyp_functions: FEATURES PTP -> FEATURES PTP fn8"))'
	yq_true "$WF" '.jobs.validate | any(.steps[]; (.uses // "" | startswith("actions/cache@")) and .with.path == ".cache/validate/ccache")'
	yq_true "$WF" '.jobs.validate | any(.steps[]; (.uses // "" | startswith("actions/upload-artifact@")) and (.if | test("always")) and (.with.path | test("validate.log")))'
	for f in $(json "$WF" | jq -r '.jobs.validate.steps[].run // empty' | grep -oE 'harness/tests/fixtures/series/[A-Za-z0-9_.-]+' | sort -u); do
		[ -e "$TOP/$f" ] || fail "$f: no such fixture"
	done
}
