# Reads and validates run directories (results/FORMAT.md) and writes one
# normalized, tab-separated stream for the later steps:
#   D dir# path source profile arch run_id host kernel qemu description group# series build order
#     (group#: runs of the same arch, source, profile, kernel, build and series profile)
#   P dir# scenario index metric published-text
#   R dir# file scenario index apf repeat state reason   (apf: off, on, or aa: the A/A
#                                                        control, a second -APF case)
#   X dir# file scenario index apf repeat state reason   (an earlier attempt, never tabulated)
#   V dir# scenario index apf metric value             (apf: off, on or aa)
#   K dir# file key value                      (every record key, for records.csv)
# A record of state=ok whose APF state is not proven (lib/apf-evidence.awk, per the
# manifest's arch) is passed on as state "unproven" with the reason, and has no V lines:
# only a record that earned its figures is tabulated.
# -v list=FILE: lines "M<TAB>path" (a manifest, starting a run directory),
# "R<TAB>path" (a record of that directory) and "A<TAB>path" (an earlier attempt of a
# case, records/<case>.rec.attempt-N, kept by harness/bench --retry-failed).
# Needs lib/apf-evidence.awk loaded first (-f).
# -v scenarios="1 2 3" -v calc="2 3": the scenarios a record may name, and those that
# carry calc_count (from harness/profiles/scenarios).
# The first error prints "tables: FILE:LINE: message" and exits 2.

function fail(file, line, msg) {
	printf "tables: %s:%d: %s\n", file, line, msg > "/dev/stderr"
	failed = 1
	exit 2
}

# Plain decimals (results/FORMAT.md): no plus sign, exponent, leading zero or unit (a
# minus passes here, to be refused with its own message).
function isnum(v) { return v ~ /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/ }
function ispos(v) { return v ~ /^[1-9][0-9]*$/ }
function clean(v) { gsub(/\t/, " ", v); return v }

