/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gem_reclaim: declarations shared by the files of the module.
 */
#ifndef __GR_INTERNAL_H__
#define __GR_INTERNAL_H__

struct dentry;

int gr_pool_init(struct dentry *debugfs_root);
void gr_pool_fini(void);

#endif /* __GR_INTERNAL_H__ */
