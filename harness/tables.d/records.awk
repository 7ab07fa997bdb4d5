# records.csv: one row per record of the normalized stream, every key as a
# column (the usual keys first, then the others in the order first seen).
function csvq(v) {
	if (v !~ /[",]/)
		return v
	gsub(/"/, "\"\"", v)
	return "\"" v "\""
}
BEGIN {
	FS = "\t"
	nk = split("scenario index apf repeat state reason apf_verified elapsed_ms calc_count calc_rate bytes_written passes", keys, " ")
	for (j = 1; j <= nk; j++) known[keys[j]] = 1
}
$1 == "D" { arch[$2] = $6; run[$2] = $7 }
$1 == "K" {
	if (!($3 in row)) { row[$3] = ++nr; file[nr] = $3; rdir[nr] = $2 }
	val[row[$3], $4] = $5
	if (!($4 in known)) { known[$4] = 1; keys[++nk] = $4 }
}
END {
	line = "arch,run_id,file"
	for (j = 1; j <= nk; j++) line = line "," keys[j]
	print line
	for (r = 1; r <= nr; r++) {
		line = csvq(arch[rdir[r]]) "," csvq(run[rdir[r]]) "," csvq(file[r])
		for (j = 1; j <= nk; j++) line = line "," csvq(val[r, keys[j]])
		print line
	}
}
