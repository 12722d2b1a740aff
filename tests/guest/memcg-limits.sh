#!/bin/sh
# vm: --mem 256M --swap 256M --timeout 240
# Memcg limits reach the app's own GPU memory: a BO's pages are charged to
# the cgroup of the process that created it, and reclaim of that cgroup
# (policy "discard idle-vm-first swapout", idle_threshold_ms 0) swaps its
# idle BOs out. Two cases, each an app (gpusim-wl sparse: 48 MiB of 4 MiB
# BOs over 4 VMs, half GPU- half CPU-filled, held, then every word checked
# by GPU and CPU; 24 MiB on the debug kernel) alone in a fresh cgroup, each
# printing a CASE line:
# - max: memory.max at half the BOs. The app fills and verifies to the
#   end (result=pass, gpu_mismatches=0 cpu_mismatches=0), memory.events
#   oom and oom_kill stay 0, the device's reclaimed counters grow and,
#   once filled, part of the app's BOs is out (memory.swap.current or the
#   swapped column of its vms rows > 0). Without memcg reclaim of BOs the
#   fill's VM_BIND fails with ENOMEM (or a CPU fill ends in SIGBUS).
# - high: memory.high at a third of the BOs, no memory.max. The app is
#   throttled, not killed: it fills within 60 s (240 s on the debug
#   kernel), memory.events high > 0, the device's reclaimed counters grow
#   and the BOs of its rows were reclaimed (reclaims column), then it
#   verifies with 0 mismatches. Without memcg reclaim of BOs nothing is
#   reclaimable and memory.high throttling (up to 2 s per return to user)
#   holds the fill for about 100 s.
# Arguments: the cases to run (default: max high).
. /tests/guest/lib.sh
reclaim_require
[ -f /sys/fs/cgroup/cgroup.controllers ] || skip "no cgroup v2 hierarchy"
grep -qw memory /sys/fs/cgroup/cgroup.controllers || skip "no memory controller"
echo +memory >/sys/fs/cgroup/cgroup.subtree_control || fail "cannot enable the memory controller"
grep -q zram0 /proc/swaps || fail "no zram swap"

echo 0 >"$K/idle_threshold_ms"
echo "discard idle-vm-first swapout" >"$K/policy"
bos=48
fill_s=60 wait_s=120
if [ "${GR_KERNEL:-stock}" = debug ]; then
	bos=24
	fill_s=240 wait_s=480
fi
CG=/sys/fs/cgroup/memcg-limits
GO=/tmp/memcg-go
note "BOs ${bos} MiB per app; bos table: $(head -n 1 "$R/bos")"

# reclaimed: pages reclaimed by every policy of the device so far
reclaimed() { echo $(($(rstat discard_reclaimed) + $(rstat idle-vm-first_reclaimed) + $(rstat swapout_reclaimed))); }

# finish OUT: the app, released, ran to the end with 0 mismatches
finish() {
	wait "$app"
	rc=$?
	tail -n 3 "$1"
	[ $rc -eq 0 ] || fail "the app exited $rc: $(grep '^result=' "$1")"
	grep -q '^result=pass' "$1" || fail "the app did not pass"
	grep -q 'gpu_mismatches=0 cpu_mismatches=0' "$1" || fail "mismatches: $(grep mismatches "$1")"
}

# events CGROUP: its memory.events on one line
events() { tr '\n' ' ' <"$1/memory.events"; }

