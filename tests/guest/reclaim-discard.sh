#!/bin/sh
# vm: --mem 256M --swap 512M --timeout 120
# The discard policy: with the chain "discard", a shrink request drops the
# pages of the idle VM's DISCARD_ON_RECLAIM BO and leaves the other BO
# resident. The bos file shows it discarded with the l flag, stats count
# its bytes as discarded; the BO query reports the content lost, the CPU
# and the GPU read zeros (never the neighbour's pattern), the neighbour's
# data is intact, and the BO works again afterwards.
. /tests/guest/lib.sh
reclaim_require

echo 0 >"$K/idle_threshold_ms"
echo discard >"$K/policy"
gpusim-wl discard 4M /tmp/go.$$ >/tmp/wl 2>&1 &
wl=$!
wait_line /tmp/wl '^filled=1'
disc0=$(rstat discard_reclaimed)
echo 100000 >"$R/shrink" || fail "shrink failed"
expect_eq "pages freed by the shrink request" "$(cat "$R/shrink")" 1024
expect_eq "discard_reclaimed" $(($(rstat discard_reclaimed) - disc0)) 1024
expect_eq "discarded_bytes" "$(rstat discarded_bytes)" $((4 << 20))
cat "$R/bos"
line=$(awk -v p=$wl '$3 == p && $8 ~ /d/' "$R/bos")
expect_eq "state of the discard BO" "$(echo "$line" | awk '{ print $7 }')" discarded
echo "$line" | awk '{ print $8 }' | grep -q l || fail "no l (content lost) flag: $line"
expect_eq "states of the other BOs" "$(awk -v p=$wl '$3 == p && $8 !~ /d/ { print $7 }' "$R/bos")" resident

touch /tmp/go.$$
wait $wl || { cat /tmp/wl; fail "gpusim-wl discard failed"; }
cat /tmp/wl
grep -q 'a_content_lost=1' /tmp/wl || fail "content loss not reported"
grep -q 'b_state=resident b_content_lost=0' /tmp/wl || fail "the other BO was touched"
echo "discard idle-vm-first swapout" >"$K/policy"
gpusim_counters_zero
expect_eq "discarded_bytes after exit" "$(rstat discarded_bytes)" 0
