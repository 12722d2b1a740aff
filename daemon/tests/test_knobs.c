// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices.h"
#include "knobs.h"
#include "tests.h"

/*
 * A fake tree: card0 (reclaim-capable, driver gpusim, with debugfs),
 * card1 (no reclaim dir), card0-HDMI-A-1 (a connector).
 */
static char *fake_tree(struct roots *r)
{
	char *dir = tmpdir_new(), link[512], target[512];

	write_file(dir, "sys/class/drm/card0/device/reclaim/policy", "discard swapout\n");
	write_file(dir, "sys/class/drm/card0/device/reclaim/available_policies",
		   "discard idle-vm-first swapout\n");
	write_file(dir, "sys/class/drm/card0/device/reclaim/idle_threshold_ms", "2000\n");
	write_file(dir, "sys/class/drm/card0/device/reclaim/min_resident_mb", "16\n");
	write_file(dir, "sys/bus/platform/drivers/gpusim/.keep", "");
	snprintf(link, sizeof(link), "%s/sys/class/drm/card0/device/driver", dir);
	snprintf(target, sizeof(target), "%s/sys/bus/platform/drivers/gpusim", dir);
	assert_int_equal(symlink(target, link), 0);
	write_file(dir, "sys/class/drm/card1/device/uevent", "");
	write_file(dir, "sys/class/drm/card0-HDMI-A-1/device/reclaim/policy", "");
	write_file(dir, "sys/kernel/debug/dri/0/reclaim/stats", "resident_bytes 4096\n");
	write_file(dir, "sys/kernel/debug/dri/0/reclaim/shrink", "0\n");
	snprintf(r->proc, sizeof(r->proc), "%s/proc", dir);
	snprintf(r->sys, sizeof(r->sys), "%s/sys", dir);
	snprintf(r->debugfs, sizeof(r->debugfs), "%s/sys/kernel/debug", dir);
	return dir;
}

/* Passes when card names map to minors and connectors are refused. */
static void knobs_card_minor(void **state)
{
	(void)state;
	assert_int_equal(card_minor("card0"), 0);
	assert_int_equal(card_minor("card12"), 12);
	assert_int_equal(card_minor("card"), -EINVAL);
	assert_int_equal(card_minor("card0-HDMI-A-1"), -EINVAL);
	assert_int_equal(card_minor("renderD128"), -EINVAL);
}

/* Passes when a fake card opens with its driver, paths and available policies. */
static void knobs_device_open(void **state)
{
	struct roots r;
	char *dir = fake_tree(&r);
	struct device d;

	(void)state;
	assert_int_equal(device_open(&d, &r, "card0"), 0);
	assert_string_equal(d.driver, "gpusim");
	assert_int_equal(d.minor, 0);
	assert_string_equal(d.available, "discard idle-vm-first swapout");
	assert_true(device_has_debugfs(&d));
	assert_int_equal(device_open(&d, &r, "card1"), -ENODEV);
	assert_int_equal(device_open(&d, &r, "card0-HDMI-A-1"), -EINVAL);
	tmpdir_free(dir);
}

/* Passes when knobs are remembered, moved, and restored exactly (restore on exit). */
static void knobs_save_apply_restore(void **state)
{
	struct roots r;
	char *dir = fake_tree(&r), *s;
	struct device d;
	struct profile p = { .has = PROFILE_POLICY | PROFILE_IDLE_THRESHOLD,
			     .policy = "discard  idle-vm-first swapout ",
			     .idle_threshold_ms = 500 };

	(void)state;
	assert_int_equal(device_open(&d, &r, "card0"), 0);
	assert_int_equal(device_save(&d), 0);
	assert_int_equal(device_apply(&d, &p, NULL, false, false), 0);
	s = read_file(dir, "sys/class/drm/card0/device/reclaim/policy");
	assert_string_equal(s, "discard idle-vm-first swapout");
	free(s);
	s = read_file(dir, "sys/class/drm/card0/device/reclaim/idle_threshold_ms");
	assert_string_equal(s, "500");
	free(s);
	s = read_file(dir, "sys/class/drm/card0/device/reclaim/min_resident_mb");
	assert_string_equal(s, "16");		/* untouched */
	free(s);
	assert_int_equal(device_restore(&d, false), 0);
	s = read_file(dir, "sys/class/drm/card0/device/reclaim/policy");
	assert_string_equal(s, "discard swapout");
	free(s);
	s = read_file(dir, "sys/class/drm/card0/device/reclaim/idle_threshold_ms");
	assert_string_equal(s, "2000");
	free(s);
	tmpdir_free(dir);
}

