/*
 * Listing: csv.c (quoting, formula neutralising, the document buffer) and
 * cursor.c (base64url and pagination cursors).  Both handle text from
 * outside, so besides the rules there are hostile and random inputs: no
 * crash, no write past a buffer, and what is accepted reads back exactly.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "lib/csv.h"
#include "lib/cursor.h"

/* csv_escape into a string, checking the size it announces. */
static char *
esc(const char *s, size_t len, int kind)
{
	static char	out[4096];
	size_t		need, n;

	need = csv_escape(s, len, kind, NULL, 0);
	assert_true(need < sizeof(out));
	n = csv_escape(s, len, kind, out, sizeof(out));
	assert_int_equal(n, need);
	out[n] = '\0';

	return (out);
}

#define ESC(s, kind)	esc((s), strlen(s), (kind))

static void
test_csv_quoting(void **state)
{
	assert_string_equal(ESC("Phở Hà Nội", CSV_TEXT), "Phở Hà Nội");
	assert_string_equal(ESC("", CSV_TEXT), "");
	assert_string_equal(ESC("a,b", CSV_TEXT), "\"a,b\"");
	assert_string_equal(ESC("say \"hi\"", CSV_TEXT),
	    "\"say \"\"hi\"\"\"");
	assert_string_equal(ESC("\"", CSV_TEXT), "\"\"\"\"");
	assert_string_equal(ESC("line\nbreak", CSV_TEXT),
	    "\"line\nbreak\"");
	assert_string_equal(ESC("cr\rhere", CSV_TEXT), "\"cr\rhere\"");
	assert_string_equal(ESC("Bánh cuốn, \"Bà Hoành\"\r\nHàng Gà",
	    CSV_TEXT), "\"Bánh cuốn, \"\"Bà Hoành\"\"\r\nHàng Gà\"");
	/* Nothing else needs quotes: semicolons, apostrophes, spaces. */
	assert_string_equal(ESC(" a; b 'c' ", CSV_TEXT), " a; b 'c' ");
	/* Bytes after a NUL are still data: lengths, not C strings. */
	assert_string_equal(esc("a\0,b", 4, CSV_TEXT), "\"a");
	assert_int_equal(csv_escape("a\0,b", 4, CSV_TEXT, NULL, 0), 6);
}

static void
test_csv_formulas(void **state)
{
	assert_true(csv_formula_risky("=1", 2));
	assert_true(csv_formula_risky("+1", 2));
	assert_true(csv_formula_risky("-1", 2));
	assert_true(csv_formula_risky("@SUM(A1)", 8));
	assert_true(csv_formula_risky("\t=1", 3));
	assert_true(csv_formula_risky("\r=1", 3));
	assert_false(csv_formula_risky("", 0));
	assert_false(csv_formula_risky("a=1", 3));
	assert_false(csv_formula_risky(" =1", 3));
	assert_false(csv_formula_risky("'=1", 3));
	assert_false(csv_formula_risky("\n=1", 3));

	assert_string_equal(ESC("=1+1", CSV_TEXT), "'=1+1");
	assert_string_equal(ESC("+84912345678", CSV_TEXT), "'+84912345678");
	assert_string_equal(ESC("-5", CSV_TEXT), "'-5");
	assert_string_equal(ESC("@cmd", CSV_TEXT), "'@cmd");
	assert_string_equal(ESC("\tx", CSV_TEXT), "'\tx");
	/* Neutralised inside the quotes when it also needs quoting. */
	assert_string_equal(ESC("\r=x", CSV_TEXT), "\"'\r=x\"");
	assert_string_equal(ESC("=HYPERLINK(\"http://x.vn\",\"Bấm\")",
	    CSV_TEXT), "\"'=HYPERLINK(\"\"http://x.vn\"\",\"\"Bấm\"\")\"");
	assert_string_equal(ESC("=1,2", CSV_TEXT), "\"'=1,2\"");
	/* Only the first character counts. */
	assert_string_equal(ESC("Cà phê - bánh", CSV_TEXT), "Cà phê - bánh");
}

