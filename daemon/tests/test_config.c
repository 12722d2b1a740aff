// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "tests.h"

static struct config *cfg_new(void)
{
	struct config *c = malloc(sizeof(*c));

	assert_non_null(c);
	config_defaults(c);
	return c;
}

/* Load text that must fail with one error at line/option containing msg. */
static void expect_error(const char *text, int line, const char *option,
			 const char *msg)
{
	struct config *c = cfg_new(), *before = cfg_new();
	struct cfg_diag d;

	assert_int_equal(config_load_string(c, text, "t.conf", &d), -EINVAL);
	assert_true(d.n >= 1);
	assert_string_equal(d.e[0].file, "t.conf");
	assert_int_equal(d.e[0].line, line);
	assert_string_equal(d.e[0].option, option);
	if (!strstr(d.e[0].msg, msg))
		fail_msg("message \"%s\" lacks \"%s\"", d.e[0].msg, msg);
	/* nothing changed */
	assert_memory_equal(c, before, sizeof(*c));
	free(c);
	free(before);
}

/* Passes when the built-in defaults are self-consistent. */
static void config_builtin_defaults(void **state)
{
	struct config *c = cfg_new();

	(void)state;
	assert_int_equal(c->nlevels, 3);
	assert_string_equal(c->pressure_source, "system");
	assert_int_equal(c->log_level, LOG_INFO);
	assert_false(c->proactive.enabled);
	for (size_t i = 0; i < c->nlevels; i++) {
		char why[128];

		assert_int_equal(c->levels[i].window_us % 2000000, 0);
		assert_true(c->levels[i].stall_us <= c->levels[i].window_us);
		assert_int_equal(policy_chain_check(c->levels[i].prof.policy, why, sizeof(why)), 0);
	}
	assert_true(c->cooldown_ms >= config_max_window_ms(c));
	free(c);
}

/* Passes when the shipped etc/gemreclaimd.conf loads cleanly and equals the built-in defaults. */
static void config_shipped_file(void **state)
{
	struct config *c = cfg_new(), *def = cfg_new();
	struct cfg_diag d;
	char buf[512];

	(void)state;
	/* make the loaded copy differ first, so equality proves the file set it */
	memset(c, 0x5a, sizeof(*c));
	config_defaults(c);
	c->cooldown_ms = 1;
	if (config_load_file(c, GR_SRCDIR "/../etc/gemreclaimd.conf", &d)) {
		cfg_error_format(&d.e[0], buf, sizeof(buf));
		fail_msg("%s", buf);
	}
	assert_memory_equal(c, def, sizeof(*c));
	free(c);
	free(def);
}

/* Passes when a full custom file sets every section. */
static void config_valid_file(void **state)
{
	struct config *c = cfg_new();
	struct cfg_diag d;

	(void)state;
	assert_int_equal(config_load_string(c,
		"log_level = \"debug\";\n"
		"dry_run = true;\n"
		"metrics_file = \"/run/gr.prom\";\n"
		"pressure = { source = \"/sys/fs/cgroup/app.slice/memory.pressure\"; cooldown_ms = 5000; };\n"
		"devices = { drivers = [\"gpusim\", \"panthor\"]; cards = [\"card1\"]; };\n"
		"baseline = { policy = \"discard\"; min_resident_mb = 128; };\n"
		"levels = ( { name = \"hi\"; trigger = \"full\"; stall_us = 50000; window_us = 1000000;\n"
		"             policy = \"\"; shrink_mb = 8; } );\n"
		"proactive = { enabled = true; target_pct = 0.5; step_mb = 4; };\n",
		"t.conf", &d), 0);
	assert_int_equal(c->log_level, LOG_DEBUG);
	assert_true(c->dry_run);
	assert_string_equal(c->metrics_file, "/run/gr.prom");
	assert_int_equal(c->cooldown_ms, 5000);
	assert_int_equal(c->ndrivers, 2);
	assert_string_equal(c->drivers[1], "panthor");
	assert_int_equal(c->ncards, 1);
	assert_int_equal(c->baseline.has, PROFILE_POLICY | PROFILE_MIN_RESIDENT);
	assert_int_equal(c->baseline.min_resident_mb, 128);
	assert_int_equal(c->nlevels, 1);
	assert_int_equal(c->levels[0].kind, PSI_FULL);
	assert_int_equal(c->levels[0].window_us, 1000000);
	assert_int_equal(c->levels[0].prof.has, PROFILE_POLICY | PROFILE_SHRINK);
	assert_string_equal(c->levels[0].prof.policy, "");
	assert_true(c->proactive.enabled);
	assert_float_equal(c->proactive.target_pct, 0.5, 1e-9);
	assert_int_equal(c->proactive.interval_ms, 6000);	/* default kept */
	free(c);
}

