#!/bin/sh
# vm: --cpus 4 --mem 256M --swap 256M --timeout 150
# Hostile clients racing reclaim (gpusim-hostile, each with its own shrink
# hammer thread, plus one in the shell):
#  - unmap-during-scan (8 s, 4 s on the debug kernel): child processes
#    munmap and map again, close a BO's handle, its dma-buf fd or the whole
#    DRM file with mappings live, or exit with many mappings; a mapping
#    whose handle or file was closed still reads its BO's own data.
#  - bind-storm (8 s, 4 s on the debug kernel): VM_BIND map/unmap storms on
#    one VM (a private BO filled through new VAs; a BO shared with a second
#    VM verified at new VAs) racing submits on that VM and on the second
#    one; every job's FILL/VERIFY must succeed and the BOs hold the last
#    data written.
# Passes when every check passed and every object is freed afterwards.
. /tests/guest/lib.sh
reclaim_require
command -v gpusim-hostile >/dev/null || skip "gpusim-hostile not built"

secs=8
[ "${GR_KERNEL:-stock}" = debug ] && secs=4
echo 0 >"$K/idle_threshold_ms"
echo "discard idle-vm-first swapout" >"$K/policy"
seed=$(date +%s)
note "seed $seed"
STOP=/tmp/stop.$$
(
	while [ ! -e $STOP ]; do
		echo 1000000 >"$R/shrink"
		p=$(pidof gpusim-hostile | awk '{ print $1 }')
		[ -n "$p" ] && echo "100000 tgid=$p" >"$R/shrink" 2>/dev/null
		cat "$R/bos" "$R/vms" >/dev/null
	done
) &
rc=0
for cmd in unmap-during-scan bind-storm; do
	gpusim-hostile -s "$seed" $cmd $secs >/tmp/hostile.$cmd 2>&1
	r=$?
	cat /tmp/hostile.$cmd
	if [ $r -ne 0 ] || ! grep -q '^result=pass' /tmp/hostile.$cmd; then
		echo "FAIL: gpusim-hostile $cmd exited $r"
		rc=1
	fi
done
touch $STOP
wait
[ $rc -eq 0 ] || fail "a hostile client failed (above)"
grep -v ' 0$' "$R/stats"
gpusim_counters_zero
