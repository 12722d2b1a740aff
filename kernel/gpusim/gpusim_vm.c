// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpusim: VMs, VM_BIND on drm_gpuvm, software page tables, tiler heaps and
 * the reclaim core's callbacks.
 *
 * A VM's GPU address space is a drm_gpuvm; each mapping is a &gpusim_vma
 * linked to the BO through a drm_gpuvm_bo, as in panthor, so the reclaim
 * path can use drm_gpuvm_bo_evict() and drm_gpuvm_validate(). The "MMU" is
 * an xarray from GPU page number to struct page, written when a range is
 * bound or unbound (and by the reclaim callbacks), read by the GPU worker.
 *
 * Locking, outermost first (see also the reclaim core's DOC: Locking):
 * &gpusim_vm.bind_lock, then the VM's dma_resv (the submit path takes it
 * without the bind lock, and holds it across drm_gpuvm_validate(); every
 * change of the VA space holds it too), then a BO's dma_resv (submit only),
 * then the BO's pages lock, then &gpusim_bo.gpuva_lock, then the
 * page-table xarray's internal spinlock.
 */

#include <linux/delay.h>
#include <linux/log2.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include <drm/drm_exec.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gpuvm.h>

#include "gpusim_drv.h"

#define GPUSIM_HEAP_CHUNK_DEFAULT	SZ_64K
#define GPUSIM_HEAP_CHUNK_MIN		SZ_4K
#define GPUSIM_HEAP_CHUNK_MAX		SZ_2M
#define GPUSIM_HEAP_CHUNKS_DEFAULT	64
#define GPUSIM_HEAP_CHUNKS_MAX		4096
#define GPUSIM_VMS_PER_FILE		4096
/* Longest sleep of the validate_delay_ms test hook. */
#define GPUSIM_VALIDATE_DELAY_MAX_MS	10000u

/*
 * struct gpusim_bind_ctx - state of one drm_gpuvm_sm_map()/sm_unmap() call
 * @vm: the VM
 * @vm_bo: the vm_bo of the BO being mapped (map only)
 * @vmas: preallocated VMAs, taken by the steps
 * @mapped: bytes added to (positive) or removed from the user mappings
 */
struct gpusim_bind_ctx {
	struct gpusim_vm *vm;
	struct drm_gpuvm_bo *vm_bo;
	struct gpusim_vma *vmas[3];
	s64 mapped;
};

static int gpusim_ctx_prealloc(struct gpusim_bind_ctx *ctx, int count)
{
	int i;

	for (i = 0; i < count; i++) {
		ctx->vmas[i] = kzalloc(sizeof(*ctx->vmas[i]), GFP_KERNEL);
		if (!ctx->vmas[i])
			return -ENOMEM;
	}
	return 0;
}

static struct gpusim_vma *gpusim_ctx_take_vma(struct gpusim_bind_ctx *ctx)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(ctx->vmas); i++) {
		struct gpusim_vma *vma = ctx->vmas[i];

		if (vma) {
			ctx->vmas[i] = NULL;
			atomic_long_inc(&gpusim_counters.vmas);
			return vma;
		}
	}
	return NULL;
}

static void gpusim_ctx_free(struct gpusim_bind_ctx *ctx)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(ctx->vmas); i++)
		kfree(ctx->vmas[i]);
}

static void gpusim_vma_free(struct gpusim_vma *vma)
{
	kfree(vma);
	atomic_long_dec(&gpusim_counters.vmas);
}

/* A new sg table must DMA-map the whole BO. */
static int gpusim_sgt_check_dma(struct gpusim_bo *bo, struct sg_table *sgt)
{
	struct scatterlist *sg;
	u64 bytes = 0;
	unsigned int i;

	for_each_sgtable_dma_sg(sgt, sg, i)
		bytes += sg_dma_len(sg);
	if (WARN_ON_ONCE(bytes != bo->base.base.size))
		return -EIO;
	return 0;
}

/*
 * Page table: map @npages pages of @bo, from page @pgoff, at @va; all or
 * nothing. The pages come from the BO's DMA-mapped sg table, as a real
 * driver's page tables would (panthor's io-pgtable maps the sgt), and must
 * be the BO's pages. Called with the BO's pages lock held.
 */