static void
test_csv_numbers(void **state)
{
	assert_true(csv_is_number("0", 1));
	assert_true(csv_is_number("-5", 2));
	assert_true(csv_is_number("15000000", 8));
	assert_true(csv_is_number("1.25", 4));
	assert_true(csv_is_number("-0.5", 4));
	assert_false(csv_is_number("", 0));
	assert_false(csv_is_number("-", 1));
	assert_false(csv_is_number("1.", 2));
	assert_false(csv_is_number(".5", 2));
	assert_false(csv_is_number("--1", 3));
	assert_false(csv_is_number("+1", 2));
	assert_false(csv_is_number("1e5", 3));
	assert_false(csv_is_number("1 ", 2));
	assert_false(csv_is_number("-1+cmd|' /C calc'!A0", 20));
	assert_false(csv_is_number("1\0", 2));

	/* Our own numbers are left alone, negative ones too. */
	assert_string_equal(ESC("-5", CSV_NUMBER), "-5");
	assert_string_equal(ESC("15000000", CSV_NUMBER), "15000000");
	/* Anything else passed as a number is text, and neutralised. */
	assert_string_equal(ESC("-1+cmd|' /C calc'!A0", CSV_NUMBER),
	    "'-1+cmd|' /C calc'!A0");
	assert_string_equal(ESC("=1", CSV_NUMBER), "'=1");
	assert_string_equal(ESC("1,5", CSV_NUMBER), "\"1,5\"");
	assert_string_equal(ESC("-", CSV_NUMBER), "'-");
}

/* A short output buffer gets a prefix and not one byte more. */
static void
test_csv_bounded(void **state)
{
	char		buf[16];
	size_t		n, i;

	memset(buf, '#', sizeof(buf));
	n = csv_escape("=a,\"b\"", 6, CSV_TEXT, buf, 4);
	assert_int_equal(n, 11);		/* "'=a,""b""" */
	assert_memory_equal(buf, "\"'=a", 4);
	for (i = 4; i < sizeof(buf); i++)
		assert_int_equal(buf[i], '#');

	assert_int_equal(csv_escape("abc", 3, CSV_TEXT, NULL, 0), 3);
	assert_int_equal(csv_escape("", 0, CSV_TEXT, buf, 0), 0);
}

static void
test_csv_document(void **state)
{
	struct csv_buf	b;
	const char	*expect =
	    "\xef\xbb\xbf" "reference,business_name,amount\r\n"
	    "HK-2026-00042,\"Phở, \"\"Bà Lan\"\"\",15000000\r\n"
	    ",'=2+3,\r\n";

	csv_init(&b);
	csv_bom(&b);
	csv_field(&b, "reference", 9, CSV_TEXT);
	csv_field(&b, "business_name", 13, CSV_TEXT);
	csv_field(&b, "amount", 6, CSV_TEXT);
	csv_end_record(&b);
	csv_field(&b, "HK-2026-00042", 13, CSV_TEXT);
	csv_field(&b, "Phở, \"Bà Lan\"", strlen("Phở, \"Bà Lan\""), CSV_TEXT);
	csv_field(&b, "15000000", 8, CSV_NUMBER);
	csv_end_record(&b);
	csv_field(&b, NULL, 0, CSV_TEXT);	/* NULL: an empty cell */
	csv_field(&b, "=2+3", 4, CSV_TEXT);
	csv_field(&b, NULL, 0, CSV_NUMBER);
	csv_end_record(&b);

	assert_false(b.oom);
	assert_int_equal(b.len, strlen(expect));
	assert_memory_equal(b.data, expect, b.len);
	csv_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
}

/* 200 000 fields: the buffer grows by doubling, the bytes are all there. */
static void
test_csv_large(void **state)
{
	struct csv_buf	b;
	size_t		i, expect;

	csv_init(&b);
	expect = 0;
	for (i = 0; i < 200000; i++) {
		csv_field(&b, "Hàng \"Mã\"", strlen("Hàng \"Mã\""), CSV_TEXT);
		expect += strlen("\"Hàng \"\"Mã\"\"\"") + (i % 4 ? 1 : 0);
		if (i % 4 == 3) {
			csv_end_record(&b);
			expect += 2;
		}
	}
	assert_false(b.oom);
	assert_int_equal(b.len, expect);
	assert_true(b.cap >= b.len && b.cap < 2 * b.len + 4096);
	assert_memory_equal(b.data + b.len - 2, "\r\n", 2);
	csv_free(&b);
}

/*
 * An RFC 4180 reader for one field: what a spreadsheet sees.  Returns the
 * bytes consumed, the value in out.
 */
