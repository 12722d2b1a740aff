// SPDX-License-Identifier: MIT
/*
 * gpusim-race: kernel interleavings that need exact timing, replayed with
 * gpusim's validate_delay_ms test hook (the submit path sleeps that long
 * per restored BO, holding its reservation).
 *
 *   gpusim-race [-d /dev/dri/renderDN] validate-unbind SHRINK_FILE DELAY_MS
 *   gpusim-race [-d /dev/dri/renderDN] scan-free THREADS SECONDS PADDING
 *
 * validate-unbind: BOs C, A, B; C and A mapped in VM1, A and B in VM2; all
 * three filled by the GPU, then swapped out through SHRINK_FILE (the test
 * sets policy swapout, threshold 0, and writes DELAY_MS to the hook), so
 * that VM1 restores [C, A] and VM2 [A, B] in that order. Then:
 *
 *   t = 0            a job on VM1: its restore holds C for DELAY_MS, then
 *                    asks for A's reservation
 *   t = DELAY/2      a job on VM2 (younger ticket): takes A first and holds
 *                    it for 2 x DELAY_MS (A, then B), so the older VM1
 *                    restore waits for A holding a reference on A's vm_bo
 *   t = 1.5 x DELAY  VM_BIND unmaps A's only range in VM1
 *
 * Without the VM's reservation in VM_BIND, the unmap drops the gpuva's
 * vm_bo reference while the restore holds its own, and the restore's put
 * becomes the last: drm_gpuvm_bo_destroy() without the gpuva lock (a
 * lockdep report on the debug kernel). With it, the unmap waits for the
 * restore. Either way every job's data must check out, and afterwards the
 * BOs are verified word for word by the GPU.
 *
 * scan-free: PADDING resident BOs make every reclaim walk long, and a
 * discard walk of a list holding one BO goes round it until its budget is
 * spent; THREADS threads create and close a discard-on-reclaim BO in a
 * loop for SECONDS, so that the BO a walk holds when it lets interrupts in
 * is often the one being freed (the test runs shrink requests with the
 * discard policy alongside). A walk that uses the entry after dropping the
 * lock touches freed memory: slab poisoning or KASAN turn that into an
 * oops. Prints the BOs created.
 *
 * Prints key=value lines and result=pass|fail; exit 0 pass, 1 check
 * failed, 2 usage, 3 device or ioctl error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libgpusim.h"
#include "tool.h"

#define BO_SIZE		(256u * 1024)
#define VA_C		0x100000000ull
#define VA_A		0x200000000ull
#define VA_B		0x300000000ull

static struct gpusim_dev dev;

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static uint32_t bo_state(uint32_t handle)
{
	struct drm_gpusim_bo_query q;

	CHECK_CALL(gpusim_bo_query(&dev, handle, &q));
	return q.state;
}

struct job_arg {
	uint32_t vm;
	uint64_t va;
	uint64_t seed;
	unsigned int start_ms;
	int ret;
	struct drm_gpusim_job_wait w;
	uint64_t done_ms;
};

static uint64_t t0_ns;

static uint64_t since_ms(void)
{
	return (gpusim_now_ns() - t0_ns) / 1000000;
}

/* A verify job, submitted at start_ms: its submit restores the VM's BOs. */
static void *job_thread(void *p)
{
	struct job_arg *a = p;

	sleep_ms(a->start_ms);
	a->ret = gpusim_gpu_verify(&dev, a->vm, a->va, BO_SIZE, a->seed, 0, &a->w);
	a->done_ms = since_ms();
	return NULL;
}

static void expect_job(const char *name, const struct job_arg *a)
{
	printf("%s_done_ms=%" PRIu64 " %s_status=%s\n", name, a->done_ms, name,
	       a->ret ? strerror(-a->ret) : gpusim_job_status_name(a->w.status));
	if (a->ret)
		die(name, a->ret);
	if (a->w.status != DRM_GPUSIM_JOB_DONE)
		fail(name);
}

