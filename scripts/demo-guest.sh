# The demo, inside the guest (see scripts/demo). Runs under busybox sh.
#
# The "many browser tabs" scenario (gpusim-scenario) on the gpusim GPU with
# gemreclaim's default configuration: the kernel's default knobs, and
# gemreclaimd on the shipped /etc/gemreclaim/gemreclaimd.conf. Live, each
# line prefixed with the seconds since the daemon started and its source:
#   tabs   the scenario's progress (every 5 s)
#   daemon gemreclaimd's log (pressure levels changing, knobs it writes)
#   ctl    a gemreclaimctl view every 10 s
#   kernel the guest kernel's console (an OOM kill would show here)
# Then what reclaim did, the scenario's summary, the same scenario once
# more with swapout only (upstream's shrinker, no daemon) for the closing
# comparison line, and a verdict. Exits 1 if a byte came back wrong, a
# process was killed or a scenario run failed.
# Usage: demo-guest.sh [SECONDS] (default 45: each scenario run's time).
. /tests/guest/lib.sh

seconds=${1:-45}
# The demo itself and its helpers are not what the OOM killer should take;
# the scenario's processes and the daemon get the default score back.
echo -1000 >/proc/self/oom_score_adj

step() { echo; echo "== $*"; }
say() { echo "   $*"; }
up_s() { read -r up _ </proc/uptime; echo "${up%.*}"; }
t0=$(up_s)
# tag NAME [FILTER]: copy stdin to /tmp/NAME.log; print each line as
# "<seconds> NAME | line" (without a leading "gemreclaimd: "), except lines
# matching the extended regex FILTER.
tag() {
	while IFS= read -r line; do
		echo "$line" >>"/tmp/$1.log"
		[ -n "${2:-}" ] && echo "$line" | grep -qE "$2" && continue
		read -r up _ </proc/uptime
		printf '%4ss %-6s | %s\n' "$((${up%.*} - t0))" "$1" "${line#gemreclaimd: }"
	done
}
# status_short: gemreclaimctl status without the counters that are 0
status_short() {
	gemreclaimctl status | awk '$NF == "0" && $1 !~ /_ms$|_mb$/ { z++; next } { print "   " $0 }
		END { if (z) printf "     (%d counters at 0 not shown)\n", z }'
}
mib() { echo $((($1 + 524288) / 1048576)); }
ms() { awk -v us="$1" 'BEGIN { if (us >= 1000000) printf "%.1f s", us / 1e6; else printf "%.1f ms", us / 1e3 }'; }
# levels FILE: one line per pressure level of a gemreclaimd config
levels() {
	awk '
	/^levels[ \t]*=/ { in_l = 1; next }
	in_l && /^\);/ { exit }
	in_l {
		line = $0
		sub(/#.*/, "", line)
		while (match(line, /[a-z_]+[ \t]*=[ \t]*("[^"]*"|[0-9]+)/)) {
			kv = substr(line, RSTART, RLENGTH)
			line = substr(line, RSTART + RLENGTH)
			k = kv; sub(/[ \t]*=.*/, "", k)
			v = kv; sub(/^[^=]*=[ \t]*/, "", v)
			a[k] = v
		}
		if (line ~ /}/ || $0 ~ /}/) {
			if ("name" in a) {
				gsub(/"/, "", a["name"]); gsub(/"/, "", a["trigger"])
				s = sprintf("%-9s %s stall >= %d ms in %d s -> policy %s, idle_threshold_ms %s", a["name"] ":", a["trigger"], a["stall_us"] / 1000, a["window_us"] / 1000000, a["policy"], a["idle_threshold_ms"])
				if ("min_resident_mb" in a) s = s ", min_resident_mb " a["min_resident_mb"]
				if ("shrink_mb" in a) s = s ", shrink " a["shrink_mb"] " MiB at once"
				print s
			}
			delete a
		}
	}
	' "$1"
}

reclaim_require
for p in gpusim-scenario gemreclaimd gemreclaimctl; do
	command -v $p >/dev/null || fail "$p not built"
