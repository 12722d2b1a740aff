#!/bin/sh
# vm: --mem 256M --swap 256M --timeout 180
# Hostile clients against reclaim, one process at a time (gpusim-hostile):
#  - dmabuf-mmap: a BO mmapped through its exported dma-buf fd and through
#    the DRM file, touched, then reclaimed (a normal BO with policy swapout,
#    a discard-on-reclaim BO with policy discard); other BOs created after
#    the reclaim take the freed pages; both mappings are read, then written
#    through the dma-buf mapping. Passes only if both mappings and a GPU
#    VERIFY see the BO's own data word for word (zeros if it was discarded),
#    every other BO is intact by CPU and GPU checks, and a control BO that
#    was not exported was reclaimed by the same request.
#  - share: a BO in two processes (dma-buf fd over a unix socket) and three
#    VMs on three DRM files, reclaimed between fills and verifies.
#  - fork: mappings of both kinds inherited by a child, reclaim and other
#    BOs in between, the child exits during shrink requests.
#  - sizes: zero, odd, huge and out-of-range sizes, binds and mmaps beyond
#    the BO or at its end fail with the expected errno and change nothing.
# Every object is freed afterwards.
. /tests/guest/lib.sh
reclaim_require
command -v gpusim-hostile >/dev/null || skip "gpusim-hostile not built"

echo 0 >"$K/idle_threshold_ms"
echo "discard idle-vm-first swapout" >"$K/policy"
seed=$(date +%s)
note "seed $seed"
victims=64M
[ "${GR_KERNEL:-stock}" = debug ] && victims=24M
rc=0

# hostile NAME ARGS...: run one subcommand, keep going on failure
hostile() {
	name=$1
	shift
	gpusim-hostile -s "$seed" "$@" >/tmp/hostile.$name 2>&1
	r=$?
	cat /tmp/hostile.$name
	if [ $r -ne 0 ] || ! grep -q '^result=pass' /tmp/hostile.$name; then
		echo "FAIL: gpusim-hostile $* exited $r"
		rc=1
	else
		note "gpusim-hostile $name passed"
	fi
	gpusim_counters_zero
}

hostile dmabuf-mmap dmabuf-mmap 1M $victims both
hostile share share 1M
hostile fork fork 1M
# again with BOs in 2 MiB folios (gem_reclaim's DOC: Huge pages)
thp0=$(vmstat thp_file_alloc)
hostile dmabuf-mmap-huge dmabuf-mmap 4M $victims both
hostile share-huge share 4M
hostile fork-huge fork 4M
expect_gt "huge folios allocated for the 4 MiB rounds" "$(vmstat thp_file_alloc)" "$thp0"
hostile sizes sizes
echo "discard idle-vm-first swapout" >"$K/policy"
grep -v ' 0$' "$R/stats"
[ $rc -eq 0 ] || fail "a hostile client saw another BO's data or a wrong errno (above)"
