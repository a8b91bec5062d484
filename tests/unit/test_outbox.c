/*
 * outbox.c: the retry schedule, how deliveries are judged, the e-mail as
 * SMTP carries it (RFC 2047 subjects, folding, base64 body, no line that
 * starts with a dot) and the gateway's JSON.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "unit.h"
#include "lib/outbox.h"
#include "lib/token.h"

#define VI_SUBJECT	"Sen: hồ sơ HK-2026-00042 — Đã nộp"
#define VI_LONG								\
	"Sen: hồ sơ HK-2026-00042 gửi đợt hỗ trợ \"Khởi nghiệp phụ nữ "	\
	"Hoàn Kiếm 2026\" đã chuyển sang trạng thái: Không đủ điều kiện "	\
	"— vui lòng xem lý do chi tiết trên Sen và liên hệ cán bộ phường "	\
	"Hàng Bạc, Hàng Đào, Cửa Đông nếu chị cần hỗ trợ thêm 😀 cảm ơn"

/* 1 when s is well-formed UTF-8. */
static int
utf8_ok(const unsigned char *s, size_t len)
{
	size_t		 i, n, k;

	for (i = 0; i < len; i += n) {
		if (s[i] < 0x80)
			n = 1;
		else if (s[i] >= 0xc2 && s[i] <= 0xdf)
			n = 2;
		else if (s[i] >= 0xe0 && s[i] <= 0xef)
			n = 3;
		else if (s[i] >= 0xf0 && s[i] <= 0xf4)
			n = 4;
		else
			return (0);
		if (i + n > len)
			return (0);
		for (k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return (0);
		}
	}
	return (1);
}

/* Every line of a CRLF text: at most max characters, CRLF only. */
static void
assert_lines(const char *text, size_t max)
{
	const char	*p, *e;

	for (p = text; *p != '\0'; p = e + 2) {
		e = strstr(p, "\r\n");
		assert_non_null(e);
		if ((size_t)(e - p) > max)
			fail_msg("line of %zu characters: %.*s", (size_t)(e - p),
			    (int)(e - p), p);
		assert_null(memchr(p, '\r', (size_t)(e - p)));
		assert_null(memchr(p, '\n', (size_t)(e - p)));
	}
}

/* h, a header from outbox_header(), ended by CRLF as in a message. */
static char *
crlf(char *h)
{
	size_t		 len;

	len = strlen(h);
	h = realloc(h, len + 3);
	assert_non_null(h);
	memcpy(h + len, "\r\n", 3);
	return (h);
}

/* A folded header field back on one line (RFC 5322 unfolding). */
static char *
unfold(const char *h)
{
	char		*out;
	size_t		 i, o;

	out = malloc(strlen(h) + 1);
	assert_non_null(out);
	for (i = 0, o = 0; h[i] != '\0'; i++) {
		if (h[i] == '\r' && h[i + 1] == '\n' &&
		    (h[i + 2] == ' ' || h[i + 2] == '\t')) {
			i++;
			continue;
		}
		out[o++] = h[i];
	}
	out[o] = '\0';
	return (out);
}

/*
 * The text of an unfolded value made of encoded words (or plain text),
 * checking each word: at most 75 characters, UTF-8 base64, and decoding
 * to whole characters on its own.
 */
static char *
decode_words(const char *v)
{
	char		*out, b64[128];
	uint8_t		 raw[128];
	const char	*p, *end;
	size_t		 o, len;
	int		 n;

	out = malloc(strlen(v) + 1);
	assert_non_null(out);
	if (strncmp(v, "=?", 2) != 0) {
		strcpy(out, v);
		return (out);
	}
	o = 0;
	for (p = v; *p != '\0'; ) {
		if (*p == ' ') {
			p++;
			continue;
		}
		assert_int_equal(strncmp(p, "=?UTF-8?B?", 10), 0);
		end = strstr(p + 10, "?=");
		assert_non_null(end);
		len = (size_t)(end + 2 - p);
		assert_true(len <= OUTBOX_WORD_MAX);
		assert_true(len - 12 < sizeof(b64));
		memcpy(b64, p + 10, len - 12);
		b64[len - 12] = '\0';
		n = b64_decode(b64, raw, sizeof(raw));
		assert_true(n > 0);
		assert_true(utf8_ok(raw, (size_t)n));
		memcpy(out + o, raw, (size_t)n);
		o += (size_t)n;
		p = end + 2;
	}
	out[o] = '\0';
	return (out);
}