done
conf=/etc/gemreclaim/gemreclaimd.conf
[ -f $conf ] || fail "no $conf"

mem_kb=$(kv /proc/meminfo MemTotal:)
swap_kb=$(kv /proc/meminfo SwapTotal:)
step "The guest: Linux $(uname -r), $(nproc) CPUs, $((mem_kb / 1024)) MiB of RAM, $((swap_kb / 1024)) MiB of zram swap"
say "modules: $(lsmod | awk '$1 ~ /^(gem_reclaim|gpusim)$/ { printf "%s ", $1 }')(gpusim: a simulated UMA GPU whose buffers live in system RAM)"

step "Before: gemreclaimctl status"
say "The card, its reclaim knobs (policy chain tried in order, how long a VM"
say "must be idle before idle-vm-first takes its buffers) and the counters of"
say "the debugfs stats file: nothing is allocated yet, all counters are 0."
status_short

# Counters at the start.
oom0=$(vmstat oom_kill)
swapin0=$(rstat swapin_pages)
swapns0=$(rstat swapin_ns)

step "gemreclaimd starts on the shipped config ($conf, no -c)"
say "It arms a PSI trigger on /proc/pressure/memory for each pressure level and,"
say "when one fires, writes that level's knobs; once a level has seen no event"
say "for its cool-down, it drops to the level the pressure averages still reach."
say "The levels of the shipped file:"
levels "$conf" | sed 's/^/     /'
rm -f /tmp/*.log /tmp/*.fifo /tmp/stop
mkfifo /tmp/daemon.fifo /tmp/tabs.fifo
tag daemon </tmp/daemon.fifo &
dtag=$!
# As its systemd unit starts it: default OOM score, default config file.
sh -c 'echo 0 >/proc/self/oom_score_adj; exec gemreclaimd' >/tmp/daemon.fifo 2>&1 &
dpid=$!
wait_line /tmp/daemon.log 'running' 60

# The scenario: 8 tabs whose GPU buffers (working set + tiler heap) add up
# to 85% of RAM, 2 in the foreground at a time, the next 2 every 4 s: each
# tab is idle 12 s at a time, longer than every level's idle_threshold_ms.
# Anonymous memory beside them adds pressure.
clients=8 active=2 period_ms=4000 heap_mb=4 anon=48M
ws_mb=$((mem_kb * 85 / 100 / 1024 / clients - heap_mb))
step "The scenario: $clients browser tabs for $seconds s (gpusim-scenario)"
say "Each tab is a process with its own GPU VM: ${ws_mb} MiB of textures and"
say "vertex buffers + a ${heap_mb} MiB tiler heap (discardable scratch), so"
say "$((clients * (ws_mb + heap_mb))) MiB of GPU buffers in $((mem_kb / 1024)) MiB of RAM, plus $anon of ordinary"
say "anonymous memory. $active tabs are in the foreground at a time, drawing a frame"
say "every 50 ms; every $((period_ms / 1000)) s the next $active take over and the others sleep"
say "in the background. A tab coming back first checks every page of its"
say "buffers on the GPU. Without reclaim this does not fit (the OOM killer"
say "takes tabs); with it, idle tabs' buffers go to zram swap."
say "Lines: tabs = scenario progress (which tabs are in the foreground), daemon"
say "= gemreclaimd's log, ctl = gemreclaimctl every 10 s, kernel = guest kernel."
say "In the VM table (one row per tab, longest idle first): state active = a GPU"
say "job in flight; idle_ms = time since its last job (background tabs: seconds);"
say "resident = buffer memory in RAM, swapped = in zram swap (brought back when"
say "the tab returns), discarded = tiler-heap scratch dropped (re-created on use)."
echo

# ctl: every second note the peak of swapped-out BO memory (and keep the
# VM table of that moment); every 10 s print a view.
(
	max=0 next=$(($(up_s) + 10))
	while [ ! -e /tmp/stop ]; do
		sw=$(rstat swapped_bytes)
		if [ "$sw" -gt "$max" ]; then
			max=$sw
			{
				echo "t=$(($(up_s) - t0))"
				gemreclaimctl vms
			} >/tmp/vms.peak 2>&1
			echo $max >/tmp/swapped.max
		fi
		if [ "$(up_s)" -ge $next ]; then
			next=$((next + 10))
			{
				echo "knobs: policy \"$(cat "$K/policy")\", idle_threshold_ms $(cat "$K/idle_threshold_ms");" \
					"memory pressure: $(sed -n 's/^some avg10=\([0-9.]*\).*/some avg10 \1%/p' /proc/pressure/memory)"
				echo "GPU buffers: $(mib "$(rstat resident_bytes)") MiB resident," \
					"$(mib "$sw") MiB swapped out, $(mib "$(rstat discarded_bytes)") MiB discarded"
				echo "\$ gemreclaimctl vms"
				gemreclaimctl vms 2>&1 | sed 's/^/  /'
			} >/tmp/frame
			tag ctl </tmp/frame
		fi
		sleep 1
	done
) &
sampler=$!
echo 0 >/tmp/swapped.max

