#!/bin/sh
# vm: --mem 256M --swap 256M --timeout 240
# Memcg hierarchy and ownership of GPU memory (policy "discard
# idle-vm-first swapout", idle_threshold_ms 0; sizes halved on the debug
# kernel). Rows of the debugfs bos and vms tables belong to a cgroup by
# their cgroup column (inode number of the cgroup directory, stat -c %i;
# for a removed cgroup its nearest live ancestor). Two cases, each printing
# a CASE line:
# - parent: a parent cgroup P with memory.max 48M and two children, each
#   with an app (gpusim-wl sparse, 32 MiB of 4 MiB BOs): their BO rows show
#   their own child's inode, both fill and then verify every word by GPU
#   and CPU with 0 mismatches, P's memory.events oom and oom_kill stay 0
#   and the device's reclaimed counters grow. Then a third app fills
#   16 MiB in child 2 and holds it; moved to the root cgroup, its BOs stay
#   in child 2 (inode unchanged); child 2 removed (rmdir), they show P's
#   inode; P/memory.reclaim of their resident bytes takes at least 75% of
#   them; released, the app verifies with 0 mismatches.
# - shared: gpusim-wl cgroup-share in cgroup A creates two 16 MiB BOs and
#   forks a child that moves itself into cgroup B and first uses them
#   through dma-buf (VM_BIND + GPU fill of one, CPU fill of the other
#   through the dma-buf mmap): A's memory.stat shmem grows by the 32 MiB,
#   B's by less than 1 MiB, the rows show A's inode. A shrink request
#   swaps both out; the child's GPU VERIFY (swap-in on its submit) and CPU
#   check (swap-in in its fault) bring them back, still charged to A and
#   not to B; then both processes check every word.
# Without memcg support a child's fill fails (ENOMEM from VM_BIND) under
# P's limit, the pages of a shared BO are charged to whoever touched them
# first (B), and the tables have no cgroup column.
# Arguments: the cases to run (default: parent shared).
. /tests/guest/lib.sh
reclaim_require
[ -f /sys/fs/cgroup/cgroup.controllers ] || skip "no cgroup v2 hierarchy"
grep -qw memory /sys/fs/cgroup/cgroup.controllers || skip "no memory controller"
echo +memory >/sys/fs/cgroup/cgroup.subtree_control || fail "cannot enable the memory controller"
grep -q zram0 /proc/swaps || fail "no zram swap"

echo 0 >"$K/idle_threshold_ms"
echo "discard idle-vm-first swapout" >"$K/policy"
mib=1048576
per=32 lone=16 share=16 wait_s=120
[ "${GR_KERNEL:-stock}" = debug ] && per=16 lone=8 share=8 wait_s=480
pmax=$((per * 3 / 2))
CG=/sys/fs/cgroup/memcg-hier
GO=/tmp/memcg-go
MOVED=/tmp/memcg-moved

reclaimed() { echo $(($(rstat discard_reclaimed) + $(rstat idle-vm-first_reclaimed) + $(rstat swapout_reclaimed))); }

# cg_of PID: the cgroup column of the bos rows of PID, distinct values
cg_of() {
	awk -v p="$1" '
	function col(n) { return n > cc ? $(NF - H + n) : $n }
	NR == 1 { H = NF; for (i = 1; i <= NF; i++) c[$i] = i; cc = c["comm"]; next }
	col(c["pid"]) == p { print col(c["cgroup"]) }' "$R/bos" | sort -u | tr '\n' ' ' | sed 's/ $//'
}

# has_cgroup_col: both tables have a cgroup column
has_cgroup_col() {
	head -n 1 "$R/bos" | tr ' ' '\n' | grep -qx cgroup &&
		head -n 1 "$R/vms" | tr ' ' '\n' | grep -qx cgroup
}

# reached PID OUT ERE: the app printed a line matching ERE, or the test fails
reached() {
	wait_out "$1" "$2" "^($3|result=)" $wait_s
	w=$?
	grep -qE "^$3" "$2" && return 0
	cat "$2"
	[ $w -eq 2 ] && fail "$2: no '$3' within $wait_s s"
	fail "$2: the app failed before '$3': $(grep '^result=' "$2" || echo 'no result line (killed by a signal?)')"
}

