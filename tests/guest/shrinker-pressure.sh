#!/bin/sh
# vm: --mem 256M --swap 512M --timeout 180
# Real memory pressure reaches gpusim's reclaim shrinker: with zram swap on,
# 64 MiB of idle gpusim BOs and then an anonymous-memory hog larger than the
# guest's RAM must make the kernel call the shrinker (scan_calls grows with
# no write to the shrink file), which frees BO pages (reclaimed counters
# grow, resident bytes drop), while PSI memory stall time grows and pages go
# to swap. The BOs are then verified by the GPU and through mmap.
. /tests/guest/lib.sh
reclaim_require
grep -q zram0 /proc/swaps || fail "no zram swap"

echo 0 >"$K/idle_threshold_ms"
gpusim-wl sparse 2 64M 1M /tmp/go.$$ >/tmp/wl 2>&1 &
wl=$!
wait_line /tmp/wl '^filled=1'
resident0=$(rstat resident_bytes)
expect_eq "BOs resident after the fill" "$resident0" $((64 << 20))
scans0=$(rstat scan_calls)
some0=$(psi_total memory some)
pswpout0=$(vmstat pswpout)

# A hog 96 MiB over what is available: pressure, whatever the kernel's own
# footprint (the debug kernel leaves much less, and swaps 10-50x slower).
hog=$(($(kv /proc/meminfo MemAvailable:) / 1024 + 96))M
note "hog of $hog"
memhog "$hog" || fail "memhog failed (status $?)"

scans=$(rstat scan_calls)
reclaimed=$(($(rstat idle-vm-first_reclaimed) + $(rstat swapout_reclaimed)))
resident=$(rstat resident_bytes)
some=$(psi_total memory some)
pswpout=$(vmstat pswpout)
grep -v ' 0$' "$R/stats"
cat /proc/pressure/memory

expect_gt "shrinker scan calls" "$scans" "$scans0"
expect_gt "BO pages reclaimed by the shrinker" "$reclaimed" 0
expect_gt "resident bytes dropped by" $((resident0 - resident)) 0
expect_gt "PSI memory some total (us)" "$some" "$some0"
expect_gt "pages swapped out" "$pswpout" "$pswpout0"

touch /tmp/go.$$
wait $wl || { cat /tmp/wl; fail "gpusim-wl sparse failed"; }
tail -n 2 /tmp/wl
gpusim_counters_zero
expect_eq "resident bytes after exit" "$(rstat resident_bytes)" 0
