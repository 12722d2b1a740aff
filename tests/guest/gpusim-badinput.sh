#!/bin/sh
# vm: --mem 256M --timeout 120
# Every gpusim ioctl rejects bad input (sizes, alignment, overflow, flags,
# handles, VA ranges, overlaps, limits) with the errno documented in
# include/uapi/drm/gpusim_drm.h, and the well-formed neighbour of each case
# succeeds; nothing is logged at warning level (the harness checks).
. /tests/guest/lib.sh
gpusim_require

wl_run /tmp/bad badinput
grep -q '=FAILED' /tmp/bad && fail "bad-input cases failed"
gpusim_counters_zero
