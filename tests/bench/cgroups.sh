#!/bin/sh
# vm: --mem 512M --swap 1G --timeout 600
# runner: scripts/bench-cgroups
# Background apps first, per memory cgroup: one foreground app and NBG
# background apps, each a gpusim-scenario ("many tabs" duty cycle, GPU
# verification of every BO on activation, -V: every BO checked again by
# GPU and CPU at the end) in its own cgroup under a systemd-like
#   user.slice/user-1000.slice/user@1000.service/app.slice/
# (app-foreground-tabs.scope and app-background-<i>.scope: the globs of the
# commented cgroup_trim example of etc/gemreclaimd.conf match them as they
# are). gemreclaimd runs on the shipped config in every configuration;
# scripts/bench-cgroups boots one guest per run, configurations interleaved,
# and writes the report (build/bench/cgroups/report.md).
#
# Usage (in the guest): cgroups.sh CONFIG SEED NBG SECONDS [KEY=VALUE...]
#   notrim   the shipped /etc/gemreclaim/gemreclaimd.conf as it is (no
#            cgroup_trim section: the daemon never writes memory.reclaim)
#   trim     the same file with its commented cgroup_trim example
#            uncommented, nothing else changed (the built-in defaults:
#            ratio 0.0005 per 6 s, target 0.1 %)
#   tuned    trim, with each KEY = VALUE of the section replaced
#            (e.g. interval_ms=2000 ratio=0.05)
# SEED: app i (0: foreground) runs with seed SEED * 16 + i. SECONDS: each
# app's run after its set-up (gpusim-scenario -t).
#
# The apps (sized for the 512 MiB guest: 214 MiB of BOs, no global
# memory pressure, so nothing but cgroup_trim reclaims):
#   foreground: -c 3 -a 1 -w 16M -H 2M -p 2000 -f 50: three tabs, one in
#               the foreground at a time, switched every 2 s, a frame every
#               50 ms; each switch GPU-verifies every page of the tab's BOs
#   background: -c 4 -a 1 -w 8M -H 0 -p 3600000 -f 4000: one tab that draws
#               a frame every 4 s (2 BOs refilled, 2 verified), three tabs
#               never touched after set-up
#
# Prints "BENCH key=value" lines, then the per-second samples:
#   SYS t_s some_avg10 some_total_us full_total_us
#   CG t_s idx bo_bytes bo_resident_bytes bo_swapins memory_current some_avg10 some_total_us
# (idx 0: the foreground cgroup, 1..NBG the background ones; bo_* summed
# over the cgroup's rows of the debugfs bos table; times from the script's
# start, the apps' set-up end in "BENCH setup_done_s"). Exits 0 when the
# figures were collected, 1 when they could not be.
. /tests/guest/lib.sh
reclaim_require
command -v gpusim-scenario >/dev/null || skip "gpusim-scenario not built"
command -v gemreclaimd >/dev/null || skip "gemreclaimd not built"
[ -f /sys/fs/cgroup/cgroup.controllers ] || skip "no cgroup v2 hierarchy"
grep -qw memory /sys/fs/cgroup/cgroup.controllers || skip "no memory controller"
grep -q zram0 /proc/swaps || fail "no zram swap"

cfg=${1:?usage: cgroups.sh CONFIG SEED NBG SECONDS [KEY=VALUE...]}
seed=${2:?seed} nbg=${3:?NBG} secs=${4:?SECONDS}
shift 4
node=$(gpusim_nodes | head -n 1)
[ -n "$node" ] || fail "no gpusim render node"
head -n 1 "$R/bos" | grep -q ' size resident .* swapins idle_ms cgroup$' ||
	fail "unexpected bos table header: $(head -n 1 "$R/bos")"

# This script, the sampler and the daemon's launcher are not what the OOM
# killer should pick; the apps get the default back.
echo -1000 >/proc/self/oom_score_adj

