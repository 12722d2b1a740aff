#!/bin/sh
# vm: --mem 256M --swap 512M --timeout 300
# Reclaim keeps BO content: two processes with four VMs each allocate BOs
# totalling twice the guest's RAM (1.2 times on the debug kernel, which is
# 4x slower), fill them with PRNG patterns (64 bytes per page, zeros after,
# so zram can hold it; seeds printed), half by the GPU and half through
# mmap. Real pressure reclaims during the fill (reclaimed counters grow
# before any shrink request), then a shrink request reclaims more; every
# page is then verified by GPU VERIFY jobs (which restore the evicted BOs
# through drm_gpuvm_validate) and every word through mmap (restored by the
# fault handler). Passes with 0 mismatches and swap-ins counted.
. /tests/guest/lib.sh
reclaim_require

mem_kb=$(kv /proc/meminfo MemTotal:)
if [ "${GR_KERNEL:-stock}" = debug ]; then
	per=$((mem_kb * 6 / 10 / 1024))
else
	per=$((mem_kb / 1024))
fi
per=$(((per + 3) / 4 * 4))
note "MemTotal ${mem_kb} kB; two processes of ${per} MiB each"
echo 0 >"$K/idle_threshold_ms"
echo "discard idle-vm-first swapout" >"$K/policy"
seed1=$(date +%s)
seed2=$((seed1 + 1))
note "seeds $seed1 $seed2"

thp0=$(vmstat thp_file_alloc)
thpout0=$(vmstat thp_swpout)
gpusim-wl -s "$seed1" sparse 4 "${per}M" 4M /tmp/go.$$ >/tmp/wl1 2>&1 &
p1=$!
gpusim-wl -s "$seed2" sparse 4 "${per}M" 4M /tmp/go.$$ >/tmp/wl2 2>&1 &
p2=$!
wait_line /tmp/wl1 '^filled=1' 240
wait_line /tmp/wl2 '^filled=1' 240
by_pressure=$(($(rstat idle-vm-first_reclaimed) + $(rstat swapout_reclaimed)))
expect_gt "pages reclaimed by memory pressure during the fill" "$by_pressure" 0
cat "$R/vms"

echo 1000000 >"$R/shrink" || fail "shrink request failed"
expect_gt "pages reclaimed by the shrink request" "$(cat "$R/shrink")" 0

touch /tmp/go.$$
wait $p1; r1=$?
wait $p2; r2=$?
tail -n 2 /tmp/wl1 /tmp/wl2
[ $r1 -eq 0 ] && [ $r2 -eq 0 ] || fail "gpusim-wl failed ($r1, $r2)"
for f in /tmp/wl1 /tmp/wl2; do
	grep -q 'gpu_mismatches=0 cpu_mismatches=0' $f || fail "mismatches in $f"
done
expect_gt "swap-in pages" "$(rstat swapin_pages)" 0
# the 4 MiB BOs in 2 MiB folios (gem_reclaim's DOC: Huge pages), out whole
expect_gt "huge folios allocated" "$(vmstat thp_file_alloc)" "$thp0"
note "huge folios swapped out whole: $(($(vmstat thp_swpout) - thpout0))"
grep -v ' 0$' "$R/stats"
gpusim_counters_zero
