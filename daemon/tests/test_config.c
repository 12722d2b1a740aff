// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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
	assert_int_equal(c->cooldown_ms, 6000);
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

/* Passes when cgroup_trim is off without its section and a full section sets every field. */
static void config_cgtrim_valid(void **state)
{
	struct config *c = cfg_new();
	struct cfg_diag d;
	char buf[512];

	(void)state;
	assert_false(c->cgtrim.enabled);
	assert_string_equal(c->cgtrim.root, "/sys/fs/cgroup");
	assert_int_equal(c->cgtrim.interval_ms, 6000);
	assert_float_equal(c->cgtrim.target_pct, 0.1, 1e-12);
	assert_float_equal(c->cgtrim.ratio, 0.0005, 1e-12);
	assert_float_equal(c->cgtrim.max_step_ratio, 0.01, 1e-12);
	assert_int_equal(c->cgtrim.max_step_bytes, 0);
	assert_int_equal(c->cgtrim.min_bytes, 0);
	assert_int_equal(config_load_string(c, "dry_run = false;\n", "t.conf", &d), 0);
	assert_false(c->cgtrim.enabled);
	if (config_load_string(c,
		"cgroup_trim = {\n"
		"  root = \"/sys/fs/cgroup/\";\n"
		"  interval_ms = 500;\n"
		"  target_pct = 2.5;\n"
		"  ratio = 1;\n"
		"  max_step_ratio = 0.05;\n"
		"  max_step_bytes = \"64M\";\n"
		"  min_bytes = 8589934592L;\n"
		"  cgroups = (\n"
		"    { path = \"user.slice/user-*.slice/user@*.service/app.slice/*.scope\"; role = \"background\"; },\n"
		"    { path = \"app.slice/[a-c]?x\\\\*\"; role = \"foreground\"; }\n"
		"  );\n"
		"};\n", "t.conf", &d)) {
		cfg_error_format(&d.e[0], buf, sizeof(buf));
		fail_msg("%s", buf);
	}
	assert_true(c->cgtrim.enabled);
	assert_string_equal(c->cgtrim.root, "/sys/fs/cgroup/");
	assert_int_equal(c->cgtrim.interval_ms, 500);
	assert_float_equal(c->cgtrim.target_pct, 2.5, 1e-12);
	assert_float_equal(c->cgtrim.ratio, 1.0, 1e-12);
	assert_float_equal(c->cgtrim.max_step_ratio, 0.05, 1e-12);
	assert_int_equal(c->cgtrim.max_step_bytes, 64ull << 20);
	assert_int_equal(c->cgtrim.min_bytes, 8ull << 30);
	assert_int_equal(c->cgtrim.nentries, 2);
	assert_string_equal(c->cgtrim.entries[0].path,
			    "user.slice/user-*.slice/user@*.service/app.slice/*.scope");
	assert_int_equal(c->cgtrim.entries[0].role, CG_BACKGROUND);
	assert_string_equal(c->cgtrim.entries[1].path, "app.slice/[a-c]?x\\*");
	assert_int_equal(c->cgtrim.entries[1].role, CG_FOREGROUND);
	/* sizes as plain integers, defaults kept for what is not given */
	assert_int_equal(config_load_string(c,
		"cgroup_trim = { min_bytes = 4096; cgroups = ( { path = \"a\"; role = \"background\"; } ); };\n",
		"t.conf", &d), 0);
	assert_int_equal(c->cgtrim.min_bytes, 4096);
	assert_int_equal(c->cgtrim.interval_ms, 6000);
	assert_int_equal(c->cgtrim.nentries, 1);
	/* a reload without the section turns it off */
	assert_int_equal(config_load_string(c, "dry_run = false;\n", "t.conf", &d), 0);
	assert_false(c->cgtrim.enabled);
	free(c);
}

/*
 * Passes when the commented-out cgroup_trim section of the shipped file,
 * uncommented, loads and shows the built-in defaults (entries aside).
 */
