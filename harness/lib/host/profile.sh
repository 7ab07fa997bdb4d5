# shellcheck shell=sh
# Benchmark profiles (harness/profiles/<name>.profile) and the scenarios table
# (harness/profiles/scenarios): data files, parsed on the host only. harness/bench
# resolves them into one case specification per case (case_spec) that the KVM host
# reads as it is: nothing is parsed twice across the L0/L1 boundary.

PROFILE_KEYS="PROFILE_DESCRIPTION LAB_MEM_MB LAB_SMP SWAP_MB SWAP_IOPS GUEST_MEM_MB GUEST_SMP
CGROUPS WORKLOAD_PERCENT WORKLOAD_TIMES S3_REPEAT MIGRATE_AFTER_S MIGRATE_BANDWIDTH CASE_TIMEOUT"

# profile_path NAME-OR-FILE DIR
profile_path() {
	case $1 in
	*/* | *.profile) echo "$1" ;;
	*) echo "$2/$1.profile" ;;
	esac
}

# profile_load FILE: check the profile and set PROF_<KEY> for every key, and PROF_NAME,
# in one awk pass. Any error: "FILE:LINE: why" and exit 2.
profile_load() {
	[ -f "$1" ] || usage_error "no such profile: $1"
	_pl_vars=$(awk -v keys="$PROFILE_KEYS" '
		BEGIN {
			n = split(keys, k, /[ \n]+/); for (i = 1; i <= n; i++) known[k[i]] = 1
			split("LAB_MEM_MB LAB_SMP SWAP_MB GUEST_MEM_MB GUEST_SMP WORKLOAD_PERCENT WORKLOAD_TIMES S3_REPEAT CASE_TIMEOUT", r, " ")
			for (i in r) kind[r[i]] = "positive"
			kind["MIGRATE_AFTER_S"] = "whole"
			kind["SWAP_IOPS"] = "optional"; kind["MIGRATE_BANDWIDTH"] = "optional"
		}
		function bad(msg) { print FILENAME ":" FNR ": " msg > "/dev/stderr"; failed = 1; exit 2 }
		/^[ \t]*(#|$)/ { next }
		{
			if ($0 !~ /^[A-Z0-9_]+=/) bad("not KEY=value: " $0)
			key = substr($0, 1, index($0, "=") - 1); val = substr($0, index($0, "=") + 1)
			if (!(key in known)) bad("unknown key " key)
			if (key in seen) bad(key " given twice")
			seen[key] = 1
			if (kind[key] == "positive" && (val !~ /^[0-9]+$/ || val + 0 == 0))
				bad(key " must be a positive whole number, not '\''" val "'\''")
			if (kind[key] == "whole" && val !~ /^[0-9]+$/)
				bad(key " must be a whole number, not '\''" val "'\''")
			if (kind[key] == "optional" && val !~ /^[0-9]*$/)
				bad(key " must be empty or a whole number, not '\''" val "'\''")
			if (key == "WORKLOAD_PERCENT" && val + 0 > 100)
				bad("WORKLOAD_PERCENT must be 1..100, not " val)
			if (val ~ /['\''\\`$]/) bad(key ": quotes, backslashes and $ are not allowed")
			out = out "PROF_" key "='\''" val "'\''\n"
		}
		END {
			if (failed) exit 2
			for (key in known) if (!(key in seen)) { print FILENAME ": missing key " key > "/dev/stderr"; exit 2 }
			printf "%s", out
		}' "$1" 2>&1) || usage_error "$_pl_vars"
	eval "$_pl_vars"
	# shellcheck disable=SC2034
	PROF_NAME=$(basename "$1" .profile)
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

# case_id SCENARIO INDEX APF REPEAT: the name of a case, its record and its logs.
case_id() {
	echo "s$1-i$2-apf$3-r$4"
}
