#!/bin/sh
# vm: --mem 256M --swap 512M --timeout 120
# stats agree with what the test did, to the page: 16 BOs of 1 MiB filled
# make resident_bytes 16 MiB (plus nothing else); a shrink of everything
# makes swapped_bytes 16 MiB, resident 0, reclaimable 0 and the per-policy
# reclaimed counters grow by 4096 pages; verifying everything on the GPU
# restores each page once (swapin_pages +4096, swapped 0); a discard BO of
# 1 MiB discarded counts 1 MiB in discarded_bytes; after exit every gauge
# is 0. Then the skip counters against a known layout (see below).
. /tests/guest/lib.sh
reclaim_require

GO=/tmp/go.$$
echo 0 >"$K/idle_threshold_ms"
echo "discard idle-vm-first swapout" >"$K/policy"
mib=1048576
gpusim-wl sparse 2 16M 1M $GO >/tmp/wl 2>&1 &
wl=$!
wait_line /tmp/wl '^filled=1'
expect_eq "resident_bytes" "$(rstat resident_bytes)" $((16 * mib))
expect_eq "reclaimable_bytes" "$(rstat reclaimable_bytes)" $((16 * mib))
expect_eq "swapped_bytes" "$(rstat swapped_bytes)" 0
r0=$(($(rstat idle-vm-first_reclaimed) + $(rstat swapout_reclaimed)))
s0=$(rstat swapin_pages)

echo 1000000 >"$R/shrink"
expect_eq "shrink freed" "$(cat "$R/shrink")" 4096
expect_eq "swapped_bytes" "$(rstat swapped_bytes)" $((16 * mib))
expect_eq "resident_bytes" "$(rstat resident_bytes)" 0
expect_eq "reclaimable_bytes" "$(rstat reclaimable_bytes)" 0
expect_eq "reclaimed pages" $(($(rstat idle-vm-first_reclaimed) + $(rstat swapout_reclaimed) - r0)) 4096
expect_eq "vms swapped total" "$(awk 'NR > 1 { s += $8 } END { print s }' "$R/vms")" $((16 * mib))

touch $GO
wait $wl || { cat /tmp/wl; fail "gpusim-wl sparse failed"; }
expect_eq "swapin_pages" $(($(rstat swapin_pages) - s0)) 4096
expect_gt "swapin_ns" "$(rstat swapin_ns)" 0
gpusim_counters_zero
expect_eq "swapped_bytes after exit" "$(rstat swapped_bytes)" 0

echo discard >"$K/policy"
gpusim-wl discard 1M $GO.d >/tmp/wl.d 2>&1 &
wl=$!
wait_line /tmp/wl.d '^filled=1'
echo 1000000 >"$R/shrink"
expect_eq "discard freed" "$(cat "$R/shrink")" 256
expect_eq "discarded_bytes" "$(rstat discarded_bytes)" $mib
expect_eq "resident_bytes (the other BO)" "$(rstat resident_bytes)" $mib
touch $GO.d
wait $wl || { cat /tmp/wl.d; fail "gpusim-wl discard failed"; }
echo "discard idle-vm-first swapout" >"$K/policy"
gpusim_counters_zero
for k in resident_bytes swapped_bytes discarded_bytes reclaimable_bytes; do
	expect_eq "$k after exit" "$(rstat $k)" 0
done

# Skips count once per BO, policy and pass, for the reason that applies.
# gpusim-layout: 3 VMs, 6 private BOs (2 per VM), 2 BOs shared by all three
# VMs, 2 exported BOs (still reclaimable) in the first VM, 64 KiB each; the
# last VM then runs a job, so it is the only VM idle for less than the
# threshold. idle-vm-first takes the private and exported BOs of the first
# two VMs and skips each shared BO once as recent (not once per VM it meets
# it in, nor once per walk of the request); swapout takes the rest.
thr=1000
[ "${GR_KERNEL:-stock}" = debug ] && thr=3000
echo "idle-vm-first swapout" >"$K/policy"
snap() { for k in idle-vm-first_skipped_recent idle-vm-first_skipped_pinned \
	idle-vm-first_reclaimed swapout_skipped_pinned swapout_skipped_recent \
	swapout_skipped_active swapout_scanned swapout_reclaimed; do
	echo "$k $(rstat $k)"; done; }
gpusim-layout 3 6 2 2 64K $GO.touch $GO.2 >/tmp/layout 2>&1 &
lay=$!
wait_line /tmp/layout '^ready'
cat /tmp/layout
bo_pages=16
grep -q ' resident x ' "$R/bos" || { cat "$R/bos"; fail "exported BOs not shown with flag x"; }
sleep $((thr * 3 / 2000 + 1))
touch $GO.touch
wait_line /tmp/layout '^touched'
echo $thr >"$K/idle_threshold_ms"
snap >/tmp/before
echo 1000000 >"$R/shrink"
snap >/tmp/after
echo 0 >"$K/idle_threshold_ms"
d() { echo $(($(kv /tmp/after "$1") - $(kv /tmp/before "$1"))); }
expect_eq "shrink freed" "$(cat "$R/shrink")" $((10 * bo_pages))
expect_eq "idle-vm-first reclaimed" "$(d idle-vm-first_reclaimed)" $((6 * bo_pages))
expect_eq "idle-vm-first skipped_recent" "$(d idle-vm-first_skipped_recent)" $((2 * bo_pages))
expect_eq "idle-vm-first skipped_pinned" "$(d idle-vm-first_skipped_pinned)" 0
expect_eq "swapout scanned" "$(d swapout_scanned)" $((4 * bo_pages))
expect_eq "swapout reclaimed" "$(d swapout_reclaimed)" $((4 * bo_pages))
expect_eq "swapout skipped_pinned" "$(d swapout_skipped_pinned)" 0
expect_eq "swapout skipped_recent" "$(d swapout_skipped_recent)" 0
expect_eq "swapout skipped_active" "$(d swapout_skipped_active)" 0
expect_eq "resident_bytes" "$(rstat resident_bytes)" 0
grep -q ' swapped x ' "$R/bos" || { cat "$R/bos"; fail "exported BOs not swapped out"; }
touch $GO.2
wait $lay || { cat /tmp/layout; fail "gpusim-layout failed"; }
tail -n 1 /tmp/layout
gpusim_counters_zero
expect_eq "resident_bytes after exit" "$(rstat resident_bytes)" 0

# A BO in more VMs than any small fixed table: 6 VMs share one BO. Every
# VM's row in the vms file counts it, and a shrink request scoped to the
# owner with idle-vm-first alone takes it (every VM idle, threshold 0).
echo 0 >"$K/idle_threshold_ms"
echo idle-vm-first >"$K/policy"
gpusim-layout 6 0 1 0 64K $GO.t3 $GO.3 >/tmp/layout3 2>&1 &
lay=$!
wait_line /tmp/layout3 '^ready'
expect_eq "VMs of the layout counting the shared BO" \
	"$(awk -v p=$lay 'NR > 1 && $2 == p && $6 == 1 { n++ } END { print n + 0 }' "$R/vms")" 6
expect_eq "VMs the bos file names for it" "$(awk -v p=$lay 'NR > 1 && $3 == p { print $8 }' "$R/bos")" s
echo "1000000 tgid=$lay" >"$R/shrink"
expect_eq "tgid-scoped idle-vm-first freed the shared BO" "$(cat "$R/shrink")" 16
touch $GO.t3 $GO.3
wait $lay || { cat /tmp/layout3; fail "gpusim-layout (6 VMs) failed"; }
gpusim_counters_zero
echo "discard idle-vm-first swapout" >"$K/policy"

