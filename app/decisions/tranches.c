/*
 * Paying an award: its tranches as staff edit them (PUT
 * /api/awards/{id}/tranches), staff's approval of a tranche that no
 * check-in gates (POST /api/awards/{id}/tranches/{n}/approve), and the
 * payments (POST /api/awards/{id}/disbursements).  A tranche after the
 * first is paid once its gate, and those before it, are open: the
 * follow-up check-in that gates it was approved, or staff approved it.
 * The database refuses an over-payment, a payment of a tranche that is
 * not open and any change to a tranche paid from, whoever writes.
 */

#include "sen.h"
#include "decisions.h"

static const char *const	methods[] = {
	"bank_transfer", "cash", "mobile_money", NULL
};

static const struct schema_field tranche_fields[] = {
	{ "amount_vnd", SCHEMA_INT, SCHEMA_REQUIRED, 1, DEC_AMOUNT_MAX, NULL,
	    NULL, NULL, NULL },
	{ "gate_checkin", SCHEMA_INT, SCHEMA_NULLABLE, 1, DEC_CHECKINS_MAX,
	    NULL, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

static const struct schema_field tranche_item = {
	"tranche", SCHEMA_OBJECT, SCHEMA_REQUIRED, 0, 0, NULL, NULL,
	tranche_fields, NULL
};

static const struct schema_field tranches_fields[] = {
	{ "tranches", SCHEMA_ARRAY, SCHEMA_REQUIRED, 1, DEC_TRANCHES_MAX, NULL,
	    NULL, NULL, &tranche_item },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

static const struct schema_field approve_fields[] = {
	{ "note", SCHEMA_STRING, SCHEMA_NULLABLE | SCHEMA_MULTILINE, 1,
	    DEC_REASON_MAX, NULL, dec_not_blank, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

static const struct schema_field disbursement_fields[] = {
	{ "tranche", SCHEMA_INT, SCHEMA_REQUIRED, 1, DEC_TRANCHES_MAX, NULL,
	    NULL, NULL, NULL },
	{ "amount_vnd", SCHEMA_INT, SCHEMA_REQUIRED, 1, DEC_AMOUNT_MAX, NULL,
	    NULL, NULL, NULL },
	{ "paid_on", SCHEMA_DATE, SCHEMA_REQUIRED, 0, 0, NULL, NULL, NULL,
	    NULL },
	{ "method", SCHEMA_ENUM, SCHEMA_REQUIRED, 0, 0, methods, NULL, NULL,
	    NULL },
	{ "reference", SCHEMA_STRING, SCHEMA_REQUIRED, 1, 100, NULL,
	    dec_not_blank, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

/* The award, its tranches and payments as staff see them; ETag. */
static int
reply_award(struct db *db, int64_t award, int status)
{
	const char	*params[1];
	char		wid[24];

	dec_id(wid, sizeof(wid), award);
	params[0] = wid;
	if (!db_exec(db, "SELECT api_award(w, true)::text, w.version "
	    "FROM awards w WHERE w.id = $1", 1, params))
		return (db_fail(db));
	if (db_rows(db) == 1)
		api_etag(db->ctx, db_int(db, 0, 1));

	return (db_reply_commit(db, status));
}

/*
 * Lock call and award for a change to the award's payments, in the one
 * order every writer takes (call, award, tranche).  1 with the award's
 * status, version and amount; 0 when it replied.
 */
static int
lock_award(struct db *db, int64_t award, char *status, size_t len,
    int64_t *version, int64_t *amount)
{
	struct dec_call	 call;
	const char	*params[1];
	char		 wid[24];

	dec_id(wid, sizeof(wid), award);
	params[0] = wid;
	if (!db_exec(db, "SELECT call_id FROM awards WHERE id = $1", 1,
	    params)) {
		(void)db_fail(db);
		return (0);
	}
	if (db_rows(db) != 1) {
		db_close(db);
		(void)api_error(db->ctx, 404, "not_found", "No such award");
		return (0);
	}
	if (!dec_call_load(db, db_int(db, 0, 0), 1, &call))
		return (0);
	if (!db_exec(db, "SELECT status, version, amount_vnd FROM awards "
	    "WHERE id = $1 FOR UPDATE", 1, params)) {
		(void)db_fail(db);
		return (0);
	}
	(void)snprintf(status, len, "%s", db_value(db, 0, 0));
	*version = db_int(db, 0, 1);
	*amount = db_int(db, 0, 2);

	return (1);
}

int
award_tranches_put(struct api_ctx *ctx)
{
	struct db		 db;
	struct lc_errors	 errs;
	struct dec_tranche	 t[DEC_TRANCHES_MAX], old[DEC_TRANCHES_MAX];
	json_t			*body, *errors, *list, *v, *g;
	const char		*params[2];
	char			 wid[24], status[DEC_STATUS_LEN], msg[96];
	char			*text;
	int64_t			 want, version, amount;
	size_t			 n, nold, schedule, i;
	int			 row;

	if (!api_if_match(ctx, &want))
		return (KORE_RESULT_OK);
	errors = json_object();
	if ((body = api_body_collect(ctx, tranches_fields, errors)) == NULL) {
		json_decref(errors);
		return (KORE_RESULT_OK);
	}
	if (json_object_size(errors) > 0) {
		(void)api_fields_reply(ctx, errors);
		goto out;
	}

	if (!db_open(&db, ctx))
		goto out;
	if (!db_begin(&db, "awards.tranches")) {
		(void)db_fail(&db);
		goto out;
	}
	if (!lock_award(&db, ctx->params[0], status, sizeof(status), &version,
	    &amount))
		goto out;
	if (version != want) {
		db_close(&db);
		(void)api_error(ctx, 412, "precondition_failed", "The award "
		    "has changed since you read it: read it again");
		goto out;
	}
	if (strcmp(status, "active") != 0) {
		db_close(&db);
		(void)snprintf(msg, sizeof(msg), "The award has ended (%s): "
		    "its tranches stay as they are", status);
		(void)api_error(ctx, 409, "conflict", msg);
		goto out;
	}

	/* The tranches as they are, and the business's schedule. */
	dec_id(wid, sizeof(wid), ctx->params[0]);
	params[0] = wid;
	if (!db_exec(&db, "SELECT t.amount_vnd, coalesce(t.gate_checkin, 0), "
	    "  tranche_paid(t.id), (SELECT count(*) FROM followup_schedule s "
	    "    JOIN businesses b ON b.id = s.business_id "
	    "    JOIN awards w ON w.application_id = b.application_id "
	    "    WHERE w.id = $1) "
	    "FROM award_tranches t WHERE t.award_id = $1 ORDER BY t.number",
	    1, params)) {
		(void)db_fail(&db);
		goto out;
	}
	memset(old, 0, sizeof(old));
	nold = 0;
	schedule = 0;
	for (row = 0; row < db_rows(&db) && row < DEC_TRANCHES_MAX; row++) {
		old[row].amount = db_int(&db, row, 0);
		old[row].gate = (int)db_int(&db, row, 1);
		old[row].paid = db_int(&db, row, 2);
		schedule = (size_t)db_int(&db, row, 3);
		nold++;
	}

	memset(t, 0, sizeof(t));
	list = json_object_get(body, "tranches");
	n = json_array_size(list);
	json_array_foreach(list, i, v) {
		t[i].amount = json_integer_value(json_object_get(v,
		    "amount_vnd"));
		g = json_object_get(v, "gate_checkin");
		t[i].gate = json_is_integer(g) ? (int)json_integer_value(g) :
		    DEC_NO_GATE;
	}
	lc_errors_init(&errs);
	dec_tranches_check(amount, t, n, old, nold, schedule, &errs);
	if (errs.n > 0) {
		db_close(&db);
		(void)api_error_fields(ctx, 422, "validation_failed",
		    "The tranches cannot be set so", dec_errors_json(&errs));
		goto out;
	}

	text = json_dumps(list, JSON_COMPACT);
	params[1] = text;
	if (!db_exec(&db, "SELECT award_tranches_set($1, $2::jsonb)", 2,
	    params)) {
		free(text);
		(void)db_fail(&db);
		goto out;
	}
	free(text);
	(void)reply_award(&db, ctx->params[0], 200);

out:
	json_decref(body);
	json_decref(errors);
	return (KORE_RESULT_OK);
}

int
tranche_approve(struct api_ctx *ctx)
{
	struct db	 db;
	json_t		*body;
	const char	*params[4], *note;
	char		 wid[24], num[24], uid[24], msg[160];
	char		 status[DEC_STATUS_LEN];
	int64_t		 version, amount, tid;

	body = NULL;
	note = NULL;
	if (ctx->req->content_length > 0) {
		if ((body = api_body(ctx, approve_fields)) == NULL)
			return (KORE_RESULT_OK);
		note = json_string_value(json_object_get(body, "note"));
	}

	if (!db_open(&db, ctx))
		goto out;
	if (!db_begin(&db, "awards.approve_tranche")) {
		(void)db_fail(&db);
		goto out;
	}
	if (!lock_award(&db, ctx->params[0], status, sizeof(status), &version,
	    &amount))
		goto out;

	dec_id(wid, sizeof(wid), ctx->params[0]);
	dec_id(num, sizeof(num), ctx->params[1]);
	params[0] = wid;
	params[1] = num;
	if (!db_exec(&db, "SELECT id, gate_checkin, approved_at IS NOT NULL "
	    "FROM award_tranches WHERE award_id = $1 AND number = $2::int "
	    "FOR UPDATE", 2, params)) {
		(void)db_fail(&db);
		goto out;
	}
	if (db_rows(&db) != 1) {
		db_close(&db);
		(void)api_error(ctx, 404, "not_found", "No such tranche");
		goto out;
	}
	tid = db_int(&db, 0, 0);
	msg[0] = '\0';
	if (strcmp(status, "active") != 0)
		(void)snprintf(msg, sizeof(msg), "The award has ended (%s)",
		    status);
	else if (ctx->params[1] == 1)
		(void)snprintf(msg, sizeof(msg), "The first tranche is paid "
		    "once the award is made: it needs no approval");
	else if (!db_isnull(&db, 0, 1))
		(void)snprintf(msg, sizeof(msg), "Tranche %lld opens when "
		    "check-in %s of the follow-up is approved: review that "
		    "check-in instead", (long long)ctx->params[1],
		    db_value(&db, 0, 1));
	else if (db_value(&db, 0, 2)[0] == 't')
		(void)snprintf(msg, sizeof(msg), "Tranche %lld has been "
		    "approved already", (long long)ctx->params[1]);
	if (msg[0] != '\0') {
		db_close(&db);
		(void)api_error(ctx, 409, "conflict", msg);
		goto out;
	}

	dec_id(wid, sizeof(wid), tid);
	dec_id(uid, sizeof(uid), ctx->user.id);
	params[0] = wid;
	params[1] = uid;
	params[2] = note;
	if (!db_exec(&db, "UPDATE award_tranches SET approved_by = $2, "
	    "approved_at = now(), approval_note = nullif(btrim($3), '') "
	    "WHERE id = $1", 3, params)) {
		(void)db_fail(&db);
		goto out;
	}
	(void)reply_award(&db, ctx->params[0], 200);

out:
	json_decref(body);
	return (KORE_RESULT_OK);
}

int
disbursement_create(struct api_ctx *ctx)
{
	struct db	 db;
	json_t		*body;
	const char	*params[7];
	char		 wid[24], num[24], amount[24], uid[24];

	if ((body = api_body(ctx, disbursement_fields)) == NULL)
		return (KORE_RESULT_OK);

	dec_id(wid, sizeof(wid), ctx->params[0]);
	dec_id(num, sizeof(num), json_integer_value(json_object_get(body,
	    "tranche")));
	dec_id(amount, sizeof(amount), json_integer_value(json_object_get(body,
	    "amount_vnd")));
	dec_id(uid, sizeof(uid), ctx->user.id);
	params[0] = wid;
	params[1] = num;
	params[2] = amount;
	params[3] = json_string_value(json_object_get(body, "paid_on"));
	params[4] = json_string_value(json_object_get(body, "method"));
	params[5] = json_string_value(json_object_get(body, "reference"));
	params[6] = uid;

	if (!db_open(&db, ctx))
		goto out;
	if (!db_begin(&db, "awards.disburse")) {
		(void)db_fail(&db);
		goto out;
	}
	if (!db_exec(&db, "SELECT w.id, t.id, (SELECT count(*) "
	    "FROM award_tranches x WHERE x.award_id = w.id) "
	    "FROM awards w LEFT JOIN award_tranches t ON t.award_id = w.id "
	    "AND t.number = $2::int WHERE w.id = $1", 2, params)) {
		(void)db_fail(&db);
		goto out;
	}
	if (db_rows(&db) != 1) {
		db_close(&db);
		(void)api_error(ctx, 404, "not_found", "No such award");
		goto out;
	}
	if (db_isnull(&db, 0, 1)) {
		(void)snprintf(amount, sizeof(amount), "%s",
		    db_value(&db, 0, 2));
		db_close(&db);
		(void)api_error_fields(ctx, 422, "validation_failed",
		    "No such tranche", json_pack("{s:s+}", "tranche",
		    "must be a tranche of the award: 1 to ", amount));
		goto out;
	}
	if (!db_exec(&db, "INSERT INTO disbursements (award_id, tranche_id, "
	    "amount_vnd, paid_on, method, reference, recorded_by) "
	    "SELECT $1, t.id, $3, $4::date, $5, btrim($6), $7 "
	    "FROM award_tranches t WHERE t.award_id = $1 "
	    "AND t.number = $2::int", 7, params)) {
		(void)db_fail(&db);
		goto out;
	}
	(void)reply_award(&db, ctx->params[0], 201);

out:
	json_decref(body);
	return (KORE_RESULT_OK);
}
