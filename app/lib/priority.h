/*
 * Priority for poor, near-poor, hardship and disabled applicants, as pure
 * logic: the self-check's classification against a national poverty
 * standard, a call's priority policy and the points it gives, and the
 * checks of a call's rubric.  The numbers (poverty lines, bonuses, caps)
 * are data from the database; only the rules that combine them are here.
 */

#ifndef SEN_PRIORITY_H
#define SEN_PRIORITY_H

#include <stdint.h>

#include <jansson.h>

/* Priority categories, also indexes into a policy's bonus table. */
#define PRIORITY_INVALID	-2
#define PRIORITY_NONE		-1
#define PRIORITY_POOR		0
#define PRIORITY_NEAR_POOR	1
#define PRIORITY_HARDSHIP	2
#define PRIORITY_DISABILITY	3
#define PRIORITY_NCATEGORIES	4

/* A set of categories (e.g. the verified ones) as bits. */
#define PRIORITY_BIT(c)		(1u << (c))
#define PRIORITY_ALL		((1u << PRIORITY_NCATEGORIES) - 1)

#define PRIORITY_COMBINE_SUM	1	/* add the bonuses */
#define PRIORITY_COMBINE_MAX	2	/* take the largest */

#define PRIORITY_POINTS_MAX	100	/* bonuses and caps are 0..100 */
#define PRIORITY_INCOME_MAX	10000000000000LL	/* 10^13 VND */

#define RUBRIC_CRITERIA_MAX	20
#define RUBRIC_WEIGHT_TOTAL	100

/* One row of poverty_standards: the thresholds of a national period. */
struct poverty_standard {
	int64_t		income_line_vnd;	/* per person per month */
	int		poor_min_deprivations;
	int		deprivation_count;	/* indicators in all (12) */
};

/* A call's priority policy (calls.bonus_*, priority_*). */
struct priority_policy {
	int		bonus[PRIORITY_NCATEGORIES];
	int		combine;		/* PRIORITY_COMBINE_* */
	int		cap;
	int		reserved_share_pct;
};

int		priority_classify(const struct poverty_standard *, int64_t,
		    int);
int		priority_points(const struct priority_policy *, unsigned int);
const char	*priority_policy_check(const struct priority_policy *);

int		priority_category(const char *);
const char	*priority_category_name(int);
int		priority_combine(const char *);

const char	*priority_rubric_key_check(const char *);
int		priority_rubric_check(json_t *, const char *, json_t *);

#endif
