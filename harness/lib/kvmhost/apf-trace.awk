# The KVM host's async PF tracepoints of one case (tracefs "trace", text) turned into
# time series and latencies (harness/lib/kvmhost/monitor.sh; results/FORMAT.md):
#   OUT/trace.tsv        per second since the monitor started: the count of each event
#   OUT/apf-latency.tsv  one line per async PF: start_s token latency_us, not-present to
#                        ready paired by token, in the order they became ready
# and on stdout the record keys host_apf_* (counts, unpaired events).
# -v out=DIR. The time origin is the monitor's trace_marker line "apf-monitor start"
# (else the first event). A "ready" with the token ~0 (0xffffffffffffffff) is the
# broadcast wake-up of x86 (every waiter of the vCPU), not one fault's: counted, never
# paired. An event line looks like
#   qemu-system-x86-1234 [001] ..... 123.456789: kvm_async_pf_not_present: token 0x1 gva 0x7f00
# busybox awk: no gawk extensions.
BEGIN {
	t0 = ""
	nev = split("kvm_async_pf_not_present kvm_async_pf_ready kvm_async_pf_completed " \
	    "kvm_try_async_get_page kvm_async_pf_repeated_fault", evname, " ")
	for (j = 1; j <= nev; j++) known[evname[j]] = j
	last = -1
	if (out == "") { print "apf-trace.awk: -v out=DIR is needed" > "/dev/stderr"; exit 2 }
	# the time origin: the monitor's marker, wherever it is (an event may precede it)
	while ((getline l < ARGV[1]) > 0)
		if (l ~ / tracing_mark_write: apf-monitor start/) {
			sub(/: tracing_mark_write:.*/, "", l)
			sub(/.* /, "", l)
			t0 = l
			break
		}
	close(ARGV[1])
	print "# start_s token latency_us" > (out "/apf-latency.tsv")
}
/^#/ { next }
{
	ts = ""
	for (i = 1; i < NF; i++)
		if ($i ~ /^[0-9]+\.[0-9]+:$/) { ts = substr($i, 1, length($i) - 1); break }
	if (ts == "")
		next
	ev = $(i + 1)
	sub(/:$/, "", ev)
	if (ev == "tracing_mark_write") {
		next
	}
	if (!(ev in known)) {
		# another async PF event of this kernel (the arm64 series' names, a newer one)
		if (ev !~ /async/) next
		known[ev] = ++nev
		evname[nev] = ev
	}
	if (t0 == "") t0 = ts
	sec = int(ts - t0)
	if (sec < 0) sec = 0
	count[sec, ev]++
	total[ev]++
	if (sec > last) last = sec
	tok = ""
	for (j = i + 2; j < NF; j++)
		if ($j == "token") { tok = $(j + 1); break }
	if (ev == "kvm_async_pf_not_present") {
		if (tok == "") { notoken++; next }
		if (tok in open) reissued++
		open[tok] = ts
	} else if (ev == "kvm_async_pf_ready") {
		if (tok == "") { notoken++; next }
		if (tolower(tok) == "0xffffffffffffffff") { broadcast++; next }
		if (!(tok in open)) { unready++; next }
		printf "%.6f %s %d\n", open[tok] - t0, tok, (ts - open[tok]) * 1000000 + 0.5 > (out "/apf-latency.tsv")
		delete open[tok]
		paired++
	}
}
END {
	if (out == "")
		exit 2
	f = out "/trace.tsv"
	line = "# t_s"
	for (j = 1; j <= nev; j++) line = line " " evname[j]
	print line > f
	for (s = 0; s <= last; s++) {
		line = s
		for (j = 1; j <= nev; j++) line = line " " ((s, evname[j]) in count ? count[s, evname[j]] : 0)
		print line > f
	}
	close(f)
	for (tok in open) unpaired++
	printf "host_apf_latency_n=%d\n", paired
	printf "host_apf_unpaired_not_present=%d\n", unpaired
	printf "host_apf_unpaired_ready=%d\n", unready
	printf "host_apf_broadcast_ready=%d\n", broadcast
	printf "host_apf_reissued_not_present=%d\n", reissued
}
