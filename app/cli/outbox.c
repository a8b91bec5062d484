/*
 * sen-admin outbox [--once]: deliver the notification outbox.
 *
 * Messages are rows of the outbox table (migrations/0002_intake.sql), so
 * the queue survives any restart.  One message at a time is claimed in a
 * short transaction of its own (FOR UPDATE SKIP LOCKED: two senders
 * never claim the same row; status 'sending' with a lease: a sender that
 * dies mid-delivery leaves the row to be claimed again once the lease has
 * expired), delivered outside any transaction, then marked.  A crash
 * between delivery and marking would deliver the message again after the
 * lease; the outbox id travels with every delivery (Idempotency-Key,
 * Message-ID) so that the receiver can drop the copy.
 *
 * E-mail goes over SMTP (SEN_SMTP_URL), SMS and Zalo to an HTTP gateway
 * (SEN_GATEWAY_URL); a channel without configuration writes its messages
 * to stdout and marks them 'logged'.  Without --once the sender LISTENs
 * for new rows and polls every POLL_SECONDS for retries; SIGINT and
 * SIGTERM let it finish the message in hand and exit.
 */

#include <sys/select.h>

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <libpq-fe.h>

#include "cli/outbox.h"
#include "lib/outbox.h"

#define LEASE_SECONDS		300	/* far above one delivery's timeouts */
#define POLL_SECONDS		5
#define RECONNECT_SECONDS	2
#define CONNECT_TIMEOUT		5
#define HTTP_TIMEOUT		15
#define SMTP_TIMEOUT		30
#define ERROR_MAX		400	/* of last_error */
#define REPLY_MAX		200	/* of a gateway's answer, in last_error */
#define NOTIFY_CHANNEL		"sen_outbox"

struct conf {
	const char	*database;
	const char	*smtp_url;
	const char	*smtp_user;
	const char	*smtp_password;
	const char	*mail_from;
	char		 mail_from_addr[256];
	const char	*gateway_url;
	const char	*gateway_key;
	int		 max_attempts;
	int		 once;
};

struct msg {
	long long	 id;
	char		 id_text[32];
	char		*channel;
	char		*recipient;
	char		*subject;
	char		*body;
	int		 attempts;
};

struct outcome {
	int		 verdict;
	int		 logged;
	char		 error[ERROR_MAX + 1];
};

struct stats {
	int		 sent;
	int		 logged;
	int		 retry;
	int		 failed;
};

struct reply {
	char		 text[REPLY_MAX + 1];
	size_t		 len;
};

struct upload {
	const char	*p;
	size_t		 left;
};

static volatile sig_atomic_t	stopping;

static void	 say(const char *, ...) __attribute__((format(printf, 1, 2)));

static void
say(const char *fmt, ...)
{
	va_list		 ap;
	struct tm	 tm;
	time_t		 now;
	char		 ts[32];

	now = time(NULL);
	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		ts[0] = '\0';
	printf("%s outbox: ", ts);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void
on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static void
usage_outbox(void)
{
	fprintf(stderr, "usage: sen-admin outbox [--once]\n");
	exit(2);
}

static const char *
env(const char *name)
{
	const char	*v;

	if ((v = getenv(name)) == NULL || *v == '\0')
		return (NULL);
	return (v);
}

static int
conf_load(struct conf *c)
{
	char		 name[256], *end;
	const char	*v;
	long		 n;

	if ((c->database = env("DATABASE_URL")) == NULL)
		c->database = "dbname=sen";

	c->max_attempts = 8;
	if ((v = env("SEN_OUTBOX_MAX_ATTEMPTS")) != NULL) {
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno != 0 || *end != '\0' || n < 1 || n > 100) {
			fprintf(stderr, "sen-admin outbox: SEN_OUTBOX_MAX_ATTEMPTS "
			    "must be a number from 1 to 100\n");
			return (0);
		}
		c->max_attempts = (int)n;
	}

	c->smtp_url = env("SEN_SMTP_URL");
	c->smtp_user = env("SEN_SMTP_USER");
	c->smtp_password = env("SEN_SMTP_PASSWORD");
	c->mail_from = env("SEN_MAIL_FROM");
	if (c->smtp_url != NULL) {
		if (strncmp(c->smtp_url, "smtp://", 7) &&
		    strncmp(c->smtp_url, "smtps://", 8)) {
			fprintf(stderr, "sen-admin outbox: SEN_SMTP_URL must "
			    "start with smtp:// or smtps://\n");
			return (0);
		}
		if (c->mail_from == NULL || !outbox_mailbox_parse(c->mail_from,
		    name, sizeof(name), c->mail_from_addr,
		    sizeof(c->mail_from_addr))) {
			fprintf(stderr, "sen-admin outbox: SEN_MAIL_FROM must be "
			    "a mailbox, e.g. \"Sen <no-reply@sen.example.vn>\"\n");
			return (0);
		}
	}

	c->gateway_url = env("SEN_GATEWAY_URL");
	c->gateway_key = env("SEN_GATEWAY_KEY");
	if (c->gateway_url != NULL && strncmp(c->gateway_url, "http://", 7) &&
	    strncmp(c->gateway_url, "https://", 8)) {
		fprintf(stderr, "sen-admin outbox: SEN_GATEWAY_URL must start "
		    "with http:// or https://\n");
		return (0);
	}

	return (1);
}

