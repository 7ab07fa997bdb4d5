# The one rule that decides whether a benchmark record proves the APF state it was run
# with (README, results/FORMAT.md). harness/kvmhost/bench-case applies it to the guest's
# evidence when it makes a record; harness/tables applies it again to every record before
# a number of it reaches a table. A library for awk (busybox-safe): load it with -f before
# the program that calls apf_unproven; with -v apf_evidence_cli=1 it is a command itself,
# reading -v arch= apf= nokvmapf= cpus= irqs= np= hnp= hpr= hcx= hni= and printing the
# verdict line.
#
# apf_unproven(ARCH, APF, NOKVMAPF, CPUS, IRQS, NP, HNP, HPR, HCX, HNI): "" when the
# evidence proves APF=off|on, else why not (one line).
#   ARCH      the KVM host's architecture: arm64 or x86_64 (aarch64, amd64 accepted)
#   NOKVMAPF  yes or no: the guest's kernel command line had no-kvmapf
#   CPUS      how many CPUs the guest logged "Async PF enabled on CPU<n>" for
#   IRQS      async PF notifications the guest received during the run: the change of
#             its "HYP" (x86) or "Asynchronous Page Fault" (arm64) line of /proc/interrupts
#   NP        arm64: page-not-present notifications (SDEI events) the guest's async PF
#             handler received during the run ("" when not counted: records before it)
#   HNP, HPR  arm64: page-not-present and page-ready notifications the KVM host sent during
#             the case ("" when not counted)
#   HCX, HNI  arm64: of HNP, those whose queued SDEI event the host cancelled undelivered
#             (and so sent no page-ready for either), and those it did not inject ("" when
#             not counted: records before the kretprobes)
# -APF is proven by no-kvmapf, APF enabled on no CPU and no notification. +APF by a guest
# without no-kvmapf that used APF: on x86_64 page-ready interrupts during the run (the
# guest logs nothing there); on arm64 (the APF series) "Async PF enabled on CPU", and
# both kinds of notification received during the run (page-not-present by SDEI, page-ready
# by the PPI), no more of either than the host says it sent (host_apf_notpresent,
# host_apf_pageready: its counts cover the whole case, guest boot included), less those it
# says it took back (host_apf_notpresent_cancelled) or never injected
# (host_apf_notpresent_not_injected) where it counted them. On arm64, -APF also needs no
# page-not-present notification.
function apf_unproven(arch, apf, nokvmapf, cpus, irqs, np, hnp, hpr, hcx, hni,    counted, dnp, dpr) {
	if (arch == "aarch64")
		arch = "arm64"
	else if (arch == "amd64")
		arch = "x86_64"
	if (nokvmapf != "yes" && nokvmapf != "no")
		return "guest_no_kvmapf is '" nokvmapf "', not yes or no"
	if (cpus !~ /^[0-9]+$/)
		return "guest_apf_enabled_cpus is '" cpus "', not a count"
	if (irqs !~ /^[0-9]+$/)
		return "guest_apf_irqs is '" irqs "', not a count"
	if (np != "" && np !~ /^[0-9]+$/)
		return "guest_apf_notpresent is '" np "', not a count"
	if (apf == "off") {
		if (nokvmapf != "yes")
			return "-APF without no-kvmapf on the guest's command line"
		if (cpus + 0 > 0)
			return "-APF but the guest enabled APF on " cpus " CPUs"
		if (irqs + 0 > 0)
			return "-APF but the guest received " irqs " page-ready interrupts"
		if (np + 0 > 0)
			return "-APF but the guest received " np " page-not-present notifications"
		return ""
	}
	if (apf != "on")
		return "apf is '" apf "', not off or on"
	if (nokvmapf != "no")
		return "+APF but the guest booted with no-kvmapf"
	if (arch == "x86_64")
		return irqs + 0 > 0 ? "" : "+APF on x86_64 without page-ready interrupts during the run (guest_apf_irqs=0)"
	if (arch == "arm64") {
		if (cpus + 0 == 0)
			return "+APF on arm64 without 'Async PF enabled on CPU' in the guest's log (guest_apf_enabled_cpus=0)"
		if (np == "")
			return "+APF on arm64 without a count of the guest's page-not-present notifications (no guest_apf_notpresent)"
		if (np + 0 == 0)
			return "+APF on arm64 without page-not-present notifications during the run (guest_apf_notpresent=0)"
		if (irqs + 0 == 0)
			return "+APF on arm64 without page-ready interrupts during the run (guest_apf_irqs=0)"
		if (hnp !~ /^[0-9]+$/ || hpr !~ /^[0-9]+$/)
			return "+APF on arm64 without the host's counts of notifications sent (host_apf_notpresent='" hnp "', host_apf_pageready='" hpr "')"
		# where the host counted them (both or neither): a cancelled page-not-present was
		# never delivered, and its page-ready never sent
		counted = hcx != "" || hni != ""
		if (counted && hcx !~ /^[0-9]+$/)
			return "host_apf_notpresent_cancelled is '" hcx "', not a count"
		if (counted && hni !~ /^[0-9]+$/)
			return "host_apf_notpresent_not_injected is '" hni "', not a count"
		dnp = hnp - hcx - hni
		dpr = hpr - hcx
		if (np + 0 > dnp)
			return "the guest received " np " page-not-present notifications, the host " \
				(counted ? "delivered at most " dnp " (sent " hnp ", cancelled " hcx ", not injected " hni ")" : "sent " hnp)
		if (irqs + 0 > dpr)
			return "the guest received " irqs " page-ready interrupts, the host " \
				(counted ? "sent at most " dpr " (" hpr " calls, " hcx " for cancelled page-not-present)" : "sent " hpr)
		return ""
	}
	return "no APF evidence rule for the architecture '" arch "'"
}

BEGIN {
	if (apf_evidence_cli) {
		print apf_unproven(arch, apf, nokvmapf, cpus, irqs, np, hnp, hpr, hcx, hni)
		exit 0
	}
}
