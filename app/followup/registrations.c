/*
 * Registrations for trainings.  A woman registers from the portal and
 * gets a seat while there is one, else a place on the waiting list; when
 * a registered woman cancels, the first one waiting gets her seat and is
 * told.  Staff record who came.  Seats, order and the rest are the
 * database's (training_register, training_cancel, training_promote,
 * training_attendance in migrations/0006_followup.sql), under the
 * session's row lock, so two women can never take the last seat.
 */

#include "sen.h"
#include "followup.h"

static const struct schema_field attendance_fields[] = {
	{ "user_id", SCHEMA_INT, SCHEMA_REQUIRED, 1, INT64_MAX, NULL, NULL,
	    NULL, NULL },
	{ "attended", SCHEMA_BOOL, SCHEMA_REQUIRED, 0, 0, NULL, NULL, NULL,
	    NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

/* Run one of the training functions, answer with the session. */
static int
act(struct api_ctx *ctx, const char *action, const char *sql, int status,
    int staff)
{
	struct db	db;
	const char	*params[3];
	char		tid[24], uid[24];

	fu_id(tid, sizeof(tid), ctx->params[0]);
	fu_id(uid, sizeof(uid), ctx->user.id);
	params[0] = tid;
	params[1] = uid;
	params[2] = staff ? "true" : "false";

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!db_begin(&db, action) || !db_exec(&db, sql, 2, params) ||
	    !db_exec(&db, "SELECT api_training(t, $2, $3::boolean)::text "
	    "FROM trainings t WHERE t.id = $1", 3, params))
		return (db_fail(&db));

	return (db_reply_commit(&db, status));
}

/* POST /api/trainings/{id}/register: 201, a seat or the waiting list. */
int
trainings_register(struct api_ctx *ctx)
{
	return (act(ctx, "trainings.register",
	    "SELECT training_register($1, $2, now())", 201, 0));
}

/* DELETE /api/trainings/{id}/register: before the session starts. */
int
trainings_unregister(struct api_ctx *ctx)
{
	return (act(ctx, "trainings.unregister",
	    "SELECT training_cancel($1, $2, now())", 200, 0));
}

/* POST /api/trainings/{id}/attendance {user_id, attended} */
int
trainings_attendance(struct api_ctx *ctx)
{
	struct db	db;
	json_t		*body;
	const char	*params[4];
	char		tid[24], who[24], uid[24];

	if ((body = api_body(ctx, attendance_fields)) == NULL)
		return (KORE_RESULT_OK);

	fu_id(tid, sizeof(tid), ctx->params[0]);
	fu_id(who, sizeof(who), json_integer_value(json_object_get(body,
	    "user_id")));
	fu_id(uid, sizeof(uid), ctx->user.id);
	params[0] = tid;
	params[1] = who;
	params[2] = json_is_true(json_object_get(body, "attended")) ?
	    "true" : "false";
	params[3] = uid;
	json_decref(body);

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!db_begin(&db, "trainings.attendance") ||
	    !db_exec(&db, "SELECT training_attendance($1, $2, $3::boolean, "
	    "$4, now())", 4, params))
		return (db_fail(&db));

	params[1] = uid;
	if (!db_exec(&db, "SELECT api_training(t, $2, true)::text "
	    "FROM trainings t WHERE t.id = $1", 2, params))
		return (db_fail(&db));

	return (db_reply_commit(&db, 200));
}

/* GET /api/me/trainings: her registrations and attendance. */
int
trainings_mine(struct api_ctx *ctx)
{
	struct db	db;
	const char	*params[1];
	char		uid[24];

	fu_id(uid, sizeof(uid), ctx->user.id);
	params[0] = uid;

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!db_exec(&db, "SELECT api_my_trainings($1)::text", 1, params))
		return (db_fail(&db));

	return (db_reply_row(&db, 200, 0));
}
