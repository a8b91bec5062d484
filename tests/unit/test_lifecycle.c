/*
 * lifecycle.c: the application status machine (against the migration's
 * application_transitions table), calendar arithmetic, and the checks of
 * profiles, drafts and submissions.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "lib/lifecycle.h"

#define MIGRATION	"migrations/0002_intake.sql"

static int32_t
D(const char *s)
{
	int32_t		d;

	if (!lc_date_parse(s, &d))
		fail_msg("bad date in a test: %s", s);

	return (d);
}

static char *
slurp(const char *path)
{
	FILE		*f;
	char		*buf;
	long		len;

	if ((f = fopen(path, "r")) == NULL)
		return (NULL);
	(void)fseek(f, 0, SEEK_END);
	len = ftell(f);
	(void)fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)len + 1);
	if (buf != NULL && fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		buf = NULL;
	}
	(void)fclose(f);

	return (buf);
}

/*
 * The ('from', 'to') pairs of INSERT INTO application_transitions in the
 * migration: the C table must hold exactly these.
 */
static void
test_moves_match_migration(void **state)
{
	const struct lc_move	*moves;
	char			*sql, *p, *end, from[32], to[32];
	size_t			n, i, found;
	int			pairs, matched;

	(void)state;
	if ((sql = slurp(getenv("SEN_MIGRATION") ? getenv("SEN_MIGRATION") :
	    MIGRATION)) == NULL)
		fail_msg("cannot read %s", MIGRATION);

	p = strstr(sql, "INSERT INTO application_transitions VALUES");
	assert_non_null(p);
	end = strchr(p, ';');
	assert_non_null(end);
	*end = '\0';

	moves = lc_moves(&n);
	pairs = 0;
	found = 0;
	while ((p = strchr(p, '(')) != NULL) {
		if (sscanf(p, "('%31[a-z_]', '%31[a-z_]')", from, to) != 2)
			fail_msg("unreadable transition near: %.40s", p);
		pairs++;
		matched = 0;
		for (i = 0; i < n; i++) {
			if (!strcmp(moves[i].from, from) &&
			    !strcmp(moves[i].to, to))
				matched = 1;
		}
		if (!matched)
			fail_msg("the migration allows %s → %s, lifecycle.c "
			    "does not", from, to);
		assert_true(lc_can_move(from, to));
		found++;
		p++;
	}
	free(sql);

	/* And nothing more: every C move was in the migration. */
	assert_int_equal(pairs, 16);
	assert_int_equal(found, n);
}

static void
test_can_move(void **state)
{
	static const char *const	all[] = {
		"draft", "submitted", "screening", "eligible", "ineligible",
		"in_review", "reviewed", "funded", "waitlisted", "rejected",
		"in_followup", "completed", "closed", "withdrawn"
	};
	const struct lc_move	*moves;
	size_t			n, i, allowed;

	(void)state;
	assert_true(lc_can_move("draft", "submitted"));
	assert_true(lc_can_move("submitted", "screening"));
	assert_true(lc_can_move("screening", "eligible"));
	assert_true(lc_can_move("screening", "ineligible"));
	assert_false(lc_can_move("submitted", "eligible"));
	assert_false(lc_can_move("draft", "screening"));
	assert_false(lc_can_move("eligible", "submitted"));
	assert_false(lc_can_move("submitted", "draft"));
	assert_false(lc_can_move("draft", "draft"));
	assert_false(lc_can_move("Draft", "submitted"));
	assert_false(lc_can_move(NULL, "submitted"));
	assert_false(lc_can_move("draft", NULL));
	assert_false(lc_can_move("draft", "approved"));

	/* Withdrawal: from draft, submitted or screening only. */
	allowed = 0;
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (lc_can_move(all[i], "withdrawn"))
			allowed++;
	}
	assert_int_equal(allowed, 3);
	assert_true(lc_can_move("screening", "withdrawn"));
	assert_false(lc_can_move("eligible", "withdrawn"));
	assert_false(lc_can_move("withdrawn", "draft"));

	/* Terminal states lead nowhere. */
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		assert_false(lc_can_move("withdrawn", all[i]));
		assert_false(lc_can_move("ineligible", all[i]));
		assert_false(lc_can_move("completed", all[i]));
	}

	moves = lc_moves(&n);
	for (i = 0; i < n; i++) {
		assert_true(lc_status_known(moves[i].from));
		assert_true(lc_status_known(moves[i].to));
	}
	assert_false(lc_status_known("approved"));
	assert_false(lc_status_known(NULL));
	assert_false(lc_status_known(""));
}

