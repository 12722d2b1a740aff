#!/bin/sh
# vm: --cpus 4 --mem 256M --cmdline slub_debug=FZPU --timeout 120
# A reclaim walk racing the release of the BO it is looking at (gpusim-race
# scan-free): 300 resident BOs make each walk long, and the discard list
# holds only the BOs three threads create and close in a loop, so a discard
# walk goes round the same BO until its budget is spent and lets interrupts
# in while it still holds it. A walk that picks up where it was after
# dropping the device lock then reads a freed BO: slab poisoning
# (slub_debug=FZPU here, KASAN on the debug kernel) turns that into an
# oops, which fails the run. Two loops write shrink requests meanwhile, one
# scoped to a process that owns no BO (tgid=1), whose scope check follows
# each BO's VM links: on a freed BO those are poison, and following one
# faults even without KASAN.
. /tests/guest/lib.sh
reclaim_require
command -v gpusim-race >/dev/null || skip "gpusim-race not built"

# the churn must make at least 100 BOs a second (20 on the debug kernel,
# where 6 s made 672 and 10 s 518 on a loaded machine): the walk meets
# many freed BOs
secs=10 rate=100
[ "${GR_KERNEL:-stock}" = debug ] && rate=20
echo discard >"$K/policy"
STOP=/tmp/stop.$$
calls0=$(rstat scan_calls)
hammer() {
	n=0
	while [ ! -e $STOP ]; do
		echo "1000000$2" >"$R/shrink"
		n=$((n + 1))
	done
	echo "shrink hammer $1: $n requests"
}
hammer 1 "" &
hammer 2 " tgid=1" &
gpusim-race scan-free 3 $secs 300 >/tmp/sf 2>&1
rc=$?
touch $STOP
wait
cat /tmp/sf
echo "discard idle-vm-first swapout" >"$K/policy"
[ $rc -eq 0 ] && grep -q '^result=pass' /tmp/sf || fail "gpusim-race scan-free exited $rc"
expect_gt "BOs created and freed" "$(sed -n 's/^bos_created=//p' /tmp/sf)" $((secs * rate))
expect_gt "reclaim passes" "$(rstat scan_calls)" $((calls0 + 100))
gpusim_counters_zero
