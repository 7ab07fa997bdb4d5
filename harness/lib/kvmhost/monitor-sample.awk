# The KVM host's sampler (harness/lib/kvmhost/monitor.sh): for each line of stdin (a
# tick: the kernel's uptime in s), one line of monitors/<case>/host.tsv (results/FORMAT.md)
# from the files of -v files="F F..." (space-separated), told apart by name: the case's
# memory cgroup (memory.current, memory.swap.current, memory.events, memory.stat,
# memory.pressure), /proc/vmstat and /proc/pressure/memory. One awk for the whole case,
# re-reading the files at each tick: no process is started a second. The first tick is
# the time origin. -v header=1: print the column names only. A value not read is "-".
# busybox awk: no gawk extensions.
BEGIN {
	ncol = split("t_s memcg_current_bytes memcg_swap_bytes memcg_events_high memcg_events_max " \
	    "memcg_events_oom_kill memcg_pgmajfault memcg_workingset_refault_anon " \
	    "pswpin pswpout pgmajfault psi_some_avg10 psi_full_avg10 psi_some_total_us " \
	    "psi_full_total_us memcg_psi_some_total_us memcg_psi_full_total_us", col, " ")
	if (header) {
		line = "#"
		for (j = 1; j <= ncol; j++) line = line " " col[j]
		print line
		exit
	}
	nf = split(files, file, " ")
	t0 = ""
}

# "some avg10=0.00 avg60=0.00 avg300=0.00 total=123", split into f[1..n]
function psi(prefix, f, n,    i, kv) {
	for (i = 2; i <= n; i++) {
		split(f[i], kv, "=")
		if (kv[1] == "avg10" && prefix == "psi_") v[prefix f[1] "_avg10"] = kv[2]
		if (kv[1] == "total") v[prefix f[1] "_total_us"] = kv[2]
	}
}

# one line of the file NAME, its fields in f[1..n]
function take(name, f, n) {
	if (name ~ /memory\.current$/) v["memcg_current_bytes"] = f[1]
	else if (name ~ /memory\.swap\.current$/) v["memcg_swap_bytes"] = f[1]
	else if (name ~ /memory\.events$/) {
		if (f[1] == "high" || f[1] == "max" || f[1] == "oom_kill") v["memcg_events_" f[1]] = f[2]
	} else if (name ~ /memory\.stat$/) {
		if (f[1] == "pgmajfault") v["memcg_pgmajfault"] = f[2]
		if (f[1] == "workingset_refault_anon") v["memcg_workingset_refault_anon"] = f[2]
	} else if (name ~ /memory\.pressure$/) psi("memcg_psi_", f, n)
	else if (name ~ /\/vmstat$/) {
		if (f[1] == "pswpin" || f[1] == "pswpout" || f[1] == "pgmajfault") v[f[1]] = f[2]
	} else if (name ~ /\/pressure\/memory$/) psi("psi_", f, n)
}

NF > 0 {
	if (t0 == "") t0 = $1
	split("", v)
	v["t_s"] = sprintf("%.2f", $1 - t0)
	for (j = 1; j <= nf; j++) {
		while ((getline line < file[j]) > 0) {
			n = split(line, f, " ")
			take(file[j], f, n)
		}
		close(file[j])
	}
	line = ""
	for (j = 1; j <= ncol; j++)
		line = line (j > 1 ? " " : "") ((col[j] in v) ? v[col[j]] : "-")
	print line
	fflush()
}