# --- the daemon's configuration ---------------------------------------------
shipped=/etc/gemreclaim/gemreclaimd.conf
conf=$shipped
case "$cfg" in
notrim) ;;
trim | tuned)
	conf=/tmp/gemreclaimd.conf
	# the commented example block, uncommented as it stands
	sed '/^#cgroup_trim = {/,/^#};/s/^#//' $shipped >$conf
	grep -q '^cgroup_trim = {' $conf || fail "no commented cgroup_trim example in $shipped"
	for kv in "$@"; do
		k=${kv%%=*} val=${kv#*=}
		grep -q "^  $k = " $conf || fail "tuned: no option $k in the cgroup_trim example"
		sed -i "/^cgroup_trim = {/,/^};/s/^\(  $k = \).*;/\1$val;/" $conf
		grep -q "^  $k = $val;" $conf || fail "tuned: could not set $k = $val"
	done
	;;
*) fail "unknown configuration $cfg" ;;
esac
[ "$cfg" = tuned ] && [ $# -eq 0 ] && fail "tuned needs KEY=VALUE settings"
gemreclaimd --check-config -c $conf >/tmp/daemon.check 2>&1 ||
	{ cat /tmp/daemon.check; fail "gemreclaimd rejects $conf"; }

echo "BENCH config=$cfg seed=$seed nbg=$nbg seconds=$secs"
echo "BENCH daemon_config=$conf"
if [ "$cfg" != notrim ]; then
	# the section as the daemon reads it, one line
	echo "BENCH cgroup_trim=$(sed -n '/^cgroup_trim = {/,/^};/p' $conf | grep -v '^ *#' |
		sed -n 's/^  \([a-z_]*\) = \([^;]*\);.*/\1=\2/p' | tr -d '"' | tr '\n' ' ' | sed 's/ $//' | tr ' ' ',')"
fi
echo "BENCH policy=$(tr ' ' '+' <"$K/policy") idle_threshold_ms=$(cat "$K/idle_threshold_ms") min_resident_mb=$(cat "$K/min_resident_mb")"
echo "BENCH guest_mem_kb=$(kv /proc/meminfo MemTotal:) swap_kb=$(kv /proc/meminfo SwapTotal:)"

# --- the cgroups ----------------------------------------------------------------
C=/sys/fs/cgroup
A=user.slice/user-1000.slice/user@1000.service/app.slice
d=$C
for part in user.slice user-1000.slice user@1000.service app.slice; do
	echo +memory >$d/cgroup.subtree_control || fail "cannot enable the memory controller in $d"
	d=$d/$part
	mkdir -p $d || fail "mkdir $d"
done
echo +memory >$d/cgroup.subtree_control || fail "cannot enable the memory controller in $d"
cgs="$A/app-foreground-tabs.scope"
i=1
while [ $i -le "$nbg" ]; do
	cgs="$cgs $A/app-background-$i.scope"
	i=$((i + 1))
done
n=0 inomap='' dirmap=''
for cg in $cgs; do
	mkdir -p $C/$cg || fail "mkdir $C/$cg"
	inomap="$inomap $(stat -c %i $C/$cg)=$n"
	dirmap="$dirmap $C/$cg=$n"
	echo "BENCH cgroup_$n=$cg"
	n=$((n + 1))
done

cleanup() {
	[ -n "${dpid:-}" ] && kill -TERM $dpid 2>/dev/null
	for cg in $cgs; do
		[ -d $C/$cg ] || continue
		echo 1 >$C/$cg/cgroup.kill 2>/dev/null
	done
}
trap cleanup EXIT

# --- the daemon -------------------------------------------------------------------
oom0=$(vmstat oom_kill) pswpin0=$(vmstat pswpin) pswpout0=$(vmstat pswpout)
# Debug level (-v) for the log line of each memory.reclaim write; started as
# its unit would start it otherwise (default OOM score).
sh -c 'echo 0 >/proc/self/oom_score_adj; exec gemreclaimd -v -c "$1"' sh $conf >/tmp/daemon.log 2>&1 &
dpid=$!
wait_line /tmp/daemon.log 'running' 60

# --- the sampler ------------------------------------------------------------------
t0=$(cut -d' ' -f1 /proc/uptime)
curfiles='' psifiles=''
for cg in $cgs; do
	curfiles="$curfiles $C/$cg/memory.current"
	psifiles="$psifiles $C/$cg/memory.pressure"