static void
test_dates(void **state)
{
	int32_t		d, z;
	int		y, m, dd;

	(void)state;
	assert_int_equal(lc_days(1970, 1, 1), 0);
	assert_int_equal(lc_days(1969, 12, 31), -1);
	assert_int_equal(lc_days(2000, 3, 1), 11017);
	assert_int_equal(lc_days(2026, 1, 1), 20454);

	for (z = -40000; z < 80000; z += 7) {
		lc_civil(z, &y, &m, &dd);
		assert_int_equal(lc_days(y, m, dd), z);
	}

	assert_true(lc_date_parse("2024-02-29", &d));
	assert_int_equal(d, lc_days(2024, 2, 29));
	assert_false(lc_date_parse("2023-02-29", &d));
	assert_false(lc_date_parse("2024-2-29", &d));
	assert_false(lc_date_parse("29/02/2024", &d));
	assert_false(lc_date_parse("", &d));
	assert_false(lc_date_parse(NULL, &d));

	/* The end of a shorter month, as PostgreSQL's date ± interval. */
	assert_int_equal(lc_add_months(D("2024-03-31"), -1), D("2024-02-29"));
	assert_int_equal(lc_add_months(D("2023-03-31"), -1), D("2023-02-28"));
	assert_int_equal(lc_add_months(D("2024-02-29"), -12), D("2023-02-28"));
	assert_int_equal(lc_add_months(D("2024-02-29"), 12), D("2025-02-28"));
	assert_int_equal(lc_add_months(D("2023-01-31"), 1), D("2023-02-28"));
	assert_int_equal(lc_add_months(D("2026-01-15"), -36), D("2023-01-15"));
	assert_int_equal(lc_add_months(D("2026-01-15"), -13), D("2024-12-15"));
	assert_int_equal(lc_add_months(D("2025-12-31"), 2), D("2026-02-28"));
	assert_int_equal(lc_add_months(D("2026-05-20"), 0), D("2026-05-20"));
}

static void
test_adult(void **state)
{
	(void)state;
	assert_true(lc_adult(D("2008-05-20"), D("2026-05-20")));
	assert_false(lc_adult(D("2008-05-21"), D("2026-05-20")));
	assert_true(lc_adult(D("1950-01-01"), D("2026-05-20")));
	/* Born on 29 February: 18 on 1 March in a common year. */
	assert_false(lc_adult(D("2008-02-29"), D("2026-02-28")));
	assert_true(lc_adult(D("2008-02-29"), D("2026-03-01")));
	assert_true(lc_adult(D("2008-02-28"), D("2026-02-28")));
}

static void
test_values(void **state)
{
	(void)state;
	assert_true(lc_national_id_ok("001188012345"));
	assert_false(lc_national_id_ok("00118801234"));
	assert_false(lc_national_id_ok("0011880123456"));
	assert_false(lc_national_id_ok("00118801234a"));
	assert_false(lc_national_id_ok("001188 12345"));
	assert_false(lc_national_id_ok(""));
	assert_false(lc_national_id_ok(NULL));

	assert_int_equal(lc_stage_bit("idea"), LC_STAGE_IDEA);
	assert_int_equal(lc_stage_bit("startup"), LC_STAGE_STARTUP);
	assert_int_equal(lc_stage_bit("new_business"), LC_STAGE_NEW_BUSINESS);
	assert_int_equal(lc_stage_bit("growth"), 0);
	assert_int_equal(lc_stage_bit(NULL), 0);
	assert_int_equal(lc_channel_bit("zalo"), LC_CH_ZALO);
	assert_int_equal(lc_channel_bit("fax"), 0);

	assert_true(lc_blank(NULL));
	assert_true(lc_blank(""));
	assert_true(lc_blank(" \t\n"));
	assert_false(lc_blank(" a "));
}

