# apf-suite: tests and benchmarks for arm64 KVM asynchronous page faults.
# `make check` runs every test layer; `make bench` runs the benchmark in the lab.
# KERNEL=debian-6.12|debian-6.1|/path/Image, KSRC=/path/to/linux, LAB=native|lab,
# LAB_ARCH=arm64|x86_64 are passed through to the harness.

SHELL := /bin/sh
LAB_ARCH ?= arm64
export LAB_ARCH
ifdef KERNEL
export KERNEL
endif
ifdef KSRC
export KSRC
endif
ifdef LAB
export LAB
endif

SCRIPTS = $(sort $(shell grep -rlE '^\#!/bin/sh' harness ci selftests/run .ci 2>/dev/null) \
	  $(wildcard harness/lib/*.sh harness/lib/*/*.sh workloads/testsuite-mem/tests/*.sh))

CHECK_LAYERS = \
	shellcheck='$(MAKE) -s shellcheck' \
	bats='$(MAKE) -s bats' \
	workloads='$(MAKE) -s -C workloads/testsuite-mem check' \
	smoke='harness/lab smoke' \
	guest-workloads='harness/lab workloads' \
	bench='harness/bench --profile short --new --results .cache/check/bench --tap' \
	selftests='if [ "$${LAB_ARCH:-arm64}" = arm64 ]; then $(MAKE) -s -C selftests check RUN_ARGS="--model all"; else echo "1..0 \# SKIP the selftests are arm64 KVM tests (LAB_ARCH=$$LAB_ARCH)"; fi' \
	selftests-upstream='if [ "$${LAB_ARCH:-arm64}" = arm64 ]; then $(MAKE) -s -C selftests check RUN_ARGS=--upstream-only; else echo "1..0 \# SKIP the upstream baseline is arm64 KVM selftests (LAB_ARCH=$$LAB_ARCH)"; fi'

.PHONY: help deps check bats shellcheck smoke lab-bench deviations selftests-slow bench bench-short tables mutants faults validate clean

help:
	@echo "make bench        run the benchmark (lab profile) and print the comparison tables"
	@echo "make check        run every test layer (installs what it needs; needs root on a fresh machine)"
	@echo "make mutants      break the code on purpose, mutant by mutant: every one must fail a test (~13 min)"
	@echo "make faults       the fault matrix: inject each fault into a benchmark case in the lab (~12 min; 20 under load)"
	@echo "make validate SERIES=mbox|dir|msgid [BASE=debian-6.12|debian-6.1|/path/to/linux]"
	@echo "                  build the baseline and BASE+SERIES lab kernels, run the selftests on each,"
	@echo "                  report what changed (slow: two kernel builds, two lab runs)"
	@echo "make deps         install host packages and download the lab's packages"
	@echo "make smoke        lab smoke test: KVM in the lab host, a nested guest"
	@echo "make lab-bench    time the lab boot and the nested guest boot"
	@echo "make deviations   prove the APF/SDEI tests can fail: each deliberate deviation of the series model (the lab, ~3 min)"
	@echo "make selftests-slow  the upstream selftests with the slow ones make check skips (the lab, ~7 min)"
	@echo "make tables RESULTS=dir...   comparison tables from result directories"
	@echo "Variables: KERNEL= KSRC= LAB=native|lab LAB_ARCH=arm64|x86_64"

deps:
	harness/deps

check: deps
	@CHECK_REPORT=harness/report harness/check $(CHECK_LAYERS)

# Every bats file but the fault matrix, which boots the lab for each test (make faults).
BATS_FILES = $(filter-out harness/tests/faults.bats,$(wildcard harness/tests/*.bats))

bats:
	bats --formatter tap --timing $(BATS_FILES)

shellcheck:
	@n=0; f=0; for s in $(SCRIPTS); do n=$$((n + 1)); \
	  if shellcheck -x "$$s" >/tmp/apf-shellcheck.$$$$ 2>&1; then echo "ok $$n - shellcheck $$s"; \
	  else f=1; echo "not ok $$n - shellcheck $$s"; sed 's/^/# /' /tmp/apf-shellcheck.$$$$; fi; \
	done; rm -f /tmp/apf-shellcheck.$$$$; exit $$f

smoke: deps
	harness/lab smoke

lab-bench: deps
	harness/lab bench

bench: deps
	harness/bench $(if $(PROFILE),--profile $(PROFILE)) $(if $(SCENARIOS),--scenarios $(SCENARIOS))

# Mutation runs of the selftests: slow, so their own target and CI job, not in make check.
deviations: deps
	$(MAKE) -s -C selftests check RUN_ARGS=--deviations-only

# The whole upstream baseline, with the tests upstream.list marks slow (make check SKIPs them).
selftests-slow: deps
	$(MAKE) -s -C selftests check RUN_ARGS="--upstream-only --slow"

bench-short: deps
	harness/bench --profile short

tables:
	harness/tables --plots $(if $(OUT),--out $(OUT)) $(RESULTS)

# Slow (about 17 minutes on 2 cores, most of it in the lab): not part of make check.
mutants: deps
	@harness/mutants

# The fault matrix (harness/tests/faults.bats): each fault injected into a short benchmark
# case in the lab, about 3 minutes on 2 cores; slow, so not part of make check.
faults: deps
	bats --formatter tap --timing harness/tests/faults.bats

# Validate a kernel patch series against its base (issue 14): two kernel builds (the first
# cold, ~20 min on 2 cores) and the selftests in the lab on each: not part of make check.
validate:
	@test -n "$(SERIES)" || { echo "make validate: give SERIES=mbox|directory|message-id (and BASE=debian-6.12|debian-6.1|/path/to/linux)" >&2; exit 2; }
	harness/deps --validate
	harness/validate $(if $(BASE),--base $(BASE)) $(if $(REV),--rev $(REV)) $(if $(RUN_ARGS),--run-args "$(RUN_ARGS)") $(if $(BENCH),--bench $(BENCH)) $(SERIES)

clean:
	rm -rf .cache/lab .cache/check .cache/build
	-$(MAKE) -C workloads/testsuite-mem clean
	-$(MAKE) -C selftests clean