static int gpusim_pt_map_bo(struct gpusim_vm *vm, u64 va, struct gpusim_bo *bo,
			    u64 pgoff, u64 npages)
{
	struct gem_reclaim_object *rbo = &bo->base;
	unsigned long first = va >> PAGE_SHIFT;
	bool build = !rbo->sgt;
	struct sg_page_iter piter;
	struct sg_table *sgt;
	struct page *page;
	u64 i = 0;
	int ret;

	lockdep_assert_held(&rbo->pages_lock);
	sgt = gem_reclaim_object_get_sgt_locked(rbo);
	if (IS_ERR(sgt))
		return PTR_ERR(sgt);
	if (build) {
		ret = gpusim_sgt_check_dma(bo, sgt);
		if (ret)
			return ret;
		atomic_long_inc(&gpusim_dma_stats.sgt_builds);
	}

	for_each_sgtable_page(sgt, &piter, pgoff) {
		if (i == npages)
			break;
		page = sg_page_iter_page(&piter);
		if (WARN_ON_ONCE(page != rbo->pages[pgoff + i])) {
			ret = -EIO;
			goto err_erase;
		}
		ret = xa_err(xa_store(&vm->pt, first + i, page, GFP_KERNEL));
		if (ret)
			goto err_erase;
		i++;
	}
	if (WARN_ON_ONCE(i != npages)) {
		ret = -EIO;
		goto err_erase;
	}
	atomic_long_add(npages, &gpusim_dma_stats.pages_checked);
	return 0;

err_erase:
	while (i--)
		xa_erase(&vm->pt, first + i);
	return ret;
}

/*
 * Clear the page-table entries of [@va, @va + @size) in one walk under the
 * xa lock, instead of an xa_erase() (lock, walk from the root) per page:
 * that was most of the time a discard took. An entry is still erased under
 * the lock before its page can be freed, which gpusim_vm_get_page() relies
 * on. Every XA_CHECK_SCHED entries the lock is dropped and the walk starts
 * again after the last entry cleared. Not with xas_pause(): when the store
 * has just freed the entry's leaf node, 6.12's xas_pause() advances from
 * the unaligned index by the parent's stride and skips the next leaf's
 * entries, leaving PTEs to pages about to be freed.
 */
static void gpusim_pt_unmap(struct gpusim_vm *vm, u64 va, u64 size)
{
	XA_STATE(xas, &vm->pt, va >> PAGE_SHIFT);
	unsigned int latency = 0;
	unsigned long next;
	void *entry;

	if (!size)
		return;
	xas_lock(&xas);
	xas_for_each(&xas, entry, (va + size - 1) >> PAGE_SHIFT) {
		xas_store(&xas, NULL);
		if (++latency % XA_CHECK_SCHED)
			continue;
		next = xas.xa_index + 1;
		xas_unlock(&xas);
		cond_resched();
		xas_lock(&xas);
		xas_set(&xas, next);
	}
	xas_unlock(&xas);
}

/**
 * gpusim_vm_get_page() - the GPU's page-table walk
 * @vm: the VM
 * @va: a GPU virtual address
 *
 * Returns: the page mapped at @va with a reference the caller drops with
 * put_page(), or NULL if nothing is mapped there (a GPU fault).
 */
struct page *gpusim_vm_get_page(struct gpusim_vm *vm, u64 va)
{
	struct page *page;

	/*
	 * Entries are erased under the xa lock before their pages can be
	 * freed, so a page found under the lock is alive.
	 */
	xa_lock(&vm->pt);
	page = xa_load(&vm->pt, va >> PAGE_SHIFT);
	if (page)
		get_page(page);
	xa_unlock(&vm->pt);
	return page;
}

static void gpusim_account_mapping(struct gpusim_bind_ctx *ctx,
				   struct gpusim_bo *bo, s64 bytes)
{
	if (!bo->heap)
		ctx->mapped += bytes;
}

static int gpusim_sm_step_map(struct drm_gpuva_op *op, void *priv)
{
	struct gpusim_bind_ctx *ctx = priv;
	struct gpusim_vm *vm = ctx->vm;
	struct drm_gem_object *obj = op->map.gem.obj;
	struct gpusim_bo *bo = to_gpusim_bo(obj);
	struct gpusim_vma *vma;
	int ret;

	vma = gpusim_ctx_take_vma(ctx);
	if (!vma)
		return -EINVAL;

	gem_reclaim_object_lock(&bo->base);
	ret = gpusim_pt_map_bo(vm, op->map.va.addr, bo,
			       op->map.gem.offset >> PAGE_SHIFT,
			       op->map.va.range >> PAGE_SHIFT);
	if (ret)
		goto err_unlock;

	drm_gpuva_map(&vm->base, &vma->base, &op->map);
	mutex_lock(&bo->gpuva_lock);
	drm_gpuva_link(&vma->base, ctx->vm_bo);
	mutex_unlock(&bo->gpuva_lock);
	gem_reclaim_object_gpu_mapped(&bo->base, &vm->rvm, 1);
	gem_reclaim_object_unlock(&bo->base);
	gpusim_account_mapping(ctx, bo, op->map.va.range);
	return 0;

err_unlock:
	gem_reclaim_object_unlock(&bo->base);
	gpusim_vma_free(vma);
	return ret;
}

