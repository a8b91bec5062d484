/*
 * compat.c: the compatibility of a mentor with a mentee.  Hand-computed
 * cases for each part and the rounding, the weights' rule, and random
 * cases for what must always hold: the parts sum exactly to the score,
 * each stays within its maximum, and more of what she needs never lowers
 * the score.
 */

#include <string.h>

#include "unit.h"
#include "lib/compat.h"

#define B(n)	((uint32_t)1 << (n))

static const struct compat_weights	dflt = { { 30, 30, 15, 15, 10 } };

static uint64_t	rng_state;

static uint32_t
rng(void)
{
	rng_state = rng_state * 6364136223846793005ULL +
	    1442695040888963407ULL;
	return ((uint32_t)(rng_state >> 33));
}

/* She sells food in ward 3 (4 and 5 nearby), needs skills 0 and 1. */
static struct compat_mentee
mentee(void)
{
	struct compat_mentee	e;

	memset(&e, 0, sizeof(e));
	e.sector = B(0);
	e.needs = B(0) | B(1);
	e.ward = 3;
	e.nearby = B(4) | B(5);
	e.language = B(0);
	e.availability = 0;

	return (e);
}

static struct compat_mentor
perfect(void)
{
	struct compat_mentor	t;

	memset(&t, 0, sizeof(t));
	t.sectors = B(0) | B(2);
	t.skills = B(0) | B(1) | B(7);
	t.wards = B(3);
	t.remote = 1;
	t.languages = B(0) | B(1);
	t.availability = B(2);

	return (t);
}

static int
sum(const struct compat_result *r)
{
	int	i, s;

	for (s = 0, i = 0; i < COMPAT_PARTS; i++)
		s += r->points[i];

	return (s);
}

static void
test_weights(void **state)
{
	struct compat_weights	w;

	assert_true(compat_weights_check(&dflt));
	w = dflt;
	w.w[0] = 31;
	assert_false(compat_weights_check(&w));		/* 101 */
	w.w[0] = 29;
	assert_false(compat_weights_check(&w));		/* 99 */
	memset(&w, 0, sizeof(w));
	w.w[COMPAT_LANGUAGE] = 100;
	assert_true(compat_weights_check(&w));
	w.w[COMPAT_LANGUAGE] = 101;
	w.w[COMPAT_SECTOR] = -1;
	assert_false(compat_weights_check(&w));		/* sums to 100 */
	memset(&w, 0, sizeof(w));
	assert_false(compat_weights_check(&w));
}

static void
test_perfect(void **state)
{
	struct compat_mentee	e = mentee();
	struct compat_mentor	t = perfect();
	struct compat_result	r;
	int			i;

	compat_score(&dflt, &e, &t, &r);
	assert_int_equal(r.score, COMPAT_SCORE_MAX);
	for (i = 0; i < COMPAT_PARTS; i++) {
		assert_int_equal(r.max[i], dflt.w[i] * COMPAT_SCALE);
		assert_int_equal(r.points[i], r.max[i]);
	}
	assert_true(r.sector_fit);
	assert_true(r.language_fit);
	assert_int_equal(r.covered, B(0) | B(1));
	assert_int_equal(r.missing, 0);
	assert_int_equal(r.place, COMPAT_AT_SAME);
	assert_int_equal(r.times, B(2));
	assert_int_equal(compat_points(&dflt, &e, &t), r.score);
}

