/*
 * Keyset-pagination cursors.  Inside the base64url is plain text,
 *
 *	1;<sort>;<a|d>;<id>;<kind><key>
 *
 * kind n: the sort key was NULL (nothing follows); i: a decimal int64
 * (amounts, and times as microseconds since the epoch); s: text, the rest
 * of the cursor.  The version digit lets the format change later without
 * misreading old cursors.  Nothing here is secret or signed: a forged
 * cursor can only move the start of a page the caller may read anyway.
 */

#include <stdio.h>
#include <string.h>

#include "cursor.h"

static const char	b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Characters written (no NUL), or 0 when out cannot hold them and a NUL. */
size_t
b64url_encode(const unsigned char *in, size_t len, char *out, size_t outlen)
{
	size_t		i, o, need;
	uint32_t	v;

	need = len / 3 * 4 + (len % 3 ? len % 3 + 1 : 0);
	if (outlen == 0 || need > outlen - 1)
		return (0);

	for (i = 0, o = 0; i + 2 < len; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = b64url[v >> 18 & 0x3f];
		out[o++] = b64url[v >> 12 & 0x3f];
		out[o++] = b64url[v >> 6 & 0x3f];
		out[o++] = b64url[v & 0x3f];
	}
	if (len - i == 1) {
		v = (uint32_t)in[i] << 16;
		out[o++] = b64url[v >> 18 & 0x3f];
		out[o++] = b64url[v >> 12 & 0x3f];
	} else if (len - i == 2) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = b64url[v >> 18 & 0x3f];
		out[o++] = b64url[v >> 12 & 0x3f];
		out[o++] = b64url[v >> 6 & 0x3f];
	}
	out[o] = '\0';

	return (o);
}

static int
b64url_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return (c - 'A');
	if (c >= 'a' && c <= 'z')
		return (c - 'a' + 26);
	if (c >= '0' && c <= '9')
		return (c - '0' + 52);
	if (c == '-')
		return (62);
	if (c == '_')
		return (63);

	return (-1);
}

/*
 * Strict: only the url-safe alphabet, no padding, no whitespace, and the
 * unused low bits of the last character must be zero, so that every byte
 * string has exactly one spelling.  1 when decoded into out (*n bytes).
 */
int
b64url_decode(const char *in, size_t len, unsigned char *out, size_t cap,
    size_t *n)
{
	size_t		i, o, rest;
	uint32_t	v;
	int		k, d;

	*n = 0;
	rest = len % 4;
	if (rest == 1)
		return (0);
	if (len / 4 * 3 + (rest ? rest - 1 : 0) > cap)
		return (0);

	for (i = 0, o = 0; i < len; i += 4) {
		v = 0;
		for (k = 0; k < 4 && i + k < len; k++) {
			if ((d = b64url_value((unsigned char)in[i + k])) == -1)
				return (0);
			v = v << 6 | (uint32_t)d;
		}
		if (k == 4) {
			out[o++] = (unsigned char)(v >> 16);
			out[o++] = (unsigned char)(v >> 8);
			out[o++] = (unsigned char)v;
		} else if (k == 3) {
			if (v & 0x3)
				return (0);
			out[o++] = (unsigned char)(v >> 10);
			out[o++] = (unsigned char)(v >> 2);
		} else {
			if (v & 0xf)
				return (0);
			out[o++] = (unsigned char)(v >> 4);
		}
	}

	*n = o;
	return (1);
}

static int
sort_name_ok(const char *s, size_t len)
{
	size_t		i;

	if (len == 0 || len > CURSOR_SORT_MAX)
		return (0);
	for (i = 0; i < len; i++) {
		if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_'))
			return (0);
	}

	return (1);
}

/*
 * Text keys: strict UTF-8 (as in qs.c) without NUL, which a PostgreSQL
 * text parameter cannot hold.  Other control characters are data: a
 * business name may hold a newline.
 */
