# Groups the V lines of the normalized stream into the input of
# "apfstat batch": KEY<TAB>-APF values<TAB>+APF values[<TAB>h], where
# KEY = arch/source/group|scenario|index|metric (one section per group: arch, source,
# profile, kernel, build and series profile; parse.awk), and h
# marks the metrics whose harmonic means are shown, and so tested (-v hmean="m1 m2...").
# Sections that differ only by kernel, build or series (the same arch, source and
# profile) are compared too, the first given against each other one, per APF side:
# KEY = C|FIRST>OTHER|scenario|index|metric|apf, the first section's values, the other's.
# The A/A control (apf "aa": a second -APF case of the same settings) is tested against
# -APF: KEY = A|arch/source/group|scenario|index|metric, the -APF values, the A/A ones.
BEGIN {
	FS = "\t"
	n = split(hmean, a, " ")
	for (j = 1; j <= n; j++)
		hm[a[j]] = 1
	n = 0
}
$1 == "D" {
	s = $6 "/" $4 "/" sprintf("%04d", $12)
	sec[$2] = s
	c = $6 "/" $4 "/" $5
	if (!((c, s) in incmp)) { incmp[c, s] = 1; cmpsec[c, ++ncs[c]] = s }
	if (!(c in cseen)) { cseen[c] = 1; cmps[++nc] = c }
}
$1 == "V" && $5 == "aa" {
	k = "A|" sec[$2] "|" $3 "|" $4 "|" $6
	if (!(k in aaseen)) { aaseen[k] = 1; aakeys[++naa] = k }
	aa[k] = aa[k] (aa[k] == "" ? "" : " ") $7
	next
}
$1 == "V" {
	k = sec[$2] "|" $3 "|" $4 "|" $6
	if (!(k in seen)) { seen[k] = 1; keys[++n] = k; harm[k] = ($6 in hm) }
	if ($5 == "off") off[k] = off[k] (off[k] == "" ? "" : " ") $7
	else on[k] = on[k] (on[k] == "" ? "" : " ") $7
	r = $3 "|" $4 "|" $6
	if (!(r in rseen)) { rseen[r] = 1; rows[++nr] = r }
}
END {
	for (j = 1; j <= n; j++)
		printf "%s\t%s\t%s%s\n", keys[j], off[keys[j]], on[keys[j]], harm[keys[j]] ? "\th" : ""
	for (j = 1; j <= naa; j++) {
		k = aakeys[j]
		split(k, p, "|")
		b = p[2] "|" p[3] "|" p[4] "|" p[5]
		printf "%s\t%s\t%s%s\n", k, off[b], aa[k], (p[5] in hm) ? "\th" : ""
	}
	for (g = 1; g <= nc; g++) {
		c = cmps[g]
		if (ncs[c] < 2)
			continue
		# the first section in order (arch, source, then as given) is the baseline
		b = cmpsec[c, 1]
		for (x = 2; x <= ncs[c]; x++)
			if (cmpsec[c, x] < b) b = cmpsec[c, x]
		for (x = 1; x <= ncs[c]; x++) {
			o = cmpsec[c, x]
			if (o == b)
				continue
			for (j = 1; j <= nr; j++) {
				split(rows[j], rr, "|")
				kb = b "|" rows[j]; ko = o "|" rows[j]
				if (!(kb in seen) && !(ko in seen))
					continue
				h = (rr[3] in hm) ? "\th" : ""
				printf "C|%s>%s|%s|off\t%s\t%s%s\n", b, o, rows[j], off[kb], off[ko], h
				printf "C|%s>%s|%s|on\t%s\t%s%s\n", b, o, rows[j], on[kb], on[ko], h
			}
		}
	}
}
