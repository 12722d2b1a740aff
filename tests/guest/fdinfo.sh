#!/bin/sh
# vm: --mem 256M --swap 256M --timeout 180
# DRM fdinfo (Documentation/gpu/drm-usage-stats.rst) of a gpusim client,
# filled by the core (gem_reclaim_show_memory_stats()), cross-checked with
# the bos table rows of the client's pid before and after reclaim:
# - a discard-on-reclaim BO and a normal one of 8 MiB, both filled by the
#   GPU: drm-total-memory 16 MiB = the rows' sizes, drm-resident-memory =
#   the rows' resident bytes, drm-purgeable-memory the discard BO's 8 MiB,
#   drm-total-swap 0;
# - after a shrink request takes both: drm-resident-memory 0, the discard
#   BO no longer purgeable (nothing left to purge), drm-total-swap the
#   swapped BO's 8 MiB = the rows in state swapped; drm-total-memory
#   unchanged;
# - the client then finds the discarded BO zeroed and the other intact.
. /tests/guest/lib.sh
reclaim_require

echo 0 >"$K/idle_threshold_ms"
echo 0 >"$K/min_resident_mb"
echo "discard swapout" >"$K/policy"
mib=1048576

gpusim-wl -s 11 discard 8M /tmp/go.$$ >/tmp/wl 2>&1 &
wl=$!
wait_line /tmp/wl '^filled=1' 120
fd=$(ls -l /proc/$wl/fd | awk '/\/dev\/dri\// { print $9; exit }')
[ -n "$fd" ] || fail "no DRM fd in /proc/$wl/fd"
fdinfo=/proc/$wl/fdinfo/$fd
cat "$fdinfo"

# fdi KEY: the value of fdinfo KEY in bytes (units KiB/MiB), or "none"
fdi() {
	awk -v k="$1:" '$1 == k { v = $2; if ($3 == "KiB") v *= 1024; if ($3 == "MiB") v *= 1048576
		print v; found = 1 } END { if (!found) print "none" }' "$fdinfo"
}
# rows COLUMN [STATE]: COLUMN summed over the bos rows of the client (in
# STATE if given); columns by name, counted from the end after comm
rows() {
	awk -v pid="$wl" -v s="$1" -v st="${2:-}" '
	function col(n) { return n > cc ? $(NF - H + n) : $n }
	NR == 1 { H = NF; for (i = 1; i <= NF; i++) c[$i] = i; cc = c["comm"]; next }
	col(c["pid"]) == pid && (st == "" || col(c["state"]) == st) { t += col(c[s]) }
	END { print t + 0 }' "$R/bos"
}

expect_eq "drm-total-memory = the client's BO sizes" "$(fdi drm-total-memory)" "$(rows size)"
expect_eq "drm-total-memory" "$(fdi drm-total-memory)" $((16 * mib))
expect_eq "drm-resident-memory = the rows' resident bytes" "$(fdi drm-resident-memory)" "$(rows resident)"
expect_eq "drm-resident-memory, both filled" "$(fdi drm-resident-memory)" $((16 * mib))
expect_eq "drm-purgeable-memory, the discard BO" "$(fdi drm-purgeable-memory)" $((8 * mib))
expect_eq "drm-total-swap before reclaim" "$(fdi drm-total-swap)" 0

echo 100000 >"$R/shrink" || fail "shrink request failed"
cat "$fdinfo"
grep " $wl " "$R/bos"
expect_eq "drm-resident-memory after reclaim = the rows'" "$(fdi drm-resident-memory)" "$(rows resident)"
expect_eq "drm-resident-memory after reclaim" "$(fdi drm-resident-memory)" 0
expect_eq "drm-purgeable-memory after the discard" "$(fdi drm-purgeable-memory)" 0
expect_eq "drm-total-swap = the rows in state swapped" "$(fdi drm-total-swap)" "$(rows size swapped)"
expect_eq "drm-total-swap after reclaim" "$(fdi drm-total-swap)" $((8 * mib))
expect_eq "drm-total-memory after reclaim" "$(fdi drm-total-memory)" $((16 * mib))

touch /tmp/go.$$
wait_line /tmp/wl '^result=' 120
cat /tmp/wl
grep -q '^a_state=discarded a_content_lost=1 b_state=swapped' /tmp/wl ||
	fail "the client did not see A discarded and B swapped: $(grep a_state /tmp/wl)"
wait $wl || fail "gpusim-wl discard failed: $(tail -n 2 /tmp/wl)"
rm -f /tmp/go.$$
gpusim_counters_zero
