#!/bin/sh
# vm: --mem 256M --swap 512M --timeout 180
# idle-vm-first takes the longest-idle VM first and never an active VM or
# one idle for less than idle_threshold_ms. Three processes each fill 16 MiB
# of BOs in one VM and go idle, A first, then B, then C; a fourth (D) keeps
# its VM busy with jobs. With the chain "idle-vm-first" and a threshold that
# A and B have passed but C has not: a 4096-page shrink takes exactly A's
# BOs, the next one B's. Then the threshold goes far above C's idle time
# (a check against the clock would race C crossing it) and a third shrink
# takes nothing; C and D stay resident (from the vms file and the
# per-policy counters). Then swapout alone with swapout_min_idle_ms at that
# threshold takes nothing (C too recent, D active), at 0 takes C (D's
# job held in the GPU keeps it active); all
# verify correctly.
. /tests/guest/lib.sh
reclaim_require

GO=/tmp/go.$$
# C goes idle $gap s after B and must be under the threshold when B has
# passed it; the debug kernel is 4x slower, so its gaps are wider.
gap=2.5
thr=3000
if [ "${GR_KERNEL:-stock}" = debug ]; then
	gap=8
	thr=9000
fi
echo "$thr" >"$K/idle_threshold_ms"
echo idle-vm-first >"$K/policy"
start_idle() {
	gpusim-wl -s "$2" sparse 1 16M 1M $GO >"/tmp/wl.$1" 2>&1 &
	eval "pid_$1=\$!"
	wait_line "/tmp/wl.$1" '^filled=1'
}
start_idle A 1
sleep 2
start_idle B 2
gpusim-wl tabs 1 4 1M 1000000 1 >/tmp/wl.D 2>&1 &
pid_D=$!
sleep $gap
start_idle C 3
wait_line /tmp/wl.D '^setup_ms='
cat "$R/vms"
# Wait until B passed the threshold (A did before it).
while [ "$(vm_col $pid_B 5)" -lt $((thr + 200)) ]; do sleep 0.2; done
[ "$(vm_col $pid_C 5)" -lt "$thr" ] || skip "C already older than the threshold (slow guest)"
r0=$(rstat idle-vm-first_reclaimed)

echo 4096 >"$R/shrink"
cat "$R/vms"
expect_eq "first shrink freed" "$(cat "$R/shrink")" 4096
expect_eq "A swapped" "$(vm_col $pid_A 8)" $((16 << 20))
expect_eq "B swapped" "$(vm_col $pid_B 8)" 0

echo 4096 >"$R/shrink"
cat "$R/vms"
expect_eq "second shrink freed" "$(cat "$R/shrink")" 4096
expect_eq "B swapped" "$(vm_col $pid_B 8)" $((16 << 20))

# C is recent for any threshold far above its idle time: ten minutes.
thr=600000
[ "$(vm_col $pid_C 5)" -lt $((thr / 2)) ] || fail "C idle for $(vm_col $pid_C 5) ms"
echo "$thr" >"$K/idle_threshold_ms"
echo 4096 >"$R/shrink"
expect_eq "third shrink freed (C too recent, D active)" "$(cat "$R/shrink")" 0
expect_eq "C swapped" "$(vm_col $pid_C 8)" 0
expect_eq "D swapped" "$(vm_col $pid_D 8)" 0
expect_eq "idle-vm-first_reclaimed" $(($(rstat idle-vm-first_reclaimed) - r0)) 8192
expect_eq "swapout_reclaimed" "$(rstat swapout_reclaimed)" 0

# swapout, the chain's fallback, keeps the same floor when asked to:
# with swapout_min_idle_ms at the threshold it takes nothing of C (too
# recent) nor of D (active); at 0 it takes C, still not D.
echo swapout >"$K/policy"
echo "$thr" >"$K/swapout_min_idle_ms"
echo 4096 >"$R/shrink"
expect_eq "swapout shrink with swapout_min_idle_ms $thr freed" "$(cat "$R/shrink")" 0
expect_eq "C swapped" "$(vm_col $pid_C 8)" 0
[ "$(rstat swapout_skipped_recent)" -ge 4096 ] || fail "swapout_skipped_recent: $(rstat swapout_skipped_recent), want C's 4096 pages"
# D's VM is idle for a moment between its jobs, and at 0 any idle VM is
# eligible: hold the GPU (gpusim's hold_jobs) so that D's next job stays
# queued and its VM active. The job running when the hold starts ends (D
# is idle again, briefly), then D's next submit is held.
hold=/sys/module/gpusim/parameters/hold_jobs
echo 1 >$hold || fail "cannot hold the GPU"
trap 'echo 0 >$hold' EXIT
sleep 1
n=0
while [ "$(vm_col $pid_D 4)" != active ]; do
	n=$((n + 1))
	[ $n -lt 150 ] || fail "D's VM not active with its job held"
	sleep 0.2
done
echo 0 >"$K/swapout_min_idle_ms"
echo 8192 >"$R/shrink"
expect_eq "swapout shrink with swapout_min_idle_ms 0 freed" "$(cat "$R/shrink")" 4096
expect_eq "C swapped" "$(vm_col $pid_C 8)" $((16 << 20))
expect_eq "D swapped" "$(vm_col $pid_D 8)" 0

echo 0 >$hold
trap - EXIT
touch $GO
kill $pid_D
for p in A B C; do
	eval "wait \$pid_$p" || { cat /tmp/wl.$p; fail "gpusim-wl $p failed"; }
	grep -q 'gpu_mismatches=0 cpu_mismatches=0' /tmp/wl.$p || fail "mismatch in $p"
done
wait $pid_D
echo "discard idle-vm-first swapout" >"$K/policy"
gpusim_counters_zero
