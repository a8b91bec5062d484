/*
 * POST /api/priority/self-check: before she applies, a woman can see
 * which priority category she may claim and which certificate to upload,
 * from her household's monthly income per person and its number of
 * basic-service deprivations, judged by the national poverty standard in
 * force for her area (a row of poverty_standards: the thresholds are data).
 * Nothing is stored, and the answer says plainly that it grants nothing:
 * only staff verification of a valid certificate does.
 */

#include "sen.h"
#include "lib/priority.h"

#define SELFCHECK_TEXT		768

static const char *const	area_names[] = { "urban", "rural", NULL };

static const struct schema_field selfcheck_fields[] = {
	{ "income_per_person_vnd", SCHEMA_INT, SCHEMA_REQUIRED, 0,
	    PRIORITY_INCOME_MAX, NULL, NULL, NULL, NULL },
	{ "deprivations", SCHEMA_INT, SCHEMA_REQUIRED, 0, 12, NULL, NULL,
	    NULL, NULL },
	{ "disability", SCHEMA_BOOL, 0, 0, 0, NULL, NULL, NULL, NULL },
	{ "area", SCHEMA_ENUM, 0, 0, 0, area_names, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

/* 2000000 → "2.000.000" (sep '.') or "2,000,000" (sep ','). */
static void
format_vnd(char *out, size_t len, int64_t n, char sep)
{
	char	digits[32];
	size_t	i, o, nd;

	(void)snprintf(digits, sizeof(digits), "%lld", (long long)n);
	nd = strlen(digits);
	for (i = 0, o = 0; i < nd && o + 2 < len; i++) {
		if (i > 0 && (nd - i) % 3 == 0)
			out[o++] = sep;
		out[o++] = digits[i];
	}
	out[o] = '\0';
}

static json_t *
pair(const char *vi, const char *en)
{
	return (json_pack("{s:s, s:s}", "vi", vi, "en", en));
}

/* Why she falls where she falls, in both languages. */
static json_t *
explanation(int category, int64_t income, int deprivations,
    const struct poverty_standard *std, const char *name, int disability)
{
	char	vi[SELFCHECK_TEXT], en[SELFCHECK_TEXT];
	char	inc_vi[32], inc_en[32], line_vi[32], line_en[32];
	size_t	n;

	format_vnd(inc_vi, sizeof(inc_vi), income, '.');
	format_vnd(inc_en, sizeof(inc_en), income, ',');
	format_vnd(line_vi, sizeof(line_vi), std->income_line_vnd, '.');
	format_vnd(line_en, sizeof(line_en), std->income_line_vnd, ',');

	if (category == PRIORITY_NONE) {
		(void)snprintf(vi, sizeof(vi), "Thu nhập bình quân %s "
		    "đồng/người/tháng cao hơn chuẩn nghèo %s đồng: theo %s, "
		    "hộ của chị không thuộc diện hộ nghèo hay hộ cận nghèo.",
		    inc_vi, line_vi, name);
		(void)snprintf(en, sizeof(en), "An income of %s VND per "
		    "person per month is above the poverty line of %s VND: "
		    "under %s the household is neither poor nor near-poor.",
		    inc_en, line_en, name);
	} else {
		(void)snprintf(vi, sizeof(vi), "Thu nhập bình quân %s "
		    "đồng/người/tháng không cao hơn chuẩn nghèo %s đồng và hộ "
		    "thiếu hụt %d trên %d chỉ số dịch vụ xã hội cơ bản (%s %d "
		    "chỉ số): theo %s, hộ của chị thuộc diện %s.", inc_vi,
		    line_vi, deprivations, std->deprivation_count,
		    category == PRIORITY_POOR ? "từ" : "dưới",
		    std->poor_min_deprivations, name,
		    category == PRIORITY_POOR ? "hộ nghèo" : "hộ cận nghèo");
		(void)snprintf(en, sizeof(en), "An income of %s VND per "
		    "person per month is at or below the poverty line of %s "
		    "VND, and the household lacks %d of the %d basic social "
		    "services (%s %d): under %s the household is %s.", inc_en,
		    line_en, deprivations, std->deprivation_count,
		    category == PRIORITY_POOR ? "at least" : "fewer than",
		    std->poor_min_deprivations, name,
		    category == PRIORITY_POOR ? "poor" : "near-poor");
	}

	if (disability) {
		n = strlen(vi);
		(void)snprintf(vi + n, sizeof(vi) - n, " Chị cũng có thể đăng "
		    "ký ưu tiên dành cho người khuyết tật.");
		n = strlen(en);
		(void)snprintf(en + n, sizeof(en) - n, " You may also claim "
		    "the priority for persons with disabilities.");
	}

	return (pair(vi, en));
}

int
priority_selfcheck(struct api_ctx *ctx)
{
	struct db		db;
	struct poverty_standard	std;
	json_t			*body, *cats, *claims, *reply, *c, *standard;
	const char		*params[1], *area;
	char			msg[96];
	int64_t			income;
	int			deprivations, disability, category;

	if ((body = api_body(ctx, selfcheck_fields)) == NULL)
		return (KORE_RESULT_OK);

	income = json_integer_value(json_object_get(body,
	    "income_per_person_vnd"));
	deprivations = (int)json_integer_value(json_object_get(body,
	    "deprivations"));
	disability = json_is_true(json_object_get(body, "disability"));
	area = json_string_value(json_object_get(body, "area"));
	params[0] = area != NULL ? area : "urban";

	if (!db_open(&db, ctx)) {
		json_decref(body);
		return (KORE_RESULT_OK);
	}

	/* A read only: nothing about her is written anywhere. */
	if (!db_exec(&db,
	    "SELECT s.income_line_vnd, s.poor_min_deprivations, "
	    "  s.deprivation_count, json_build_object('name', s.name, "
	    "    'area', s.area, 'income_line_vnd', s.income_line_vnd, "
	    "    'poor_min_deprivations', s.poor_min_deprivations, "
	    "    'deprivation_count', s.deprivation_count, "
	    "    'valid_from', s.valid_from, 'valid_to', s.valid_to), "
	    "  s.name, "
	    "  (SELECT json_object_agg(p.code, json_build_object("
	    "    'category', p.code, "
	    "    'label', json_build_object('vi', p.label_vi, "
	    "      'en', p.label_en), "
	    "    'document_kind', p.document_kind, "
	    "    'certificate', json_build_object('vi', p.certificate_vi, "
	    "      'en', p.certificate_en), "
	    "    'issuer', json_build_object('vi', p.issuer_vi, "
	    "      'en', p.issuer_en))) FROM priority_categories p) "
	    "FROM poverty_standard_in_force($1, "
	    "  (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date) s "
	    "WHERE s.id IS NOT NULL", 1, params)) {
		json_decref(body);
		return (db_fail(&db));
	}
	json_decref(body);

	if (db_rows(&db) != 1) {
		db_close(&db);
		kore_log(LOG_ERR, "[%s] no poverty standard in force for %s",
		    ctx->request_id, params[0]);
		return (api_error(ctx, 503, "unavailable",
		    "No poverty standard is in force for this area yet"));
	}

	std.income_line_vnd = db_int(&db, 0, 0);
	std.poor_min_deprivations = (int)db_int(&db, 0, 1);
	std.deprivation_count = (int)db_int(&db, 0, 2);

	if (deprivations > std.deprivation_count) {
		db_close(&db);
		(void)snprintf(msg, sizeof(msg), "must be between 0 and %d",
		    std.deprivation_count);
		return (api_error_fields(ctx, 422, "validation_failed",
		    "Some fields are not valid",
		    json_pack("{s:s}", "deprivations", msg)));
	}

	category = priority_classify(&std, income, deprivations);
	if (category == PRIORITY_INVALID) {
		db_close(&db);
		kore_log(LOG_ERR, "[%s] unusable poverty standard for %s",
		    ctx->request_id, params[0]);
		return (api_error(ctx, 500, "internal", "Internal error"));
	}

	standard = json_loads(db_value(&db, 0, 3), 0, NULL);
	cats = json_loads(db_value(&db, 0, 5), 0, NULL);

	claims = json_array();
	if (category != PRIORITY_NONE &&
	    (c = json_object_get(cats, priority_category_name(category))))
		json_array_append(claims, c);
	if (disability &&
	    (c = json_object_get(cats, "disability")) != NULL)
		json_array_append(claims, c);

	reply = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o}",
	    "category", priority_category_name(category),
	    "claims", claims,
	    "explanation", explanation(category, income, deprivations, &std,
		db_value(&db, 0, 4), disability),
	    "hardship", category != PRIORITY_NONE ? json_null() :
		pair("Hộ có hoàn cảnh khó khăn không xác định theo thu nhập "
		"mà do UBND phường xác nhận. Nếu gia đình chị đang gặp khó "
		"khăn, chị hãy hỏi UBND phường nơi chị cư trú về giấy xác "
		"nhận hộ có hoàn cảnh khó khăn.",
		"A household in hardship is not worked out from income: "
		"the ward People's Committee certifies it. If your household "
		"faces hardship, ask your ward office about a hardship "
		"certificate."),
	    "standard", standard ? standard : json_null(),
	    "notice", pair("Kết quả tự kiểm tra chỉ để tham khảo: không "
		"được lưu lại và không mang lại quyền ưu tiên. Chị chỉ được "
		"cộng điểm ưu tiên khi cán bộ đã xác minh giấy chứng nhận "
		"còn hiệu lực mà chị tải lên cùng hồ sơ.",
		"This self-check is only a guide: nothing is stored and it "
		"grants no priority. Priority points are given only after "
		"staff have verified a valid certificate that you upload "
		"with your application."));
	json_decref(cats);
	db_close(&db);

	return (api_reply(ctx, 200, reply));
}
