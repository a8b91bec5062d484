/*
 * Stored password hashes (lib/pwhash.c): the MCF parser over garbage.
 * Parsing only: scrypt itself runs only when the parsed cost is tiny, so
 * that a run spends its time on the parser.  Input: mcf NUL password.
 */

#include "fuzz.h"
#include "lib/pwhash.h"

FUZZ_TARGET(pwhash)
{
	char	*mcf, *pw;
	int	log2n, r, p, ok, v;

	fuzz_split(data, size, &mcf, &pw);
	ok = pwhash_parse(mcf, &log2n, &r, &p);
	if (ok) {
		FUZZ_CHECK(log2n >= 1 && log2n <= 22 && r >= 1 && p >= 1);
		FUZZ_CHECK(pwhash_outdated(mcf) == (log2n < PWHASH_LOG2_N ||
		    r != PWHASH_R || p != PWHASH_P));
		if (log2n <= 4 && r * p <= 4) {
			v = pwhash_verify(mcf, pw);
			FUZZ_CHECK(v == 0 || v == 1);
		}
	} else {
		FUZZ_CHECK(pwhash_outdated(mcf) == 1);
	}
	free(mcf);
	free(pw);

	return (0);
}