static void config_shipped_cgtrim(void **state)
{
	struct config *c = cfg_new(), *def = cfg_new();
	FILE *f = fopen(GR_SRCDIR "/../etc/gemreclaimd.conf", "r");
	char line[512], *text = calloc(1, 65536), buf[512];
	bool in = false;
	struct cfg_diag d;

	(void)state;
	assert_non_null(f);
	assert_non_null(text);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "#cgroup_trim = {", 16) == 0)
			in = true;
		if (in && line[0] == '#')
			strncat(text, line + 1, 65535 - strlen(text));
	}
	fclose(f);
	assert_true(in);
	if (config_load_string(c, text, "gemreclaimd.conf", &d)) {
		cfg_error_format(&d.e[0], buf, sizeof(buf));
		fail_msg("%s", buf);
	}
	assert_true(c->cgtrim.enabled);
	assert_true(c->cgtrim.nentries >= 1);
	c->cgtrim.enabled = false;
	c->cgtrim.nentries = 0;
	memset(c->cgtrim.entries, 0, sizeof(c->cgtrim.entries));
	assert_memory_equal(&c->cgtrim, &def->cgtrim, sizeof(c->cgtrim));
	free(text);
	free(c);
	free(def);
}

#define CGT_ONE "cgroups = ( { path = \"app.slice/*\"; role = \"background\"; } );"

/* Passes when each bad cgroup_trim value is named with its line and option. */
static void config_cgtrim_errors(void **state)
{
	(void)state;
	expect_error("cgroup_trim = {\n ratio = 0;\n " CGT_ONE " };\n", 2, "cgroup_trim.ratio",
		     "out of range (0, 1]");
	expect_error("cgroup_trim = {\n ratio = 1.5;\n " CGT_ONE " };\n", 2, "cgroup_trim.ratio",
		     "out of range (0, 1]");
	expect_error("cgroup_trim = {\n ratio = -0.1;\n " CGT_ONE " };\n", 2, "cgroup_trim.ratio",
		     "out of range");
	expect_error("cgroup_trim = {\n\n target_pct = 0;\n " CGT_ONE " };\n", 3,
		     "cgroup_trim.target_pct", "out of range (0, 100]");
	expect_error("cgroup_trim = { target_pct = -1.0; " CGT_ONE " };\n", 1,
		     "cgroup_trim.target_pct", "out of range");
	expect_error("cgroup_trim = {\n interval_ms = 499;\n " CGT_ONE " };\n", 2,
		     "cgroup_trim.interval_ms", "out of range [500, 3600000]");
	expect_error("cgroup_trim = { max_step_ratio = 0.0; " CGT_ONE " };\n", 1,
		     "cgroup_trim.max_step_ratio", "out of range (0, 1]");
	expect_error("cgroup_trim = {\n min_bytes = \"12Q\";\n " CGT_ONE " };\n", 2,
		     "cgroup_trim.min_bytes", "invalid size \"12Q\"");
	expect_error("cgroup_trim = { min_bytes = -1; " CGT_ONE " };\n", 1,
		     "cgroup_trim.min_bytes", "out of range");
	expect_error("cgroup_trim = { max_step_bytes = true; " CGT_ONE " };\n", 1,
		     "cgroup_trim.max_step_bytes", "expected a size");
	expect_error("cgroup_trim = { max_step_bytes = \"2P\"; " CGT_ONE " };\n", 1,
		     "cgroup_trim.max_step_bytes", "out of range");
	expect_error("cgroup_trim = { root = \"sys/fs/cgroup\"; " CGT_ONE " };\n", 1,
		     "cgroup_trim.root", "absolute path");
	expect_error("cgroup_trim = { ratio = 0.5;\n};\n", 1, "cgroup_trim.cgroups",
		     "missing required option");
	expect_error("cgroup_trim = {\n cgroups = ( );\n};\n", 2, "cgroup_trim.cgroups", "empty");
	expect_error("cgroup_trim = {\n cgroups = \"app.slice\";\n};\n", 2, "cgroup_trim.cgroups",
		     "expected a list of groups");
	expect_error("cgroup_trim = 1;\n", 1, "cgroup_trim", "expected a group");
	expect_error("cgroup_trim = { cgroups = (\n { path = \"a\"; role = \"idle\"; } ); };\n", 2,
		     "cgroup_trim.cgroups[0].role", "expected \"background\" or \"foreground\"");
	expect_error("cgroup_trim = { cgroups = (\n { path = \"a\"; role = 1; } ); };\n", 2,
		     "cgroup_trim.cgroups[0].role", "expected a string");
	expect_error("cgroup_trim = { cgroups = (\n { path = \"a\"; } ); };\n", 2,
		     "cgroup_trim.cgroups[0].role", "missing required option");
	expect_error("cgroup_trim = { cgroups = (\n { role = \"foreground\"; } ); };\n", 2,
		     "cgroup_trim.cgroups[0].path", "missing required option");
	expect_error("cgroup_trim = { cgroups = (\n { path = \"a\"; role = \"background\"; prio = 3; } ); };\n",
		     2, "cgroup_trim.cgroups[0].prio", "unknown option");
	expect_error("cgroup_trim = { interval = 5000; " CGT_ONE " };\n", 1, "cgroup_trim.interval",
		     "unknown option");
	expect_error("cgroup_trim = { cgroups = ( { path = \"a\"; role = \"background\"; },\n"
		     "  { path = \"a\"; role = \"foreground\"; } ); };\n", 2, "cgroup_trim.cgroups[1]",
		     "listed twice");
	/* duplicate keys: libconfig refuses them as a syntax error at their line */
	expect_error("cgroup_trim = {\n ratio = 0.5;\n ratio = 0.2;\n " CGT_ONE " };\n", 3, "",
		     "duplicate setting name");
}

