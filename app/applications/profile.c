/*
 * The applicant's profile: what she tells about herself once, for every
 * application (name and phone live in her account), and the messages
 * Sen has queued for her.  The national ID is write-mostly: she sees the
 * last four digits, staff see it whole (and that read is audited).
 */

#include "sen.h"
#include "applications.h"

/* The profile's columns, in the order of the INSERT below ($2 ...). */
static const char *const columns[] = {
	"date_of_birth", "national_id", "ward_code", "outside_district",
	"address", "household_status", "household_cert_number",
	"household_cert_issued_on", "household_cert_valid_until",
	"disability", "disability_level", "disability_cert_number",
	"disability_cert_issued_on", "disability_cert_valid_until",
	"disability_details"
};

#define NCOLUMNS	(sizeof(columns) / sizeof(columns[0]))

static const char *
body_str(json_t *body, const char *name)
{
	return (json_string_value(json_object_get(body, name)));
}

static int32_t
body_date(json_t *body, const char *name)
{
	int32_t		d;

	return (lc_date_parse(body_str(body, name), &d) ? d : LC_NODATE);
}

static int
profile_fetch(struct db *db, int64_t uid)
{
	const char	*params[1];
	char		id[24];

	(void)snprintf(id, sizeof(id), "%lld", (long long)uid);
	params[0] = id;

	return (db_exec(db, "SELECT api_profile($1, false)::text, "
	    "(SELECT version FROM applicant_profiles WHERE user_id = $1)",
	    1, params));
}

int
profile_get(struct api_ctx *ctx)
{
	struct db	db;

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!profile_fetch(&db, ctx->user.id))
		return (db_fail(&db));

	/* No ETag before the first save: there is nothing to match yet. */
	if (db_rows(&db) == 1 && !db_isnull(&db, 0, 1))
		api_etag(ctx, db_int(&db, 0, 1));

	return (db_reply_row(&db, 200, 0));
}

/*
 * The profile as the body gives it, for the consistency checks; channel
 * bits and repeated channels from notify_channels.
 */
static void
profile_from_body(json_t *body, const char *phone, struct lc_profile *p,
    struct lc_errors *errs)
{
	json_t		*list, *v;
	size_t		i;
	unsigned	bit;

	memset(p, 0, sizeof(*p));
	p->phone = phone;
	p->date_of_birth = body_date(body, "date_of_birth");
	p->national_id = body_str(body, "national_id");
	p->ward_code = body_str(body, "ward_code");
	p->outside_district = json_is_true(json_object_get(body,
	    "outside_district"));
	p->address = body_str(body, "address");
	p->household_status = body_str(body, "household_status");
	p->household_cert_number = body_str(body, "household_cert_number");
	p->household_cert_issued_on = body_date(body,
	    "household_cert_issued_on");
	p->household_cert_valid_until = body_date(body,
	    "household_cert_valid_until");
	p->disability = json_is_true(json_object_get(body, "disability"));
	p->disability_level = body_str(body, "disability_level");
	p->disability_cert_number = body_str(body, "disability_cert_number");
	p->disability_cert_issued_on = body_date(body,
	    "disability_cert_issued_on");
	p->disability_cert_valid_until = body_date(body,
	    "disability_cert_valid_until");
	p->disability_details = body_str(body, "disability_details");

	if ((list = json_object_get(body, "notify_channels")) == NULL) {
		p->channels = LC_CH_EMAIL;
		return;
	}
	json_array_foreach(list, i, v) {
		bit = lc_channel_bit(json_string_value(v));
		if (p->channels & bit)
			lc_error(errs, NULL, "notify_channels",
			    "must not repeat a channel");
		p->channels |= bit;
	}
}

/* {email,sms}: a text[] literal of channels known to be plain words. */
static void
channels_literal(unsigned bits, char *buf, size_t len)
{
	size_t		off;

	off = (size_t)snprintf(buf, len, "{");
	if (bits & LC_CH_EMAIL)
		off += (size_t)snprintf(buf + off, len - off, "email,");
	if (bits & LC_CH_SMS)
		off += (size_t)snprintf(buf + off, len - off, "sms,");
	if (bits & LC_CH_ZALO)
		off += (size_t)snprintf(buf + off, len - off, "zalo,");
	/* The last comma becomes the closing brace. */
	if (off > 1)
		off--;
	(void)snprintf(buf + off, len - off, "}");
}

static int
profile_reply(struct db *db)
{
	struct api_ctx	*ctx = db->ctx;

	if (!profile_fetch(db, ctx->user.id))
		return (db_fail(db));
	if (db_rows(db) == 1 && !db_isnull(db, 0, 1))
		api_etag(ctx, db_int(db, 0, 1));

	return (db_reply_commit(db, 200));
}

