/*
 * qs.c: query-string decoding.  A value is found (1), absent (0) or
 * malformed (-1); malformed values must never reach a handler.
 */

#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "lib/qs.h"

/* qs_get with a roomy buffer; the value lands in out. */
static int
get(const char *qs, const char *name, char *out)
{
	return (qs_get(qs, name, out, 256));
}

static void
test_plain(void **state)
{
	char		out[256];

	assert_int_equal(get("role=staff&page=2", "role", out), 1);
	assert_string_equal(out, "staff");
	assert_int_equal(get("role=staff&page=2", "page", out), 1);
	assert_string_equal(out, "2");
	/* Values may hold '='. */
	assert_int_equal(get("q=a=b", "q", out), 1);
	assert_string_equal(out, "a=b");
	/* The first of repeated names wins. */
	assert_int_equal(get("role=a&role=b", "role", out), 1);
	assert_string_equal(out, "a");
	/* Empty segments are skipped. */
	assert_int_equal(get("&&q=1&", "q", out), 1);
	assert_string_equal(out, "1");
}

static void
test_decoding(void **state)
{
	char		out[256];

	assert_int_equal(get("role=staff&q=Nguy%E1%BB%85n", "q", out), 1);
	assert_string_equal(out, "Nguyễn");
	/* '+' is a space, %2B a plus. */
	assert_int_equal(get("q=Tr%E1%BA%A7n+Th%E1%BB%8B+A", "q", out), 1);
	assert_string_equal(out, "Trần Thị A");
	assert_int_equal(get("q=a%2Bb+c", "q", out), 1);
	assert_string_equal(out, "a+b c");
	assert_int_equal(get("q=+", "q", out), 1);
	assert_string_equal(out, " ");
	assert_int_equal(get("q=%20x%20", "q", out), 1);
	assert_string_equal(out, " x ");
	/* Either case of hex digit. */
	assert_int_equal(get("q=%c3%a9%C3%A9%c3%A9", "q", out), 1);
	assert_string_equal(out, "ééé");
	/* Encoded separators are data, not separators. */
	assert_int_equal(get("q=a%26role%3Dadmin&role=x", "q", out), 1);
	assert_string_equal(out, "a&role=admin");
	assert_int_equal(get("q=a%26role%3Dadmin&role=x", "role", out), 1);
	assert_string_equal(out, "x");
	assert_int_equal(get("q=100%25", "q", out), 1);
	assert_string_equal(out, "100%");
	/* UTF-8 sent without encoding is taken as it is. */
	assert_int_equal(get("q=\xc3\xa9t\xc3\xa9", "q", out), 1);
	assert_string_equal(out, "été");
	assert_int_equal(get("q=%F0%9F%98%80", "q", out), 1);
	assert_string_equal(out, "\xf0\x9f\x98\x80");
}

static void
test_absent_and_empty(void **state)
{
	char		out[256];

	assert_int_equal(get("role=staff", "q", out), 0);
	assert_int_equal(get("", "q", out), 0);
	assert_int_equal(qs_get(NULL, "q", out, sizeof(out)), 0);
	/* A name without '=' carries no value. */
	assert_int_equal(get("q", "q", out), 0);
	assert_int_equal(get("q&role=x", "q", out), 0);
	/* Names match whole. */
	assert_int_equal(get("qq=1", "q", out), 0);
	assert_int_equal(get("q=1", "qq", out), 0);
	assert_int_equal(get("xq=1&qx=2", "q", out), 0);
	assert_int_equal(get("Q=1", "q", out), 0);
	/* Names are not decoded. */
	assert_int_equal(get("%71=1", "q", out), 0);
	assert_int_equal(get("q+=1", "q", out), 0);

	/* Present and empty is not absent. */
	strcpy(out, "junk");
	assert_int_equal(get("q=", "q", out), 1);
	assert_string_equal(out, "");
	strcpy(out, "junk");
	assert_int_equal(get("q=&role=x", "q", out), 1);
	assert_string_equal(out, "");
	assert_int_equal(get("role=x&q=", "q", out), 1);
	assert_string_equal(out, "");
}

static void
test_malformed_percent(void **state)
{
	static const char *const bad[] = {
		"q=%G1", "q=%1G", "q=%zz", "q=%4", "q=%", "q=abc%",
		"q=%4&x=1", "q=%&x=1", "q=%%41", "q=% 41", "q=%-1",
		"q=%E1%BB%8", NULL
	};
	char		out[256];
	size_t		i;

	for (i = 0; bad[i] != NULL; i++) {
		if (get(bad[i], "q", out) != -1)
			fail_msg("'%s' should be malformed", bad[i]);
	}
	/* A malformed other parameter does not matter. */
	assert_int_equal(get("x=%G1&q=ok", "q", out), 1);
	assert_string_equal(out, "ok");
}

static void
test_bad_utf8(void **state)
{
	static const char *const bad[] = {
		"q=%C0%AF",		/* overlong '/' */
		"q=%C1%BF",		/* overlong */
		"q=%E0%80%AF",		/* overlong, three bytes */
		"q=%E0%9F%BF",		/* overlong U+07FF */
		"q=%F0%80%80%AF",	/* overlong, four bytes */
		"q=%F0%8F%BF%BF",	/* overlong U+FFFF */
		"q=%ED%A0%80",		/* surrogate U+D800 */
		"q=%ED%BF%BF",		/* surrogate U+DFFF */
		"q=%ED%A0%BD%ED%B8%80",	/* a surrogate pair */
		"q=%F4%90%80%80",	/* U+110000 */
		"q=%F5%80%80%80",
		"q=%F8%88%80%80%80",	/* five bytes */
		"q=%FE", "q=%FF",
		"q=%80",		/* a lone continuation */
		"q=a%BFb",
		"q=%C3",		/* truncated */
		"q=%E1%BB",
		"q=%F0%9F%98",
		"q=%E1%BBx",		/* interrupted */
		"q=%C3%C3%A9",
		"q=\xc0\xaf",		/* the same, unencoded */
		"q=\xed\xa0\x80",
		"q=\xc3",
		NULL
	};
	char		out[256];
	size_t		i;

	for (i = 0; bad[i] != NULL; i++) {
		if (get(bad[i], "q", out) != -1)
			fail_msg("'%s' should be refused", bad[i]);
	}
}

