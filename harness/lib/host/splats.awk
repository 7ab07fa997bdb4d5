# Splits a KVM host's kernel-splats.log into its reports and judges each against the
# known reports of the series' bugs (harness/lib/series-splats.known). Prints one line per
# report: "known NAME" or "unknown FIRST-LINE" (without the timestamp). The log is cut
# after its first 400 lines (/init): a last report cut before its call trace is known only
# if an earlier report of the log with the same first line was ("known NAME (cut off)").
# awk -v patterns=lib/kernel-splat.patterns -v known=lib/series-splats.known -f splats.awk LOG
BEGIN {
	FS = "\t"
	while ((getline l < patterns) > 0) {
		if (l ~ /^#/ || l == "")
			continue
		fatal = sub(/^fatal /, "", l)
		np++
		pat[np] = l
		isfatal[np] = fatal
	}
	while ((getline l < known) > 0) {
		if (l ~ /^#/ || l == "")
			continue
		split(l, f, "\t")
		nk++
		kname[nk] = f[1]
		khead[nk] = f[2]
		kfn[nk] = f[3]
	}
	FS = " "
}
function finish(last,    k, j, trace) {
	if (!nr)
		return
	nr = 0
	for (k = 1; k <= nk && !fat; k++) {
		if (head !~ khead[k])
			continue
		for (j = 1; j <= nl; j++)
			if (body[j] ~ kfn[k]) {
				print "known " kname[k]
				seen[head] = kname[k]
				return
			}
	}
	trace = 0
	for (j = 1; j <= nl; j++)
		if (body[j] ~ /Call trace:/)
			trace = 1
	if (last && !trace && !fat && (head in seen)) {
		print "known " seen[head] " (cut off)"
		return
	}
	print "unknown " head
}
{
	sub(/\r$/, "")
	line = $0
	sub(/^\[ *[0-9]+\.[0-9]+\] /, "", line)
	for (p = 1; p <= np; p++)
		if (line ~ pat[p]) {
			finish(0)
			nr = 1
			head = line
			fat = isfatal[p]
			nl = 0
			next
		}
	if (nr)
		body[++nl] = line
}
END { finish(1) }
