#!/bin/sh
# vm: --mem 256M --swap 256M --timeout 180
# Refault protection (refault_protect_ms): two clients, A and B, each 16 MiB
# of BOs in a VM of its own, go idle, A first. swapout alone takes A (idle
# longest). A comes back at once (a GPU job restores it): a refault, and A
# is protected for twice its reuse interval. B then runs a job and goes
# idle, so A is idle longer than B, yet the next 4096-page shrink takes B,
# counting A's pages as swapout_skipped_protected; once B is protected too,
# a shrink still takes both (swapout's lap: the protection only orders). With the knob at 0, B comes back (no refault counted) and a
# 4096-page shrink takes A, the longest idle. Every visit verifies the BO.
. /tests/guest/lib.sh
reclaim_require

gap=3
[ "${GR_KERNEL:-stock}" = debug ] && gap=8
A=/tmp/a.$$ B=/tmp/b.$$
mkdir -p $A $B
# a failed check must not leave the clients polling or the knobs changed
trap 'touch $A/quit $B/quit; echo 0 >"$K/refault_protect_ms"; echo "discard idle-vm-first swapout" >"$K/policy"' EXIT
echo swapout >"$K/policy"
echo 0 >"$K/swapout_min_idle_ms"
echo 120000 >"$K/refault_protect_ms"
start() { # CLIENT SEED
	eval "d=\$$1"
	gpusim-wl -s "$2" visits 16M "$d" >"/tmp/wl.$1" 2>&1 &
	eval "pid_$1=\$!"
	wait_out $! "/tmp/wl.$1" '^filled=1' 120 || { cat "/tmp/wl.$1"; fail "client $1 did not fill"; }
}
visit() { # CLIENT N
	eval "d=\$$1 p=\$pid_$1"
	touch "$d/visit.$2"
	wait_out "$p" "/tmp/wl.$1" "^visited=$2\$" 120 || { cat "/tmp/wl.$1"; fail "client $1: visit $2"; }
}
# idle_ms of A and B from one read of the vms file (one clock for both)
idle_ab() { awk -v a="$pid_A" -v b="$pid_B" '$2 == a { x = $5 } $2 == b { y = $5 } END { print x, y }' "$R/vms"; }
# shellcheck disable=SC2046
a_older() { set -- $(idle_ab); [ "$1" -gt "$2" ]; }

start A 1
sleep $gap
start B 2
sleep 1
ref0=$(rstat refaults) prot0=$(rstat swapout_skipped_protected)

echo 4096 >"$R/shrink"
cat "$R/vms"
expect_eq "first shrink freed" "$(cat "$R/shrink")" 4096
expect_eq "A swapped (idle longest)" "$(vm_col $pid_A 8)" $((16 << 20))
# A's reuse interval: how long it has been idle when it comes back
span=$(vm_col $pid_A 5)
visit A 1
expect_eq "A resident again" "$(vm_col $pid_A 8)" 0
expect_eq "refaults" $(($(rstat refaults) - ref0)) 1
visit B 1
cat "$R/vms"
a_older || fail "A not idle longer than B: $(idle_ab)"
# well inside A's protection (twice its interval)
[ "$(vm_col $pid_A 5)" -lt "$span" ] || skip "A idle for $(vm_col $pid_A 5) ms, past its interval $span ms (slow guest)"

echo 4096 >"$R/shrink"
cat "$R/vms"
expect_eq "second shrink freed" "$(cat "$R/shrink")" 4096
expect_eq "B swapped (A protected)" "$(vm_col $pid_B 8)" $((16 << 20))
expect_eq "A still resident" "$(vm_col $pid_A 8)" 0
[ $(($(rstat swapout_skipped_protected) - prot0)) -ge 4096 ] ||
	fail "swapout_skipped_protected grew by $(($(rstat swapout_skipped_protected) - prot0)), want A's 4096 pages"
# B comes back (a refault too: both are protected now); a shrink still
# gets its pages, from swapout's lap.
visit B 2
expect_eq "B back" "$(vm_col $pid_B 8)" 0
expect_eq "refaults" $(($(rstat refaults) - ref0)) 2
echo 8192 >"$R/shrink"
expect_eq "8192-page shrink of two protected VMs freed (the lap)" "$(cat "$R/shrink")" 8192
expect_eq "A swapped by the lap" "$(vm_col $pid_A 8)" $((16 << 20))

# Off: no refault counted, no protection. A comes back (its restore gives
# no protection now), then B; A is idle longer and goes first.
echo 0 >"$K/refault_protect_ms"
ref1=$(rstat refaults)
visit A 2
visit B 3
expect_eq "refaults with the knob at 0" "$(rstat refaults)" "$ref1"
a_older || fail "A not idle longer than B: $(idle_ab)"
echo 4096 >"$R/shrink"
cat "$R/vms"
expect_eq "third shrink freed" "$(cat "$R/shrink")" 4096
expect_eq "A swapped (the knob at 0)" "$(vm_col $pid_A 8)" $((16 << 20))
expect_eq "B resident" "$(vm_col $pid_B 8)" 0

# Every BO comes back once more, checked.
visit A 3
visit B 4
touch $A/quit $B/quit
for p in A B; do
	eval "wait \$pid_$p" || { cat /tmp/wl.$p; fail "gpusim-wl $p failed"; }
	grep -q '^result=pass$' /tmp/wl.$p || fail "client $p: no result=pass"
done
trap - EXIT
echo "discard idle-vm-first swapout" >"$K/policy"
gpusim_counters_zero
