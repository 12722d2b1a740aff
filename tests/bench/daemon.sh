#!/bin/sh
# vm: --mem 512M --swap 512M --timeout 600
# gemreclaimd's own costs, in the guest against gpusim's real knobs and the
# kernel's real PSI triggers:
#   - wakeups per minute with no pressure, on the shipped default
#     configuration (/etc/gemreclaim/gemreclaimd.conf): goal 0. Counted as
#     voluntary + involuntary context switches over 60 s.
#   - RSS after that minute (VmRSS, and VmHWM, the peak): goal < 4 MiB.
#   - latency from a trigger's wake-up to the knob writes, over EPISODES
#     pressure episodes (a hog larger than RAM, then a quiet pause so the
#     level steps down): the daemon measures from ppoll() returning with
#     POLLPRI to the last knob write of the level change (CLOCK_MONOTONIC)
#     and logs it; goal < 50 ms.
# Prints "BENCH key=value" lines; reports the figures, does not fail on a
# missed goal.
. /tests/guest/lib.sh
reclaim_require
episodes=${BENCH_EPISODES:-5}

status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

[ -f /etc/gemreclaim/gemreclaimd.conf ] || fail "the shipped configuration is not in the guest"
gemreclaimd >/tmp/idle.log 2>&1 &
daemon=$!
wait_line /tmp/idle.log 'running' 30
sleep 5
c0=$(ctx_switches $daemon)
sleep 60
c1=$(ctx_switches $daemon)
rss=$(status_kb $daemon VmRSS)
hwm=$(status_kb $daemon VmHWM)
kill -TERM $daemon
wait $daemon
cat /tmp/idle.log
echo "BENCH command=gemreclaimd (shipped configuration), 60 s with no pressure"
echo "BENCH idle_wakeups_per_min=$((c1 - c0)) goal=0"
echo "BENCH rss_kib=$rss peak_rss_kib=$hwm goal_kib=4096"

conf=/tmp/latency.conf
cat >$conf <<'CONF'
pressure = { cooldown_ms = 1000; };
levels = (
  { name = "pressed"; trigger = "some"; stall_us = 50000; window_us = 1000000;
    policy = "idle-vm-first swapout"; idle_threshold_ms = 1234; }
);
CONF
gemreclaimd -c $conf >/tmp/lat.log 2>&1 &
daemon=$!
wait_line /tmp/lat.log 'running' 30
e=0
while [ $e -lt "$episodes" ]; do
	e=$((e + 1))
	memhog -p 1 500M >/tmp/hog.log 2>&1 || fail "memhog failed: $(cat /tmp/hog.log)"
	# quiet until the daemon is back at level none
	i=0
	until [ "$(grep -c -- '-> none' /tmp/lat.log)" -ge $e ]; do
		i=$((i + 1))
		[ $i -lt 300 ] || break
		sleep 0.1
	done
done
kill -TERM $daemon
wait $daemon
cat /tmp/lat.log
sed -n 's/.* updated \([0-9]*\) us after the trigger fired$/\1/p' /tmp/lat.log | sort -n >/tmp/lat
n=$(wc -l </tmp/lat)
[ "$n" -gt 0 ] || fail "no level change after a trigger in $episodes episodes"
pct() { sed -n "$(((n * $1 + 99) / 100))p" /tmp/lat; }
p50=$(pct 50)
p99=$(pct 99)
max=$(tail -n 1 /tmp/lat)
locked=$(grep -c 'cannot lock' /tmp/lat.log)
echo "BENCH command=gemreclaimd -c (one level: some 50 ms / 1 s window, cool-down 1 s); $episodes episodes of memhog -p 1 500M in a 512 MiB guest"
echo "BENCH trigger_to_write_us_samples=$n p50=$p50 p99=$p99 max=$max goal_us=50000 lock_memory_failed=$locked"