/* The header field named name of a message, unfolded, without "Name: ". */
static char *
field(const char *msg, const char *name)
{
	char		*all, *p, *e, *v, want[64];
	size_t		 len;

	all = unfold(msg);
	(void)snprintf(want, sizeof(want), "\r\n%s: ", name);
	if (strncmp(all, want + 2, strlen(want) - 2) == 0)
		p = all + strlen(want) - 2;
	else if ((p = strstr(all, want)) != NULL)
		p += strlen(want);
	else
		fail_msg("no %s header", name);
	e = strstr(p, "\r\n");
	assert_non_null(e);
	len = (size_t)(e - p);
	v = malloc(len + 1);
	assert_non_null(v);
	memcpy(v, p, len);
	v[len] = '\0';
	free(all);
	return (v);
}

/* The decoded body of a built message. */
static char *
body_of(const char *msg, int *n)
{
	const char	*p;
	char		*b64;
	uint8_t		*raw;
	size_t		 i, o;

	p = strstr(msg, "\r\n\r\n");
	assert_non_null(p);
	p += 4;
	b64 = malloc(strlen(p) + 1);
	raw = malloc(strlen(p) + 1);
	assert_non_null(b64);
	assert_non_null(raw);
	for (i = 0, o = 0; p[i] != '\0'; i++) {
		if (p[i] != '\r' && p[i] != '\n')
			b64[o++] = p[i];
	}
	b64[o] = '\0';
	*n = b64_decode(b64, raw, strlen(p) + 1);
	assert_true(*n >= 0);
	raw[*n] = '\0';
	free(b64);
	return ((char *)raw);
}

static void
test_backoff_schedule(void **state)
{
	static const long	base[] = { 30, 60, 120, 240, 480, 960, 1920,
				    3600, 3600, 3600 };
	long			 d, seen[4];
	long long		 id;
	int			 a, distinct, i, k;

	for (a = 1; a <= 10; a++) {
		for (id = 1; id <= 500; id++) {
			d = outbox_backoff(a, id);
			/* At most a tenth earlier, never later, never over 1 h. */
			if (d > base[a - 1] || d < base[a - 1] - base[a - 1] / 10)
				fail_msg("attempt %d id %lld: %ld s", a, id, d);
			assert_true(d <= OUTBOX_BACKOFF_CAP);
			/* The same message and attempt: the same wait. */
			assert_int_equal(d, outbox_backoff(a, id));
		}
	}
	/* Nonsense attempts behave as the first; huge ones stay capped. */
	assert_int_equal(outbox_backoff(0, 7), outbox_backoff(1, 7));
	assert_int_equal(outbox_backoff(-3, 7), outbox_backoff(1, 7));
	d = outbox_backoff(1000000, 7);
	assert_true(d <= 3600 && d >= 3240);

	/* Messages failed together spread out: not all in the same second. */
	distinct = 0;
	for (id = 1; id <= 50 && distinct < 4; id++) {
		d = outbox_backoff(1, id);
		for (k = 0, i = 0; i < distinct; i++)
			k |= seen[i] == d;
		if (!k)
			seen[distinct++] = d;
	}
	assert_int_equal(distinct, 4);
}

