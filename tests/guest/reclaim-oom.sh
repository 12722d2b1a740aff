#!/bin/sh
# vm: --mem 256M --timeout 120
# A BO larger than memory, without swap, next to a bystander holding 80 MiB
# (memhog); two cases, each with a fresh bystander, each printing a CASE
# line:
#   bind   its VM_BIND fails with ENOMEM (errno 12), kills nobody (the
#          bystander lives, no "Out of memory: Killed process" in dmesg,
#          oom_kill unchanged), and leaves nothing behind while the client
#          still holds the BO: MemAvailable back within 16 MiB of where it
#          was before the bind, the BO unbacked, resident_bytes 0 in the
#          reclaim stats and in the client's rows of the bos table; and
#          MemAvailable is still there after the client exits
#   fault  a CPU touch of it (mmap) ends in SIGBUS within 20 s (80 s on the
#          debug kernel), kills nobody, and the kernel never logs
#          "VM_FAULT_OOM leaked out to the #PF handler" (a fault handler
#          returning VM_FAULT_OOM retries the fault forever)
# Passes when both cases pass. The test's own shell has oom_score_adj -1000,
# the bystander and the client 0, so an OOM kill hits one of those two.
. /tests/guest/lib.sh
reclaim_require

echo -1000 >/proc/$$/oom_score_adj || fail "cannot set oom_score_adj"
# killable CMD...: run CMD with oom_score_adj 0
KILLABLE='echo 0 >/proc/self/oom_score_adj && exec "$@"'

mem_kb=$(kv /proc/meminfo MemTotal:)
size_mb=$((mem_kb / 1024 + 16))
secs=20
[ "${GR_KERNEL:-stock}" = debug ] && secs=80
SLACK_KB=16384
note "MemTotal ${mem_kb} kB; BO of ${size_mb} MiB; no swap ($(kv /proc/meminfo SwapTotal:) kB)"
echo 0 >"$K/idle_threshold_ms"

