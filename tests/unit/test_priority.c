/*
 * priority.c: the self-check's classification at its boundaries, the
 * points a policy gives to verified categories, and the rubric checks.
 */

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "unit.h"
#include "lib/priority.h"

/* Decree 07/2021/NĐ-CP, urban areas. */
static const struct poverty_standard	urban = { 2000000, 3, 12 };

static void
test_classify_boundaries(void **state)
{
	(void)state;

	/* At the line: poor with 3 deprivations, near-poor with 2. */
	assert_int_equal(priority_classify(&urban, 2000000, 3), PRIORITY_POOR);
	assert_int_equal(priority_classify(&urban, 2000000, 2),
	    PRIORITY_NEAR_POOR);
	/* One dong above the line: neither, whatever the deprivations. */
	assert_int_equal(priority_classify(&urban, 2000001, 12),
	    PRIORITY_NONE);
	assert_int_equal(priority_classify(&urban, 2000001, 0), PRIORITY_NONE);
	/* Far below. */
	assert_int_equal(priority_classify(&urban, 0, 0), PRIORITY_NEAR_POOR);
	assert_int_equal(priority_classify(&urban, 0, 12), PRIORITY_POOR);
	assert_int_equal(priority_classify(&urban, 1999999, 4), PRIORITY_POOR);
}

static void
test_classify_follows_the_data(void **state)
{
	struct poverty_standard	rural = { 1500000, 3, 12 };
	struct poverty_standard	stricter = { 2000000, 5, 12 };
	struct poverty_standard	fewer = { 2000000, 2, 6 };

	(void)state;

	/* The same household, another line. */
	assert_int_equal(priority_classify(&urban, 1800000, 3), PRIORITY_POOR);
	assert_int_equal(priority_classify(&rural, 1800000, 3), PRIORITY_NONE);
	assert_int_equal(priority_classify(&rural, 1500000, 3), PRIORITY_POOR);
	/* Another minimum. */
	assert_int_equal(priority_classify(&stricter, 1000000, 4),
	    PRIORITY_NEAR_POOR);
	assert_int_equal(priority_classify(&stricter, 1000000, 5),
	    PRIORITY_POOR);
	/* Another number of indicators. */
	assert_int_equal(priority_classify(&fewer, 1000000, 6), PRIORITY_POOR);
	assert_int_equal(priority_classify(&fewer, 1000000, 7),
	    PRIORITY_INVALID);
}

static void
test_classify_invalid(void **state)
{
	struct poverty_standard	bad;

	(void)state;

	assert_int_equal(priority_classify(&urban, -1, 0), PRIORITY_INVALID);
	assert_int_equal(priority_classify(&urban, 0, -1), PRIORITY_INVALID);
	assert_int_equal(priority_classify(&urban, 0, 13), PRIORITY_INVALID);
	assert_int_equal(priority_classify(&urban, PRIORITY_INCOME_MAX + 1, 0),
	    PRIORITY_INVALID);
	assert_int_equal(priority_classify(NULL, 0, 0), PRIORITY_INVALID);

	bad = urban;
	bad.income_line_vnd = 0;
	assert_int_equal(priority_classify(&bad, 0, 0), PRIORITY_INVALID);
	bad = urban;
	bad.poor_min_deprivations = 13;
	assert_int_equal(priority_classify(&bad, 0, 12), PRIORITY_INVALID);
	bad = urban;
	bad.poor_min_deprivations = 0;
	assert_int_equal(priority_classify(&bad, 0, 0), PRIORITY_INVALID);
}

static struct priority_policy
demo_policy(int combine, int cap)
{
	struct priority_policy	p;

	memset(&p, 0, sizeof(p));
	p.bonus[PRIORITY_POOR] = 10;
	p.bonus[PRIORITY_NEAR_POOR] = 7;
	p.bonus[PRIORITY_HARDSHIP] = 5;
	p.bonus[PRIORITY_DISABILITY] = 5;
	p.combine = combine;
	p.cap = cap;
	p.reserved_share_pct = 30;

	return (p);
}