static int gpusim_sm_step_remap(struct drm_gpuva_op *op, void *priv)
{
	struct gpusim_bind_ctx *ctx = priv;
	struct gpusim_vm *vm = ctx->vm;
	struct drm_gpuva *unmap_va = op->remap.unmap->va;
	struct gpusim_vma *unmap_vma = container_of(unmap_va, struct gpusim_vma, base);
	struct drm_gem_object *obj = unmap_va->gem.obj;
	struct gpusim_bo *bo = to_gpusim_bo(obj);
	struct drm_gpuvm_bo *vm_bo = unmap_va->vm_bo;
	struct gpusim_vma *prev = NULL, *next = NULL;
	u64 start, range;

	if (op->remap.prev)
		prev = gpusim_ctx_take_vma(ctx);
	if (op->remap.next)
		next = gpusim_ctx_take_vma(ctx);
	if ((op->remap.prev && !prev) || (op->remap.next && !next))
		return -EINVAL;	/* not reached: enough VMAs are preallocated */

	drm_gpuva_op_remap_to_unmap_range(&op->remap, &start, &range);

	/* The last vm_bo reference may go below; keep the BO alive. */
	drm_gem_object_get(obj);
	gem_reclaim_object_lock(&bo->base);
	gpusim_pt_unmap(vm, start, range);
	drm_gpuva_remap(prev ? &prev->base : NULL, next ? &next->base : NULL,
			&op->remap);
	mutex_lock(&bo->gpuva_lock);
	if (prev)
		drm_gpuva_link(&prev->base, vm_bo);
	if (next)
		drm_gpuva_link(&next->base, vm_bo);
	drm_gpuva_unlink(unmap_va);
	mutex_unlock(&bo->gpuva_lock);
	gem_reclaim_object_gpu_mapped(&bo->base, &vm->rvm,
				      (prev ? 1 : 0) + (next ? 1 : 0) - 1);
	gem_reclaim_object_unlock(&bo->base);
	/* Account before the put: it may free the BO. */
	gpusim_account_mapping(ctx, bo, -(s64)range);
	drm_gem_object_put(obj);

	gpusim_vma_free(unmap_vma);
	return 0;
}

static int gpusim_sm_step_unmap(struct drm_gpuva_op *op, void *priv)
{
	struct gpusim_bind_ctx *ctx = priv;
	struct gpusim_vm *vm = ctx->vm;
	struct drm_gpuva *va = op->unmap.va;
	struct gpusim_vma *vma = container_of(va, struct gpusim_vma, base);
	struct drm_gem_object *obj = va->gem.obj;
	struct gpusim_bo *bo = to_gpusim_bo(obj);
	u64 range = va->va.range;

	drm_gem_object_get(obj);
	gem_reclaim_object_lock(&bo->base);
	gpusim_pt_unmap(vm, va->va.addr, range);
	drm_gpuva_unmap(&op->unmap);
	mutex_lock(&bo->gpuva_lock);
	drm_gpuva_unlink(va);
	mutex_unlock(&bo->gpuva_lock);
	gem_reclaim_object_gpu_mapped(&bo->base, &vm->rvm, -1);
	gem_reclaim_object_unlock(&bo->base);
	/* Account before the put: it may free the BO. */
	gpusim_account_mapping(ctx, bo, -(s64)range);
	drm_gem_object_put(obj);

	gpusim_vma_free(vma);
	return 0;
}

static void gpusim_vm_free(struct drm_gpuvm *gpuvm)
{
	struct gpusim_vm *vm = to_gpusim_vm(gpuvm);

	xa_destroy(&vm->pt);
	kfree(vm->heap_bos);
	mutex_destroy(&vm->bind_lock);
	kfree(vm);
	atomic_long_dec(&gpusim_counters.vms);
}

static int gpusim_vm_bo_validate(struct drm_gpuvm_bo *vm_bo, struct drm_exec *exec);