case_max() {
	cg=$CG/max
	mkdir "$cg" || fail "mkdir $cg"
	echo $((bos / 2))M >"$cg/memory.max"
	r0=$(reclaimed)
	start_in "$cg" /tmp/wl.max sparse 4 ${bos}M 4M $GO.max
	wait_out $app /tmp/wl.max '^(filled=1|result=)' $wait_s
	w=$?
	if [ $w -ne 0 ] || ! grep -q '^filled=1' /tmp/wl.max; then
		cat /tmp/wl.max
		note "memory.events: $(events "$cg")"
		[ $w -eq 2 ] && fail "the app did not fill within $wait_s s under memory.max $((bos / 2))M"
		wait $app
		rc=$?
		fail "the app failed while filling under memory.max $((bos / 2))M (exit status $rc): $(grep '^result=' /tmp/wl.max || echo 'no result line (killed by a signal?)')"
	fi
	swapped=$(tab_sum "$R/vms" swapped pid $app)
	swapcur=$(cat "$cg/memory.swap.current")
	note "filled: memory.current $(cat "$cg/memory.current") memory.swap.current $swapcur, app's vms swapped ${swapped} bytes"
	touch $GO.max
	finish /tmp/wl.max
	note "memory.events: $(events "$cg")"
	expect_eq "memory.events oom" "$(kv "$cg/memory.events" oom)" 0
	expect_eq "memory.events oom_kill" "$(kv "$cg/memory.events" oom_kill)" 0
	expect_gt "pages reclaimed by the device during the run" $(($(reclaimed) - r0)) 0
	[ "$swapcur" -gt 0 ] || [ "${swapped:-0}" -gt 0 ] ||
		fail "after the fill nothing of the app's BOs was out (memory.swap.current 0, vms swapped $swapped)"
	note "BOs out after the fill: memory.swap.current $swapcur, vms swapped $swapped"
}

case_high() {
	cg=$CG/high
	mkdir "$cg" || fail "mkdir $cg"
	echo $((bos / 3))M >"$cg/memory.high"
	r0=$(reclaimed)
	t0=$(date +%s)
	start_in "$cg" /tmp/wl.high sparse 4 ${bos}M 4M $GO.high
	wait_out $app /tmp/wl.high '^(filled=1|result=)' $fill_s
	w=$?
	note "after $(($(date +%s) - t0)) s: memory.current $(cat "$cg/memory.current"), memory.events: $(events "$cg")"
	note "pages reclaimed by the device: $(($(reclaimed) - r0))"
	if [ $w -eq 2 ]; then
		cat /tmp/wl.high
		grep -v ' 0$' "$R/stats"
		fail "the app did not fill within $fill_s s under memory.high $((bos / 3))M: throttled with nothing reclaimed"
	fi
	if [ $w -ne 0 ] || ! grep -q '^filled=1' /tmp/wl.high; then
		cat /tmp/wl.high
		fail "the app failed under memory.high: $(grep '^result=' /tmp/wl.high || echo 'no result line (killed by a signal?)')"
	fi
	note "$(grep '^filled=1' /tmp/wl.high)"
	reclaims=$(tab_sum "$R/bos" reclaims pid $app)
	touch $GO.high
	finish /tmp/wl.high
	note "memory.events: $(events "$cg")"
	expect_gt "memory.events high" "$(kv "$cg/memory.events" high)" 0
	expect_eq "memory.events oom_kill" "$(kv "$cg/memory.events" oom_kill)" 0
	expect_gt "pages reclaimed by the device during the run" $(($(reclaimed) - r0)) 0
	expect_gt "reclaims of the app's BOs (bos reclaims column, after the fill)" "$reclaims" 0
}

# cleanup: kill what a failed case left, remove its cgroup, objects released
cleanup() {
	touch $GO.max $GO.high
	for d in "$CG"/*; do
		[ -d "$d" ] || continue
		echo 1 >"$d/cgroup.kill"
		i=0
		while grep -q 'populated 1' "$d/cgroup.events" && [ $i -lt 100 ]; do
			i=$((i + 1))
			sleep 0.1
		done
		rmdir "$d" || note "cannot remove $d"
	done
	rm -f $GO.*
	gpusim_counters_zero
}

mkdir $CG || fail "mkdir $CG"
echo +memory >$CG/cgroup.subtree_control || fail "cannot enable the memory controller in $CG"
failed=
cases=${*:-max high}
for c in $cases; do
	echo "== $c"
	(case_$c)
	if [ $? -eq 0 ]; then echo "CASE ok $c"; else echo "CASE not ok $c"; failed="$failed $c"; fi
	cleanup
done
rmdir $CG
[ -z "$failed" ] || fail "failed:$failed"
