#!/bin/bash
# Tests of the VM harness itself: each kind of guest failure must come out
# of tests/vm/run with its own exit status, in bounded time, with the
# console log kept. Prints one TAP line per case.
set -u
here=$(cd "$(dirname "$0")" && pwd)
n=0 failed=0

check() { # NAME EXPECTED-STATUS RUN-ARGS...
	local name=$1 want=$2 log got start secs
	shift 2
	n=$((n + 1))
	log=$(mktemp)
	start=$(date +%s)
	"$here/run" --quiet --log "$log" "$@" >/dev/null 2>&1
	got=$?
	secs=$(( $(date +%s) - start ))
	# A guest that ran must leave its console log; a usage error never boots.
	if [ "$got" = "$want" ] && { [ -s "$log" ] || [ "$want" = 125 ]; }; then
		echo "ok $n - vm/run $name: status $got in ${secs}s"
	else
		echo "not ok $n - vm/run $name: status $got (want $want), log $(stat -c %s "$log") bytes"
		failed=$((failed + 1))
	fi
	rm -f "$log"
}

check "script exit 1" 1 "$here/selftest/exit1.sh"
check "script hangs" 123 --timeout 25 "$here/selftest/hang.sh"
check "kernel WARNING" 120 "$here/selftest/warn.sh"
check "arguments" 0 "$here/selftest/args.sh" "a b" "it's" '$HOME'
check "bad option" 125 --mem lots "$here/selftest/exit1.sh"

# The emulator's int3 race is booted once more, a real int3 is not.
int3_check() { # NAME BYTE WANT-SECOND-BOOT
	local log got second
	n=$((n + 1))
	log=$(mktemp)
	"$here/run" --quiet --log "$log" "$here/selftest/int3.sh" "$2" >/dev/null 2>&1
	got=$?
	second=0
	[ -s "$log.int3-race" ] && second=1
	if [ "$got" = 121 ] && [ -s "$log" ] && [ "$second" = "$3" ]; then
		echo "ok $n - vm/run $1: status $got, second boot $3"
	else
		echo "not ok $n - vm/run $1: status $got, second boot $second (want $3)"
		failed=$((failed + 1))
	fi
	rm -f "$log" "$log.int3-race"
}
int3_check "stale int3 (emulator race)" 0f 1
int3_check "real int3" cc 0

# The debug kernel's detectors, each on a bug planted in gr_selftest.ko, and
# kmemleak switched off mid-run (which must fail a run as well).
if [ "${GR_DEBUG_LANE:-1}" != 0 ] && "$here/debug-kernel/build" --check 2>/dev/null; then
	check "debug kernel: kmemleak" 121 --kernel debug "$here/selftest/leak.sh"
	check "debug kernel: KASAN" 121 --kernel debug "$here/selftest/oob.sh"
	check "debug kernel: lockdep" 121 --kernel debug "$here/selftest/abba.sh"
	check "debug kernel: WARNING" 120 --kernel debug "$here/selftest/warn.sh"
	check "debug kernel: kmemleak turned off" 121 --kernel debug "$here/selftest/kmemleak-off.sh"
else
	for t in kmemleak KASAN lockdep WARNING "kmemleak turned off"; do
		n=$((n + 1))
		echo "ok $n - vm/run debug kernel: $t # SKIP debug kernel not built"
	done
fi
exit $((failed > 0))
