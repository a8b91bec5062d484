/*
 * Documents of an application: upload, download, removal.
 *
 * An upload is the raw file as the request body (?kind=…&filename=…);
 * its type comes from its bytes only (lib/sniff.c), whatever its name or
 * Content-Type say.  Checks that need no database come first, then the
 * application is looked up (404 for someone else's, 409 once it is past
 * screening), then the metadata and the bytes are written in one
 * transaction.  Moving up to SEN_UPLOAD_MAX bytes into or out of
 * PostgreSQL takes time, so the bytes travel on the asynchronous
 * connections of core/dbasync.c and the worker serves other requests
 * meanwhile; the short lookups stay synchronous.
 *
 * Downloads go out as attachments with the sniffed type, nosniff and a
 * sandboxing CSP, so that a browser never runs what was uploaded.
 * Household, disability and ID documents are personal data: a staff
 * read is written to the audit log before the bytes are sent.
 */

#include "sen.h"
#include "lib/sniff.h"

/* Longest ?filename= once decoded, in bytes. */
#define FILENAME_QUERY_MAX	1000

static const char *const kinds[] = {
	"business_plan", "household_certificate", "disability_certificate",
	"id_card", "other", NULL
};

struct upload_state {
	struct dba	q;
	unsigned char	*body;
	size_t		len;
	int		type;
	char		app_id[24];
	char		actor[24];
	char		kind[32];
	char		filename[SNIFF_NAME_BYTES];
};

struct download_state {
	struct dba	q;
	char		doc_id[24];
	char		type[32];
	char		etag[72];
	char		disposition[SNIFF_DISPOSITION_BYTES];
	int64_t		size;
};

static int
is_staff(struct api_ctx *ctx)
{
	return ((ctx->user.role & (ROLE_STAFF | ROLE_ADMIN)) != 0);
}

/* Kinds that hold personal data (not a business plan or "other"). */
static int
kind_personal(const char *kind)
{
	return (strcmp(kind, "business_plan") != 0 &&
	    strcmp(kind, "other") != 0);
}

static int
field_error(struct api_ctx *ctx, int status, const char *field,
    const char *msg)
{
	return (api_error_fields(ctx, status, "validation_failed",
	    "Some fields are not valid", json_pack("{s:s}", field, msg)));
}

/* A file that is not a PDF, JPEG or PNG (why: in what way). */
static int
not_accepted(struct api_ctx *ctx, const char *why)
{
	return (api_error_fields(ctx, 422, "validation_failed",
	    "Only PDF, JPEG and PNG files are accepted, recognised by their "
	    "content", json_pack("{s:s}", "file", why)));
}

static void
upload_free(void *arg)
{
	struct upload_state	*st = arg;

	dba_close(&st->q);
	kore_free(st->body);
	st->body = NULL;
}

/* ?kind= and ?filename=.  1: fine; 0: a reply has been sent. */
static int
upload_query(struct api_ctx *ctx, struct upload_state *st, char *raw,
    size_t rawlen)
{
	char		kind[64];
	int		i, r;

	if ((r = api_query(ctx, "kind", kind, sizeof(kind))) == -1)
		return (0);
	if (r == 0) {
		field_error(ctx, 422, "kind", "is required");
		return (0);
	}
	for (i = 0; kinds[i] != NULL; i++) {
		if (!strcmp(kind, kinds[i]))
			break;
	}
	if (kinds[i] == NULL) {
		field_error(ctx, 422, "kind", "must be one of business_plan, "
		    "household_certificate, disability_certificate, id_card, "
		    "other");
		return (0);
	}
	(void)snprintf(st->kind, sizeof(st->kind), "%s", kinds[i]);

	if ((r = api_query(ctx, "filename", raw, rawlen)) == -1)
		return (0);
	if (r == 0)
		raw[0] = '\0';

	return (1);
}

/*
 * len bytes of the body from its start into buf: Kore has the body in
 * memory or, above http_body_disk_offload, in a file; either way it
 * comes in pieces.  1: read; 0: a reply has been sent.
 */
