# Benchmark profile "significance-uefi" (issue 17): the significance method (interleaved
# -APF/+APF/A-A arms, n fixed in advance, monitors on) with the lab profile's settings, for
# an arm64 lab host whose kernel carries the APF series: there both arms' guests boot
# through UEFI and ACPI (harness/ARM64-APF.md), and the emulated firmware alone takes
# a minute or two more than a direct boot. On a quiet machine an arm64 case of [2] took
# 2.7 minutes (2026-12-01); the 20 minutes allowed cover a loaded machine too (a
# short-uefi case took 16 minutes at a load of 10-20), and bound what a hang costs.
#   make bench KERNEL=<patched Image> PROFILE=significance-uefi SCENARIOS=2
# n = 3 per arm, fixed before the run as there: enough to see an effect the size of the
# x86 lab's (+50% calc rate at a CoeffVar of 2-4%), not one of a few per cent.
# Measure it with a guest kernel built without lock debugging: lockdep turns itself off at
# the +APF guest's first page-not-present report and never in -APF (harness/ARM64-APF.md),
# so with it the arms pay unlike costs (the tables flag that).
PROFILE_DESCRIPTION=significance for UEFI guests: the settings of the lab profile (1 vCPU, 512 MB guest writing 60% of its memory, QEMU in memory.max=160M, swap disk limited to 100 IOPS), -APF/+APF/A-A interleaved, n=3 per arm, monitors on, case timeout 20 min
LAB_MEM_MB=3072
LAB_SMP=2
SWAP_MB=1536
SWAP_IOPS=100
GUEST_MEM_MB=512
GUEST_SMP=1
CGROUPS=lab
WORKLOAD_PERCENT=60
WORKLOAD_TIMES=2
S3_REPEAT=3
MIGRATE_AFTER_S=1
MIGRATE_BANDWIDTH=
CASE_TIMEOUT=1200
SCENARIOS=1,2,3
REPEAT=3
AA=yes
ORDER=interleaved
MONITORS=yes