# Reads FILE into kv[] / kline[]; returns the number of lines.
function load(file,    line, n, key, val, eq) {
	split("", kv); split("", kline)
	n = nkeys = 0
	while ((getline line < file) > 0) {
		n++
		if (line ~ /\r$/)
			fail(file, n, "carriage return at the end of the line (DOS line endings)")
		if (line ~ /^#/ || line == "")
			continue
		eq = index(line, "=")
		key = substr(line, 1, eq - 1)
		val = substr(line, eq + 1)
		if (eq == 0 || key !~ /^[a-z0-9_]+$/)
			fail(file, n, "malformed line (want key=value, key of [a-z0-9_]): " line)
		if (val ~ /^[ \t]/)
			fail(file, n, "space after '=' in: " line)
		if (key in kline)
			fail(file, n, "duplicate key '" key "' (first on line " kline[key] ")")
		kv[key] = val
		kline[key] = n
		korder[++nkeys] = key
	}
	close(file)
	if (n == 0)
		fail(file, 1, "empty file")
	return n
}

function need(file, n, key, what) {
	if (!(key in kline))
		fail(file, n, "missing key '" key "'" what)
}

# Every number of a record is a count, a size, a time or a rate: not negative, and below
# 10^15, where a double still holds every whole number (larger is a corrupt record).
function check_num(file, key,    v, ip) {
	if (!(key in kline))
		return
	v = kv[key]
	if (!isnum(v))
		fail(file, kline[key], "non-numeric value for '" key "': '" v "'")
	if (v ~ /^-/)
		fail(file, kline[key], "negative value for '" key "': '" v "'")
	ip = v
	sub(/\..*/, "", ip)
	if (length(ip) > 15)
		fail(file, kline[key], "value of '" key "' out of range (at most 15 digits before the point): '" v "'")
}

function manifest(file,    n, k, m, rest) {
	n = load(file)
	for (k in must_manifest)
		need(file, n, k, " (truncated or incomplete manifest?)")
	if (kv["format"] != "apf-suite-results/1")
		fail(file, kline["format"], "unknown format '" kv["format"] "' (want apf-suite-results/1)")
	if (kv["source"] != "measured" && kv["source"] != "published")
		fail(file, kline["source"], "source must be measured or published, not '" kv["source"] "'")
	if (kv["arch"] != "arm64" && kv["arch"] != "x86_64")
		fail(file, kline["arch"], "arch must be arm64 or x86_64, not '" kv["arch"] "'")
	if (kv["run_id"] in run_file)
		fail(file, kline["run_id"], "run_id '" kv["run_id"] "' was read already from " run_file[kv["run_id"]] " (the same run given twice?)")
	run_file[kv["run_id"]] = file
	ndir++
	dsource[ndir] = kv["source"]
	darch[ndir] = kv["arch"]
	# The group (a section of the tables: runs pooled into one -APF and one +APF column):
	# the same arch, source, benchmark profile, kernel (release, and the Image's hash where
	# known) and series profile. Runs of different kernels are never pooled.
	series = ("series_profile" in kline) ? kv["series_profile"] : ""
	build = ("kernel_image_sha256" in kline) ? substr(kv["kernel_image_sha256"], 1, 12) : ""
	group = kv["arch"] SUBSEP kv["source"] SUBSEP kv["profile"] SUBSEP kv["kernel"] SUBSEP build SUBSEP series
	if (!(group in gnum))
		gnum[group] = ++ngroup
	printf "D\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", ndir, clean(substr(file, 1, length(file) - 9)), kv["source"], clean(kv["profile"]), kv["arch"], clean(kv["run_id"]), clean(kv["host"]), clean(kv["kernel"]), clean(kv["qemu"]), clean(kv["description"]), gnum[group], clean(series), build, ("order" in kline) ? clean(kv["order"]) : ""
	for (k in kline) {
		if (k !~ /^published_output_s[0-9]+_i[1-9][0-9]*_[a-z0-9_]+$/)
			continue
		rest = substr(k, 19)
		split(rest, m, "_")
		if (!(m[1] in known_scenario))
			fail(file, kline[k], "'" k "' names scenario " m[1] ", not one of " scenarios)
		sub(/^[0-9]+_i[0-9]+_/, "", rest)
		if (kv[k] !~ /^[-+]?[0-9]+(\.[0-9]+)?%$/)
			fail(file, kline[k], "published output must look like +1.5%: '" kv[k] "'")
		printf "P\t%d\t%s\t%s\t%s\t%s\n", ndir, m[1], substr(m[2], 2), rest, kv[k]
	}
}

# Why a record of state=ok does not prove the APF state it was run with; "" when it does.
# Measured records prove it by the guest's evidence (lib/apf-evidence.awk, the rule
# bench-case applied); published ones cannot, and say apf_verified=n/a.
# (Presence is asked of kline[]: reading kv[K] would create K in kv.)
function unproven(    v, k, j) {
	if (!("apf_verified" in kline))
		return "no apf_verified: the APF state is not verified"
	v = kv["apf_verified"]
	if (v == "n/a")
		return dsource[ndir] == "published" ? "" : "apf_verified=n/a in a measured run: only published data may leave the APF state unverified"
	if (v != "yes")
		return "apf_verified=" v
	split("guest_no_kvmapf guest_apf_enabled_cpus guest_apf_irqs", k, " ")
	for (j = 1; j <= 3; j++)
		if (!(k[j] in kline))
			return "apf_verified=yes without the evidence (no " k[j] ")"
	v = apf_unproven(darch[ndir], kv["apf"], kv["guest_no_kvmapf"], kv["guest_apf_enabled_cpus"], kv["guest_apf_irqs"],
		"guest_apf_notpresent" in kline ? kv["guest_apf_notpresent"] : "",
		"host_apf_notpresent" in kline ? kv["host_apf_notpresent"] : "",
		"host_apf_pageready" in kline ? kv["host_apf_pageready"] : "",
		"host_apf_notpresent_cancelled" in kline ? kv["host_apf_notpresent_cancelled"] : "",
		"host_apf_notpresent_not_injected" in kline ? kv["host_apf_notpresent_not_injected"] : "")
	return v == "" ? "" : "apf_verified=yes, but the evidence does not prove it: " v
}

# A record (R) or, with ATTEMPT set, an earlier attempt of a case (X): checked alike.
function record(file, attempt,    n, j, k, base, want, rate, given, tol, v, st, why, arm) {
	if (ndir == 0)
		fail(file, 1, "record before any manifest")
	n = load(file)
	for (k in must_record)
		need(file, n, k, " (truncated or incomplete record?)")
	if (!(kv["scenario"] in known_scenario))
		fail(file, kline["scenario"], "scenario must be one of " scenarios ", not '" kv["scenario"] "'")
	if (!ispos(kv["index"]))
		fail(file, kline["index"], "index must be a positive integer, not '" kv["index"] "'")
	if (!ispos(kv["repeat"]))
		fail(file, kline["repeat"], "repeat must be a positive integer, not '" kv["repeat"] "'")
	if (kv["apf"] != "on" && kv["apf"] != "off")
		fail(file, kline["apf"], "apf must be on or off, not '" kv["apf"] "'")
	if (!(kv["state"] in states))
		fail(file, kline["state"], "unknown state '" kv["state"] "'")
	for (k in kline)
		if (k in numeric)
			check_num(file, k)
	base = file
	sub(/^.*\//, "", base)
	# the A/A control (aa=yes): a second -APF case, s<S>-i<I>-apfoff-aa-r<R>
	if (("aa" in kline) && (kv["aa"] != "yes" || kv["apf"] != "off"))
		fail(file, kline["aa"], "aa=" kv["aa"] " with apf=" kv["apf"] ": the A/A control is aa=yes on a -APF record")
	arm = ("aa" in kline) ? "aa" : kv["apf"]
	want = "s" kv["scenario"] "-i" kv["index"] "-apf" kv["apf"] (arm == "aa" ? "-aa" : "") "-r" kv["repeat"] ".rec"
	if (attempt) {
		if (base !~ /\.rec\.attempt-[1-9][0-9]*$/)
			fail(file, 1, "an earlier attempt is named <case>.rec.attempt-N, N from 1")
		sub(/\.attempt-[0-9]+$/, "", base)
	}
	if (base != want)
		fail(file, kline["scenario"], "contents say " want ", file name differs")
	if (("apf_verified" in kline) && kv["apf_verified"] !~ /^(yes|no|n\/a)$/)
		fail(file, kline["apf_verified"], "apf_verified must be yes, no or n/a, not '" kv["apf_verified"] "'")
	if (kv["state"] == "ok" && kv["apf_verified"] == "no")
		fail(file, kline["apf_verified"], "state=ok but apf_verified=no (an unverified run is state=invalid)")
	if (kv["state"] != "ok") {
		need(file, n, "reason", " (required unless state=ok)")
	} else {
		need(file, n, "elapsed_ms", " (required when state=ok; truncated record?)")
		if (kv["elapsed_ms"] + 0 <= 0)
			fail(file, kline["elapsed_ms"], "elapsed_ms must be positive")
		if (kv["scenario"] in calc_scenario)
			need(file, n, "calc_count", " (scenarios " calc "; truncated record?)")
	}
	# calc_rate, when given, agrees with calc_count / elapsed_ms within 0.1% (FORMAT.md)
	if (("calc_rate" in kline) && ("calc_count" in kline) && kv["elapsed_ms"] + 0 > 0) {
		rate = kv["calc_count"] / kv["elapsed_ms"] * 1000
		tol = rate / 1000 > 1 ? rate / 1000 : 1
		given = kv["calc_rate"] + 0
		if (given - rate > tol || rate - given > tol)
			fail(file, kline["calc_rate"], sprintf("calc_rate %s disagrees with calc_count/elapsed (%.6g per s)", kv["calc_rate"], rate))
	}
	st = kv["state"]
	why = kv["reason"]
	if (st == "ok" && (v = unproven()) != "") {
		st = "unproven"
		why = v
	}
	printf "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", attempt ? "X" : "R", ndir, clean(file), kv["scenario"], kv["index"], arm, kv["repeat"], st, clean(why)
	for (j = 1; j <= nkeys; j++) {
		k = korder[j]
		printf "K\t%d\t%s\t%s\t%s\n", ndir, clean(file), k, clean(kv[k])
	}
	# Only a record that earned its figures has any: not an attempt, not a failed,
	# invalid or unavailable run, not one whose APF state is not proven.
	if (attempt || st != "ok")
		return
	v = "V\t" ndir "\t" kv["scenario"] "\t" kv["index"] "\t" arm "\t"
	print v "time\t" kv["elapsed_ms"]
	if ("calc_count" in kline) {
		# calc per ms / 1000 = millions per second
		rate = kv["calc_count"] / kv["elapsed_ms"] / 1000
		print v "calc\t" kv["calc_count"]
		print v "rate\t" sprintf("%.12g", rate)
	}
	for (j = 1; j <= nkeys; j++)
		if ((korder[j] ~ /^mig_/ || (korder[j] in monitored)) && (korder[j] in numeric))
			print v korder[j] "\t" kv[korder[j]]
}

BEGIN {
	if (scenarios == "") { scenarios = "1 2 3"; calc = "2 3" }
	sub(/ +$/, "", scenarios); sub(/ +$/, "", calc)
	split(scenarios, a, " ")
	for (i in a) known_scenario[a[i]] = 1
	split(calc, a, " ")
	for (i in a) calc_scenario[a[i]] = 1
	split("format run_id profile arch source", a, " ")
	for (i in a) must_manifest[a[i]] = 1
	split("scenario index apf repeat state", a, " ")
	for (i in a) must_record[a[i]] = 1
	split("ok unavailable invalid timeout oom failed", a, " ")
	for (i in a) states[a[i]] = 1
	split("elapsed_ms bytes_written passes calc_count calc_rate " \
	      "guest_apf_enabled_cpus guest_apf_irqs " \
	      "mig_total_time_ms mig_downtime_ms mig_setup_time_ms " \
	      "mig_transferred_kbytes mig_throughput_mbps mig_remaining_kbytes " \
	      "mig_total_kbytes mig_duplicate_pages mig_skipped_pages " \
	      "mig_normal_pages mig_normal_kbytes mig_dirty_sync_count " \
	      "mig_page_size_kbytes mig_multifd_kbytes mig_pages_per_second " \
	      "mig_postcopy_requests mig_postcopy_blocktime_ms", a, " ")
	for (i in a) numeric[a[i]] = 1
	# where the time went (the host's monitors and the guest's /proc/stat), tabulated
	# as render.awk's "where the time goes"; guest_apf_irqs is numeric already
	split("guest_apf_irqs host_trace_kvm_async_pf_not_present host_apf_latency_sum_ms " \
	      "host_apf_latency_p50_us host_apf_latency_p99_us guest_cpu_user_ms " \
	      "guest_cpu_system_ms guest_cpu_idle_ms guest_cpu_steal_ms", a, " ")
	for (i in a) numeric[a[i]] = monitored[a[i]] = 1

	while ((getline entry < list) > 0) {
		kind = substr(entry, 1, 1)
		path = substr(entry, 3)
		if (kind == "M")
			manifest(path)
		else
			record(path, kind == "A")
	}
}

END { if (failed) exit 2 }
