# Benchmark profile "short": the smallest sizes that still put the guest under memory
# pressure, for `make check`.
PROFILE_DESCRIPTION=smallest: 1 vCPU, 256 MB guest, QEMU in memory.max=120M
LAB_MEM_MB=2048
LAB_SMP=2
SWAP_MB=512
SWAP_IOPS=
GUEST_MEM_MB=256
GUEST_SMP=1
CGROUPS=short
WORKLOAD_PERCENT=60
# two passes: the first touches fresh guest pages, which the guest kernel zeroes (a fault
# at CPL0, where x86 KVM does not deliver an async PF); only the second pass's faults, in
# user mode, reach the guest: with one pass, +APF on x86 saw 341 async PFs on the host and
# 0 page-ready interrupts (invalid), with two 3068
WORKLOAD_TIMES=2
# two rounds of [3] (two passes each): the arm64 lab case takes about as long as three
# rounds of one pass did
S3_REPEAT=2
MIGRATE_AFTER_S=0
MIGRATE_BANDWIDTH=
CASE_TIMEOUT=600
