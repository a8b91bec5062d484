/*
 * Notifications built from text that users typed (lib/outbox.c): header
 * fields (RFC 2047 encoded words, folding), mailboxes, whole e-mails and
 * the gateway's JSON.  Whatever the text, a header is one header: lines
 * of at most 78 characters (998, RFC 5322's limit, where an address,
 * which cannot be folded, is longer), CRLF only as folding, ASCII only.
 * Input: subject NUL name-or-address.
 */

#include <string.h>

#include "fuzz.h"
#include "lib/outbox.h"

#define RFC5322_LINE_MAX	998

static void
header_ok(const char *h, size_t max)
{
	size_t	col;

	for (col = 0; *h != '\0'; h++) {
		FUZZ_CHECK((unsigned char)*h < 0x80);
		if (*h == '\r') {
			/* Folding only: CRLF then a space. */
			FUZZ_CHECK(h[1] == '\n' && (h[2] == ' ' ||
			    h[2] == '\t'));
			col = 0;
			h++;
			continue;
		}
		FUZZ_CHECK(*h != '\n');
		col++;
		FUZZ_CHECK(col <= max);
	}
}

/*
 * The header block of a whole e-mail: ASCII lines of at most 78
 * characters, each a fold or one of the headers Sen writes, each of them
 * once: text that users typed never adds a header.
 */
static void
block_ok(char *block)
{
	static const char *const	names[] = { "From", "To", "Subject",
	    "Date", "Message-ID", "MIME-Version", "Content-Type",
	    "Content-Transfer-Encoding", "Auto-Submitted", NULL };
	int				seen[16] = { 0 };
	char				*line, *next, *colon;
	size_t				i;

	for (line = block; line != NULL; line = next) {
		if ((next = strstr(line, "\r\n")) != NULL) {
			*next = '\0';
			next += 2;
		}
		FUZZ_CHECK(strlen(line) <= (strchr(line, '@') != NULL ?
		    RFC5322_LINE_MAX : OUTBOX_LINE_MAX));
		FUZZ_CHECK(strchr(line, '\r') == NULL);
		FUZZ_CHECK(strchr(line, '\n') == NULL);
		for (i = 0; line[i] != '\0'; i++)
			FUZZ_CHECK((unsigned char)line[i] < 0x80);
		if (line[0] == ' ' || line[0] == '\t')
			continue;
		FUZZ_CHECK((colon = strchr(line, ':')) != NULL);
		*colon = '\0';
		for (i = 0; names[i] != NULL; i++) {
			if (!strcmp(line, names[i]))
				break;
		}
		FUZZ_CHECK(names[i] != NULL);
		FUZZ_CHECK(!seen[i]);
		seen[i] = 1;
	}
}

FUZZ_TARGET(outbox)
{
	struct outbox_mail	m;
	const char		*err;
	char			*subject, *other, *h, *mail, *t;
	char			name[256], addr[256];

	fuzz_split(data, size, &subject, &other);

	if ((h = outbox_header("Subject", subject, NULL)) != NULL) {
		header_ok(h, OUTBOX_LINE_MAX);
		free(h);
	}
	if (outbox_mailbox_parse(other, name, sizeof(name), addr,
	    sizeof(addr))) {
		FUZZ_CHECK(strlen(name) < sizeof(name));
		if (outbox_addr_ok(addr) &&
		    (h = outbox_header("From", name, addr)) != NULL) {
			/* The address goes unfolded, the rest within 78. */
			header_ok(h, strlen(addr) + 3 > OUTBOX_LINE_MAX ?
			    RFC5322_LINE_MAX : OUTBOX_LINE_MAX);
			free(h);
		}
	}

	memset(&m, 0, sizeof(m));
	m.id = 42;
	m.from = size > 0 && data[0] & 1 ? other :
	    "Sen <no-reply@sen.example.vn>";
	m.to = outbox_addr_ok(other) ? other : "lan@example.vn";
	m.subject = subject;
	m.body = other;
	m.date = 1760000000;
	err = NULL;
	if ((mail = outbox_mail_build(&m, &err)) != NULL) {
		/* The header block: every line a header or a fold. */
		t = strstr(mail, "\r\n\r\n");
		FUZZ_CHECK(t != NULL);
		*t = '\0';
		block_ok(mail);
		free(mail);
	} else {
		FUZZ_CHECK(err != NULL);
	}

	if ((t = outbox_text("sms", subject, other)) != NULL) {
		FUZZ_CHECK(outbox_utf16_units(t) <= OUTBOX_SMS_MAX_UNITS);
		free(t);
	}
	if ((t = outbox_gateway_payload(7, "zalo", "+84912345678", subject,
	    other)) != NULL)
		free(t);

	free(subject);
	free(other);
	return (0);
}
