# Shared helpers for in-guest tests (sourced as /tests/guest/lib.sh).
# Tests run under busybox sh; exit 0 = pass, 77 = skip, anything else = fail.

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
note() { echo "# $*"; }

# expect_gt NAME A B: fail unless A > B (integers)
expect_gt() { [ "$2" -gt "$3" ] || fail "$1: expected $2 > $3"; note "$1: $2 > $3"; }
# expect_eq NAME A B
expect_eq() { [ "$2" = "$3" ] || fail "$1: expected '$3', got '$2'"; note "$1: $2"; }

# kv FILE KEY: value of a "key value" line
kv() { awk -v k="$2" '$1 == k { print $2; found = 1 } END { exit !found }' "$1"; }

# psi_total RESOURCE some|full: cumulative stall time in microseconds
psi_total() { sed -n "s/^$2 .*total=\([0-9]*\)/\1/p" "/proc/pressure/$1"; }

# vmstat KEY
vmstat() { kv /proc/vmstat "$1"; }
# ctx_switches PID: context switches (voluntary + involuntary) so far; the
# difference over an interval tells whether it slept or spun.
ctx_switches() { awk '/^(voluntary|nonvoluntary)_ctxt_switches/ { n += $2 } END { print n }' "/proc/$1/status"; }

# gpusim helpers ------------------------------------------------------------

GPUSIM_OBJECTS=/sys/kernel/debug/gpusim/objects

# gpusim_require: skip unless gpusim's device and tools are there
gpusim_require() {
	[ -f "$GPUSIM_OBJECTS" ] || skip "gpusim not loaded"
	command -v gpusim-wl >/dev/null || skip "gpusim-wl not built"
}

# gpusim_counters_zero: fail unless every gpusim object counter except
# "devices" reads 0 (retries for a second: file release may be deferred)
gpusim_counters_zero() {
	i=0
	while :; do
		left=$(awk '$1 != "devices" && $2 != 0' "$GPUSIM_OBJECTS")
		[ -z "$left" ] && { note "gpusim counters back to zero"; return 0; }
		i=$((i + 1))
		[ $i -ge 20 ] && { cat "$GPUSIM_OBJECTS"; fail "gpusim objects left: $left"; }
		sleep 0.1
	done
}

# gpusim_nodes: the render nodes driven by gpusim, one per line
gpusim_nodes() {
	for d in /sys/class/drm/renderD*; do
		drv=$(readlink "$d/device/driver" 2>/dev/null)
		[ "${drv##*/}" = gpusim ] && echo "/dev/dri/${d##*/}"
	done
}

# wl_run OUT ARGS...: run gpusim-wl, keep its output in OUT, fail on failure
wl_run() {
	out=$1
	shift
	gpusim-wl "$@" >"$out" 2>&1
	rc=$?
	cat "$out"
	[ $rc -eq 0 ] || fail "gpusim-wl $* exited $rc"
	grep -q '^result=pass' "$out" || fail "gpusim-wl $*: no result=pass"
}

# wl_get OUT KEY: value of KEY=value in a gpusim-wl output
wl_get() { tr ' ' '\n' <"$1" | sed -n "s/^$2=//p" | head -n1; }

# reclaim helpers -------------------------------------------------------------

# reclaim_require: skip unless gpusim's reclaim files are there; sets R to
# the debugfs reclaim directory and K to the sysfs knob directory
reclaim_require() {
	gpusim_require
	R=
	for d in /sys/kernel/debug/dri/[0-9]*/reclaim; do
		[ -f "$d/stats" ] && { R=$d; break; }
	done
	[ -n "$R" ] || fail "no dri/<minor>/reclaim directory"
	K=
	for d in /sys/class/drm/card[0-9]*/device/reclaim; do
		[ -f "$d/policy" ] && { K=$d; break; }
	done
	[ -n "$K" ] || fail "no card<N>/device/reclaim directory"
}

# rstat KEY: a value of the reclaim stats file
rstat() { kv "$R/stats" "$1"; }

# wait_line FILE PATTERN [SECONDS]: wait until FILE has a line matching
# PATTERN (default 120 s), fail on timeout
wait_line() {
	n=0
	until grep -q "$2" "$1" 2>/dev/null; do
		n=$((n + 1))
		[ $n -gt $((${3:-120} * 10)) ] && { cat "$1"; fail "timeout waiting for '$2' in $1"; }
		sleep 0.1
	done
}

# vm_col PID COLUMN: a column of the vms line of the VM created by PID
# (columns: 1 id, 2 pid, 3 comm, 4 state, 5 idle_ms, 6 bos, 7 resident,
# 8 swapped, 9 discarded)
vm_col() { awk -v p="$1" -v c="$2" 'NR > 1 && $2 == p { print $c; exit }' "$R/vms"; }

# Cgroup tests (memcg-*, daemon-cgtrim)

# tab_sum FILE SUMCOL KEYCOL VALUE: sum of SUMCOL over the rows of the bos
# or vms table FILE whose KEYCOL is VALUE; columns found by name in the
# header, those after comm counted from the end (a comm may hold spaces);
# prints "nocol" if a column is missing
tab_sum() {
	awk -v s="$2" -v k="$3" -v v="$4" '
	function col(n) { return n > cc ? $(NF - H + n) : $n }
	NR == 1 { H = NF; for (i = 1; i <= NF; i++) c[$i] = i; cc = c["comm"]
		if (!(s in c) || !(k in c)) { bad = 1; exit }
		next }
	col(c[k]) == v { t += col(c[s]) }
	END { if (bad) print "nocol"; else print t + 0 }' "$1"
}

# wait_out PID FILE ERE SECONDS: wait for a line of FILE matching ERE while
# PID lives; 0 found, 1 PID exited without it, 2 timeout
wait_out() {
	end=$(($(date +%s) + $4))
	while ! grep -qE "$3" "$2" 2>/dev/null; do
		kill -0 "$1" 2>/dev/null || { grep -qE "$3" "$2" 2>/dev/null && return 0; return 1; }
		[ "$(date +%s)" -lt $end ] || return 2
		sleep 0.2
	done
}

# start_in CGROUP OUT ARGS...: gpusim-wl ARGS in CGROUP, output in OUT; sets app
start_in() {
	cg=$1 out=$2
	shift 2
	sh -c "echo \$\$ >$cg/cgroup.procs && exec gpusim-wl $*" >"$out" 2>&1 &
	app=$!
}
