/*
 * The audit log.  Row changes are recorded by a trigger on every audited
 * table (migrations/0001), inside the same transaction and with the actor,
 * action and request id that db_begin() put in the transaction's
 * settings.  Events that change no row of their own (a login, a logout)
 * are written here, also inside the caller's transaction.
 */

#include "sen.h"

/* Takes the reference to detail (may be NULL). */
int
audit_event(struct db *db, const char *action, const char *entity,
    int64_t id, json_t *detail)
{
	const char	*params[7];
	char		actor[24], eid[24], *after;
	int		ret;

	(void)snprintf(actor, sizeof(actor), "%lld",
	    (long long)db->ctx->user.id);
	(void)snprintf(eid, sizeof(eid), "%lld", (long long)id);
	after = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
	json_decref(detail);

	params[0] = db->ctx->user.id ? actor : NULL;
	params[1] = action;
	params[2] = entity;
	params[3] = id ? eid : NULL;
	params[4] = after;
	params[5] = db->ctx->request_id;
	params[6] = db->ctx->client_ip;

	ret = db_exec(db,
	    "INSERT INTO audit_log (actor_id, action, entity, entity_id, "
	    "  after, request_id, client_ip) "
	    "VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)", 7, params);
	free(after);

	return (ret);
}
