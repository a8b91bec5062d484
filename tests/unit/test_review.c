/*
 * review.c: the rubric a review is checked against, the field table its
 * scores go through (schema.c), partial saves, the running weighted total
 * and what a submission needs.  Totals are worked out by hand in the
 * comments.
 */

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "lib/ranking.h"
#include "lib/review.h"

#define U	RANK_UNIT

/* impact 0..10 weight 60, feasibility 0..10 weight 40. */
static const char	*rubric2 =
    "[{\"key\": \"impact\", \"max_score\": 10, \"weight\": 60},"
    " {\"key\": \"feasibility\", \"max_score\": 10, \"weight\": 40}]";

/* a 0..3 weight 50, b 0..7 weight 30, c 0..5 weight 20. */
static const char	*rubric3 =
    "[{\"key\": \"a\", \"max_score\": 3, \"weight\": 50},"
    " {\"key\": \"b\", \"max_score\": 7, \"weight\": 30},"
    " {\"key\": \"c\", \"max_score\": 5, \"weight\": 20}]";

static json_t *
js(const char *text)
{
	json_error_t	 err;
	json_t		*v;

	if ((v = json_loads(text, JSON_DECODE_ANY, &err)) == NULL)
		fail_msg("bad JSON in test: %s: %s", text, err.text);

	return (v);
}

static void
load(struct review_rubric *r, const char *text)
{
	json_t	*v = js(text);

	assert_int_equal(review_rubric_load(r, v), 1);
	json_decref(v);
}

static int
loads(const char *text)
{
	struct review_rubric	 r;
	json_t			*v = js(text);
	int			 ok;

	ok = review_rubric_load(&r, v);
	json_decref(v);
	if (!ok)
		assert_int_equal(r.n, 0);

	return (ok);
}

static const char *
err_of(json_t *errors, const char *field)
{
	return (json_string_value(json_object_get(errors, field)));
}

/* n criteria k0, k1, ... of weight 1. */
static const char *
many(char *buf, size_t len, size_t n)
{
	size_t	i, off;

	off = (size_t)snprintf(buf, len, "[");
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s{\"key\": "
		    "\"k%zu\", \"max_score\": 4, \"weight\": 1}",
		    i ? ", " : "", i);
	(void)snprintf(buf + off, len - off, "]");

	return (buf);
}

static void
test_rubric_load(void **state)
{
	struct review_rubric	r;
	char			buf[8192];

	(void)state;
	load(&r, rubric3);
	assert_int_equal(r.n, 3);
	assert_string_equal(r.c[1].key, "b");
	assert_int_equal(r.c[1].max_score, 7);
	assert_int_equal(r.c[1].weight, 30);
	/* One nullable integer 0..max per criterion, then the end. */
	assert_string_equal(r.fields[2].name, "c");
	assert_int_equal(r.fields[2].type, SCHEMA_INT);
	assert_int_equal(r.fields[2].flags, SCHEMA_NULLABLE);
	assert_int_equal(r.fields[2].min, 0);
	assert_int_equal(r.fields[2].max, 5);
	assert_null(r.fields[3].name);

	assert_int_equal(loads("[]"), 0);
	assert_int_equal(loads("{}"), 0);
	assert_int_equal(loads("null"), 0);
	assert_int_equal(loads("[{\"key\": \"Impact\", \"max_score\": 10, "
	    "\"weight\": 100}]"), 0);
	assert_int_equal(loads("[{\"key\": \"a b\", \"max_score\": 10, "
	    "\"weight\": 100}]"), 0);
	assert_int_equal(loads("[{\"key\": \"a\", \"max_score\": 0, "
	    "\"weight\": 100}]"), 0);
	assert_int_equal(loads("[{\"key\": \"a\", \"max_score\": 10, "
	    "\"weight\": 0}]"), 0);
	assert_int_equal(loads("[{\"key\": \"a\", \"max_score\": \"10\", "
	    "\"weight\": 100}]"), 0);
	assert_int_equal(loads("[{\"key\": \"a\", \"max_score\": 10, "
	    "\"weight\": 50}, {\"key\": \"a\", \"max_score\": 5, "
	    "\"weight\": 50}]"), 0);
	assert_int_equal(loads("[{\"key\": \"abcdefghijabcdefghijabcdefghij"
	    "abcdefghij\", \"max_score\": 10, \"weight\": 100}]"), 1);
	assert_int_equal(loads("[{\"key\": \"abcdefghijabcdefghijabcdefghij"
	    "abcdefghijk\", \"max_score\": 10, \"weight\": 100}]"), 0);

	/* 100 criteria of weight 1 fit; 101 do not. */
	assert_int_equal(loads(many(buf, sizeof(buf), 100)), 1);
	assert_int_equal(loads(many(buf, sizeof(buf), 101)), 0);
}

