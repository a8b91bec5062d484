/*
 * valid.c: what is accepted as an e-mail address, a Vietnamese phone
 * number and a password, and the normal forms that are stored.
 */

#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "lib/valid.h"

#define EMAIL_MSG	"must be a valid e-mail address"
#define PHONE_MSG	"must be a Vietnamese phone number, e.g. 0912 345 678"

/*
 * A check's message: cmocka's assert_string_equal() would crash on the
 * NULL of an accepted value rather than report it.
 */
#define assert_msg(got, want) do {					\
	const char	*got_ = (got);					\
									\
	if (got_ == NULL)						\
		fail_msg("%s accepted, expected \"%s\"", #got, (want));	\
	assert_string_equal(got_, (want));				\
} while (0)

static void
fill(char *buf, char c, size_t n)
{
	memset(buf, c, n);
	buf[n] = '\0';
}

static void
test_email_valid(void **state)
{
	static const char *const good[] = {
		"a@b.vn",
		"an@sen.vn",
		"nguyen.van.a@example.com.vn",
		"first+tag@sub.example.org",
		"A.B@Example.COM",
		"o'brien@x.ie",
		"user_1-x@a-b.c",
		"!#$%&'*+/=?^_`{|}~-@x.io",
		"user@xn--80ak6aa92e.com",
		"1@2.3",
		NULL
	};
	size_t		i;

	for (i = 0; good[i] != NULL; i++) {
		if (valid_email(good[i]) != NULL)
			fail_msg("'%s' should be a valid e-mail", good[i]);
	}
}

static void
test_email_invalid(void **state)
{
	static const char *const bad[] = {
		"", "a", "ab", "a@", "@b.vn", "a@b", "a@localhost",
		"a@@b.vn", "a@b@c.vn", ".a@b.vn", "a.@b.vn", "a..b@c.vn",
		"a b@c.vn", " a@b.vn", "a@b.vn ", "a@b..vn", "a@.b.vn",
		"a@b.vn.", "a@-b.vn", "a@b-.vn", "a@b.-vn", "a@b_c.vn",
		"a@b c.vn", "nguyễn@x.vn", "a@hà-nội.vn", "a\"b@c.vn",
		"a(b)@c.vn", "a,b@c.vn", "a@[127.0.0.1]", "a@b.vn\n",
		"a\t@b.vn", "<a@b.vn>", NULL
	};
	size_t		i;
	const char	*msg;

	for (i = 0; bad[i] != NULL; i++) {
		if ((msg = valid_email(bad[i])) == NULL)
			fail_msg("'%s' should not be a valid e-mail", bad[i]);
		assert_string_equal(msg, EMAIL_MSG);
	}
}

static void
test_email_limits(void **state)
{
	char		local[80], label[80], addr[400];

	/* Local part: 64 characters at most. */
	fill(local, 'a', 64);
	(void)snprintf(addr, sizeof(addr), "%s@b.vn", local);
	assert_null(valid_email(addr));
	fill(local, 'a', 65);
	(void)snprintf(addr, sizeof(addr), "%s@b.vn", local);
	assert_msg(valid_email(addr), EMAIL_MSG);

	/* A domain label: 63 at most. */
	fill(label, 'd', 63);
	(void)snprintf(addr, sizeof(addr), "a@%s.vn", label);
	assert_null(valid_email(addr));
	fill(label, 'd', 64);
	(void)snprintf(addr, sizeof(addr), "a@%s.vn", label);
	assert_msg(valid_email(addr), EMAIL_MSG);

	/* The whole address: 254 at most. */
	fill(local, 'a', 64);
	fill(label, 'd', 63);
	(void)snprintf(addr, sizeof(addr), "%s@%s.%s.%.61s", local, label,
	    label, label);
	assert_int_equal(strlen(addr), VALID_EMAIL_MAX);
	assert_null(valid_email(addr));
	(void)snprintf(addr, sizeof(addr), "%s@%s.%s.%.62s", local, label,
	    label, label);
	assert_int_equal(strlen(addr), VALID_EMAIL_MAX + 1);
	assert_msg(valid_email(addr), EMAIL_MSG);
}