static int
upload_read(struct api_ctx *ctx, unsigned char *buf, size_t len)
{
	struct http_request	*req = ctx->req;
	size_t			got;
	ssize_t			r;

	if (!http_body_rewind(req)) {
		api_error(ctx, 500, "internal", "Internal error");
		return (0);
	}
	for (got = 0; got < len; got += (size_t)r) {
		if ((r = http_body_read(req, buf + got, len - got)) <= 0) {
			kore_log(LOG_WARNING, "[%s] body read: %zd after %zu "
			    "of %zu bytes", ctx->request_id, r, got, len);
			api_error(ctx, 400, "validation_failed",
			    "The file did not arrive whole, send it again");
			return (0);
		}
	}

	return (1);
}

/*
 * May the caller add documents to the application?  The database checks
 * the same again under a lock (documents_guard): this answers before the
 * bytes travel.  1: yes; 0: a reply has been sent.
 */
static int
upload_allowed(struct api_ctx *ctx, struct upload_state *st)
{
	struct db	db;
	const char	*params[2];
	const char	*status;

	if (!db_open(&db, ctx))
		return (0);

	params[0] = st->app_id;
	params[1] = st->actor;
	if (!db_exec(&db, "SELECT status, applicant_id = $2 FROM applications "
	    "WHERE id = $1", 2, params)) {
		db_fail(&db);
		return (0);
	}

	if (db_rows(&db) == 0 ||
	    (!is_staff(ctx) && db_value(&db, 0, 1)[0] != 't')) {
		db_close(&db);
		api_error(ctx, 404, "not_found", "No such application");
		return (0);
	}

	status = db_value(&db, 0, 0);
	if (!is_staff(ctx) && strcmp(status, "draft") != 0 &&
	    strcmp(status, "submitted") != 0 &&
	    strcmp(status, "screening") != 0) {
		db_close(&db);
		api_error_fields(ctx, 409, "conflict",
		    "Documents can be added only while the application is a "
		    "draft, submitted or being screened",
		    json_pack("{s:s}", "status",
		    "no more documents can be added"));
		return (0);
	}

	db_close(&db);
	return (1);
}

int
documents_upload(struct api_ctx *ctx)
{
	struct upload_state	*st;
	struct dba_stmt		*s;
	char			raw[FILENAME_QUERY_MAX + 1], msg[128];
	unsigned char		head[SNIFF_SIGNATURE_LEN];
	const char		*why;
	char			location[64];

	st = api_state(ctx, sizeof(*st), upload_free);

	if (ctx->stage == 0) {
		if (!upload_query(ctx, st, raw, sizeof(raw)))
			return (KORE_RESULT_OK);

		if (ctx->req->content_length > sen_cfg.upload_max) {
			(void)snprintf(msg, sizeof(msg), "The file is too large: "
			    "at most %zu bytes (%.1f MiB)", sen_cfg.upload_max,
			    sen_cfg.upload_max / 1048576.0);
			return (api_error(ctx, 413, "too_large", msg));
		}
		if (ctx->req->content_length == 0)
			return (field_error(ctx, 422, "file", "is empty"));

		/* Not even the signature of a PDF, JPEG or PNG: no more. */
		st->len = MIN(ctx->req->content_length, SNIFF_SIGNATURE_LEN);
		if (!upload_read(ctx, head, st->len))
			return (KORE_RESULT_OK);
		if (sniff_signature(head, st->len) == SNIFF_NONE)
			return (not_accepted(ctx, SNIFF_NOT_ACCEPTED));

		st->len = ctx->req->content_length;
		st->body = kore_malloc(st->len);
		if (!upload_read(ctx, st->body, st->len))
			return (KORE_RESULT_OK);

		if ((st->type = sniff_type(st->body, st->len, &why)) ==
		    SNIFF_NONE)
			return (not_accepted(ctx, why));

		if (!sniff_filename(raw, st->type, st->kind, st->filename,
		    sizeof(st->filename)))
			return (api_error(ctx, 500, "internal",
			    "Internal error"));

		(void)snprintf(st->app_id, sizeof(st->app_id), "%lld",
		    (long long)ctx->params[0]);
		(void)snprintf(st->actor, sizeof(st->actor), "%lld",
		    (long long)ctx->user.id);

		if (!upload_allowed(ctx, st))
			return (KORE_RESULT_OK);

		/*
		 * One statement writes both rows; the hash is computed
		 * by PostgreSQL, off this worker's event loop.
		 */
		dba_init(&st->q, ctx, "documents.upload");
		s = dba_add(&st->q,
		    "WITH d AS ("
		    "  INSERT INTO documents (application_id, kind, "
		    "    content_type, filename, size_bytes, sha256, "
		    "    uploaded_by) "
		    "  VALUES ($1, $2, $3, $4, length($5::bytea), "
		    "    sha256($5::bytea), $6) "
		    "  RETURNING *), "
		    "c AS ("
		    "  INSERT INTO document_contents (document_id, content) "
		    "  SELECT id, $5::bytea FROM d) "
		    "SELECT api_document(d), d.id FROM d", 0);
		dba_text(s, st->app_id);
		dba_text(s, st->kind);
		dba_text(s, sniff_mime(st->type));
		dba_text(s, st->filename);
		dba_bytes(s, st->body, st->len);
		dba_text(s, st->actor);
		ctx->stage = 1;
	}

	switch (dba_run(&st->q)) {
	case DBA_WAIT:
		return (KORE_RESULT_RETRY);
	case DBA_FAILED:
		return (KORE_RESULT_OK);
	}

	kore_free(st->body);
	st->body = NULL;

	if (db_rows(&st->q.db) != 1)
		return (api_error(ctx, 500, "internal", "Internal error"));

	(void)snprintf(location, sizeof(location), "/api/documents/%s",
	    db_value(&st->q.db, 0, 1));
	api_header(ctx, "location", location);

	return (api_reply_text(ctx, 201, db_value(&st->q.db, 0, 0),
	    strlen(db_value(&st->q.db, 0, 0)), NULL));
}

