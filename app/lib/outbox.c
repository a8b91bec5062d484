/*
 * The outbox without the network (see outbox.h).
 *
 * E-mail is built so that it survives any transport unchanged: CRLF line
 * ends only, no line longer than 78 characters, no line that starts with
 * a dot (headers start with a name or a folding space, the body is
 * base64), and only ASCII on the wire (RFC 2047 encoded words in the
 * headers).  SMTP's own dot-stuffing (RFC 5321 4.5.2) is done by libcurl
 * on the wire; a message that never has a dot at the start of a line
 * cannot be cut short by a transport that forgets it, nor be stuffed
 * twice.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "outbox.h"
#include "token.h"

struct obuf {
	char	*p;
	size_t	 len;
	size_t	 cap;
	int	 bad;
};

static void
ob_add(struct obuf *b, const void *s, size_t n)
{
	char	*np;
	size_t	 cap;

	if (b->bad)
		return;
	if (b->len + n + 1 > b->cap) {
		cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		if ((np = realloc(b->p, cap)) == NULL) {
			b->bad = 1;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
ob_str(struct obuf *b, const char *s)
{
	ob_add(b, s, strlen(s));
}

static char *
ob_done(struct obuf *b)
{
	ob_add(b, "", 0);
	if (b->bad) {
		free(b->p);
		return (NULL);
	}
	return (b->p);
}

/* A well-mixed 64-bit hash (splitmix64's finaliser). */
static uint64_t
mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return (x ^ (x >> 31));
}

/*
 * Seconds to wait after the attempt-th failed attempt of message id:
 * doubling from OUTBOX_BACKOFF_FIRST up to OUTBOX_BACKOFF_CAP, less up
 * to a tenth.  The jitter spreads messages that failed together (a
 * gateway outage) so they do not all come back in the same second; it
 * is a function of the id and the attempt, not of a clock or a random
 * source, so it never exceeds the schedule and a test can predict it.
 */
long
outbox_backoff(int attempt, long long id)
{
	long		d;
	uint64_t	h;

	if (attempt < 1)
		attempt = 1;
	d = OUTBOX_BACKOFF_FIRST;
	while (--attempt > 0 && d < OUTBOX_BACKOFF_CAP)
		d *= 2;
	if (d > OUTBOX_BACKOFF_CAP)
		d = OUTBOX_BACKOFF_CAP;

	h = mix64((uint64_t)id * 0x100000001b3ULL + (uint64_t)attempt);
	return (d - (long)(h % (uint64_t)(d / 10 + 1)));
}

/*
 * The gateway's answer.  2xx: delivered.  408 and 429 say "later", as do
 * 5xx and anything else we do not understand (a redirect means the URL
 * is wrong: the operator fixes it and the message still goes).  Other
 * 4xx mean this request will never succeed.
 */
int
outbox_http_verdict(long status)
{
	if (status >= 200 && status <= 299)
		return (OUTBOX_DELIVERED);
	if (status == 408 || status == 429)
		return (OUTBOX_RETRY);
	if (status >= 400 && status <= 499)
		return (OUTBOX_PERMANENT);
	return (OUTBOX_RETRY);
}

/*
 * The last SMTP reply of a failed transaction (0: none, the connection
 * failed).  5xx is permanent for this message (no such mailbox, message
 * refused), except the authentication replies: a wrong password is the
 * operator's to fix, and the message should go out once she has.
 */
int
outbox_smtp_verdict(long code)
{
	if (code >= 200 && code <= 299)
		return (OUTBOX_DELIVERED);
	if (code == 530 || code == 534 || code == 535 || code == 538)
		return (OUTBOX_RETRY);
	if (code >= 500 && code <= 599)
		return (OUTBOX_PERMANENT);
	return (OUTBOX_RETRY);
}

/*
 * A bare address as the envelope and the To header take it: printable
 * ASCII without spaces or the characters that delimit addresses, one @
 * with something on both sides.  Anything else is refused rather than
 * quoted: it would be a header injection or a typo.
 */
