# Lines of a bats test or helper function whose failure bats cannot see: "! CMD" (set -e
# ignores a negated command) or "A && B" (it ignores a failure before the last && of a
# list), anywhere but as the last command of the test or function, whose status is the
# result. Quoted text and command substitutions are left out of the check; a subshell
# "( ... )" fails as a whole. Prints FILE:LINE: TEXT for each; used by layout.bats.
/^(@test |[A-Za-z_][A-Za-z0-9_]*\(\) *\{)/ {
	inbody = 1
	n = 0
	next
}
inbody && /^}/ {
	for (i = 1; i <= n; i++)
		if (fl[i] < last)
			printf "%s:%d: %s\n", FILENAME, fl[i], ft[i]
	inbody = 0
	next
}
inbody && /^\t[^\t#]/ {
	last = FNR
	l = substr($0, 2)
	gsub(/'[^']*'/, "''", l)
	gsub(/"[^"]*"/, "\"\"", l)
	gsub(/\$\([^()]*\)/, "$()", l)
	if (l ~ /^! / || (l ~ / && / && l !~ /\|\|/ && l !~ /^(if|while|for|until|case) |^\(/)) {
		fl[++n] = FNR
		ft[n] = substr($0, 2)
	}
}