static void
download_free(void *arg)
{
	struct download_state	*st = arg;

	dba_close(&st->q);
}

/* Kore is done sending the bytes: they were a PGresult. */
static int
download_sent(struct netbuf *nb)
{
	PQclear(nb->extra);
	return (KORE_RESULT_OK);
}

/*
 * The document's metadata, if the caller may see it, and the audit
 * record of a staff read of personal data.  1: go on; 0: replied.
 */
static int
download_meta(struct api_ctx *ctx, struct download_state *st)
{
	struct db	db;
	const char	*params[3];
	char		actor[24], kind[32];
	int64_t		app_id;

	(void)snprintf(actor, sizeof(actor), "%lld", (long long)ctx->user.id);
	params[0] = st->doc_id;
	params[1] = is_staff(ctx) ? "true" : "false";
	params[2] = actor;

	if (!db_open(&db, ctx))
		return (0);
	if (!db_exec(&db,
	    "SELECT d.kind, d.content_type, d.filename, "
	    "  encode(d.sha256, 'hex'), d.size_bytes, d.application_id "
	    "FROM documents d JOIN applications a ON a.id = d.application_id "
	    "WHERE d.id = $1 AND ($2::boolean OR a.applicant_id = $3)",
	    3, params)) {
		db_fail(&db);
		return (0);
	}
	if (db_rows(&db) == 0) {
		db_close(&db);
		api_error(ctx, 404, "not_found", "No such document");
		return (0);
	}

	(void)snprintf(kind, sizeof(kind), "%s", db_value(&db, 0, 0));
	(void)snprintf(st->type, sizeof(st->type), "%s", db_value(&db, 0, 1));
	(void)snprintf(st->etag, sizeof(st->etag), "\"%s\"",
	    db_value(&db, 0, 3));
	st->size = db_int(&db, 0, 4);
	app_id = db_int(&db, 0, 5);
	if (!sniff_disposition(db_value(&db, 0, 2), st->disposition,
	    sizeof(st->disposition))) {
		db_close(&db);
		api_error(ctx, 500, "internal", "Internal error");
		return (0);
	}

	if (is_staff(ctx) && kind_personal(kind)) {
		if (!db_begin(&db, "documents.read_personal") ||
		    !audit_event(&db, "documents.read_personal", "documents",
		    ctx->params[0], json_pack("{s:s, s:I}", "kind", kind,
		    "application_id", (json_int_t)app_id)) ||
		    !db_commit(&db)) {
			db_fail(&db);
			return (0);
		}
	}

	db_close(&db);
	return (1);
}

