/*
 * pwhash.c: scrypt hashes in libscrypt's MCF form.  Hashes must stay
 * readable by libscrypt itself (and the other way round), so a change of
 * library or format never locks people out.
 */

#include <stdio.h>
#include <string.h>

#include <libscrypt.h>

#include "unit.h"
#include "lib/pwhash.h"

#define PW	"Sen la hoa sen 2026"

/* One hash at the production cost, shared: each costs ~100 ms. */
static char	made[PWHASH_MCF_LEN];

static int
setup(void **state)
{
	return (pwhash_make(PW, made, sizeof(made)) ? 0 : -1);
}

/* libscrypt_check() cuts its argument up with strtok(): give it a copy. */
static int
lib_check(const char *mcf, const char *pw)
{
	char		copy[PWHASH_MCF_LEN + 1];

	(void)snprintf(copy, sizeof(copy), "%s", mcf);
	return (libscrypt_check(copy, pw));
}

static void
test_format(void **state)
{
	const char	*salt, *hash;

	/* $s1$, N = 2^15 (0x0f), r = 8, p = 1. */
	assert_memory_equal(made, "$s1$0f0801$", 11);
	assert_true(strlen(made) < PWHASH_MCF_LEN);
	salt = made + 11;
	assert_non_null(hash = strchr(salt, '$'));
	hash++;
	/* 16 bytes of salt, 64 of hash, standard base64 with padding. */
	assert_int_equal(hash - salt - 1, 24);
	assert_int_equal(strlen(hash), 88);
	assert_null(strchr(hash, '$'));
	assert_string_equal(hash + 86, "==");
	assert_false(pwhash_outdated(made));
}

static void
test_verify(void **state)
{
	assert_int_equal(pwhash_verify(made, PW), 1);
	assert_int_equal(pwhash_verify(made, "Sen la hoa sen 2025"), 0);
	assert_int_equal(pwhash_verify(made, "sen la hoa sen 2026"), 0);
	assert_int_equal(pwhash_verify(made, PW " "), 0);
	assert_int_equal(pwhash_verify(made, ""), 0);
}

static void
test_libscrypt_accepts_ours(void **state)
{
	assert_true(lib_check(made, PW) > 0);
	assert_int_equal(lib_check(made, "wrong password"), 0);
	/* The copies protected ours from strtok(). */
	assert_int_equal(pwhash_verify(made, PW), 1);
}

static void
test_we_accept_libscrypt(void **state)
{
	char		mcf[SCRYPT_MCF_LEN];

	/* libscrypt's own hash at a lower cost: valid, but outdated. */
	assert_true(libscrypt_hash(mcf, PW, 1 << 14, 8, 1) > 0);
	assert_int_equal(pwhash_verify(mcf, PW), 1);
	assert_int_equal(pwhash_verify(mcf, "wrong password"), 0);
	assert_true(pwhash_outdated(mcf));
}

static void
test_salted(void **state)
{
	char		other[PWHASH_MCF_LEN];

	/* The same password twice gives two different hashes. */
	assert_true(pwhash_make(PW, other, sizeof(other)));
	assert_string_not_equal(other, made);
	assert_int_equal(pwhash_verify(other, PW), 1);
}

static void
test_unicode_password(void **state)
{
	char		mcf[PWHASH_MCF_LEN];
	const char	*pw = "Mật khẩu rất dài 🌸";

	assert_true(pwhash_make_cost(pw, 10, 8, 1, mcf, sizeof(mcf)));
	assert_int_equal(pwhash_verify(mcf, pw), 1);
	/* Precomposed ậ and a + combining marks are different bytes. */
	assert_int_equal(pwhash_verify(mcf,
	    "Ma\xcc\x82\xcc\xa3t khẩu rất dài 🌸"), 0);
	assert_true(lib_check(mcf, pw) > 0);
}

