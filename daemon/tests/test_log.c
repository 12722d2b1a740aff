// SPDX-License-Identifier: GPL-2.0-only
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "tests.h"

/* Passes when JOURNAL_STREAM matches only the device and inode it names, strictly parsed. */
static void log_journal_stream_match(void **state)
{
	struct stat st;

	(void)state;
	memset(&st, 0, sizeof(st));
	st.st_dev = 2049;
	st.st_ino = 123456;
	assert_true(log_journal_stream("2049:123456", &st));
	assert_false(log_journal_stream(NULL, &st));
	assert_false(log_journal_stream("2049:123456", NULL));
	assert_false(log_journal_stream("", &st));
	assert_false(log_journal_stream("2049:123457", &st));	/* another file */
	assert_false(log_journal_stream("2050:123456", &st));	/* another device */
	assert_false(log_journal_stream("2049", &st));
	assert_false(log_journal_stream(":123456", &st));
	assert_false(log_journal_stream("2049:", &st));
	assert_false(log_journal_stream("2049:123456:", &st));
	assert_false(log_journal_stream(" 2049:123456", &st));
	assert_false(log_journal_stream("2049:123456\n", &st));
	assert_false(log_journal_stream("-2049:123456", &st));
	assert_false(log_journal_stream("0x801:123456", &st));
	/* 2^64 + 2049 does not wrap to 2049 */
	assert_false(log_journal_stream("18446744073709553665:123456", &st));
	st.st_dev = (dev_t)-1;
	st.st_ino = (ino_t)-1;
	assert_true(log_journal_stream("18446744073709551615:18446744073709551615", &st));
}

/* What log_msg(LOG_ERR, "boom") writes after log_init with JOURNAL_STREAM=env (NULL: unset). */
static char *logged(const char *env, bool same_file)
{
	char *dir = tmpdir_new(), path[4096], js[64], *out;
	const char *old = getenv("JOURNAL_STREAM");
	char *saved = old ? strdup(old) : NULL;
	int fd, err = dup(STDERR_FILENO);
	struct stat st;

	assert_true(err >= 0);
	snprintf(path, sizeof(path), "%s/err", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	if (same_file) {
		snprintf(js, sizeof(js), "%ju:%ju", (uintmax_t)st.st_dev, (uintmax_t)st.st_ino);
		env = js;
	}
	if (env)
		setenv("JOURNAL_STREAM", env, 1);
	else
		unsetenv("JOURNAL_STREAM");
	fflush(stderr);
	assert_true(dup2(fd, STDERR_FILENO) >= 0);
	close(fd);
	log_init("t");
	log_set_level(LOG_INFO);
	log_msg(LOG_ERR, "boom");
	fflush(stderr);
	dup2(err, STDERR_FILENO);
	close(err);
	/* back to what the runner set up */
	if (saved)
		setenv("JOURNAL_STREAM", saved, 1);
	else
		unsetenv("JOURNAL_STREAM");
	free(saved);
	log_init("test");
	log_set_level(LOG_CRIT);
	out = read_file(dir, "err");
	tmpdir_free(dir);
	return out;
}

/*
 * Passes when "<N>" prefixes are used only when stderr is the stream
 * JOURNAL_STREAM names: a shell that inherited the variable gets plain
 * lines. Failed before (any JOURNAL_STREAM gave "<3>boom").
 */
static void log_journal_prefix(void **state)
{
	char *s;

	(void)state;
	s = logged(NULL, false);
	assert_string_equal(s, "t: error: boom");
	free(s);
	s = logged("1:1", false);
	assert_string_equal(s, "t: error: boom");
	free(s);
	s = logged("garbage", false);
	assert_string_equal(s, "t: error: boom");
	free(s);
	s = logged(NULL, true);
	assert_string_equal(s, "<3>boom");
	free(s);
}

TEST_SUITE(log)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(log_journal_stream_match),
		cmocka_unit_test(log_journal_prefix),
	};
	TEST_SUITE_BODY(tests);
}