/* What goes into last_error: printable ASCII, short. */
static void
error_set(struct outcome *o, const char *fmt, ...)
{
	va_list		 ap;
	size_t		 i;

	va_start(ap, fmt);
	(void)vsnprintf(o->error, sizeof(o->error), fmt, ap);
	va_end(ap);
	for (i = 0; o->error[i] != '\0'; i++) {
		if ((unsigned char)o->error[i] < 0x20 ||
		    (unsigned char)o->error[i] > 0x7e)
			o->error[i] = ' ';
	}
}

/* PostgreSQL's notices (a shutdown, say) in our log, one line each. */
static void
notice(void *arg, const char *text)
{
	(void)arg;
	say("database: %.*s", (int)strcspn(text, "\n"), text);
}

static PGconn *
db_connect_outbox(const struct conf *c)
{
	const char	*keys[] = { "dbname", "application_name", NULL };
	const char	*vals[] = { c->database, "sen-outbox", NULL };
	PGconn		*conn;

	conn = PQconnectdbParams(keys, vals, 1);
	if (PQstatus(conn) != CONNECTION_OK) {
		say("cannot connect to the database: %.*s",
		    (int)strcspn(PQerrorMessage(conn), "\n"),
		    PQerrorMessage(conn));
		PQfinish(conn);
		return (NULL);
	}
	PQsetNoticeProcessor(conn, notice, NULL);
	PQclear(PQexec(conn, "SET client_min_messages = warning"));
	return (conn);
}

static int
db_ok(PGconn *conn, PGresult *res, const char *what)
{
	ExecStatusType	 st;

	st = PQresultStatus(res);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return (1);
	say("%s: %.*s", what, (int)strcspn(PQerrorMessage(conn), "\n"),
	    PQerrorMessage(conn));
	return (0);
}

static void
msg_free(struct msg *m)
{
	free(m->channel);
	free(m->recipient);
	free(m->subject);
	free(m->body);
	memset(m, 0, sizeof(*m));
}

/*
 * Messages that may not be tried again: their last attempt was
 * interrupted (the lease ran out) or the limit was lowered meanwhile.
 */
static int
sweep(PGconn *conn, const struct conf *c)
{
	PGresult	*res;
	const char	*params[1];
	char		 max[16];
	int		 ok, i;

	(void)snprintf(max, sizeof(max), "%d", c->max_attempts);
	params[0] = max;
	res = PQexecParams(conn,
	    "UPDATE outbox SET status = 'failed', locked_until = NULL, "
	    "  last_error = left(concat_ws('; ', last_error, "
	    "    'gave up after ' || attempts || ' attempts'), 1000) "
	    "WHERE attempts >= $1::int AND "
	    "  ((status = 'pending' AND next_attempt_at <= now()) OR "
	    "   (status = 'sending' AND locked_until < now())) "
	    "RETURNING id", 1, NULL, params, NULL, NULL, 0);
	if ((ok = db_ok(conn, res, "sweep"))) {
		for (i = 0; i < PQntuples(res); i++)
			say("#%s failed: no attempts left", PQgetvalue(res, i, 0));
	}
	PQclear(res);
	return (ok);
}