static void
test_verdicts(void **state)
{
	static const long	http_ok[] = { 200, 201, 202, 204, 299 };
	static const long	http_never[] = { 400, 401, 403, 404, 409, 413,
				    422, 499 };
	static const long	http_later[] = { 0, 100, 301, 302, 408, 429,
				    500, 502, 503, 504, 599 };
	static const long	smtp_never[] = { 500, 501, 550, 551, 552, 553,
				    554 };
	static const long	smtp_later[] = { 0, 421, 450, 451, 452, 530,
				    534, 535, 538 };
	size_t			 i;

	for (i = 0; i < sizeof(http_ok) / sizeof(http_ok[0]); i++)
		assert_int_equal(outbox_http_verdict(http_ok[i]),
		    OUTBOX_DELIVERED);
	for (i = 0; i < sizeof(http_never) / sizeof(http_never[0]); i++)
		assert_int_equal(outbox_http_verdict(http_never[i]),
		    OUTBOX_PERMANENT);
	for (i = 0; i < sizeof(http_later) / sizeof(http_later[0]); i++)
		assert_int_equal(outbox_http_verdict(http_later[i]),
		    OUTBOX_RETRY);

	assert_int_equal(outbox_smtp_verdict(250), OUTBOX_DELIVERED);
	for (i = 0; i < sizeof(smtp_never) / sizeof(smtp_never[0]); i++)
		assert_int_equal(outbox_smtp_verdict(smtp_never[i]),
		    OUTBOX_PERMANENT);
	for (i = 0; i < sizeof(smtp_later) / sizeof(smtp_later[0]); i++)
		assert_int_equal(outbox_smtp_verdict(smtp_later[i]),
		    OUTBOX_RETRY);
}

static void
test_header_ascii(void **state)
{
	char		*h, *u, longv[400];
	size_t		 i;

	h = outbox_header("Subject", "Your application HK-2026-00042", NULL);
	assert_string_equal(h, "Subject: Your application HK-2026-00042");
	free(h);

	/* Long ASCII folds at spaces and unfolds to itself, spaces kept. */
	longv[0] = '\0';
	for (i = 0; i < 25; i++)
		strcat(longv, i == 12 ? "double  spaced " : "word ");
	strcat(longv, "end");
	h = outbox_header("Subject", longv, NULL);
	assert_non_null(strstr(h, "\r\n "));
	h = crlf(h);
	assert_lines(h, OUTBOX_LINE_MAX);
	u = unfold(h);
	assert_int_equal(strncmp(u, "Subject: ", 9), 0);
	u[strlen(u) - 2] = '\0';
	assert_string_equal(u + 9, longv);
	free(u);
	free(h);

	/* Text that looks like an encoded word is encoded itself. */
	h = outbox_header("Subject", "=?UTF-8?B?SGk=?=", NULL);
	assert_int_equal(strncmp(h, "Subject: =?UTF-8?B?", 19), 0);
	u = decode_words(h + 9);
	assert_string_equal(u, "=?UTF-8?B?SGk=?=");
	free(u);
	free(h);

	/* A word too long to fold goes encoded, in foldable pieces. */
	memset(longv, 'x', 120);
	longv[120] = '\0';
	h = outbox_header("Subject", longv, NULL);
	h = crlf(h);
	assert_lines(h, OUTBOX_LINE_MAX);
	free(h);
}

static void
test_header_vietnamese(void **state)
{
	char		*h, *u, *d;

	h = outbox_header("Subject", VI_SUBJECT, NULL);
	assert_int_equal(strncmp(h, "Subject: =?UTF-8?B?", 19), 0);
	/* Short enough for one word on one line. */
	assert_null(strstr(h, "\r\n"));
	for (u = h; *u != '\0'; u++)
		assert_true((unsigned char)*u < 0x80);
	d = decode_words(h + 9);
	assert_string_equal(d, VI_SUBJECT);
	free(d);
	free(h);
}

