# shellcheck shell=sh
# Reading the layer logs of a `make check` run (.cache/check/<layer>.log), for
# harness/report and harness/history. Sourced; POSIX sh + POSIX awk (mawk, busybox).
#
# A test is a top-level TAP line of a layer log ("ok N ...", "not ok N ..."; lines
# indented with "# " are a sub-test's own TAP and are not counted). Its name is
# "<layer>/<description>", the description without the test number, a leading "- ",
# the TAP directive ("# SKIP reason", "# TODO", "# exit=1", ...) and a bats timing
# suffix (" in 12ms"). In the layers named in APF_CUT_LAYERS (default "smoke bench")
# the description is also cut at its first ": " or " (", whose tail there is a measured
# detail that changes from run to run ("KVM initialised: kvm [1]: VHE mode ...").

: "${APF_CUT_LAYERS:=smoke bench}"

# checklog_layers DIR: the layer logs of DIR, one path a line, in name order.
checklog_layers() {
	for _cl in "$1"/*.log; do
		[ -f "$_cl" ] && printf '%s\n' "$_cl"
	done
	return 0
}

# checklog_tests DIR: one line per test, tab-separated:
#   layer  name  result(pass|fail|skip)  duration_s(or empty)  reason  number
# reason: the skip reason, or for a failure the directive or first diagnostic line.
checklog_tests() {
	checklog_layers "$1" | while IFS= read -r _ct_log; do
		_ct_layer=${_ct_log##*/}
		_ct_layer=${_ct_layer%.log}
		_ct_cut=0
		for _ct_l in $APF_CUT_LAYERS; do
			[ "$_ct_l" = "$_ct_layer" ] && _ct_cut=1
		done
		awk -v layer="$_ct_layer" -v cut="$_ct_cut" '
		function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
		function flush() {
			if (!have) return
			if (res == "fail" && reason == "" && diag != "") reason = diag
			gsub(/\t/, " ", name); gsub(/\t/, " ", reason)
			printf "%s\t%s\t%s\t%s\t%s\t%s\n", layer, layer "/" name, res, dur, reason, num
			have = 0
		}
		/^(not )?ok [0-9]+/ {
			flush()
			ok = ($0 !~ /^not /)
			rest = ok ? substr($0, 4) : substr($0, 8)
			num = rest; sub(/[^0-9].*$/, "", num)
			sub(/^[0-9]+/, "", rest)
			rest = trim(rest)
			sub(/^- */, "", rest)
			# the directive starts at the first "#" that begins a word
			desc = rest; dir = ""
			if (substr(rest, 1, 1) == "#") { desc = ""; dir = substr(rest, 2) }
			else if ((i = index(rest, " #")) > 0) { desc = substr(rest, 1, i - 1); dir = substr(rest, i + 2) }
			dir = trim(dir)
			dur = ""
			if (match(desc, / in [0-9]+ms$/)) {
				dur = substr(desc, RSTART + 4, RLENGTH - 6); desc = substr(desc, 1, RSTART - 1)
			} else if (match(dir, / in [0-9]+ms$/)) {
				dur = substr(dir, RSTART + 4, RLENGTH - 6); dir = substr(dir, 1, RSTART - 1)
			}
			if (dur != "") dur = sprintf("%.3f", dur / 1000)
			desc = trim(desc)
			i = index(desc, ": "); j = index(desc, " (")
			if (j > 0 && (i == 0 || j < i)) i = j
			if (cut && i > 0) {
				tail = trim(substr(desc, i + 2)); desc = substr(desc, 1, i - 1)
			} else tail = ""
			if (desc == "") desc = "#" num
			if (seen[desc]++) desc = desc " [" seen[desc] "]"
			name = desc
			up = toupper(dir); reason = ""
			if (up ~ /^SKIP/) {
				res = "skip"; reason = trim(substr(dir, 5)); sub(/^:[ ]*/, "", reason)
				if (reason ~ /^\(.*\)$/) reason = substr(reason, 2, length(reason) - 2)
				if (reason == "") reason = "no reason given"
			} else if (up ~ /^TODO/) {
				res = ok ? "pass" : "skip"; reason = ok ? "" : "TODO " trim(substr(dir, 5))
			} else {
				res = ok ? "pass" : "fail"; reason = ok ? "" : dir
				if (!ok && reason == "") reason = tail
			}
			diag = ""; have = 1
			next
		}
		have && /^  duration_ms: *[0-9.]+/ {
			d = $0; sub(/^  duration_ms: */, "", d); dur = sprintf("%.3f", d / 1000); next
		}
		have && /^  message: / { next }
		have && res == "fail" && /^(#|    )/ {
			d = $0; sub(/^# ?/, "", d); d = trim(d)
			if (d ~ /^---|^\.\.\.$/) next
			if (diag == "" || diag ~ /^\(in test file/) diag = (diag == "" ? d : diag " " d)
			next
		}
		/^[^# ]/ && !/^(TAP version|1\.\.)/ { flush() }
		END { flush() }' "$_ct_log"
	done
}

# checklog_counts LOG: "passed failed skipped exit" for one layer log, counted the way
# harness/check counts it (its closing line, else its TAP lines); exit is the layer's
# exit status ("?" when the log has none). Nothing when nothing could be counted.
checklog_counts() {
	_cc_rc=$(sed -n 's/^check-layer-exit=//p' "$1" | tail -n 1)
	_cc_line=$(grep -E '^[A-Za-z0-9_-]+: [0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$1" | tail -n 1)
	if [ -n "$_cc_line" ]; then
		echo "$_cc_line" | awk -v rc="${_cc_rc:-?}" '{ gsub(/,/, ""); print $2, $4, ($6 == "" ? 0 : $6), rc }'
		return 0
	fi
	awk -v rc="${_cc_rc:-?}" '
		/^ok [0-9]+/ { if (tolower($0) ~ /# skip/) s++; else p++; seen = 1 }
		/^not ok [0-9]+/ { if (tolower($0) ~ /# skip/) s++; else f++; seen = 1 }
		END { if (seen) print p + 0, f + 0, s + 0, rc }' "$1"
}

# checklog_kernel DIR: "release<TAB>machine<TAB>where" of the kernel the tests ran on:
# from the lab's "apf-lab: up at T s (RELEASE, MACHINE)" line (where=lab), else from
# the selftests runner's "# kernel RELEASE on MACHINE" (where=native). The smoke log
# is read first, then the others.
checklog_kernel() {
	for _ck in "$1/smoke.log" $(checklog_layers "$1"); do
		[ -f "$_ck" ] || continue
		_ck_k=$(sed -n 's/^apf-lab: up at [0-9.]* *s (\([^,]*\), \([^)]*\)).*/\1	\2	lab/p' "$_ck" | head -n 1)
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