/*
 * Claim the next due message: pending and due, or sending with an
 * expired lease (its sender died).  One statement, so one short
 * transaction; SKIP LOCKED lets concurrent senders pass each other, and
 * the lease keeps the row theirs after the commit.
 * 1: claimed, 0: nothing due, -1: database error.
 */
static int
claim(PGconn *conn, const struct conf *c, struct msg *m)
{
	PGresult	*res;
	const char	*params[2];
	char		 lease[16], max[16];
	int		 r;

	(void)snprintf(lease, sizeof(lease), "%d", LEASE_SECONDS);
	(void)snprintf(max, sizeof(max), "%d", c->max_attempts);
	params[0] = lease;
	params[1] = max;
	res = PQexecParams(conn,
	    "UPDATE outbox o SET status = 'sending', attempts = o.attempts + 1, "
	    "  locked_until = now() + make_interval(secs => $1::int) "
	    "WHERE o.id = (SELECT id FROM outbox "
	    "  WHERE ((status = 'pending' AND next_attempt_at <= now()) OR "
	    "         (status = 'sending' AND locked_until < now())) "
	    "    AND attempts < $2::int "
	    "  ORDER BY next_attempt_at, id LIMIT 1 "
	    "  FOR UPDATE SKIP LOCKED) "
	    "RETURNING o.id, o.channel, o.recipient, o.subject, o.body, "
	    "  o.attempts", 2, NULL, params, NULL, NULL, 0);
	if (!db_ok(conn, res, "claim")) {
		PQclear(res);
		return (-1);
	}
	if (PQntuples(res) == 0) {
		PQclear(res);
		return (0);
	}

	memset(m, 0, sizeof(*m));
	(void)snprintf(m->id_text, sizeof(m->id_text), "%s",
	    PQgetvalue(res, 0, 0));
	m->id = strtoll(m->id_text, NULL, 10);
	m->channel = strdup(PQgetvalue(res, 0, 1));
	m->recipient = strdup(PQgetvalue(res, 0, 2));
	m->subject = strdup(PQgetvalue(res, 0, 3));
	m->body = strdup(PQgetvalue(res, 0, 4));
	m->attempts = atoi(PQgetvalue(res, 0, 5));
	PQclear(res);

	r = 1;
	if (m->channel == NULL || m->recipient == NULL || m->subject == NULL ||
	    m->body == NULL) {
		say("out of memory");
		msg_free(m);
		r = -1;
	}
	return (r);
}

/* No channel configured: the log is the delivery. */
static void
deliver_log(const struct msg *m, struct outcome *o, const char *why)
{
	const char	*p, *nl;

	say("#%lld %s to %s (%s): written here", m->id, m->channel,
	    m->recipient, why);
	printf("  Subject: %s\n", m->subject);
	for (p = m->body; ; p = nl + 1) {
		nl = strchr(p, '\n');
		printf("  | %.*s\n", nl ? (int)(nl - p) : (int)strlen(p), p);
		if (nl == NULL)
			break;
	}
	fflush(stdout);
	o->verdict = OUTBOX_DELIVERED;
	o->logged = 1;
}

static size_t
reply_write(char *data, size_t size, size_t n, void *arg)
{
	struct reply	*r = arg;
	size_t		 len, take;

	len = size * n;
	take = len;
	if (take > REPLY_MAX - r->len)
		take = REPLY_MAX - r->len;
	memcpy(r->text + r->len, data, take);
	r->len += take;
	r->text[r->len] = '\0';
	return (len);
}

/*
 * POST {"id", "channel", "to", "text"} to the gateway.  2xx: delivered;
 * 408, 429, 5xx and transport errors (timeouts): again later; other 4xx:
 * never.
 */
