#!/bin/sh
# vm: --mem 256M --timeout 300
# gpusim survives 2 x 100 000 (debug kernel: 30 000) random and boundary
# ioctl calls (plus mmaps) from gpusim-fuzz: no oops, no WARN (the harness
# fails the run on either), the fuzzer itself completes, and every object is released afterwards. Two
# seeds, each in its own process, then the same with four threads on one
# file racing against a second fuzzer and a killed process.
. /tests/guest/lib.sh
gpusim_require
command -v gpusim-fuzz >/dev/null || skip "gpusim-fuzz not built"

calls=${FUZZ_CALLS:-100000} calls2=20000
# a third of the calls on the debug kernel (KASAN and lockdep on every
# access: 100 000 took 170 s there), the same paths many times over still
if [ "${GR_KERNEL:-stock}" = debug ]; then
	calls=${FUZZ_CALLS:-30000} calls2=6000
fi
for seed in 0x1 0xdecafbad; do
	gpusim-fuzz -n "$calls" -s $seed >/tmp/fuzz 2>&1
	rc=$?
	cat /tmp/fuzz
	[ $rc -eq 0 ] || fail "gpusim-fuzz -s $seed exited $rc"
	done_calls=$(sed -n 's/^calls=\([0-9]*\).*/\1/p' /tmp/fuzz)
	expect_gt "calls made with seed $seed" "$done_calls" $((calls - 1))
	gpusim_counters_zero
done

# Concurrency: four threads on one file (destroying each other's VMs and
# closing each other's BOs under running jobs), a second fuzzing process,
# and a process killed while it holds queued jobs.
gpusim-wl hold 60 4M >/tmp/hold 2>&1 &
hold=$!
gpusim-fuzz -n $calls2 -s 0x5 -t 2 >/tmp/fuzz2 2>&1 &
other=$!
gpusim-fuzz -n "$calls" -s 0x77 -t 4 >/tmp/fuzz 2>&1
rc=$?
cat /tmp/fuzz
[ $rc -eq 0 ] || fail "gpusim-fuzz -t 4 exited $rc"
wait $other || { cat /tmp/fuzz2; fail "parallel gpusim-fuzz failed"; }
kill -9 $hold
wait $hold 2>/dev/null
gpusim_counters_zero