/* Passes when a restore with the device gone reports the failures instead of crashing. */
static void knobs_restore_device_gone(void **state)
{
	struct roots r;
	char *dir = fake_tree(&r), path[600];
	struct device d;
	struct profile p = { .has = PROFILE_MIN_RESIDENT, .min_resident_mb = 1 };

	(void)state;
	assert_int_equal(device_open(&d, &r, "card0"), 0);
	assert_int_equal(device_save(&d), 0);
	assert_int_equal(device_apply(&d, &p, NULL, false, false), 0);
	snprintf(path, sizeof(path), "%s/sys/class/drm/card0/device/reclaim/min_resident_mb", dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(device_restore(&d, false), 1);
	tmpdir_free(dir);
}

/* Passes when dry-run writes nothing at all. */
static void knobs_dry_run(void **state)
{
	struct roots r;
	char *dir = fake_tree(&r), *s;
	struct device d;
	struct profile p = { .has = PROFILE_POLICY | PROFILE_SHRINK, .policy = "",
			     .shrink_mb = 4 };

	(void)state;
	assert_int_equal(device_open(&d, &r, "card0"), 0);
	assert_int_equal(device_save(&d), 0);
	assert_int_equal(device_apply(&d, &p, NULL, true, true), 0);
	s = read_file(dir, "sys/class/drm/card0/device/reclaim/policy");
	assert_string_equal(s, "discard swapout");
	free(s);
	s = read_file(dir, "sys/kernel/debug/dri/0/reclaim/shrink");
	assert_string_equal(s, "0");
	free(s);
	tmpdir_free(dir);
}

/* Passes when knob values come from the level, then the baseline, then what was found. */
static void knobs_profile_resolve(void **state)
{
	char saved[KNOB_COUNT][KNOB_VAL_LEN] = { "swapout", "100", "8" };
	char out[KNOB_COUNT][KNOB_VAL_LEN], dropped[64];
	struct profile lvl = { .has = PROFILE_POLICY, .policy = "discard idle-vm-first swapout" };
	struct profile base = { .has = PROFILE_IDLE_THRESHOLD | PROFILE_POLICY,
				.idle_threshold_ms = 7000, .policy = "discard" };

	(void)state;
	profile_resolve(&lvl, &base, (const char (*)[KNOB_VAL_LEN])saved,
			"discard swapout", out, dropped, sizeof(dropped));
	assert_string_equal(out[KNOB_POLICY], "discard swapout");
	assert_string_equal(dropped, "idle-vm-first");
	assert_string_equal(out[KNOB_IDLE_THRESHOLD_MS], "7000");
	assert_string_equal(out[KNOB_MIN_RESIDENT_MB], "8");
	/* level 0 with an empty baseline: everything as found */
	memset(&base, 0, sizeof(base));
	profile_resolve(&base, NULL, (const char (*)[KNOB_VAL_LEN])saved, "", out,
			dropped, sizeof(dropped));
	assert_string_equal(out[KNOB_POLICY], "swapout");
	assert_string_equal(out[KNOB_IDLE_THRESHOLD_MS], "100");
	assert_string_equal(dropped, "");
}

/* Passes when policy chains are validated and filtered in order. */
static void knobs_policy_chain(void **state)
{
	char out[64], dropped[64], why[128];

	(void)state;
	assert_int_equal(policy_chain_check("discard idle-vm-first swapout", why, sizeof(why)), 0);
	assert_int_equal(policy_chain_check("", why, sizeof(why)), 0);
	assert_int_equal(policy_chain_check("swapout discard", why, sizeof(why)), 0);
	assert_int_equal(policy_chain_check("discard lru", why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "'lru'"));
	assert_int_equal(policy_chain_check("discard discard", why, sizeof(why)), -EINVAL);
	assert_int_equal(policy_chain_filter("swapout discard", "discard swapout", out,
					     sizeof(out), dropped, sizeof(dropped)), 0);
	assert_string_equal(out, "swapout discard");
	assert_int_equal(policy_chain_filter("swapout discard", "discard", out,
					     sizeof(out), dropped, sizeof(dropped)), 1);
	assert_string_equal(out, "discard");
	assert_string_equal(dropped, "swapout");
	assert_int_equal(policy_chain_filter("discard", "discard-all", out,
					     sizeof(out), dropped, sizeof(dropped)), 1);
	assert_string_equal(out, "");
}

/* Passes when a shrink request writes a page count and the optional tgid. */
static void knobs_shrink(void **state)
{
	struct roots r;
	char *dir = fake_tree(&r), *s, want[64];
	struct device d;
	long page = sysconf(_SC_PAGESIZE);

	(void)state;
	assert_int_equal(device_open(&d, &r, "card0"), 0);
	assert_int_equal(device_shrink(&d, 64ull << 20, 0, false), 0);
	s = read_file(dir, "sys/kernel/debug/dri/0/reclaim/shrink");
	snprintf(want, sizeof(want), "%llu", (64ull << 20) / (unsigned long long)page);
	assert_string_equal(s, want);
	free(s);
	assert_int_equal(device_shrink(&d, 1ull << 20, 1234, false), 0);
	s = read_file(dir, "sys/kernel/debug/dri/0/reclaim/shrink");
	snprintf(want, sizeof(want), "%llu tgid=1234", (1ull << 20) / (unsigned long long)page);
	assert_string_equal(s, want);
	free(s);
	tmpdir_free(dir);
}

/*
 * Passes when a shrink request is written once and its result read back
 * from the same file: a reply that is not a page count is -EBADMSG (a
 * regular file echoes the request), a request of 0 pages or one that
 * cannot be written reads nothing back.
 */
static void knobs_shrink_pages(void **state)
{
	struct roots r;
	char *dir = fake_tree(&r), *s, reply[64], path[4096];
	uint64_t freed = 77;
	struct device d;

	(void)state;
	assert_int_equal(device_open(&d, &r, "card0"), 0);
	assert_int_equal(device_shrink_pages(&d, 2048, 0, &freed, reply, sizeof(reply)), 0);
	assert_int_equal(freed, 2048);		/* the fake file reads back the request */
	assert_string_equal(reply, "2048");
	freed = 77;
	assert_int_equal(device_shrink_pages(&d, 256, 42, &freed, reply, sizeof(reply)), -EBADMSG);
	assert_string_equal(reply, "256 tgid=42");
	assert_int_equal(freed, 77);
	s = read_file(dir, "sys/kernel/debug/dri/0/reclaim/shrink");
	assert_string_equal(s, "256 tgid=42");
	free(s);
	/* nothing written for 0 pages: the previous result is not this one */
	write_file(dir, "sys/kernel/debug/dri/0/reclaim/shrink", "5\n");
	assert_int_equal(device_shrink_pages(&d, 0, 0, &freed, reply, sizeof(reply)), -ERANGE);
	assert_string_equal(reply, "");
	s = read_file(dir, "sys/kernel/debug/dri/0/reclaim/shrink");
	assert_string_equal(s, "5");
	free(s);
	/* a write that fails: no reply read */
	snprintf(path, sizeof(path), "%s/sys/kernel/debug/dri/0/reclaim/shrink", dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(device_shrink_pages(&d, 1, 0, &freed, reply, sizeof(reply)), -EISDIR);
	assert_string_equal(reply, "");
	assert_int_equal(freed, 77);
	tmpdir_free(dir);
}

/*
 * Passes when a shrink request goes to the sysfs shrink file once the
 * kernel has one (it works under kernel lockdown) and the debugfs file is
 * left alone; and when the lockdown mode is read from securityfs.
 */
static void knobs_shrink_sysfs_first(void **state)
{
	struct roots r;
	char *dir = fake_tree(&r), *s, reply[64], path[4096], mode[32];
	uint64_t freed = 0;
	struct device d;
	bool sysfs = false;

	(void)state;
	assert_int_equal(device_open(&d, &r, "card0"), 0);
	assert_int_equal(device_shrink_path(&d, path, sizeof(path), &sysfs), 0);
	assert_false(sysfs);
	write_file(dir, "sys/class/drm/card0/device/reclaim/shrink", "0\n");
	assert_int_equal(device_shrink_path(&d, path, sizeof(path), &sysfs), 0);
	assert_true(sysfs);
	assert_true(device_can_shrink(&d));
	assert_int_equal(device_shrink_pages(&d, 64, 0, &freed, reply, sizeof(reply)), 0);
	assert_int_equal(freed, 64);
	s = read_file(dir, "sys/class/drm/card0/device/reclaim/shrink");
	assert_string_equal(s, "64");
	free(s);
	s = read_file(dir, "sys/kernel/debug/dri/0/reclaim/shrink");
	assert_string_equal(s, "0");
	free(s);

	assert_false(lockdown_active(&r, mode, sizeof(mode)));
	write_file(dir, "sys/kernel/security/lockdown", "[none] integrity confidentiality\n");
	assert_false(lockdown_active(&r, mode, sizeof(mode)));
	write_file(dir, "sys/kernel/security/lockdown", "none [integrity] confidentiality\n");
	assert_true(lockdown_active(&r, mode, sizeof(mode)));
	assert_string_equal(mode, "integrity");
	tmpdir_free(dir);
}

/*
 * Passes when gemreclaimd's state file parses into its fields, unknown keys
 * are ignored, and a file without pid or level, or with a bad number, is
 * refused.
 */
static void knobs_daemon_state(void **state)
{
	struct daemon_state st;

	(void)state;
	assert_int_equal(daemon_state_parse("pid=42\nlevel=critical\nlevel_index=2\nsince=1700000000\n"
					    "last_action=shrink card0 64 MiB\nlast_action_at=1700000005\n"
					    "devices=1\ndry_run=0\nfuture=x\n", &st), 0);
	assert_int_equal(st.pid, 42);
	assert_string_equal(st.level, "critical");
	assert_int_equal(st.since, 1700000000);
	assert_string_equal(st.last_action, "shrink card0 64 MiB");
	assert_int_equal(st.last_action_at, 1700000005);
	assert_int_equal(st.devices, 1);
	assert_false(st.dry_run);
	assert_int_equal(daemon_state_parse("pid=42\nlevel=none\ndry_run=1", &st), 0);
	assert_true(st.dry_run);
	assert_int_equal(daemon_state_parse("level=none\n", &st), -EBADMSG);
	assert_int_equal(daemon_state_parse("pid=42\n", &st), -EBADMSG);
	assert_int_equal(daemon_state_parse("pid=4x2\nlevel=none\n", &st), -EBADMSG);
	assert_int_equal(daemon_state_parse("pid=-1\nlevel=none\n", &st), -EBADMSG);
	assert_int_equal(daemon_state_parse("", &st), -EBADMSG);
}

/* Passes when the shrink result says bytes in units and pages, freed and asked. */
static void knobs_shrink_text(void **state)
{
	char buf[160];

	(void)state;
	shrink_result_text(buf, sizeof(buf), 4096, 2048, 4096, false);
	assert_string_equal(buf, "freed 16.0 MiB (4096 pages) of 8.0 MiB asked");
	shrink_result_text(buf, sizeof(buf), 1, 2048, 4096, false);
	assert_string_equal(buf, "freed 4.0 KiB (1 page) of 8.0 MiB asked");
	shrink_result_text(buf, sizeof(buf), 0, 16, 16384, true);
	assert_string_equal(buf, "freed 0 bytes (0 pages) of 262144 bytes asked");
	/* byte counts saturate rather than wrap */
	shrink_result_text(buf, sizeof(buf), UINT64_MAX, 1, 4096, true);
	assert_string_equal(buf, "freed 18446744073709551615 bytes (18446744073709551615 pages) of 4096 bytes asked");
}

/* Passes when numeric knobs take decimal digits only, text knobs anything, and JSON follows. */
static void knobs_value_check(void **state)
{
	char why[96], *buf = NULL;
	size_t len = 0;
	FILE *out;

	(void)state;
	assert_true(knob_is_numeric("idle_threshold_ms"));
	assert_true(knob_is_numeric("min_resident_mb"));
	assert_false(knob_is_numeric("policy"));
	assert_false(knob_is_numeric("available_policies"));
	assert_int_equal(knob_value_check("idle_threshold_ms", "5000", why, sizeof(why)), 0);
	assert_int_equal(knob_value_check("idle_threshold_ms", "0", why, sizeof(why)), 0);
	assert_int_equal(knob_value_check("idle_threshold_ms", "-5", why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "expected a non-negative decimal integer");
	assert_int_equal(knob_value_check("min_resident_mb", "", why, sizeof(why)), -EINVAL);
	assert_int_equal(knob_value_check("min_resident_mb", "1e3", why, sizeof(why)), -EINVAL);
	assert_int_equal(knob_value_check("min_resident_mb", " 5", why, sizeof(why)), -EINVAL);
	assert_int_equal(knob_value_check("min_resident_mb", "18446744073709551616", why,
					  sizeof(why)), -ERANGE);
	assert_string_equal(why, "out of range (more than 18446744073709551615)");
	assert_int_equal(knob_value_check("policy", "-discard", why, sizeof(why)), 0);
	out = open_memstream(&buf, &len);
	knob_print_json(out, "idle_threshold_ms", "5000");
	fputc(' ', out);
	knob_print_json(out, "idle_threshold_ms", "x");
	fputc(' ', out);
	knob_print_json(out, "policy", "123");
	fputc(' ', out);
	knob_print_json(out, "policy", NULL);
	fclose(out);
	assert_string_equal(buf, "5000 null \"123\" null");
	free(buf);
}

static int seen;
static char seen_name[32];

static void count_cb(void *ud, const char *sysname, bool added)
{
	(void)ud;
	assert_true(added);
	seen++;
	snprintf(seen_name, sizeof(seen_name), "%s", sysname);
}

/* Passes when the directory back end finds card0 only (not card1, not a connector). */
static void knobs_devscan_dir(void **state)
{
	struct roots r;
	char *dir = fake_tree(&r), err[128];
	struct devscan *ds = devscan_new(&r, false, err, sizeof(err));

	(void)state;
	assert_non_null(ds);
	seen = 0;
	assert_int_equal(devscan_enumerate(ds, count_cb, NULL), 1);
	assert_int_equal(seen, 1);
	assert_string_equal(seen_name, "card0");
	assert_int_equal(devscan_fd(ds), -1);
	devscan_free(ds);
	tmpdir_free(dir);
}

/* Passes when device matching honours card and driver lists. */
static void knobs_devices_match(void **state)
{
	struct config c;

	(void)state;
	config_defaults(&c);
	assert_true(devices_match(&c, "card0", "gpusim"));
	c.ndrivers = 1;
	strcpy(c.drivers[0], "panthor");
	assert_false(devices_match(&c, "card0", "gpusim"));
	assert_true(devices_match(&c, "card0", "panthor"));
	assert_false(devices_match(&c, "card0", NULL));
	c.ncards = 1;
	strcpy(c.cards[0], "card1");
	assert_false(devices_match(&c, "card0", "panthor"));
	assert_true(devices_match(&c, "card1", "panthor"));
}

TEST_SUITE(knobs)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(knobs_card_minor),
		cmocka_unit_test(knobs_device_open),
		cmocka_unit_test(knobs_save_apply_restore),
		cmocka_unit_test(knobs_restore_device_gone),
		cmocka_unit_test(knobs_dry_run),
		cmocka_unit_test(knobs_profile_resolve),
		cmocka_unit_test(knobs_policy_chain),
		cmocka_unit_test(knobs_shrink),
		cmocka_unit_test(knobs_shrink_pages),
		cmocka_unit_test(knobs_shrink_sysfs_first),
		cmocka_unit_test(knobs_daemon_state),
		cmocka_unit_test(knobs_shrink_text),
		cmocka_unit_test(knobs_value_check),
		cmocka_unit_test(knobs_devscan_dir),
		cmocka_unit_test(knobs_devices_match),
	};
	TEST_SUITE_BODY(tests);
}
