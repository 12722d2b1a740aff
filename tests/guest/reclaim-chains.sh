#!/bin/sh
# vm: --mem 256M --swap 512M --timeout 180
# The policy chain takes effect at the next scan, while a workload runs:
# an empty chain reclaims nothing (shrink frees 0 pages, no policy counter
# moves, count_objects-driven pressure frees nothing either); "swapout"
# alone moves only swapout's counters; "idle-vm-first" alone only its own.
# A rejected write leaves the chain as it was. The BOs verify at the end.
. /tests/guest/lib.sh
reclaim_require

GO=/tmp/go.$$
sum_reclaimed() {
	echo $(($(rstat discard_reclaimed) + $(rstat idle-vm-first_reclaimed) + $(rstat swapout_reclaimed)))
}
echo 0 >"$K/idle_threshold_ms"
gpusim-wl sparse 2 64M 1M $GO >/tmp/wl 2>&1 &
wl=$!
gpusim-wl tabs 1 4 1M 1000000 1 >/tmp/wl.busy 2>&1 &
busy=$!
wait_line /tmp/wl '^filled=1'

echo "" >"$K/policy" || fail "empty chain rejected"
expect_eq "policy" "$(cat "$K/policy")" ""
s0=$(sum_reclaimed)
echo 100000 >"$R/shrink"
expect_eq "empty chain: shrink freed" "$(cat "$R/shrink")" 0
memhog 64M >/dev/null || fail "memhog failed"
expect_eq "empty chain: pages reclaimed" "$(sum_reclaimed)" "$s0"

echo swapout >"$K/policy"
echo "swapout bogus" >"$K/policy" 2>/dev/null && fail "bad chain accepted"
expect_eq "policy after a rejected write" "$(cat "$K/policy")" swapout
i0=$(rstat idle-vm-first_reclaimed)
w0=$(rstat swapout_reclaimed)
echo 2048 >"$R/shrink"
expect_gt "swapout: shrink freed" "$(cat "$R/shrink")" 2047
expect_gt "swapout_reclaimed grew by" $(($(rstat swapout_reclaimed) - w0)) 2047
expect_eq "idle-vm-first_reclaimed" "$(rstat idle-vm-first_reclaimed)" "$i0"

echo idle-vm-first >"$R/policy"
w1=$(rstat swapout_reclaimed)
echo 2048 >"$R/shrink"
expect_gt "idle-vm-first: shrink freed" "$(cat "$R/shrink")" 2047
expect_gt "idle-vm-first_reclaimed grew by" $(($(rstat idle-vm-first_reclaimed) - i0)) 2047
expect_eq "swapout_reclaimed" "$(rstat swapout_reclaimed)" "$w1"

touch $GO
wait $wl || { cat /tmp/wl; fail "gpusim-wl sparse failed"; }
tail -n 2 /tmp/wl
kill $busy
wait $busy
echo "discard idle-vm-first swapout" >"$K/policy"
gpusim_counters_zero