done
sample() {
	# shellcheck disable=SC2086
	awk -v t0="$t0" -v inomap="$inomap" -v dirmap="$dirmap" '
	BEGIN {
		n = split(inomap, m, " ")
		for (i = 1; i <= n; i++) { split(m[i], kv, "="); ino[kv[1]] = kv[2] }
		split(dirmap, m, " ")
		for (i = 1; i <= n; i++) { split(m[i], kv, "="); dir[kv[1]] = kv[2] }
		ncg = n
	}
	FILENAME == "/proc/uptime" { t = $1 - t0; next }
	FILENAME == "/proc/pressure/memory" {
		for (i = 2; i <= NF; i++) { split($i, kv, "="); p[$1 "_" kv[1]] = kv[2] }
		next
	}
	FILENAME ~ /\/bos$/ && FNR == 1 {
		# columns by name; those after comm (which may hold spaces)
		# counted from the end of the row
		H = NF; for (i = 1; i <= NF; i++) bc[$i] = i
		next
	}
	FILENAME ~ /\/bos$/ {
		k = $(NF - H + bc["cgroup"])
		if (!(k in ino)) next
		c = ino[k]
		sz[c] += $(NF - H + bc["size"]); res[c] += $(NF - H + bc["resident"])
		sw[c] += $(NF - H + bc["swapins"])
		next
	}
	{
		f = FILENAME
		sub(/\/memory\.(current|pressure)$/, "", f)
		if (!(f in dir)) next
		c = dir[f]
		if (FILENAME ~ /current$/) cur[c] = $1
		else if ($1 == "some")
			for (i = 2; i <= NF; i++) { split($i, kv, "="); cp[c "_" kv[1]] = kv[2] }
	}
	END {
		printf "SYS %.1f %s %d %d\n", t, p["some_avg10"], p["some_total"], p["full_total"]
		for (c = 0; c < ncg; c++)
			printf "CG %.1f %d %d %d %d %d %s %d\n", t, c, sz[c], res[c], sw[c],
			    cur[c], cp[c "_avg10"], cp[c "_total"]
	}' /proc/uptime /proc/pressure/memory "$R/bos" $curfiles $psifiles 2>/dev/null
}
rm -f /tmp/ts /tmp/stop
(
	while [ ! -f /tmp/stop ]; do
		sample >>/tmp/ts
		sleep 1
	done
) &
sampler=$!
# sampled on time even while the apps keep both CPUs busy
renice -n -10 -p $sampler >/dev/null 2>&1

# --- the apps ---------------------------------------------------------------------
k=0 pids=
for cg in $cgs; do
	s=$((seed * 16 + k))
	if [ $k -eq 0 ]; then
		args="-c 3 -a 1 -w 16M -H 2M -p 2000 -f 50"
	else
		args="-c 4 -a 1 -w 8M -H 0 -p 3600000 -f 4000"
	fi
	echo "BENCH app_$k=gpusim-scenario_-s_${s}_$(echo "$args -t $secs -V -q" | tr ' ' '_')"
	# shellcheck disable=SC2086
	sh -c 'echo $$ >"$1/cgroup.procs" && echo 0 >/proc/self/oom_score_adj && shift && exec gpusim-scenario "$@"' \
		sh $C/$cg -d "$node" -s $s $args -t "$secs" -V -q >/tmp/app$k.out 2>/tmp/app$k.err &
	pids="$pids $!"
	k=$((k + 1))
done

# The set-up is over when every app has printed "setup took".
end=$(($(date +%s) + 300))
while :; do
	left=0
	k=0
	for p in $pids; do
		grep -q 'setup took' /tmp/app$k.err 2>/dev/null || { kill -0 $p 2>/dev/null && left=$((left + 1)); }
		k=$((k + 1))
	done
	[ $left -eq 0 ] && break
	[ "$(date +%s)" -lt $end ] || fail "the apps did not finish their set-up within 300 s"
	sleep 0.2
done
echo "BENCH setup_done_s=$(awk -v a="$t0" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { printf "%.1f", b - a }')"
k=0
for p in $pids; do
	echo "BENCH app_${k}_setup_ms=$(sed -n 's/.*setup took \([0-9]*\) ms.*/\1/p' /tmp/app$k.err | head -n 1)"
	k=$((k + 1))
done

# Wait for the apps (their run, then the -V checks).
k=0
for p in $pids; do
	wait $p
	echo "BENCH app_${k}_rc=$?"
	k=$((k + 1))
done
echo "BENCH apps_done_s=$(awk -v a="$t0" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { printf "%.1f", b - a }')"
touch /tmp/stop
wait $sampler