static void
test_buffer(void **state)
{
	char		mcf[PWHASH_MCF_LEN];

	assert_false(pwhash_make(PW, mcf, PWHASH_MCF_LEN - 1));
	assert_false(pwhash_make(PW, mcf, 0));
}

static void
test_outdated(void **state)
{
	char		mcf[PWHASH_MCF_LEN];

	/* Lower N: outdated, yet still verifies with its own cost. */
	assert_true(pwhash_make_cost(PW, 14, 8, 1, mcf, sizeof(mcf)));
	assert_memory_equal(mcf, "$s1$0e0801$", 11);
	assert_true(pwhash_outdated(mcf));
	assert_int_equal(pwhash_verify(mcf, PW), 1);
	assert_int_equal(pwhash_verify(mcf, "wrong password"), 0);
	assert_true(lib_check(mcf, PW) > 0);

	/* Another r or p: outdated too. */
	assert_true(pwhash_make_cost(PW, 15, 4, 1, mcf, sizeof(mcf)));
	assert_true(pwhash_outdated(mcf));
	assert_int_equal(pwhash_verify(mcf, PW), 1);
	assert_true(pwhash_make_cost(PW, 12, 8, 2, mcf, sizeof(mcf)));
	assert_memory_equal(mcf, "$s1$0c0802$", 11);
	assert_true(pwhash_outdated(mcf));
	assert_int_equal(pwhash_verify(mcf, PW), 1);

	/* A higher N than ours is not made weaker by a rehash. */
	assert_true(pwhash_make_cost(PW, 16, 8, 1, mcf, sizeof(mcf)));
	assert_false(pwhash_outdated(mcf));
	assert_int_equal(pwhash_verify(mcf, PW), 1);

	/* Unreadable: outdated, so a good login replaces it. */
	assert_true(pwhash_outdated(""));
	assert_true(pwhash_outdated("$2b$12$abcdefghijklmnopqrstuv"));
}

/* made with its text from offset at on replaced by with. */
static void
mutate(char *out, size_t len, size_t at, const char *with)
{
	(void)snprintf(out, len, "%.*s%s", (int)at, made, with);
}

