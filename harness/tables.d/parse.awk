# Reads and validates run directories (results/FORMAT.md) and writes one
# normalized, tab-separated stream for the later steps:
#   D dir# path source profile arch run_id host kernel qemu description
#   P dir# scenario index metric published-text
#   R dir# file scenario index apf repeat state reason
#   V dir# scenario index apf metric value
#   K dir# file key value                      (every record key, for records.csv)
# -v list=FILE: lines "M<TAB>path" (a manifest, starting a run directory)
# and "R<TAB>path" (a record of that directory).
# -v scenarios="1 2 3" -v calc="2 3": the scenarios a record may name, and those that
# carry calc_count (from harness/profiles/scenarios).
# The first error prints "tables: FILE:LINE: message" and exits 2.

function fail(file, line, msg) {
	printf "tables: %s:%d: %s\n", file, line, msg > "/dev/stderr"
	failed = 1
	exit 2
}

function isnum(v) { return v ~ /^-?[0-9]+(\.[0-9]+)?$/ }
function ispos(v) { return v ~ /^[1-9][0-9]*$/ }
function clean(v) { gsub(/\t/, " ", v); return v }

# Reads FILE into kv[] / kline[]; returns the number of lines.
function load(file,    line, n, key, val, eq) {
	split("", kv); split("", kline)
	n = nkeys = 0
	while ((getline line < file) > 0) {
		n++
		if (line ~ /^#/ || line == "")
			continue
		eq = index(line, "=")
		key = substr(line, 1, eq - 1)
		val = substr(line, eq + 1)
		if (eq == 0 || key !~ /^[a-z0-9_]+$/)
			fail(file, n, "malformed line (want key=value, key of [a-z0-9_]): " line)
		if (val ~ /^[ \t]/)
			fail(file, n, "space after '=' in: " line)
		if (key in kv)
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
	if (!(key in kv))
		fail(file, n, "missing key '" key "'" what)
}

function check_num(file, key) {
	if ((key in kv) && !isnum(kv[key]))
		fail(file, kline[key], "non-numeric value for '" key "': '" kv[key] "'")
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
	if (profile == "") {
		profile = kv["profile"]; profile_file = file
	} else if (kv["profile"] != profile)
		fail(file, kline["profile"], "profile '" kv["profile"] "' differs from '" profile "' in " profile_file " (mixed profiles in one comparison)")
	ndir++
	printf "D\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", ndir, clean(substr(file, 1, length(file) - 9)), kv["source"], clean(kv["profile"]), kv["arch"], clean(kv["run_id"]), clean(kv["host"]), clean(kv["kernel"]), clean(kv["qemu"]), clean(kv["description"])
	for (k in kv) {
		if (k !~ /^published_output_s[0-9]+_i[1-9][0-9]*_[a-z0-9_]+$/)
			continue
		rest = substr(k, 19)
		split(rest, m, "_")
		if (!(m[1] in known_scenario))
			continue
		sub(/^[0-9]+_i[0-9]+_/, "", rest)
		if (kv[k] !~ /^[-+]?[0-9]+(\.[0-9]+)?%$/)
			fail(file, kline[k], "published output must look like +1.5%: '" kv[k] "'")
		printf "P\t%d\t%s\t%s\t%s\t%s\n", ndir, m[1], substr(m[2], 2), rest, kv[k]
	}
}

function record(file,    n, j, k, base, want, rate, given, tol, v) {
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
	for (k in kv)
		if (k in numeric)
			check_num(file, k)
	base = file
	sub(/^.*\//, "", base)
	want = "s" kv["scenario"] "-i" kv["index"] "-apf" kv["apf"] "-r" kv["repeat"] ".rec"
	if (base != want)
		fail(file, kline["scenario"], "contents say " want ", file name differs")
	if (("apf_verified" in kv) && kv["apf_verified"] !~ /^(yes|no|n\/a)$/)
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
	printf "R\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", ndir, clean(file), kv["scenario"], kv["index"], kv["apf"], kv["repeat"], kv["state"], clean(kv["reason"])
	for (j = 1; j <= nkeys; j++) {
		k = korder[j]
		printf "K\t%d\t%s\t%s\t%s\n", ndir, clean(file), k, clean(kv[k])
	}
	if (kv["state"] != "ok")
		return
	v = "V\t" ndir "\t" kv["scenario"] "\t" kv["index"] "\t" kv["apf"] "\t"
	print v "time\t" kv["elapsed_ms"]
	if ("calc_count" in kv) {
		# calc per ms / 1000 = millions per second
		rate = kv["calc_count"] / kv["elapsed_ms"] / 1000
		if ("calc_rate" in kv) {
			given = kv["calc_rate"] / 1e6
			tol = rate / 1000 > 1e-6 ? rate / 1000 : 1e-6
			if (given - rate > tol || rate - given > tol)
				fail(file, kline["calc_rate"], sprintf("calc_rate %s disagrees with calc_count/elapsed (%.6g per s)", kv["calc_rate"], rate * 1e6))
		}
		print v "calc\t" kv["calc_count"]
		print v "rate\t" sprintf("%.12g", rate)
	}
	for (j = 1; j <= nkeys; j++)
		if (korder[j] ~ /^mig_/ && (korder[j] in numeric))
			print v korder[j] "\t" kv[korder[j]]
}

BEGIN {
	if (scenarios == "") { scenarios = "1 2 3"; calc = "2 3" }
	sub(/ +$/, "", scenarios); sub(/ +$/, "", calc)
	split(scenarios, a, " ")
	for (i in a) known_scenario[a[i]] = 1
	split(calc, a, " ")
	for (i in a) calc_scenario[a[i]] = 1
	split("format profile arch source", a, " ")
	for (i in a) must_manifest[a[i]] = 1
	split("scenario index apf repeat state", a, " ")
	for (i in a) must_record[a[i]] = 1
	split("ok unavailable invalid timeout oom failed", a, " ")
	for (i in a) states[a[i]] = 1
	split("elapsed_ms bytes_written passes calc_count calc_rate " \
	      "mig_total_time_ms mig_downtime_ms mig_setup_time_ms " \
	      "mig_transferred_kbytes mig_throughput_mbps mig_remaining_kbytes " \
	      "mig_total_kbytes mig_duplicate_pages mig_skipped_pages " \
	      "mig_normal_pages mig_normal_kbytes mig_dirty_sync_count " \
	      "mig_page_size_kbytes mig_multifd_kbytes mig_pages_per_second " \
	      "mig_postcopy_requests mig_postcopy_blocktime_ms", a, " ")
	for (i in a) numeric[a[i]] = 1

	while ((getline entry < list) > 0) {
		kind = substr(entry, 1, 1)
		path = substr(entry, 3)
		if (kind == "M")
			manifest(path)
		else
			record(path)
	}
}

END { if (failed) exit 2 }
