#!/bin/sh
# vm: --mem 256M --swap 128M --cpus 4 --timeout 120
# A restore in the submit path racing a VM_BIND unmap of the BO it is
# restoring (gpusim-race validate-unbind, with gpusim's validate_delay_ms
# hook opening the window): VM1's restore holds a reference on A's vm_bo
# while it waits for A's reservation, which VM2's restore holds, and VM_BIND
# unmaps A's only range in VM1 meanwhile. VM_BIND must wait for VM1's
# restore (it takes the VM's reservation), or the restore's reference is
# the last and drm_gpuvm_bo_destroy() runs without the gpuva lock: lockdep
# reports it on the debug kernel (the harness fails the run); the stock
# kernel cannot show it. Every job's data, and every BO afterwards, is
# verified word for word by the GPU.
. /tests/guest/lib.sh
reclaim_require
command -v gpusim-race >/dev/null || skip "gpusim-race not built"
P=/sys/module/gpusim/parameters/validate_delay_ms
[ -w $P ] || fail "no $P"

echo swapout >"$K/policy"
echo 0 >"$K/idle_threshold_ms"
delay=2000
[ "${GR_KERNEL:-stock}" = debug ] && delay=4000
echo $delay >$P
gpusim-race validate-unbind "$R/shrink" $delay >/tmp/race 2>&1
rc=$?
echo 0 >$P
cat /tmp/race
[ $rc -eq 0 ] || fail "gpusim-race validate-unbind exited $rc"
grep -q '^result=pass' /tmp/race || fail "no result=pass"
# The unmap must have been issued while VM1's restore was still waiting.
start=$(sed -n 's/^unmap_start_ms=\([0-9]*\).*/\1/p' /tmp/race)
vm1=$(sed -n 's/^vm1_job_done_ms=\([0-9]*\).*/\1/p' /tmp/race)
expect_gt "VM1's job ended after the unmap was issued (ms)" "$vm1" "$start"
gpusim_counters_zero