static void
test_errors(void **state)
{
	struct lc_errors	e;
	char			f[16];
	int			i;

	(void)state;
	lc_errors_init(&e);
	lc_error(&e, NULL, "stage", "first");
	lc_error(&e, NULL, "stage", "second");
	lc_error(&e, "profile.", "phone", "is required");
	assert_int_equal(e.n, 2);
	assert_string_equal(lc_error_get(&e, "stage"), "first");
	assert_string_equal(lc_error_get(&e, "profile.phone"), "is required");
	assert_null(lc_error_get(&e, "phone"));
	assert_false(e.overflow);

	for (i = 0; i < LC_MAX_ERRORS + 5; i++) {
		(void)snprintf(f, sizeof(f), "f%d", i);
		lc_error(&e, NULL, f, "x");
	}
	assert_int_equal(e.n, LC_MAX_ERRORS);
	assert_true(e.overflow);
}

/* A profile that may submit to the call below. */
static void
good_profile(struct lc_profile *p)
{
	memset(p, 0, sizeof(*p));
	p->phone = "+84912345678";
	p->date_of_birth = D("1988-03-15");
	p->national_id = "001188012345";
	p->ward_code = "00049";
	p->household_status = "none";
	p->household_cert_issued_on = LC_NODATE;
	p->household_cert_valid_until = LC_NODATE;
	p->disability_cert_issued_on = LC_NODATE;
	p->disability_cert_valid_until = LC_NODATE;
	p->channels = LC_CH_EMAIL;
}

static const int64_t	good_lines[] = { 18000000, 12000000 };

static void
good_app(struct lc_app *a)
{
	memset(a, 0, sizeof(*a));
	a->business_name = "Bánh cuốn";
	a->stage = "idea";
	a->sector = "food_beverage";
	a->description = "Bánh cuốn tráng tay.";
	a->problem_customers = "Người đi làm.";
	a->plan = "Mua nồi.";
	a->operating_since = LC_NODATE;
	a->registered_on = LC_NODATE;
	a->team_size = 3;
	a->women_employed = 2;
	a->jobs_planned = 2;
	a->amount_requested_vnd = 30000000;
	a->line_amounts = good_lines;
	a->nlines = 2;
	a->women_capital_pct = 100;
	a->woman_manager = 1;
}

static const char *const	wards[] = { "00037", "00049" };

static void
good_call(struct lc_call *c)
{
	memset(c, 0, sizeof(*c));
	c->accepting = 1;
	c->stages = LC_STAGE_IDEA | LC_STAGE_STARTUP | LC_STAGE_NEW_BUSINESS;
	c->max_award_vnd = 50000000;
	c->wards = wards;
	c->nwards = 2;
}

