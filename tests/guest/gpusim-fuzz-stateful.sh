#!/bin/sh
# vm: --cpus 4 --mem 256M --swap 256M --timeout 200
# gpusim-fuzz -S: random sequences of real operations (BO create, normal and
# discard-on-reclaim; GEM mmap through either of two DRM files; PRIME
# export, dma-buf mmap, import into both files; VM create/destroy; VM_BIND
# map and partial unmap; GPU fill/verify/copy jobs; CPU writes and reads;
# BO_QUERY; shrink requests; policy and idle_threshold_ms changes; fork
# handing a process's state to its child) in several processes at once,
# every read checked word for word against a model of what each BO holds
# (a discard-on-reclaim BO reads its content or zeros, never other data,
# and BO_QUERY reports each loss). Two seeds, a few processes each, for a
# bounded time, the second under anonymous memory pressure; passes if every
# process passes, reclaim really swapped or discarded BO pages meanwhile, and
# every object is released afterwards.
# Arguments of the script are added to both fuzzer command lines (e.g.
# tests/vm/run ... gpusim-fuzz-stateful.sh -o).
. /tests/guest/lib.sh
reclaim_require
command -v gpusim-fuzz >/dev/null || skip "gpusim-fuzz not built"

# seconds per run (each overshoots by the final read of every BO): 35 s for
# the whole test on the stock kernel, 95 s with 15 s runs on the debug one
secs=${FUZZ_SECONDS:-10}
[ "${GR_KERNEL:-stock}" = debug ] && secs=${FUZZ_SECONDS:-12}
policy0=$(cat "$K/policy")
idle0=$(cat "$K/idle_threshold_ms")

reclaimed() { awk '$1 ~ /_reclaimed$/ { n += $2 } END { print n + 0 }' "$R/stats"; }

failed=
run() {
	rec0=$(reclaimed)
	# shellcheck disable=SC2086
	gpusim-fuzz -S "$@" $extra >/tmp/sfuzz 2>&1
	rc=$?
	cat /tmp/sfuzz
	if [ $rc -ne 0 ] || ! grep -q '^result=pass' /tmp/sfuzz; then
		# go on with the other run, whose bugs this one may hide
		note "FAILED: gpusim-fuzz -S $* $extra exited $rc"
		failed="$failed|gpusim-fuzz -S $* $extra exited $rc"
	else
		ops=$(sed -n 's/^calls=\([0-9]*\) .*/\1/p' /tmp/sfuzz)
		expect_gt "operations with $*" "$ops" 500
		expect_gt "pages reclaimed during the run" $(($(reclaimed) - rec0)) 0
	fi
	expect_eq "policy restored" "$(cat "$K/policy")" "$policy0"
	expect_eq "idle_threshold_ms restored" "$(cat "$K/idle_threshold_ms")" "$idle0"
	gpusim_counters_zero
}

# Any order of GEM mmap offset creation and dma-buf mmap.
run -s 0x1 -P 4 -T "$secs"
# BOs mapped through their dma-buf never get a GEM mmap offset (-D), under
# anonymous memory pressure that makes the kernel free swapped-out and
# discarded pages: a CPU mapping reclaim failed to zap then reads or writes
# freed memory.
avail=$(awk '/^MemAvailable/ { print int($2 / 1024) }' /proc/meminfo)
memhog -p 1000 $((avail + 32))M >/tmp/hog.log 2>&1 &
hog=$!
run -s 0xdecafbad -P 3 -F 3 -m 8M -D -T "$secs"
kill $hog 2>/dev/null
wait $hog 2>/dev/null
[ -z "$failed" ] || fail "${failed#|}"