static size_t
read_field(const char *s, size_t len, char *out, size_t *olen)
{
	size_t		i, o;

	o = 0;
	if (len == 0 || s[0] != '"') {
		for (i = 0; i < len; i++)
			out[o++] = s[i];
		*olen = o;
		return (len);
	}
	for (i = 1; i < len; i++) {
		if (s[i] == '"') {
			if (i + 1 < len && s[i + 1] == '"') {
				out[o++] = '"';
				i++;
				continue;
			}
			break;
		}
		out[o++] = s[i];
	}
	assert_int_equal(i, len - 1);	/* the closing quote ends it */
	*olen = o;

	return (len);
}

/* Random bytes: the field reads back as itself (with its apostrophe). */
static void
test_csv_fuzz(void **state)
{
	static const char	alphabet[] = "=+-@\t\r\n\",' a\xc3\xa9\0";
	char			in[64], out[256], back[256];
	size_t			len, n, blen, i, round;

	srand(4180);
	for (round = 0; round < 20000; round++) {
		len = (size_t)rand() % sizeof(in);
		for (i = 0; i < len; i++) {
			in[i] = round % 2 ? (char)(rand() & 0xff) :
			    alphabet[(size_t)rand() % (sizeof(alphabet) - 1)];
		}
		n = csv_escape(in, len, CSV_TEXT, out, sizeof(out));
		assert_true(n <= 2 * len + 3);
		(void)read_field(out, n, back, &blen);
		if (csv_formula_risky(in, len)) {
			assert_int_equal(blen, len + 1);
			assert_int_equal(back[0], '\'');
			assert_memory_equal(back + 1, in, len);
		} else {
			assert_int_equal(blen, len);
			assert_memory_equal(back, in, len);
		}
	}
}

/* --- cursors --- */

static void
test_b64url_vectors(void **state)
{
	static const struct {
		const char	*raw;
		const char	*enc;
	} v[] = {
		{ "", "" }, { "f", "Zg" }, { "fo", "Zm8" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg" }, { "fooba", "Zm9vYmE" },
		{ "foobar", "Zm9vYmFy" }, { "\xfb\xff", "-_8" },
	};
	unsigned char	raw[16];
	char		enc[16];
	size_t		i, n;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		n = b64url_encode((const unsigned char *)v[i].raw,
		    strlen(v[i].raw), enc, sizeof(enc));
		assert_int_equal(n, strlen(v[i].enc));
		assert_string_equal(enc, v[i].enc);
		assert_true(b64url_decode(v[i].enc, strlen(v[i].enc), raw,
		    sizeof(raw), &n));
		assert_int_equal(n, strlen(v[i].raw));
		assert_memory_equal(raw, v[i].raw, n);
	}

	/* Refused: padding, the standard alphabet, bits left over, sizes. */
	assert_false(b64url_decode("Zg==", 4, raw, sizeof(raw), &n));
	assert_false(b64url_decode("+/8", 3, raw, sizeof(raw), &n));
	assert_false(b64url_decode("Zh", 2, raw, sizeof(raw), &n));
	assert_false(b64url_decode("Zm9", 3, raw, sizeof(raw), &n));
	assert_false(b64url_decode("Z", 1, raw, sizeof(raw), &n));
	assert_false(b64url_decode("Zm9v Zg", 7, raw, sizeof(raw), &n));
	assert_false(b64url_decode("Zm9vYmFy", 8, raw, 5, &n));
	assert_true(b64url_decode("Zm9vYmFy", 8, raw, 6, &n));
	/* No room for the NUL: refused, not truncated. */
	assert_int_equal(b64url_encode((const unsigned char *)"foo", 3, enc,
	    4), 0);
	assert_int_equal(b64url_encode((const unsigned char *)"foo", 3, enc,
	    5), 4);
}

static void
roundtrip(const struct cursor *c)
{
	char		enc[CURSOR_BUF];
	struct cursor	d;
	size_t		i;

	assert_true(cursor_encode(c, enc, sizeof(enc)));
	assert_true(strlen(enc) <= CURSOR_ENC_MAX);
	for (i = 0; enc[i] != '\0'; i++)
		assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789-_", enc[i]));

	assert_true(cursor_decode(enc, &d));
	assert_string_equal(d.sort, c->sort);
	assert_int_equal(d.desc, c->desc);
	assert_int_equal(d.id, c->id);
	assert_int_equal(d.kind, c->kind);
	if (c->kind == CURSOR_INT)
		assert_int_equal(d.ival, c->ival);
	if (c->kind == CURSOR_TEXT)
		assert_string_equal(d.text, c->text);
}