/* Passes when bad globs are refused with the reason. */
static void config_cgtrim_bad_globs(void **state)
{
	static const struct { const char *glob, *why; } bad[] = {
		{ "", "must not be empty" },
		{ "/sys/fs/cgroup/app.slice/*", "no leading '/'" },
		{ "app.slice/../system.slice", "'..'" },
		{ "./app.slice", "'.'" },
		{ "app.slice//x", "empty" },
		{ "app.slice/", "trailing '/'" },
		{ "app.slice/[ab", "unmatched '['" },
		{ "app.slice/[a/b]", "unmatched '['" },
		{ "app.slice/x\\\\", "trailing '\\'" },
	};
	char text[512];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text),
			 "cgroup_trim = {\n cgroups = (\n  { path = \"%s\"; role = \"background\"; }\n );\n};\n",
			 bad[i].glob);
		expect_error(text, 3, "cgroup_trim.cgroups[0].path", bad[i].why);
	}
	/* and the ones that are fine */
	for (size_t i = 0; i < 4; i++) {
		static const char *const good[] = { "a", "app.slice/*", "x/[]a]/y", "x/[!ab]*/*.scope" };
		char why[128];

		if (cg_glob_check(good[i], why, sizeof(why)))
			fail_msg("%s refused: %s", good[i], why);
	}
}


/* Passes when a directory, a FIFO and a huge file are refused at once, naming the file. */
static void config_not_regular(void **state)
{
	struct config *c = cfg_new(), *def = cfg_new();
	char *dir = tmpdir_new(), path[512], buf[600];
	struct cfg_diag d;
	FILE *f;

	(void)state;
	assert_int_equal(config_load_file(c, dir, &d), -EINVAL);
	cfg_error_format(&d.e[0], buf, sizeof(buf));
	snprintf(path, sizeof(path), "%s: not a regular file (directory)", dir);
	assert_string_equal(buf, path);
	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(config_load_file(c, path, &d), -EINVAL);
	assert_non_null(strstr(d.e[0].msg, "not a regular file (FIFO)"));
	snprintf(path, sizeof(path), "%s/huge.conf", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < CFG_MAX_FILE_BYTES + 1; i++)
		fputc('x', f);
	fclose(f);
	assert_int_equal(config_load_file(c, path, &d), -EINVAL);
	assert_non_null(strstr(d.e[0].msg, "too large (1048577 bytes; at most 1048576)"));
	assert_memory_equal(c, def, sizeof(*c));
	tmpdir_free(dir);
	free(c);
	free(def);
}

