// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpusim: buffer objects, built on the reclaim core's GEM object.
 */

#include <linux/slab.h>

#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_vma_manager.h>

#include "gpusim_drv.h"

static void gpusim_bo_free(struct drm_gem_object *obj)
{
	struct gpusim_bo *bo = to_gpusim_bo(obj);

	gem_reclaim_object_fini(&bo->base);
	mutex_destroy(&bo->gpuva_lock);
	kfree(bo);
	atomic_long_dec(&gpusim_counters.bos);
}

static const struct drm_gem_object_funcs gpusim_bo_funcs = {
	.free = gpusim_bo_free,
	.pin = gem_reclaim_gem_pin,
	.unpin = gem_reclaim_gem_unpin,
	.export = gem_reclaim_gem_prime_export,
	.vmap = gem_reclaim_gem_vmap,
	.vunmap = gem_reclaim_gem_vunmap,
	.get_sg_table = gem_reclaim_gem_get_sg_table,
	.status = gem_reclaim_gem_status,
	.rss = gem_reclaim_gem_rss,
	.mmap = gem_reclaim_object_mmap,
	.vm_ops = &gem_reclaim_vm_ops,
};

/**
 * gpusim_bo_create() - create a BO without backing pages
 * @gdev: the device
 * @size: page-aligned size
 * @flags: DRM_GPUSIM_BO_* (the same bits as GEM_RECLAIM_BO_*), plus
 *	GEM_RECLAIM_BO_WC for a user BO created while map_wc is set
 *
 * Returns: the BO with one reference, or an ERR_PTR().
 */
struct gpusim_bo *gpusim_bo_create(struct gpusim_device *gdev, u64 size, u32 flags)
{
	struct gpusim_bo *bo;
	int ret;

	BUILD_BUG_ON(DRM_GPUSIM_BO_NO_MMAP != GEM_RECLAIM_BO_NO_MMAP);
	BUILD_BUG_ON(DRM_GPUSIM_BO_DISCARD_ON_RECLAIM != GEM_RECLAIM_BO_DISCARD_ON_RECLAIM);
	BUILD_BUG_ON(DRM_GPUSIM_BO_WC != GEM_RECLAIM_BO_WC);
	BUILD_BUG_ON(DRM_GPUSIM_BO_STATE_UNBACKED != (int)GEM_RECLAIM_UNBACKED);
	BUILD_BUG_ON(DRM_GPUSIM_BO_STATE_RESIDENT != (int)GEM_RECLAIM_RESIDENT);
	BUILD_BUG_ON(DRM_GPUSIM_BO_STATE_PINNED != (int)GEM_RECLAIM_PINNED);
	BUILD_BUG_ON(DRM_GPUSIM_BO_STATE_SWAPPED != (int)GEM_RECLAIM_SWAPPED);
	BUILD_BUG_ON(DRM_GPUSIM_BO_STATE_DISCARDED != (int)GEM_RECLAIM_DISCARDED);

	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo)
		return ERR_PTR(-ENOMEM);

	bo->base.base.funcs = &gpusim_bo_funcs;
	ret = gem_reclaim_object_init(&gdev->rdev, &bo->base, size, flags);
	if (ret) {
		kfree(bo);
		return ERR_PTR(ret);
	}
	mutex_init(&bo->gpuva_lock);
	drm_gem_gpuva_set_lock(&bo->base.base, &bo->gpuva_lock);
	atomic_long_inc(&gpusim_counters.bos);
	return bo;
}

int gpusim_ioctl_bo_create(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct gpusim_device *gdev = to_gpusim_device(drm);
	struct drm_gpusim_bo_create *args = data;
	struct gpusim_bo *bo;
	u64 size;
	int ret;

	if (args->flags & ~DRM_GPUSIM_BO_FLAGS)
		return -EINVAL;
	if (!args->size)
		return -EINVAL;
	if (args->size > GPUSIM_BO_MAX_SIZE)
		return -E2BIG;
	size = PAGE_ALIGN(args->size);

	bo = gpusim_bo_create(gdev, size, args->flags |
			      (READ_ONCE(gpusim_map_wc) ? GEM_RECLAIM_BO_WC : 0));
	if (IS_ERR(bo))
		return PTR_ERR(bo);

	ret = drm_gem_handle_create(file, &bo->base.base, &args->handle);
	/* The handle holds the reference now (or creation failed). */
	drm_gem_object_put(&bo->base.base);
	if (ret)
		return ret;
	args->size = size;
	return 0;
}

int gpusim_ioctl_bo_mmap_offset(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_gpusim_bo_mmap_offset *args = data;
	struct drm_gem_object *obj;
	int ret;

	if (args->pad)
		return -EINVAL;

	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;

	if (to_gpusim_bo(obj)->base.flags & GEM_RECLAIM_BO_NO_MMAP) {
		ret = -EPERM;
		goto out_put;
	}
	ret = drm_gem_create_mmap_offset(obj);
	if (!ret)
		args->offset = drm_vma_node_offset_addr(&obj->vma_node);
out_put:
	drm_gem_object_put(obj);
	return ret;
}

int gpusim_ioctl_bo_query(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_gpusim_bo_query *args = data;
	struct gem_reclaim_bo_info info;
	struct drm_gem_object *obj;
	struct gpusim_bo *bo;

	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	bo = to_gpusim_bo(obj);

	gem_reclaim_object_query(&bo->base, &info);
	args->state = info.state;
	args->size = obj->size;
	args->resident_bytes = info.resident_bytes;
	args->flags = info.content_lost ? DRM_GPUSIM_BO_CONTENT_LOST : 0;
	if (info.purged)
		args->flags |= DRM_GPUSIM_BO_PURGED;
	else if (info.madv == GEM_RECLAIM_MADV_DONTNEED)
		args->flags |= DRM_GPUSIM_BO_DONTNEED;
	args->create_flags = bo->base.flags;
	args->mmap_count = info.mmap_count;
	args->gpu_map_count = info.gpu_map_count;
	drm_gem_object_put(obj);
	return 0;
}

int gpusim_ioctl_bo_madvise(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_gpusim_bo_madvise *args = data;
	struct drm_gem_object *obj;
	int ret;

	BUILD_BUG_ON(DRM_GPUSIM_MADV_WILLNEED != (int)GEM_RECLAIM_MADV_WILLNEED);
	BUILD_BUG_ON(DRM_GPUSIM_MADV_DONTNEED != (int)GEM_RECLAIM_MADV_DONTNEED);

	if (args->pad || (args->madv != DRM_GPUSIM_MADV_WILLNEED &&
			  args->madv != DRM_GPUSIM_MADV_DONTNEED))
		return -EINVAL;

	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	ret = gem_reclaim_object_madvise(&to_gpusim_bo(obj)->base, args->madv);
	drm_gem_object_put(obj);
	if (ret < 0)
		return ret;
	args->retained = ret;
	return 0;
}