static void
download_headers(struct api_ctx *ctx, struct download_state *st)
{
	api_header(ctx, "content-type", st->type);
	api_header(ctx, "content-disposition", st->disposition);
	api_header(ctx, "etag", st->etag);
	api_header(ctx, "x-request-id", ctx->request_id);
	api_header(ctx, "cache-control", "private, no-store");
	api_header(ctx, "x-content-type-options", "nosniff");
	api_header(ctx, "content-security-policy",
	    "sandbox; default-src 'none'");
	api_header(ctx, "cross-origin-resource-policy", "same-origin");
	api_header(ctx, "referrer-policy", "same-origin");
}

int
documents_get(struct api_ctx *ctx)
{
	struct download_state	*st;
	struct dba_stmt		*s;
	PGresult		*res;

	st = api_state(ctx, sizeof(*st), download_free);

	if (ctx->stage == 0) {
		(void)snprintf(st->doc_id, sizeof(st->doc_id), "%lld",
		    (long long)ctx->params[0]);
		if (!download_meta(ctx, st))
			return (KORE_RESULT_OK);

		if (ctx->req->method == HTTP_METHOD_HEAD) {
			download_headers(ctx, st);
			http_response(ctx->req, 200, NULL, (size_t)st->size);
			return (KORE_RESULT_OK);
		}

		dba_init(&st->q, ctx, NULL);
		s = dba_add(&st->q, "SELECT content FROM document_contents "
		    "WHERE document_id = $1", 1);
		dba_text(s, st->doc_id);
		ctx->stage = 1;
	}

	switch (dba_run(&st->q)) {
	case DBA_WAIT:
		return (KORE_RESULT_RETRY);
	case DBA_FAILED:
		return (KORE_RESULT_OK);
	}

	/* Removed since the metadata was read. */
	if (db_rows(&st->q.db) == 0)
		return (api_error(ctx, 404, "not_found", "No such document"));

	/* Sent straight from libpq's result, without a copy. */
	res = dba_take(&st->q);
	download_headers(ctx, st);
	http_response_stream(ctx->req, 200, PQgetvalue(res, 0, 0),
	    (size_t)PQgetlength(res, 0, 0), download_sent, res);

	return (KORE_RESULT_OK);
}

int
documents_delete(struct api_ctx *ctx)
{
	struct db	db;
	const char	*params[2];
	char		doc_id[24], actor[24];

	(void)snprintf(doc_id, sizeof(doc_id), "%lld",
	    (long long)ctx->params[0]);
	(void)snprintf(actor, sizeof(actor), "%lld", (long long)ctx->user.id);
	params[0] = doc_id;
	params[1] = actor;

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);

	if (!db_begin(&db, "documents.delete") ||
	    !db_exec(&db,
	    "SELECT a.status FROM documents d "
	    "JOIN applications a ON a.id = d.application_id "
	    "WHERE d.id = $1 AND a.applicant_id = $2 "
	    "FOR UPDATE OF d FOR SHARE OF a", 2, params))
		return (db_fail(&db));

	if (db_rows(&db) == 0) {
		db_close(&db);
		return (api_error(ctx, 404, "not_found", "No such document"));
	}
	if (strcmp(db_value(&db, 0, 0), "draft") != 0) {
		db_close(&db);
		return (api_error_fields(ctx, 409, "conflict",
		    "Documents can be removed only while the application is "
		    "a draft", json_pack("{s:s}", "status",
		    "the application has been submitted")));
	}

	if (!db_exec(&db, "DELETE FROM documents WHERE id = $1", 1, params) ||
	    !db_commit(&db))
		return (db_fail(&db));
	db_close(&db);

	return (api_no_content(ctx));
}
