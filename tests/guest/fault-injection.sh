#!/bin/sh
# vm: --mem 256M --swap 256M --timeout 240
# Allocation failures (failslab and fail_page_alloc, debug kernel only,
# scoped to the workload's processes with the task filter and to
# allocations made from our modules' code with the stack-trace filter, so
# the rest of the system, the shells and interrupts keep working) during
# BO creation, first CPU fault, GPU map, heap growth and swap-in at submit,
# and huge-folio swap-out refused by shmem (below):
# every run of the workload ends with a clean error or succeeds, never
# with a crash (no signal, no kernel WARNING, oops or kmemleak report for
# our modules: the harness checks those); injection really happened; and
# afterwards every gpusim object is released and the device works again,
# verified word for word.
. /tests/guest/lib.sh
reclaim_require
FS=/sys/kernel/debug/failslab
FP=/sys/kernel/debug/fail_page_alloc
[ -d $FS ] && [ -d $FP ] || skip "no failslab/fail_page_alloc (${GR_KERNEL:-stock} kernel)"

# The address range of our modules' code. The debug kernel has every other
# driver built in, so nothing else lives between them.
# Module addresses have the same width, so they sort as strings; the
# fault-injection files take hex.
set -- $(awk '$1 == "gem_reclaim" || $1 == "gpusim" { print $6, $2 }' /proc/modules | sort)
[ $# = 4 ] || fail "cannot read our modules' addresses from /proc/modules: $*"
start=$1
end=$(printf '%#x' $(($3 + $4)))
note "failures injected for allocations called from $start-$end"

setup() { # DIR PROBABILITY
	echo "$2" >"$1/probability"
	echo 1 >"$1/interval"
	echo -1 >"$1/times"
	echo 0 >"$1/verbose"
	echo Y >"$1/task-filter"
	echo N >"$1/ignore-gfp-wait"
	echo "$start" >"$1/require-start"
	echo "$end" >"$1/require-end"
	echo 32 >"$1/stacktrace-depth"
}
setup $FS 1
setup $FP 1
echo N >$FP/ignore-gfp-highmem
echo 0 >$FP/min-order

# Injection stops however this script ends: the console and the leak scan
# after it must not run under it.
trap 'echo 0 >$FS/probability; echo 0 >$FP/probability' EXIT

# with_failures CMD...: run CMD, and the processes it starts, with the
# allocations above failing (the task filter: /proc/PID/make-it-fail is
# inherited across fork and kept across exec).
with_failures() { sh -c 'echo 1 >/proc/self/make-it-fail && exec "$@"' with_failures "$@"; }

# wait_filled PID: wait for the sparse workload PID to report its fill (or
# to end, failed)
wait_filled() {
	n=0
	until grep -q '^filled=1' /tmp/sp.out || ! kill -0 "$1" 2>/dev/null; do
		n=$((n + 1))
		[ $n -lt 600 ] || fail "sparse fill did not finish"
		sleep 0.1
	done
}

# run_failing NAME CMD...: run CMD with failures; it may fail, but only
# with an exit status (not a signal).
runs=0 failed=0
run_failing() {
	name=$1
	shift
	with_failures "$@" >/tmp/fi.out 2>&1
	rc=$?
	runs=$((runs + 1))
	[ $rc -lt 128 ] || { tail -n 5 /tmp/fi.out; fail "$name died from signal $((rc - 128))"; }
	if [ $rc != 0 ]; then
		failed=$((failed + 1))
		echo "$name: exit $rc: $(grep "^result=" /tmp/fi.out | tail -n 1)"
	fi
}

echo 0 >"$K/idle_threshold_ms"
echo "discard idle-vm-first swapout" >"$K/policy"
i=0
while [ $i -lt 15 ]; do
	run_failing coherency gpusim-wl -s $i coherency 1M
	run_failing heap gpusim-wl -s $i heap 8
	run_failing memory-model gpusim-wl -s $i shared 1M
	i=$((i + 1))
done
# swap-in at submit: fill, evict everything, verify (restores on submit)
i=0
while [ $i -lt 4 ]; do
	with_failures gpusim-wl -s $i sparse 2 16M 4M /tmp/go >/tmp/sp.out 2>&1 &
	sp=$!
	wait_filled $sp
	with_failures sh -c "echo 100000 >$R/shrink" 2>/dev/null
	touch /tmp/go
	wait $sp
	rc=$?
	rm -f /tmp/go
	runs=$((runs + 1))
	[ $rc = 0 ] || failed=$((failed + 1))
	[ $rc -lt 128 ] || fail "sparse died from signal $((rc - 128))"
	if [ $rc = 0 ]; then
		grep -q 'gpu_mismatches=0 cpu_mismatches=0' /tmp/sp.out || fail "mismatches after injected failures: $(tail -n 2 /tmp/sp.out)"
	fi
	i=$((i + 1))
done

echo 0 >$FS/probability
echo 0 >$FP/probability
note "$runs runs under fault injection, $failed ended with an error"

# Swap-out of a huge folio that shmem hands back whole: with the slab
# allocations made under shmem_writepage() failing, its swap cache entry
# cannot be made (add_to_swap_cache) and shmem_writepage() returns it
# dirty and unsplit (AOP_WRITEPAGE_ACTIVATE). The walk must step over it
# (it looked the same folio up again forever before: a soft lockup, the
# guest hung); the shrink request returns and the data is intact.
thp0=$(vmstat thp_file_alloc)
gpusim-wl -s 7 sparse 1 8M 8M /tmp/go >/tmp/sp.out 2>&1 &
sp=$!
wait_filled $sp
expect_gt "huge folios of the 8 MiB BO" "$(vmstat thp_file_alloc)" "$thp0"
# only allocations made under shmem_writepage() fail
set -- $(awk '$3 == "shmem_writepage" { getline n; split(n, f); print "0x" $1, "0x" f[1]; exit }' /proc/kallsyms)
[ $# = 2 ] || fail "no shmem_writepage in /proc/kallsyms"
echo "$1" >$FS/require-start
echo "$2" >$FS/require-end
echo 100 >$FS/probability
start=$(date +%s)
with_failures sh -c "echo 100000 >$R/shrink" || fail "shrink request failed"
echo 0 >$FS/probability
note "shrink with shmem_writepage's allocations failing: $(cat "$R/shrink") pages, $(($(date +%s) - start)) s"
cat "$R/bos"
touch /tmp/go
wait $sp || fail "huge sparse run failed: $(tail -n 2 /tmp/sp.out)"
rm -f /tmp/go
grep -q 'gpu_mismatches=0 cpu_mismatches=0' /tmp/sp.out || fail "mismatches after the failed huge swap-out: $(tail -n 2 /tmp/sp.out)"
expect_gt "runs that hit an injected failure" "$failed" 0
[ "$failed" -lt "$runs" ] || note "every run failed (high injection rate)"

gpusim_counters_zero
gpusim-wl -s 99 coherency 4M >/tmp/after.out 2>&1 || fail "device broken after fault injection: $(tail -n 3 /tmp/after.out)"
note "device works after fault injection"