static void
test_header_long_folded(void **state)
{
	char		*h, *u, *d, subject[600];
	int		 lines, shift;

	/*
	 * Shifting the text by 0-11 bytes puts the word boundaries at every
	 * place in its two- three- and four-byte characters.
	 */
	for (shift = 0; shift < 12; shift++) {
		memset(subject, 'a', (size_t)shift);
		strcpy(subject + shift, VI_LONG);
		h = outbox_header("Subject", subject, NULL);
		for (u = h, lines = 1; (u = strstr(u, "\r\n")) != NULL;
		    u += 2) {
			/* Every continuation line starts with the fold. */
			assert_int_equal(u[2], ' ');
			lines++;
		}
		assert_true(lines >= 4);
		h = crlf(h);
		/* Lines of at most 78, words of at most 75 (decode_words). */
		assert_lines(h, OUTBOX_LINE_MAX);
		u = unfold(h);
		u[strlen(u) - 2] = '\0';
		/* Each word decodes to whole characters; together, the text. */
		d = decode_words(u + 9);
		assert_string_equal(d, subject);
		free(d);
		free(u);
		free(h);
	}
}

static void
test_header_injection(void **state)
{
	char		*h, *d, *u;
	const char	*evil = "Hello\r\nBcc: everyone@example.com\r\n\r\nbody";

	h = outbox_header("Subject", evil, NULL);
	/* The only CRLFs are folds: each is followed by a space. */
	for (u = h; (u = strstr(u, "\r\n")) != NULL; u += 2)
		assert_int_equal(u[2], ' ');
	assert_null(strstr(h, "Bcc:"));
	u = unfold(h);
	d = decode_words(u + 9);
	assert_string_equal(d, evil);
	free(d);
	free(u);
	free(h);
}

static void
test_mailbox_parse(void **state)
{
	char		 name[64], addr[64];

	assert_true(outbox_mailbox_parse("Sen <no-reply@sen.example.vn>",
	    name, sizeof(name), addr, sizeof(addr)));
	assert_string_equal(name, "Sen");
	assert_string_equal(addr, "no-reply@sen.example.vn");

	assert_true(outbox_mailbox_parse("  \"Sen, Hoàn Kiếm\" <a@b.vn> ",
	    name, sizeof(name), addr, sizeof(addr)));
	assert_string_equal(name, "Sen, Hoàn Kiếm");
	assert_string_equal(addr, "a@b.vn");

	assert_true(outbox_mailbox_parse("<a@b.vn>", name, sizeof(name),
	    addr, sizeof(addr)));
	assert_string_equal(name, "");
	assert_string_equal(addr, "a@b.vn");

	assert_true(outbox_mailbox_parse("a@b.vn", name, sizeof(name), addr,
	    sizeof(addr)));
	assert_string_equal(name, "");
	assert_string_equal(addr, "a@b.vn");

	assert_false(outbox_mailbox_parse("", name, sizeof(name), addr,
	    sizeof(addr)));
	assert_false(outbox_mailbox_parse("Sen", name, sizeof(name), addr,
	    sizeof(addr)));
	assert_false(outbox_mailbox_parse("Sen <a@b.vn", name, sizeof(name),
	    addr, sizeof(addr)));
	assert_false(outbox_mailbox_parse("Sen <a b@c.vn>", name,
	    sizeof(name), addr, sizeof(addr)));
	assert_false(outbox_mailbox_parse("Sen <a@b.vn>\r\nBcc: x@y.vn",
	    name, sizeof(name), addr, sizeof(addr)));
	/* Too long for the buffers: refused, not cut. */
	assert_false(outbox_mailbox_parse("Sen <a@b.vn>", name, 2, addr,
	    sizeof(addr)));
	assert_false(outbox_mailbox_parse("Sen <a@b.vn>", name, sizeof(name),
	    addr, 4));

	assert_true(outbox_addr_ok("lan@sen.test"));
	assert_false(outbox_addr_ok("lan@"));
	assert_false(outbox_addr_ok("@sen.test"));
	assert_false(outbox_addr_ok("a@b@c"));
	assert_false(outbox_addr_ok("lan@sen.test\r\nRCPT TO:<x@y>"));
	assert_false(outbox_addr_ok("<lan@sen.test>"));
	assert_false(outbox_addr_ok("lan,x@sen.test"));
	assert_false(outbox_addr_ok("lân@sen.test"));
}

