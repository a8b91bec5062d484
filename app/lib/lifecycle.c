/*
 * The status machine of an application and the checks of what an
 * applicant enters (see lifecycle.h).  The database enforces the same
 * rules (application_transitions, applications_complete_check, the
 * profile's checks); these give the applicant every message at once, in
 * words, before the database would refuse the first.
 */

#include <stdio.h>
#include <string.h>

#include "lifecycle.h"
#include "schema.h"

/*
 * The same rows as application_transitions in migrations/0002_intake.sql
 * (tests/unit/test_lifecycle.c reads the migration and compares).
 */
static const struct lc_move	moves[] = {
	{ "draft", "submitted" },
	{ "submitted", "screening" },
	{ "screening", "eligible" },
	{ "screening", "ineligible" },
	{ "draft", "withdrawn" },
	{ "submitted", "withdrawn" },
	{ "screening", "withdrawn" },
	{ "eligible", "in_review" },
	{ "in_review", "reviewed" },
	{ "reviewed", "funded" },
	{ "reviewed", "waitlisted" },
	{ "reviewed", "rejected" },
	{ "waitlisted", "funded" },
	{ "funded", "in_followup" },
	{ "in_followup", "completed" },
	{ "in_followup", "closed" },
};

#define NMOVES		(sizeof(moves) / sizeof(moves[0]))

static const char *const	statuses[] = {
	"draft", "submitted", "screening", "eligible", "ineligible",
	"in_review", "reviewed", "funded", "waitlisted", "rejected",
	"in_followup", "completed", "closed", "withdrawn", NULL
};

const struct lc_move *
lc_moves(size_t *n)
{
	*n = NMOVES;
	return (moves);
}

int
lc_status_known(const char *s)
{
	size_t		i;

	if (s == NULL)
		return (0);
	for (i = 0; statuses[i] != NULL; i++) {
		if (!strcmp(statuses[i], s))
			return (1);
	}

	return (0);
}

