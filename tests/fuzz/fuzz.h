/*
 * One fuzz target per parser or validator of outside input.  Built two
 * ways: with libFuzzer (`make fuzz`: clang, -fsanitize=fuzzer,address,
 * undefined), where each file is its own program; and, with FUZZ_REPLAY,
 * linked together into the unit tests, which feed every file under
 * tests/fuzz/regressions/<target>/ and tests/fuzz/corpus/<target>/ to
 * fuzz_<target>() (tests/unit/test_fuzz.c).
 *
 * A target must not leak, must not run for long on any input, and
 * checks what must hold whatever the input (FUZZ_CHECK aborts, which
 * both libFuzzer and the replay report as a failure).
 */

#ifndef SEN_FUZZ_H
#define SEN_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef FUZZ_REPLAY
#define FUZZ_TARGET(name)						\
	int fuzz_##name(const uint8_t *, size_t);			\
	int fuzz_##name(const uint8_t *data, size_t size)
#else
#define FUZZ_TARGET(name)						\
	int LLVMFuzzerTestOneInput(const uint8_t *, size_t);		\
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
#endif

#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: fuzz check failed: %s\n",	\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

/* The input as a NUL-terminated string (up to its first NUL); free(). */
static inline char *
fuzz_str(const uint8_t *data, size_t size)
{
	char	*s;

	if ((s = malloc(size + 1)) == NULL)
		abort();
	if (size > 0)
		__builtin_memcpy(s, data, size);
	s[size] = '\0';

	return (s);
}

/*
 * Split the input at its first byte 0x00 into two strings: the part
 * before and the part after (empty when there is none).  free() both.
 */
static inline void
fuzz_split(const uint8_t *data, size_t size, char **a, char **b)
{
	size_t	i;

	for (i = 0; i < size && data[i] != 0; i++)
		;
	*a = fuzz_str(data, i);
	*b = i < size ? fuzz_str(data + i + 1, size - i - 1) : fuzz_str(data, 0);
}

#endif