static const struct drm_gpuvm_ops gpusim_gpuvm_ops = {
	.vm_free = gpusim_vm_free,
	.vm_bo_validate = gpusim_vm_bo_validate,
	.sm_step_map = gpusim_sm_step_map,
	.sm_step_remap = gpusim_sm_step_remap,
	.sm_step_unmap = gpusim_sm_step_unmap,
};

/* Map [va, va + size) of the VM to @obj at @offset; the range must be free. */
static int gpusim_vm_map_locked(struct gpusim_vm *vm, struct drm_gem_object *obj,
				u64 offset, u64 va, u64 size)
{
	struct gpusim_bo *bo = to_gpusim_bo(obj);
	struct gpusim_bind_ctx ctx = { .vm = vm };
	struct drm_gpuvm_bo *vm_bo;
	int ret;

	lockdep_assert_held(&vm->bind_lock);
	dma_resv_assert_held(drm_gpuvm_resv(&vm->base));

	if (!drm_gpuvm_interval_empty(&vm->base, va, size))
		return -EEXIST;

	ret = gpusim_ctx_prealloc(&ctx, 1);
	if (ret)
		goto out_free_ctx;

	mutex_lock(&bo->gpuva_lock);
	vm_bo = drm_gpuvm_bo_obtain(&vm->base, obj);
	if (!IS_ERR(vm_bo))
		drm_gpuvm_bo_extobj_add(vm_bo);
	mutex_unlock(&bo->gpuva_lock);
	if (IS_ERR(vm_bo)) {
		ret = PTR_ERR(vm_bo);
		goto out_free_ctx;
	}

	ctx.vm_bo = vm_bo;
	ret = drm_gpuvm_sm_map(&vm->base, &ctx, va, size, obj, offset);
	vm->mapped_bytes += ctx.mapped;

	/* The caller holds a reference on @obj, so this cannot free it. */
	mutex_lock(&bo->gpuva_lock);
	drm_gpuvm_bo_put(vm_bo);
	mutex_unlock(&bo->gpuva_lock);

out_free_ctx:
	gpusim_ctx_free(&ctx);
	return ret;
}

/*
 * Unmap [va, va + size). Splitting mappings that cross the range's edges
 * needs up to two new VMAs (@prealloc); unmapping the whole address space
 * needs none and then cannot fail.
 */
static int gpusim_vm_unmap_locked(struct gpusim_vm *vm, u64 va, u64 size,
				  int prealloc)
{
	struct gpusim_bind_ctx ctx = { .vm = vm };
	int ret;

	lockdep_assert_held(&vm->bind_lock);
	dma_resv_assert_held(drm_gpuvm_resv(&vm->base));

	ret = gpusim_ctx_prealloc(&ctx, prealloc);
	if (!ret)
		ret = drm_gpuvm_sm_unmap(&vm->base, &ctx, va, size);
	vm->mapped_bytes += ctx.mapped;
	gpusim_ctx_free(&ctx);
	return ret;
}

/**
 * gpusim_vm_heap_grow() - add chunks to a VM's tiler heap
 * @vm: the VM
 * @count: chunks to add
 *
 * Each chunk is a DISCARD_ON_RECLAIM, NO_MMAP BO mapped right after the
 * previous one from GPUSIM_HEAP_VA. Called by the GPU worker, before the
 * job's fence signals, and allocates with GFP_KERNEL under the VM's
 * reservation: against the dma-fence signalling rules, which a real
 * driver must follow (panthor grows heaps from firmware events with
 * non-blocking allocations). It is harmless here only because no shrinker
 * in the test guest waits for a gpusim fence; a fence exported to another
 * driver whose shrinker waits for fences could deadlock.
 *
 * Returns: 0, -ENOSPC if the heap would exceed its maximum, or -ENOMEM.
 */
