# The demo, inside the guest (see scripts/demo). Runs under busybox sh.
. /tests/guest/lib.sh

step() { echo; echo "== $*"; }

step "Kernel and modules"
uname -r
lsmod | grep -E '^(Module|gem_reclaim|gpusim|drm|zram)'

step "Memory and swap (zram)"
free -m
cat /proc/swaps

step "Pressure stall information: /proc/pressure/memory"
cat /proc/pressure/memory

step "gemreclaim files"
for d in /sys/class/drm/card*/device/reclaim /sys/kernel/debug/dri/*/reclaim /sys/kernel/debug/gem_reclaim; do
	[ -d "$d" ] || continue
	echo "$d:"
	ls -l "$d" | sed 's/^/    /'
done

pool=/sys/kernel/debug/gem_reclaim/pool
if [ -f "$pool" ]; then
	step "The shrinker under pressure: 64 MiB held by gem_reclaim, then a 320 MiB memory hog"
	echo 16384 >"$pool"
	cat "$pool"
	memhog 320M
	cat "$pool"
	echo "after:"
	cat /proc/pressure/memory
	echo 0 >"$pool"
fi