tag tabs '^[a-z_0-9]+=' </tmp/tabs.fifo &
ttag=$!
gpusim-scenario -s 1 -c $clients -a $active -w "${ws_mb}M" -H "${heap_mb}M" \
	-p $period_ms -f 50 -t "$seconds" -A $anon >/tmp/tabs.fifo 2>&1
rc=$?
wait $ttag
touch /tmp/stop
wait $sampler

step "gemreclaimd stops (SIGTERM): it gives back the knobs it found"
kill -TERM $dpid
wait $dpid
drc=$?
wait $dtag

# Kernel console lines (an OOM kill) show as they come; collect them too.
oom_lines=$(dmesg | grep -i -E 'out of memory|oom-kill|killed process')
ooms=$(($(vmstat oom_kill) - oom0))

step "After: what reclaim did"
get() { sed -n "s/^$1=//p" /tmp/tabs.log | head -n 1; }
peak=$(cat /tmp/swapped.max)
if [ -s /tmp/vms.peak ]; then
	say "The VM table when the most GPU memory was swapped out ($(mib "$peak") MiB,"
	say "$(sed -n 's/^t=//p' /tmp/vms.peak) s): background tabs (state idle, idle_ms = how long) hold"
	say "little resident memory; the foreground ones have theirs back."
	sed 1d /tmp/vms.peak | sed 's/^/   /'
	echo
fi
say "gemreclaimctl status now: the tabs have closed, so nothing is resident;"
say "the knobs are the kernel's defaults again; the counters keep the run"
say "(pages scanned, reclaimed, skipped per policy; swap-ins and their time)."
status_short
echo
d=$(($(rstat discard_reclaimed) * 4096))
i=$(($(rstat idle-vm-first_reclaimed) * 4096))
s=$(($(rstat swapout_reclaimed) * 4096))
sin=$(($(rstat swapin_pages) - swapin0))
sns=$(($(rstat swapin_ns) - swapns0))
say "In short: reclaim took $(mib $((d + i + s))) MiB of GPU buffer pages in total:"
say "  discard        $(mib $d) MiB of tiler-heap scratch dropped (re-created on use)"
say "  idle-vm-first  $(mib $i) MiB swapped out from tabs idle longer than the threshold"
say "  swapout        $(mib $s) MiB swapped out from any buffer not used recently"
say "  swapped back   $(mib $((sin * 4096))) MiB when tabs came back to the foreground" \
	"($([ $sin -gt 0 ] && echo "$((sns / sin / 1000)) us a page" || echo "none"))"

step "The scenario's summary"
say "jobs run on the GPU     $(get jobs) ($(get activations) tab activations)"
say "job latency             p50 $(ms "$(get job_lat_p50_us)"), p99 $(ms "$(get job_lat_p99_us)"), max $(ms "$(get job_lat_max_us)") (submit to completion; swap-ins included)"
say "bytes verified          $(mib "$(get verified_bytes)") MiB (every page of a tab's buffers, on each activation)"
say "mismatches              $(get mismatches)"
say "tabs killed             $(get clients_killed) (allocator: $(get anon_killed)); OOM kills in the kernel: $ooms"
say "result                  $(get result) (exit $rc); gemreclaimd exit $drc"

