/*
 * The bodies of the profile, application and screening endpoints, as
 * schema tables (lib/schema.h): here, without Kore, so that the fuzzers
 * (tests/fuzz/) and unit tests check the very tables the handlers use.
 */

#include "lib/lifecycle.h"
#include "lib/valid.h"
#include "app_fields.h"

const char *
app_not_blank(const char *s)
{
	return (lc_blank(s) ? "must not be blank" : NULL);
}

static const char *const stages[] = {
	"idea", "startup", "new_business", NULL
};

static const char *
sector_code(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((*s < 'a' || *s > 'z') && *s != '_')
			return ("must be a sector code from /api/reference");
	}

	return (NULL);
}

static const struct schema_field line_fields[] = {
	{ "item", SCHEMA_STRING, SCHEMA_REQUIRED, 1, 200, NULL, NULL, NULL,
	    NULL },
	{ "amount_vnd", SCHEMA_INT, SCHEMA_REQUIRED, 1, APP_AMOUNT_MAX, NULL,
	    NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

static const struct schema_field line_item = {
	"line", SCHEMA_OBJECT, SCHEMA_REQUIRED, 0, 0, NULL, NULL, line_fields,
	NULL
};

/* The fields of a draft, all optional and nullable (null clears). */
#define DRAFT_FIELDS \
	{ "business_name", SCHEMA_STRING, SCHEMA_NULLABLE, 1, 200, NULL,    \
	    app_not_blank, NULL, NULL },                                    \
	{ "stage", SCHEMA_ENUM, SCHEMA_NULLABLE, 0, 0, stages, NULL, NULL,  \
	    NULL },                                                         \
	{ "sector", SCHEMA_STRING, SCHEMA_NULLABLE, 1, 40, NULL,            \
	    sector_code, NULL, NULL },                                      \
	{ "operating_since", SCHEMA_DATE, SCHEMA_NULLABLE, 0, 0, NULL,      \
	    NULL, NULL, NULL },                                             \
	{ "registered_on", SCHEMA_DATE, SCHEMA_NULLABLE, 0, 0, NULL, NULL,  \
	    NULL, NULL },                                                   \
	{ "description", SCHEMA_STRING, SCHEMA_NULLABLE | SCHEMA_MULTILINE, \
	    0, 5000, NULL, NULL, NULL, NULL },                              \
	{ "problem_customers", SCHEMA_STRING,                               \
	    SCHEMA_NULLABLE | SCHEMA_MULTILINE, 0, 5000, NULL, NULL, NULL,  \
	    NULL },                                                         \
	{ "plan", SCHEMA_STRING, SCHEMA_NULLABLE | SCHEMA_MULTILINE, 0,     \
	    5000, NULL, NULL, NULL, NULL },                                 \
	{ "team_size", SCHEMA_INT, SCHEMA_NULLABLE, 0, APP_COUNT_MAX, NULL, \
	    NULL, NULL, NULL },                                             \
	{ "women_employed", SCHEMA_INT, SCHEMA_NULLABLE, 0, APP_COUNT_MAX,  \
	    NULL, NULL, NULL, NULL },                                       \
	{ "jobs_planned", SCHEMA_INT, SCHEMA_NULLABLE, 0, APP_COUNT_MAX,    \
	    NULL, NULL, NULL, NULL },                                       \
	{ "amount_requested_vnd", SCHEMA_INT, SCHEMA_NULLABLE, 1,           \
	    APP_AMOUNT_MAX, NULL, NULL, NULL, NULL },                       \
	{ "budget_lines", SCHEMA_ARRAY, SCHEMA_NULLABLE, 0, APP_LINES_MAX,  \
	    NULL, NULL, NULL, &line_item },                                 \
	{ "women_capital_pct", SCHEMA_INT, SCHEMA_NULLABLE, 0, 100, NULL,   \
	    NULL, NULL, NULL },                                             \
	{ "woman_manager", SCHEMA_BOOL, SCHEMA_NULLABLE, 0, 0, NULL, NULL,  \
	    NULL, NULL }

const struct schema_field app_create_fields[] = {
	{ "call_id", SCHEMA_INT, SCHEMA_REQUIRED, 1, INT64_MAX, NULL, NULL,
	    NULL, NULL },
	DRAFT_FIELDS,
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

const struct schema_field app_update_fields[] = {
	DRAFT_FIELDS,
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

const struct schema_field app_withdraw_fields[] = {
	{ "reason", SCHEMA_STRING, SCHEMA_NULLABLE | SCHEMA_MULTILINE, 0,
	    APP_REASON_MAX, NULL, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

static const char *const categories[] = {
	"poor", "near_poor", "hardship", "disability", NULL
};

const struct schema_field app_screen_fields[] = {
	{ "eligible", SCHEMA_BOOL, SCHEMA_REQUIRED, 0, 0, NULL, NULL, NULL,
	    NULL },
	{ "reason", SCHEMA_STRING, SCHEMA_NULLABLE | SCHEMA_MULTILINE, 0,
	    APP_REASON_MAX, NULL, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

const struct schema_field app_priority_fields[] = {
	{ "category", SCHEMA_ENUM, SCHEMA_REQUIRED, 0, 0, categories, NULL,
	    NULL, NULL },
	{ "verified", SCHEMA_BOOL, SCHEMA_REQUIRED, 0, 0, NULL, NULL, NULL,
	    NULL },
	{ "note", SCHEMA_STRING, SCHEMA_NULLABLE | SCHEMA_MULTILINE, 0,
	    APP_REASON_MAX, NULL, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

static const char *const households[] = {
	"none", "hardship", "near_poor", "poor", NULL
};
static const char *const levels[] = {
	"mild", "severe", "especially_severe", NULL
};
static const char *const channels[] = { "email", "sms", "zalo", NULL };
static const char *const profile_locales[] = { "vi", "en", NULL };

static const char *
check_national_id(const char *s)
{
	return (lc_national_id_ok(s) ? NULL :
	    "must be the 12 digits of a citizen identity card (CCCD)");
}

static const char *
check_ward_code(const char *s)
{
	size_t		i;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			break;
	}

	return (i == 5 && s[i] == '\0' ? NULL :
	    "must be a ward code from /api/reference");
}

static const struct schema_field channel_item = {
	"channel", SCHEMA_ENUM, SCHEMA_REQUIRED, 0, 0, channels, NULL, NULL,
	NULL
};

const struct schema_field app_profile_fields[] = {
	{ "full_name", SCHEMA_STRING, SCHEMA_REQUIRED, 1, 200, NULL, NULL,
	    NULL, NULL },
	{ "phone", SCHEMA_STRING, SCHEMA_NULLABLE, 0, 20, NULL, valid_phone,
	    NULL, NULL },
	{ "locale", SCHEMA_ENUM, 0, 0, 0, profile_locales, NULL, NULL, NULL },
	{ "date_of_birth", SCHEMA_DATE, SCHEMA_NULLABLE, 0, 0, NULL, NULL,
	    NULL, NULL },
	{ "national_id", SCHEMA_STRING, SCHEMA_NULLABLE, 0, 12, NULL,
	    check_national_id, NULL, NULL },
	{ "ward_code", SCHEMA_STRING, SCHEMA_NULLABLE, 0, 5, NULL,
	    check_ward_code, NULL, NULL },
	{ "outside_district", SCHEMA_BOOL, 0, 0, 0, NULL, NULL, NULL, NULL },
	{ "address", SCHEMA_STRING, SCHEMA_NULLABLE, 1, 300, NULL,
	    app_not_blank, NULL, NULL },
	{ "household_status", SCHEMA_ENUM, 0, 0, 0, households, NULL, NULL,
	    NULL },
	{ "household_cert_number", SCHEMA_STRING, SCHEMA_NULLABLE, 1, 60,
	    NULL, app_not_blank, NULL, NULL },
	{ "household_cert_issued_on", SCHEMA_DATE, SCHEMA_NULLABLE, 0, 0,
	    NULL, NULL, NULL, NULL },
	{ "household_cert_valid_until", SCHEMA_DATE, SCHEMA_NULLABLE, 0, 0,
	    NULL, NULL, NULL, NULL },
	{ "disability", SCHEMA_BOOL, 0, 0, 0, NULL, NULL, NULL, NULL },
	{ "disability_level", SCHEMA_ENUM, SCHEMA_NULLABLE, 0, 0, levels,
	    NULL, NULL, NULL },
	{ "disability_cert_number", SCHEMA_STRING, SCHEMA_NULLABLE, 1, 60,
	    NULL, app_not_blank, NULL, NULL },
	{ "disability_cert_issued_on", SCHEMA_DATE, SCHEMA_NULLABLE, 0, 0,
	    NULL, NULL, NULL, NULL },
	{ "disability_cert_valid_until", SCHEMA_DATE, SCHEMA_NULLABLE, 0, 0,
	    NULL, NULL, NULL, NULL },
	{ "disability_details", SCHEMA_STRING,
	    SCHEMA_NULLABLE | SCHEMA_MULTILINE, 0, 2000, NULL, NULL, NULL,
	    NULL },
	{ "notify_channels", SCHEMA_ARRAY, 0, 1, 3, NULL, NULL, NULL,
	    &channel_item },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};
