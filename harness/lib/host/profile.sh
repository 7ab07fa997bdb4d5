# shellcheck shell=sh
# Benchmark profiles: KEY=value data files (harness/profiles/<name>.profile). They are
# parsed, not sourced: only known keys, values checked, errors name the file and line.

PROFILE_KEYS="PROFILE_DESCRIPTION LAB_MEM_MB LAB_SMP SWAP_MB SWAP_IOPS GUEST_MEM_MB GUEST_SMP
CGROUPS WORKLOAD_PERCENT WORKLOAD_TIMES S3_REPEAT MIGRATE_AFTER_S MIGRATE_BANDWIDTH CASE_TIMEOUT"

# Numeric keys; empty allowed for the optional ones.
profile_numeric() {
	case $1 in
	LAB_MEM_MB | LAB_SMP | SWAP_MB | GUEST_MEM_MB | GUEST_SMP | WORKLOAD_PERCENT | \
		WORKLOAD_TIMES | S3_REPEAT | CASE_TIMEOUT) echo required ;;
	MIGRATE_AFTER_S) echo zero-or-more ;;
	SWAP_IOPS | MIGRATE_BANDWIDTH) echo optional ;;
	*) echo no ;;
	esac
}

# profile_path NAME-OR-FILE DIR
profile_path() {
	case $1 in
	*/* | *.profile) echo "$1" ;;
	*) echo "$2/$1.profile" ;;
	esac
}

# Parse a profile and set PROF_<KEY> variables. Exit 2 with FILE:LINE on any error.
profile_load() {
	[ -f "$1" ] || usage_error "no such profile: $1"
	for _k in $PROFILE_KEYS; do
		eval "PROF_$_k="
	done
	_pl_errors=$(awk -v keys="$PROFILE_KEYS" '
		BEGIN { n = split(keys, k, /[ \n]+/); for (i = 1; i <= n; i++) known[k[i]] = 1 }
		/^[ \t]*(#|$)/ { next }
		{
			if ($0 !~ /^[A-Z0-9_]+=/) { print FILENAME ":" FNR ": not KEY=value: " $0; bad = 1; exit }
			key = substr($0, 1, index($0, "=") - 1)
			if (!(key in known)) { print FILENAME ":" FNR ": unknown key " key; bad = 1; exit }
			if (key in seen) { print FILENAME ":" FNR ": " key " given twice"; bad = 1; exit }
			seen[key] = 1
		}
		END { if (bad) exit; for (key in known) if (!(key in seen)) { print FILENAME ": missing key " key; exit } }
	' "$1")
	[ -z "$_pl_errors" ] || usage_error "$_pl_errors"
	_pl_n=0
	while IFS= read -r _pl_line || [ -n "$_pl_line" ]; do
		_pl_n=$((_pl_n + 1))
		case $_pl_line in '' | '#'* | [[:space:]]*) continue ;; esac
		_pl_key=${_pl_line%%=*}
		_pl_val=${_pl_line#*=}
		case $(profile_numeric "$_pl_key") in
		required)
			is_uint "$_pl_val" || usage_error "$1:$_pl_n: $_pl_key must be a positive whole number, not '$_pl_val'"
			[ "$_pl_val" -gt 0 ] || usage_error "$1:$_pl_n: $_pl_key must be a positive whole number, not '$_pl_val'"
			;;
		zero-or-more)
			is_uint "$_pl_val" ||
				usage_error "$1:$_pl_n: $_pl_key must be a whole number, not '$_pl_val'"
			;;
		optional)
			[ -z "$_pl_val" ] || is_uint "$_pl_val" ||
				usage_error "$1:$_pl_n: $_pl_key must be empty or a whole number, not '$_pl_val'"
			;;
		esac
		case $_pl_val in
		*[\'\\\`\$]*) usage_error "$1:$_pl_n: $_pl_key: quotes, backslashes and \$ are not allowed" ;;
		esac
		eval "PROF_$_pl_key='$_pl_val'"
	done <"$1"
	[ "$PROF_WORKLOAD_PERCENT" -le 100 ] ||
		usage_error "$1: WORKLOAD_PERCENT must be 1..100, not $PROF_WORKLOAD_PERCENT"
	# shellcheck disable=SC2034
	PROF_NAME=$(basename "$1" .profile)
}
