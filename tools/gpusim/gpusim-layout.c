// SPDX-License-Identifier: MIT
/*
 * gpusim-layout: build a known arrangement of VMs and BOs, GPU-filled, and
 * hold it until a file exists, so that a test can check the reclaim
 * core's counters against what it knows is there; then verify every BO
 * word for word by the GPU and exit.
 *
 *   gpusim-layout [-d DEVICE] VMS BOS SHARED EXPORTED SIZE TOUCHFILE WAITFILE
 *
 *   VMS       VMs (1..64)
 *   BOS       BOs of SIZE bytes mapped in one VM each, round robin
 *   SHARED    BOs of SIZE mapped in every VM
 *   EXPORTED  BOs of SIZE mapped in the first VM and exported as a dma-buf
 *             (the fds stay open)
 *
 * Prints "ready pages_private=N pages_shared=N pages_exported=N" (4 KiB
 * pages) once everything is filled. When TOUCHFILE exists, runs one job on
 * the last VM (so that it is the most recently idle one, by far) and
 * prints "touched"; then waits for WAITFILE. Finally "result=pass" or
 * "result=fail reason=...". Exit 0 pass, 1 check failed, 2 usage, 3 device
 * or ioctl error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "libgpusim.h"
#include "tool.h"

#define MAX_VMS		64
#define MAX_BOS		1024
#define VA_BASE		0x100000000ull

struct layout_bo {
	uint32_t handle;
	uint64_t va;
	uint64_t seed;
	uint32_t nvms;
	uint32_t vms[MAX_VMS];
};

static struct gpusim_dev dev;
static struct layout_bo bos[MAX_BOS];
static unsigned int nbos;

static unsigned long parse_count(const char *s, unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || end == s || v > max) {
		fprintf(stderr, "gpusim-layout: %s: expected 0..%lu\n", s, max);
		exit(EXIT_USAGE);
	}
	return v;
}

static struct layout_bo *add_bo(uint64_t size)
{
	struct layout_bo *bo = &bos[nbos];

	CHECK_CALL(gpusim_bo_create(&dev, size, 0, &bo->handle));
	bo->va = VA_BASE + (uint64_t)nbos * size;
	bo->seed = 0x1a70u + nbos;
	nbos++;
	return bo;
}

static void map_in(struct layout_bo *bo, uint32_t vm, uint64_t size)
{
	CHECK_CALL(gpusim_vm_map(&dev, vm, bo->handle, 0, bo->va, size));
	bo->vms[bo->nvms++] = vm;
}

static void gpu_check(uint32_t vm, const struct layout_bo *bo, uint64_t size,
		      int fill)
{
	struct drm_gpusim_job_wait w;

	if (fill)
		CHECK_CALL(gpusim_gpu_fill(&dev, vm, bo->va, size, bo->seed, 0, &w));
	else
		CHECK_CALL(gpusim_gpu_verify(&dev, vm, bo->va, size, bo->seed, 0, &w));
	if (w.status != DRM_GPUSIM_JOB_DONE) {
		printf("bo=%u vm=%u status=%s\n", bo->handle, vm,
		       gpusim_job_status_name(w.status));
		fail(fill ? "gpu_fill" : "gpu_verify");
	}
}

int main(int argc, char **argv)
{
	unsigned long nvm, npriv, nshared, nexp, i, v;
	uint32_t vms[MAX_VMS];
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	const char *path = NULL, *touchfile, *waitfile;
	struct drm_gpusim_cmd nop = { .op = DRM_GPUSIM_CMD_NOP };
	struct drm_gpusim_job_wait w;
	uint64_t size, pages;
	int opt, fd, ret;

	while ((opt = getopt(argc, argv, "d:")) != -1) {
		if (opt != 'd')
			goto usage;
		path = optarg;
	}
	argc -= optind;
	argv += optind;
	if (argc != 7)
		goto usage;
	nvm = parse_count(argv[0], MAX_VMS);
	npriv = parse_count(argv[1], MAX_BOS);
	nshared = parse_count(argv[2], MAX_BOS);
	nexp = parse_count(argv[3], MAX_BOS);
	if (!nvm || npriv + nshared + nexp > MAX_BOS ||
	    gpusim_parse_size(argv[4], &size) || !size || size % GPUSIM_PAGE ||
	    size > (64u << 20)) {
		fprintf(stderr, "gpusim-layout: bad counts or SIZE (page multiple, at most 64M)\n");
		return EXIT_USAGE;
	}
	touchfile = argv[5];
	waitfile = argv[6];
	pages = size / GPUSIM_PAGE;

	setvbuf(stdout, NULL, _IOLBF, 0);
	ret = gpusim_open(&dev, path);
	if (ret)
		die("open", ret);
	for (v = 0; v < nvm; v++)
		CHECK_CALL(gpusim_vm_create(&dev, &vms[v]));
	for (i = 0; i < npriv; i++)
		map_in(add_bo(size), vms[i % nvm], size);
	for (i = 0; i < nshared; i++) {
		struct layout_bo *bo = add_bo(size);

		for (v = 0; v < nvm; v++)
			map_in(bo, vms[v], size);
	}
	for (i = 0; i < nexp; i++) {
		struct layout_bo *bo = add_bo(size);

		map_in(bo, vms[0], size);
		if (drmPrimeHandleToFD(dev.fd, bo->handle, DRM_CLOEXEC | DRM_RDWR, &fd))
			die("export", -errno);
		/* kept open until exit */
	}
	for (i = 0; i < nbos; i++)
		gpu_check(bos[i].vms[0], &bos[i], size, 1);
	printf("ready pages_private=%" PRIu64 " pages_shared=%" PRIu64
	       " pages_exported=%" PRIu64 "\n",
	       npriv * pages, nshared * pages, nexp * pages);

	while (access(touchfile, F_OK))
		nanosleep(&ts, NULL);
	CHECK_CALL(gpusim_run(&dev, vms[nvm - 1], &nop, &w));
	if (w.status != DRM_GPUSIM_JOB_DONE)
		fail("touch");
	printf("touched\n");
	while (access(waitfile, F_OK))
		nanosleep(&ts, NULL);

	for (i = 0; i < nbos; i++)
		for (v = 0; v < bos[i].nvms; v++)
			gpu_check(bos[i].vms[v], &bos[i], size, 0);
	gpusim_close(&dev);
	printf("result=pass\n");
	return 0;

usage:
	fprintf(stderr, "usage: gpusim-layout [-d DEVICE] VMS BOS SHARED EXPORTED SIZE TOUCHFILE WAITFILE\n");
	return EXIT_USAGE;
}