static void
deliver_gateway(const struct conf *c, const struct msg *m, struct outcome *o)
{
	CURL			*curl;
	CURLcode		 rc;
	struct curl_slist	*hdrs;
	struct reply		 reply;
	char			*payload, line[512], errbuf[CURL_ERROR_SIZE];
	long			 status;

	if ((payload = outbox_gateway_payload(m->id, m->channel, m->recipient,
	    m->subject, m->body)) == NULL) {
		o->verdict = OUTBOX_PERMANENT;
		error_set(o, "the message is not valid UTF-8");
		return;
	}
	if ((curl = curl_easy_init()) == NULL) {
		free(payload);
		o->verdict = OUTBOX_RETRY;
		error_set(o, "cannot initialise libcurl");
		return;
	}

	hdrs = NULL;
	hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	/* No "100 Continue" round trip for a small body. */
	hdrs = curl_slist_append(hdrs, "Expect:");
	(void)snprintf(line, sizeof(line), "Idempotency-Key: outbox-%lld",
	    m->id);
	hdrs = curl_slist_append(hdrs, line);
	if (c->gateway_key != NULL) {
		(void)snprintf(line, sizeof(line), "Authorization: Bearer %s",
		    c->gateway_key);
		hdrs = curl_slist_append(hdrs, line);
	}

	memset(&reply, 0, sizeof(reply));
	errbuf[0] = '\0';
	curl_easy_setopt(curl, CURLOPT_URL, c->gateway_url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_POST, 1L);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, payload);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(payload));
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "sen-outbox");
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)CONNECT_TIMEOUT);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)HTTP_TIMEOUT);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, reply_write);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);

	rc = curl_easy_perform(curl);
	if (rc != CURLE_OK) {
		o->verdict = OUTBOX_RETRY;
		error_set(o, "gateway: %s", errbuf[0] ? errbuf :
		    curl_easy_strerror(rc));
	} else {
		status = 0;
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
		o->verdict = outbox_http_verdict(status);
		if (o->verdict != OUTBOX_DELIVERED)
			error_set(o, "gateway answered HTTP %ld: %s", status,
			    reply.text);
	}

	curl_slist_free_all(hdrs);
	curl_easy_cleanup(curl);
	free(payload);
}

static size_t
upload_read(char *buf, size_t size, size_t n, void *arg)
{
	struct upload	*u = arg;
	size_t		 len;

	len = size * n;
	if (len > u->left)
		len = u->left;
	memcpy(buf, u->p, len);
	u->p += len;
	u->left -= len;
	return (len);
}

/*
 * The message over SMTP.  libcurl speaks the protocol (EHLO, STARTTLS,
 * AUTH, MAIL FROM, RCPT TO, DATA) and dot-stuffs the data on the wire.
 */
static void
deliver_smtp(const struct conf *c, const struct msg *m, struct outcome *o)
{
	CURL			*curl;
	CURLcode		 rc;
	struct curl_slist	*rcpt;
	struct outbox_mail	 mail;
	struct upload		 up;
	const char		*err;
	char			*text, from[300], to[300];
	char			 errbuf[CURL_ERROR_SIZE];
	long			 code;

	memset(&mail, 0, sizeof(mail));
	mail.id = m->id;
	mail.from = c->mail_from;
	mail.to = m->recipient;
	mail.subject = m->subject;
	mail.body = m->body;
	mail.date = time(NULL);
	if ((text = outbox_mail_build(&mail, &err)) == NULL) {
		o->verdict = OUTBOX_PERMANENT;
		error_set(o, "%s", err);
		return;
	}
	if ((curl = curl_easy_init()) == NULL) {
		free(text);
		o->verdict = OUTBOX_RETRY;
		error_set(o, "cannot initialise libcurl");
		return;
	}

	(void)snprintf(from, sizeof(from), "<%s>", c->mail_from_addr);
	(void)snprintf(to, sizeof(to), "<%s>", m->recipient);
	rcpt = curl_slist_append(NULL, to);
	up.p = text;
	up.left = strlen(text);
	errbuf[0] = '\0';

	curl_easy_setopt(curl, CURLOPT_URL, c->smtp_url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	if (c->smtp_user != NULL) {
		curl_easy_setopt(curl, CURLOPT_USERNAME, c->smtp_user);
		if (c->smtp_password != NULL)
			curl_easy_setopt(curl, CURLOPT_PASSWORD,
			    c->smtp_password);
	}
	/* A password never crosses the network in the clear. */
	curl_easy_setopt(curl, CURLOPT_USE_SSL, c->smtp_user != NULL ?
	    (long)CURLUSESSL_ALL : (long)CURLUSESSL_TRY);
	curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(curl, CURLOPT_READFUNCTION, upload_read);
	curl_easy_setopt(curl, CURLOPT_READDATA, &up);
	curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)up.left);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)CONNECT_TIMEOUT);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)SMTP_TIMEOUT);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);

	rc = curl_easy_perform(curl);
	if (rc == CURLE_OK) {
		o->verdict = OUTBOX_DELIVERED;
	} else {
		code = 0;
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
		o->verdict = outbox_smtp_verdict(code);
		if (o->verdict == OUTBOX_DELIVERED)
			o->verdict = OUTBOX_RETRY;
		error_set(o, "smtp: %s (reply %ld)", errbuf[0] ? errbuf :
		    curl_easy_strerror(rc), code);
	}

	curl_slist_free_all(rcpt);
	curl_easy_cleanup(curl);
	free(text);
}