static void
test_mail_build(void **state)
{
	struct outbox_mail	 m;
	const char		*err, *p;
	char			*msg, *v, *d, *body;
	int			 n;

	memset(&m, 0, sizeof(m));
	m.id = 42;
	m.from = "Sen <no-reply@sen.example.vn>";
	m.to = "lan@sen.test";
	m.subject = VI_SUBJECT;
	m.body = "Chào chị Lan,\n\nHồ sơ HK-2026-00042 đã chuyển sang trạng "
	    "thái: Đã nộp.\n\nXem chi tiết trên Sen.";
	m.date = 1767225600;		/* 2026-01-01 00:00:00 UTC, a Thursday */

	msg = outbox_mail_build(&m, &err);
	assert_non_null(msg);
	assert_null(err);

	/* Seven-bit, CRLF, short lines, no line that starts with a dot. */
	for (p = msg; *p != '\0'; p++)
		assert_true((unsigned char)*p < 0x80);
	assert_lines(msg, OUTBOX_LINE_MAX);
	assert_int_not_equal(msg[0], '.');
	assert_null(strstr(msg, "\n."));

	v = field(msg, "From");
	assert_string_equal(v, "Sen <no-reply@sen.example.vn>");
	free(v);
	v = field(msg, "To");
	assert_string_equal(v, "lan@sen.test");
	free(v);
	v = field(msg, "Subject");
	d = decode_words(v);
	assert_string_equal(d, VI_SUBJECT);
	free(d);
	free(v);
	v = field(msg, "Date");
	assert_string_equal(v, "Thu, 01 Jan 2026 00:00:00 +0000");
	free(v);
	v = field(msg, "Message-ID");
	assert_string_equal(v, "<outbox-42@sen.example.vn>");
	free(v);
	v = field(msg, "MIME-Version");
	assert_string_equal(v, "1.0");
	free(v);
	v = field(msg, "Content-Type");
	assert_string_equal(v, "text/plain; charset=UTF-8");
	free(v);
	v = field(msg, "Content-Transfer-Encoding");
	assert_string_equal(v, "base64");
	free(v);

	/* The body is the text in canonical form (CRLF), Vietnamese intact. */
	body = body_of(msg, &n);
	assert_string_equal(body, "Chào chị Lan,\r\n\r\nHồ sơ HK-2026-00042 "
	    "đã chuyển sang trạng thái: Đã nộp.\r\n\r\nXem chi tiết trên Sen.");
	assert_true(utf8_ok((unsigned char *)body, (size_t)n));
	free(body);
	free(msg);
}

static void
test_mail_dots_and_long_lines(void **state)
{
	struct outbox_mail	 m;
	const char		*err;
	char			*msg, *body, longline[3001], *want;
	int			 n;

	/* Lines a transport would take for the end of the data. */
	memset(&m, 0, sizeof(m));
	m.id = 7;
	m.from = "no-reply@sen.example.vn";
	m.to = "lan@sen.test";
	m.subject = ".";
	m.body = ".\n..\n.hidden\r\n.\r.";
	msg = outbox_mail_build(&m, &err);
	assert_non_null(msg);
	assert_int_equal(strncmp(msg, "From: no-reply@sen.example.vn\r\n", 31),
	    0);
	assert_null(strstr(msg, "\n."));
	assert_lines(msg, OUTBOX_LINE_MAX);
	body = body_of(msg, &n);
	assert_string_equal(body, ".\r\n..\r\n.hidden\r\n.\r\n.");
	free(body);
	free(msg);

	/* A 3000-byte line in the text: still lines of at most 76 on the wire. */
	memset(longline, 'a', 3000);
	longline[3000] = '\0';
	m.body = longline;
	msg = outbox_mail_build(&m, &err);
	assert_non_null(msg);
	assert_lines(msg, OUTBOX_LINE_MAX);
	assert_lines(strstr(msg, "\r\n\r\n") + 4, OUTBOX_B64_LINE);
	body = body_of(msg, &n);
	assert_int_equal(n, 3000);
	want = longline;
	assert_string_equal(body, want);
	free(body);
	free(msg);
}

