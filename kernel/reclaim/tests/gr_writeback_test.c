// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of gr_writeback_folio(): who unlocks the folio after a
 * writepage call, for each way writepage can return; and of
 * gr_writeback_next(): the walk always moves on.
 */

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/writeback.h>

#include <kunit/test.h>

#include "gr_kunit.h"
#include "gr_shrinker.h"

/*
 * The fakes stand for swap_writepage(): success (unlocked, 0), the
 * arch_prepare_to_swap() failure (unlocked, then an error) and shmem's
 * redirty for reclaim (still locked, AOP_WRITEPAGE_ACTIVATE). Whenever
 * writepage unlocked the folio, somebody else may lock it right away:
 * the fakes take it again to play that somebody, so that an unlock by the
 * caller would release a lock it does not own, and the test sees it.
 */
static int fake_writepage_ok(struct page *page, struct writeback_control *wbc)
{
	struct folio *folio = page_folio(page);

	folio_unlock(folio);
	folio_lock(folio);	/* the other owner */
	return 0;
}

static int fake_writepage_err(struct page *page, struct writeback_control *wbc)
{
	struct folio *folio = page_folio(page);

	folio_mark_dirty(folio);
	folio_unlock(folio);
	folio_lock(folio);	/* the other owner */
	return -EINVAL;
}

static int fake_writepage_activate(struct page *page, struct writeback_control *wbc)
{
	return AOP_WRITEPAGE_ACTIVATE;
}

static void run_one(struct kunit *test,
		    int (*writepage)(struct page *, struct writeback_control *),
		    bool other_owner, int want_ret)
{
	struct writeback_control wbc = { .for_reclaim = 1 };
	struct folio *folio = folio_alloc(GFP_KERNEL, 0);

	KUNIT_ASSERT_NOT_NULL(test, folio);
	folio_get(folio);	/* the reference gr_writeback_folio() drops */
	folio_lock(folio);
	KUNIT_EXPECT_EQ(test, gr_writeback_folio(folio, writepage, &wbc), want_ret);
	/* The other owner's lock must still be held, ours released. */
	KUNIT_EXPECT_EQ(test, folio_test_locked(folio), other_owner);
	KUNIT_EXPECT_FALSE(test, folio_test_reclaim(folio));
	if (folio_test_locked(folio))
		folio_unlock(folio);
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), 1);
	folio_put(folio);
}

static void gr_writeback_ok(struct kunit *test)
{
	run_one(test, fake_writepage_ok, true, 0);
}

static void gr_writeback_error_unlocked(struct kunit *test)
{
	run_one(test, fake_writepage_err, true, -EINVAL);
}

static void gr_writeback_activate_locked(struct kunit *test)
{
	run_one(test, fake_writepage_activate, false, AOP_WRITEPAGE_ACTIVATE);
}

/*
 * A huge folio handed back whole (AOP_WRITEPAGE_ACTIVATE) or failed must
 * be stepped over, or the next lookup returns it again and the walk never
 * ends (as it did when every written huge folio restarted at index + 1);
 * a huge folio written may have been split with only its head written, so
 * the walk looks at the next page; a small folio is one page either way.
 */
static void gr_writeback_next_moves_on(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, gr_writeback_next(512, 512, AOP_WRITEPAGE_ACTIVATE), 1024);
	KUNIT_EXPECT_EQ(test, gr_writeback_next(512, 512, -EINVAL), 1024);
	KUNIT_EXPECT_EQ(test, gr_writeback_next(512, 512, 0), 513);
	KUNIT_EXPECT_EQ(test, gr_writeback_next(7, 1, 0), 8);
	KUNIT_EXPECT_EQ(test, gr_writeback_next(7, 1, AOP_WRITEPAGE_ACTIVATE), 8);
}

static struct kunit_case gr_writeback_test_cases[] = {
	KUNIT_CASE(gr_writeback_ok),
	KUNIT_CASE(gr_writeback_error_unlocked),
	KUNIT_CASE(gr_writeback_activate_locked),
	KUNIT_CASE(gr_writeback_next_moves_on),
	{}
};

struct kunit_suite gr_writeback_test_suite = {
	.name = "gem_reclaim_writeback",
	.test_cases = gr_writeback_test_cases,
};
