#!/bin/sh
# vm: --mem 256M --swap 256M --timeout 180
# The GPU's DMA-mapped view of a BO, write-combined BOs, and BOs that
# outlive the reclaim core's registration.
#
# 1. gpusim maps BOs on its "GPU" from gem_reclaim_object_get_sgt_locked()
#    (each page checked against the BO's pages, the DMA length against the
#    BO size). A BO filled by GPU and CPU is swapped out by a shrink
#    request, the GPU verifies every word first (the submit path swaps it
#    back in and a new sg table is built: the dma file's sgt_builds grows),
#    then the CPU verifies every word, a new GPU mapping is filled and read
#    back. Once with normal BOs and once with map_wc=1 (BO_QUERY reports
#    GEM_RECLAIM_BO_WC, 4, in create_flags), and plain coherency with WC.
# 2. The reclaim core is unregistered (gpusim's debugfs unregister_reclaim)
#    while a process holds a BO mapped on the GPU and the CPU: the knob
#    directories disappear, and the process keeps using the BO (GPU verify,
#    new GPU mapping, GPU fill, mmap reads and writes), then frees it.
# 3. The platform device is unbound (drm_dev_unplug) while a process holds
#    a BO: its CPU mapping faults back with intact data and takes writes,
#    ioctls fail with ENODEV; closing frees everything (counters back to
#    zero, devices 0). Rebinding gives a working device again.
# On the debug kernel, KASAN, kmemleak and lockdep would report a stale
# access to the freed reclaim state or a leaked sg table.
. /tests/guest/lib.sh
reclaim_require
DMA=/sys/kernel/debug/gpusim/dma
WC=/sys/module/gpusim/parameters/map_wc
[ -f "$DMA" ] || fail "no $DMA"

echo 0 >"$K/idle_threshold_ms"
echo swapout >"$K/policy"

# swap_round NAME WC: one BO through swap-out and swap-in
swap_round() {
	echo "$2" >"$WC"
	b0=$(kv "$DMA" sgt_builds)
	p0=$(kv "$DMA" pages_checked)
	s0=$(rstat swapin_pages)
	rm -f /tmp/go.$$ /tmp/wl
	gpusim-wl -s "$(date +%s)" survive 4M /tmp/go.$$ gpu >/tmp/wl 2>&1 &
	wl=$!
	wait_line /tmp/wl '^ready=1'
	expect_gt "$1: sg tables built for the first map" "$(kv "$DMA" sgt_builds)" "$b0"
	expect_gt "$1: pages mapped from an sg table" "$(kv "$DMA" pages_checked)" "$p0"
	b1=$(kv "$DMA" sgt_builds)
	echo 100000 >"$R/shrink" || fail "$1: shrink failed"
	expect_gt "$1: pages freed by the shrink" "$(cat "$R/shrink")" 0
	expect_eq "$1: BO state after the shrink" \
		"$(awk -v p=$wl '$3 == p { print $7 }' "$R/bos")" swapped
	touch /tmp/go.$$
	wait $wl || { cat /tmp/wl; fail "$1: gpusim-wl survive failed"; }
	cat /tmp/wl
	grep -q '^state_after_wait=swapped' /tmp/wl || fail "$1: BO not swapped when the GPU used it"
	expect_eq "$1: create_flags" "$(sed -n 's/^create_flags=//p' /tmp/wl)" "$3"
	expect_gt "$1: sg table rebuilt after swap-in" "$(kv "$DMA" sgt_builds)" "$b1"
	expect_gt "$1: swap-in pages" "$(rstat swapin_pages)" "$s0"
	gpusim_counters_zero
}

swap_round "normal BO" 0 0
swap_round "WC BO" 1 4
echo 1 >"$WC"
wl_run /tmp/coh coherency 1M
echo 0 >"$WC"

# 2. Unregister the reclaim core under a live BO.
rm -f /tmp/go.$$ /tmp/wl
gpusim-wl -s 7 survive 4M /tmp/go.$$ gpu >/tmp/wl 2>&1 &
wl=$!
wait_line /tmp/wl '^ready=1'
echo 0 >/sys/kernel/debug/gpusim/unregister_reclaim || fail "unregister_reclaim failed"
[ -e "$R" ] && fail "$R still there after unregister"
[ -e "$K" ] && fail "$K still there after unregister"
note "reclaim directories gone"
echo 1 >/proc/sys/vm/drop_caches
touch /tmp/go.$$
wait $wl || { cat /tmp/wl; fail "gpusim-wl survive after unregister failed"; }
cat /tmp/wl
grep -q '^state_after_wait=resident' /tmp/wl || fail "BO not resident after unregister"
grep -q '^result=pass' /tmp/wl || fail "no result=pass"
gpusim_counters_zero
wl_run /tmp/coh2 coherency 1M
gpusim_counters_zero

# 3. Unbind the device under a live BO.
rm -f /tmp/go.$$ /tmp/wl
gpusim-wl -s 9 survive 4M /tmp/go.$$ nogpu >/tmp/wl 2>&1 &
wl=$!
wait_line /tmp/wl '^ready=1'
echo gpusim.0 >/sys/bus/platform/drivers/gpusim/unbind || fail "unbind failed"
[ -z "$(gpusim_nodes)" ] || fail "render node still there after unbind"
expect_eq "devices while a file is open" "$(kv "$GPUSIM_OBJECTS" devices)" 1
touch /tmp/go.$$
wait $wl || { cat /tmp/wl; fail "gpusim-wl survive after unbind failed"; }
cat /tmp/wl
grep -q '^submit_after_wait=-19' /tmp/wl || fail "submit after unplug did not fail ENODEV"
gpusim_counters_zero
expect_eq "devices after the last close" "$(kv "$GPUSIM_OBJECTS" devices)" 0

echo gpusim.0 >/sys/bus/platform/drivers/gpusim/bind || fail "bind failed"
reclaim_require
wl_run /tmp/coh3 coherency 1M
gpusim_counters_zero
