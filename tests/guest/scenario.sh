#!/bin/sh
# vm: --mem 512M --swap 1G --timeout 420
# The "many tabs" scenario (gpusim-scenario) with reclaim on: clients whose
# BOs and tiler heaps together exceed 80% of the guest's RAM, plus some
# anonymous memory, take turns in the foreground. Passes when the run ends
# with result=pass, 0 mismatches (every activation re-verified every page of
# the client's BOs after they were swapped out and restored, and at the end
# every word of every BO is read back through mmap), no process
# killed, jobs run, BO memory swapped out during the run (sampled from
# $R/stats while it runs, and the reclaimed and swap-in counters grew), and
# no OOM kill in the kernel log. The allocator runs in a cgroup of its own
# (-G: its memory, only its, is charged there) and the last third of the run is a
# steady state (-W: its jobs are a subset of all, its window inside the
# run). Bad arguments exit 2 first, creating nothing. Shorter and smaller
# on the debug kernel.
. /tests/guest/lib.sh
reclaim_require
command -v gpusim-scenario >/dev/null || skip "gpusim-scenario not built"
grep -q zram0 /proc/swaps || fail "no zram swap"

# Usage errors: exit 2, no client started.
for args in "-c 0" "-a 3 -c 2" "-w 12X" "-p 1" "-t 99999999999" "-R" "-t 10 -W 10" \
	"-G /sys/fs/cgroup" "-A 1M -G /nonexistent"; do
	# shellcheck disable=SC2086
	gpusim-scenario $args >/tmp/usage 2>&1
	rc=$?
	[ $rc -eq 2 ] || { cat /tmp/usage; fail "gpusim-scenario $args exited $rc, not 2"; }
done
note "usage errors exit 2"

mem_kb=$(kv /proc/meminfo MemTotal:)
avail_mb=$(($(kv /proc/meminfo MemAvailable:) / 1024))
if [ "${GR_KERNEL:-stock}" = debug ]; then
	# GPU fills are ~50x slower here: few small clients, and anonymous
	# memory (written by the CPU) makes the pressure.
	clients=3 active=1 seconds=12 heap_mb=1 ws_mb=16
	anon=$((avail_mb * 11 / 10 - clients * (ws_mb + heap_mb)))M
else
	clients=6 active=2 seconds=24 heap_mb=4 anon=32M
	ws_mb=$((mem_kb * 85 / 100 / 1024 / clients - heap_mb))
fi
note "MemTotal ${mem_kb} kB, MemAvailable ${avail_mb} MiB; $clients clients of ${ws_mb}+${heap_mb} MiB, $anon anon"
# Clients are idle for (clients / active - 1) periods of 1.5 s at a time:
# let idle-vm-first take them after 1 s.
echo "discard idle-vm-first swapout" >"$K/policy"
echo 1000 >"$K/idle_threshold_ms"
reclaimed0=$(($(rstat idle-vm-first_reclaimed) + $(rstat swapout_reclaimed)))
swapin0=$(rstat swapin_pages)

# Sample the swapped-out BO bytes while the scenario runs.
(
	max=0
	while [ ! -e /tmp/done.$$ ]; do
		s=$(rstat swapped_bytes)
		[ "$s" -gt "$max" ] && max=$s && echo "$max" >/tmp/swapped_max
		sleep 1
	done
) &
sampler=$!
echo 0 >/tmp/swapped_max
seed=$(date +%s)
note "seed $seed"
echo +memory >/sys/fs/cgroup/cgroup.subtree_control || fail "cannot enable the memory controller"
acg=/sys/fs/cgroup/scenario-anon
mkdir -p $acg
gpusim-scenario -q -s "$seed" -c $clients -a $active -w "${ws_mb}M" -H "${heap_mb}M" \
	-p 1500 -f 50 -t $seconds -W $((seconds * 2 / 3)) -A $anon -G $acg -V >/tmp/sc 2>/tmp/sc.err
rc=$?
touch /tmp/done.$$
wait $sampler
cat /tmp/sc /tmp/sc.err

[ $rc -eq 0 ] || fail "gpusim-scenario exited $rc"
get() { sed -n "s/^$1=//p" /tmp/sc | head -n 1; }
expect_eq "result" "$(get result)" pass
expect_eq "mismatches" "$(get mismatches)" 0
expect_eq "clients killed" "$(get clients_killed)" 0
expect_eq "clients out of memory" "$(get clients_nomem)" 0
expect_eq "allocator killed" "$(get anon_killed)" 0
expect_gt "jobs" "$(get jobs)" 0
expect_gt "steady-state jobs" "$(get steady_jobs)" 0
[ "$(get steady_jobs)" -lt "$(get jobs)" ] || fail "steady_jobs $(get steady_jobs) not fewer than jobs $(get jobs)"
[ "$(get steady_lat_max_us)" -le "$(get job_lat_max_us)" ] || fail "steady max latency above the run's"
w=$(sed -n 's/^steady_start_ms=\([0-9]*\) steady_end_ms=\([0-9]*\)$/\1 \2/p' /tmp/sc)
# the window: its -W share of the -t seconds, inside the program's run
set -- $w
[ $# = 2 ] && [ $(($2 - $1)) -ge $(((seconds - seconds * 2 / 3) * 1000 - 100)) ] &&
	[ "$2" -le "$(get elapsed_ms)" ] || fail "steady window '$w' (elapsed $(get elapsed_ms) ms)"
# the allocator's memory, and only its, was charged there (under pressure
# part of it may be in swap before the rest is written: no lower bound)
peak=$(cat $acg/memory.peak)
[ "$peak" -ge $((1 << 20)) ] && [ "$peak" -le $(((${anon%M} + 8) << 20)) ] ||
	fail "allocator's cgroup memory.peak $peak, want 1 MiB..$anon + 8 MiB"
note "allocator's cgroup memory.peak $peak"
# -V: at the end every word of every BO was read back through mmap
expect_eq "bytes checked word for word through mmap" "$(get cpu_checked_bytes)" \
	$((clients * ws_mb * 1048576))
expect_gt "activations beyond the first round" "$(get activations)" "$clients"
expect_gt "BO bytes swapped out during the run (max sampled)" "$(cat /tmp/swapped_max)" 0
reclaimed=$(($(rstat idle-vm-first_reclaimed) + $(rstat swapout_reclaimed) - reclaimed0))
expect_gt "pages swapped out by reclaim" "$reclaimed" 0
# What was swapped out was brought back and verified by an activation.
expect_gt "swap-in pages" "$(($(rstat swapin_pages) - swapin0))" 0
grep -v ' 0$' "$R/stats"
if dmesg | grep -q -i -E 'out of memory|oom-kill|killed process'; then
	dmesg | grep -i -E 'out of memory|oom-kill|killed process'
	fail "OOM kill in the kernel log"
fi
note "no OOM kill"
gpusim_counters_zero
