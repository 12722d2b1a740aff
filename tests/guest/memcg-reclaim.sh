#!/bin/sh
# vm: --mem 256M --swap 256M --timeout 180
# memory.reclaim of one cgroup takes that cgroup's GPU memory and nobody
# else's. Two sibling cgroups A and B, no limits, each with an app
# (gpusim-wl sparse: 48 MiB of 4 MiB BOs over 4 VMs, 24 MiB on the debug
# kernel) that fills its BOs and holds them idle (policy "discard
# idle-vm-first swapout", idle_threshold_ms 0). Rows of the debugfs bos
# and vms tables belong to a cgroup by their cgroup column (the inode
# number of the cgroup directory, stat -c %i); columns are found by name.
# - Cross-check, before any reclaim: for A and for B, the resident bytes of
#   its bos rows are the app's 48 MiB, its vms rows say the same, the rows
#   of the app's pid are exactly the rows of its cgroup, and the cgroup's
#   memory.stat shmem matches them within 1 MiB (the app has no other
#   shmem but a page of its output file in /tmp).
# - echo 32M > A/memory.reclaim (16M on the debug kernel): A's bos rows
#   lose at least 75% of that, B's resident bytes are unchanged; A's
#   memory.swap.current is its swapped BOs' bytes within 1 MiB. Then both
#   apps verify every word by GPU and CPU with 0 mismatches.
# - With memory.swap.max 0, B/memory.reclaim leaves B's BOs resident: a
#   cgroup's reclaim swaps out within its own swap allowance, so it does
#   not zap BOs whose pages could not go anywhere.
# Without memcg support the tables have no cgroup column (rows are then
# taken by pid, and the test fails at the end for the missing column) and
# memory.reclaim of A cannot reach its BOs (A's BOs give nothing).
. /tests/guest/lib.sh
reclaim_require
[ -f /sys/fs/cgroup/cgroup.controllers ] || skip "no cgroup v2 hierarchy"
grep -qw memory /sys/fs/cgroup/cgroup.controllers || skip "no memory controller"
echo +memory >/sys/fs/cgroup/cgroup.subtree_control || fail "cannot enable the memory controller"
grep -q zram0 /proc/swaps || fail "no zram swap"

echo 0 >"$K/idle_threshold_ms"
echo "discard idle-vm-first swapout" >"$K/policy"
mib=1048576
bos=48 ask=32 wait_s=120
[ "${GR_KERNEL:-stock}" = debug ] && bos=24 ask=16 wait_s=480
A=/sys/fs/cgroup/memcg-reclaim-a
B=/sys/fs/cgroup/memcg-reclaim-b
GO=/tmp/memcg-go.$$

# has_cgroup_col: both tables have a cgroup column
has_cgroup_col() {
	head -n 1 "$R/bos" | tr ' ' '\n' | grep -qx cgroup &&
		head -n 1 "$R/vms" | tr ' ' '\n' | grep -qx cgroup
}

# cg_sum FILE SUMCOL CGROUP PID: SUMCOL summed over the rows of CGROUP (by
# the cgroup column; without one, over the rows of PID)
cg_sum() {
	if [ -n "$COL" ]; then tab_sum "$1" "$2" cgroup "$(stat -c %i "$3")"; else tab_sum "$1" "$2" pid "$4"; fi
}

# filled PID OUT: the app filled its BOs, or the test fails
filled() {
	wait_out "$1" "$2" '^(filled=1|result=)' $wait_s
	w=$?
	grep -q '^filled=1' "$2" && return 0
	cat "$2"
	[ $w -eq 2 ] && fail "$2: the app did not fill within $wait_s s"
	fail "$2: the app failed while filling: $(grep '^result=' "$2" || echo 'no result line (killed by a signal?)')"
}

# finish PID OUT: the app, released, ran to the end with 0 mismatches
finish() {
	wait "$1"
	rc=$?
	tail -n 3 "$2"
	[ $rc -eq 0 ] || fail "$2: the app exited $rc: $(grep '^result=' "$2")"
	grep -q '^result=pass' "$2" || fail "$2: the app did not pass"
	grep -q 'gpu_mismatches=0 cpu_mismatches=0' "$2" || fail "$2: mismatches: $(grep mismatches "$2")"
}

COL=
if has_cgroup_col; then
	COL=1
	note "bos and vms tables have a cgroup column"
else
	note "no cgroup column in the bos/vms tables (no memcg support): rows taken by pid; the test fails at the end"
fi
head -n 1 "$R/bos"
head -n 1 "$R/vms"

