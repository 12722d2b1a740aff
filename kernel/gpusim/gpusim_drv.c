// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpusim: a simulated GPU with panthor's memory model.
 *
 * A DRM render-node driver whose "GPU" is a kernel worker. Userspace creates
 * VMs, BOs (gem_reclaim objects: shmem-backed, allocated lazily), binds BO
 * ranges in VMs through drm_gpuvm, and submits jobs that the worker executes
 * by walking the VM's software page tables. See include/uapi/drm/gpusim_drm.h.
 *
 * Files: gpusim_drv.c (devices, ioctl table, files, debugfs counters),
 * gpusim_gem.c (BOs), gpusim_vm.c (VMs, VM_BIND, page tables, tiler heap,
 * reclaim callbacks), gpusim_job.c (jobs, fences, the worker).
 */

#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/kstrtox.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>

#include "gpusim_drv.h"

#define GPUSIM_MAX_DEVICES	8

static unsigned int num_devices = 1;
module_param(num_devices, uint, 0444);
MODULE_PARM_DESC(num_devices, "Number of simulated GPUs (1-8, default 1)");

bool gpusim_map_wc;
module_param_named(map_wc, gpusim_map_wc, bool, 0644);
MODULE_PARM_DESC(map_wc, "Create user BOs with write-combined CPU mappings (GEM_RECLAIM_BO_WC), as panthor does for a GPU that does not snoop CPU caches");

/*
 * Test hook: sleep this long in the submit path's restore of each evicted
 * BO, with its reservation held, to widen the windows that race tests
 * (tools/gpusim/gpusim-race) need between a restore, another VM's restore
 * and a VM_BIND. 0 (the default) in normal use; interruptible, at most
 * 10 s.
 */
unsigned int gpusim_validate_delay_ms;
module_param_named(validate_delay_ms, gpusim_validate_delay_ms, uint, 0644);
MODULE_PARM_DESC(validate_delay_ms,
		 "test hook: ms to sleep per restored BO in the submit path (default 0, at most 10000)");

/*
 * Test hook: while set, the GPU starts no new job (a running one finishes),
 * so every VM with a queued job stays active for as long as a test needs,
 * with no race against the job's completion. A VM being destroyed still
 * cancels its jobs. Off (the default) in normal use.
 */
bool gpusim_hold_jobs;
module_param_named(hold_jobs, gpusim_hold_jobs, bool, 0644);
MODULE_PARM_DESC(hold_jobs, "test hook: start no new job while set, keeping VMs with queued jobs active (default off)");

struct gpusim_counters gpusim_counters;
struct gpusim_dma_stats gpusim_dma_stats;

static struct platform_device *gpusim_pdevs[GPUSIM_MAX_DEVICES];
static struct dentry *gpusim_debugfs;

static int gpusim_open(struct drm_device *drm, struct drm_file *file)
{
	struct gpusim_file *gfile;

	gfile = kzalloc(sizeof(*gfile), GFP_KERNEL);
	if (!gfile)
		return -ENOMEM;
	gfile->gdev = to_gpusim_device(drm);
	xa_init_flags(&gfile->vms, XA_FLAGS_ALLOC1);
	xa_init_flags(&gfile->jobs, XA_FLAGS_ALLOC1);
	file->driver_priv = gfile;
	atomic_long_inc(&gpusim_counters.files);
	return 0;
}

static void gpusim_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct gpusim_file *gfile = file->driver_priv;

	gpusim_file_destroy_vms(gfile);
	gpusim_file_release_jobs(gfile);
	xa_destroy(&gfile->vms);
	xa_destroy(&gfile->jobs);
	kfree(gfile);
	atomic_long_dec(&gpusim_counters.files);
}

