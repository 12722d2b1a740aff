#!/bin/sh
# vm: --mem 256M --timeout 300
# gpusim survives 2 x 100 000 random and boundary ioctl calls (plus mmaps) from
# gpusim-fuzz: no oops, no WARN (the harness fails the run on either), the
# fuzzer itself completes, and every object is released afterwards. Two
# seeds, each in its own process.
. /tests/guest/lib.sh
gpusim_require
command -v gpusim-fuzz >/dev/null || skip "gpusim-fuzz not built"

calls=${FUZZ_CALLS:-100000}
for seed in 0x1 0xdecafbad; do
	gpusim-fuzz -n "$calls" -s $seed >/tmp/fuzz 2>&1
	rc=$?
	cat /tmp/fuzz
	[ $rc -eq 0 ] || fail "gpusim-fuzz -s $seed exited $rc"
	done_calls=$(sed -n 's/^calls=\([0-9]*\).*/\1/p' /tmp/fuzz)
	expect_gt "calls made with seed $seed" "$done_calls" $((calls - 1))
	gpusim_counters_zero
done
