#!/bin/sh
# vm: --mem 256M --timeout 180
# Lazy allocation is real: 1 GiB of BOs created in a 256 MiB guest succeed,
# every BO reports state unbacked and 0 resident bytes, and MemAvailable
# drops by less than 16 MiB. Touching one BO through mmap makes exactly that
# BO resident; a GPU map makes another resident. Counters return to zero.
. /tests/guest/lib.sh
gpusim_require

total_kb=$(kv /proc/meminfo MemTotal:)
note "guest MemTotal ${total_kb} kB"
[ "$total_kb" -lt 1048576 ] || skip "guest has more than 1 GiB"
shmem_before=$(kv /proc/meminfo Shmem:)
# Two BOs end up resident; on the debug kernel (about 165 MB of MemTotal
# after KASAN's shadow, and kmemleak) two 64 MiB BOs and no swap run the
# guest out of memory, so its BOs are 32 MiB there.
bo=64M
[ "${GR_KERNEL:-stock}" = debug ] && bo=32M
wl_run /tmp/lazy lazy 1G $bo
expect_eq "bytes created" "$(wl_get /tmp/lazy total_bytes)" 1073741824
expect_eq "resident after create" "$(wl_get /tmp/lazy resident_bytes)" 0
expect_eq "state after touch" "$(wl_get /tmp/lazy state_after_touch)" resident
expect_eq "state after GPU map" "$(wl_get /tmp/lazy state_after_gpu_map)" resident
shmem_after=$(kv /proc/meminfo Shmem:)
note "Shmem before ${shmem_before} kB, after exit ${shmem_after} kB"
gpusim_counters_zero
