#!/bin/sh
# vm: --mem 256M --swap 256M --timeout 180
# Kernel lockdown (lockdown=integrity, what Debian does under Secure Boot),
# raised at run time once our modules are loaded (it refuses unsigned
# modules): debugfs refuses every write, sysfs none.
# - the debugfs shrink file refuses a request (EPERM) and its reads too
#   (it is writable); the sysfs shrink file takes the same request and
#   frees pages, its read gives the result; asked for more than there is,
#   it frees what there is and says -EAGAIN (as memory.reclaim);
# - knobs are written through sysfs; stats, bos and vms stay readable;
# - gemreclaimctl status, bos, set and shrink work (shrink through the
#   sysfs file, saying what it freed);
# - the client then verifies every word: 0 mismatches.
. /tests/guest/lib.sh
reclaim_require
lock=/sys/kernel/security/lockdown
[ -f $lock ] || mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
[ -f $lock ] || skip "no lockdown LSM in this ${GR_KERNEL:-stock} kernel ($lock missing)"
sysfs_shrink=$K/shrink
[ -f "$sysfs_shrink" ] || fail "no sysfs shrink file $sysfs_shrink"

echo 0 >"$K/idle_threshold_ms"
echo "discard swapout" >"$K/policy"
gpusim-wl -s 21 sparse 2 32M 4M /tmp/go.$$ >/tmp/wl 2>&1 &
wl=$!
wait_line /tmp/wl '^filled=1' 120

echo integrity >$lock || fail "cannot raise lockdown"
note "lockdown: $(cat $lock)"
grep -q '\[integrity\]' $lock || fail "lockdown not in force: $(cat $lock)"

# debugfs: writes refused, and the shrink file (writable) cannot be opened
if (echo 1024 >"$R/shrink") 2>/tmp/err; then
	fail "the debugfs shrink file took a request under lockdown"
fi
grep -q 'not permitted' /tmp/err || fail "expected EPERM from the debugfs shrink file, got: $(cat /tmp/err)"
note "debugfs shrink under lockdown: $(cat /tmp/err)"
cat "$R/stats" >/dev/null || fail "stats unreadable under lockdown"
head -n 1 "$R/bos" | grep -q '^id ' || fail "bos unreadable under lockdown"
head -n 1 "$R/vms" | grep -q '^id ' || fail "vms unreadable under lockdown"

# sysfs: knobs and the shrink request
echo "discard idle-vm-first swapout" >"$K/policy" || fail "sysfs policy write refused under lockdown"
expect_eq "policy written under lockdown" "$(cat "$K/policy")" "discard idle-vm-first swapout"
res0=$(rstat resident_bytes)
echo 1024 >"$sysfs_shrink" || fail "sysfs shrink request failed under lockdown"
freed=$(cat "$sysfs_shrink")
expect_gt "pages freed by the sysfs shrink request" "$freed" 0
expect_eq "resident bytes dropped by what it says it freed" $((res0 - $(rstat resident_bytes))) $((freed * 4096))
if (echo "1 tgid=abc" >"$sysfs_shrink") 2>/tmp/err; then
	fail "the sysfs shrink file took a malformed request"
fi

# the CLI under lockdown
if command -v gemreclaimctl >/dev/null; then
	gemreclaimctl status >/tmp/ctl 2>&1 || { cat /tmp/ctl; fail "gemreclaimctl status failed under lockdown"; }
	gemreclaimctl bos >/tmp/ctl 2>&1 || { cat /tmp/ctl; fail "gemreclaimctl bos failed under lockdown"; }
	gemreclaimctl set idle_threshold_ms 1234 >/tmp/ctl 2>&1 || { cat /tmp/ctl; fail "gemreclaimctl set failed under lockdown"; }
	expect_eq "idle_threshold_ms set by gemreclaimctl" "$(cat "$K/idle_threshold_ms")" 1234
	echo 0 >"$K/idle_threshold_ms"
	gemreclaimctl shrink 1M >/tmp/ctl 2>&1 || { cat /tmp/ctl; fail "gemreclaimctl shrink failed under lockdown"; }
	note "gemreclaimctl shrink 1M: $(cat /tmp/ctl)"
	grep -q '^freed .* of 1.0 MiB asked' /tmp/ctl || fail "gemreclaimctl shrink did not say what it freed: $(cat /tmp/ctl)"
fi

if (echo 1000000 >"$sysfs_shrink") 2>/tmp/err; then
	fail "a request for more pages than exist did not report -EAGAIN"
fi
grep -q 'Resource temporarily unavailable' /tmp/err || fail "expected EAGAIN, got: $(cat /tmp/err)"
expect_eq "resident bytes after taking everything" "$(rstat resident_bytes)" 0
note "the whole request: $(cat "$sysfs_shrink") pages freed, then EAGAIN"

touch /tmp/go.$$
wait $wl || fail "gpusim-wl failed: $(tail -n 3 /tmp/wl)"
grep -q 'gpu_mismatches=0 cpu_mismatches=0' /tmp/wl || fail "mismatches: $(tail -n 2 /tmp/wl)"
rm -f /tmp/go.$$
gpusim_counters_zero