/* Passes when @include is relative to the including file and errors name the included file. */
static void config_include_relative(void **state)
{
	struct config *c = cfg_new();
	char *dir = tmpdir_new(), path[512], want[600];
	struct cfg_diag d;

	(void)state;
	write_file(dir, "m.conf", "dry_run = true;\n@include \"inc/a.inc\"\nlog_level = \"debug\";\n");
	write_file(dir, "inc/a.inc", "# a\n@include \"b.inc\"\n");
	write_file(dir, "inc/b.inc", "proactive = { step_mb = 8; };\n");
	snprintf(path, sizeof(path), "%s/m.conf", dir);
	assert_int_equal(config_load_file(c, path, &d), 0);
	assert_true(c->dry_run);
	assert_int_equal(c->proactive.step_mb, 8);
	assert_int_equal(c->log_level, LOG_DEBUG);
	/* an error after the include is at the right line of the right file */
	write_file(dir, "m.conf", "dry_run = true;\n@include \"inc/a.inc\"\nlog_level = 3;\n");
	assert_int_equal(config_load_file(c, path, &d), -EINVAL);
	assert_string_equal(d.e[0].file, path);
	assert_int_equal(d.e[0].line, 3);
	write_file(dir, "inc/b.inc", "\nproactive = { step_mb = 0; };\n");
	assert_int_equal(config_load_file(c, path, &d), -EINVAL);
	snprintf(want, sizeof(want), "%s/inc/b.inc", dir);
	assert_string_equal(d.e[0].file, want);
	assert_int_equal(d.e[0].line, 2);
	/* an included directory is refused at the @include line */
	write_file(dir, "inc/b.inc", "# nothing\n");
	write_file(dir, "m.conf", "\n@include \"inc\"\n");
	assert_int_equal(config_load_file(c, path, &d), -EINVAL);
	assert_int_equal(d.e[0].line, 2);
	assert_non_null(strstr(d.e[0].msg, "not a regular file (directory)"));
	/* an include loop ends */
	write_file(dir, "m.conf", "@include \"m.conf\"\n");
	assert_int_equal(config_load_file(c, path, &d), -EINVAL);
	assert_non_null(strstr(d.e[0].msg, "nested more than"));
	/* not an include: in a comment or a string */
	write_file(dir, "m.conf", "/*\n@include \"nope\"\n*/\nmetrics_file = \"\n@include \\\"x\\\"\";\n");
	assert_int_equal(config_load_file(c, path, &d), -EINVAL);
	assert_string_equal(d.e[0].option, "metrics_file");
	tmpdir_free(dir);
	free(c);
}

/* Passes when drop-ins replace whole top-level settings, in lexical order. */
static void config_dropins(void **state)
{
	struct config *c = cfg_new();
	char *dir = tmpdir_new(), path[512];
	struct cfg_loaded info;
	struct cfg_diag d;

	(void)state;
	snprintf(path, sizeof(path), "%s/m.conf", dir);
	write_file(dir, "m.conf", "dry_run = true;\npressure = { cooldown_ms = 9000; poll_interval_ms = 500; };\n");
	write_file(dir, "m.conf.d/20-b.conf", "pressure = { cooldown_ms = 7000; };\n");
	write_file(dir, "m.conf.d/10-a.conf", "pressure = { cooldown_ms = 8000; rearm_delay_ms = 20; };\nlog_level = \"debug\";\n");
	write_file(dir, "m.conf.d/30-c.conf.disabled", "dry_run = false;\n");
	assert_int_equal(config_load_all(c, path, false, &d, &info), 0);
	assert_int_equal(info.ndropins, 2);
	assert_false(info.main_missing);
	assert_true(c->dry_run);
	assert_int_equal(c->log_level, LOG_DEBUG);
	/* the last pressure group as a whole: the others' keys are defaults again */
	assert_int_equal(c->cooldown_ms, 7000);
	assert_int_equal(c->poll_interval_ms, 2000);
	assert_int_equal(c->rearm_delay_ms, 1000);
	/* a replaced setting is still checked */
	write_file(dir, "m.conf.d/10-a.conf", "pressure = { cooldown_ms = \"x\"; };\n");
	assert_int_equal(config_load_all(c, path, false, &d, &info), -EINVAL);
	assert_int_equal(d.e[0].line, 1);
	assert_non_null(strstr(d.e[0].file, "10-a.conf"));
	/* a directory named *.conf is refused */
	write_file(dir, "m.conf.d/10-a.conf", "\n");
	write_file(dir, "m.conf.d/15.conf/x", "\n");
	assert_int_equal(config_load_all(c, path, false, &d, &info), -EINVAL);
	assert_non_null(strstr(d.e[0].msg, "not a regular file (directory)"));
	tmpdir_free(dir);
	free(c);
}

