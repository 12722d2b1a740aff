#!/bin/sh
# vm: --mem 256M --swap 512M --timeout 240 --cpus 4 --cmdline slub_debug=FZPU
# Reclaim races with everything else, for a bounded time (20 s, 10 s on the
# debug kernel): a shrink hammer (whole device and tgid-scoped, with policy
# changes), GPU jobs that verify and refill BOs while the CPU checks others
# through mmap faults (tabs), fork with inherited mappings, VM destroy and
# process exit (coherency, shared, heap with its discardable chunks), and
# processes killed with jobs queued (hold). Every workload must pass its own
# data checks; afterwards the kernel logged nothing (the harness checks for
# WARN, BUG, oops, lockdep), every gpusim object is freed and the reclaim
# gauges are back to zero. Four vCPUs, and slub_debug=FZPU (sanity checks,
# red zones, poisoning, owner tracking) for the stock kernel's slab; the
# debug kernel takes it too, next to KASAN, and runs on the four vCPUs as
# well (its ACPI tables list them all).
. /tests/guest/lib.sh
reclaim_require

secs=20
[ "${GR_KERNEL:-stock}" = debug ] && secs=10
STOP=/tmp/stop.$$
ERR=/tmp/errors.$$
: >$ERR
echo 0 >"$K/idle_threshold_ms"

# The heap's chunks are discard-on-reclaim: between the fill job and the
# verify job the VM is idle (threshold 0), so the discard policy may drop
# them, and "heap" then finds them not resident or reads zeros (never other
# data): those two outcomes are allowed.
ALLOWED='reason=heap_resident_bytes|heap_verify_actual=0x0$'

# loop NAME CMD...: run CMD until STOP exists; log a failure to ERR
loop() {
	name=$1
	shift
	(
		i=0
		while [ ! -e $STOP ]; do
			"$@" >/tmp/race.$name 2>&1 ||
				grep -Eq "$ALLOWED" /tmp/race.$name || {
				echo "$name: $* failed" >>$ERR
				cat /tmp/race.$name >>$ERR
			}
			i=$((i + 1))
		done
		echo "$name: $i runs"
	) &
}

loop tabs gpusim-wl tabs 3 4 1M 20 1
loop fork gpusim-wl fork 1M
loop coherency gpusim-wl coherency 2M
loop shared gpusim-wl shared 1M
loop heap gpusim-wl heap 16
(
	while [ ! -e $STOP ]; do
		gpusim-wl hold 60 2M >/dev/null 2>&1 &
		p=$!
		sleep 0.3
		kill -9 $p 2>/dev/null
		wait $p 2>/dev/null
	done
) &
(
	n=0
	policies="discard idle-vm-first swapout|swapout|idle-vm-first discard|discard"
	while [ ! -e $STOP ]; do
		echo 4096 >"$R/shrink"
		p=$(pidof gpusim-wl | awk '{ print $1 }')
		[ -n "$p" ] && echo "4096 tgid=$p" >"$R/shrink" 2>/dev/null
		n=$((n + 1))
		pol=$(echo "$policies" | cut -d'|' -f$((n % 4 + 1)))
		echo "$pol" >"$K/policy"
		cat "$R/bos" "$R/vms" >/dev/null
	done
	echo "shrink: $n rounds"
) &

sleep $secs
touch $STOP
wait
echo "discard idle-vm-first swapout" >"$K/policy"
grep -v ' 0$' "$R/stats"
if [ -s $ERR ]; then
	cat $ERR
	fail "a workload failed under reclaim"
fi
expect_gt "scan calls" "$(rstat scan_calls)" 0
expect_gt "pages reclaimed" $(($(rstat discard_reclaimed) + $(rstat idle-vm-first_reclaimed) + $(rstat swapout_reclaimed))) 0
# Freeing swapped-out BOs of exited processes takes a while on the debug
# kernel (the last file reference may be dropped by a deferred fput).
n=0
while [ "$(kv $GPUSIM_OBJECTS files)" != 0 ] && [ $n -lt 200 ]; do
	sleep 0.1
	n=$((n + 1))
done
gpusim_counters_zero
for k in resident_bytes swapped_bytes discarded_bytes reclaimable_bytes; do
	expect_eq "$k after exit" "$(rstat $k)" 0
done
