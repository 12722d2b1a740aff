#!/bin/sh
# vm: --mem 256M --timeout 180
# Everything is released when a process dies: a process holding a VM, a
# mapped and mmapped BO and 64 queued jobs is killed with SIGKILL; gpusim's
# object counters return to zero. Then gpusim and gem_reclaim unload
# cleanly, load again with two devices, work (a dma-buf of one device is
# refused by the other), and unload again.
. /tests/guest/lib.sh
gpusim_require

gpusim-wl hold 60 8M >/tmp/hold 2>&1 &
pid=$!
i=0
until grep -q '^holding=1' /tmp/hold; do
	i=$((i + 1))
	[ $i -lt 300 ] || { cat /tmp/hold; fail "gpusim-wl hold never got ready"; }
	kill -0 $pid 2>/dev/null || { cat /tmp/hold; fail "gpusim-wl hold died"; }
	sleep 0.1
done
cat "$GPUSIM_OBJECTS"
expect_gt "VMs while holding" "$(kv "$GPUSIM_OBJECTS" vms)" 0
expect_gt "BOs while holding" "$(kv "$GPUSIM_OBJECTS" bos)" 0
kill -9 $pid
wait $pid 2>/dev/null
gpusim_counters_zero

# Unload, reload, use, unload.
mods=/lib/modules/gemreclaim
rmmod gpusim || fail "rmmod gpusim"
rmmod gem_reclaim || fail "rmmod gem_reclaim"
[ ! -e "$GPUSIM_OBJECTS" ] || fail "debugfs file left after unload"
insmod $mods/gem_reclaim.ko || fail "insmod gem_reclaim"
insmod $mods/gpusim.ko num_devices=2 || fail "insmod gpusim num_devices=2"
n=$(gpusim_nodes | wc -l)
expect_eq "gpusim render nodes with num_devices=2" "$n" 2
for node in $(gpusim_nodes); do
	wl_run /tmp/coh -d "$node" coherency 64K
done
# A dma-buf of the first device is refused by the second, not crashed on.
wl_run /tmp/prime -d "$(gpusim_nodes | head -n1)" prime 64K
expect_gt "foreign import errno" "$(wl_get /tmp/prime foreign_import_errno)" 0
gpusim_counters_zero
rmmod gpusim || fail "rmmod gpusim (second time)"
rmmod gem_reclaim || fail "rmmod gem_reclaim (second time)"
note "modules unloaded twice cleanly"