int gpusim_vm_heap_grow(struct gpusim_vm *vm, u64 count)
{
	u64 i;
	int ret = 0;

	mutex_lock(&vm->bind_lock);
	dma_resv_lock(drm_gpuvm_resv(&vm->base), NULL);
	if (count > vm->heap_max_chunks - vm->heap_chunks) {
		ret = -ENOSPC;
		goto out_unlock;
	}
	for (i = 0; i < count; i++) {
		u64 va = GPUSIM_HEAP_VA + (u64)vm->heap_chunks * vm->heap_chunk_size;
		struct gpusim_bo *bo;

		bo = gpusim_bo_create(vm->gdev, vm->heap_chunk_size,
				      DRM_GPUSIM_BO_NO_MMAP |
				      DRM_GPUSIM_BO_DISCARD_ON_RECLAIM);
		if (IS_ERR(bo)) {
			ret = PTR_ERR(bo);
			break;
		}
		bo->heap = true;
		/*
		 * Created by the GPU worker: account it to the VM's owner and
		 * charge its pages to the owner's memcg.
		 */
		ret = gem_reclaim_object_set_owner(&bo->base, &vm->rvm);
		if (!ret)
			ret = gpusim_vm_map_locked(vm, &bo->base.base, 0, va,
						   vm->heap_chunk_size);
		if (ret) {
			drm_gem_object_put(&bo->base.base);
			break;
		}
		vm->heap_bos[vm->heap_chunks++] = bo;
		atomic_long_inc(&gpusim_counters.heap_chunks);
	}
out_unlock:
	dma_resv_unlock(drm_gpuvm_resv(&vm->base));
	mutex_unlock(&vm->bind_lock);
	return ret;
}

static void gpusim_vm_release(struct kref *ref)
{
	struct gpusim_vm *vm = container_of(ref, struct gpusim_vm, ref);
	u32 i;

	/* Cancel what is queued and wait for the worker to leave the VM. */
	gpusim_vm_cancel_jobs(vm);

	mutex_lock(&vm->bind_lock);
	dma_resv_lock(drm_gpuvm_resv(&vm->base), NULL);
	/* Unmapping everything splits nothing, so this cannot fail. */
	drm_WARN_ON(&vm->gdev->drm,
		    gpusim_vm_unmap_locked(vm, vm->base.mm_start, vm->base.mm_range, 0));
	dma_resv_unlock(drm_gpuvm_resv(&vm->base));
	for (i = 0; i < vm->heap_chunks; i++) {
		drm_gem_object_put(&vm->heap_bos[i]->base.base);
		atomic_long_dec(&gpusim_counters.heap_chunks);
	}
	vm->heap_chunks = 0;
	mutex_unlock(&vm->bind_lock);

	gem_reclaim_vm_fini(&vm->rvm);
	drm_gpuvm_put(&vm->base);
}

/**
 * gpusim_vm_put() - drop a user reference on a VM
 * @vm: the VM
 *
 * The last reference cancels the VM's queued jobs and unmaps everything;
 * the memory goes when drm_gpuvm drops its last reference. Process context.
 */
void gpusim_vm_put(struct gpusim_vm *vm)
{
	kref_put(&vm->ref, gpusim_vm_release);
}

/**
 * gpusim_vm_lookup() - find a VM of a file
 * @gfile: the file
 * @id: the VM id
 *
 * Returns: the VM with a reference (gpusim_vm_put()), or NULL.
 */
struct gpusim_vm *gpusim_vm_lookup(struct gpusim_file *gfile, u32 id)
{
	struct gpusim_vm *vm;

	xa_lock(&gfile->vms);
	vm = xa_load(&gfile->vms, id);
	if (vm)
		kref_get(&vm->ref);
	xa_unlock(&gfile->vms);
	return vm;
}

/**
 * gpusim_file_destroy_vms() - destroy every VM of a closing file
 * @gfile: the file
 */
void gpusim_file_destroy_vms(struct gpusim_file *gfile)
{
	struct gpusim_vm *vm;
	unsigned long id;

	xa_for_each(&gfile->vms, id, vm) {
		xa_erase(&gfile->vms, id);
		gpusim_vm_put(vm);
	}
}

