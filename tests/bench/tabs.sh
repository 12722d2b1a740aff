#!/bin/sh
# vm: --mem 512M --swap 1G --timeout 300
# runner: scripts/bench-tabs
# The "many tabs" scenario (gpusim-scenario: many clients, a few in the
# foreground at a time) under one reclaim configuration, in a guest of its
# own. scripts/bench-tabs boots one guest per run (configuration, visit
# model, repeat) and writes the comparison report
# (build/bench/tabs/report.md).
#
# Usage (in the guest): tabs.sh CONFIG[,KNOB=VALUE...] [SCENARIO ARGS...]
#   none       empty policy chain: no reclaim
#   swapout    "swapout", idle_threshold_ms 0 (the upstream shrinker)
#   idle       "idle-vm-first swapout"
#   tuned      "discard idle-vm-first swapout"
#   daemon     tuned, with gemreclaimd on the shipped default config
#              (/etc/gemreclaim/gemreclaimd.conf = etc/gemreclaimd.conf)
#   proactive  daemon, with proactive.enabled = true in that config
# Each ,KNOB=VALUE after the name is written to the reclaim knob KNOB
# before the run (an ablation: tuned,swapout_min_idle_ms=5000, say).
# The cgroup $ANON_CG is created for the scenario's anonymous allocator
# (pass -G $ANON_CG with -A): its major faults are the anonymous swap-ins,
# told apart from the BO restores in /proc/vmstat's pswpin.
#
# Prints "BENCH key=value" lines (totals over the run), one "TS" line per
# second of the run (see ts_header below) and the run's pressure trace as
# "PSI" lines (see psi_snap); the host collects them from the console. Exits 0 when the figures were collected, whatever the scenario's
# result (the no-reclaim baseline is expected to meet the OOM killer); 1
# when they could not be.
. /tests/guest/lib.sh
reclaim_require
command -v gpusim-scenario >/dev/null || skip "gpusim-scenario not built"

spec=${1:?usage: tabs.sh CONFIG[,KNOB=VALUE...] [SCENARIO ARGS]}
shift
cfg=${spec%%,*}
knobs=
[ "$cfg" = "$spec" ] || knobs=$(echo "${spec#*,}" | tr ',' ' ')
ANON_CG=/sys/fs/cgroup/bench-anon
echo +memory >/sys/fs/cgroup/cgroup.subtree_control || fail "cannot enable the memory controller"
mkdir -p $ANON_CG || fail "cannot create $ANON_CG"
node=$(gpusim_nodes | head -n 1)
[ -n "$node" ] || fail "no gpusim render node"

# This script, the sampler and the daemon's launcher are not what the OOM
# killer should pick; the scenario's processes get the default back.
echo -1000 >/proc/self/oom_score_adj

daemon_conf=
case "$cfg" in
none) policy='' thr='' ;;
swapout) policy=swapout thr=0 ;;
idle) policy="idle-vm-first swapout" thr='' ;;
tuned | daemon | proactive) policy="discard idle-vm-first swapout" thr='' ;;
*) fail "unknown configuration $cfg" ;;
esac
echo "$policy" >"$K/policy" || fail "policy '$policy' refused"
[ -n "$thr" ] && { echo "$thr" >"$K/idle_threshold_ms" || fail "idle_threshold_ms $thr refused"; }
for kv in $knobs; do
	case "$kv" in
	*[!a-z0-9_]*=* | =*) fail "config modifier '$kv': not a knob name" ;;
	*=*) [ -f "$K/${kv%%=*}" ] || fail "no reclaim knob ${kv%%=*}" ;;
	*) fail "config modifier '$kv' is not KNOB=VALUE" ;;
	esac
	echo "${kv#*=}" >"$K/${kv%%=*}" || fail "knob ${kv%%=*}=${kv#*=} refused"
done
case "$cfg" in
daemon) daemon_conf=/etc/gemreclaim/gemreclaimd.conf ;;
proactive)
	daemon_conf=/tmp/gemreclaimd.conf
	# the shipped file with only proactive.enabled flipped
	sed '/^proactive[[:space:]]*=/,/^}/s/^\([[:space:]]*enabled[[:space:]]*=[[:space:]]*\)false;/\1true;/' \
		/etc/gemreclaim/gemreclaimd.conf >$daemon_conf
	grep -q '^[[:space:]]*enabled[[:space:]]*=[[:space:]]*true;' $daemon_conf ||
		fail "could not enable proactive in the default config"
	;;
esac

echo "BENCH config=$spec"
echo "BENCH policy=$(tr ' ' '+' <"$K/policy") idle_threshold_ms=$(cat "$K/idle_threshold_ms") min_resident_mb=$(cat "$K/min_resident_mb") swapout_min_idle_ms=$(cat "$K/swapout_min_idle_ms")"
echo "BENCH guest_mem_kb=$(kv /proc/meminfo MemTotal:) swap_kb=$(kv /proc/meminfo SwapTotal:)"