/* Passes when a syntax error names the line libconfig stopped at. */
static void config_syntax_error(void **state)
{
	(void)state;
	expect_error("log_level = \"info\";\n\ndry_run = ;\n", 3, "", "syntax error");
}

/* Passes when a wrong type names file, line and option. */
static void config_wrong_type(void **state)
{
	(void)state;
	expect_error("dry_run = false;\npressure = {\n  cooldown_ms = \"long\";\n};\n",
		     3, "pressure.cooldown_ms", "expected an integer, got a string");
	expect_error("dry_run = 1;\n", 1, "dry_run", "expected a boolean");
	expect_error("pressure = 3;\n", 1, "pressure", "expected a group");
	expect_error("devices = { cards = [ 1 ]; };\n", 1, "devices.cards[0]", "expected a string, got an integer");
	expect_error("devices = { cards = \"card0\"; };\n", 1, "devices.cards", "expected an array of strings");
}

/* Passes when an out-of-range value names its range. */
static void config_out_of_range(void **state)
{
	(void)state;
	expect_error("\n\nmetrics_interval_ms = 10;\n", 3, "metrics_interval_ms", "out of range [1000, 3600000]");
	expect_error("proactive = {\n target_pct = 0.0;\n};\n", 2, "proactive.target_pct", "out of range");
	expect_error("levels = (\n { stall_us = 1000;\n   window_us = 20000000; }\n);\n",
		     3, "levels[0].window_us", "out of range");
}

/* Passes when unknown options are errors, at top level and nested. */
static void config_unknown_option(void **state)
{
	(void)state;
	expect_error("dry_run = false;\ndryrun = true;\n", 2, "dryrun", "unknown option");
	expect_error("pressure = {\n  cooldown = 1;\n};\n", 2, "pressure.cooldown", "unknown option");
	expect_error("levels = ( { stall_us = 1; window_us = 2000000;\n policyy = \"x\"; } );\n",
		     2, "levels[0].policyy", "unknown option");
}

/* Passes when bad string values are rejected with the reason. */
static void config_bad_values(void **state)
{
	(void)state;
	expect_error("baseline = { policy = \"discard swapit\"; };\n", 1, "baseline.policy", "unknown policy 'swapit'");
	expect_error("baseline = { policy = \"swapout swapout\"; };\n", 1, "baseline.policy", "listed twice");
	expect_error("log_level = \"loud\";\n", 1, "log_level", "expected error, warning, info or debug");
	expect_error("pressure = { source = \"relative/path\"; };\n", 1, "pressure.source", "absolute path");
	expect_error("devices = { cards = [\"card0\", \"hdmi\"]; };\n", 1, "devices.cards[1]", "not a card name");
	expect_error("levels = ( { trigger = \"most\"; stall_us = 1; window_us = 2000000; } );\n",
		     1, "levels[0].trigger", "\"some\" or \"full\"");
}

/* Passes when cross-field rules are checked: stall <= window, names unique, required fields, cooldown >= window. */
static void config_level_rules(void **state)
{
	(void)state;
	expect_error("levels = (\n { stall_us = 3000000; window_us = 2000000; }\n);\n",
		     2, "levels[0]", "larger than window_us");
	expect_error("levels = (\n { window_us = 2000000; }\n);\n", 2, "levels[0].stall_us", "missing required");
	expect_error("levels = ( { name = \"a\"; stall_us = 1; window_us = 2000000; },\n"
		     "  { name = \"a\"; stall_us = 2; window_us = 2000000; } );\n",
		     2, "levels[1]", "used twice");
	expect_error("pressure = {\n cooldown_ms = 1000;\n};\n", 2, "pressure.cooldown_ms", "shorter than the largest trigger window");
	expect_error("pressure = { rearm_delay_ms = 5000;\n rearm_max_ms = 1000; };\n",
		     2, "pressure.rearm_max_ms", "must not be smaller");
	expect_error("levels = 5;\n", 1, "levels", "expected a list");
}

