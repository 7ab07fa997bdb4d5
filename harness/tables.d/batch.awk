# Groups the V lines of the normalized stream into the input of
# "apfstat batch": KEY<TAB>-APF values<TAB>+APF values[<TAB>h], where
# KEY = arch/source/group|scenario|index|metric (one section per group: arch, source,
# profile, kernel, build and series profile; parse.awk), and h
# marks the metrics whose harmonic means are shown, and so tested (-v hmean="m1 m2...").
BEGIN {
	FS = "\t"
	n = split(hmean, a, " ")
	for (j = 1; j <= n; j++)
		hm[a[j]] = 1
	n = 0
}
$1 == "D" { sec[$2] = $6 "/" $4 "/" sprintf("%04d", $12) }
$1 == "V" {
	k = sec[$2] "|" $3 "|" $4 "|" $6
	if (!(k in seen)) { seen[k] = 1; keys[++n] = k; harm[k] = ($6 in hm) }
	if ($5 == "off") off[k] = off[k] (off[k] == "" ? "" : " ") $7
	else on[k] = on[k] (on[k] == "" ? "" : " ") $7
}
END {
	for (j = 1; j <= n; j++)
		printf "%s\t%s\t%s%s\n", keys[j], off[keys[j]], on[keys[j]], harm[keys[j]] ? "\th" : ""
}
