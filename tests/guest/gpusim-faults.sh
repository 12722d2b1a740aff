#!/bin/sh
# vm: --mem 256M --timeout 120
# GPU accesses to unmapped VAs are GPU faults: the job fails with status
# "fault" and the exact faulting VA (nothing mapped; a fill running off the
# end of a mapping; a copy from an unmapped source; a hole punched by an
# unmap; the second command of a job; every page of a 32 MiB mapping after
# its unmap, whose page-table walk resumes after dropping its lock), and
# the kernel logs no warning.
. /tests/guest/lib.sh
gpusim_require

wl_run /tmp/fault fault
expect_eq "unmapped VA" "$(wl_get /tmp/fault unmapped_fault_va)" 0x100000008
expect_eq "past the end" "$(wl_get /tmp/fault past_end_fault_va)" 0x100010000
expect_eq "hole" "$(wl_get /tmp/fault hole_fault_va)" 0x100004000
expect_eq "failed command index" "$(wl_get /tmp/fault second_cmd_failed_cmd)" 1
expect_eq "pages probed after a 32 MiB unmap" "$(wl_get /tmp/fault big_unmap_pages)" 8192
expect_eq "pages still mapped after it" "$(wl_get /tmp/fault big_unmap_still_mapped)" 0
gpusim_counters_zero
