// SPDX-License-Identifier: GPL-2.0-only
/*
 * memhog: create anonymous-memory pressure in a test guest.
 *
 *   memhog [-s SECONDS] [-p PASSES] SIZE[K|M|G]
 *
 * Maps SIZE bytes of anonymous memory and writes every page, PASSES times
 * (default 1), then sleeps SECONDS (default 0) before exiting. Each page
 * holds a pattern derived from its index; the last pass re-reads every page,
 * so memory that came back from swap is checked word for word. Exit status:
 * 0 ok, 1 bad usage, 2 mmap failed, 3 data mismatch.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'G': case 'g': v <<= 10; /* fall through */
	case 'M': case 'm': v <<= 10; /* fall through */
	case 'K': case 'k': v <<= 10; end++; break;
	case '\0': break;
	default: return -1;
	}
	if (*end || v == 0)
		return -1;
	*out = (size_t)v;
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: memhog [-s SECONDS] [-p PASSES] SIZE[K|M|G]\n");
	exit(1);
}

int main(int argc, char **argv)
{
	unsigned int seconds = 0, passes = 1;
	size_t size, page = (size_t)sysconf(_SC_PAGESIZE), words, i;
	uint64_t *mem;
	int opt;

	while ((opt = getopt(argc, argv, "s:p:")) != -1) {
		switch (opt) {
		case 's': seconds = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 'p': passes = (unsigned int)strtoul(optarg, NULL, 10); break;
		default: usage();
		}
	}
	if (optind != argc - 1 || parse_size(argv[optind], &size) || !passes)
		usage();

	mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		perror("memhog: mmap");
		return 2;
	}
	words = size / sizeof(*mem);
	for (unsigned int p = 0; p < passes; p++)
		for (i = 0; i < words; i += page / sizeof(*mem))
			mem[i] = (uint64_t)i * 0x9e3779b97f4a7c15ULL + p;
	for (i = 0; i < words; i += page / sizeof(*mem)) {
		uint64_t want = (uint64_t)i * 0x9e3779b97f4a7c15ULL + passes - 1;

		if (mem[i] != want) {
			fprintf(stderr, "memhog: mismatch at word %zu: %#" PRIx64
				" != %#" PRIx64 "\n", i, mem[i], want);
			return 3;
		}
	}
	printf("memhog: touched %zu MiB x %u\n", size >> 20, passes);
	fflush(stdout);
	if (seconds)
		sleep(seconds);
	return 0;
}
