#!/bin/sh
# vm: --mem 256M --timeout 240
# gpusim's memory model, end to end through the render node:
# - data written through a CPU mmap is seen by a GPU verify, GPU fills are
#   seen through the mmap, and a verify against the wrong seed is caught;
# - one BO mapped in two VMs: what one VM writes the other reads;
# - an mmap inherited across fork(): the child reads the parent's GPU fill
#   and its writes are seen by a GPU verify; mmap counts follow;
# - the tiler heap grows by chunks, holds data, refuses growth past its
#   maximum, and its VA range cannot be bound by userspace;
# - a BO exported as a dma-buf is the same memory through the dma-buf mmap;
# - a VM is active while its jobs run and idle after, its idle time grows,
#   and another VM's activity is its own;
# - a small "browser tabs" pattern (6 VMs x 8 BOs, 2 in the foreground)
#   keeps every word right, checked by the GPU and through mmap;
# - thousands of back-to-back submits with an out-syncobj complete cleanly;
# - after every process has exited, gpusim's object counters are zero.
. /tests/guest/lib.sh
gpusim_require

wl_run /tmp/coh -s 0x1234 coherency 1M
wl_run /tmp/coh2 -s 0x77 coherency 12K
wl_run /tmp/shared -s 0x99 shared 2M
wl_run /tmp/fork -s 0x42 fork 1M
expect_eq "child mmap count" "$(wl_get /tmp/fork child_mmap_count)" 2
wl_run /tmp/prime -s 0x31 prime 256K
wl_run /tmp/act activity 16M
wl_run /tmp/heap heap 8
# Back-to-back NOP jobs with an out-syncobj race the worker completing them
# (a fence use-after-free once, caught as refcount WARNINGs).
wl_run /tmp/sync bench-submit 1,1 64 40
wl_run /tmp/tabs -s 0xabc tabs 6 8 256K 20 2
expect_eq "tabs mismatches" "$(wl_get /tmp/tabs mismatches)" 0
expect_eq "heap chunks" "$(wl_get /tmp/heap heap_chunks)" 8
gpusim_counters_zero
