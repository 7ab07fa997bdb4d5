# shellcheck shell=sh
# Reading the layer logs of a `make check` run: DIR/<layer>.log (the layer's output,
# TAP) and DIR/<layer>.rc (its exit status), for harness/check, harness/report and
# harness/history. Host only. Sourced after lib/common.sh, lib/contract.sh and lib/tap.sh, whose
# tap_counts and tap_tests read each log: this file adds what a whole run directory tells.

# checklog_layers DIR: the layer logs of DIR, one path a line, in name order.
checklog_layers() {
	for _cl in "$1"/*.log; do
		[ -f "$_cl" ] && printf '%s\n' "$_cl"
	done
	return 0
}

# checklog_tests DIR: one line per test of every layer log of DIR (tap_tests' format).
checklog_tests() {
	checklog_layers "$1" | while IFS= read -r _ct_log; do
		_ct_layer=${_ct_log##*/}
		tap_tests "$_ct_log" "${_ct_layer%.log}"
	done
}

# checklog_layer LOG: how one layer went, tab-separated "passed failed skipped note",
# for harness/check and harness/report alike. The counts are tap_counts'; the layer's
# exit status is in LOG's .rc file beside it. A layer with nothing counted, or that
# exited non-zero with no failure counted (a crash, a make error), counts one failure,
# and the note says which.
checklog_layer() {
	_cl_rc=$(cat "${1%.log}.rc" 2>/dev/null) || _cl_rc="?"
	_cl_counts=$(tap_counts "$1")
	if [ -z "$_cl_counts" ]; then
		printf '0\t1\t0\tno results counted\n'
		return 0
	fi
	# shellcheck disable=SC2086 # three numbers
	set -- $_cl_counts
	if [ "$_cl_rc" != 0 ] && [ "$2" -eq 0 ]; then
		printf '%s\t1\t%s\texited %s with no failure counted\n' "$1" "$3" "$_cl_rc"
	else
		printf '%s\t%s\t%s\t\n' "$1" "$2" "$3"
	fi
}

# checklog_kernel DIR: "release<TAB>machine<TAB>where" of the kernel the tests ran on:
# from the lab host's up marker on its console, "$LAB_MARK_UP at T s (RELEASE, MACHINE)"
# (lib/contract.sh; where=lab), else from
# the selftests runner's "# kernel RELEASE on MACHINE" (where=native). The smoke log
# is read first, then the others.
checklog_kernel() {
	for _ck in "$1/smoke.log" $(checklog_layers "$1"); do
		[ -f "$_ck" ] || continue
		_ck_k=$(sed -n "s/^$LAB_MARK_UP at [0-9.]* *s (\([^,]*\), \([^)]*\)).*/\1	\2	lab/p" "$_ck" | head -n 1)
		[ -n "$_ck_k" ] && { printf '%s\n' "$_ck_k"; return 0; }
	done
	for _ck in "$1/selftests.log" $(checklog_layers "$1"); do
		[ -f "$_ck" ] || continue
		_ck_k=$(sed -n 's/^# kernel \([^ ]*\) on \([^ ]*\)$/\1	\2	native/p' "$_ck" | head -n 1)
		[ -n "$_ck_k" ] && { printf '%s\n' "$_ck_k"; return 0; }
	done
	return 0
}

