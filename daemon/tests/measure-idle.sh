#!/bin/sh
# Idle cost of gemreclaimd: RSS and context switches over 60 s with no
# pressure. Uses the real /proc (PSI triggers armed) and a fake one-card
# sysfs/debugfs tree. usage: measure-idle.sh <path-to-gemreclaimd> [seconds]
d=$1; secs=${2:-60}
t=$(mktemp -d /tmp/gemreclaim-idle.XXXXXX)
R=$t/sys/class/drm/card0/device/reclaim
mkdir -p "$R" "$t/sys/kernel/debug/dri/0/reclaim"
echo discard > "$R/policy"; echo "discard idle-vm-first swapout" > "$R/available_policies"
echo 1000 > "$R/idle_threshold_ms"; echo 0 > "$R/min_resident_mb"
: > "$t/empty.conf"
"$d" -c "$t/empty.conf" --sysfs-root "$t/sys" --debugfs-root "$t/sys/kernel/debug" 2>"$t/log" &
pid=$!
sleep 5
v0=$(awk '/^voluntary_ctxt_switches/{print $2}' /proc/$pid/status)
n0=$(awk '/^nonvoluntary_ctxt_switches/{print $2}' /proc/$pid/status)
sleep "$secs"
v1=$(awk '/^voluntary_ctxt_switches/{print $2}' /proc/$pid/status)
n1=$(awk '/^nonvoluntary_ctxt_switches/{print $2}' /proc/$pid/status)
grep -E 'VmRSS|VmHWM' /proc/$pid/status
echo "context switches in ${secs} s: voluntary $((v1 - v0)), involuntary $((n1 - n0))"
kill $pid; wait $pid
cat "$t/log"
rm -rf "$t"
