# shellcheck shell=sh
# The baseline-vs-candidate comparison of harness/validate, from two check directories
# (harness/check's layer logs: DIR/<layer>.log, DIR/<layer>.rc). Host only; sourced
# after lib/common.sh, lib/contract.sh, lib/tap.sh and lib/host/checklog.sh.

# validate_states DIR: "name<TAB>result<TAB>reason<TAB>failed checks" per test, the failed
# checks being the "not ok" lines of the test's own output (nested, "# not ok K ...")
# joined with "; ".
validate_states() {
	checklog_layers "$1" | while IFS= read -r _vs_log; do
		_vs_layer=${_vs_log##*/}
		_vs_layer=${_vs_layer%.log}
		awk -v layer="$_vs_layer" '
		/^(# *)+not ok [0-9]+ / { l = $0; sub(/^(# *)+not ok [0-9]+ +(- +)?/, "", l); sub(/ +#.*$/, "", l)
			s = s (s == "" ? "" : "; ") l; next }
		/^(not )?ok [0-9]+ / { n++; checks[n] = s; s = "" }
		END { for (i = 1; i <= n; i++) print checks[i] }' "$_vs_log" >"${TMPDIR:-/tmp}/apf-vs.$$"
		tap_tests "$_vs_log" "$_vs_layer" | awk -F '\t' -v cf="${TMPDIR:-/tmp}/apf-vs.$$" '
			{ c = ""; getline c < cf; printf "%s\t%s\t%s\t%s\n", $2, $3, $5, c }'
		rm -f "${TMPDIR:-/tmp}/apf-vs.$$"
	done
}

# validate_compare BASE_DIR CAND_DIR: the report's sections: tests whose state changed
# (regressions first), new kernel splats, new capabilities. Sets VALIDATE_REGRESSIONS
# (VALIDATE_FAILS pass->fail + VALIDATE_SPLATS new splats) and VALIDATE_NEWCAPS. Writes its lines to stdout.
validate_compare() {
	_vc_tmp=$(mktemp -d "${TMPDIR:-/tmp}/apf-validate.XXXXXX") || die "cannot create a temporary directory"
	validate_states "$1" >"$_vc_tmp/base"
	validate_states "$2" >"$_vc_tmp/cand"
	echo "== tests whose state changed (baseline -> candidate)"
	awk -F '\t' -v base="$_vc_tmp/base" '
		BEGIN { while ((getline l < base) > 0) { split(l, f, "\t"); b[f[1]] = f[2]; seen[f[1]] = 1; order[++n] = f[1] } }
		{ c[$1] = $2; why[$1] = $3; chk[$1] = $4; if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } }
		END {
			for (i = 1; i <= n; i++) {
				t = order[i]
				from = (t in b) ? b[t] : "none"; to = (t in c) ? c[t] : "none"
				if (from == to) continue
				line = from "->" to " " t
				if (to == "fail") line = line (chk[t] != "" ? ": " chk[t] : why[t] != "" ? ": " why[t] : "")
				else if (why[t] != "") line = line " (" why[t] ")"
				if (from == "pass" && to == "fail") reg[++nr] = line; else oth[++no] = line
			}
			for (i = 1; i <= nr; i++) print "  " reg[i]
			for (i = 1; i <= no; i++) print "  " oth[i]
			if (nr + no == 0) print "  none"
			print nr > "/dev/stderr"
		}' "$_vc_tmp/cand" 2>"$_vc_tmp/nreg"
	echo "== new kernel splats (the candidate's, not the baseline's)"
	: >"$_vc_tmp/splats-cand"
	checklog_layers "$2" | while IFS= read -r _vc_log; do
		sed -n -e "s/^$LAB_MARK_SPLAT *//p" \
			-e 's/^not ok [0-9]* \([^#]*[^ #]\) *# the host kernel reported a bug while it ran: \(.*\)/\1: \2/p' "$_vc_log"
	done | sed 's/^\[ *[0-9.]*\] *//' | sort -u >"$_vc_tmp/splats-cand"
	checklog_layers "$1" | while IFS= read -r _vc_log; do
		sed -n -e "s/^$LAB_MARK_SPLAT *//p" \
			-e 's/^not ok [0-9]* \([^#]*[^ #]\) *# the host kernel reported a bug while it ran: \(.*\)/\1: \2/p' "$_vc_log"
	done | sed 's/^\[ *[0-9.]*\] *//' | sort -u >"$_vc_tmp/splats-base"
	comm -13 "$_vc_tmp/splats-base" "$_vc_tmp/splats-cand" >"$_vc_tmp/splats-new"
	if [ -s "$_vc_tmp/splats-new" ]; then sed 's/^/  /' "$_vc_tmp/splats-new"; else echo "  none"; fi
	echo "== new capabilities (the selftests' probe: candidate against baseline)"
	checklog_abi "$1" >"$_vc_tmp/abi-base"
	checklog_abi "$2" >"$_vc_tmp/abi-cand"
	awk -F '\t' -v base="$_vc_tmp/abi-base" '
		function key(a, b) { return a == "cap" ? "cap " b : a }
		function val(a, b, c) { return a == "cap" ? c : b }
		BEGIN { while ((getline l < base) > 0) { split(l, f, "\t"); if (f[1] == "ioctl") continue; k = key(f[1], f[2]); b[k] = val(f[1], f[2], f[3]) } }
		$1 != "ioctl" && $1 != "abi" {
			k = key($1, $2); v = val($1, $2, $3)
			if (k in done) next
			done[k] = 1
			if ((k in b) && b[k] == v) next
			name = k; sub(/^cap /, "", name)
			if (name == "series") name = "series profile"
			else if (name == "apf") name = "APF profile"
			else if (name == "sdei") name = "SDEI profile"
			printf "  %s: %s -> %s\n", name, (k in b) ? b[k] : "(not reported)", v
			n++
		}
		END { if (!n) print "  none"; print n + 0 > "/dev/stderr" }' "$_vc_tmp/abi-cand" 2>"$_vc_tmp/ncaps"
	# shellcheck disable=SC2034 # read by harness/validate
	VALIDATE_FAILS=$(cat "$_vc_tmp/nreg")
	# shellcheck disable=SC2034
	VALIDATE_SPLATS=$(wc -l <"$_vc_tmp/splats-new" | tr -d ' ')
	# shellcheck disable=SC2034
	VALIDATE_REGRESSIONS=$((VALIDATE_FAILS + VALIDATE_SPLATS))
	# shellcheck disable=SC2034
	VALIDATE_NEWCAPS=$(cat "$_vc_tmp/ncaps")
	rm -rf "$_vc_tmp"
}
