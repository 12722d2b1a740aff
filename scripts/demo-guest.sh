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

R=$(ls -d /sys/kernel/debug/dri/[0-9]*/reclaim 2>/dev/null | head -n 1)
K=$(ls -d /sys/class/drm/card[0-9]*/device/reclaim 2>/dev/null | head -n 1)
if [ -n "$R" ] && [ -n "$K" ]; then
	step "Knobs ($K)"
	for f in policy available_policies idle_threshold_ms min_resident_mb; do
		printf '%-20s %s\n' "$f" "$(cat "$K/$f")"
	done
	echo 1000 >"$K/idle_threshold_ms"
	echo "idle_threshold_ms set to 1000"

	mem=$(kv /proc/meminfo MemTotal:)
	total=$((mem * 2 / 1024 / 4 * 4))
	step "A GPU workload of ${total} MiB in a $((mem / 1024)) MiB guest: 4 VMs of BOs"
	gpusim-wl sparse 4 "${total}M" 4M /tmp/demo-go >/tmp/demo-wl 2>&1 &
	wl=$!
	while ! grep -q '^filled=1' /tmp/demo-wl; do sleep 0.5; done
	grep -E '^(seed|filled)' /tmp/demo-wl
	step "After the fill: vms and stats (memory pressure already made the shrinker swap BOs out)"
	cat "$R/vms"
	grep -v ' 0$' "$R/stats"
	step "An explicit shrink request of 8192 pages"
	echo 8192 >"$R/shrink"
	echo "freed $(cat "$R/shrink") pages"
	cat "$R/vms"
	step "Verify every page on the GPU (restores through drm_gpuvm_validate) and through mmap"
	touch /tmp/demo-go
	wait $wl
	tail -n 2 /tmp/demo-wl
	step "stats after the workload exited"
	grep -v ' 0$' "$R/stats"
	cat /proc/pressure/memory
fi
