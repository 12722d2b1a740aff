// SPDX-License-Identifier: MIT
/*
 * gpusim-wl: workloads and checks on the gpusim simulated GPU.
 *
 *   gpusim-wl [-d /dev/dri/renderDN] [-s SEED] COMMAND [ARGS]
 *
 * Prints "key=value" lines; the last line is "result=pass" or
 * "result=fail reason=...". Exit status: 0 pass, 1 check failed, 2 usage,
 * 3 device or ioctl error.
 *
 * Commands (sizes accept K, M, G suffixes):
 *   coherency [SIZE]        CPU mmap writes seen by a GPU verify, GPU fills
 *                           seen through mmap, sub-range verify
 *   shared [SIZE]           one BO mapped in two VMs: fill in one, verify in
 *                           the other, both ways
 *   fork [SIZE]             mmap inherited across fork(): child verifies the
 *                           parent's GPU fill and writes, parent GPU-verifies
 *   activity [SIZE]         a VM is active while its jobs run, idle after,
 *                           with a growing idle time; other VMs unaffected
 *   prime [SIZE]            a BO exported as dma-buf: same memory through the
 *                           dma-buf mmap, re-import gives the same handle
 *   lazy TOTAL BO_SIZE      create TOTAL bytes of BOs, check no memory is
 *                           used, then touch one BO and check it is resident
 *   tabs TABS BOS SIZE ROUNDS [ACTIVE]
 *                           "browser tabs": TABS VMs with BOS BOs each,
 *                           filled by the GPU; ACTIVE foreground tabs verify
 *                           and refill on the GPU each round while the CPU
 *                           checks background tabs through mmap; everything
 *                           is verified both ways at the end
 *   badinput                every ioctl rejects bad input with its errno
 *   fault                   GPU accesses to unmapped VAs fail with the VA
 *   heap CHUNKS             grow the tiler heap, fill and verify it, then
 *                           check growth past the maximum fails
 *   bench-submit COUNTS PER_ROUND ROUNDS
 *                           one VM per count in COUNTS (e.g. 1,100,10000)
 *                           with that many 4 KiB BOs mapped; time NOP
 *                           submits, interleaving the VMs round by round
 *   hold SECONDS SIZE       create, map and fill a BO, then sleep (tests
 *                           kill the process to check cleanup)
 *   sparse VMS TOTAL BO_SIZE [WAITFILE [cpu|gpu [ROUNDS]]]
 *                           reclaim integrity: TOTAL bytes of BOs over VMS
 *                           VMs (consecutive BOs share a VM, so one VM's
 *                           BOs are used together); each page holds 64
 *                           pattern bytes (a seed per BO) then zeros, so
 *                           zram swap can hold more than RAM; half filled
 *                           by the GPU, half through mmap; after WAITFILE
 *                           exists, every page checked by GPU VERIFY and
 *                           every word through mmap (with "cpu", through
 *                           mmap first: a CPU fault restores a swapped BO);
 *                           with ROUNDS, again after each of
 *                           WAITFILE.2 .. WAITFILE.ROUNDS exists (the test
 *                           evicts in between; "round=N" when round N is
 *                           verified), GPU first
 *   cgroup-share SIZE CGROUP_PROCS WAITFILE1 WAITFILE2
 *                           two BOs created here, first used by a forked
 *                           child that moves itself into another cgroup
 *                           (writes its pid to CGROUP_PROCS) and reaches
 *                           them through dma-buf only: it binds and
 *                           GPU-fills one, CPU-fills the other through the
 *                           dma-buf mmap, prints touched=1; after
 *                           WAITFILE1 checks both (GPU VERIFY, mmap),
 *                           prints child_verified=1, exits after
 *                           WAITFILE2; then this process checks both on
 *                           its own VM and mmaps
 *   bench-reclaim SIZE SHRINK_FILE NBOS PAIRS
 *                           reclaim benchmarks (tests/bench/reclaim.sh):
 *                           PAIRS rounds of anon (THP and not) vs BO
 *                           (huge pages and not) swap-out and swap-in,
 *                           discard, and tab switches (a VM's 24 MiB of
 *                           BOs restored at submit, restore ahead on and
 *                           off, against 24 MiB of anon memory touched),
 *                           in alternating order; shrink latency with
 *                           NBOS BOs
 *   survive SIZE WAITFILE gpu|nogpu
 *                           a BO mapped on the GPU and the CPU, filled both
 *                           ways; after WAITFILE exists (the test reclaims
 *                           it, or takes the reclaim core or the whole
 *                           device away meanwhile), reports the BO's state,
 *                           then checks every word: with "gpu" by GPU
 *                           VERIFY first (which restores a swapped BO),
 *                           then a new GPU mapping of the BO, GPU fill and
 *                           mmap checks; with "nogpu" (device unplugged)
 *                           through mmap only, and ioctls must fail ENODEV
 *   discard SIZE [WAITFILE] a DISCARD_ON_RECLAIM BO and a normal one, both
 *                           filled; after WAITFILE exists (the test reclaims
 *                           meanwhile), reports content_lost and checks the
 *                           discarded BO reads zeros on the CPU and the GPU
 *                           and the other BO kept its content
 *   visits SIZE DIR         a BO of SIZE in a VM of its own, GPU-filled;
 *                           then for N = 1, 2, ...: when DIR/visit.N
 *                           exists, one GPU VERIFY of the whole BO (a
 *                           "visit": the VM is active, then idle again,
 *                           and a swapped-out BO is restored), prints
 *                           visited=N; exits when DIR/quit exists
 *   bind-huge SIZE [WAITFILE]
 *                           VM_BIND a BO of SIZE (the test makes it larger
 *                           than the memory available); reports bind_errno,
 *                           the BO's state and resident bytes and MemAvailable
 *                           and MemFree before and after the bind; with
 *                           WAITFILE, prints bound=1 and keeps the BO until
 *                           WAITFILE exists. Passes when the bind failed
 *                           with ENOMEM and left the BO unbacked
 *   huge-frag SIZE NBOS RESERVE
 *                           huge-page BOs before and after fragmenting
 *                           memory (all of it but RESERVE, one 4 KiB page
 *                           in 16 kept): NBOS BOs of SIZE per phase,
 *                           the share in huge pages, the allocation
 *                           latency, every word checked
 *   fault-huge SIZE SECONDS mmap a BO of SIZE and touch its first byte in a
 *                           thread; reports how the touch ended
 *                           (fault=sigbus|ok|signal|hang: still faulting
 *                           after SECONDS), fault_ms, the BO's
 *                           resident bytes and MemAvailable before and
 *                           after. Passes on sigbus
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "libgpusim.h"
#include "tool.h"

#define VA_A	0x100000000ull	/* 4 GiB */
#define VA_B	0x200000000ull
#define VA_C	0x300000000ull

static struct gpusim_dev dev;
static void usage(void);
static uint64_t seed = 0x5eed;

static void print_job(const char *prefix, const struct drm_gpusim_job_wait *w)
{
	printf("%s_status=%s\n", prefix, gpusim_job_status_name(w->status));
	if (w->status == DRM_GPUSIM_JOB_FAULT || w->status == DRM_GPUSIM_JOB_MISMATCH)
		printf("%s_fault_va=0x%" PRIx64 "\n", prefix, (uint64_t)w->fault_va);
	if (w->status == DRM_GPUSIM_JOB_MISMATCH)
		printf("%s_expected=0x%" PRIx64 " %s_actual=0x%" PRIx64 "\n", prefix,
		       (uint64_t)w->expected, prefix, (uint64_t)w->actual);
	if (w->status == DRM_GPUSIM_JOB_ERROR)
		printf("%s_error=%u\n", prefix, w->error);
}

static void expect_done(const char *what, const struct drm_gpusim_job_wait *w)
{
	print_job(what, w);
	if (w->status != DRM_GPUSIM_JOB_DONE)
		fail(what);
}

static uint32_t new_bo(uint64_t size, uint32_t flags)
{
	uint32_t h;

	CHECK_CALL(gpusim_bo_create(&dev, size, flags, &h));
	return h;
}

static void *map_bo(uint32_t h, uint64_t size)
{
	void *p;

	CHECK_CALL(gpusim_bo_mmap(&dev, h, size, &p));
	return p;
}

static int cmd_coherency(uint64_t size)
{
	struct drm_gpusim_job_wait w;
	uint64_t first = 0, bad;
	uint32_t vm, bo;
	void *p;

	printf("seed=0x%" PRIx64 " size=%" PRIu64 "\n", seed, size);
	CHECK_CALL(gpusim_vm_create(&dev, &vm));
	bo = new_bo(size, 0);
	CHECK_CALL(gpusim_vm_map(&dev, vm, bo, 0, VA_A, size));
	p = map_bo(bo, size);

	/* CPU writes, GPU verifies (whole range, then a sub-range). */
	gpusim_cpu_fill(p, size, seed, 0);
	CHECK_CALL(gpusim_gpu_verify(&dev, vm, VA_A, size, seed, 0, &w));
	expect_done("cpu_to_gpu", &w);
	CHECK_CALL(gpusim_gpu_verify(&dev, vm, VA_A + size / 2 + 8, size / 4, seed,
				     size / 2 + 8, &w));
	expect_done("cpu_to_gpu_subrange", &w);

	/* A verify against the wrong seed must report a mismatch. */
	CHECK_CALL(gpusim_gpu_verify(&dev, vm, VA_A, size, seed + 1, 0, &w));
	print_job("wrong_seed", &w);
	if (w.status != DRM_GPUSIM_JOB_MISMATCH || w.fault_va != VA_A)
		fail("wrong_seed_not_detected");

	/* GPU fills, CPU verifies through the same mapping. */
	CHECK_CALL(gpusim_gpu_fill(&dev, vm, VA_A, size, seed + 2, 0, &w));
	expect_done("gpu_fill", &w);
	bad = gpusim_cpu_verify(p, size, seed + 2, 0, &first);
	printf("gpu_to_cpu_mismatches=%" PRIu64 "\n", bad);
	if (bad)
		fail("gpu_to_cpu");

	/* GPU copy of the first half onto the second, seen by the CPU. */
	{
		struct drm_gpusim_cmd c = {
			.op = DRM_GPUSIM_CMD_COPY, .va = VA_A + size / 2,
			.src_va = VA_A, .size = size / 2,
		};

		CHECK_CALL(gpusim_run(&dev, vm, &c, &w));
		expect_done("copy", &w);
		bad = gpusim_cpu_verify((char *)p + size / 2, size / 2, seed + 2, 0, NULL);
		printf("copy_mismatches=%" PRIu64 "\n", bad);
		if (bad)
			fail("copy");
	}
	munmap(p, size);
	printf("result=pass\n");
	return 0;
}

static int cmd_shared(uint64_t size)
{
	struct drm_gpusim_job_wait w;
	struct drm_gpusim_bo_query q;
	uint32_t vm1, vm2, bo;

	printf("seed=0x%" PRIx64 " size=%" PRIu64 "\n", seed, size);
	CHECK_CALL(gpusim_vm_create(&dev, &vm1));
	CHECK_CALL(gpusim_vm_create(&dev, &vm2));
	bo = new_bo(size, 0);
	CHECK_CALL(gpusim_vm_map(&dev, vm1, bo, 0, VA_A, size));
	CHECK_CALL(gpusim_vm_map(&dev, vm2, bo, 0, VA_B, size));
	CHECK_CALL(gpusim_bo_query(&dev, bo, &q));
	printf("gpu_map_count=%u\n", q.gpu_map_count);
	if (q.gpu_map_count != 2)
		fail("gpu_map_count");

	CHECK_CALL(gpusim_gpu_fill(&dev, vm1, VA_A, size, seed, 0, &w));
	expect_done("fill_vm1", &w);
	CHECK_CALL(gpusim_gpu_verify(&dev, vm2, VA_B, size, seed, 0, &w));
	expect_done("verify_vm2", &w);
	CHECK_CALL(gpusim_gpu_fill(&dev, vm2, VA_B + size / 2, size / 2, seed + 7, size / 2, &w));
	expect_done("fill_vm2", &w);
	CHECK_CALL(gpusim_gpu_verify(&dev, vm1, VA_A + size / 2, size / 2, seed + 7, size / 2, &w));
	expect_done("verify_vm1", &w);
	CHECK_CALL(gpusim_gpu_verify(&dev, vm1, VA_A, size / 2, seed, 0, &w));
	expect_done("verify_vm1_untouched", &w);

	/* Destroying one VM leaves the other's mapping working. */
	CHECK_CALL(gpusim_vm_destroy(&dev, vm2));
	CHECK_CALL(gpusim_bo_query(&dev, bo, &q));
	printf("gpu_map_count_after_destroy=%u\n", q.gpu_map_count);
	if (q.gpu_map_count != 1)
		fail("gpu_map_count_after_destroy");
	CHECK_CALL(gpusim_gpu_verify(&dev, vm1, VA_A, size / 2, seed, 0, &w));
	expect_done("verify_after_destroy", &w);
	printf("result=pass\n");
	return 0;
}

