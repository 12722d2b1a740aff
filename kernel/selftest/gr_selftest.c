// SPDX-License-Identifier: GPL-2.0-only
/*
 * gr_selftest: provokes kernel failures on purpose, so the tests of the VM
 * harness (tests/vm/selftest.sh) can check that each kind is detected. It
 * is never loaded unless a test asks for it, and does nothing unless a
 * parameter asks for it:
 *
 *   insmod gr_selftest.ko warn=1   a WARNING at load (any kernel)
 *   insmod gr_selftest.ko leak=1   leaks a kmalloc'ed object (kmemleak)
 *   insmod gr_selftest.ko oob=1    reads one byte past a kmalloc'ed object (KASAN)
 *   insmod gr_selftest.ko abba=1   takes two mutexes in both orders (lockdep)
 */

#include <linux/bug.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>

static bool warn;
module_param(warn, bool, 0444);
MODULE_PARM_DESC(warn, "Emit a WARNING when loaded");

static bool leak;
module_param(leak, bool, 0444);
MODULE_PARM_DESC(leak, "Leak a 128-byte object when loaded");

static bool oob;
module_param(oob, bool, 0444);
MODULE_PARM_DESC(oob, "Read past the end of a heap object when loaded");

static bool abba;
module_param(abba, bool, 0444);
MODULE_PARM_DESC(abba, "Take two mutexes in opposite orders when loaded");

static DEFINE_MUTEX(lock_a);
static DEFINE_MUTEX(lock_b);

/* Keeps the compiler from proving the leaked or overrun object unused. */
static void *volatile sink;

static void provoke_leak(void)
{
	char *p = kmalloc(128, GFP_KERNEL);

	if (p)
		memset(p, 0x5a, 128);
	sink = p;
	sink = NULL;
}

static void provoke_oob(void)
{
	char *p = kmalloc(24, GFP_KERNEL);
	size_t n = 24;

	if (!p)
		return;
	sink = p;
	pr_info("gr_selftest: byte past the end: %d\n", ((volatile char *)p)[n]);
	kfree(p);
}

static void provoke_abba(void)
{
	mutex_lock(&lock_a);
	mutex_lock(&lock_b);
	mutex_unlock(&lock_b);
	mutex_unlock(&lock_a);

	mutex_lock(&lock_b);
	mutex_lock(&lock_a);
	mutex_unlock(&lock_a);
	mutex_unlock(&lock_b);
}

static int __init gr_selftest_init(void)
{
	WARN(warn, "gr_selftest: WARNING requested by the test\n");
	if (leak)
		provoke_leak();
	if (oob)
		provoke_oob();
	if (abba)
		provoke_abba();
	return 0;
}

static void __exit gr_selftest_exit(void)
{
}

module_init(gr_selftest_init);
module_exit(gr_selftest_exit);

MODULE_DESCRIPTION("gemreclaim harness self-test: provokes kernel failures");
MODULE_LICENSE("GPL");