/* Passes when only an optional main file may be missing. */
static void config_main_missing(void **state)
{
	struct config *c = cfg_new(), *def = cfg_new();
	char *dir = tmpdir_new(), path[512];
	struct cfg_loaded info;
	struct cfg_diag d;

	(void)state;
	snprintf(path, sizeof(path), "%s/none.conf", dir);
	c->dry_run = true;
	assert_int_equal(config_load_all(c, path, false, &d, &info), -ENOENT);
	assert_int_equal(d.n, 1);
	assert_non_null(strstr(d.e[0].msg, "No such file"));
	assert_true(c->dry_run);
	assert_int_equal(config_load_all(c, path, true, &d, &info), 0);
	assert_true(info.main_missing);
	assert_memory_equal(c, def, sizeof(*c));
	/* the drop-ins still apply */
	write_file(dir, "none.conf.d/a.conf", "dry_run = true;\n");
	assert_int_equal(config_load_all(c, path, true, &d, &info), 0);
	assert_true(c->dry_run);
	tmpdir_free(dir);
	free(c);
	free(def);
}

/* Passes when an integer libconfig cannot hold is "out of range" as written. */
static void config_int_overflow(void **state)
{
	(void)state;
	expect_error("pressure = {\n cooldown_ms = 99999999999999999999; };\n", 2,
		     "pressure.cooldown_ms", "value 99999999999999999999 out of range [0, 3600000]");
	/* libconfig makes this one 0, which would pass */
	expect_error("baseline = { idle_threshold_ms = -99999999999999999999; };\n", 1,
		     "baseline.idle_threshold_ms", "value -99999999999999999999 out of range [0, 86400000]");
	expect_error("baseline = { idle_threshold_ms = 0xFFFFFFFFFFFFFFFFFF; };\n", 1,
		     "baseline.idle_threshold_ms", "value 0xFFFFFFFFFFFFFFFFFF out of range");
	expect_error("cgroup_trim = { min_bytes = 99999999999999999999L; " CGT_ONE " };\n", 1,
		     "cgroup_trim.min_bytes", "value 99999999999999999999L out of range");
	expect_error("proactive = {\n target_pct = 99999999999999999999;\n};\n", 2,
		     "proactive.target_pct", "value 99999999999999999999 out of range");
}

static bool only_gpusim(const char *name, void *ud, char *why, size_t len)
{
	(void)ud;
	snprintf(why, len, "cards present: card0 (gpusim)");
	return strcmp(name, "gpusim") == 0;
}

/* Passes when an empty level list and an unknown driver are warnings. */
static void config_warnings(void **state)
{
	struct config *c = cfg_new();
	struct cfg_diag d;
	char buf[600];

	(void)state;
	assert_int_equal(config_load_string(c, "dry_run = false;\nlevels = ( );\n", "t.conf", &d), 0);
	assert_int_equal(c->nlevels, 0);
	assert_int_equal(d.nwarn, 1);
	cfg_error_format(&d.w[0], buf, sizeof(buf));
	if (!strstr(buf, "t.conf:2: option 'levels': empty"))
		fail_msg("%s", buf);
	/* not with cgroup_trim, which needs no levels */
	assert_int_equal(config_load_string(c, "levels = ( );\ncgroup_trim = { " CGT_ONE " };\n",
					    "t.conf", &d), 0);
	assert_int_equal(d.nwarn, 0);
	config_set_driver_check(only_gpusim, NULL);
	assert_int_equal(config_load_string(c, "devices = {\n drivers = [ \"gpusim\", \"amdgpuu\" ]; };\n",
					    "t.conf", &d), 0);
	config_set_driver_check(NULL, NULL);
	assert_int_equal(d.nwarn, 1);
	cfg_error_format(&d.w[0], buf, sizeof(buf));
	assert_string_equal(buf, "t.conf:2: option 'devices.drivers[1]': no DRM driver \"amdgpuu\" is loaded or installed: cards present: card0 (gpusim); this entry matches no card");
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
		cmocka_unit_test(config_cgtrim_valid),
		cmocka_unit_test(config_shipped_cgtrim),
		cmocka_unit_test(config_cgtrim_errors),
		cmocka_unit_test(config_cgtrim_bad_globs),
		cmocka_unit_test(config_not_regular),
		cmocka_unit_test(config_include_relative),
		cmocka_unit_test(config_dropins),
		cmocka_unit_test(config_main_missing),
		cmocka_unit_test(config_int_overflow),
		cmocka_unit_test(config_warnings),
	};
	TEST_SUITE_BODY(tests);
}
