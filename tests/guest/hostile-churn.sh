#!/bin/sh
# vm: --cpus 4 --mem 256M --swap 256M --cmdline slub_debug=FZPU --timeout 120
# Reclaim scans racing BO release (gpusim-hostile churn): three threads
# each keep 4 BOs of 4-16 KiB alive (3 in 4 discard-on-reclaim; few BOs,
# so the BO a reclaim walk holds when it drops the device lock is likely
# the one being released), make them resident (VM_BIND and a GPU fill, or mmap and CPU writes),
# check some and replace them with new ones, for 15 s (6 s on the debug kernel), while two loops write large requests to
# the debugfs shrink file. Slab poisoning (slub_debug=FZPU here, KASAN on
# the debug kernel) turns a scan touching a freed BO into an oops, which
# the harness fails the run on. Passes when every check of BO content
# passed (own data, or zeros for a discarded BO), the shrink loops ran and
# reclaimed, and every object is freed afterwards.
. /tests/guest/lib.sh
reclaim_require
command -v gpusim-hostile >/dev/null || skip "gpusim-hostile not built"

secs=15
[ "${GR_KERNEL:-stock}" = debug ] && secs=6
echo 0 >"$K/idle_threshold_ms"
echo "discard idle-vm-first swapout" >"$K/policy"
STOP=/tmp/stop.$$
before=$(($(rstat discard_reclaimed) + $(rstat swapout_reclaimed) + $(rstat idle-vm-first_reclaimed)))

hammer() {
	n=0
	while [ ! -e $STOP ]; do
		echo 1000000 >"$R/shrink"
		n=$((n + 1))
	done
	echo "shrink hammer $1: $n requests"
}
hammer 1 &
hammer 2 &
gpusim-hostile -s "$(date +%s)" churn 3 $secs 16K 4 >/tmp/churn 2>&1
rc=$?
touch $STOP
wait
cat /tmp/churn
[ $rc -eq 0 ] && grep -q '^result=pass' /tmp/churn || fail "gpusim-hostile churn exited $rc"
after=$(($(rstat discard_reclaimed) + $(rstat swapout_reclaimed) + $(rstat idle-vm-first_reclaimed)))
expect_gt "pages reclaimed during the churn" $after $before
grep -v ' 0$' "$R/stats"
gpusim_counters_zero