static void verify(const char *name, uint32_t vm, uint64_t va, uint64_t seed)
{
	struct drm_gpusim_job_wait w;

	CHECK_CALL(gpusim_gpu_verify(&dev, vm, va, BO_SIZE, seed, 0, &w));
	if (w.status != DRM_GPUSIM_JOB_DONE) {
		printf("%s_status=%s\n", name, gpusim_job_status_name(w.status));
		fail(name);
	}
}

static void fill(uint32_t vm, uint64_t va, uint64_t seed)
{
	struct drm_gpusim_job_wait w;

	CHECK_CALL(gpusim_gpu_fill(&dev, vm, va, BO_SIZE, seed, 0, &w));
	if (w.status != DRM_GPUSIM_JOB_DONE)
		fail("fill");
}

static int cmd_validate_unbind(const char *shrink_path, unsigned int delay)
{
	struct job_arg j1 = { .va = VA_C, .seed = 1, .start_ms = 0 };
	struct job_arg j2 = { .va = VA_B, .seed = 3, .start_ms = delay / 2 };
	uint32_t vm1, vm2, c, a, b;
	pthread_t t1, t2;
	uint64_t unmap_ms;
	char req[] = "1000000\n";
	int fd, ret;

	CHECK_CALL(gpusim_vm_create(&dev, &vm1));
	CHECK_CALL(gpusim_vm_create(&dev, &vm2));
	/* Created in this order, so swapout takes them in this order. */
	CHECK_CALL(gpusim_bo_create(&dev, BO_SIZE, 0, &c));
	CHECK_CALL(gpusim_bo_create(&dev, BO_SIZE, 0, &a));
	CHECK_CALL(gpusim_bo_create(&dev, BO_SIZE, 0, &b));
	CHECK_CALL(gpusim_vm_map(&dev, vm1, c, 0, VA_C, BO_SIZE));
	CHECK_CALL(gpusim_vm_map(&dev, vm1, a, 0, VA_A, BO_SIZE));
	CHECK_CALL(gpusim_vm_map(&dev, vm2, a, 0, VA_A, BO_SIZE));
	CHECK_CALL(gpusim_vm_map(&dev, vm2, b, 0, VA_B, BO_SIZE));
	fill(vm1, VA_C, 1);
	fill(vm1, VA_A, 2);
	fill(vm2, VA_B, 3);
	verify("a_in_vm2", vm2, VA_A, 2);

	fd = open(shrink_path, O_WRONLY);
	if (fd < 0)
		die("open shrink", -errno);
	if (write(fd, req, strlen(req)) < 0)
		die("shrink", -errno);
	close(fd);
	printf("state_c=%s state_a=%s state_b=%s\n",
	       gpusim_bo_state_name(bo_state(c)), gpusim_bo_state_name(bo_state(a)),
	       gpusim_bo_state_name(bo_state(b)));
	if (bo_state(c) != DRM_GPUSIM_BO_STATE_SWAPPED ||
	    bo_state(a) != DRM_GPUSIM_BO_STATE_SWAPPED ||
	    bo_state(b) != DRM_GPUSIM_BO_STATE_SWAPPED)
		fail("not_all_swapped");

	j1.vm = vm1;
	j2.vm = vm2;
	t0_ns = gpusim_now_ns();
	ret = pthread_create(&t1, NULL, job_thread, &j1);
	if (!ret)
		ret = pthread_create(&t2, NULL, job_thread, &j2);
	if (ret)
		die("pthread_create", -ret);
	sleep_ms(delay + delay / 2);
	unmap_ms = since_ms();
	CHECK_CALL(gpusim_vm_unmap(&dev, vm1, VA_A, BO_SIZE));
	printf("unmap_start_ms=%" PRIu64 " unmap_done_ms=%" PRIu64 "\n",
	       unmap_ms, since_ms());
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	expect_job("vm1_job", &j1);
	expect_job("vm2_job", &j2);

	/* Everything left is intact, and A is still mapped in VM2 only. */
	verify("c_in_vm1", vm1, VA_C, 1);
	verify("a_in_vm2", vm2, VA_A, 2);
	verify("b_in_vm2", vm2, VA_B, 3);
	{
		struct drm_gpusim_job_wait w;

		CHECK_CALL(gpusim_gpu_verify(&dev, vm1, VA_A, BO_SIZE, 2, 0, &w));
		printf("a_in_vm1_status=%s\n", gpusim_job_status_name(w.status));
		if (w.status != DRM_GPUSIM_JOB_FAULT)
			fail("a_still_mapped_in_vm1");
	}
	CHECK_CALL(gpusim_vm_destroy(&dev, vm1));
	CHECK_CALL(gpusim_vm_destroy(&dev, vm2));
	printf("result=pass\n");
	return 0;
}