static void
test_parts(void **state)
{
	struct compat_mentee	e = mentee();
	struct compat_mentor	t;
	struct compat_result	r;

	/* Another sector, one of her two needs, nearby, no common time. */
	t = perfect();
	t.sectors = B(5);
	t.skills = B(1);
	t.wards = B(5);
	t.remote = 0;
	e.availability = B(0);
	compat_score(&dflt, &e, &t, &r);
	assert_false(r.sector_fit);
	assert_int_equal(r.points[COMPAT_SECTOR], 0);
	assert_int_equal(r.points[COMPAT_SKILLS], 150);
	assert_int_equal(r.covered, B(1));
	assert_int_equal(r.missing, B(0));
	assert_int_equal(r.place, COMPAT_AT_NEAR);
	assert_int_equal(r.points[COMPAT_PLACE], 105);	/* 150 x 0.7 */
	assert_int_equal(r.points[COMPAT_LANGUAGE], 150);
	assert_int_equal(r.times, 0);
	assert_int_equal(r.points[COMPAT_AVAILABILITY], 0);
	assert_int_equal(r.score, 0 + 150 + 105 + 150 + 0);

	/* Remote only: half the place; and not her language. */
	t.wards = B(9);
	t.remote = 1;
	t.languages = B(3);
	compat_score(&dflt, &e, &t, &r);
	assert_int_equal(r.place, COMPAT_AT_REMOTE);
	assert_int_equal(r.points[COMPAT_PLACE], 75);
	assert_false(r.language_fit);
	assert_int_equal(r.points[COMPAT_LANGUAGE], 0);

	/* Neither her ward, nor near, nor remote. */
	t.remote = 0;
	compat_score(&dflt, &e, &t, &r);
	assert_int_equal(r.place, COMPAT_AT_NONE);
	assert_int_equal(r.points[COMPAT_PLACE], 0);

	/* Her own ward wins over a ward nearby. */
	t.wards = B(3) | B(4);
	compat_score(&dflt, &e, &t, &r);
	assert_int_equal(r.place, COMPAT_AT_SAME);

	/* Outside the district: no ward of hers, only remote counts. */
	e.ward = COMPAT_NO_WARD;
	e.nearby = 0;
	compat_score(&dflt, &e, &t, &r);
	assert_int_equal(r.place, COMPAT_AT_NONE);
	t.remote = 1;
	compat_score(&dflt, &e, &t, &r);
	assert_int_equal(r.place, COMPAT_AT_REMOTE);
}

/* She asked for nothing: every mentor gets half the skills part. */
static void
test_no_needs(void **state)
{
	struct compat_mentee	e = mentee();
	struct compat_mentor	t = perfect();
	struct compat_result	r, r2;

	e.needs = 0;
	compat_score(&dflt, &e, &t, &r);
	assert_int_equal(r.points[COMPAT_SKILLS], 150);
	assert_int_equal(r.covered, 0);
	assert_int_equal(r.missing, 0);
	t.skills = B(12);
	compat_score(&dflt, &e, &t, &r2);
	assert_int_equal(r2.points[COMPAT_SKILLS], 150);

	/* An unknown sector fits no mentor. */
	e.sector = 0;
	t.sectors = ~(uint32_t)0;
	compat_score(&dflt, &e, &t, &r);
	assert_false(r.sector_fit);
	assert_int_equal(r.points[COMPAT_SECTOR], 0);
}

/* Shares round half up, on integers. */
static void
test_rounding(void **state)
{
	struct compat_weights	w = { { 25, 25, 15, 25, 10 } };
	struct compat_mentee	e = mentee();
	struct compat_mentor	t = perfect();
	struct compat_result	r;

	assert_true(compat_weights_check(&w));
	e.needs = B(0) | B(1) | B(2);
	t.skills = B(0);
	compat_score(&w, &e, &t, &r);
	assert_int_equal(r.points[COMPAT_SKILLS], 83);	/* 250 / 3 */
	t.skills = B(0) | B(1);
	compat_score(&w, &e, &t, &r);
	assert_int_equal(r.points[COMPAT_SKILLS], 167);	/* 500 / 3 */

	/* 150 x 1/8 = 18.75 → 19; 150 x 0.7 = 105; 150 x 0.5 = 75. */
	w.w[COMPAT_SKILLS] = 15;
	w.w[COMPAT_LANGUAGE] = 35;
	e.needs = 0xff;
	t.skills = B(0);
	compat_score(&w, &e, &t, &r);
	assert_int_equal(r.points[COMPAT_SKILLS], 19);
	assert_int_equal(r.score, sum(&r));

	/* A ward nearby: 7 x 10 x 0.7 = 49; remote: 5 x 10 x 0.5 = 25. */
	w.w[COMPAT_PLACE] = 7;
	w.w[COMPAT_AVAILABILITY] = 18;
	t.wards = B(4);
	compat_score(&w, &e, &t, &r);
	assert_int_equal(r.points[COMPAT_PLACE], 49);
	w.w[COMPAT_PLACE] = 5;
	w.w[COMPAT_AVAILABILITY] = 20;
	t.wards = 0;
	compat_score(&w, &e, &t, &r);
	assert_int_equal(r.points[COMPAT_PLACE], 25);
	assert_int_equal(r.score, sum(&r));
}

