/*
 * GET /api/applications.csv: the filtered list of applications for a
 * spreadsheet (staff), in the same order as the JSON list, at most
 * EXPORT_MAX rows.  Personal data leaves the system here, so every
 * export is written to the audit log with its filters, in the same
 * transaction as the read.
 */

#include <time.h>

#include "sen.h"
#include "lib/csv.h"
#include "list.h"

#define EXPORT_MAX		50000
#define EXPORT_BATCH		5000
#define EXPORT_BATCH_SQL	"5000"
#define EXPORT_COLUMNS		12
#define EXPORT_AMOUNT_COLUMN	8

/* The export's filters, for the audit log. */
static json_t *
export_detail(struct list_query *lq, int rows)
{
	struct kore_buf	q;
	json_t		*f;
	int		i;

	f = json_object();
	if (lq->call_id[0])
		json_object_set_new(f, "call_id", json_string(lq->call_id));
	if (lq->status[0])
		json_object_set_new(f, "status", json_string(lq->status));
	if (lq->ward[0])
		json_object_set_new(f, "ward", json_string(lq->ward));
	if (lq->stage[0])
		json_object_set_new(f, "stage", json_string(lq->stage));
	if (lq->sector[0])
		json_object_set_new(f, "sector", json_string(lq->sector));
	if (lq->claimed[0])
		json_object_set_new(f, "claimed", json_string(lq->claimed));
	if (lq->verified[0])
		json_object_set_new(f, "verified", json_string(lq->verified));
	if (lq->from[0])
		json_object_set_new(f, "submitted_from", json_string(lq->from));
	if (lq->to[0])
		json_object_set_new(f, "submitted_to", json_string(lq->to));
	if (lq->nterms > 0) {
		/* The words of q, as they were searched for. */
		kore_buf_init(&q, Q_MAX + 1);
		for (i = 0; i < lq->nterms; i++)
			kore_buf_appendf(&q, "%s%s", i ? " " : "",
			    lq->terms[i]);
		json_object_set_new(f, "q", json_string(
		    kore_buf_stringify(&q, NULL)));
		kore_buf_cleanup(&q);
	}

	return (json_pack("{s:o, s:s, s:s, s:i}", "filters", f,
	    "sort", lq->sort->name, "order", lq->desc ? "desc" : "asc",
	    "rows", rows));
}

/* The rows of the last result into the CSV document. */
static void
export_rows(struct db *db, struct csv_buf *csv)
{
	const char	*v;
	int		i, col, rows;

	rows = db_rows(db);
	for (i = 0; i < rows; i++) {
		for (col = 0; col < EXPORT_COLUMNS; col++) {
			if (db_isnull(db, i, col)) {
				csv_field(csv, NULL, 0, CSV_TEXT);
				continue;
			}
			v = db_value(db, i, col);
			csv_field(csv, v, (size_t)PQgetlength(db->sql.result,
			    i, col), col == EXPORT_AMOUNT_COLUMN ? CSV_NUMBER :
			    CSV_TEXT);
		}
		csv_end_record(csv);
	}
}

/*
 * The export query runs as a cursor and is read EXPORT_BATCH rows at a
 * time: memory stays bounded per batch, and libpq never grows one
 * result's row array past the size where glibc would mremap() it (which
 * the sandbox refuses).  Returns the rows read, or -1 on a database
 * error (nothing replied yet).
 */
static int
export_fetch(struct db *db, struct sqlb *s, struct csv_buf *csv)
{
	static const char *const	header[EXPORT_COLUMNS] = {
		"reference", "status", "call", "applicant", "business_name",
		"stage", "sector", "ward", "amount_requested_vnd",
		"submitted_at", "claimed", "verified"
	};
	int				col, n, total;

	if (!db_exec(db, "SET LOCAL cursor_tuple_fraction = 1", 0, NULL) ||
	    !db_exec(db, kore_buf_stringify(&s->buf, NULL), s->n, s->params))
		return (-1);

	csv_bom(csv);
	for (col = 0; col < EXPORT_COLUMNS; col++)
		csv_field(csv, header[col], strlen(header[col]), CSV_TEXT);
	csv_end_record(csv);

	total = 0;
	do {
		if (!db_exec(db, "FETCH " EXPORT_BATCH_SQL " FROM export", 0,
		    NULL))
			return (-1);
		n = db_rows(db);
		total += n;
		if (total > EXPORT_MAX)
			break;
		export_rows(db, csv);
	} while (n == EXPORT_BATCH);

	return (total);
}