mkdir $A $B || fail "mkdir $A $B"
note "A inode $(stat -c %i $A), B inode $(stat -c %i $B)"
start_in $A /tmp/wl.a -s 0xa sparse 4 ${bos}M 4M $GO
pa=$app
start_in $B /tmp/wl.b -s 0xb sparse 4 ${bos}M 4M $GO
pb=$app
filled $pa /tmp/wl.a
filled $pb /tmp/wl.b

# Cross-check before any reclaim: the BO rows of each cgroup and its shmem.
for x in a b; do
	if [ $x = a ]; then cg=$A pid=$pa; else cg=$B pid=$pb; fi
	rows=$(cg_sum "$R/bos" resident $cg $pid)
	vms=$(cg_sum "$R/vms" resident $cg $pid)
	shmem=$(kv $cg/memory.stat shmem)
	note "$x: bos rows resident $rows, vms rows resident $vms, memory.stat shmem $shmem, memory.current $(cat $cg/memory.current)"
	expect_eq "$x: resident bytes of its bos rows (all of its BOs)" "$rows" $((bos * mib))
	expect_eq "$x: resident bytes of its vms rows" "$vms" "$rows"
	if [ -n "$COL" ]; then
		expect_eq "$x: resident bytes of the rows of pid $pid" "$(tab_sum "$R/bos" resident pid $pid)" "$rows"
	fi
	d=$((shmem - rows))
	[ $d -lt 0 ] && d=$((-d))
	[ $d -le $mib ] || fail "$x: memory.stat shmem $shmem vs its BOs' resident $rows: off by $d bytes (> 1 MiB)"
	note "$x: shmem - BO resident = $((shmem - rows)) bytes"
done

a0=$(cg_sum "$R/bos" resident $A $pa)
b0=$(cg_sum "$R/bos" resident $B $pb)
r0=$(($(rstat idle-vm-first_reclaimed) + $(rstat swapout_reclaimed)))
if echo ${ask}M >$A/memory.reclaim 2>/tmp/reclaim.err; then
	note "echo ${ask}M > A/memory.reclaim: done"
else
	note "echo ${ask}M > A/memory.reclaim: failed ($(tr '\n' ' ' </tmp/reclaim.err)), not all of it reclaimed"
fi
a1=$(cg_sum "$R/bos" resident $A $pa)
b1=$(cg_sum "$R/bos" resident $B $pb)
taken=$((a0 - a1))
note "A's BOs resident $a0 -> $a1 ($((taken / mib)) MiB taken), B's $b0 -> $b1; device reclaimed $(($(rstat idle-vm-first_reclaimed) + $(rstat swapout_reclaimed) - r0)) pages; A memory.current $(cat $A/memory.current), memory.swap.current $(cat $A/memory.swap.current)"
[ $((taken * 4)) -ge $((ask * mib * 3)) ] ||
	fail "A's BOs gave $taken bytes of the ${ask} MiB asked of A/memory.reclaim (want >= 75%)"
expect_eq "B's BO resident bytes after A/memory.reclaim" "$b1" "$b0"
# A's swap, as the cgroup counts it, is its BOs' swapped-out bytes (the app
# swaps nothing else out: within 1 MiB)
a_swapped=$(awk -v i="$(stat -c %i $A)" '
	NR == 1 { H = NF; for (c = 1; c <= NF; c++) col[$c] = c; cc = col["comm"]; next }
	function f(n) { return n > cc ? $(NF - H + n) : $n }
	f(col["cgroup"]) == i && f(col["state"]) == "swapped" { t += f(col["size"]) } END { print t + 0 }' "$R/bos")
a_swap=$(cat $A/memory.swap.current)
d=$((a_swap - a_swapped))
[ $d -lt 0 ] && d=$((-d))
note "A: memory.swap.current $a_swap, its bos rows in state swapped $a_swapped"
[ "$a_swapped" -gt 0 ] || fail "none of A's BOs is in state swapped after A/memory.reclaim"
[ $d -le $mib ] || fail "A's memory.swap.current $a_swap vs its swapped BOs $a_swapped: off by $d bytes (> 1 MiB)"

echo 0 >$B/memory.swap.max || fail "cannot set B's memory.swap.max"
echo 16M >$B/memory.reclaim 2>/dev/null
note "B/memory.reclaim with memory.swap.max 0: B's BOs resident $(cg_sum "$R/bos" resident $B $pb), memory.swap.current $(cat $B/memory.swap.current)"
expect_eq "B's BO resident bytes after its memory.reclaim without swap allowance" "$(cg_sum "$R/bos" resident $B $pb)" "$b0"

touch $GO
finish $pa /tmp/wl.a
finish $pb /tmp/wl.b
[ -n "$COL" ] || fail "the bos and vms tables have no cgroup column (no memcg support in the core)"
gpusim_counters_zero
rm -f $GO
rmdir $A $B