static void
test_cursor_roundtrip(void **state)
{
	static const int64_t	ints[] = {
		0, 1, -1, 1767236400123456LL, -1500001, INT64_MAX, INT64_MIN
	};
	static const char	*texts[] = {
		"", "Phở Hà Nội", "a;b;c", "1;x;a;1;n", "line\nbreak\t\"'",
		"HK-2026-00042", "\xf0\x9f\x8c\xb8 Sen", NULL
	};
	struct cursor		c;
	size_t			i;

	memset(&c, 0, sizeof(c));
	strcpy(c.sort, "submitted_at");
	c.id = 42;
	c.kind = CURSOR_NULL;
	roundtrip(&c);
	c.desc = 1;
	roundtrip(&c);

	c.kind = CURSOR_INT;
	for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		c.ival = ints[i];
		c.id = i % 2 ? INT64_MAX : (int64_t)i + 1;
		roundtrip(&c);
	}

	strcpy(c.sort, "business_name");
	c.kind = CURSOR_TEXT;
	for (i = 0; texts[i] != NULL; i++) {
		strcpy(c.text, texts[i]);
		roundtrip(&c);
	}
	/* The longest text key: CURSOR_KEY_MAX bytes of "ễ" and padding. */
	memset(c.text, 0, sizeof(c.text));
	for (i = 0; i + 3 <= CURSOR_KEY_MAX; i += 3)
		memcpy(c.text + i, "\xe1\xbb\x85", 3);
	while (i < CURSOR_KEY_MAX)
		c.text[i++] = 'x';
	strcpy(c.sort, "abcdefghijklmnopqrstuvwxyz_abcd");	/* 31 */
	c.id = INT64_MAX;
	roundtrip(&c);
}

static void
test_cursor_encode_refuses(void **state)
{
	struct cursor	c;
	char		enc[CURSOR_BUF];

	memset(&c, 0, sizeof(c));
	strcpy(c.sort, "created_at");
	c.id = 1;
	c.kind = CURSOR_INT;
	assert_true(cursor_encode(&c, enc, sizeof(enc)));
	/* Too small an output buffer. */
	assert_false(cursor_encode(&c, enc, 8));

	c.id = 0;
	assert_false(cursor_encode(&c, enc, sizeof(enc)));
	c.id = -5;
	assert_false(cursor_encode(&c, enc, sizeof(enc)));
	c.id = 1;

	strcpy(c.sort, "Created_at");
	assert_false(cursor_encode(&c, enc, sizeof(enc)));
	strcpy(c.sort, "");
	assert_false(cursor_encode(&c, enc, sizeof(enc)));
	strcpy(c.sort, "a;b");
	assert_false(cursor_encode(&c, enc, sizeof(enc)));
	memset(c.sort, 'a', sizeof(c.sort));		/* no NUL */
	assert_false(cursor_encode(&c, enc, sizeof(enc)));
	strcpy(c.sort, "created_at");

	c.kind = 7;
	assert_false(cursor_encode(&c, enc, sizeof(enc)));
	c.kind = -1;
	assert_false(cursor_encode(&c, enc, sizeof(enc)));

	c.kind = CURSOR_TEXT;
	strcpy(c.text, "\xc3");				/* cut UTF-8 */
	assert_false(cursor_encode(&c, enc, sizeof(enc)));
	strcpy(c.text, "\xed\xa0\x80");			/* surrogate */
	assert_false(cursor_encode(&c, enc, sizeof(enc)));
	memset(c.text, 'x', sizeof(c.text));		/* no NUL */
	assert_false(cursor_encode(&c, enc, sizeof(enc)));
}

/* raw, as base64url, through cursor_decode(). */
static int
decode_raw(const char *raw, size_t len, struct cursor *c)
{
	static char	enc[CURSOR_BUF * 2];

	assert_true(len == 0 || b64url_encode((const unsigned char *)raw,
	    len, enc, sizeof(enc)) > 0);
	if (len == 0)
		enc[0] = '\0';

	return (cursor_decode(enc, c));
}

#define RAW(s, c)	decode_raw((s), sizeof(s) - 1, (c))

