# Where a stuck guest's vCPUs were (harness/lib/kvmhost/stuck.sh): reads samples of QEMU's
# "info registers -a" (arm64: PC= and PSTATE=; x86: RIP=, RFL= and HLT=), each after a
# line "sample N", and prints one line per vCPU:
#   cpuN: PC[ (symbol+0xoff)] in K of S samples[, IRQs masked in M][, halted in H]
# or, when it moved, the distinct PCs with their counts. gtext (the guest's _text, 16 hex
# digits, or empty) and the file ksyms (/proc/kallsyms of this host, the guest's very
# build) name the PCs of the kernel's text. Offsets are reckoned on the low 48 bits of
# addresses (awk's numbers are doubles, exact to 53 bits; kernel text shares its top 16).
function hex(s,    i, v) {
	v = 0
	s = tolower(s)
	for (i = 1; i <= length(s); i++)
		v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return v
}
function low48(a) { return hex(substr(a, length(a) - 11)) }
function field(line, key,    r) {
	if (!match(line, "(^|[ \t])" key "=[0-9a-fA-F]+"))
		return ""
	r = substr(line, RSTART, RLENGTH)
	sub(/^[ \t]/, "", r)
	return substr(r, length(key) + 2)
}
function hex12(v,    s, i, d) {
	s = ""
	for (i = 0; i < 12; i++) {
		d = v % 16
		s = substr("0123456789abcdef", d + 1, 1) s
		v = (v - d) / 16
	}
	return s
}
# name_pcs: names[PC] = " (symbol+0xoff)" for each sampled PC (pcs[]) in the kernel's text,
# in one pass over ksyms. Each PC becomes its address in the host's kernel (the host's
# _text plus the PC's offset from the guest's), 16 hex digits like kallsyms' own, so that
# addresses compare as strings: no symbol's address is converted, only the one found.
function name_pcs(    line, f, n, p, d, top, htext, etext, tgt, best, bname) {
	if (gtext == "")
		return
	while ((getline line < ksyms) > 0) {
		n = split(line, f, " ")
		if (n != 3)
			continue
		if (f[3] == "_text") {
			htext = f[1]
			top = substr(htext, 1, 4)
			for (p in pcs) {
				d = low48(p) - low48(gtext)
				if (length(p) == 16 && d >= 0 && d + low48(htext) < 281474976710656)
					tgt[p] = top hex12(d + low48(htext))
			}
		}
		if (f[3] == "_etext")
			etext = f[1]
		# the text symbols from _text on (a module's have a fourth field)
		if (htext == "" || (f[2] != "t" && f[2] != "T"))
			continue
		for (p in tgt)
			if ((f[1] "") <= tgt[p] && (!(p in best) || (f[1] "") > best[p])) {
				best[p] = f[1] ""
				bname[p] = f[3]
			}
	}
	close(ksyms)
	for (p in best)
		if (etext != "" && tgt[p] < etext)
			names[p] = sprintf(" (%s+0x%x)", bname[p], low48(tgt[p]) - low48(best[p]))
}
function name(pc) { return (pc in names) ? names[pc] : "" }
/^sample [0-9]+/ { s = $2 + 0; if (s > nsamples) nsamples = s; next }
/^CPU#[0-9]+/ { cpu = substr($1, 5) + 0; if (!(cpu in seen)) { seen[cpu] = 1; order[++ncpu] = cpu }; next }
{
	v = field($0, "PC")
	if (v == "") v = field($0, "RIP")
	if (v != "") {
		pc[cpu, s] = tolower(v)
		pcs[tolower(v)] = 1
		got[cpu]++
	}
	v = field($0, "PSTATE")
	# arm64 PSTATE.I (bit 7); x86 RFLAGS.IF (bit 9) clear
	if (v != "" && int(hex(v) / 128) % 2 == 1) masked[cpu]++
	v = field($0, "RFL")
	if (v != "" && int(hex(v) / 512) % 2 == 0) masked[cpu]++
	if ($0 ~ /(^|[ \t])HLT=1/) halted[cpu]++
}
END {
	name_pcs()
	for (c = 1; c <= ncpu; c++) {
		cpu = order[c]
		n = 0
		for (k in cnt) delete cnt[k]
		for (i = 1; i <= nsamples; i++)
			if ((cpu, i) in pc) {
				p = pc[cpu, i]
				if (!(p in cnt)) { n++; first[n] = p }
				cnt[p]++
			}
		if (n == 0) {
			printf "cpu%d: no PC in %d samples\n", cpu, nsamples
			continue
		}
		if (n == 1)
			line = sprintf("cpu%d: %s%s in %d of %d samples", cpu, first[1], name(first[1]), cnt[first[1]], nsamples)
		else {
			line = sprintf("cpu%d: moving, %d distinct PCs in %d samples:", cpu, n, nsamples)
			for (i = 1; i <= n; i++)
				line = line sprintf(" %s%s x%d", first[i], name(first[i]), cnt[first[i]])
		}
		if (masked[cpu]) line = line sprintf(", IRQs masked in %d", masked[cpu])
		if (halted[cpu]) line = line sprintf(", halted in %d", halted[cpu])
		print line
	}
}
