#!/bin/sh
# vm: --mem 1G --swap 1G --timeout 900
# runner: scripts/bench-reclaim
# Reclaim speed, in one guest: gpusim-wl bench-reclaim runs a warm-up pair
# and then PAIRS pairs, each with every side once, in alternating order:
# anonymous memory with and without THP, a BO with huge pages and one
# without (gem_reclaim's huge_pages parameter), a discard BO, and tab
# switches (a VM's 24 MiB of BOs swapped out and restored by its next
# submit, with gem_reclaim's restore_ahead on and off, against 24 MiB of
# anonymous memory swapped out and touched). Swap-out is
# timed until the pages are freed (the benchmark's memory cgroup
# uncharged), swap-in from the device (for the BOs also from the swap
# cache); all into the same zram swap with the same content (64 PRNG bytes
# per page, zeros after). Then the latency of shrink requests of 128 pages
# with 100 000 BOs on the device, one in ten resident. scripts/bench-reclaim
# boots several such guests and computes the ratios with their intervals
# (build/bench/reclaim/report.md).
# Prints "BENCH pair ..." lines (one per pair) and "BENCH key=value" lines.
# 1 GiB guest: 100 000 BOs need ~200 MiB of kernel memory.
. /tests/guest/lib.sh
reclaim_require

pairs=${1:-16}
size=${2:-64M}
nbos=${3:-100000}
# its own memory cgroup: the charge tells pages freed from pages written
echo +memory >/sys/fs/cgroup/cgroup.subtree_control || fail "no memory controller"
mkdir -p /sys/fs/cgroup/bench && echo $$ >/sys/fs/cgroup/bench/cgroup.procs ||
	fail "cannot join /sys/fs/cgroup/bench"
echo 0 >"$K/idle_threshold_ms"
# the speed of reclaim and restore, not the policy: a tab switched to
# right after its eviction is a refault, which would protect it from the
# next eviction (DOC: Shrinker)
echo 0 >"$K/refault_protect_ms"
echo "discard idle-vm-first swapout" >"$K/policy"
echo "BENCH thp=$(cat /sys/kernel/mm/transparent_hugepage/enabled)" \
	"page_cluster=$(cat /proc/sys/vm/page-cluster)"
gpusim-wl bench-reclaim "$size" "$R/shrink" "$nbos" "$pairs" >/tmp/bench 2>&1
rc=$?
cat /tmp/bench
[ $rc -eq 0 ] || fail "gpusim-wl bench-reclaim exited $rc"

echo "BENCH command=gpusim-wl bench-reclaim $size $R/shrink $nbos $pairs"
grep -E '^(size|bos)=|^pair ' /tmp/bench | sed 's/^/BENCH /'
