/*
 * A review against its call's rubric, without Kore or the database: the
 * field table a review's scores are checked with, merging a partial save
 * into the working copy, the progress of a review being scored (its
 * running weighted total on 0-100 over the criteria scored so far) and
 * the checks of a submission.
 *
 * Scores are a JSON object keyed by criterion: an integer from 0 to the
 * criterion's maximum, or null for "cannot judge"; a criterion not in the
 * object is not scored yet.
 */

#ifndef SEN_LIB_REVIEW_H
#define SEN_LIB_REVIEW_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "schema.h"

/* Weights are at least 1 and sum to 100: at most 100 criteria. */
#define REVIEW_CRITERIA_MAX	100
#define REVIEW_KEY_MAX		48	/* keys have at most 40 */
#define REVIEW_COMMENT_MAX	5000

struct review_criterion {
	char	key[REVIEW_KEY_MAX];
	int	max_score;
	int	weight;
};

struct review_rubric {
	struct review_criterion	c[REVIEW_CRITERIA_MAX];
	size_t			n;
	/* One nullable integer field per criterion, for schema_validate. */
	struct schema_field	fields[REVIEW_CRITERIA_MAX + 1];
};

struct review_progress {
	size_t		criteria;
	size_t		scored;
	size_t		cannot_judge;
	size_t		remaining;	/* not scored, not "cannot judge" */
	int		has_total;	/* a criterion is scored */
	int64_t		total;		/* micropoints, 0-100 */
};

int	review_rubric_load(struct review_rubric *, json_t *);
json_t	*review_merge(json_t *, json_t *);
void	review_progress(const struct review_rubric *, json_t *,
	    struct review_progress *);
double	review_points(int64_t);
void	review_submit_check(const struct review_rubric *, json_t *,
	    json_t *);

#endif
