# shellcheck shell=sh
# Benchmark profiles (harness/profiles/<name>.profile) and the scenarios table
# (harness/profiles/scenarios): data files, parsed on the host only. harness/bench
# resolves them into one case specification per case (case_spec) that the KVM host
# reads as it is: nothing is parsed twice across the L0/L1 boundary.

PROFILE_KEYS="PROFILE_DESCRIPTION LAB_MEM_MB LAB_SMP SWAP_MB SWAP_IOPS GUEST_MEM_MB GUEST_SMP
CGROUPS WORKLOAD_PERCENT WORKLOAD_TIMES S3_REPEAT MIGRATE_AFTER_S MIGRATE_BANDWIDTH CASE_TIMEOUT"
# The method (issue 15), optional: a profile may fix how its cases run; harness/bench's
# options override it. SCENARIOS (1,2,3), REPEAT (N, or S:N,S:N per scenario), AA (yes:
# an A/A control arm, -APF against -APF), INDEXES (S:N,S:N: scenario S runs the first N
# of CGROUPS only; a scenario it does not name runs them all), ORDER (interleaved or
# grouped), MONITORS (yes or no). harness/bench checks their values.
PROFILE_OPTIONAL_KEYS="SCENARIOS REPEAT INDEXES AA ORDER MONITORS"

# profile_path NAME-OR-FILE DIR: a name (letters, digits, - and _) is DIR/NAME.profile;
# anything with a / or ending in .profile is a file. A name that is neither, or a file
# whose name would not make a profile name, is bad usage.
profile_path() {
	case $1 in
	*/* | *.profile)
		_pp_n=${1##*/}
		_pp_n=${_pp_n%.profile}
		case $_pp_n in
		'' | *[!A-Za-z0-9_-]* | -*) usage_error "--profile $1: the file's name must be NAME.profile, NAME of letters, digits, - and _" ;;
		esac
		echo "$1"
		;;
	'' | *[!A-Za-z0-9_-]* | -*) usage_error "--profile '$1': a profile name (letters, digits, - and _) or a file" ;;
	*) echo "$2/$1.profile" ;;
	esac
}

# profile_load FILE [CGROUPS-DIR]: check the profile and set PROF_<KEY> for every key,
# and PROF_NAME, in one awk pass; with CGROUPS-DIR, every name of CGROUPS must have its
# CGROUPS-DIR/NAME.conf. Any error: "FILE:LINE: why" and exit 2.
profile_load() {
	[ -e "$1" ] || usage_error "no such profile: $1"
	[ -f "$1" ] || usage_error "$1: not a regular file"
	# (the file on stdin: awk would take a name such as a=b for an assignment)
	_pl_vars=$(awk -v keys="$PROFILE_KEYS" -v optional="$PROFILE_OPTIONAL_KEYS" -v cgdir="${2:-}" -v file="$1" '
		BEGIN {
			n = split(keys, k, /[ \n]+/); for (i = 1; i <= n; i++) known[k[i]] = 1
			n = split(optional, k, /[ \n]+/); for (i = 1; i <= n; i++) { known[k[i]] = 1; opt[k[i]] = 1 }
			split("LAB_MEM_MB LAB_SMP SWAP_MB GUEST_MEM_MB GUEST_SMP WORKLOAD_PERCENT WORKLOAD_TIMES S3_REPEAT CASE_TIMEOUT", r, " ")
			for (i in r) kind[r[i]] = "positive"
			kind["MIGRATE_AFTER_S"] = "whole"
			kind["SWAP_IOPS"] = "optional"; kind["MIGRATE_BANDWIDTH"] = "optional"
			kind["CGROUPS"] = "names"
		}
		# numbers as the shell will read them: no leading zero (octal), at most 9 digits
		function positive(v) { return v ~ /^[1-9][0-9]*$/ && length(v) <= 9 }
		function bad(msg) { print file ":" FNR ": " msg > "/dev/stderr"; failed = 1; exit 2 }
		/^[ \t]*(#|$)/ { next }
		{
			if ($0 !~ /^[A-Z0-9_]+=/) bad("not KEY=value: " $0)
			key = substr($0, 1, index($0, "=") - 1); val = substr($0, index($0, "=") + 1)
			if (!(key in known)) bad("unknown key " key)
			if (key in seen) bad(key " given twice")
			seen[key] = 1
			if (kind[key] == "positive" && !positive(val))
				bad(key " must be a positive whole number (no leading zero, at most 9 digits), not '\''" val "'\''")
			if (kind[key] == "whole" && val != "0" && !positive(val))
				bad(key " must be a whole number (no leading zero, at most 9 digits), not '\''" val "'\''")
			if (kind[key] == "optional" && val != "" && !positive(val))
				bad(key " must be empty or a positive whole number (no leading zero, at most 9 digits), not '\''" val "'\''")
			if (kind[key] == "names") {
				if (val !~ /^[A-Za-z0-9_-]+( [A-Za-z0-9_-]+)*$/)
					bad(key " must be names of cgroups/NAME.conf (letters, digits, - and _), one space apart, not '\''" val "'\''")
				split(val, cg, " ")
				for (i in cg) {
					if ((cg[i]) in cgseen) bad(key ": " cg[i] " given twice")
					cgseen[cg[i]] = 1
					if (cgdir != "" && (getline line < (cgdir "/" cg[i] ".conf")) < 0)
						bad(key ": no " cgdir "/" cg[i] ".conf")
				}
			}
			if (key == "WORKLOAD_PERCENT" && val + 0 > 100)
				bad("WORKLOAD_PERCENT must be 1..100, not " val)
			if (val ~ /['\''\\`$]/) bad(key ": quotes, backslashes and $ are not allowed")
			out = out "PROF_" key "='\''" val "'\''\n"
		}
		END {
			if (failed) exit 2
			for (key in known) if (!(key in seen) && !(key in opt)) { print file ": missing key " key > "/dev/stderr"; exit 2 }
			printf "%s", out
		}' <"$1" 2>&1) || usage_error "$_pl_vars"
	# the optional keys a profile left out are empty (harness/bench's defaults)
	for _pl_k in $PROFILE_OPTIONAL_KEYS; do
		eval "PROF_$_pl_k="
	done
	eval "$_pl_vars"
	# shellcheck disable=SC2034
	PROF_NAME=${1##*/}
	PROF_NAME=${PROF_NAME%.profile}
}

# scenario_row N FILE: "calc rounds migrate" of scenario N in the scenarios table, the
# rounds resolved from the loaded profile when the table names a profile key. Nothing
# and status 1 for a scenario the table does not have.
scenario_row() {
	awk -v n="$1" '!/^[ \t]*(#|$)/ && $1 == n { print $2, $3, $4; found = 1; exit } END { exit !found }' "$2" |
		{
			read -r _sr_calc _sr_rounds _sr_migrate || return 1
			case $_sr_rounds in
			*[!0-9]*) eval "_sr_rounds=\${PROF_$_sr_rounds:?}" ;;
			esac
			echo "$_sr_calc $_sr_rounds $_sr_migrate"
		}
}

# scenario_numbers FILE: the scenarios of the table, one a line.
scenario_numbers() {
	awk '!/^[ \t]*(#|$)/ { print $1 }' "$1"
}

# case_id SCENARIO INDEX ARM REPEAT: the name of a case, its record and its logs. ARM is
# off or on (the APF state), or aa: the A/A control, a second -APF case with the same
# settings (results/FORMAT.md).
case_id() {
	case $3 in
	aa) echo "s$1-i$2-apfoff-aa-r$4" ;;
	*) echo "s$1-i$2-apf$3-r$4" ;;
	esac
}