int
outbox_addr_ok(const char *a)
{
	const char	*at;
	size_t		 len, i;

	len = strlen(a);
	if (len < 3 || len > 254)
		return (0);
	for (i = 0; i < len; i++) {
		if ((unsigned char)a[i] <= 0x20 || (unsigned char)a[i] >= 0x7f)
			return (0);
		if (strchr("<>()[],;:\\\"", a[i]) != NULL)
			return (0);
	}
	if (strstr(a, "=?") != NULL)
		return (0);
	if ((at = strchr(a, '@')) == NULL || at == a || at[1] == '\0' ||
	    strchr(at + 1, '@') != NULL)
		return (0);

	return (1);
}

static const char *
trim(const char *s, size_t *len)
{
	while (*len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		(*len)--;
	}
	while (*len > 0 && (s[*len - 1] == ' ' || s[*len - 1] == '\t'))
		(*len)--;
	return (s);
}

/*
 * "Name <addr>", "\"Name\" <addr>", "<addr>" or "addr" into its display
 * name (unquoted, maybe empty) and address.
 */
int
outbox_mailbox_parse(const char *in, char *name, size_t namelen,
    char *addr, size_t addrlen)
{
	const char	*lt, *s;
	size_t		 len, alen, i, o;

	if (namelen == 0 || addrlen == 0)
		return (0);
	name[0] = '\0';
	addr[0] = '\0';

	len = strlen(in);
	s = trim(in, &len);
	if (len > 0 && s[len - 1] == '>') {
		lt = NULL;
		for (i = len; i > 0; i--) {
			if (s[i - 1] == '<') {
				lt = s + i - 1;
				break;
			}
		}
		if (lt == NULL)
			return (0);
		alen = (size_t)(s + len - 1 - (lt + 1));
		if (alen + 1 > addrlen)
			return (0);
		memcpy(addr, lt + 1, alen);
		addr[alen] = '\0';

		len = (size_t)(lt - s);
		s = trim(s, &len);
		if (len >= 2 && s[0] == '"' && s[len - 1] == '"') {
			s++;
			len -= 2;
		}
		for (i = 0, o = 0; i < len; i++) {
			if (s[i] == '\\' && i + 1 < len)
				i++;
			if (o + 1 >= namelen)
				return (0);
			name[o++] = s[i];
		}
		name[o] = '\0';
	} else {
		if (len + 1 > addrlen)
			return (0);
		memcpy(addr, s, len);
		addr[len] = '\0';
	}

	return (outbox_addr_ok(addr));
}

/* Append " tok", folding before it when the line would grow too long. */
static void
hdr_token(struct obuf *b, size_t *col, const char *tok, size_t len)
{
	if (*col + 1 + len > OUTBOX_LINE_MAX) {
		ob_str(b, "\r\n");
		*col = 0;
	}
	ob_add(b, " ", 1);
	ob_add(b, tok, len);
	*col += 1 + len;
}

/*
 * A value that can go as it is: printable ASCII that no reader could
 * take for an encoded word, and that folds at its spaces (hdr_plain)
 * into lines of at most OUTBOX_LINE_MAX.  col: after "Name:".
 */
static int
hdr_plain_ok(size_t col, const char *v)
{
	size_t		 start, i;

	if (strstr(v, "=?") != NULL)
		return (0);
	col++;
	start = 0;
	for (i = 0; ; i++) {
		if (v[i] != '\0' && ((unsigned char)v[i] < 0x20 ||
		    (unsigned char)v[i] > 0x7e))
			return (0);
		if (v[i] == '\0' || (i > 0 && v[i] == ' ' &&
		    v[i + 1] != ' ' && v[i + 1] != '\0')) {
			if (start > 0 && col + (i - start) > OUTBOX_LINE_MAX)
				col = 0;
			col += i - start;
			if (col > OUTBOX_LINE_MAX)
				return (0);
			start = i;
		}
		if (v[i] == '\0')
			break;
	}

	return (1);
}

