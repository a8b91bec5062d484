/*
 * The bodies of the check-in endpoints, as schema tables (lib/schema.h):
 * here, without Kore, so that the fuzzers (tests/fuzz/) check the very
 * tables the handlers use.
 */

#include "lib/followup.h"
#include "checkin_fields.h"

const char *
fu_not_blank(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return (NULL);
	}

	return ("must not be blank");
}

static const char *const	registrations[] = {
	"not_registered", "in_progress", "household_business", "cooperative",
	"enterprise", NULL
};
static const char *const	households[] = {
	"none", "hardship", "near_poor", "poor", NULL
};
static const char *const	decisions[] = { "approve", "return", NULL };

static const struct schema_field workers_fields[] = {
	{ "women", SCHEMA_INT, SCHEMA_REQUIRED, 0, FU_COUNT_MAX, NULL, NULL,
	    NULL, NULL },
	{ "men", SCHEMA_INT, SCHEMA_REQUIRED, 0, FU_COUNT_MAX, NULL, NULL,
	    NULL, NULL },
	{ "with_disability", SCHEMA_INT, SCHEMA_REQUIRED, 0, FU_COUNT_MAX,
	    NULL, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

static const struct schema_field funds_fields[] = {
	{ "line", SCHEMA_INT, SCHEMA_REQUIRED, 1, FU_LINES_MAX, NULL, NULL,
	    NULL, NULL },
	{ "used_vnd", SCHEMA_INT, SCHEMA_REQUIRED, 0, FU_AMOUNT_MAX, NULL,
	    NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

static const struct schema_field funds_item = {
	"line", SCHEMA_OBJECT, SCHEMA_REQUIRED, 0, 0, NULL, NULL, funds_fields,
	NULL
};
static const struct schema_field milestone_item = {
	"milestone", SCHEMA_STRING, SCHEMA_REQUIRED, 1, 200, NULL,
	fu_not_blank, NULL, NULL
};
static const struct schema_field support_item = {
	"area", SCHEMA_STRING, SCHEMA_REQUIRED, 1, 40, NULL, NULL, NULL, NULL
};

const struct schema_field fu_checkin_fields[] = {
	{ "schedule_number", SCHEMA_INT, 0, 1, FU_MONTHS_MAX, NULL, NULL,
	    NULL, NULL },
	{ "operating", SCHEMA_BOOL, SCHEMA_REQUIRED, 0, 0, NULL, NULL, NULL,
	    NULL },
	{ "closed_reason", SCHEMA_STRING, SCHEMA_NULLABLE | SCHEMA_MULTILINE,
	    1, FU_REASON_MAX, NULL, fu_not_blank, NULL, NULL },
	{ "registration_status", SCHEMA_ENUM, SCHEMA_REQUIRED, 0, 0,
	    registrations, NULL, NULL, NULL },
	{ "revenue_vnd", SCHEMA_INT, SCHEMA_NULLABLE, 0, FU_AMOUNT_MAX, NULL,
	    NULL, NULL, NULL },
	{ "profit_vnd", SCHEMA_INT, SCHEMA_NULLABLE, -FU_AMOUNT_MAX,
	    FU_AMOUNT_MAX, NULL, NULL, NULL, NULL },
	{ "workers", SCHEMA_OBJECT, SCHEMA_NULLABLE, 0, 0, NULL, NULL,
	    workers_fields, NULL },
	{ "jobs_created", SCHEMA_INT, SCHEMA_NULLABLE, 0, FU_COUNT_MAX, NULL,
	    NULL, NULL, NULL },
	{ "jobs_created_women", SCHEMA_INT, SCHEMA_NULLABLE, 0, FU_COUNT_MAX,
	    NULL, NULL, NULL, NULL },
	{ "funds_used", SCHEMA_ARRAY, SCHEMA_NULLABLE, 0, FU_LINES_MAX, NULL,
	    NULL, NULL, &funds_item },
	{ "milestones", SCHEMA_ARRAY, SCHEMA_NULLABLE, 0, FU_MILESTONES_MAX,
	    NULL, NULL, NULL, &milestone_item },
	{ "household_status", SCHEMA_ENUM, SCHEMA_REQUIRED, 0, 0, households,
	    NULL, NULL, NULL },
	{ "challenges", SCHEMA_STRING, SCHEMA_NULLABLE | SCHEMA_MULTILINE, 0,
	    FU_REASON_MAX, NULL, NULL, NULL, NULL },
	{ "support_needed", SCHEMA_ARRAY, SCHEMA_NULLABLE, 0, FU_SUPPORT_MAX,
	    NULL, NULL, NULL, &support_item },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

const struct schema_field fu_checkin_review_fields[] = {
	{ "decision", SCHEMA_ENUM, SCHEMA_REQUIRED, 0, 0, decisions, NULL,
	    NULL, NULL },
	{ "comment", SCHEMA_STRING, SCHEMA_NULLABLE | SCHEMA_MULTILINE, 0,
	    FU_REASON_MAX, NULL, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};