int
applications_export(struct api_ctx *ctx)
{
	struct list_query	lq;
	struct sqlb		s;
	struct db		db;
	struct csv_buf		csv;
	json_t			*errs;
	struct tm		tm;
	time_t			now;
	char			disp[64], day[16];
	int			rows, ret;

	errs = json_object();
	list_parse(ctx, &lq, 1, errs);

	if (!db_open(&db, ctx)) {
		json_decref(errs);
		return (KORE_RESULT_OK);
	}
	if (!list_check(ctx, &db, &lq, errs))
		return (KORE_RESULT_OK);

	memset(&s, 0, sizeof(s));
	kore_buf_init(&s.buf, 2048);
	kore_buf_appendf(&s.buf,
	    "DECLARE export NO SCROLL CURSOR FOR "
	    "SELECT a.reference, a.status, "
	    "  CASE $%d::text WHEN 'en' THEN c.title_en ELSE c.title_vi END, "
	    "  u.full_name, a.business_name, a.stage, a.sector, "
	    "  CASE WHEN a.outside_district THEN 'outside' ELSE w.name_vi END, "
	    "  a.amount_requested_vnd, "
	    "  to_char(a.submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh', "
	    "    'YYYY-MM-DD HH24:MI:SS'), "
	    "  cl.claimed, cl.verified "
	    "FROM applications a "
	    "JOIN calls c ON c.id = a.call_id "
	    "JOIN users u ON u.id = a.applicant_id "
	    "LEFT JOIN wards w ON w.code = a.ward_code "
	    "LEFT JOIN LATERAL (SELECT "
	    "  string_agg(pc.category, ' ' ORDER BY pc.category) AS claimed, "
	    "  string_agg(pc.category, ' ' ORDER BY pc.category) "
	    "    FILTER (WHERE pc.status = 'verified') AS verified "
	    "  FROM priority_claims pc WHERE pc.application_id = a.id) cl "
	    "  ON true",
	    sqlb_param(&s, ctx->user.locale[0] ? ctx->user.locale : "vi"));
	list_where(&s, &lq);
	list_order(&s, &lq);
	/* One more than allowed, to know that there are too many. */
	kore_buf_appendf(&s.buf, " LIMIT %d", EXPORT_MAX + 1);

	/* The read and its audit row commit together. */
	csv_init(&csv);
	if (!db_begin(&db, "applications.export") ||
	    (rows = export_fetch(&db, &s, &csv)) == -1) {
		kore_buf_cleanup(&s.buf);
		csv_free(&csv);
		return (db_fail(&db));
	}
	kore_buf_cleanup(&s.buf);

	if (rows > EXPORT_MAX) {
		csv_free(&csv);
		db_close(&db);
		return (api_error_fields(ctx, 400, "validation_failed",
		    "The export would hold more than 50000 applications: "
		    "narrow it down with filters",
		    json_pack("{s:s}", "filters", "match more than 50000 "
		    "applications")));
	}
	if (csv.oom) {
		csv_free(&csv);
		db_close(&db);
		kore_log(LOG_ERR, "[%s] export: out of memory",
		    ctx->request_id);
		return (api_error(ctx, 500, "internal", "Internal error"));
	}

	if (!audit_event(&db, "applications.export", "applications", 0,
	    export_detail(&lq, rows)) || !db_commit(&db)) {
		csv_free(&csv);
		return (db_fail(&db));
	}
	db_close(&db);

	/* Hà Nội is UTC+7 all year (no summer time). */
	now = time(NULL) + 7 * 3600;
	(void)gmtime_r(&now, &tm);
	(void)strftime(day, sizeof(day), "%Y%m%d", &tm);
	(void)snprintf(disp, sizeof(disp),
	    "attachment; filename=\"applications-%s.csv\"", day);
	api_header(ctx, "content-disposition", disp);

	ret = api_reply_text(ctx, 200, csv.data, csv.len,
	    "text/csv; charset=utf-8");
	csv_free(&csv);

	return (ret);
}