static void
test_good_utf8_edges(void **state)
{
	static const struct {
		const char	*qs;
		const char	*out;
	} good[] = {
		{ "q=%C2%A0", "\xc2\xa0" },		/* U+00A0 */
		{ "q=%DF%BF", "\xdf\xbf" },		/* U+07FF */
		{ "q=%E0%A0%80", "\xe0\xa0\x80" },	/* U+0800 */
		{ "q=%ED%9F%BF", "\xed\x9f\xbf" },	/* U+D7FF */
		{ "q=%EE%80%80", "\xee\x80\x80" },	/* U+E000 */
		{ "q=%EF%BF%BD", "\xef\xbf\xbd" },	/* U+FFFD */
		{ "q=%F0%90%80%80", "\xf0\x90\x80\x80" },	/* U+10000 */
		{ "q=%F4%8F%BF%BF", "\xf4\x8f\xbf\xbf" },	/* U+10FFFF */
	};
	char		out[256];
	size_t		i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (get(good[i].qs, "q", out) != 1)
			fail_msg("'%s' should be accepted", good[i].qs);
		assert_string_equal(out, good[i].out);
	}
}

static void
test_control_characters(void **state)
{
	static const char *const bad[] = {
		"q=%0A", "q=a%0Db", "q=%09", "q=%00", "q=a%00b", "q=%01",
		"q=%1F", "q=%1b%5B31m", "q=%7F", "q=%7f", "q=a\tb", "q=a\x7f",
		NULL
	};
	char		out[256];
	size_t		i;

	for (i = 0; bad[i] != NULL; i++) {
		if (get(bad[i], "q", out) != -1)
			fail_msg("'%s' should be refused", bad[i]);
	}
	/* Just above and below the refused ranges. */
	assert_int_equal(get("q=%20%7E", "q", out), 1);
	assert_string_equal(out, " ~");
}

static void
test_buffer(void **state)
{
	char		out[16];

	/* Six characters need seven bytes. */
	memset(out, 'X', sizeof(out));
	assert_int_equal(qs_get("q=abcdef", "q", out, 7), 1);
	assert_string_equal(out, "abcdef");
	assert_int_equal(out[7], 'X');
	assert_int_equal(qs_get("q=abcdef", "q", out, 6), -1);
	assert_int_equal(qs_get("q=abcdef", "q", out, 1), -1);

	/* Room is counted in decoded bytes, not in encoded text. */
	assert_int_equal(qs_get("q=%C3%A9", "q", out, 3), 1);
	assert_string_equal(out, "é");
	assert_int_equal(qs_get("q=%C3%A9", "q", out, 2), -1);
	assert_int_equal(qs_get("q=a+b", "q", out, 4), 1);
	assert_string_equal(out, "a b");
	assert_int_equal(qs_get("q=a+b", "q", out, 3), -1);

	/* An empty value fits the smallest buffer. */
	assert_int_equal(qs_get("q=", "q", out, 1), 1);
	assert_string_equal(out, "");

	/* Too long is malformed, not absent, even if the rest is fine. */
	assert_int_equal(qs_get("role=x&q=0123456789abcdef", "q", out,
	    sizeof(out)), -1);
	assert_int_equal(qs_get("role=x&q=0123456789abcde", "q", out,
	    sizeof(out)), 1);
	assert_string_equal(out, "0123456789abcde");
}

static void
test_utf8_valid(void **state)
{
	assert_true(utf8_valid("", 0));
	assert_true(utf8_valid("abc", 3));
	assert_true(utf8_valid("Nguyễn", strlen("Nguyễn")));
	/* Only len bytes are read. */
	assert_true(utf8_valid("ab\xff", 2));
	assert_false(utf8_valid("ab\xff", 3));
	/* A sequence cut by len is incomplete. */
	assert_false(utf8_valid("\xc3\xa9", 1));
	assert_false(utf8_valid("\xe1\xbb\x85", 2));
	assert_true(utf8_valid("\xe1\xbb\x85", 3));
	/* NUL is ASCII here; control characters are qs_get's concern. */
	assert_true(utf8_valid("a\0b", 3));
	assert_false(utf8_valid("\xc0\x80", 2));
	assert_false(utf8_valid("\xed\xa0\x80", 3));
	assert_false(utf8_valid("\xf4\x90\x80\x80", 4));
	assert_true(utf8_valid("\xf4\x8f\xbf\xbf", 4));
}

int
unit_qs(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_decoding),
		cmocka_unit_test(test_absent_and_empty),
		cmocka_unit_test(test_malformed_percent),
		cmocka_unit_test(test_bad_utf8),
		cmocka_unit_test(test_good_utf8_edges),
		cmocka_unit_test(test_control_characters),
		cmocka_unit_test(test_buffer),
		cmocka_unit_test(test_utf8_valid),
	};

	return (cmocka_run_group_tests_name("qs", tests, NULL, NULL));
}