int gpusim_ioctl_vm_create(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct gpusim_device *gdev = to_gpusim_device(drm);
	struct gpusim_file *gfile = file->driver_priv;
	struct drm_gpusim_vm_create *args = data;
	u32 chunk = args->heap_chunk_size ?: GPUSIM_HEAP_CHUNK_DEFAULT;
	u32 max_chunks = args->heap_max_chunks ?: GPUSIM_HEAP_CHUNKS_DEFAULT;
	struct drm_gem_object *r_obj;
	struct gpusim_vm *vm;
	u32 id;
	int ret;

	if (args->flags)
		return -EINVAL;
	if (!is_power_of_2(chunk) || chunk < GPUSIM_HEAP_CHUNK_MIN ||
	    chunk > GPUSIM_HEAP_CHUNK_MAX || chunk < PAGE_SIZE)
		return -EINVAL;
	if (max_chunks > GPUSIM_HEAP_CHUNKS_MAX)
		return -E2BIG;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL);
	if (!vm)
		return -ENOMEM;
	vm->heap_bos = kcalloc(max_chunks, sizeof(*vm->heap_bos), GFP_KERNEL);
	if (!vm->heap_bos) {
		ret = -ENOMEM;
		goto err_free_vm;
	}
	r_obj = drm_gpuvm_resv_object_alloc(drm);
	if (!r_obj) {
		ret = -ENOMEM;
		goto err_free_heap;
	}

	vm->gdev = gdev;
	vm->heap_chunk_size = chunk;
	vm->heap_max_chunks = max_chunks;
	kref_init(&vm->ref);
	mutex_init(&vm->bind_lock);
	xa_init(&vm->pt);
	spin_lock_init(&vm->job_lock);
	INIT_LIST_HEAD(&vm->jobs);
	INIT_WORK(&vm->work, gpusim_vm_run_jobs);
	vm->fence_context = dma_fence_context_alloc(1);
	atomic_long_inc(&gpusim_counters.vms);

	drm_gpuvm_init(&vm->base, "gpusim", 0, drm, r_obj, GPUSIM_USER_VA_START,
		       GPUSIM_VA_END - GPUSIM_USER_VA_START, 0, 0,
		       &gpusim_gpuvm_ops);
	drm_gem_object_put(r_obj);
	/* From here on, drm_gpuvm_put() frees the VM. */
	gem_reclaim_vm_init(&gdev->rdev, &vm->rvm, &vm->base);

	ret = xa_alloc(&gfile->vms, &id, vm, XA_LIMIT(1, GPUSIM_VMS_PER_FILE),
		       GFP_KERNEL);
	if (ret) {
		gpusim_vm_put(vm);
		return ret;
	}
	vm->id = id;
	args->vm_id = id;
	args->heap_chunk_size = chunk;
	args->heap_max_chunks = max_chunks;
	args->heap_va = GPUSIM_HEAP_VA;
	return 0;

err_free_heap:
	kfree(vm->heap_bos);
err_free_vm:
	kfree(vm);
	return ret;
}

int gpusim_ioctl_vm_destroy(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct gpusim_file *gfile = file->driver_priv;
	struct drm_gpusim_vm_destroy *args = data;
	struct gpusim_vm *vm;

	if (args->pad || !args->vm_id)
		return -EINVAL;
	vm = xa_erase(&gfile->vms, args->vm_id);
	if (!vm)
		return -ENOENT;
	gpusim_vm_put(vm);
	return 0;
}

int gpusim_ioctl_vm_query(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct gpusim_file *gfile = file->driver_priv;
	struct drm_gpusim_vm_query *args = data;
	struct gem_reclaim_bo_info info;
	struct gpusim_vm *vm;
	ktime_t idle_since;
	u32 i;

	vm = gpusim_vm_lookup(gfile, args->vm_id);
	if (!vm)
		return -ENOENT;

	args->flags = 0;
	args->idle_ms = 0;
	if (gem_reclaim_vm_is_active(&vm->rvm, &idle_since))
		args->flags |= DRM_GPUSIM_VM_ACTIVE;
	else
		args->idle_ms = ktime_ms_delta(ktime_get(), idle_since);

	mutex_lock(&vm->bind_lock);
	args->heap_chunks = vm->heap_chunks;
	args->mapped_bytes = vm->mapped_bytes;
	args->heap_resident_bytes = 0;
	args->heap_content_lost = 0;
	for (i = 0; i < vm->heap_chunks; i++) {
		gem_reclaim_object_query(&vm->heap_bos[i]->base, &info);
		args->heap_resident_bytes += info.resident_bytes;
		args->heap_content_lost += info.content_lost;
	}
	mutex_unlock(&vm->bind_lock);

	gpusim_vm_put(vm);
	return 0;
}

static bool gpusim_user_range_valid(u64 va, u64 size)
{
	return va >= GPUSIM_USER_VA_START && va < GPUSIM_USER_VA_END &&
	       size <= GPUSIM_USER_VA_END - va;
}

