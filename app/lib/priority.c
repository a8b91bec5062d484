/*
 * Priority: who may claim what, and what a verified claim is worth.
 *
 * The self-check follows Decree 07/2021/NĐ-CP: a household whose monthly
 * income per person is at or below the line of its area is poor with at
 * least poor_min_deprivations of the basic-service deprivations, and
 * near-poor with fewer.  Above the line it is neither (a "hardship"
 * household is certified by the ward, not computed).  The line and the
 * minimum come from the standard in force, never from this file.
 */

#include <stdio.h>
#include <string.h>

#include "priority.h"

static const char *const	category_names[PRIORITY_NCATEGORIES] = {
	"poor", "near_poor", "hardship", "disability"
};

/*
 * PRIORITY_POOR, PRIORITY_NEAR_POOR or PRIORITY_NONE; PRIORITY_INVALID
 * when the standard or the answers make no sense (negative income, more
 * deprivations than the standard has indicators).
 */
int
priority_classify(const struct poverty_standard *std, int64_t income,
    int deprivations)
{
	if (std == NULL || std->income_line_vnd <= 0 ||
	    std->deprivation_count <= 0 || std->poor_min_deprivations < 1 ||
	    std->poor_min_deprivations > std->deprivation_count)
		return (PRIORITY_INVALID);
	if (income < 0 || income > PRIORITY_INCOME_MAX || deprivations < 0 ||
	    deprivations > std->deprivation_count)
		return (PRIORITY_INVALID);

	if (income > std->income_line_vnd)
		return (PRIORITY_NONE);
	if (deprivations >= std->poor_min_deprivations)
		return (PRIORITY_POOR);

	return (PRIORITY_NEAR_POOR);
}

/* NULL when the policy is usable, else the name of what is wrong. */
const char *
priority_policy_check(const struct priority_policy *p)
{
	int	c;

	if (p == NULL)
		return ("policy");
	for (c = 0; c < PRIORITY_NCATEGORIES; c++) {
		if (p->bonus[c] < 0 || p->bonus[c] > PRIORITY_POINTS_MAX)
			return ("bonus");
	}
	if (p->combine != PRIORITY_COMBINE_SUM &&
	    p->combine != PRIORITY_COMBINE_MAX)
		return ("combine");
	if (p->cap < 0 || p->cap > PRIORITY_POINTS_MAX)
		return ("cap");
	if (p->reserved_share_pct < 0 || p->reserved_share_pct > 100)
		return ("reserved_share_pct");

	return (NULL);
}

/*
 * The points that verified categories earn under a policy: their bonuses
 * added or the largest taken, then capped.  Only verified categories may
 * ever be passed in; claimed-but-unverified ones earn nothing by
 * construction.  -1 for an unusable policy or unknown bits.
 */
int
priority_points(const struct priority_policy *p, unsigned int verified)
{
	int	c, points;

	if (priority_policy_check(p) != NULL || (verified & ~PRIORITY_ALL))
		return (-1);

	points = 0;
	for (c = 0; c < PRIORITY_NCATEGORIES; c++) {
		if (!(verified & PRIORITY_BIT(c)))
			continue;
		if (p->combine == PRIORITY_COMBINE_SUM)
			points += p->bonus[c];
		else if (p->bonus[c] > points)
			points = p->bonus[c];
	}

	return (points > p->cap ? p->cap : points);
}

/* "poor" → PRIORITY_POOR, ...; PRIORITY_INVALID when unknown. */
int
priority_category(const char *name)
{
	int	c;

	if (name == NULL)
		return (PRIORITY_INVALID);
	for (c = 0; c < PRIORITY_NCATEGORIES; c++) {
		if (!strcmp(category_names[c], name))
			return (c);
	}

	return (PRIORITY_INVALID);
}

/* "none" for PRIORITY_NONE, NULL when out of range. */
const char *
priority_category_name(int c)
{
	if (c == PRIORITY_NONE)
		return ("none");
	if (c < 0 || c >= PRIORITY_NCATEGORIES)
		return (NULL);

	return (category_names[c]);
}

/* "sum" / "max" → PRIORITY_COMBINE_*, 0 when unknown. */
int
priority_combine(const char *name)
{
	if (name == NULL)
		return (0);
	if (!strcmp(name, "sum"))
		return (PRIORITY_COMBINE_SUM);
	if (!strcmp(name, "max"))
		return (PRIORITY_COMBINE_MAX);

	return (0);
}

/*
 * A rubric criterion's key, ^[a-z][a-z0-9_]{0,39}$: it names the score in
 * reviews and exports, so it stays plain ASCII.  A schema check.
 */
const char *
priority_rubric_key_check(const char *s)
{
	size_t	i;

	if (s[0] < 'a' || s[0] > 'z')
		return ("must start with a lower-case letter a-z");
	for (i = 1; s[i] != '\0'; i++) {
		if ((s[i] < 'a' || s[i] > 'z') &&
		    (s[i] < '0' || s[i] > '9') && s[i] != '_')
			return ("may hold only a-z, 0-9 and _");
	}
	if (i > 40)
		return ("must be at most 40 characters");

	return (NULL);
}

static void
rubric_error(json_t *errors, const char *path, const char *msg)
{
	if (json_object_get(errors, path) == NULL)
		json_object_set_new(errors, path, json_string(msg));
}

/*
 * What a field table cannot say about a rubric (an array of criteria
 * {key, label, max_score, weight}): keys are unique and the weights sum
 * to exactly 100.  Errors go to errors under path ("rubric") and
 * path[i].key; returns 1 when the rubric is fine.  Items that are not
 * objects or lack a field were reported by the schema and are skipped
 * here, except that the weights cannot then be judged.
 */
int
priority_rubric_check(json_t *rubric, const char *path, json_t *errors)
{
	json_t		*item, *other, *w;
	const char	*key, *okey;
	size_t		i, j, n;
	int64_t		total;
	int		ok, complete;
	char		sub[128], msg[96];

	if (!json_is_array(rubric)) {
		rubric_error(errors, path, "must be an array");
		return (0);
	}

	n = json_array_size(rubric);
	if (n < 1 || n > RUBRIC_CRITERIA_MAX) {
		(void)snprintf(msg, sizeof(msg),
		    "must have between 1 and %d criteria", RUBRIC_CRITERIA_MAX);
		rubric_error(errors, path, msg);
		return (0);
	}

	ok = 1;
	complete = 1;
	total = 0;
	json_array_foreach(rubric, i, item) {
		w = json_object_get(item, "weight");
		if (json_is_integer(w))
			total += json_integer_value(w);
		else
			complete = 0;

		key = json_string_value(json_object_get(item, "key"));
		if (key == NULL)
			continue;
		for (j = 0; j < i; j++) {
			other = json_array_get(rubric, j);
			okey = json_string_value(json_object_get(other, "key"));
			if (okey == NULL || strcmp(okey, key) != 0)
				continue;
			(void)snprintf(sub, sizeof(sub), "%s[%zu].key", path, i);
			rubric_error(errors, sub,
			    "is already used by another criterion");
			ok = 0;
			break;
		}
	}

	if (complete && total != RUBRIC_WEIGHT_TOTAL) {
		(void)snprintf(msg, sizeof(msg),
		    "weights must sum to %d (they sum to %lld)",
		    RUBRIC_WEIGHT_TOTAL, (long long)total);
		rubric_error(errors, path, msg);
		ok = 0;
	}

	return (ok && complete);
}