# The same scenario (same seed) with swapout only, as upstream panthor's
# shrinker would run it: any idle BO, no idle threshold, no daemon.
step "For comparison: the same $seconds s with swapout only (upstream's shrinker, no daemon)"
say "Same tabs, same seed; the chain is just \"swapout\" with idle_threshold_ms 0,"
say "so any idle tab's buffers may go, including the hot tabs between turns."
saved_policy=$(cat "$K/policy") saved_thr=$(cat "$K/idle_threshold_ms")
echo swapout >"$K/policy"
echo 0 >"$K/idle_threshold_ms"
cin0=$(rstat swapin_pages)
oom1=$(vmstat oom_kill)
gpusim-scenario -q -s 1 -c $clients -a $active -w "${ws_mb}M" -H "${heap_mb}M" \
	-p $period_ms -f 50 -t "$seconds" -A $anon >/tmp/cmp.log 2>&1
crc=$?
cin=$(($(rstat swapin_pages) - cin0))
cooms=$(($(vmstat oom_kill) - oom1))
echo "$saved_policy" >"$K/policy"
echo "$saved_thr" >"$K/idle_threshold_ms"
cget() { sed -n "s/^$1=//p" /tmp/cmp.log | head -n 1; }
say "swapout only: swapped back $(mib $((cin * 4096))) MiB, job latency p99 $(ms "$(cget job_lat_p99_us)"), $(cget mismatches) mismatches, $cooms OOM kills, result $(cget result)"
cmp_line() {
	awk -v a="$((sin * 4096))" -v b="$((cin * 4096))" -v pa="$(get job_lat_p99_us)" \
		-v pb="$(cget job_lat_p99_us)" -v s="$seconds" 'BEGIN {
		r = b > 0 ? sprintf("%.2fx", a / b) : "n/a"
		q = pb > 0 ? sprintf("%.2fx", pa / pb) : "n/a"
		printf "COMPARED with swapout only (one %d s run each, not a benchmark: make bench BENCH=tabs): GPU memory swapped back %.0f MiB vs %.0f MiB (%s), job latency p99 %.1f ms vs %.1f ms (%s)\n",
			s, a / 1048576, b / 1048576, r, pa / 1000, pb / 1000, q }'
}

echo
if [ $rc = 0 ] && [ "$(get result)" = pass ] && [ "$(get mismatches)" = 0 ] &&
	[ "$ooms" = 0 ] && [ -z "$oom_lines" ] && [ $drc = 0 ] &&
	[ $crc = 0 ] && [ "$(cget result)" = pass ] && [ "$(cget mismatches)" = 0 ] &&
	[ "$cooms" = 0 ]; then
	if [ "$peak" -gt 0 ]; then
		echo "VERDICT: PASS - $(mib "$peak") MiB of idle tabs' GPU memory swapped out at the peak, every byte verified on return, no OOM kill."
	else
		echo "VERDICT: PASS - every byte verified, no OOM kill (but no GPU memory was swapped out this time)."
	fi
	cmp_line
	exit 0
fi
[ $crc = 0 ] && [ "$(cget result)" = pass ] && [ "$(cget mismatches)" = 0 ] ||
	{ echo "swapout-only run:"; grep -v -E '^(progress|scenario) ' /tmp/cmp.log | head -n 20; }
[ -n "$oom_lines" ] && echo "$oom_lines"
grep -v -E '^(progress|scenario) ' /tmp/tabs.log | grep -v -E '^[a-z_0-9]+=' | head -n 20
echo "VERDICT: FAIL - result $(get result), $(get mismatches) mismatches, $ooms OOM kills, scenario exit $rc, daemon exit $drc"
exit 1
