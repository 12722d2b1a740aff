// SPDX-License-Identifier: GPL-2.0-only
/*
 * gr_selftest: provokes kernel failures on purpose, so the tests of the VM
 * harness (tests/vm/selftest) can check that each kind is detected. It is
 * never loaded unless a test asks for it.
 *
 *   insmod gr_selftest.ko warn=1    prints a kernel WARNING at load
 */

#include <linux/bug.h>
#include <linux/module.h>

static bool warn;
module_param(warn, bool, 0444);
MODULE_PARM_DESC(warn, "Emit a WARNING when loaded");

static int __init gr_selftest_init(void)
{
	WARN(warn, "gr_selftest: WARNING requested by the test\n");
	return 0;
}

static void __exit gr_selftest_exit(void)
{
}

module_init(gr_selftest_init);
module_exit(gr_selftest_exit);

MODULE_DESCRIPTION("gemreclaim harness self-test: provokes kernel failures");
MODULE_LICENSE("GPL");
