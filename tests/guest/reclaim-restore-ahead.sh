#!/bin/sh
# vm: --mem 512M --swap 512M --cpus 4 --timeout 300
# Restore ahead (DOC: Restore ahead): two VMs with three 4 MiB BOs each,
# filled, every BO swapped out; then each VM's first submit (GPU VERIFY)
# or, with "cpu", a CPU fault on its first BO, must read back every
# swapped-out page of the VM's BOs before the restore proper:
# restore_ahead_pages grows by exactly the pages swapped out, each read
# once; charged to the owner's memcg (its nearest live ancestor once it
# is removed), helpers included. Every word is checked by GPU and CPU.
# With the restore_ahead
# parameter off, nothing is read ahead and the data is the same. The
# restore time of both is reported, not judged (make bench BENCH=reclaim
# measures it).
. /tests/guest/lib.sh
reclaim_require
P=/sys/module/gem_reclaim/parameters/restore_ahead
[ -w $P ] || fail "no restore_ahead parameter"
echo 0 >"$K/idle_threshold_ms"
# a VM back right after its eviction would be protected from the next one
echo 0 >"$K/refault_protect_ms"

# evict_verify SEED [cpu]: the run; sets swapped (pages swapped out) and
# ahead (pages read ahead during the verification)
evict_verify() {
	rm -f /tmp/go
	gpusim-wl -s "$1" sparse 2 24M 4M /tmp/go $2 >/tmp/sp.out 2>&1 &
	sp=$!
	wait_line /tmp/sp.out '^filled=1'
	echo 100000 >"$R/shrink" || fail "shrink request failed"
	swapped=$(($(rstat swapped_bytes) / 4096))
	ahead0=$(rstat restore_ahead_pages)
	touch /tmp/go
	wait $sp || fail "sparse run failed: $(tail -n 3 /tmp/sp.out)"
	grep -q 'gpu_mismatches=0 cpu_mismatches=0' /tmp/sp.out ||
		fail "mismatches after the restore: $(tail -n 2 /tmp/sp.out)"
	ahead=$(($(rstat restore_ahead_pages) - ahead0))
	note "seed $1 ${2:-submit}: $swapped pages swapped out, $ahead read ahead, $(sed -n 's/.*verify_ms=\([0-9]*\).*/\1/p' /tmp/sp.out) ms to verify (restore_ahead $(cat $P))"
}

expect_eq "restore_ahead default" "$(cat $P)" Y
evict_verify 1
expect_eq "pages swapped out (24 MiB)" "$swapped" 6144
expect_eq "pages read ahead at submit" "$ahead" "$swapped"
evict_verify 2 cpu
expect_eq "pages swapped out (24 MiB)" "$swapped" 6144
expect_eq "pages read ahead at the CPU fault" "$ahead" "$swapped"

# The same VMs evicted again after that CPU-fault round: the second
# round's submits read everything ahead again (a submit that found its
# VM's BOs already read back must not leave the VM marked as being read).
rm -f /tmp/go /tmp/go.2
gpusim-wl -s 6 sparse 2 24M 4M /tmp/go cpu 2 >/tmp/sp.out 2>&1 &
sp=$!
wait_line /tmp/sp.out '^filled=1'
echo 100000 >"$R/shrink" || fail "shrink request failed"
touch /tmp/go
wait_line /tmp/sp.out '^round=1'
echo 100000 >"$R/shrink" || fail "shrink request failed"
swapped=$(($(rstat swapped_bytes) / 4096))
ahead0=$(rstat restore_ahead_pages)
touch /tmp/go.2
wait $sp || fail "two-round sparse run failed: $(tail -n 3 /tmp/sp.out)"
tail -n 2 /tmp/sp.out | grep -q 'gpu_mismatches=0 cpu_mismatches=0' ||
	fail "mismatches after the second round: $(tail -n 2 /tmp/sp.out)"
expect_eq "pages swapped out again" "$swapped" 6144
expect_eq "pages read ahead at the second round's submits" $(($(rstat restore_ahead_pages) - ahead0)) 6144