static void
test_email_normalize(void **state)
{
	char		out[64];

	valid_email_normalize("Nguyen.Van.A@Example.COM.VN", out, sizeof(out));
	assert_string_equal(out, "nguyen.van.a@example.com.vn");

	valid_email_normalize("already@lower.vn", out, sizeof(out));
	assert_string_equal(out, "already@lower.vn");

	/* Truncated to the buffer, always terminated. */
	memset(out, 'X', sizeof(out));
	valid_email_normalize("ABCDEFGH", out, 5);
	assert_string_equal(out, "abcd");
	assert_int_equal(out[5], 'X');

	memset(out, 'X', sizeof(out));
	valid_email_normalize("ABC", out, 1);
	assert_string_equal(out, "");
	assert_int_equal(out[1], 'X');

	/* No room at all: nothing written. */
	memset(out, 'X', sizeof(out));
	valid_email_normalize("ABC", out, 0);
	assert_int_equal(out[0], 'X');
}

static void
test_phone_normalize(void **state)
{
	static const struct {
		const char	*in;
		const char	*out;
	} cases[] = {
		{ "0912 345 678", "+84912345678" },
		{ "0912345678", "+84912345678" },
		{ "0912.345.678", "+84912345678" },
		{ "0912-345-678", "+84912345678" },
		{ "+84 912 345 678", "+84912345678" },
		{ "+84912345678", "+84912345678" },
		{ "+84-912-345-678", "+84912345678" },
		{ "84912345678", "+84912345678" },
		{ "84 912 345 678", "+84912345678" },
		{ "  0912 345 678", "+84912345678" },
		{ "0912 345 678  ", "+84912345678" },
		{ "0312345678", "+84312345678" },
		{ "0512345678", "+84512345678" },
		{ "0712345678", "+84712345678" },
		{ "0812345678", "+84812345678" },
		{ "0987 654 321", "+84987654321" },
		/* Landlines: 02x area codes, eleven digits. */
		{ "024 3825 1234", "+842438251234" },
		{ "(024) 3825 1234", "+842438251234" },
		{ "028.3829.5678", "+842838295678" },
		{ "+84 24 3825 1234", "+842438251234" },
		{ "842438251234", "+842438251234" },
		{ "0236 3822 123", "+842363822123" },
	};
	char		out[VALID_PHONE_LEN];
	size_t		i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(out, 0, sizeof(out));
		if (!valid_phone_normalize(cases[i].in, out, sizeof(out)))
			fail_msg("'%s' should be a phone number", cases[i].in);
		assert_string_equal(out, cases[i].out);
		assert_null(valid_phone(cases[i].in));
	}
}

static void
test_phone_invalid(void **state)
{
	static const char *const bad[] = {
		"0112345678",		/* no such mobile prefix */
		"0212345678",		/* 02 is for landlines: 11 digits */
		"0412345678",
		"0612345678",
		"0012345678",
		"03825123456",		/* 11 digits but not 02x */
		"09123456789",		/* a mobile number one too long */
		"091234567",		/* one too short */
		"912345678",		/* without its 0 */
		"0243825123",		/* landline one too short */
		"024382512345",		/* landline one too long */
		"+1 555 123 4567",
		"+44 20 7946 0958",
		"+8491234567",
		"+84 112 345 678",
		"8412345678",
		"0912 345 67a",
		"O912345678",		/* letter O */
		"0912/345/678",
		"0912_345_678",
		"0912345678 ext 1",
		"abc",
		"",
		"   ",
		"+",
		"+8",
		"+84",
		"++84912345678",
		"0912+345678",
		"0912345678901234567890123456789",
		NULL
	};
	char		out[VALID_PHONE_LEN];
	size_t		i;

	for (i = 0; bad[i] != NULL; i++) {
		if (valid_phone_normalize(bad[i], out, sizeof(out)))
			fail_msg("'%s' should not be a phone number (%s)",
			    bad[i], out);
		if (valid_phone(bad[i]) == NULL)
			fail_msg("valid_phone accepted '%s'", bad[i]);
		assert_msg(valid_phone(bad[i]), PHONE_MSG);
	}
}

