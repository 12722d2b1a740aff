// SPDX-License-Identifier: GPL-2.0-only
/*
 * gem_reclaim: module entry points of the gemreclaim reclaim core.
 *
 * gr_object.c holds the GEM object for UMA drivers (and the DOC: Locking
 * block), gr_vm.c the per-device state and VM activity tracking, gr_pool.c a
 * test pool behind a shrinker that the harness uses.
 */

#include <linux/debugfs.h>
#include <linux/module.h>

#include "gr_internal.h"

static struct dentry *gr_debugfs_root;

static int __init gem_reclaim_init(void)
{
	int ret;

	gr_debugfs_root = debugfs_create_dir("gem_reclaim", NULL);
	ret = gr_pool_init(gr_debugfs_root);
	if (ret)
		goto err_remove_debugfs;
	return 0;

err_remove_debugfs:
	debugfs_remove_recursive(gr_debugfs_root);
	return ret;
}

static void __exit gem_reclaim_exit(void)
{
	debugfs_remove_recursive(gr_debugfs_root);
	gr_pool_fini();
}

module_init(gem_reclaim_init);
module_exit(gem_reclaim_exit);

MODULE_DESCRIPTION("gemreclaim: GEM buffer reclaim core for UMA GPU drivers");
MODULE_LICENSE("GPL");