# Charged where the restore proper charges, helpers included: the BOs'
# owner cgroup P/A is removed after the eviction (its process moved to
# Q/B), so the swap entries' memcg is gone and the pages go to A's
# nearest live ancestor P (DOC: Memory cgroups), not to the root (a
# helper's own cgroup) nor to Q/B (the submitter's).
echo +memory >/sys/fs/cgroup/cgroup.subtree_control
mkdir -p /sys/fs/cgroup/P/A /sys/fs/cgroup/Q/B
echo +memory >/sys/fs/cgroup/P/cgroup.subtree_control
echo +memory >/sys/fs/cgroup/Q/cgroup.subtree_control
rm -f /tmp/go
sh -c 'echo $$ >/sys/fs/cgroup/P/A/cgroup.procs && exec gpusim-wl -s 5 sparse 1 24M 4M /tmp/go' >/tmp/sp.out 2>&1 &
sp=$!
wait_line /tmp/sp.out '^filled=1'
echo 100000 >"$R/shrink" || fail "shrink request failed"
# the swap cache too, so that the restore reads the device and charges
echo 32M >/sys/fs/cgroup/P/A/memory.reclaim 2>/dev/null
echo $sp >/sys/fs/cgroup/Q/B/cgroup.procs || fail "cannot move the workload to Q/B"
rmdir /sys/fs/cgroup/P/A || fail "cannot remove P/A"
# peak CGROUP: the largest memory.current until /tmp/stop-peak, in /tmp/peak.CGROUP
peak() {
	m=0
	until [ -e /tmp/stop-peak ]; do
		c=$(cat "/sys/fs/cgroup/$1/memory.current")
		[ "$c" -gt $m ] && m=$c && echo $m >"/tmp/peak.$1"
	done
}
rm -f /tmp/stop-peak
p0=$(cat /sys/fs/cgroup/P/memory.current) q0=$(cat /sys/fs/cgroup/Q/memory.current)
peak P &
pp=$!
peak Q &
pq=$!
ahead0=$(rstat restore_ahead_pages)
touch /tmp/go
wait $sp || fail "sparse run failed: $(tail -n 3 /tmp/sp.out)"
touch /tmp/stop-peak
wait $pp $pq
grep -q 'gpu_mismatches=0 cpu_mismatches=0' /tmp/sp.out ||
	fail "mismatches after the restore: $(tail -n 2 /tmp/sp.out)"
expect_eq "pages read ahead, owner cgroup removed" $(($(rstat restore_ahead_pages) - ahead0)) 6144
# P holds the BOs from their restore until the process exits: at least
# 90% of the 24 MiB on top of what it held before
expect_gt "KiB charged to P, the removed owner's parent" $((($(cat /tmp/peak.P) - p0) / 1024)) $((24576 * 9 / 10))
q=$((($(cat /tmp/peak.Q) - q0) / 1024))
[ $q -lt 2458 ] || fail "Q/B, the submitter's cgroup, was charged $q KiB of the BOs"
note "Q/B charged at most $q KiB meanwhile"

echo 0 >$P
evict_verify 3
expect_eq "pages read ahead with restore_ahead off" "$ahead" 0
evict_verify 4 cpu
expect_eq "pages read ahead with restore_ahead off, CPU fault" "$ahead" 0
echo 1 >$P
# bool parameters take kstrtobool's words and refuse the rest (the
# kernel's look at the first letters: "nonsense" would turn one off)
for p in $P /sys/module/gem_reclaim/parameters/huge_pages; do
	for bad in nonsense yess 2 "" " 1" "on off"; do
		printf '%s\n' "$bad" >$p 2>/dev/null && fail "$p took '$bad'"
	done
	expect_eq "${p##*/} after bad writes" "$(cat $p)" Y
	for good in off:N ON:Y false:N True:Y no:N yes:Y 0:N 1:Y; do
		echo "${good%:*}" >$p || fail "$p refused '${good%:*}'"
		expect_eq "${p##*/} after '${good%:*}'" "$(cat $p)" "${good#*:}"
	done
done
gpusim_counters_zero