int
lc_can_move(const char *from, const char *to)
{
	size_t		i;

	if (from == NULL || to == NULL)
		return (0);
	for (i = 0; i < NMOVES; i++) {
		if (!strcmp(moves[i].from, from) && !strcmp(moves[i].to, to))
			return (1);
	}

	return (0);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
int32_t
lc_days(int y, int m, int d)
{
	int32_t		era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return (era * 146097 + doe - 719468);
}

void
lc_civil(int32_t z, int *y, int *m, int *d)
{
	int32_t		era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

/* YYYY-MM-DD; 1 and the day in *out, or 0. */
int
lc_date_parse(const char *s, int32_t *out)
{
	if (s == NULL || !schema_date_valid(s))
		return (0);

	*out = lc_days((s[0] - '0') * 1000 + (s[1] - '0') * 100 +
	    (s[2] - '0') * 10 + (s[3] - '0'),
	    (s[5] - '0') * 10 + (s[6] - '0'),
	    (s[8] - '0') * 10 + (s[9] - '0'));

	return (1);
}

static int
month_days(int y, int m)
{
	static const int	days[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return (29);

	return (days[m - 1]);
}

/*
 * The same day n months later (or earlier), on the last day of the month
 * when it has fewer days: what PostgreSQL does for date ± interval, so
 * that C and the database agree on 29 February.
 */
int32_t
lc_add_months(int32_t day, int n)
{
	int		y, m, d, months;

	lc_civil(day, &y, &m, &d);
	months = y * 12 + (m - 1) + n;
	y = months / 12;
	m = months % 12 + 1;
	if (d > month_days(y, m))
		d = month_days(y, m);

	return (lc_days(y, m, d));
}

/* 18 or older on `today` (born on or before today minus 18 years). */
int
lc_adult(int32_t dob, int32_t today)
{
	return (dob <= lc_add_months(today, -12 * LC_ADULT_YEARS));
}

unsigned
lc_stage_bit(const char *s)
{
	if (s == NULL)
		return (0);
	if (!strcmp(s, "idea"))
		return (LC_STAGE_IDEA);
	if (!strcmp(s, "startup"))
		return (LC_STAGE_STARTUP);
	if (!strcmp(s, "new_business"))
		return (LC_STAGE_NEW_BUSINESS);

	return (0);
}

unsigned
lc_channel_bit(const char *s)
{
	if (s == NULL)
		return (0);
	if (!strcmp(s, "email"))
		return (LC_CH_EMAIL);
	if (!strcmp(s, "sms"))
		return (LC_CH_SMS);
	if (!strcmp(s, "zalo"))
		return (LC_CH_ZALO);

	return (0);
}

/* A citizen identity card (CCCD) number: exactly 12 digits. */
int
lc_national_id_ok(const char *s)
{
	size_t		i;

	if (s == NULL)
		return (0);
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (0);
	}

	return (i == 12);
}

/* Absent, empty or only white space. */
int
lc_blank(const char *s)
{
	if (s == NULL)
		return (1);
	for (; *s != '\0'; s++) {
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return (0);
	}

	return (1);
}

void
lc_errors_init(struct lc_errors *errs)
{
	memset(errs, 0, sizeof(*errs));
}

/* Only the first problem of a field is kept: it is the one to fix. */
void
lc_error(struct lc_errors *errs, const char *prefix, const char *field,
    const char *msg)
{
	char		path[LC_FIELD_LEN];

	(void)snprintf(path, sizeof(path), "%s%s", prefix ? prefix : "",
	    field);
	if (lc_error_get(errs, path) != NULL)
		return;
	if (errs->n == LC_MAX_ERRORS) {
		errs->overflow = 1;
		return;
	}

	(void)snprintf(errs->e[errs->n].field, LC_FIELD_LEN, "%s", path);
	(void)snprintf(errs->e[errs->n].msg, LC_MSG_LEN, "%s", msg);
	errs->n++;
}

const char *
lc_error_get(const struct lc_errors *errs, const char *field)
{
	size_t		i;

	for (i = 0; i < errs->n; i++) {
		if (!strcmp(errs->e[i].field, field))
			return (errs->e[i].msg);
	}

	return (NULL);
}

static int
date_set(int32_t d)
{
	return (d != LC_NODATE);
}

/*
 * Values that must agree with each other or with the calendar, whether
 * or not the application is complete: what a draft may not hold.
 */
void
lc_app_check(const struct lc_app *a, int32_t today, struct lc_errors *errs)
{
	if (a->team_size != LC_UNSET && a->women_employed != LC_UNSET &&
	    a->women_employed > a->team_size)
		lc_error(errs, NULL, "women_employed",
		    "must not be more than team_size");
	if (date_set(a->operating_since) && a->operating_since > today)
		lc_error(errs, NULL, "operating_since",
		    "must not be in the future");
	if (date_set(a->registered_on) && a->registered_on > today)
		lc_error(errs, NULL, "registered_on",
		    "must not be in the future");
}

static int
household_claimed(const char *status)
{
	return (status != NULL && strcmp(status, "none") != 0);
}

/* A certificate's dates: issued in the past, valid from its issue. */
static void
cert_dates(struct lc_errors *errs, const char *prefix, const char *issued,
    const char *valid, int32_t issued_on, int32_t valid_until, int32_t today)
{
	if (date_set(issued_on) && issued_on > today)
		lc_error(errs, prefix, issued, "must not be in the future");
	if (date_set(issued_on) && date_set(valid_until) &&
	    valid_until < issued_on)
		lc_error(errs, prefix, valid,
		    "must not be before the issue date");
}

/*
 * A profile as she saves it: each value consistent with the others.  It
 * may be incomplete (submission asks for what is missing).
 */
void
lc_profile_check(const struct lc_profile *p, int32_t today,
    struct lc_errors *errs)
{
	static const char	*hh_only = "is only for a household status "
				    "other than none";
	static const char	*dis_only = "is only for a declared disability";

	if (date_set(p->date_of_birth) && !lc_adult(p->date_of_birth, today))
		lc_error(errs, NULL, "date_of_birth", "must be 18 or older");
	if (p->national_id != NULL && !lc_national_id_ok(p->national_id))
		lc_error(errs, NULL, "national_id",
		    "must be the 12 digits of a citizen identity card (CCCD)");

	if (p->outside_district && p->ward_code != NULL)
		lc_error(errs, NULL, "outside_district",
		    "choose a ward or outside the district, not both");
	if (p->outside_district && lc_blank(p->address))
		lc_error(errs, NULL, "address",
		    "is required when you live outside the district");

	if (!household_claimed(p->household_status)) {
		if (p->household_cert_number != NULL)
			lc_error(errs, NULL, "household_cert_number", hh_only);
		if (date_set(p->household_cert_issued_on))
			lc_error(errs, NULL, "household_cert_issued_on",
			    hh_only);
		if (date_set(p->household_cert_valid_until))
			lc_error(errs, NULL, "household_cert_valid_until",
			    hh_only);
	}
	cert_dates(errs, NULL, "household_cert_issued_on",
	    "household_cert_valid_until", p->household_cert_issued_on,
	    p->household_cert_valid_until, today);

	if (!p->disability) {
		if (p->disability_level != NULL)
			lc_error(errs, NULL, "disability_level", dis_only);
		if (p->disability_cert_number != NULL)
			lc_error(errs, NULL, "disability_cert_number",
			    dis_only);
		if (date_set(p->disability_cert_issued_on))
			lc_error(errs, NULL, "disability_cert_issued_on",
			    dis_only);
		if (date_set(p->disability_cert_valid_until))
			lc_error(errs, NULL, "disability_cert_valid_until",
			    dis_only);
		if (p->disability_details != NULL)
			lc_error(errs, NULL, "disability_details", dis_only);
	}
	cert_dates(errs, NULL, "disability_cert_issued_on",
	    "disability_cert_valid_until", p->disability_cert_issued_on,
	    p->disability_cert_valid_until, today);

	if ((p->channels & (LC_CH_SMS | LC_CH_ZALO)) && lc_blank(p->phone))
		lc_error(errs, NULL, "notify_channels",
		    "sms and zalo need a phone number");
}

static void
required_text(struct lc_errors *errs, const char *field, const char *v)
{
	if (lc_blank(v))
		lc_error(errs, NULL, field, "is required");
}

static void
required_int(struct lc_errors *errs, const char *field, int64_t v)
{
	if (v == LC_UNSET)
		lc_error(errs, NULL, field, "is required");
}

static int
ward_listed(const struct lc_call *c, const char *ward)
{
	size_t		i;

	for (i = 0; i < c->nwards; i++) {
		if (!strcmp(c->wards[i], ward))
			return (1);
	}

	return (0);
}

/* The application's own fields, complete and within the call's rules. */
static void
submit_app(const struct lc_app *a, const struct lc_call *c, int32_t today,
    struct lc_errors *errs)
{
	char		msg[LC_MSG_LEN];
	int64_t		sum;
	size_t		i;
	unsigned	bit;

	if (!c->accepting)
		lc_error(errs, NULL, "call_id",
		    "the call is not accepting applications");

	required_text(errs, "business_name", a->business_name);
	required_text(errs, "stage", a->stage);
	required_text(errs, "sector", a->sector);
	required_text(errs, "description", a->description);
	required_text(errs, "problem_customers", a->problem_customers);
	required_text(errs, "plan", a->plan);
	required_int(errs, "team_size", a->team_size);
	required_int(errs, "women_employed", a->women_employed);
	required_int(errs, "jobs_planned", a->jobs_planned);
	required_int(errs, "amount_requested_vnd", a->amount_requested_vnd);
	required_int(errs, "women_capital_pct", a->women_capital_pct);
	if (a->woman_manager == LC_UNSET)
		lc_error(errs, NULL, "woman_manager", "is required");

	lc_app_check(a, today, errs);

	if ((bit = lc_stage_bit(a->stage)) != 0 && !(c->stages & bit))
		lc_error(errs, NULL, "stage",
		    "this call is not open to businesses at this stage");
	if (bit == LC_STAGE_STARTUP) {
		if (!date_set(a->operating_since))
			lc_error(errs, NULL, "operating_since",
			    "is required for a startup");
		else if (a->operating_since <= lc_add_months(today,
		    -LC_STARTUP_MONTHS))
			lc_error(errs, NULL, "operating_since",
			    "a startup must have been operating for less "
			    "than 12 months");
	}
	if (bit == LC_STAGE_NEW_BUSINESS) {
		if (!date_set(a->registered_on))
			lc_error(errs, NULL, "registered_on",
			    "is required for a new business");
		else if (a->registered_on <= lc_add_months(today,
		    -LC_NEW_BUSINESS_MONTHS))
			lc_error(errs, NULL, "registered_on",
			    "a new business must have been registered less "
			    "than 3 years ago");
	}

	if (a->amount_requested_vnd != LC_UNSET &&
	    a->amount_requested_vnd > c->max_award_vnd) {
		(void)snprintf(msg, sizeof(msg), "must not be more than the "
		    "call's maximum award of %lld VND",
		    (long long)c->max_award_vnd);
		lc_error(errs, NULL, "amount_requested_vnd", msg);
	}

	if (a->nlines == 0) {
		lc_error(errs, NULL, "budget_lines",
		    "add at least one line to the budget");
	} else if (a->amount_requested_vnd != LC_UNSET) {
		/* Each line is at most 10^12: 50 of them cannot overflow. */
		for (sum = 0, i = 0; i < a->nlines; i++)
			sum += a->line_amounts[i];
		if (sum != a->amount_requested_vnd) {
			(void)snprintf(msg, sizeof(msg), "the lines add up to "
			    "%lld VND, not the amount requested (%lld VND)",
			    (long long)sum, (long long)a->amount_requested_vnd);
			lc_error(errs, NULL, "budget_lines", msg);
		}
	}

	if (a->women_capital_pct != LC_UNSET &&
	    a->women_capital_pct < LC_WOMEN_CAPITAL_MIN)
		lc_error(errs, NULL, "women_capital_pct", "women must hold at "
		    "least 51 % of the capital (Decision 2415/QĐ-TTg)");
	if (a->woman_manager == 0)
		lc_error(errs, NULL, "woman_manager", "a woman must manage "
		    "the business (Decision 2415/QĐ-TTg)");
}

/* What her profile must hold before she may submit. */
static void
submit_profile(const struct lc_profile *p, const struct lc_call *c,
    int32_t today, struct lc_errors *errs)
{
	static const char	*pre = "profile.";

	if (lc_blank(p->phone))
		lc_error(errs, pre, "phone", "is required");
	if (!date_set(p->date_of_birth))
		lc_error(errs, pre, "date_of_birth", "is required");
	else if (!lc_adult(p->date_of_birth, today))
		lc_error(errs, pre, "date_of_birth", "must be 18 or older");
	if (p->national_id == NULL)
		lc_error(errs, pre, "national_id", "is required");

	if (p->outside_district) {
		if (lc_blank(p->address))
			lc_error(errs, pre, "address", "is required when you "
			    "live outside the district");
		if (!c->allow_outside_district)
			lc_error(errs, pre, "outside_district", "this call is "
			    "only open to residents of the district's wards");
	} else if (p->ward_code == NULL) {
		lc_error(errs, pre, "ward_code", "is required (or say that "
		    "you live outside the district)");
	} else if (!ward_listed(c, p->ward_code)) {
		lc_error(errs, pre, "ward_code",
		    "this call is not open to your ward");
	}

	if (household_claimed(p->household_status)) {
		if (lc_blank(p->household_cert_number))
			lc_error(errs, pre, "household_cert_number",
			    "is required for a household status");
		if (!date_set(p->household_cert_issued_on))
			lc_error(errs, pre, "household_cert_issued_on",
			    "is required for a household status");
		if (!date_set(p->household_cert_valid_until))
			lc_error(errs, pre, "household_cert_valid_until",
			    "is required for a household status");
	}

	/*
	 * Disability certificates (Law on Persons with Disabilities) carry
	 * no end of validity, so only the level, number and issue date are
	 * asked for.
	 */
	if (p->disability) {
		if (p->disability_level == NULL)
			lc_error(errs, pre, "disability_level",
			    "is required for a declared disability");
		if (lc_blank(p->disability_cert_number))
			lc_error(errs, pre, "disability_cert_number",
			    "is required for a declared disability");
		if (!date_set(p->disability_cert_issued_on))
			lc_error(errs, pre, "disability_cert_issued_on",
			    "is required for a declared disability");
	}
}

/* Everything at once, as on submission. */
void
lc_submit_check(const struct lc_app *a, const struct lc_profile *p,
    const struct lc_call *c, int32_t today, struct lc_errors *errs)
{
	submit_app(a, c, today, errs);
	submit_profile(p, c, today, errs);
}