# alive PID: the process exists and is not a zombie
alive() { [ -d "/proc/$1" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

hog_start() {
	sh -c "$KILLABLE" killable memhog -s 3600 80M >/tmp/hog 2>&1 &
	hog=$!
	wait_line /tmp/hog 'touched' 120
	avail0=$(kv /proc/meminfo MemAvailable:)
	note "bystander memhog (pid $hog) holds 80 MiB; MemAvailable ${avail0} kB"
	dmesg -c >/dev/null
	oom0=$(vmstat oom_kill)
}

problems=
bad() { problems="$problems
  $*"; echo "# FAILED: $*"; }

# nobody_killed: the bystander is alive and the kernel killed nothing
nobody_killed() {
	alive "$hog" || bad "the bystander memhog (pid $hog) is gone: $(cat /tmp/hog)"
	[ "$(vmstat oom_kill)" = "$oom0" ] || bad "oom_kill went from $oom0 to $(vmstat oom_kill)"
	if dmesg | grep -q 'Out of memory: Killed process'; then
		bad "OOM kill: $(dmesg | grep 'Out of memory: Killed process' | sed 's/total-vm.*//' | tr '\n' ';')"
	fi
}

hog_stop() {
	kill "$hog" 2>/dev/null
	wait "$hog" 2>/dev/null
}

verdict() { # CASE
	if [ -z "$problems" ]; then
		echo "CASE ok $1"
	else
		echo "CASE not ok $1"
		failed="$failed $1"
	fi
	problems=
}
failed=

# ---- bind
# While the bind runs, memory is short: the shell waits on a FIFO with
# builtins only (no fork), appending to a file whose page already exists,
# or the shell would be the one that invokes the OOM killer. A bind that
# never returns ends in the harness's timeout.
hog_start
rm -f /tmp/go.bind /tmp/bind.fifo
echo "# gpusim-wl bind-huge ${size_mb}M" >/tmp/bind
mkfifo /tmp/bind.fifo
sh -c "$KILLABLE" killable gpusim-wl bind-huge "${size_mb}M" /tmp/go.bind >/tmp/bind.fifo 2>&1 &
wl=$!
exec 3</tmp/bind.fifo 4>>/tmp/bind
while read -r line <&3; do
	echo "$line" >&4
	[ "$line" = bound=1 ] && break
done
exec 4>&-
if grep -q '^bound=1' /tmp/bind; then
	cat /tmp/bind
	bind_errno=$(wl_get /tmp/bind bind_errno)
	[ "$bind_errno" = 12 ] || bad "bind_errno=$bind_errno (want 12, ENOMEM)"
	before=$(wl_get /tmp/bind before_memavailable_kb)
	after=$(wl_get /tmp/bind after_bind_memavailable_kb)
	note "MemAvailable ${before} kB before the bind, ${after} kB after it (BO still held)"
	[ "$after" -ge $((before - SLACK_KB)) ] ||
		bad "after the failed bind MemAvailable is ${after} kB, was ${before} kB: $(((before - after) / 1024)) MiB still held by a BO that reads as unbacked"
	[ "$(wl_get /tmp/bind resident_after_bind)" = 0 ] || bad "BO resident after the failed bind"
	resident=$(rstat resident_bytes)
	[ "$resident" = 0 ] || bad "reclaim stats: resident_bytes $resident after the failed bind"
	bos=$(awk -v p="$wl" 'NR > 1 && $3 == p { n++; r += $6 } END { print n + 0, r + 0 }' "$R/bos")
	note "bos rows of pid $wl (count, resident): $bos"
	[ "${bos#* }" = 0 ] || bad "bos table: resident ${bos#* } for the client's BO"
	grep -E "^(id| *[0-9]+ [0-9-]+ $wl )" "$R/bos"
else
	wait "$wl"
	bad "the client died before reporting (status $?): $(tr '\n' ' ' </tmp/bind)"
fi
nobody_killed
touch /tmp/go.bind
cat <&3 >>/tmp/bind
exec 3<&-
wait "$wl"
i=0
while avail=$(kv /proc/meminfo MemAvailable:) && [ "$avail" -lt $((avail0 - SLACK_KB)) ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
note "MemAvailable ${avail} kB after the client exited (${avail0} kB before)"
[ "$avail" -ge $((avail0 - SLACK_KB)) ] || bad "MemAvailable ${avail} kB 5 s after the client exited, was ${avail0} kB"
dmesg | grep -E 'Out of memory|oom-kill|VM_FAULT_OOM' | head -n 5
hog_stop
verdict bind

# ---- fault
hog_start
start=$(date +%s)
sh -c "$KILLABLE" killable gpusim-wl fault-huge "${size_mb}M" "$secs" >/tmp/fault 2>&1
rc=$?
cat /tmp/fault
note "gpusim-wl fault-huge exited $rc after $(($(date +%s) - start)) s"
fault=$(wl_get /tmp/fault fault)
case "$fault" in
sigbus) note "the touch ended in SIGBUS after $(wl_get /tmp/fault fault_ms) ms" ;;
hang) bad "the touch still faulted after ${secs}s (killed then)" ;;
"") bad "the client died before reporting (status $rc)" ;;
*) bad "the touch ended in '$fault' (signal $(wl_get /tmp/fault fault_signal)), want sigbus" ;;
esac
nobody_killed
if dmesg | grep -q 'VM_FAULT_OOM leaked'; then
	bad "dmesg: $(dmesg | grep -c 'VM_FAULT_OOM leaked') x 'Huh VM_FAULT_OOM leaked out to the #PF handler. Retrying PF'"
fi
dmesg | grep -E 'Out of memory|oom-kill|VM_FAULT_OOM' | head -n 5
hog_stop
verdict fault

gpusim_counters_zero
[ -z "$failed" ] || fail "failed:$failed"
