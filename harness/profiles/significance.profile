# Benchmark profile "significance" (issue 15): the lab profile's settings under the method
# that can tell the APF effect from the lab's noise, for the x86 lab, where async PF works:
#   make bench LAB_ARCH=x86_64 PROFILE=significance
# Every scenario and index runs -APF, +APF and an A/A control arm (a second -APF, the same
# settings: the noise floor; a significant A/A is flagged as a broken method), interleaved
# (per scenario, index and repeat the three arms in turn, reversed on even repeats, so that
# a drift of the machine costs every arm alike), with the monitors on.
# n is fixed in advance: 10 per arm for [2], 5 for [1] and [3] (issue 15, item 3). The run
# does not stop at the first p < 0.05: testing as the data come in and stopping when
# significant makes "significant" far likelier than 5% under no effect.
# 60 cases. Measured on a quiet 2-core machine (2026-11-30): a case of [1] or [2] takes
# 2.4 minutes and one of [3] about 9.5, so 4 h 10 min without faults. The x86 lab's
# emulator faults ended 2 of 17 attempts in [1], 22 of 52 in [2] and 12 of 18 in [3]
# (half of those minutes into the case); [3] may need --retry-failed more than once,
# so count on 5 hours and more. Run it on a quiet machine: a
# shared, loaded one puts its own load into CoeffVar.
PROFILE_DESCRIPTION=significance: the settings of the lab profile (1 vCPU, 512 MB guest writing 60% of its memory, QEMU in memory.max=160M, swap disk limited to 100 IOPS), -APF/+APF/A-A interleaved, n=10 for [2] and 5 for [1] and [3], monitors on
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
REPEAT=1:5,2:10,3:5
AA=yes
ORDER=interleaved
MONITORS=yes