static void
deliver(const struct conf *c, const struct msg *m, struct outcome *o)
{
	memset(o, 0, sizeof(*o));
	if (!strcmp(m->channel, "email")) {
		if (c->smtp_url == NULL)
			deliver_log(m, o, "SEN_SMTP_URL not set");
		else
			deliver_smtp(c, m, o);
	} else if (!strcmp(m->channel, "sms") || !strcmp(m->channel, "zalo")) {
		if (c->gateway_url == NULL)
			deliver_log(m, o, "SEN_GATEWAY_URL not set");
		else
			deliver_gateway(c, m, o);
	} else {
		o->verdict = OUTBOX_PERMANENT;
		error_set(o, "unknown channel %s", m->channel);
	}
}

/*
 * Record what happened.  Only the holder of the current lease (same
 * attempt number) may reschedule or fail a message; a delivered message
 * is marked whoever holds it, so that it is never sent again.
 */
static int
mark(PGconn *conn, const struct conf *c, const struct msg *m,
    const struct outcome *o, struct stats *st)
{
	PGresult	*res;
	const char	*params[4];
	char		 attempts[16], delay[16], error[ERROR_MAX + 64];
	long		 d;
	int		 ok;

	(void)snprintf(attempts, sizeof(attempts), "%d", m->attempts);
	params[0] = m->id_text;
	params[1] = attempts;

	if (o->verdict == OUTBOX_DELIVERED) {
		params[1] = o->logged ? "logged" : "sent";
		res = PQexecParams(conn,
		    "UPDATE outbox SET status = $2, sent_at = now(), "
		    "  locked_until = NULL "
		    "WHERE id = $1::bigint AND status IN ('sending', 'pending')",
		    2, NULL, params, NULL, NULL, 0);
		if (o->logged)
			st->logged++;
		else {
			st->sent++;
			say("#%lld %s to %s: sent (attempt %d)", m->id,
			    m->channel, m->recipient, m->attempts);
		}
	} else if (o->verdict == OUTBOX_RETRY &&
	    m->attempts < c->max_attempts) {
		d = outbox_backoff(m->attempts, m->id);
		(void)snprintf(delay, sizeof(delay), "%ld", d);
		params[2] = delay;
		params[3] = o->error;
		res = PQexecParams(conn,
		    "UPDATE outbox SET status = 'pending', locked_until = NULL, "
		    "  next_attempt_at = now() + make_interval(secs => $3::int), "
		    "  last_error = $4 "
		    "WHERE id = $1::bigint AND status = 'sending' "
		    "  AND attempts = $2::int", 4, NULL, params, NULL, NULL, 0);
		st->retry++;
		say("#%lld %s to %s: attempt %d failed, next in %ld s: %s",
		    m->id, m->channel, m->recipient, m->attempts, d, o->error);
	} else {
		if (o->verdict == OUTBOX_RETRY)
			(void)snprintf(error, sizeof(error), "%s (gave up after "
			    "%d attempts)", o->error, m->attempts);
		else
			(void)snprintf(error, sizeof(error), "%s", o->error);
		params[2] = error;
		res = PQexecParams(conn,
		    "UPDATE outbox SET status = 'failed', locked_until = NULL, "
		    "  last_error = $3 "
		    "WHERE id = $1::bigint AND status = 'sending' "
		    "  AND attempts = $2::int", 3, NULL, params, NULL, NULL, 0);
		st->failed++;
		say("#%lld %s to %s: failed: %s", m->id, m->channel,
		    m->recipient, error);
	}

	ok = db_ok(conn, res, "mark");
	if (ok && strcmp(PQcmdTuples(res), "1"))
		say("#%lld: another sender took the message over (lease "
		    "expired); its outcome stands", m->id);
	PQclear(res);
	return (ok);
}

