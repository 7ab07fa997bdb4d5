# The distribution of the async PF latencies of apf-latency.tsv (apf-trace.awk), given
# sorted by latency (sort -n -k3,3): on stdout the record keys host_apf_latency_* in
# microseconds (nearest-rank percentiles: the value at rank ceil(p/100 * n)), and with
# -v hist=FILE a histogram there: "lo_us hi_us count" per power-of-two bucket
# [lo, hi), from the smallest to the largest latency seen (empty buckets included, so
# that a plot shows the gaps). Lines starting with # are skipped.
# busybox awk: no gawk extensions, no math library.
function rank(p,    r) {
	r = int(p * n / 100)
	if (r < p * n / 100) r++
	return r < 1 ? 1 : r
}
/^#/ || NF < 3 { next }
{
	if ($3 !~ /^[0-9]+$/) {
		printf "apf-latency.awk: line %d: latency_us is not a whole number: %s\n", FNR, $3 > "/dev/stderr"
		bad = 1
		exit 2
	}
	if (n > 0 && $3 + 0 < v[n]) {
		printf "apf-latency.awk: line %d: not sorted by latency\n", FNR > "/dev/stderr"
		bad = 1
		exit 2
	}
	v[++n] = $3 + 0
	sum += $3
	# bucket b holds [2^(b-1), 2^b); 0 us is bucket 0
	b = 0
	hi = 1
	while (hi <= $3) { b++; hi *= 2 }
	h[b]++
	if (n == 1) bmin = b
	bmax = b
}
END {
	if (bad)
		exit 2
	if (hist != "") {
		printf "# lo_us hi_us count\n" > hist
		for (b = bmin; b <= bmax && n > 0; b++) {
			lo = 0
			hi = 1
			for (k = 0; k < b; k++) { lo = hi; hi *= 2 }
			printf "%d %d %d\n", lo, hi, h[b] + 0 > hist
		}
	}
	if (n == 0) {
		print "host_apf_latency_sum_ms=0"
		exit
	}
	printf "host_apf_latency_min_us=%d\n", v[1]
	printf "host_apf_latency_p50_us=%d\n", v[rank(50)]
	printf "host_apf_latency_p90_us=%d\n", v[rank(90)]
	printf "host_apf_latency_p99_us=%d\n", v[rank(99)]
	printf "host_apf_latency_max_us=%d\n", v[n]
	printf "host_apf_latency_mean_us=%d\n", sum / n + 0.5
	printf "host_apf_latency_sum_ms=%d\n", sum / 1000 + 0.5
}
