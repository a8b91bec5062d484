/*
 * The compatibility of a mentor with a mentee (see compat.h).  Every part
 * is a fraction num/den of its weight's points, rounded half up with
 * integers only, so that the same inputs give the same points on every
 * machine, and the score is their sum.
 */

#include <string.h>

#include "compat.h"

static int
bits(uint32_t x)
{
	return (__builtin_popcount(x));
}

/* weight x COMPAT_SCALE x num / den, rounded half up; den > 0. */
static int
share(int weight, int num, int den)
{
	int64_t		p;

	p = (int64_t)weight * COMPAT_SCALE * num;

	return ((int)((2 * p + den) / (2 * (int64_t)den)));
}

/* 1 when every weight is within range and they sum to 100. */
int
compat_weights_check(const struct compat_weights *w)
{
	int	i, sum;

	sum = 0;
	for (i = 0; i < COMPAT_PARTS; i++) {
		if (w->w[i] < 0 || w->w[i] > COMPAT_WEIGHT_MAX)
			return (0);
		sum += w->w[i];
	}

	return (sum == COMPAT_WEIGHT_MAX);
}

void
compat_score(const struct compat_weights *w, const struct compat_mentee *ee,
    const struct compat_mentor *tor, struct compat_result *r)
{
	int	i, need;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < COMPAT_PARTS; i++)
		r->max[i] = w->w[i] * COMPAT_SCALE;

	/* Sector: known and shared, or nothing. */
	r->sector_fit = ee->sector != 0 && (ee->sector & tor->sectors) != 0;
	if (r->sector_fit)
		r->points[COMPAT_SECTOR] = r->max[COMPAT_SECTOR];

	/* Skills: the share of her needs that the mentor covers. */
	r->covered = ee->needs & tor->skills;
	r->missing = ee->needs & ~tor->skills;
	need = bits(ee->needs);
	if (need == 0)
		r->points[COMPAT_SKILLS] = share(w->w[COMPAT_SKILLS],
		    COMPAT_SKILLS_NONE, 1000);
	else
		r->points[COMPAT_SKILLS] = share(w->w[COMPAT_SKILLS],
		    bits(r->covered), need);

	/* Place: the best of her ward, a ward nearby, remote. */
	if (ee->ward >= 0 && ee->ward < 32 &&
	    (tor->wards & ((uint32_t)1 << ee->ward)) != 0)
		r->place = COMPAT_AT_SAME;
	else if ((ee->nearby & tor->wards) != 0)
		r->place = COMPAT_AT_NEAR;
	else if (tor->remote)
		r->place = COMPAT_AT_REMOTE;
	else
		r->place = COMPAT_AT_NONE;
	switch (r->place) {
	case COMPAT_AT_SAME:
		r->points[COMPAT_PLACE] = share(w->w[COMPAT_PLACE],
		    COMPAT_PLACE_SAME, 1000);
		break;
	case COMPAT_AT_NEAR:
		r->points[COMPAT_PLACE] = share(w->w[COMPAT_PLACE],
		    COMPAT_PLACE_NEAR, 1000);
		break;
	case COMPAT_AT_REMOTE:
		r->points[COMPAT_PLACE] = share(w->w[COMPAT_PLACE],
		    COMPAT_PLACE_REMOTE, 1000);
		break;
	}

	r->language_fit = (ee->language & tor->languages) != 0;
	if (r->language_fit)
		r->points[COMPAT_LANGUAGE] = r->max[COMPAT_LANGUAGE];

	/* Availability: any time in common; she may not have said. */
	r->times = tor->availability &
	    (ee->availability != 0 ? ee->availability : ~(uint32_t)0);
	if (r->times != 0)
		r->points[COMPAT_AVAILABILITY] = r->max[COMPAT_AVAILABILITY];

	for (i = 0; i < COMPAT_PARTS; i++)
		r->score += r->points[i];
}

int
compat_points(const struct compat_weights *w, const struct compat_mentee *ee,
    const struct compat_mentor *tor)
{
	struct compat_result	r;

	compat_score(w, ee, tor, &r);

	return (r.score);
}

const char *
compat_part_name(int part)
{
	switch (part) {
	case COMPAT_SECTOR:
		return ("sector");
	case COMPAT_SKILLS:
		return ("skills");
	case COMPAT_PLACE:
		return ("place");
	case COMPAT_LANGUAGE:
		return ("language");
	case COMPAT_AVAILABILITY:
		return ("availability");
	}

	return ("unknown");
}

const char *
compat_place_name(int place)
{
	switch (place) {
	case COMPAT_AT_SAME:
		return ("same_ward");
	case COMPAT_AT_NEAR:
		return ("nearby_ward");
	case COMPAT_AT_REMOTE:
		return ("remote");
	}

	return ("none");
}