static void
test_points_sum(void **state)
{
	struct priority_policy	p = demo_policy(PRIORITY_COMBINE_SUM, 15);

	(void)state;

	assert_int_equal(priority_points(&p, 0), 0);
	assert_int_equal(priority_points(&p, PRIORITY_BIT(PRIORITY_POOR)), 10);
	assert_int_equal(priority_points(&p,
	    PRIORITY_BIT(PRIORITY_NEAR_POOR)), 7);
	assert_int_equal(priority_points(&p,
	    PRIORITY_BIT(PRIORITY_DISABILITY)), 5);
	/* Household category plus disability: 7 + 5 under the cap. */
	assert_int_equal(priority_points(&p, PRIORITY_BIT(PRIORITY_NEAR_POOR) |
	    PRIORITY_BIT(PRIORITY_DISABILITY)), 12);
	/* 10 + 5 is exactly the cap. */
	assert_int_equal(priority_points(&p, PRIORITY_BIT(PRIORITY_POOR) |
	    PRIORITY_BIT(PRIORITY_DISABILITY)), 15);
	/* Everything at once is capped. */
	assert_int_equal(priority_points(&p, PRIORITY_ALL), 15);

	p.cap = 100;
	assert_int_equal(priority_points(&p, PRIORITY_ALL), 27);
	p.cap = 0;
	assert_int_equal(priority_points(&p, PRIORITY_ALL), 0);
}

static void
test_points_max(void **state)
{
	struct priority_policy	p = demo_policy(PRIORITY_COMBINE_MAX, 8);

	(void)state;

	assert_int_equal(priority_points(&p, 0), 0);
	assert_int_equal(priority_points(&p,
	    PRIORITY_BIT(PRIORITY_NEAR_POOR) |
	    PRIORITY_BIT(PRIORITY_DISABILITY)), 7);
	/* The largest (10) is over the cap. */
	assert_int_equal(priority_points(&p, PRIORITY_BIT(PRIORITY_POOR) |
	    PRIORITY_BIT(PRIORITY_HARDSHIP)), 8);
	p.cap = 100;
	assert_int_equal(priority_points(&p, PRIORITY_ALL), 10);
	assert_int_equal(priority_points(&p,
	    PRIORITY_BIT(PRIORITY_HARDSHIP)), 5);
}

static void
test_points_invalid(void **state)
{
	struct priority_policy	p;

	(void)state;

	p = demo_policy(PRIORITY_COMBINE_SUM, 15);
	assert_null(priority_policy_check(&p));
	assert_int_equal(priority_points(&p, PRIORITY_BIT(PRIORITY_NCATEGORIES)),
	    -1);
	assert_int_equal(priority_points(NULL, 0), -1);

	p.combine = 0;
	assert_string_equal(priority_policy_check(&p), "combine");
	assert_int_equal(priority_points(&p, 0), -1);

	p = demo_policy(PRIORITY_COMBINE_SUM, 101);
	assert_string_equal(priority_policy_check(&p), "cap");
	p = demo_policy(PRIORITY_COMBINE_SUM, 15);
	p.bonus[PRIORITY_HARDSHIP] = -1;
	assert_string_equal(priority_policy_check(&p), "bonus");
	p.bonus[PRIORITY_HARDSHIP] = 101;
	assert_string_equal(priority_policy_check(&p), "bonus");
	p = demo_policy(PRIORITY_COMBINE_MAX, 15);
	p.reserved_share_pct = 101;
	assert_string_equal(priority_policy_check(&p), "reserved_share_pct");
	p.reserved_share_pct = 100;
	assert_null(priority_policy_check(&p));
}

static void
test_names(void **state)
{
	int	c;

	(void)state;

	for (c = 0; c < PRIORITY_NCATEGORIES; c++)
		assert_int_equal(priority_category(priority_category_name(c)),
		    c);
	assert_int_equal(priority_category("poor"), PRIORITY_POOR);
	assert_int_equal(priority_category("disability"), PRIORITY_DISABILITY);
	assert_int_equal(priority_category("none"), PRIORITY_INVALID);
	assert_int_equal(priority_category("Poor"), PRIORITY_INVALID);
	assert_int_equal(priority_category(NULL), PRIORITY_INVALID);
	assert_string_equal(priority_category_name(PRIORITY_NONE), "none");
	assert_null(priority_category_name(PRIORITY_NCATEGORIES));
	assert_null(priority_category_name(PRIORITY_INVALID));

	assert_int_equal(priority_combine("sum"), PRIORITY_COMBINE_SUM);
	assert_int_equal(priority_combine("max"), PRIORITY_COMBINE_MAX);
	assert_int_equal(priority_combine("avg"), 0);
	assert_int_equal(priority_combine(NULL), 0);
}