struct free_arg {
	unsigned int seconds;
	unsigned long created;
	int ret;
};

static void *free_thread(void *p)
{
	struct free_arg *a = p;
	uint64_t end = gpusim_now_ns() + (uint64_t)a->seconds * 1000000000ull;
	uint32_t h;

	while (gpusim_now_ns() < end) {
		a->ret = gpusim_bo_create(&dev, GPUSIM_PAGE,
					  DRM_GPUSIM_BO_DISCARD_ON_RECLAIM, &h);
		if (!a->ret)
			a->ret = gpusim_bo_close(&dev, h);
		if (a->ret)
			break;
		a->created++;
	}
	return NULL;
}

static int cmd_scan_free(unsigned int threads, unsigned int seconds,
			 unsigned int padding)
{
	struct free_arg args[16] = {};
	pthread_t t[16];
	unsigned long created = 0;
	unsigned int i;
	uint32_t h;
	int ret;

	/*
	 * Resident, so that a pass has pages above the floor to go after;
	 * not discard-on-reclaim, so that the discard policy leaves them.
	 */
	for (i = 0; i < padding; i++) {
		void *p;

		CHECK_CALL(gpusim_bo_create(&dev, GPUSIM_PAGE, 0, &h));
		CHECK_CALL(gpusim_bo_mmap(&dev, h, GPUSIM_PAGE, &p));
		*(volatile uint64_t *)p = i;
	}
	for (i = 0; i < threads; i++) {
		args[i].seconds = seconds;
		ret = pthread_create(&t[i], NULL, free_thread, &args[i]);
		if (ret)
			die("pthread_create", -ret);
	}
	for (i = 0; i < threads; i++) {
		pthread_join(t[i], NULL);
		if (args[i].ret)
			die("create/close", args[i].ret);
		created += args[i].created;
	}
	printf("bos_created=%lu\n", created);
	printf("result=pass\n");
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: gpusim-race [-d DEVICE] validate-unbind SHRINK_FILE DELAY_MS\n"
		"       gpusim-race [-d DEVICE] scan-free THREADS SECONDS PADDING\n");
	exit(EXIT_USAGE);
}

static unsigned long parse_ul(const char *s, unsigned long min, unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || end == s || v < min || v > max) {
		fprintf(stderr, "gpusim-race: %s: expected %lu..%lu\n", s, min, max);
		exit(EXIT_USAGE);
	}
	return v;
}

int main(int argc, char **argv)
{
	unsigned long delay = 0, threads = 0, seconds = 0, padding = 0;
	const char *path = NULL;
	int opt, ret;

	while ((opt = getopt(argc, argv, "d:")) != -1) {
		if (opt != 'd')
			usage();
		path = optarg;
	}
	argc -= optind;
	argv += optind;
	if (argc == 3 && !strcmp(argv[0], "validate-unbind")) {
		delay = parse_ul(argv[2], 100, 60000);
	} else if (argc == 4 && !strcmp(argv[0], "scan-free")) {
		threads = parse_ul(argv[1], 1, 16);
		seconds = parse_ul(argv[2], 1, 600);
		padding = parse_ul(argv[3], 0, 100000);
	} else {
		usage();
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	ret = gpusim_open(&dev, path);
	if (ret)
		die("open", ret);
	if (!strcmp(argv[0], "validate-unbind"))
		ret = cmd_validate_unbind(argv[1], delay);
	else
		ret = cmd_scan_free(threads, seconds, padding);
	gpusim_close(&dev);
	return ret;
}