/* The same pieces, folded before a piece that does not fit. */
static void
hdr_plain(struct obuf *b, size_t *col, const char *v)
{
	size_t		 start, i;

	/* The space after the colon belongs to the first piece. */
	ob_add(b, " ", 1);
	(*col)++;
	start = 0;
	for (i = 0; ; i++) {
		if (v[i] == '\0' || (i > 0 && v[i] == ' ' &&
		    v[i + 1] != ' ' && v[i + 1] != '\0')) {
			if (start > 0 && *col + (i - start) > OUTBOX_LINE_MAX) {
				ob_str(b, "\r\n");
				*col = 0;
			}
			ob_add(b, v + start, i - start);
			*col += i - start;
			start = i;
		}
		if (v[i] == '\0')
			break;
	}
}

/*
 * The value as RFC 2047 encoded words (UTF-8, base64), each as long as
 * the line allows and at most OUTBOX_WORD_MAX, never splitting a UTF-8
 * sequence: a reader decodes each word on its own.  The space between
 * two encoded words is not part of the text (RFC 2047 section 6.2), so
 * the words join up again exactly.
 */
static void
hdr_encoded(struct obuf *b, size_t *col, const char *v)
{
	char		 word[OUTBOX_WORD_MAX + 1], b64[OUTBOX_WORD_MAX - 12 + 1];
	size_t		 len, off, room, n, whole;

	if ((len = strlen(v)) == 0)
		return;
	off = 0;
	do {
		/* Less than one character's word left on this line: fold. */
		if (*col + 1 + 16 > OUTBOX_LINE_MAX) {
			ob_str(b, "\r\n");
			*col = 0;
		}
		room = OUTBOX_LINE_MAX - *col - 1;
		if (room > OUTBOX_WORD_MAX)
			room = OUTBOX_WORD_MAX;
		n = (room - 12) / 4 * 3;
		if (n > len - off)
			n = len - off;
		whole = n;
		while (n > 0 && off + n < len &&
		    ((unsigned char)v[off + n] & 0xc0) == 0x80)
			n--;
		if (n == 0 && *col > 0) {
			/* A character that does not fit here: a new line. */
			ob_str(b, "\r\n");
			*col = 0;
			continue;
		}
		/*
		 * No character boundary within a whole line: not UTF-8 (a
		 * run of continuation bytes).  Cut it anyway; waiting for a
		 * boundary would loop for ever (found by tests/fuzz).
		 */
		if (n == 0)
			n = whole;
		(void)b64_encode((const uint8_t *)v + off, n, b64, sizeof(b64),
		    0);
		(void)snprintf(word, sizeof(word), "=?UTF-8?B?%s?=", b64);
		hdr_token(b, col, word, strlen(word));
		off += n;
	} while (off < len);
}

static void
hdr_field(struct obuf *b, const char *name, const char *value,
    const char *trailer)
{
	size_t		 col;

	ob_str(b, name);
	ob_add(b, ":", 1);
	col = strlen(name) + 1;

	if (*value != '\0' || trailer == NULL) {
		if (hdr_plain_ok(col, value))
			hdr_plain(b, &col, value);
		else
			hdr_encoded(b, &col, value);
	}
	if (trailer != NULL)
		hdr_token(b, &col, trailer, strlen(trailer));
}

/*
 * One header field, "Name: value[ trailer]", folded (CRLF SP) into lines
 * of at most OUTBOX_LINE_MAX, without the final CRLF.  Non-ASCII or
 * control characters make the value RFC 2047 encoded words; trailer
 * (an "<addr>") is added as it is.
 */
char *
outbox_header(const char *name, const char *value, const char *trailer)
{
	struct obuf	 b;

	memset(&b, 0, sizeof(b));
	hdr_field(&b, name, value, trailer);
	return (ob_done(&b));
}

static const char	*wdays[] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
};
static const char	*months[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
	"Nov", "Dec"
};

