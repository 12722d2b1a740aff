#!/bin/sh
# Run each libFuzzer target for a bounded time and print one TAP line each.
# usage: run-fuzz.sh <bindir> <seconds> <target>...
dir=$1; secs=$2; shift 2
here=$(dirname "$0")
echo "1..$#"
n=0; rc=0
for t in "$@"; do
	n=$((n + 1))
	corpus=$(mktemp -d)
	# seed corpus: checked-in examples for this target, if any
	[ -d "$here/corpus/$t" ] && cp "$here/corpus/$t"/* "$corpus"/ 2>/dev/null
	log=$dir/$t.log
	if LSAN_OPTIONS="suppressions=$here/lsan.supp:print_suppressions=0" \
		"$dir/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 \
		-artifact_prefix="$dir/$t-" \
		-print_final_stats=1 "$corpus" >"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		echo "ok $n - $t ($secs s, ${runs:-?} runs)"
	else
		echo "not ok $n - $t (see $log)"
		sed 's/^/# /' "$log" | tail -n 30
		rc=1
	fi
	rm -rf "$corpus"
done
exit $rc