static void
test_profile_check(void **state)
{
	struct lc_profile	p;
	struct lc_errors	e;
	int32_t			today = D("2026-05-20");

	(void)state;
	good_profile(&p);
	lc_errors_init(&e);
	lc_profile_check(&p, today, &e);
	assert_int_equal(e.n, 0);

	/* An empty profile is consistent (submission asks for the rest). */
	memset(&p, 0, sizeof(p));
	p.date_of_birth = p.household_cert_issued_on = LC_NODATE;
	p.household_cert_valid_until = p.disability_cert_issued_on = LC_NODATE;
	p.disability_cert_valid_until = LC_NODATE;
	lc_errors_init(&e);
	lc_profile_check(&p, today, &e);
	assert_int_equal(e.n, 0);

	good_profile(&p);
	p.date_of_birth = D("2008-05-21");
	p.national_id = "12345";
	p.outside_district = 1;
	p.address = "Long Biên";
	p.household_cert_number = "X-1";
	p.household_cert_issued_on = D("2025-01-01");
	p.household_cert_valid_until = D("2026-01-01");
	p.disability_level = "mild";
	p.disability_cert_number = "K";
	p.disability_cert_issued_on = D("2020-01-01");
	p.disability_cert_valid_until = D("2030-01-01");
	p.disability_details = "x";
	p.channels = LC_CH_EMAIL | LC_CH_SMS;
	p.phone = NULL;
	lc_errors_init(&e);
	lc_profile_check(&p, today, &e);
	assert_non_null(lc_error_get(&e, "date_of_birth"));
	assert_non_null(lc_error_get(&e, "national_id"));
	assert_non_null(lc_error_get(&e, "outside_district"));
	assert_null(lc_error_get(&e, "address"));
	assert_non_null(lc_error_get(&e, "household_cert_number"));
	assert_non_null(lc_error_get(&e, "household_cert_issued_on"));
	assert_non_null(lc_error_get(&e, "household_cert_valid_until"));
	assert_non_null(lc_error_get(&e, "disability_level"));
	assert_non_null(lc_error_get(&e, "disability_cert_number"));
	assert_non_null(lc_error_get(&e, "disability_cert_issued_on"));
	assert_non_null(lc_error_get(&e, "disability_cert_valid_until"));
	assert_non_null(lc_error_get(&e, "disability_details"));
	assert_non_null(lc_error_get(&e, "notify_channels"));
	assert_int_equal(e.n, 12);

	/* Outside the district: an address, no ward. */
	good_profile(&p);
	p.ward_code = NULL;
	p.outside_district = 1;
	p.address = "  ";
	lc_errors_init(&e);
	lc_profile_check(&p, today, &e);
	assert_non_null(lc_error_get(&e, "address"));
	assert_int_equal(e.n, 1);

	/* Certificate dates: issued in the past, valid from the issue. */
	good_profile(&p);
	p.household_status = "poor";
	p.household_cert_issued_on = D("2026-05-21");
	p.household_cert_valid_until = D("2026-05-20");
	p.disability = 1;
	p.disability_cert_issued_on = D("2026-05-20");
	p.disability_cert_valid_until = D("2026-05-20");
	lc_errors_init(&e);
	lc_profile_check(&p, today, &e);
	assert_non_null(lc_error_get(&e, "household_cert_issued_on"));
	assert_non_null(lc_error_get(&e, "household_cert_valid_until"));
	assert_int_equal(e.n, 2);

	/* An expired certificate may be saved (verification refuses it). */
	good_profile(&p);
	p.household_status = "near_poor";
	p.household_cert_number = "HN";
	p.household_cert_issued_on = D("2024-01-01");
	p.household_cert_valid_until = D("2025-01-01");
	p.channels = LC_CH_ZALO;
	lc_errors_init(&e);
	lc_profile_check(&p, today, &e);
	assert_int_equal(e.n, 0);
}

static void
test_app_check(void **state)
{
	struct lc_app		a;
	struct lc_errors	e;
	int32_t			today = D("2026-05-20");

	(void)state;
	memset(&a, 0, sizeof(a));
	a.team_size = a.women_employed = LC_UNSET;
	a.operating_since = a.registered_on = LC_NODATE;
	lc_errors_init(&e);
	lc_app_check(&a, today, &e);
	assert_int_equal(e.n, 0);

	a.team_size = 2;
	a.women_employed = 2;
	a.operating_since = today;
	a.registered_on = today;
	lc_app_check(&a, today, &e);
	assert_int_equal(e.n, 0);

	a.women_employed = 3;
	a.operating_since = today + 1;
	a.registered_on = today + 1;
	lc_app_check(&a, today, &e);
	assert_non_null(lc_error_get(&e, "women_employed"));
	assert_non_null(lc_error_get(&e, "operating_since"));
	assert_non_null(lc_error_get(&e, "registered_on"));

	/* Women alone, the team unknown: nothing to compare with. */
	a.team_size = LC_UNSET;
	a.operating_since = a.registered_on = LC_NODATE;
	lc_errors_init(&e);
	lc_app_check(&a, today, &e);
	assert_int_equal(e.n, 0);
}

static size_t
submit_errors(const struct lc_app *a, const struct lc_profile *p,
    const struct lc_call *c, struct lc_errors *e)
{
	lc_errors_init(e);
	lc_submit_check(a, p, c, D("2026-05-20"), e);
	return (e->n);
}