/* Deliver everything due.  0: done, -1: the database failed. */
static int
run_round(PGconn *conn, const struct conf *c, struct stats *st)
{
	struct msg	 m;
	struct outcome	 o;
	int		 r;

	if (!sweep(conn, c))
		return (-1);
	while (!stopping) {
		if ((r = claim(conn, c, &m)) <= 0)
			return (r);
		deliver(c, &m, &o);
		r = mark(conn, c, &m, &o, st);
		msg_free(&m);
		if (!r)
			return (-1);
	}
	return (0);
}

/*
 * Sleep until a NOTIFY, POLL_SECONDS or a signal.  -1: the connection
 * broke.
 */
static int
wait_for_work(PGconn *conn)
{
	PGnotify	*n;
	struct timeval	 tv;
	fd_set		 fds;
	int		 fd, r;

	if ((fd = PQsocket(conn)) < 0)
		return (-1);
	FD_ZERO(&fds);
	FD_SET(fd, &fds);
	tv.tv_sec = POLL_SECONDS;
	tv.tv_usec = 0;
	r = select(fd + 1, &fds, NULL, NULL, &tv);
	if (r == -1)
		return (errno == EINTR ? 0 : -1);
	if (r > 0 && !PQconsumeInput(conn))
		return (-1);
	while ((n = PQnotifies(conn)) != NULL)
		PQfreemem(n);
	return (PQstatus(conn) == CONNECTION_OK ? 0 : -1);
}

static void
nap(int seconds)
{
	int	 i;

	for (i = 0; i < seconds * 10 && !stopping; i++)
		(void)usleep(100000);
}

static PGconn *
start(const struct conf *c)
{
	PGconn		*conn;
	PGresult	*res;

	if ((conn = db_connect_outbox(c)) == NULL)
		return (NULL);
	if (!c->once) {
		res = PQexec(conn, "LISTEN " NOTIFY_CHANNEL);
		if (!db_ok(conn, res, "listen")) {
			PQclear(res);
			PQfinish(conn);
			return (NULL);
		}
		PQclear(res);
		say("waiting for messages (LISTEN %s, and every %d s)",
		    NOTIFY_CHANNEL, POLL_SECONDS);
	}
	return (conn);
}

int
cmd_outbox(int argc, char **argv)
{
	struct conf		 c;
	struct stats		 st, last;
	struct sigaction	 sa;
	PGconn			*conn;
	int			 i, status;

	memset(&c, 0, sizeof(c));
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--once"))
			c.once = 1;
		else
			usage_outbox();
	}
	if (!conf_load(&c))
		return (2);

	setvbuf(stdout, NULL, _IOLBF, 0);

	/* No SA_RESTART: a signal ends the wait in select(). */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)signal(SIGPIPE, SIG_IGN);

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "sen-admin outbox: cannot initialise libcurl\n");
		return (1);
	}

	say("e-mail: %s; sms, zalo: %s; at most %d attempts",
	    c.smtp_url ? c.smtp_url : "not configured, written here",
	    c.gateway_url ? c.gateway_url : "not configured, written here",
	    c.max_attempts);

	memset(&st, 0, sizeof(st));
	conn = NULL;
	status = 0;
	while (!stopping) {
		if (conn == NULL && (conn = start(&c)) == NULL) {
			if (c.once) {
				status = 1;
				break;
			}
			nap(RECONNECT_SECONDS);
			continue;
		}

		last = st;
		if (run_round(conn, &c, &st) == -1) {
			PQfinish(conn);
			conn = NULL;
			if (c.once) {
				status = 1;
				break;
			}
			nap(RECONNECT_SECONDS);
			continue;
		}
		if (!c.once && memcmp(&last, &st, sizeof(st)))
			say("%d sent, %d logged, %d to retry, %d failed so far",
			    st.sent, st.logged, st.retry, st.failed);
		if (c.once || stopping)
			break;

		if (wait_for_work(conn) == -1) {
			say("lost the database connection; reconnecting");
			PQfinish(conn);
			conn = NULL;
		}
	}

	if (c.once)
		say("%d sent, %d logged, %d to retry, %d failed",
		    st.sent, st.logged, st.retry, st.failed);
	else
		say("stopped");
	if (conn != NULL)
		PQfinish(conn);
	curl_global_cleanup();
	return (status);
}