# Counters at the start (page counts from /proc/vmstat, PSI in us).
oom0=$(vmstat oom_kill) pswpin0=$(vmstat pswpin) pswpout0=$(vmstat pswpout)
some0=$(psi_total memory some) full0=$(psi_total memory full)
swapin0=$(rstat swapin_pages) swapns0=$(rstat swapin_ns)

dpid=
if [ -n "$daemon_conf" ]; then
	command -v gemreclaimd >/dev/null || fail "gemreclaimd not built"
	gemreclaimd --check-config -c $daemon_conf >/tmp/daemon.check 2>&1 ||
		{ cat /tmp/daemon.check; fail "gemreclaimd rejects $daemon_conf"; }
	# Started as its unit would start it: default OOM score, and with no
	# -c when the default file is meant.
	if [ "$cfg" = daemon ]; then
		sh -c 'echo 0 >/proc/self/oom_score_adj; exec gemreclaimd' >/tmp/daemon.log 2>&1 &
	else
		sh -c 'echo 0 >/proc/self/oom_score_adj; exec gemreclaimd -c "$1"' sh $daemon_conf >/tmp/daemon.log 2>&1 &
	fi
	dpid=$!
	wait_line /tmp/daemon.log 'running' 60
	echo "BENCH daemon_config=$daemon_conf"
fi

# The sampler: one TS line per second, from one awk run over /proc/uptime,
# the reclaim stats, /proc/pressure/memory, /proc/vmstat and the vms table.
# A VM counts as idle once idle for idle_cut ms (a background client), its
# total as resident + swapped + discarded bytes. anon_majflt: the major
# faults of $ANON_CG (zram swap-ins of the allocator, one page each).
idle_cut=${TABS_IDLE_CUT_MS:-1000}
ts_header="t_s resident_bytes swapped_bytes discarded_bytes psi_some_total_us psi_full_total_us psi_some_avg10 pswpin swapin_pages vms idle_vms idle_resident_bytes idle_total_bytes anon_majflt"
t0=$(cut -d' ' -f1 /proc/uptime)
sample() {
	awk -v t0="$t0" -v cut="$idle_cut" '
	FILENAME == "/proc/uptime" { t = $1 - t0 }
	FILENAME ~ /stats$/ { s[$1] = $2 }
	FILENAME == "/proc/pressure/memory" {
		for (i = 2; i <= NF; i++) {
			split($i, kv, "=")
			p[$1 "_" kv[1]] = kv[2]
		}
	}
	FILENAME == "/proc/vmstat" && ($1 == "pswpin") { pswpin = $2 }
	FILENAME ~ /memory.stat$/ && $1 == "pgmajfault" { amaj = $2 }
	# vms columns by name from the header; those after comm (which may
	# hold spaces) counted from the end of the row
	function vc(name) { return c[name] > cc ? $(NF - H + c[name]) : $(c[name]) }
	FILENAME ~ /vms$/ && FNR == 1 { H = NF; for (i = 1; i <= NF; i++) c[$i] = i; cc = c["comm"]; next }
	FILENAME ~ /vms$/ {
		nvm++
		if (vc("state") == "idle" && vc("idle_ms") + 0 >= cut) {
			nidle++
			ires += vc("resident")
			itot += vc("resident") + vc("swapped") + vc("discarded")
		}
	}
	END {
		printf "TS %.1f %d %d %d %d %d %s %d %d %d %d %d %d %d\n", t,
		    s["resident_bytes"], s["swapped_bytes"], s["discarded_bytes"],
		    p["some_total"], p["full_total"], p["some_avg10"], pswpin,
		    s["swapin_pages"], nvm, nidle, ires, itot, amaj
	}' /proc/uptime "$R/stats" /proc/pressure/memory /proc/vmstat "$R/vms" $ANON_CG/memory.stat 2>/dev/null
}
# The raw pressure file beside it, in the trace format of the daemon's
# unit tests (daemon/tests/data/*.trace: "@<ms since start>", then the
# file's two lines), so a run's PSI can be replayed through the control law.
psi_snap() {
	awk -v t0="$t0" 'FILENAME == "/proc/uptime" { printf "@%d\n", ($1 - t0) * 1000; next } { print }' \
		/proc/uptime /proc/pressure/memory 2>/dev/null
}
rm -f /tmp/ts /tmp/psi /tmp/stop
(
	while [ ! -f /tmp/stop ]; do
		sample >>/tmp/ts
		psi_snap >>/tmp/psi
		sleep 1
	done
) &
sampler=$!
# sampled on time even while the scenario keeps both CPUs busy
renice -n -10 -p $sampler >/dev/null 2>&1