static void
test_submit_complete(void **state)
{
	struct lc_app		a;
	struct lc_profile	p;
	struct lc_call		c;
	struct lc_errors	e;
	static const char *const	required[] = {
		"business_name", "stage", "sector", "description",
		"problem_customers", "plan", "team_size", "women_employed",
		"jobs_planned", "amount_requested_vnd", "budget_lines",
		"women_capital_pct", "woman_manager", "profile.phone",
		"profile.date_of_birth", "profile.national_id",
		"profile.ward_code", NULL
	};
	size_t			i;

	(void)state;
	good_app(&a);
	good_profile(&p);
	good_call(&c);
	assert_int_equal(submit_errors(&a, &p, &c, &e), 0);

	/* Nothing filled in: every field at once. */
	memset(&a, 0, sizeof(a));
	a.team_size = a.women_employed = a.jobs_planned = LC_UNSET;
	a.amount_requested_vnd = a.women_capital_pct = LC_UNSET;
	a.woman_manager = LC_UNSET;
	a.operating_since = a.registered_on = LC_NODATE;
	a.business_name = "   ";
	memset(&p, 0, sizeof(p));
	p.date_of_birth = p.household_cert_issued_on = LC_NODATE;
	p.household_cert_valid_until = p.disability_cert_issued_on = LC_NODATE;
	p.disability_cert_valid_until = LC_NODATE;
	submit_errors(&a, &p, &c, &e);
	for (i = 0; required[i] != NULL; i++) {
		if (lc_error_get(&e, required[i]) == NULL)
			fail_msg("%s is not reported missing", required[i]);
	}
	assert_int_equal(e.n, i);
	assert_string_equal(lc_error_get(&e, "stage"), "is required");
}

static void
test_submit_rules(void **state)
{
	struct lc_app		a;
	struct lc_profile	p;
	struct lc_call		c;
	struct lc_errors	e;
	int64_t			lines[2] = { 20000000, 10000001 };

	(void)state;
	good_profile(&p);
	good_call(&c);

	/* The call. */
	good_app(&a);
	c.accepting = 0;
	assert_int_equal(submit_errors(&a, &p, &c, &e), 1);
	assert_non_null(lc_error_get(&e, "call_id"));
	good_call(&c);

	/* Stages the call takes. */
	c.stages = LC_STAGE_STARTUP;
	assert_int_equal(submit_errors(&a, &p, &c, &e), 1);
	assert_non_null(lc_error_get(&e, "stage"));
	good_call(&c);

	/* Startup: operating under 12 months (today 2026-05-20). */
	a.stage = "startup";
	assert_int_equal(submit_errors(&a, &p, &c, &e), 1);
	assert_string_equal(lc_error_get(&e, "operating_since"),
	    "is required for a startup");
	a.operating_since = D("2025-05-20");
	assert_int_equal(submit_errors(&a, &p, &c, &e), 1);
	assert_non_null(lc_error_get(&e, "operating_since"));
	a.operating_since = D("2025-05-21");
	assert_int_equal(submit_errors(&a, &p, &c, &e), 0);
	a.operating_since = D("2026-05-21");
	assert_int_equal(submit_errors(&a, &p, &c, &e), 1);
	assert_string_equal(lc_error_get(&e, "operating_since"),
	    "must not be in the future");

	/* New business: registered under 3 years. */
	good_app(&a);
	a.stage = "new_business";
	assert_non_null((submit_errors(&a, &p, &c, &e),
	    lc_error_get(&e, "registered_on")));
	a.registered_on = D("2023-05-20");
	assert_int_equal(submit_errors(&a, &p, &c, &e), 1);
	assert_non_null(lc_error_get(&e, "registered_on"));
	a.registered_on = D("2023-05-21");
	assert_int_equal(submit_errors(&a, &p, &c, &e), 0);

	/* The maximum award. */
	good_app(&a);
	c.max_award_vnd = 29999999;
	assert_int_equal(submit_errors(&a, &p, &c, &e), 1);
	assert_non_null(strstr(lc_error_get(&e, "amount_requested_vnd"),
	    "29999999"));
	c.max_award_vnd = 30000000;
	assert_int_equal(submit_errors(&a, &p, &c, &e), 0);

	/* The budget adds up exactly. */
	a.line_amounts = lines;
	assert_int_equal(submit_errors(&a, &p, &c, &e), 1);
	assert_non_null(strstr(lc_error_get(&e, "budget_lines"), "30000001"));
	a.nlines = 0;
	assert_int_equal(submit_errors(&a, &p, &c, &e), 1);
	assert_non_null(lc_error_get(&e, "budget_lines"));
	lines[1] = 10000000;
	a.nlines = 2;
	assert_int_equal(submit_errors(&a, &p, &c, &e), 0);

	/* Women-owned: 51 % of the capital and a woman manager. */
	a.women_capital_pct = 50;
	a.woman_manager = 0;
	assert_int_equal(submit_errors(&a, &p, &c, &e), 2);
	assert_non_null(lc_error_get(&e, "women_capital_pct"));
	assert_non_null(lc_error_get(&e, "woman_manager"));
	a.women_capital_pct = 51;
	a.woman_manager = 1;
	assert_int_equal(submit_errors(&a, &p, &c, &e), 0);

	/* Women within the team. */
	a.women_employed = 4;
	assert_int_equal(submit_errors(&a, &p, &c, &e), 1);
	assert_non_null(lc_error_get(&e, "women_employed"));
}