int gpusim_ioctl_vm_bind(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct gpusim_file *gfile = file->driver_priv;
	struct drm_gpusim_vm_bind *args = data;
	struct drm_gem_object *obj = NULL;
	struct gpusim_vm *vm;
	u64 end;
	int ret;

	if (args->flags || args->op > DRM_GPUSIM_BIND_UNMAP)
		return -EINVAL;
	if (!args->size || !PAGE_ALIGNED(args->size) || !PAGE_ALIGNED(args->va) ||
	    !PAGE_ALIGNED(args->bo_offset))
		return -EINVAL;
	if (check_add_overflow(args->va, args->size, &end))
		return -EOVERFLOW;
	if (!gpusim_user_range_valid(args->va, args->size))
		return -EINVAL;
	if (args->op == DRM_GPUSIM_BIND_UNMAP && (args->handle || args->bo_offset))
		return -EINVAL;

	vm = gpusim_vm_lookup(gfile, args->vm_id);
	if (!vm)
		return -ENOENT;

	if (args->op == DRM_GPUSIM_BIND_MAP) {
		obj = drm_gem_object_lookup(file, args->handle);
		if (!obj) {
			ret = -ENOENT;
			goto out_put_vm;
		}
		if (check_add_overflow(args->bo_offset, args->size, &end)) {
			ret = -EOVERFLOW;
			goto out_put_obj;
		}
		if (end > obj->size) {
			ret = -EINVAL;
			goto out_put_obj;
		}
	}

	mutex_lock(&vm->bind_lock);
	/*
	 * The VM's reservation too, as the submit path holds it across
	 * drm_gpuvm_validate(): a restore that holds a vm_bo reference while
	 * it waits for a BO's reservation must not see the range unmapped
	 * meanwhile, or its reference would be the last and
	 * drm_gpuvm_bo_destroy() would run without the gpuva lock.
	 */
	ret = dma_resv_lock_interruptible(drm_gpuvm_resv(&vm->base), NULL);
	if (!ret) {
		if (obj)
			ret = gpusim_vm_map_locked(vm, obj, args->bo_offset,
						   args->va, args->size);
		else
			ret = gpusim_vm_unmap_locked(vm, args->va, args->size, 2);
		dma_resv_unlock(drm_gpuvm_resv(&vm->base));
	}
	mutex_unlock(&vm->bind_lock);

out_put_obj:
	if (obj)
		drm_gem_object_put(obj);
out_put_vm:
	gpusim_vm_put(vm);
	return ret;
}

/*
 * Reclaim callbacks, called with the BO's pages lock held, in reclaim
 * context: every lock is only trylocked, and -EBUSY (a lock was taken) or
 * -EAGAIN (a VM of the BO is active) makes reclaim skip the BO. The bind
 * path takes the gpuva lock inside the pages lock too; the submit path
 * takes the VM's dma_resv, then the BO's, then the pages lock
 * (gpusim_vm_bo_validate()), so reclaim holding the pages lock may not
 * wait for either.
 *
 * Unmapping a BO holds the dma_resv of each of its VMs while it checks that
 * the VM is idle and erases its page-table entries. A submit marks its VM
 * active before it takes that dma_resv to validate, so either reclaim sees
 * the VM active and gives up, or the submit waits for reclaim to finish
 * and then finds the vm_bo evicted and maps it again before the job runs.
 */
/* Unlock the VM dma_resv of every vm_bo of @obj before @stop (NULL: all). */
static void gpusim_unlock_vm_resvs(struct drm_gem_object *obj,
				   struct drm_gpuvm_bo *stop)
{
	struct drm_gpuvm_bo *vm_bo;

	drm_gem_for_each_gpuvm_bo(vm_bo, obj) {
		if (vm_bo == stop)
			break;
		dma_resv_unlock(drm_gpuvm_resv(vm_bo->vm));
	}
}

static int gpusim_unmap_from_gpu(struct gem_reclaim_object *rbo)
{
	struct gpusim_bo *bo = container_of(rbo, struct gpusim_bo, base);
	struct drm_gem_object *obj = &rbo->base;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gpuva *va;
	int ret = 0;

	lockdep_assert_held(&rbo->pages_lock);
	if (!mutex_trylock(&bo->gpuva_lock))
		return -EBUSY;
	if (!dma_resv_trylock(obj->resv)) {
		ret = -EBUSY;
		goto out_unlock_gpuva;
	}
	drm_gem_for_each_gpuvm_bo(vm_bo, obj) {
		struct gpusim_vm *vm = to_gpusim_vm(vm_bo->vm);

		if (!dma_resv_trylock(drm_gpuvm_resv(vm_bo->vm))) {
			ret = -EBUSY;
		} else if (gem_reclaim_vm_is_active(&vm->rvm, NULL)) {
			dma_resv_unlock(drm_gpuvm_resv(vm_bo->vm));
			ret = -EAGAIN;
		}
		if (ret) {
			gpusim_unlock_vm_resvs(obj, vm_bo);
			goto out_unlock_resv;
		}
	}
	drm_gem_for_each_gpuvm_bo(vm_bo, obj) {
		struct gpusim_vm *vm = to_gpusim_vm(vm_bo->vm);

		drm_gpuvm_bo_for_each_va(va, vm_bo)
			gpusim_pt_unmap(vm, va->va.addr, va->va.range);
		drm_gpuvm_bo_evict(vm_bo, true);
	}
	gpusim_unlock_vm_resvs(obj, NULL);
out_unlock_resv:
	dma_resv_unlock(obj->resv);
out_unlock_gpuva:
	mutex_unlock(&bo->gpuva_lock);
	return ret;
}

