#!/bin/sh
# vm: --mem 256M --swap 256M --timeout 180
# Real memory pressure reaches gem_reclaim's shrinker: with zram swap on,
# an anonymous-memory hog larger than the guest's RAM must make the kernel
# call the shrinker, which frees pages from its pool, while PSI memory stall
# time grows and pages go to swap. The hog re-reads its memory word by word.
. /tests/guest/lib.sh

pool=/sys/kernel/debug/gem_reclaim/pool
[ -f "$pool" ] || fail "gem_reclaim's debugfs file $pool is missing"
grep -q zram0 /proc/swaps || fail "no zram swap"

echo 8192 >"$pool" || fail "could not fill the pool"
pages=$(kv $pool pool_pages)
expect_eq "pool filled" "$pages" 8192
scans0=$(kv $pool scan_calls)
some0=$(psi_total memory some)
pswpout0=$(vmstat pswpout)

memhog 320M || fail "memhog failed (status $?)"

scans=$(kv $pool scan_calls)
freed=$(kv $pool freed_pages)
left=$(kv $pool pool_pages)
some=$(psi_total memory some)
pswpout=$(vmstat pswpout)
cat $pool
cat /proc/pressure/memory

expect_gt "shrinker scan calls" "$scans" "$scans0"
expect_gt "pages freed by the shrinker" "$freed" 0
expect_eq "pool accounting (left + freed)" $((left + freed)) 8192
expect_gt "PSI memory some total (us)" "$some" "$some0"
expect_gt "pages swapped out" "$pswpout" "$pswpout0"

echo 0 >"$pool"
expect_eq "pool drained" "$(kv $pool pool_pages)" 0