static void
test_submit_profile(void **state)
{
	struct lc_app		a;
	struct lc_profile	p;
	struct lc_call		c;
	struct lc_errors	e;

	(void)state;
	good_app(&a);
	good_call(&c);

	/* A ward the call does not cover. */
	good_profile(&p);
	p.ward_code = "00088";
	assert_int_equal(submit_errors(&a, &p, &c, &e), 1);
	assert_non_null(lc_error_get(&e, "profile.ward_code"));

	/* Outside the district: only where the call allows it. */
	p.ward_code = NULL;
	p.outside_district = 1;
	p.address = "Gia Lâm";
	assert_int_equal(submit_errors(&a, &p, &c, &e), 1);
	assert_non_null(lc_error_get(&e, "profile.outside_district"));
	c.allow_outside_district = 1;
	assert_int_equal(submit_errors(&a, &p, &c, &e), 0);
	p.address = NULL;
	assert_int_equal(submit_errors(&a, &p, &c, &e), 1);
	assert_non_null(lc_error_get(&e, "profile.address"));

	/* Under 18 (a profile saved long ago cannot make her younger, but
	 * the rule holds whoever wrote the row). */
	good_profile(&p);
	p.date_of_birth = D("2008-05-21");
	assert_int_equal(submit_errors(&a, &p, &c, &e), 1);
	assert_non_null(lc_error_get(&e, "profile.date_of_birth"));

	/* A claimed household status needs its certificate. */
	good_profile(&p);
	p.household_status = "near_poor";
	assert_int_equal(submit_errors(&a, &p, &c, &e), 3);
	assert_non_null(lc_error_get(&e, "profile.household_cert_number"));
	assert_non_null(lc_error_get(&e, "profile.household_cert_issued_on"));
	assert_non_null(lc_error_get(&e,
	    "profile.household_cert_valid_until"));
	p.household_cert_number = "CN-1";
	p.household_cert_issued_on = D("2026-01-01");
	p.household_cert_valid_until = D("2026-12-31");
	assert_int_equal(submit_errors(&a, &p, &c, &e), 0);

	/* A disability: level, number and issue date; no end date. */
	p.disability = 1;
	assert_int_equal(submit_errors(&a, &p, &c, &e), 3);
	assert_non_null(lc_error_get(&e, "profile.disability_level"));
	assert_non_null(lc_error_get(&e, "profile.disability_cert_number"));
	assert_non_null(lc_error_get(&e, "profile.disability_cert_issued_on"));
	p.disability_level = "severe";
	p.disability_cert_number = "KT";
	p.disability_cert_issued_on = D("2010-01-01");
	assert_int_equal(submit_errors(&a, &p, &c, &e), 0);
}

int
unit_lifecycle(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_moves_match_migration),
		cmocka_unit_test(test_can_move),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_adult),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_profile_check),
		cmocka_unit_test(test_app_check),
		cmocka_unit_test(test_submit_complete),
		cmocka_unit_test(test_submit_rules),
		cmocka_unit_test(test_submit_profile),
	};

	return (cmocka_run_group_tests_name("lifecycle", tests, NULL, NULL));
}