# finish PID OUT: the app, released, ran to the end with 0 mismatches
finish() {
	wait "$1"
	rc=$?
	tail -n 3 "$2"
	[ $rc -eq 0 ] || fail "$2: the app exited $rc: $(grep '^result=' "$2")"
	grep -q '^result=pass' "$2" || fail "$2: the app did not pass"
	! grep -E 'mismatches=[1-9]' "$2" || fail "$2: mismatches"
}

# no_oom CGROUP
no_oom() {
	note "$1 memory.events: $(tr '\n' ' ' <"$1/memory.events")"
	expect_eq "${1##*/} memory.events oom" "$(kv "$1/memory.events" oom)" 0
	expect_eq "${1##*/} memory.events oom_kill" "$(kv "$1/memory.events" oom_kill)" 0
}

shmem() { kv "$1/memory.stat" shmem; }

case_parent() {
	P=$CG/p
	mkdir $P || fail "mkdir $P"
	echo +memory >$P/cgroup.subtree_control || fail "cannot enable the memory controller in $P"
	mkdir $P/c1 $P/c2 || fail "mkdir $P/c1 $P/c2"
	echo ${pmax}M >$P/memory.max
	ip=$(stat -c %i $P) i1=$(stat -c %i $P/c1) i2=$(stat -c %i $P/c2)
	note "P memory.max ${pmax}M, inodes P $ip c1 $i1 c2 $i2; ${per} MiB of BOs in each child"
	r0=$(reclaimed)
	start_in $P/c1 /tmp/wl.c1 -s 0xc1 sparse 4 ${per}M 4M $GO.c1
	p1=$app
	start_in $P/c2 /tmp/wl.c2 -s 0xc2 sparse 4 ${per}M 4M $GO.c2
	p2=$app
	reached $p1 /tmp/wl.c1 filled=1
	reached $p2 /tmp/wl.c2 filled=1
	note "both filled: P memory.current $(cat $P/memory.current) memory.swap.current $(cat $P/memory.swap.current)"
	if [ -n "$COL" ]; then
		expect_eq "cgroup column of c1's app's BOs" "$(cg_of $p1)" $i1
		expect_eq "cgroup column of c2's app's BOs" "$(cg_of $p2)" $i2
	fi
	touch $GO.c1 $GO.c2
	finish $p1 /tmp/wl.c1
	finish $p2 /tmp/wl.c2
	no_oom $P
	expect_gt "pages reclaimed by the device" $(($(reclaimed) - r0)) 0

	# A removed cgroup: its BOs go to the nearest live ancestor, P.
	start_in $P/c2 /tmp/wl.c3 -s 0xc3 sparse 2 ${lone}M 4M $GO.c3
	p3=$app
	reached $p3 /tmp/wl.c3 filled=1
	echo $p3 >>$MOVED
	echo $p3 >/sys/fs/cgroup/cgroup.procs || fail "cannot move $p3 to the root cgroup"
	[ -n "$COL" ] && expect_eq "cgroup column of the BOs of c2's app moved to the root cgroup" "$(cg_of $p3)" $i2
	rmdir $P/c2 || fail "rmdir $P/c2"
	if [ -n "$COL" ]; then
		i=0
		while [ "$(cg_of $p3)" != $ip ] && [ $i -lt 50 ]; do
			i=$((i + 1))
			sleep 0.1
		done
		expect_eq "cgroup column of the BOs of removed c2" "$(cg_of $p3)" $ip
		before=$(tab_sum "$R/bos" resident cgroup $ip)
	else
		note "no cgroup column: rows taken by pid"
		before=$(tab_sum "$R/bos" resident pid $p3)
	fi
	expect_eq "resident bytes of removed c2's BOs" "$before" $((lone * mib))
	if echo $before >$P/memory.reclaim 2>/tmp/reclaim.err; then
		note "echo $before > P/memory.reclaim: done"
	else
		note "echo $before > P/memory.reclaim: failed ($(tr '\n' ' ' </tmp/reclaim.err))"
	fi
	after=$(tab_sum "$R/bos" resident pid $p3)
	note "removed c2's BOs resident $before -> $after; P memory.current $(cat $P/memory.current)"
	[ $(((before - after) * 4)) -ge $((before * 3)) ] ||
		fail "P/memory.reclaim took $((before - after)) bytes of removed c2's $before (want >= 75%)"
	touch $GO.c3
	finish $p3 /tmp/wl.c3
	no_oom $P
}

