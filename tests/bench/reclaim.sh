#!/bin/sh
# vm: --mem 1G --swap 1G --timeout 600
# Reclaim benchmarks, in one guest run, all into the same zram swap and with
# the same content (64 PRNG bytes per page, zeros after):
#   - BO swap-out throughput / anonymous-memory swap-out throughput (anon
#     pushed with MADV_PAGEOUT, the BO with a shrink request); goal >= 0.9
#   - first submit after eviction (its drm_gpuvm_validate restores the BO)
#     / anonymous swap-in of the same size by touching it; goal <= 1.1
#   - discard throughput / swap-out throughput; goal >= 10
#   - latency of shrink requests of 128 pages (one scan_objects batch) with
#     100 000 BOs on the device, one in ten resident: p50 and p99
# Prints "BENCH key=value" lines; reports the figures, does not fail on a
# missed goal. 1 GiB guest: 100 000 BOs need ~200 MiB of kernel memory.
. /tests/guest/lib.sh
reclaim_require

size=${BENCH_SIZE:-64M}
nbos=${BENCH_NBOS:-100000}
echo 0 >"$K/idle_threshold_ms"
echo "discard idle-vm-first swapout" >"$K/policy"
gpusim-wl bench-reclaim "$size" "$R/shrink" "$nbos" >/tmp/bench 2>&1
rc=$?
cat /tmp/bench
[ $rc -eq 0 ] || fail "gpusim-wl bench-reclaim exited $rc"

echo "BENCH command=gpusim-wl bench-reclaim $size $R/shrink $nbos"
grep -E '^(size|bo_out_vs_anon_out|bos)=' /tmp/bench | sed 's/^/BENCH /'