/* Passes when every error in a file is reported, not just the first. */
static void config_multiple_errors(void **state)
{
	struct config *c = cfg_new();
	struct cfg_diag d;
	char buf[512];

	(void)state;
	assert_int_equal(config_load_string(c, "a = 1;\nb = 2;\ndry_run = 3;\n", "t.conf", &d), -EINVAL);
	assert_int_equal(d.n, 3);
	assert_int_equal(d.e[0].line, 1);
	assert_int_equal(d.e[1].line, 2);
	assert_int_equal(d.e[2].line, 3);
	cfg_error_format(&d.e[2], buf, sizeof(buf));
	assert_string_equal(buf, "t.conf:3: option 'dry_run': expected a boolean (true/false), got an integer");
	free(c);
}

/* Passes when a failed load keeps a previously loaded config (reload semantics). */
static void config_failed_reload_keeps_old(void **state)
{
	struct config *c = cfg_new(), *old = cfg_new();
	struct cfg_diag d;

	(void)state;
	assert_int_equal(config_load_string(c, "dry_run = true;\npressure = { cooldown_ms = 9000; };\n", "a", &d), 0);
	memcpy(old, c, sizeof(*c));
	assert_int_equal(config_load_string(c, "dry_run = false;\npressure = { cooldown_ms = -1; };\n", "b", &d), -EINVAL);
	assert_memory_equal(c, old, sizeof(*c));
	assert_true(c->dry_run);
	/* a good reload starts from defaults, not from the previous file */
	assert_int_equal(config_load_string(c, "log_level = \"error\";\n", "c", &d), 0);
	assert_false(c->dry_run);
	assert_int_equal(c->cooldown_ms, 30000);
	free(c);
	free(old);
}

/* Passes when a missing file is -ENOENT (run on defaults) and leaves the config alone. */
static void config_missing_file(void **state)
{
	struct config *c = cfg_new(), *def = cfg_new();
	struct cfg_diag d;

	(void)state;
	assert_int_equal(config_load_file(c, "/nonexistent/gemreclaimd.conf", &d), -ENOENT);
	assert_memory_equal(c, def, sizeof(*c));
	free(c);
	free(def);
}

/* Passes when a real file's errors carry the file's path. */
static void config_file_error_names_file(void **state)
{
	struct config *c = cfg_new();
	struct cfg_diag d;
	char *dir = tmpdir_new(), path[512];

	(void)state;
	write_file(dir, "g.conf", "# comment\n\nproactive = { step_mb = 0; };\n");
	snprintf(path, sizeof(path), "%s/g.conf", dir);
	assert_int_equal(config_load_file(c, path, &d), -EINVAL);
	assert_string_equal(d.e[0].file, path);
	assert_int_equal(d.e[0].line, 3);
	assert_string_equal(d.e[0].option, "proactive.step_mb");
	write_file(dir, "s.conf", "x = {\n");
	snprintf(path, sizeof(path), "%s/s.conf", dir);
	assert_int_equal(config_load_file(c, path, &d), -EINVAL);
	assert_string_equal(d.e[0].file, path);
	assert_non_null(strstr(d.e[0].msg, "syntax error"));
	tmpdir_free(dir);
	free(c);
}

TEST_SUITE(config)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(config_builtin_defaults),
		cmocka_unit_test(config_shipped_file),
		cmocka_unit_test(config_valid_file),
		cmocka_unit_test(config_syntax_error),
		cmocka_unit_test(config_wrong_type),
		cmocka_unit_test(config_out_of_range),
		cmocka_unit_test(config_unknown_option),
		cmocka_unit_test(config_bad_values),
		cmocka_unit_test(config_level_rules),
		cmocka_unit_test(config_multiple_errors),
		cmocka_unit_test(config_failed_reload_keeps_old),
		cmocka_unit_test(config_missing_file),
		cmocka_unit_test(config_file_error_names_file),
	};
	TEST_SUITE_BODY(tests);
}