static int
text_ok(const unsigned char *p, size_t len)
{
	size_t		i, n, k;
	uint32_t	cp;

	if (len > CURSOR_KEY_MAX)
		return (0);

	for (i = 0; i < len; i += n) {
		if (p[i] < 0x80) {
			if (p[i] == 0)
				return (0);
			n = 1;
			continue;
		}
		if ((p[i] & 0xe0) == 0xc0) {
			n = 2;
			cp = p[i] & 0x1f;
		} else if ((p[i] & 0xf0) == 0xe0) {
			n = 3;
			cp = p[i] & 0x0f;
		} else if ((p[i] & 0xf8) == 0xf0) {
			n = 4;
			cp = p[i] & 0x07;
		} else {
			return (0);
		}
		if (n > len - i)
			return (0);
		for (k = 1; k < n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return (0);
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
		    (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return (0);
	}

	return (1);
}

/*
 * A canonical decimal int64: no '+', no leading zeros, no "-0", within
 * range.  1 when s[0..len) is one.
 */
static int
int_parse(const char *s, size_t len, int64_t *out)
{
	uint64_t	v, limit;
	size_t		i;
	int		neg;

	neg = len > 0 && s[0] == '-';
	i = neg;
	if (len == i || len - i > 19)
		return (0);
	if (s[i] == '0' && (len - i > 1 || neg))
		return (0);

	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (v = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (0);
		if (v > (limit - (uint64_t)(s[i] - '0')) / 10)
			return (0);
		v = v * 10 + (uint64_t)(s[i] - '0');
	}

	if (neg)
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	else
		*out = (int64_t)v;

	return (1);
}

/* The next ';'-terminated field of [*p, end); 0 when there is none. */
static int
field(const char **p, const char *end, const char **f, size_t *flen)
{
	const char	*semi;

	if ((semi = memchr(*p, ';', (size_t)(end - *p))) == NULL)
		return (0);
	*f = *p;
	*flen = (size_t)(semi - *p);
	*p = semi + 1;

	return (1);
}

int
cursor_decode(const char *in, struct cursor *c)
{
	unsigned char	raw[CURSOR_RAW_MAX];
	const char	*p, *end, *f;
	size_t		len, n, flen;

	memset(c, 0, sizeof(*c));
	if (in == NULL)
		return (0);
	len = strnlen(in, CURSOR_ENC_MAX + 1);
	if (len == 0 || len > CURSOR_ENC_MAX)
		return (0);
	if (!b64url_decode(in, len, raw, sizeof(raw), &n))
		return (0);

	p = (const char *)raw;
	end = p + n;

	if (!field(&p, end, &f, &flen) || flen != 1 || f[0] != '1')
		return (0);

	if (!field(&p, end, &f, &flen) || !sort_name_ok(f, flen))
		return (0);
	memcpy(c->sort, f, flen);
	c->sort[flen] = '\0';

	if (!field(&p, end, &f, &flen) || flen != 1 ||
	    (f[0] != 'a' && f[0] != 'd'))
		return (0);
	c->desc = f[0] == 'd';

	if (!field(&p, end, &f, &flen) || !int_parse(f, flen, &c->id) ||
	    c->id <= 0)
		return (0);

	if (p == end)
		return (0);
	switch (*p++) {
	case 'n':
		if (p != end)
			return (0);
		c->kind = CURSOR_NULL;
		break;
	case 'i':
		if (!int_parse(p, (size_t)(end - p), &c->ival))
			return (0);
		c->kind = CURSOR_INT;
		break;
	case 's':
		flen = (size_t)(end - p);
		if (!text_ok((const unsigned char *)p, flen))
			return (0);
		memcpy(c->text, p, flen);
		c->text[flen] = '\0';
		c->kind = CURSOR_TEXT;
		break;
	default:
		return (0);
	}

	return (1);
}

/*
 * The cursor as text into out (at least CURSOR_BUF bytes to be sure).
 * 0 when c is not something cursor_decode() would accept, or out is too
 * small: a cursor we could not read back is never handed out.
 */
int
cursor_encode(const struct cursor *c, char *out, size_t outlen)
{
	char		raw[CURSOR_RAW_MAX + 1];
	size_t		slen, tlen, n;
	int		r;

	slen = strnlen(c->sort, sizeof(c->sort));
	if (!sort_name_ok(c->sort, slen) || c->id <= 0)
		return (0);

	r = snprintf(raw, sizeof(raw), "1;%s;%c;%lld;", c->sort,
	    c->desc ? 'd' : 'a', (long long)c->id);
	if (r < 0 || (size_t)r >= sizeof(raw))
		return (0);
	n = (size_t)r;

	switch (c->kind) {
	case CURSOR_NULL:
		raw[n++] = 'n';
		break;
	case CURSOR_INT:
		r = snprintf(raw + n, sizeof(raw) - n, "i%lld",
		    (long long)c->ival);
		if (r < 0 || (size_t)r >= sizeof(raw) - n)
			return (0);
		n += (size_t)r;
		break;
	case CURSOR_TEXT:
		tlen = strnlen(c->text, sizeof(c->text));
		if (tlen == sizeof(c->text) ||
		    !text_ok((const unsigned char *)c->text, tlen) ||
		    n + 1 + tlen > CURSOR_RAW_MAX)
			return (0);
		raw[n++] = 's';
		memcpy(raw + n, c->text, tlen);
		n += tlen;
		break;
	default:
		return (0);
	}

	return (b64url_encode((const unsigned char *)raw, n, out, outlen) > 0);
}