int
profile_put(struct api_ctx *ctx)
{
	struct db		db;
	struct lc_profile	p;
	struct lc_errors	errs;
	json_t			*body;
	const char		*params[NCOLUMNS + 3], *v;
	char			uid[24], phone[VALID_PHONE_LEN], chan[32];
	char			sql[2048];
	size_t			i, off;
	int64_t			version;
	int			match;
	int32_t			today;

	/* If-Match is honoured when sent: the first save has no version. */
	if ((match = app_if_match_optional(ctx, &version)) == -1)
		return (KORE_RESULT_OK);
	if ((body = api_body(ctx, app_profile_fields)) == NULL)
		return (KORE_RESULT_OK);

	phone[0] = '\0';
	if ((v = body_str(body, "phone")) != NULL && v[0] != '\0')
		(void)valid_phone_normalize(v, phone, sizeof(phone));

	lc_errors_init(&errs);
	profile_from_body(body, phone[0] ? phone : NULL, &p, &errs);

	if (!db_open(&db, ctx)) {
		json_decref(body);
		return (KORE_RESULT_OK);
	}

	(void)snprintf(uid, sizeof(uid), "%lld", (long long)ctx->user.id);
	params[0] = uid;
	params[1] = p.ward_code;
	if (!db_begin(&db, "profile.update") ||
	    !db_exec(&db, "SELECT applications_today()::text, "
	    "$1::text IS NULL OR EXISTS (SELECT 1 FROM wards WHERE code = $1)",
	    1, params + 1) ||
	    !lc_date_parse(db_value(&db, 0, 0), &today)) {
		json_decref(body);
		return (db_fail(&db));
	}
	if (db_value(&db, 0, 1)[0] != 't')
		lc_error(&errs, NULL, "ward_code",
		    "must be a ward code from /api/reference");

	if (!db_exec(&db, "SELECT version FROM applicant_profiles "
	    "WHERE user_id = $1 FOR UPDATE", 1, params)) {
		json_decref(body);
		return (db_fail(&db));
	}
	if (match && (db_rows(&db) != 1 || db_int(&db, 0, 0) != version)) {
		json_decref(body);
		db_close(&db);
		return (api_error(ctx, 412, "precondition_failed",
		    "Your profile has changed since you read it: read it "
		    "again"));
	}

	lc_profile_check(&p, today, &errs);
	if (errs.n > 0) {
		json_decref(body);
		db_close(&db);
		return (api_error_fields(ctx, 422, "validation_failed",
		    "Some fields are not valid", app_errors_json(&errs)));
	}

	params[1] = body_str(body, "full_name");
	params[2] = phone[0] ? phone : NULL;
	params[3] = body_str(body, "locale");
	if (!db_exec(&db, "UPDATE users SET full_name = btrim($2), "
	    "phone = $3, locale = coalesce($4, locale) WHERE id = $1",
	    4, params)) {
		json_decref(body);
		return (db_fail(&db));
	}

	/*
	 * $1 the user, $2 ... the columns, then the channels and whether
	 * to keep the stored national ID (the body does not mention it).
	 */
	for (i = 0; i < NCOLUMNS; i++) {
		if (!strcmp(columns[i], "outside_district"))
			params[i + 1] = p.outside_district ? "true" : "false";
		else if (!strcmp(columns[i], "disability"))
			params[i + 1] = p.disability ? "true" : "false";
		else if (!strcmp(columns[i], "household_status"))
			params[i + 1] = p.household_status ?
			    p.household_status : "none";
		else
			params[i + 1] = body_str(body, columns[i]);
	}
	channels_literal(p.channels, chan, sizeof(chan));
	params[NCOLUMNS + 1] = chan;
	params[NCOLUMNS + 2] = json_object_get(body, "national_id") == NULL ?
	    "true" : "false";

	off = (size_t)snprintf(sql, sizeof(sql),
	    "INSERT INTO applicant_profiles AS p (user_id");
	for (i = 0; i < NCOLUMNS; i++)
		off += (size_t)snprintf(sql + off, sizeof(sql) - off, ", %s",
		    columns[i]);
	off += (size_t)snprintf(sql + off, sizeof(sql) - off,
	    ", notify_channels) VALUES ($1");
	for (i = 0; i < NCOLUMNS; i++)
		off += (size_t)snprintf(sql + off, sizeof(sql) - off, ", $%zu",
		    i + 2);
	off += (size_t)snprintf(sql + off, sizeof(sql) - off,
	    ", $%zu::text[]) ON CONFLICT (user_id) DO UPDATE SET ",
	    (size_t)NCOLUMNS + 2);
	for (i = 0; i < NCOLUMNS; i++) {
		if (!strcmp(columns[i], "national_id"))
			off += (size_t)snprintf(sql + off, sizeof(sql) - off,
			    "national_id = CASE WHEN $%zu::boolean "
			    "THEN p.national_id "
			    "ELSE EXCLUDED.national_id END, ",
			    (size_t)NCOLUMNS + 3);
		else
			off += (size_t)snprintf(sql + off, sizeof(sql) - off,
			    "%s = EXCLUDED.%s, ", columns[i], columns[i]);
	}
	(void)snprintf(sql + off, sizeof(sql) - off,
	    "notify_channels = EXCLUDED.notify_channels");

	if (!db_exec(&db, sql, NCOLUMNS + 3, params)) {
		json_decref(body);
		return (db_fail(&db));
	}
	json_decref(body);

	return (profile_reply(&db));
}

int
messages_mine(struct api_ctx *ctx)
{
	struct db	db;
	const char	*params[1];
	char		uid[24];

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);

	(void)snprintf(uid, sizeof(uid), "%lld", (long long)ctx->user.id);
	params[0] = uid;
	if (!db_exec(&db, "SELECT json_build_object('items', coalesce("
	    "  json_agg(json_build_object('id', o.id, 'channel', o.channel, "
	    "  'subject', o.subject, 'body', o.body, 'status', o.status, "
	    "  'created_at', o.created_at, 'sent_at', o.sent_at) "
	    "  ORDER BY o.id DESC), '[]'))::text "
	    "FROM (SELECT * FROM outbox WHERE user_id = $1 "
	    "      ORDER BY id DESC LIMIT 50) o", 1, params))
		return (db_fail(&db));

	return (db_reply_row(&db, 200, 0));
}
