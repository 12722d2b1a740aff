#!/bin/sh
# vm: --mem 256M --swap 256M --timeout 180
# The kernel's own view of our shrinker (CONFIG_SHRINKER_DEBUG, debug kernel
# only: /sys/kernel/debug/shrinker/<name>/count and scan) agrees with ours:
# - count_objects equals the reclaimable_bytes of our stats, in pages;
# - a scan through the kernel's file frees what the counters say: the
#   policies' reclaimed pages, the drop of resident bytes and the drop of
#   count_objects are the same number, and no more than was asked;
# - with an empty chain count_objects is 0 (no line);
# - the shrinker is memcg-aware, and its count is its BOs' per memcg: with a
#   second client in cgroup gr-a, the count file has one line per memcg,
#   the root's (this script's BOs) and gr-a's, each equal to that memcg's
#   BO bytes in the bos table (cgroup column); a scan naming gr-a's inode
#   frees gr-a's pages only.
# - count_objects leaves out the BOs of active VMs: with gpusim's GPU held
#   (hold_jobs) while the clients' first jobs are queued, each memcg's
#   count is its BO pages less its active VM's resident pages (each client
#   has two VMs: the other one's pages still count);
# - the client then verifies every page: 0 mismatches.
. /tests/guest/lib.sh
reclaim_require
sd=$(ls -d /sys/kernel/debug/shrinker/gpusim-* 2>/dev/null | head -n 1)
[ -n "$sd" ] || skip "no shrinker debugfs (CONFIG_SHRINKER_DEBUG is off in this ${GR_KERNEL:-stock} kernel)"
note "shrinker debugfs: $sd"

# count file: "<memcg ino> <pages on node 0>", no line when SHRINK_EMPTY
kcount() { awk '{ n += $2 } END { print n + 0 }' "$sd/count"; }
reclaimed() { echo $(($(rstat discard_reclaimed) + $(rstat idle-vm-first_reclaimed) + $(rstat swapout_reclaimed))); }

echo 0 >"$K/idle_threshold_ms"
echo 0 >"$K/min_resident_mb"
echo "discard swapout" >"$K/policy"

echo +memory >/sys/fs/cgroup/cgroup.subtree_control || fail "cannot enable the memory controller"
cga=/sys/fs/cgroup/gr-a
mkdir $cga || fail "mkdir $cga"
gpusim-wl -s 7 sparse 2 32M 4M /tmp/go >/tmp/wl 2>&1 &
wl=$!
sh -c "echo \$\$ >$cga/cgroup.procs && exec gpusim-wl -s 8 sparse 2 16M 4M /tmp/go" >/tmp/wla 2>&1 &
wla=$!
wait_line /tmp/wl '^filled=1' 120
wait_line /tmp/wla '^filled=1' 120
sleep 1

# per-memcg lines of the count file, and BO bytes per cgroup from the bos table
root_ino=$(stat -c %i /sys/fs/cgroup)
a_ino=$(stat -c %i $cga)
kcount_of() { awk -v i="$1" '$1 == i { n += $2 } END { print n + 0 }' "$sd/count"; }
bo_pages_of() {
	awk -v i="$1" 'NR == 1 { for (c = 1; c <= NF; c++) col[$c] = c; next }
		$col["cgroup"] == i { n += $col["resident"] } END { print n / 4096 }' "$R/bos"
}
cat "$sd/count"
expect_eq "count_objects lines: the root memcg and gr-a" "$(awk '{ print $1 }' "$sd/count" | sort -n | tr '\n' ' ')" \
	"$(printf '%s\n' "$root_ino" "$a_ino" | sort -n | tr '\n' ' ')"
expect_eq "count_objects of gr-a = its BO pages (16 MiB)" "$(kcount_of "$a_ino")" "$(bo_pages_of "$a_ino")"
expect_eq "gr-a's BO pages" "$(bo_pages_of "$a_ino")" 4096
expect_eq "count_objects of the root memcg = its BO pages (32 MiB)" "$(kcount_of "$root_ino")" "$(bo_pages_of "$root_ino")"

# a scan for gr-a takes gr-a's BOs only
root0=$(bo_pages_of "$root_ino")
echo "$a_ino 0 1024" >"$sd/scan" || fail "scan of gr-a through the shrinker debugfs failed"
a_freed=$((4096 - $(bo_pages_of "$a_ino")))
expect_gt "gr-a pages freed by a scan naming gr-a" "$a_freed" 0
[ "$a_freed" -le 1024 ] || fail "the scan of gr-a freed $a_freed pages, more than the 1024 asked"
expect_eq "root memcg BO pages after the scan of gr-a" "$(bo_pages_of "$root_ino")" "$root0"
expect_eq "count_objects of gr-a after its scan" "$(kcount_of "$a_ino")" "$(bo_pages_of "$a_ino")"

