# Benchmark profile "lab": the scenarios scaled to fit the emulated lab host, under real
# memory pressure (the guest's QEMU in a memory cgroup smaller than what the guest
# touches; the lab host swaps to a virtio-blk disk).
PROFILE_DESCRIPTION=scaled to the emulated lab host: 1 vCPU, 512 MB guest writing 60% of its memory, QEMU in memory.max=160M, swap disk limited to 100 IOPS
LAB_MEM_MB=3072
LAB_SMP=2
SWAP_MB=1536
SWAP_IOPS=100
GUEST_MEM_MB=512
GUEST_SMP=1
# one cgroups/<name>.conf per index (row) of the comparison
CGROUPS=lab
WORKLOAD_PERCENT=60
WORKLOAD_TIMES=2
S3_REPEAT=3
MIGRATE_AFTER_S=1
MIGRATE_BANDWIDTH=
CASE_TIMEOUT=1200
