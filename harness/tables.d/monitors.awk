# harness/plots: one monitor file of a case (results/FORMAT.md, monitors/<case>/) made
# ready for gnuplot, columns found by the names of the file's "#" header line:
#   -v kind=host   host.tsv -> t_s memcg_mb swap_mb pswpin/s pswpout/s pgmajfault/s
#                  psi_some_avg10 psi_full_avg10 (rates: the difference to the sample
#                  before over the time between them; "?" where a value is missing)
#   -v kind=trace  trace.tsv -> t_s and each event's count in that second, as they are
#   -v kind=guest  guest.tsv -> t_s+OFFSET irqs/s (-v offset=S: the guest's clock to the
#                  host's, monitor.kv's guest_offset_s)
#   -v kind=passes records/<case>.timeline -> "t_s pass_N" at each pass's start and
#                  "t_s end" at the last one's end, s, + OFFSET
# A line that is not what its file's format says stops with "plots: FILE:LINE: why" (-v prog=
# harness/passes names itself), exit 2.
function bad(why) {
	printf "%s: %s:%d: %s\n", prog == "" ? "plots" : prog, FILENAME, FNR, why > "/dev/stderr"
	failed = 1
	exit 2
}
function num(v) { return v ~ /^[0-9]+(\.[0-9]+)?$/ }
function col(name) { return (name in at) ? $(at[name]) : "-" }
function rate(name,    v, r) {
	v = col(name)
	r = (num(v) && (name in prev) && num(prev[name]) && dt > 0) ? (v - prev[name]) / dt : "?"
	prev[name] = v
	return r
}
FNR == 1 && kind != "passes" && kind != "guest" {
	if ($1 != "#") bad("no header line (# t_s ...)")
	for (j = 2; j <= NF; j++) at[$j] = j - 1
	if (!("t_s" in at)) bad("the header names no t_s")
	if (kind == "trace") {
		line = "# t_s"
		for (j = 3; j <= NF; j++) line = line " " $j
		print line
	}
	next
}
/^#/ || NF == 0 { next }
kind == "host" {
	if (NF != nat()) bad("want " nat() " columns, not " NF)
	if (!num($1)) bad("t_s is not a time: " $1)
	dt = (tprev == "") ? 0 : $1 - tprev
	tprev = $1
	m = col("memcg_current_bytes"); s = col("memcg_swap_bytes")
	printf "%s %s %s %s %s %s %s %s\n", $1, num(m) ? m / 1048576 : "?", num(s) ? s / 1048576 : "?",
	    rate("pswpin"), rate("pswpout"), rate("pgmajfault"),
	    num(col("psi_some_avg10")) ? col("psi_some_avg10") : "?", num(col("psi_full_avg10")) ? col("psi_full_avg10") : "?"
	next
}
kind == "trace" {
	if (NF != nat()) bad("want " nat() " columns, not " NF)
	for (j = 1; j <= NF; j++) if ($j !~ /^[0-9]+$/) bad("not a count: " $j)
	print
	next
}
kind == "guest" {
	if (NF != 2 || !num($1) || $2 !~ /^[0-9]+$/) bad("want \"t_s irqs\"")
	if (gt != "" && $1 > gt) printf "%.2f %s\n", $1 + offset, ($2 - gn) / ($1 - gt)
	gt = $1; gn = $2
	next
}
kind == "passes" {
	if (NF != 3 || $1 !~ /^[0-9]+$/ || !num($2) || !num($3)) bad("want \"pass start_ms pass_ms\"")
	printf "%.3f pass_%d\n", $2 / 1000 + offset, $1
	end = ($2 + $3) / 1000 + offset
	next
}
function nat(    k, n) { n = 0; for (k in at) n++; return n }
END {
	if (failed) exit 2
	if (kind == "passes" && end != "") printf "%.3f end\n", end
}
