#!/bin/sh
# vm: --mem 256M --swap 512M --timeout 300 --cpus 4 --cmdline slub_debug=FZPU
# madvise (panfrost/msm purgeable) BOs: DRM_IOCTL_GPUSIM_BO_MADVISE on the
# reclaim core's gem_reclaim_object_madvise(), through gpusim-hostile:
#  - madvise-purge: a DONTNEED BO holding a pattern is purged by a shrink
#    request (chain "discard"): WILLNEED then says retained=0, CPU reads of
#    its mappings get SIGBUS, a GPU VERIFY of it faults at its address (a
#    control BO of the same VM still verifies), VM_BIND and export of it
#    fail, stats count its pages as discarded (discard_reclaimed,
#    discarded_bytes), the bos file shows it discarded with the p flag,
#    fdinfo counted it purgeable before.
#  - madvise-retain: DONTNEED then WILLNEED before reclaim: retained=1,
#    nothing purgeable in fdinfo, and the full chain swaps it out (not
#    purged); CPU and GPU read back every word, twice.
#  - madvise-errors: export of a DONTNEED BO fails, DONTNEED of an exported
#    (or re-imported) one fails, bad madv / pad give EINVAL, a bad handle
#    ENOENT, a discard-on-reclaim BO takes no madvise; nothing changed.
#  - madvise-race: 4 threads toggle DONTNEED/WILLNEED on their BOs, read
#    them (CPU and GPU) and replace them, while a shrink hammer runs and a
#    churn process creates and closes discard-on-reclaim BOs, on 4 vCPUs
#    with slub_debug: a DONTNEED BO reads its pattern or SIGBUS/GPU fault,
#    never zeros; every BO last madvised WILLNEED with retained=1 holds its
#    pattern word for word at the end; some BOs were purged and some
#    DONTNEED ones retained (else the run proves nothing).
# Afterwards every gpusim object is freed and the gauges are back to zero.
. /tests/guest/lib.sh
reclaim_require
command -v gpusim-hostile >/dev/null || skip "gpusim-hostile not built"

secs=20
[ "${GR_KERNEL:-stock}" = debug ] && secs=10
echo 0 >"$K/idle_threshold_ms"

run() { # NAME CMD...
	name=$1
	shift
	"$@" >/tmp/madv.$name 2>&1
	rc=$?
	cat /tmp/madv.$name
	[ $rc -eq 0 ] || fail "gpusim-hostile $name exited $rc: $(grep -m1 FAILED /tmp/madv.$name)"
	grep -q '^result=pass' /tmp/madv.$name || fail "$name: no result=pass"
}

echo discard >"$K/policy"
run purge gpusim-hostile -s 0x5eed1 madvise-purge 4M
expect_eq "discarded_bytes after purge test" "$(rstat discarded_bytes)" 0

echo "discard idle-vm-first swapout" >"$K/policy"
run retain gpusim-hostile -s 0x5eed2 madvise-retain 4M
run errors gpusim-hostile -s 0x5eed3 madvise-errors

gpusim-hostile -s 0x5eed5 churn 1 "$secs" 128K 4 >/tmp/madv.churn 2>&1 &
churn=$!
run race gpusim-hostile -s 0x5eed4 madvise-race 4 "$secs"
wait $churn || { cat /tmp/madv.churn; fail "churn beside the race failed"; }
tail -n 3 /tmp/madv.churn

gpusim_counters_zero
for g in resident_bytes swapped_bytes discarded_bytes reclaimable_bytes; do
	expect_eq "$g at the end" "$(rstat $g)" 0
done