/* The scores of a save through schema.c with the rubric's field table. */
static void
test_score_fields(void **state)
{
	struct review_rubric	 r;
	json_t			*errors, *v;

	(void)state;
	load(&r, rubric2);

	errors = json_object();
	v = js("{\"impact\": 10, \"feasibility\": null}");
	assert_int_equal(schema_validate_at(v, r.fields, "scores", errors), 1);
	assert_int_equal(json_object_size(errors), 0);
	json_decref(v);

	v = js("{\"impact\": 0}");
	assert_int_equal(schema_validate_at(v, r.fields, "scores", errors), 1);
	json_decref(v);
	v = js("{}");
	assert_int_equal(schema_validate_at(v, r.fields, "scores", errors), 1);
	json_decref(v);
	assert_int_equal(json_object_size(errors), 0);

	v = js("{\"impact\": 11, \"feasibility\": 7.5, \"team\": 3}");
	assert_int_equal(schema_validate_at(v, r.fields, "scores", errors), 0);
	assert_string_equal(err_of(errors, "scores.impact"),
	    "must be between 0 and 10");
	assert_string_equal(err_of(errors, "scores.feasibility"),
	    "must be an integer");
	assert_string_equal(err_of(errors, "scores.team"),
	    "is not a known field");
	assert_int_equal(json_object_size(errors), 3);
	json_decref(v);
	json_decref(errors);

	errors = json_object();
	v = js("{\"impact\": -1, \"feasibility\": \"7\"}");
	assert_int_equal(schema_validate_at(v, r.fields, "scores", errors), 0);
	assert_string_equal(err_of(errors, "scores.impact"),
	    "must be between 0 and 10");
	assert_string_equal(err_of(errors, "scores.feasibility"),
	    "must be an integer");
	json_decref(v);
	json_decref(errors);

	errors = json_object();
	v = js("{\"impact\": true, \"feasibility\": [1]}");
	assert_int_equal(schema_validate_at(v, r.fields, "scores", errors), 0);
	assert_int_equal(json_object_size(errors), 2);
	json_decref(v);
	json_decref(errors);
}

static void
test_merge(void **state)
{
	json_t	*w, *p, *m, *m2;

	(void)state;

	/* A first save: what is given, null for the rest. */
	p = js("{\"scores\": {\"impact\": 7}, "
	    "\"comment_committee\": \"Tốt\"}");
	m = review_merge(NULL, p);
	w = js("{\"scores\": {\"impact\": 7}, \"comment_applicant\": null, "
	    "\"comment_committee\": \"Tốt\", \"recommendation\": null}");
	assert_true(json_equal(m, w));
	json_decref(p);
	json_decref(w);

	/*
	 * Scores merge key by key (null is "cannot judge", kept as such);
	 * a part given replaces, null clears, a blank comment is none, a
	 * part not given stays.
	 */
	p = js("{\"scores\": {\"feasibility\": null, \"impact\": 8}, "
	    "\"comment_applicant\": \" \\n\", \"comment_committee\": null, "
	    "\"recommendation\": \"maybe\"}");
	m2 = review_merge(m, p);
	w = js("{\"scores\": {\"impact\": 8, \"feasibility\": null}, "
	    "\"comment_applicant\": null, \"comment_committee\": null, "
	    "\"recommendation\": \"maybe\"}");
	assert_true(json_equal(m2, w));
	json_decref(p);
	json_decref(w);
	json_decref(m);

	p = js("{}");
	m = review_merge(m2, p);
	assert_true(json_equal(m, m2));
	json_decref(m);
	json_decref(p);

	p = js("{\"comment_applicant\": \"  Kế hoạch rõ ràng  \"}");
	m = review_merge(m2, p);
	assert_string_equal(json_string_value(json_object_get(m,
	    "comment_applicant")), "  Kế hoạch rõ ràng  ");
	assert_string_equal(json_string_value(json_object_get(m,
	    "recommendation")), "maybe");
	json_decref(m);
	json_decref(p);
	json_decref(m2);
}