/* RFC 5322 date-time in UTC; no strftime, whose names follow the locale. */
static int
mail_date(time_t t, char *out, size_t len)
{
	struct tm	 tm;
	int		 n;

	if (gmtime_r(&t, &tm) == NULL)
		return (0);
	n = snprintf(out, len, "%s, %02d %s %04d %02d:%02d:%02d +0000",
	    wdays[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return (n > 0 && (size_t)n < len);
}

/* A display name that needs quoting but no encoding. */
static int
needs_quotes(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s >= 0x7f || *s < 0x20)
			return (0);
		if (strchr("()<>[]:;@\\,.\"", *s) != NULL)
			return (1);
	}
	return (0);
}

/*
 * The text as base64 lines of its canonical form (RFC 2045: CRLF line
 * breaks, whatever the database holds).
 */
static int
body_base64(struct obuf *b, const char *text)
{
	struct obuf	 c;
	char		 line[OUTBOX_B64_LINE + 1];
	size_t		 i;

	memset(&c, 0, sizeof(c));
	for (i = 0; text[i] != '\0'; i++) {
		if (text[i] == '\r') {
			ob_str(&c, "\r\n");
			if (text[i + 1] == '\n')
				i++;
		} else if (text[i] == '\n') {
			ob_str(&c, "\r\n");
		} else {
			ob_add(&c, text + i, 1);
		}
	}
	if (ob_done(&c) == NULL)
		return (0);

	for (i = 0; i < c.len; i += OUTBOX_B64_LINE / 4 * 3) {
		(void)b64_encode((const uint8_t *)c.p + i,
		    c.len - i < OUTBOX_B64_LINE / 4 * 3 ? c.len - i :
		    OUTBOX_B64_LINE / 4 * 3, line, sizeof(line), 0);
		ob_str(b, line);
		ob_str(b, "\r\n");
	}
	free(c.p);
	return (1);
}

/*
 * The whole message as SMTP's DATA carries it, before dot-stuffing.
 * On a refusal *err says why and NULL is returned.
 */
char *
outbox_mail_build(const struct outbox_mail *m, const char **err)
{
	struct obuf	 b;
	char		 name[256], addr[256], quoted[520], angle[260];
	char		 date[64], msgid[320];
	const char	*domain, *p;
	size_t		 i, o;

	*err = NULL;
	if (!outbox_mailbox_parse(m->from, name, sizeof(name), addr,
	    sizeof(addr))) {
		*err = "SEN_MAIL_FROM is not a valid mailbox";
		return (NULL);
	}
	if (!outbox_addr_ok(m->to)) {
		*err = "the recipient is not a valid e-mail address";
		return (NULL);
	}
	if (!mail_date(m->date, date, sizeof(date))) {
		*err = "cannot format the date";
		return (NULL);
	}

	/* Message-ID in the sender's domain, so that ids never collide. */
	domain = strchr(addr, '@') + 1;
	for (p = domain; *p != '\0'; p++) {
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789.-", *p) == NULL) {
			domain = "sen";
			break;
		}
	}
	(void)snprintf(msgid, sizeof(msgid), "<outbox-%lld@%s>", m->id,
	    domain);

	memset(&b, 0, sizeof(b));
	(void)snprintf(angle, sizeof(angle), "<%s>", addr);
	if (name[0] == '\0') {
		ob_str(&b, "From: ");
		ob_str(&b, addr);
	} else if (needs_quotes(name) && strstr(name, "=?") == NULL) {
		o = 0;
		quoted[o++] = '"';
		for (i = 0; name[i] != '\0'; i++) {
			if (name[i] == '"' || name[i] == '\\')
				quoted[o++] = '\\';
			quoted[o++] = name[i];
		}
		quoted[o++] = '"';
		quoted[o] = '\0';
		hdr_field(&b, "From", quoted, angle);
	} else {
		hdr_field(&b, "From", name, angle);
	}
	ob_str(&b, "\r\n");
	/* Addresses and ids cannot be folded; they are short enough. */
	ob_str(&b, "To: ");
	ob_str(&b, m->to);
	ob_str(&b, "\r\n");
	hdr_field(&b, "Subject", m->subject, NULL);
	ob_str(&b, "\r\nDate: ");
	ob_str(&b, date);
	ob_str(&b, "\r\nMessage-ID: ");
	ob_str(&b, msgid);
	ob_str(&b, "\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n"
	    /* RFC 3834: no vacation replies to a notification. */
	    "Auto-Submitted: auto-generated\r\n"
	    "\r\n");
	if (!body_base64(&b, m->body)) {
		free(b.p);
		*err = "out of memory";
		return (NULL);
	}

	if (ob_done(&b) == NULL) {
		*err = "out of memory";
		return (NULL);
	}
	return (b.p);
}

