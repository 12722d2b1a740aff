#!/bin/sh
# vm: --mem 256M --swap 256M --timeout 240
# gemreclaimd with a cgroup v2 memory.pressure file as its pressure source:
# - pressure inside the cgroup (a hog over the cgroup's memory.max) moves the
#   knobs;
# - removing the cgroup makes its triggers fail (POLLERR): one "lost" line
#   per trigger, re-arm attempts with a growing back-off, and the daemon does
#   not spin meanwhile (its context switches are counted);
# - when the cgroup is created again the trigger is re-armed and works.
. /tests/guest/lib.sh
reclaim_require
command -v gemreclaimd >/dev/null || skip "gemreclaimd not built"
[ -f /sys/fs/cgroup/cgroup.controllers ] || skip "no cgroup v2 hierarchy"
grep -qw memory /sys/fs/cgroup/cgroup.controllers || skip "no memory controller"
echo +memory >/sys/fs/cgroup/cgroup.subtree_control || fail "cannot enable the memory controller"

cg=/sys/fs/cgroup/gr-app
mkdir $cg || fail "mkdir $cg"
knobs() { echo "$(cat "$K/policy")|$(cat "$K/idle_threshold_ms")"; }
echo swapout >"$K/policy"
echo 5000 >"$K/idle_threshold_ms"
before=$(knobs)

conf=/tmp/gemreclaimd.conf
cat >$conf <<CONF
pressure = { source = "$cg"; cooldown_ms = 600000; rearm_delay_ms = 250; rearm_max_ms = 2000; };
levels = (
  { name = "app"; trigger = "some"; stall_us = 50000; window_us = 1000000;
    policy = "idle-vm-first swapout"; idle_threshold_ms = 2468; }
);
CONF
profile="idle-vm-first swapout|2468"

gemreclaimd -v -c $conf >/tmp/d.log 2>&1 &
daemon=$!
wait_line /tmp/d.log 'running' 30
grep -q "armed on $cg/memory.pressure" /tmp/d.log || { cat /tmp/d.log; fail "no trigger armed on the cgroup"; }

# A hog held to 32 MiB inside the cgroup swaps: pressure in that cgroup.
echo 32M >$cg/memory.max
# (one pass on the debug kernel, where a pass is 10-50x slower)
passes=3
[ "${GR_KERNEL:-stock}" = debug ] && passes=1
sh -c "echo \$\$ >$cg/cgroup.procs && exec memhog -p $passes 96M" >/tmp/hog.log 2>&1 &
hog=$!
i=0
until [ "$(knobs)" = "$profile" ]; do
	i=$((i + 1))
	[ $i -lt 300 ] || { cat /tmp/d.log /tmp/hog.log; fail "cgroup pressure did not move the knobs: $(knobs)"; }
	sleep 0.1
done
# its job is done once the knobs moved; one that exited early failed
if kill $hog 2>/dev/null; then
	wait $hog
else
	wait $hog || fail "memhog in the cgroup failed: $(cat /tmp/hog.log)"
fi
note "cgroup pressure moved the knobs ($(grep -c 'trigger fired' /tmp/d.log) trigger wake-ups)"

# The cgroup goes away: the trigger fd reports POLLERR.
rmdir $cg || fail "rmdir $cg"
wait_line /tmp/d.log 'lost (POLLERR)' 15
cs0=$(ctx_switches $daemon)
sleep 6
cs1=$(ctx_switches $daemon)
kill -0 $daemon || fail "gemreclaimd died when its cgroup went away"
expect_eq "lost lines (one per trigger)" "$(grep -c 'lost (POLLERR)' /tmp/d.log)" 1
# back-off 250, 500, 1000, 2000, 2000 ms: about 5 attempts in 6 s
tries=$(grep -c 're-arming .* failed' /tmp/d.log)
[ "$tries" -ge 3 ] && [ "$tries" -le 8 ] || { cat /tmp/d.log; fail "expected 3..8 re-arm attempts in 6 s, saw $tries"; }
note "re-arm attempts in 6 s: $tries ($(grep -o 'next try in [0-9]* ms' /tmp/d.log | tr '\n' ' '))"
[ $((cs1 - cs0)) -le 20 ] || fail "gemreclaimd woke $((cs1 - cs0)) times in 6 s with its cgroup gone (spinning?)"
note "context switches in 6 s with the cgroup gone: $((cs1 - cs0))"
expect_eq "knobs kept while the source is gone" "$(knobs)" "$profile"

# The cgroup comes back: the trigger is re-armed.
mkdir $cg || fail "mkdir $cg again"
wait_line /tmp/d.log 'trigger re-armed' 10
note "$(grep 'trigger re-armed' /tmp/d.log)"

kill -TERM $daemon
wait $daemon
expect_eq "gemreclaimd exit status" "$?" 0
expect_eq "knobs restored" "$(knobs)" "$before"
rmdir $cg
