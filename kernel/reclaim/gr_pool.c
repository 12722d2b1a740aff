// SPDX-License-Identifier: GPL-2.0-only
/*
 * gem_reclaim: a test pool behind a shrinker.
 *
 * A shrinker registered with the memory-management core and a debugfs file
 * (gem_reclaim/pool) that shows what the shrinker was asked to do. The
 * shrinker reclaims from a pool of pages that the test harness fills through
 * debugfs, so in-guest tests can check that real memory pressure reaches the
 * module. The per-device BO shrinker replaces it in the reclaim work.
 */

#include <linux/debugfs.h>
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/shrinker.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#include "gr_internal.h"

/*
 * Locking of the test pool:
 *
 * pool_lock (spinlock) protects pool_list and pool_count. The shrinker's
 * count_objects reads pool_count without the lock (a racy read is fine for
 * an estimate). Pages are allocated and freed outside the lock.
 * The statistics counters are atomics and need no lock.
 */
static DEFINE_SPINLOCK(pool_lock);
static LIST_HEAD(pool_list);
static unsigned long pool_count;

static atomic_long_t stat_count_calls = ATOMIC_LONG_INIT(0);
static atomic_long_t stat_scan_calls = ATOMIC_LONG_INIT(0);
static atomic_long_t stat_freed = ATOMIC_LONG_INIT(0);

static struct shrinker *pool_shrinker;

/* Cap on one debugfs fill request: 1 GiB of 4 KiB pages. */
#define POOL_FILL_MAX	(1UL << 18)

static unsigned long pool_count_objects(struct shrinker *shrinker,
					struct shrink_control *sc)
{
	unsigned long n = READ_ONCE(pool_count);

	atomic_long_inc(&stat_count_calls);
	return n ? n : SHRINK_EMPTY;
}

static unsigned long pool_scan_objects(struct shrinker *shrinker,
				       struct shrink_control *sc)
{
	unsigned long freed = 0;
	LIST_HEAD(victims);
	struct page *page, *tmp;

	atomic_long_inc(&stat_scan_calls);

	spin_lock(&pool_lock);
	list_for_each_entry_safe(page, tmp, &pool_list, lru) {
		if (freed == sc->nr_to_scan)
			break;
		list_move(&page->lru, &victims);
		pool_count--;
		freed++;
	}
	spin_unlock(&pool_lock);

	list_for_each_entry_safe(page, tmp, &victims, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
	atomic_long_add(freed, &stat_freed);
	sc->nr_scanned = freed;
	return freed ? freed : SHRINK_STOP;
}

static void pool_drain(void)
{
	struct page *page, *tmp;
	LIST_HEAD(victims);

	spin_lock(&pool_lock);
	list_splice_init(&pool_list, &victims);
	pool_count = 0;
	spin_unlock(&pool_lock);

	list_for_each_entry_safe(page, tmp, &victims, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
}

static int pool_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "pool_pages %lu\n", READ_ONCE(pool_count));
	seq_printf(m, "count_calls %ld\n", atomic_long_read(&stat_count_calls));
	seq_printf(m, "scan_calls %ld\n", atomic_long_read(&stat_scan_calls));
	seq_printf(m, "freed_pages %ld\n", atomic_long_read(&stat_freed));
	return 0;
}

static int pool_open(struct inode *inode, struct file *file)
{
	return single_open(file, pool_show, inode->i_private);
}

/* Writing N adds N pages to the pool (0 empties it). */
static ssize_t pool_write(struct file *file, const char __user *ubuf,
			  size_t len, loff_t *ppos)
{
	unsigned long n, i;
	int ret;

	ret = kstrtoul_from_user(ubuf, len, 0, &n);
	if (ret)
		return ret;
	if (n > POOL_FILL_MAX)
		return -ERANGE;
	if (!n) {
		pool_drain();
		return len;
	}

	for (i = 0; i < n; i++) {
		struct page *page = alloc_page(GFP_KERNEL | __GFP_NOWARN);

		if (!page)
			return i ? len : -ENOMEM;
		spin_lock(&pool_lock);
		list_add_tail(&page->lru, &pool_list);
		pool_count++;
		spin_unlock(&pool_lock);
		cond_resched();
	}
	return len;
}

static const struct file_operations pool_fops = {
	.owner = THIS_MODULE,
	.open = pool_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = pool_write,
};

int gr_pool_init(struct dentry *debugfs_root)
{
	pool_shrinker = shrinker_alloc(0, "gem_reclaim-pool");
	if (!pool_shrinker)
		return -ENOMEM;
	pool_shrinker->count_objects = pool_count_objects;
	pool_shrinker->scan_objects = pool_scan_objects;
	pool_shrinker->seeks = DEFAULT_SEEKS;
	shrinker_register(pool_shrinker);

	debugfs_create_file("pool", 0600, debugfs_root, NULL, &pool_fops);
	return 0;
}

void gr_pool_fini(void)
{
	shrinker_free(pool_shrinker);
	pool_drain();
}