/* Bytes of the UTF-8 sequence that starts with c (1 for a stray byte). */
static size_t
utf8_len(unsigned char c)
{
	if (c >= 0xf0 && c <= 0xf7)
		return (4);
	if (c >= 0xe0)
		return (c <= 0xef ? 3 : 1);
	if (c >= 0xc0)
		return (2);
	return (1);
}

/* Length as SMS and Zalo count it: UTF-16 code units. */
size_t
outbox_utf16_units(const char *s)
{
	size_t		 n, i, l, k;

	n = 0;
	for (i = 0; s[i] != '\0'; i += l) {
		l = utf8_len((unsigned char)s[i]);
		n += l == 4 ? 2 : 1;
		for (k = 1; k < l; k++) {
			if (s[i + k] == '\0') {
				l = k;
				break;
			}
		}
	}
	return (n);
}

/*
 * What an SMS or Zalo message says: the subject, a blank line, the body.
 * Longer than the channel allows (OUTBOX_SMS_MAX_UNITS,
 * OUTBOX_ZALO_MAX_UNITS), it is cut at a character and ends in "…"; the
 * whole message is on Sen (the text says so).  E-mail has no limit.
 */
char *
outbox_text(const char *channel, const char *subject, const char *body)
{
	struct obuf	 b;
	size_t		 max, used, i, j, l, u;

	memset(&b, 0, sizeof(b));
	ob_str(&b, subject);
	ob_str(&b, "\n\n");
	ob_str(&b, body);
	if (ob_done(&b) == NULL)
		return (NULL);

	if (!strcmp(channel, "sms"))
		max = OUTBOX_SMS_MAX_UNITS;
	else if (!strcmp(channel, "zalo"))
		max = OUTBOX_ZALO_MAX_UNITS;
	else
		return (b.p);
	if (outbox_utf16_units(b.p) <= max)
		return (b.p);

	/* Room for the ellipsis, one unit. */
	used = 0;
	for (i = 0; i < b.len; i += l) {
		l = utf8_len((unsigned char)b.p[i]);
		if (i + l > b.len)
			l = b.len - i;
		u = l == 4 ? 2 : 1;
		if (used + u > max - 1)
			break;
		used += u;
	}
	while (i > 0 && strchr(" \t\r\n", b.p[i - 1]) != NULL)
		i--;
	/*
	 * In text that is not UTF-8 the blank may have ended a "character"
	 * begun by a stray lead byte: cut before that one too, or it would
	 * swallow the ellipsis and the text run over (found by tests/fuzz).
	 */
	for (j = 0; j < i; j += l) {
		l = utf8_len((unsigned char)b.p[j]);
		if (j + l > i)
			break;
	}
	i = j < i ? j : i;
	b.len = i;
	b.p[i] = '\0';
	ob_str(&b, "\xe2\x80\xa6");
	return (ob_done(&b));
}

/*
 * The gateway's request body: {"id": 42, "channel": "sms", "to":
 * "+84912345678", "text": "…"}.  NULL when the text is not UTF-8.
 */
char *
outbox_gateway_payload(long long id, const char *channel, const char *to,
    const char *subject, const char *body)
{
	json_t		*o;
	char		*text, *out;

	if ((text = outbox_text(channel, subject, body)) == NULL)
		return (NULL);
	o = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)id,
	    "channel", channel, "to", to, "text", text);
	free(text);
	if (o == NULL)
		return (NULL);
	out = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return (out);
}