static void
test_mail_from_and_refusals(void **state)
{
	struct outbox_mail	 m;
	const char		*err;
	char			*msg, *v, *d;

	memset(&m, 0, sizeof(m));
	m.id = 9;
	m.to = "lan@sen.test";
	m.subject = "x";
	m.body = "y";

	/* A Vietnamese display name is encoded; the address stays plain. */
	m.from = "Sen – Hoàn Kiếm <no-reply@sen.example.vn>";
	msg = outbox_mail_build(&m, &err);
	assert_non_null(msg);
	v = field(msg, "From");
	assert_int_equal(strncmp(v, "=?UTF-8?B?", 10), 0);
	assert_non_null(strstr(v, "?= <no-reply@sen.example.vn>"));
	*strstr(v, " <") = '\0';
	d = decode_words(v);
	assert_string_equal(d, "Sen – Hoàn Kiếm");
	free(d);
	free(v);
	free(msg);

	/* ASCII with specials is quoted. */
	m.from = "Sen, Hoan Kiem <no-reply@sen.example.vn>";
	msg = outbox_mail_build(&m, &err);
	assert_non_null(msg);
	v = field(msg, "From");
	assert_string_equal(v, "\"Sen, Hoan Kiem\" <no-reply@sen.example.vn>");
	free(v);
	free(msg);

	/* A sender domain that is not a host name does not go into ids. */
	m.from = "Sen <no-reply@sen_example>";
	msg = outbox_mail_build(&m, &err);
	assert_non_null(msg);
	v = field(msg, "Message-ID");
	assert_string_equal(v, "<outbox-9@sen>");
	free(v);
	free(msg);
	m.from = "Sen <no-reply@sen.example.vn>";

	m.to = "lan@sen.test>\r\nBcc: x@y.vn";
	assert_null(outbox_mail_build(&m, &err));
	assert_string_equal(err, "the recipient is not a valid e-mail address");
	m.to = "lan@sen.test";
	m.from = "nobody";
	assert_null(outbox_mail_build(&m, &err));
	assert_string_equal(err, "SEN_MAIL_FROM is not a valid mailbox");
}

static void
test_utf16_units(void **state)
{
	assert_int_equal(outbox_utf16_units(""), 0);
	assert_int_equal(outbox_utf16_units("abc"), 3);
	/* Precomposed Vietnamese letters: one unit each. */
	assert_int_equal(outbox_utf16_units("Đã nộp"), 6);
	assert_int_equal(outbox_utf16_units("—…"), 2);
	/* Outside the BMP: a surrogate pair. */
	assert_int_equal(outbox_utf16_units("a\xf0\x9f\x98\x80"), 3);
	/* A sequence cut by the end of the string never reads past it. */
	assert_int_equal(outbox_utf16_units("a\xe1\xba"), 2);
}