static int cmd_fork(uint64_t size)
{
	struct drm_gpusim_job_wait w;
	struct drm_gpusim_bo_query q;
	uint32_t vm, bo;
	int status;
	pid_t pid;
	void *p;

	printf("seed=0x%" PRIx64 " size=%" PRIu64 "\n", seed, size);
	CHECK_CALL(gpusim_vm_create(&dev, &vm));
	bo = new_bo(size, 0);
	CHECK_CALL(gpusim_vm_map(&dev, vm, bo, 0, VA_A, size));
	p = map_bo(bo, size);
	CHECK_CALL(gpusim_gpu_fill(&dev, vm, VA_A, size, seed, 0, &w));
	expect_done("parent_fill", &w);

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork", -errno);
	if (pid == 0) {
		uint64_t bad = gpusim_cpu_verify(p, size / 2, seed, 0, NULL);

		if (gpusim_bo_query(&dev, bo, &q))
			_exit(3);
		printf("child_mmap_count=%u\n", q.mmap_count);
		printf("child_mismatches=%" PRIu64 "\n", bad);
		gpusim_cpu_fill((char *)p + size / 2, size / 2, seed + 1, size / 2);
		fflush(stdout);
		_exit(bad || q.mmap_count != 2 ? 1 : 0);
	}
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid", -errno);
	printf("child_exit=%d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		fail("child");

	CHECK_CALL(gpusim_bo_query(&dev, bo, &q));
	printf("parent_mmap_count=%u\n", q.mmap_count);
	if (q.mmap_count != 1)
		fail("mmap_count_after_child_exit");
	CHECK_CALL(gpusim_gpu_verify(&dev, vm, VA_A + size / 2, size / 2, seed + 1, size / 2, &w));
	expect_done("verify_child_write", &w);
	munmap(p, size);
	CHECK_CALL(gpusim_bo_query(&dev, bo, &q));
	printf("mmap_count_after_munmap=%u\n", q.mmap_count);
	if (q.mmap_count != 0)
		fail("mmap_count_after_munmap");
	printf("result=pass\n");
	return 0;
}

/*
 * PRIME: a BO exported as a dma-buf is the same memory through the dma-buf's
 * own mmap, imports back to the same handle, and is refused (not crashed
 * on) by a second gpusim device, which imports no foreign buffers.
 */
static int cmd_prime(uint64_t size)
{
	struct drm_gpusim_job_wait w;
	uint32_t vm, bo, back;
	int fd, ret;
	void *p;

	printf("seed=0x%" PRIx64 " size=%" PRIu64 "\n", seed, size);
	CHECK_CALL(gpusim_vm_create(&dev, &vm));
	bo = new_bo(size, 0);
	CHECK_CALL(gpusim_vm_map(&dev, vm, bo, 0, VA_A, size));
	CHECK_CALL(drmPrimeHandleToFD(dev.fd, bo, DRM_CLOEXEC | DRM_RDWR, &fd) ? -errno : 0);
	CHECK_CALL(drmPrimeFDToHandle(dev.fd, fd, &back) ? -errno : 0);
	printf("reimport_same_handle=%d\n", back == bo);
	if (back != bo)
		fail("reimport_handle");

	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("dmabuf_mmap", -errno);
	CHECK_CALL(gpusim_gpu_fill(&dev, vm, VA_A, size, seed, 0, &w));
	expect_done("gpu_fill", &w);
	printf("dmabuf_mismatches=%" PRIu64 "\n", gpusim_cpu_verify(p, size, seed, 0, NULL));
	if (gpusim_cpu_verify(p, size, seed, 0, NULL))
		fail("dmabuf_read");
	gpusim_cpu_fill(p, size, seed + 3, 0);
	CHECK_CALL(gpusim_gpu_verify(&dev, vm, VA_A, size, seed + 3, 0, &w));
	expect_done("dmabuf_write_gpu_verify", &w);
	munmap(p, size);

	/* Another gpusim device, if there is one: a render node not ours. */
	for (int minor = 128; minor < 192; minor++) {
		struct gpusim_dev other;
		char node[64];

		snprintf(node, sizeof(node), "/dev/dri/renderD%d", minor);
		if (!strcmp(node, dev.path) || gpusim_open(&other, node))
			continue;
		ret = drmPrimeFDToHandle(other.fd, fd, &back) ? -errno : 0;
		printf("foreign_import_errno=%d\n", -ret);
		gpusim_close(&other);
		if (!ret)
			fail("foreign_import_accepted");
		break;
	}
	close(fd);
	printf("result=pass\n");
	return 0;
}

/*
 * VM activity: a VM is active from submit until its last job completes,
 * then idle with a growing idle time; another VM's jobs do not touch it.
 */
static int cmd_activity(uint64_t size)
{
	struct drm_gpusim_cmd c[8];
	struct drm_gpusim_vm_query q1, q2;
	struct drm_gpusim_job_wait w;
	uint32_t vm1, vm2, bo, job, i;

	CHECK_CALL(gpusim_vm_create(&dev, &vm1));
	CHECK_CALL(gpusim_vm_create(&dev, &vm2));
	bo = new_bo(size, 0);
	CHECK_CALL(gpusim_vm_map(&dev, vm1, bo, 0, VA_A, size));
	usleep(100000);
	CHECK_CALL(gpusim_vm_query(&dev, vm1, &q1));
	printf("initial_active=%u initial_idle_ms=%" PRIu64 "\n",
	       q1.flags & DRM_GPUSIM_VM_ACTIVE, (uint64_t)q1.idle_ms);
	if (q1.flags & DRM_GPUSIM_VM_ACTIVE)
		fail("active_before_submit");

	/* A long job: several fills of the whole BO. */
	for (i = 0; i < 8; i++)
		c[i] = (struct drm_gpusim_cmd){ .op = DRM_GPUSIM_CMD_FILL, .va = VA_A,
						.size = size, .seed = seed + i };
	CHECK_CALL(gpusim_submit(&dev, vm1, c, 8, 0, 0, &job));
	CHECK_CALL(gpusim_vm_query(&dev, vm1, &q1));
	CHECK_CALL(gpusim_vm_query(&dev, vm2, &q2));
	printf("during_active=%u other_vm_active=%u\n", q1.flags & DRM_GPUSIM_VM_ACTIVE,
	       q2.flags & DRM_GPUSIM_VM_ACTIVE);
	if (!(q1.flags & DRM_GPUSIM_VM_ACTIVE))
		fail("not_active_during_job");
	if (q2.flags & DRM_GPUSIM_VM_ACTIVE)
		fail("other_vm_active");
	CHECK_CALL(gpusim_job_wait(&dev, job, -1, &w));
	expect_done("job", &w);
	CHECK_CALL(gpusim_vm_query(&dev, vm1, &q1));
	printf("after_active=%u\n", q1.flags & DRM_GPUSIM_VM_ACTIVE);
	if (q1.flags & DRM_GPUSIM_VM_ACTIVE)
		fail("active_after_job");
	usleep(300000);
	CHECK_CALL(gpusim_vm_query(&dev, vm1, &q1));
	CHECK_CALL(gpusim_vm_query(&dev, vm2, &q2));
	printf("idle_ms_after_300ms=%" PRIu64 " other_vm_idle_ms=%" PRIu64 "\n",
	       (uint64_t)q1.idle_ms, (uint64_t)q2.idle_ms);
	if (q1.idle_ms < 250 || q2.idle_ms <= q1.idle_ms)
		fail("idle_ms");
	printf("mapped_bytes=%" PRIu64 "\n", (uint64_t)q1.mapped_bytes);
	if (q1.mapped_bytes != size)
		fail("mapped_bytes");
	printf("result=pass\n");
	return 0;
}

static unsigned int bad_failures, bad_cases;

/* One bad-input case: the call must fail with exactly @want (0: succeed). */
static void expect_errno(const char *name, int ret, int want)
{
	bad_cases++;
	if (ret == -want) {
		printf("case %s=ok\n", name);
		return;
	}
	bad_failures++;
	printf("case %s=FAILED want=%s got=%s\n", name, want ? strerrorname_np(want) : "0",
	       ret ? strerrorname_np(-ret) : "0");
}

static int ioctl_err(unsigned long req, void *arg)
{
	return drmIoctl(dev.fd, req, arg) ? -errno : 0;
}

static int bind_raw(uint32_t vm, uint32_t op, uint32_t handle, uint64_t bo_offset,
		    uint64_t va, uint64_t size, uint32_t flags)
{
	struct drm_gpusim_vm_bind b = {
		.vm_id = vm, .op = op, .handle = handle, .flags = flags,
		.bo_offset = bo_offset, .va = va, .size = size,
	};

	return ioctl_err(DRM_IOCTL_GPUSIM_VM_BIND, &b);
}

static int submit_one(uint32_t vm, struct drm_gpusim_cmd c)
{
	return gpusim_submit(&dev, vm, &c, 1, DRM_GPUSIM_SUBMIT_NO_STATUS, 0, NULL);
}

/*
 * Every ioctl rejects bad input with the documented errno (see the uAPI
 * header), and the well-formed neighbour of each bad call succeeds.
 */
static int cmd_badinput(void)
{
	const uint64_t A = VA_A, P = 4096;
	struct drm_gpusim_bo_create bc;
	struct drm_gpusim_vm_create vc;
	struct drm_gpusim_vm_destroy vd;
	struct drm_gpusim_bo_mmap_offset mo;
	struct drm_gpusim_job_wait w;
	struct drm_gpusim_cmd c;
	uint32_t vm, bo, nommap, job, i;
	void *p;

	CHECK_CALL(gpusim_vm_create(&dev, &vm));

	/* BO_CREATE */
	bc = (struct drm_gpusim_bo_create){ .size = 0 };
	expect_errno("bo_create_size_0", ioctl_err(DRM_IOCTL_GPUSIM_BO_CREATE, &bc), EINVAL);
	bc = (struct drm_gpusim_bo_create){ .size = GPUSIM_BO_MAX_SIZE + 1 };
	expect_errno("bo_create_too_big", ioctl_err(DRM_IOCTL_GPUSIM_BO_CREATE, &bc), E2BIG);
	bc = (struct drm_gpusim_bo_create){ .size = UINT64_MAX };
	expect_errno("bo_create_size_max", ioctl_err(DRM_IOCTL_GPUSIM_BO_CREATE, &bc), E2BIG);
	bc = (struct drm_gpusim_bo_create){ .size = P, .flags = 1u << 2 };
	expect_errno("bo_create_bad_flag", ioctl_err(DRM_IOCTL_GPUSIM_BO_CREATE, &bc), EINVAL);
	bc = (struct drm_gpusim_bo_create){ .size = 1 };
	expect_errno("bo_create_size_1", ioctl_err(DRM_IOCTL_GPUSIM_BO_CREATE, &bc), 0);
	expect_errno("bo_create_rounds_up", bc.size == P ? 0 : -EINVAL, 0);
	bo = bc.handle;
	nommap = new_bo(P, DRM_GPUSIM_BO_NO_MMAP);

	/* MMAP_OFFSET, mmap */
	mo = (struct drm_gpusim_bo_mmap_offset){ .handle = nommap };
	expect_errno("mmap_offset_no_mmap", ioctl_err(DRM_IOCTL_GPUSIM_BO_MMAP_OFFSET, &mo), EPERM);
	mo = (struct drm_gpusim_bo_mmap_offset){ .handle = 0xdead };
	expect_errno("mmap_offset_bad_handle", ioctl_err(DRM_IOCTL_GPUSIM_BO_MMAP_OFFSET, &mo), ENOENT);
	mo = (struct drm_gpusim_bo_mmap_offset){ .handle = bo, .pad = 1 };
	expect_errno("mmap_offset_pad", ioctl_err(DRM_IOCTL_GPUSIM_BO_MMAP_OFFSET, &mo), EINVAL);
	mo = (struct drm_gpusim_bo_mmap_offset){ .handle = bo };
	expect_errno("mmap_offset", ioctl_err(DRM_IOCTL_GPUSIM_BO_MMAP_OFFSET, &mo), 0);
	p = mmap(NULL, P, PROT_READ | PROT_WRITE, MAP_PRIVATE, dev.fd, (off_t)mo.offset);
	expect_errno("mmap_private", p == MAP_FAILED ? -errno : 0, EINVAL);
	if (p != MAP_FAILED)
		munmap(p, P);
	p = mmap(NULL, 2 * P, PROT_READ | PROT_WRITE, MAP_SHARED, dev.fd, (off_t)mo.offset);
	expect_errno("mmap_longer_than_bo", p == MAP_FAILED ? -errno : 0, EINVAL);
	if (p != MAP_FAILED)
		munmap(p, 2 * P);

	/* BO_QUERY */
	{
		struct drm_gpusim_bo_query q = { .handle = 0xdead };

		expect_errno("bo_query_bad_handle", ioctl_err(DRM_IOCTL_GPUSIM_BO_QUERY, &q), ENOENT);
	}

	/* VM_CREATE, VM_DESTROY, VM_QUERY */
	vc = (struct drm_gpusim_vm_create){ .flags = 1 };
	expect_errno("vm_create_flags", ioctl_err(DRM_IOCTL_GPUSIM_VM_CREATE, &vc), EINVAL);
	vc = (struct drm_gpusim_vm_create){ .heap_chunk_size = 3000 };
	expect_errno("vm_create_chunk_not_pow2", ioctl_err(DRM_IOCTL_GPUSIM_VM_CREATE, &vc), EINVAL);
	vc = (struct drm_gpusim_vm_create){ .heap_chunk_size = 2048 };
	expect_errno("vm_create_chunk_small", ioctl_err(DRM_IOCTL_GPUSIM_VM_CREATE, &vc), EINVAL);
	vc = (struct drm_gpusim_vm_create){ .heap_chunk_size = 4u << 20 };
	expect_errno("vm_create_chunk_big", ioctl_err(DRM_IOCTL_GPUSIM_VM_CREATE, &vc), EINVAL);
	vc = (struct drm_gpusim_vm_create){ .heap_max_chunks = 4097 };
	expect_errno("vm_create_too_many_chunks", ioctl_err(DRM_IOCTL_GPUSIM_VM_CREATE, &vc), E2BIG);
	vd = (struct drm_gpusim_vm_destroy){ .vm_id = 0xdead };
	expect_errno("vm_destroy_unknown", ioctl_err(DRM_IOCTL_GPUSIM_VM_DESTROY, &vd), ENOENT);
	vd = (struct drm_gpusim_vm_destroy){ .vm_id = 0 };
	expect_errno("vm_destroy_0", ioctl_err(DRM_IOCTL_GPUSIM_VM_DESTROY, &vd), EINVAL);
	vd = (struct drm_gpusim_vm_destroy){ .vm_id = vm, .pad = 1 };
	expect_errno("vm_destroy_pad", ioctl_err(DRM_IOCTL_GPUSIM_VM_DESTROY, &vd), EINVAL);
	{
		struct drm_gpusim_vm_query q;

		expect_errno("vm_query_unknown", gpusim_vm_query(&dev, 0xdead, &q), ENOENT);
	}

	/* VM_BIND */
	expect_errno("bind_unknown_vm", bind_raw(0xdead, 0, bo, 0, A, P, 0), ENOENT);
	expect_errno("bind_bad_handle", bind_raw(vm, 0, 0xdead, 0, A, P, 0), ENOENT);
	expect_errno("bind_flags", bind_raw(vm, 0, bo, 0, A, P, 1), EINVAL);
	expect_errno("bind_bad_op", bind_raw(vm, 2, bo, 0, A, P, 0), EINVAL);
	expect_errno("bind_va_unaligned", bind_raw(vm, 0, bo, 0, A + 8, P, 0), EINVAL);
	expect_errno("bind_size_unaligned", bind_raw(vm, 0, bo, 0, A, P - 8, 0), EINVAL);
	expect_errno("bind_size_0", bind_raw(vm, 0, bo, 0, A, 0, 0), EINVAL);
	expect_errno("bind_offset_unaligned", bind_raw(vm, 0, bo, 8, A, P, 0), EINVAL);
	expect_errno("bind_va_0", bind_raw(vm, 0, bo, 0, 0, P, 0), EINVAL);
	expect_errno("bind_below_user_start", bind_raw(vm, 0, bo, 0, GPUSIM_USER_VA_START - P, P, 0), EINVAL);
	expect_errno("bind_crosses_user_end", bind_raw(vm, 0, bo, 0, GPUSIM_USER_VA_END - P, 2 * P, 0), EINVAL);
	expect_errno("bind_in_heap", bind_raw(vm, 0, bo, 0, GPUSIM_HEAP_VA, P, 0), EINVAL);
	expect_errno("bind_va_overflow", bind_raw(vm, 0, bo, 0, UINT64_MAX - P + 1, 2 * P, 0), EOVERFLOW);
	expect_errno("bind_past_bo_end", bind_raw(vm, 0, bo, P, A, P, 0), EINVAL);
	expect_errno("bind_bo_range_overflow", bind_raw(vm, 0, bo, UINT64_MAX - P + 1, A, P, 0), EOVERFLOW);
	expect_errno("bind_unmap_with_handle", bind_raw(vm, 1, bo, 0, A, P, 0), EINVAL);
	expect_errno("bind_unmap_with_offset", bind_raw(vm, 1, 0, P, A, P, 0), EINVAL);
	expect_errno("bind_map", bind_raw(vm, 0, bo, 0, A, P, 0), 0);
	expect_errno("bind_overlap", bind_raw(vm, 0, bo, 0, A, P, 0), EEXIST);
	expect_errno("bind_unmap_empty", bind_raw(vm, 1, 0, 0, A + 16 * P, P, 0), 0);

	/* SUBMIT */
	c = (struct drm_gpusim_cmd){ .op = DRM_GPUSIM_CMD_FILL, .va = A, .size = P, .seed = 1 };
	expect_errno("submit_ok", submit_one(vm, c), 0);
	expect_errno("submit_unknown_vm", submit_one(0xdead, c), ENOENT);
	{
		struct drm_gpusim_submit sb = {
			.vm_id = vm, .cmds = (uintptr_t)&c, .cmd_count = 1,
			.cmd_stride = sizeof(c),
		};

		sb.cmd_count = 0;
		expect_errno("submit_count_0", ioctl_err(DRM_IOCTL_GPUSIM_SUBMIT, &sb), EINVAL);
		sb.cmd_count = GPUSIM_MAX_CMDS + 1;
		expect_errno("submit_count_max", ioctl_err(DRM_IOCTL_GPUSIM_SUBMIT, &sb), EINVAL);
		sb.cmd_count = 1;
		sb.cmd_stride = sizeof(c) - 8;
		expect_errno("submit_stride", ioctl_err(DRM_IOCTL_GPUSIM_SUBMIT, &sb), EINVAL);
		sb.cmd_stride = sizeof(c);
		sb.flags = 2;
		expect_errno("submit_flags", ioctl_err(DRM_IOCTL_GPUSIM_SUBMIT, &sb), EINVAL);
		sb.flags = 0;
		sb.cmds = 8;
		expect_errno("submit_bad_pointer", ioctl_err(DRM_IOCTL_GPUSIM_SUBMIT, &sb), EFAULT);
		sb.cmds = (uintptr_t)&c;
		sb.out_sync = 0xdead;
		expect_errno("submit_bad_syncobj", ioctl_err(DRM_IOCTL_GPUSIM_SUBMIT, &sb), ENOENT);
	}
	c.op = 99;
	expect_errno("cmd_bad_op", submit_one(vm, c), EINVAL);
	c.op = DRM_GPUSIM_CMD_FILL;
	c.flags = 1;
	expect_errno("cmd_flags", submit_one(vm, c), EINVAL);
	c.flags = 0;
	c.va = A + 4;
	expect_errno("cmd_va_unaligned", submit_one(vm, c), EINVAL);
	c.va = A;
	c.size = 12;
	expect_errno("cmd_size_unaligned", submit_one(vm, c), EINVAL);
	c.size = 0;
	expect_errno("cmd_size_0", submit_one(vm, c), EINVAL);
	c.size = P;
	c.va = GPUSIM_VA_END - 8;
	expect_errno("cmd_past_va_end", submit_one(vm, c), EINVAL);
	c.va = A;
	c.pattern_offset = UINT64_MAX - 7;
	expect_errno("cmd_pattern_overflow", submit_one(vm, c), EOVERFLOW);
	c.pattern_offset = 4;
	expect_errno("cmd_pattern_unaligned", submit_one(vm, c), EINVAL);
	c.pattern_offset = 0;
	c.src_va = A;
	expect_errno("cmd_fill_with_src", submit_one(vm, c), EINVAL);
	c = (struct drm_gpusim_cmd){ .op = DRM_GPUSIM_CMD_COPY, .va = A, .src_va = A + 8, .size = 64 };
	expect_errno("cmd_copy_overlap", submit_one(vm, c), EINVAL);
	c = (struct drm_gpusim_cmd){ .op = DRM_GPUSIM_CMD_HEAP_GROW };
	expect_errno("cmd_heap_grow_0", submit_one(vm, c), EINVAL);
	c = (struct drm_gpusim_cmd){ .op = DRM_GPUSIM_CMD_NOP, .va = A };
	expect_errno("cmd_nop_with_args", submit_one(vm, c), EINVAL);

	/* JOB_WAIT */
	memset(&w, 0, sizeof(w));
	w.job_id = 0xdead;
	expect_errno("wait_unknown", ioctl_err(DRM_IOCTL_GPUSIM_JOB_WAIT, &w), ENOENT);
	c = (struct drm_gpusim_cmd){ .op = DRM_GPUSIM_CMD_FILL, .va = A, .size = P, .seed = 1 };
	CHECK_CALL(gpusim_submit(&dev, vm, &c, 1, 0, 0, &job));
	w = (struct drm_gpusim_job_wait){ .job_id = job, .flags = 4 };
	expect_errno("wait_flags", ioctl_err(DRM_IOCTL_GPUSIM_JOB_WAIT, &w), EINVAL);
	w = (struct drm_gpusim_job_wait){ .job_id = job, .flags = DRM_GPUSIM_WAIT_BLOCK,
					  .timeout_ns = -1 };
	expect_errno("wait_negative_timeout", ioctl_err(DRM_IOCTL_GPUSIM_JOB_WAIT, &w), EINVAL);
	w = (struct drm_gpusim_job_wait){ .job_id = job, .timeout_ns = 5 };
	expect_errno("wait_timeout_without_block", ioctl_err(DRM_IOCTL_GPUSIM_JOB_WAIT, &w), EINVAL);
	expect_errno("wait_ok", gpusim_job_wait(&dev, job, -1, &w), 0);
	expect_errno("wait_released", gpusim_job_wait(&dev, job, -1, &w), ENOENT);

	/* A job still running at the timeout: ETIME. */
	{
		uint32_t big = new_bo(32 << 20, 0);
		struct drm_gpusim_cmd f[16];

		CHECK_CALL(gpusim_vm_map(&dev, vm, big, 0, VA_B, 32 << 20));
		for (i = 0; i < 16; i++)
			f[i] = (struct drm_gpusim_cmd){ .op = DRM_GPUSIM_CMD_FILL, .va = VA_B,
							.size = 32 << 20, .seed = i };
		CHECK_CALL(gpusim_submit(&dev, vm, f, 16, 0, 0, &job));
		expect_errno("wait_etime", gpusim_job_wait(&dev, job, 1000, &w), ETIME);
		expect_errno("wait_after_etime", gpusim_job_wait(&dev, job, -1, &w), 0);
	}

	/* Too many unread statuses: EBUSY, then fine again after reading. */
	{
		static uint32_t ids[GPUSIM_MAX_JOBS];
		struct drm_gpusim_cmd nop = { .op = DRM_GPUSIM_CMD_NOP };
		int ret = 0;

		for (i = 0; i < GPUSIM_MAX_JOBS && !ret; i++)
			ret = gpusim_submit(&dev, vm, &nop, 1, 0, 0, &ids[i]);
		expect_errno("jobs_up_to_max", ret, 0);
		expect_errno("jobs_past_max", gpusim_submit(&dev, vm, &nop, 1, 0, 0, &job), EBUSY);
		for (i = 0; i < GPUSIM_MAX_JOBS; i++)
			gpusim_job_wait(&dev, ids[i], -1, &w);
		expect_errno("jobs_after_drain", gpusim_submit(&dev, vm, &nop, 1, 0, 0, &job), 0);
		gpusim_job_wait(&dev, job, -1, &w);
	}

	printf("cases=%u failures=%u\n", bad_cases, bad_failures);
	if (bad_failures)
		fail("bad_input_errnos");
	printf("result=pass\n");
	return 0;
}

/*
 * "Browser tabs": TABS VMs, each with BOS BOs of SIZE bytes, all filled by
 * the GPU with a seed per (tab, BO, generation). Then ROUNDS rounds in which
 * the first ACTIVE tabs are "in the foreground": each verifies one of its BOs
 * on the GPU and refills it with the next generation, while one background
 * tab's BO is checked by the CPU through mmap. At the end every BO is checked
 * by the GPU and through mmap. Any mismatch fails, with the tab, BO, seed and
 * VA. The seed of every BO derives from -s, so a failure is reproducible.
 */
struct tab_bo {
	uint32_t handle;
	uint32_t gen;
	void *map;
};

static uint64_t tab_seed(uint32_t t, uint32_t b, uint32_t gen)
{
	return gpusim_pattern(seed, ((uint64_t)t << 40) | ((uint64_t)b << 20) | gen);
}

static int tab_check(uint32_t *vms, struct tab_bo *bos, uint32_t nbos, uint64_t size,
		     uint64_t stride, uint32_t t, uint32_t b, int cpu)
{
	struct tab_bo *tb = &bos[(size_t)t * nbos + b];
	uint64_t sd = tab_seed(t, b, tb->gen), first = 0;
	struct drm_gpusim_job_wait w;

	if (cpu) {
		if (!gpusim_cpu_verify(tb->map, size, sd, 0, &first))
			return 0;
		printf("mismatch tab=%u bo=%u seed=0x%" PRIx64 " via=cpu offset=0x%" PRIx64 "\n",
		       t, b, sd, first);
		return 1;
	}
	CHECK_CALL(gpusim_gpu_verify(&dev, vms[t], VA_A + b * stride, size, sd, 0, &w));
	if (w.status == DRM_GPUSIM_JOB_DONE)
		return 0;
	printf("mismatch tab=%u bo=%u seed=0x%" PRIx64 " via=gpu status=%s va=0x%" PRIx64 "\n",
	       t, b, sd, gpusim_job_status_name(w.status), (uint64_t)w.fault_va);
	return 1;
}

static void tab_fill(uint32_t *vms, struct tab_bo *bos, uint32_t nbos, uint64_t size,
		     uint64_t stride, uint32_t t, uint32_t b)
{
	struct tab_bo *tb = &bos[(size_t)t * nbos + b];
	struct drm_gpusim_job_wait w;

	CHECK_CALL(gpusim_gpu_fill(&dev, vms[t], VA_A + b * stride, size,
				   tab_seed(t, b, tb->gen), 0, &w));
	expect_done("tab_fill", &w);
}

static int cmd_tabs(uint32_t ntabs, uint32_t nbos, uint64_t size, uint32_t rounds,
		    uint32_t active)
{
	uint64_t stride = (size + 0xffff) & ~0xffffull, t0 = gpusim_now_ns();
	unsigned long mismatches = 0, gpu_checks = 0, cpu_checks = 0;
	struct tab_bo *bos;
	uint32_t *vms, t, b, r;

	if (!ntabs || !nbos || !size || size % 8 || active > ntabs)
		usage();
	vms = calloc(ntabs, sizeof(*vms));
	bos = calloc((size_t)ntabs * nbos, sizeof(*bos));
	if (!vms || !bos)
		die("alloc", -ENOMEM);
	printf("seed=0x%" PRIx64 " tabs=%u bos_per_tab=%u bo_size=%" PRIu64 " rounds=%u active=%u\n",
	       seed, ntabs, nbos, size, rounds, active);

	for (t = 0; t < ntabs; t++) {
		CHECK_CALL(gpusim_vm_create(&dev, &vms[t]));
		for (b = 0; b < nbos; b++) {
			struct tab_bo *tb = &bos[(size_t)t * nbos + b];

			tb->handle = new_bo(size, 0);
			CHECK_CALL(gpusim_vm_map(&dev, vms[t], tb->handle, 0, VA_A + b * stride, size));
			tb->map = map_bo(tb->handle, size);
			tab_fill(vms, bos, nbos, size, stride, t, b);
		}
	}
	printf("setup_ms=%" PRIu64 " total_bytes=%" PRIu64 "\n", (gpusim_now_ns() - t0) / 1000000,
	       (uint64_t)ntabs * nbos * size);

	for (r = 0; r < rounds; r++) {
		for (t = 0; t < active; t++) {
			b = (r + t) % nbos;
			mismatches += tab_check(vms, bos, nbos, size, stride, t, b, 0);
			gpu_checks++;
			bos[(size_t)t * nbos + b].gen++;
			tab_fill(vms, bos, nbos, size, stride, t, b);
		}
		if (ntabs > active) {
			t = active + r % (ntabs - active);
			mismatches += tab_check(vms, bos, nbos, size, stride, t, r % nbos, 1);
			cpu_checks++;
		}
	}
	for (t = 0; t < ntabs; t++)
		for (b = 0; b < nbos; b++) {
			mismatches += tab_check(vms, bos, nbos, size, stride, t, b, 0);
			mismatches += tab_check(vms, bos, nbos, size, stride, t, b, 1);
			gpu_checks++;
			cpu_checks++;
		}
	printf("gpu_checks=%lu cpu_checks=%lu mismatches=%lu elapsed_ms=%" PRIu64 "\n",
	       gpu_checks, cpu_checks, mismatches, (gpusim_now_ns() - t0) / 1000000);
	for (t = 0; t < ntabs; t++)
		for (b = 0; b < nbos; b++)
			munmap(bos[(size_t)t * nbos + b].map, size);
	free(bos);
	free(vms);
	if (mismatches)
		fail("mismatches");
	printf("result=pass\n");
	return 0;
}

static long meminfo_kb(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	long v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(key);

		if (!strncmp(line, key, n) && line[n] == ':') {
			v = strtol(line + n + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

static void print_mem(const char *when)
{
	printf("%s_memavailable_kb=%ld %s_memfree_kb=%ld\n", when,
	       meminfo_kb("MemAvailable"), when, meminfo_kb("MemFree"));
	fflush(stdout);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* A bind that cannot be backed must fail with ENOMEM and leave nothing behind. */
static int cmd_bind_huge(uint64_t size, const char *waitfile)
{
	struct drm_gpusim_bo_query q;
	uint32_t vm, bo;
	long start;
	int ret;

	CHECK_CALL(gpusim_vm_create(&dev, &vm));
	bo = new_bo(size, 0);
	printf("pid=%d bo_size=%" PRIu64 "\n", (int)getpid(), size);
	print_mem("before");
	/* Let whoever reads this output take it in while memory is plentiful. */
	usleep(300 * 1000);
	start = now_ms();
	ret = gpusim_vm_map(&dev, vm, bo, 0, VA_A, size);
	printf("bind_errno=%d bind_ms=%ld\n", -ret, now_ms() - start);
	CHECK_CALL(gpusim_bo_query(&dev, bo, &q));
	printf("state_after_bind=%s resident_after_bind=%" PRIu64 "\n",
	       gpusim_bo_state_name(q.state), (uint64_t)q.resident_bytes);
	print_mem("after_bind");
	if (waitfile) {
		printf("bound=1\n");
		fflush(stdout);
		while (access(waitfile, F_OK))
			usleep(100 * 1000);
	}
	if (ret != -ENOMEM)
		fail("bind_not_enomem");
	if (q.resident_bytes || q.state != DRM_GPUSIM_BO_STATE_UNBACKED)
		fail("backed_after_failed_bind");
	printf("result=pass\n");
	return 0;
}

/*
 * A CPU fault on a BO that cannot be backed must end in SIGBUS, not in an
 * OOM kill nor a fault retried forever. The touch runs in a thread that
 * catches the signal, so that a fault that never ends can be bounded and
 * reported; not in a child process, whose copy-on-write pages would make
 * the parent allocate (and invoke the OOM killer) while memory is short.
 */
static sigjmp_buf touch_jmp;
static volatile sig_atomic_t touch_sig;

static void touch_signal(int sig)
{
	touch_sig = sig;
	siglongjmp(touch_jmp, 1);
}

struct touch {
	volatile char *p;
	int done;	/* 1: the write went through, 2: a signal ended it */
};

static void *touch_thread(void *arg)
{
	struct touch *t = arg;
	volatile char stack[32768];

	/* The signal frame goes on this stack: have it backed beforehand. */
	memset((char *)stack, 0, sizeof(stack));
	if (!sigsetjmp(touch_jmp, 1)) {
		t->p[0] = 1;
		__atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
	} else {
		__atomic_store_n(&t->done, 2, __ATOMIC_RELEASE);
	}
	return NULL;
}

static int cmd_fault_huge(uint64_t size, unsigned int seconds)
{
	struct sigaction sa = { .sa_handler = touch_signal };
	struct touch t = { 0 };
	struct drm_gpusim_bo_query q;
	const char *how;
	pthread_t thread;
	long start;
	uint32_t bo;
	int done;

	bo = new_bo(size, 0);
	t.p = map_bo(bo, size);
	printf("pid=%d bo_size=%" PRIu64 "\n", (int)getpid(), size);
	print_mem("before");
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	start = now_ms();
	if (pthread_create(&thread, NULL, touch_thread, &t))
		die("pthread_create", -EAGAIN);
	while (!(done = __atomic_load_n(&t.done, __ATOMIC_ACQUIRE)) &&
	       now_ms() - start <= seconds * 1000L)
		usleep(50 * 1000);
	if (!done)
		how = "hang";	/* the thread dies with the process */
	else if (done == 1)
		how = "ok";
	else
		how = touch_sig == SIGBUS ? "sigbus" : "signal";
	printf("fault=%s fault_ms=%ld", how, now_ms() - start);
	if (done == 2)
		printf(" fault_signal=%d", (int)touch_sig);
	printf("\n");
	if (done)
		pthread_join(thread, NULL);
	CHECK_CALL(gpusim_bo_query(&dev, bo, &q));
	printf("state_after_fault=%s resident_after_fault=%" PRIu64 "\n",
	       gpusim_bo_state_name(q.state), (uint64_t)q.resident_bytes);
	print_mem("after_fault");
	if (strcmp(how, "sigbus"))
		fail("fault_not_sigbus");
	printf("result=pass\n");
	return 0;
}

static int cmd_lazy(uint64_t total, uint64_t bo_size)
{
	uint64_t n = total / bo_size, i, resident = 0;
	struct drm_gpusim_bo_query q;
	long before, after, touched;
	uint32_t *bos, vm;
	void *p;

	bos = calloc(n, sizeof(*bos));
	if (!bos || !n)
		die("alloc", -ENOMEM);
	CHECK_CALL(gpusim_vm_create(&dev, &vm));
	before = meminfo_kb("MemAvailable");
	for (i = 0; i < n; i++)
		bos[i] = new_bo(bo_size, 0);
	for (i = 0; i < n; i++) {
		CHECK_CALL(gpusim_bo_query(&dev, bos[i], &q));
		resident += q.resident_bytes;
		if (q.state != DRM_GPUSIM_BO_STATE_UNBACKED)
			fail("bo_not_unbacked");
	}
	after = meminfo_kb("MemAvailable");
	printf("bos=%" PRIu64 " bo_size=%" PRIu64 " total_bytes=%" PRIu64 "\n", n, bo_size, n * bo_size);
	printf("resident_bytes=%" PRIu64 "\n", resident);
	printf("memavailable_before_kb=%ld memavailable_after_kb=%ld\n", before, after);
	printf("memavailable_drop_kb=%ld\n", before - after);
	if (resident)
		fail("resident_after_create");
	/* Allow 16 MiB of noise (page tables, slab, shmem inodes). */
	if (before - after > 16 * 1024)
		fail("memory_used_after_create");

	/* One CPU touch makes exactly that BO resident. */
	p = map_bo(bos[0], bo_size);
	CHECK_CALL(gpusim_bo_query(&dev, bos[0], &q));
	printf("state_after_mmap=%s\n", gpusim_bo_state_name(q.state));
	if (q.resident_bytes)
		fail("mmap_populated");
	((volatile char *)p)[0] = 1;
	CHECK_CALL(gpusim_bo_query(&dev, bos[0], &q));
	touched = meminfo_kb("MemAvailable");
	printf("state_after_touch=%s resident_after_touch=%" PRIu64 "\n",
	       gpusim_bo_state_name(q.state), (uint64_t)q.resident_bytes);
	printf("memavailable_drop_after_touch_kb=%ld\n", before - touched);
	if (q.state != DRM_GPUSIM_BO_STATE_RESIDENT || q.resident_bytes != bo_size)
		fail("touch_not_resident");
	CHECK_CALL(gpusim_bo_query(&dev, bos[1 % n], &q));
	if (n > 1 && q.resident_bytes)
		fail("other_bo_resident");

	/* A GPU map makes a BO resident as well. */
	if (n > 1) {
		CHECK_CALL(gpusim_vm_map(&dev, vm, bos[1], 0, VA_A, bo_size));
		CHECK_CALL(gpusim_bo_query(&dev, bos[1], &q));
		printf("state_after_gpu_map=%s\n", gpusim_bo_state_name(q.state));
		if (q.resident_bytes != bo_size)
			fail("gpu_map_not_resident");
	}
	munmap(p, bo_size);
	free(bos);
	printf("result=pass\n");
	return 0;
}

static int cmd_fault(void)
{
	struct drm_gpusim_job_wait w;
	uint64_t size = 64 * 1024;
	uint32_t vm, bo;

	CHECK_CALL(gpusim_vm_create(&dev, &vm));
	bo = new_bo(size, 0);

	/* Nothing mapped: the first word faults. */
	CHECK_CALL(gpusim_gpu_fill(&dev, vm, VA_A + 8, 64, seed, 0, &w));
	print_job("unmapped", &w);
	if (w.status != DRM_GPUSIM_JOB_FAULT || w.fault_va != VA_A + 8)
		fail("unmapped_fault");

	/* A fill running off the end of a mapping faults at the first page past it. */
	CHECK_CALL(gpusim_vm_map(&dev, vm, bo, 0, VA_A, size));
	CHECK_CALL(gpusim_gpu_fill(&dev, vm, VA_A + size - 16, 64, seed, 0, &w));
	print_job("past_end", &w);
	if (w.status != DRM_GPUSIM_JOB_FAULT || w.fault_va != VA_A + size)
		fail("past_end_fault");

	/* A copy from an unmapped source faults on the source. */
	{
		struct drm_gpusim_cmd c = {
			.op = DRM_GPUSIM_CMD_COPY, .va = VA_A, .src_va = VA_B + 4096,
			.size = 4096,
		};

		CHECK_CALL(gpusim_run(&dev, vm, &c, &w));
		print_job("copy_src", &w);
		if (w.status != DRM_GPUSIM_JOB_FAULT || w.fault_va != VA_B + 4096)
			fail("copy_src_fault");
	}

	/* After unmapping a page in the middle, that page faults. */
	CHECK_CALL(gpusim_vm_unmap(&dev, vm, VA_A + 16384, 4096));
	CHECK_CALL(gpusim_gpu_fill(&dev, vm, VA_A, size, seed, 0, &w));
	print_job("hole", &w);
	if (w.status != DRM_GPUSIM_JOB_FAULT || w.fault_va != VA_A + 16384)
		fail("hole_fault");
	/* The failed command was the first (index 0) of a multi-command job. */
	{
		struct drm_gpusim_cmd c[2] = {
			{ .op = DRM_GPUSIM_CMD_FILL, .va = VA_A, .size = 4096, .seed = seed },
			{ .op = DRM_GPUSIM_CMD_VERIFY, .va = VA_A + 12288, .size = 8192,
			  .seed = seed, .pattern_offset = 12288 },
		};
		uint32_t job;

		CHECK_CALL(gpusim_submit(&dev, vm, c, 2, 0, 0, &job));
		CHECK_CALL(gpusim_job_wait(&dev, job, -1, &w));
		print_job("second_cmd", &w);
		printf("second_cmd_failed_cmd=%u\n", w.failed_cmd);
		if (w.status != DRM_GPUSIM_JOB_FAULT || w.failed_cmd != 1 ||
		    w.fault_va != VA_A + 16384)
			fail("second_cmd_fault");
	}
	/* The remaining mappings still work. */
	CHECK_CALL(gpusim_gpu_fill(&dev, vm, VA_A, 16384, seed, 0, &w));
	expect_done("before_hole", &w);
	CHECK_CALL(gpusim_gpu_verify(&dev, vm, VA_A + 20480, size - 20480, seed, 20480, &w));
	if (w.status != DRM_GPUSIM_JOB_MISMATCH)
		print_job("after_hole_unfilled", &w);

	/*
	 * A large unmap leaves no page mapped. The page table is cleared in
	 * one walk that drops its lock every 4096 entries; a walk that
	 * resumed at the wrong index would leave PTEs to pages the BO may
	 * free. 32 MiB at a 16 MiB-aligned VA: the first resumption comes
	 * right after a whole leaf node and its parent were freed. Every page
	 * is probed, one job each (a job stops at its first fault).
	 */
	{
		uint64_t big = 32ull << 20, pg, mapped = 0;
		uint32_t bbo = new_bo(big, 0);

		CHECK_CALL(gpusim_vm_map(&dev, vm, bbo, 0, VA_C, big));
		CHECK_CALL(gpusim_gpu_fill(&dev, vm, VA_C, big, seed, 0, &w));
		expect_done("big_fill", &w);
		CHECK_CALL(gpusim_vm_unmap(&dev, vm, VA_C, big));
		for (pg = 0; pg < big / 4096; pg++) {
			CHECK_CALL(gpusim_gpu_fill(&dev, vm, VA_C + pg * 4096, 8, seed, 0, &w));
			if (w.status != DRM_GPUSIM_JOB_FAULT || w.fault_va != VA_C + pg * 4096) {
				if (!mapped++)
					fprintf(stderr, "big unmap: page %" PRIu64 " still mapped\n", pg);
			}
		}
		printf("big_unmap_pages=%" PRIu64 " big_unmap_still_mapped=%" PRIu64 "\n",
		       big / 4096, mapped);
		if (mapped)
			fail("big_unmap_still_mapped");
	}
	printf("result=pass\n");
	return 0;
}

static int cmd_heap(uint32_t chunks)
{
	struct drm_gpusim_vm_create vc;
	struct drm_gpusim_vm_query vq;
	struct drm_gpusim_job_wait w;
	struct drm_gpusim_cmd grow = { .op = DRM_GPUSIM_CMD_HEAP_GROW, .size = chunks };
	uint64_t bytes;

	CHECK_CALL(gpusim_vm_create_heap(&dev, 0, chunks, &vc));
	printf("heap_va=0x%" PRIx64 " chunk_size=%u max_chunks=%u\n",
	       (uint64_t)vc.heap_va, vc.heap_chunk_size, vc.heap_max_chunks);
	bytes = (uint64_t)chunks * vc.heap_chunk_size;

	/* Before growth the heap VA faults. */
	CHECK_CALL(gpusim_gpu_fill(&dev, vc.vm_id, vc.heap_va, 64, seed, 0, &w));
	print_job("before_grow", &w);
	if (w.status != DRM_GPUSIM_JOB_FAULT || w.fault_va != vc.heap_va)
		fail("heap_before_grow");

	CHECK_CALL(gpusim_run(&dev, vc.vm_id, &grow, &w));
	expect_done("grow", &w);
	printf("heap_chunks=%" PRIu64 "\n", (uint64_t)w.heap_chunks);
	if (w.heap_chunks != chunks)
		fail("heap_chunks");
	CHECK_CALL(gpusim_gpu_fill(&dev, vc.vm_id, vc.heap_va, bytes, seed, 0, &w));
	expect_done("heap_fill", &w);
	CHECK_CALL(gpusim_gpu_verify(&dev, vc.vm_id, vc.heap_va, bytes, seed, 0, &w));
	expect_done("heap_verify", &w);

	CHECK_CALL(gpusim_vm_query(&dev, vc.vm_id, &vq));
	printf("heap_resident_bytes=%" PRIu64 "\n", (uint64_t)vq.heap_resident_bytes);
	if (vq.heap_resident_bytes != bytes)
		fail("heap_resident_bytes");

	/* Growth past the maximum fails with ENOSPC. */
	grow.size = 1;
	CHECK_CALL(gpusim_run(&dev, vc.vm_id, &grow, &w));
	print_job("overgrow", &w);
	if (w.status != DRM_GPUSIM_JOB_ERROR || w.error != ENOSPC)
		fail("overgrow");

	/* The heap region is not user-bindable. */
	{
		uint32_t bo = new_bo(4096, 0);
		int ret = gpusim_vm_map(&dev, vc.vm_id, bo, 0, vc.heap_va + bytes, 4096);

		printf("bind_in_heap_errno=%d\n", -ret);
		if (ret != -EINVAL)
			fail("bind_in_heap");
	}
	printf("result=pass\n");
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Cost of one submit ioctl (a one-NOP job) on VMs with different numbers of
 * 4 KiB BOs mapped. One VM per count in COUNTS (comma separated); ROUNDS
 * rounds, each doing PER_ROUND timed submits on every VM in turn, so that
 * drift of the (emulated) machine hits every VM alike. Each VM's submits
 * are waited for through a syncobj outside the timed region after every
 * batch of 64. Prints per-VM median, mean and p90 in ns and the median of
 * each VM divided by the first VM's median.
 */
struct bench_vm {
	uint32_t vm, sync, nbos;
	uint64_t *t;
	size_t n;
};

static void bench_batch(struct bench_vm *b, uint32_t count, int timed)
{
	struct drm_gpusim_cmd nop = { .op = DRM_GPUSIM_CMD_NOP };
	uint32_t i;
	uint64_t t0;

	for (i = 0; i < count; i++) {
		t0 = gpusim_now_ns();
		CHECK_CALL(gpusim_submit(&dev, b->vm, &nop, 1, DRM_GPUSIM_SUBMIT_NO_STATUS,
					 b->sync, NULL));
		if (timed)
			b->t[b->n++] = gpusim_now_ns() - t0;
		if (i % 64 == 63)
			CHECK_CALL(drmSyncobjWait(dev.fd, &b->sync, 1, INT64_MAX, 0, NULL) ? -errno : 0);
	}
	CHECK_CALL(drmSyncobjWait(dev.fd, &b->sync, 1, INT64_MAX, 0, NULL) ? -errno : 0);
}

static int cmd_bench_submit(const char *counts, uint32_t per_round, uint32_t rounds)
{
	struct bench_vm b[8];
	uint32_t nvm = 0, i, r;
	uint64_t base = 0;
	const char *c = counts;

	while (*c && nvm < 8) {
		char *end;

		b[nvm].nbos = (uint32_t)strtoul(c, &end, 0);
		nvm++;
		c = *end == ',' ? end + 1 : end;
		if (end == c && *c)
			usage();
	}
	for (i = 0; i < nvm; i++) {
		uint64_t t0 = gpusim_now_ns();
		uint32_t k;

		b[i].t = calloc((size_t)per_round * rounds, sizeof(uint64_t));
		b[i].n = 0;
		if (!b[i].t)
			die("alloc", -ENOMEM);
		CHECK_CALL(gpusim_vm_create(&dev, &b[i].vm));
		for (k = 0; k < b[i].nbos; k++) {
			uint32_t bo = new_bo(4096, 0);

			CHECK_CALL(gpusim_vm_map(&dev, b[i].vm, bo, 0,
						 VA_A + (uint64_t)k * 8192, 4096));
		}
		CHECK_CALL(drmSyncobjCreate(dev.fd, 0, &b[i].sync) ? -errno : 0);
		printf("vm%u_bos=%u setup_ms=%" PRIu64 "\n", i, b[i].nbos,
		       (gpusim_now_ns() - t0) / 1000000);
		bench_batch(&b[i], 256, 0);	/* warm up */
	}
	for (r = 0; r < rounds; r++)
		for (i = 0; i < nvm; i++)
			bench_batch(&b[(i + r) % nvm], per_round, 1);

	for (i = 0; i < nvm; i++) {
		uint64_t sum = 0, med;
		size_t k;

		for (k = 0; k < b[i].n; k++)
			sum += b[i].t[k];
		qsort(b[i].t, b[i].n, sizeof(uint64_t), cmp_u64);
		med = b[i].t[b[i].n / 2];
		if (!i)
			base = med;
		printf("bos=%u submits=%zu submit_ns_median=%" PRIu64 " submit_ns_mean=%" PRIu64
		       " submit_ns_p90=%" PRIu64 " ratio_vs_%u=%.3f\n", b[i].nbos, b[i].n, med,
		       sum / b[i].n, b[i].t[b[i].n * 9 / 10], b[0].nbos,
		       base ? (double)med / (double)base : 0.0);
		drmSyncobjDestroy(dev.fd, b[i].sync);
		free(b[i].t);
	}
	printf("result=pass\n");
	return 0;
}

static int cmd_hold(unsigned int seconds, uint64_t size)
{
	struct drm_gpusim_job_wait w;
	uint32_t vm, bo;
	void *p;

	CHECK_CALL(gpusim_vm_create(&dev, &vm));
	bo = new_bo(size, 0);
	CHECK_CALL(gpusim_vm_map(&dev, vm, bo, 0, VA_A, size));
	p = map_bo(bo, size);
	CHECK_CALL(gpusim_gpu_fill(&dev, vm, VA_A, size, seed, 0, &w));
	expect_done("fill", &w);
	/* Leave a long job queued so that exit has something to cancel. */
	{
		struct drm_gpusim_cmd c = {
			.op = DRM_GPUSIM_CMD_VERIFY, .va = VA_A, .size = size, .seed = seed,
		};
		uint32_t i;

		for (i = 0; i < 64; i++)
			CHECK_CALL(gpusim_submit(&dev, vm, &c, 1, 0, 0, NULL));
	}
	printf("holding=1\n");
	fflush(stdout);
	sleep(seconds);
	(void)p;
	printf("result=pass\n");
	return 0;
}

static void wait_for_file(const char *path)
{
	if (!path)
		return;
	printf("waiting=%s\n", path);
	fflush(stdout);
	while (access(path, F_OK))
		usleep(100000);
}

static void cpu_check(const char *what, const void *p, uint64_t size, uint64_t s)
{
	uint64_t first = 0, bad = gpusim_cpu_verify(p, size, s, 0, &first);

	printf("%s_mismatches=%" PRIu64 "\n", what, bad);
	if (bad) {
		printf("%s_first_bad=0x%" PRIx64 "\n", what, first);
		fail(what);
	}
}

static int cmd_survive(uint64_t size, const char *waitfile, const char *mode)
{
	struct drm_gpusim_job_wait w;
	struct drm_gpusim_bo_query q;
	uint32_t vm, bo;
	int gpu, ret;
	void *p;

	if (!strcmp(mode, "gpu"))
		gpu = 1;
	else if (!strcmp(mode, "nogpu"))
		gpu = 0;
	else
		usage();
	printf("seed=0x%" PRIx64 " size=%" PRIu64 "\n", seed, size);
	CHECK_CALL(gpusim_vm_create(&dev, &vm));
	bo = new_bo(size, 0);
	CHECK_CALL(gpusim_vm_map(&dev, vm, bo, 0, VA_A, size));
	p = map_bo(bo, size);
	CHECK_CALL(gpusim_bo_query(&dev, bo, &q));
	printf("create_flags=%u\n", q.create_flags);

	/* GPU writes, CPU reads; CPU writes, GPU reads. */
	CHECK_CALL(gpusim_gpu_fill(&dev, vm, VA_A, size, seed, 0, &w));
	expect_done("gpu_fill", &w);
	cpu_check("gpu_to_cpu", p, size, seed);
	gpusim_cpu_fill(p, size, seed + 1, 0);
	CHECK_CALL(gpusim_gpu_verify(&dev, vm, VA_A, size, seed + 1, 0, &w));
	expect_done("cpu_to_gpu", &w);
	printf("ready=1\n");
	wait_for_file(waitfile);

	if (gpu) {
		CHECK_CALL(gpusim_bo_query(&dev, bo, &q));
		printf("state_after_wait=%s\n", gpusim_bo_state_name(q.state));
		/* The GPU first, so its submit path brings the pages back. */
		CHECK_CALL(gpusim_gpu_verify(&dev, vm, VA_A, size, seed + 1, 0, &w));
		expect_done("gpu_after_wait", &w);
		cpu_check("cpu_after_wait", p, size, seed + 1);
		/* A new GPU mapping, a GPU fill there, read by the CPU. */
		CHECK_CALL(gpusim_vm_map(&dev, vm, bo, 0, VA_B, size));
		CHECK_CALL(gpusim_gpu_fill(&dev, vm, VA_B, size, seed + 2, 0, &w));
		expect_done("gpu_fill_new_map", &w);
		cpu_check("cpu_new_map", p, size, seed + 2);
		gpusim_cpu_fill(p, size, seed + 3, 0);
		CHECK_CALL(gpusim_gpu_verify(&dev, vm, VA_A, size, seed + 3, 0, &w));
		expect_done("cpu_to_gpu_after_wait", &w);
	} else {
		/* The CPU mapping was zapped by the unplug and faults back. */
		cpu_check("cpu_after_wait", p, size, seed + 1);
		gpusim_cpu_fill(p, size, seed + 3, 0);
		cpu_check("cpu_rewrite", p, size, seed + 3);
		ret = gpusim_gpu_verify(&dev, vm, VA_A, size, seed + 3, 0, &w);
		printf("submit_after_wait=%d\n", ret);
		if (ret != -ENODEV)
			fail("submit_after_unplug_not_enodev");
	}
	munmap(p, size);
	printf("result=pass\n");
	return 0;
}

/*
 * Run @n commands on @vm in jobs of at most GPUSIM_MAX_CMDS; a job that
 * stops on a mismatch or fault is counted and the rest resubmitted.
 * Returns the number of failed commands.
 */
static unsigned long run_cmds(uint32_t vm, struct drm_gpusim_cmd *cmds, size_t n,
			      const char *what)
{
	unsigned long failures = 0;
	size_t i = 0;

	while (i < n) {
		struct drm_gpusim_job_wait w;
		uint32_t count = n - i > GPUSIM_MAX_CMDS ? GPUSIM_MAX_CMDS : n - i;
		uint32_t job;

		CHECK_CALL(gpusim_submit(&dev, vm, cmds + i, count, 0, 0, &job));
		CHECK_CALL(gpusim_job_wait(&dev, job, -1, &w));
		if (w.status == DRM_GPUSIM_JOB_DONE) {
			i += count;
			continue;
		}
		if (failures < 5)
			printf("%s_failure vm=%u status=%s va=0x%" PRIx64 " expected=0x%" PRIx64
			       " actual=0x%" PRIx64 "\n", what, vm, gpusim_job_status_name(w.status),
			       (uint64_t)w.fault_va, (uint64_t)w.expected, (uint64_t)w.actual);
		failures++;
		i += w.failed_cmd + 1;
	}
	return failures;
}

static int cmd_sparse(uint32_t nvms, uint64_t total, uint64_t bo_size, const char *waitfile,
		      bool cpu_first, uint32_t rounds)
{
	char roundfile[4096];
	uint32_t r;
	uint64_t stride = (bo_size + 0xffff) & ~0xffffull, t0 = gpusim_now_ns(), t1;
	unsigned long gpu_bad = 0, cpu_bad = 0, nbos, b;
	uint32_t *vms, *handles, v;
	struct drm_gpusim_cmd *cmds;
	void **maps;
	size_t n;

	if (!nvms || !bo_size || bo_size % 4096 || total < bo_size)
		usage();
	nbos = total / bo_size;
	vms = calloc(nvms, sizeof(*vms));
	handles = calloc(nbos, sizeof(*handles));
	maps = calloc(nbos, sizeof(*maps));
	cmds = calloc(bo_size / 4096, sizeof(*cmds));
	if (!vms || !handles || !maps || !cmds)
		die("alloc", -ENOMEM);
	printf("seed=0x%" PRIx64 " vms=%u bos=%lu bo_size=%" PRIu64 " total_bytes=%" PRIu64 "\n",
	       seed, nvms, nbos, bo_size, (uint64_t)nbos * bo_size);
	for (v = 0; v < nvms; v++)
		CHECK_CALL(gpusim_vm_create(&dev, &vms[v]));

	for (b = 0; b < nbos; b++) {
		uint64_t sd = gpusim_pattern(seed, b), va = VA_A + b * stride;
		uint32_t vm = vms[b * nvms / nbos];

		handles[b] = new_bo(bo_size, 0);
		CHECK_CALL(gpusim_vm_map(&dev, vm, handles[b], 0, va, bo_size));
		maps[b] = map_bo(handles[b], bo_size);
		if (b % 2) {
			gpusim_sparse_cpu_fill(maps[b], bo_size, sd);
		} else {
			n = gpusim_sparse_cmds(cmds, DRM_GPUSIM_CMD_FILL, va, bo_size, sd);
			if (run_cmds(vm, cmds, n, "fill"))
				fail("gpu_fill");
		}
	}
	t1 = gpusim_now_ns();
	printf("filled=1 fill_ms=%" PRIu64 "\n", (t1 - t0) / 1000000);
	wait_for_file(waitfile);

	for (r = 1; r <= rounds; r++) {
		if (r > 1) {
			printf("round=%u\n", r - 1);
			snprintf(roundfile, sizeof(roundfile), "%s.%u", waitfile, r);
			wait_for_file(roundfile);
			cpu_first = false;
		}
		t0 = gpusim_now_ns();
		for (b = 0; b < nbos; b++) {
			uint64_t sd = gpusim_pattern(seed, b), va = VA_A + b * stride;
			uint64_t first = 0, bad;

			if (cpu_first)
				bad = gpusim_sparse_cpu_check(maps[b], bo_size, sd, &first);
			n = gpusim_sparse_cmds(cmds, DRM_GPUSIM_CMD_VERIFY, va, bo_size, sd);
			gpu_bad += run_cmds(vms[b * nvms / nbos], cmds, n, "verify");
			if (!cpu_first)
				bad = gpusim_sparse_cpu_check(maps[b], bo_size, sd, &first);
			if (bad && !cpu_bad)
				printf("cpu_mismatch bo=%lu seed=0x%" PRIx64 " offset=0x%" PRIx64 "\n",
				       b, sd, first);
			cpu_bad += bad;
		}
		printf("verify_ms=%" PRIu64 " pages=%lu gpu_mismatches=%lu cpu_mismatches=%lu\n",
		       (gpusim_now_ns() - t0) / 1000000, nbos * (unsigned long)(bo_size / 4096),
		       gpu_bad, cpu_bad);
	}
	for (b = 0; b < nbos; b++)
		munmap(maps[b], bo_size);
	free(cmds);
	free(maps);
	free(handles);
	free(vms);
	if (gpu_bad || cpu_bad)
		fail("mismatches");
	printf("result=pass\n");
	return 0;
}

static int cmd_visits(uint64_t size, const char *dir)
{
	struct drm_gpusim_job_wait w;
	char path[4096], quit[4096];
	uint32_t vm, h, n;

	if (snprintf(quit, sizeof(quit), "%s/quit", dir) >= (int)sizeof(quit))
		usage();
	CHECK_CALL(gpusim_vm_create(&dev, &vm));
	h = new_bo(size, 0);
	CHECK_CALL(gpusim_vm_map(&dev, vm, h, 0, VA_A, size));
	CHECK_CALL(gpusim_gpu_fill(&dev, vm, VA_A, size, seed, 0, &w));
	expect_done("fill", &w);
	printf("filled=1\n");
	fflush(stdout);
	for (n = 1;; n++) {
		snprintf(path, sizeof(path), "%s/visit.%u", dir, n);
		while (access(path, F_OK)) {
			if (!access(quit, F_OK)) {
				/* every visit's VERIFY passed (expect_done) */
				printf("visits=%u\nresult=pass\n", n - 1);
				return 0;
			}
			usleep(20000);
		}
		CHECK_CALL(gpusim_gpu_verify(&dev, vm, VA_A, size, seed, 0, &w));
		expect_done("verify", &w);
		printf("visited=%u\n", n);
		fflush(stdout);
	}
}

static int cmd_discard(uint64_t size, const char *waitfile)
{
	struct drm_gpusim_bo_query qa, qb;
	struct drm_gpusim_job_wait w;
	uint64_t seed_a = seed, seed_b = gpusim_pattern(seed, 1), first = 0, i, bad = 0;
	uint32_t vm, a, b;
	uint64_t *pa;
	void *pb;

	CHECK_CALL(gpusim_vm_create(&dev, &vm));
	a = new_bo(size, DRM_GPUSIM_BO_DISCARD_ON_RECLAIM);
	b = new_bo(size, 0);
	CHECK_CALL(gpusim_vm_map(&dev, vm, a, 0, VA_A, size));
	CHECK_CALL(gpusim_vm_map(&dev, vm, b, 0, VA_B, size));
	pa = map_bo(a, size);
	pb = map_bo(b, size);
	CHECK_CALL(gpusim_gpu_fill(&dev, vm, VA_A, size, seed_a, 0, &w));
	expect_done("fill_a", &w);
	CHECK_CALL(gpusim_gpu_fill(&dev, vm, VA_B, size, seed_b, 0, &w));
	expect_done("fill_b", &w);
	printf("filled=1 seed_a=0x%" PRIx64 " seed_b=0x%" PRIx64 "\n", seed_a, seed_b);
	wait_for_file(waitfile);

	CHECK_CALL(gpusim_bo_query(&dev, a, &qa));
	CHECK_CALL(gpusim_bo_query(&dev, b, &qb));
	printf("a_state=%s a_content_lost=%d b_state=%s b_content_lost=%d\n",
	       gpusim_bo_state_name(qa.state), !!(qa.flags & DRM_GPUSIM_BO_CONTENT_LOST),
	       gpusim_bo_state_name(qb.state), !!(qb.flags & DRM_GPUSIM_BO_CONTENT_LOST));
	CHECK_CALL(gpusim_gpu_verify(&dev, vm, VA_B, size, seed_b, 0, &w));
	expect_done("verify_b", &w);
	/* What the GPU reads from A, copied into a fresh BO C, checked by the CPU. */
	{
		struct drm_gpusim_cmd c = {
			.op = DRM_GPUSIM_CMD_COPY, .va = VA_C, .src_va = VA_A, .size = size,
		};
		uint32_t hc = new_bo(size, 0);
		uint64_t *pc;

		CHECK_CALL(gpusim_vm_map(&dev, vm, hc, 0, VA_C, size));
		CHECK_CALL(gpusim_run(&dev, vm, &c, &w));
		expect_done("gpu_read_a", &w);
		pc = map_bo(hc, size);
		for (i = 0; i < size / 8; i++)
			if (pc[i] && !bad++)
				first = i * 8;
		printf("gpu_a_nonzero_words=%" PRIu64 "\n", bad);
		munmap(pc, size);
	}
	for (i = 0; i < size / 8; i++)
		if (pa[i] && !bad++)
			first = i * 8;
	printf("a_nonzero_words=%" PRIu64 " a_first_nonzero=0x%" PRIx64 "\n", bad, first);
	/* A is usable again: the GPU fills it, the CPU sees the fill. */
	CHECK_CALL(gpusim_gpu_fill(&dev, vm, VA_A, size, seed_b, 0, &w));
	expect_done("refill_a", &w);
	if (gpusim_cpu_verify(pa, size, seed_b, 0, &first))
		fail("refill_a_cpu");
	if (gpusim_cpu_verify(pb, size, seed_b, 0, &first))
		fail("b_cpu");
	munmap(pa, size);
	munmap(pb, size);
	if (bad)
		fail("discarded_not_zero");
	printf("result=pass\n");
	return 0;
}

/* Write @text to a debugfs/sysfs file; returns 0 or -errno. */
static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/*
 * A BO created by one process and first used by another one, in another
 * cgroup (tests/guest/memcg-hierarchy.sh): the parent creates two BOs of
 * @size without pages and exports them; a forked child moves itself into
 * the cgroup whose cgroup.procs is @procs, opens its own DRM file, imports
 * both, binds and GPU-fills the first (first use on its VM_BIND and
 * submit) and CPU-fills the second through its dma-buf mmap (first use in
 * its page fault); after @wait1 it checks both, the first by GPU VERIFY
 * (a swapped-out BO comes back on its submit), the second through the
 * dma-buf mmap (back in its fault), and waits for @wait2. The parent,
 * which never touched a page, then checks both on its own VM and mmaps.
 */
static int cgshare_child(uint64_t size, const char *procs, const int fds[2],
			 const char *wait1, const char *wait2)
{
	uint64_t sd_g = gpusim_pattern(seed, 0), sd_c = gpusim_pattern(seed, 1), first = 0;
	unsigned long gpu_bad, cpu_bad;
	struct drm_gpusim_cmd *cmds;
	char path[sizeof(dev.path)], pid[32];
	uint32_t vm, g, c;
	size_t n;
	void *pc;
	int ret;

	/* Into the other cgroup before any page exists. */
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	ret = write_file(procs, pid);
	printf("child_pid=%d joined_errno=%d\n", (int)getpid(), -ret);
	if (ret)
		die("join_cgroup", ret);
	/* Only the child's own DRM file from here: the BOs through dma-buf. */
	snprintf(path, sizeof(path), "%s", dev.path);
	gpusim_close(&dev);
	CHECK_CALL(gpusim_open(&dev, path));
	CHECK_CALL(drmPrimeFDToHandle(dev.fd, fds[0], &g) ? -errno : 0);
	CHECK_CALL(drmPrimeFDToHandle(dev.fd, fds[1], &c) ? -errno : 0);
	cmds = calloc(size / GPUSIM_PAGE, sizeof(*cmds));
	if (!cmds)
		die("alloc", -ENOMEM);

	CHECK_CALL(gpusim_vm_create(&dev, &vm));
	CHECK_CALL(gpusim_vm_map(&dev, vm, g, 0, VA_A, size));
	n = gpusim_sparse_cmds(cmds, DRM_GPUSIM_CMD_FILL, VA_A, size, sd_g);
	if (run_cmds(vm, cmds, n, "child_fill"))
		fail("child_gpu_fill");
	pc = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fds[1], 0);
	if (pc == MAP_FAILED)
		die("child_dmabuf_mmap", -errno);
	gpusim_sparse_cpu_fill(pc, size, sd_c);
	printf("touched=1 seed_gpu=0x%" PRIx64 " seed_cpu=0x%" PRIx64 "\n", sd_g, sd_c);
	wait_for_file(wait1);

	n = gpusim_sparse_cmds(cmds, DRM_GPUSIM_CMD_VERIFY, VA_A, size, sd_g);
	gpu_bad = run_cmds(vm, cmds, n, "child_verify");
	cpu_bad = gpusim_sparse_cpu_check(pc, size, sd_c, &first);
	if (cpu_bad)
		printf("child_cpu_mismatch offset=0x%" PRIx64 "\n", first);
	printf("child_verified=1 child_gpu_mismatches=%lu child_cpu_mismatches=%lu\n",
	       gpu_bad, cpu_bad);
	wait_for_file(wait2);
	munmap(pc, size);
	free(cmds);
	fflush(stdout);
	_exit(gpu_bad || cpu_bad ? EXIT_CHECK : 0);
}

static int cmd_cgshare(uint64_t size, const char *procs, const char *wait1, const char *wait2)
{
	uint64_t sd[2] = { gpusim_pattern(seed, 0), gpusim_pattern(seed, 1) };
	unsigned long gpu_bad = 0, cpu_bad = 0;
	struct drm_gpusim_bo_query q;
	struct drm_gpusim_cmd *cmds;
	uint32_t vm, bo[2];
	int fds[2], status, i;
	pid_t pid;

	if (!size || size % GPUSIM_PAGE)
		usage();
	printf("seed=0x%" PRIx64 " size=%" PRIu64 " parent_pid=%d\n", seed, size, (int)getpid());
	for (i = 0; i < 2; i++) {
		bo[i] = new_bo(size, 0);
		CHECK_CALL(drmPrimeHandleToFD(dev.fd, bo[i], DRM_CLOEXEC | DRM_RDWR, &fds[i]) ?
			   -errno : 0);
		CHECK_CALL(gpusim_bo_query(&dev, bo[i], &q));
		if (q.resident_bytes)
			fail("resident_before_use");
	}
	printf("created=1\n");
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork", -errno);
	if (pid == 0)
		cgshare_child(size, procs, fds, wait1, wait2);
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid", -errno);
	printf("child_exit=%d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		fail("child");

	/* The creator checks what the other process wrote. */
	cmds = calloc(size / GPUSIM_PAGE, sizeof(*cmds));
	if (!cmds)
		die("alloc", -ENOMEM);
	CHECK_CALL(gpusim_vm_create(&dev, &vm));
	for (i = 0; i < 2; i++) {
		uint64_t va = i ? VA_B : VA_A, first = 0;
		size_t n;
		void *p;

		CHECK_CALL(gpusim_vm_map(&dev, vm, bo[i], 0, va, size));
		n = gpusim_sparse_cmds(cmds, DRM_GPUSIM_CMD_VERIFY, va, size, sd[i]);
		gpu_bad += run_cmds(vm, cmds, n, "parent_verify");
		p = map_bo(bo[i], size);
		cpu_bad += gpusim_sparse_cpu_check(p, size, sd[i], &first);
		munmap(p, size);
		close(fds[i]);
	}
	free(cmds);
	printf("parent_gpu_mismatches=%lu parent_cpu_mismatches=%lu\n", gpu_bad, cpu_bad);
	if (gpu_bad || cpu_bad)
		fail("mismatches");
	printf("result=pass\n");
	return 0;
}

/* Ask the shrink file for @pages pages; returns the time in ns. */
static uint64_t timed_shrink(const char *shrink, uint64_t pages)
{
	char text[32];
	uint64_t t0;

	snprintf(text, sizeof(text), "%" PRIu64 "\n", pages);
	t0 = gpusim_now_ns();
	CHECK_CALL(write_file(shrink, text));
	return gpusim_now_ns() - t0;
}

/* A /proc/vmstat counter, or -1. */
static long vmstat(const char *key)
{
	FILE *f = fopen("/proc/vmstat", "r");
	char name[64];
	long v = -1, x;

	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", name, &x) == 2) {
		if (!strcmp(name, key)) {
			v = x;
			break;
		}
	}
	fclose(f);
	return v;
}

#define BENCH_FREE_LIMIT_NS (10 * 1000000000ull)

/*
 * The memory cgroup this process runs in, as a path under /sys/fs/cgroup
 * (cgroup v2: the "0::" line of /proc/self/cgroup), with @file appended.
 */
static void own_cgroup_file(char *path, size_t len, const char *file)
{
	char line[256] = "";
	FILE *f = fopen("/proc/self/cgroup", "r");

	if (!f || !fgets(line, sizeof(line), f) || strncmp(line, "0::/", 4))
		fail("no_cgroup_v2");
	fclose(f);
	line[strcspn(line, "\n")] = 0;
	snprintf(path, len, "/sys/fs/cgroup%s%s%s", line + 3, line[4] ? "/" : "", file);
}

/* The memory charged to this process's cgroup, in KiB. */
static long charged_kb(void)
{
	char path[320], text[32] = "";
	int fd;

	own_cgroup_file(path, sizeof(path), "memory.current");
	fd = open(path, O_RDONLY);
	if (fd < 0 || read(fd, text, sizeof(text) - 1) <= 0)
		die("memory.current", -errno);
	close(fd);
	return strtol(text, NULL, 10) / 1024;
}

/*
 * Wait from @t0 until this cgroup's charge is down to @want_kb: the pages
 * of a swap-out are freed, not merely written (a page in the swap cache
 * stays charged until it is freed). MemFree cannot tell: freed pages may
 * sit on the per-CPU free lists. Returns the ns since @t0, or -1 after
 * BENCH_FREE_LIMIT_NS.
 */
static double wait_uncharged(long want_kb, uint64_t t0)
{
	uint64_t now;

	for (;;) {
		now = gpusim_now_ns();
		if (charged_kb() <= want_kb)
			return now - t0;
		if (now - t0 > BENCH_FREE_LIMIT_NS)
			return -1;
		usleep(200);
	}
}

/*
 * Ask the kernel's own reclaim for @bytes from this process's cgroup
 * (memory.reclaim): what frees clean swap-cache pages without memory
 * pressure. Returns 0 or -errno (EAGAIN: it reclaimed less).
 */
static int cgroup_reclaim(uint64_t bytes)
{
	char path[320], text[32];

	own_cgroup_file(path, sizeof(path), "memory.reclaim");
	snprintf(text, sizeof(text), "%" PRIu64 "\n", bytes);
	return write_file(path, text);
}

static double ms(double ns)
{
	return ns < 0 ? -1 : ns / 1e6;
}

/*
 * One anonymous side of a pair: @size of MAP_PRIVATE memory with THP
 * allowed (@thp) or not, the sparse content, out with MADV_PAGEOUT timed
 * until 95% of it is uncharged, then in by touching every page (from the device:
 * MADV_PAGEOUT leaves nothing in the swap cache). Prints PREFIX_out_ms,
 * PREFIX_in_ms, PREFIX_in_pswpin.
 */
static void bench_anon(const char *prefix, uint64_t size, bool thp)
{
	volatile char *q;
	long full, sw0;
	uint64_t t0, i, sum = 0;
	double out, in;
	void *p;

	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("mmap", -errno);
	if (madvise(p, size, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE))
		die("madvise_thp", -errno);
	gpusim_sparse_cpu_fill(p, size, seed);
	full = charged_kb();
	t0 = gpusim_now_ns();
	if (madvise(p, size, MADV_PAGEOUT))
		die("madvise_pageout", -errno);
	out = wait_uncharged(full - (long)(size / 1024) * 95 / 100, t0);
	sw0 = vmstat("pswpin");
	t0 = gpusim_now_ns();
	for (q = p, i = 0; i < size; i += 4096)
		sum += q[i];
	in = gpusim_now_ns() - t0;
	if (gpusim_sparse_cpu_check(p, size, seed, &i))
		fail("anon_mismatch");
	printf(" %s_out_ms=%.2f %s_in_ms=%.2f %s_in_pswpin=%ld", prefix, ms(out), prefix,
	       ms(in), prefix, vmstat("pswpin") - sw0);
	munmap(p, size);
	(void)sum;
}

/* gem_reclaim's huge_pages parameter: BOs created from now on (DOC: Huge pages). */
static void set_huge_pages(bool on)
{
	int ret = write_file("/sys/module/gem_reclaim/parameters/huge_pages", on ? "1" : "0");

	if (ret)
		die("huge_pages_parameter", ret);
}

/*
 * A BO side of a pair: a BO of @size, created with huge pages allowed
 * (@huge) or not, bound in a VM of its own and filled through mmap, swapped
 * out through @shrink. Prints, with PREFIX for bo:
 *   bo_huge_pct      the share of its memory in huge pages (ShmemHugePages)
 *   bo_shrink_ms     the shrink request alone (what the shrinker does)
 *   bo_free_now_pct  the share of the BO's memory uncharged (freed) right
 *                    after it
 *   bo_out_ms        shrink, then the kernel's reclaim asked for the same
 *                    amount (the cgroup's memory.reclaim), until 95% of
 *                    the BO's memory is uncharged:
 *                    our pages wait in the swap cache until LRU reclaim
 *                    frees them
 *   bo_in_dev_ms     the first submit, which restores the BO, after that
 *                    (swap cache dropped: pswpin counts the device reads)
 *   bo_free_1s_pct   shrunk again: the share free 1 s later, no pressure
 *   bo_in_cache_ms   the first submit after that: from the swap cache
 * Every word is checked after each restore.
 */
static void bench_bo(const char *prefix, uint64_t size, const char *shrink, bool huge)
{
	struct drm_gpusim_cmd nop = { .op = DRM_GPUSIM_CMD_NOP };
	uint64_t pages = size / 4096, t0, first;
	struct drm_gpusim_job_wait w;
	long full, sw0, huge0;
	double sh, out, in_dev, in_cache, now_pct, s1_pct, huge_pct;
	uint32_t vm, bo;
	int ret;
	void *p;

	CHECK_CALL(gpusim_vm_create(&dev, &vm));
	huge0 = meminfo_kb("ShmemHugePages");
	set_huge_pages(huge);
	bo = new_bo(size, 0);
	set_huge_pages(true);
	CHECK_CALL(gpusim_vm_map(&dev, vm, bo, 0, VA_A, size));
	p = map_bo(bo, size);
	gpusim_sparse_cpu_fill(p, size, seed);
	munmap(p, size);
	huge_pct = 100.0 * (meminfo_kb("ShmemHugePages") - huge0) / (size / 1024);

	full = charged_kb();
	t0 = gpusim_now_ns();
	timed_shrink(shrink, pages);
	sh = gpusim_now_ns() - t0;
	now_pct = 100.0 * (full - charged_kb()) / (size / 1024);
	ret = cgroup_reclaim(size);
	if (ret && ret != -EAGAIN)
		die("memory.reclaim", ret);
	out = wait_uncharged(full - (long)(size / 1024) * 95 / 100, t0);
	sw0 = vmstat("pswpin");
	t0 = gpusim_now_ns();
	CHECK_CALL(gpusim_run(&dev, vm, &nop, &w));
	in_dev = gpusim_now_ns() - t0;
	if (w.status != DRM_GPUSIM_JOB_DONE)
		expect_done("bench_restore", &w);
	printf(" %s_huge_pct=%.1f %s_shrink_ms=%.2f %s_free_now_pct=%.1f %s_out_ms=%.2f"
	       " %s_in_dev_ms=%.2f %s_in_dev_pswpin=%ld", prefix, huge_pct, prefix, ms(sh),
	       prefix, now_pct, prefix, ms(out), prefix, ms(in_dev), prefix,
	       vmstat("pswpin") - sw0);
	p = map_bo(bo, size);
	if (gpusim_sparse_cpu_check(p, size, seed, &first))
		fail("bo_mismatch_after_device_restore");
	munmap(p, size);

	full = charged_kb();
	timed_shrink(shrink, pages);
	sleep(1);
	s1_pct = 100.0 * (full - charged_kb()) / (size / 1024);
	sw0 = vmstat("pswpin");
	t0 = gpusim_now_ns();
	CHECK_CALL(gpusim_run(&dev, vm, &nop, &w));
	in_cache = gpusim_now_ns() - t0;
	if (w.status != DRM_GPUSIM_JOB_DONE)
		expect_done("bench_restore_cached", &w);
	printf(" %s_free_1s_pct=%.1f %s_in_cache_ms=%.2f %s_in_cache_pswpin=%ld", prefix,
	       s1_pct, prefix, ms(in_cache), prefix, vmstat("pswpin") - sw0);
	p = map_bo(bo, size);
	if (gpusim_sparse_cpu_check(p, size, seed, &first))
		fail("bo_mismatch_after_cache_restore");
	munmap(p, size);
	CHECK_CALL(gpusim_bo_close(&dev, bo));
	CHECK_CALL(gpusim_vm_destroy(&dev, vm));
}

/* A discard-on-reclaim BO of @size, filled, dropped through @shrink. */
static void bench_discard(uint64_t size, const char *shrink)
{
	uint64_t t0;
	uint32_t bo;
	long full;
	double out;
	void *p;

	bo = new_bo(size, DRM_GPUSIM_BO_DISCARD_ON_RECLAIM);
	p = map_bo(bo, size);
	gpusim_sparse_cpu_fill(p, size, seed);
	munmap(p, size);
	full = charged_kb();
	t0 = gpusim_now_ns();
	timed_shrink(shrink, size / 4096);
	out = wait_uncharged(full - (long)(size / 1024) * 95 / 100, t0);
	printf(" discard_ms=%.2f", ms(out));
	CHECK_CALL(gpusim_bo_close(&dev, bo));
}

#define TAB_BOS		6
#define TAB_BO_SIZE	(4ull << 20)
#define TAB_SIZE	(TAB_BOS * TAB_BO_SIZE)
#define TAB_SWITCHES	4

/* gem_reclaim's restore_ahead parameter (DOC: Restore ahead). */
static void set_restore_ahead(bool on)
{
	int ret = write_file("/sys/module/gem_reclaim/parameters/restore_ahead",
			     on ? "1" : "0");

	if (ret)
		die("restore_ahead_parameter", ret);
}

/*
 * Swap out @size of this cgroup's memory, the BOs through @shrink (and the
 * swap cache freed: the restore reads the device) or the anonymous @anon
 * with MADV_PAGEOUT; wait until it is uncharged (freed).
 */
static void tab_evict(uint64_t size, const char *shrink, void *anon)
{
	long full = charged_kb();
	uint64_t t0 = gpusim_now_ns();
	int ret;

	if (anon) {
		if (madvise(anon, size, MADV_PAGEOUT))
			die("madvise_pageout", -errno);
	} else {
		timed_shrink(shrink, size / 4096);
		ret = cgroup_reclaim(size);
		if (ret && ret != -EAGAIN)
			die("memory.reclaim", ret);
	}
	if (wait_uncharged(full - (long)(size / 1024) * 95 / 100, t0) < 0)
		fail("tab_not_freed");
}

/*
 * A tab switch, TAB_SWITCHES times: a VM with TAB_BOS BOs of TAB_BO_SIZE,
 * filled, swapped out through @shrink (and the swap cache freed), then
 * the first job after that, a NOP, timed from submit to completion: the
 * restore of the VM's BOs. With restore ahead on (@ahead) or off. Every
 * word is checked after each restore. Prints PREFIX_ms=T1/T2/...
 */
static void bench_tab(const char *prefix, const char *shrink, bool ahead)
{
	struct drm_gpusim_cmd nop = { .op = DRM_GPUSIM_CMD_NOP };
	struct drm_gpusim_job_wait w;
	uint32_t vm, bo[TAB_BOS];
	uint64_t t0, first;
	unsigned int i, k;
	double in;
	void *p;

	CHECK_CALL(gpusim_vm_create(&dev, &vm));
	for (i = 0; i < TAB_BOS; i++) {
		bo[i] = new_bo(TAB_BO_SIZE, 0);
		CHECK_CALL(gpusim_vm_map(&dev, vm, bo[i], 0, VA_A + i * TAB_BO_SIZE,
					 TAB_BO_SIZE));
		p = map_bo(bo[i], TAB_BO_SIZE);
		gpusim_sparse_cpu_fill(p, TAB_BO_SIZE, seed + i);
		munmap(p, TAB_BO_SIZE);
	}
	CHECK_CALL(gpusim_run(&dev, vm, &nop, &w));
	set_restore_ahead(ahead);
	printf(" %s_ms=", prefix);
	for (k = 0; k < TAB_SWITCHES; k++) {
		tab_evict(TAB_SIZE, shrink, NULL);
		t0 = gpusim_now_ns();
		CHECK_CALL(gpusim_run(&dev, vm, &nop, &w));
		in = gpusim_now_ns() - t0;
		if (w.status != DRM_GPUSIM_JOB_DONE)
			expect_done("bench_tab_restore", &w);
		printf("%s%.2f", k ? "/" : "", ms(in));
		for (i = 0; i < TAB_BOS; i++) {
			p = map_bo(bo[i], TAB_BO_SIZE);
			if (gpusim_sparse_cpu_check(p, TAB_BO_SIZE, seed + i, &first))
				fail("tab_mismatch");
			munmap(p, TAB_BO_SIZE);
		}
	}
	set_restore_ahead(true);
	for (i = 0; i < TAB_BOS; i++)
		CHECK_CALL(gpusim_bo_close(&dev, bo[i]));
	CHECK_CALL(gpusim_vm_destroy(&dev, vm));
}

/*
 * The anonymous equivalent of bench_tab(): TAB_SIZE of anonymous memory
 * with THP (the parity of huge-page BOs), the same content, swapped out
 * with MADV_PAGEOUT until freed, then every page touched, timed.
 */
static void bench_tab_anon(const char *prefix)
{
	uint64_t t0, i, first, sum = 0;
	volatile char *q;
	unsigned int k;
	double in;
	void *p;

	p = mmap(NULL, TAB_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("mmap", -errno);
	if (madvise(p, TAB_SIZE, MADV_HUGEPAGE))
		die("madvise_thp", -errno);
	for (k = 0; k < TAB_BOS; k++)
		gpusim_sparse_cpu_fill((char *)p + k * TAB_BO_SIZE, TAB_BO_SIZE, seed + k);
	printf(" %s_ms=", prefix);
	for (k = 0; k < TAB_SWITCHES; k++) {
		tab_evict(TAB_SIZE, NULL, p);
		t0 = gpusim_now_ns();
		for (q = p, i = 0; i < TAB_SIZE; i += 4096)
			sum += q[i];
		in = gpusim_now_ns() - t0;
		printf("%s%.2f", k ? "/" : "", ms(in));
		for (i = 0; i < TAB_BOS; i++)
			if (gpusim_sparse_cpu_check((char *)p + i * TAB_BO_SIZE, TAB_BO_SIZE,
						    seed + i, &first))
				fail("tab_anon_mismatch");
	}
	munmap(p, TAB_SIZE);
	(void)sum;
}

/*
 * Reclaim benchmarks (tests/bench/reclaim.sh; scripts/bench-reclaim makes
 * the report). The same sparse content everywhere, so zram sees the same
 * data. One warm-up pair, then @pairs pairs, each with every side once:
 * anonymous memory without THP, anonymous memory with THP, a BO without
 * huge pages (parity with the first), a BO with them (parity with the
 * second), a discard BO; even pairs in that order, odd pairs reversed, so
 * neither side always runs in the colder state; then the tab switches
 * (bench_tab(): restore ahead on, off, and the anonymous equivalent), in
 * the same alternating order. One
 * "pair N order=... key=value..." line per pair (-1: not freed within
 * 10 s). Runs in a memory cgroup of its own: its charge tells freed pages. Then NBOS small BOs (one in ten resident) and the latency
 * of shrink requests of 128 pages (what the kernel's shrinker asks for
 * per call).
 */
static int cmd_bench_reclaim(uint64_t size, const char *shrink, uint32_t nbos,
			     uint32_t pairs)
{
	uint64_t *lat, i;
	uint32_t *small, n;
	void *p;

	if (!size || size % (2 << 20) || !pairs)
		usage();
	printf("size=%" PRIu64 " pairs=%u\n", size, pairs);
	for (n = 0; n <= pairs; n++) {
		bool rev = n % 2;

		printf("pair %u order=%s", n,
		       rev ? "tab,tab1,tabanon,discard,bo,bo4k,thp,anon" :
			     "anon,thp,bo4k,bo,discard,tabanon,tab1,tab");
		if (rev) {
			bench_tab("tab", shrink, true);
			bench_tab("tab1", shrink, false);
			bench_tab_anon("tabanon");
			bench_discard(size, shrink);
			bench_bo("bo", size, shrink, true);
			bench_bo("bo4k", size, shrink, false);
			bench_anon("thp", size, true);
			bench_anon("anon", size, false);
		} else {
			bench_anon("anon", size, false);
			bench_anon("thp", size, true);
			bench_bo("bo4k", size, shrink, false);
			bench_bo("bo", size, shrink, true);
			bench_discard(size, shrink);
			bench_tab_anon("tabanon");
			bench_tab("tab1", shrink, false);
			bench_tab("tab", shrink, true);
		}
		printf(" warmup=%d\n", n == 0);
		fflush(stdout);
	}

	/* scan latency with many BOs */
	small = calloc(nbos, sizeof(*small));
	lat = calloc(200, sizeof(*lat));
	if (!small || !lat)
		die("alloc", -ENOMEM);
	for (i = 0; i < nbos; i++) {
		small[i] = new_bo(4096, 0);
		if (i % 10 == 0) {
			p = map_bo(small[i], 4096);
			gpusim_sparse_cpu_fill(p, 4096, seed);
			munmap(p, 4096);
		}
	}
	for (i = 0; i < 200; i++)
		lat[i] = timed_shrink(shrink, 128);
	qsort(lat, 200, sizeof(*lat), cmp_u64);
	printf("bos=%u shrink128_p50_us=%.1f shrink128_p99_us=%.1f\n", nbos,
	       lat[100] / 1e3, lat[198] / 1e3);
	for (i = 0; i < nbos; i++)
		gpusim_bo_close(&dev, small[i]);
	free(small);
	free(lat);
	printf("result=pass\n");
	return 0;
}

/*
 * One phase of huge-frag: @nbos BOs of @size, created with huge pages
 * allowed or not, each filled through mmap (the first touch allocates:
 * the fill time is the allocation latency, with the fill's own cost), then
 * all checked word for word and closed. Prints PHASE_huge_pct (the share in
 * huge pages, from ShmemHugePages), PHASE_alloc_p50_us, _p99_us, _max_us and
 * PHASE_mismatches; returns the mismatches.
 */
static unsigned long frag_phase(const char *phase, uint64_t size, uint32_t nbos, bool huge)
{
	uint64_t *lat = calloc(nbos, sizeof(*lat)), first, t0;
	uint32_t *bo = calloc(nbos, sizeof(*bo)), i;
	unsigned long bad = 0;
	long huge0, huge1;
	void *p;

	if (!lat || !bo)
		die("alloc", -ENOMEM);
	huge0 = meminfo_kb("ShmemHugePages");
	set_huge_pages(huge);
	for (i = 0; i < nbos; i++)
		bo[i] = new_bo(size, 0);
	set_huge_pages(true);
	for (i = 0; i < nbos; i++) {
		p = map_bo(bo[i], size);
		t0 = gpusim_now_ns();
		gpusim_sparse_cpu_fill(p, size, seed + i);
		lat[i] = gpusim_now_ns() - t0;
		munmap(p, size);
	}
	huge1 = meminfo_kb("ShmemHugePages");
	for (i = 0; i < nbos; i++) {
		p = map_bo(bo[i], size);
		bad += gpusim_sparse_cpu_check(p, size, seed + i, &first);
		munmap(p, size);
		CHECK_CALL(gpusim_bo_close(&dev, bo[i]));
	}
	qsort(lat, nbos, sizeof(*lat), cmp_u64);
	printf("%s_huge_pct=%.1f %s_alloc_p50_us=%.0f %s_alloc_p99_us=%.0f %s_alloc_max_us=%.0f"
	       " %s_mismatches=%lu\n", phase, 100.0 * (huge1 - huge0) / (nbos * (size / 1024)),
	       phase, lat[nbos / 2] / 1e3, phase, lat[(nbos * 99) / 100] / 1e3, phase,
	       lat[nbos - 1] / 1e3, phase, bad);
	fflush(stdout);
	free(lat);
	free(bo);
	return bad;
}

/*
 * Huge-page BOs on a fragmented system (tests/guest/reclaim-huge.sh): a
 * phase before fragmentation ("clean"), then anonymous memory in 4 KiB
 * pages fills all but @reserve of free memory and 15 pages in 16 of it are
 * freed again, which leaves few free 2 MiB blocks; then a phase with huge pages
 * allowed ("frag") and one without ("frag4k"). Each phase prints what
 * frag_phase() does; /proc/buddyinfo before the fragmented phases.
 */
static int cmd_huge_frag(uint64_t size, uint32_t nbos, uint64_t reserve)
{
	unsigned long bad = 0;
	uint64_t len, off;
	char line[256];
	FILE *f;
	char *a;

	if (!size || size % GPUSIM_PAGE || !nbos)
		usage();
	printf("size=%" PRIu64 " nbos=%u\n", size, nbos);
	bad += frag_phase("clean", size, nbos, true);

	len = (uint64_t)meminfo_kb("MemFree") * 1024;
	len = len > reserve ? (len - reserve) & ~(uint64_t)(16 * GPUSIM_PAGE - 1) : 0;
	if (len < 2 * nbos * size)
		fail("not_enough_memory_to_fragment");
	a = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a == MAP_FAILED)
		die("mmap", -errno);
	if (madvise(a, len, MADV_NOHUGEPAGE))
		die("madvise_nohugepage", -errno);
	for (off = 0; off < len; off += GPUSIM_PAGE)
		a[off] = 1;
	/*
	 * Keep one page in 16: faults take order-0 pages from blocks split
	 * in address order, so each 2 MiB block keeps pages in use, while
	 * the kernel still finds the small multi-page blocks it needs
	 * (stacks, slabs; without compaction one page in two OOMs it).
	 */
	for (off = 0; off < len; off += 16 * GPUSIM_PAGE)
		if (madvise(a + off + GPUSIM_PAGE, 15 * GPUSIM_PAGE, MADV_DONTNEED))
			die("madvise_dontneed", -errno);
	printf("fragmented_mb=%" PRIu64 " memfree_kb=%ld\n", len >> 20, meminfo_kb("MemFree"));
	f = fopen("/proc/buddyinfo", "r");
	while (f && fgets(line, sizeof(line), f))
		printf("buddyinfo %s", line);
	if (f)
		fclose(f);

	bad += frag_phase("frag", size, nbos, true);
	bad += frag_phase("frag4k", size, nbos, false);
	munmap(a, len);
	if (bad)
		fail("mismatches");
	printf("result=pass\n");
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: gpusim-wl [-d DEVICE] [-s SEED] COMMAND [ARGS]\n"
		"commands: coherency [SIZE] | shared [SIZE] | fork [SIZE] | prime [SIZE] |\n"
		"          activity [SIZE] | badinput | tabs TABS BOS SIZE ROUNDS [ACTIVE] |\n"
		"          lazy TOTAL BO_SIZE | fault | heap CHUNKS |\n"
		"          bench-submit COUNTS PER_ROUND ROUNDS | hold SECONDS SIZE |\n"
		"          sparse VMS TOTAL BO_SIZE [WAITFILE [cpu|gpu [ROUNDS]]] | discard SIZE [WAITFILE] |\n"
		"          visits SIZE DIR |\n"
		"          cgroup-share SIZE CGROUP_PROCS WAITFILE1 WAITFILE2 |\n"
		"          survive SIZE WAITFILE gpu|nogpu |\n"
		"          bench-reclaim SIZE SHRINK_FILE NBOS PAIRS |\n"
		"          bind-huge SIZE [WAITFILE] | fault-huge SIZE SECONDS |\n"
		"          huge-frag SIZE NBOS RESERVE\n");
	exit(EXIT_USAGE);
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	const char *cmd;
	int opt, ret;

	while ((opt = getopt(argc, argv, "d:s:h")) != -1) {
		switch (opt) {
		case 'd': path = optarg; break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		default: usage();
		}
	}
	if (optind >= argc)
		usage();
	cmd = argv[optind++];
	argc -= optind;
	argv += optind;

	ret = gpusim_open(&dev, path);
	if (ret)
		die("open", ret);
	printf("device=%s command=%s\n", dev.path, cmd);

	if (!strcmp(cmd, "coherency"))
		ret = cmd_coherency(argc > 0 ? parse_size(argv[0]) : 1 << 20);
	else if (!strcmp(cmd, "shared"))
		ret = cmd_shared(argc > 0 ? parse_size(argv[0]) : 1 << 20);
	else if (!strcmp(cmd, "tabs") && argc >= 4)
		ret = cmd_tabs((uint32_t)parse_size(argv[0]), (uint32_t)parse_size(argv[1]),
			       parse_size(argv[2]), (uint32_t)parse_size(argv[3]),
			       argc > 4 ? (uint32_t)parse_size(argv[4]) : 1);
	else if (!strcmp(cmd, "badinput"))
		ret = cmd_badinput();
	else if (!strcmp(cmd, "activity"))
		ret = cmd_activity(argc > 0 ? parse_size(argv[0]) : 16 << 20);
	else if (!strcmp(cmd, "prime"))
		ret = cmd_prime(argc > 0 ? parse_size(argv[0]) : 1 << 20);
	else if (!strcmp(cmd, "fork"))
		ret = cmd_fork(argc > 0 ? parse_size(argv[0]) : 1 << 20);
	else if (!strcmp(cmd, "lazy") && argc >= 2)
		ret = cmd_lazy(parse_size(argv[0]), parse_size(argv[1]));
	else if (!strcmp(cmd, "fault"))
		ret = cmd_fault();
	else if (!strcmp(cmd, "heap") && argc >= 1)
		ret = cmd_heap((uint32_t)parse_size(argv[0]));
	else if (!strcmp(cmd, "bench-submit") && argc >= 3)
		ret = cmd_bench_submit(argv[0], (uint32_t)parse_size(argv[1]),
				       (uint32_t)parse_size(argv[2]));
	else if (!strcmp(cmd, "sparse") && argc >= 3 &&
		 (argc < 5 || !strcmp(argv[4], "cpu") || !strcmp(argv[4], "gpu")) &&
		 (argc < 6 || parse_size(argv[5]) >= 1))
		ret = cmd_sparse((uint32_t)parse_size(argv[0]), parse_size(argv[1]),
				 parse_size(argv[2]), argc > 3 ? argv[3] : NULL,
				 argc > 4 && !strcmp(argv[4], "cpu"),
				 argc > 5 ? (uint32_t)parse_size(argv[5]) : 1);
	else if (!strcmp(cmd, "cgroup-share") && argc >= 4)
		ret = cmd_cgshare(parse_size(argv[0]), argv[1], argv[2], argv[3]);
	else if (!strcmp(cmd, "visits") && argc >= 2)
		ret = cmd_visits(parse_size(argv[0]), argv[1]);
	else if (!strcmp(cmd, "discard") && argc >= 1)
		ret = cmd_discard(parse_size(argv[0]), argc > 1 ? argv[1] : NULL);
	else if (!strcmp(cmd, "bench-reclaim") && argc >= 4)
		ret = cmd_bench_reclaim(parse_size(argv[0]), argv[1],
					(uint32_t)parse_size(argv[2]),
					(uint32_t)parse_size(argv[3]));
	else if (!strcmp(cmd, "survive") && argc >= 3)
		ret = cmd_survive(parse_size(argv[0]), argv[1], argv[2]);
	else if (!strcmp(cmd, "hold") && argc >= 2)
		ret = cmd_hold((unsigned int)parse_size(argv[0]), parse_size(argv[1]));
	else if (!strcmp(cmd, "bind-huge") && argc >= 1)
		ret = cmd_bind_huge(parse_size(argv[0]), argc > 1 ? argv[1] : NULL);
	else if (!strcmp(cmd, "huge-frag") && argc >= 3)
		ret = cmd_huge_frag(parse_size(argv[0]), (uint32_t)parse_size(argv[1]),
				    parse_size(argv[2]));
	else if (!strcmp(cmd, "fault-huge") && argc >= 2)
		ret = cmd_fault_huge(parse_size(argv[0]), (unsigned int)parse_size(argv[1]));
	else
		usage();
	gpusim_close(&dev);
	return ret;
}