static void
progress_of(const struct review_rubric *r, const char *scores,
    struct review_progress *p)
{
	json_t	*v = js(scores);

	review_progress(r, v, p);
	json_decref(v);
}

static void
test_progress(void **state)
{
	struct review_rubric	r;
	struct review_progress	p;

	(void)state;
	load(&r, rubric2);

	/* Nothing yet: no total, both to do. */
	progress_of(&r, "{}", &p);
	assert_int_equal(p.criteria, 2);
	assert_int_equal(p.remaining, 2);
	assert_int_equal(p.scored, 0);
	assert_false(p.has_total);

	/* impact 7/10 alone: 70 over what is scored. */
	progress_of(&r, "{\"impact\": 7}", &p);
	assert_int_equal(p.scored, 1);
	assert_int_equal(p.remaining, 1);
	assert_true(p.has_total);
	assert_int_equal(p.total, 70 * (int64_t)U);

	/* The same with feasibility "cannot judge": re-weighted away. */
	progress_of(&r, "{\"impact\": 7, \"feasibility\": null}", &p);
	assert_int_equal(p.cannot_judge, 1);
	assert_int_equal(p.remaining, 0);
	assert_int_equal(p.total, 70 * (int64_t)U);

	/* 0.7 * 60 + 0.8 * 40 = 42 + 32 = 74. */
	progress_of(&r, "{\"impact\": 7, \"feasibility\": 8}", &p);
	assert_int_equal(p.scored, 2);
	assert_int_equal(p.total, 74 * (int64_t)U);

	/* Zeros are scores. */
	progress_of(&r, "{\"impact\": 0, \"feasibility\": 0}", &p);
	assert_true(p.has_total);
	assert_int_equal(p.total, 0);

	/* Every criterion "cannot judge": nothing to total. */
	progress_of(&r, "{\"impact\": null, \"feasibility\": null}", &p);
	assert_int_equal(p.cannot_judge, 2);
	assert_false(p.has_total);

	/* Values that are not scores count as still to do. */
	progress_of(&r, "{\"impact\": 11, \"feasibility\": \"8\"}", &p);
	assert_int_equal(p.remaining, 2);
	assert_false(p.has_total);
	progress_of(&r, "null", &p);
	assert_int_equal(p.remaining, 2);

	/*
	 * a 1/3 of weight 50 alone: 33.333333 (half away from zero at the
	 * micropoint); with b 7/7 (30): (50/3 + 30) / 80 * 100 = 58.333333;
	 * with c 5/5 too: 16.666667 + 30 + 20 = 66.666667.
	 */
	load(&r, rubric3);
	progress_of(&r, "{\"a\": 1}", &p);
	assert_int_equal(p.total, 33333333);
	assert_true(fabs(review_points(p.total) - 33.3) < 1e-9);
	progress_of(&r, "{\"a\": 1, \"b\": 7}", &p);
	assert_int_equal(p.total, 58333333);
	progress_of(&r, "{\"a\": 1, \"b\": 7, \"c\": 5}", &p);
	assert_int_equal(p.total, 66666667);
	assert_true(fabs(review_points(p.total) - 66.7) < 1e-9);
	/* 2/3 * 50 + 0 + 2/5 * 20 = 33.333333 + 8 = 41.333333. */
	progress_of(&r, "{\"a\": 2, \"b\": 0, \"c\": 2}", &p);
	assert_int_equal(p.total, 41333333);
}

static void
test_points(void **state)
{
	(void)state;
	assert_true(fabs(review_points(64450000) - 64.5) < 1e-9);
	assert_true(fabs(review_points(64449999) - 64.4) < 1e-9);
	assert_true(fabs(review_points(100 * (int64_t)U) - 100.0) < 1e-9);
	assert_true(fabs(review_points(0)) < 1e-9);
}

static void
check(const struct review_rubric *r, const char *working, json_t **errors)
{
	json_t	*w = js(working);

	*errors = json_object();
	review_submit_check(r, w, *errors);
	json_decref(w);
}

