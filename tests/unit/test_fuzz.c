/*
 * The fuzz targets of tests/fuzz/ without libFuzzer: every input under
 * tests/fuzz/regressions/<target>/ (inputs that once crashed a target,
 * kept so the bug stays fixed) and tests/fuzz/corpus/<target>/ (the seed
 * corpus) is fed to fuzz_<target>().  A target that finds a broken
 * invariant aborts, and this program with it.  Runs from the top of the
 * tree, as tests/run.sh does.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#define FUZZ_LIST(X)	X(schema) X(qs) X(route) X(cursor) X(csv) \
			X(sniff) X(pwhash) X(outbox)

#define DECLARE(n)	int fuzz_##n(const uint8_t *, size_t);
FUZZ_LIST(DECLARE)
#undef DECLARE

struct target {
	const char	*name;
	int		(*fn)(const uint8_t *, size_t);
};

static const struct target	targets[] = {
#define ENTRY(n)	{ #n, fuzz_##n },
FUZZ_LIST(ENTRY)
#undef ENTRY
};

/* Feed every file of dir to fn; the number fed, -1 without the dir. */
static int
replay_dir(const char *dir, int (*fn)(const uint8_t *, size_t))
{
	struct dirent	*de;
	struct stat	st;
	DIR		*d;
	FILE		*f;
	char		path[1024];
	uint8_t		*buf;
	int		n;

	if ((d = opendir(dir)) == NULL)
		return (-1);
	n = 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		(void)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &st) == -1 || !S_ISREG(st.st_mode))
			continue;
		if ((f = fopen(path, "rb")) == NULL)
			continue;
		buf = malloc((size_t)st.st_size + 1);
		assert_non_null(buf);
		assert_int_equal(fread(buf, 1, (size_t)st.st_size, f),
		    (size_t)st.st_size);
		fclose(f);
		(void)fn(buf, (size_t)st.st_size);
		free(buf);
		n++;
	}
	closedir(d);

	return (n);
}

static void
test_replay(void **state)
{
	const struct target	*t = *state;
	char			dir[256];
	int			seeds, regs;

	/* A regression that hangs again fails instead of stalling CI. */
	(void)alarm(120);
	(void)snprintf(dir, sizeof(dir), "tests/fuzz/corpus/%s", t->name);
	seeds = replay_dir(dir, t->fn);
	/* Every target has seeds: the fuzzer starts from them. */
	assert_true(seeds > 0);

	(void)snprintf(dir, sizeof(dir), "tests/fuzz/regressions/%s",
	    t->name);
	regs = replay_dir(dir, t->fn);
	(void)alarm(0);
	print_message("fuzz %s: %d seeds, %d regressions replayed\n",
	    t->name, seeds, regs < 0 ? 0 : regs);
}

/* The edge cases every target must take: nothing, one byte, NULs. */
static void
test_edges(void **state)
{
	static const uint8_t	zeros[64];
	static const uint8_t	ff[64] = { 0xff, 0xff, 0xff, 0xff };
	size_t			i;

	for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		(void)targets[i].fn(zeros, 0);
		(void)targets[i].fn(zeros, 1);
		(void)targets[i].fn(zeros, sizeof(zeros));
		(void)targets[i].fn(ff, sizeof(ff));
	}
}

int
unit_fuzz(void)
{
#define IDX(n)	IDX_##n,
	enum { FUZZ_LIST(IDX) NTARGETS };
#undef IDX
#define TEST(n)	{ "replay " #n, test_replay, NULL, NULL, \
		    (void *)(uintptr_t)&targets[IDX_##n] },
	const struct CMUnitTest	tests[] = {
		FUZZ_LIST(TEST)
		cmocka_unit_test(test_edges),
	};
#undef TEST

	(void)NTARGETS;
	return (cmocka_run_group_tests_name("fuzz regressions", tests, NULL,
	    NULL));
}