static void
test_text_limits(void **state)
{
	char		*t, *body;
	size_t		 i, len;

	t = outbox_text("sms", "Sen: Đã nộp", "Chào chị Lan");
	assert_string_equal(t, "Sen: Đã nộp\n\nChào chị Lan");
	free(t);

	/* 500 units of Vietnamese: cut to the SMS limit with an ellipsis. */
	body = malloc(500 * 3 + 1);
	assert_non_null(body);
	for (i = 0; i < 500; i++)
		memcpy(body + i * 3, "\xe1\xba\xa1", 3);	/* ạ */
	body[1500] = '\0';
	t = outbox_text("sms", "S", body);
	assert_int_equal(outbox_utf16_units(t), OUTBOX_SMS_MAX_UNITS);
	len = strlen(t);
	assert_string_equal(t + len - 3, "…");
	assert_true(utf8_ok((unsigned char *)t, len));
	assert_int_equal(strncmp(t, "S\n\n", 3), 0);
	assert_int_equal(memcmp(t + 3, body, len - 6), 0);
	free(t);

	/* Zalo takes it whole, e-mail takes anything. */
	t = outbox_text("zalo", "S", body);
	assert_int_equal(outbox_utf16_units(t), 503);
	free(t);
	t = outbox_text("email", "S", body);
	assert_int_equal(strlen(t), 1503);
	free(t);
	free(body);

	/* An emoji across the limit is not split; spaces before the cut go. */
	body = malloc(400 * 4 + 1);
	assert_non_null(body);
	for (i = 0; i < 400; i++)
		memcpy(body + i * 4, "\xf0\x9f\x98\x80", 4);
	body[1600] = '\0';
	t = outbox_text("sms", "Sen", body);
	len = strlen(t);
	assert_true(outbox_utf16_units(t) <= OUTBOX_SMS_MAX_UNITS);
	assert_true(utf8_ok((unsigned char *)t, len));
	assert_string_equal(t + len - 3, "…");
	free(t);
	free(body);

	body = malloc(OUTBOX_SMS_MAX_UNITS + 3);
	assert_non_null(body);
	memset(body, ' ', OUTBOX_SMS_MAX_UNITS + 2);
	body[0] = 'a';
	body[OUTBOX_SMS_MAX_UNITS + 1] = 'b';
	body[OUTBOX_SMS_MAX_UNITS + 2] = '\0';
	t = outbox_text("sms", "Sen", body);
	free(body);
	assert_string_equal(t, "Sen\n\na…");
	free(t);
}

static void
test_payload(void **state)
{
	json_t		*o;
	json_error_t	 e;
	char		*p;

	p = outbox_gateway_payload(42, "sms", "+84912345678", VI_SUBJECT,
	    "Chào chị Lan,\n\n\"Đã nộp\" \\ ok");
	assert_non_null(p);
	o = json_loads(p, JSON_REJECT_DUPLICATES, &e);
	assert_non_null(o);
	assert_int_equal(json_object_size(o), 4);
	assert_int_equal(json_integer_value(json_object_get(o, "id")), 42);
	assert_string_equal(json_string_value(json_object_get(o, "channel")),
	    "sms");
	assert_string_equal(json_string_value(json_object_get(o, "to")),
	    "+84912345678");
	assert_string_equal(json_string_value(json_object_get(o, "text")),
	    VI_SUBJECT "\n\nChào chị Lan,\n\n\"Đã nộp\" \\ ok");
	json_decref(o);
	free(p);

	/* Ids beyond 32 bits survive. */
	p = outbox_gateway_payload(9007199254740993LL, "zalo", "+84912345678",
	    "a", "b");
	assert_non_null(strstr(p, "\"id\":9007199254740993"));
	free(p);

	/* Not UTF-8: nothing to send. */
	assert_null(outbox_gateway_payload(1, "zalo", "+84912345678", "a",
	    "\xff\xfe"));
}

int
unit_outbox(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_backoff_schedule),
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_header_ascii),
		cmocka_unit_test(test_header_vietnamese),
		cmocka_unit_test(test_header_long_folded),
		cmocka_unit_test(test_header_injection),
		cmocka_unit_test(test_mailbox_parse),
		cmocka_unit_test(test_mail_build),
		cmocka_unit_test(test_mail_dots_and_long_lines),
		cmocka_unit_test(test_mail_from_and_refusals),
		cmocka_unit_test(test_utf16_units),
		cmocka_unit_test(test_text_limits),
		cmocka_unit_test(test_payload),
	};

	return (cmocka_run_group_tests_name("outbox", tests, NULL, NULL));
}
