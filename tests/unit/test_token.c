/*
 * token.c: random tokens and request ids, and the base64 that writes them
 * and scrypt's MCF strings.
 */

#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "lib/token.h"

static const char	url_alpha[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static const char	std_alpha[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void
test_random(void **state)
{
	uint8_t		a[32], b[32], zero[32];
	uint8_t		guard[4] = { 0xaa, 0xaa, 0xaa, 0xaa };

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	memset(zero, 0, sizeof(zero));
	assert_true(token_random(a, sizeof(a)));
	assert_true(token_random(b, sizeof(b)));
	/* 2^-256 of a false failure. */
	assert_memory_not_equal(a, zero, sizeof(a));
	assert_memory_not_equal(a, b, sizeof(a));

	/* Nothing asked, nothing written. */
	assert_true(token_random(guard, 0));
	assert_int_equal(guard[0], 0xaa);
}

static void
test_new(void **state)
{
	char		a[TOKEN_LEN + 1], b[TOKEN_LEN + 8];
	size_t		i;

	assert_true(token_new(a, sizeof(a)));
	assert_int_equal(strlen(a), TOKEN_LEN);
	for (i = 0; i < TOKEN_LEN; i++)
		assert_non_null(strchr(url_alpha, a[i]));
	assert_true(token_shape_ok(a));

	assert_true(token_new(b, sizeof(b)));
	assert_int_equal(strlen(b), TOKEN_LEN);
	assert_string_not_equal(a, b);

	/* No room for the NUL: refused. */
	assert_false(token_new(b, TOKEN_LEN));
	assert_false(token_new(b, 0));
}

static void
test_new_decodes_to_32_bytes(void **state)
{
	char		tok[TOKEN_LEN + 1], again[TOKEN_LEN + 1];
	uint8_t		raw[TOKEN_BYTES + 4];

	assert_true(token_new(tok, sizeof(tok)));
	assert_int_equal(b64_decode(tok, raw, sizeof(raw)), TOKEN_BYTES);
	/* The encoding is canonical: it re-encodes to itself. */
	assert_int_equal(b64_encode(raw, TOKEN_BYTES, again, sizeof(again), 1),
	    TOKEN_LEN);
	assert_string_equal(again, tok);
}

static void
test_shape(void **state)
{
	char		s[TOKEN_LEN + 8];
	const char	*bad = "+/=.~ !\n\"%";
	size_t		i;

	memset(s, 'A', TOKEN_LEN);
	s[TOKEN_LEN] = '\0';
	assert_true(token_shape_ok(s));

	/* Every character of the URL alphabet is fine anywhere. */
	for (i = 0; i < 64; i++) {
		s[i % TOKEN_LEN] = url_alpha[i];
		assert_true(token_shape_ok(s));
	}

	/* Anything else, anywhere, is not. */
	for (i = 0; bad[i] != '\0'; i++) {
		memset(s, 'A', TOKEN_LEN);
		s[TOKEN_LEN] = '\0';
		s[i * 4] = bad[i];
		if (token_shape_ok(s))
			fail_msg("token with '%c' at %zu accepted", bad[i],
			    i * 4);
	}
	memset(s, 'A', TOKEN_LEN);
	s[TOKEN_LEN - 1] = '\xc3';
	assert_false(token_shape_ok(s));

	/* Exactly 43 characters. */
	memset(s, 'A', sizeof(s));
	s[TOKEN_LEN - 1] = '\0';
	assert_false(token_shape_ok(s));
	s[TOKEN_LEN - 1] = 'A';
	s[TOKEN_LEN + 1] = '\0';
	assert_false(token_shape_ok(s));
	assert_false(token_shape_ok(""));
	assert_false(token_shape_ok("abc"));
}

static void
test_hex(void **state)
{
	char		a[129], b[129], big[200];
	size_t		i;
	int		mixed;

	assert_true(token_hex(a, sizeof(a), 16));
	assert_int_equal(strlen(a), 32);
	for (i = 0; i < 32; i++)
		assert_non_null(strchr("0123456789abcdef", a[i]));
	assert_true(token_hex(b, sizeof(b), 16));
	assert_string_not_equal(a, b);

	/* The largest: 64 bytes, 128 digits. */
	assert_true(token_hex(a, sizeof(a), 64));
	assert_int_equal(strlen(a), 128);
	assert_false(token_hex(a, sizeof(a), 65));
	/* Not more than 64 bytes, whatever the room. */
	assert_false(token_hex(big, sizeof(big), 65));
	assert_false(token_hex(big, sizeof(big), 99));

	/* Each byte gives two digits of its own (false failure: 2^-256). */
	mixed = 0;
	for (i = 0; i < 128; i += 2) {
		if (a[i] != a[i + 1])
			mixed = 1;
	}
	assert_true(mixed);

	/* The buffer must hold the digits and the NUL. */
	memset(b, 'X', sizeof(b));
	assert_true(token_hex(b, 17, 8));
	assert_int_equal(strlen(b), 16);
	memset(b, 'X', sizeof(b));
	assert_false(token_hex(b, 16, 8));
	assert_int_equal(b[0], 'X');

	assert_true(token_hex(b, 1, 0));
	assert_string_equal(b, "");
}

static void
test_b64_vectors(void **state)
{
	/* RFC 4648, section 10, and both alphabets' last two letters. */
	static const struct {
		const char	*in;
		size_t		len;
		const char	*std;
		const char	*url;
	} v[] = {
		{ "", 0, "", "" },
		{ "f", 1, "Zg==", "Zg" },
		{ "fo", 2, "Zm8=", "Zm8" },
		{ "foo", 3, "Zm9v", "Zm9v" },
		{ "foob", 4, "Zm9vYg==", "Zm9vYg" },
		{ "fooba", 5, "Zm9vYmE=", "Zm9vYmE" },
		{ "foobar", 6, "Zm9vYmFy", "Zm9vYmFy" },
		{ "\xfb\xff", 2, "+/8=", "-_8" },
		{ "\xff\xff\xff", 3, "////", "____" },
		{ "\xfb\xef\xbe", 3, "++++", "----" },
		{ "\x00", 1, "AA==", "AA" },
		{ "\x00\x00\x00", 3, "AAAA", "AAAA" },
		{ "Nguy\xe1\xbb\x85n", 8, "Tmd1eeG7hW4=", "Tmd1eeG7hW4" },
	};
	char		out[64];
	uint8_t		raw[64];
	size_t		i, n;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		memset(out, 'X', sizeof(out));
		n = b64_encode((const uint8_t *)v[i].in, v[i].len, out,
		    sizeof(out), 0);
		assert_string_equal(out, v[i].std);
		assert_int_equal(n, strlen(v[i].std));

		memset(out, 'X', sizeof(out));
		n = b64_encode((const uint8_t *)v[i].in, v[i].len, out,
		    sizeof(out), 1);
		assert_string_equal(out, v[i].url);
		assert_int_equal(n, strlen(v[i].url));

		assert_int_equal(b64_decode(v[i].std, raw, sizeof(raw)),
		    v[i].len);
		assert_memory_equal(raw, v[i].in, v[i].len);
		assert_int_equal(b64_decode(v[i].url, raw, sizeof(raw)),
		    v[i].len);
		assert_memory_equal(raw, v[i].in, v[i].len);
	}
}

static void
test_b64_round_trips(void **state)
{
	uint8_t		in[70], back[80];
	char		out[128];
	size_t		len, n, i, need;
	int		url, pass;

	for (pass = 0; pass < 3; pass++) {
		/* Random bytes, then every value, then the extremes. */
		if (pass == 0)
			assert_true(token_random(in, sizeof(in)));
		for (i = 0; pass != 0 && i < sizeof(in); i++)
			in[i] = pass == 1 ? (uint8_t)(i * 37 + 11) :
			    (i % 2 ? 0xff : 0x00);

		for (len = 0; len <= sizeof(in); len++) {
			for (url = 0; url <= 1; url++) {
				need = url ? (len * 4 + 2) / 3 :
				    (len + 2) / 3 * 4;
				memset(out, '#', sizeof(out));
				n = b64_encode(in, len, out, sizeof(out), url);
				assert_int_equal(n, need);
				assert_int_equal(strlen(out), need);
				for (i = 0; i < n; i++) {
					if (out[i] == '=' && !url &&
					    i >= n - 2)
						continue;
					assert_non_null(strchr(url ?
					    url_alpha : std_alpha, out[i]));
				}

				memset(back, 0x5a, sizeof(back));
				assert_int_equal(b64_decode(out, back,
				    sizeof(back)), len);
				assert_memory_equal(back, in, len);
				/* Not a byte more is written. */
				assert_int_equal(back[len], 0x5a);

				/* Exactly the room needed is enough. */
				assert_int_equal(b64_decode(out, back, len),
				    len);
				if (len > 0)
					assert_int_equal(b64_decode(out, back,
					    len - 1), -1);
			}
		}
	}
}

static void
test_b64_encode_room(void **state)
{
	char		out[16];
	const uint8_t	*foo = (const uint8_t *)"foo";
	const uint8_t	*f = (const uint8_t *)"f";

	/* The characters and a NUL. */
	memset(out, 'X', sizeof(out));
	assert_int_equal(b64_encode(foo, 3, out, 4, 0), 0);
	assert_int_equal(out[0], 'X');
	assert_int_equal(b64_encode(foo, 3, out, 5, 0), 4);
	assert_string_equal(out, "Zm9v");

	/* Padding counts too. */
	assert_int_equal(b64_encode(f, 1, out, 4, 0), 0);
	assert_int_equal(b64_encode(f, 1, out, 5, 0), 4);
	assert_string_equal(out, "Zg==");
	/* Without padding, less room is needed. */
	assert_int_equal(b64_encode(f, 1, out, 2, 1), 0);
	assert_int_equal(b64_encode(f, 1, out, 3, 1), 2);
	assert_string_equal(out, "Zg");

	assert_int_equal(b64_encode(f, 0, out, 0, 0), 0);
	assert_int_equal(b64_encode(f, 0, out, 1, 1), 0);
	assert_string_equal(out, "");
}

static void
test_b64_decode_refuses(void **state)
{
	static const char *const bad[] = {
		"Zm9v!", "!Zm9v", "Zm 9v", "Zm9v\n", " Zm9v", "Zm9*",
		"Zm9v.", "Zm9v~", "Zm\xc3\xa9v", "Zm9v\x7f", "Zg=\"",
		"Zm,9v", "Zm9v:YmFy",
		/* Nothing may follow the padding. */
		"Zg==Zm9v", "Zg==!", "Zg== ", "Zm8=Zg", "Zg=A",
		"Zg===",
		NULL
	};
	uint8_t		out[32];
	size_t		i;

	for (i = 0; bad[i] != NULL; i++) {
		if (b64_decode(bad[i], out, sizeof(out)) != -1)
			fail_msg("b64_decode accepted '%s'", bad[i]);
	}

	/* Too little room. */
	assert_int_equal(b64_decode("Zm9vYmFy", out, 5), -1);
	assert_int_equal(b64_decode("Zm9vYmFy", out, 6), 6);
	assert_int_equal(b64_decode("Zg", out, 0), -1);
}

static void
test_b64_decode_lenient(void **state)
{
	uint8_t		out[8];

	/* Padding is optional, and either alphabet is read. */
	assert_int_equal(b64_decode("", out, sizeof(out)), 0);
	assert_int_equal(b64_decode("Zg", out, sizeof(out)), 1);
	assert_int_equal(out[0], 'f');
	assert_int_equal(b64_decode("Zg=", out, sizeof(out)), 1);
	assert_int_equal(b64_decode("Zg==", out, sizeof(out)), 1);
	assert_int_equal(b64_decode("+/8=", out, sizeof(out)), 2);
	assert_memory_equal(out, "\xfb\xff", 2);
	assert_int_equal(b64_decode("-_8", out, sizeof(out)), 2);
	assert_memory_equal(out, "\xfb\xff", 2);
}

int
unit_token(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_new),
		cmocka_unit_test(test_new_decodes_to_32_bytes),
		cmocka_unit_test(test_shape),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_b64_vectors),
		cmocka_unit_test(test_b64_round_trips),
		cmocka_unit_test(test_b64_encode_room),
		cmocka_unit_test(test_b64_decode_refuses),
		cmocka_unit_test(test_b64_decode_lenient),
	};

	return (cmocka_run_group_tests_name("token", tests, NULL, NULL));
}