static void
test_phone_buffer(void **state)
{
	char		out[VALID_PHONE_LEN];

	/* +84 and nine digits and the NUL: 13 bytes. */
	memset(out, 'X', sizeof(out));
	assert_true(valid_phone_normalize("0912345678", out, 13));
	assert_string_equal(out, "+84912345678");
	assert_int_equal(out[13], 'X');
	assert_false(valid_phone_normalize("0912345678", out, 12));

	/* A landline needs one more. */
	assert_true(valid_phone_normalize("02438251234", out, 14));
	assert_string_equal(out, "+842438251234");
	memset(out, 'X', sizeof(out));
	assert_false(valid_phone_normalize("02438251234", out, 13));
	/* Nothing written when it does not fit. */
	assert_int_equal(out[0], 'X');
	assert_false(valid_phone_normalize("0912345678", out, 0));
}

static void
test_password_length(void **state)
{
	char		pw[VALID_PASSWORD_BYTES + 8];
	size_t		i;

	assert_msg(valid_password("", NULL),
	    "must be at least 10 characters");
	assert_msg(valid_password("short1", NULL),
	    "must be at least 10 characters");
	assert_msg(valid_password("Sen-2026!", NULL),
	    "must be at least 10 characters");
	assert_null(valid_password("Sen-2026!x", NULL));

	/* Characters, not bytes: nine Vietnamese letters are too few... */
	assert_msg(valid_password("ẩẫậẩẫậẩẫậ", NULL),
	    "must be at least 10 characters");
	/* ...and ten are enough. */
	assert_null(valid_password("mậtkhẩuđẹp", NULL));

	/* At most 128 characters. */
	for (i = 0; i < VALID_PASSWORD_MAX; i++)
		pw[i] = "ab"[i % 2];
	pw[i] = '\0';
	assert_null(valid_password(pw, NULL));
	pw[i++] = 'c';
	pw[i] = '\0';
	assert_msg(valid_password(pw, NULL),
	    "must be at most 128 characters");

	/* 128 three-byte characters fit VALID_PASSWORD_BYTES. */
	pw[0] = '\0';
	for (i = 0; i < VALID_PASSWORD_MAX; i++)
		(void)strcat(pw, i % 2 ? "ễ" : "ậ");
	assert_true(strlen(pw) < VALID_PASSWORD_BYTES);
	assert_null(valid_password(pw, NULL));
	(void)strcat(pw, "ễ");
	assert_msg(valid_password(pw, NULL),
	    "must be at most 128 characters");
}

static void
test_password_repeated(void **state)
{
	assert_msg(valid_password("aaaaaaaaaa", NULL),
	    "must not repeat a single character");
	assert_msg(valid_password("ZZZZZZZZZZZZZZZZZZZZZZZZZ", NULL),
	    "must not repeat a single character");
	assert_msg(valid_password("          ", NULL),
	    "must not repeat a single character");
	/* A character of several bytes repeated is still one character. */
	assert_msg(valid_password("ễễễễễễễễễễ", NULL),
	    "must not repeat a single character");
	assert_msg(valid_password("ééééééééééé", NULL),
	    "must not repeat a single character");
	assert_msg(valid_password(
	    "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
	    "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
	    "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
	    "\xf0\x9f\x98\x80", NULL),
	    "must not repeat a single character");

	/* One different character anywhere is enough. */
	assert_null(valid_password("aaaaaaaaab", NULL));
	assert_null(valid_password("baaaaaaaaa", NULL));
	assert_null(valid_password("aaaaaaaaaA", NULL));
	assert_null(valid_password("ễễễễễễễễễệ", NULL));
	assert_null(valid_password("ễễễễễễễễễe", NULL));
	/* Two alternating characters are not a single one. */
	assert_null(valid_password("ababababab", NULL));
}

