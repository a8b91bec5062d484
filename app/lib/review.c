/*
 * A review against its call's rubric (see review.h).  The weighted total
 * is the ranking's own (rank_review_score), so that what a reviewer sees
 * while scoring is exactly what her review will weigh in the ranking.
 */

#include <stdio.h>
#include <string.h>

#include "ranking.h"
#include "review.h"

static const char *const	review_parts[] = {
	"comment_applicant", "comment_committee", "recommendation", NULL
};

static int
key_valid(const char *k)
{
	size_t		i;

	if (k == NULL || k[0] < 'a' || k[0] > 'z')
		return (0);
	for (i = 0; k[i] != '\0'; i++) {
		if (i >= 40)
			return (0);
		if ((k[i] < 'a' || k[i] > 'z') && (k[i] < '0' || k[i] > '9') &&
		    k[i] != '_')
			return (0);
	}

	return (1);
}

/*
 * The rubric from [{"key", "max_score", "weight"}, ...] in its order.
 * 1 when it is usable, 0 when it is not (then r holds no criteria).
 */
int
review_rubric_load(struct review_rubric *r, json_t *criteria)
{
	struct review_criterion	*c;
	json_t			*v, *mx, *w;
	const char		*key;
	size_t			 i, j;

	memset(r, 0, sizeof(*r));
	if (!json_is_array(criteria) || json_array_size(criteria) == 0 ||
	    json_array_size(criteria) > REVIEW_CRITERIA_MAX)
		return (0);

	json_array_foreach(criteria, i, v) {
		key = json_string_value(json_object_get(v, "key"));
		mx = json_object_get(v, "max_score");
		w = json_object_get(v, "weight");
		if (!key_valid(key) || !json_is_integer(mx) ||
		    !json_is_integer(w) || json_integer_value(mx) < 1 ||
		    json_integer_value(mx) > 1000 ||
		    json_integer_value(w) < 1 || json_integer_value(w) > 100)
			goto bad;
		for (j = 0; j < i; j++) {
			if (!strcmp(r->c[j].key, key))
				goto bad;
		}
		c = &r->c[i];
		(void)snprintf(c->key, sizeof(c->key), "%s", key);
		c->max_score = (int)json_integer_value(mx);
		c->weight = (int)json_integer_value(w);

		r->fields[i].name = c->key;
		r->fields[i].type = SCHEMA_INT;
		r->fields[i].flags = SCHEMA_NULLABLE;
		r->fields[i].min = 0;
		r->fields[i].max = c->max_score;
	}
	r->n = json_array_size(criteria);

	return (1);

bad:
	memset(r, 0, sizeof(*r));
	return (0);
}

/* A blank comment is no comment. */
static json_t *
part_value(const char *name, json_t *v)
{
	const char	*s;

	if (v == NULL || json_is_null(v))
		return (json_null());
	if (strcmp(name, "recommendation") != 0 &&
	    (s = json_string_value(v)) != NULL) {
		for (; *s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'; s++)
			;
		if (*s == '\0')
			return (json_null());
	}

	return (json_incref(v));
}

/*
 * The working copy after a partial save: scores are merged criterion by
 * criterion, the comments and the recommendation replaced when the patch
 * has them (null clears).  working may be NULL (a new review).  Always
 * returns a new object with the four parts.
 */
json_t *
review_merge(json_t *working, json_t *patch)
{
	json_t		*out, *scores, *v;
	size_t		 i;

	out = json_object();
	scores = json_object();
	if (json_is_object(json_object_get(working, "scores")))
		(void)json_object_update(scores,
		    json_object_get(working, "scores"));
	if (json_is_object(json_object_get(patch, "scores")))
		(void)json_object_update(scores,
		    json_object_get(patch, "scores"));
	json_object_set_new(out, "scores", scores);

	for (i = 0; review_parts[i] != NULL; i++) {
		v = json_object_get(patch, review_parts[i]);
		if (v == NULL)
			v = json_object_get(working, review_parts[i]);
		json_object_set_new(out, review_parts[i],
		    part_value(review_parts[i], v));
	}

	return (out);
}

/*
 * How far a review is: criteria scored, marked "cannot judge", still to
 * do, and the weighted total on 0-100 over the scored criteria (the
 * others re-weighted away, as in the ranking).  A value that is not a
 * valid score counts as still to do.
 */
void
review_progress(const struct review_rubric *r, json_t *scores,
    struct review_progress *p)
{
	struct rank_criterion	crit[RANK_CRITERIA_MAX];
	struct rank_call	call;
	int			vals[RANK_CRITERIA_MAX];
	json_t			*v;
	json_int_t		n;
	size_t			i;
	int			rankable;

	memset(p, 0, sizeof(*p));
	p->criteria = r->n;
	rankable = r->n > 0 && r->n <= RANK_CRITERIA_MAX;

	for (i = 0; i < r->n; i++) {
		v = json_is_object(scores) ?
		    json_object_get(scores, r->c[i].key) : NULL;
		if (rankable) {
			crit[i].max_score = r->c[i].max_score;
			crit[i].weight = r->c[i].weight;
			vals[i] = RANK_CANNOT_JUDGE;
		}
		if (v != NULL && json_is_null(v)) {
			p->cannot_judge++;
			continue;
		}
		if (!json_is_integer(v) || (n = json_integer_value(v)) < 0 ||
		    n > r->c[i].max_score) {
			p->remaining++;
			continue;
		}
		p->scored++;
		if (rankable)
			vals[i] = (int)n;
	}

	if (p->scored == 0 || !rankable)
		return;

	memset(&call, 0, sizeof(call));
	call.criteria = crit;
	call.ncriteria = r->n;
	call.required = 1;
	if (rank_review_score(&call, vals, &p->total) == 1)
		p->has_total = 1;
}

/* Micropoints as points with one decimal, as the ranking shows them. */
double
review_points(int64_t micro)
{
	return ((double)rank_round_tenths(micro) / 10.0);
}

/*
 * What a submission needs, every problem at once in errors: each
 * criterion scored or marked "cannot judge" (null), not all of them
 * "cannot judge", and a recommendation.
 */
void
review_submit_check(const struct review_rubric *r, json_t *working,
    json_t *errors)
{
	struct review_progress	 p;
	json_t			*scores, *v;
	json_int_t		 n;
	char			 path[REVIEW_KEY_MAX + 8], msg[128];
	size_t			 i;

	scores = json_object_get(working, "scores");
	for (i = 0; i < r->n; i++) {
		v = json_is_object(scores) ?
		    json_object_get(scores, r->c[i].key) : NULL;
		if (v != NULL && (json_is_null(v) || (json_is_integer(v) &&
		    (n = json_integer_value(v)) >= 0 &&
		    n <= r->c[i].max_score)))
			continue;
		(void)snprintf(path, sizeof(path), "scores.%s", r->c[i].key);
		(void)snprintf(msg, sizeof(msg), "is required: a score from "
		    "0 to %d, or null for \"cannot judge\"",
		    r->c[i].max_score);
		json_object_set_new(errors, path, json_string(msg));
	}

	review_progress(r, scores, &p);
	if (p.criteria > 0 && p.cannot_judge == p.criteria)
		json_object_set_new(errors, "scores", json_string(
		    "at least one criterion must be scored: all are marked "
		    "\"cannot judge\""));

	if (!json_is_string(json_object_get(working, "recommendation")))
		json_object_set_new(errors, "recommendation", json_string(
		    "is required: fund, maybe or reject"));
}
