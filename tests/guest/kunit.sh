#!/bin/sh
# vm: --mem 256M --timeout 120
# KUnit suites of the reclaim core (kernel/reclaim/tests, gr_kunit.ko): chain
# parsing, idle-vm-first ordering, knob parsing and ranges, stats and table
# formatting, the writeback unlock rule. Only the debug kernel has KUnit;
# elsewhere the test skips.
# Passes when every suite of the module reports at least one case and every
# case is "ok".
. /tests/guest/lib.sh

SUITES="gem_reclaim_policy gem_reclaim_idle_vm_first gem_reclaim_knobs gem_reclaim_stats gem_reclaim_writeback"
KUNIT=/sys/kernel/debug/kunit

[ "${GR_KERNEL:-stock}" = debug ] || skip "KUnit needs the debug kernel (this is ${GR_KERNEL:-stock})"
[ -d "$KUNIT" ] || skip "no $KUNIT (CONFIG_KUNIT_DEBUGFS off)"

# The module runs its suites when loaded; it may have been loaded at boot.
if [ ! -d "$KUNIT/gem_reclaim_policy" ]; then
	insmod /lib/modules/gemreclaim/gr_kunit.ko || fail "cannot load gr_kunit.ko"
fi

bad=0
for s in $SUITES; do
	r=$KUNIT/$s/results
	[ -r "$r" ] || fail "suite $s: no $r"
	echo "## $s"
	cat "$r"
	# top-level cases and parameterised sub-cases alike: "ok N name" lines
	cases=$(grep -cE '^[[:space:]]*(not )?ok [0-9]+ ' "$r")
	failed=$(grep -cE '^[[:space:]]*not ok [0-9]+ ' "$r")
	note "suite $s: $cases results, $failed not ok"
	[ "$cases" -gt 1 ] || { echo "FAIL: suite $s has no case"; bad=1; }
	[ "$failed" = 0 ] || { grep -E '^[[:space:]]*not ok ' "$r"; bad=1; }
	# one line per case for the runner's count (tests/check)
	sed -nE "s/^[[:space:]]*(not ok|ok) [0-9]+ (.*)/CASE \1 $s: \2/p" "$r"
done
[ $bad = 0 ] || fail "KUnit reported failures"
note "all KUnit suites passed"