static const struct drm_ioctl_desc gpusim_ioctls[] = {
	DRM_IOCTL_DEF_DRV(GPUSIM_VM_CREATE, gpusim_ioctl_vm_create, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(GPUSIM_VM_DESTROY, gpusim_ioctl_vm_destroy, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(GPUSIM_VM_QUERY, gpusim_ioctl_vm_query, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(GPUSIM_BO_CREATE, gpusim_ioctl_bo_create, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(GPUSIM_BO_MMAP_OFFSET, gpusim_ioctl_bo_mmap_offset, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(GPUSIM_BO_QUERY, gpusim_ioctl_bo_query, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(GPUSIM_VM_BIND, gpusim_ioctl_vm_bind, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(GPUSIM_SUBMIT, gpusim_ioctl_submit, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(GPUSIM_JOB_WAIT, gpusim_ioctl_job_wait, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(GPUSIM_BO_MADVISE, gpusim_ioctl_bo_madvise, DRM_RENDER_ALLOW),
};

/* fdinfo: the memory keys of drm-usage-stats.rst, through the core */
static void gpusim_show_fdinfo(struct drm_printer *p, struct drm_file *file)
{
	gem_reclaim_show_memory_stats(p, file);
}

static const struct file_operations gpusim_fops = {
	.owner = THIS_MODULE,
	DRM_GEM_FOPS,
	.show_fdinfo = drm_show_fdinfo,
};

static const struct drm_driver gpusim_driver = {
	.driver_features = DRIVER_GEM | DRIVER_GEM_GPUVA | DRIVER_RENDER |
			   DRIVER_SYNCOBJ,
	.open = gpusim_open,
	.postclose = gpusim_postclose,
	.ioctls = gpusim_ioctls,
	.num_ioctls = ARRAY_SIZE(gpusim_ioctls),
	.fops = &gpusim_fops,
	.show_fdinfo = gpusim_show_fdinfo,
	.name = "gpusim",
	.desc = "Simulated UMA GPU with panthor's memory model",
	.date = "20261125",
	.major = 1,
	.minor = 0,
};

static void gpusim_unregister_reclaim(void *data)
{
	struct gpusim_device *gdev = data;

	gem_reclaim_device_unregister(&gdev->rdev);
}

/*
 * At the release of the DRM device, not at unbind: open files may keep
 * BOs, VMs and jobs after an unbind.
 */
static void gpusim_fini_rdev(struct drm_device *drm, void *data)
{
	struct gpusim_device *gdev = data;

	destroy_workqueue(gdev->wq);
	gem_reclaim_device_fini(&gdev->rdev);
	atomic_long_dec(&gpusim_counters.devices);
}

static int gpusim_probe(struct platform_device *pdev)
{
	struct gpusim_device *gdev;
	int ret;

	gdev = devm_drm_dev_alloc(&pdev->dev, &gpusim_driver,
				  struct gpusim_device, drm);
	if (IS_ERR(gdev))
		return PTR_ERR(gdev);

	/* BOs are DMA-mapped for the "GPU" (gem_reclaim_object_get_sgt_locked()). */
	ret = dma_coerce_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;

	ret = gem_reclaim_device_init(&gdev->rdev, &gdev->drm, &gpusim_reclaim_ops);
	if (ret)
		return ret;

	gdev->wq = alloc_workqueue("gpusim%d", WQ_UNBOUND, 0, pdev->id);
	if (!gdev->wq)
		return -ENOMEM;
	atomic_long_inc(&gpusim_counters.devices);

	ret = drmm_add_action_or_reset(&gdev->drm, gpusim_fini_rdev, gdev);
	if (ret)
		return ret;

	/* Shrinker and knobs (device/reclaim/, dri/<minor>/reclaim/). */
	ret = gem_reclaim_device_register(&gdev->rdev);
	if (ret)
		return ret;
	ret = devm_add_action_or_reset(&pdev->dev, gpusim_unregister_reclaim, gdev);
	if (ret)
		return ret;

	platform_set_drvdata(pdev, gdev);
	return drm_dev_register(&gdev->drm, 0);
}

static void gpusim_remove(struct platform_device *pdev)
{
	struct gpusim_device *gdev = platform_get_drvdata(pdev);

	/*
	 * The reclaim files live in the DRM device's debugfs directory, which
	 * drm_dev_unplug() removes: take them (and the shrinker) away first.
	 * Open files may still hold BOs: they stay usable (CPU mappings fault
	 * their pages back in), unreclaimed, until the files are closed.
	 */
	gem_reclaim_device_unregister(&gdev->rdev);
	drm_dev_unplug(&gdev->drm);
}

static struct platform_driver gpusim_platform_driver = {
	.probe = gpusim_probe,
	.remove = gpusim_remove,
	.driver = {
		.name = "gpusim",
	},
};

static int gpusim_objects_show(struct seq_file *m, void *unused)
{
	struct gpusim_counters *c = &gpusim_counters;

	seq_printf(m, "devices %ld\n", atomic_long_read(&c->devices));
	seq_printf(m, "files %ld\n", atomic_long_read(&c->files));
	seq_printf(m, "vms %ld\n", atomic_long_read(&c->vms));
	seq_printf(m, "bos %ld\n", atomic_long_read(&c->bos));
	seq_printf(m, "vmas %ld\n", atomic_long_read(&c->vmas));
	seq_printf(m, "jobs %ld\n", atomic_long_read(&c->jobs));
	seq_printf(m, "fences %ld\n", atomic_long_read(&c->fences));
	seq_printf(m, "heap_chunks %ld\n", atomic_long_read(&c->heap_chunks));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(gpusim_objects);

static int gpusim_dma_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "sgt_builds %ld\n",
		   atomic_long_read(&gpusim_dma_stats.sgt_builds));
	seq_printf(m, "pages_checked %ld\n",
		   atomic_long_read(&gpusim_dma_stats.pages_checked));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(gpusim_dma);

/*
 * Write a device index to take the reclaim core away from that device
 * (gem_reclaim_device_unregister()) while it stays bound, as a driver does
 * when it gives up on its device with files still open; the BOs must stay
 * usable. Tests only: the device is not reclaimed again until rebound.
 */
static ssize_t gpusim_unregister_reclaim_write(struct file *file,
					       const char __user *ubuf,
					       size_t len, loff_t *ppos)
{
	struct platform_device *pdev;
	struct gpusim_device *gdev;
	unsigned int i;
	int ret;

	ret = kstrtouint_from_user(ubuf, len, 0, &i);
	if (ret)
		return ret;
	if (i >= GPUSIM_MAX_DEVICES || !gpusim_pdevs[i])
		return -ENODEV;
	pdev = gpusim_pdevs[i];

	/* Serialised with probe and remove. */
	device_lock(&pdev->dev);
	gdev = platform_get_drvdata(pdev);
	if (gdev && pdev->dev.driver)
		gem_reclaim_device_unregister(&gdev->rdev);
	else
		ret = -ENODEV;
	device_unlock(&pdev->dev);
	return ret ?: len;
}

static const struct file_operations gpusim_unregister_reclaim_fops = {
	.owner = THIS_MODULE,
	.write = gpusim_unregister_reclaim_write,
};

static void gpusim_unregister_devices(void)
{
	int i;

	for (i = GPUSIM_MAX_DEVICES - 1; i >= 0; i--) {
		if (gpusim_pdevs[i])
			platform_device_unregister(gpusim_pdevs[i]);
		gpusim_pdevs[i] = NULL;
	}
}

static int __init gpusim_init(void)
{
	unsigned int i;
	int ret;

	if (num_devices < 1 || num_devices > GPUSIM_MAX_DEVICES)
		return -EINVAL;

	ret = platform_driver_register(&gpusim_platform_driver);
	if (ret)
		return ret;

	for (i = 0; i < num_devices; i++) {
		struct platform_device *pdev;

		pdev = platform_device_register_simple("gpusim", i, NULL, 0);
		if (IS_ERR(pdev)) {
			ret = PTR_ERR(pdev);
			goto err_unregister_devices;
		}
		gpusim_pdevs[i] = pdev;
		if (!platform_get_drvdata(pdev)) {
			ret = -ENODEV;
			goto err_unregister_devices;
		}
	}

	gpusim_debugfs = debugfs_create_dir("gpusim", NULL);
	debugfs_create_file("objects", 0444, gpusim_debugfs, NULL, &gpusim_objects_fops);
	debugfs_create_file("dma", 0444, gpusim_debugfs, NULL, &gpusim_dma_fops);
	debugfs_create_file("unregister_reclaim", 0200, gpusim_debugfs, NULL,
			    &gpusim_unregister_reclaim_fops);
	return 0;

err_unregister_devices:
	gpusim_unregister_devices();
	platform_driver_unregister(&gpusim_platform_driver);
	return ret;
}

static void __exit gpusim_exit(void)
{
	debugfs_remove_recursive(gpusim_debugfs);
	gpusim_unregister_devices();
	platform_driver_unregister(&gpusim_platform_driver);
}

module_init(gpusim_init);
module_exit(gpusim_exit);

MODULE_DESCRIPTION("gpusim: simulated UMA GPU with panthor's memory model");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);