static void
test_cursor_decode_payloads(void **state)
{
	struct cursor	c;
	char		big[CURSOR_RAW_MAX + 8];
	size_t		n;

	assert_true(RAW("1;created_at;d;42;i1767236400123456", &c));
	assert_string_equal(c.sort, "created_at");
	assert_int_equal(c.desc, 1);
	assert_int_equal(c.id, 42);
	assert_int_equal(c.kind, CURSOR_INT);
	assert_int_equal(c.ival, 1767236400123456LL);
	assert_true(RAW("1;reference;a;7;n", &c));
	assert_int_equal(c.kind, CURSOR_NULL);
	assert_true(RAW("1;business_name;a;7;sA;B", &c));
	assert_string_equal(c.text, "A;B");
	assert_true(RAW("1;business_name;a;7;s", &c));
	assert_string_equal(c.text, "");
	assert_true(RAW("1;x;a;9223372036854775807;i-9223372036854775808",
	    &c));
	assert_int_equal(c.ival, INT64_MIN);

	/* Every part must be there and right. */
	assert_false(RAW("", &c));
	assert_false(RAW("1", &c));
	assert_false(RAW("1;created_at;d;42", &c));
	assert_false(RAW("1;created_at;d;42;", &c));
	assert_false(RAW("2;created_at;d;42;i1", &c));
	assert_false(RAW("01;created_at;d;42;i1", &c));
	assert_false(RAW("1;;d;42;i1", &c));
	assert_false(RAW("1;Created_at;d;42;i1", &c));
	assert_false(RAW("1;created-at;d;42;i1", &c));
	assert_false(RAW("1;abcdefghijklmnopqrstuvwxyz_abcde;d;42;i1", &c));
	assert_false(RAW("1;created_at;x;42;i1", &c));
	assert_false(RAW("1;created_at;desc;42;i1", &c));
	assert_false(RAW("1;created_at;;42;i1", &c));
	/* The id: positive, canonical, in range. */
	assert_false(RAW("1;created_at;d;0;i1", &c));
	assert_false(RAW("1;created_at;d;-1;i1", &c));
	assert_false(RAW("1;created_at;d;+1;i1", &c));
	assert_false(RAW("1;created_at;d;01;i1", &c));
	assert_false(RAW("1;created_at;d; 1;i1", &c));
	assert_false(RAW("1;created_at;d;1x;i1", &c));
	assert_false(RAW("1;created_at;d;;i1", &c));
	assert_false(RAW("1;created_at;d;9223372036854775808;i1", &c));
	assert_false(RAW("1;created_at;d;99999999999999999999;i1", &c));
	/* The key. */
	assert_false(RAW("1;created_at;d;1;x1", &c));
	assert_false(RAW("1;created_at;d;1;nx", &c));
	assert_false(RAW("1;created_at;d;1;n;", &c));
	assert_false(RAW("1;created_at;d;1;i", &c));
	assert_false(RAW("1;created_at;d;1;i-", &c));
	assert_false(RAW("1;created_at;d;1;i-0", &c));
	assert_false(RAW("1;created_at;d;1;i00", &c));
	assert_false(RAW("1;created_at;d;1;i1.5", &c));
	assert_false(RAW("1;created_at;d;1;i1;", &c));
	assert_false(RAW("1;created_at;d;1;i 1", &c));
	assert_false(RAW("1;created_at;d;1;i9223372036854775808", &c));
	assert_false(RAW("1;created_at;d;1;i-9223372036854775809", &c));
	assert_false(RAW("1;created_at;d;1;i18446744073709551616", &c));
	assert_false(RAW("1;business_name;a;7;s\xc3", &c));
	assert_false(RAW("1;business_name;a;7;s\xc0\xaf", &c));
	assert_false(RAW("1;business_name;a;7;s\xed\xa0\x80", &c));
	assert_false(RAW("1;business_name;a;7;s\xf4\x90\x80\x80", &c));
	assert_false(RAW("1;business_name;a;7;s\xff", &c));
	assert_false(RAW("1;business_name;a;7;sa\0b", &c));
	assert_false(RAW("\0;created_at;d;1;n", &c));

	/* A text key one byte too long. */
	n = (size_t)snprintf(big, sizeof(big), "1;business_name;a;7;s");
	memset(big + n, 'x', CURSOR_KEY_MAX + 1);
	assert_false(decode_raw(big, n + CURSOR_KEY_MAX + 1, &c));
	assert_true(decode_raw(big, n + CURSOR_KEY_MAX, &c));
	assert_int_equal(strlen(c.text), CURSOR_KEY_MAX);
}

