# Renders the comparison tables from the normalized stream (parse.awk) and
# the statistics (apfstat batch output), as text, Markdown and CSV.
# -v txt=FILE md=FILE csv=FILE: outputs (empty = not wanted)
# -v plotdir=DIR: also write bar-plot data and the list of timelines there
# -v hmean="METRIC...": the metrics whose mean is harmonic (rates)
# Arguments: NORM STATS

function abs(x) { return x < 0 ? -x : x }
function tout(s) { if (txt != "") print s > txt }
function mout(s) { if (md != "") print s > md }
function both(s) { tout(s); mout(s) }

function csvq(v) {
	if (v !~ /[",]/)
		return v
	gsub(/"/, "\"\"", v)
	return "\"" v "\""
}

function addlist(arr, key, val, sep) {
	if (val == "")
		return
	if (!((key, val) in arr)) {
		arr[key, val] = 1
		arr[key] = (key in arr) && arr[key] != "" ? arr[key] sep val : val
	}
}

function isval(x) { return x != "" && x != "-" && x !~ /inf|nan/ }

# Values: integers as such, otherwise 1 or 2 decimals.
function fmtv(x,    v) {
	if (!isval(x))
		return x == "" ? "-" : x
	v = x + 0
	if (v == int(v) && abs(v) < 1e15)
		return sprintf("%.0f", v)
	return sprintf(abs(v) >= 10000 ? "%.1f" : "%.2f", v)
}

# (b - a) / a in %, as a string; "" when undefined.
function pct(a, b) {
	if (!isval(a) || !isval(b) || a + 0 == 0)
		return ""
	return sprintf("%.6f", (b - a) / a * 100)
}

# Percentages to 0.1%, and to 0.01% below 5%, so small changes keep digits.
function fmtp(c) { c += 0; return sprintf(abs(c) < 5 ? "%+.2f%%" : "%+.1f%%", c) }

function pad(s, w) { while (length(s) < w) s = " " s; return s }

function mark(c, sig,    n) {
	if (c == "")
		return "-"
	n = pad(fmtp(c), 8)
	if (sig == "yes")
		return "*" n "*"
	if (sig == "no")
		return "(" n ")"
	return " " n " "
}

function mdmark(c, sig,    n) {
	if (c == "")
		return "-"
	n = fmtp(c)
	if (sig == "yes")
		return "\\*" n "\\*"
	if (sig == "no")
		return "(" n ")"
	return n
}

# Why a mean has no test (apfstat's reason), as the tables say it.
function notest(key, noff, non,    w) {
	w = st[key, 20]
	if (w == "no-spread")
		return "no spread"
	if (w == "nonpositive")
		return "a rate <= 0"
	return "n=" (noff < non ? noff : non)
}

function pcell(key, noff, non,    p) {
	if (st[key, 19] == "untested")
		return "no test (" notest(key, noff, non) ")"
	p = st[key, 18] + 0
	return p < 0.0001 ? "<0.0001" : sprintf("%.4f", p)
}

function unit(m) {
	if (m == "time") return "ms"
	if (m == "calc") return "count"
	if (m == "rate") return "M/s"
	if (m ~ /_ms$/) return "ms"
	if (m ~ /_us$/) return "us"
	if (m ~ /_kbytes$/) return "kbytes"
	if (m ~ /_mbps$/) return "mbps"
	if (m ~ /per_second$/) return "pages/s"
	if (m ~ /_pages$/) return "pages"
	return "count"
}

# Why a side has no number: unavailable reasons, else the failed states.
function side_text(sec, s, i, apf,    k) {
	k = sec SUBSEP s SUBSEP i SUBSEP apf
	if (!(k in nrec))
		return "no record"
	if (nok[k] > 0)
		return "-"
	if (k in ureason)
		return "unavailable: " ureason[k]
	return "unavailable: no run to tabulate (" oreason[k] ")"
}

# ---- a table: rows of cells, printed aligned (text) or as Markdown ----
function tb_reset(hdr, align) {
	tncol = split(hdr, thead, "|")
	talign = align
	tr = 0
}

function tb_add(c1, c2, c3, c4, c5, c6, c7, c8) {
	tr++
	tc[tr, 1] = c1; tc[tr, 2] = c2; tc[tr, 3] = c3; tc[tr, 4] = c4
	tc[tr, 5] = c5; tc[tr, 6] = c6; tc[tr, 7] = c7; tc[tr, 8] = c8
	delete tmd[tr, "md"]
}

function tb_print(    r, j, w, line, c, last, sep) {
	# Long free text (reasons) overflows instead of widening a column.
	for (j = 1; j <= tncol; j++) {
		w[j] = length(thead[j])
		for (r = 1; r <= tr; r++)
			if (length(tc[r, j]) > w[j] && length(tc[r, j]) <= 32)
				w[j] = length(tc[r, j])
	}
	for (r = 0; r <= tr; r++) {
		line = ""
		for (last = tncol; last > 1; last--)
			if ((r == 0 ? thead[last] : tc[r, last]) != "")
				break
		for (j = 1; j <= last; j++) {
			c = r == 0 ? thead[j] : tc[r, j]
			if (substr(talign, j, 1) == "r")
				c = pad(c, w[j])
			else if (j < last)
				while (length(c) < w[j]) c = c " "
			line = line (j > 1 ? "  " : "") c
		}
		tout(line)
	}
	line = "|"
	sep = "|"
	for (j = 1; j <= tncol; j++) {
		line = line " " thead[j] " |"
		sep = sep (substr(talign, j, 1) == "r" ? "---:|" : "---|")
	}
	mout(line)
	mout(sep)
	for (r = 1; r <= tr; r++) {
		line = "|"
		for (j = 1; j <= tncol; j++) {
			c = (j == 7 && (r, "md") in tmd) ? tmd[r, "md"] : tc[r, j]
			gsub(/\|/, "\\|", c)
			line = line " " c " |"
		}
		mout(line)
	}
}

function csvrow(sec, s, i, m, stat, a, b, na, nb, c, sig, t, df, p, pub, chk) {
	if (csv == "")
		return
	printf "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n",
	    csvq(sarch[sec]), csvq(ssrc[sec]), csvq(sruns[sec]), csvq(sprof[sec]),
	    s, i, m, csvq(unit(m)), stat, csvq(a), csvq(b), na, nb, c,
	    csvq(sig), t, df, p, csvq(pub), csvq(chk), csvq(skernel[sec]), csvq(sseries[sec]), csvq(sbuild[sec]) > csv
}

# The rows of one metric: mean (with the test), then the spread if n > 1.
function block(sec, s, i, m, idxcell,    key, noff, non, col, mt, a, b, c, sig, oc, j, sn, pk, chk, pub) {
	key = sec "|" s "|" i "|" m
	noff = (key in havest) ? st[key, 2] : 0
	non = (key in havest) ? st[key, 9] : 0
	col = (m in hm) ? 4 : 3
	mt = (m in hm) ? "Hmean" : "Amean"
	a = noff > 0 ? st[key, col] : side_text(sec, s, i, "off")
	b = non > 0 ? st[key, col + 7] : side_text(sec, s, i, "on")
	c = ""; sig = ""
	if (noff > 0 && non > 0) {
		c = pct(a, b)
		sig = st[key, 19]
	}
	tb_add(idxcell, label[m], mt, noff "/" non, noff > 0 ? fmtv(a) : a,
	    non > 0 ? fmtv(b) : b, noff > 0 && non > 0 ? mark(c, sig) : "",
	    noff > 0 && non > 0 ? pcell(key, noff, non) : "")
	if (noff > 0 && non > 0)
		tmd[tr, "md"] = mdmark(c, sig)
	aarow(sec, s, i, m, noff)
	if (c != "" && (m == "time" || m == "calc" || m == "rate")) {
		# for the side-by-side table: the change of every section, by scenario, index and metric
		sbs[sec, s, i, m] = fmtp(c) (sig == "yes" ? "*" : "") " (" noff "/" non ")"
		if (!((s, i, m) in sbsrow))
			sbsrow[s, i, m] = 1
	}
	pk = sec SUBSEP s SUBSEP i SUBSEP m
	pub = (pk in pubv) ? pubv[pk] : ""
	chk = ""
	if (pub != "") {
		chk = c == "" ? "no recomputation (data missing)" : pubcheck(pub, c)
		pubrec[pk] = c
	}
	csvrow(sec, s, i, m, mt, a, b, noff, non, c,
	    sig == "untested" ? "not tested (" (st[key, 20] == "n<2" ? "n<2" : notest(key, noff, non)) ")" : sig,
	    (key in havest) ? st[key, 16] : "-", (key in havest) ? st[key, 17] : "-",
	    (key in havest) ? st[key, 18] : "-", pub, chk)
	if (plotdir != "" && (m == "time" || m == "rate"))
		printf "%s i%s\t%s\t%s\t%s\t%s\n", slabel[sec], i,
		    (noff > 0 ? a : "?"), (isval(st[key, 5]) ? st[key, 5] : 0),
		    (non > 0 ? b : "?"), (isval(st[key, 12]) ? st[key, 12] : 0) \
		    > (plotdir "/bars-s" s "-" m ".dat")
	if (noff < 2 && non < 2)
		return
	split("Stddev CoeffVar Min Max", sn, " ")
	for (j = 1; j <= 4; j++) {
		a = noff > 0 ? st[key, j + 4] : "-"
		b = non > 0 ? st[key, j + 11] : "-"
		c = pct(a, b)
		if (!(m in monf)) {
			tb_add("", "", sn[j], "", fmtv(a), fmtv(b), mark(c, ""), "")
			tmd[tr, "md"] = mdmark(c, "")
		}
		csvrow(sec, s, i, m, sn[j], a, b, noff, non, c, "", "", "", "", "", "")
	}
}

# The A/A control's row under a metric's mean: -APF against the second -APF arm (A'),
# (A' - A) / A and Welch's test of it. A significant A/A is a broken method: the -APF
# runs of one setting disagree, so the A/B row above cannot be told from the noise.
function aarow(sec, s, i, m, noff,    key, naa, col, a, b, c, sig, p) {
	if (!((sec SUBSEP s SUBSEP i SUBSEP "aa") in nrec))
		return
	key = "A|" sec "|" s "|" i "|" m
	naa = (key in havest) ? st[key, 9] : 0
	col = (m in hm) ? 4 : 3
	a = noff > 0 ? st[key, col] : "-"
	b = naa > 0 ? st[key, col + 7] : side_text(sec, s, i, "aa")
	c = ""; sig = ""
	if (noff > 0 && naa > 0) {
		c = pct(a, b)
		sig = st[key, 19]
	}
	p = noff > 0 && naa > 0 ? pcell(key, noff, naa) : ""
	if (sig == "yes" && !(m in monf)) {
		p = p " BROKEN METHOD"
		broken[sec] = broken[sec] (broken[sec] == "" ? "" : ", ") "[" s "] i" i " " label[m] " (" fmtp(c) ", p " pcell(key, noff, naa) ")"
	}
	hasaa[sec] = 1
	tb_add("", "", "A/A", noff "/" naa, noff > 0 ? fmtv(a) : a, naa > 0 ? fmtv(b) : b,
	    noff > 0 && naa > 0 ? mark(c, sig) : "", p)
	if (noff > 0 && naa > 0)
		tmd[tr, "md"] = mdmark(c, sig)
	csvrow(sec, s, i, m, "A/A", a, b, noff, naa, c,
	    sig == "untested" ? "not tested (" st[key, 20] ")" : sig,
	    (key in havest) ? st[key, 16] : "-", (key in havest) ? st[key, 17] : "-",
	    (key in havest) ? st[key, 18] : "-", "", "")
}

# 10^-d without the ^ operator (busybox awk may lack math support).
function unit_of(d,    u) { for (u = 1; d > 0; d--) u /= 10; return u }

# x cut to d decimals (unit u = 10^-d), and rounded up to them; the small slack keeps
# a value such as 43.5 (435 units, in binary a hair below) from losing a unit.
function cut_to(x, u) { return int(x / u + 1e-9) * u }
function up_to(x, u,    c) { c = int(x / u + 1e-9); if (x / u - c > 1e-9) c++; return c * u }
function near_to(a, b, u) { return abs(a - b) < u / 100 }

# How a published percentage relates to the recomputed one R, in words: "agrees" when R
# rounded to the published decimals gives the published figure; otherwise how it
# differs, with the arithmetic that shows it. Explanations that arithmetic cannot prove
# (a misplaced decimal point) are called guesses.
function pubcheck(ptxt, r,    p, d, f, u, pa, ra, rr, show, pt, mag, sgn) {
	p = ptxt
	sub(/%$/, "", p)
	d = index(p, ".") ? length(p) - index(p, ".") : 0
	f = "%." d "f"
	u = unit_of(d)
	pa = abs(p + 0)
	ra = abs(r + 0)
	rr = sprintf(f, ra)
	show = sprintf("%." (d + 1 > 2 ? d + 1 : 2) "f", ra)
	pt = sprintf(f, pa)
	if (rr + 0 == pa)
		mag = ""
	else if (near_to(cut_to(ra, u), pa, u))
		mag = "differs in the last digit: " show " rounds to " rr " (" pt " is " show " cut off)"
	else if (near_to(up_to(ra, u), pa, u))
		mag = "differs in the last digit: " show " rounds to " rr " (" pt " is " show " rounded up)"
	else if (sprintf(f, ra / 10) + 0 == pa)
		mag = "differs: " show " rounds to " rr "; a tenth of it rounds to " pt " (a guess at the cause: the source does not say)"
	else if (sprintf(f, ra * 10) + 0 == pa)
		mag = "differs: " show " rounds to " rr "; ten times it rounds to " pt " (a guess at the cause: the source does not say)"
	else
		mag = "differs: " show " rounds to " rr ", not " pt
	if ((p + 0 < 0 && r + 0 > 0) || (p + 0 > 0 && r + 0 < 0))
		sgn = "opposite sign"
	if (mag == "" && sgn == "")
		return "agrees"
	return mag (mag != "" && sgn != "" ? "; " : "") sgn
}

function norm_line(    sec, k, k3) {
	if ($1 == "D") {
		# one section per group (parse.awk): arch, source, then the order given
		sec = $6 "/" $4 "/" sprintf("%04d", $12)
		dsec[$2] = sec
		drun[$2] = $7
		ndirs = $2 > ndirs ? $2 : ndirs
		if (!(sec in sarch)) {
			secs[++nsec] = sec
			sarch[sec] = $6; ssrc[sec] = $4; sprof[sec] = $5
			skernel[sec] = $9; sseries[sec] = $13; sbuild[sec] = $14
			narch[$6]++
		}
		addlist(sruns, sec, $7, " ")
		addlist(shost, sec, $8, "; ")
		addlist(skern, sec, $9, "; ")
		addlist(sqemu, sec, $10, "; ")
		addlist(sorder, sec, $15 != "" ? $15 : "not recorded (" $7 ")", "; ")
	} else if ($1 == "R") {
		sec = dsec[$2]
		isrec[$3] = 1
		rarm[$3] = $6
		rdir[$3] = $2
		rok[$3] = $8 == "ok"
		fcases[$2]++
		fstate[$2, $8 == "unproven" ? "invalid" : $8]++
		hasS[sec, $4] = 1
		k3 = sec SUBSEP $4 SUBSEP $5
		if (!(k3 in hasI)) {
			hasI[k3] = 1
			idx[sec, $4, ++idxn[sec, $4]] = $5
		}
		k = k3 SUBSEP $6
		nrec[k]++
		if ($6 == "aa")
			secaa[sec] = 1
		if ($8 == "ok") {
			nok[k]++
			if (plotdir != "" && $4 == 3) {
				sub(/\.rec$/, ".timeline", $3)
				printf "%s\t%s\n", $3, "s3 i" $5 " " ($6 == "on" ? "+APF" : ($6 == "aa" ? "-APF A/A" : "-APF")) " r" $7 > (plotdir "/timelines.list")
			}
			return
		}
		if ($8 == "unavailable")
			addlist(ureason, k, $9, "; ")
		else
			addlist(oreason, k, $8 ": " $9, "; ")
		nex[sec]++
		ex[sec, nex[sec]] = $3 ": " $8 ": " $9
		if (!((sec, $8) in exst))
			exorder[sec, ++nexs[sec]] = $8
		exst[sec, $8]++
	} else if ($1 == "X") {
		sec = dsec[$2]
		fretried[$2]++
		natt[sec]++
		att[sec, natt[sec]] = $3 ": " $8 ": " $9
	} else if ($1 == "P") {
		sec = dsec[$2]
		k = sec SUBSEP $3 SUBSEP $4 SUBSEP $5
		if (!(k in pubv))
			publist[sec, ++npub[sec]] = k
		pubv[k] = $6
	} else if ($1 == "V") {
		hasm[dsec[$2], $3, $6] = 1
	} else if ($1 == "K" && $4 == "harness_other_cpu_pct" && ($3 in isrec) && $5 ~ /^[0-9]+$/) {
		# other work on the machine that emulated the lab, during each case
		oc_n[$2]++
		oc_sum[$2] += $5
		if ($5 + 0 > oc_max[$2])
			oc_max[$2] = $5 + 0
		if ($5 + 0 > 10)
			oc_busy[$2]++
	} else if ($1 == "K" && $4 ~ /^guest_debug_locks_(before|after)$/ && ($3 in isrec)) {
		# the guest kernel's lockdep, on (1) or off (0), before and after the workload
		gdl[$3, substr($4, 19)] = $5
	} else if ($1 == "K" && $4 == "guest_kernel_splat" && ($3 in isrec)) {
		# a bug the guest's kernel reported and survived: the figures stand, the reader
		# sees it (per run, how many cases, and the first report)
		gsp_n[$2]++
		if (gsp_first[$2] == "")
			gsp_first[$2] = $5
	} else if ($1 == "K" && $4 == "kernel_splat" && ($3 in isrec)) {
		fsplat[$2]++
	} else if ($1 == "K" && $4 == "kernel_splat_known" && ($3 in isrec)) {
		# a case that kept its figures although the KVM host reported the series' known
		# bugs: the reader must see it under the tables
		fknown[$2]++
		v = $5
		sub(/ \(.*/, "", v)
		nv = split(v, kn, /[ ,]+/)
		for (j = 1; j <= nv; j++)
			if (kn[j] != "" && index(", " fknames[$2] ", ", ", " kn[j] ", ") == 0)
				fknames[$2] = fknames[$2] (fknames[$2] == "" ? "" : ", ") kn[j]
	}
}

# The footer: per run, how many cases hit each fault class (results/FORMAT.md).
function faults(    d, n) {
	both("")
	tout("Faults per run: cases by the fault that ended them (invalid: the APF state not proven,")
	tout("unproven included; splat: the KVM host's kernel reported a bug, counted in failed too;")
	tout("retried: earlier attempts kept, harness/bench --retry-failed):")
	mout("## Faults per run")
	mout("")
	mout("Cases by the fault that ended them (invalid: the APF state not proven, unproven included; splat: the KVM host's kernel reported a bug, counted in failed too; retried: earlier attempts kept, harness/bench --retry-failed).")
	mout("")
	tb_reset("Run|Cases|oom|timeout|failed|invalid|splat|retried", "lrrrrrrr")
	for (d = 1; d <= ndirs; d++)
		tb_add(drun[d], fcases[d] + 0, fstate[d, "oom"] + 0, fstate[d, "timeout"] + 0,
		    fstate[d, "failed"] + 0, fstate[d, "invalid"] + 0, fsplat[d] + 0, fretried[d] + 0)
	tb_print()
	# A line of text right under a markdown table would be read as one more row.
	mout("")
	for (d = 1; d <= ndirs; d++)
		if (fknown[d] > 0)
			both("Known series bugs reported by the KVM host, figures kept (harness/lib/series-splats.known): " \
			    drun[d] ": " fknown[d] " case" (fknown[d] == 1 ? "" : "s") " (" fknames[d] ")")
	lockdep_turned_off()
	for (d = 1; d <= ndirs; d++)
		if (gsp_n[d] > 0)
			both("Bugs the guest's kernel reported and survived, figures kept (guest_kernel_splat): " drun[d] ": " \
			    gsp_n[d] " case" (gsp_n[d] == 1 ? "" : "s") ", the first: " gsp_first[d])
	for (d = 1; d <= ndirs; d++)
		if (oc_n[d] > 0)
			both("Other work on the machine during the cases (harness_other_cpu_pct, % of its CPUs): " drun[d] \
			    ": mean " sprintf("%.0f", oc_sum[d] / oc_n[d]) "%, max " (oc_max[d] + 0) "%" \
			    (oc_busy[d] > 0 ? "; " oc_busy[d] " of " oc_n[d] " cases above 10%: their figures carry that load" : ""))
}

# The ok cases whose guest kernel's lockdep was on when the workload began and off when it
# ended (guest_debug_locks_before=1, _after=0): a lockdep report during the run turned it
# off, and its cost with it, for the rest of the run. Per run and arm; when one arm has
# such cases and another not, -APF and +APF ran unlike kernels and the line says so.
function lockdep_turned_off(    r, d, a, arms, line) {
	for (r in rarm)
		if (rok[r] && gdl[r, "before"] == "1" && gdl[r, "after"] == "0")
			ldoff[rdir[r], rarm[r]]++
		else if (rok[r] && gdl[r, "before"] == "1")
			ldon[rdir[r], rarm[r]]++
	for (d = 1; d <= ndirs; d++) {
		line = ""
		split("off on aa", arms, " ")
		for (a = 1; a <= 3; a++)
			if ((d, arms[a]) in ldoff || (d, arms[a]) in ldon)
				line = line (line == "" ? "" : ", ") (arms[a] == "on" ? "+APF" : arms[a] == "aa" ? "A/A" : "-APF") " " \
				    ldoff[d, arms[a]] + 0 " of " ldoff[d, arms[a]] + ldon[d, arms[a]]
		if (line != "" && ldoff_any(d))
			both("The guest kernel's lockdep turned itself off during the workload (a report; guest_debug_locks " \
			    "1 before, 0 after): " drun[d] ": " line " cases" (ldoff_uneven(d) ? \
			    "; the arms ran with unlike lockdep costs: measure with a guest kernel built without lockdep" : ""))
	}
}
function ldoff_any(d) {
	return ldoff[d, "off"] + ldoff[d, "on"] + ldoff[d, "aa"] > 0
}
function ldoff_uneven(d,    a, arms, n, first, f) {
	split("off on aa", arms, " ")
	first = ""
	for (a = 1; a <= 3; a++) {
		n = ldoff[d, arms[a]] + ldon[d, arms[a]]
		if (n == 0)
			continue
		f = ldoff[d, arms[a]] / n
		if (first == "")
			first = f
		else if (f != first)
			return 1
	}
	return 0
}

# Side by side: the change of +APF against -APF in every section (at most five: the
# table's columns), a row per scenario, index and metric that any section has, so that
# the published figures, the x86 lab and the arm64 lab can be read across one line.
function side_by_side(    j, ncol, col, s, i, m, mm, r, line, hdr, al, nr, rows, k, t, tmp) {
	ncol = nsec > 5 ? 5 : nsec
	hdr = "Scenario|Index|Metric"
	al = "rrl"
	for (j = 1; j <= ncol; j++) {
		col[j] = secs[j]
		hdr = hdr "|" substr("ABCDE", j, 1)
		al = al "r"
	}
	nr = 0
	for (k in sbsrow) {
		split(k, t, SUBSEP)
		rows[++nr] = sprintf("%02d %04d %d", t[1], t[2], morder[t[3]]) SUBSEP k
	}
	if (nr == 0)
		return
	for (j = 2; j <= nr; j++)
		for (k = j; k > 1 && rows[k - 1] > rows[k]; k--) {
			tmp = rows[k]; rows[k] = rows[k - 1]; rows[k - 1] = tmp
		}
	both("")
	tout("=== Side by side: the change of +APF against -APF in each section ===")
	tout("(* significant at 5%, Welch's t-test; in brackets n, -APF/+APF runs; blank: no such pair)")
	mout("## Side by side: the change of +APF against -APF in each section")
	mout("")
	mout("\\* significant at 5% (Welch's t-test); in brackets n, -APF/+APF runs; blank: no such pair.")
	mout("")
	tb_reset(hdr, al)
	for (r = 1; r <= nr; r++) {
		split(rows[r], t, SUBSEP)
		s = t[2]; i = t[3]; m = t[4]
		for (j = 1; j <= 5; j++)
			mm[j] = j <= ncol && ((col[j], s, i, m) in sbs) ? sbs[col[j], s, i, m] : ""
		tb_add("[" s "]", i, label[m], mm[1], mm[2], mm[3], mm[4], mm[5])
	}
	tb_print()
	mout("")
	for (j = 1; j <= ncol; j++) {
		line = substr("ABCDE", j, 1) ": " slabel[col[j]] ": " sruns[col[j]] " (" ssrc[col[j]] ", profile " sprof[col[j]] ")"
		tout(line)
		mout("- " line)
	}
	both("An index is its own profile's memory setting: a row puts like scenarios side by side, not like settings.")
	if (nsec > ncol)
		both("(the first five sections only; " nsec - ncol " more above)")
}

function header(    j, n, h) {
	n = split("Output = change of +APF against -APF = (+APF - -APF) / -APF, in %.|" \
	    "Times: negative = +APF faster. calc (count) and calc rate: positive = +APF did more work.|" \
	    "Other fields (migration): positive = larger with +APF.|" \
	    "calc rate = calc / elapsed time, in M/s (millions of calculation units per second).|" \
	    "Times and counts: Amean; rates: Hmean; Stddev with n-1; CoeffVar = Stddev / mean in %.|" \
	    "n = number of ok runs, -APF/+APF. Percentages are rounded to 0.1%, or to 0.01% below 5%.", h, "|")
	for (j = 1; j <= n; j++) {
		tout(h[j])
		mout("- " h[j])
	}
	tout("Significance: Welch's t-test, two-sided, 5%, of the mean shown (Hmean: on 1/x):")
	tout("  * x%* significant, ( x%) not significant, unmarked: no test (fewer than 2 runs")
	tout("  on a side, no spread on either side, or a rate <= 0).")
	mout("- Significance: Welch's t-test, two-sided, 5%, of the mean shown (Hmean: on 1/x): \\* x%\\* significant, ( x%) not significant, unmarked: no test (fewer than 2 runs on a side, no spread on either side, or a rate <= 0).")
}

# A table of further fields of scenario S (NAMES[1..NN], those with figures), index by
# index (SORTED[1..N]), under its title TTL and convention CNV: the migration's, the monitors'.
function fields(sec, s, n, sorted, names, nn, ttl, cnv,    j, k) {
	tr = 0
	for (j = 1; j <= n; j++)
		for (k = 1; k <= nn; k++)
			if ((sec, s, names[k]) in hasm) {
				if (tr == 0)
					tb_reset("Index|Field|Stat|n|-APF|+APF|Output|Welch p", "rllrrrrl")
				block(sec, s, sorted[j], names[k], sorted[j])
			}
	if (tr == 0)
		return
	both("")
	tout("[" s "] " ttl)
	mout("### [" s "] " ttl)
	mout("")
	both(cnv)
	mout("")
	tb_print()
}

function section(sec,    s, i, j, n, k, hdr, al, sorted, t, e, line) {
	both("")
	tout("=== " slabel[sec] ": " sruns[sec] " (" ssrc[sec] ", profile " sprof[sec] ") ===")
	mout("## " slabel[sec] ": " sruns[sec] " (" ssrc[sec] ", profile " sprof[sec] ")")
	mout("")
	line = "host: " shost[sec] "; kernel: " skern[sec] (sbuild[sec] != "" ? " (Image " sbuild[sec] ")" : "") \
	    (sseries[sec] != "" ? "; series: " sseries[sec] : "") "; qemu: " sqemu[sec]
	both(line)
	both("order: " sorder[sec] (sorder[sec] ~ /interleaved/ ? " (per scenario, index and repeat the arms in turn, reversed on even repeats: drift hits every arm alike)" : sorder[sec] ~ /grouped/ ? " (all -APF cases, then all +APF: drift shows as an effect)" : ""))
	hdr = "Index|Metric|Stat|n|-APF|+APF|Output|Welch p"
	al = "rllrrrrl"
	for (s = 1; s <= 3; s++) {
		if (!((sec, s) in hasS))
			continue
		n = idxn[sec, s]
		for (j = 1; j <= n; j++)
			sorted[j] = idx[sec, s, j] + 0
		for (j = 2; j <= n; j++)
			for (k = j; k > 1 && sorted[k - 1] > sorted[k]; k--) {
				t = sorted[k]; sorted[k] = sorted[k - 1]; sorted[k - 1] = t
			}
		both("")
		tout(title[s])
		mout("### " title[s])
		mout("")
		both(conv)
		mout("")
		tb_reset(hdr, al)
		for (j = 1; j <= n; j++) {
			i = sorted[j]
			block(sec, s, i, "time", i)
			if (s != 1 || (sec, s, "calc") in hasm) {
				block(sec, s, i, "calc", i)
				block(sec, s, i, "rate", i)
			}
		}
		tb_print()
		fields(sec, s, n, sorted, migm, nmig, mtitle, mconv)
		fields(sec, s, n, sorted, monm, nmon, wtitle, wconv ((sec in secaa) ? " The A/A rows of these fields do not judge the method." : ""))
	}
	if (hasaa[sec]) {
		both("")
		both("A/A control: the rows \"A/A\" put -APF against a second -APF arm of the same settings, run in the same order (the -APF column: -APF; the +APF column: the A/A arm; Output: (A/A - -APF) / -APF): the noise floor of the method. An A/B change no larger than the A/A one is not told from the noise.")
		if (broken[sec] != "") {
			both("")
			both("BROKEN METHOD: the A/A control differs significantly (Welch, 5%) in " broken[sec] ": runs of one setting disagree, so the significance of the A/B results of this section means nothing.")
		}
	}
	if (npub[sec] > 0)
		published(sec)
	if (nex[sec] > 0) {
		both("")
		line = "Not tabulated: " nex[sec] " record" (nex[sec] > 1 ? "s" : "") " ("
		for (j = 1; j <= nexs[sec]; j++)
			line = line (j > 1 ? ", " : "") exorder[sec, j] " " exst[sec, exorder[sec, j]]
		both(line ")")
		mout("")
		for (e = 1; e <= nex[sec]; e++) {
			tout("  " ex[sec, e])
			mout("- " ex[sec, e])
		}
	}
	if (natt[sec] > 0) {
		both("")
		both("Earlier attempts, not tabulated (the case was run again; harness/bench --retry-failed): " natt[sec])
		mout("")
		for (e = 1; e <= natt[sec]; e++) {
			tout("  " att[sec, e])
			mout("- " att[sec, e])
		}
	}
}

function published(sec,    j, k, pk, p, r, v, same, opp, parts, tag, ord) {
	both("")
	tout("Published \"Output\" vs recomputed (recomputed with the convention above):")
	mout("### Published \"Output\" vs recomputed")
	mout("")
	tb_reset("Scenario|Index|Metric|Published|Recomputed|Verdict", "rrlrrl")
	# Published rows in scenario, index, metric order.
	for (j = 1; j <= npub[sec]; j++) {
		split(publist[sec, j], parts, SUBSEP)
		ord[j] = parts[2] * 1000000 + parts[3] * 1000 + (parts[4] in morder ? morder[parts[4]] : 999)
		pk[j] = publist[sec, j]
	}
	for (j = 2; j <= npub[sec]; j++)
		for (k = j; k > 1 && ord[k - 1] > ord[k]; k--) {
			p = ord[k]; ord[k] = ord[k - 1]; ord[k - 1] = p
			p = pk[k]; pk[k] = pk[k - 1]; pk[k - 1] = p
		}
	for (j = 1; j <= npub[sec]; j++) {
		split(pk[j], parts, SUBSEP)
		p = pubv[pk[j]]
		r = (pk[j] in pubrec) ? pubrec[pk[j]] : ""
		v = r == "" ? "no recomputation (data missing)" : pubcheck(p, r)
		tb_add("[" parts[2] "]", parts[3], (parts[4] in label) ? label[parts[4]] : parts[4],
		    p, r == "" ? "-" : fmtp(r), v)
		if (parts[4] == "time" && r != "") {
			tag = "[" parts[2] "] i" parts[3]
			if (v ~ /opposite sign/)
				opp = opp (opp == "" ? "" : ", ") tag
			else
				same = same (same == "" ? "" : ", ") tag
		}
	}
	tb_print()
	if (opp != "" && same != "") {
		both("")
		both("The published time figures use both sign conventions: opposite to the recomputed sign in " opp "; the same sign in " same ".")
	} else if (opp != "") {
		both("")
		both("The published time figures use the opposite sign convention (negative = +APF slower).")
	}
}

# ---- kernels compared: sections of one arch, source and profile that differ by kernel,
# Image or series; the first given is the baseline (batch.awk's C| keys) ----
function kernels(    j, k, p, parts, pair, b, o, key, nb, nc, col, a, c, ch, sig, mt, s, lastpair, lasts, kc, line) {
	if (ncmp == 0)
		return
	tr = 0
	for (j = 1; j <= ncmp; j++) {
		key = cmpkeys[j]
		split(key, parts, "|")
		pair = parts[2]
		split(pair, p, ">")
		b = p[1]; o = p[2]
		s = parts[3]
		if (pair != lastpair) {
			if (tr > 0) tb_print()
			tr = 0
			both("")
			tout("=== Kernels compared: " slabel[o] " against " slabel[b] " ===")
			mout("## Kernels compared: " slabel[o] " against " slabel[b])
			mout("")
			line = "baseline: " slabel[b] ": " sruns[b] "; candidate: " slabel[o] ": " sruns[o]
			both(line)
			both("Change = (candidate - baseline) / baseline: for times negative = the candidate faster; for calc and rate positive = more work. Welch's t-test as above.")
			lastpair = pair
			lasts = ""
		}
		if (s != lasts) {
			if (tr > 0) tb_print()
			both("")
			tout(title[s])
			mout("### " title[s])
			mout("")
			tb_reset("Index|Metric|APF|n|Baseline|Candidate|Change|Welch p", "rllrrrrl")
			lasts = s
		}
		nb = (key in havest) ? st[key, 2] : 0
		nc = (key in havest) ? st[key, 9] : 0
		col = (parts[5] in hm) ? 4 : 3
		mt = (parts[5] in hm) ? "Hmean" : "Amean"
		a = nb > 0 ? st[key, col] : "-"
		c = nc > 0 ? st[key, col + 7] : "-"
		ch = ""; sig = ""
		if (nb > 0 && nc > 0) { ch = pct(a, c); sig = st[key, 19] }
		tb_add(parts[4], ((parts[5] in label) ? label[parts[5]] : parts[5]) " " mt,
		    parts[6] == "on" ? "+APF" : "-APF", nb "/" nc, nb > 0 ? fmtv(a) : "-", nc > 0 ? fmtv(c) : "-",
		    nb > 0 && nc > 0 ? mark(ch, sig) : "", nb > 0 && nc > 0 ? pcell(key, nb, nc) : "")
		if (nb > 0 && nc > 0)
			tmd[tr, "md"] = mdmark(ch, sig)
		if (kcsv != "") {
			if (!kc++)
				print "arch,source,profile,baseline_runs,candidate_runs,baseline_kernel,candidate_kernel,baseline_series,candidate_series,scenario,index,metric,apf,stat,baseline,candidate,n_baseline,n_candidate,change_pct,significant,t,df,p" > kcsv
			printf "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n",
			    csvq(sarch[b]), csvq(ssrc[b]), csvq(sprof[b]), csvq(sruns[b]), csvq(sruns[o]),
			    csvq(skernel[b]), csvq(skernel[o]), csvq(sseries[b]), csvq(sseries[o]),
			    s, parts[4], parts[5], parts[6], mt, csvq(a), csvq(c), nb, nc, ch,
			    csvq(sig == "untested" ? "not tested (" st[key, 20] ")" : sig),
			    (key in havest) ? st[key, 16] : "-", (key in havest) ? st[key, 17] : "-",
			    (key in havest) ? st[key, 18] : "-" > kcsv
		}
	}
	if (tr > 0) tb_print()
}

BEGIN {
	FS = "\t"
	nmig = split("mig_total_time_ms mig_downtime_ms mig_setup_time_ms " \
	    "mig_transferred_kbytes mig_throughput_mbps mig_remaining_kbytes " \
	    "mig_total_kbytes mig_duplicate_pages mig_skipped_pages " \
	    "mig_normal_pages mig_normal_kbytes mig_dirty_sync_count " \
	    "mig_page_size_kbytes mig_multifd_kbytes mig_pages_per_second " \
	    "mig_postcopy_requests mig_postcopy_blocktime_ms", migm, " ")
	split("total time (ms)|downtime (ms)|setup (ms)|transferred ram (kbytes)|" \
	    "throughput (mbps)|remaining ram (kbytes)|total ram (kbytes)|" \
	    "duplicate (pages)|skipped (pages)|normal (pages)|normal bytes (kbytes)|" \
	    "dirty sync count|page size (kbytes)|multifd bytes (kbytes)|" \
	    "pages-per-second|postcopy request count|postcopy blocktime (ms, dest.)", ml, "|")
	for (k = 1; k <= nmig; k++) {
		label[migm[k]] = ml[k]
		morder[migm[k]] = 10 + k
	}
	# where the time goes: the host's async PF tracepoints and the guest's /proc/stat
	# (parse.awk's "monitored" keys, results/FORMAT.md)
	nmon = split("host_trace_kvm_async_pf_not_present guest_apf_irqs host_apf_latency_sum_ms " \
	    "host_apf_latency_p50_us host_apf_latency_p99_us guest_cpu_user_ms " \
	    "guest_cpu_system_ms guest_cpu_idle_ms guest_cpu_steal_ms", monm, " ")
	split("async PFs (host, not present)|page-ready notifications (guest)|" \
	    "async PF wait, summed (ms)|async PF latency p50 (us)|async PF latency p99 (us)|" \
	    "guest CPU user (ms)|guest CPU system (ms)|guest CPU idle (ms)|guest CPU steal (ms)", ml, "|")
	for (k = 1; k <= nmon; k++) {
		label[monm[k]] = ml[k]
		morder[monm[k]] = 40 + k
		monf[monm[k]] = 1
	}
	label["time"] = "time (ms)"; morder["time"] = 1
	label["calc"] = "calc"; morder["calc"] = 2
	label["rate"] = "calc rate (M/s)"; morder["rate"] = 3
	# the metrics shown (and tested, apfstat) as harmonic means: -v hmean="m1 m2..."
	nh = split(hmean, a, " ")
	for (k = 1; k <= nh; k++)
		hm[a[k]] = 1
	title[1] = "[1] allocate/free memory, no calculation thread"
	title[2] = "[2] allocate/free memory with the calculation thread"
	title[3] = "[3] allocate/free with the calculation thread, in rounds (the profile's S3_REPEAT; 5 in the cover letter), during a post-copy live migration"
	mtitle = "\"info migrate\" on the source (postcopy blocktime: destination)"
	conv = "Output = (+APF - -APF) / -APF: for times negative = +APF faster; for calc and rate positive = more work."
	mconv = "Output = (+APF - -APF) / -APF: positive = larger with +APF (for times: longer)."
	wtitle = "where the time goes (the KVM host's async PF tracepoints, the guest's /proc/stat)"
	wconv = "Means only (the CSV has the spread). x86: KVM traces every fault it turns async; the guest takes one only at CPL 3 (Linux guests since 5.8 never ask for CPL 0), the others halt its vCPU until the page is in. So in -APF the wait summed is the time the vCPU was halted, and in +APF the async PFs less the notifications are faults that halted it (results/FORMAT.md)."
	if (csv != "")
		print "arch,source,runs,profile,scenario,index,metric,unit,stat,apf_off,apf_on,n_off,n_on,change_pct,significant,t,df,p,published_output,published_check,kernel,series,build" > csv
}

FNR == NR { norm_line(); next }
{ havest[$1] = 1; for (j = 2; j <= 20; j++) st[$1, j] = $j; if ($1 ~ /^C\|/) cmpkeys[++ncmp] = $1 }

END {
	# Sections in arch, then source order, then as given; labelled by arch, and by what
	# tells apart the sections of an arch: source, profile, kernel, Image, series.
	for (j = 2; j <= nsec; j++)
		for (k = j; k > 1 && secs[k - 1] > secs[k]; k--) {
			t = secs[k]; secs[k] = secs[k - 1]; secs[k - 1] = t
		}
	for (j = 1; j <= nsec; j++) {
		sec = secs[j]
		for (k = 1; k <= nsec; k++) {
			if (sarch[secs[k]] != sarch[sec])
				continue
			if (ssrc[secs[k]] != ssrc[sec]) dsrc[sarch[sec]] = 1
			if (sprof[secs[k]] != sprof[sec]) dprof[sarch[sec]] = 1
			if (skernel[secs[k]] != skernel[sec]) dkern[sarch[sec]] = 1
			if (sbuild[secs[k]] != sbuild[sec]) dbuild[sarch[sec]] = 1
			if (sseries[secs[k]] != sseries[sec]) dser[sarch[sec]] = 1
		}
	}
	for (j = 1; j <= nsec; j++) {
		sec = secs[j]
		ar = sarch[sec]
		slabel[sec] = ar ((ar in dsrc) ? " " ssrc[sec] : "") ((ar in dprof) ? ", profile " sprof[sec] : "") \
		    ((ar in dkern) ? ", kernel " (skernel[sec] != "" ? skernel[sec] : "unknown") : "") \
		    ((ar in dbuild) ? ", Image " (sbuild[sec] != "" ? sbuild[sec] : "unknown") : "") \
		    ((ar in dser) ? ", series " (sseries[sec] != "" ? sseries[sec] : "not recorded") : "")
	}
	tout("apf-suite: -APF vs +APF comparison tables")
	mout("# apf-suite: -APF vs +APF comparison tables")
	mout("")
	header()
	if (nsec > 1) {
		# which runs went into which columns: runs are pooled only within a group
		both("")
		tout("Sections: the runs pooled into each pair of -APF/+APF columns (runs of different")
		tout("kernels, Images, series or profiles are never pooled):")
		mout("Sections: the runs pooled into each pair of -APF/+APF columns (runs of different kernels, Images, series or profiles are never pooled):")
		mout("")
		for (j = 1; j <= nsec; j++) {
			tout("  " slabel[secs[j]] ": " sruns[secs[j]])
			mout("- " slabel[secs[j]] ": " sruns[secs[j]])
		}
	}
	for (j = 1; j <= nsec; j++)
		section(secs[j])
	if (nsec > 1)
		side_by_side()
	kernels()
	faults()
}
