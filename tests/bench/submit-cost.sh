#!/bin/sh
# vm: --mem 256M --timeout 300
# Submit cost with 1, 100 and 10 000 BOs mapped in the VM. Activity is
# tracked per VM (the VM moves on the device's LRU, its BOs do not), so the
# cost of a submit ioctl must not depend on how many BOs the VM maps: goal,
# median within 10% of the 1-BO VM. One guest run, the three VMs interleaved
# in batches of 64 submits (host noise hits all three alike). Prints
# "BENCH key=value" lines (scripts/bench keeps them in
# build/bench/submit-cost.txt); exits 1 if a ratio is outside [0.9, 1.1].
. /tests/guest/lib.sh
gpusim_require

per_round=${BENCH_PER_ROUND:-64}
rounds=${BENCH_ROUNDS:-160}
gpusim-wl bench-submit 1,100,10000 "$per_round" "$rounds" >/tmp/bench 2>&1
rc=$?
cat /tmp/bench
[ $rc -eq 0 ] || fail "gpusim-wl bench-submit exited $rc"

echo "BENCH command=gpusim-wl bench-submit 1,100,10000 $per_round $rounds"
grep '^bos=' /tmp/bench | sed 's/^/BENCH /'
bad=0
for n in 100 10000; do
	ratio=$(sed -n "s/^bos=$n .*ratio_vs_1=\([0-9.]*\).*/\1/p" /tmp/bench)
	echo "BENCH submit_cost_ratio_${n}_vs_1=$ratio"
	awk -v r="$ratio" 'BEGIN { exit !(r >= 0.9 && r <= 1.1) }' || bad=1
done
[ $bad -eq 0 ] || fail "submit cost depends on the number of BOs mapped"
note "submit cost within 10% from 1 to 10 000 BOs"
