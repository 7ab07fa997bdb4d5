# Benchmark profile "cover-letter": the set-up of the published figures (1 vCPU, 4096 MB
# guest). The cover letter does not give its memory limits or workload sizes: those below
# are our choice. Needs a KVM host with more memory than the emulated lab offers: run it
# natively (LAB=native) or give the lab enough memory.
PROFILE_DESCRIPTION=as published: 1 vCPU, 4096 MB guest; memory limit and sizes are our choice
LAB_MEM_MB=8192
LAB_SMP=2
SWAP_MB=8192
SWAP_IOPS=
GUEST_MEM_MB=4096
GUEST_SMP=1
CGROUPS=cover-letter
WORKLOAD_PERCENT=50
WORKLOAD_TIMES=2
S3_REPEAT=5
MIGRATE_AFTER_S=10
MIGRATE_BANDWIDTH=
CASE_TIMEOUT=3600
