// SPDX-License-Identifier: GPL-2.0-only
/*
 * gem_reclaim: module of the gemreclaim reclaim core.
 *
 * gr_object.c holds the GEM object for UMA drivers (and the DOC: Locking
 * block), gr_vm.c the per-device state and VM activity tracking,
 * gr_shrinker.c the per-device shrinker and the actions of the policies,
 * gr_memcg.c the per-memcg accounting, gr_policy.c the policy table and
 * chain, gr_knobs.c the knobs and debugfs files, gr_stats.c the
 * statistics, gr_restore.c the read-ahead of swapped-out BOs. Everything
 * is per device, set up by the driver through
 * gem_reclaim_device_register(); the module itself only owns the slab
 * cache of the per-memcg records, the tmpfs mount of huge-page BOs and
 * the workqueue of the read-ahead's helpers.
 */

#include <linux/module.h>

#include "gr_internal.h"
#include "gr_memcg.h"

static int __init gem_reclaim_init(void)
{
	int ret = gr_memcg_cache_init();

	if (ret)
		return ret;
	ret = gr_restore_init();
	if (ret) {
		gr_memcg_cache_exit();
		return ret;
	}
	gr_gemfs_init();
	return 0;
}
module_init(gem_reclaim_init);

static void __exit gem_reclaim_exit(void)
{
	gr_gemfs_exit();
	gr_restore_exit();
	gr_memcg_cache_exit();
}
module_exit(gem_reclaim_exit);

MODULE_DESCRIPTION("gemreclaim: GEM buffer reclaim core for UMA GPU drivers");
MODULE_LICENSE("GPL");
