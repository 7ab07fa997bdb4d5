# Groups the V lines of the normalized stream into the input of
# "apfstat batch": KEY<TAB>-APF values<TAB>+APF values, where
# KEY = arch/source|scenario|index|metric (one section per arch and source).
BEGIN { FS = "\t" }
$1 == "D" { sec[$2] = $6 "/" $4 }
$1 == "V" {
	k = sec[$2] "|" $3 "|" $4 "|" $6
	if (!(k in seen)) { seen[k] = 1; keys[++n] = k }
	if ($5 == "off") off[k] = off[k] (off[k] == "" ? "" : " ") $7
	else on[k] = on[k] (on[k] == "" ? "" : " ") $7
}
END { for (j = 1; j <= n; j++) printf "%s\t%s\t%s\n", keys[j], off[keys[j]], on[keys[j]] }