static void
test_malformed(void **state)
{
	static const char *const bad[] = {
		"",
		"$s1$",
		"$s1$0f0801$",
		"$s1$0f0801$$",
		"s1$0f0801$c2FsdA==$aGFzaA==",
		"$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
		"plain text password",
		NULL
	};
	char		mcf[PWHASH_MCF_LEN * 2];
	const char	*salt, *hash;
	size_t		i;

	for (i = 0; bad[i] != NULL; i++) {
		if (pwhash_verify(bad[i], PW) != -1)
			fail_msg("'%s' should be unusable", bad[i]);
		assert_true(pwhash_outdated(bad[i]));
	}

	salt = strchr(made + 4, '$') + 1;
	hash = strchr(salt, '$') + 1;

	/* Each mutation of a good hash must make it unusable. */
#define BAD(what) do {							\
	if (pwhash_verify(mcf, PW) != -1)				\
		fail_msg("%s: '%s' should be unusable", what, mcf);	\
	assert_true(pwhash_outdated(mcf));				\
} while (0)

	/* Another identifier. */
	(void)snprintf(mcf, sizeof(mcf), "%s", made);
	mcf[2] = '2';
	BAD("identifier");

	/* Parameters: not six hex digits, or out of range. */
	mutate(mcf, sizeof(mcf), 4, "0f08$");
	(void)strcat(mcf, salt);
	BAD("short parameters");
	mutate(mcf, sizeof(mcf), 4, "0f08010$");
	(void)strcat(mcf, salt);
	BAD("long parameters");
	/* The same numbers, but not in six digits. */
	mutate(mcf, sizeof(mcf), 4, "f0801$");
	(void)strcat(mcf, salt);
	BAD("five digits");
	mutate(mcf, sizeof(mcf), 4, "00f0801$");
	(void)strcat(mcf, salt);
	BAD("seven digits");
	mutate(mcf, sizeof(mcf), 4, "zz0801$");
	(void)strcat(mcf, salt);
	BAD("hex");
	mutate(mcf, sizeof(mcf), 4, "000801$");
	(void)strcat(mcf, salt);
	BAD("N = 1");
	mutate(mcf, sizeof(mcf), 4, "170801$");
	(void)strcat(mcf, salt);
	BAD("N = 2^23");
	mutate(mcf, sizeof(mcf), 4, "0f0001$");
	(void)strcat(mcf, salt);
	BAD("r = 0");
	mutate(mcf, sizeof(mcf), 4, "0f0800$");
	(void)strcat(mcf, salt);
	BAD("p = 0");

	/* No hash part, or an empty one. */
	(void)snprintf(mcf, sizeof(mcf), "%.*s", (int)(hash - made - 1), made);
	BAD("no hash");
	(void)snprintf(mcf, sizeof(mcf), "%.*s", (int)(hash - made), made);
	BAD("empty hash");

	/* An empty salt. */
	(void)snprintf(mcf, sizeof(mcf), "$s1$0f0801$$%s", hash);
	BAD("empty salt");

	/* A hash of 63 bytes, and one of 65. */
	mutate(mcf, sizeof(mcf), (size_t)(hash - made), "");
	(void)strncat(mcf, hash, 84);
	BAD("short hash");
	mutate(mcf, sizeof(mcf), (size_t)(hash - made), "");
	(void)strncat(mcf, hash, 86);
	(void)strcat(mcf, "A");
	BAD("long hash");

	/* A character outside base64 in the salt, then in the hash. */
	(void)snprintf(mcf, sizeof(mcf), "%s", made);
	mcf[salt - made + 3] = '!';
	BAD("salt character");
	(void)snprintf(mcf, sizeof(mcf), "%s", made);
	mcf[hash - made + 10] = '*';
	BAD("hash character");

	/* Text after the padding. */
	(void)snprintf(mcf, sizeof(mcf), "%sAA", made);
	BAD("after padding");

	/* A fourth separator. */
	(void)snprintf(mcf, sizeof(mcf), "%s$", made);
	BAD("extra separator");

	/* Longer than any MCF we write. */
	(void)snprintf(mcf, sizeof(mcf), "%s", made);
	while (strlen(mcf) <= PWHASH_MCF_LEN)
		(void)strcat(mcf, "=");
	BAD("too long");
#undef BAD
}

static void
test_tampered(void **state)
{
	char		mcf[PWHASH_MCF_LEN];
	const char	*salt, *hash;

	salt = strchr(made + 4, '$') + 1;
	hash = strchr(salt, '$') + 1;

	/* Still well formed, but another hash: the password fails. */
	(void)snprintf(mcf, sizeof(mcf), "%s", made);
	mcf[hash - made] = mcf[hash - made] == 'A' ? 'B' : 'A';
	assert_int_equal(pwhash_verify(mcf, PW), 0);

	/* Another salt. */
	(void)snprintf(mcf, sizeof(mcf), "%s", made);
	mcf[salt - made] = mcf[salt - made] == 'A' ? 'B' : 'A';
	assert_int_equal(pwhash_verify(mcf, PW), 0);

	/* Another cost. */
	(void)snprintf(mcf, sizeof(mcf), "%s", made);
	mcf[5] = 'e';
	assert_int_equal(pwhash_verify(mcf, PW), 0);
}

int
unit_pwhash(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_verify),
		cmocka_unit_test(test_libscrypt_accepts_ours),
		cmocka_unit_test(test_we_accept_libscrypt),
		cmocka_unit_test(test_salted),
		cmocka_unit_test(test_unicode_password),
		cmocka_unit_test(test_buffer),
		cmocka_unit_test(test_outdated),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_tampered),
	};

	return (cmocka_run_group_tests_name("pwhash", tests, setup, NULL));
}