static void
test_password_email(void **state)
{
	const char	*email = "nguyen.van.a@example.vn";

	assert_msg(valid_password("nguyen.van.a@example.vn", email),
	    "must not be your e-mail address");
	assert_msg(valid_password("Nguyen.Van.A@Example.VN", email),
	    "must not be your e-mail address");
	/* The part before the @ alone. */
	assert_msg(valid_password("nguyen.van.a", email),
	    "must not be your e-mail address");
	assert_msg(valid_password("NGUYEN.VAN.A", email),
	    "must not be your e-mail address");

	/* Only exact matches: longer or different is allowed. */
	assert_null(valid_password("nguyen.van.a1", email));
	assert_null(valid_password("nguyen.van.", email));
	assert_null(valid_password("nguyen.van.a@example.v", email));
	assert_null(valid_password("example.vn-2026", email));

	/* Without an e-mail address, only the other rules apply. */
	assert_null(valid_password("nguyen.van.a", NULL));
	assert_null(valid_password("nguyen.van.a", ""));
	/* An address without @ is compared whole. */
	assert_msg(valid_password("nguyen.van.a", "nguyen.van.a"),
	    "must not be your e-mail address");
}

static void
test_password_common(void **state)
{
	static const char *const common[] = {
		"password123", "Password123", "PASSWORD123", "pAsSwOrD123",
		"1234567890", "0123456789", "qwertyuiop", "QwertyUIOP",
		"matkhau123", "MatKhau123", "anhyeuem123", "Vietnam2026",
		"administrator", "Administrator", "abcdefghij", "1q2w3e4r5t",
		NULL
	};
	size_t		i;

	for (i = 0; common[i] != NULL; i++) {
		if (valid_password(common[i], NULL) == NULL)
			fail_msg("'%s' should be too common", common[i]);
		assert_msg(valid_password(common[i], NULL),
		    "is too common, choose another");
	}

	/* Near misses are not on the list. */
	assert_null(valid_password("password1235", NULL));
	assert_null(valid_password("Password123!", NULL));
	assert_null(valid_password(" password123", NULL));
	assert_null(valid_password("matkhau12345", NULL));
}

static void
test_password_order(void **state)
{
	/* A short common word is reported as short: the first thing to fix. */
	assert_msg(valid_password("password", NULL),
	    "must be at least 10 characters");
	/* Repetition comes before the e-mail check. */
	assert_msg(valid_password("aaaaaaaaaa", "aaaaaaaaaa@b.vn"),
	    "must not repeat a single character");
	/* The e-mail check comes before the common list. */
	assert_msg(valid_password("password123",
	    "password123@example.vn"), "must not be your e-mail address");
}

static void
test_password_good(void **state)
{
	static const char *const good[] = {
		"Sen la hoa sen 2026",
		"correct horse battery staple",
		"Mật khẩu rất dài",
		"ZyX!9876543",
		"hoa-sen-trong-ao",
		NULL
	};
	size_t		i;

	for (i = 0; good[i] != NULL; i++) {
		if (valid_password(good[i], "nguyen.van.a@example.vn") != NULL)
			fail_msg("'%s' should be acceptable", good[i]);
	}
}

int
unit_valid(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_email_valid),
		cmocka_unit_test(test_email_invalid),
		cmocka_unit_test(test_email_limits),
		cmocka_unit_test(test_email_normalize),
		cmocka_unit_test(test_phone_normalize),
		cmocka_unit_test(test_phone_invalid),
		cmocka_unit_test(test_phone_buffer),
		cmocka_unit_test(test_password_length),
		cmocka_unit_test(test_password_repeated),
		cmocka_unit_test(test_password_email),
		cmocka_unit_test(test_password_common),
		cmocka_unit_test(test_password_order),
		cmocka_unit_test(test_password_good),
	};

	return (cmocka_run_group_tests_name("valid", tests, NULL, NULL));
}
