# Where a stuck guest's vCPUs were (harness/lib/kvmhost/stuck.sh): reads samples of QEMU's
# "info registers -a" (arm64: PC= and PSTATE=; x86: RIP=, RFL= and HLT=), each after a
# line "sample N", and prints one line per vCPU:
#   cpuN: PC[ (symbol+0xoff)] in K of S samples[, IRQs masked in M][, halted in H]
# or, when it moved, the distinct PCs with their counts. gtext (the guest's _text, 16 hex
# digits, or empty) and the file ksyms (/proc/kallsyms of this host, the guest's very
# build) name the PCs of the kernel's text. Addresses are compared on their low 48 bits:
# awk's numbers are doubles, exact to 53 bits, and kernel text shares its top 16 bits.
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
function load_symbols(    line, f, n) {
	while ((getline line < ksyms) > 0) {
		n = split(line, f, " ")
		if (n == 3 && f[3] == "_text") htext = low48(f[1])
		if (n == 3 && f[3] == "_etext") hetext = low48(f[1])
		if (n == 3 && (f[2] == "t" || f[2] == "T")) {
			nsym++
			symaddr[nsym] = low48(f[1])
			symname[nsym] = f[3]
		}
	}
	close(ksyms)
}
function name(pc,    t, i, best, bi) {
	if (gtext == "" || htext == "" || hetext == "" || length(pc) != 16)
		return ""
	t = low48(pc) - low48(gtext) + htext
	if (t < htext || t >= hetext)
		return ""
	best = -1
	for (i = 1; i <= nsym; i++)
		if (symaddr[i] <= t && symaddr[i] > best) {
			best = symaddr[i]
			bi = i
		}
	return best < 0 ? "" : sprintf(" (%s+0x%x)", symname[bi], t - best)
}
BEGIN {
	if (gtext != "")
		load_symbols()
}
/^sample [0-9]+/ { s = $2 + 0; if (s > nsamples) nsamples = s; next }
/^CPU#[0-9]+/ { cpu = substr($1, 5) + 0; if (!(cpu in seen)) { seen[cpu] = 1; order[++ncpu] = cpu }; next }
{
	v = field($0, "PC")
	if (v == "") v = field($0, "RIP")
	if (v != "") {
		pc[cpu, s] = tolower(v)
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