/* Map every VA range of @vm_bo in its VM's page table again. */
static int gpusim_vm_bo_remap_locked(struct drm_gpuvm_bo *vm_bo)
{
	struct gpusim_vm *vm = to_gpusim_vm(vm_bo->vm);
	struct gpusim_bo *bo = to_gpusim_bo(vm_bo->obj);
	struct drm_gpuva *va;
	int ret;

	drm_gpuvm_bo_for_each_va(va, vm_bo) {
		ret = gpusim_pt_map_bo(vm, va->va.addr, bo,
				       va->gem.offset >> PAGE_SHIFT,
				       va->va.range >> PAGE_SHIFT);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * drm_gpuvm_ops.vm_bo_validate, from drm_gpuvm_validate() in the submit
 * path with the VM's dma_resv locked in @exec: lock the BO's dma_resv in
 * the same drm_exec, bring the pages back (a swapped-out BO is read back
 * from swap, a discarded one gets zeroed pages), map them in this VM's page
 * table and clear the eviction.
 *
 * A purged BO (madvised DONTNEED, then reclaimed) has no pages to bring
 * back, ever: its ranges stay unmapped in the page table and the eviction
 * is cleared, so the VM's other BOs are validated and the job runs, and an
 * access to the purged BO's range is a GPU fault (DRM_GPUSIM_JOB_FAULT at
 * that address, the fence's error -EFAULT), as on a GPU whose driver tore
 * the mapping down. Never zeroes: the BO's pages are not re-allocated.
 */
static int gpusim_vm_bo_validate(struct drm_gpuvm_bo *vm_bo, struct drm_exec *exec)
{
	struct drm_gem_object *obj = vm_bo->obj;
	struct gpusim_bo *bo = to_gpusim_bo(obj);
	int ret;

	ret = drm_exec_lock_obj(exec, obj);
	if (ret)
		return ret;
	if (READ_ONCE(gpusim_validate_delay_ms))
		msleep_interruptible(min(READ_ONCE(gpusim_validate_delay_ms),
					 GPUSIM_VALIDATE_DELAY_MAX_MS));

	gem_reclaim_object_lock(&bo->base);
	mutex_lock(&bo->gpuva_lock);
	if (!gem_reclaim_object_purged(&bo->base))
		ret = gpusim_vm_bo_remap_locked(vm_bo);
	mutex_unlock(&bo->gpuva_lock);
	if (!ret)
		drm_gpuvm_bo_evict(vm_bo, false);
	gem_reclaim_object_unlock(&bo->base);
	return ret;
}

/**
 * gpusim_vm_validate() - map the evicted BOs of a VM back before a job
 * @vm: the VM, already marked active by the caller
 *
 * Takes the VM's dma_resv (and the evicted BOs') in a drm_exec and runs
 * drm_gpuvm_validate(); O(1) when nothing was evicted.
 *
 * Returns: 0, -ENOMEM, or -EINTR/-ERESTARTSYS if a signal interrupted a
 * lock wait.
 */
int gpusim_vm_validate(struct gpusim_vm *vm)
{
	struct drm_exec exec;
	int ret = 0;

	drm_exec_init(&exec, DRM_EXEC_INTERRUPTIBLE_WAIT, 0);
	drm_exec_until_all_locked(&exec) {
		ret = drm_exec_lock_obj(&exec, vm->base.r_obj);
		drm_exec_retry_on_contention(&exec);
		if (ret)
			break;
		ret = drm_gpuvm_validate(&vm->base, &exec);
		drm_exec_retry_on_contention(&exec);
		if (ret)
			break;
	}
	drm_exec_fini(&exec);
	return ret;
}

const struct gem_reclaim_ops gpusim_reclaim_ops = {
	.unmap_from_gpu = gpusim_unmap_from_gpu,
};
