# The demo, inside the guest (see scripts/demo). Runs under busybox sh.
#
# A GPU workload twice the size of the guest's RAM runs on gpusim with
# gemreclaim's default configuration; the reclaim chain takes memory back
# from idle VMs, then every byte is verified by the GPU and through mmap.
. /tests/guest/lib.sh

step() { echo; echo "== $*"; }

step "Kernel, modules, memory"
uname -r
lsmod | grep -E '^(Module|gem_reclaim|gpusim|drm |zram)'
free -m | sed -n '1,3p'

reclaim_require
card=$(basename "$(dirname "$(dirname "$K")")")

step "Reclaim knobs (sysfs: $K) and files (debugfs: $R)"
for f in "$K"/*; do printf '  %-20s %s\n' "$(basename "$f")" "$(cat "$f")"; done
ls "$R" | sed 's/^/  /'

step "gemreclaimctl status, before"
gemreclaimctl status

mem_mb=$(($(kv /proc/meminfo MemTotal:) / 1024))
size=$(((mem_mb + 3) / 4 * 4))
step "Two clients, four GPU VMs each, ${size} MiB of BOs each: $((2 * size)) MiB on a ${mem_mb} MiB guest"
gpusim-wl -s 1 sparse 4 "${size}M" 4M /tmp/go >/tmp/wl1 2>&1 &
p1=$!
gpusim-wl -s 2 sparse 4 "${size}M" 4M /tmp/go >/tmp/wl2 2>&1 &
p2=$!
wait_line /tmp/wl1 '^filled=1' 300
wait_line /tmp/wl2 '^filled=1' 300
echo "both clients filled their BOs and went idle"

step "While they are idle: the VMs, and what reclaim did under memory pressure"
cat "$R/vms"
grep -E '^(resident|swapped|discarded|reclaimable)_bytes|_reclaimed |^scan_calls' "$R/stats"
cat /proc/pressure/memory

step "An explicit request: gemreclaimctl shrink 64M"
gemreclaimctl shrink 64M
grep -E '^(resident|swapped)_bytes' "$R/stats"

step "The clients wake up and verify every page through the GPU and through mmap"
touch /tmp/go
wait $p1; r1=$?
wait $p2; r2=$?
grep -h 'mismatches' /tmp/wl1 /tmp/wl2
[ $r1 = 0 ] && [ $r2 = 0 ] || fail "a client failed: $(tail -n 3 /tmp/wl1 /tmp/wl2)"

step "gemreclaimctl status, after (swap-ins are the pages brought back)"
gemreclaimctl status
echo
echo "gemreclaim took GPU memory back from idle VMs and every byte came back intact."
