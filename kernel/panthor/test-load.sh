# SPDX-License-Identifier: GPL-2.0
# Guest test: the patched panthor.ko loads next to gem_reclaim.ko with all
# its symbols resolved, registers its platform driver (there is no Mali
# device to probe on x86_64), pins gem_reclaim while loaded and unloads
# cleanly.
#
# Not in tests/guest/ yet: the VM harness puts every .ko under kernel/ into
# the guest and loads it, which is wrong for panthor, so panthor.ko and the
# Debian modules it needs beyond the base image (drm_kms_helper,
# drm_shmem_helper, gpu-sched) come in a payload folder, $PANTHOR_DIR
# (default /test/panthor):
#   panthor.ko
#   deps/NAME.ko     Debian modules, decompressed
#   deps.load        their names, one a line, in load order
# kernel/panthor/run-load-test builds that payload from build/panthor and
# runs this script through tests/vm/run. Exit: 0 pass, 1 fail, 77 skip.

. /tests/guest/lib.sh

dir=${PANTHOR_DIR:-/test/panthor}
[ -f "$dir/panthor.ko" ] || skip "no panthor.ko in $dir (use kernel/panthor/run-load-test)"

loaded() { [ -d "/sys/module/$(echo "$1" | tr - _)" ]; }

if ! loaded gem_reclaim; then
	insmod /lib/modules/gemreclaim/gem_reclaim.ko || fail "insmod gem_reclaim"
fi
if [ -f "$dir/deps.load" ]; then
	for m in $(cat "$dir/deps.load"); do
		loaded "$m" && continue
		insmod "$dir/deps/$m.ko" || fail "insmod $m (a dependency of panthor)"
	done
fi

ref_before=$(cat /sys/module/gem_reclaim/refcnt)
dmesg -c >/dev/null

insmod "$dir/panthor.ko" || { dmesg; fail "insmod panthor.ko"; }
log=$(dmesg)
echo "$log"
case "$log" in
*"Unknown symbol"* | *"disagrees about version"* | *"Invalid module format"*)
	fail "panthor.ko: unresolved or mismatched symbols" ;;
esac
loaded panthor || fail "no /sys/module/panthor after insmod"
expect_eq "panthor module state" "$(cat /sys/module/panthor/initstate)" live
[ -d /sys/bus/platform/drivers/panthor ] ||
	fail "panthor's platform driver is not registered"
note "platform driver panthor registered"
devs=$(ls /sys/bus/platform/drivers/panthor | grep -c -v -E '^(bind|unbind|uevent|module)$')
expect_eq "devices bound to panthor (no Mali here)" "$devs" 0

# panthor links against gem_reclaim's exports: the core is pinned.
ref_loaded=$(cat /sys/module/gem_reclaim/refcnt)
expect_eq "gem_reclaim refcnt with panthor loaded" "$ref_loaded" $((ref_before + 1))
rmmod gem_reclaim 2>/dev/null && fail "gem_reclaim unloaded while panthor uses it"
note "gem_reclaim cannot be unloaded while panthor is loaded"

rmmod panthor || fail "rmmod panthor"
loaded panthor && fail "/sys/module/panthor still there after rmmod"
expect_eq "gem_reclaim refcnt after rmmod panthor" "$(cat /sys/module/gem_reclaim/refcnt)" "$ref_before"

# Load again: module init and exit leave nothing behind.
insmod "$dir/panthor.ko" || fail "second insmod panthor.ko"
rmmod panthor || fail "second rmmod panthor"
note "panthor.ko loads and unloads next to gem_reclaim.ko"
exit 0