c0=$(kcount)
r0=$(rstat reclaimable_bytes)
expect_gt "count_objects with 48 MiB of idle BOs, less gr-a's scan" "$c0" 0
expect_eq "count_objects = reclaimable_bytes / 4096" "$c0" $((r0 / 4096))

res0=$(rstat resident_bytes)
rec0=$(reclaimed)
echo "$root_ino 0 1024" >"$sd/scan" || fail "scan through the shrinker debugfs failed"
freed=$(($(reclaimed) - rec0))
expect_gt "pages freed by the scan" "$freed" 0
[ "$freed" -le 1024 ] || fail "the scan freed $freed pages, more than the 1024 asked"
expect_eq "resident bytes dropped by what was freed" $((res0 - $(rstat resident_bytes))) $((freed * 4096))
expect_eq "count_objects dropped by what was freed" $((c0 - $(kcount))) "$freed"
expect_eq "pages freed by the root scan, all the root memcg's" $((root0 - $(bo_pages_of "$root_ino"))) "$freed"

echo "" >"$K/policy"
expect_eq "count_objects with an empty chain (0: no line)" "$(wc -l <"$sd/count")" 0
echo "discard swapout" >"$K/policy"

# count_objects leaves out what no pass would take now, the BOs of active
# VMs: with the GPU held (gpusim's hold_jobs), each client's first verify
# job keeps its first VM active, once the submit has restored its BOs.
# Each memcg's count is then its BOs' resident pages less the resident
# pages of its active VM (vms table).
vm_pages_of() { # CGROUP_INO STATE: resident pages of that memcg's VMs in STATE
	awk -v i="$1" -v s="$2" 'NR == 1 { H = NF; for (c = 1; c <= NF; c++) col[$c] = c; cc = col["comm"]; next }
		function vc(n) { return col[n] > cc ? $(NF - H + col[n]) : $(col[n]) }
		vc("cgroup") == i && vc("state") == s { n += vc("resident") } END { print n / 4096 }' "$R/vms"
}
hold=/sys/module/gpusim/parameters/hold_jobs
echo 1 >$hold || fail "cannot hold the GPU"
# a failing check must not leave the clients' jobs held
trap 'echo 0 >$hold' EXIT
touch /tmp/go
# Both first VMs active and restored (the submit marks a VM active before
# it restores the BOs), and the three files read alike twice in a row.
snap() {
	for ino in "$root_ino" "$a_ino"; do
		echo "$ino $(vm_pages_of "$ino" active) $(kcount_of "$ino") $(bo_pages_of "$ino")"
	done
}
end=$(($(date +%s) + 60)) prev=
while :; do
	cur=$(snap)
	if [ "$(grep -c ' active ' "$R/vms")" = 2 ] &&
		[ "$(tab_sum "$R/vms" swapped state active)" = 0 ] && [ "$cur" = "$prev" ]; then
		break
	fi
	[ "$(date +%s)" -lt $end ] || { cat "$R/vms"; fail "the clients' first VMs did not settle active and resident"; }
	prev=$cur
	sleep 0.5
done
cat "$R/vms" "$sd/count"
echo "$cur" | while read -r ino act count bo; do
	expect_gt "resident pages of memcg $ino's active VM" "$act" 0
	expect_gt "resident pages of memcg $ino's other VM" $((bo - act)) 0
	expect_eq "count_objects of memcg $ino with one VM active: BO pages less the active VM's" \
		"$count" $((bo - act))
done || exit 1
echo 0 >$hold
trap - EXIT
wait $wl || fail "gpusim-wl failed: $(tail -n 3 /tmp/wl)"
wait $wla || fail "gpusim-wl in gr-a failed: $(tail -n 3 /tmp/wla)"
grep -q 'gpu_mismatches=0 cpu_mismatches=0' /tmp/wl || fail "mismatches: $(tail -n 2 /tmp/wl)"
grep -q 'gpu_mismatches=0 cpu_mismatches=0' /tmp/wla || fail "mismatches in gr-a: $(tail -n 2 /tmp/wla)"
rmdir $cga
gpusim_counters_zero
