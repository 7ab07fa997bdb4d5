# Benchmark profile "short-uefi": "short" with the time a UEFI guest needs in the lab. On an
# arm64 host with the APF series both sides' guests boot through UEFI and ACPI
# (harness/ARM64-APF.md): the firmware alone takes minutes in the emulated host, and the
# first "short" case timed out at 600 s (its guest up at 141 s).
PROFILE_DESCRIPTION=smallest, for UEFI guests: 1 vCPU, 256 MB guest, QEMU in memory.max=120M, case timeout 40 min
LAB_MEM_MB=2048
LAB_SMP=2
SWAP_MB=512
SWAP_IOPS=
GUEST_MEM_MB=256
GUEST_SMP=1
CGROUPS=short
WORKLOAD_PERCENT=60
WORKLOAD_TIMES=2
S3_REPEAT=2
MIGRATE_AFTER_S=0
MIGRATE_BANDWIDTH=
CASE_TIMEOUT=2400