# --- the daemon's figures -----------------------------------------------------
dcpu=- dalive=0
if [ -r /proc/$dpid/stat ]; then
	# utime + stime (fields 14, 15; the comm "(gemreclaimd)" has no space)
	dcpu=$(awk '{ printf "%d", ($14 + $15) * 1000 / 100 }' /proc/$dpid/stat)
	dalive=1
	kill -USR1 $dpid
	sleep 1
	kill -TERM $dpid
	wait $dpid
	echo "BENCH daemon_exit=$?"
fi
dpid=
trims=$(grep -c 'cgroup trim: .*: psi .* asked' /tmp/daemon.log)
eagain=$(grep -c 'cgroup trim: .*: psi .*EAGAIN' /tmp/daemon.log)
fgtrims=$(grep -c 'cgroup trim: [^ ]*app-foreground[^ ]*: psi .* asked' /tmp/daemon.log)
# memory.current before and after each write, net (a write it grew across
# counts negative)
dropped=$(sed -En 's/.*cgroup trim: .* (dropped|grew) .* \(([0-9]+) -> ([0-9]+) bytes\).*/\2 \3/p' /tmp/daemon.log |
	awk '{ s += $1 - $2 } END { print s + 0 }')
# what was asked, from SIGUSR1's status lines ("(21.4 MiB asked,")
asked=$(sed -n 's/.*status: cgroup .*(background).* writes [0-9]* (\([0-9.]*\) \([KMGT]*i*B\) asked.*/\1 \2/p' /tmp/daemon.log |
	awk '{ m = $2 == "B" ? 1 : $2 == "KiB" ? 1024 : $2 == "MiB" ? 1048576 : $2 == "GiB" ? 1073741824 : 0; s += $1 * m }
	     END { printf "%.0f", s }')
levels=$(grep -c 'pressure level .* -> ' /tmp/daemon.log)
warns=$(grep -cE '^gemreclaimd: (warning|error):' /tmp/daemon.log)
oom1=$(vmstat oom_kill) pswpin1=$(vmstat pswpin) pswpout1=$(vmstat pswpout)

sleep 1
k=0
for cg in $cgs; do
	echo "# app $k ($cg) stderr:"
	sed 's/^/#   /' /tmp/app$k.err | tail -n 10
	sed "s/^/# app $k: /" /tmp/app$k.out
	a() { tr ' ' '\n' </tmp/app$k.out | sed -n "s/^$1=//p" | tail -n 1; }
	echo "BENCH app_${k}_result=$(a result) app_${k}_mismatches=$(a mismatches) app_${k}_jobs=$(a jobs)" \
		"app_${k}_activations=$(a activations) app_${k}_verified_bytes=$(a verified_bytes)" \
		"app_${k}_cpu_checked_bytes=$(a cpu_checked_bytes) app_${k}_clients_killed=$(a clients_killed)" \
		"app_${k}_lat_p99_us=$(a job_lat_p99_us) app_${k}_lat_max_us=$(a job_lat_max_us)"
	k=$((k + 1))
done
echo "# daemon log (trim lines: first and last 10):"
grep -v 'cgroup trim: .*: psi ' /tmp/daemon.log | sed 's/^/#   /' | tail -n 60
grep 'cgroup trim: .*: psi ' /tmp/daemon.log | head -n 10 | sed 's/^/#   /'
grep 'cgroup trim: .*: psi ' /tmp/daemon.log | tail -n 10 | sed 's/^/#   /'
echo "# reclaim stats at the end:"
sed 's/^/#   /' "$R/stats"
echo "BENCH daemon_cpu_ms=$dcpu daemon_alive=$dalive daemon_level_changes=$levels daemon_warnings=$warns"
echo "BENCH daemon_trim_writes=$trims daemon_trim_eagain=$eagain daemon_fg_writes=$fgtrims daemon_trim_dropped_bytes=$dropped daemon_trim_asked_bytes=$asked"
echo "BENCH oom_kills=$((oom1 - oom0)) pswpin_bytes=$(((pswpin1 - pswpin0) * 4096)) pswpout_bytes=$(((pswpout1 - pswpout0) * 4096))"
cat /tmp/ts
echo "# end of results"
[ -s /tmp/ts ] || fail "no samples"
exit 0
