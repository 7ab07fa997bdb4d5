# shellcheck shell=sh
# TAP both ways, for every layer of the suite. Sourced; POSIX sh + POSIX awk (dash,
# busybox ash, mawk): it runs on the host, on the KVM host and on a LAVA device.
#
# Writing (shell tests):
#   tap_plan N            "TAP version 13" and "1..N"; resets the counts
#   tap_ok DESC           "ok N - DESC"
#   tap_fail DESC [WHY]   "not ok N - DESC", WHY as a "# " diagnostic line
#   tap_skip DESC WHY     "ok N - DESC # SKIP WHY"
#   tap_check DESC CMD... ok when CMD succeeds, else not ok
#   tap_diag TEXT         "# TEXT"
#   tap_totals            KTAP's "# Totals: pass:N fail:N xfail:0 xpass:0 skip:N error:0"
#   tap_status            0 when nothing failed, else 1 (the script's exit status)
#
# Reading (the layer logs of make check, LAVA): tap_counts and tap_tests below.

TAP_N=0 TAP_PASS=0 TAP_FAIL=0 TAP_SKIP=0

tap_plan() {
	TAP_N=0 TAP_PASS=0 TAP_FAIL=0 TAP_SKIP=0
	echo "TAP version 13"
	echo "1..$1"
}

tap_ok() {
	TAP_N=$((TAP_N + 1)) TAP_PASS=$((TAP_PASS + 1))
	echo "ok $TAP_N - $1"
}

tap_fail() {
	TAP_N=$((TAP_N + 1)) TAP_FAIL=$((TAP_FAIL + 1))
	echo "not ok $TAP_N - $1"
	[ -z "${2:-}" ] || tap_diag "$2"
}

tap_skip() {
	TAP_N=$((TAP_N + 1)) TAP_SKIP=$((TAP_SKIP + 1))
	echo "ok $TAP_N - $1 # SKIP $2"
}

tap_check() {
	_tc_desc=$1
	shift
	if "$@"; then tap_ok "$_tc_desc"; else tap_fail "$_tc_desc"; fi
}

tap_diag() {
	printf '%s\n' "$*" | sed 's/^/# /'
}

tap_totals() {
	echo "# Totals: pass:$TAP_PASS fail:$TAP_FAIL xfail:0 xpass:0 skip:$TAP_SKIP error:0"
}

tap_status() {
	[ "$TAP_FAIL" -eq 0 ]
}

# The layers whose test descriptions carry a measured detail after ": " or " (" (it
# changes from run to run: "KVM initialised: kvm [1]: VHE mode ..."), cut off the name.
: "${TAP_CUT_LAYERS:=smoke bench}"

# tap_counts LOG: "passed failed skipped" of one log, from its closing line
# ("<name>: N passed, N failed, N skipped") when it has one, else from its top-level TAP
# lines; a whole-file "1..0 # SKIP" counts as one skipped. Nothing when nothing counts.
tap_counts() {
	_tk_line=$(grep -E '^[A-Za-z0-9_-]+: [0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$1" | tail -n 1)
	if [ -n "$_tk_line" ]; then
		echo "$_tk_line" | awk '{ gsub(/,/, ""); print $2, $4, ($6 == "" ? 0 : $6) }'
		return 0
	fi
	awk '
		/^1\.\.0 *# *[Ss][Kk][Ii][Pp]/ { s++; seen = 1 }
		/^ok [0-9]+/ { if (tolower($0) ~ /# skip/) s++; else p++; seen = 1 }
		/^not ok [0-9]+/ { if (tolower($0) ~ /# skip/) s++; else f++; seen = 1 }
		END { if (seen) print p + 0, f + 0, s + 0 }' "$1"
}

# tap_tests LOG LAYER: one line per top-level test of LOG, tab-separated:
#   layer  name  result(pass|fail|skip)  duration_s(or empty)  reason  number
# A test is an "ok N ..." / "not ok N ..." line (lines indented with "# " are a sub-test's
# own TAP). Its name is "<layer>/<description>": without the number, a leading "- ", the
# directive ("# SKIP reason", "# TODO", "# exit=1", ...) and a bats timing suffix
# (" in 12ms", or bats 1.8's TAP " # in 12 ms"); in TAP_CUT_LAYERS, cut at its first ": " or " (". A name seen twice gets
# " [2]". A whole-file "1..0 # SKIP why" is one skipped test "<layer>/(whole layer)".
# reason: the skip reason, or for a failure the directive, the cut-off detail or
# the first diagnostic line.
tap_tests() {
	_tt_cut=0
	for _tt_l in $TAP_CUT_LAYERS; do
		[ "$_tt_l" = "$2" ] && _tt_cut=1
	done
	awk -v layer="$2" -v cut="$_tt_cut" '
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
		if (match(desc, / in [0-9]+ ?ms$/)) {
			dur = substr(desc, RSTART + 4); desc = substr(desc, 1, RSTART - 1)
		} else if (match(dir, /(^| )in [0-9]+ ?ms$/)) {
			dur = substr(dir, RSTART); dir = substr(dir, 1, RSTART - 1)
			sub(/^ ?in /, "", dur)
		}
		sub(/ ?ms$/, "", dur)
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
	# a whole-file skip ("1..0 # SKIP why") is one skipped test, named after the layer
	/^1\.\.0 *# *[Ss][Kk][Ii][Pp]/ {
		flush()
		reason = $0; sub(/^1\.\.0 *# *[Ss][Kk][Ii][Pp]:? */, "", reason)
		name = "(whole layer)"; res = "skip"; dur = ""; num = 0; diag = ""; have = 1
		if (reason == "") reason = "no reason given"
		next
	}
	have && /^  duration_ms: *[0-9.]+/ {
		d = $0; sub(/^  duration_ms: */, "", d); dur = sprintf("%.3f", d / 1000); next
	}
	have && /^  message: / { next }
	have && res == "fail" && /^(#|    )/ {
		d = $0; sub(/^# ?/, "", d); d = trim(d)
		if (d ~ /^---|^\.\.\.$|^Totals:/) next
		if (diag == "" || diag ~ /^\(in test file/) diag = (diag == "" ? d : diag " " d)
		next
	}
	/^[^# ]/ && !/^(TAP version|1\.\.)/ { flush() }
	END { flush() }' "$1"
}
