#!/bin/sh
# vm: --mem 256M --swap 256M --timeout 180
# The kernel's own view of our shrinker (CONFIG_SHRINKER_DEBUG, debug kernel
# only: /sys/kernel/debug/shrinker/<name>/count and scan) agrees with ours:
# - count_objects equals the reclaimable_bytes of our stats, in pages;
# - a scan through the kernel's file frees what the counters say: the
#   policies' reclaimed pages, the drop of resident bytes and the drop of
#   count_objects are the same number, and no more than was asked;
# - with an empty chain count_objects is 0 (no line);
# - the shrinker is memcg-aware: the BOs of this script (root cgroup) are
#   counted and scanned in the root memcg, the scan names its inode.
# - the client then verifies every page: 0 mismatches.
. /tests/guest/lib.sh
reclaim_require
sd=$(ls -d /sys/kernel/debug/shrinker/gpusim-* 2>/dev/null | head -n 1)
[ -n "$sd" ] || skip "no shrinker debugfs (CONFIG_SHRINKER_DEBUG is off in this ${GR_KERNEL:-stock} kernel)"
note "shrinker debugfs: $sd"

# count file: "<memcg ino> <pages on node 0>", no line when SHRINK_EMPTY
kcount() { awk '{ n += $2 } END { print n + 0 }' "$sd/count"; }
reclaimed() { echo $(($(rstat discard_reclaimed) + $(rstat idle-vm-first_reclaimed) + $(rstat swapout_reclaimed))); }

echo 0 >"$K/idle_threshold_ms"
echo 0 >"$K/min_resident_mb"
echo "discard swapout" >"$K/policy"

gpusim-wl -s 7 sparse 2 32M 4M /tmp/go >/tmp/wl 2>&1 &
wl=$!
wait_line /tmp/wl '^filled=1' 120
sleep 1

c0=$(kcount)
r0=$(rstat reclaimable_bytes)
expect_gt "count_objects with 32 MiB of idle BOs" "$c0" 0
expect_eq "count_objects = reclaimable_bytes / 4096" "$c0" $((r0 / 4096))

res0=$(rstat resident_bytes)
rec0=$(reclaimed)
root_ino=$(stat -c %i /sys/fs/cgroup)
expect_eq "count_objects lines, one for the root memcg" "$(awk '{ print $1 }' "$sd/count")" "$root_ino"
echo "$root_ino 0 1024" >"$sd/scan" || fail "scan through the shrinker debugfs failed"
freed=$(($(reclaimed) - rec0))
expect_gt "pages freed by the scan" "$freed" 0
[ "$freed" -le 1024 ] || fail "the scan freed $freed pages, more than the 1024 asked"
expect_eq "resident bytes dropped by what was freed" $((res0 - $(rstat resident_bytes))) $((freed * 4096))
expect_eq "count_objects dropped by what was freed" $((c0 - $(kcount))) "$freed"

echo "" >"$K/policy"
expect_eq "count_objects with an empty chain (0: no line)" "$(wc -l <"$sd/count")" 0
echo "discard swapout" >"$K/policy"

touch /tmp/go
wait $wl || fail "gpusim-wl failed: $(tail -n 3 /tmp/wl)"
grep -q 'gpu_mismatches=0 cpu_mismatches=0' /tmp/wl || fail "mismatches: $(tail -n 2 /tmp/wl)"
gpusim_counters_zero