case_shared() {
	SA=$CG/a SB=$CG/b
	mkdir $SA $SB || fail "mkdir $SA $SB"
	ia=$(stat -c %i $SA)
	note "A inode $ia, B inode $(stat -c %i $SB); two BOs of ${share} MiB"
	a0=$(shmem $SA) b0=$(shmem $SB)
	start_in $SA /tmp/wl.sh -s 0x5a cgroup-share ${share}M $SB/cgroup.procs $GO.s1 $GO.s2
	pp=$app
	reached $pp /tmp/wl.sh touched=1
	a1=$(shmem $SA) b1=$(shmem $SB)
	note "first use by B's process: A shmem $a0 -> $a1, B shmem $b0 -> $b1"
	[ -n "$COL" ] && expect_eq "cgroup column of the shared BOs" "$(cg_of $pp)" $ia
	[ $((b1 - b0)) -le $mib ] ||
		fail "B's shmem grew by $((b1 - b0)) bytes when B's process first used A's BOs: charged to B, not to the creator's cgroup A"
	[ $((a1 - a0)) -ge $((2 * share * mib - mib)) ] ||
		fail "A's shmem grew by $((a1 - a0)) bytes, want the $((2 * share)) MiB of its BOs"

	echo 1000000 >"$R/shrink" || fail "shrink request failed"
	note "shrink freed $(cat "$R/shrink") pages; BOs resident $(tab_sum "$R/bos" resident pid $pp); A shmem $(shmem $SA), memory.swap.current $(cat $SA/memory.swap.current); B shmem $(shmem $SB)"
	expect_eq "resident bytes of the shared BOs after the shrink" "$(tab_sum "$R/bos" resident pid $pp)" 0
	touch $GO.s1
	reached $pp /tmp/wl.sh child_verified=1
	a2=$(shmem $SA) b2=$(shmem $SB)
	note "swap-in by B's process: A shmem $a2, B shmem $b2; $(grep '^child_verified' /tmp/wl.sh)"
	[ $((b2 - b0)) -le $mib ] ||
		fail "B's shmem grew by $((b2 - b0)) bytes after B's process swapped A's BOs in: charged to B"
	[ $((a2 - a0)) -ge $((2 * share * mib - mib)) ] ||
		fail "A's shmem is $((a2 - a0)) bytes over the start after the swap-in, want the $((2 * share)) MiB of its BOs"
	touch $GO.s2
	finish $pp /tmp/wl.sh
	grep -q 'child_gpu_mismatches=0 child_cpu_mismatches=0' /tmp/wl.sh || fail "child mismatches"
}

# cleanup: kill what a failed case left, remove its cgroups, objects released
cleanup() {
	touch $GO.c1 $GO.c2 $GO.c3 $GO.s1 $GO.s2
	[ -f $MOVED ] && while read -r p; do kill -9 "$p" 2>/dev/null; done <$MOVED
	rm -f $MOVED
	for d in "$CG"/*/* "$CG"/*; do
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

COL=
if has_cgroup_col; then
	COL=1
	note "bos and vms tables have a cgroup column"
else
	note "no cgroup column in the bos/vms tables (no memcg support): rows taken by pid; the test fails at the end"
fi
mkdir $CG || fail "mkdir $CG"
echo +memory >$CG/cgroup.subtree_control || fail "cannot enable the memory controller in $CG"
failed=
cases=${*:-parent shared}
for c in $cases; do
	echo "== $c"
	(case_$c)
	if [ $? -eq 0 ]; then echo "CASE ok $c"; else echo "CASE not ok $c"; failed="$failed $c"; fi
	cleanup
done
rmdir $CG
[ -n "$COL" ] || fail "the bos and vms tables have no cgroup column (no memcg support in the core)"
[ -z "$failed" ] || fail "failed:$failed"