static void
random_weights(struct compat_weights *w)
{
	int	i, left;

	left = COMPAT_WEIGHT_MAX;
	for (i = 0; i < COMPAT_PARTS - 1; i++) {
		w->w[i] = (int)(rng() % (uint32_t)(left + 1));
		left -= w->w[i];
	}
	w->w[COMPAT_PARTS - 1] = left;
}

/*
 * For many random pairs and weights: the parts sum exactly to the score,
 * each part within [0, max], the score within [0, 1000]; and adding a
 * skill she needs, her ward, her language, a common time or her sector
 * to the mentor never lowers the score.
 */
static void
test_random(void **state)
{
	struct compat_weights	w;
	struct compat_mentee	e;
	struct compat_mentor	t, u;
	struct compat_result	r, r2;
	int			k, i, need;

	rng_state = 42;
	for (k = 0; k < 200000; k++) {
		random_weights(&w);
		assert_true(compat_weights_check(&w));
		memset(&e, 0, sizeof(e));
		e.sector = rng() % 8 ? B(rng() % 11) : 0;
		e.needs = rng() & 0x3fff & (rng() | rng());
		e.ward = rng() % 10 ? (int)(rng() % 18) : COMPAT_NO_WARD;
		e.nearby = e.ward >= 0 ? (rng() & 0x3ffff) & ~B(e.ward) : 0;
		e.language = B(rng() % 7);
		e.availability = rng() % 2 ? rng() & 7 : 0;
		t.sectors = rng() & 0x7ff;
		t.skills = rng() & 0x3fff;
		t.wards = rng() & 0x3ffff & rng();
		t.remote = rng() % 2;
		t.languages = rng() & 0x7f;
		t.availability = rng() & 7;

		compat_score(&w, &e, &t, &r);
		assert_int_equal(r.score, sum(&r));
		assert_int_equal(r.score, compat_points(&w, &e, &t));
		assert_true(r.score >= 0 && r.score <= COMPAT_SCORE_MAX);
		for (i = 0; i < COMPAT_PARTS; i++) {
			assert_int_equal(r.max[i], w.w[i] * COMPAT_SCALE);
			assert_true(r.points[i] >= 0);
			assert_true(r.points[i] <= r.max[i]);
		}
		assert_int_equal(r.covered | r.missing, e.needs);
		assert_int_equal(r.covered & r.missing, 0);
		need = __builtin_popcount(e.needs);
		if (need > 0 && r.missing == 0)
			assert_int_equal(r.points[COMPAT_SKILLS],
			    r.max[COMPAT_SKILLS]);

		u = t;
		switch (rng() % 5) {
		case 0:
			u.skills |= e.needs & (rng() | rng());
			break;
		case 1:
			if (e.ward >= 0)
				u.wards |= B(e.ward);
			break;
		case 2:
			u.languages |= e.language;
			break;
		case 3:
			u.availability |= e.availability ?
			    e.availability & (rng() | 1) : B(rng() % 3);
			break;
		default:
			u.sectors |= e.sector;
			break;
		}
		compat_score(&w, &e, &u, &r2);
		assert_true(r2.score >= r.score);
	}
}

static void
test_names(void **state)
{
	assert_string_equal(compat_part_name(COMPAT_SECTOR), "sector");
	assert_string_equal(compat_part_name(COMPAT_SKILLS), "skills");
	assert_string_equal(compat_part_name(COMPAT_PLACE), "place");
	assert_string_equal(compat_part_name(COMPAT_LANGUAGE), "language");
	assert_string_equal(compat_part_name(COMPAT_AVAILABILITY),
	    "availability");
	assert_string_equal(compat_part_name(99), "unknown");
	assert_string_equal(compat_place_name(COMPAT_AT_SAME), "same_ward");
	assert_string_equal(compat_place_name(COMPAT_AT_NEAR), "nearby_ward");
	assert_string_equal(compat_place_name(COMPAT_AT_REMOTE), "remote");
	assert_string_equal(compat_place_name(COMPAT_AT_NONE), "none");
}

int
unit_compat(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_weights),
		cmocka_unit_test(test_perfect),
		cmocka_unit_test(test_parts),
		cmocka_unit_test(test_no_needs),
		cmocka_unit_test(test_rounding),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_names),
	};

	return (cmocka_run_group_tests_name("compat", tests, NULL, NULL));
}