static void
test_cursor_decode_text(void **state)
{
	struct cursor	c;
	char		enc[CURSOR_BUF];
	char		huge[CURSOR_ENC_MAX + 8];

	memset(&c, 0, sizeof(c));
	strcpy(c.sort, "created_at");
	c.id = 3;
	c.kind = CURSOR_INT;
	c.ival = 5;
	assert_true(cursor_encode(&c, enc, sizeof(enc)));

	assert_false(cursor_decode(NULL, &c));
	assert_false(cursor_decode("", &c));
	assert_false(cursor_decode("!!!!", &c));
	assert_false(cursor_decode("bm90IGEgY3Vyc29y", &c));	/* "not a cursor" */
	/* The cursor with padding, a space, standard base64 or cut short. */
	(void)snprintf(huge, sizeof(huge), "%s=", enc);
	assert_false(cursor_decode(huge, &c));
	(void)snprintf(huge, sizeof(huge), " %s", enc);
	assert_false(cursor_decode(huge, &c));
	(void)snprintf(huge, sizeof(huge), "%.*s", (int)strlen(enc) - 1, enc);
	assert_false(cursor_decode(huge, &c));
	/* Longer than any cursor can be, even if it were valid base64. */
	memset(huge, 'A', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	assert_false(cursor_decode(huge, &c));
	huge[CURSOR_ENC_MAX + 1] = '\0';
	assert_false(cursor_decode(huge, &c));
	assert_true(cursor_decode(enc, &c));
	assert_int_equal(c.ival, 5);
}

/*
 * Random and mutated cursors: never a crash, and whatever is accepted is
 * canonical, i.e. encodes back to the very same text.
 */
static void
test_cursor_fuzz(void **state)
{
	static const char	b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	struct cursor		c, d;
	char			in[CURSOR_BUF + 16], enc[CURSOR_BUF], again[CURSOR_BUF];
	size_t			len, i, round, accepted;

	srand(1796);
	memset(&c, 0, sizeof(c));
	strcpy(c.sort, "business_name");
	c.id = 123456;
	c.kind = CURSOR_TEXT;
	strcpy(c.text, "Cửa hàng Hoa Sen; số 1");
	assert_true(cursor_encode(&c, enc, sizeof(enc)));

	accepted = 0;
	for (round = 0; round < 100000; round++) {
		if (round % 3 == 0) {
			/* A valid cursor with one to three characters changed. */
			(void)snprintf(in, sizeof(in), "%s", enc);
			len = strlen(in);
			for (i = 0; i < 1 + (size_t)rand() % 3; i++)
				in[(size_t)rand() % len] =
				    b64[(size_t)rand() % 64];
		} else if (round % 3 == 1) {
			len = (size_t)rand() % 64;
			for (i = 0; i < len; i++)
				in[i] = b64[(size_t)rand() % 64];
			in[len] = '\0';
		} else {
			len = (size_t)rand() % (sizeof(in) - 1);
			for (i = 0; i < len; i++)
				in[i] = (char)(1 + rand() % 255);
			in[len] = '\0';
		}

		if (!cursor_decode(in, &d))
			continue;
		accepted++;
		assert_true(cursor_encode(&d, again, sizeof(again)));
		assert_string_equal(again, in);
	}
	/* The mutations do produce valid cursors now and then. */
	assert_true(accepted > 0);
}

int
unit_listing(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_csv_quoting),
		cmocka_unit_test(test_csv_formulas),
		cmocka_unit_test(test_csv_numbers),
		cmocka_unit_test(test_csv_bounded),
		cmocka_unit_test(test_csv_document),
		cmocka_unit_test(test_csv_large),
		cmocka_unit_test(test_csv_fuzz),
		cmocka_unit_test(test_b64url_vectors),
		cmocka_unit_test(test_cursor_roundtrip),
		cmocka_unit_test(test_cursor_encode_refuses),
		cmocka_unit_test(test_cursor_decode_payloads),
		cmocka_unit_test(test_cursor_decode_text),
		cmocka_unit_test(test_cursor_fuzz),
	};

	return (cmocka_run_group_tests_name("listing", tests, NULL, NULL));
}