static void
test_rubric_key(void **state)
{
	(void)state;

	assert_null(priority_rubric_key_check("impact"));
	assert_null(priority_rubric_key_check("a"));
	assert_null(priority_rubric_key_check("team_2026"));
	/* 40 characters is the most. */
	assert_null(priority_rubric_key_check(
	    "abcdefghijabcdefghijabcdefghijabcdefghij"));
	assert_non_null(priority_rubric_key_check(
	    "abcdefghijabcdefghijabcdefghijabcdefghijk"));
	assert_non_null(priority_rubric_key_check(""));
	assert_non_null(priority_rubric_key_check("Impact"));
	assert_non_null(priority_rubric_key_check("1st"));
	assert_non_null(priority_rubric_key_check("_x"));
	assert_non_null(priority_rubric_key_check("tác_động"));
	assert_non_null(priority_rubric_key_check("market-fit"));
	assert_non_null(priority_rubric_key_check("a b"));
}

static json_t *
criterion(const char *key, int weight)
{
	return (json_pack("{s:s, s:{s:s, s:s}, s:i, s:i}", "key", key,
	    "label", "vi", "Tiêu chí", "en", "Criterion", "max_score", 10,
	    "weight", weight));
}

static void
test_rubric_check(void **state)
{
	json_t	*r, *errors;
	char	key[16];
	int	i;

	(void)state;

	/* impact 30, feasibility 30, market 20, team 20. */
	r = json_pack("[o, o, o, o]", criterion("impact", 30),
	    criterion("feasibility", 30), criterion("market", 20),
	    criterion("team", 20));
	errors = json_object();
	assert_int_equal(priority_rubric_check(r, "rubric", errors), 1);
	assert_int_equal(json_object_size(errors), 0);

	/* 99 and 101 are both wrong, and the message says the sum. */
	json_object_set_new(json_array_get(r, 3), "weight", json_integer(19));
	assert_int_equal(priority_rubric_check(r, "rubric", errors), 0);
	assert_string_equal(json_string_value(json_object_get(errors,
	    "rubric")), "weights must sum to 100 (they sum to 99)");
	json_object_clear(errors);
	json_object_set_new(json_array_get(r, 3), "weight", json_integer(21));
	assert_int_equal(priority_rubric_check(r, "rubric", errors), 0);
	assert_non_null(json_object_get(errors, "rubric"));
	json_object_clear(errors);

	/* A repeated key is reported on the repeat, with the sum problem. */
	json_object_set_new(json_array_get(r, 3), "key", json_string("impact"));
	assert_int_equal(priority_rubric_check(r, "rubric", errors), 0);
	assert_non_null(json_object_get(errors, "rubric[3].key"));
	assert_null(json_object_get(errors, "rubric[0].key"));
	assert_non_null(json_object_get(errors, "rubric"));
	json_decref(r);
	json_object_clear(errors);

	/* A weight missing: the schema reports it, the sum is not judged. */
	r = json_pack("[{s:s}]", "key", "impact");
	assert_int_equal(priority_rubric_check(r, "rubric", errors), 0);
	assert_null(json_object_get(errors, "rubric"));
	json_decref(r);

	/* Empty, too many, not an array. */
	r = json_array();
	assert_int_equal(priority_rubric_check(r, "rubric", errors), 0);
	assert_non_null(json_object_get(errors, "rubric"));
	json_object_clear(errors);
	for (i = 0; i < 20; i++) {
		(void)snprintf(key, sizeof(key), "k%d", i);
		json_array_append_new(r, criterion(key, 5));
	}
	assert_int_equal(priority_rubric_check(r, "rubric", errors), 1);
	json_array_append_new(r, criterion("extra", 0));
	assert_int_equal(priority_rubric_check(r, "rubric", errors), 0);
	assert_non_null(json_object_get(errors, "rubric"));
	json_decref(r);
	json_object_clear(errors);

	r = json_object();
	assert_int_equal(priority_rubric_check(r, "rubric", errors), 0);
	json_decref(r);

	/* A single criterion weighing 100 is a rubric. */
	r = json_pack("[o]", criterion("overall", 100));
	json_object_clear(errors);
	assert_int_equal(priority_rubric_check(r, "rubric", errors), 1);
	assert_int_equal(json_object_size(errors), 0);
	json_decref(r);
	json_decref(errors);
}

int
unit_priority(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_classify_boundaries),
		cmocka_unit_test(test_classify_follows_the_data),
		cmocka_unit_test(test_classify_invalid),
		cmocka_unit_test(test_points_sum),
		cmocka_unit_test(test_points_max),
		cmocka_unit_test(test_points_invalid),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_rubric_key),
		cmocka_unit_test(test_rubric_check),
	};

	return (cmocka_run_group_tests_name("priority", tests, NULL, NULL));
}