# The scenario, with the default OOM score for its clients.
echo "# running: gpusim-scenario -d $node $*"
start=$(cut -d' ' -f1 /proc/uptime)
sh -c 'echo 0 >/proc/self/oom_score_adj; exec gpusim-scenario "$@"' sh -d "$node" "$@" >/tmp/scn.out 2>/tmp/scn.err
rc=$?
end=$(cut -d' ' -f1 /proc/uptime)
touch /tmp/stop
wait $sampler
sample >>/tmp/ts

# Counters at the end.
oom1=$(vmstat oom_kill) pswpin1=$(vmstat pswpin) pswpout1=$(vmstat pswpout)
some1=$(psi_total memory some) full1=$(psi_total memory full)
swapin1=$(rstat swapin_pages) swapns1=$(rstat swapin_ns)

dcpu=- dlevels=- dtrims=- dalive=-
if [ -n "$dpid" ]; then
	if [ -r /proc/$dpid/stat ]; then
		# utime and stime (fields 14 and 15, clock ticks); the comm
		# field "(gemreclaimd)" has no space
		dcpu=$(awk '{ printf "%d", ($14 + $15) * 1000 / 100 }' /proc/$dpid/stat)
		dalive=1
		kill -TERM $dpid
		wait $dpid
		echo "BENCH daemon_exit=$?"
	else
		dalive=0
	fi
	dlevels=$(grep -c 'pressure level .* -> ' /tmp/daemon.log)
	dtrims=$(grep -c 'proactive: .*trimming' /tmp/daemon.log)
fi

# Wait until printk has drained before the results go to the console.
sleep 1
echo "# scenario exited $rc; stderr:"
sed 's/^/#   /' /tmp/scn.err | tail -n 20
sed 's/^/# scenario: /' /tmp/scn.out
# the scenario's parameters, as it printed them
head -n 1 /tmp/scn.out | grep '^scenario ' | sed 's/^scenario /BENCH /'
echo "# reclaim stats at the end:"
sed 's/^/#   /' "$R/stats"
if [ -n "$dpid" ]; then
	echo "# daemon log:"
	sed 's/^/#   /' /tmp/daemon.log | tail -n 60
fi
# stdout's last key=value of each key
scn() { tr ' ' '\n' </tmp/scn.out | sed -n "s/^$1=//p" | tail -n 1; }
echo "BENCH scenario_rc=$rc elapsed_s=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') result=$(scn result)"
# the scenario's start on the TS clock, and its steady window (-W) on it
echo "BENCH scenario_start_s=$(awk -v a="$start" -v b="$t0" 'BEGIN { printf "%.1f", a - b }') steady_start_ms=$(scn steady_start_ms) steady_end_ms=$(scn steady_end_ms)"
echo "BENCH steady_jobs=$(scn steady_jobs) steady_lat_p50_us=$(scn steady_lat_p50_us) steady_lat_p99_us=$(scn steady_lat_p99_us) steady_lat_max_us=$(scn steady_lat_max_us)"
echo "BENCH reason=$(sed -n 's/^result=[a-z]* reason=//p' /tmp/scn.out | tail -n 1 | tr -s ' \t' '__')"
echo "BENCH jobs=$(scn jobs) activations=$(scn activations) verified_bytes=$(scn verified_bytes)"
echo "BENCH job_lat_p50_us=$(scn job_lat_p50_us) job_lat_p99_us=$(scn job_lat_p99_us) job_lat_max_us=$(scn job_lat_max_us)"
echo "BENCH mismatches=$(scn mismatches) clients_killed=$(scn clients_killed) clients_nomem=$(scn clients_nomem) anon_killed=$(scn anon_killed)"
echo "BENCH oom_kills=$((oom1 - oom0)) anon_majflt=$(sed -n 's/^pgmajfault //p' $ANON_CG/memory.stat)"
echo "BENCH psi_some_us=$((some1 - some0)) psi_full_us=$((full1 - full0))"
echo "BENCH pswpin_bytes=$(((pswpin1 - pswpin0) * 4096)) pswpout_bytes=$(((pswpout1 - pswpout0) * 4096))"
echo "BENCH bo_restore_bytes=$(((swapin1 - swapin0) * 4096)) bo_restore_ms=$(((swapns1 - swapns0) / 1000000))"
echo "BENCH daemon_cpu_ms=$dcpu daemon_alive=$dalive daemon_level_changes=$dlevels daemon_proactive_steps=$dtrims"
echo "BENCH idle_cut_ms=$idle_cut ts_columns=$(echo "$ts_header" | tr ' ' ',')"
cat /tmp/ts
sed 's/^/PSI /' /tmp/psi
echo "# end of results"
[ -s /tmp/ts ] || fail "no samples"
case "$rc" in
0 | 1) exit 0 ;;
*) fail "gpusim-scenario exited $rc (device error or bad usage)" ;;
esac