static void
test_submit_check(void **state)
{
	struct review_rubric	 r;
	json_t			*e;

	(void)state;
	load(&r, rubric3);

	/* Complete, one criterion "cannot judge": nothing to say. */
	check(&r, "{\"scores\": {\"a\": 3, \"b\": null, \"c\": 0}, "
	    "\"recommendation\": \"fund\"}", &e);
	assert_int_equal(json_object_size(e), 0);
	json_decref(e);

	/* Everything missing at once. */
	check(&r, "{\"scores\": {\"b\": 4}, \"recommendation\": null}", &e);
	assert_int_equal(json_object_size(e), 3);
	assert_string_equal(err_of(e, "scores.a"), "is required: a score from "
	    "0 to 3, or null for \"cannot judge\"");
	assert_string_equal(err_of(e, "scores.c"), "is required: a score from "
	    "0 to 5, or null for \"cannot judge\"");
	assert_string_equal(err_of(e, "recommendation"),
	    "is required: fund, maybe or reject");
	json_decref(e);

	/* Nothing at all. */
	check(&r, "{}", &e);
	assert_non_null(err_of(e, "scores.a"));
	assert_non_null(err_of(e, "scores.b"));
	assert_non_null(err_of(e, "scores.c"));
	assert_non_null(err_of(e, "recommendation"));
	assert_null(err_of(e, "scores"));
	json_decref(e);

	/* Every criterion "cannot judge". */
	check(&r, "{\"scores\": {\"a\": null, \"b\": null, \"c\": null}, "
	    "\"recommendation\": \"reject\"}", &e);
	assert_int_equal(json_object_size(e), 1);
	assert_string_equal(err_of(e, "scores"), "at least one criterion must "
	    "be scored: all are marked \"cannot judge\"");
	json_decref(e);

	/* A stored value that is no score is not an answer. */
	check(&r, "{\"scores\": {\"a\": 4, \"b\": 1, \"c\": 1}, "
	    "\"recommendation\": \"maybe\"}", &e);
	assert_int_equal(json_object_size(e), 1);
	assert_non_null(err_of(e, "scores.a"));
	json_decref(e);
}

/* A score as JSON: the number, or null for "cannot judge" (-1). */
static const char *
num(char *buf, int v)
{
	if (v < 0)
		return ("null");
	(void)snprintf(buf, 8, "%d", v);

	return (buf);
}

/* The running total is exactly the ranking's score of the review. */
static void
test_same_as_ranking(void **state)
{
	static const struct rank_criterion	crit[] = {
		{ 3, 50 }, { 7, 30 }, { 5, 20 }
	};
	struct review_rubric	r;
	struct review_progress	p;
	struct rank_call	call;
	char			buf[128], na[8], nb[8], nc[8];
	int			s[3], a, b, c, n;
	int64_t			want;

	(void)state;
	load(&r, rubric3);
	memset(&call, 0, sizeof(call));
	call.criteria = crit;
	call.ncriteria = 3;
	call.required = 1;

	n = 0;
	for (a = -1; a <= 3; a++) {
		for (b = -1; b <= 7; b++) {
			for (c = -1; c <= 5; c++) {
				s[0] = a < 0 ? RANK_CANNOT_JUDGE : a;
				s[1] = b < 0 ? RANK_CANNOT_JUDGE : b;
				s[2] = c < 0 ? RANK_CANNOT_JUDGE : c;
				(void)snprintf(buf, sizeof(buf), "{\"a\": %s, "
				    "\"b\": %s, \"c\": %s}", num(na, a),
				    num(nb, b), num(nc, c));
				progress_of(&r, buf, &p);
				if (rank_review_score(&call, s, &want) == 1) {
					assert_true(p.has_total);
					assert_int_equal(p.total, want);
					n++;
				} else
					assert_false(p.has_total);
			}
		}
	}
	assert_int_equal(n, 5 * 9 * 7 - 1);
}

int
unit_review(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_rubric_load),
		cmocka_unit_test(test_score_fields),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_progress),
		cmocka_unit_test(test_points),
		cmocka_unit_test(test_submit_check),
		cmocka_unit_test(test_same_as_ranking),
	};

	return (cmocka_run_group_tests_name("review", tests, NULL, NULL));
}