# checklog_abi DIR: the APF/SDEI ABI the selftests detected, tab-separated lines:
#   series NAME    NOTE       (from "series profile NAME[ (note)]: APF P (why); SDEI Q (why)")
#   apf   PROFILE  WHY        (from that line, or the older "APF profile P (why); SDEI profile Q (why); APF ioctl on VM fd: R")
#   sdei  PROFILE  WHY
#   ioctl RESULT
#   cap   NAME     VALUE      (from "# cap: NAME=VALUE" / "# capability: NAME=VALUE" lines)
#   abi   KEY      VALUE      (from "# abi: apf=P sdei=Q" lines of the runner)
# Lines may carry any number of "# " prefixes (sub-test output inside the runner's TAP).
checklog_abi() {
	_ca_logs=$(checklog_layers "$1")
	[ -n "$_ca_logs" ] || return 0
	# shellcheck disable=SC2086 # one path a line, no spaces in .cache/check paths
	awk '
	function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
	{ l = $0; while (sub(/^# ?/, "", l)) ; l = trim(l) }
	!probe && l ~ /^series profile [^ :]+( \([^)]*\))?: APF [^ ]+ \(.*\); SDEI [^ ]+ \(.*\)$/ {
		probe = 1
		a = l; sub(/^series profile /, "", a)
		name = a; sub(/[ :].*/, "", name)
		note = ""
		if (substr(a, length(name) + 1, 2) == " (") { note = substr(a, length(name) + 3); sub(/\):.*/, "", note) }
		a = substr(a, index(a, ": APF ") + 6)
		ap = a; sub(/ .*/, "", ap)
		aw = a; sub(/^[^ ]+ \(/, "", aw); i = index(aw, "); SDEI "); aw = substr(aw, 1, i - 1)
		s = substr(a, index(a, "); SDEI ") + 8)
		sp = s; sub(/ .*/, "", sp)
		sw = s; sub(/^[^ ]+ \(/, "", sw); sub(/\)$/, "", sw)
		printf "series\t%s\t%s\napf\t%s\t%s\nsdei\t%s\t%s\n", name, note, ap, aw, sp, sw
		next
	}
	!probe && l ~ /^APF profile [^ ]+ \(.*\); SDEI profile [^ ]+ \(.*\)/ {
		probe = 1
		a = l; sub(/^APF profile /, "", a)
		ap = a; sub(/ .*/, "", ap)
		aw = a; sub(/^[^ ]+ \(/, "", aw); i = index(aw, "); SDEI profile "); aw = substr(aw, 1, i - 1)
		s = substr(a, index(a, "); SDEI profile ") + 16)
		sp = s; sub(/ .*/, "", sp)
		sw = s; sub(/^[^ ]+ \(/, "", sw)
		j = index(sw, "); APF ioctl on VM fd: ")
		io = ""
		if (j > 0) { io = substr(sw, j + 23); sw = substr(sw, 1, j - 1) } else sub(/\)$/, "", sw)
		printf "apf\t%s\t%s\nsdei\t%s\t%s\n", ap, aw, sp, sw
		if (io != "") printf "ioctl\t%s\n", io
		next
	}
	l ~ /^(cap|capability): [^ =]+=/ {
		c = l; sub(/^[a-z]+: /, "", c); k = c; sub(/=.*/, "", k); v = substr(c, length(k) + 2)
		if (!(("cap" SUBSEP k) in done)) { done["cap" SUBSEP k] = 1; printf "cap\t%s\t%s\n", k, v }
		next
	}
	l ~ /^abi: / {
		n = split(substr(l, 6), f, " ")
		for (i = 1; i <= n; i++) if ((e = index(f[i], "=")) > 1) {
			k = substr(f[i], 1, e - 1)
			if (!(("abi" SUBSEP k) in done)) { done["abi" SUBSEP k] = 1; printf "abi\t%s\t%s\n", k, substr(f[i], e + 1) }
		}
	}' $_ca_logs
}

# checklog_profile DIR: one word for the CSV history, e.g. "apf=none sdei=none".
checklog_profile() {
	checklog_abi "$1" | awk -F '\t' '
		$1 == "abi" && ($2 == "apf" || $2 == "sdei") { v[$2] = $3 }
		($1 == "apf" || $1 == "sdei") && !($1 in v) { v[$1] = $2 }
		END { if ("apf" in v || "sdei" in v) printf "apf=%s sdei=%s\n", ("apf" in v ? v["apf"] : "?"), ("sdei" in v ? v["sdei"] : "?") }'
}
