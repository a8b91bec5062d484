/*
 * The notification outbox without the network: when to try a message
 * again, how a failed delivery is judged, the e-mail as it goes over SMTP
 * (RFC 5322 headers, RFC 2047 encoded UTF-8 subjects, a base64 UTF-8
 * body) and the JSON that the SMS/Zalo gateway receives.  The sender
 * (app/cli/outbox.c) adds libpq and libcurl.
 */

#ifndef SEN_OUTBOX_H
#define SEN_OUTBOX_H

#include <stddef.h>
#include <time.h>

/* Retry schedule: 30 s, 1, 2, 4, 8, 16, 32 min, then 1 h each time. */
#define OUTBOX_BACKOFF_FIRST	30
#define OUTBOX_BACKOFF_CAP	3600

/*
 * RFC 5322 recommends lines of at most 78 characters; we never exceed it,
 * except with an address longer than that, which cannot be folded (998
 * is the hard limit; tests/fuzz/fuzz_outbox.c).
 */
#define OUTBOX_LINE_MAX		78
/* RFC 2047: an encoded word is at most 75 characters. */
#define OUTBOX_WORD_MAX		75
/* Base64 body lines (RFC 2045). */
#define OUTBOX_B64_LINE		76

/*
 * Text length limits, in UTF-16 code units (what SMS and Zalo count).
 * Vietnamese with diacritics goes as a UCS-2 SMS: 70 units in one part,
 * 67 per part of a concatenated message; five parts is as long as an
 * SMS should be.  Zalo text messages take up to 2000 characters.
 */
#define OUTBOX_SMS_MAX_UNITS	335
#define OUTBOX_ZALO_MAX_UNITS	2000

enum outbox_verdict {
	OUTBOX_DELIVERED,
	OUTBOX_RETRY,
	OUTBOX_PERMANENT
};

struct outbox_mail {
	long long	 id;
	const char	*from;		/* "Sen <no-reply@sen.example.vn>" */
	const char	*to;		/* a bare address */
	const char	*subject;	/* UTF-8 */
	const char	*body;		/* UTF-8, lines end in LF or CRLF */
	time_t		 date;
};

long		 outbox_backoff(int, long long);
int		 outbox_http_verdict(long);
int		 outbox_smtp_verdict(long);

int		 outbox_mailbox_parse(const char *, char *, size_t, char *,
		    size_t);
int		 outbox_addr_ok(const char *);
char		*outbox_header(const char *, const char *, const char *);
char		*outbox_mail_build(const struct outbox_mail *, const char **);

size_t		 outbox_utf16_units(const char *);
char		*outbox_text(const char *, const char *, const char *);
char		*outbox_gateway_payload(long long, const char *, const char *,
		    const char *, const char *);

#endif
